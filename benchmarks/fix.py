"""Auto-fix over real photos: the source's verdict against the fixed photo's, why a photo is
not fixed, encodes per photo, bytes against the budget, and time per fix.

    python benchmarks/fix.py [--jobs 2] [--out benchmarks/out/fix.json]

Trust: every DEV photo of ../shared/photos (skipped when absent), fixed with the default
options: the table of source verdict against fixed verdict (or "not fixed"), every photo
whose fixed file is worse than its source (the guarantee says none), the crops each written
photo needed, and the reasons for every portrait not fixed. Budgets: the `good_id` photos at
the profile's own budget (5 MB) and a few tight ones a register might ask for. Time:
generated ~12 MP and ~2 MP JPEGs of a real face (see speed.py), median of several runs,
single process.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import SHARED, make_input, source_face  # noqa: E402

from service.fix import fix  # noqa: E402
from service.pipeline import check  # noqa: E402
from service.report import VERDICT_RANK  # noqa: E402

BUDGETS_KB = [None, 60, 40, 25]


def manifest() -> list[dict]:
    path = SHARED / "manifest.csv"
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def good_photos() -> list[Path]:
    return [SHARED / row["file"] for row in manifest() if row["category"] == "good_id"]


def source_and_fixed(row: dict) -> dict:
    """One photo: its own verdict, and what auto-fix made of it."""
    data = (SHARED / row["file"]).read_bytes()
    source = check(data, lang="en")
    result = fix(data, lang="en")
    out = {"file": row["file"], "category": row["category"], "source": source.verdict or "unreadable",
           "source_score": source.score}
    info = result.report.fix
    if result.jpeg is None:
        out |= {"fixed": "not fixed", "reasons": [{"id": r.id, "detail": r.detail} for r in info.reasons] if info else []}
    else:
        fixed = result.report
        out |= {"fixed": fixed.verdict, "fixed_score": fixed.score, "attempts": info.attempts,
                "worse": VERDICT_RANK[fixed.verdict] > VERDICT_RANK[source.verdict],
                "newly_not_passing": [c.id for c in fixed.checks if c.status != "pass"
                                      and (source.check(c.id) is None or source.check(c.id).status == "pass")]}
    return out


def trust(jobs: int) -> list[dict]:
    rows = manifest()
    if jobs <= 1:
        return [source_and_fixed(r) for r in rows]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(source_and_fixed, rows))


def print_trust(results: list[dict]) -> dict:
    columns = ["accept", "review", "reject", "not fixed"]
    corner = "source \\ fixed"
    print(f"{corner:>16s} " + " ".join(f"{c:>9s}" for c in columns) + f" {'n':>4s}")
    for source in ["accept", "review", "reject", "unreadable"]:
        counts = Counter(r["fixed"] for r in results if r["source"] == source)
        if counts:
            print(f"{source:>16s} " + " ".join(f"{counts[c]:>9d}" for c in columns) + f" {sum(counts.values()):>4d}")
    written = [r for r in results if r["fixed"] != "not fixed"]
    worse = [r for r in written if r["worse"]]
    attempts = Counter(r["attempts"] for r in written)
    print(f"written {len(written)} of {len(results)}; worse than the source: {len(worse)}; "
          f"crops needed: " + ", ".join(f"{k}: {v}" for k, v in sorted(attempts.items())))
    for r in worse:
        print(f"  WORSE {r['file']}: {r['source']} -> {r['fixed']} ({', '.join(r['newly_not_passing'])})")
    for r in written:
        if r["newly_not_passing"]:
            print(f"  {r['file']}: {r['source']} -> {r['fixed']}, newly not passing: {', '.join(r['newly_not_passing'])}")
    by_reason = Counter()
    for r in results:
        if r["fixed"] == "not fixed":
            ids = ", ".join(x["id"] for x in r["reasons"])
            if r["category"] in ("good_id", "portrait_noncompliant"):
                print(f"  not fixed {r['file']} ({r['category']}, source {r['source']}): {ids}")
            else:
                by_reason[(r["category"], ids)] += 1
    for (category, ids), n in sorted(by_reason.items()):
        print(f"  not fixed: {n} {category} photos ({ids})")
    return {"photos": len(results), "written": len(written), "worse": len(worse), "attempts": dict(attempts)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "fix.json")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2, help="processes for the trust table")
    args = parser.parse_args()

    results = trust(args.jobs)
    trust_summary = print_trust(results) if results else None

    photos = good_photos()
    budget_rows = []
    for budget in BUDGETS_KB:
        encodes, ratios, qualities, written, not_fixed = [], [], [], 0, []
        for path in photos:
            result = fix(path.read_bytes(), max_kb=budget)
            info = result.report.fix
            if not info.written:
                not_fixed.append((path.name, [r.id for r in info.reasons]))
                continue
            written += 1
            encodes.append(info.encodes)
            ratios.append(info.bytes / info.target_bytes)
            qualities.append(info.quality)
        budget_rows.append(
            {
                "budget_kb": budget or "profile (5120)",
                "photos": len(photos),
                "written": written,
                "not_fixed": not_fixed,
                "encodes_median": statistics.median(encodes) if encodes else None,
                "encodes_max": max(encodes, default=None),
                "bytes_over_budget_min": min(ratios, default=None),
                "bytes_over_budget_median": statistics.median(ratios) if ratios else None,
                "quality_median": statistics.median(qualities) if qualities else None,
            }
        )

    face = source_face()
    time_rows = []
    for label, size in {"12MP": (4000, 3000), "2MP": (1632, 1224)}.items():
        data = make_input(face, *size)
        fix(data)  # warm up
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            fix(data)
            times.append((time.perf_counter() - started) * 1000)
        time_rows.append({"input": label, "fix_ms_median": statistics.median(times), "fix_ms_max": max(times)})

    print(f"{'budget KB':>15s} {'written':>8s} {'encodes med/max':>16s} {'bytes/budget min/med':>21s} {'quality med':>11s}")
    for r in budget_rows:
        enc = f"{r['encodes_median']}/{r['encodes_max']}"
        ratio = (
            f"{r['bytes_over_budget_min']:.3f}/{r['bytes_over_budget_median']:.3f}" if r["written"] else "-"
        )
        print(f"{str(r['budget_kb']):>15s} {r['written']:>4d}/{r['photos']:<3d} {enc:>16s} {ratio:>21s} {r['quality_median']!s:>11s}")
        for name, reasons in r["not_fixed"]:
            print(f"{'':>15s} not fixed: {name} ({', '.join(reasons)})")
    for r in time_rows:
        print(f"fix {r['input']:5s} median {r['fix_ms_median']:.0f} ms (max {r['fix_ms_max']:.0f})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(
        {"trust": trust_summary, "photos": results, "budgets": budget_rows, "times": time_rows}, indent=2
    ))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
