"""The aiohttp-backed httpx transport: raw bytes, no cookies, the guard on every socket."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Sequence

import httpx
import pytest

from scraper.fetch.errors import BlockedAddress
from scraper.fetch.fetcher import Attempt, Fetcher
from scraper.fetch.guard import AddressGuard
from scraper.fetch.transport import AiohttpTransport

from .conftest import quick_config
from .faultserver import FaultServer, Reply, page

LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4)


def _send(transport: AiohttpTransport, url: str) -> httpx.Response:
    async def main() -> httpx.Response:
        try:
            response = await transport.handle_async_request(httpx.Request("GET", url))
            await response.aread()
            return response
        finally:
            await transport.aclose()

    return asyncio.run(main())


def _fetch_all(urls: list[str]) -> list[Attempt]:
    async def main() -> list[Attempt]:
        async with Fetcher(quick_config()) as fetcher:
            return [await fetcher.fetch(url) for url in urls]

    return asyncio.run(main())


def test_every_socket_is_checked_even_for_literal_addresses(server: FaultServer) -> None:
    """aiohttp skips the resolver for IP literals; the socket factory still refuses them, unsent."""
    url = server.route("/ok", Reply(body=page()))
    with pytest.raises(BlockedAddress):
        _send(AiohttpTransport(AddressGuard(), limits=LIMITS), url)
    assert server.hits["/ok"] == 0


def test_names_go_through_the_guarded_resolver(server: FaultServer) -> None:
    """A name is resolved by the guard, which refuses a private answer before connecting."""
    server.route("/ok", Reply(body=page()))
    asked: list[str] = []

    async def resolver(host: str, port: int) -> Sequence[str]:
        asked.append(host)
        return ["127.0.0.1"]

    transport = AiohttpTransport(AddressGuard(), limits=LIMITS, resolver=resolver)
    with pytest.raises(BlockedAddress):
        _send(transport, f"http://catalog.test:{server.port}/ok")
    assert asked == ["catalog.test"] and server.hits["/ok"] == 0


def test_allowed_address_is_reached_and_named(server: FaultServer) -> None:
    """With the guard off the transport answers like httpx's, with the peer address."""
    url = server.route("/ok", Reply(body=page("Dune")))
    response = _send(AiohttpTransport(AddressGuard(enabled=False), limits=LIMITS), url)
    assert response.status_code == 200 and b"Dune" in response.content
    assert response.extensions["peer"] == "127.0.0.1"
    assert response.extensions["http_version"] == b"HTTP/1.1"


def test_body_is_read_raw_and_decoded_by_us(server: FaultServer) -> None:
    """aiohttp does not decompress: the hop keeps the gzip bytes, our decoder gives the page."""
    compressed = gzip.compress(page("Gzipped"))
    url = server.route(
        "/gz",
        Reply(body=compressed, headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip"))),
    )
    [attempt] = _fetch_all([url])
    assert attempt.error is None and attempt.final is not None
    assert attempt.final.raw == compressed
    assert attempt.final.body == page("Gzipped")


def test_no_cookie_jar(server: FaultServer) -> None:
    """A Set-Cookie is archived but never sent back: the crawler keeps no cookies."""
    first = server.route("/set", Reply(body=page(), headers=(("Set-Cookie", "session=abc; Path=/"),)))
    second = server.route("/next", Reply(body=page()))
    _fetch_all([first, second])
    assert "cookie" not in server.seen[1].headers


def test_request_record_is_what_went_on_the_wire(server: FaultServer) -> None:
    """The request headers kept for the WARC are exactly those the server received."""
    url = server.route("/ok", Reply(body=page()))
    [attempt] = _fetch_all([url])
    assert attempt.final is not None
    assert {k.lower(): v for k, v in attempt.final.request_headers} == server.seen[0].headers


def test_trust_env_path_uses_httpx_own_transport(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """--trust-env keeps httpx's transport (for proxies); a page still arrives with its peer."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    url = server.route("/ok", Reply(body=page("Dune")))

    async def main() -> Attempt:
        async with Fetcher(quick_config(trust_env=True)) as fetcher:
            assert not isinstance(fetcher._direct, AiohttpTransport)
            return await fetcher.fetch(url)

    attempt = asyncio.run(main())
    assert attempt.error is None and attempt.final is not None
    assert attempt.final.body == page("Dune") and attempt.final.peer == "127.0.0.1"
