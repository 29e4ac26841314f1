"""Memory flat in N: seeds streamed into the ledger, the frontier paging through it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.fetch import crawl as crawl_module
from scraper.fetch.cli import iter_urls, read_urls
from scraper.fetch.frontier import Frontier, Item
from scraper.fetch.ledger import Ledger

from .conftest import FakeTime, quick_config, run_crawl
from .faultserver import FaultServer, Reply, page


def _counting(urls: list[str], taken: list[str]) -> Iterator[str]:
    for url in urls:
        taken.append(url)
        yield url


def test_add_stream_batches_dedupes_and_stops_at_the_limit(tmp_path: Path) -> None:
    """add_stream counts only new URLs, dedupes exactly, and stops reading at the limit."""
    urls = [f"https://a.org/{i}" for i in range(10)]
    with Ledger(tmp_path / "job") as ledger:
        assert ledger.add_stream(urls[:4] + urls[:2], batch=3) == 4
        taken: list[str] = []
        assert ledger.add_stream(_counting(urls, taken), batch=3, limit=7) == 3
        assert ledger.count() == 7
        assert len(taken) == 9  # three batches read, the third only partly used; the fourth never read
        assert ledger.add_stream(iter(()), limit=7) == 0


def test_pending_page_walks_ids_once(tmp_path: Path) -> None:
    """pending_page hands out pending URLs in id order, a page at a time, skipping final ones."""
    with Ledger(None) as ledger:
        ledger.add_stream(f"https://a.org/{i}" for i in range(7))
        ledger.record("https://a.org/1", state="done", attempts=1)
        ledger.record("https://a.org/2", state="gone", attempts=1)
        ledger.record("https://a.org/3", state="failed", attempts=3)
        cursor, first = ledger.pending_page(0, 3)
        assert [e.url for e in first] == ["https://a.org/0", "https://a.org/3", "https://a.org/4"]
        assert first[1].state == "failed" and first[1].attempts == 3
        cursor, second = ledger.pending_page(cursor, 3)
        assert [e.url for e in second] == ["https://a.org/5", "https://a.org/6"]
        assert ledger.pending_page(cursor, 3) == (cursor, [])
        assert ledger.count_pending() == 5
        assert ledger.count_pending(refresh=True) == 6
        _, everything = ledger.pending_page(0, 100, refresh=True)
        assert [e.url for e in everything] == [e.url for e in ledger.pending(refresh=True)]


def test_crawl_holds_only_a_page(
    server: FaultServer, tmp_path: Path, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many URLs, a tiny page: each is fetched once (retries aside), the buffer stays bounded,
    and links discovered late are paged in from the ledger too."""
    monkeypatch.setattr(crawl_module, "PAGE", 4)  # page = max(4, 4 * concurrency 2) = 8
    sizes: list[int] = []
    original = Frontier.next

    async def watched(self: Frontier) -> Item | None:
        sizes.append(len(self))
        return await original(self)

    monkeypatch.setattr(Frontier, "next", watched)
    links = "".join(f'<a class="book" href="/book/{i}">{i}</a>' for i in range(20))
    urls = [server.route("/list", Reply(body=f"<html><body>{links}</body></html>".encode()))]
    for i in range(20):
        server.route(f"/book/{i}", Reply(body=page(f"Book {i}")))
    for i in range(40):
        replies = (Reply(503), Reply(body=page())) if i % 10 == 0 else (Reply(body=page()),)
        urls.append(server.route(f"/p/{i}", *replies))
    run = run_crawl(
        tmp_path,
        urls + urls[:5],
        quick_config(concurrency=2, follow="a.book"),
        fake_time=fake_time,
        job_dir=tmp_path / "job",
    )
    assert len(run.ledger_rows) == 61
    assert {state for state, *_ in run.ledger_rows.values()} == {"done"}
    assert run.stats.states["done"] == 61 and run.stats.queued == 61
    assert len(run.retries) == 4
    for i in range(40):
        assert server.hits[f"/p/{i}"] == (2 if i % 10 == 0 else 1)
    assert all(server.hits[f"/book/{i}"] == 1 for i in range(20))
    assert max(sizes) <= 8 + 4  # a page, plus at most the four retries waiting
    # A re-run on the job has nothing left to do.
    again = run_crawl(tmp_path, urls, quick_config(concurrency=2, follow="a.book"), job_dir=tmp_path / "job")
    assert again.stats.queued == 0 and again.stats.finished == 0


def test_iter_urls_streams_and_reports_bad_lines() -> None:
    """iter_urls yields lazily; read_urls on stdin gives the same URLs and complaints."""
    text = "https://a.org/1\r\nnot a url\n\n# c\nhttps://a.org/2\rftp://x/y\n"
    complaints: list[str] = []
    urls = iter_urls("list", iter(text.splitlines()), complaints.append)
    assert next(urls) == "https://a.org/1"
    assert complaints == []  # nothing past the first URL read yet
    assert list(urls) == ["https://a.org/2"]
    assert complaints == ["list:2: not an http(s) URL: not a url", "list:6: not an http(s) URL: ftp://x/y"]
    assert read_urls("-", io.StringIO(text, newline=None)) == (
        ["https://a.org/1", "https://a.org/2"],
        ["stdin:2: not an http(s) URL: not a url", "stdin:6: not an http(s) URL: ftp://x/y"],
    )


def test_fetch_reports_only_the_first_bad_lines(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A long list with many bad lines: five are shown, the rest counted; the good URLs are fetched."""
    from scraper.fetch.__main__ import main

    url = server.route("/a", Reply(body=page()))
    (tmp_path / "urls.txt").write_text("\n".join([f"bad {i}" for i in range(8)] + [url, url]) + "\n")
    options = ["--ignore-robots", "--allow-private-addresses", "--delay", "0"]
    code = main(["fetch", str(tmp_path / "urls.txt"), "-o", str(tmp_path / "o.warc.gz"), *options])
    assert code == 0
    assert server.hits["/a"] == 1
    err = capsys.readouterr().err
    assert err.count("skipped ") == 6
    assert "skipped 3 more lines that are not URLs" in err
