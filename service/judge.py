"""Judge: measured values + rule profile -> checks, score and verdict. The only place that decides.

Each rule has limits on one or more measurements. A value inside the `pass_*` limits passes,
outside the `fail_*` limits fails, and in between warns; a `warn_only` limit warns however far
past `pass_*` the value is (more the further). A rule takes the worst of its limits.

Score: every rule may cost up to its `weight` in points. A warning costs 20-50 % of it and a
failure 60-100 %, growing with how far the value is past the limit; `raw` is 100 minus the
costs (floored at 0). A rule that could not be measured at all (no face, no background in
sight) costs as a failure: what nobody could check earns no points, so a fault strong enough
to hide the face never scores above a weaker one that left the face to be judged. The score
places `raw` inside the verdict's band, so score and verdict never disagree: reject
0..caps.reject, review above it up to caps.review, accept above that. More faults, or worse
ones, always give a lower score. Advisory rules (metadata auto-fix
rewrites, such as dpi) are reported but cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .measure.names import SET_BY_FIX
from .present import format_limit, format_value, message, parent_text
from .profile import Limit, Profile, Rule
from .report import STATUS_RANK, Check, Threshold

UNMEASURED_COST = 0.8  # share of its weight a rule that could not be measured costs: a failure's


@dataclass(frozen=True)
class Outcome:
    status: str
    badness: float  # 0 pass .. 1 far past the fail limit
    side: str | None  # "low" or "high": which limit was crossed
    limit: Limit
    value: float | None


def evaluate(limit: Limit, value: float) -> Outcome:
    if limit.pass_min is not None and value < limit.pass_min:
        return _crossed(limit, value, "low", limit.pass_min, limit.fail_min, limit.pass_min - value)
    if limit.pass_max is not None and value > limit.pass_max:
        return _crossed(limit, value, "high", limit.pass_max, limit.fail_max, value - limit.pass_max)
    return Outcome("pass", 0.0, None, limit, value)


def _crossed(limit: Limit, value: float, side: str, pass_at: float, fail_at: float | None, past: float) -> Outcome:
    if limit.warn_only:  # the whole warning cost, reached a quarter of the limit past it
        return Outcome("warn", 0.2 + 0.3 * min(past / max(abs(pass_at) * 0.25, 1e-9), 1.0), side, limit, value)
    fail_at = pass_at if fail_at is None else fail_at
    band = abs(pass_at - fail_at)
    beyond = (fail_at - value) if side == "low" else (value - fail_at)
    if beyond <= 0 and band > 0:  # inside the warning band
        return Outcome("warn", 0.2 + 0.3 * min(past / band, 1.0), side, limit, value)
    scale = max(band, abs(fail_at) * 0.25, 1e-9)
    return Outcome("fail", 0.6 + 0.4 * min(max(beyond, 0.0) / scale, 1.0), side, limit, value)


def judge_rule(rule: Rule, values: dict[str, float | None]) -> Outcome | None:
    """The worst outcome over the rule's limits; None when nothing could be measured."""
    outcomes = [evaluate(lim, values[lim.measure]) for lim in rule.limits if values.get(lim.measure) is not None]
    if not outcomes:
        if rule.if_missing == "skip":
            return None
        status = rule.if_missing
        return Outcome(status, 0.35 if status == "warn" else UNMEASURED_COST, "missing", rule.limits[0], None)
    return max(outcomes, key=lambda o: (STATUS_RANK[o.status], o.badness))


def judge(values: dict[str, float | None], profile: Profile, lang: str) -> tuple[list[Check], list[str], int, str]:
    checks, skipped, cost, statuses = [], [], 0.0, set()
    for rule in profile.rules:
        outcome = judge_rule(rule, values)
        if outcome is None:
            skipped.append(rule.id)
            if not rule.advisory:
                cost += rule.weight * UNMEASURED_COST
            continue
        checks.append(_check(rule, outcome, profile, lang))
        if rule.advisory and outcome.status != "pass":  # its own status: reported, never counted as a problem
            checks[-1].status = "info"
        if not rule.advisory:
            cost += rule.weight * outcome.badness
            statuses.add(outcome.status)
    verdict = "reject" if "fail" in statuses else "review" if "warn" in statuses else "accept"
    raw = max(0.0, 100.0 - cost)
    caps = profile.verdict_caps
    low, high = {
        "reject": (0, caps["reject"]),
        "review": (caps["reject"] + 1, caps["review"]),
        "accept": (caps["review"] + 1, 100),
    }[verdict]
    return checks, skipped, int(low + (high - low) * raw / 100.0), verdict


