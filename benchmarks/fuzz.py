"""Hostile inputs at scale: seeded mutants (tests/mutants.py) through check and fix.

    python benchmarks/fuzz.py [--mutants 10000] [--workers 2] [--timeout 20] [--out benchmarks/out/fuzz.json]

Every mutant goes through `service.check` and `service.fix.fix` in engine worker processes.
The table counts, per job, reports, typed errors, and the three failures that must stay at
zero: untyped exceptions, crashes (the worker died) and hangs (over the timeout). The bad
seeds are listed; `tests.mutants.mutant(seed, base_images())` rebuilds any of them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mutants import KINDS, run_mutants  # noqa: E402

OUTCOMES = ("report", "typed", "untyped", "crash", "hang")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutants", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "fuzz.json")
    args = parser.parse_args()

    started = time.perf_counter()
    result = run_mutants(range(args.mutants), args.workers, args.timeout)
    seconds = time.perf_counter() - started
    counts = result["counts"]
    print(f"{'job':6s} " + " ".join(f"{o:>8s}" for o in OUTCOMES))
    for job in ("check", "fix"):
        print(f"{job:6s} " + " ".join(f"{counts[(job, o)]:>8d}" for o in OUTCOMES))
    print("mutants by kind: " + ", ".join(f"{k} {counts[('kind', k)] // 2}" for k in KINDS))
    print(f"{args.mutants} mutants x 2 jobs in {seconds:.0f} s; bad: {len(result['bad'])}")
    for seed, kind, job, outcome in result["bad"]:
        print(f"  seed {seed} ({kind}) {job}: {outcome}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "mutants": args.mutants, "seconds": round(seconds, 1),
        "outcomes": {job: {o: counts[(job, o)] for o in OUTCOMES} for job in ("check", "fix")},
        "kinds": {k: counts[("kind", k)] // 2 for k in KINDS},
        "bad": [dict(zip(("seed", "kind", "job", "outcome"), b)) for b in result["bad"]],
    }, indent=2))
    print(f"wrote {args.out}")
    return 1 if result["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
