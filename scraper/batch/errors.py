"""Errors a batch run reports to the user as one line (never a traceback).

BatchError            something the user can fix: the message says what
├── JobDirLocked      another run holds the job dir
└── EngineUnavailable the Spark engine or Parquet output lacks its extra
"""

from __future__ import annotations

__all__ = ["BatchError", "EngineUnavailable", "JobDirLocked"]


class BatchError(Exception):
    """A batch run cannot go on; the message tells the user what to change."""


class JobDirLocked(BatchError):
    """Another run is using the job dir (two runs would write the same shards)."""


class EngineUnavailable(BatchError):
    """An optional engine or format was asked for but its extra is not installed."""
