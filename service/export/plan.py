"""What the export will do for each student, decided from the list alone, before any photo is
read: the source file and the output name, or why the student cannot be exported.

Nothing here guesses which of two conflicting rows is right. A student ID listed twice, one
file listed for two students, two students whose names give one file name: every student
involved is reported, none exported, so the printer never gets a photo on the wrong card and
no file overwrites another.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from ..words import say
from .naming import Pattern, collision_key
from .students import Student


@dataclass(frozen=True)
class Reason:
    code: str  # stable, for scripts: the missing.csv "code" column
    text: str  # for people, in the run's language
    hint: str  # what to do


@dataclass
class Plan:
    names: dict[int, str] = field(default_factory=dict)  # student index -> output file name (only those not refused)
    sources: dict[int, Path] = field(default_factory=dict)  # student index -> photo to process (the same)
    missing: dict[int, Reason] = field(default_factory=dict)  # student index -> why not
    named: set[str] = field(default_factory=set)  # every photo file the list names (real paths), refused or not
    case_matched: int = 0  # files found only by ignoring letter case (a list made on Windows)


def plan(students: list[Student], photos: Path, pattern: Pattern, lang: str, ascii: bool = False) -> Plan:
    result = Plan()
    ids: dict[str, list[int]] = defaultdict(list)
    for i, student in enumerate(students):
        ids[student.student_id.casefold()].append(i)
    for i, student in enumerate(students):
        reason = _list_problem(student, students, ids, pattern, lang)
        if reason is None:
            reason = _locate(result, i, student, photos, lang)
        if reason is None:
            name = pattern.name_for(student.values(), ascii)
            if name is None:
                reason = _reason("unusable_name", "hint_list", lang)
            else:
                result.names[i] = name
        if reason is not None:
            result.missing[i] = reason
            result.sources.pop(i, None)
    _refuse_shared(result, students, lambda i: os.path.realpath(result.sources[i]), "same_file", "hint_list", lang)
    _refuse_shared(result, students, lambda i: collision_key(result.names[i]), "name_collision", "hint_pattern", lang)
    return result


def _list_problem(student: Student, students: list[Student], ids, pattern: Pattern, lang: str) -> Reason | None:
    if not student.student_id:
        return _reason("no_student_id", "hint_list", lang)
    rows = ids[student.student_id.casefold()]
    if len(rows) > 1:
        return _reason("duplicate_id", "hint_list", lang, rows=", ".join(str(students[r].row) for r in rows))
    if not student.file:
        return _reason("no_file", "hint_list", lang)
    for column, value in (("name", student.name), ("class", student.klass)):
        if column in pattern.fields and not value:
            return _reason("empty_field", "hint_list", lang, column=say("export", f"col_{column}", lang))
    return None


def _locate(result: Plan, i: int, student: Student, photos: Path, lang: str) -> Reason | None:
    """The photo's path inside the photos folder. The list may not lead out of it; a file
    named with other letter case is taken when it is the only one (lists made on Windows)."""
    relative = PurePath(student.file.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        return _reason("outside", "hint_list", lang)
    path = photos / relative
    if not path.is_file():
        path = _other_case(photos, relative)
        if path is None:
            return _reason("not_found", "hint_not_found", lang)
        result.case_matched += 1
    result.sources[i] = path
    result.named.add(os.path.realpath(path))
    return None


def _other_case(photos: Path, relative: PurePath) -> Path | None:
    folder = photos
    for part in relative.parts:
        try:
            entries = [e for e in os.listdir(folder) if e.casefold() == part.casefold()]
        except OSError:
            return None
        if len(entries) != 1:
            return None
        folder = folder / entries[0]
    return folder if folder.is_file() else None


def _refuse_shared(result: Plan, students: list[Student], key, code: str, hint: str, lang: str) -> None:
    """Every student whose `key` (the photo file, the output name) another student shares is refused."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i in sorted(result.names):
        groups[key(i)].append(i)
    for group in groups.values():
        if len(group) < 2:
            continue
        for i in group:
            others = ", ".join(students[j].student_id for j in group if j != i)
            result.missing[i] = _reason(code, hint, lang, others=others, name=result.names[i])
        for i in group:
            result.sources.pop(i, None)
            result.names.pop(i, None)


def _reason(code: str, hint: str, lang: str, **values) -> Reason:
    return Reason(code, say("export", f"reason_{code}", lang, **values), say("export", hint, lang))
