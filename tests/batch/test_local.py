"""The local engine end to end: real clean_page, shards, resume, signals, outputs, CLI errors."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

import scraper.archives  # noqa: F401  # the plain pipeline must see archives too
from scraper.batch.config import BatchConfig
from scraper.batch.jobdir import JobDir
from scraper.batch.local import run_local
from scraper.batch.outcome import DocFunction, encode_result, skipped_outcome
from scraper.pipeline import clean_page
from scraper.sources import RawPage, SkippedInput, iter_pages

from . import docfns
from .conftest import batch_command, function_spec
from .warcs import Capture, book_page, build_archive_set, write_warc

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    build_archive_set(folder, 400, seed=7, per_warc=120)
    (folder / "notes.md").write_text("not a page")
    (folder / "empty.html").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def plain_pipeline(inputs: Path) -> tuple[list[bytes], list[bytes]]:
    """Books and rejects of the plain, one-page-at-a-time pipeline over the same inputs."""
    books, rejects = [], []
    for item in iter_pages([str(inputs)]):
        outcome = skipped_outcome(item) if isinstance(item, SkippedInput) else encode_result(clean_page(item))
        if outcome.kind == "book":
            books.append(outcome.line)
        elif outcome.kind == "reject":
            rejects.append(outcome.line)
    return books, rejects


@pytest.fixture(scope="module")
def batch_run(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch")
    run_local(
        [str(inputs)],
        output=out / "books.jsonl",
        rejects=out / "rejects.jsonl",
        job_dir=out / "job",
        summary_path=out / "summary.json",
        config=BatchConfig(workers=2, shard_docs=50, progress="off"),
    )
    return out


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def test_batch_output_equals_the_plain_pipeline(
    batch_run: Path, plain_pipeline: tuple[list[bytes], list[bytes]]
) -> None:
    """Same books and rejects, in the same order, as clean_page over iter_pages."""
    assert lines(batch_run / "books.jsonl") == plain_pipeline[0]
    assert lines(batch_run / "rejects.jsonl") == plain_pipeline[1]
    assert len(plain_pipeline[0]) > 300


def outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "books.jsonl").read_bytes(), (out / "rejects.jsonl").read_bytes()


def run_to(
    out: Path, inputs: list[str], function: DocFunction = docfns.slow_echo, **config: Any
) -> tuple[bytes, bytes]:
    """Run the local engine into ``out``; return its books and rejects."""
    result = run_local(
        inputs,
        output=out / "books.jsonl",
        rejects=out / "rejects.jsonl",
        job_dir=out / "job",
        config=BatchConfig(progress="off", **config),
        doc_function=function,
    )
    assert result.complete
    return outputs(out)


@pytest.mark.parametrize(("workers", "shard_docs"), [(3, 7), (3, 40), (2, 1000)])
def test_workers_share_one_archive_and_write_what_one_worker_writes(
    tmp_path: Path, workers: int, shard_docs: int
) -> None:
    """One WARC, several workers: idle workers take over the rest of a busy worker's
    archive (its next chunks, or half of what is left of its chunk), and the output is
    the plain pipeline's, in reading order."""
    warc = tmp_path / "one.warc.gz"
    write_warc(
        warc,
        [Capture(f"http://ex.org/{n}", book_page(n) if n % 9 else b"reject me") for n in range(150)],
        with_requests=True,
    )
    expected_books, expected_rejects = [], []
    for item in iter_pages([str(warc)]):
        outcome = skipped_outcome(item) if isinstance(item, SkippedInput) else encode_result(docfns.echo_title(item))
        if outcome.kind == "book":
            expected_books.append(outcome.line + b"\n")
        elif outcome.kind == "reject":
            expected_rejects.append(outcome.line + b"\n")
    books, rejects = run_to(tmp_path / "split", [str(warc), str(warc)], workers=workers, shard_docs=shard_docs)
    assert books == b"".join(expected_books) * 2  # named twice: its records twice, as planned
    assert rejects == b"".join(expected_rejects) * 2
    assert len(expected_books) > 120


