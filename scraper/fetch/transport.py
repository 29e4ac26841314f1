"""The httpx transport the fetcher sends through: aiohttp's connection pool under httpx's API.

Requests and responses stay ``httpx.Request`` / ``httpx.Response`` and the
body is read with ``aiter_raw()``: still content-encoded, so the byte caps and
bounded decoders in :mod:`scraper.fetch.bounded` see every raw byte. Only the
connection pool and the HTTP/1.1 parser underneath are aiohttp's. httpcore's
pool rescans every connection (and polls each idle socket) on every request
and response, which cost more CPU per page than all our own work together;
aiohttp's pool and C parser are several times cheaper.

What aiohttp is told, and why:

* ``auto_decompress=False``: we decode ourselves, within the caps.
* a :class:`~aiohttp.DummyCookieJar`: a crawler keeps no cookies.
* ``allow_redirects=False``: :class:`~scraper.fetch.fetcher.Fetcher` follows
  redirects itself, with every check on every hop.
* the address guard twice at connect time: names resolve through
  :class:`GuardedResolver`, which refuses the name if any address it has is
  blocked, and every socket is made by :meth:`AiohttpTransport._socket`,
  which checks the very address it is about to connect to (IP literals skip
  the resolver in aiohttp, never the socket). A blocked address raises
  :class:`~scraper.fetch.errors.BlockedAddress` before a byte is sent.

aiohttp's exceptions become httpx's, so the rest of the fetcher is
transport-agnostic: a body cut short is ``httpx.RemoteProtocolError`` (a
truncated body), other network failures are ``httpx.TransportError``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult

from scraper.fetch.guard import AddressGuard, Resolver

__all__ = ["AiohttpTransport", "GuardedResolver"]

# Response header limits: h11 (httpx's parser) accepts a 16 KiB header block;
# aiohttp's defaults (8190 bytes a line, 128 headers) refuse some real sites.
_MAX_LINE = 16 * 1024
_MAX_HEADERS = 256
_CHUNK = 64 * 1024


class GuardedResolver(AbstractResolver):
    """aiohttp resolver: every address of a name is checked, and only checked ones are used."""

    def __init__(self, guard: AddressGuard, resolver: Resolver | None = None) -> None:
        self._guard = guard
        self._resolver = resolver

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        # BlockedAddress propagates as is; OSError becomes aiohttp's DNS error.
        addresses = await self._guard.resolve(host, port, self._resolver)
        results: list[ResolveResult] = []
        for text in addresses:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
            results.append(
                {
                    "hostname": host,
                    "host": str(ip),
                    "port": port,
                    "family": socket.AF_INET6 if ip.version == 6 else socket.AF_INET,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            )
        return results

    async def close(self) -> None:
        pass


@contextmanager
def _mapped(*, reading: bool) -> Iterator[None]:
    """aiohttp's exceptions as the httpx ones the fetcher handles."""
    try:
        yield
    except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError) as exc:
        # The peer closed or broke the framing mid-message: a truncated response.
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timed out") from exc
    except aiohttp.ServerTimeoutError as exc:
        raise httpx.ReadTimeout(str(exc) or "read timed out") from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx.ConnectError(str(exc)) from exc
    except aiohttp.ClientResponseError as exc:  # a malformed status line or header
        raise httpx.RemoteProtocolError(exc.message or type(exc).__name__) from exc
    except aiohttp.InvalidURL as exc:
        raise httpx.UnsupportedProtocol(str(exc)) from exc
    except (aiohttp.ClientError, OSError) as exc:
        error = httpx.ReadError if reading else httpx.ConnectError
        raise error(str(exc) or type(exc).__name__) from exc


class _Response(aiohttp.ClientResponse):
    """aiohttp's response, noting the peer address when the exchange starts.

    By the time ``request()`` returns, a small body may already be complete and
    its connection back in the pool, so the address is taken here.
    """

    peer: str | None = None

    async def start(self, connection: aiohttp.connector.Connection) -> aiohttp.ClientResponse:
        transport = connection.transport
        address = transport.get_extra_info("peername") if transport is not None else None
        self.peer = str(address[0]) if address else None
        return await super().start(connection)


class _Body(httpx.AsyncByteStream):
    """The raw body as it arrives (de-chunked, never decoded)."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped(reading=True):
            # At most CHUNK bytes at a time, as httpcore reads: a cap is overshot by
            # less than one chunk, however much aiohttp has buffered.
            async for chunk in self._response.content.iter_chunked(_CHUNK):
                yield chunk

    async def aclose(self) -> None:
        # A body read to its end returns the connection to the pool; anything
        # else (a cap, a deadline, an error) closes it: it is mid-message.
        if self._response.content.at_eof():
            self._response.release()
        else:
            self._response.close()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncBaseTransport`` over one aiohttp session, guarded at connect time."""

    def __init__(
        self,
        guard: AddressGuard,
        *,
        limits: httpx.Limits,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._guard = guard
        self._resolver = resolver
        self._limits = limits
        self._ssl = ssl_context or httpx.create_ssl_context(trust_env=False)
        self._session: aiohttp.ClientSession | None = None

    def _socket(self, addr_info: Any) -> socket.socket:
        family, type_, proto, _, address = addr_info
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        self._guard.check_address(ip, host=str(ip))
        return socket.socket(family=family, type=type_, proto=proto)

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,
            limit_per_host=0,  # per-host limits are HostGate's job
            keepalive_timeout=self._limits.keepalive_expiry,
            resolver=GuardedResolver(self._guard, self._resolver),
            socket_factory=self._socket,
            happy_eyeballs_delay=None,  # one address after another, as resolved and checked
            ssl=self._ssl,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            response_class=_Response,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,
            timeout=aiohttp.ClientTimeout(total=None),
            max_line_size=_MAX_LINE,
            max_field_size=_MAX_LINE,
            max_headers=_MAX_HEADERS,
        )
        # aiohttp resends an idempotent request once, unseen, when the server
        # closes the connection before answering. We retry such a URL ourselves
        # (counted, backed off, archived), as with any transport error.
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        return session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._session is None:
            self._session = self._open()
        timeouts = request.extensions.get("timeout", {})
        with _mapped(reading=False):
            response = await self._session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
                data=request.content or None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    sock_connect=timeouts.get("connect"),
                    sock_read=timeouts.get("read"),
                ),
            )
        version = response.version
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_Body(response),
            request=request,
            extensions={
                "http_version": f"HTTP/{version.major}.{version.minor}".encode() if version else b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("latin-1", "replace"),
                "peer": response.peer if isinstance(response, _Response) else None,
            },
        )

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
            await asyncio.sleep(0)  # let aiohttp's transports see connection_lost
