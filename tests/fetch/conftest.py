"""Fixtures for the fetcher's tests: a loopback fault server and a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.fetch.config import FetchConfig, RetryPolicy
from scraper.fetch.crawl import Crawl, CrawlStats
from scraper.fetch.ledger import Ledger
from scraper.fetch.warc import open_archive

from .faultserver import FaultServer


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A fault server on 127.0.0.1, stopped after the test."""
    with FaultServer() as running:
        yield running


@dataclass
class FakeTime:
    """An injected clock: ``sleep`` records the delay and moves time forward at once."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def fake_time() -> FakeTime:
    """A fresh fake clock."""
    return FakeTime()


def quick_config(**overrides: object) -> FetchConfig:
    """Settings for loopback tests: guard off, no politeness delay, short limits, no jitter."""
    retry = RetryPolicy(max_attempts=3, backoff_initial=1.0, backoff_jitter=0.0, soft_failure_delay=60.0)
    values: dict[str, object] = {
        "allow_private_addresses": True,
        "per_host_delay": 0.0,
        "obey_robots": False,
        "timeout": 2.0,
        "max_raw_bytes": 2**20,
        "max_decoded_bytes": 2**20,
        "concurrency": 1,
        "retry": retry,
    }
    values.update(overrides)
    return FetchConfig(**values)  # type: ignore[arg-type]


@dataclass
class CrawlRun:
    """What a test crawl left behind."""

    stats: CrawlStats
    warc: Path
    job_dir: Path | None
    retries: list[tuple[str, int, float, str]]
    ledger_rows: dict[str, tuple[str, int, int | None, str | None]]

    def state(self, url: str) -> str:
        return self.ledger_rows[url][0]


def run_crawl(
    tmp_path: Path,
    urls: list[str],
    config: FetchConfig,
    *,
    fake_time: FakeTime | None = None,
    job_dir: Path | None = None,
    warc_name: str = "out.warc.gz",
) -> CrawlRun:
    """Run one crawl in-process with an injected clock and no jitter."""
    retries: list[tuple[str, int, float, str]] = []
    ledger = Ledger(job_dir)
    try:
        archive = open_archive(tmp_path / warc_name, ledger.warc_position(), resumable=job_dir is not None)
        kwargs: dict[str, object] = {}
        if fake_time is not None:
            kwargs = {"clock": fake_time.clock, "sleep": fake_time.sleep}
        crawl = Crawl(
            config,
            ledger,
            archive,
            rng=lambda: 0.0,
            on_retry=lambda url, n, delay, kind: retries.append((url, n, delay, kind)),
            **kwargs,  # type: ignore[arg-type]
        )
        stats = asyncio.run(crawl.run(urls))
        rows = ledger.snapshot()
    finally:
        ledger.close()
    return CrawlRun(stats, tmp_path / warc_name, job_dir, retries, rows)


@dataclass
class Record:
    """One WARC record, read back."""

    type: str
    uri: str
    warc: dict[str, str]
    status: str | None
    http: dict[str, str]
    payload: bytes


def read_warc(path: Path) -> list[Record]:
    """Every record in a WARC file, with lower-cased HTTP header names."""
    out = []
    with open(path, "rb") as stream:
        for rec in ArchiveIterator(stream):
            http = rec.http_headers
            out.append(
                Record(
                    rec.rec_type,
                    rec.rec_headers.get_header("WARC-Target-URI") or "",
                    dict(rec.rec_headers.headers),
                    http.get_statuscode() if http and rec.rec_type == "response" else None,
                    {k.lower(): v for k, v in http.headers} if http else {},
                    rec.raw_stream.read(),
                )
            )
    return out
