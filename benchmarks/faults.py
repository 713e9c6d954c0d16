"""Fault harness: how every check responds to faults of growing strength, at the output scale.

    python benchmarks/faults.py [--photos N] [--families blur,jpeg] [--jobs 2] [--out benchmarks/out/faults.json]
    python benchmarks/faults.py --again benchmarks/out/faults.json   # the tables again, no engine run

Bases: each `good_id` photo of ../shared/photos (or $IDPHOTO_SHARED_PHOTOS, manifest.csv) is
auto-fixed (`service.fix.fix`, default profile, q95) to the 492x633 ID crop; a photo that
cannot be fixed is skipped and listed with the reason. The fixed JPEG is the base: its own
check is the baseline row, and `analyse` on it gives the `Subject` (eyes, mesh, person mask
at that scale) the faults are built from. Nothing is written next to the photos or copied
into the repository.

Faults: every family of benchmarks/families.py (`FAMILIES`: name, function, the rule meant to
catch it, strengths from invisible to absurd, `bad_from`) at every strength on every base,
encoded as JPEG (q95 unless the family sets the quality) and checked (`analyse` +
`report_for`, lang en). Per image the record keeps the verdict, score, the target rule's
status, deciding value and the values of all its limits, and every failing or warning rule
(advisory rules left out: they change neither verdict nor score).
A rule that is not in the profile (yet) has status "absent".

Report (stdout, and JSON with every record):
  - the baseline (each base's own check) and the skipped photos;
  - per family x strength: n, caught (the target rule warns or fails), failed, caught by the
    target or a further rule the family names (`also`), verdicts, median of the target measure;
  - per family: caught at the bad strengths, accepted there, caught at the weakest strength,
    and monotonicity: photos whose target measure moves back towards "good" as the strength
    grows (by more than 2 % of its spread over the good photos, or of the rule's warn band when
    they do not spread), and photos whose score rises (by more than 2 points);
  - per rule and measure: detection-error trade-off. Negatives: the bases and the original
    good_id photos (only the bases for measures that count the file's pixels, such as
    crop_height_px); positives: faults of the families aimed at the rule at strength >=
    bad_from. The threshold sweeps the measure in the direction its limit gives (`pass_max`:
    higher is worse, `pass_min`: lower; both: the distance from the middle of the pass range):
    equal error rate,
    and the miss rate (FNMR) and false alarm rate (FMR) at the profile's warn and fail limits;
  - per rule, all its limits together (what the judge decides): the same trade-off on the rule's
    worst limit margin (0 at the pass limit, 1 at the fail limit), so that a cast the eye whites
    catch on a ruddy face counts for face.colour although skin a* alone misses it;
  - the headline: clearly bad photos (strength >= bad_from) with the verdict accept.

The donor of `second.person` is the next base in the list. Seeds come from the photo and the
family (benchmarks/accuracy.seed_for), the same for every strength, so a photo's noise,
shadow side or hat colour does not change along its strength scale. 316 checks per base;
the full run (26 bases, 8216 checks) takes about 8 minutes on 2 cores with --jobs 2.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import accuracy as acc  # noqa: E402
import families as fam  # noqa: E402
from accuracy import jpeg, load_rgb, rule_result, subject_of  # noqa: E402
from degrade import Subject  # noqa: E402

import service.fix  # noqa: E402
from service import Analysis, PhotoError, analyse, check, load_profile, report_for  # noqa: E402
from service.judge import judge_rule  # noqa: E402
from service.profile import Limit, Profile, Rule  # noqa: E402
from service.report import Report  # noqa: E402

LANG = "en"
MONOTONE_TOLERANCE = 0.02  # share of the good photos' spread of a measure a fault may move it back
SCORE_TOLERANCE = 2  # points a stronger fault may score above a weaker one (rounding, re-encoding), as tests/test_fault_properties.py
VERDICT_RANK = {"accept": 0, "review": 1, "reject": 2, "unreadable": 2}  # better to worse
# Measures that count the file's own pixels or bytes: the uncropped originals are no negatives for them
FILE_SCALE_MEASURES = ("is_jpeg", "file_bytes", "dpi", "crop_height_px", "eye_distance_px")


@dataclass(frozen=True)
class Base:
    file: str
    rgb: np.ndarray  # the fixed 492x633 photo
    subject: Subject
    values: dict[str, float | None]  # what the engine measured on it


# ---- the profile ----------------------------------------------------------------------------


def limit_of(profile: Profile, rule: str, measure: str | None) -> Limit | None:
    if measure is None or rule not in {r.id for r in profile.rules}:
        return None
    return next((lim for lim in profile.rule(rule).limits if lim.measure == measure), None)


def target_measure(family: fam.Family, profile: Profile, records: list[dict]) -> str | None:
    """The measure the family moves: its own `measure` if the rule has that limit, else the one
    that most often decided the rule when it caught the family's faults, else the first limit."""
    if family.rule not in {r.id for r in profile.rules}:
        return None
    limits = [lim.measure for lim in profile.rule(family.rule).limits]
    if family.measure in limits:
        return family.measure
    deciding = Counter(r["target"]["measure"] for r in records
                       if r["family"] == family.name and caught(r) and r["target"]["measure"] in limits)
    return deciding.most_common(1)[0][0] if deciding else limits[0]


