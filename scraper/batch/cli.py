"""The batch options of ``catalog-scraper clean`` and the command that runs them.

The main CLI adds these options with :func:`add_batch_arguments` and hands over
to :func:`run_batch` when ``--job-dir``, ``--engine spark`` or ``--workers`` > 1
is given (:func:`wants_batch` says so). Errors a user can fix print one line on
stderr and return a non-zero exit code; they never print a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scraper.batch.config import (
    DEFAULT_DOC_MEMORY_MB,
    DEFAULT_DOC_TIMEOUT,
    DEFAULT_SHARD_DOCS,
    BatchConfig,
)
from scraper.batch.errors import BatchError
from scraper.batch.outcome import DocFunction

__all__ = ["add_batch_arguments", "run_batch", "wants_batch"]

EXIT_ERROR = 2
EXIT_INTERRUPTED = {"SIGINT": 130, "SIGTERM": 143}


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (no limit) or more")
    return value


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the batch options to the ``clean`` subcommand's parser."""
    group = parser.add_argument_group(
        "batch runs",
        "Parallel, resumable runs over many files and archives (WARC, WET, tar, zip).",
    )
    group.add_argument(
        "--job-dir",
        type=Path,
        metavar="DIR",
        help="keep shards and a ledger here; re-running the same command resumes where it stopped",
    )
    group.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="worker processes (default: one per core once batch mode is on)",
    )
    group.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local process pool, or Spark (needs catalog-scraper[spark]); with spark, -o names an output folder",
    )
    group.add_argument(
        "--master", metavar="URL", help="Spark master URL, e.g. local[4] or spark://host:7077 (default: local[*])"
    )
    group.add_argument(
        "--format",
        dest="output_format",
        choices=("jsonl", "parquet"),
        default="jsonl",
        help="books as JSON lines or Parquet (needs catalog-scraper[parquet])",
    )
    group.add_argument(
        "--summary",
        type=Path,
        metavar="PATH",
        help="write the run summary (counts, rejects by reason, removals by "
        "rule, field coverage, pages/s) as JSON here",
    )
    group.add_argument(
        "--doc-timeout",
        type=_seconds,
        default=DEFAULT_DOC_TIMEOUT,
        metavar="SECONDS",
        help="a document still parsing after this long becomes a "
        f"parse_timeout reject (default {DEFAULT_DOC_TIMEOUT:g}; 0: none)",
    )
    group.add_argument(
        "--doc-memory-mb",
        type=_positive_int,
        default=DEFAULT_DOC_MEMORY_MB,
        metavar="MB",
        help=f"memory one document may take in its worker (default {DEFAULT_DOC_MEMORY_MB}; 0: no cap)",
    )
    group.add_argument(
        "--shard-docs",
        type=_positive_int,
        default=DEFAULT_SHARD_DOCS,
        metavar="N",
        help=f"documents per shard: the most work an interruption loses (default {DEFAULT_SHARD_DOCS})",
    )


def wants_batch(args: argparse.Namespace) -> bool:
    """True when the options ask for a batch run rather than the plain one."""
    return (
        getattr(args, "job_dir", None) is not None
        or getattr(args, "engine", "local") == "spark"
        or (getattr(args, "workers", None) or 1) > 1
    )


def _output(args: argparse.Namespace) -> Path | None:
    value = getattr(args, "output", None)
    if value is None or str(value) == "-":
        return None
    return Path(value)


def run_batch(args: argparse.Namespace, inputs: list[str], *, doc_function: DocFunction | None = None) -> int:
    """Run ``clean`` as a batch job; return the exit code."""
    try:
        return _run(args, inputs, doc_function)
    except BatchError as exc:
        print(f"catalog-scraper: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:  # a second Ctrl-C: stop now, the job dir stays consistent
        print("aborted; re-run the same command to resume", file=sys.stderr)
        return EXIT_INTERRUPTED["SIGINT"]


def _run(args: argparse.Namespace, inputs: list[str], doc_function: DocFunction | None) -> int:
    if not inputs:
        raise BatchError("no inputs: name files, folders, globs or archives to clean")
    output = _output(args)
    try:
        config = BatchConfig(
            workers=getattr(args, "workers", None) or 0,
            doc_timeout=args.doc_timeout,
            doc_memory_mb=args.doc_memory_mb,
            shard_docs=getattr(args, "shard_docs", DEFAULT_SHARD_DOCS) or DEFAULT_SHARD_DOCS,
            output_format=args.output_format,
            progress="off" if getattr(args, "quiet", False) else "auto",
        )
    except ValueError as exc:
        raise BatchError(str(exc)) from None
    if args.engine == "spark":
        return _run_spark(args, inputs, output, config, doc_function)
    if args.master:
        raise BatchError("--master is for --engine spark")
    if config.output_format == "parquet":
        if output is None:
            raise BatchError("--format parquet needs an output file: -o books.parquet")
        from scraper.batch.schema import arrow_schema
        from scraper.records import Book

        arrow_schema(Book)  # fail now, not after hours of work, when pyarrow is missing
    from scraper.batch.local import default_rejects_path, run_local

    rejects = getattr(args, "rejects", None)
    if rejects is None and output is not None:
        rejects = default_rejects_path(output)
    elif rejects is None and args.job_dir is not None:
        rejects = args.job_dir / "rejects.jsonl"  # books go to stdout; rejects stay findable
    for path in (output, rejects, args.summary):
        if path is not None and not Path(path).parent.is_dir():
            raise BatchError(f"cannot write {path}: folder {Path(path).parent} does not exist")
    result = run_local(
        inputs,
        output=output,
        rejects=Path(rejects) if rejects is not None else None,
        job_dir=args.job_dir,
        config=config,
        summary_path=args.summary,
        doc_function=doc_function,
    )
    if not result.complete:
        where = f" --job-dir {args.job_dir}" if args.job_dir else ""
        print(
            f"interrupted by {result.interrupted_by}: finished work is kept"
            + (f"; re-run the same command ({where.strip()}) to resume" if where else ""),
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED.get(result.interrupted_by or "", 130)
    _report(result.summary, output, rejects)
    return 0


def _report(summary: dict[str, object], output: Path | None, rejects: object) -> None:
    outcomes = summary.get("outcomes", {})
    assert isinstance(outcomes, dict)
    run = summary.get("run", {})
    assert isinstance(run, dict)
    print(
        f"clean: {outcomes.get('book', 0)} books, {outcomes.get('reject', 0)} rejects, "
        f"{outcomes.get('skipped', 0)} non-page records skipped; "
        f"{run.get('pages_per_s', 0)} pages/s this run"
        + (f"; books in {output}" if output else "")
        + (f", rejects in {rejects}" if rejects else ""),
        file=sys.stderr,
    )


def _run_spark(
    args: argparse.Namespace,
    inputs: list[str],
    output: Path | None,
    config: BatchConfig,
    doc_function: DocFunction | None,
) -> int:
    if output is None:
        raise BatchError("--engine spark needs an output folder: -o OUT_DIR")
    if args.job_dir is not None:
        raise BatchError("--job-dir is for the local engine; Spark retries failed tasks itself")
    from scraper.batch.spark import run_spark

    summary = run_spark(
        inputs,
        output,
        master=args.master,
        config=config,
        summary_path=args.summary,
        doc_function=doc_function,
    )
    _report(summary, output, output / "rejects")
    return 0
