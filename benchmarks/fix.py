"""Auto-fix over real photos: encodes per photo, bytes against the budget, and time per fix.

    python benchmarks/fix.py [--out benchmarks/out/fix.json]

Photos: every `good_id` photo of ../shared/photos (skipped when absent). Budgets: the
profile's own (5 MB) and a few tight ones a register might ask for. Time: generated ~12 MP
and ~2 MP JPEGs of a real face (see speed.py), median of several runs, single process.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import SHARED, make_input, source_face  # noqa: E402

from service.fix import fix  # noqa: E402

BUDGETS_KB = [None, 60, 40, 25]


def good_photos() -> list[Path]:
    manifest = SHARED / "manifest.csv"
    if not manifest.is_file():
        return []
    with open(manifest, newline="", encoding="utf-8") as f:
        return [SHARED / row["file"] for row in csv.DictReader(f) if row["category"] == "good_id"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "fix.json")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

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
    args.out.write_text(json.dumps({"budgets": budget_rows, "times": time_rows}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
