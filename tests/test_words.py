"""rules/messages.toml, the one place for words: complete in both languages, the same
placeholders in each, Polish typography, and the formal register in what parents read."""

from __future__ import annotations

import re
import string

import pytest

from service.words import LANGS, page_words, plural, plural_category, say, texts


def _pairs(node, where=()):
    """Every {pl, en} text of the file, with where it is."""
    if isinstance(node, dict):
        if set(node) & set(LANGS) and all(isinstance(node.get(lang), (str, dict)) for lang in LANGS if lang in node):
            yield where, node
        else:
            for key, value in node.items():
                yield from _pairs(value, (*where, key))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


PAIRS = list(_pairs(texts()))


def test_every_text_has_both_languages_and_the_same_placeholders():
    assert len(PAIRS) > 300
    for where, pair in PAIRS:
        assert set(LANGS) <= set(pair), where
        pl, en = pair["pl"], pair["en"]
        if isinstance(pl, dict):  # plural forms: each category of the language
            assert set(pl) == {"one", "few", "many"} and set(en) == {"one", "other"}, where
            continue
        assert pl.strip() and en.strip(), where
        assert _fields(pl) == _fields(en), where


def _polish(tables=None):
    for where, pair in PAIRS:
        if isinstance(pair["pl"], str) and (tables is None or where[0] in tables):
            yield where, pair["pl"]


def test_polish_typography():
    """35×45 mm not 35x45, 70–80% not 70-80 %, ≤ not <=, „…” not "…"."""
    for where, text in _polish():
        assert not re.search(r"\d\s*x\s*\d", text), (where, text)
        assert not re.search(r"\d \d*%|\d %", text), (where, text)
        assert not re.search(r"\d-\d", text), (where, text)
        assert "<=" not in text and ">=" not in text and '"' not in text and "..." not in text, (where, text)


INFORMAL = re.compile(
    r"\b(Zrób|zrób|Stań|stań|Patrz|patrz|Wybierz|Spróbuj|spróbuj|Wpisz|Zapisz|zapisz|Użyj|użyj|Zdejmij|zdejmij|"
    r"Ustaw|ustaw|Odsuń|odsuń|Przyślij|Wyślij|wyślij|Prześlij|prześlij|Unikaj|unikaj|masz|twoje|Twoje|twoja|twój)\b"
)


def test_what_parents_read_is_formal():
    """Hints and the parent message address a parent as a school does ("Prosimy o…"), never with
    the familiar imperative ("Zrób", "Stań", "Patrz")."""
    read_by_parents = list(_polish({"messages", "parent", "decision", "problems"}))
    assert len(read_by_parents) > 80
    for where, text in read_by_parents:
        assert not INFORMAL.search(text), (where, text)


@pytest.mark.parametrize(("n", "pl", "en"), [(1, "one", "one"), (2, "few", "other"), (5, "many", "other"),
                                             (12, "many", "other"), (22, "few", "other"), (0, "many", "other"),
                                             (14, "many", "other"), (104, "few", "other"), (111, "many", "other")])
def test_plural_categories(n, pl, en):
    assert plural_category(n, "pl") == pl and plural_category(n, "en") == en


def test_plural_and_say_fill_in_and_fail_loudly():
    assert plural(22, "photo", "pl") == "22 zdjęcia" and plural(1, "photo", "en") == "1 photo"
    assert say("page", "queueProgress", "pl", done=2, total=5) == "Sprawdzono 2 z 5."
    with pytest.raises(KeyError):
        say("page", "no-such-key", "pl")
    with pytest.raises(KeyError):
        say("page", "queueProgress", "pl", done=2)  # a placeholder left empty is a bug, not a blank


def test_the_page_gets_every_table_it_needs():
    for lang in LANGS:
        words = page_words(lang)
        assert set(words) == {"page", "plurals", "verdicts", "statuses", "decisions"}
        assert set(words["verdicts"]) == {"accept", "review", "reject"}
        assert set(words["statuses"]) == {"fail", "warn", "info", "pass"}
        assert set(words["decisions"]) == {"accept_new", "reject_request", "needs_decision"}
