"""PROGRESS: a rich bar on a terminal, plain periodic lines otherwise.

Both report documents done, books, rejects, the rate, and how much of the
input (by bytes of files finished) is behind us, with an ETA from that.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

__all__ = ["Progress", "make_progress"]


class Progress(Protocol):
    """What the batch runner tells its progress display."""

    def update(self, *, docs: int, books: int, rejects: int, bytes_done: int) -> None: ...

    def note(self, message: str) -> None: ...

    def close(self) -> None: ...


class _Silent:
    def update(self, *, docs: int, books: int, rejects: int, bytes_done: int) -> None:
        pass

    def note(self, message: str) -> None:
        print(message, file=sys.stderr)

    def close(self) -> None:
        pass


class _Lines:
    """One line every ``every`` seconds, for logs and CI."""

    def __init__(self, total_bytes: int, every: float, stream: TextIO) -> None:
        self._total = total_bytes
        self._every = every
        self._stream = stream
        self._start = self._last = time.monotonic()
        self._state = (0, 0, 0, 0)

    def update(self, *, docs: int, books: int, rejects: int, bytes_done: int) -> None:
        self._state = (docs, books, rejects, bytes_done)
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            self._emit(now)

    def _emit(self, now: float) -> None:
        docs, books, rejects, done = self._state
        elapsed = max(now - self._start, 1e-9)
        share = f", {done / self._total:.0%} of input" if self._total else ""
        print(
            f"batch: {docs} documents ({books} books, {rejects} rejects), "
            f"{docs / elapsed:.1f} docs/s{share}, {elapsed:.0f} s",
            file=self._stream,
            flush=True,
        )

    def note(self, message: str) -> None:
        print(message, file=self._stream, flush=True)

    def close(self) -> None:
        self._emit(time.monotonic())


class _Bar:
    """A rich progress bar on stderr; notes print above it."""

    def __init__(self, total_bytes: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("[bold]clean"),
            BarColumn(),
            TextColumn("{task.fields[docs]} docs"),
            TextColumn("{task.fields[rate]:.1f}/s"),
            TextColumn("[red]{task.fields[rejects]} rejects"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task = self._bar.add_task("clean", total=total_bytes or None, docs=0, rate=0.0, rejects=0)
        self._start = time.monotonic()
        self._bar.start()

    def update(self, *, docs: int, books: int, rejects: int, bytes_done: int) -> None:
        rate = docs / max(time.monotonic() - self._start, 1e-9)
        self._bar.update(self._task, completed=bytes_done, docs=docs, rate=rate, rejects=rejects)

    def note(self, message: str) -> None:
        self._bar.console.print(message, markup=False, highlight=False)

    def close(self) -> None:
        self._bar.stop()


def make_progress(mode: str, total_bytes: int, every: float) -> Progress:
    """A bar when stderr is a terminal (or ``mode="bar"``), lines otherwise, or nothing."""
    if mode == "off":
        return _Silent()
    if mode == "bar" or (mode == "auto" and sys.stderr.isatty()):
        return _Bar(total_bytes)
    return _Lines(total_bytes, every, sys.stderr)
