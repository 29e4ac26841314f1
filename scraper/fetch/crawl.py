"""The crawl: workers take URLs from the frontier, fetch, archive, commit, retry.

Per attempt, in this order and with no ``await`` between the last two steps::

    fetch (Fetcher) -> archive (WarcFile, flushed) -> commit (Ledger, one transaction)

then, depending on the outcome: requeue with a delay (retryable and tries
left), queue discovered links (``--follow``), or nothing (final state).

Memory: the URLs live in the ledger. Seeds are streamed into it in bounded
batches and the frontier pulls pending URLs from it a page at a time, in id
order; discovered links are added to the ledger (new ids, so a later page
picks them up). Only a page, the retries waiting, and in-flight URLs are in
memory, whatever the number of URLs.

Stopping: the first SIGINT/SIGTERM stops handing out URLs; workers finish the
attempt they hold, the WARC is closed and renamed, and ``run`` returns. A
second signal cancels in-flight attempts (they stay queued in the ledger).
"""

from __future__ import annotations

import asyncio
import platform
import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from scraper.fetch.bounded import Hop
from scraper.fetch.config import FetchConfig
from scraper.fetch.discover import extract_links
from scraper.fetch.errors import Gone, Refused, Retryable, RetryableStatus
from scraper.fetch.fetcher import Attempt, Fetcher
from scraper.fetch.frontier import Frontier, Item
from scraper.fetch.guard import Resolver
from scraper.fetch.ledger import Entry, Ledger, State
from scraper.fetch.politeness import Clock, Sleep
from scraper.fetch.redact import redact_text
from scraper.fetch.retry import retry_delay
from scraper.fetch.robots import origin_of
from scraper.fetch.warc import WarcFile, media_kind

__all__ = ["Crawl", "CrawlStats", "Reporter"]


@dataclass(slots=True)
class CrawlStats:
    """What one run did; the summary is printed from this."""

    states: Counter[str] = field(default_factory=Counter)  # final state per URL this run
    errors: Counter[str] = field(default_factory=Counter)  # error kind per failed attempt
    attempts: int = 0
    retries: int = 0
    queued: int = 0  # URLs this run set out to fetch, discovered ones included
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0
    stopped_by: str | None = None  # signal name when interrupted

    @property
    def finished(self) -> int:
        """URLs that reached a state this run (retries still pending are not finished)."""
        return sum(self.states.values())

    @property
    def rate(self) -> float:
        """URLs finished per second."""
        seconds = self.elapsed or (time.monotonic() - self.started)
        return self.finished / seconds if seconds > 0 else 0.0


class Reporter(Protocol):
    """Where progress goes (a rich progress bar on a terminal, nothing in tests)."""

    def update(self, stats: CrawlStats) -> None: ...
    def message(self, text: str, *, detail: bool = False) -> None: ...


class _Silent:
    def update(self, stats: CrawlStats) -> None:
        pass

    def message(self, text: str, *, detail: bool = False) -> None:
        pass


RetryHook = Callable[[str, int, float, str], None]

PAGE = 1000
"""Pending URLs the frontier pulls from the ledger at a time (more with high concurrency)."""


