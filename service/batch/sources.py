"""Batch sources: folders (recursive), zip archives and manifests, streamed one photo at a time.

Every file found is an item, including ones that are not photos: those are reported by the
engine as unreadable, never silently skipped.
"""

from __future__ import annotations

import csv
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


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


def iter_items(sources: list[str]) -> Iterator[Item]:
    readers = {"folder": _folder, "zip": _zip, "manifest": _manifest}
    for source, label in zip(sources, _labels(sources), strict=True):
        yield from readers[source_kind(source)](Path(source), label)


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


def _folder(root: Path, label: str) -> Iterator[Item]:
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            full = Path(directory) / name
            relative = full.relative_to(root).as_posix()
            yield Item(_join(label, relative), safe_relative(_join(label, relative)), full.read_bytes)


def _zip(archive_path: Path, label: str) -> Iterator[Item]:
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            relative = safe_relative(info.filename)

            def read(info=info) -> bytes:
                with zipfile.ZipFile(archive_path) as again:
                    return again.read(info)

            yield Item(_join(label, info.filename), safe_relative(_join(label, relative)), read)


def _manifest_paths(manifest: Path) -> Iterator[str]:
    with open(manifest, newline="", encoding="utf-8-sig") as f:
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
        yield Item(_join(label, entry), safe_relative(_join(label, entry)), full.read_bytes)
