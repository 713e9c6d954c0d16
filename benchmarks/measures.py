"""What each pixel measure costs: milliseconds per check, function by function, on one core.

    python benchmarks/measures.py [--repeat 30] [--out benchmarks/out/measures.json]

The check of a ~2 MP portrait (made from ../shared/photos/dev_good_003.jpg as benchmarks/speed.py
makes it, or the astronaut) runs `repeat` times with every public function of the measure
modules (`service/measure/*.py`) and the region building (`view_for`) wrapped in a timer.
Measures see the ID crop at the output height (633 rows) whatever the input size, so one
input size tells the cost. A function called from another wrapped one counts inside its
caller too (inclusive times); the total adds only the outermost calls, so it is the measure
stage without double counting. The rows added by issue 11 (the ICAO checks and the reworked
sharpness; its directional readings are the private `_directional`, inside `blur_and_detail`)
are marked, with their subtotal: the budget for them together is a few ms.
"""

from __future__ import annotations

import argparse
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

from speed import make_input, pin_to_cores, source_face  # noqa: E402

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
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
    result = {"repeat": args.repeat, "input": "2MP", "cores": 1, "rows": rows, "stage_ms_median": total,
              "issue_11_ms": new, "issue_11_share": new / total}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
