"""Batch results on disk: `results.jsonl` is the source of truth, everything else is rebuilt from it.

Each record is appended with a single write() on an O_APPEND descriptor, so a run killed at
any moment leaves whole lines; a torn last line (power loss, full disk) is cut off when the
next run opens the store. A rerun skips a path already recorded with the same content (a
file replaced since is checked again; its newest record counts) and reports a photo whose
content was already checked under another path as a duplicate.

Results are only valid for the settings that made them: `settings.json` records the profile,
language, child and fix options and the engine and rules version. A rerun with other
settings is refused (`SettingsMismatch`) before any work, so a folder never mixes judgements.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

RESULTS, THUMBS, SETTINGS = "results.jsonl", "thumbs.jsonl", "settings.json"


class SettingsMismatch(Exception):
    """The output folder holds results made with other settings."""


class ResultStore:
    def __init__(self, out_dir: Path, settings: dict):
        self.dir = out_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        _claim(self.dir, settings)
        self.done: dict[str, str | None] = {}  # path -> sha256 of the content recorded for it
        self.first_path_by_hash: dict[str, str] = {}
        for record in read_records(self.dir / RESULTS, repair=True):
            self.done[record["path"]] = record.get("sha256")
            if "duplicate_of" not in record and record.get("report") is not None:
                self.first_path_by_hash.setdefault(record["sha256"], record["path"])
        _repair(self.dir / THUMBS)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self._results = os.open(self.dir / RESULTS, flags, 0o600)
        self._thumbs = os.open(self.dir / THUMBS, flags, 0o600)
        self.resumed = len(self.done)

    def add(self, record: dict, thumb: bytes | None = None) -> None:
        if thumb is not None:
            line = {"sha256": record["sha256"], "jpeg": base64.b64encode(thumb).decode("ascii")}
            os.write(self._thumbs, (json.dumps(line) + "\n").encode())
        os.write(self._results, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        self.done[record["path"]] = record.get("sha256")
        if "duplicate_of" not in record and record.get("report") is not None:
            self.first_path_by_hash.setdefault(record["sha256"], record["path"])

    def write_fixed(self, relative: str, jpeg: bytes) -> str:
        target = self.dir / "fixed" / Path(relative).with_suffix(".jpg")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(jpeg)
        return target.relative_to(self.dir).as_posix()

    def remove_fixed(self, relative: str) -> None:
        """No fixed photo for this path (any more): a file from an earlier content must not stay in fixed/."""
        (self.dir / "fixed" / Path(relative).with_suffix(".jpg")).unlink(missing_ok=True)

    def close(self) -> None:
        os.close(self._results)
        os.close(self._thumbs)


def _claim(out_dir: Path, settings: dict) -> None:
    """Record the settings in a new folder; refuse a folder whose results were made with others."""
    path, results = out_dir / SETTINGS, out_dir / RESULTS
    if path.exists():
        recorded = json.loads(path.read_text(encoding="utf-8"))
    elif results.exists() and results.stat().st_size > 0:
        recorded = {}  # results from a version that did not record its settings
    else:
        path.write_text(json.dumps(settings, indent=2, sort_keys=True), encoding="utf-8")
        return
    if recorded != settings:
        changed = sorted(k for k in settings.keys() | recorded.keys() if settings.get(k) != recorded.get(k))
        described = ", ".join(f"{k} {recorded.get(k, '(not recorded)')!r} -> {settings.get(k)!r}" for k in changed)
        raise SettingsMismatch(
            f"{out_dir} holds results made with other settings ({described}); they would mix. "
            f"Use another --out, or delete {out_dir} to start again."
        )


def latest_records(path: Path) -> list[dict]:
    """One record per path, the newest (a file replaced since its check was checked again), in first-seen order."""
    latest: dict[str, dict] = {}
    for record in read_records(path):
        latest[record["path"]] = record
    return list(latest.values())


def read_records(path: Path, repair: bool = False) -> Iterator[dict]:
    if repair:
        _repair(path)
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _repair(path: Path) -> None:
    """Cut a torn last line (one without its newline, or not valid JSON)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as f:
        data = f.read()
        keep = data.rfind(b"\n") + 1
        if keep < len(data):
            f.truncate(keep)
            data = data[:keep]
        lines = data.splitlines(keepends=True)
        if lines:
            try:
                json.loads(lines[-1])
            except ValueError:
                f.truncate(keep - len(lines[-1]))
