"""Every user-visible word, from `rules/messages.toml`: the one presenter behind the CLI, the
API, the batch report, the export and the review page.

The engine decides with ids and numbers (rule ids, statuses, verdicts, decisions); this module
turns them into words in Polish or English. A missing text is a `KeyError` at once, never a
silent fallback to another language or to the id.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from .paths import RULES_DIR

LANGS = ("pl", "en")


@cache
def texts() -> dict[str, Any]:
    """The whole of messages.toml, read once per process."""
    return tomllib.loads((RULES_DIR / "messages.toml").read_text(encoding="utf-8"))


def say(table: str, key: str, lang: str, /, **values: Any) -> str:
    """The text `[table].key` in `lang`, with its {placeholders} filled in."""
    template = texts()[table][key][lang]
    return template.format(**values) if values else template


def plural_category(n: int, lang: str) -> str:
    """The CLDR plural category of a whole number, the same as the browser's
    `Intl.PluralRules(lang).select(n)`: Polish one / few / many, English one / other."""
    if lang == "pl":
        if n == 1:
            return "one"
        if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
            return "few"
        return "many"
    return "one" if n == 1 else "other"


def plural(n: int, noun: str, lang: str) -> str:
    """"5 zdjęć", "2 zdjęcia", "1 photo": the number with its noun from `[plurals]`."""
    return f"{n} {texts()['plurals'][noun][lang][plural_category(n, lang)]}"


def page_words(lang: str) -> dict[str, Any]:
    """What the review page shows in `lang`: its `[page]` texts, the plural forms, the verdict,
    status and decision words. The page fills placeholders itself with the same {name} syntax."""
    data = texts()
    pick = lambda table: {key: value[lang] for key, value in data[table].items()}
    return {
        "page": pick("page"),
        "plurals": {noun: forms[lang] for noun, forms in data["plurals"].items()},
        "verdicts": pick("verdicts"),
        "statuses": pick("statuses"),
        "decisions": pick("decision_labels"),
    }
