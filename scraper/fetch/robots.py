"""robots.txt, read the way RFC 9309 says (section 2.3.1).

=====================  ===============================================
robots.txt answer      what we do for that origin
=====================  ===============================================
2xx                    parse it (protego) and obey it, Crawl-delay too
3xx                    follow up to 5 redirects, then treat as 4xx
4xx (404, 403...)      "unavailable": everything is allowed
429, 5xx, no answer    "unreachable": everything is disallowed
=====================  ===============================================

An unreachable robots.txt is asked again after :data:`UNREACHABLE_TTL`, so a
host that was briefly down is crawled later in the same run; URLs refused
meanwhile are retryable (:class:`RobotsUnavailable`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from scraper.fetch.errors import DisallowedByRobots, RobotsUnavailable

__all__ = ["RobotsCache", "RobotsRules", "origin_of", "rules_from_response"]

# RFC 9309 2.4: a cached robots.txt may be used for up to 24 hours.
TTL = 24 * 3600.0
UNREACHABLE_TTL = 300.0

Loader = Callable[[str], Awaitable[tuple[int | None, bytes | None]]]
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one origin's robots.txt allows."""

    parser: Protego | None = None  # None: no rules, everything allowed
    unreachable: str | None = None  # set: everything disallowed, and why
    crawl_delay: float | None = None

    def allows(self, url: str, agent: str) -> bool:
        """Whether ``agent`` may fetch ``url`` under these rules."""
        if self.unreachable is not None:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, agent))


def rules_from_response(status: int | None, body: bytes | None, agent: str) -> RobotsRules:
    """The rules an answer for /robots.txt implies (``status`` None: no answer at all).

    >>> rules_from_response(404, b"", "bot").allows("http://h/x", "bot")
    True
    >>> rules_from_response(503, b"", "bot").unreachable
    'robots.txt answered 503'
    >>> rules_from_response(200, b"User-agent: *\\nDisallow: /x", "bot").allows("http://h/x", "bot")
    False
    """
    if status is None:
        return RobotsRules(unreachable="robots.txt could not be fetched")
    if status == 429 or status >= 500:
        return RobotsRules(unreachable=f"robots.txt answered {status}")
    if 400 <= status < 500 or not 200 <= status < 300:
        return RobotsRules()
    parser = Protego.parse((body or b"").decode("utf-8", "replace"))
    delay = parser.crawl_delay(agent)
    rate = parser.request_rate(agent)
    if rate is not None and rate.requests:
        per_request = rate.seconds / rate.requests
        delay = max(delay or 0.0, per_request)
    return RobotsRules(parser=parser, crawl_delay=float(delay) if delay else None)


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, the unit robots.txt applies to.

    >>> origin_of("https://Example.org:8443/a/b?c")
    'https://example.org:8443'
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


class RobotsCache:
    """Fetches each origin's robots.txt once (per TTL) and answers allow/deny."""

    def __init__(self, load: Loader, *, agent: str, clock: Clock) -> None:
        self._load = load
        self._agent = agent
        self._clock = clock
        self._rules: dict[str, tuple[float, RobotsRules]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.fetches = 0

    async def rules(self, url: str) -> RobotsRules:
        """The rules for ``url``'s origin, fetching robots.txt if not cached."""
        origin = origin_of(url)
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one robots.txt request per origin, however many workers ask
            cached = self._rules.get(origin)
            if cached is not None and cached[0] > self._clock():
                return cached[1]
            self.fetches += 1
            status, body = await self._load(origin)
            rules = rules_from_response(status, body, self._agent)
            ttl = UNREACHABLE_TTL if rules.unreachable else TTL
            self._rules[origin] = (self._clock() + ttl, rules)
            return rules

    async def check(self, url: str, shown_url: str) -> RobotsRules:
        """Raise unless ``url`` may be fetched; ``shown_url`` is the redacted form for messages."""
        rules = await self.rules(url)
        if rules.unreachable is not None:
            raise RobotsUnavailable(f"{rules.unreachable}; not fetching {shown_url} (RFC 9309)")
        if not rules.allows(url, self._agent):
            raise DisallowedByRobots(f"robots.txt disallows {shown_url}")
        return rules
