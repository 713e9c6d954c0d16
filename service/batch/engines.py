"""Batch engines: where photos are processed. Both run `work.process_photo` in long-lived
workers that load the models once, give each photo a time limit, and replace a worker that
crashes or hangs (that photo gets an error record, the batch goes on)."""

from __future__ import annotations

import asyncio
import logging

from ..workers import EnginePool, Job, JobFailed


class LocalEngine:
    """A pool of local processes (the same pool the HTTP service uses)."""

    def __init__(self, workers: int, job_timeout: float):
        self.workers = workers
        self.job_timeout = job_timeout
        self.capacity = 2 * workers  # photos in flight: enough to keep every worker busy
        self._pool = EnginePool(workers, max_waiting=workers, job_timeout=job_timeout)

    async def start(self) -> None:
        await self._pool.start()

    async def run(self, args: dict) -> dict:
        status, payload = await self._pool.run(Job("batch", args))
        if status != "ok":
            raise JobFailed(payload.get("code", "processing_failed"), payload.get("message", "failed"))
        return payload

    async def stop(self) -> None:
        await self._pool.stop()


class RayEngine:
    """Ray actors, one per worker, on an existing cluster (`address`) or a local one."""

    def __init__(self, workers: int, job_timeout: float, address: str | None):
        self.workers = workers
        self.capacity = 2 * workers
        self.job_timeout = job_timeout
        self.address = address
        self._idle: asyncio.Queue | None = None

    async def start(self) -> None:
        import ray

        if not ray.is_initialized():
            options = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
            if self.address:
                ray.init(address=self.address, **options)
            else:
                # photos stay in memory: no spilling of the object store to disk
                ray.init(num_cpus=self.workers, _system_config={"automatic_object_spilling_enabled": False}, **options)
        self._actor_class = _actor_class()
        self._idle = asyncio.Queue()
        actors = [self._actor_class.remote() for _ in range(self.workers)]
        await asyncio.gather(*(asyncio.wrap_future(a.ping.remote().future()) for a in actors))
        for actor in actors:
            self._idle.put_nowait(actor)

    async def run(self, args: dict) -> dict:
        import ray
        from ray.exceptions import RayActorError, RayTaskError

        assert self._idle is not None
        actor = await self._idle.get()
        try:
            ref = actor.process.remote(**args)
            return await asyncio.wait_for(asyncio.wrap_future(ref.future()), self.job_timeout)
        except asyncio.TimeoutError:
            ray.kill(actor)
            actor = self._actor_class.remote()
            raise JobFailed("processing_timeout", f"The photo took longer than {self.job_timeout:.0f} s.") from None
        except (RayActorError, RayTaskError):
            ray.kill(actor)
            actor = self._actor_class.remote()
            raise JobFailed("processing_failed", "The engine stopped while processing this photo.") from None
        finally:
            self._idle.put_nowait(actor)

    async def stop(self) -> None:
        import ray

        if ray.is_initialized():
            ray.shutdown()


def _actor_class():
    """Defined on demand, so importing this module does not need Ray. Absolute imports inside:
    Ray ships the class by value to its workers."""
    import ray

    @ray.remote(num_cpus=1)
    class BatchActor:
        def __init__(self):
            from service.workers import prepare_engine_process

            prepare_engine_process()

        def ping(self) -> bool:
            return True

        def process(self, **args) -> dict:
            from service.batch.work import process_photo

            return process_photo(**args)

    return BatchActor
