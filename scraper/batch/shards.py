"""Atomic files: a shard or an output is either whole on disk or not there at all.

Write to a temp name in the same folder, fsync, rename over the final name,
fsync the folder. A run killed at any instant leaves at worst a temp file,
which the next run (holding the job lock) deletes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["TEMP_SUFFIX", "atomic_writer", "fsync_dir", "read_lines", "write_blobs", "write_lines"]

TEMP_SUFFIX = ".partial"


def temp_path(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place (a fixed name, so the
    next run finds and removes what a killed run left)."""
    return path.with_name(f".{path.name}{TEMP_SUFFIX}")


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Yield a file to write; on a clean exit it replaces ``path`` atomically."""
    temp = temp_path(path)
    try:
        with open(temp, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_lines(path: Path, lines: Iterable[bytes]) -> None:
    """Write JSON lines (given without newlines) atomically."""
    with atomic_writer(path) as stream:
        for line in lines:
            stream.write(line)
            stream.write(b"\n")


def write_blobs(path: Path, blobs: Iterable[bytes]) -> None:
    """Write runs of JSON lines (each blob ends with a newline, or is empty) atomically."""
    with atomic_writer(path) as stream:
        for blob in blobs:
            stream.write(blob)


def read_lines(path: Path) -> Iterator[bytes]:
    """The lines of a shard, without newlines; nothing when the shard does not exist."""
    if not path.exists():
        return
    with open(path, "rb") as stream:
        for line in stream:
            yield line.rstrip(b"\n")
