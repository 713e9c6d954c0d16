"""Typed errors: every way a photo can be unreadable has a stable code and a one-line message."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    EMPTY = "empty"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TRUNCATED = "truncated"
    TOO_MANY_PIXELS = "too_many_pixels"
    BAD_DIMENSIONS = "bad_dimensions"
    TOO_MANY_SCANS = "too_many_scans"
    TOO_LARGE = "too_large"
    UNKNOWN_PROFILE = "unknown_profile"
    UNREADABLE_FILE = "unreadable_file"


class PhotoError(Exception):
    """A photo that cannot be analysed at all (as opposed to one that fails a rule)."""

    def __init__(self, code: ErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"PhotoError({self.code.value!r}, {self.message!r})"
