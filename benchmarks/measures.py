"""What each pixel measure costs: milliseconds per check, function by function, on one core.

    python benchmarks/measures.py [--repeat 30] [--corpus-repeat 3] [--out benchmarks/out/measures.json]

The check of a ~2 MP portrait (made from ../shared/photos/dev_good_003.jpg as benchmarks/speed.py
makes it, or the astronaut) runs `repeat` times with every public function of the measure
modules (`service/measure/*.py`) and the region building (`view_for`) wrapped in a timer.
Measures see the ID crop at the output height (633 rows) whatever the input size, so one
input size tells the cost. A function called from another wrapped one counts inside its
caller too (inclusive times); the total adds only the outermost calls, so it is the measure
stage without double counting. The rows added by issue 11 (the ICAO checks and the reworked
sharpness; its directional readings are the private `_directional`, inside `blur_and_detail`)
are marked, with their subtotal: the budget for them together is a few ms.

Two figures put that subtotal in context, both from the same run (these machines' speed moves
by a third within minutes, so only ratios compare across runs):
- the bare model calls a check makes (`speed.inference_floor`), the part no measure work can
  remove: the subtotal as a share of it;
- the DEV photos themselves (../shared/photos, every file of its manifest, `--corpus-repeat`
  checks each): some measures cost more on some photos (the hidden backdrop's texture test
  runs on about a third of them, not on the benchmark's), so the subtotal's median, 90th
  percentile and largest over the photos, and the functions that cost most on the slowest.
"""

from __future__ import annotations

import argparse
import csv
import functools
import inspect
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import SHARED, inference_floor, make_input, pin_to_cores, source_face  # noqa: E402

import service.measure as measure_stage  # noqa: E402
from service import analyse  # noqa: E402
from service.measure import (  # noqa: E402
    background,
    colour,
    compression,
    exposure,
    lighting,
    noise,
    occlusion,
    sharpness,
    skin,
)

MODULES = (background, colour, compression, exposure, lighting, noise, occlusion, sharpness, skin)
# the measures issue 11 added or reworked: shadows, casts on the skin and the eye whites, glare,
# head covering, retouching, a second person, and the directional / finer sharpness readings
ISSUE_11 = {
    "background.shade", "background.backdrop_seen", "background.other_people", "background.person_at_side",
    "background.skin_beside_head", "skin.sclera_colour", "skin.fine_texture", "skin.head_top_texture",
    "skin.off_hair_colour", "occlusion.eye_floor", "occlusion.eye_glare", "occlusion.eye_opening_shift",
    "occlusion.region_shift", "occlusion.eye_mismatch", "sharpness._directional",
}
# private helpers worth their own row: the directional readings inside blur_and_detail
PRIVATE = {sharpness: ("_directional",)}