def attach_measures(records: list[dict], measures: dict[str, str | None]) -> None:
    """Each record's target measure and its value (from the values of all the rule's limits)."""
    for r in records:
        r["measure"] = measures[r["family"]]
        r["value"] = r["target"]["values"].get(r["measure"]) if r["measure"] else None


def worse_direction(limit: Limit, negatives: list[float], positives: list[float]) -> int:
    """+1 when higher values are worse, -1 when lower are; two-sided limits: where the faults go."""
    if limit.pass_max is not None and limit.pass_min is None:
        return 1
    if limit.pass_min is not None and limit.pass_max is None:
        return -1
    if not negatives or not positives:
        return 1
    return 1 if statistics.median(positives) >= statistics.median(negatives) else -1


# ---- running the engine ---------------------------------------------------------------------


def rule_outcome(report: Report, values: dict, profile: Profile, rule: str) -> dict:
    """The rule's status and deciding value, with the values of all its limits; 'absent' when
    the profile has no such rule."""
    if rule not in {r.id for r in profile.rules}:
        return {"status": "absent", "value": None, "measure": None, "threshold": None, "values": {}}
    outcome = rule_result(report, rule)
    outcome["values"] = {lim.measure: values.get(lim.measure) for lim in profile.rule(rule).limits}
    return outcome


def checked(data: bytes, file: str) -> tuple[Report, Analysis | None]:
    """The report, and the analysis it came from (None when the bytes could not be read)."""
    try:
        analysis = analyse(data)
    except PhotoError:
        return check(data, lang=LANG, file=file), None
    return report_for(analysis, LANG, file), analysis


def rules_with(report: Report, status: str, profile: Profile) -> list[str]:
    """Rules with that status, advisory ones left out (they change neither verdict nor score)."""
    advisory = {r.id for r in profile.rules if r.advisory}
    return [c.id for c in report.checks if c.status == status and c.id not in advisory]


def prepare_bases(rows: list[dict], limit: int | None) -> tuple[list[Base], list[dict], list[dict], list[dict]]:
    """Fix every good_id photo; return the bases, the skipped photos, the baseline records and
    the measured values of the original photos (the further negatives)."""
    profile = load_profile()
    bases, skipped, baseline, originals = [], [], [], []
    for row in rows:
        file = row["file"]
        data = (acc.SHARED / file).read_bytes()
        original = checked(data, file)[1]
        originals.append({"file": file, "values": original.values if original else {}})
        if limit is not None and len(bases) >= limit:
            continue
        fixed = service.fix.fix(data, lang=LANG, file=file)
        if fixed.jpeg is None:
            reasons = fixed.report.fix.reasons if fixed.report.fix else []
            skipped.append({"file": file, "reasons": [f"{r.id}: {r.message}" for r in reasons]})
            continue
        report, analysis = checked(fixed.jpeg, file)
        rgb = load_rgb(fixed.jpeg)
        subject = subject_of(analysis, rgb.shape) if analysis else None
        if subject is None:
            skipped.append({"file": file, "reasons": ["no face found on the fixed photo"]})
            continue
        bases.append(Base(file, rgb, subject, analysis.values))
        baseline.append({"file": file, "verdict": report.verdict or "unreadable", "score": report.score,
                         "failing": rules_with(report, "fail", profile),
                         "warning": rules_with(report, "warn", profile),
                         "values": analysis.values})
    return bases, skipped, baseline, originals


_BASES: list[Base] = []


def _init_worker(bases: list[Base]) -> None:
    global _BASES
    _BASES = bases


