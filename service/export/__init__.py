"""`idphoto export`: the photos for the card printer, one per student, and who is missing and why.

The student list says which file is whose; the name pattern, what each photo is called. Every
listed photo goes through the engine with auto-fix (`engine.py`, in worker processes), and only
a fixed photo whose own check says "accept" is written, under the student's name. Everyone else
is in missing.csv with the reason and what to do; exported.csv lists who was written. Problems
the list alone shows (no file, a student ID twice, one file for two students, two students with
one file name) are found first (`plan.py`), so no photo ever lands on the wrong card.
The engine decides; the export only selects and names.
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..profile import DEFAULT_PROFILE
from ..words import plural, say
from .engine import EngineSettings, process
from .errors import ExportError
from .folder import EXPORTED, MISSING, Folder
from .naming import DEFAULT_PATTERN, parse_pattern
from .plan import Reason, plan
from .students import Student, read_students

__all__ = ["DEFAULT_PATTERN", "ExportError", "ExportOptions", "ExportResult", "run_export", "summary_lines"]


@dataclass(frozen=True)
class ExportOptions:
    pattern: str = DEFAULT_PATTERN
    profile: str = DEFAULT_PROFILE
    lang: str = "pl"
    child: bool = False  # every student of the list is a child (the profile's child geometry)
    workers: int = 1
    timeout: float = 60.0  # seconds one photo may take
    ascii: bool = False  # plain letters in file names (ą -> a)
    replace: bool = False  # the output folder may hold an earlier idphoto export, which is replaced
    list_encoding: str = "auto"  # "auto" (UTF-8, else Windows-1250, said), "utf-8" or "cp1250"


@dataclass(frozen=True)
class ExportResult:
    out: Path
    students: int
    exported: int
    missing_by_code: dict[str, int]  # reason code -> students, the most frequent first
    list_encoding: str
    case_matched: int  # list entries found only by ignoring letter case
    unlisted: int  # files in the photos folder no student names
    seconds: float

    @property
    def missing(self) -> int:
        return self.students - self.exported


def run_export(photos: Path, students_csv: Path, out: Path, options: ExportOptions = ExportOptions(), progress=None) -> ExportResult:
    """ExportError for bad options, a bad list or an output folder it may not use, before any
    photo is read. OSError only for a disk that fails while writing."""
    started = time.perf_counter()
    lang = options.lang
    if not photos.is_dir():
        raise ExportError("photos_folder", path=photos)
    pattern = parse_pattern(options.pattern)
    listing = read_students(students_csv, set(pattern.fields), options.list_encoding)
    students = listing.students
    work = plan(students, photos, pattern, lang, options.ascii)
    folder = Folder(out, options.replace)
    finished = False
    try:
        folder.open()
        settings = EngineSettings(options.profile, lang, options.child, options.workers, options.timeout)
        outcomes = process(list(dict.fromkeys(work.sources.values())), settings, folder.keep, progress)
        _refuse_same_photo(work, students, outcomes, lang)
        written, exported, missing = [], [], []
        for i, student in enumerate(students):
            reason = work.missing.get(i)
            if reason is None:
                outcome = outcomes[work.sources[i]]
                if outcome.staged is not None:
                    written.append((work.names[i], outcome.staged))
                    exported.append([*_who(student), work.names[i], outcome.score])
                    continue
                reason = outcome.reason
            missing.append((student, reason))
        tables = {
            MISSING: (_header(lang, "row", "reason", "hint", "code"), [
                [*_who(s), s.row, r.text, r.hint, r.code] for s, r in missing
            ]),
            EXPORTED: (_header(lang, "exported", "score"), exported),
        }
        folder.finish(written, tables)
        finished = True
    finally:
        folder.close(finished)
    codes = [r.code for _, r in missing]
    return ExportResult(
        out=out,
        students=len(students),
        exported=len(written),
        missing_by_code=dict(Counter(codes).most_common()),
        list_encoding=listing.encoding,
        case_matched=work.case_matched,
        unlisted=_unlisted(photos, work.named, {out.resolve(), students_csv.resolve()}),
        seconds=round(time.perf_counter() - started, 2),
    )


def summary_lines(result: ExportResult, lang: str) -> list[str]:
    """What the command line prints: notes about the list, then the counts, then the reasons."""
    lines = []
    if result.list_encoding == "cp1250":
        lines.append(say("export", "note_cp1250", lang))
    if result.case_matched:
        lines.append(say("export", "note_case", lang, count=result.case_matched))
    if result.unlisted:
        lines.append(say("export", "note_unlisted", lang, count=result.unlisted))
    photos = plural(result.exported, "photo", lang)
    if not result.missing:
        lines.append(say("export", "summary_all", lang, photos=photos, out=result.out, students=result.students))
        return lines
    lines.append(say(
        "export", "summary_missing", lang, photos=photos, out=result.out, students=result.students,
        missing=result.missing, missing_csv=result.out / MISSING,
    ))
    counts = ", ".join(
        say("export", "reason_count", lang, label=say("export", f"kind_{code}", lang), count=n)
        for code, n in result.missing_by_code.items()
    )
    lines.append(say("export", "summary_reasons", lang, reasons=counts))
    return lines


def _refuse_same_photo(work, students: list[Student], outcomes, lang: str) -> None:
    """Files with identical content listed for several students: the same face on two cards, refused for all."""
    by_digest: dict[str, list[int]] = defaultdict(list)
    for i, path in sorted(work.sources.items()):
        digest = outcomes[path].digest
        if digest is not None:
            by_digest[digest].append(i)
    for group in by_digest.values():
        if len(group) > 1:
            for i in group:
                others = ", ".join(students[j].student_id for j in group if j != i)
                text = say("export", "reason_same_photo", lang, others=others)
                work.missing[i] = Reason("same_photo", text, say("export", "hint_same_photo", lang))


def _who(student: Student) -> list[str]:
    return [student.student_id, student.name, student.klass, student.file]


def _header(lang: str, *extra: str) -> list[str]:
    return [say("export", f"col_{column}", lang) for column in ("student_id", "name", "class", "file", *extra)]


def _unlisted(photos: Path, named: set[str], skip: set[Path]) -> int:
    """Files in the photos folder (hidden ones aside) that no student row names: a forgotten student?"""
    count = 0
    for directory, subdirs, files in os.walk(photos):
        subdirs[:] = [d for d in subdirs if not d.startswith(".") and (Path(directory) / d).resolve() not in skip]
        for name in files:
            path = Path(directory) / name
            if not name.startswith(".") and path.resolve() not in skip and os.path.realpath(path) not in named:
                count += 1
    return count
