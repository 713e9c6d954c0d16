"""The student list: who gets a card photo, and from which file.

Schools keep it in Excel, so it comes in whatever Excel saved: UTF-8 with or without a BOM
(`;` between fields in Polish Excel, `,` elsewhere), UTF-16 with tabs ("Unicode text"), or
Windows-1250 from older versions. UTF-8 is tried first; Windows-1250 only when the bytes are not
UTF-8, and `encoding` says so, so the command line can tell the user (never a silent guess).
Column names are matched without case, in English or Polish (`file`/`plik`, `name`/`imię i
nazwisko` or `imię` + `nazwisko`, `class`/`klasa`, `student_id`/`identyfikator`); other columns
are ignored. The export's own missing.csv uses these names, so it can be fed back as a list.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import ExportError

ALIASES = {
    "file": ("file", "photo", "filename", "file name", "plik", "zdjęcie", "nazwa pliku", "plik zdjęcia"),
    "name": ("name", "full name", "student", "student name", "imię i nazwisko", "nazwisko i imię", "uczeń"),
    "first_name": ("first name", "given name", "imię"),
    "last_name": ("last name", "surname", "family name", "nazwisko"),
    "class": ("class", "form", "klasa", "oddział"),
    "student_id": ("student id", "id", "identyfikator", "numer ucznia", "nr ucznia", "numer legitymacji", "nr legitymacji"),
}
ENCODINGS = ("auto", "utf-8", "cp1250")
_FORMULA = ("=", "+", "-", "@")  # a leading apostrophe before these is Excel's (and our CSVs') formula guard


@dataclass(frozen=True)
class Student:
    row: int  # line of the list it came from (the header is line 1)
    student_id: str
    name: str
    klass: str
    file: str

    def values(self) -> dict[str, str]:
        """What a name pattern may use."""
        return {"name": self.name, "class": self.klass, "student_id": self.student_id, "file_stem": Path(self.file).stem}


@dataclass(frozen=True)
class StudentList:
    students: list[Student]
    encoding: str  # "utf-8", "utf-16" or "cp1250": how the bytes were read
    delimiter: str


def read_students(path: Path, needed: set[str], encoding: str = "auto") -> StudentList:
    """`needed`: the fields the name pattern uses (besides `file` and `student_id`, always
    needed). ExportError when the list cannot be read or lacks a needed column."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError("list_unreadable", path=path, code=_errno_name(exc)) from None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # .xlsx (a zip) or an old .xls
        raise ExportError("list_workbook", path=path)
    text, used = _decode(data, encoding, path)
    delimiter = _delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ExportError("list_malformed", path=path) from None
    rows_at = _line_numbers(text, delimiter)
    header_at = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if header_at is None:
        raise ExportError("list_empty", path=path)
    columns = _columns(rows[header_at], needed, path)
    students = []
    for i in range(header_at + 1, len(rows)):
        cells = [_unguard(c.strip()) for c in rows[i]]
        if not any(cells):
            continue
        values = {field: cells[at] if at < len(cells) else "" for field, at in columns.items()}
        name = values.get("name") or " ".join(p for p in (values.get("first_name"), values.get("last_name")) if p)
        students.append(Student(rows_at[i], values["student_id"], name, values.get("class", ""), values["file"]))
    if not students:
        raise ExportError("list_empty", path=path)
    return StudentList(students, used, delimiter)


def _decode(data: bytes, encoding: str, path: Path) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, name = "utf-16", "utf-16"
    elif encoding == "auto":
        try:
            return data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1250"
        name = encoding
    else:
        name = encoding
        encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        return data.decode(encoding), name
    except UnicodeDecodeError:
        raise ExportError("list_encoding", path=path, encoding=name) from None


def _delimiter(text: str) -> str:
    """The separator of the header line: Polish Excel writes `;`, others `,`, "Unicode text" tabs."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _line_numbers(text: str, delimiter: str) -> list[int]:
    """The line each CSV row starts on (a quoted cell may hold a line break)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts, last = [], 0
    for _ in reader:
        starts.append(last + 1)
        last = reader.line_num
    return starts


def _columns(header: list[str], needed: set[str], path: Path) -> dict[str, int]:
    lookup = {_key(alias): field for field, aliases in ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        field = lookup.get(_key(cell))
        if field is None:
            continue
        if field in columns:
            raise ExportError("list_column_twice", path=path, first=header[columns[field]].strip(), second=cell.strip())
        columns[field] = i
    have = set(columns) | ({"name"} if {"first_name", "last_name"} <= columns.keys() else set())
    required = ["file", "student_id", *sorted(needed - {"file_stem", "file", "student_id"})]
    missing = [field for field in required if field not in have]
    if missing:
        listed = "; ".join(f"{field} ({', '.join(ALIASES[field][1:])})" for field in missing)
        found = ", ".join(cell.strip() for cell in header if cell.strip()) or "—"
        raise ExportError("list_columns", path=path, missing=listed, found=found)
    return columns


def _key(header: str) -> str:
    text = unicodedata.normalize("NFC", header.lstrip("\ufeff")).casefold()
    return re.sub(r"[\s_\-]+", " ", text).strip()


def _unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:2] in _FORMULA and cell[1:2] else cell


def _errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)