def run_base(index: int, names: list[str]) -> list[dict]:
    """Every selected family at every strength on base `index`: one record per checked image."""
    profile = load_profile()
    base, donor = _BASES[index], _BASES[(index + 1) % len(_BASES)]
    selected = [f for f in fam.FAMILIES if f.name in names]
    records = []
    for family in selected:
        seed = acc.seed_for(base.file, family.name)
        extra = {"donor": (donor.rgb, donor.subject)} if family.donor else {}
        for strength in family.strengths:
            faulty = family.fn(base.rgb, base.subject, strength, seed, **extra)
            report, analysis = checked(jpeg(faulty, family.quality(strength)), base.file)
            values = analysis.values if analysis else {}
            records.append({
                "file": base.file,
                "family": family.name,
                "strength": strength,
                "bad": strength >= family.bad_from,
                "verdict": report.verdict or "unreadable",
                "score": report.score,
                "faces": report.faces,
                "error": report.error.code if report.error else None,
                "rule": family.rule,
                "target": rule_outcome(report, values, profile, family.rule),
                "also": {rule: rule_outcome(report, values, profile, rule)["status"] for rule in family.also},
                "failing": rules_with(report, "fail", profile),
                "warning": rules_with(report, "warn", profile),
            })
    return records


def run_all(bases: list[Base], names: list[str], jobs: int) -> list[dict]:
    indices = range(len(bases))
    if jobs <= 1:
        _init_worker(bases)
        return [r for i in indices for r in _progress(i, len(bases), run_base(i, names))]
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no model state crosses a fork
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(bases,)) as pool:
        futures = [pool.submit(run_base, i, names) for i in indices]
        return [r for i, f in enumerate(futures) for r in _progress(i, len(bases), f.result())]


def _progress(i: int, n: int, records: list[dict]) -> list[dict]:
    print(f"  base {i + 1}/{n}: {len(records)} checks", file=sys.stderr)
    return records


# ---- summaries ------------------------------------------------------------------------------


def caught(record: dict) -> bool:
    return record["target"]["status"] in ("fail", "warn")


def caught_any(record: dict) -> bool:
    return caught(record) or any(s in ("fail", "warn") for s in record["also"].values())


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def negative_values(bases: list[Base], originals: list[dict], measure: str) -> list[float]:
    """The measure on the good photos: the bases, and the originals unless it counts file pixels."""
    found = [b.values.get(measure) for b in bases]
    if measure not in FILE_SCALE_MEASURES:
        found += [o["values"].get(measure) for o in originals]
    return [float(v) for v in found if v is not None]


def strength_rows(records: list[dict], families: list[fam.Family]) -> list[dict]:
    by_key = defaultdict(list)
    for r in records:
        by_key[(r["family"], r["strength"])].append(r)
    rows = []
    for family in families:
        for strength in family.strengths:
            mine = by_key[(family.name, strength)]
            n = len(mine)
            verdicts = Counter(r["verdict"] for r in mine)
            rows.append({
                "family": family.name, "strength": strength, "unit": family.unit, "bad": strength >= family.bad_from,
                "rule": family.rule, "n": n,
                "caught": share(sum(map(caught, mine)), n),
                "failed": share(sum(r["target"]["status"] == "fail" for r in mine), n),
                "caught_any": share(sum(map(caught_any, mine)), n) if family.also else None,
                "statuses": dict(Counter(r["target"]["status"] for r in mine)),
                "verdicts": {v: verdicts[v] for v in acc.VERDICTS},
                "measure": mine[0]["measure"] if mine else None,
                "median": median([r["value"] for r in mine]),
            })
    return rows


def family_direction(family: fam.Family, profile: Profile, measure: str | None, records: list[dict],
                     negatives: list[float]) -> int | None:
    limit = limit_of(profile, family.rule, measure)
    if limit is None:
        return None
    strongest = [r["value"] for r in records if r["strength"] == family.strengths[-1] and r["value"] is not None]
    return worse_direction(limit, negatives, strongest)


