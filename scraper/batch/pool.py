"""A process pool that survives its documents: time limits, crashes, memory caps.

``concurrent.futures`` cannot do this: a dead worker breaks the whole executor
and a hung task cannot be cancelled. Here each worker has its own pipes and a
slot of shared memory saying which document it is on and since when, so the pool
knows, without a message per document, when a document has run past its time
limit and which document a dead worker was on; it kills or replaces the worker
and gives the rest of the work to a fresh one.

    submit(source) -> Task -> worker reads the source itself, runs its documents
        -> "ask" before each chunk (run / skip: in the ledger / stop)
        -> "out" batches of JSON lines and counts, "end" of each chunk
    a document past doc_timeout      -> the worker is killed; parse_timeout reject
    a worker that dies on a document -> retried on a fresh worker; at the last
                                        attempt worker_crashed and a dead letter

A worker idle while another is mid-way through a source takes over the rest of
that source (a *split*): the busy worker is asked, through its slot, to stop at
an item, and once it agrees the idle one starts there from the chunk's cursor.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import multiprocessing
import signal
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Literal, Protocol

from scraper.archives import WarcCursor
from scraper.batch.outcome import DocFunction, DocOutcome, LazyFunction
from scraper.batch.summary import Tally
from scraper.batch.tasks import (
    Cursor,
    PageSource,
    SourceSpec,
    Task,
    Verdict,
    seekable,
)
from scraper.batch.worker import EXIT_MEMORY, NO_LIMIT, worker_main
from scraper.sources import RawPage

__all__ = ["DeadLetter", "DocPool", "Family", "PoolHandler", "TaskPool"]

Answer = Literal["run", "skip", "stop"]
PIPE_BYTES = 1 << 20  # a worker can send two batches while the main process is busy (fsync)
SPLIT_POLL = 0.05  # how often an idle worker looks for work to take over


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A document that killed its worker on every attempt."""

    page: RawPage
    attempts: int
    last_exit: str


@dataclass(eq=False)
class Family:
    """One source and everything learnt about it while its tasks run."""

    family_id: int
    source: SourceSpec
    shard_docs: int
    ask: bool
    outcomes: bool
    context: Any
    key: str | None = None
    cursors: dict[int, Cursor] = field(default_factory=lambda: {0: None})  # chunk -> its start
    payloads: dict[str, int] = field(default_factory=dict)  # WARC revisit state, all read so far
    end: int | None = None  # the number of items, once a walk reached the end
    attempts: Counter[int] = field(default_factory=Counter)  # item -> workers it killed
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    live: int = 0  # tasks queued or running


class PoolHandler(Protocol):
    """What the engine using a :class:`TaskPool` is told, and asked."""

    def chunk_request(self, family: Family, chunk: int) -> Answer: ...

    def output(self, family: Family, first: int, count: int, books: bytes, rejects: bytes, tally: Tally) -> None: ...

    def outcomes(self, family: Family, first: int, outcomes: list[DocOutcome]) -> None: ...

    def chunk_end(self, family: Family, chunk: int, size: int, last: bool) -> None: ...

    def dead_letter(self, letter: DeadLetter) -> None: ...

    def family_done(self, family: Family) -> None: ...


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code == EXIT_MEMORY:
        return "exceeded the per-document memory cap"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclass(eq=False)
class _Running:
    """A task on a worker, as the main process follows it."""

    task: Task
    family: Family
    next_run: int  # the first item to run whose result has not arrived
    chunk: int  # the chunk it was last allowed to run
    run_to: int | None
    pending_limit: float = NO_LIMIT  # a stop asked for through the slot, not yet answered
    stealer: Task | None = None  # the task that takes over once the stop is agreed


class _Worker:
    def __init__(self, process: BaseProcess, tasks: Connection, results: Connection, slot: Any) -> None:
        self.process = process
        self.tasks = tasks
        self.results = results
        self.slot = slot
        self.running: _Running | None = None

    def mark(self) -> tuple[int, bool, float]:
        """(item, running?, since): what the worker is on; item -1 when it waits."""
        mark = self.slot[1]  # read before the time (the worker writes them the other way round)
        since = self.slot[0]
        if mark < 0:
            return -1, False, since
        return int(mark) // 2, int(mark) % 2 == 1, since


