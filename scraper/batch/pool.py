"""A process pool that survives its documents: time limits, crashes, memory caps.

``concurrent.futures`` cannot do this: a dead worker breaks the whole executor
and a hung task cannot be cancelled. Here each worker has its own pipe and one
document at a time, so the pool always knows which document a worker was on
when it hung or died, kills it, and starts a fresh one.

    put(doc_id, page) -> [queue] -> idle worker -> poll() -> (doc_id, DocOutcome)
                                        | hangs past doc_timeout -> parse_timeout
                                        | dies -> retried, then worker_crashed + dead letter
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from scraper.batch.outcome import DocFunction, DocOutcome, reject_outcome
from scraper.batch.worker import EXIT_MEMORY, worker_main
from scraper.sources import RawPage

__all__ = ["DeadLetter", "DocPool"]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A document that killed its worker on every attempt."""

    page: RawPage
    attempts: int
    last_exit: str


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.doc: tuple[int, RawPage] | None = None
        self.deadline = 0.0


class DocPool:
    """Worker processes running one per-document function, guarded per document."""

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
        # forkserver: workers fork from a clean server process, not from us
        # (we may hold threads, a progress bar and big buffers), yet start in
        # milliseconds, which matters when hangs and crashes make us replace them.
        self._ctx = multiprocessing.get_context("forkserver")
        # Imported once in the fork server, the per-document function's module
        # (the whole pipeline) is shared by every worker forked from it, and a
        # worker replacing a killed one starts without importing anything.
        self._ctx.set_forkserver_preload([function.__module__])
        self._function = function
        self._timeout = doc_timeout
        self._memory_mb = doc_memory_mb
        self._crash_attempts = max(1, crash_attempts)
        self._on_dead_letter = on_dead_letter
        self._queue: deque[tuple[int, RawPage]] = deque()
        self._attempts: dict[int, int] = {}
        self._workers = [self._start() for _ in range(max(1, workers))]
        self.replaced = 0  # workers started to replace dead or killed ones

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main, args=(child, self._function, self._memory_mb), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _replace(self, worker: _Worker) -> None:
        worker.conn.close()
        worker.process.join(timeout=5)
        index = self._workers.index(worker)
        self._workers[index] = self._start()
        self.replaced += 1

    @property
    def size(self) -> int:
        """The number of workers."""
        return len(self._workers)

    def wants_more(self) -> bool:
        """True while the queue is short enough that every worker will have work."""
        return len(self._queue) < len(self._workers)

    def busy(self) -> bool:
        """True while any document is queued or running."""
        return bool(self._queue) or any(w.doc is not None for w in self._workers)

    def put(self, doc_id: int, page: RawPage) -> None:
        """Queue a document; its outcome comes back from :meth:`poll`."""
        self._queue.append((doc_id, page))
        self._dispatch()

    def _dispatch(self) -> None:
        for worker in self._workers:
            if not self._queue:
                return
            if worker.doc is None:
                doc = self._queue.popleft()
                try:
                    worker.conn.send(doc)
                except (OSError, ValueError):  # died while idle: the sentinel will tell
                    self._queue.appendleft(doc)
                    continue
                worker.doc = doc
                worker.deadline = time.monotonic() + self._timeout if self._timeout else 0.0

    def poll(self, timeout: float) -> list[tuple[int, DocOutcome]]:
        """Wait up to ``timeout`` seconds; return the outcomes that arrived."""
        self._dispatch()
        now = time.monotonic()
        deadlines = [w.deadline for w in self._workers if w.doc is not None and w.deadline]
        wait_for = max(0.0, min([timeout, *(d - now for d in deadlines)]))
        handles: dict[object, _Worker] = {}
        for worker in self._workers:
            handles[worker.conn] = worker
            handles[worker.process.sentinel] = worker
        ready = wait(list(handles), timeout=wait_for)  # type: ignore[arg-type]
        done: list[tuple[int, DocOutcome]] = []
        dead: list[_Worker] = []
        for handle in ready:
            worker = handles[handle]
            if worker in dead:
                continue
            if handle is not worker.conn or not self._receive(worker, done):
                dead.append(worker)
        for worker in dead:
            # A worker at its memory cap sends its reject and exits at once;
            # both may be ready in the same wait.
            while worker.conn.poll() and self._receive(worker, done):
                pass
            worker.process.join(timeout=5)
            if worker.doc is not None:
                crashed = self._crashed(worker)
                if crashed is not None:
                    done.append(crashed)
            self._replace(worker)
        done.extend(self._expire())
        self._dispatch()
        return done

    def _receive(self, worker: _Worker, done: list[tuple[int, DocOutcome]]) -> bool:
        """Take one message from the worker; False when its pipe is closed."""
        try:
            doc_id, outcome = worker.conn.recv()
        except (EOFError, OSError):
            return False
        if worker.doc is not None and worker.doc[0] == doc_id:
            self._attempts.pop(doc_id, None)
            worker.doc = None
            done.append((doc_id, outcome))
        return True

    def _crashed(self, worker: _Worker) -> tuple[int, DocOutcome] | None:
        assert worker.doc is not None
        doc_id, page = worker.doc
        worker.doc = None
        attempts = self._attempts.get(doc_id, 0) + 1
        how = _describe_exit(worker.process.exitcode)
        if worker.process.exitcode == EXIT_MEMORY:
            how = "exceeded the per-document memory cap"
        if attempts < self._crash_attempts:
            self._attempts[doc_id] = attempts
            self._queue.appendleft((doc_id, page))
            return None
        self._attempts.pop(doc_id, None)
        if self._on_dead_letter is not None:
            self._on_dead_letter(DeadLetter(page, attempts, how))
        detail = f"the worker died on this document {attempts} times (last: {how})"
        return doc_id, reject_outcome(page, "worker_crashed", detail)

    def _expire(self) -> list[tuple[int, DocOutcome]]:
        now = time.monotonic()
        expired = []
        for worker in list(self._workers):
            if worker.doc is not None and worker.deadline and now >= worker.deadline:
                doc_id, page = worker.doc
                worker.doc = None
                self._attempts.pop(doc_id, None)
                worker.process.kill()
                self._replace(worker)
                detail = f"no answer within {self._timeout:g} s; the worker was killed"
                expired.append((doc_id, reject_outcome(page, "parse_timeout", detail)))
        return expired

    def close(self) -> None:
        """Stop every worker (idle ones exit on EOF; busy ones are killed)."""
        for worker in self._workers:
            worker.conn.close()
        deadline = time.monotonic() + 2
        for worker in self._workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._workers = []

    def __enter__(self) -> DocPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
