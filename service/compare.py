"""Compare: the accepted (current) photo against a parent's change request (new), check by check.

The decision is what the secretary acts on: accept the new photo when it meets the rules
itself (accept) and is no worse than the current one; reject the request when the new photo
is rejected or unreadable; otherwise she decides (the new photo needs review, or meets the
rules but scores below the current one). The preference (better verdict, then higher score)
and each rule's better side say *why*.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from .profile import load_profile
from .report import STATUS_RANK, VERDICT_RANK, Report

Side = Literal["current", "new", "equal"]
Decision = Literal["accept_new", "reject_request", "needs_decision"]

_SUMMARY = {
    "pl": {
        "verdict": "Lepszy werdykt: {better} ({a} zamiast {b}).",
        "score": "Ten sam werdykt, wyższy wynik: {better} ({a} wobec {b}).",
        "equal": "Oba zdjęcia wypadają tak samo.",
        "unreadable": "Nie można odczytać zdjęcia: {which}.",
        "current": "obecne",
        "new": "nowe",
    },
    "en": {
        "verdict": "Better verdict: {better} ({a} instead of {b}).",
        "score": "Same verdict, higher score: {better} ({a} against {b}).",
        "equal": "Both photos come out the same.",
        "unreadable": "The photo cannot be read: {which}.",
        "current": "current",
        "new": "new",
    },
}


class CheckComparison(BaseModel):
    id: str
    title: str
    current: str | None  # status, or None when not measured
    new: str | None
    better: Side
    message: str  # the hint for the photo that did worse (or the shared status)


class Comparison(BaseModel):
    decision: Decision
    decision_reason: str  # in the request's language, the new photo's main problem when it has one
    preferred: Side
    summary: str
    checks: list[CheckComparison]
    current: Report
    new: Report


def compare(current: Report, new: Report, lang: str = "pl") -> Comparison:
    texts = _SUMMARY[lang]
    preferred, summary = _preference(current, new, texts, lang)
    decision, reason = _decision(current, new, lang)
    return Comparison(
        decision=decision, decision_reason=reason, preferred=preferred, summary=summary,
        checks=_by_check(current, new), current=current, new=new,
    )


def _decision(current: Report, new: Report, lang: str) -> tuple[Decision, str]:
    texts = load_profile(new.profile).decision_texts
    problem = new.main_problem.message if new.main_problem else ""
    if new.error is not None:
        return "reject_request", texts["unreadable"][lang].format(reason=new.error.message).strip()
    if new.verdict == "reject":
        return "reject_request", texts["reject_request"][lang].format(reason=problem).strip()
    if new.verdict == "review":
        return "needs_decision", texts["needs_review"][lang].format(reason=problem).strip()
    current_usable = current.error is None and current.verdict is not None
    if current_usable and (VERDICT_RANK[current.verdict], -(current.score or 0)) < (VERDICT_RANK[new.verdict], -(new.score or 0)):
        return "needs_decision", texts["worse_than_current"][lang].format(new=new.score, current=current.score)
    return "accept_new", texts["accept_new"][lang]


def _preference(current: Report, new: Report, texts: dict[str, str], lang: str) -> tuple[Side, str]:
    readable = {"current": current.error is None, "new": new.error is None}
    if not all(readable.values()):
        unreadable = [texts[side] for side, ok in readable.items() if not ok]
        winner: Side = "equal" if len(unreadable) == 2 else ("new" if readable["new"] else "current")
        return winner, texts["unreadable"].format(which=", ".join(unreadable))
    rank_c, rank_n = VERDICT_RANK[current.verdict], VERDICT_RANK[new.verdict]
    if rank_c != rank_n:
        better, worse = (new, current) if rank_n < rank_c else (current, new)
        side = "new" if better is new else "current"
        words = load_profile(new.profile).verdict_words
        a, b = (words[r.verdict][lang].lower() for r in (better, worse))
        return side, texts["verdict"].format(better=texts[side], a=a, b=b)
    if current.score != new.score:
        side = "new" if new.score > current.score else "current"
        better, worse = (new, current) if side == "new" else (current, new)
        return side, texts["score"].format(better=texts[side], a=better.score, b=worse.score)
    return "equal", texts["equal"]


def _by_check(current: Report, new: Report) -> list[CheckComparison]:
    ids = list(dict.fromkeys([c.id for c in current.checks] + [c.id for c in new.checks]))
    rows = []
    for rule_id in ids:
        a, b = current.check(rule_id), new.check(rule_id)
        rank_a = STATUS_RANK[a.status] if a else None
        rank_b = STATUS_RANK[b.status] if b else None
        if rank_a == rank_b or rank_a is None or rank_b is None:
            better: Side = "equal"
        else:
            better = "current" if rank_a < rank_b else "new"
        worse = {"current": b, "new": a}.get(better) or a or b
        rows.append(
            CheckComparison(
                id=rule_id,
                title=(a or b).title,
                current=a.status if a else None,
                new=b.status if b else None,
                better=better,
                message=worse.message,
            )
        )
    order = {"current": 0, "new": 0, "equal": 1}
    return sorted(rows, key=lambda r: order[r.better])
