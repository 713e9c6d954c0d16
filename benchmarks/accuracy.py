"""Accuracy of `check` on real labelled photos and on faults made from the good ones.

    python benchmarks/accuracy.py [--out benchmarks/out/accuracy.json]

Corpus: ../shared/photos (or $IDPHOTO_SHARED_PHOTOS) with its manifest.csv, the DEV set:
`good_id`, `portrait_noncompliant`, `group` and `no_face` photos, labelled by eye (see that
folder's README for the caveats: the studio `good_id` photos are square and need cropping,
`dev_good_028` is small and borderline, group face counts are approximate). Nothing is
copied into the repository.

Every labelled photo is checked as it is, giving
  - the engine's verdict (accept / review / reject) against the manifest category,
  - whether `face.count` is right (pass for one face, fail otherwise) and the detected count
    against the manifest's,
  - per rule, the share of untouched `good_id` photos warned and failed (false alarms).
Each `good_id` photo is then degraded in memory by every entry of `DEGRADATIONS` (functions
in benchmarks/degrade.py, given what the engine measured on the original: eyes, crown, chin,
crop, person mask, face mesh), encoded as JPEG q95 (q8 for the compression fault) and checked; a
degradation is caught when its rule fails (the rate of "fail or warn" is shown too).

Targets (PASS/MISS): every clearly visible degradation (`target=True` below) fails its rule
on >= 95 % of the photos; per content rule, at most 5 % of the good photos warned and none
failed; face.count right on every labelled photo. File rules (file.format, file.size,
image.dpi) are ignored, and framing rules (image.resolution, face.size, face.position) are
shown without a target: the studio good_id photos are square and not yet cropped.

Prints the tables, the targets and the misses with their measured values against the rule
limits and the same measure on the original (what to look at before tuning rules/), and
writes everything, with one record per checked image, to the JSON file. Single process,
fixed seed: 104 + 28 x 20 = 664 checks, about 40 s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import degrade as dg  # noqa: E402

from service import PhotoError, analyse, check, load_profile, report_for  # noqa: E402
from service.profile import Profile  # noqa: E402
from service.report import Check, Report  # noqa: E402

SHARED = Path(os.environ.get("IDPHOTO_SHARED_PHOTOS", ROOT.parent / "shared" / "photos"))
SEED = 7
OUTPUT_ROWS = load_profile().output.height  # rows the ID crop must have (633)
LANG = "en"
CATEGORIES = ("good_id", "portrait_noncompliant", "group", "no_face")
VERDICTS = ("accept", "review", "reject", "unreadable")
FILE_RULES = ("file.format", "file.size", "image.dpi")  # about the file, not the picture: ignored here
FRAMING_RULES = ("image.resolution", "face.size", "face.position")  # depend on how the photo was framed
DETECTION_TARGET = 0.95  # share of degraded photos a clearly visible fault must fail
WARN_TARGET = 0.05  # share of good photos a content rule may warn


@dataclass(frozen=True)
class Degradation:
    name: str
    fn: Callable[[np.ndarray, dg.Subject], np.ndarray]
    rule: str  # the rule it must trip
    quality: int = 95  # JPEG quality of the degraded file
    target: bool = True  # clearly visible: held to DETECTION_TARGET
    seeded: bool = False  # fn takes a `seed`


DEGRADATIONS: tuple[Degradation, ...] = (
    # sigmas in pixels of the 633-row output (the card): 1.5 is visible side by side and
    # borderline alone (the warning band), 2.5 and more a person rejects
    Degradation("blur sigma 1.5 (output px)", partial(dg.blur, sigma=1.5, output_rows=OUTPUT_ROWS), "image.sharpness",
                target=False),
    Degradation("blur sigma 2.5 (output px)", partial(dg.blur, sigma=2.5, output_rows=OUTPUT_ROWS), "image.sharpness"),
    Degradation("blur sigma 4 (output px)", partial(dg.blur, sigma=4.0, output_rows=OUTPUT_ROWS), "image.sharpness"),
    Degradation("greyscale", dg.greyscale, "image.colour"),
    Degradation("sepia", dg.sepia, "image.colour"),
    Degradation("under-exposed x0.35", partial(dg.exposure, gain=0.35), "image.exposure"),
    Degradation("over-exposed x2.0", partial(dg.exposure, gain=2.0), "image.exposure"),
    Degradation("low-res 60% of rows", partial(dg.low_resolution, rows=0.6 * OUTPUT_ROWS), "image.resolution"),
    Degradation("roll 15 deg", partial(dg.roll, degrees=15.0), "face.pose"),
    Degradation("yaw warp 30 deg", partial(dg.yaw, degrees=30.0), "face.pose"),
    Degradation("top cut 30% of head", partial(dg.cut_top, share=0.3), "face.position"),
    Degradation("busy background", dg.busy_background, "background.uniform", seeded=True),
    Degradation("dark background", partial(dg.plain_background, colour=(45, 45, 48)), "background.light"),
    Degradation("side shadow 0.45", partial(dg.side_shadow, darkest=0.45), "face.lighting"),
    Degradation("JPEG quality 8", dg.identity, "image.compression", quality=8),
    Degradation("dark glasses", partial(dg.dark_glasses, colour=(25, 25, 30)), "face.eyes"),
    Degradation("face mask, surgical blue", partial(dg.face_mask, colour=(160, 195, 225)), "face.covered"),
    Degradation("face mask, white", partial(dg.face_mask, colour=(238, 238, 236)), "face.covered"),
    # a black mask differs from dark skin mostly in lightness, which the measure ignores when
    # the lower face is darker (shadows and beards are): it may only warn, hence no target
    Degradation("face mask, black", partial(dg.face_mask, colour=(38, 38, 42)), "face.covered", target=False),
    Degradation("noise sigma 12", partial(dg.noise, sigma=12.0), "image.noise", seeded=True),
)


# ---- corpus ---------------------------------------------------------------------------------


def read_manifest(folder: Path) -> list[dict[str, str]]:
    path = folder / "manifest.csv"
    if not path.is_file():
        sys.exit(f"accuracy: no labelled photos: {path} is absent (set IDPHOTO_SHARED_PHOTOS to the folder)")
    with open(path, newline="", encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row["category"] in CATEGORIES]


def load_rgb(data: bytes) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))


def jpeg(rgb: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def seed_for(file: str, degradation: str) -> int:
    return SEED ^ zlib.crc32(f"{file}/{degradation}".encode())


def subject_of(analysis, shape: tuple[int, ...]) -> dg.Subject | None:
    """What the degradations need from the engine's view of the original, in source pixels."""
    face, crop = analysis.faces.face, analysis.crop
    if face is None or crop is None:
        return None
    mask = cv2.resize(analysis.faces.person_mask, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    eyes = ((face.right_eye[0] + face.left_eye[0]) / 2, face.eye_y)
    return dg.Subject(eyes, face.eye_distance, face.box, face.crown_y, face.chin_y, crop.height, mask, face.landmarks)


# ---- running the engine ---------------------------------------------------------------------


def rule_result(report: Report, rule: str) -> dict:
    """One rule's outcome as a plain record; status 'skipped' (not measured) or 'error' (unreadable)."""
    if report.error is not None:
        return {"status": "error", "value": None, "measure": None, "threshold": None}
    found: Check | None = report.check(rule)
    if found is None:
        return {"status": "skipped", "value": None, "measure": None, "threshold": None}
    threshold = found.threshold.model_dump() if found.threshold else None
    return {"status": found.status, "value": found.value, "measure": found.measure, "threshold": threshold}


def record(report: Report, file: str, rules: list[str], **extra) -> dict:
    return {
        "file": file,
        **extra,
        "verdict": report.verdict or "unreadable",
        "score": report.score,
        "faces": report.faces,
        "pose": report.face.pose.model_dump() if report.face else None,
        "error": report.error.code if report.error else None,
        "rules": {rule: rule_result(report, rule) for rule in rules},
    }


def check_labelled(rows: list[dict[str, str]], rules: list[str]) -> tuple[list[dict], dict[str, tuple]]:
    """Every labelled photo as it is; for good_id photos also the pixels and Subject to degrade."""
    records, originals = [], {}
    for row in rows:
        data = (SHARED / row["file"]).read_bytes()
        try:
            analysis = analyse(data)
        except PhotoError:
            report, analysis = check(data, lang=LANG, file=row["file"]), None
        else:
            report = report_for(analysis, LANG, row["file"])
        values = analysis.values if analysis is not None else {}
        extra = {"category": row["category"], "manifest_faces": int(row["faces"]), "values": values}
        records.append(record(report, row["file"], rules, **extra))
        if row["category"] == "good_id" and analysis is not None:
            rgb = load_rgb(data)
            originals[row["file"]] = (rgb, subject_of(analysis, rgb.shape))
    return records, originals


def check_degraded(originals: dict[str, tuple], rules: list[str]) -> list[dict]:
    records = []
    for file, (rgb, subject) in originals.items():
        if subject is None:
            print(f"  {file}: no face on the original, not degraded", file=sys.stderr)
            continue
        for deg in DEGRADATIONS:
            fn = partial(deg.fn, seed=seed_for(file, deg.name)) if deg.seeded else deg.fn
            report = check(jpeg(fn(rgb, subject), deg.quality), lang=LANG, file=file)
            records.append(record(report, file, rules, degradation=deg.name, expected_rule=deg.rule))
    return records


# ---- summaries ------------------------------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rule_kind(rule: str) -> str:
    return "file" if rule in FILE_RULES else "framing" if rule in FRAMING_RULES else "content"


def degradation_rows(degraded: list[dict]) -> list[dict]:
    rows = []
    for deg in DEGRADATIONS:
        mine = [r for r in degraded if r["degradation"] == deg.name]
        results = [r["rules"][deg.rule] for r in mine]
        statuses = Counter(r["status"] for r in results)
        measures = Counter(r["measure"] for r in results if r["value"] is not None)
        measure = measures.most_common(1)[0][0] if measures else None
        values = [r["value"] for r in results if r["measure"] == measure and r["value"] is not None]
        n = len(results)
        fail_rate = rate(statuses["fail"], n)
        rows.append(
            {
                "degradation": deg.name,
                "rule": deg.rule,
                "jpeg_quality": deg.quality,
                "target": deg.target,
                "n": n,
                "fail": statuses["fail"],
                "warn": statuses["warn"],
                "pass": statuses["pass"],
                "not_measured": statuses["skipped"] + statuses["error"],
                "fail_rate": fail_rate,
                "fail_or_warn_rate": rate(statuses["fail"] + statuses["warn"], n),
                "measure": measure,  # the one that most often decided the check
                "value_median": statistics.median(values) if values else None,  # of that measure
                "verdict_reject_rate": rate(sum(r["verdict"] == "reject" for r in mine), n),
                "met": None if not deg.target else bool(n and fail_rate >= DETECTION_TARGET),
            }
        )
    return rows


def rule_rows(rules: list[str], labelled: list[dict], deg_rows: list[dict]) -> list[dict]:
    good = [r for r in labelled if r["category"] == "good_id"]
    rows = []
    for rule in rules:
        statuses = Counter(r["rules"][rule]["status"] for r in good)
        aimed = [d for d in deg_rows if d["rule"] == rule]
        n_aimed = sum(d["n"] for d in aimed)
        kind = rule_kind(rule)
        quiet = statuses["fail"] == 0 and statuses["warn"] <= WARN_TARGET * len(good)
        rows.append(
            {
                "rule": rule,
                "kind": kind,
                "good_n": len(good),
                "good_warn": statuses["warn"],
                "good_fail": statuses["fail"],
                "good_not_measured": statuses["skipped"] + statuses["error"],
                "good_warn_rate": rate(statuses["warn"], len(good)),
                "good_fail_rate": rate(statuses["fail"], len(good)),
                "degraded_n": n_aimed,
                "detection_rate": rate(sum(d["fail"] for d in aimed), n_aimed),
                "detection_fail_or_warn_rate": rate(sum(d["fail"] + d["warn"] for d in aimed), n_aimed),
                "met": quiet if kind == "content" else None,
            }
        )
    return rows


def confusion(labelled: list[dict], degraded: list[dict]) -> dict[str, dict[str, int]]:
    by_row = {c: Counter(r["verdict"] for r in labelled if r["category"] == c) for c in CATEGORIES}
    by_row["good_id degraded (synthetic)"] = Counter(r["verdict"] for r in degraded)
    return {row: {v: counts[v] for v in VERDICTS} for row, counts in by_row.items()}


def face_count_rows(labelled: list[dict]) -> tuple[list[dict], list[dict]]:
    """Per category: face.count status right, detected count exact; and the photos where not."""
    rows, wrong = [], []
    for category in CATEGORIES:
        photos = [r for r in labelled if r["category"] == category]
        status_ok = count_ok = 0
        for r in photos:
            expected = "pass" if r["manifest_faces"] == 1 else "fail"
            status = r["rules"]["face.count"]["status"]
            status_ok += status == expected
            count_ok += r["faces"] == r["manifest_faces"]
            if status != expected or r["faces"] != r["manifest_faces"]:
                wrong.append(
                    {"file": r["file"], "category": category, "manifest_faces": r["manifest_faces"],
                     "detected": r["faces"], "status": status, "expected_status": expected}
                )
        rows.append({"category": category, "n": len(photos), "status_right": status_ok, "count_exact": count_ok})
    return rows, wrong


def limits_text(profile: Profile, rule: str, measure: str | None) -> str:
    """'pass >= 0.28, fail < 0.25' for the measure that decided the check."""
    if measure is None:
        return ""
    limit = next(lim for lim in profile.rule(rule).limits if lim.measure == measure)
    ok = [f"{op} {v:g}" for op, v in ((">=", limit.pass_min), ("<=", limit.pass_max)) if v is not None]
    if limit.warn_only:
        return f"pass {' and '.join(ok)}, else warn"
    bad = [f"{op} {v:g}" for op, v in (("<", limit.fail_min), (">", limit.fail_max)) if v is not None]
    return f"pass {' and '.join(ok)}, fail {' or '.join(bad)}"


def describe(profile: Profile, rule: str, result: dict, original: dict | None = None) -> str:
    """'warn blur_px = 2.06 (pass <= 1.8, fail > 2.2), original 1.2'."""
    if result["value"] is None:
        return f"{result['status']} (not measured)"
    measure = result["measure"]
    text = f"{result['status']:4s} {measure} = {result['value']:.4g} ({limits_text(profile, rule, measure)})"
    if original is not None and original.get(measure) is not None:
        text += f", original {original[measure]:.4g}"
    return text


def misses(profile: Profile, labelled: list[dict], degraded: list[dict]) -> dict[str, list[dict]]:
    targets = {d.name: d.target for d in DEGRADATIONS}
    originals = {r["file"]: r["values"] for r in labelled}
    undetected = []
    for r in degraded:
        rule = r["expected_rule"]
        result = r["rules"][rule]
        if result["status"] == "fail":
            continue
        original = originals.get(r["file"], {})
        undetected.append(
            {
                "file": r["file"],
                "degradation": r["degradation"],
                "rule": rule,
                "target": targets[r["degradation"]],
                "faces": r["faces"],
                **result,
                "original_value": original.get(result["measure"] or ""),
                "text": describe(profile, rule, result, original),
            }
        )
    alarms = [
        {"file": r["file"], "rule": rule, "kind": rule_kind(rule), **res, "text": describe(profile, rule, res)}
        for r in labelled
        if r["category"] == "good_id"
        for rule, res in r["rules"].items()
        if res["status"] in ("warn", "fail") and rule_kind(rule) != "file"
    ]
    return {"undetected_degradations": undetected, "good_id_alarms": alarms}


# ---- printing -------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def table(headers: list[str], rows: list[list], right: set[int] | None = None) -> str:
    """Plain aligned text; columns in `right` (default: all but the first) right-aligned."""
    right = set(range(1, len(headers))) if right is None else right
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]])