def monotonicity(family: fam.Family, records: list[dict], direction: int | None, spread: float) -> dict:
    """Photos whose measure moves back towards good (beyond the tolerance) as the strength
    grows, photos whose score rises, and photos whose verdict gets better at a stronger bad
    strength (the one rise a secretary would see); strengths compared with the worst seen so far."""
    by_photo = defaultdict(list)
    for r in records:
        by_photo[r["file"]].append(r)
    tolerance = MONOTONE_TOLERANCE * spread + 1e-9
    measure_bad, score_bad, verdict_bad = [], [], []
    for file, mine in by_photo.items():
        mine.sort(key=lambda r: r["strength"])
        if direction is not None:
            worst = None
            for r in mine:
                if r["value"] is None:
                    continue
                v = direction * r["value"]
                if worst is not None and worst - v > tolerance:
                    measure_bad.append(file)
                    break
                worst = v if worst is None else max(worst, v)
        scores = [r["score"] for r in mine if r["score"] is not None]
        if any(s > min(scores[:k]) + SCORE_TOLERANCE for k, s in enumerate(scores) if k):
            score_bad.append(file)
        verdicts = [VERDICT_RANK[r["verdict"]] for r in mine if r["bad"]]
        if any(v < max(verdicts[:k]) for k, v in enumerate(verdicts) if k):
            verdict_bad.append(file)
    return {"photos": len(by_photo), "measure_not_monotone": None if direction is None else len(measure_bad),
            "measure_not_monotone_files": measure_bad, "score_rises": len(score_bad), "score_rises_files": score_bad,
            "verdict_back": len(verdict_bad), "verdict_back_files": verdict_bad,
            "tolerance": tolerance if direction is not None else None}


def family_rows(records: list[dict], families: list[fam.Family], profile: Profile, measures: dict[str, str | None],
                bases: list[Base], originals: list[dict]) -> list[dict]:
    rows = []
    present = {r.id for r in profile.rules}
    for family in families:
        mine = [r for r in records if r["family"] == family.name]
        bad = [r for r in mine if r["bad"]]
        weakest = [r for r in mine if r["strength"] == family.strengths[0]]
        measure = measures[family.name]
        negatives = negative_values(bases, originals, measure) if measure else []
        direction = family_direction(family, profile, measure, mine, negatives)
        spread = (max(negatives) - min(negatives)) if negatives else 0.0
        limit = limit_of(profile, family.rule, measure)
        if spread == 0.0 and limit is not None:  # the good photos all read the same: the warn band instead
            bands = [abs(a - b) for a, b in ((limit.pass_min, limit.fail_min), (limit.pass_max, limit.fail_max))
                     if a is not None and b is not None]
            spread = max(bands, default=0.0)
        mono = monotonicity(family, mine, direction, spread) if family.ordered else None
        rows.append({
            "family": family.name, "rule": family.rule, "rule_present": family.rule in present, "also": family.also,
            "measure": measure, "direction": direction, "bad_from": family.bad_from, "n_bad": len(bad),
            "caught_bad": share(sum(map(caught, bad)), len(bad)),
            "failed_bad": share(sum(r["target"]["status"] == "fail" for r in bad), len(bad)),
            "caught_any_bad": share(sum(map(caught_any, bad)), len(bad)) if family.also else None,
            "accepted_bad": sum(r["verdict"] == "accept" for r in bad),
            "caught_weakest": share(sum(map(caught, weakest)), len(weakest)),
            "monotonicity": mono,
        })
    return rows


def det(negatives: list[float], positives: list[float], limit: Limit) -> dict:
    """Equal error rate of a threshold sweep, and the error rates at the profile's limits.

    One-sided limits sweep the value itself (`pass_max`: higher is worse, `pass_min`: lower);
    limits with both sides sweep the distance from the middle of the pass range, so that
    faults past either side count. The rates at the limits use the limits as the judge does:
    warn = outside the pass range, fail = outside the fail range.
    """
    two_sided = limit.pass_min is not None and limit.pass_max is not None
    centre = (limit.pass_min + limit.pass_max) / 2 if two_sided else 0.0
    sign = 1.0 if limit.pass_max is not None else -1.0

    def badness(values: list[float]) -> np.ndarray:
        v = np.asarray(values, np.float64)
        return np.abs(v - centre) if two_sided else sign * v

    neg, pos = np.sort(badness(negatives)), np.sort(badness(positives))
    thresholds = np.concatenate([[-np.inf], np.unique(np.concatenate([neg, pos]))])
    fmr = 1.0 - np.searchsorted(neg, thresholds, side="right") / len(neg)  # negatives worse than t
    fnmr = np.searchsorted(pos, thresholds, side="right") / len(pos)  # positives not worse than t
    worst = np.maximum(fmr, fnmr)
    best = int(np.argmin(worst))

    def outside(low: float | None, high: float | None) -> dict:
        def flagged(values: list[float]) -> np.ndarray:
            v = np.asarray(values, np.float64)
            none = np.zeros(v.shape, bool)
            return ((v < low) if low is not None else none) | ((v > high) if high is not None else none)

        return {"low": low, "high": high, "fmr": float(np.mean(flagged(negatives))),
                "fnmr": float(np.mean(~flagged(positives)))}

    fail_min = limit.pass_min if limit.fail_min is None else limit.fail_min
    fail_max = limit.pass_max if limit.fail_max is None else limit.fail_max
    t = thresholds[best]
    return {
        "sweep": f"|value - {centre:g}|" if two_sided else ("value" if sign > 0 else "-value"),
        "eer": float(worst[best]),
        "eer_threshold": None if not np.isfinite(t) else float(t if two_sided else sign * t),
        "eer_fmr": float(fmr[best]), "eer_fnmr": float(fnmr[best]),
        "warn": outside(limit.pass_min, limit.pass_max),
        "fail": outside(None, None) if limit.warn_only else outside(  # a warn_only limit never fails
            fail_min if limit.pass_min is not None else None, fail_max if limit.pass_max is not None else None),
        "curve": [[None if not np.isfinite(x) else float(x if two_sided else sign * x), float(a), float(b)]
                  for x, a, b in zip(thresholds, fmr, fnmr)],
    }


