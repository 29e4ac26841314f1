"""The worker process: read a stretch of a source, run the per-document function, send results.

A worker reads its own input (the main process sends a :class:`~scraper.batch.tasks.Task`,
never page bytes), turns each document into its JSON line and counts, and sends
them back in batches: one message per half second or 512 KiB, not one per
document. Before each document it writes the document's number and the time into
a slot of shared memory (:class:`Guard`); that is how the main process enforces the
time limit and knows which document a dead worker was on, without a message per
document.

A worker is disposable. The pool kills it when a document runs past its time
limit, replaces it when it dies, and it exits by itself after a MemoryError (its
heap may be in pieces) or when the main process goes away.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
import time
from collections.abc import Iterator
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

from scraper.batch.outcome import (
    DocFunction,
    DocOutcome,
    reject_outcome,
    run_document,
    skipped_outcome,
)
from scraper.batch.plan import unit_key
from scraper.batch.summary import Tally
from scraper.batch.tasks import Cursor, Item, Task, source_key, walk
from scraper.sources import RawPage, SkippedInput

__all__ = ["EXIT_MEMORY", "NO_LIMIT", "Guard", "worker_main"]

EXIT_MEMORY = 3  # a worker that hit its memory cap exits with this code
NO_LIMIT = float("inf")
_PR_SET_PDEATHSIG = 1
BATCH_BYTES = 512 * 1024  # results are sent when this much is waiting...
BATCH_SECONDS = 0.5  # ...or this long after the first result waiting


class Guard:
    """A worker's slot of shared memory: ``[started, mark, limit]`` (C doubles).

    ``mark`` is ``2n`` while the worker reads item ``n``, ``2n + 1`` while it runs
    the per-document function on it, -1 while it waits; ``started`` is when that
    began (``time.monotonic``, the same clock in every process). The worker writes
    ``started`` before ``mark``, and the main process reads ``mark`` first, so a
    stale pair can only make a document look younger than it is, never older.
    ``limit`` is set by the main process to ask the worker to stop at an item (a
    split of its work); the worker answers with a message.
    """

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def reading(self, n: int) -> None:
        """Item ``n`` is being read."""
        self.slot[0] = time.monotonic()
        self.slot[1] = 2 * n

    def running(self, n: int) -> None:
        """Item ``n`` is in the per-document function."""
        self.slot[0] = time.monotonic()
        self.slot[1] = 2 * n + 1

    def idle(self) -> None:
        """Nothing under a time limit (waiting, hashing an input)."""
        self.slot[1] = -1.0

    def limit(self) -> float:
        """The item the main process asked this worker to stop at, or :data:`NO_LIMIT`."""
        return float(self.slot[2])


def _die_with_parent() -> None:
    """Ask Linux to kill us when our parent dies: a worker stuck in a parser
    never reads its pipe, so it would not notice a SIGKILLed main process."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _cap_memory(megabytes: int) -> None:
    """Cap the heap at what the worker uses now plus ``megabytes``.

    RLIMIT_DATA (Linux >= 4.7) counts heap and anonymous maps, not shared
    libraries, so the cap is about the document and not about what was imported.
    """
    if megabytes <= 0 or not hasattr(resource, "RLIMIT_DATA"):
        return
    used = 0
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmData:"):
                    used = int(line.split()[1]) * 1024
    except OSError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = used + megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


class _Batch:
    """Results waiting to be sent: JSON lines joined into bytes, and their counts."""

    def __init__(self, conn: Connection, task: Task) -> None:
        self.conn = conn
        self.task_id = task.task_id
        self.per_document = task.outcomes
        self._reset()

    def _reset(self) -> None:
        self.first = -1
        self.count = 0
        self.size = 0
        self.since = 0.0
        self.books: list[bytes] = []
        self.rejects: list[bytes] = []
        self.outcomes: list[DocOutcome] = []
        self.tally = Tally()

    def add(self, n: int, outcome: DocOutcome) -> None:
        if not self.count:
            self.first = n
            self.since = time.monotonic()
        self.count += 1
        self.size += len(outcome.line)
        if self.per_document:
            self.outcomes.append(outcome)
        else:
            self.tally.add(outcome)
            if outcome.kind == "book":
                self.books.append(outcome.line)
            elif outcome.kind == "reject":
                self.rejects.append(outcome.line)
        if self.size >= BATCH_BYTES or time.monotonic() - self.since >= BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if not self.count:
            return
        if self.per_document:
            self.conn.send(("outcomes", self.task_id, self.first, self.outcomes))
        else:
            self.conn.send(
                ("out", self.task_id, self.first, self.count, _join(self.books), _join(self.rejects), self.tally)
            )
        self._reset()


