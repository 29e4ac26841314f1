"""The fetch/scrape/demo-server commands: wiring, one-line errors, the demo site."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper import demo_server
from scraper.fetch.__main__ import main
from scraper.fetch.cli import add_fetch_commands, read_urls

from .conftest import read_warc
from .faultserver import FaultServer, Reply, page


def test_commands_are_registered() -> None:
    """add_fetch_commands adds fetch, scrape and demo-server, each with a func."""
    parser = argparse.ArgumentParser()
    add_fetch_commands(parser.add_subparsers(dest="command"))
    for argv in (
        ["fetch", "u.txt", "-o", "x.warc.gz"],
        ["scrape", "u.txt", "-o", "b.jsonl"],
        ["demo-server"],
    ):
        assert callable(parser.parse_args(argv).func)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fetch", "{tmp}/missing.txt", "-o", "{tmp}/o.warc.gz"], "cannot read"),
        (["fetch", "{tmp}/empty.txt", "-o", "{tmp}/o.warc.gz"], "no http(s) URLs"),
        (["fetch", "{tmp}/urls.txt", "-o", "{tmp}/exists.warc.gz"], "already exists"),
    ],
)
def test_user_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Errors a user can fix print one line on stderr and exit 2, no traceback."""
    (tmp_path / "empty.txt").write_text("# nothing\n")
    (tmp_path / "urls.txt").write_text("https://example.org/\n")
    (tmp_path / "exists.warc.gz").write_bytes(b"x")
    code = main([a.format(tmp=tmp_path) for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("catalog-scraper: error: ") and message in err[-1]
    assert not any("Traceback" in line for line in err)


def test_locked_job_dir_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second run on a held job directory is refused with one line."""
    from scraper.fetch.ledger import Ledger

    (tmp_path / "urls.txt").write_text("https://example.org/\n")
    with Ledger(tmp_path / "job"):
        code = main(
            [
                "fetch",
                str(tmp_path / "urls.txt"),
                "-o",
                str(tmp_path / "o.warc.gz"),
                "--job-dir",
                str(tmp_path / "job"),
            ]
        )
    assert code == 2
    assert "in use by pid" in capsys.readouterr().err.splitlines()[-1]


def test_read_urls(tmp_path: Path) -> None:
    """Blank and comment lines are skipped; non-URLs are reported with their line number."""
    path = tmp_path / "u.txt"
    path.write_text("https://a.org/1\n\n# c\nftp://x/y\nhttps://a.org/2\n")
    urls, complaints = read_urls(str(path))
    assert urls == ["https://a.org/1", "https://a.org/2"]
    assert complaints == [f"{path}:4: not an http(s) URL: ftp://x/y"]


def test_fetch_command_end_to_end(server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """fetch writes the WARC, prints a summary with errors by kind, exits 0."""
    urls = [server.route("/a", Reply(body=page())), server.route("/b", Reply(404))]
    (tmp_path / "urls.txt").write_text("\n".join(urls))
    out = tmp_path / "o.warc.gz"
    code = main(
        [
            "fetch",
            str(tmp_path / "urls.txt"),
            "-o",
            str(out),
            "--delay",
            "0",
            "--allow-private-addresses",
            "--contact",
            "https://example.org/me",
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "2 URL(s) finished" in err and "1 done, 1 gone" in err and "http_404 1" in err
    pages = [r for r in read_warc(out) if r.type == "response" and "robots" not in r.uri]
    assert len(pages) == 2


def test_failed_urls_exit_1(server: FaultServer, tmp_path: Path) -> None:
    """A URL that ends failed makes the exit code 1."""
    (tmp_path / "u.txt").write_text(server.route("/x", Reply(403)))
    code = main(
        [
            "fetch",
            str(tmp_path / "u.txt"),
            "-o",
            str(tmp_path / "o.warc.gz"),
            "--delay",
            "0",
            "--allow-private-addresses",
            "-q",
        ]
    )
    assert code == 1


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    """The demo server over three sample pages."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for name, title in [("dune.html", "Dune"), ("emma.html", "Emma"), ("notes.txt", "")]:
        (pages / name).write_bytes(page(title) if title else b"Plain text catalog entry\n")
    (pages / "cover.jpg").write_bytes(b"\xff\xd8")  # not a page: not served
    server = demo_server.serve(demo_server.build_site(pages))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_demo_site_index_links_every_page(tmp_path: Path) -> None:
    """The index lists each page file as an a.book link; other files are not served."""
    (tmp_path / "a.html").write_bytes(page("Alpha"))
    (tmp_path / "b.jpg").write_bytes(b"x")
    site = demo_server.build_site(tmp_path)
    assert set(site) == {"/", "/robots.txt", "/books/a.html"}
    assert b'<a class="book" href="/books/a.html">Alpha</a>' in site["/"][1]


def test_demo_server_is_crawlable(demo: str, tmp_path: Path) -> None:
    """fetch --follow 'a.book' from the demo index archives every page."""
    out = tmp_path / "demo.warc.gz"
    code = main(
        [
            "fetch",
            demo,
            "-o",
            str(out),
            "--follow",
            "a.book",
            "--delay",
            "0",
            "--allow-private-addresses",
            "-q",
        ]
    )
    assert code == 0
    done = {r.uri for r in read_warc(out) if r.type == "response" and r.warc.get("WARC-Scraper-Outcome") == "done"}
    assert {u.rsplit("/", 1)[1] for u in done} == {"", "dune.html", "emma.html", "notes.txt"}


def test_scrape_turns_a_served_page_into_a_book(demo: str, tmp_path: Path) -> None:
    """scrape: fetch, keep the WARC, clean; a served detail page becomes a Book with a title."""
    from scraper.sources import RawPage

    try:
        from scraper.pipeline import clean_page

        clean_page(RawPage(uri="probe", data=page("Probe"), kind="html"))
    except (NotImplementedError, ImportError) as exc:
        pytest.skip(f"scraper.pipeline.clean_page is not ready yet (lead's part): {exc!r}")
    out = tmp_path / "books.jsonl"
    code = main(
        [
            "scrape",
            demo + "books/dune.html",
            "-o",
            str(out),
            "--delay",
            "0",
            "--allow-private-addresses",
            "-q",
        ]
    )
    assert code == 0
    assert (tmp_path / "books.warc.gz").exists()
    lines = out.read_text().splitlines()
    assert len(lines) == 1 and '"title":"Dune"' in lines[0]
