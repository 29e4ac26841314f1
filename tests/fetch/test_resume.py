"""Kill the fetch process (SIGKILL, SIGINT) mid-crawl and run it again.

The union of the runs must equal one uninterrupted run: every URL archived
exactly once, the ledger complete, and no URL requested again once committed.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from .conftest import read_warc
from .faultserver import FaultServer, Reply, page

PAGES = 30


def _serve(server: FaultServer) -> list[str]:
    urls = [server.route(f"/b{i}", Reply(body=page(f"Book {i}"), delay=0.02)) for i in range(PAGES)]
    urls += [server.route(f"/gone{i}", Reply(404, delay=0.02)) for i in range(3)]
    return urls


def _command(urls_file: Path, out: Path, job: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "scraper.fetch",
        "fetch",
        str(urls_file),
        "-o",
        str(out),
        "--job-dir",
        str(job),
        "--allow-private-addresses",
        "--delay",
        "0",
        "--concurrency",
        "4",
        "--ignore-robots",
        "-q",
    ]


def _start(urls_file: Path, out: Path, job: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(_command(urls_file, out, job), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _finish(urls_file: Path, out: Path, job: Path) -> None:
    done = subprocess.run(_command(urls_file, out, job), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()


def _wait_for_requests(server: FaultServer, count: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while len(server.seen) < count and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)


def _ledger(job: Path) -> dict[str, str]:
    with sqlite3.connect(job / "ledger.sqlite3") as db:
        return dict(db.execute("SELECT url, state FROM urls").fetchall())


def _archived(out: Path) -> Counter[tuple[str, str]]:
    return Counter(
        (r.warc["WARC-Scraper-For"], r.warc["WARC-Scraper-Outcome"])
        for r in read_warc(out)
        if r.type == "response" and "WARC-Scraper-Outcome" in r.warc
    )


def test_sigkill_at_several_points_loses_nothing_and_repeats_nothing(server: FaultServer, tmp_path: Path) -> None:
    """Killed three times, then finished: same archive and ledger as an uninterrupted run."""
    urls = _serve(server)
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n")
    out, job = tmp_path / "crawl.warc.gz", tmp_path / "job"
    committed: set[str] = set()
    for kill_after in (2, 9, 18):
        start = len(server.seen)
        proc = _start(urls_file, out, job)
        _wait_for_requests(server, start + kill_after, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
        assert Path(str(out) + ".open").exists()
        requested = {server.url(s.path) for s in server.seen[start:]}
        assert not (requested & committed), "a committed URL was fetched again"
        committed |= {u for u, state in _ledger(job).items() if state in ("done", "gone")}
    start = len(server.seen)
    _finish(urls_file, out, job)
    again = {server.url(s.path) for s in server.seen[start:]}
    assert not (again & committed), "a committed URL was fetched again"

    archived = _archived(out)
    assert all(n == 1 for n in archived.values()), archived
    assert set(archived) == {(u, "done") for u in urls[:PAGES]} | {(u, "http_404") for u in urls[PAGES:]}
    assert set(_ledger(job).values()) == {"done", "gone"} and len(_ledger(job)) == len(urls)

    # The reference: one uninterrupted run against the same server.
    ref_out, ref_job = tmp_path / "ref.warc.gz", tmp_path / "ref-job"
    _finish(urls_file, ref_out, ref_job)
    assert _archived(ref_out) == archived
    assert _ledger(ref_job) == _ledger(job)


def test_sigint_finishes_in_flight_work_and_closes_the_archive(server: FaultServer, tmp_path: Path) -> None:
    """SIGINT: exit 130, WARC renamed from .open, every ledger 'done' is in the WARC."""
    urls = _serve(server)
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n")
    out, job = tmp_path / "crawl.warc.gz", tmp_path / "job"
    proc = _start(urls_file, out, job)
    _wait_for_requests(server, 6, proc)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(10) == 128 + signal.SIGINT
    assert out.exists() and not Path(str(out) + ".open").exists()
    done = {u for u, state in _ledger(job).items() if state == "done"}
    assert done == {u for u, outcome in _archived(out) if outcome == "done"}
    assert 0 < len(done) < PAGES
    _finish(urls_file, out, job)
    assert len(_archived(out)) == len(urls)
