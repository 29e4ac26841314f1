"""SPARK ENGINE: the same per-document function, over a cluster, with ``mapPartitions``.

From the command line::

    catalog-scraper clean --engine spark --master local[4] INPUT... -o OUT_DIR

writes ``OUT_DIR/books/`` (JSON lines, or Parquet with ``--format parquet``),
``OUT_DIR/rejects/`` (JSON lines) and ``OUT_DIR/summary.json``.

From your own Spark job::

    from scraper.batch.spark import clean_rdd, books_dataframe
    outcomes = clean_rdd(spark, ["s3-mounted/crawl/*.warc.gz"])   # RDD of (kind, json)
    books_dataframe(spark, outcomes).write.parquet("books/")

Each input file (or group of loose pages) is one partition. Inside a task the
documents run in one worker process with the local engine's guards (time limit,
memory cap, crash isolation), so a parser hang or crash costs one document, not
the task; the worker reads the partition's input itself and sends its results
back in batches. Input paths must be readable from every executor (a shared or mounted
filesystem); the archive readers read local paths.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

import scraper.archives  # noqa: F401  # registers the archive readers
from scraper.batch.config import BatchConfig
from scraper.batch.errors import EngineUnavailable
from scraper.batch.outcome import CLEAN_PAGE, DocFunction, DocOutcome
from scraper.batch.plan import InputFile, expand_inputs, group_sources
from scraper.batch.pool import Answer, DeadLetter, Family, TaskPool
from scraper.batch.schema import spark_schema
from scraper.batch.shards import atomic_writer
from scraper.batch.summary import Tally, build_summary
from scraper.batch.tasks import ArchiveSource, GroupSource, SourceSpec
from scraper.records import Book
from scraper.sources import SkippedInput

__all__ = ["books_dataframe", "clean_partition", "clean_rdd", "run_spark", "spark_session"]

DEFAULT_BATCH_CONFIG = BatchConfig()

# A work item shipped to an executor: ("archive", path) or ("pages", [(kind, uri, text)...]).
Task = tuple[str, Any]


def _tasks(inputs: Sequence[str], shard_docs: int) -> list[Task]:
    tasks: list[Task] = []
    for source in group_sources(expand_inputs(inputs, stdin=b""), shard_docs):
        if isinstance(source, InputFile):
            tasks.append(("archive", str(source.path)))
            continue
        entries = []
        for entry in source.entries:
            if isinstance(entry, InputFile):
                entries.append(("file", entry.uri, str(entry.path)))
            elif isinstance(entry, SkippedInput):
                entries.append(("skipped", entry.uri, entry.reason))
        tasks.append(("pages", entries))
    return tasks


def _source(task: Task) -> SourceSpec:
    kind, payload = task
    if kind == "archive":
        return ArchiveSource(Path(payload), payload)
    entries: list[InputFile | SkippedInput] = []
    for entry_kind, uri, value in payload:
        if entry_kind == "skipped":
            entries.append(SkippedInput(uri, value))
        else:
            entries.append(InputFile(Path(value), 0))
    return GroupSource(tuple(entries))


class _Rows:
    """Collects a partition's rows as the worker's batches arrive."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str]] = []
        self.tally = Tally()

    def take(self) -> list[tuple[str, str]]:
        rows, self.rows = self.rows, []
        return rows

    def chunk_request(self, family: Family, chunk: int) -> Answer:
        return "run"

    def output(self, family: Family, first: int, count: int, books: bytes, rejects: bytes, tally: Tally) -> None:
        self.tally.merge(tally)
        self.rows += [("book", line.decode()) for line in books.splitlines()]
        self.rows += [("reject", line.decode()) for line in rejects.splitlines()]

    def outcomes(self, family: Family, first: int, outcomes: list[DocOutcome]) -> None:
        raise AssertionError("partition tasks send batches")

    def chunk_end(self, family: Family, chunk: int, size: int, last: bool) -> None:
        pass

    def dead_letter(self, letter: DeadLetter) -> None:
        pass  # no job dir: the worker_crashed reject is the record of it

    def family_done(self, family: Family) -> None:
        pass


