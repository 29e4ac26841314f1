"""FETCH one URL: redirects, robots.txt, politeness, the guard and the bounds, per hop.

We follow redirects ourselves (``follow_redirects=False``) because each hop
needs the same checks as the first: the scheme (no ``file:`` or ``data:``),
the address guard, robots.txt of the new origin, the host's politeness slot,
and credentials dropped when the origin changes.

:meth:`Fetcher.fetch` never raises for a URL's failure: it returns an
:class:`Attempt` with the hops seen (for the archive) and the error, if any.
"""

from __future__ import annotations

import base64
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx

from scraper.fetch.bounded import Hop, Limits, request_hop
from scraper.fetch.config import TOOL_NAME, FetchConfig
from scraper.fetch.error_pages import error_page_phrase
from scraper.fetch.errors import (
    FetchError,
    Gone,
    HttpError,
    RetryableStatus,
    SoftFailure,
    TooManyRedirects,
    TransportFailure,
    UnsupportedScheme,
)
from scraper.fetch.guard import AddressGuard, Resolver
from scraper.fetch.politeness import Clock, HostGate, Sleep
from scraper.fetch.redact import SECRET_HEADERS, redact_text, redact_url
from scraper.fetch.retry import RETRY_STATUSES, parse_retry_after
from scraper.fetch.robots import RobotsCache, origin_of
from scraper.fetch.transport import AiohttpTransport
from scraper.fetch.warc import media_kind

__all__ = ["Attempt", "Fetcher"]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
ROBOTS_REDIRECTS = 5  # RFC 9309 2.3.1.2
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"

RobotsArchiver = Callable[[list[Hop], str], None]


@dataclass(slots=True)
class Attempt:
    """One try at one URL: every hop seen, and the error when it did not end in a page."""

    url: str
    hops: list[Hop] = field(default_factory=list)
    error: FetchError | None = None

    @property
    def final(self) -> Hop | None:
        """The last hop that got an answer."""
        answered = [hop for hop in self.hops if hop.responded]
        return answered[-1] if answered else None

    @property
    def outcome(self) -> str:
        """``done``, ``not_modified``, or the error's kind."""
        if self.error is not None:
            return self.error.kind
        final = self.final
        return "not_modified" if final is not None and final.status == 304 else "done"


def _env_proxies(limits: httpx.Limits) -> dict[str, httpx.AsyncBaseTransport]:
    """Proxy transports from HTTP_PROXY / HTTPS_PROXY (only with --trust-env)."""
    proxies: dict[str, httpx.AsyncBaseTransport] = {}
    for scheme, proxy in urllib.request.getproxies().items():
        if scheme in ("http", "https"):
            proxies[scheme] = httpx.AsyncHTTPTransport(proxy=proxy, trust_env=True, limits=limits)
    return proxies


