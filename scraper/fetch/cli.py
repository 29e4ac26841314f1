"""The ``fetch``, ``scrape`` and ``demo-server`` subcommands.

The main parser lives in :mod:`scraper.cli`; it calls
:func:`add_fetch_commands` with its subparsers. ``python -m scraper.fetch``
runs the same commands on their own.

Exit codes: 0 every URL reached a final state (done, gone, refused); 1 some
URLs failed (run again with the same ``--job-dir`` to retry them); 2 the run
could not start (bad input, locked job, existing output); 128+N stopped by
signal N, after finishing in-flight work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from scraper.fetch import config as defaults
from scraper.fetch.config import FetchConfig, RetryPolicy
from scraper.fetch.crawl import Crawl, CrawlStats, describe
from scraper.fetch.errors import JobError
from scraper.fetch.ledger import Ledger
from scraper.fetch.progress import ConsoleReporter
from scraper.fetch.redact import redact_text, redact_url
from scraper.fetch.warc import iter_done_pages, open_archive

__all__ = ["add_fetch_commands", "iter_urls", "read_urls", "run_fetch", "run_scrape"]

PROG = "catalog-scraper"
CONTACT_ENV = "CATALOG_SCRAPER_CONTACT"


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value:g}")
    return value


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected 'Name: value', got {redact_text(text)!r}")
    return name.strip(), value.strip()


def _add_crawl_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "urls",
        metavar="URLS",
        help="file with one URL per line ('-' for stdin), or a single http(s) URL",
    )
    parser.add_argument("--job-dir", type=Path, help="keep a resumable ledger here (locked)")
    parser.add_argument(
        "--follow",
        metavar="PATTERN",
        help="follow links from fetched pages: a CSS selector ('a.book') or a URL pattern ('/book/*'); same site only",
    )
    parser.add_argument("--max-pages", type=_positive_int, help="fetch at most N URLs in all")
    parser.add_argument(
        "--contact",
        default=os.environ.get(CONTACT_ENV),
        help=f"URL or email for site owners, sent in the User-Agent (or ${CONTACT_ENV})",
    )
    parser.add_argument("--concurrency", type=_positive_int, default=defaults.DEFAULT_CONCURRENCY)
    parser.add_argument(
        "--per-host",
        type=_positive_int,
        default=defaults.DEFAULT_PER_HOST_CONCURRENCY,
        help="requests in flight per host",
    )
    parser.add_argument(
        "--delay",
        type=_seconds,
        default=defaults.DEFAULT_PER_HOST_DELAY,
        help="seconds between request starts per host (robots.txt Crawl-delay may raise it)",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=defaults.DEFAULT_TIMEOUT,
        help="total seconds per request: connect, headers and body",
    )
    parser.add_argument(
        "--max-bytes",
        type=_positive_int,
        default=defaults.DEFAULT_MAX_RAW_BYTES,
        help="cap on bytes read per response",
    )
    parser.add_argument(
        "--max-decoded-bytes",
        type=_positive_int,
        default=defaults.DEFAULT_MAX_DECODED_BYTES,
        help="cap on decompressed bytes per response",
    )
    parser.add_argument(
        "--attempts",
        type=_positive_int,
        default=defaults.DEFAULT_MAX_ATTEMPTS,
        help="tries per URL per run before it is recorded as failed",
    )
    parser.add_argument("--ignore-robots", action="store_true", help="do not obey robots.txt")
    parser.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="allow loopback, private and link-local addresses (off: SSRF guard)",
    )
    parser.add_argument("--trust-env", action="store_true", help="use proxy and TLS settings from the environment")
    parser.add_argument(
        "-H",
        "--header",
        dest="headers",
        type=_header,
        action="append",
        default=[],
        help="extra request header 'Name: value' (repeatable; never logged or archived)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="re-fetch pages already done, conditionally (ETag / Last-Modified)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per failed URL")


def add_fetch_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``fetch``, ``scrape`` and ``demo-server`` to the main parser's subcommands."""
    fetch = subparsers.add_parser(
        "fetch",
        help="fetch URLs politely into a WARC archive",
        description="Fetch catalog URLs into a WARC file, politely and within hard limits.",
    )
    _add_crawl_options(fetch)
    fetch.add_argument("-o", "--output", type=Path, required=True, help="WARC file (.warc.gz)")
    fetch.set_defaults(func=run_fetch)

    scrape = subparsers.add_parser(
        "scrape",
        help="fetch URLs, keep the WARC, and clean each page into a Book (JSONL)",
        description="Fetch catalog URLs (as `fetch`), then clean every page into Book records.",
    )
    _add_crawl_options(scrape)
    scrape.add_argument("-o", "--output", type=Path, required=True, help="JSONL file of Books")
    scrape.add_argument("--warc", type=Path, help="WARC file (default: OUTPUT with .warc.gz)")
    scrape.add_argument("--rejects", type=Path, help="JSONL file for pages that are not books")
    scrape.set_defaults(func=run_scrape)

    from scraper import demo_server

    demo = subparsers.add_parser(
        "demo-server",
        help="serve sample pages as a tiny catalog site on 127.0.0.1",
        description="Serve the pages under samples/pages as a catalog site to try `scrape` on.",
    )
    demo_server.add_arguments(demo)
    demo.set_defaults(func=demo_server.run_from_args)


