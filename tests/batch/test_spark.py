"""The Spark engine, for real on local[2]: the same records as the local engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from scraper.batch.config import BatchConfig
from scraper.batch.local import run_local

from .warcs import build_archive_set

pyspark = pytest.importorskip("pyspark", reason="the Spark engine needs catalog-scraper[spark]")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java not on PATH)", allow_module_level=True)

from scraper.batch.spark import run_spark, spark_session  # noqa: E402

CONFIG = BatchConfig(workers=2, shard_docs=60, progress="off")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spark-inputs")
    build_archive_set(folder, 300, seed=3, per_warc=100)
    return folder


@pytest.fixture(scope="module")
def local_run(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    run_local([str(inputs)], output=out / "books.jsonl", rejects=out / "rejects.jsonl", job_dir=None, config=CONFIG)
    return out


def part_lines(folder: Path) -> list[bytes]:
    return [line for part in sorted(folder.glob("part-*")) for line in part.read_bytes().splitlines()]


def test_spark_jsonl_records_equal_the_local_engine(spark: Any, inputs: Path, local_run: Path, tmp_path: Path) -> None:
    """Books and rejects from mapPartitions are the local engine's, as sets and in order."""
    summary = run_spark([str(inputs)], tmp_path / "out", config=CONFIG, spark=spark)
    books = part_lines(tmp_path / "out" / "books")
    rejects = part_lines(tmp_path / "out" / "rejects")
    assert set(books) == set((local_run / "books.jsonl").read_bytes().splitlines())
    assert set(rejects) == set((local_run / "rejects.jsonl").read_bytes().splitlines())
    assert books == (local_run / "books.jsonl").read_bytes().splitlines()
    assert summary["outcomes"]["book"] == len(books)
    written = orjson.loads((tmp_path / "out" / "summary.json").read_bytes())
    assert written["run"]["engine"] == "spark"


def test_spark_parquet_rows_follow_the_book_schema(spark: Any, inputs: Path, local_run: Path, tmp_path: Path) -> None:
    """--format parquet: the same books as Parquet rows with the Book model's columns."""
    pq = pytest.importorskip("pyarrow.parquet")
    config = BatchConfig(workers=2, shard_docs=60, progress="off", output_format="parquet")
    run_spark([str(inputs)], tmp_path / "out", config=config, spark=spark)
    rows = pq.read_table(tmp_path / "out" / "books").to_pylist()
    local = [orjson.loads(x) for x in (local_run / "books.jsonl").read_bytes().splitlines()]
    assert sorted(r["source"]["uri"] for r in rows) == sorted(b["source"]["uri"] for b in local)
    assert {r["title"] for r in rows} == {b["title"] for b in local}
