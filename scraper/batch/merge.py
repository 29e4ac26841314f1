"""MERGE: the done shards of a job, in input order, into the final outputs.

The merged files are written atomically, so the ``-o`` file is either the
previous complete output or the new one, never a half-merged one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import orjson

from scraper.batch.config import OutputFormat
from scraper.batch.schema import arrow_schema
from scraper.batch.shards import atomic_writer, fsync_dir, read_lines, temp_path
from scraper.records import Book

__all__ = ["merge_shards"]

PARQUET_BATCH_ROWS = 1000
COPY_BLOCK = 1 << 20


def merge_shards(shards: Iterable[Path], output: Path | None, output_format: OutputFormat) -> int:
    """Concatenate JSONL shards into ``output`` (stdout when None); return the line count."""
    if output_format == "parquet":
        if output is None:
            raise ValueError("Parquet output needs a file (-o), not stdout")
        return _merge_parquet(shards, output)
    if output is None:
        count = _concatenate(shards, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return count
    with atomic_writer(output) as stream:
        return _concatenate(shards, stream)


def _concatenate(shards: Iterable[Path], stream: BinaryIO) -> int:
    """Copy shards (whole JSON lines each) into ``stream`` in blocks; return the line count."""
    count = 0
    for shard in shards:
        if not shard.exists():
            continue  # nothing was written for it: it holds no lines
        with open(shard, "rb") as source:
            while block := source.read(COPY_BLOCK):
                count += block.count(b"\n")
                stream.write(block)
    return count


def _merge_parquet(shards: Iterable[Path], output: Path) -> int:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    schema = arrow_schema(Book)
    temp = temp_path(output)
    count = 0
    rows: list[object] = []
    try:
        with pq.ParquetWriter(temp, schema) as writer:
            for shard in shards:
                for line in read_lines(shard):
                    rows.append(orjson.loads(line))
                    if len(rows) >= PARQUET_BATCH_ROWS:
                        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                        count += len(rows)
                        rows = []
            if rows or not count:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                count += len(rows)
        with open(temp, "rb+") as stream:
            os.fsync(stream.fileno())
        temp.replace(output)
        fsync_dir(output.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return count