class Timers:
    """Per function: the milliseconds of each check (summed over its calls in that check)."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.outer = 0.0
        self.depth = 0
        self.runs: list[dict[str, float]] = []
        self.outer_runs: list[float] = []

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            self.depth += 1
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = (time.perf_counter() - started) * 1000
                self.depth -= 1
                self.current[name] += elapsed
                self.calls[name] += 1
                if self.depth == 0:
                    self.outer += elapsed

        return timed

    def reset(self) -> None:
        self.current.clear()
        self.calls.clear()
        self.runs.clear()
        self.outer_runs.clear()
        self.outer = 0.0

    def end_run(self) -> None:
        self.runs.append(dict(self.current))
        self.outer_runs.append(self.outer)
        self.current.clear()
        self.outer = 0.0


def instrument(timers: Timers) -> list[str]:
    """Wrap every public function defined in the measure modules, and the region building."""
    names = []
    for module in MODULES:
        short = module.__name__.rsplit(".", 1)[-1]
        for attr, fn in list(vars(module).items()):
            if attr.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            name = f"{short}.{attr}"
            setattr(module, attr, timers.wrap(name, fn))
            names.append(name)
    for module, private in PRIVATE.items():
        for attr in private:
            name = f"{module.__name__.rsplit('.', 1)[-1]}.{attr}"
            setattr(module, attr, timers.wrap(name, getattr(module, attr)))
            names.append(name)
    measure_stage.view_for = timers.wrap("regions (view_for)", measure_stage.view_for)
    return names + ["regions (view_for)"]


def corpus_costs(timers: Timers, repeat: int) -> list[dict]:
    """Per DEV photo whose face is measured (every file of the shared manifest, as the engine
    gets it): the median over `repeat` checks of issue 11's subtotal and of each of its
    functions."""
    manifest = SHARED / "manifest.csv"
    if repeat < 1 or not manifest.is_file():
        return []
    with manifest.open(newline="", encoding="utf-8") as handle:
        files = [row["file"] for row in csv.DictReader(handle)]
    out = []
    for file in files:
        data = (SHARED / file).read_bytes()
        analyse(data)  # untimed, as the benchmark's own first check
        timers.reset()
        for _ in range(repeat):
            analyse(data)
            timers.end_run()
        per_function = {name: statistics.median(run.get(name, 0.0) for run in timers.runs) for name in ISSUE_11}
        if not any(per_function.values()):
            continue  # no face measured: nothing of issue 11's ran
        out.append({"file": file, "issue_11_ms": statistics.median(sum(run.get(name, 0.0) for name in ISSUE_11)
                                                                   for run in timers.runs),
                    "functions_ms": {name: ms for name, ms in per_function.items() if ms > 0}})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--corpus-repeat", type=int, default=3,
                        help="checks of each DEV photo for the per-photo table (0: skip it)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "measures.json")
    args = parser.parse_args()
    pin_to_cores(1)

    data = make_input(source_face(), 1632, 1224)
    analyse(data)  # load the models, warm the caches
    timers = Timers()
    names = instrument(timers)
    analyse(data)
    timers.reset()  # the instrumented warm-up run does not count
    for _ in range(args.repeat):
        analyse(data)
        timers.end_run()

    rows = []
    for name in names:
        found = [run.get(name, 0.0) for run in timers.runs]
        if not any(found):
            continue
        rows.append({"function": name, "ms_median": statistics.median(found), "ms_max": max(found),
                     "calls_per_check": timers.calls[name] / len(timers.runs), "issue_11": name in ISSUE_11})
    rows.sort(key=lambda r: -r["ms_median"])
    total = statistics.median(timers.outer_runs)
    new = sum(r["ms_median"] for r in rows if r["issue_11"])

    print(f"Measure stage of a 2 MP check on one core, median of {args.repeat} checks (inclusive ms)\n")
    print(f"{'function':34s} {'ms':>7s} {'max':>7s} {'calls':>5s}  issue 11")
    for r in rows:
        print(f"{r['function']:34s} {r['ms_median']:7.2f} {r['ms_max']:7.2f} {r['calls_per_check']:5.1f}  "
              f"{'*' if r['issue_11'] else ''}")
    print(f"\nmeasure stage (outermost calls): {total:.1f} ms; issue 11's measures together: {new:.1f} ms "
          f"({new / total:.0%} of it)")

    inference = inference_floor(args.repeat)
    print(f"bare model calls of a check (same run): {inference['total']:.2f} ms; issue 11's measures are "
          f"{new / inference['total']:.2f}x that")

    photos = corpus_costs(timers, args.corpus_repeat)
    corpus = None
    if photos:
        costs = [p["issue_11_ms"] for p in photos]
        slowest = sorted(photos, key=lambda p: -p["issue_11_ms"])[: max(len(photos) // 10, 1)]
        leaders = defaultdict(list)
        for p in slowest:
            for name, ms in p["functions_ms"].items():
                leaders[name].append(ms)
        top = sorted(((statistics.mean(v), k) for k, v in leaders.items()), reverse=True)[:4]
        p90 = statistics.quantiles(costs, n=10, method="inclusive")[-1] if len(costs) > 1 else costs[0]
        corpus = {"photos": len(photos), "repeat": args.corpus_repeat, "issue_11_ms_median": statistics.median(costs),
                  "issue_11_ms_p90": p90, "issue_11_ms_max": max(costs),
                  "slowest_tenth_leaders_ms": {k: m for m, k in top}, "per_photo": photos}
        print(f"\nissue 11's measures on the {len(photos)} DEV photos with a measured face (median of {args.corpus_repeat} checks each): "
              f"median {corpus['issue_11_ms_median']:.1f} ms, 90th percentile {corpus['issue_11_ms_p90']:.1f}, "
              f"largest {corpus['issue_11_ms_max']:.1f}")
        print("on the slowest tenth, the costliest: " + ", ".join(f"{k} {m:.2f} ms" for m, k in top))
    else:
        print("\n(no DEV photos: the per-photo table is skipped)")

    result = {"repeat": args.repeat, "input": "2MP", "cores": 1, "rows": rows, "stage_ms_median": total,
              "issue_11_ms": new, "issue_11_share": new / total, "inference_ms": inference,
              "issue_11_over_inference": new / inference["total"], "corpus": corpus}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
