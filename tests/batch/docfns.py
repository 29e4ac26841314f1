"""Per-document functions the batch tests inject in place of ``clean_page``.

They live in an importable module because workers receive them by reference.
Each looks at the page's URI to decide how to misbehave.
"""

from __future__ import annotations

import hashlib
import os
import time

from scraper.records import Book, Reject, Source
from scraper.sources import RawPage


def _source(page: RawPage) -> Source:
    return Source(uri=page.uri, sha256=hashlib.sha256(page.data).hexdigest())


def echo_title(page: RawPage) -> Book | Reject:
    """A Book titled with the page's first 40 bytes; a Reject for pages holding 'reject'."""
    if b"reject" in page.data:
        return Reject(source=_source(page), input=page.uri, reason="no_book")
    title = page.data[:40].decode("utf-8", "replace").strip() or "untitled"
    return Book(title=title, url=page.url, source=_source(page))


def misbehave(page: RawPage) -> Book | Reject:
    """Hang on 'hang', kill the worker on 'crash', eat memory on 'eat', raise on 'raise'."""
    if "hang" in page.uri:
        time.sleep(3600)
    if "crash" in page.uri:
        os._exit(7)
    if "eat" in page.uri:
        hoard = [bytearray(64 * 2**20) for _ in range(64)]  # 4 GiB, far past any test cap
        return Book(title=str(len(hoard)), source=_source(page))
    if "raise" in page.uri:
        raise RuntimeError("parser blew up")
    return echo_title(page)


def crash_once(page: RawPage) -> Book | Reject:
    """Kill the worker the first time a 'crash@DIR' page is seen (a marker in DIR remembers).

    The folder travels in the URI: workers fork from a server started before the
    test, so they do not see environment variables the test sets.
    """
    _, _, folder = page.uri.partition("@")
    marker = os.path.join(folder, hashlib.sha1(page.uri.encode()).hexdigest())
    if "crash" in page.uri and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(9)
    return echo_title(page)


def slow_echo(page: RawPage) -> Book | Reject:
    """:func:`echo_title`, 10 ms slower: long enough to interrupt a run mid-way."""
    time.sleep(0.01)
    return echo_title(page)


def misbehave_by_content(page: RawPage) -> Book | Reject:
    """:func:`misbehave`, keyed by a marker in the page's bytes: the pages of one archive
    share their URI's stem, so the URI cannot say which one should hang."""
    if b"<hang/>" in page.data:
        time.sleep(3600)
    if b"<crash/>" in page.data:
        os._exit(7)
    if b"<raise/>" in page.data:
        raise RuntimeError("parser blew up")
    return slow_echo(page)
