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

from .report import STATUS_RANK, VERDICT_RANK, Report
from .words import say

Side = Literal["current", "new", "equal"]
Decision = Literal["accept_new", "reject_request", "needs_decision"]

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
    preferred, summary = _preference(current, new, lang)
    decision, reason = _decision(current, new, lang)
    return Comparison(
        decision=decision, decision_reason=reason, preferred=preferred, summary=summary,
        checks=_by_check(current, new), current=current, new=new,
    )


def _decision(current: Report, new: Report, lang: str) -> tuple[Decision, str]:
    problem = new.main_problem.message if new.main_problem else ""
    if new.error is not None:
        return "reject_request", say("decision", "unreadable", lang, reason=new.error.message).strip()
    if new.verdict == "reject":
        return "reject_request", say("decision", "reject_request", lang, reason=problem).strip()
    if new.verdict == "review":
        return "needs_decision", say("decision", "needs_review", lang, reason=problem).strip()
    current_usable = current.error is None and current.verdict is not None
    if current_usable and (VERDICT_RANK[current.verdict], -(current.score or 0)) < (VERDICT_RANK[new.verdict], -(new.score or 0)):
        return "needs_decision", say("decision", "worse_than_current", lang, new=new.score, current=current.score)
    return "accept_new", say("decision", "accept_new", lang)


def _preference(current: Report, new: Report, lang: str) -> tuple[Side, str]:
    readable = {"current": current.error is None, "new": new.error is None}
    if not all(readable.values()):
        unreadable = [say("compare", f"{side}_lower", lang) for side, ok in readable.items() if not ok]
        winner: Side = "equal" if len(unreadable) == 2 else ("new" if readable["new"] else "current")
        return winner, say("compare", "unreadable", lang, which=", ".join(unreadable))
    rank_c, rank_n = VERDICT_RANK[current.verdict], VERDICT_RANK[new.verdict]
    if rank_c != rank_n:
        side: Side = "new" if rank_n < rank_c else "current"
        better, worse = (new, current) if side == "new" else (current, new)
        a, b = (say("verdicts", r.verdict, lang) for r in (better, worse))
        return side, say("compare", "verdict", lang, better=say("compare", side, lang), a=a, b=b)
    if current.score != new.score:
        side = "new" if new.score > current.score else "current"
        better, worse = (new, current) if side == "new" else (current, new)
        return side, say("compare", "score", lang, better_lower=say("compare", f"{side}_lower", lang), a=better.score, b=worse.score)
    return "equal", say("compare", "equal", lang)


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