def test_hangs_and_crashes_in_a_shared_archive_end_as_with_one_worker(tmp_path: Path) -> None:
    """Time limits, retries and dead letters give the same records when the archive is
    split among workers as when one worker reads it all."""
    marks = {5: b"<hang/>", 17: b"<crash/>", 18: b"<raise/>", 40: b"<crash/>"}
    warc = tmp_path / "hostile.warc.gz"
    write_warc(warc, [Capture(f"http://ex.org/{n}", book_page(n) + marks.get(n, b"")) for n in range(60)])
    one = run_to(tmp_path / "one", [str(warc)], workers=1, doc_timeout=1.0, function=docfns.misbehave_by_content)
    split = run_to(
        tmp_path / "split", [str(warc)], workers=3, shard_docs=4, doc_timeout=1.0, function=docfns.misbehave_by_content
    )
    assert split == one
    reasons = [orjson.loads(line)["reason"] for line in one[1].splitlines()]
    assert sorted(reasons) == ["parse_failed", "parse_timeout", "worker_crashed", "worker_crashed"]
    letters = [(tmp_path / run / "job" / "dead-letter.jsonl").read_bytes() for run in ("one", "split")]
    assert len(letters[0].splitlines()) == 2 and sorted(letters[0].splitlines()) == sorted(letters[1].splitlines())


def test_the_main_process_reads_no_page(inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers read their inputs; the main process only hands out sources and writes shards."""

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the main process read a page")

    for name in ("walk", "source_key"):
        monkeypatch.setattr(f"scraper.batch.tasks.{name}", refuse)
    for name in ("read_warc_items", "read_tar"):
        monkeypatch.setattr(f"scraper.archives.{name}", refuse)
    monkeypatch.setattr(RawPage, "digest", refuse)
    books, _ = run_to(tmp_path, [str(inputs)], workers=2, shard_docs=50, function=docfns.echo_title)
    assert len(books.splitlines()) > 300


def test_summary_counts_outcomes_reasons_fields_and_speed(batch_run: Path) -> None:
    """The summary adds up to the outputs and carries coverage, faults and pages/s."""
    summary = orjson.loads((batch_run / "summary.json").read_bytes())
    assert summary["outcomes"]["book"] == len(lines(batch_run / "books.jsonl"))
    assert sum(summary["rejects_by_reason"].values()) == len(lines(batch_run / "rejects.jsonl"))
    assert summary["rejects_by_reason"]["empty_input"] == 1
    assert summary["skipped_by_reason"]["not a page record"] > 0
    assert summary["field_coverage"]["title"]["share"] == 1.0
    assert summary["archive_faults"]["count"] == 1  # the WARC cut short
    assert summary["run"]["pages_per_s"] > 0


def test_rerun_skips_done_units_and_changed_input_is_redone(inputs: Path, batch_run: Path, tmp_path: Path) -> None:
    """A re-run does no work; a changed file at the same path is done again."""
    config = BatchConfig(workers=2, shard_docs=50, progress="off")
    out = tmp_path / "books.jsonl"
    again = run_local([str(inputs)], output=out, rejects=None, job_dir=batch_run / "job", config=config)
    assert again.summary["run"]["documents_this_run"] == 0
    assert out.read_bytes() == (batch_run / "books.jsonl").read_bytes()
    copy = tmp_path / "inputs"
    copy.mkdir()
    for name in ("page000.html", "page001.html"):
        (copy / name).write_bytes((inputs / name).read_bytes())
    first = run_local([str(copy)], output=out, rejects=None, job_dir=tmp_path / "job", config=config)
    (copy / "page001.html").write_bytes(b"<html><h1>Changed Title</h1><p>by Ann Author</p></html>")
    second = run_local([str(copy)], output=out, rejects=None, job_dir=tmp_path / "job", config=config)
    assert first.summary["run"]["documents_this_run"] == 2
    assert second.summary["run"]["documents_this_run"] == 2  # the group's key changed
    assert b"Changed Title" in out.read_bytes()


def test_parquet_output_holds_the_same_books(inputs: Path, batch_run: Path, tmp_path: Path) -> None:
    """--format parquet writes the JSONL books as rows of the Book schema."""
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "books.parquet"
    run_local(
        [str(inputs)],
        output=out,
        rejects=None,
        job_dir=batch_run / "job",
        config=BatchConfig(workers=2, shard_docs=50, progress="off", output_format="parquet"),
    )
    rows = pq.read_table(out).to_pylist()
    books = [orjson.loads(line) for line in lines(batch_run / "books.jsonl")]
    assert len(rows) == len(books)
    assert [r["title"] for r in rows] == [b["title"] for b in books]
    assert rows[0]["source"] == books[0]["source"]


def test_hostile_documents_become_rejects_and_dead_letters(tmp_path: Path, run_batch_cli: Run) -> None:
    """Through the command: a hang is a parse_timeout, a repeat crash a dead letter."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("ok", "hang", "crash", "raise"):
        (folder / f"{name}.html").write_bytes(f"<h1>{name}</h1>".encode())
    result = run_batch_cli(
        str(folder),
        "-o",
        str(tmp_path / "books.jsonl"),
        "--job-dir",
        str(tmp_path / "job"),
        "--workers",
        "2",
        "--doc-timeout",
        "1",
        "-q",
        doc_function=function_spec(docfns, "misbehave"),
    )
    assert result.returncode == 0, result.stderr
    rejects = [orjson.loads(x) for x in lines(tmp_path / "books.rejects.jsonl")]
    assert {Path(r["input"]).stem: r["reason"] for r in rejects} == {
        "hang": "parse_timeout",
        "crash": "worker_crashed",
        "raise": "parse_failed",
    }
    (letter,) = [orjson.loads(x) for x in lines(tmp_path / "job" / "dead-letter.jsonl")]
    assert letter["uri"].endswith("crash.html") and letter["attempts"] == 2
    assert (tmp_path / "job" / letter["bytes"]).read_bytes() == b"<h1>crash</h1>"


def test_sigint_finishes_in_flight_work_and_the_rerun_completes(tmp_path: Path, inputs: Path) -> None:
    """SIGINT: in-flight units are written, exit 130; the re-run ends as if never stopped."""
    spec = function_spec(docfns, "slow_echo")
    args = [
        str(inputs),
        "-o",
        str(tmp_path / "books.jsonl"),
        "--job-dir",
        str(tmp_path / "job"),
        "--workers",
        "2",
        "--shard-docs",
        "20",
        "-q",
    ]
    argv, env = batch_command(*args, doc_function=spec)
    process = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    ledger = tmp_path / "job" / "ledger.jsonl"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not ledger.exists() or ledger.stat().st_size == 0):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted by SIGINT" in err and "Traceback" not in err
    done_before = len(lines(ledger))
    assert done_before > 0
    assert not list(tmp_path.rglob("*.partial")) and not (tmp_path / "books.jsonl").exists()
    rerun = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert rerun.returncode == 0, rerun.stderr
    reference = tmp_path / "reference.jsonl"
    ref_args = [*args[:1], "-o", str(reference), "--workers", "2", "-q"]
    ref_argv, _ = batch_command(*ref_args, doc_function=spec)
    subprocess.run(ref_argv, env=env, check=True, capture_output=True, timeout=120)
    assert (tmp_path / "books.jsonl").read_bytes() == reference.read_bytes()


