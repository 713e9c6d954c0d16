"""Rule texts in words: a check's message, value and limit as people read them, and the
message to the parent. Judge decides with numbers and calls these for the words; every text
comes from rules/messages.toml (the profile's `messages`/`measures`/`words`, and
`service/words.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .words import say

if TYPE_CHECKING:
    from .profile import Limit, Profile
    from .report import Check


def message(profile: Profile, rule_id: str, key: str, lang: str, measure: str, value, limit) -> str:
    """The rule's text for `key` (ok, low, high, missing), with the value and limit filled in."""
    texts = profile.messages[rule_id]
    template = texts.get(key) or texts.get("fix") or texts.get("low") or texts.get("high")
    return template[lang].format(
        value=format_value(profile, measure, value, lang), limit=format_value(profile, measure, limit, lang)
    )


def format_value(profile: Profile, measure: str, value: float | None, lang: str = "pl") -> str:
    """A value as people read it, per the measure's format in rules/messages.toml."""
    if value is None:
        return "?"
    spec = profile.measures[measure]
    kind = spec.get("format", "number")
    if kind == "bool":
        return profile.words["yes" if value >= 1 else "no"][lang]
    if kind == "percent":
        return f"{_number(value * 100, 1 if abs(value) < 0.1 else 0, lang)}%"
    if kind == "bytes":
        if value >= 1_048_576:
            return f"{_number(value / 1_048_576, 1, lang)} MB"
        return f"{_number(value / 1024, 0, lang)} KB"
    return f"{_number(value, spec.get('digits', 2), lang)}{spec.get('unit', '')}"


def format_limit(profile: Profile, lim: Limit, lang: str) -> str | None:
    low, high = lim.pass_min, lim.pass_max
    if profile.measures[lim.measure].get("format") == "bool":
        return profile.words["yes"][lang]
    if low is not None and high is not None:
        text = format_value(profile, lim.measure, low, lang)
        return text if low == high else f"{text} – {format_value(profile, lim.measure, high, lang)}"
    if low is not None:
        return f"≥ {format_value(profile, lim.measure, low, lang)}"
    if high is not None:
        return f"≤ {format_value(profile, lim.measure, high, lang)}"
    return None


def _number(value: float, digits: int, lang: str) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "pl" else text


def parent_text(problems: list[Check], verdict: str, lang: str) -> str:
    """A formal message to the parent saying what to redo: the hints, the main problem first,
    between the greeting and the closing of `[parent]`."""
    hints = "\n".join(f"– {c.message}" for c in problems)
    intro = say("parent", "intro_reject" if verdict == "reject" else "intro_review", lang)
    return f"{say('parent', 'greeting', lang)}\n\n{intro}\n\n{hints}\n\n{say('parent', 'closing', lang)}\n{say('parent', 'signature', lang)}"
