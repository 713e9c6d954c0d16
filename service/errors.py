"""Typed errors: every way a photo can be unreadable has a stable code and a one-line message.

What people read about an error is `error_text(code, lang, ...)`: the code's text in
`[problems]` of rules/messages.toml, in Polish or English, with the numbers it names (the
profile's `[file]` limits: `limit_values`) written as that language writes them. The HTTP
problem details take their `detail` from it, and `describe` gives a report's, a batch
record's and the CLI's `error.message` the same words. `PhotoError.message` stays the engine's
own English note, for logs only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from .words import say


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


def error_text(code: str, lang: str, **values: Any) -> str:
    """The words for `code` in `lang`; a code without a text is a KeyError at once."""
    return say("problems", str(code), lang, **{k: _written(v, lang) for k, v in values.items()}).strip()


def describe(code: str, lang: str, profile: str | None = None, **values: Any) -> str:
    """An error's words for a report, a batch record or the CLI: `error_text` with the numbers
    of `profile`'s `[file]` limits (when that profile exists) and any `values` the code names."""
    from .profile import available_profiles, load_profile  # the profile module imports this one

    known: dict[str, Any] = {"profile": profile or "", "available": ", ".join(available_profiles())}
    if profile in available_profiles():
        known |= limit_values(load_profile(profile).file_limits)
    return error_text(code, lang, **(known | values))


def limit_values(limits: Any) -> dict[str, float]:
    """The numbers the unreadable-photo texts name, from a profile's `FileLimits`."""
    return {
        "max_megapixels": limits.max_pixels / 1e6,
        "min_side": limits.min_side,
        "max_side": limits.max_side,
        "max_aspect": limits.max_aspect,
        "max_scans": limits.max_scans,
    }


def _written(value: Any, lang: str) -> Any:
    """16 384 and 2,5 in Polish, 16,384 and 2.5 in English; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u00a0").replace(".", ",") if lang == "pl" else text