def _fail(message: str) -> int:
    print(f"{PROG}: error: {redact_text(message)}", file=sys.stderr)
    return 2


class _UrlSource:
    """Where the URL list comes from: a file (opened now, so a missing file fails early, but read lazily), stdin or one URL."""

    def __init__(self, source: str, stdin: TextIO | None = None) -> None:
        self._handle: TextIO | None = None
        self._stream: TextIO | None = None
        self._single: str | None = None
        if source.startswith(("http://", "https://")):
            self.name, self._single = "argument", source
        elif source == "-":
            self.name, self._stream = "stdin", stdin or sys.stdin
        else:
            self.name = source
            self._handle = self._stream = open(source, encoding="utf-8", errors="replace")  # noqa: SIM115

    def lines(self) -> Iterator[str]:
        """Its lines, one at a time: the same lines as ``read().splitlines()``."""
        if self._single is not None:
            yield self._single
        elif self._stream is not None:
            for line in self._stream:
                yield from line.splitlines()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def iter_urls(name: str, lines: Iterable[str], complain: Callable[[str], None]) -> Iterator[str]:
    """The http(s) URLs in ``lines``, one at a time; blank and ``#`` lines skipped, others passed to ``complain``."""
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            parts = urlsplit(text)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            complain(f"{name}:{number}: not an http(s) URL: {redact_url(text)[:80]}")
            continue
        yield text


def read_urls(source: str, stdin: TextIO | None = None) -> tuple[list[str], list[str]]:
    """(URLs, complaints) from a file, ``-`` or a single URL; blank and ``#`` lines skipped."""
    urls = _UrlSource(source, stdin)
    complaints: list[str] = []
    try:
        return list(iter_urls(urls.name, urls.lines(), complaints.append)), complaints
    finally:
        urls.close()


class _Complaints:
    """The first few complaints about the URL list, and how many there were."""

    KEEP = 5

    def __init__(self) -> None:
        self.first: list[str] = []
        self.count = 0

    def __call__(self, text: str) -> None:
        self.count += 1
        if len(self.first) < self.KEEP:
            self.first.append(text)


def _config(args: argparse.Namespace) -> FetchConfig:
    return FetchConfig(
        contact=args.contact,
        concurrency=args.concurrency,
        per_host_concurrency=args.per_host,
        per_host_delay=args.delay,
        timeout=args.timeout,
        max_raw_bytes=args.max_bytes,
        max_decoded_bytes=args.max_decoded_bytes,
        obey_robots=not args.ignore_robots,
        allow_private_addresses=args.allow_private_addresses,
        trust_env=args.trust_env,
        headers=tuple(args.headers),
        follow=args.follow,
        max_pages=args.max_pages,
        refresh=args.refresh,
        retry=RetryPolicy(max_attempts=args.attempts),
    )


