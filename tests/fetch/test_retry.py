"""Retries: which failures, how many tries, exactly how long between them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.fetch.config import RetryPolicy
from scraper.fetch.errors import (
    DeadlineExceeded,
    FetchError,
    Gone,
    HttpError,
    RetryableStatus,
    SoftFailure,
    TransportFailure,
)
from scraper.fetch.retry import retry_delay

from .conftest import FakeTime, quick_config, run_crawl
from .faultserver import FaultServer, Reply, page

POLICY = RetryPolicy(
    max_attempts=5,
    backoff_initial=1.0,
    backoff_max=8.0,
    backoff_jitter=0.0,
    retry_after_cap=120.0,
    soft_failure_delay=60.0,
)

DELAYS = [
    (RetryableStatus("", status=503), 1, 1.0),
    (RetryableStatus("", status=503), 2, 2.0),
    (RetryableStatus("", status=503), 3, 4.0),
    (RetryableStatus("", status=503), 4, 8.0),  # backoff_max
    (RetryableStatus("", status=503), 5, None),  # max_attempts reached
    (RetryableStatus("", status=429, retry_after=7), 1, 7.0),
    (RetryableStatus("", status=429, retry_after=0.5), 3, 4.0),  # backoff wins when longer
    (RetryableStatus("", status=503, retry_after=86400), 1, 120.0),  # capped
    (TransportFailure(""), 1, 1.0),
    (DeadlineExceeded(""), 2, 2.0),
    (SoftFailure(""), 1, 60.0),
    (SoftFailure(""), 2, 120.0),
    (Gone("", status=404), 1, None),
    (HttpError("", status=403), 1, None),
]


@pytest.mark.parametrize(("error", "attempt", "expected"), DELAYS)
def test_retry_delay_table(error: FetchError, attempt: int, expected: float | None) -> None:
    """Backoff doubles to its max, Retry-After is honoured and capped, finals are final."""
    assert retry_delay(POLICY, attempt, error, rng=lambda: 0.0) == expected


def test_jitter_is_added_up_to_its_bound() -> None:
    """Jitter adds rng() * backoff_jitter seconds."""
    policy = RetryPolicy(backoff_initial=1.0, backoff_jitter=0.5)
    assert retry_delay(policy, 1, TransportFailure(""), rng=lambda: 1.0) == 1.5


def test_503_503_200(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """Two 503s then 200: three requests, waits of exactly 1 s and 2 s, then done."""
    url = server.route("/flaky", Reply(503), Reply(503), Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(), fake_time=fake_time)
    assert server.hits["/flaky"] == 3
    assert [r[2] for r in run.retries] == [1.0, 2.0]
    assert fake_time.sleeps == [1.0, 2.0]
    assert run.ledger_rows[url][:2] == ("done", 3)


def test_429_retry_after_is_honoured(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """A 429 with Retry-After: 7 waits exactly 7 s, then succeeds."""
    url = server.route("/limited", Reply(429, headers=(("Retry-After", "7"),)), Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(), fake_time=fake_time)
    assert server.hits["/limited"] == 2
    assert [(r[1], r[2], r[3]) for r in run.retries] == [(1, 7.0, "http_429")]
    assert run.state(url) == "done"


def test_retry_after_is_capped(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """A Retry-After of a day waits only retry_after_cap."""
    url = server.route("/slow", Reply(503, headers=(("Retry-After", "86400"),)), Reply(body=page()))
    config = quick_config(retry=RetryPolicy(backoff_jitter=0.0, retry_after_cap=30.0))
    run = run_crawl(tmp_path, [url], config, fake_time=fake_time)
    assert [r[2] for r in run.retries] == [30.0]


def test_gives_up_after_max_attempts(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """Always 503: exactly max_attempts requests, then the URL is failed for this run."""
    url = server.route("/down", Reply(503))
    run = run_crawl(tmp_path, [url], quick_config(), fake_time=fake_time)
    assert server.hits["/down"] == 3
    assert [r[2] for r in run.retries] == [1.0, 2.0]
    assert run.ledger_rows[url][:3] == ("failed", 3, 503)
    assert run.stats.errors["http_503"] == 3


@pytest.mark.parametrize("status", [404, 410])
def test_gone_is_final(server: FaultServer, tmp_path: Path, status: int) -> None:
    """404 and 410 are recorded as gone after one request."""
    url = server.route("/missing", Reply(status))
    run = run_crawl(tmp_path, [url], quick_config())
    assert server.hits["/missing"] == 1
    assert run.retries == []
    assert run.ledger_rows[url][:3] == ("gone", 1, status)


@pytest.mark.parametrize("status", [408, 500, 502, 504])
def test_other_retry_statuses(server: FaultServer, tmp_path: Path, fake_time: FakeTime, status: int) -> None:
    """408, 500, 502 and 504 are retried like 503."""
    url = server.route("/s", Reply(status), Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(), fake_time=fake_time)
    assert server.hits["/s"] == 2
    assert run.state(url) == "done"


@pytest.mark.parametrize("status", [401, 403, 501])
def test_final_http_errors_are_not_retried(server: FaultServer, tmp_path: Path, status: int) -> None:
    """401, 403 and 501 fail at once (the next run may try again)."""
    url = server.route("/no", Reply(status))
    run = run_crawl(tmp_path, [url], quick_config())
    assert server.hits["/no"] == 1
    assert run.state(url) == "failed"


def test_truncated_body_is_retried(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """A body shorter than its Content-Length is retried, then the good copy is kept."""
    url = server.route("/cut", Reply(body=page(), mode="short"), Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(), fake_time=fake_time)
    assert server.hits["/cut"] == 2
    assert [(r[2], r[3]) for r in run.retries] == [(1.0, "truncated")]
    assert run.state(url) == "done"


def test_dropped_connection_is_retried(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """A connection closed without an answer is a transport error, retried."""
    url = server.route("/drop", Reply(mode="close"), Reply(body=page()))
    run = run_crawl(tmp_path, [url], quick_config(), fake_time=fake_time)
    assert [r[3] for r in run.retries] == ["transport"]
    assert run.state(url) == "done"


def test_soft_failure_is_retried_later_not_emitted(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """A 200 'Robot check' page is archived as a soft failure and retried after 60 s."""
    captcha = b"<html><head><title>Robot Check</title></head><body>Type the characters</body>"
    url = server.route("/captcha", Reply(body=captcha), Reply(body=page("Dune")))
    run = run_crawl(tmp_path, [url], quick_config(), fake_time=fake_time)
    assert [(r[2], r[3]) for r in run.retries] == [(60.0, "soft_failure")]
    assert run.state(url) == "done"
    assert run.stats.errors["soft_failure"] == 1


def test_retry_later_does_not_block_other_urls(server: FaultServer, tmp_path: Path, fake_time: FakeTime) -> None:
    """While one URL waits for its retry, the only worker fetches the others."""
    slow = server.route("/wait", Reply(503, headers=(("Retry-After", "50"),)), Reply(body=page()))
    others = [server.route(f"/p{i}", Reply(body=page())) for i in range(3)]
    run_crawl(tmp_path, [slow, *others], quick_config(), fake_time=fake_time)
    order = [seen.path for seen in server.seen]
    assert order == ["/wait", "/p0", "/p1", "/p2", "/wait"]
