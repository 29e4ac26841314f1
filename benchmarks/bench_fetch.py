"""Benchmark the fetcher against a plain httpx loop and Scrapy, on a loopback server.

    python benchmarks/bench_fetch.py [--n 5000] [--concurrency 64]

Everything runs on 127.0.0.1. A keep-alive server (asyncio, its own process)
serves small catalog pages; each contender runs in its own process and reports
pages/s and its peak RSS. Politeness is off for the benchmark host (robots,
per-host delay and per-host limit), the SSRF guard allows loopback, and the
fetcher still does everything else: bounded reads, decoding, WARC + ledger.

Last, a 5 GiB gzip bomb (generated on the fly by the server, never stored) is
fetched with the default caps; we report where it stopped and the RSS growth.
"""

from __future__ import annotations

import argparse
import asyncio
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
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
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


async def _plain_httpx(port: int, n: int, concurrency: int) -> int:
    import httpx

    gate = asyncio.Semaphore(concurrency)
    ok = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:

        async def one(url: str) -> None:
            nonlocal ok
            async with gate:
                response = await client.get(url)
                ok += response.status_code == 200 and len(response.content) > 0

        await asyncio.gather(*(one(u) for u in _urls(port, n)))
    return ok


async def _ours(port: int, n: int, concurrency: int) -> int:
    from scraper.fetch import Crawl, FetchConfig, Ledger, open_archive

    config = FetchConfig(
        concurrency=concurrency,
        per_host_concurrency=concurrency,
        per_host_delay=0.0,
        obey_robots=False,
        allow_private_addresses=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(Path(tmp) / "job")
        archive = open_archive(Path(tmp) / "bench.warc.gz", None, resumable=True)
        stats = await Crawl(config, ledger, archive).run(_urls(port, n))
        ledger.close()
    return stats.states["done"]


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
    started = time.perf_counter()
    if name == "httpx":
        ok = asyncio.run(_plain_httpx(port, n, concurrency))
    elif name == "ours":
        ok = asyncio.run(_ours(port, n, concurrency))
    elif name == "scrapy":
        ok = _scrapy(port, n, concurrency)
    else:
        print(json.dumps(asyncio.run(_bomb_fetch(port))))
        return
    seconds = time.perf_counter() - started
    print(json.dumps({"ok": ok, "seconds": seconds, "rss_mb": _rss_mb()}))


# ---------------------------------------------------------------- the runner


def _run(name: str, port: int, n: int, concurrency: int) -> dict[str, float]:
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
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="pages per contender")
    parser.add_argument("--concurrency", type=int, default=64)
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

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        n, c = args.n, args.concurrency
        print(f"{n} pages, concurrency {c}, loopback server on 127.0.0.1:{port}\n")
        rows = [("plain httpx loop (floor)", _run("httpx", port, n, c))]
        small = max(1, n // 5)
        rows.append((f"catalog-scraper fetch, N={small}", _run("ours", port, small, c)))
        rows.append((f"catalog-scraper fetch, N={n}", _run("ours", port, n, c)))
        try:
            import scrapy  # noqa: F401

            rows.append(("scrapy", _run("scrapy", port, n, c)))
            scrapy_note = ""
        except ImportError:
            scrapy_note = "scrapy: not installed, row skipped (pip install scrapy)"
        print(f"{'contender':34} {'pages':>6} {'pages/s':>9} {'peak RSS MB':>12}")
        for name, row in rows:
            rate = row["ok"] / row["seconds"]
            print(f"{name:34} {int(row['ok']):>6} {rate:>9.0f} {row['rss_mb']:>12.1f}")
        if scrapy_note:
            print(scrapy_note)
        floor = rows[0][1]["ok"] / rows[0][1]["seconds"]
        ours = rows[2][1]["ok"] / rows[2][1]["seconds"]
        print(f"\nplain httpx / ours: {floor / ours:.2f}x slower (goal: within 1.5x)")
        if not scrapy_note:
            theirs = rows[3][1]["ok"] / rows[3][1]["seconds"]
            print(f"ours / scrapy: {ours / theirs:.2f}x (goal: > 1)")
        print(
            f"peak RSS N={small} -> N={n}: {rows[1][1]['rss_mb']:.1f} -> "
            f"{rows[2][1]['rss_mb']:.1f} MB (goal: < 300 MB, flat)"
        )
        bomb = _run("bomb", port, 0, 1)
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
