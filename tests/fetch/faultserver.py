"""A loopback HTTP/1.1 server that misbehaves on request, for the fetcher's tests.

It runs its own asyncio loop in a thread, on 127.0.0.1 and port 0, and speaks
HTTP by hand on raw streams so it can do what a real server library would not:
close mid-body, hang after the headers, drip bytes, stream forever, send a
decompression bomb generated on the fly. Each path is given a list of
:class:`Reply`; hit *n* gets reply *n* (the last one repeats).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import brotli

Mode = Literal["normal", "short", "hang", "drip", "endless", "bomb", "close"]

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
    "<body><h1>{title}</h1><p>by Ann Author</p><p>ISBN 978-0-575-09067-5</p></body></html>"
)


def page(title: str = "A Book") -> bytes:
    """A small catalog detail page."""
    return PAGE.format(title=title).encode()


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    mode: Mode = "normal"
    interval: float = 0.5  # drip: seconds between bytes
    bomb: str = "gzip"  # bomb: gzip, deflate or br
    bomb_bytes: int = 5 * 2**30  # bomb: decoded size the stream would reach
    delay: float = 0.0  # seconds before the status line


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)


def _bomb_chunks(coding: str, total: int) -> Iterator[bytes]:
    """The compressed stream of ``total`` zero bytes, produced lazily 1 MiB at a time."""
    block = b"\0" * 2**20
    if coding == "br":
        compressor = brotli.Compressor(quality=1)
        for _ in range(total // len(block)):
            out = compressor.process(block) + compressor.flush()
            if out:
                yield out
        yield compressor.finish()
        return
    z = zlib.compressobj(9, zlib.DEFLATED, 31 if coding == "gzip" else 15)
    for _ in range(total // len(block)):
        out = z.compress(block) + z.flush(zlib.Z_SYNC_FLUSH)
        if out:
            yield out
    yield z.flush()


class FaultServer:
    """Start with ``with FaultServer() as server:``; script paths with :meth:`route`."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self.hits: Counter[str] = Counter()
        self.seen: list[Seen] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock = threading.Lock()

    def route(self, path: str, *replies: Reply) -> str:
        """Script ``path``; returns its full URL."""
        with self._lock:
            self._routes[path] = list(replies)
        return self.url(path)

    def url(self, path: str) -> str:
        """``http://127.0.0.1:PORT`` + path."""
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def origin(self) -> str:
        """This server's origin."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultServer:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._thread is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _run(self, ready: threading.Event) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main(ready))
        finally:
            self._loop.close()

    async def _main(self, ready: threading.Event) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        await self._stop.wait()
        server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await server.wait_closed()

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            self.hits[path] += 1
            replies = self._routes.get(path)
            if not replies:
                return Reply(404, b"not found", (("Content-Type", "text/plain"),))
            return replies[min(self.hits[path], len(replies)) - 1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                target = lines[0].split(" ")[1]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                path = target.split("?", 1)[0]
                with self._lock:
                    self.seen.append(Seen(path, target, headers))
                reply = self._next_reply(path)
                keep_alive = await self._answer(writer, reply)
                if not keep_alive or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, writer: asyncio.StreamWriter, reply: Reply) -> bool:
        """Write ``reply``; True when the connection may be reused."""
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.mode == "close":
            return False
        headers = list(reply.headers)
        names = {name.lower() for name, _ in headers}
        chunked = reply.mode in ("endless", "bomb")
        if chunked:
            headers.append(("Transfer-Encoding", "chunked"))
            if reply.mode == "bomb":
                headers.append(("Content-Encoding", reply.bomb))
        elif "content-length" not in names:
            declared = len(reply.body) * 2 if reply.mode == "short" else len(reply.body)
            if reply.mode == "hang":
                declared = max(declared, 1000)
            headers.append(("Content-Length", str(declared)))
        status_line = f"HTTP/1.1 {reply.status} Scripted\r\n"
        head = status_line + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        writer.write(head.encode("latin-1"))
        await writer.drain()
        if reply.mode == "normal":
            writer.write(reply.body)
            await writer.drain()
            return True
        if reply.mode == "short":
            writer.write(reply.body)
            await writer.drain()
            return False
        if reply.mode == "hang":
            await asyncio.sleep(3600)
            return False
        if reply.mode == "drip":
            for byte in reply.body:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(reply.interval)
            return True
        chunks = (
            _bomb_chunks(reply.bomb, reply.bomb_bytes) if reply.mode == "bomb" else iter(lambda: b"x" * 65536, None)
        )
        for chunk in chunks:
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            await writer.drain()  # raises once the client has gone
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True
