"""The worker process: receive a page, run the per-document function, send the outcome.

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
from multiprocessing.connection import Connection

from scraper.batch.outcome import DocFunction, reject_outcome, run_document
from scraper.sources import RawPage

__all__ = ["EXIT_MEMORY", "worker_main"]

EXIT_MEMORY = 3  # a worker that hit its memory cap exits with this code
_PR_SET_PDEATHSIG = 1


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


def worker_main(conn: Connection, function: DocFunction, memory_mb: int) -> None:
    """Serve documents from ``conn`` until it closes."""
    # Ctrl-C goes to the whole process group; the main process decides what an
    # interrupt means (finish in-flight work), so workers must not die of it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() == 1:  # the parent died before prctl took effect
        return
    _cap_memory(memory_mb)
    while True:
        try:
            doc_id, page = conn.recv()
        except (EOFError, OSError):
            return
        assert isinstance(page, RawPage)
        try:
            outcome = run_document(function, page)
        except MemoryError:
            outcome = reject_outcome(
                page, "parse_failed", f"exceeded the per-document memory cap of {memory_mb} MB"
            )
            conn.send((doc_id, outcome))
            os._exit(EXIT_MEMORY)
        conn.send((doc_id, outcome))