def clean_partition(
    tasks: Iterable[Task],
    doc_function: DocFunction | None = None,
    config: BatchConfig = DEFAULT_BATCH_CONFIG,
) -> Iterator[tuple[str, str]]:
    """For ``rdd.mapPartitions``: ``(kind, json)`` rows; kind is ``book``, ``reject`` or,
    once per partition, ``tally`` (the partition's summary counts)."""
    if doc_function is None:
        doc_function = CLEAN_PAGE
    rows = _Rows()
    with TaskPool(
        doc_function,
        workers=1,
        doc_timeout=config.doc_timeout,
        doc_memory_mb=config.doc_memory_mb,
        crash_attempts=config.crash_attempts,
        handler=rows,
    ) as pool:
        for task in tasks:
            pool.submit(_source(task), shard_docs=config.shard_docs, ask=False)
            while pool.busy():
                pool.step(1.0)
                yield from rows.take()
    yield "tally", orjson.dumps(rows.tally.to_dict()).decode()


def spark_session(master: str | None = None) -> Any:
    """A SparkSession for the CLI; one line of error when Spark or Java is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailable("the Spark engine needs pyspark: pip install 'catalog-scraper[spark]'") from None
    # Executors on this machine must run the same interpreter (and venv) as we do.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    try:
        session = (
            SparkSession.builder.master(master or "local[*]")
            .appName("catalog-scraper clean")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")  # our summary line says it
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
    except Exception as exc:  # pyspark raises its own types; Java missing is one of them
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineUnavailable(f"cannot start Spark (is Java 17+ installed?): {first}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def clean_rdd(
    spark: Any,
    inputs: Sequence[str],
    *,
    doc_function: DocFunction | None = None,
    config: BatchConfig = DEFAULT_BATCH_CONFIG,
) -> Any:
    """An RDD of ``(kind, json)`` for every document of ``inputs`` (see :func:`clean_partition`)."""
    tasks = _tasks(inputs, config.shard_docs)
    rdd = spark.sparkContext.parallelize(tasks, numSlices=max(1, len(tasks)))
    return rdd.mapPartitions(lambda part: clean_partition(part, doc_function, config))


def books_dataframe(spark: Any, outcomes: Any) -> Any:
    """The books of an outcome RDD as a DataFrame with the Book model's schema."""
    lines = outcomes.filter(lambda row: row[0] == "book").map(lambda row: row[1])
    return spark.read.schema(spark_schema(Book)).json(lines)


def run_spark(
    inputs: Sequence[str],
    out_dir: Path,
    *,
    master: str | None = None,
    config: BatchConfig = DEFAULT_BATCH_CONFIG,
    summary_path: Path | None = None,
    doc_function: DocFunction | None = None,
    spark: Any = None,
) -> dict[str, Any]:
    """Clean ``inputs`` on Spark into ``out_dir``; return the summary."""
    from pyspark import StorageLevel

    session = spark or spark_session(master)
    started = time.monotonic()
    outcomes = clean_rdd(session, inputs, doc_function=doc_function, config=config)
    # Three outputs are read from the outcomes; without persisting, Spark would
    # parse every page three times.
    outcomes.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        books_dir, rejects_dir = str(out_dir / "books"), str(out_dir / "rejects")
        if config.output_format == "parquet":
            books_dataframe(session, outcomes).write.mode("overwrite").parquet(books_dir)
        else:
            _lines(session, outcomes, "book").write.mode("overwrite").text(books_dir)
        _lines(session, outcomes, "reject").write.mode("overwrite").text(rejects_dir)
        tally = Tally()
        for _, text in outcomes.filter(lambda row: row[0] == "tally").collect():
            tally.merge(Tally.from_dict(orjson.loads(text)))
    finally:
        outcomes.unpersist()
    elapsed = time.monotonic() - started
    documents = tally.outcomes["book"] + tally.outcomes["reject"]
    summary = build_summary(
        tally,
        {
            "engine": "spark",
            "master": session.sparkContext.master,
            "elapsed_s": round(elapsed, 3),
            "documents_this_run": documents,
            "pages_per_s": round(documents / elapsed, 2) if elapsed else 0.0,
        },
    )
    text = orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n"
    for path in (out_dir / "summary.json", summary_path):
        if path is not None and path.parent.is_dir():
            with atomic_writer(path) as stream:
                stream.write(text)
    return summary


def _lines(spark: Any, outcomes: Any, kind: str) -> Any:
    rows = outcomes.filter(lambda row: row[0] == kind).map(lambda row: (row[1],))
    return spark.createDataFrame(rows, "value string")
