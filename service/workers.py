"""Engine workers: the CPU-bound engine runs in separate processes (for the HTTP service and
the local batch engine), never on the event loop.

Each worker process loads the models once and serves jobs over a pipe. The pool keeps a
bounded number of jobs waiting (beyond it callers get `Busy`, which the API turns into 503
with Retry-After), gives each job a time limit, and replaces a worker that crashes or hangs:
that job fails with `JobFailed`, every other job goes on.

What a job does is looked up by its kind in the `JOBS` table of a module imported in the worker:
`service.jobs` (the engine's jobs), or the module named by IDPHOTO_ENGINE_JOBS, which the
tests point at their own table (the engine's jobs plus a native crash, a hang and an engine
bug), so the shipped workers carry no test behaviour.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
import os
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger("idphoto.engine")
JOBS_MODULE = "service.jobs"
JOBS_ENV = "IDPHOTO_ENGINE_JOBS"  # another module with a `JOBS` table: for tests only


class Busy(Exception):
    """The queue is full; try again shortly."""


class JobFailed(Exception):
    """The job could not be done: the worker died or hung on it (`worker_lost`), or the engine
    raised an error on this photo and the worker goes on."""

    def __init__(self, code: str, message: str, worker_lost: bool = True):
        super().__init__(message)
        self.code, self.message, self.worker_lost = code, message, worker_lost


@dataclass(frozen=True)
class Job:
    kind: str  # a key of the workers' JOBS table: "check", "fix", "compare", "overlay", "batch"
    args: dict[str, Any]


def prepare_engine_process() -> None:
    """Make this process an engine worker: quiet native logs, load the models once, and keep
    OpenCV to one thread (the pool runs one worker per core; OpenCV's own threads would only
    fight the other workers for the same cores)."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    import sys

    import cv2

    from .api.logs import configure
    from .face import load_models

    configure(stream=sys.stderr)  # a traceback or a library warning in a worker is a JSON line too
    # Ctrl+C is for the parent, which stops the pool; a worker that took it too would only print a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cv2.setNumThreads(1)
    load_models()


def _worker_main(conn: Connection, jobs_module: str) -> None:
    """Runs in the worker process: load the engine, then answer jobs until the pipe closes."""
    prepare_engine_process()
    from .errors import PhotoError
    from .fixplan import FixOptionError

    jobs = importlib.import_module(jobs_module).JOBS
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if job.kind not in jobs:
                raise ValueError(f"unknown job {job.kind!r}")
            conn.send(("ok", jobs[job.kind](job.args)))
        except PhotoError as exc:
            conn.send(("photo_error", {"code": str(exc.code), "message": exc.message}))
        except FixOptionError as exc:  # options the caller should have had refused before the upload
            conn.send(("photo_error", {"code": exc.code, "message": exc.message}))
        except Exception as exc:  # an engine bug on this photo: report it, keep serving the others
            log.exception("engine error", extra={"event": "engine_error", "job": job.kind})
            conn.send(("failed", {"code": "processing_failed", "message": f"The engine failed on this photo ({type(exc).__name__})."}))


class _Worker:
    """One engine process and its pipe. Blocking methods run in a thread, never on the loop."""

    def __init__(self, context):
        self._context = context
        self.process = None
        self.conn: Connection | None = None

    def start(self, ready_timeout: float) -> None:
        parent, child = self._context.Pipe()
        jobs_module = os.environ.get(JOBS_ENV) or JOBS_MODULE
        self.process = self._context.Process(target=_worker_main, args=(child, jobs_module), daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        if not parent.poll(ready_timeout):
            self.stop()
            raise RuntimeError("engine worker did not start in time")
        try:
            parent.recv()
        except EOFError:  # it died while loading (the models, the jobs module): say so at once
            self.stop()
            raise RuntimeError(f"engine worker exited while starting (exit code {self.process.exitcode})") from None

    def run(self, job: Job, timeout: float) -> tuple[str, Any]:
        assert self.conn is not None
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout):
                raise JobFailed("processing_timeout", f"The photo took longer than {timeout:.0f} s to process.")
            status, payload = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise JobFailed("processing_failed", "The engine stopped while processing this photo.") from None
        if status == "failed":
            raise JobFailed(payload["code"], payload["message"], worker_lost=False)
        return status, payload

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
        if self.process is not None:
            self.process.join(5)
        if self.conn is not None:
            self.conn.close()


class EnginePool:
    def __init__(self, workers: int, max_waiting: int, job_timeout: float, start_timeout: float = 120.0):
        self.size = workers
        self.max_waiting = max_waiting
        self.job_timeout = job_timeout
        self.start_timeout = start_timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: list[_Worker] = []
        self.waiting = 0  # jobs admitted and not finished (waiting or running)
        self.ready = False

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        for _ in range(self.size):
            worker = _Worker(self._context)
            await loop.run_in_executor(None, worker.start, self.start_timeout)
            self._workers.append(worker)
            self._idle.put_nowait(worker)
        self.ready = True

    async def stop(self) -> None:
        self.ready = False
        for worker in self._workers:
            worker.stop()

    @property
    def alive(self) -> int:
        """Engine processes running now (a dead idle one is replaced when it is next needed)."""
        return sum(worker.alive for worker in self._workers)

    async def heal(self) -> int:
        """Replace the idle workers that died (a readiness probe calls this, so a pool whose
        workers all died recovers without a request failing first); returns how many."""
        assert self._idle is not None
        idle = [self._idle.get_nowait() for _ in range(self._idle.qsize())]
        replaced = 0
        for worker in idle:
            if not worker.alive:
                log.warning("idle engine worker replaced", extra={"event": "worker_replaced", "job": "idle"})
                worker = await self._replace(worker)
                replaced += 1
            self._idle.put_nowait(worker)
        return replaced

    async def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        fresh = _Worker(self._context)
        await asyncio.get_running_loop().run_in_executor(None, fresh.start, self.start_timeout)
        self._workers = [w for w in self._workers if w is not worker] + [fresh]
        return fresh

    async def run(self, job: Job) -> tuple[str, Any]:
        """Raises Busy when too many jobs are admitted, JobFailed when its worker died or hung."""
        if self.waiting >= self.size + self.max_waiting:
            raise Busy()
        assert self._idle is not None
        self.waiting += 1
        loop = asyncio.get_running_loop()
        try:
            worker = await self._idle.get()
            try:
                if not worker.alive:  # it died while idle (killed, out of memory): never hand it a job
                    log.warning("idle engine worker replaced", extra={"event": "worker_replaced", "job": "idle"})
                    worker = await self._replace(worker)
                return await loop.run_in_executor(None, worker.run, job, self.job_timeout)
            except JobFailed as exc:
                if not exc.worker_lost:
                    raise
                log.warning("engine worker replaced", extra={"event": "worker_replaced", "job": job.kind})
                worker = await self._replace(worker)
                raise
            finally:
                self._idle.put_nowait(worker)
        finally:
            self.waiting -= 1
