"""Progress on stderr: a bar with rate and time left on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, stream=None, interval: float = 10.0):
        self.total, self.done, self.skipped = total, 0, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval if not self.tty else 0.2
        self.started = self._last = time.monotonic()

    def advance(self, skipped: bool = False) -> None:
        self.done += 1
        self.skipped += skipped
        now = time.monotonic()
        if now - self._last >= self.interval or self.done == self.total:
            self._last = now
            self._print(now)

    def _print(self, now: float) -> None:
        processed = self.done - self.skipped
        rate = processed / max(now - self.started, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = "?" if left == float("inf") else time.strftime("%H:%M:%S", time.gmtime(left))
        if self.tty:
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}  {rate:.1f} photos/s  left {eta} ")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"progress {self.done}/{self.total} photos, {rate:.1f}/s, left {eta}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self.done != self.total:
            self.stream.write("\n")
            self.stream.flush()
