"""The crawl queue: URLs ready now, and URLs waiting for a retry time.

A heap ordered by (not-before time, arrival). Workers take the first ready
item; when none is ready they sleep until the earliest one is, or until a new
URL arrives. The queue is finished when it is empty, its source has nothing
more, and nothing is in flight (an in-flight URL may still add links or come
back for a retry).

The URLs themselves live in the ledger: the frontier holds only a bounded
page of them, pulled from ``source`` (the ledger's pending URLs in id order)
when fewer than half a page are buffered, plus the URLs waiting for a retry.
Memory therefore stays flat however many URLs the job has.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scraper.fetch.ledger import Entry
from scraper.fetch.politeness import Clock, Sleep

__all__ = ["Frontier", "Item", "Source"]

Source = Callable[[int], list[Entry]]
"""Up to N more pending entries, each handed out once; fewer than N means none left for now."""


@dataclass(order=True, slots=True)
class Item:
    """One queued URL; ``tries`` counts attempts already made in this run."""

    not_before: float
    seq: int
    entry: Entry = field(compare=False)
    tries: int = field(default=0, compare=False)
    fresh: bool = field(default=False, compare=False)  # pulled from the source


class Frontier:
    """Ready-and-waiting URL queue shared by the crawl's workers."""

    def __init__(self, *, clock: Clock, sleep: Sleep, source: Source | None = None, page: int = 1000) -> None:
        self._clock = clock
        self._sleep = sleep
        self._source = source
        self._page = max(1, page)
        self._fresh = 0  # items from the source still in the heap
        self._drained = source is None
        self._heap: list[Item] = []
        self._seq = itertools.count()
        self._in_flight = 0
        self._changed = asyncio.Event()
        self._stopped = False

    def __len__(self) -> int:
        return len(self._heap)

    @property
    def in_flight(self) -> int:
        """URLs taken by workers and not yet finished."""
        return self._in_flight

    def push(self, entry: Entry, *, tries: int = 0, delay: float = 0.0) -> None:
        """Queue ``entry``, ready after ``delay`` seconds."""
        heapq.heappush(self._heap, Item(self._clock() + delay, next(self._seq), entry, tries))
        self._changed.set()

    def more(self) -> None:
        """The source may have new entries (links were discovered)."""
        self._drained = self._source is None
        self._changed.set()

    def _refill(self) -> None:
        if self._drained or self._source is None or self._fresh * 2 >= self._page:
            return
        wanted = self._page - self._fresh
        entries = self._source(wanted)
        if len(entries) < wanted:
            self._drained = True
        now = self._clock()
        for entry in entries:
            heapq.heappush(self._heap, Item(now, next(self._seq), entry, 0, fresh=True))
        self._fresh += len(entries)

    def stop(self) -> None:
        """Hand out nothing more; workers finish what they hold."""
        self._stopped = True
        self._changed.set()

    def task_done(self) -> None:
        """A worker finished the item it took."""
        self._in_flight -= 1
        self._changed.set()

    async def next(self) -> Item | None:
        """The next ready item, or None when the crawl is over or stopping."""
        while not self._stopped:
            self._refill()
            now = self._clock()
            if self._heap and self._heap[0].not_before <= now:
                self._in_flight += 1
                item = heapq.heappop(self._heap)
                self._fresh -= item.fresh
                return item
            if not self._heap and self._in_flight == 0:
                self._changed.set()  # release the other idle workers too
                return None
            self._changed.clear()
            waiter = asyncio.ensure_future(self._changed.wait())
            tasks: set[asyncio.Future[Any]] = {waiter}
            if self._heap:
                tasks.add(asyncio.ensure_future(self._sleep(self._heap[0].not_before - now)))
            try:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        return None