def print_degradations(rows: list[dict]) -> None:
    print("\n== Degradations of the good_id photos: caught = the rule fails ==")
    headers = ["degradation", "rule", "n", "fail", "warn", "pass", "n/m", "caught", "fail|warn", "measure", "median"]
    body = [
        [d["degradation"], d["rule"], d["n"], d["fail"], d["warn"], d["pass"], d["not_measured"], pct(d["fail_rate"]),
         pct(d["fail_or_warn_rate"]), d["measure"] or "-", number(d["value_median"]),
         pct(d["verdict_reject_rate"]), ">= 95%" if d["target"] else "none"]
        for d in rows
    ]
    print(table([*headers, "rejected", "target"], body, right={2, 3, 4, 5, 6, 7, 8, 10, 11}))
    print("  n/m: rule not measured (no face found, unreadable). measure: the one that most often decided the")
    print("  check; median: its median there. rejected: verdict reject (by any rule).")


def print_rules(rows: list[dict]) -> None:
    print("\n== Rules: false alarms on the untouched good_id photos; detection on the degradations aimed at them ==")
    headers = ["rule", "kind", "good n", "warned", "failed", "n/m", "degraded n", "caught (fail)", "fail|warn"]
    body = [
        [r["rule"], r["kind"], r["good_n"], f"{r['good_warn']} ({pct(r['good_warn_rate'])})",
         f"{r['good_fail']} ({pct(r['good_fail_rate'])})", r["good_not_measured"], r["degraded_n"] or "-",
         pct(r["detection_rate"]), pct(r["detection_fail_or_warn_rate"])]
        for r in rows
    ]
    print(table(headers, body, right={2, 3, 4, 5, 6, 7, 8}))
    print("  kind: file = about the file, not the picture (no target); framing = depends on how the photo was")
    print("  framed (the studio good_id photos are square, not yet cropped; no target); content = the rest.")


