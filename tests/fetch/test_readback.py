"""Reading a crawl's WARC back for cleaning: each URL's latest done page, once."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.fetch.warc import iter_done_pages
from scraper.sources import RawPage


def _write(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    """Response records as the fetcher writes them: (url, outcome, body)."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, outcome, body in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Scraper-Outcome": outcome, "WARC-Scraper-For": url},
            )
            writer.write_record(record)
            record.raw_stream.close()  # warcio's temp buffer, left open otherwise (ResourceWarning)


def test_a_refreshed_url_gives_its_latest_page_only(tmp_path: Path) -> None:
    """A --refresh run archives a URL again: the newer copy is cleaned, the older one is not."""
    warc = tmp_path / "crawl.warc.gz"
    _write(
        warc,
        [
            ("http://127.0.0.1/a", "done", b"<h1>A, first fetch</h1>"),
            ("http://127.0.0.1/b", "done", b"<h1>B</h1>"),
            ("http://127.0.0.1/c", "failed", b"<h1>C, an error page</h1>"),
            ("http://127.0.0.1/a", "done", b"<h1>A, refreshed</h1>"),
        ],
    )
    pages = [p for p in iter_done_pages(warc, max_decoded_bytes=2**20, max_encodings=2) if isinstance(p, RawPage)]
    assert [(p.uri, p.data) for p in pages] == [
        ("http://127.0.0.1/b", b"<h1>B</h1>"),
        ("http://127.0.0.1/a", b"<h1>A, refreshed</h1>"),
    ]


def test_an_empty_archive_gives_nothing(tmp_path: Path) -> None:
    warc = tmp_path / "empty.warc.gz"
    _write(warc, [])
    assert list(iter_done_pages(warc, max_decoded_bytes=2**20, max_encodings=2)) == []
