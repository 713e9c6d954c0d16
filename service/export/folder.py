"""The output folder: what the printer gets, written so that nothing is lost and nothing stale stays.

An export goes to a new or empty folder. With `replace` it may take the place of an earlier
idphoto export, only when every file there is one that export wrote (listed in its
`.idphoto-export.json`): a file anyone else put there is never deleted, and no photo of a
student now missing survives from the earlier run. The photos are kept in a hidden work folder
inside and moved to their names only at the end, so an export that stops midway leaves the
folder as it was. The CSVs open correctly in Polish Excel: UTF-8 with a BOM, `;` between fields.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

from .errors import ExportError

MARKER = ".idphoto-export.json"
MISSING, EXPORTED = "missing.csv", "exported.csv"
WORK_PREFIX = ".idphoto-work-"
_LITTER = {".DS_Store", "Thumbs.db", "desktop.ini"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a cell Excel would run as a formula


class Folder:
    def __init__(self, out: Path, replace: bool = False):
        self.out, self.created, self.work = out, False, None
        self.old = self._claim(replace)
        self._kept = 0

    def _claim(self, replace: bool) -> list[Path]:
        """Check the folder before any work; the earlier export's files, to remove at the end."""
        if self.out.exists() and not self.out.is_dir():
            raise ExportError("out_file", path=self.out)
        if not self.out.exists():
            try:
                self.out.mkdir(parents=True)
            except OSError as exc:
                raise ExportError("out_unwritable", path=self.out, code=_code(exc)) from None
            self.created = True
        entries = [  # a killed run's work folder is ours; what a file browser leaves behind is nobody's
            p for p in _entries(self.out) if not p.parts[0].startswith(WORK_PREFIX) and p.name not in _LITTER
        ]
        if not entries:
            return []
        if not replace:
            raise ExportError("out_not_empty", path=self.out)
        listed = _listed(self.out / MARKER)
        foreign = [p for p in entries if listed is None or p.as_posix() not in listed | {MARKER}]
        if foreign:
            raise ExportError("out_foreign", path=self.out, example=foreign[0].as_posix(), count=len(foreign))
        return [self.out / name for name in sorted(listed)]

    def open(self) -> None:
        """The hidden work folder (private to this user), on the output's own file system."""
        for stale in self.out.glob(WORK_PREFIX + "*"):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            self.work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=self.out))
        except OSError as exc:
            raise ExportError("out_unwritable", path=self.out, code=_code(exc)) from None

    def keep(self, jpeg: bytes) -> Path:
        """Store one accepted photo until the end of the run."""
        assert self.work is not None
        self._kept += 1
        path = self.work / f"{self._kept}.jpg"
        path.write_bytes(jpeg)
        return path

    def finish(self, photos: list[tuple[str, Path]], tables: dict[str, tuple[list[str], list[list]]]) -> None:
        """Replace the earlier export (if any) by this one: photos by name, then the CSVs, then
        the list of what was written (the marker a later `replace` trusts)."""
        assert self.work is not None
        for name, (header, rows) in tables.items():
            write_csv(self.work / name, header, rows)
        files = sorted(tables) + sorted(name for name, _ in photos)
        # first a marker naming the old and the new files: a run stopped while moving leaves a folder `replace` still trusts
        self._mark(sorted({old.name for old in self.old} | set(files)))
        for old in self.old:
            old.unlink(missing_ok=True)
        for name, staged in photos:
            os.replace(staged, self.out / name)
        for name in tables:
            os.replace(self.work / name, self.out / name)
        self._mark(files)

    def _mark(self, files: list[str]) -> None:
        assert self.work is not None
        marker = {"idphoto": version("idphoto"), "files": files}
        (self.work / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(self.work / MARKER, self.out / MARKER)

    def close(self, finished: bool) -> None:
        """Remove the work folder; and the output folder too when this run made it and wrote nothing."""
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
        if self.created and not finished:
            try:
                self.out.rmdir()
            except OSError:
                pass


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """UTF-8 with a BOM and `;` between fields: what Polish Excel opens by a double click."""
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(header)
        writer.writerows([_guard(cell) for cell in row] for row in rows)


def _guard(cell) -> str:
    """A name or file starting with `=` is shown as text, not run as a formula (CSV injection)."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA) else text


def _entries(folder: Path) -> list[Path]:
    """Every file and folder inside, relative (folders that hold files are implied by them)."""
    found = []
    for directory, subdirs, files in os.walk(folder):
        base = Path(directory).relative_to(folder)
        found += [base / name for name in files]
        found += [base / name for name in subdirs if not os.listdir(Path(directory) / name)]
    return sorted(found)


def _listed(marker: Path) -> set[str] | None:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return {str(name) for name in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _code(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)
