"""FETCH: polite, bounded, resumable fetching of catalog pages into WARC.

The data flow, one module per step::

    cli ─► crawl ─► frontier (queue, retry times)
              │
              ├─► fetcher ─► guard (SSRF) ─► robots ─► politeness ─► bounded (+ decoders)
              │                                                      └─► transport (aiohttp pool; guard per socket)
              ├─► warc    (archive, flushed first)
              └─► ledger  (SQLite job state, committed second)

Settings live in :class:`FetchConfig`; every error is a :class:`FetchError`
(tree in :mod:`scraper.fetch.errors`); secrets go through :mod:`.redact`.
"""

from __future__ import annotations

from scraper.fetch.config import FetchConfig, RetryPolicy
from scraper.fetch.crawl import Crawl, CrawlStats
from scraper.fetch.errors import FetchError, JobError
from scraper.fetch.fetcher import Attempt, Fetcher
from scraper.fetch.ledger import Ledger
from scraper.fetch.warc import iter_done_pages, open_archive

__all__ = [
    "Attempt",
    "Crawl",
    "CrawlStats",
    "FetchConfig",
    "FetchError",
    "Fetcher",
    "JobError",
    "Ledger",
    "RetryPolicy",
    "iter_done_pages",
    "open_archive",
]