def det_rows(records: list[dict], families: list[fam.Family], profile: Profile, measures: dict[str, str | None],
             bases: list[Base], originals: list[dict]) -> list[dict]:
    groups: dict[tuple[str, str | None], list[fam.Family]] = defaultdict(list)
    for family in families:
        groups[(family.rule, measures[family.name])].append(family)
    rows = []
    for (rule, measure), members in groups.items():
        names = {f.name for f in members}
        row = {"rule": rule, "measure": measure, "families": sorted(names)}
        limit = limit_of(profile, rule, measure)
        if limit is None:
            rows.append({**row, "absent": True})
            continue
        negatives = negative_values(bases, originals, measure)
        bad = [r for r in records if r["family"] in names and r["bad"]]
        positives = [float(r["value"]) for r in bad if r["value"] is not None]
        row |= {"absent": False, "negatives": len(negatives), "positives": len(positives),
                "positives_not_measured": len(bad) - len(positives)}
        if negatives and positives:
            row |= det(negatives, positives, limit)
        rows.append(row)
    return rows


def limit_margin(limit: Limit, value: float) -> float:
    """How far past its pass range the value lies, in warn bands: <= 0 passes, 0..1 warns, > 1
    fails (a limit with no band, or a warn_only one, takes a quarter of its pass limit, as the
    judge scores it); negative inside the pass range, so a sweep can go below the limit."""
    sides = []
    for pass_at, fail_at, sign in ((limit.pass_max, limit.fail_max, 1.0), (limit.pass_min, limit.fail_min, -1.0)):
        if pass_at is None:
            continue
        band = abs(fail_at - pass_at) if fail_at is not None and not limit.warn_only else 0.0
        band = band or max(abs(pass_at) * 0.25, 1e-9)
        sides.append(sign * (value - pass_at) / band)
    return max(sides)


def rule_margin(rule: Rule, values: dict[str, float | None]) -> float | None:
    """The rule's worst limit margin (see limit_margin); None when none of its measures was made."""
    found = [limit_margin(lim, float(values[lim.measure])) for lim in rule.limits
             if values.get(lim.measure) is not None]
    return max(found) if found else None


def rule_det_rows(records: list[dict], families: list[fam.Family], profile: Profile, bases: list[Base],
                  originals: list[dict]) -> list[dict]:
    """Per rule, all its limits together (the rule's decision, as the judge makes it): the
    detection-error trade-off of the worst limit margin, negatives the bases and the original
    good_id photos (without the measures that count file pixels), positives its families'
    faults at >= bad_from. A cast is caught by the eye whites when the skin's own a* cannot
    tell a ruddy face, dark exposure by the white point when dark skin reads as dark as a dim
    photo: the rule's EER is the figure the secretary sees."""
    present = {r.id: r for r in profile.rules}
    aimed: dict[str, set[str]] = defaultdict(set)
    for family in families:
        if family.rule in present:
            aimed[family.rule].add(family.name)
    rows = []
    for rule_id, names in aimed.items():
        rule = present[rule_id]
        negative_sets = [b.values for b in bases] + [
            {k: v for k, v in o["values"].items() if k not in FILE_SCALE_MEASURES} for o in originals]
        negative_sets = [v for v in negative_sets if v]
        bad = [r for r in records if r["family"] in names and r["bad"]]
        neg = [m for m in (rule_margin(rule, v) for v in negative_sets) if m is not None]
        pos = [m for m in (rule_margin(rule, r["target"]["values"]) for r in bad) if m is not None]
        row = {"rule": rule_id, "families": sorted(names), "negatives": len(neg), "positives": len(pos),
               "positives_not_measured": len(bad) - len(pos)}
        if neg and pos:
            row |= det(neg, pos, Limit("margin", pass_max=0.0, fail_max=1.0))
            del row["fail"]  # the margin's 1 is not the judge's fail for every limit: count it as the judge does
            row["fail"] = {"fmr": _share_status(rule, negative_sets, "fail"),
                           "fnmr": 1.0 - _share_status(rule, [r["target"]["values"] for r in bad], "fail", measured=True)}
            row["warn"] = {"fmr": _share_status(rule, negative_sets, "warn", or_worse=True),
                           "fnmr": 1.0 - _share_status(rule, [r["target"]["values"] for r in bad], "warn",
                                                       or_worse=True, measured=True)}
        rows.append(row)
    return rows


