"""Batch results on disk: `results.jsonl` is the source of truth, everything else is rebuilt from it.

Each record is appended with a single write() on an O_APPEND descriptor, so a run killed at
any moment leaves whole lines; a torn last line (power loss, full disk) is cut off when the
next run opens the store. A rerun skips paths already recorded and reports a photo whose
content was already checked under another path as a duplicate.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path

RESULTS, THUMBS = "results.jsonl", "thumbs.jsonl"


class ResultStore:
    def __init__(self, out_dir: Path):
        self.dir = out_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.done_paths: set[str] = set()
        self.first_path_by_hash: dict[str, str] = {}
        for record in read_records(self.dir / RESULTS, repair=True):
            self.done_paths.add(record["path"])
            if "duplicate_of" not in record and record.get("report") is not None:
                self.first_path_by_hash.setdefault(record["sha256"], record["path"])
        _repair(self.dir / THUMBS)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self._results = os.open(self.dir / RESULTS, flags, 0o600)
        self._thumbs = os.open(self.dir / THUMBS, flags, 0o600)
        self.resumed = len(self.done_paths)

    def add(self, record: dict, thumb: bytes | None = None) -> None:
        if thumb is not None:
            line = {"sha256": record["sha256"], "jpeg": base64.b64encode(thumb).decode("ascii")}
            os.write(self._thumbs, (json.dumps(line) + "\n").encode())
        os.write(self._results, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        self.done_paths.add(record["path"])
        if "duplicate_of" not in record and record.get("report") is not None:
            self.first_path_by_hash.setdefault(record["sha256"], record["path"])

    def write_fixed(self, relative: str, jpeg: bytes) -> str:
        target = self.dir / "fixed" / Path(relative).with_suffix(".jpg")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(jpeg)
        return target.relative_to(self.dir).as_posix()

    def close(self) -> None:
        os.close(self._results)
        os.close(self._thumbs)


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