def print_verdicts(conf: dict[str, dict[str, int]]) -> None:
    print("\n== Verdict against the manifest category ==")
    body = [[category, *counts.values(), sum(counts.values())] for category, counts in conf.items()]
    print(table(["category", *VERDICTS, "n"], body))


def print_face_count(rows: list[dict], wrong: list[dict]) -> None:
    print("\n== Faces on the labelled photos (face.count right: pass for 1 face, fail otherwise) ==")
    body = [[f["category"], f["n"], f["status_right"], f["count_exact"]] for f in rows]
    print(table(["category", "n", "face.count right", "count = manifest"], body))
    for w in wrong:
        status = "right" if w["status"] == w["expected_status"] else f"WRONG, should {w['expected_status']}"
        counts = f"manifest {w['manifest_faces']}, detected {w['detected']}"
        print(f"  {w['file']:18s} {counts}; face.count {w['status']} ({status})")


def print_targets(found: list[dict]) -> None:
    print("\n== Targets ==")
    for t in found:
        print(f"  {'PASS' if t['met'] else 'MISS'}  {t['text']}")


def print_misses(found: dict[str, list[dict]]) -> None:
    print("\n== Misses: degraded photos whose rule did not fail (value of the deciding measure; original photo's) ==")
    for m in found["undetected_degradations"]:
        note = "" if m["target"] else "  [no target]"
        faces = "" if m["faces"] == 1 else f"  faces={m['faces']}"
        print(f"  {m['degradation']:20s} {m['file']:17s} {m['rule']:16s} {m['text']}{faces}{note}")
    print("\n== False alarms: untouched good_id photos warned or failed (content and framing rules) ==")
    for a in sorted(found["good_id_alarms"], key=lambda a: (a["kind"], a["rule"], a["file"])):
        print(f"  {a['kind']:8s} {a['rule']:18s} {a['file']:17s} {a['text']}")


