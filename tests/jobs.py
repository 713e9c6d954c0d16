"""Engine jobs for the tests only: the engine's own, plus what no photo can be trusted to do on
demand. Workers serve this table when IDPHOTO_ENGINE_JOBS=tests.jobs (see service/workers.py),
so the shipped workers know none of these."""

from __future__ import annotations

import os
import time

from service.jobs import JOBS as ENGINE_JOBS

MODULE = __name__


def crash(args: dict) -> None:
    """A real native crash (SIGABRT), as a segfaulting decoder would die: no Python cleanup."""
    os.abort()


def sleep(args: dict) -> None:
    """A hang (or a slow photo): holds the worker for `seconds`."""
    time.sleep(args["seconds"])


def bug(args: dict) -> None:
    """An engine bug on one photo: an exception the worker reports and survives."""
    raise RuntimeError("engine bug")


JOBS = {**ENGINE_JOBS, "crash": crash, "sleep": sleep, "raise": bug}
