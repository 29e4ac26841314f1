"""BATCH: clean millions of pages from archives, in parallel, resumably, or on Spark.

    from scraper.batch import BatchConfig, run_local
    run_local(["crawl/"], output=Path("books.jsonl"), rejects=Path("rejects.jsonl"),
              job_dir=Path("job"), config=BatchConfig(workers=4))

The module tree follows the data: :mod:`~scraper.batch.plan` (inputs -> sources),
:mod:`~scraper.batch.tasks` (what a worker reads, from where),
:mod:`~scraper.batch.pool` and :mod:`~scraper.batch.worker` (workers read their
own sources and run each document guarded), :mod:`~scraper.batch.jobdir` and
:mod:`~scraper.batch.shards` (ledger, atomic shards), :mod:`~scraper.batch.merge`
and :mod:`~scraper.batch.summary` (outputs), :mod:`~scraper.batch.local` and
:mod:`~scraper.batch.spark` (the two engines), :mod:`~scraper.batch.cli`.
Nothing heavy is imported here: the Spark engine loads pyspark only when used.
"""

from __future__ import annotations

from scraper.batch.config import BatchConfig
from scraper.batch.errors import BatchError, EngineUnavailable, JobDirLocked
from scraper.batch.local import BatchResult, run_local

__all__ = [
    "BatchConfig",
    "BatchError",
    "BatchResult",
    "EngineUnavailable",
    "JobDirLocked",
    "run_local",
]
