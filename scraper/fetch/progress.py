"""The progress bar on a terminal (rich): pages finished, rate, errors by kind.

Messages print above the bar, not through it. Off a terminal (a pipe, CI, a
log file) nothing is drawn and messages go to stderr as plain lines.
"""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from scraper.fetch.crawl import CrawlStats

__all__ = ["ConsoleReporter"]


class ConsoleReporter:
    """A rich progress bar on stderr when it is a terminal; plain lines otherwise."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False, force_terminal: bool | None = None) -> None:
        self.console = Console(stderr=True, force_terminal=force_terminal)
        self.quiet = quiet
        self.verbose = verbose
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if self.console.is_terminal and not quiet:
            self._progress = Progress(
                TextColumn("[bold]fetch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f}/s"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[errors]}"),
                console=self.console,
                transient=False,
            )
            self._task = self._progress.add_task("fetch", total=None, rate=0.0, errors="")

    def __enter__(self) -> ConsoleReporter:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, stats: CrawlStats) -> None:
        """Redraw the bar from the run's counters."""
        if self._progress is None or self._task is None:
            return
        errors = " ".join(f"{kind}:{n}" for kind, n in stats.errors.most_common(4))
        self._progress.update(
            self._task,
            completed=stats.finished,
            total=max(stats.queued, stats.finished),
            rate=stats.rate,
            errors=errors,
        )

    def message(self, text: str, *, detail: bool = False) -> None:
        """One line for the user, above the bar; ``detail`` lines only with --verbose."""
        if self.quiet or (detail and not self.verbose):
            return
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=sys.stderr, flush=True)
