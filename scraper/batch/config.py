"""Settings of a batch run: one frozen object, passed in, never global."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DEFAULT_DOC_MEMORY_MB",
    "DEFAULT_DOC_TIMEOUT",
    "DEFAULT_SHARD_DOCS",
    "BatchConfig",
    "OutputFormat",
    "default_workers",
]

OutputFormat = Literal["jsonl", "parquet"]

# A catalog page parses in milliseconds; 60 s means the parser is stuck, and
# waiting longer only holds a core hostage.
DEFAULT_DOC_TIMEOUT = 60.0
# Generous for a 64 MiB page (the largest the readers pass on) parsed into a DOM.
DEFAULT_DOC_MEMORY_MB = 2048
# Documents per shard: the work an interruption can lose, and the number of
# files a job dir holds (about 1 per 1000 documents).
DEFAULT_SHARD_DOCS = 1000


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """How a batch run divides and guards its work.

    ``doc_memory_mb=0`` and ``doc_timeout=0`` switch those limits off.
    """

    workers: int = 0  # 0: one per core
    doc_timeout: float = DEFAULT_DOC_TIMEOUT
    doc_memory_mb: int = DEFAULT_DOC_MEMORY_MB
    shard_docs: int = DEFAULT_SHARD_DOCS
    output_format: OutputFormat = "jsonl"
    # A worker that dies on a document gets one more try on a fresh worker: the
    # first death may be the OOM killer picking on the wrong process.
    crash_attempts: int = 2
    progress: Literal["auto", "bar", "lines", "off"] = "auto"
    log_every: float = 10.0  # seconds between plain progress lines

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ValueError("workers must be 0 (one per core) or more")
        if self.shard_docs < 1:
            raise ValueError("shard_docs must be at least 1")
        if self.doc_timeout < 0 or self.doc_memory_mb < 0:
            raise ValueError("doc_timeout and doc_memory_mb must be 0 (off) or more")

    @property
    def worker_count(self) -> int:
        """The number of worker processes to start."""
        return self.workers or default_workers()