def test_a_second_run_on_the_same_job_dir_is_refused(tmp_path: Path, inputs: Path, run_batch_cli: Run) -> None:
    """While one run holds the job dir, another exits 2 with one line saying so."""
    with JobDir(tmp_path / "job"):
        result = run_batch_cli(str(inputs), "-o", str(tmp_path / "b.jsonl"), "--job-dir", str(tmp_path / "job"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is in use by another run" in result.stderr


CLI_ERRORS = [
    # (extra arguments, what the one-line error says)
    (["--format", "parquet"], "--format parquet needs an output file"),
    (["--master", "local[2]", "-o", "{tmp}/b.jsonl"], "--master is for --engine spark"),
    (["-o", "{tmp}/missing/b.jsonl"], "does not exist"),
    (["--engine", "spark"], "--engine spark needs an output folder"),
    (["--engine", "spark", "-o", "{tmp}/out", "--job-dir", "{tmp}/j"], "--job-dir is for"),
]


@pytest.mark.parametrize(("extra", "message"), CLI_ERRORS)
def test_user_errors_are_one_line_without_traceback(
    tmp_path: Path, inputs: Path, run_batch_cli: Run, extra: list[str], message: str
) -> None:
    """Errors a user can fix are one line on stderr and exit code 2."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    result = run_batch_cli(str(inputs / "page000.html"), "--workers", "2", *args)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
