"""The photos of an export through the engine: the batch's own worker job (`process_photo` with
auto-fix) in local worker processes, so a photo that crashes or hangs its worker is an error
for that photo alone and the others go on. The engine decides; this module only reads its
verdict of the fixed photo: a photo is kept only when auto-fix wrote it (it keeps every rule
its source passed) and the written file's own check says "accept".

Files with the same content are processed once and noticed (`digest`), so the caller can
refuse the same face on two cards.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..batch.engines import LocalEngine
from ..profile import load_profile
from ..words import say, texts
from ..workers import JobFailed
from .errors import ExportError
from .plan import Reason


@dataclass(frozen=True)
class Outcome:
    digest: str | None  # sha256 of the file's content (None when it could not be read)
    staged: Path | None  # the fixed photo, kept: only when accepted
    score: int | None
    reason: Reason | None  # why not, when not kept


@dataclass(frozen=True)
class EngineSettings:
    profile: str
    lang: str
    child: bool
    workers: int
    timeout: float


def process(paths: list[Path], settings: EngineSettings, keep: Callable[[bytes], Path], progress=None) -> dict[Path, Outcome]:
    """Every path's outcome; `keep` stores an accepted photo and says where."""
    if not paths:  # the list alone refused everyone: no engine to start
        return {}
    return asyncio.run(_process(paths, settings, keep, progress or Progress(len(paths), settings.lang)))


async def _process(paths: list[Path], settings: EngineSettings, keep, progress: Progress) -> dict[Path, Outcome]:
    engine = LocalEngine(min(settings.workers, len(paths)), settings.timeout)  # no idle workers to start
    outcomes: dict[Path, Outcome] = {}
    first_by_digest: dict[str, Path] = {}
    slots = asyncio.Semaphore(engine.capacity)
    tasks: set[asyncio.Task] = set()

    async def handle(path: Path, data: bytes, digest: str) -> None:
        try:
            job = {"data": data, "profile": settings.profile, "lang": settings.lang, "fix": True, "child": settings.child}
            result = await engine.run(job)
            outcomes[path] = judged(result, digest, keep, settings)
        except JobFailed as exc:  # the worker crashed, hung or failed on this photo; it was replaced
            outcomes[path] = Outcome(digest, None, None, unreadable(exc.code, settings.lang))
        finally:
            slots.release()
            progress.advance()

    try:
        await engine.start()
    except RuntimeError as exc:  # a worker that cannot load the models: nothing can be checked
        await engine.stop()
        raise ExportError("engine", detail=str(exc)) from None
    try:
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as exc:
                outcomes[path] = Outcome(None, None, None, unreadable("unreadable_file", settings.lang, exc))
                progress.advance()
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in first_by_digest:  # the same content: its judgement is the first file's
                outcomes[path] = Outcome(digest, None, None, None)
                progress.advance()
                continue
            first_by_digest[digest] = path
            await slots.acquire()
            task = asyncio.create_task(handle(path, data, digest))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await engine.stop()
        progress.finish()
    return outcomes


def judged(result: dict, digest: str, keep: Callable[[bytes], Path], settings: EngineSettings) -> Outcome:
    """The engine's answer for one photo, read: kept when the fixed photo is accepted, else why not."""
    lang, report = settings.lang, result["report"]
    if report.get("error"):
        return Outcome(digest, None, None, unreadable(report["error"]["code"], lang))
    fixed, fixed_report, info = result.get("fixed"), result.get("fixed_report"), result.get("fix") or {}
    if fixed is not None and info.get("written") and fixed_report and fixed_report["verdict"] == "accept":
        return Outcome(digest, keep(fixed), fixed_report["score"], None)
    if fixed is not None and fixed_report:  # written, but the secretary must decide (or, never expected, rejected)
        problem = fixed_report.get("main_problem") or {}
        code = "review" if fixed_report["verdict"] == "review" else "reject"
        text = say("export", f"reason_{code}", lang, problem=problem.get("title", ""))
        return Outcome(digest, None, fixed_report["score"], Reason(code, text, problem.get("message", "")))
    titles = load_profile(settings.profile).messages
    reasons = info.get("reasons", [])
    rules = "; ".join(dict.fromkeys(titles[r["id"]]["title"][lang] if r["id"] in titles else r["id"] for r in reasons))
    hint = reasons[0]["message"] if reasons else (report.get("main_problem") or {}).get("message", "")
    text = say("export", "reason_not_fixable", lang, rules=rules or "—")
    return Outcome(digest, None, report.get("score"), Reason("not_fixable", text, hint))


def unreadable(code: str, lang: str, exc: OSError | None = None) -> Reason:
    key = f"what_{code}"
    what = say("export", key if key in texts()["export"] else "what_other", lang)
    if exc is not None and exc.errno is not None:
        code = f"{code}, {errno.errorcode.get(exc.errno, exc.errno)}"
    return Reason("unreadable", say("export", "reason_unreadable", lang, what=what, code=code), say("export", "hint_unreadable", lang))


class Progress:
    """Progress on stderr in the run's language: a bar on a terminal, a line every 10 s otherwise."""

    def __init__(self, total: int, lang: str, stream=None, interval: float = 10.0):
        self.total, self.done, self.lang = total, 0, lang
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = 0.2 if self.tty else interval
        self.started = self._last = time.monotonic()

    def advance(self) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self._last >= self.interval or self.done == self.total:
            self._last = now
            line = say("export", "progress", self.lang, done=self.done, total=self.total)
            self.stream.write(f"\r{line} " if self.tty else line + "\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.done:
            self.stream.write("\n")
            self.stream.flush()
