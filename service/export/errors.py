"""The one error type of the export: a text key of `[export]` in rules/messages.toml and its
values, so the command line says it in the user's language (exit code 2, one line)."""

from __future__ import annotations

from typing import Any

from ..words import say


class ExportError(Exception):
    """Bad options, student list or output folder: found before any photo is written."""

    def __init__(self, key: str, **values: Any):
        super().__init__(key)
        self.key, self.values = key, values

    def text(self, lang: str) -> str:
        return say("export", f"err_{self.key}", lang, **self.values)