def _share_status(rule: Rule, value_sets: list[dict], status: str, or_worse: bool = False,
                  measured: bool = False) -> float:
    """Share of the value sets the judge gives `status` (or worse) on this rule; `measured`: of
    those where at least one of its measures was made."""
    wanted = {"warn", "fail"} if or_worse else {status}
    outcomes = [judge_rule(rule, v) for v in value_sets]
    if measured:
        outcomes = [o for o, v in zip(outcomes, value_sets) if rule_margin(rule, v) is not None]
    return sum(o is not None and o.status in wanted for o in outcomes) / len(outcomes) if outcomes else 0.0


def headline(records: list[dict]) -> dict:
    bad = [r for r in records if r["bad"]]
    accepted = [{"family": r["family"], "strength": r["strength"], "file": r["file"], "score": r["score"]}
                for r in bad if r["verdict"] == "accept"]
    return {"bad": len(bad), "accepted": len(accepted), "share": share(len(accepted), len(bad)), "list": accepted}


# ---- printing -------------------------------------------------------------------------------

pct, number, table = acc.pct, acc.number, acc.table


def short(file: str) -> str:
    return file.removeprefix("dev_good_").removesuffix(".jpg")


def print_baseline(baseline: list[dict], skipped: list[dict]) -> None:
    print("\n== Baseline: the fixed 492x633 bases as they are ==")
    verdicts = Counter(b["verdict"] for b in baseline)
    print(f"  {len(baseline)} bases: " + ", ".join(f"{v} {verdicts[v]}" for v in acc.VERDICTS if verdicts[v]))
    for b in baseline:
        if b["verdict"] != "accept":
            print(f"  {b['file']:17s} {b['verdict']:6s} score {b['score']}  fail {b['failing']}  warn {b['warning']}")
    for s in skipped:
        print(f"  skipped {s['file']}: {'; '.join(s['reasons'])}")


def print_strengths(rows: list[dict]) -> None:
    print("\n== Per family x strength: caught = the target rule warns or fails (* = strength >= bad_from) ==")
    headers = ["family", "strength", "unit", "n", "caught", "failed", "any rule", "acc", "rev", "rej", "target measure",
               "median"]
    body = [[r["family"], f"{r['strength']:g}{'*' if r['bad'] else ''}", r["unit"], r["n"],
             "absent" if r["statuses"].get("absent") else pct(r["caught"]),
             "" if r["statuses"].get("absent") else pct(r["failed"]), pct(r["caught_any"]) if r["caught_any"] is not None
             else "", r["verdicts"]["accept"], r["verdicts"]["review"], r["verdicts"]["reject"] + r["verdicts"]["unreadable"],
             r["measure"] or "-", number(r["median"])] for r in rows]
    print(table(headers, body, right={1, 3, 4, 5, 6, 7, 8, 9, 11}))
    print("  any rule: the target or a further rule the family names (enlarge: image.sharpness; rotate: face.count).")


