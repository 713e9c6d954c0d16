"""Hostile inputs (tests/mutants.py): a few hundred seeded mutants of synthetic JPEGs and
PNGs through check and fix, in engine worker processes. None may crash the engine, escape
untyped or hang; benchmarks/fuzz.py runs thousands."""

from .mutants import KINDS, run_mutants

SEEDS = range(270)  # 30 of each kind


def test_no_mutant_crashes_hangs_or_escapes_untyped():
    result = run_mutants(SEEDS, workers=2, timeout=20.0)
    counts = result["counts"]
    assert result["bad"] == []
    assert all(counts[("kind", kind)] == 2 * len(SEEDS) // len(KINDS) for kind in KINDS)
    for job in ("check", "fix"):
        assert counts[(job, "typed")] > 0 and counts[(job, "report")] > 0  # both paths were exercised
        assert counts[(job, "typed")] + counts[(job, "report")] == len(SEEDS)
