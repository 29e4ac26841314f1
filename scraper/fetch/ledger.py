"""The job ledger: one SQLite row per URL, so a crawl can stop and go on.

States::

    queued ──► done          fetched; its records are in the WARC
       │  ├──► gone          404/410, final
       │  ├──► refused       robots.txt, the address guard or the scheme said no
       │  └──► failed        gave up for this run; the next run tries again
       └── (back to queued while retries remain this run)

Every change is one transaction that also stores how many bytes of the WARC
are committed. The WARC is written and flushed *before* that transaction, so
after a hard kill the WARC may hold a tail the ledger never saw: the next run
cuts it off (:func:`scraper.fetch.warc.open_archive`) and fetches those URLs
again. A committed record is never lost and never fetched twice.

A job directory is held by one run at a time: an ``flock`` on ``lock``, which
the kernel releases if the process dies, so there is no stale lock to clean.

Memory does not grow with the number of URLs: seeds are streamed in with
:meth:`Ledger.add_stream` (bounded batches) and the crawl pages through
:meth:`Ledger.pending_page`; without a job directory the ledger is a private
temporary SQLite file, not an in-memory database.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from scraper.fetch.errors import JobLocked

__all__ = ["Entry", "Ledger", "State"]

State = Literal["queued", "done", "gone", "refused", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    depth INTEGER NOT NULL DEFAULT 0,
    status INTEGER,
    error TEXT,
    etag TEXT,
    last_modified TEXT,
    final_url TEXT,
    updated REAL
);
CREATE INDEX IF NOT EXISTS urls_state ON urls(state);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """A URL to fetch in this run, with what the ledger knows of it."""

    url: str
    state: State
    attempts: int
    depth: int
    etag: str | None = None
    last_modified: str | None = None


class Ledger:
    """URL states for one job; in memory when there is no job directory."""

    def __init__(self, job_dir: Path | None = None) -> None:
        self.job_dir = job_dir
        self._lock_file: IO[str] | None = None
        if job_dir is None:
            # "": a private temporary database that SQLite spills to disk past
            # its page cache, so a large URL list does not live in memory.
            self._db = sqlite3.connect("", isolation_level=None)
        else:
            job_dir.mkdir(parents=True, exist_ok=True)
            self._lock_file = _acquire_lock(job_dir / "lock")
            self._db = sqlite3.connect(job_dir / "ledger.sqlite3", isolation_level=None)
            # WAL + NORMAL: a commit survives the process being killed (it is in
            # the OS before commit returns); only a power cut can lose the last few.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database and release the job lock."""
        self._db.close()
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def count(self) -> int:
        """How many URLs the job knows."""
        row = self._db.execute("SELECT COUNT(*) FROM urls").fetchone()
        return int(row[0])

    def add(self, urls: Iterable[str], *, depth: int = 0, limit: int | None = None) -> list[str]:
        """Queue URLs not yet known (up to ``limit`` known in all); return the new ones."""
        with self._transaction() as db:
            return self._add(db, urls, depth, limit)

    def add_stream(self, urls: Iterable[str], *, depth: int = 0, limit: int | None = None, batch: int = 5000) -> int:
        """Queue URLs not yet known, ``batch`` per transaction, without holding them all; return how many were new.

        Stops reading ``urls`` once ``limit`` URLs are known.
        """
        added = 0
        iterator = iter(urls)
        while chunk := list(itertools.islice(iterator, batch)):
            with self._transaction() as db:
                added += len(self._add(db, chunk, depth, limit))
            if limit is not None and self.count() >= limit:
                break
        return added

    def _add(self, db: sqlite3.Connection, urls: Iterable[str], depth: int, limit: int | None) -> list[str]:
        added: list[str] = []
        urls = list(urls)
        if not urls:
            return added  # the usual case per fetched page: no COUNT(*) over the whole table
        known = int(db.execute("SELECT COUNT(*) FROM urls").fetchone()[0]) if limit is not None else 0
        for url in urls:
            if limit is not None and known >= limit:
                break
            cursor = db.execute(
                "INSERT OR IGNORE INTO urls(url, depth, updated) VALUES (?, ?, ?)",
                (url, depth, time.time()),
            )
            if cursor.rowcount:
                known += 1
                added.append(url)
        return added

    def pending(self, *, refresh: bool = False) -> list[Entry]:
        """URLs this run must fetch: queued and failed ones, plus done ones when refreshing."""
        states = self._pending_states(refresh)
        rows = self._db.execute(
            "SELECT url, state, attempts, depth, etag, last_modified FROM urls "
            f"WHERE state IN ({','.join('?' * len(states))}) ORDER BY id",
            states,
        ).fetchall()
        return [Entry(*row) for row in rows]

    @staticmethod
    def _pending_states(refresh: bool) -> tuple[str, ...]:
        return ("queued", "failed", "done") if refresh else ("queued", "failed")

    def pending_page(self, after: int, limit: int, *, refresh: bool = False) -> tuple[int, list[Entry]]:
        """Up to ``limit`` pending URLs with an id above ``after``, in id order, and the last id read.

        ``+state`` keeps SQLite on the id (rowid) range rather than the state
        index, so paging through the whole table reads each row once.
        """
        states = self._pending_states(refresh)
        rows = self._db.execute(
            "SELECT id, url, state, attempts, depth, etag, last_modified FROM urls "
            f"WHERE id > ? AND +state IN ({','.join('?' * len(states))}) ORDER BY id LIMIT ?",
            (after, *states, limit),
        ).fetchall()
        last = int(rows[-1][0]) if rows else after
        if len(rows) < limit:
            # Nothing pending past ``last``: skip the final rows next time. They
            # cannot become pending without being handed out first.
            top = self._db.execute("SELECT MAX(id) FROM urls").fetchone()[0]
            last = max(last, int(top or 0))
        return last, [Entry(*row[1:]) for row in rows]

    def count_pending(self, *, refresh: bool = False) -> int:
        """How many URLs this run must fetch (see :meth:`pending`)."""
        states = self._pending_states(refresh)
        row = self._db.execute(
            f"SELECT COUNT(*) FROM urls WHERE state IN ({','.join('?' * len(states))})", states
        ).fetchone()
        return int(row[0])

    def record(
        self,
        url: str,
        *,
        state: State,
        attempts: int,
        status: int | None = None,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        final_url: str | None = None,
        warc: tuple[str, int] | None = None,
        discovered: Iterable[str] = (),
        depth: int = 0,
        limit: int | None = None,
    ) -> list[str]:
        """Store one attempt's result (and the WARC position and new links) in one transaction."""
        with self._transaction() as db:
            db.execute(
                "UPDATE urls SET state=?, attempts=?, status=?, error=?,"
                " etag=COALESCE(?, etag), last_modified=COALESCE(?, last_modified),"
                " final_url=COALESCE(?, final_url), updated=? WHERE url=?",
                (state, attempts, status, error, etag, last_modified, final_url, time.time(), url),
            )
            if warc is not None:
                self._set_warc(db, warc)
            return self._add(db, discovered, depth, limit)

    def set_warc_position(self, path: str, offset: int) -> None:
        """Record that ``offset`` bytes of the WARC at ``path`` are committed."""
        with self._transaction() as db:
            self._set_warc(db, (path, offset))

    @staticmethod
    def _set_warc(db: sqlite3.Connection, warc: tuple[str, int]) -> None:
        db.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('warc_path', ?), ('warc_offset', ?)",
            (warc[0], str(warc[1])),
        )

    def warc_position(self) -> tuple[str, int] | None:
        """The WARC path and committed byte count from the last run, if any."""
        rows = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if "warc_path" not in rows:
            return None
        return rows["warc_path"], int(rows["warc_offset"])

    def counts(self) -> dict[str, int]:
        """How many URLs are in each state."""
        rows = self._db.execute("SELECT state, COUNT(*) FROM urls GROUP BY state").fetchall()
        return {state: int(n) for state, n in rows}

    def snapshot(self) -> dict[str, tuple[str, int, int | None, str | None]]:
        """url -> (state, attempts, status, error) for every URL, for tests and reports."""
        rows = self._db.execute("SELECT url, state, attempts, status, error FROM urls")
        return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}

    def entry(self, url: str) -> tuple[str, int, int | None, str | None] | None:
        """(state, attempts, status, error) of one URL, for tests and reports."""
        row = self._db.execute("SELECT state, attempts, status, error FROM urls WHERE url=?", (url,)).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3])


def _acquire_lock(path: Path) -> IO[str]:
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise JobLocked(
            f"job directory {path.parent} is in use by pid {holder}; "
            "wait for that run to finish or use another --job-dir"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