def _join(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n" if lines else b""


class _Reader:
    """The items of a task's walk, with the reading marks and reading verdicts applied."""

    def __init__(self, task: Task, guard: Guard, payloads: dict[str, int]) -> None:
        self.task = task
        self.guard = guard
        self.items: Iterator[tuple[Item, Cursor]] | None = walk(task.source, task.start, task.cursor, payloads)

    def next(self, n: int) -> tuple[Item, Cursor] | None:
        if self.items is None:
            return None
        verdict = self.task.verdicts.get(n)
        if verdict is not None and verdict.reading:
            # Reading this item killed or stalled a worker: the source ends here.
            self.items = None
            uri = getattr(self.task.source, "uri", "-")
            return SkippedInput(f"{uri}#item={n}", f"unreadable: {verdict.detail}"), None
        self.guard.reading(n)
        upcoming = next(self.items, None)
        if upcoming is None:
            self.items = None
        return upcoming


def run_task(
    conn: Connection, answers: Connection, function: DocFunction, task: Task, guard: Guard, memory_mb: int
) -> None:
    """Walk the task's stretch of its source, sending results, chunk ends and questions."""
    size = task.shard_docs
    task_id = task.task_id
    batch = _Batch(conn, task)
    key = task.key
    if task.ask and key is None:
        guard.idle()
        try:
            key = source_key(task.source, size)
        except Exception as exc:  # unreadable inputs are the reader's to report
            key = unit_key(repr(task.source)[:500], f"unhashable: {exc}", str(size))
    payloads = dict(task.payloads)
    reported = len(payloads)
    reader = _Reader(task, guard, payloads)
    n = task.start
    run_to = task.run_to
    granted, skipping = task.granted, -1
    seen_limit = NO_LIMIT
    upcoming = reader.next(n)
    while upcoming is not None:
        limit = guard.limit()
        if limit != seen_limit:
            seen_limit = limit
            if limit != NO_LIMIT:
                accepted = n <= limit
                if accepted:
                    run_to = int(limit) if run_to is None else min(run_to, int(limit))
                batch.flush()
                conn.send(("limit", task_id, limit, accepted))
        if run_to is not None and n >= run_to:
            batch.flush()
            conn.send(("done", task_id, n, "limit"))
            return
        chunk = n // size
        run = n >= task.run_from
        if run and chunk != granted and chunk != skipping:
            if task.ask:
                batch.flush()
                new = dict(islice(payloads.items(), reported, None))
                reported = len(payloads)
                guard.idle()
                conn.send(("ask", task_id, key, chunk, upcoming[1], new))
                answer = answers.recv()
                if answer == "stop":
                    conn.send(("done", task_id, n, "stop"))
                    return
                if answer == "skip":
                    skipping = chunk
                else:
                    granted = chunk
            else:
                granted = chunk
        if run and chunk == granted:
            batch.add(n, _outcome(conn, function, task, n, upcoming[0], guard, batch, memory_mb))
        n += 1
        upcoming = reader.next(n)
        if run and chunk == granted and (n % size == 0 or upcoming is None):
            batch.flush()
            conn.send(("end", task_id, chunk, n - chunk * size, upcoming is None))
    batch.flush()
    guard.idle()
    conn.send(("done", task_id, n, "eof"))


def _outcome(
    conn: Connection, function: DocFunction, task: Task, n: int, item: Item, guard: Guard, batch: _Batch, memory_mb: int
) -> DocOutcome:
    if isinstance(item, SkippedInput):
        return skipped_outcome(item)
    verdict = task.verdicts.get(n)
    if verdict is not None:
        if verdict.attempts:
            conn.send(("dead", task.task_id, item, verdict.attempts, verdict.last_exit))
        return reject_outcome(item, verdict.reason, verdict.detail)
    guard.running(n)
    try:
        return run_document(function, item)
    except MemoryError:
        batch.add(n, _memory_reject(item, memory_mb))
        batch.flush()
        os._exit(EXIT_MEMORY)


def _memory_reject(page: RawPage, memory_mb: int) -> DocOutcome:
    return reject_outcome(page, "parse_failed", f"exceeded the per-document memory cap of {memory_mb} MB")


def worker_main(tasks: Connection, results: Connection, function: DocFunction, memory_mb: int, slot: Any) -> None:
    """Run the tasks that arrive on ``tasks`` until it closes."""
    # Ctrl-C goes to the whole process group; the main process decides what an
    # interrupt means (finish in-flight work), so workers must not die of it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() == 1:  # the parent died before prctl took effect
        return
    _cap_memory(memory_mb)
    guard = Guard(slot)
    while True:
        guard.idle()
        try:
            task = tasks.recv()
        except (EOFError, OSError):
            return
        assert isinstance(task, Task)
        try:
            run_task(results, tasks, function, task, guard, memory_mb)
        except MemoryError:
            os._exit(EXIT_MEMORY)
        except (BrokenPipeError, EOFError):
            return