class Fetcher:
    """Fetches URLs with one shared client, gate and robots cache."""

    def __init__(
        self,
        config: FetchConfig,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep | None = None,
        resolver: Resolver | None = None,
        archive_robots: RobotsArchiver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        import asyncio

        self.config = config
        self.guard = AddressGuard(
            enabled=not config.allow_private_addresses,
            allowed_networks=config.allowed_networks,
        )
        self._resolver = resolver
        self.gate = HostGate(
            per_host=config.per_host_concurrency,
            delay=config.per_host_delay,
            clock=clock,
            sleep=sleep or asyncio.sleep,
        )
        self.robots = RobotsCache(self._load_robots, agent=TOOL_NAME, clock=clock)
        self._archive_robots = archive_robots
        limits = httpx.Limits(
            max_connections=config.concurrency * 2,
            max_keepalive_connections=config.concurrency * 2,
        )
        # No AsyncClient: we follow redirects ourselves and keep no cookie jar (a
        # crawler is stateless; a jar would grow for hours and carry one site's
        # session into the next request). Cookies a user needs go in --header.
        # Requests go straight to an httpx transport: by default aiohttp's pool
        # under httpx's API, guarded at connect time (scraper/fetch/transport.py);
        # with --trust-env, httpx's own transport and proxies (checked by DNS first).
        self._proxies: dict[str, httpx.AsyncBaseTransport] = {}
        if transport is None and config.trust_env:
            transport = httpx.AsyncHTTPTransport(trust_env=True, limits=limits)
            self._proxies = _env_proxies(limits)
        elif transport is None:
            transport = AiohttpTransport(self.guard, limits=limits, resolver=resolver)
        self._direct = transport
        self._timeouts = httpx.Timeout(config.timeout, connect=min(config.connect_timeout, config.timeout)).as_dict()
        self._limits = Limits(
            timeout=config.timeout,
            max_raw_bytes=config.max_raw_bytes,
            max_decoded_bytes=config.max_decoded_bytes,
            max_encodings=config.max_encodings,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for transport in (self._direct, *self._proxies.values()):
            await transport.aclose()

    def _transport_for(self, url: str) -> httpx.AsyncBaseTransport:
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        if proxy is not None and not urllib.request.proxy_bypass(parts.hostname or ""):
            return proxy
        return self._direct

    def _base_headers(self) -> dict[str, str]:
        headers = {
            "User-Agent": self.config.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        headers.update(self.config.headers)
        return headers

    async def _preflight(self, url: str) -> None:
        """Checks that need no connection: scheme, literal address, and (with proxies) DNS."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            scheme = parts.scheme or "scheme-less"
            raise UnsupportedScheme(f"refusing {scheme} URL {redact_url(url)}")
        host = parts.hostname or ""
        if not host:
            raise UnsupportedScheme(f"no host in {redact_url(url)}")
        self.guard.check_host(host)
        if self.config.trust_env and self.guard.enabled:
            # With a proxy the proxy resolves the name, so check what we would resolve.
            try:
                await self.guard.resolve(host, parts.port or 443, self._resolver)
            except OSError as exc:
                raise TransportFailure(f"cannot resolve {host}: {exc}") from exc

    async def _hop(self, url: str, headers: dict[str, str], limits: Limits) -> Hop:
        try:
            request = httpx.Request("GET", url, headers=headers, extensions={"timeout": self._timeouts})
        except (httpx.InvalidURL, ValueError) as exc:
            raise UnsupportedScheme(redact_text(f"invalid URL {redact_url(url)}: {exc}")) from exc
        async with self.gate.slot(origin_of(url)):
            return await request_hop(self._transport_for(url), request, limits)

    async def fetch(self, url: str, *, conditional: dict[str, str] | None = None) -> Attempt:
        """Fetch ``url``, following redirects; the result names what happened."""
        attempt = Attempt(url)
        try:
            await self._follow(url, attempt, conditional or {})
        except FetchError as exc:
            if exc.hop is not None and exc.hop not in attempt.hops:
                attempt.hops.append(exc.hop)
            attempt.error = exc
        else:
            attempt.error = self._classify(attempt, bool(conditional))
        return attempt

    async def _follow(self, url: str, attempt: Attempt, conditional: dict[str, str]) -> None:
        headers = self._base_headers()
        headers.update(conditional)
        url = _move_userinfo(url, headers)
        for _ in range(self.config.max_redirects + 1):
            await self._preflight(url)
            if self.config.obey_robots:
                rules = await self.robots.check(url, redact_url(url))
                if rules.crawl_delay:
                    self.gate.set_delay(origin_of(url), min(rules.crawl_delay, self.config.max_crawl_delay))
            hop = await self._hop(url, headers, self._limits)
            attempt.hops.append(hop)
            location = hop.header("location")
            if hop.status not in REDIRECTS or not location:
                return
            target = urljoin(url, location.strip())
            if urlsplit(target).scheme not in ("http", "https"):
                raise UnsupportedScheme(
                    f"redirect to a {urlsplit(target).scheme or 'relative'}: URL refused ({redact_url(url)})"
                )
            if origin_of(target) != origin_of(url):
                for name in list(headers):
                    if name.lower() in SECRET_HEADERS:
                        del headers[name]
            for name in ("If-None-Match", "If-Modified-Since"):
                headers.pop(name, None)
            url = _move_userinfo(target, headers)
        raise TooManyRedirects(f"more than {self.config.max_redirects} redirects from {redact_url(attempt.url)}")

    def _classify(self, attempt: Attempt, conditional: bool) -> FetchError | None:
        hop = attempt.final
        assert hop is not None
        status = hop.status
        shown = redact_url(attempt.url)
        if 200 <= status < 300:
            kind, _ = media_kind(hop.header("content-type"), hop.url)
            phrase = error_page_phrase(hop.body or b"") if kind is not None else None
            if phrase:
                return SoftFailure(f"{shown} is an error page ({phrase!r})", hop=hop)
            return None
        if status == 304 and conditional:
            return None
        if status in (404, 410):
            return Gone(f"{shown} answered {status}", status=status, hop=hop)
        if status in RETRY_STATUSES:
            return RetryableStatus(
                f"{shown} answered {status}",
                status=status,
                retry_after=parse_retry_after(hop.header("retry-after")),
                hop=hop,
            )
        return HttpError(f"{shown} answered {status}", status=status, hop=hop)

    async def _load_robots(self, origin: str) -> tuple[int | None, bytes | None]:
        url = origin + "/robots.txt"
        headers = self._base_headers()
        limits = Limits(
            timeout=self._limits.timeout,
            max_raw_bytes=self.config.robots_max_bytes,
            max_decoded_bytes=self.config.robots_max_bytes,
            max_encodings=self._limits.max_encodings,
        )
        hops: list[Hop] = []
        try:
            for _ in range(ROBOTS_REDIRECTS + 1):
                await self._preflight(url)
                hop = await self._hop(url, headers, limits)
                hops.append(hop)
                location = hop.header("location")
                if hop.status in REDIRECTS and location:
                    url = urljoin(url, location.strip())
                    continue
                return hop.status, hop.body
            return 404, None  # too many redirects: "unavailable", RFC 9309 2.3.1.2
        except FetchError as exc:
            if exc.hop is not None and exc.hop not in hops:
                hops.append(exc.hop)
            return None, None
        finally:
            if self._archive_robots is not None:
                self._archive_robots(hops, origin + "/robots.txt")


def _move_userinfo(url: str, headers: dict[str, str]) -> str:
    """Turn ``user:pass@`` into an Authorization header, so it is redacted and origin-bound."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    headers["Authorization"] = f"Basic {token}"
    return urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