def _grow_pipe(conn: Connection) -> None:
    """Let a worker's results wait in the pipe while the main process is busy."""
    # Not on Linux, or over /proc/sys/fs/pipe-max-size: the default size works too.
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def state_at(payloads: dict[str, int], cursor: Cursor) -> dict[str, int]:
    """The revisit state of a WARC walk at ``cursor``: the pages read before it.

    >>> state_at({"a": 0, "b": 500, "c": 900}, WarcCursor(500))
    {'a': 0}
    """
    if not isinstance(cursor, WarcCursor):
        return {}
    offset, inside = cursor.offset, cursor.skip > 0
    return {d: o for d, o in payloads.items() if o < offset or (inside and o == offset)}


class TaskPool:
    """Worker processes running one per-document function over sources, guarded per document."""

    def __init__(
        self,
        function: DocFunction,
        *,
        workers: int,
        doc_timeout: float,
        doc_memory_mb: int,
        handler: PoolHandler,
        crash_attempts: int = 2,
    ) -> None:
        # forkserver: workers fork from a clean server process, not from us
        # (we may hold threads, a progress bar and big buffers), yet start in
        # milliseconds, which matters when hangs and crashes make us replace them.
        self._ctx = multiprocessing.get_context("forkserver")
        # Imported once in the fork server, the per-document function's module
        # (the whole pipeline) is shared by every worker forked from it, and a
        # worker replacing a killed one starts without importing anything.
        module = function.module if isinstance(function, LazyFunction) else function.__module__
        self._ctx.set_forkserver_preload([module, "scraper.batch.worker"])
        self._function = function
        self._timeout = doc_timeout
        self._memory_mb = doc_memory_mb
        self._crash_attempts = max(1, crash_attempts)
        self._handler = handler
        self._queue: deque[tuple[Task, Family]] = deque()
        self._ids = itertools.count()
        self._workers = [self._start() for _ in range(max(1, workers))]
        self.replaced = 0  # workers started to replace dead or killed ones

    # --- workers ------------------------------------------------------------------------

    def _start(self) -> _Worker:
        task_r, task_w = self._ctx.Pipe(duplex=False)
        result_r, result_w = self._ctx.Pipe(duplex=False)
        _grow_pipe(result_w)
        slot = self._ctx.RawArray("d", 3)
        slot[1], slot[2] = -1.0, NO_LIMIT
        process = self._ctx.Process(
            target=worker_main,
            args=(task_r, result_w, self._function, self._memory_mb, slot),
            daemon=True,
        )
        process.start()
        task_r.close()
        result_w.close()
        return _Worker(process, task_w, result_r, slot)

    def _replace(self, worker: _Worker) -> None:
        worker.tasks.close()
        worker.results.close()
        worker.process.join(timeout=5)
        index = self._workers.index(worker)
        self._workers[index] = self._start()
        self.replaced += 1

    @property
    def size(self) -> int:
        """The number of workers."""
        return len(self._workers)

    def free(self) -> int:
        """Workers that would be idle once the queued tasks are handed out."""
        idle = sum(w.running is None for w in self._workers)
        pending = sum(w.running is not None and w.running.pending_limit != NO_LIMIT for w in self._workers)
        return idle - len(self._queue) - pending

    def busy(self) -> bool:
        """True while any task is queued or running."""
        return bool(self._queue) or any(w.running is not None for w in self._workers)

    # --- work in --------------------------------------------------------------------------

    def submit(
        self, source: SourceSpec, *, shard_docs: int, ask: bool = True, outcomes: bool = False, context: Any = None
    ) -> Family:
        """Queue a whole source. With ``ask``, the worker asks before each chunk."""
        family = Family(next(self._ids), source, shard_docs, ask, outcomes, context)
        task = Task(next(self._ids), source, shard_docs, ask=ask, outcomes=outcomes)
        self._enqueue(task, family)
        return family

    def _enqueue(self, task: Task, family: Family, *, front: bool = False) -> None:
        family.live += 1
        if front:
            self._queue.appendleft((task, family))
        else:
            self._queue.append((task, family))
        self._dispatch()

    def _dispatch(self) -> None:
        for worker in self._workers:
            if not self._queue:
                return
            if worker.running is None:
                task, family = self._queue.popleft()
                worker.slot[1], worker.slot[2] = -1.0, NO_LIMIT
                try:
                    worker.tasks.send(task)
                except (OSError, ValueError):  # died while idle: the sentinel will tell
                    self._queue.appendleft((task, family))
                    continue
                worker.running = _Running(task, family, task.run_from, task.granted, task.run_to)

    # --- the loop -------------------------------------------------------------------------

    def step(self, timeout: float, *, may_split: bool = False) -> None:
        """Wait up to ``timeout`` seconds for results and handle them; enforce time limits.

        With ``may_split``, idle workers take over part of a busy worker's source.
        """
        self._dispatch()
        looking = False
        if may_split:
            free = self.free()
            while free > 0 and self._split():
                free -= 1
            looking = free > 0 and self.busy()
        now = time.monotonic()
        wait_for = min(timeout, SPLIT_POLL) if looking else timeout
        if self._timeout:
            for worker in self._workers:
                item, _, since = worker.mark()
                if worker.running is not None and item >= 0:
                    wait_for = min(wait_for, since + self._timeout - now)
        handles: dict[object, _Worker] = {}
        for worker in self._workers:
            handles[worker.results] = worker
            handles[worker.process.sentinel] = worker
        ready = wait(list(handles), timeout=max(0.0, wait_for))  # type: ignore[arg-type]
        dead: list[_Worker] = []
        for handle in ready:
            worker = handles[handle]
            if worker in dead:
                continue
            if handle is not worker.results or not self._drain(worker):
                dead.append(worker)
        for worker in dead:
            self._lost(worker)
        self._expire()
        self._dispatch()

    def _drain(self, worker: _Worker) -> bool:
        """Handle every message waiting from the worker; False when its pipe is closed."""
        try:
            while True:
                message = worker.results.recv()
                self._handle(worker, message)
                if worker.running is None or not worker.results.poll():
                    return True
        except (EOFError, OSError):
            return False

    def _handle(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        running = worker.running
        if running is None or running.task.task_id != message[1]:
            return
        kind = message[0]
        family = running.family
        if kind == "out":
            _, _, first, count, books, rejects, tally = message
            running.next_run = first + count
            self._handler.output(family, first, count, books, rejects, tally)
        elif kind == "outcomes":
            _, _, first, outcomes = message
            running.next_run = first + len(outcomes)
            self._handler.outcomes(family, first, outcomes)
        elif kind == "ask":
            _, _, key, chunk, cursor, payloads = message
            family.key = family.key or key
            family.cursors.setdefault(chunk, cursor)
            for digest, offset in payloads.items():
                family.payloads.setdefault(digest, offset)
            if running.run_to is not None and chunk * family.shard_docs >= running.run_to:
                answer: Answer = "stop"
            else:
                answer = self._handler.chunk_request(family, chunk)
            if answer == "run":
                running.chunk = chunk
            worker.tasks.send(answer)
        elif kind == "end":
            _, _, chunk, size, last = message
            if last:
                family.end = chunk * family.shard_docs + size
            self._handler.chunk_end(family, chunk, size, last)
        elif kind == "limit":
            _, _, limit, accepted = message
            if limit == running.pending_limit:
                worker.slot[2] = NO_LIMIT
                running.pending_limit = NO_LIMIT
                stealer, running.stealer = running.stealer, None
                if accepted and stealer is not None:
                    running.run_to = int(limit) if running.run_to is None else min(running.run_to, int(limit))
                    self._enqueue(stealer, family, front=True)
        elif kind == "dead":
            _, _, page, attempts, last_exit = message
            self._handler.dead_letter(DeadLetter(page, attempts, last_exit))
        elif kind == "done":
            _, _, n, how = message
            if how == "eof" and family.end is None:
                family.end = n
            worker.running = None
            self._finish(family)

    def _finish(self, family: Family) -> None:
        family.live -= 1
        if family.live == 0:
            self._handler.family_done(family)

    # --- deaths and time limits ---------------------------------------------------------

    def _expire(self) -> None:
        if not self._timeout:
            return
        now = time.monotonic()
        for worker in list(self._workers):
            item, running_doc, since = worker.mark()
            if worker.running is not None and item >= 0 and now - since >= self._timeout:
                worker.process.kill()
                worker.process.join(timeout=5)
                self._lost(worker, timed_out=(item, running_doc))

    def _lost(self, worker: _Worker, *, timed_out: tuple[int, bool] | None = None) -> None:
        """A worker died or was killed (``timed_out``: on that item, reading or running it):
        account for its document and continue its task on a fresh worker."""
        # A worker at its memory cap sends its reject and exits at once; its
        # last results may still be in the pipe.
        try:
            while worker.running is not None and worker.results.poll():
                self._handle(worker, worker.results.recv())
        except (EOFError, OSError):
            pass
        worker.process.join(timeout=5)
        item, running_doc, _ = worker.mark()
        how = _describe_exit(worker.process.exitcode)
        running = worker.running
        worker.running = None
        self._replace(worker)
        if running is None:
            return
        family = running.family
        if item < 0:  # died waiting or hashing: count it against the next item
            item, running_doc = max(running.next_run, running.task.run_from), False
        if timed_out is not None and timed_out != (item, running_doc):
            pass  # it moved on between the look at its clock and the kill: nobody's fault
        elif not (running_doc and item < running.next_run):
            self._judge(family, item, running_doc, how, timed_out is not None)
        follow = self._continuation(running)
        family.live -= 1
        if follow is not None:
            self._enqueue(follow, family, front=True)
        elif family.live == 0:
            self._handler.family_done(family)

    def _judge(self, family: Family, item: int, running_doc: bool, how: str, timed_out: bool) -> None:
        if timed_out:
            if running_doc:
                detail = f"no answer within {self._timeout:g} s; the worker was killed"
                family.verdicts[item] = Verdict("parse_timeout", detail)
            else:
                family.verdicts[item] = Verdict(
                    "unreadable", f"reading took over {self._timeout:g} s; the rest is skipped", reading=True
                )
            return
        family.attempts[item] += 1
        attempts = family.attempts[item]
        if attempts < self._crash_attempts:
            return
        if running_doc:
            detail = f"the worker died on this document {attempts} times (last: {how})"
            family.verdicts[item] = Verdict("worker_crashed", detail, attempts=attempts, last_exit=how)
        else:
            detail = f"reading it killed the worker {attempts} times (last: {how}); the rest is skipped"
            family.verdicts[item] = Verdict("unreadable", detail, reading=True)

    def _continuation(self, running: _Running) -> Task | None:
        """The rest of a task whose worker died, for a fresh worker."""
        family = running.family
        first = max(running.next_run, running.task.run_from)
        if running.run_to is not None and first >= running.run_to:
            return None
        if family.end is not None and first >= family.end:
            return None
        chunk = first // family.shard_docs
        granted = running.chunk if running.chunk == chunk else -1
        return self._task_from(family, first, running.run_to, granted)

    def _task_from(self, family: Family, run_from: int, run_to: int | None, granted: int) -> Task:
        """A task for a family that reads from the nearest known cursor before ``run_from``."""
        size = family.shard_docs
        cursor: Cursor
        if seekable(family.source):
            start, cursor = run_from, run_from
        else:
            chunk = run_from // size
            while chunk > 0 and family.cursors.get(chunk) is None:
                chunk -= 1
            start, cursor = chunk * size, family.cursors.get(chunk)
        return Task(
            next(self._ids),
            family.source,
            size,
            key=family.key,
            start=start,
            cursor=cursor,
            payloads=state_at(family.payloads, cursor),
            run_from=run_from,
            run_to=run_to,
            granted=granted,
            verdicts=dict(family.verdicts),
            ask=family.ask,
            outcomes=family.outcomes,
        )

    # --- splits ---------------------------------------------------------------------------

    def _split(self) -> bool:
        """Ask a busy worker to leave part of its source to an idle one; True when asked."""
        best: tuple[int, _Worker, int, int] | None = None  # (score, worker, limit, granted)
        for worker in self._workers:
            running = worker.running
            item, _, _ = worker.mark()
            if running is None or running.pending_limit != NO_LIMIT or item < 0:
                continue
            family = running.family
            size = family.shard_docs
            chunk = running.chunk
            if (
                isinstance(family.source, PageSource)
                or chunk < 0
                or item // size != chunk
                or item < running.task.run_from
            ):
                continue  # not running its own stretch yet (still reading up to it)
            if not seekable(family.source) and chunk and family.cursors.get(chunk) is None:
                continue  # only readable from the start: too dear to read twice
            chunk_end = (chunk + 1) * size
            ends = [x for x in (chunk_end, family.end, running.run_to) if x is not None]
            end = min(ends)
            if end == chunk_end and family.end is None and (running.run_to is None or running.run_to > chunk_end):
                # The source may go on: take the chunks after this one.
                candidate = (size * 2, worker, chunk_end, -1)
            else:
                remaining = end - item - 1
                if remaining < 1:
                    continue
                candidate = (remaining, worker, end - (remaining + 1) // 2, chunk)
            if best is None or candidate[0] > best[0]:
                best = candidate
        if best is None:
            return False
        _, worker, limit, granted = best
        running = worker.running
        assert running is not None
        family = running.family
        start_chunk = (limit - 1) // family.shard_docs if granted < 0 else granted
        stealer = self._task_from(family, limit, running.run_to, granted)
        if not seekable(family.source) and stealer.start > start_chunk * family.shard_docs:
            return False
        running.stealer = stealer
        running.pending_limit = float(limit)
        worker.slot[2] = float(limit)
        return True

    def close(self) -> None:
        """Stop every worker (idle ones exit on EOF; busy ones are killed)."""
        for worker in self._workers:
            worker.tasks.close()
        deadline = time.monotonic() + 2
        for worker in self._workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.results.close()
        self._workers = []

    def __enter__(self) -> TaskPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DocPool:
    """One document at a time per worker, as (id, page) -> (id, DocOutcome).

    The per-document face of :class:`TaskPool` (same guards), for callers that
    hold pages rather than sources.
    """

    def __init__(
        self,
        function: DocFunction,
        *,
        workers: int,
        doc_timeout: float,
        doc_memory_mb: int,
        crash_attempts: int = 2,
        on_dead_letter: Callable[[DeadLetter], None] | None = None,
    ) -> None:
        self._on_dead_letter = on_dead_letter
        self._done: list[tuple[int, DocOutcome]] = []
        self._pool = TaskPool(
            function,
            workers=workers,
            doc_timeout=doc_timeout,
            doc_memory_mb=doc_memory_mb,
            crash_attempts=crash_attempts,
            handler=self,
        )

    @property
    def replaced(self) -> int:
        """Workers started to replace dead or killed ones."""
        return self._pool.replaced

    @property
    def size(self) -> int:
        """The number of workers."""
        return self._pool.size

    def wants_more(self) -> bool:
        """True while the queue is short enough that every worker will have work."""
        return self._pool.free() > -self._pool.size

    def busy(self) -> bool:
        """True while any document is queued or running."""
        return self._pool.busy()

    def put(self, doc_id: int, page: RawPage) -> None:
        """Queue a document; its outcome comes back from :meth:`poll`."""
        self._pool.submit(PageSource(page), shard_docs=1, ask=False, outcomes=True, context=doc_id)

    def poll(self, timeout: float) -> list[tuple[int, DocOutcome]]:
        """Wait up to ``timeout`` seconds; return the outcomes that arrived."""
        self._pool.step(timeout)
        done, self._done = self._done, []
        return done

    # PoolHandler
    def chunk_request(self, family: Family, chunk: int) -> Answer:
        return "run"

    def output(self, family: Family, first: int, count: int, books: bytes, rejects: bytes, tally: Tally) -> None:
        raise AssertionError("DocPool tasks send outcomes")

    def outcomes(self, family: Family, first: int, outcomes: list[DocOutcome]) -> None:
        self._done.extend((family.context, outcome) for outcome in outcomes)

    def chunk_end(self, family: Family, chunk: int, size: int, last: bool) -> None:
        pass

    def dead_letter(self, letter: DeadLetter) -> None:
        if self._on_dead_letter is not None:
            self._on_dead_letter(letter)

    def family_done(self, family: Family) -> None:
        pass

    def close(self) -> None:
        """Stop every worker."""
        self._pool.close()

    def __enter__(self) -> DocPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
