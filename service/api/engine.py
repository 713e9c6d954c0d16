"""The engine as the routes use it: admission before buffering, the shared upload budget, one
job run in the worker processes, and the engine's outcomes turned into problems.

One `Engine` per app (`app.state.engine`); the routes get it through `deps.EngineDep`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from ..errors import limit_values
from ..profile import Profile, available_profiles
from ..workers import Busy, EnginePool, Job, JobFailed
from .body import BodyBudget, read_photos
from .metrics import Metrics
from .problems import Problem
from .settings import Settings

RETRY_AFTER = {"Retry-After": "2"}


class Engine:
    def __init__(self, settings: Settings, metrics: Metrics):
        self.settings, self.metrics = settings, metrics
        self.pool = EnginePool(settings.workers, settings.max_waiting, settings.job_timeout)
        self.budget = BodyBudget(settings.body_budget)
        metrics.in_flight.set_function(lambda: self.pool.waiting)

    async def upload(self, request: Request, fields: tuple[str, ...] = ("photo",)) -> dict[str, bytes]:
        """Admission before buffering: a request the engine could not take is refused before its
        body is read, and the bytes all uploads hold are capped together (`BodyBudget`)."""
        pool = self.pool
        if pool.waiting >= pool.size + pool.max_waiting:
            raise Problem(503, "busy", RETRY_AFTER)
        return await read_photos(request, len(fields) * self.settings.max_upload_bytes, fields, self.budget)

    async def run(self, job: Job, profile: Profile) -> Any:
        """The job's result, or the problem that says why there is none."""
        try:
            status, payload = await self.pool.run(job)
        except Busy:
            raise Problem(503, "busy", RETRY_AFTER) from None
        except JobFailed as exc:
            if exc.worker_lost:
                self.metrics.worker_restarts.inc()
            raise Problem(422, exc.code, seconds=self.settings.job_timeout) from None
        if status == "photo_error":
            raise self.photo_problem(payload["code"], profile)
        return payload

    def readable(self, report: dict, profile: Profile) -> dict:
        """The report of a photo the engine could read; an unreadable one is its problem."""
        if report.get("error"):
            raise self.photo_problem(report["error"]["code"], profile)
        return report

    def photo_problem(self, code: str, profile: Profile) -> Problem:
        """422 with the engine's code; the numbers its text names are the profile's limits."""
        return Problem(
            422,
            code,
            **limit_values(profile.file_limits),
            limit_mb=self.settings.max_upload_bytes / 1_048_576,
            profile=profile.name,
            available=", ".join(available_profiles()),
            seconds=self.settings.job_timeout,
        )

    async def start(self) -> None:
        await self.pool.start()

    async def stop(self) -> None:
        await self.pool.stop()
