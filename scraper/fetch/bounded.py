"""One HTTP exchange under hard bounds: a total deadline and raw/decoded byte caps.

httpx's timeouts apply per socket operation, so a server that drips one byte
every few seconds never trips them (httpx #1450), and its decoders have no
output cap. Here the whole exchange (connect, headers, body) runs under one
``asyncio.timeout``, the raw stream is read with ``aiter_raw()`` and counted,
and decoding goes through :class:`~scraper.fetch.decoders.CappedDecoder`.

Whatever was received before a limit tripped is kept on the error's ``hop``,
so the archive still shows what the server sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

import httpx

from scraper.fetch.decoders import CappedDecoder, parse_encodings
from scraper.fetch.errors import (
    BodyTooLarge,
    DeadlineExceeded,
    FetchError,
    TransportFailure,
    TruncatedBody,
    UnsupportedScheme,
)
from scraper.fetch.redact import redact_text, redact_url

__all__ = ["Hop", "Limits", "request_hop"]


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds for one exchange."""

    timeout: float
    max_raw_bytes: int
    max_decoded_bytes: int
    max_encodings: int


@dataclass(slots=True)
class Hop:
    """One request and what came back, as far as it got."""

    url: str
    request_line: str
    request_headers: list[tuple[str, str]]
    started: dt.datetime
    status: int = 0
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    raw: bytes = b""
    body: bytes | None = None  # decoded; None when not decoded or not complete
    truncated: str | None = None  # WARC-Truncated value: "length", "time", "disconnect"
    peer: str | None = None  # the IP we talked to

    def header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive)."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def responded(self) -> bool:
        """Whether a status line arrived (only then is there anything to archive)."""
        return self.status != 0


def _text_pairs(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]


def _peer(response: httpx.Response) -> str | None:
    if "peer" in response.extensions:  # our aiohttp transport
        return response.extensions["peer"]  # type: ignore[no-any-return]
    stream = response.extensions.get("network_stream")  # httpcore (--trust-env)
    if stream is None:
        return None
    address = stream.get_extra_info("server_addr")
    return str(address[0]) if address else None


async def request_hop(transport: httpx.AsyncBaseTransport, request: httpx.Request, limits: Limits) -> Hop:
    """Send ``request`` and read its body within ``limits``; raise a FetchError otherwise.

    We call the transport, not ``AsyncClient.send``: the client parses every
    Location header as it arrives, and a hostile one (``data:...``, an
    unparseable host) would raise from inside it before we could refuse it.
    """
    target = request.url.raw_path.decode("ascii")
    hop = Hop(
        url=str(request.url),
        request_line=f"{request.method} {target} HTTP/1.1",
        request_headers=_text_pairs(request.headers.raw),
        started=dt.datetime.now(dt.UTC),
    )
    response: httpx.Response | None = None
    try:
        async with asyncio.timeout(limits.timeout):
            try:
                response = await transport.handle_async_request(request)
            except httpx.UnsupportedProtocol as exc:  # e.g. a host no connector accepts
                raise UnsupportedScheme(_describe(exc, request.url)) from exc
            except httpx.TransportError as exc:
                raise TransportFailure(_describe(exc, request.url)) from exc
            hop.status = response.status_code
            hop.reason = response.reason_phrase
            hop.http_version = response.http_version
            hop.headers = _text_pairs(response.headers.raw)
            hop.peer = _peer(response)
            await _read_body(response, request, hop, limits)
    except TimeoutError:
        hop.truncated = "time"
        raise DeadlineExceeded(f"no complete response within {limits.timeout:g} s", hop=hop) from None
    except FetchError as exc:
        exc.hop = hop
        raise
    finally:
        if response is not None:
            await response.aclose()
    return hop


async def _read_body(response: httpx.Response, request: httpx.Request, hop: Hop, limits: Limits) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_raw_bytes:
        hop.truncated = "length"
        raise BodyTooLarge(f"Content-Length {declared} exceeds the {limits.max_raw_bytes}-byte cap")
    decoder = None
    # A redirect's body is archived as it came but never decoded or read by anyone.
    is_redirect = 300 <= response.status_code < 400 and "location" in response.headers
    if not is_redirect:
        encodings = parse_encodings(response.headers.get("content-encoding"), max_encodings=limits.max_encodings)
        decoder = CappedDecoder(encodings, max_bytes=limits.max_decoded_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_raw():
            size += len(chunk)
            chunks.append(chunk)
            if size > limits.max_raw_bytes:
                hop.truncated = "length"
                raise BodyTooLarge(f"body exceeds the {limits.max_raw_bytes}-byte cap")
            if decoder is not None:
                decoder.feed(chunk)
    except BodyTooLarge:
        hop.truncated = "length"
        raise
    except httpx.RemoteProtocolError as exc:
        hop.truncated = "disconnect"
        raise TruncatedBody(f"body cut short: {_describe(exc, request.url)}") from exc
    except httpx.TransportError as exc:
        hop.truncated = "disconnect"
        raise TransportFailure(_describe(exc, request.url)) from exc
    finally:
        hop.raw = b"".join(chunks)
    if decoder is not None:
        hop.body = decoder.finish()


def _describe(exc: Exception, url: httpx.URL) -> str:
    text = str(exc) or type(exc).__name__
    return redact_text(f"{type(exc).__name__}: {text} ({redact_url(str(url))})")
