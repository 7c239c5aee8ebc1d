"""A tiny progress bar for the command line, on stderr.

Forty lines rather than a dependency (tqdm): the CLI ships in the same package as the Lambda,
and a bar is all it needs. On a terminal it redraws one line at most ten times a second; into a
file or a pipe it writes a line every tenth of the way, so logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """`bar(done)` as work advances, `bar.close()` at the end."""

    def __init__(self, total: int, *, label: str, stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.total, self.label, self.width = max(total, 0), label, width
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._shown = -1.0
        self._tenth = -1

    def _line(self, done: int) -> str:
        fraction = done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        elapsed = time.monotonic() - self.started
        return (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{done}/{self.total} {fraction:4.0%} {elapsed:5.1f} s")

    def __call__(self, done: int) -> None:
        if self.tty:
            now = time.monotonic()
            if now - self._shown >= 0.1 or done >= self.total:
                self._shown = now
                self.stream.write("\r" + self._line(done))
                self.stream.flush()
            return
        tenth = int(10 * done / self.total) if self.total else 10
        if tenth > self._tenth:
            self._tenth = tenth
            self.stream.write(self._line(done) + "\n")

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
        self.stream.flush()