def problems_in_order(checks: list[Check], profile: Profile) -> list[Check]:
    """The failing and warning checks, the one to name first first: a failure before a
    warning; then what the parent must redo before what auto-fix repairs (a crop, a size:
    decided by a measurement in `SET_BY_FIX`), so sunglasses come before the framing; then
    the rule with the largest weight (the profile's order breaks ties)."""
    weights = {rule.id: (rule.weight, -i) for i, rule in enumerate(profile.rules)}
    problems = [c for c in checks if c.status in ("fail", "warn")]
    return sorted(
        problems, key=lambda c: (STATUS_RANK[c.status], c.measure not in SET_BY_FIX, *weights[c.id]), reverse=True
    )


def main_problem(checks: list[Check], profile: Profile) -> Check | None:
    """The one problem to name first (see `problems_in_order`); None when nothing fails or warns."""
    problems = problems_in_order(checks, profile)
    return problems[0] if problems else None


def parent_message(checks: list[Check], verdict: str, profile: Profile, lang: str) -> str | None:
    """The message to the parent: the problems in the order to name them (see
    `problems_in_order`), worded by `present.parent_text`. None when the photo is accepted."""
    if verdict == "accept":
        return None
    return parent_text(problems_in_order(checks, profile), verdict, lang)


def beyond_fix(values: dict[str, float | None], profile: Profile) -> list[str]:
    """Rules the photo fails on a measurement auto-fix does not set (the content: eyes, light,
    background...): no crop or re-encoding repairs them. Rule ids, in profile order."""
    return [
        rule.id
        for rule in profile.rules
        if not rule.advisory
        and any(
            lim.measure not in SET_BY_FIX and values.get(lim.measure) is not None
            and evaluate(lim, values[lim.measure]).status == "fail"
            for lim in rule.limits
        )
    ]


def broken_by_fix(source: dict[str, float | None], fixed: dict[str, float | None], profile: Profile) -> list[str]:
    """The guarantee that auto-fix never hands out a worse photo, limit by limit: the rules whose
    limits the fixed photo breaks. A limit on what auto-fix sets (`SET_BY_FIX`: format, size,
    dpi, crop) must pass; every other limit must keep its source's status or a better one, and
    stay measurable if it was. Rule ids, in profile order."""
    broken = []
    for rule in profile.rules:
        for lim in rule.limits:
            before, after = source.get(lim.measure), fixed.get(lim.measure)
            if lim.measure in SET_BY_FIX:
                worse = after is None or evaluate(lim, after).status != "pass"
            elif before is None:
                worse = False
            else:
                worse = after is None or STATUS_RANK[evaluate(lim, after).status] > STATUS_RANK[evaluate(lim, before).status]
            if worse:
                broken.append(rule.id)
                break
    return broken


def _check(rule: Rule, outcome: Outcome, profile: Profile, lang: str) -> Check:
    texts = profile.messages[rule.id]
    key = "ok" if outcome.status == "pass" else outcome.side or "fix"
    lim = outcome.limit
    limit_value = lim.pass_min if outcome.side == "low" else lim.pass_max
    return Check(
        id=rule.id,
        status=outcome.status,
        value=None if outcome.value is None else round(outcome.value, 4),
        threshold=Threshold(min=lim.pass_min, max=lim.pass_max),
        measure=lim.measure,
        measure_label=profile.measures[lim.measure][lang],
        value_text=None if outcome.value is None else format_value(profile, lim.measure, outcome.value, lang),
        limit_text=format_limit(profile, lim, lang),
        title=texts["title"][lang],
        message=message(profile, rule.id, key, lang, lim.measure, outcome.value, limit_value),
    )
