"""Batch re-validation of legacy photos: sources -> engine workers -> results.jsonl -> reports.

`run_batch` streams the sources (memory stays bounded whatever their size), keeps a fixed
number of photos in flight, writes each result as soon as it arrives, and rebuilds
results.csv, summary.json and report.html from results.jsonl at the end. Rerunning on the
same output folder resumes: photos already recorded are skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from importlib.metadata import version
from pathlib import Path

from ..paths import RULES_DIR
from ..profile import load_profile
from ..errors import describe
from ..workers import JobFailed
from .engines import LocalEngine, RayEngine
from .outputs import write_outputs
from .progress import Progress
from .sources import Item, ItemError, count_items, iter_items
from .store import ResultStore, SettingsMismatch

__all__ = ["SettingsMismatch", "batch_settings", "run_batch"]


def batch_settings(profile: str, lang: str, fix: bool, child: bool) -> dict:
    """Everything that decides a batch's results: a folder's results are valid only for these."""
    rules = hashlib.sha256()
    for path in sorted(RULES_DIR.glob("*.toml")):  # every profile and the messages: any change is a new version
        rules.update(path.name.encode() + b"\0" + path.read_bytes())
    return {
        "profile": profile,
        "lang": lang,
        "fix": fix,
        "child": child,
        "idphoto": version("idphoto"),
        "rules_sha256": rules.hexdigest(),
    }


def run_batch(
    sources: list[str],
    out_dir: Path,
    profile: str,
    lang: str = "pl",
    workers: int = 2,
    engine: str = "local",
    ray_address: str | None = None,
    fix: bool = False,
    job_timeout: float = 60.0,
    progress_stream=None,
    child: bool = False,
) -> dict:
    """Returns summary.json's content. Raises SourceError for a bad SOURCE, and SettingsMismatch
    for a folder holding results made with other settings, before any work. `child`: every
    photo is of a child (the profile's child geometry); each report's `crop.child` records it.
    With `fix`, DIR/fixed/ receives only photos auto-fix wrote: each keeps every rule its
    source passed, so none is rejected by our own check."""
    total = count_items(sources)
    store = ResultStore(out_dir, batch_settings(profile, lang, fix, child))
    runner = RayEngine(workers, job_timeout, ray_address) if engine == "ray" else LocalEngine(workers, job_timeout)
    started = time.perf_counter()
    progress = Progress(total, progress_stream)
    try:
        items = iter_items(sources, load_profile(profile).file_limits)
        processed = asyncio.run(_run(items, store, runner, profile, lang, fix, progress, child))
    finally:
        store.close()
        progress.finish()
    elapsed = time.perf_counter() - started
    run = {
        "engine": engine,
        "workers": workers,
        "child": child,
        "photos_in_sources": total,
        "processed": processed,
        "skipped_as_done": progress.skipped,
        "seconds": round(elapsed, 2),
        "photos_per_second": round(processed / elapsed, 2) if elapsed > 0 else None,
    }
    return write_outputs(out_dir, run, lang, profile)


async def _run(
    items, store: ResultStore, runner, profile: str, lang: str, fix: bool, progress: Progress, child: bool = False
) -> int:
    await runner.start()
    slots = asyncio.Semaphore(runner.capacity)
    in_flight: dict[str, str] = {}  # hash -> path of a photo being processed
    tasks: set[asyncio.Task] = set()
    processed = 0

    async def handle(item: Item, data: bytes, digest: str) -> None:
        nonlocal processed
        record: dict = {"path": item.path, "sha256": digest, "bytes": len(data)}
        thumb = None
        try:
            result = await runner.run({"data": data, "profile": profile, "lang": lang, "fix": fix, "child": child})
            record["report"] = result["report"]
            thumb = result["thumb"]
            if fix:
                record["fix"] = result["fix"]
                if result["fixed"] is not None:  # written only when it keeps every rule its source passed
                    record["fixed_path"] = store.write_fixed(item.relative, result["fixed"])
                    record["fixed_report"] = result.get("fixed_report")
                else:
                    store.remove_fixed(item.relative)
        except JobFailed as exc:  # the worker crashed or hung on this photo; it was replaced
            record["report"] = None
            record["error"] = {"code": exc.code, "message": describe(exc.code, lang, profile, seconds=runner.job_timeout)}
        finally:
            slots.release()
        store.add(record, thumb)
        in_flight.pop(digest, None)
        processed += 1
        progress.advance()

    try:
        for item in items:
            try:
                data = item.read()
            except OSError as exc:
                if item.path in store.done:  # recorded before; still unreadable or gone: keep the record
                    progress.advance(skipped=True)
                    continue
                if isinstance(exc, ItemError):
                    error = {"code": exc.code, "message": describe(exc.code, lang, profile, **exc.values)}
                else:
                    error = {"code": "unreadable_file", "message": describe("unreadable_file", lang, profile)}
                store.add({"path": item.path, "sha256": None, "report": None, "error": error})
                progress.advance()
                continue
            digest = hashlib.sha256(data).hexdigest()
            if store.done.get(item.path, "") == digest:  # the same content is recorded for this path
                progress.advance(skipped=True)
                continue
            first = store.first_path_by_hash.get(digest) or in_flight.get(digest)
            if first is not None:
                store.add({"path": item.path, "sha256": digest, "duplicate_of": first})
                progress.advance()
                continue
            await slots.acquire()
            in_flight[digest] = item.path
            task = asyncio.create_task(handle(item, data, digest))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await runner.stop()
    return processed
