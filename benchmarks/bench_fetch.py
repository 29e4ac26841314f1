"""Benchmark the fetcher against a plain httpx loop and Scrapy, on a loopback server.

    python benchmarks/bench_fetch.py [--n 5000] [--concurrency 64] [--repeat 3]

Everything runs on 127.0.0.1. A keep-alive server (asyncio, its own process)
serves small catalog pages; each contender runs in its own process, with its
imports done before the clock starts, and reports pages/s, its CPU time per
page and its peak RSS. The server's CPU time per page and how busy it was are
read from /proc, so a row capped by the server (not by the client) shows it.
Rounds are interleaved (every contender once per round) so a noisy machine
slows them alike; the table gives the median and the min-max spread.

The contenders, all at the same concurrency, N and server:

* a raw aiohttp loop, not a contender: the fastest client we have, showing
  how far the server is from capping the others;
* plain httpx loop: ``httpx.AsyncClient.get`` under a semaphore, body read
  into memory and dropped (the floor the issue names);
* the same loop over our transport (``scraper.fetch.transport``, aiohttp's
  pool under httpx's API): the floor of our own per-page work;
* ``catalog-scraper fetch`` itself (the CLI, in-process), politeness off for
  the benchmark host (robots, per-host delay and limit), the SSRF guard
  allowing loopback, and everything else on: bounded reads, decoding, the
  error-page check, WARC (gzip, digests) + SQLite ledger commits per page;
* Scrapy with its defaults (retries, redirects, decompression middlewares),
  no robots.txt, no cookies, bodies dropped: it stores nothing.

Last, a 5 GiB gzip bomb (generated on the fly by the server, never stored) is
fetched with the default caps; we report where it stopped and the RSS growth.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Book {i}</title></head><body>"
    "<h1>Book {i}</h1><p>by Ann Author</p><p>ISBN 978-0-575-09067-5</p>"
    + "<p>A description of the book, long enough to look like a real catalog page.</p>" * 20
    + "</body></html>"
)
BOMB_BYTES = 5 * 2**30


def _rss_mb() -> float:
    """Peak RSS of this process, from /proc: getrusage's ru_maxrss survives exec on
    Linux, so a child would report its parent's peak if that was higher."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# ---------------------------------------------------------------- the server


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode()
            if path == "/bomb":
                await _bomb(writer)
                return
            if path.startswith("/p/"):
                body = PAGE.format(i=path[3:]).encode()
                status = b"200 OK"
            else:
                body, status = b"not found", b"404 Not Found"
            writer.write(
                b"HTTP/1.1 " + status + b"\r\nContent-Type: text/html; charset=utf-8\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _bomb(writer: asyncio.StreamWriter) -> None:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * 2**20
    for _ in range(BOMB_BYTES // len(block)):  # stops early when the client hangs up
        out = z.compress(block) + z.flush(zlib.Z_SYNC_FLUSH)
        writer.write(f"{len(out):x}\r\n".encode() + out + b"\r\n")
        await writer.drain()
    tail = z.flush()
    writer.write(f"{len(tail):x}\r\n".encode() + tail + b"\r\n0\r\n\r\n")
    await writer.drain()


async def _serve() -> None:
    server = await asyncio.start_server(_handle, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


# ---------------------------------------------------------------- contenders


def _urls(port: int, n: int) -> list[str]:
    return [f"http://127.0.0.1:{port}/p/{i}" for i in range(n)]


def _import(name: str) -> None:
    """Load what a contender needs before its clock starts."""
    if name == "aiohttp":
        import aiohttp  # noqa: F401
    elif name in ("httpx", "httpx-ours"):
        import httpx  # noqa: F401

        from scraper.fetch.transport import AiohttpTransport  # noqa: F401
    elif name == "ours":
        import scraper.fetch.__main__  # noqa: F401
    elif name == "scrapy":
        import scrapy  # noqa: F401
        from scrapy.crawler import CrawlerProcess  # noqa: F401


async def _plain_httpx(port: int, n: int, concurrency: int, *, our_transport: bool) -> int:
    import httpx

    from scraper.fetch.guard import AddressGuard
    from scraper.fetch.transport import AiohttpTransport

    gate = asyncio.Semaphore(concurrency)
    ok = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    transport = AiohttpTransport(AddressGuard(enabled=False), limits=limits) if our_transport else None
    async with httpx.AsyncClient(limits=limits, trust_env=False, transport=transport) as client:

        async def one(url: str) -> None:
            nonlocal ok
            async with gate:
                response = await client.get(url)
                ok += response.status_code == 200 and len(response.content) > 0

        await asyncio.gather(*(one(u) for u in _urls(port, n)))
    return ok


async def _raw_aiohttp(port: int, n: int, concurrency: int) -> int:
    """The cheapest client we have: how fast the server can go, not a contender."""
    import aiohttp

    gate = asyncio.Semaphore(concurrency)
    ok = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def one(url: str) -> None:
            nonlocal ok
            async with gate, session.get(url) as response:
                body = await response.read()
                ok += response.status == 200 and len(body) > 0

        await asyncio.gather(*(one(u) for u in _urls(port, n)))
    return ok


def _ours(port: int, n: int, concurrency: int) -> int:
    """``catalog-scraper fetch`` as a user runs it (in-process, so imports are not timed)."""
    import sqlite3

    from scraper.fetch.__main__ import main

    with tempfile.TemporaryDirectory() as tmp:
        urls = Path(tmp) / "urls.txt"
        with urls.open("w") as out:  # line by line: the runner's own list must not count in our peak RSS
            for i in range(n):
                out.write(f"http://127.0.0.1:{port}/p/{i}\n")
        job = Path(tmp) / "job"
        args = ["fetch", str(urls), "-o", str(Path(tmp) / "bench.warc.gz"), "--job-dir", str(job)]
        args += ["--concurrency", str(concurrency), "--per-host", str(concurrency), "--delay", "0"]
        args += ["--ignore-robots", "--allow-private-addresses", "-q"]
        code = main(args)
        if code != 0:
            raise SystemExit(f"catalog-scraper fetch exited {code}")
        with sqlite3.connect(job / "ledger.sqlite3") as db:
            row = db.execute("SELECT COUNT(*) FROM urls WHERE state = 'done'").fetchone()
    return int(row[0])


def _scrapy(port: int, n: int, concurrency: int) -> int:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    count = {"ok": 0}
    urls = _urls(port, n)

    class Bench(scrapy.Spider):
        name = "bench"

        async def start(self):  # type: ignore[no-untyped-def]
            for url in urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response):  # type: ignore[no-untyped-def]
            count["ok"] += response.status == 200 and len(response.body) > 0

    process = CrawlerProcess(
        settings={
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": False,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "ERROR",
            "AUTOTHROTTLE_ENABLED": False,
            "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        }
    )
    process.crawl(Bench)
    process.start()
    return count["ok"]


async def _bomb_fetch(port: int) -> dict[str, object]:
    from scraper.fetch import FetchConfig, Fetcher

    config = FetchConfig(obey_robots=False, allow_private_addresses=True, per_host_delay=0.0)
    async with Fetcher(config) as fetcher:
        before = _current_rss_mb()
        started = time.perf_counter()
        attempt = await fetcher.fetch(f"http://127.0.0.1:{port}/bomb")
        seconds = time.perf_counter() - started
    final = attempt.final
    return {
        "outcome": attempt.outcome,
        "raw_read": len(final.raw) if final else 0,
        "seconds": seconds,
        "rss_growth_mb": max(0.0, _rss_mb() - before),
        "cap": config.max_decoded_bytes,
    }


def _contender(name: str, port: int, n: int, concurrency: int) -> None:
    if name == "bomb":
        print(json.dumps(asyncio.run(_bomb_fetch(port))))
        return
    _import(name)
    started, cpu = time.perf_counter(), time.process_time()
    if name in ("httpx", "httpx-ours"):
        ok = asyncio.run(_plain_httpx(port, n, concurrency, our_transport=name == "httpx-ours"))
    elif name == "aiohttp":
        ok = asyncio.run(_raw_aiohttp(port, n, concurrency))
    elif name == "ours":
        ok = _ours(port, n, concurrency)
    elif name == "scrapy":
        ok = _scrapy(port, n, concurrency)
    else:
        raise SystemExit(f"unknown contender {name}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"ok": ok, "seconds": seconds, "cpu": cpu, "rss_mb": _rss_mb()}))


# ---------------------------------------------------------------- the runner


def _run(name: str, port: int, n: int, concurrency: int, server_pid: int) -> dict[str, float]:
    server_cpu = _cpu_seconds(server_pid)
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--contender",
            name,
            "--port",
            str(port),
            "--n",
            str(n),
            "--concurrency",
            str(concurrency),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-2000:]}")
    row: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    row["server_cpu"] = _cpu_seconds(server_pid) - server_cpu
    return row


CONTENDERS = {
    "aiohttp": "raw aiohttp loop (server ceiling)",
    "httpx": "plain httpx loop (floor)",
    "httpx-ours": "plain httpx loop, our transport",
    "ours": "catalog-scraper fetch",
    "scrapy": "scrapy (stores nothing)",
}


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="pages per contender")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (median reported)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--contender", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve())
        return 0
    if args.contender:
        _contender(args.contender, args.port, args.n, args.concurrency)
        return 0

    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        n, c = args.n, args.concurrency
        names = list(CONTENDERS)
        # find_spec, not import: the runner stays small, and each contender's peak RSS is its own.
        if importlib.util.find_spec("scrapy") is not None:
            scrapy_note = ""
        else:
            names.remove("scrapy")
            scrapy_note = "scrapy: not installed, row skipped (pip install scrapy)"
        print(f"{n} pages, concurrency {c}, {args.repeat} round(s), loopback server on 127.0.0.1:{port}\n")
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in names}
        for _ in range(args.repeat):
            for name in names:
                runs[name].append(_run(name, port, n, c, server.pid))
        small = max(1, n // 5)
        small_row = _run("ours", port, small, c, server.pid)

        print(
            f"{'contender':34} {'pages':>6} {'pages/s (min-max)':>20} {'CPU ms/page':>12} "
            f"{'server ms/page':>15} {'server busy':>12} {'peak RSS MB':>12}"
        )
        rates: dict[str, float] = {}
        for name in names:
            rows = runs[name]
            per_run = [row["ok"] / row["seconds"] for row in rows]
            rates[name] = _median(per_run)
            ok = int(min(row["ok"] for row in rows))
            cpu = _median([1000 * row["cpu"] / max(1, row["ok"]) for row in rows])
            server_cpu = _median([1000 * row["server_cpu"] / max(1, row["ok"]) for row in rows])
            busy = _median([100 * row["server_cpu"] / row["seconds"] for row in rows])
            rss = max(row["rss_mb"] for row in rows)
            spread = f"{rates[name]:.0f} ({min(per_run):.0f}-{max(per_run):.0f})"
            print(
                f"{CONTENDERS[name]:34} {ok:>6} {spread:>20} {cpu:>12.2f} "
                f"{server_cpu:>15.2f} {busy:>11.0f}% {rss:>12.1f}"
            )
        print(
            "stored per page: catalog-scraper fetch writes the WARC.gz (request + response records, "
            "digests) and commits the ledger; the other rows keep nothing"
        )
        if scrapy_note:
            print(scrapy_note)
        ours = rates["ours"]
        print(f"\nplain httpx / ours: {rates['httpx'] / ours:.2f}x (goal: <= 1.5x)")
        print(f"httpx over our transport / ours: {rates['httpx-ours'] / ours:.2f}x (our own per-page work)")
        if "scrapy" in rates:
            print(f"ours / scrapy: {ours / rates['scrapy']:.2f}x (goal: > 1)")
        print(
            f"peak RSS N={small} -> N={n}: {small_row['rss_mb']:.1f} -> "
            f"{max(row['rss_mb'] for row in runs['ours']):.1f} MB (goal: < 300 MB, flat)"
        )
        bomb = _run("bomb", port, 0, 1, server.pid)
        print(
            f"\n5 GiB gzip bomb: {bomb['outcome']} after reading {bomb['raw_read']:,} raw bytes "
            f"in {bomb['seconds']:.2f} s (decoded cap {bomb['cap']:,}); "
            f"RSS growth {bomb['rss_growth_mb']:.1f} MB (goal: < 64 MB)"
        )
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
