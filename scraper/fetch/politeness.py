"""Per-host manners: at most N requests in flight and a minimum gap between starts.

Each host has a semaphore (concurrency) and a "next start" time. A request
reserves its start slot before sleeping, so two workers never both decide the
host is free. A Retry-After or a robots.txt Crawl-delay moves the whole host,
not just the one URL: the server asked *us* to slow down.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

__all__ = ["HostGate"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(slots=True)
class _Host:
    slots: asyncio.Semaphore
    delay: float
    next_start: float = 0.0


class HostGate:
    """Hands out per-host request slots, spaced by the host's delay."""

    def __init__(self, *, per_host: int, delay: float, clock: Clock, sleep: Sleep) -> None:
        self._per_host = per_host
        self._delay = delay
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self.waited = 0.0  # total seconds spent waiting for politeness (for the summary)

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self._per_host), self._delay)
        return state

    def set_delay(self, host: str, delay: float) -> None:
        """Raise the gap between request starts for ``host`` (never below the default)."""
        state = self._host(host)
        state.delay = max(self._delay, delay)

    def defer(self, host: str, seconds: float) -> None:
        """Start no request to ``host`` for ``seconds`` (a Retry-After)."""
        state = self._host(host)
        state.next_start = max(state.next_start, self._clock() + seconds)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's request slots, starting no sooner than its gap allows."""
        state = self._host(host)
        async with state.slots:
            now = self._clock()
            start = max(now, state.next_start)
            state.next_start = start + state.delay
            if start > now:
                self.waited += start - now
                await self._sleep(start - now)
            yield