def print_families(rows: list[dict]) -> None:
    print("\n== Per family at strength >= bad_from; monotonicity over all strengths, per photo ==")
    headers = ["family", "rule", "bad_from", "n bad", "caught", "failed", "any rule", "ACCEPTED", "weakest caught",
               "measure back", "score rises", "verdict back"]
    body = []
    for r in rows:
        mono = r["monotonicity"]
        absent = not r["rule_present"]
        body.append([
            r["family"], r["rule"] + (" (absent)" if absent else ""), f"{r['bad_from']:g}", r["n_bad"],
            "-" if absent else pct(r["caught_bad"]), "-" if absent else pct(r["failed_bad"]),
            pct(r["caught_any_bad"]) if r["caught_any_bad"] is not None else "", r["accepted_bad"],
            "-" if absent else pct(r["caught_weakest"]),
            "-" if mono is None or mono["measure_not_monotone"] is None else f"{mono['measure_not_monotone']}/{mono['photos']}",
            "-" if mono is None else f"{mono['score_rises']}/{mono['photos']}",
            "-" if mono is None or "verdict_back" not in mono else f"{mono['verdict_back']}/{mono['photos']}",
        ])
    print(table(headers, body, right=set(range(2, 12))))
    print("  weakest caught: the target rule warns or fails at the family's weakest (meant invisible) strength.")
    print("  measure back: photos whose target measure moves back towards good by more than 2 % of its spread on the")
    print("  good photos (or of the warn band) as the strength grows; score rises: photos whose score goes up with it")
    print(f"  by more than {SCORE_TOLERANCE} points over the lowest score at a weaker strength; verdict back: photos")
    print("  whose verdict gets better (reject -> review -> accept) at a stronger strength >= bad_from.")


def limits(side: dict) -> str:
    """'< 20', '> 0.45' or '20..75': outside it the value is flagged; 'never' (a warn_only limit)."""
    low, high = side["low"], side["high"]
    if low is None and high is None:
        return "never"
    if low is not None and high is not None:
        return f"{number(low)}..{number(high)}"
    return f"< {number(low)}" if low is not None else f"> {number(high)}"


def print_det(rows: list[dict]) -> None:
    print("\n== Per rule: negatives = bases + original good_id photos; positives = its families at >= bad_from ==")
    headers = ["rule", "measure", "neg", "pos", "n/m", "EER", "at", "warn limit", "FNMR", "FMR", "fail limit", "FNMR",
               "FMR"]
    body = []
    for r in rows:
        if r["absent"]:
            body.append([r["rule"], "rule absent", *[""] * 11])
            continue
        if "eer" not in r:
            body.append([r["rule"], r["measure"], r["negatives"], r["positives"], r["positives_not_measured"],
                         *["-"] * 8])
            continue
        warn, fail = r["warn"], r["fail"]
        at = number(r["eer_threshold"])
        at = f"±{at}" if r["sweep"].startswith("|") else at
        body.append([r["rule"], r["measure"], r["negatives"], r["positives"], r["positives_not_measured"],
                     pct(r["eer"]), at, limits(warn), pct(warn["fnmr"]), pct(warn["fmr"]), limits(fail),
                     pct(fail["fnmr"]), pct(fail["fmr"])])
    print(table(headers, body, right=set(range(2, 13))))
    print("  n/m: positives whose measure was not made (no face found): left out of the sweep. FNMR: positives not")
    print("  beyond the limit (missed); FMR: negatives beyond it (false alarms). at: the threshold of the EER")
    print("  (±t: a two-sided limit, swept on the distance from the middle of its pass range).")


def print_rule_det(rows: list[dict]) -> None:
    print("\n== Per rule, all its limits together (the judge's decision): EER of the worst limit margin ==")
    headers = ["rule", "families", "neg", "pos", "n/m", "EER", "at margin", "warn FNMR", "warn FMR", "fail FNMR",
               "fail FMR"]
    body = []
    for r in rows:
        if "eer" not in r:
            body.append([r["rule"], len(r["families"]), r["negatives"], r["positives"], r["positives_not_measured"],
                         *["-"] * 6])
            continue
        body.append([r["rule"], len(r["families"]), r["negatives"], r["positives"], r["positives_not_measured"],
                     pct(r["eer"]), number(r["eer_threshold"]), pct(r["warn"]["fnmr"]), pct(r["warn"]["fmr"]),
                     pct(r["fail"]["fnmr"]), pct(r["fail"]["fmr"])])
    print(table(headers, body, right=set(range(1, 11))))
    print("  margin: how far past its pass range a limit's value lies, in warn bands (0 = the pass limit, 1 = the")
    print("  fail limit); the rule takes its worst limit. warn/fail: the judge's own statuses (warn or worse; fail).")


def print_headline(head: dict) -> None:
    print(f"\n== CLEARLY BAD PHOTOS ACCEPTED: {head['accepted']} of {head['bad']} ({pct(head['share'])}) ==")
    by_family = defaultdict(list)
    for a in head["list"]:
        by_family[a["family"]].append(a)
    for family, found in by_family.items():
        strengths = Counter(a["strength"] for a in found)
        at = " ".join(f"{s:g}:{n}" for s, n in sorted(strengths.items()))
        photos = " ".join(sorted({short(a["file"]) for a in found}))
        print(f"  {family:24s} {len(found):3d}  at strength:count {at}  photos {photos}")
    print("  (every one is listed in the JSON: headline.list)")


