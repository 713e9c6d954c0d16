"""File names for the card printer: a pattern such as `{class}_{name}_{student_id}.jpg` filled
in per student, made safe for any file system the printer's software may read from.

The pattern is checked before any work (unknown fields, formatting, characters no file name
may hold, no `.jpg` at the end). Each student's values lose what would break a name (path
separators, control characters, the characters Windows forbids, leading dots) but keep Polish
letters, unless `ascii` asks for plain letters (ą -> a, ł -> l), for picky printer software.
Two names that differ only in letter case are the same file on Windows and on a USB stick,
so `collision_key` compares them without case.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

from .errors import ExportError

FIELDS = ("name", "class", "student_id", "file_stem")
DEFAULT_PATTERN = "{class}_{name}_{student_id}.jpg"
SUFFIX = ".jpg"
MAX_NAME_BYTES = 200  # ext4, NTFS and FAT allow 255; room for a copy's " (2)"

_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')  # control characters and what Windows refuses
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_PLAIN = str.maketrans({
    "ą": "a", "ć": "c", "ę": "e", "ł": "l", "ń": "n", "ó": "o", "ś": "s", "ź": "z", "ż": "z",
    "Ą": "A", "Ć": "C", "Ę": "E", "Ł": "L", "Ń": "N", "Ó": "O", "Ś": "S", "Ź": "Z", "Ż": "Z",
    "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th",
})


@dataclass(frozen=True)
class Pattern:
    text: str
    fields: tuple[str, ...]  # the placeholders it uses, in order

    def name_for(self, values: dict[str, str], ascii: bool = False) -> str | None:
        """The file name for one student, or None when nothing usable is left of it."""
        filled = self.text.format_map({field: clean(values.get(field, ""), ascii) for field in self.fields})
        stem = filled[: -len(SUFFIX)]
        stem = re.sub(r"\s+", " ", stem).strip(" .")  # no hidden files; Windows drops trailing dots and spaces
        while len((stem + SUFFIX).encode("utf-8")) > MAX_NAME_BYTES:
            stem = stem[:-1].rstrip(" .")
        if not stem.strip("_- ") or stem.upper() in _RESERVED:
            return None
        return stem + SUFFIX


def parse_pattern(text: str) -> Pattern:
    """The pattern, checked; ExportError (exit 2) before any photo is read when it is wrong."""
    fields: list[str] = []
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise ExportError("pattern_syntax", pattern=text) from None
    for literal, field, spec, conversion in parts:
        bad = _FORBIDDEN.search(literal)
        if bad:
            raise ExportError("pattern_char", pattern=text, char=repr(bad.group()))
        if field is None:
            continue
        if field not in FIELDS:
            raise ExportError("pattern_unknown", field=field, allowed=_allowed())
        if spec or conversion:
            raise ExportError("pattern_format", field=field, spec=(f"!{conversion}" if conversion else "") + (f":{spec}" if spec else ""))
        fields.append(field)
    if not fields:
        raise ExportError("pattern_none", pattern=text, allowed=_allowed())
    if not text.lower().endswith(SUFFIX):
        raise ExportError("pattern_suffix", pattern=text)
    return Pattern(text, tuple(fields))


def clean(value: str, ascii: bool = False) -> str:
    """One value made safe inside a file name: NFC (lists from a Mac come decomposed), no
    separators or control characters, optionally plain ASCII letters."""
    value = unicodedata.normalize("NFC", value)
    if ascii:
        value = unicodedata.normalize("NFKD", value.translate(_PLAIN))
        value = "".join(c for c in value if not unicodedata.combining(c))
        value = "".join(c if c.isascii() else "_" for c in value)
    return _FORBIDDEN.sub("_", value.strip())


def collision_key(name: str) -> str:
    """Names that are one file on a case-insensitive file system (Windows, FAT, macOS) are equal here."""
    return unicodedata.normalize("NFC", name).casefold()


def _allowed() -> str:
    return ", ".join("{" + f + "}" for f in FIELDS)
