"""What an engine worker can be asked to do: one function per job kind, run in the worker
process (service/workers.py) on the job's arguments, returning what the caller gets (plain
data that crosses the pipe). Imported only in worker processes: it loads the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .batch.work import process_photo
from .compare import compare
from .errors import PhotoError
from .fix import fix
from .pipeline import analyse, check, report_for
from .web.overlay import draw_overlay


def check_job(args: dict[str, Any]) -> dict:
    return check(**args).model_dump(mode="json")


def fix_job(args: dict[str, Any]) -> dict:
    fixed = fix(**args)
    return {"jpeg": fixed.jpeg, "report": fixed.report.model_dump(mode="json")}


def compare_job(args: dict[str, Any]) -> dict:
    child = args.get("child", False)  # the same student in both photos
    reports = [check(args[side], args["profile"], args["lang"], child=child) for side in ("current", "new")]
    return compare(*reports, lang=args["lang"]).model_dump(mode="json")


def overlay_job(args: dict[str, Any]) -> dict:
    """The report, and the photo with what the engine saw drawn on it, from one decode."""
    child = args.get("child", False)
    try:
        analysis = analyse(args["data"], args["profile"], child)
    except PhotoError:
        report, image = check(args["data"], args["profile"], args["lang"], child=child), None
    else:
        report = report_for(analysis, args["lang"])
        image = draw_overlay(analysis.decoded, report)
    return {"jpeg": image, "report": report.model_dump(mode="json")}


def batch_job(args: dict[str, Any]) -> dict:
    return process_photo(**args)


JOBS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "check": check_job,
    "fix": fix_job,
    "compare": compare_job,
    "overlay": overlay_job,
    "batch": batch_job,
}