def _crawl(args: argparse.Namespace, warc_path: Path) -> tuple[int, CrawlStats | None]:
    """Run the crawl for ``fetch`` and ``scrape``; (exit code, stats)."""
    try:
        source = _UrlSource(args.urls)
    except OSError as exc:
        return _fail(f"cannot read {args.urls}: {exc.strerror or exc}"), None
    reporter = ConsoleReporter(quiet=args.quiet, verbose=args.verbose)
    config = _config(args)
    complaints = _Complaints()
    try:
        try:
            ledger = Ledger(args.job_dir)
        except JobError as exc:
            return _fail(str(exc)), None
        except OSError as exc:
            return _fail(f"cannot use job directory {args.job_dir}: {exc.strerror or exc}"), None
        # The URL list goes straight into the ledger in bounded batches: never all in memory.
        try:
            added = ledger.add_stream(iter_urls(source.name, source.lines(), complaints), limit=config.max_pages)
        except OSError as exc:
            ledger.close()
            return _fail(f"cannot read {args.urls}: {exc.strerror or exc}"), None
    finally:
        source.close()
    for complaint in complaints.first:
        reporter.message(f"skipped {complaint}")
    if complaints.count > _Complaints.KEEP:
        reporter.message(f"skipped {complaints.count - _Complaints.KEEP} more lines that are not URLs")
    if not added and args.job_dir is None:
        ledger.close()
        return _fail(f"no http(s) URLs in {args.urls}"), None
    if not config.contact:
        reporter.message(
            f"note: no --contact set; site owners see only {config.user_agent!r}. Set --contact URL or ${CONTACT_ENV}."
        )
    try:
        archive = open_archive(warc_path, ledger.warc_position(), resumable=args.job_dir is not None)
        crawl = Crawl(config, ledger, archive, reporter=reporter)
        with reporter:
            stats = asyncio.run(crawl.run(handle_signals=True))
        if not args.quiet:
            print(describe(stats, archive), file=sys.stderr)
        failed = ledger.counts().get("failed", 0)
    except JobError as exc:
        return _fail(str(exc)), None
    except OSError as exc:
        return _fail(f"{exc.filename or warc_path}: {exc.strerror or exc}"), None
    finally:
        ledger.close()
    if stats.stopped_by:
        return 128 + int(getattr(signal, stats.stopped_by, signal.SIGINT)), stats
    return (1 if failed else 0), stats


def run_fetch(args: argparse.Namespace) -> int:
    """``catalog-scraper fetch``: URLs to a WARC file."""
    code, _ = _crawl(args, args.output)
    return code


def run_scrape(args: argparse.Namespace) -> int:
    """``catalog-scraper scrape``: fetch into a WARC, then clean each page into a Book."""
    try:
        from scraper.pipeline import clean_page
        from scraper.records import Book
    except ImportError as exc:
        return _fail(f"the cleaning pipeline cannot be loaded: {exc}")

    output: Path = args.output
    warc_path: Path = args.warc or output.with_name(output.stem + ".warc.gz")
    code, stats = _crawl(args, warc_path)
    if stats is None or stats.stopped_by:
        return code
    books = 0
    reasons: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    out_tmp = output.with_name(output.name + ".open")
    rejects_tmp = args.rejects.with_name(args.rejects.name + ".open") if args.rejects else None
    try:
        with (
            open(out_tmp, "w", encoding="utf-8") as out,
            open(rejects_tmp, "w", encoding="utf-8") if rejects_tmp else open(os.devnull, "w") as rejects,
        ):
            for item in iter_done_pages(
                warc_path,
                max_decoded_bytes=args.max_decoded_bytes,
                max_encodings=defaults.DEFAULT_MAX_ENCODINGS,
            ):
                if isinstance(item, tuple):
                    skipped[item[1]] += 1
                    continue
                try:
                    record = clean_page(item)
                except NotImplementedError:
                    return _fail(
                        "the cleaning pipeline (scraper.pipeline.clean_page) is not "
                        f"implemented yet; the pages are archived in {warc_path}"
                    )
                if isinstance(record, Book):
                    books += 1
                    out.write(record.model_dump_json() + "\n")
                else:
                    reasons[record.reason] += 1
                    rejects.write(record.model_dump_json() + "\n")
        os.replace(out_tmp, output)
        if rejects_tmp is not None:
            os.replace(rejects_tmp, args.rejects)
    except OSError as exc:
        return _fail(f"{exc.filename or output}: {exc.strerror or exc}")
    finally:
        for tmp in (out_tmp, rejects_tmp):
            if tmp is not None and tmp.exists():
                tmp.unlink()
    if not args.quiet:
        rejected = ", ".join(f"{reason} {n}" for reason, n in reasons.most_common())
        line = f"{books} book(s) written to {output}"
        if reasons:
            line += f"; {sum(reasons.values())} rejected ({rejected})"
        if skipped:
            line += f"; {sum(skipped.values())} non-page response(s) skipped"
        print(line, file=sys.stderr)
    return code
