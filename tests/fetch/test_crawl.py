"""A whole crawl: WARC records, the ledger, re-runs, discovery, refresh, secrets."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from scraper.fetch.errors import JobLocked, OutputConflict
from scraper.fetch.ledger import Ledger
from scraper.fetch.warc import iter_done_pages, open_archive

from .conftest import FakeTime, quick_config, read_warc, run_crawl
from .faultserver import FaultServer, Reply, page


def test_warc_has_request_and_response_per_hop(server: FaultServer, tmp_path: Path) -> None:
    """Each hop is a request/response pair; the file is renamed from .open on close."""
    server.route("/old", Reply(301, headers=(("Location", "/new"),)))
    server.route("/new", Reply(body=page("Dune")))
    run = run_crawl(tmp_path, [server.url("/old")], quick_config())
    assert run.warc.exists() and not Path(str(run.warc) + ".open").exists()
    records = read_warc(run.warc)
    assert [r.type for r in records] == ["warcinfo", "request", "response", "request", "response"]
    final = records[-1]
    assert final.status == "200" and b"Dune" in final.payload
    assert final.warc["WARC-Scraper-Outcome"] == "done"
    assert final.warc["WARC-Scraper-For"] == server.url("/old")
    assert "WARC-Scraper-Outcome" not in records[2].warc  # the redirect hop
    assert records[1].warc["WARC-Concurrent-To"] == records[2].warc["WARC-Record-ID"]


def test_raw_encoded_body_is_archived_and_decodes_back(server: FaultServer, tmp_path: Path) -> None:
    """The archive keeps the gzip bytes as sent; reading pages back decodes them."""
    body = page("Gzipped")
    server.route(
        "/gz",
        Reply(
            body=gzip.compress(body),
            headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
        ),
    )
    run = run_crawl(tmp_path, [server.url("/gz")], quick_config())
    response = read_warc(run.warc)[-1]
    assert response.payload == gzip.compress(body) or gzip.decompress(response.payload) == body
    pages = list(iter_done_pages(run.warc, max_decoded_bytes=2**20, max_encodings=2))
    assert len(pages) == 1 and not isinstance(pages[0], tuple)
    assert pages[0].data == body and pages[0].kind == "html"


def test_failed_attempts_are_archived_too(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """A 503 response is in the archive with its outcome, before the 200."""
    url = server.route("/f", Reply(503, b"busy"), Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(), fake_time=fake_time)
    outcomes = [r.warc.get("WARC-Scraper-Outcome") for r in read_warc(run.warc) if r.type == "response"]
    assert outcomes == ["http_503", "done"]


def test_secrets_never_reach_the_archive_or_the_ledger_errors(
    server: FaultServer, tmp_path: Path, fake_time: FakeTime
) -> None:
    """Authorization, Cookie, userinfo and api_key values appear nowhere in the WARC."""
    server.route(
        "/s",
        Reply(503),
        Reply(body=page(), headers=(("Content-Type", "text/html"), ("Set-Cookie", "session=SECRET5"))),
    )
    url = f"http://user:SECRET1@127.0.0.1:{server.port}/s?api_key=SECRET2&id=7"
    config = quick_config(headers=(("Authorization", "Bearer SECRET3"), ("Cookie", "c=SECRET4")))
    run = run_crawl(tmp_path, [url], config, fake_time=fake_time)
    sent = server.seen[0].headers
    assert sent["authorization"].startswith("Basic ")  # userinfo wins over -H Authorization
    assert sent["cookie"] == "c=SECRET4"
    data = gzip.decompress(run.warc.read_bytes())
    assert b"SECRET" not in data
    assert sent["authorization"].split()[1].encode() not in data
    assert b"api_key=REDACTED" in data
    errors = [row[3] or "" for row in run.ledger_rows.values()]
    assert not any("SECRET" in e for e in errors)


def test_rerun_skips_done_and_retries_failed(server: FaultServer, tmp_path: Path) -> None:
    """Second run on a job: done URLs are not requested again, failed ones are."""
    job = tmp_path / "job"
    ok = server.route("/ok", Reply(body=page()))
    bad = server.route("/bad", Reply(403))
    gone = server.route("/gone", Reply(404))
    first = run_crawl(tmp_path, [ok, bad, gone], quick_config(), job_dir=job)
    assert (first.state(ok), first.state(bad), first.state(gone)) == ("done", "failed", "gone")
    server.route("/bad", Reply(body=page()))
    second = run_crawl(tmp_path, [ok, bad, gone], quick_config(), job_dir=job)
    assert server.hits == {"/ok": 1, "/bad": 2, "/gone": 1}
    assert second.state(bad) == "done"
    assert second.ledger_rows[bad][1] == 2  # attempts add up across runs
    responses = [r for r in read_warc(second.warc) if r.type == "response"]
    assert [r.uri for r in responses].count(ok) == 1


def test_job_dir_is_locked(tmp_path: Path) -> None:
    """A second run on the same job directory is refused while the first holds it."""
    with Ledger(tmp_path / "job"), pytest.raises(JobLocked, match="in use"):
        Ledger(tmp_path / "job")
    Ledger(tmp_path / "job").close()  # released once the holder is gone


def test_existing_output_without_a_job_is_refused(tmp_path: Path) -> None:
    """Without --job-dir an existing WARC is never overwritten or appended to."""
    (tmp_path / "out.warc.gz").write_bytes(b"x")
    with pytest.raises(OutputConflict, match="--job-dir"):
        open_archive(tmp_path / "out.warc.gz", None, resumable=False)


def test_uncommitted_tail_is_cut_on_resume(tmp_path: Path) -> None:
    """Bytes after the ledger's committed size (a killed run's last write) are removed."""
    open_path = tmp_path / "out.warc.gz.open"
    open_path.write_bytes(b"A" * 100 + b"half a record")
    archive = open_archive(tmp_path / "out.warc.gz", (str(tmp_path / "out.warc.gz"), 100), resumable=True)
    assert archive.offset == 100
    archive.close()
    assert (tmp_path / "out.warc.gz").read_bytes() == b"A" * 100


def test_follow_css_selector_and_max_pages(server: FaultServer, tmp_path: Path) -> None:
    """--follow 'a.book' goes from the listing to the detail pages, bounded by max_pages."""
    links = "".join(f'<a class="book" href="/book/{i}">{i}</a>' for i in range(6))
    index = server.route(
        "/",
        Reply(
            body=f"<html><body>{links}<a href='/about'>about</a>"
            f"<a class='book' href='http://example.org/x'>off-site</a></body>".encode()
        ),
    )
    for i in range(6):
        server.route(f"/book/{i}", Reply(body=page(f"Book {i}")))
    run = run_crawl(tmp_path, [index], quick_config(follow="a.book", max_pages=4))
    assert len(run.ledger_rows) == 4
    assert sorted(server.hits) == ["/", "/book/0", "/book/1", "/book/2"]
    assert "/about" not in server.hits


def test_follow_url_pattern(server: FaultServer, tmp_path: Path) -> None:
    """--follow '/book/*' picks links by path."""
    index = server.route("/", Reply(body=b'<a href="/book/1">1</a><a href="/help">h</a>'))
    server.route("/book/1", Reply(body=page()))
    run = run_crawl(tmp_path, [index], quick_config(follow="/book/*"))
    assert set(run.ledger_rows) == {index, server.url("/book/1")}


def test_refresh_sends_conditional_requests(server: FaultServer, tmp_path: Path) -> None:
    """With refresh, a done page is asked again with If-None-Match; a 304 keeps it done."""
    job = tmp_path / "job"
    url = server.route(
        "/p",
        Reply(
            body=page(),
            headers=(
                ("Content-Type", "text/html"),
                ("ETag", '"v1"'),
                ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"),
            ),
        ),
        Reply(304, headers=(("ETag", '"v1"'),)),
    )
    run_crawl(tmp_path, [url], quick_config(), job_dir=job)
    second = run_crawl(tmp_path, [url], quick_config(refresh=True), job_dir=job)
    assert server.seen[1].headers["if-none-match"] == '"v1"'
    assert server.seen[1].headers["if-modified-since"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert second.state(url) == "done"
    assert second.stats.states["not_modified"] == 1
    pages = list(iter_done_pages(second.warc, max_decoded_bytes=2**20, max_encodings=2))
    assert len(pages) == 1  # the 304 does not replace the archived page


def test_guard_on_by_default_in_a_crawl(server: FaultServer, tmp_path: Path) -> None:
    """The default config refuses the loopback server: refused, never requested."""
    url = server.route("/p", Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(allow_private_addresses=False))
    assert run.state(url) == "refused"
    assert server.hits["/p"] == 0