# ---- main -----------------------------------------------------------------------------------


def select_families(spec: str | None) -> list[fam.Family]:
    """All families, or those named (a name, or a prefix ending at a dot: 'cast' selects every cast)."""
    if not spec:
        return list(fam.FAMILIES)
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    chosen = [f for f in fam.FAMILIES if any(f.name == w or f.name.startswith(w + ".") for w in wanted)]
    unknown = [w for w in wanted if not any(f.name == w or f.name.startswith(w + ".") for f in fam.FAMILIES)]
    if unknown:
        sys.exit(f"faults: unknown families {unknown}; known: {', '.join(f.name for f in fam.FAMILIES)}")
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=None, help="only the first N bases (a quick run)")
    parser.add_argument("--families", default=None, help="comma-separated names or prefixes (default: all)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "faults.json")
    parser.add_argument("--again", type=Path, default=None, metavar="JSON",
                        help="summarise an earlier run's records again (no engine run): the tables after a change here")
    args = parser.parse_args()
    if args.again is not None:
        return summarise_again(args.again)

    if not acc.SHARED.is_dir():
        sys.exit(f"faults: the photos are absent: {acc.SHARED} (set IDPHOTO_SHARED_PHOTOS)")
    started = time.perf_counter()
    profile = load_profile()
    families = select_families(args.families)
    rows = [r for r in acc.read_manifest(acc.SHARED) if r["category"] == "good_id"]
    print(f"fixing {len(rows)} good_id photos ...", file=sys.stderr)
    bases, skipped, baseline, originals = prepare_bases(rows, args.photos)
    if not bases:
        sys.exit("faults: no base could be made")
    n_checks = len(bases) * sum(len(f.strengths) for f in families)
    print(f"checking {n_checks} faulty images ({len(families)} families, {len(bases)} bases, {args.jobs} jobs) ...",
          file=sys.stderr)
    records = run_all(bases, [f.name for f in families], args.jobs)
    measures = {f.name: target_measure(f, profile, records) for f in families}
    attach_measures(records, measures)

    summary = {
        "corpus": str(acc.SHARED),
        "profile": profile.name,
        "seed": acc.SEED,
        "n_bases": len(bases),
        "n_checks": len(records),
        "skipped": skipped,
        "baseline": baseline,
        "families": [{"name": f.name, "rule": f.rule, "also": f.also, "strengths": f.strengths, "bad_from": f.bad_from,
                      "unit": f.unit, "measure": measures[f.name], "doc": getattr(f.fn, "func", f.fn).__doc__}
                     for f in families],
        "strengths": strength_rows(records, families),
        "family_summary": family_rows(records, families, profile, measures, bases, originals),
        "det": det_rows(records, families, profile, measures, bases, originals),
        "rule_det": rule_det_rows(records, families, profile, bases, originals),
        "headline": headline(records),
    }
    print(f"\nCorpus {acc.SHARED}: {len(bases)} bases (fixed good_id photos), {len(records)} faulty images, "
          f"{len(families)} families; profile {profile.name}")
    print_baseline(baseline, skipped)
    print_strengths(summary["strengths"])
    print_families(summary["family_summary"])
    print_det(summary["det"])
    print_rule_det(summary["rule_det"])
    print_headline(summary["headline"])
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["originals"] = originals
    summary["records"] = records
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1))
    print(f"\n{len(records)} checks in {summary['seconds']:.0f} s; wrote {args.out}")
    return 0


def summarise_again(path: Path) -> int:
    """Print the tables of an earlier run from its JSON (the same profile and families)."""
    earlier = json.loads(path.read_text())
    profile = load_profile()
    names = {f["name"] for f in earlier["families"]}
    families = [f for f in fam.FAMILIES if f.name in names]
    records = earlier["records"]
    measures = {f.name: target_measure(f, profile, records) for f in families}
    attach_measures(records, measures)
    bases = [Base(b["file"], None, None, b["values"]) for b in earlier["baseline"]]
    originals = earlier["originals"]
    print(f"Again from {path}: {len(bases)} bases, {len(records)} faulty images; profile {profile.name}")
    print_families(family_rows(records, families, profile, measures, bases, originals))
    print_det(det_rows(records, families, profile, measures, bases, originals))
    print_rule_det(rule_det_rows(records, families, profile, bases, originals))
    print_headline(headline(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
