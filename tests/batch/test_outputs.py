"""Outputs and bookkeeping: the derived schema, the ledger, atomic files, progress lines."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from scraper.batch.jobdir import JobDir, UnitRecord
from scraper.batch.pool import DeadLetter
from scraper.batch.progress import _Lines
from scraper.batch.schema import arrow_schema, column_types, spark_schema
from scraper.batch.shards import atomic_writer, temp_path
from scraper.records import Book, Reject
from scraper.sources import RawPage


@pytest.mark.parametrize("model", [Book, Reject])
def test_columns_are_derived_from_the_model(model: type[Book] | type[Reject]) -> None:
    """Every model field is a column, in model order; nothing is listed by hand."""
    assert [name for name, _, _ in column_types(model).fields] == list(model.model_fields)


def test_arrow_and_spark_schemas_agree_on_nesting() -> None:
    """Both renderings come from one type tree: lists of structs stay lists of structs."""
    pytest.importorskip("pyarrow")
    arrow = arrow_schema(Book)
    assert str(arrow.field("contributors").type) == ("list<item: struct<name: string not null, role: string>>")
    assert str(arrow.field("provenance").type.value_type.field("rejected").type) == ("list<item: list<item: string>>")
    pytest.importorskip("pyspark")
    assert spark_schema(Book)["contributors"].dataType.simpleString() == ("array<struct<name:string,role:string>>")


def record(key: str, chunk: int = 0, last: bool = True) -> UnitRecord:
    return UnitRecord(key, "src", chunk, last, "in.warc.gz", {"outcomes": {"book": 1}})


def test_a_torn_ledger_line_is_dropped_and_the_next_append_starts_clean(tmp_path: Path) -> None:
    """A run killed mid-append leaves half a line; the next run ignores and truncates it."""
    with JobDir(tmp_path) as job:
        job.commit(record("a-000000", 0, False), [b"{}\n"], [])
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_bytes(ledger.read_bytes() + b'{"key": "b-0000')
    with JobDir(tmp_path) as job:
        assert job.done("a-000000") is not None and job.done("b-000000") is None
        assert job.finished_source("src") is None  # chunk 0 is not the last
        job.commit(record("a-000001", 1, True), [], [])
        assert [r.key for r in job.finished_source("src") or []] == ["a-000000", "a-000001"]
    assert all(orjson.loads(line) for line in ledger.read_bytes().splitlines())


def test_a_dead_letter_met_again_after_a_resume_is_listed_once(tmp_path: Path) -> None:
    """A resumed run redoes the unit of a document that killed its worker (the unit was not
    done): the document is not listed twice, and a torn last line is dropped."""
    page = RawPage(uri="a.warc.gz#offset=0", data=b"<h1>crash</h1>")
    with JobDir(tmp_path) as job:
        job.dead_letter(DeadLetter(page, 2, "exit code 7"))
    letters = tmp_path / "dead-letter.jsonl"
    letters.write_bytes(letters.read_bytes() + b'{"uri": "b.warc')
    with JobDir(tmp_path) as job:
        job.dead_letter(DeadLetter(page, 2, "killed by SIGKILL"))
        job.dead_letter(DeadLetter(RawPage(uri="c.html", data=b"x"), 2, "exit code 7"))
    entries = [orjson.loads(line) for line in letters.read_bytes().splitlines()]
    assert [e["uri"] for e in entries] == ["a.warc.gz#offset=0", "c.html"]


def test_stale_temp_files_are_removed_when_the_job_dir_opens(tmp_path: Path) -> None:
    """Temp shards a killed run left behind are deleted by the next run (it holds the lock)."""
    (tmp_path / "shards").mkdir()
    stale = temp_path(tmp_path / "shards" / "k.books.jsonl")
    stale.write_bytes(b'{"half')
    with JobDir(tmp_path):
        assert not stale.exists()


def test_atomic_writer_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    """An error mid-write keeps the previous complete file and no temp file."""
    target = tmp_path / "books.jsonl"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), atomic_writer(target) as stream:
        stream.write(b"new, half")
        raise RuntimeError("disk on fire")
    assert target.read_bytes() == b"old\n" and not temp_path(target).exists()


def test_plain_progress_lines_report_counts_rate_and_share() -> None:
    """Without a terminal, progress is a periodic line with counts, rate and input share."""
    out = io.StringIO()
    lines = _Lines(total_bytes=200, every=0.0, stream=out)
    lines.update(docs=10, books=8, rejects=2, bytes_done=100)
    assert "10 documents (8 books, 2 rejects)" in out.getvalue()
    assert "50% of input" in out.getvalue()
