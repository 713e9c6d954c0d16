r"""Batch sources: folders (recursive), zip archives and manifests, streamed one photo at a time.

Every file found is an item, including ones that are not photos: those are reported by the
engine as unreadable, never silently skipped. Names are kept losslessly: bytes that are not
UTF-8 (a legacy Windows or Mac archive copied to Linux) are written `\xNN`, and a backslash
`\\`, so no two files share a name in the results. A zip archive is read in one pass; an
entry larger than the profile's `max_zip_entry_bytes`, or compressed more than its
`max_zip_ratio` times (no photo compresses so; a zip bomb does), is refused unread, and entries stored under the same
name are kept apart (`name#2`).
"""

from __future__ import annotations

import csv
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..decode import FileLimits

class ItemError(OSError):
    """An item that cannot be read, with a stable code for the results."""

    def __init__(self, code: str, message: str, **values):
        super().__init__(message)
        self.code = code
        self.message = message  # the engine's English note, for logs
        self.values = values  # the numbers its text in [problems] names


@dataclass(frozen=True)
class Item:
    path: str  # how the photo is named in results: source label + path inside it
    relative: str  # safe relative path, used for DIR/fixed/
    read: Callable[[], bytes]


class SourceError(Exception):
    """A SOURCE argument that is not a folder, a zip archive or a manifest."""


def source_kind(source: str) -> str:
    """"folder", "zip" or "manifest"; SourceError for anything else (checked before any work)."""
    path = Path(source)
    if path.is_dir():
        return "folder"
    if path.is_file() and zipfile.is_zipfile(path):
        return "zip"
    if path.is_file() and path.suffix.lower() in (".txt", ".csv", ".lst"):
        return "manifest"
    reason = "does not exist" if not path.exists() else "is not a folder, a zip archive or a .txt/.csv manifest"
    raise SourceError(f"{source}: {reason}")


def iter_items(sources: list[str], limits: FileLimits) -> Iterator[Item]:
    """`limits`: the profile's file limits (zip entries are capped by them before reading)."""
    for source, label in zip(sources, _labels(sources), strict=True):
        kind, path = source_kind(source), Path(source)
        if kind == "zip":
            yield from _zip(path, label, limits)
        else:
            yield from (_folder if kind == "folder" else _manifest)(path, label)


def count_items(sources: list[str]) -> int:
    total = 0
    for source in sources:
        kind, path = source_kind(source), Path(source)
        if kind == "folder":
            total += sum(len(files) for _, _, files in os.walk(path))
        elif kind == "zip":
            with zipfile.ZipFile(path) as archive:
                total += sum(1 for info in archive.infolist() if not info.is_dir())
        else:
            total += sum(1 for _ in _manifest_paths(path))
    return total


def lossless(name: str) -> str:
    """A name as text that encodes to UTF-8, distinct for distinct names: undecodable bytes
    (surrogate escapes from the file system) become `\\xNN`, and a backslash is doubled."""
    text = name.replace("\\", "\\\\")
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def safe_relative(name: str) -> str:
    """A relative POSIX path with no absolute root, drive or '..' (zip-slip safe)."""
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    parts = [p.replace(":", "_") for p in parts]
    return "/".join(parts) or "unnamed"


def _labels(sources: list[str]) -> list[str]:
    """With one source, paths are relative to it; with several, each is prefixed by its name."""
    if len(sources) == 1:
        return [""]
    names = [Path(s).name or "source" for s in sources]
    return [f"{n}#{i}" if names.count(n) > 1 else n for i, n in enumerate(names)]


def _join(label: str, relative: str) -> str:
    return f"{label}/{relative.lstrip('/')}" if label else relative


def _item(path: str, read: Callable[[], bytes]) -> Item:
    text = lossless(path)
    return Item(text, safe_relative(text.replace("\\", "%")), read)


def _folder(root: Path, label: str) -> Iterator[Item]:
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            full = Path(directory) / name
            yield _item(_join(label, full.relative_to(root).as_posix()), full.read_bytes)


def _zip(archive_path: Path, label: str, limits: FileLimits) -> Iterator[Item]:
    """One pass over one open archive: each item is read before the next is listed."""
    seen: dict[str, int] = {}
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            seen[info.filename] = seen.get(info.filename, 0) + 1
            name = info.filename
            if seen[name] > 1:  # the same name stored twice: both are reported, apart
                stem, dot, suffix = name.rpartition(".")
                name = f"{stem}#{seen[info.filename]}.{suffix}" if dot else f"{name}#{seen[info.filename]}"
            yield _item(_join(label, name), lambda info=info: _read_entry(archive, info, limits))


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: FileLimits) -> bytes:
    """The entry's bytes, refused before reading when its header promises more than a photo
    holds, and cut off when the data holds more than the header said."""
    cap = limits.max_zip_entry_bytes
    too_large = ItemError("too_large", f"The archive entry is larger than {cap // 1_048_576} MB.", limit_mb=cap // 1_048_576)
    if info.file_size > cap:
        raise too_large
    if info.file_size > limits.max_zip_ratio * max(info.compress_size, 1) and info.file_size > 1_048_576:
        ratio = info.file_size // max(info.compress_size, 1)
        raise ItemError("zip_bomb", f"The archive entry is compressed {ratio} times; no photo is.", ratio=ratio)
    try:
        with archive.open(info) as entry:
            data = entry.read(cap + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, ValueError) as exc:
        raise ItemError("unreadable_file", f"The archive entry cannot be read ({type(exc).__name__}).") from None
    if len(data) > cap:
        raise too_large
    return data


def _manifest_paths(manifest: Path) -> Iterator[str]:
    with open(manifest, newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        if manifest.suffix.lower() == ".csv":
            rows = csv.reader(f)
            header = next(rows, None)
            column = 0
            if header and "path" in [h.strip().lower() for h in header]:
                column = [h.strip().lower() for h in header].index("path")
            elif header and header[0].strip():
                yield header[0].strip()
            for row in rows:
                if len(row) > column and row[column].strip():
                    yield row[column].strip()
        else:
            for line in f:
                if line.strip() and not line.lstrip().startswith("#"):
                    yield line.strip()


def _manifest(manifest: Path, label: str) -> Iterator[Item]:
    base = manifest.parent
    for entry in _manifest_paths(manifest):
        full = Path(entry) if Path(entry).is_absolute() else base / entry
        yield _item(_join(label, entry), full.read_bytes)