def print_report(summary: dict) -> None:
    print(f"\nCorpus: {summary['corpus']}: {summary['n_labelled']} labelled photos; {summary['n_degraded']} degraded "
          f"images from {summary['n_good_degraded']} good_id photos (seed {SEED}); profile {summary['profile']}")
    print_degradations(summary["degradations"])
    print_rules(summary["rules"])
    print_verdicts(summary["confusion"])
    print_face_count(summary["face_count"], summary["face_count_wrong"])
    print_targets(summary["targets"])
    print_misses(summary["misses"])


def detection_target(d: dict) -> dict:
    text = f"{d['degradation']:20s} -> {d['rule']:18s} caught {d['fail']}/{d['n']} = {pct(d['fail_rate'])} (>= 95%)"
    return {"met": d["met"], "kind": "detection", "name": d["degradation"], "rule": d["rule"], "rate": d["fail_rate"],
            "text": text}


def false_alarm_target(r: dict) -> dict:
    warned = f"warned {r['good_warn']}/{r['good_n']} = {pct(r['good_warn_rate'])} (<= 5%)"
    text = f"{r['rule']:18s} on good_id: {warned}, failed {r['good_fail']} (0)"
    return {"met": r["met"], "kind": "false_alarm", "rule": r["rule"], "warn_rate": r["good_warn_rate"],
            "fail": r["good_fail"], "text": text}


