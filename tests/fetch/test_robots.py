"""robots.txt per RFC 9309, against the loopback server."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.fetch.robots import rules_from_response

from .conftest import FakeTime, quick_config, run_crawl
from .faultserver import FaultServer, Reply, page

ROBOTS = (("Content-Type", "text/plain"),)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (200, True),
        (301, True),
        (401, True),
        (403, True),
        (404, True),
        (410, True),
        (429, False),
        (500, False),
        (503, False),
        (None, False),
    ],
)
def test_status_table(status: int | None, allowed: bool) -> None:
    """4xx means allowed; 429, 5xx and no answer mean everything disallowed."""
    assert rules_from_response(status, b"", "bot").allows("http://h/p", "bot") is allowed


def test_robots_503_disallows_the_host(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """robots.txt answering 503: no page of the host is requested; URLs end failed."""
    server.route("/robots.txt", Reply(503, headers=ROBOTS))
    url = server.route("/book", Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(obey_robots=True), fake_time=fake_time)
    assert server.hits["/book"] == 0
    assert server.hits["/robots.txt"] == 1  # cached while the URL is retried
    assert run.state(url) == "failed"
    assert run.stats.errors["robots_unavailable"] == 3


def test_robots_404_allows_everything(server: FaultServer, tmp_path: Path) -> None:
    """robots.txt missing (404): pages are fetched."""
    url = server.route("/book", Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(obey_robots=True))
    assert run.state(url) == "done"


def test_disallowed_path_is_refused_and_never_requested(server: FaultServer, tmp_path: Path) -> None:
    """A Disallow rule for our agent refuses the URL without sending it."""
    server.route(
        "/robots.txt",
        Reply(body=b"User-agent: catalog-scraper\nDisallow: /private/\n", headers=ROBOTS),
    )
    blocked = server.route("/private/book", Reply(body=page()))
    fine = server.route("/book", Reply(body=page()))
    run = run_crawl(tmp_path, [blocked, fine], quick_config(obey_robots=True))
    assert server.hits["/private/book"] == 0
    assert run.state(blocked) == "refused"
    assert run.state(fine) == "done"
    assert server.hits["/robots.txt"] == 1


def test_crawl_delay_spaces_requests(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """Crawl-delay: 5 makes requests to the host start 5 s apart."""
    server.route("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 5\n", headers=ROBOTS))
    urls = [server.route(f"/b{i}", Reply(body=page())) for i in range(3)]
    run_crawl(tmp_path, urls, quick_config(obey_robots=True), fake_time=fake_time)
    assert fake_time.sleeps == [5.0, 5.0]


def test_ignore_robots(server: FaultServer, tmp_path: Path) -> None:
    """With obey_robots off, robots.txt is not even requested."""
    server.route("/robots.txt", Reply(503))
    url = server.route("/book", Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(obey_robots=False))
    assert server.hits["/robots.txt"] == 0
    assert run.state(url) == "done"