class Crawl:
    """One run over a job: the ledger's pending URLs plus what they lead to."""

    def __init__(
        self,
        config: FetchConfig,
        ledger: Ledger,
        archive: WarcFile,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        resolver: Resolver | None = None,
        reporter: Reporter | None = None,
        on_retry: RetryHook | None = None,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.archive = archive
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        self._resolver = resolver
        self.reporter: Reporter = reporter or _Silent()
        self._on_retry = on_retry
        self.stats = CrawlStats()
        self._cursor = 0  # the last ledger id handed to the frontier
        # A bounded page of pending URLs in memory, at least a few per worker.
        self.frontier = Frontier(
            clock=clock, sleep=sleep, source=self._next_pending, page=max(PAGE, 4 * config.concurrency)
        )
        self._workers: list[asyncio.Task[None]] = []
        self._signals = 0

    def _next_pending(self, limit: int) -> list[Entry]:
        self._cursor, entries = self.ledger.pending_page(self._cursor, limit, refresh=self.config.refresh)
        return entries

    def request_stop(self, reason: str = "stop") -> None:
        """First call: finish in-flight work and stop. Second: cancel in-flight work too."""
        self._signals += 1
        self.stats.stopped_by = self.stats.stopped_by or reason
        if self._signals == 1:
            self.reporter.message(
                f"{reason}: finishing {self.frontier.in_flight} in-flight request(s); send again to abandon them"
            )
            self.frontier.stop()
        else:
            for task in self._workers:
                task.cancel()

    def _archive_robots(self, hops: list[Hop], url: str) -> None:
        final = [hop for hop in hops if hop.responded]
        outcome = f"robots_{final[-1].status}" if final else "robots_unreachable"
        offset = self.archive.write_attempt(hops, asked_for=url, attempt=1, outcome=outcome)
        self.ledger.set_warc_position(str(self.archive.path), offset)

    async def run(self, seeds: Iterable[str] = (), *, handle_signals: bool = False) -> CrawlStats:
        """Queue ``seeds``, fetch everything pending, and return the run's stats."""
        self.ledger.add_stream(seeds, limit=self.config.max_pages)
        offset = self.archive.write_info(
            {
                "software": f"{self.config.user_agent} (python {platform.python_version()})",
                "http-header-user-agent": self.config.user_agent,
                "robots": "obey" if self.config.obey_robots else "ignore",
                "format": "WARC File Format 1.1",
            }
        )
        self.ledger.set_warc_position(str(self.archive.path), offset)
        self.stats.queued = self.ledger.count_pending(refresh=self.config.refresh)
        loop = asyncio.get_running_loop()
        if handle_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.request_stop, sig.name)
        try:
            async with Fetcher(
                self.config,
                clock=self._clock,
                sleep=self._sleep,
                resolver=self._resolver,
                archive_robots=self._archive_robots,
            ) as fetcher:
                self._workers = [
                    asyncio.create_task(self._worker(fetcher)) for _ in range(max(1, self.config.concurrency))
                ]
                results = await asyncio.gather(*self._workers, return_exceptions=True)
                failures = [r for r in results if isinstance(r, Exception)]
                if failures:
                    raise failures[0]
        finally:
            if handle_signals:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)
            self.archive.close()
            self.ledger.set_warc_position(str(self.archive.path), self.archive.offset)
            self.stats.elapsed = time.monotonic() - self.stats.started
            self.reporter.update(self.stats)
        return self.stats

    async def _worker(self, fetcher: Fetcher) -> None:
        while (item := await self.frontier.next()) is not None:
            try:
                await self._process(fetcher, item)
            except Exception:
                # Not a URL's failure (those are results) but ours: disk full,
                # a broken ledger. Stop the crawl; what is committed stays.
                self.frontier.stop()
                raise
            finally:
                self.frontier.task_done()

    async def _process(self, fetcher: Fetcher, item: Item) -> None:
        entry = item.entry
        conditional = {}
        if entry.state == "done":  # --refresh: ask only for what changed
            if entry.etag:
                conditional["If-None-Match"] = entry.etag
            if entry.last_modified:
                conditional["If-Modified-Since"] = entry.last_modified
        result = await fetcher.fetch(entry.url, conditional=conditional)
        attempt_no = entry.attempts + 1
        tries = item.tries + 1
        self.stats.attempts += 1
        error = result.error
        state: State
        delay: float | None = None
        if error is None:
            state = "done"
        elif isinstance(error, Gone):
            state = "gone"
        elif isinstance(error, Refused):
            state = "refused"
        elif isinstance(error, Retryable):
            delay = retry_delay(self.config.retry, tries, error, rng=self._rng)
            state = "failed" if delay is None else "queued"
        else:
            state = "failed"
        if error is not None:
            self.stats.errors[error.kind] += 1
        final = result.final
        links = self._links(result) if state == "done" else []
        offset = self.archive.write_attempt(
            result.hops, asked_for=entry.url, attempt=attempt_no, outcome=result.outcome
        )
        added = self.ledger.record(
            entry.url,
            state=state,
            attempts=attempt_no,
            status=final.status if final else None,
            error=redact_text(str(error)) if error else None,
            etag=final.header("etag") if final and state == "done" else None,
            last_modified=final.header("last-modified") if final and state == "done" else None,
            final_url=final.url if final else None,
            warc=(str(self.archive.path), offset),
            discovered=links,
            depth=entry.depth + 1,
            limit=self.config.max_pages,
        )
        if added:  # queued in the ledger, after everything read so far
            self.frontier.more()
        self.stats.queued += len(added)
        if delay is not None:
            assert error is not None
            self.stats.retries += 1
            if isinstance(error, RetryableStatus) and error.retry_after is not None:
                cap = self.config.retry.retry_after_cap
                fetcher.gate.defer(origin_of(entry.url), min(error.retry_after, cap))
            self.frontier.push(Entry(entry.url, "queued", attempt_no, entry.depth), tries=tries, delay=delay)
            if self._on_retry is not None:
                self._on_retry(entry.url, tries, delay, error.kind)
        else:
            done_state = "not_modified" if result.outcome == "not_modified" else state
            self.stats.states[done_state] += 1
            if error is not None:
                self.reporter.message(f"{done_state}: {redact_text(str(error))}", detail=True)
        self.reporter.update(self.stats)

    def _links(self, result: Attempt) -> list[str]:
        final = result.final
        if not self.config.follow or final is None or not final.body:
            return []
        kind, _ = media_kind(final.header("content-type"), final.url)
        if kind != "html":
            return []
        try:
            return extract_links(final.body, final.url, self.config.follow)
        except ValueError as exc:  # a selector selectolax cannot parse
            self.reporter.message(f"--follow {self.config.follow!r}: {exc}")
            return []


def describe(stats: CrawlStats, archive: WarcFile | None = None) -> str:
    """The end-of-run summary, a few lines for stderr."""
    parts = [f"{n} {state}" for state, n in sorted(stats.states.items())]
    lines = [
        f"{stats.finished} URL(s) finished in {stats.elapsed:.1f} s "
        f"({stats.rate:.1f}/s): {', '.join(parts) or 'nothing to do'}"
    ]
    if stats.retries:
        lines.append(f"{stats.retries} retr{'y' if stats.retries == 1 else 'ies'} scheduled")
    if stats.errors:
        kinds = ", ".join(f"{kind} {n}" for kind, n in stats.errors.most_common())
        lines.append(f"errors by kind: {kinds}")
    if archive is not None:
        lines.append(f"archive: {archive.path} ({archive.records} records this run)")
    if stats.stopped_by:
        lines.append(f"stopped by {stats.stopped_by}; run again with the same --job-dir to go on")
    return "\n".join(redact_text(line) for line in lines)