def targets(deg_rows: list[dict], rule_rows_: list[dict], face_rows: list[dict]) -> list[dict]:
    out = [detection_target(d) for d in deg_rows if d["met"] is not None]
    out += [false_alarm_target(r) for r in rule_rows_ if r["met"] is not None]
    right, n = sum(f["status_right"] for f in face_rows), sum(f["n"] for f in face_rows)
    out.append({"met": right == n, "kind": "face_count", "right": right, "n": n,
                "text": f"face.count right on {right}/{n} labelled photos (all)"})
    return out


# ---- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "accuracy.json")
    args = parser.parse_args()

    if not SHARED.is_dir():
        sys.exit(f"accuracy: the labelled photos are absent: {SHARED} (set IDPHOTO_SHARED_PHOTOS)")
    started = time.perf_counter()
    profile = load_profile()
    rules = [rule.id for rule in profile.rules]
    manifest = read_manifest(SHARED)
    print(f"checking {len(manifest)} labelled photos ...", file=sys.stderr)
    labelled, originals = check_labelled(manifest, rules)
    print(f"checking {len(originals)} x {len(DEGRADATIONS)} degraded good_id photos ...", file=sys.stderr)
    degraded = check_degraded(originals, rules)

    deg_rows = degradation_rows(degraded)
    rule_rows_ = rule_rows(rules, labelled, deg_rows)
    face_rows, face_wrong = face_count_rows(labelled)
    summary = {
        "corpus": str(SHARED),
        "profile": profile.name,
        "seed": SEED,
        "n_labelled": len(labelled),
        "n_good_degraded": len(originals),
        "n_degraded": len(degraded),
        "degradations": deg_rows,
        "rules": rule_rows_,
        "confusion": confusion(labelled, degraded),
        "face_count": face_rows,
        "face_count_wrong": face_wrong,
        "targets": targets(deg_rows, rule_rows_, face_rows),
        "misses": misses(profile, labelled, degraded),
    }
    print_report(summary)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["results"] = {"labelled": labelled, "degraded": degraded}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1))
    print(f"\n{len(labelled) + len(degraded)} checks in {summary['seconds']:.0f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
