"""One URL against a misbehaving loopback server: deadlines, caps, redirects, the guard."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import pytest

from scraper.fetch.config import FetchConfig
from scraper.fetch.errors import (
    BadEncoding,
    BlockedAddress,
    BodyTooLarge,
    DeadlineExceeded,
    FetchError,
    SoftFailure,
    TooManyRedirects,
    UnsupportedScheme,
)
from scraper.fetch.fetcher import Attempt, Fetcher
from scraper.fetch.guard import Resolver

from .conftest import quick_config
from .faultserver import FaultServer, Reply, page


def fetch(
    url: str,
    config: FetchConfig,
    resolver: Resolver | None = None,
    conditional: dict[str, str] | None = None,
) -> Attempt:
    async def main() -> Attempt:
        async with Fetcher(config, resolver=resolver) as fetcher:
            return await fetcher.fetch(url, conditional=conditional)

    return asyncio.run(main())


def expect(attempt: Attempt, error: type[FetchError]) -> FetchError:
    assert isinstance(attempt.error, error), attempt.error
    return attempt.error


def test_plain_page(server: FaultServer) -> None:
    """A normal page is fetched, decoded and has no error."""
    url = server.route("/ok", Reply(body=page("Dune")))
    attempt = fetch(url, quick_config())
    assert attempt.error is None and attempt.outcome == "done"
    assert attempt.final is not None and b"Dune" in (attempt.final.body or b"")


def test_headers_sent(server: FaultServer) -> None:
    """The User-Agent names the tool and the contact; compressed codings are offered."""
    url = server.route("/ok", Reply(body=page()))
    fetch(url, quick_config(contact="https://example.org/contact"))
    headers = server.seen[0].headers
    assert headers["user-agent"].startswith("catalog-scraper/")
    assert headers["user-agent"].endswith("(+https://example.org/contact)")
    assert headers["accept-encoding"] == "gzip, deflate, br, zstd"
    assert "cookie" not in headers


def test_hang_after_headers_hits_the_total_deadline(server: FaultServer) -> None:
    """Headers then silence: the total deadline ends it, not a read timeout reset per byte."""
    url = server.route("/hang", Reply(mode="hang"))
    started = time.monotonic()
    attempt = fetch(url, quick_config(timeout=0.4))
    expect(attempt, DeadlineExceeded)
    assert 0.35 < time.monotonic() - started < 2.0
    assert attempt.final is not None and attempt.final.truncated == "time"


def test_drip_hits_the_total_deadline(server: FaultServer) -> None:
    """One byte every 0.5 s never trips a per-read timeout; the total deadline stops it."""
    url = server.route("/drip", Reply(body=b"x" * 100, mode="drip", interval=0.5))
    started = time.monotonic()
    attempt = fetch(url, quick_config(timeout=1.2))
    expect(attempt, DeadlineExceeded)
    assert time.monotonic() - started < 2.5
    assert attempt.final is not None and 1 <= len(attempt.final.raw) <= 4


def test_endless_chunked_body_stops_at_the_raw_cap(server: FaultServer) -> None:
    """A never-ending chunked body is cut at max_raw_bytes."""
    url = server.route("/endless", Reply(mode="endless"))
    attempt = fetch(url, quick_config(max_raw_bytes=256 * 1024))
    expect(attempt, BodyTooLarge)
    assert attempt.final is not None and attempt.final.truncated == "length"
    assert len(attempt.final.raw) <= 256 * 1024 + 65536 + 16


def test_declared_length_over_the_cap_is_refused_unread(server: FaultServer) -> None:
    """A Content-Length above the cap is refused before reading the body."""
    url = server.route("/big", Reply(body=b"x" * 5000))
    attempt = fetch(url, quick_config(max_raw_bytes=1000))
    expect(attempt, BodyTooLarge)
    assert attempt.final is not None and attempt.final.raw == b""


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate"])
def test_bombs_stop_at_the_decoded_cap(server: FaultServer, coding: str) -> None:
    """A 5 GiB bomb streamed by the server stops at the 1 MiB decoded cap, reading little."""
    url = server.route("/bomb", Reply(mode="bomb", bomb=coding))
    started = time.monotonic()
    attempt = fetch(url, quick_config(max_decoded_bytes=2**20))
    expect(attempt, BodyTooLarge)
    assert attempt.final is not None
    assert len(attempt.final.raw) < 2**20  # compressed bytes read before stopping
    assert time.monotonic() - started < 5


def test_long_encoding_chain_is_refused(server: FaultServer) -> None:
    """Three stacked codings are refused without decoding."""
    url = server.route(
        "/chain",
        Reply(body=b"x", headers=(("Content-Encoding", "gzip, gzip, gzip"),)),
    )
    expect(fetch(url, quick_config()), BadEncoding)


def test_redirect_loop_stops_at_the_limit(server: FaultServer) -> None:
    """A redirect loop makes exactly max_redirects + 1 requests, then stops."""
    url = server.route("/loop", Reply(302, headers=(("Location", "/loop"),)))
    attempt = fetch(url, quick_config(max_redirects=4))
    expect(attempt, TooManyRedirects)
    assert server.hits["/loop"] == 5
    assert len(attempt.hops) == 5


def test_redirects_are_followed(server: FaultServer) -> None:
    """A 301 then 302 chain ends at the page; every hop is kept for the archive."""
    server.route("/a", Reply(301, headers=(("Location", "/b"),)))
    server.route("/b", Reply(302, headers=(("Location", server.url("/c")),)))
    server.route("/c", Reply(body=page("End")))
    attempt = fetch(server.url("/a"), quick_config())
    assert attempt.error is None
    assert [hop.status for hop in attempt.hops] == [301, 302, 200]


@pytest.mark.parametrize(
    "target",
    ["file:///etc/passwd", "data:text/html,<h1>x</h1>", "ftp://127.0.0.1/x", "gopher://x/"],
)
def test_redirect_to_other_schemes_is_refused(server: FaultServer, target: str) -> None:
    """A redirect to file:, data:, ftp: or another non-HTTP scheme is refused."""
    url = server.route("/r", Reply(302, headers=(("Location", target),)))
    expect(fetch(url, quick_config()), UnsupportedScheme)


@pytest.mark.parametrize(
    "target",
    # All loopback spellings: should the guard ever fail, traffic still stays on this machine.
    [
        "http://127.0.0.2:{port}/x",
        "http://0177.0.0.1:{port}/x",
        "http://2130706433:{port}/x",
        "http://[::1]:{port}/x",
        "http://[::ffff:127.0.0.1]:{port}/x",
        "http://localhost.:{port}/x",
    ],
)
def test_redirect_to_private_address_is_refused(server: FaultServer, target: str) -> None:
    """With the guard on (only the test server exempt), a redirect to loopback is refused."""
    url = server.route("/r", Reply(302, headers=(("Location", target.format(port=server.port)),)))
    server.route("/x", Reply(body=page()))
    config = quick_config(allow_private_addresses=False, allowed_networks=("127.0.0.1/32",))
    attempt = fetch(url, config)
    if "0177" in target or "2130706433" in target or "ffff" in target:
        # These spell 127.0.0.1 itself, which this test exempts: they must reach it
        # only through the checked address, or be refused as malformed.
        refused = (BlockedAddress, UnsupportedScheme)
        assert attempt.error is None or isinstance(attempt.error, refused)
    else:
        expect(attempt, BlockedAddress)
        assert server.hits["/x"] == 0


def test_guard_refuses_the_first_hop_too(server: FaultServer) -> None:
    """Without --allow-private-addresses the loopback server itself is refused, unsent."""
    url = server.route("/ok", Reply(body=page()))
    expect(fetch(url, quick_config(allow_private_addresses=False)), BlockedAddress)
    assert server.hits["/ok"] == 0


def test_guard_checks_resolved_addresses_at_connect_time(server: FaultServer) -> None:
    """A name that resolves to loopback is refused inside the connection pool."""
    server.route("/ok", Reply(body=page()))

    async def resolver(host: str, port: int) -> Sequence[str]:
        return ["127.0.0.1"]

    url = f"http://catalog.test:{server.port}/ok"
    attempt = fetch(url, quick_config(allow_private_addresses=False), resolver)
    expect(attempt, BlockedAddress)
    assert server.hits["/ok"] == 0


def test_pool_connects_to_the_checked_address(server: FaultServer) -> None:
    """An allowed name is connected through the address the guard checked."""
    server.route("/ok", Reply(body=page()))

    async def resolver(host: str, port: int) -> Sequence[str]:
        return ["127.0.0.1"]

    config = quick_config(allow_private_addresses=False, allowed_networks=("127.0.0.0/8",))
    attempt = fetch(f"http://catalog.test:{server.port}/ok", config, resolver)
    assert attempt.error is None
    assert server.seen[0].headers["host"] == f"catalog.test:{server.port}"
    assert attempt.final is not None and attempt.final.peer == "127.0.0.1"


def test_credentials_dropped_on_cross_origin_redirect(server: FaultServer) -> None:
    """Authorization and Cookie go to the same origin only."""
    with FaultServer() as other:
        other.route("/land", Reply(body=page()))
        server.route("/same", Reply(302, headers=(("Location", "/here"),)))
        server.route("/here", Reply(302, headers=(("Location", other.url("/land")),)))
        config = quick_config(headers=(("Authorization", "Bearer SECRET"), ("Cookie", "s=SECRET")))
        attempt = fetch(server.url("/same"), config)
        assert attempt.error is None
        assert server.seen[1].headers["authorization"] == "Bearer SECRET"  # same origin
        assert "authorization" not in other.seen[0].headers
        assert "cookie" not in other.seen[0].headers


def test_userinfo_becomes_an_origin_bound_authorization(server: FaultServer) -> None:
    """user:pass@ in a URL is sent as Basic auth, not left in the URL."""
    server.route("/p", Reply(body=page()))
    fetch(f"http://reader:pw@127.0.0.1:{server.port}/p", quick_config())
    assert server.seen[0].headers["authorization"] == "Basic cmVhZGVyOnB3"


def test_error_page_with_200_is_a_soft_failure(server: FaultServer) -> None:
    """'Oops! An unknown error has occurred' with status 200 is not a page."""
    url = server.route("/oops", Reply(body=b"<h1>Oops! An unknown error has occurred.</h1>"))
    expect(fetch(url, quick_config()), SoftFailure)


def test_non_html_content_is_fetched_but_not_scanned(server: FaultServer) -> None:
    """An image is archived as done; error-page phrases are not looked for in it."""
    url = server.route(
        "/cover.png",
        Reply(body=b"\x89PNG Robot Check", headers=(("Content-Type", "image/png"),)),
    )
    attempt = fetch(url, quick_config())
    assert attempt.error is None


def test_conditional_request_304_is_not_modified(server: FaultServer) -> None:
    """A 304 to a conditional request is a success with outcome not_modified."""
    url = server.route("/etag", Reply(304, headers=(("ETag", '"v1"'),)))
    attempt = fetch(url, quick_config(), conditional={"If-None-Match": '"v1"'})
    assert attempt.error is None and attempt.outcome == "not_modified"
    assert server.seen[0].headers["if-none-match"] == '"v1"'
