"""LOCAL ENGINE: a resumable batch run on this machine's cores.

    inputs -> plan (archives, groups of loose pages) -> TaskPool
           -> workers read their source, ask before each chunk of shard_docs
              documents (ledger: run or skip), send JSON lines in batches
           -> units (one per chunk) -> shards + ledger (job dir)
           -> merge (in input order) -> -o file, rejects, summary

The main process reads no page: it hands sources to workers, answers their
questions from the ledger and writes each unit's shard once all of its
documents are back, in reading order, so a shard's content does not depend on
scheduling, and the merged output does not depend on how often the job was
interrupted. Its work is per unit and per batch of results, not per document,
so it leaves the cores to the workers.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import orjson

import scraper.archives  # noqa: F401  # registers the archive readers
from scraper.batch.config import BatchConfig
from scraper.batch.jobdir import JobDir, UnitRecord
from scraper.batch.merge import merge_shards
from scraper.batch.outcome import CLEAN_PAGE, DocFunction, DocOutcome
from scraper.batch.plan import InputFile, PageGroup, expand_inputs, group_sources
from scraper.batch.pool import Answer, DeadLetter, Family, TaskPool
from scraper.batch.progress import Progress, make_progress
from scraper.batch.shards import atomic_writer, temp_path
from scraper.batch.summary import Tally, build_summary
from scraper.batch.tasks import ArchiveSource, GroupSource

__all__ = ["BatchResult", "default_rejects_path", "run_local"]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """How a batch run ended and where its outputs are."""

    complete: bool  # False when a signal stopped it before every unit was done
    interrupted_by: str | None
    summary: dict[str, Any]
    output: Path | None
    rejects: Path | None


class _Stop:
    """Set by SIGINT/SIGTERM: the first asks for a clean stop, the second for an abort."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self.abort = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is not None:
            self.abort = True
            raise KeyboardInterrupt
        self.signal = signal.Signals(signum).name


def default_rejects_path(output: Path) -> Path:
    """``books.jsonl`` -> ``books.rejects.jsonl``, beside the output.

    >>> default_rejects_path(Path("out/books.parquet")).as_posix()
    'out/books.rejects.jsonl'
    """
    return output.with_name(f"{output.name.split('.')[0]}.rejects.jsonl")


@dataclass(eq=False)
class _Source:
    """An input source of the run: an archive or a group of loose pages."""

    spec: ArchiveSource | GroupSource
    size: int
    key: str | None = None
    complete: bool = False


def _sources(planned: Sequence[InputFile | PageGroup]) -> list[_Source]:
    sources = []
    for source in planned:
        if isinstance(source, InputFile):
            sources.append(_Source(ArchiveSource(source.path, source.uri), source.size))
        else:
            size = sum(e.size for e in source.entries if isinstance(e, InputFile))
            sources.append(_Source(GroupSource(source.entries), size))
    return sources


@dataclass(eq=False)
class _Unit:
    """A chunk being filled: batches of results arrive, possibly from several tasks."""

    parts: list[tuple[int, bytes, bytes, Tally]] = field(default_factory=list)
    count: int = 0
    end: tuple[int, bool] | None = None  # (documents in the chunk, is it the source's last)


class _Runner:
    """Answers the workers from the ledger and commits units as they fill."""

    def __init__(self, job: JobDir, stop: _Stop, progress: Progress) -> None:
        self.job = job
        self.stop = stop
        self.progress = progress
        self.units: dict[tuple[int, int], _Unit] = {}
        self.claimed: dict[str, int] = {}  # unit key -> the family running it
        self.counts = Tally()  # this run's documents, for progress and speed
        self.bytes_done = 0
        self.by_key: dict[str, list[_Source]] = {}  # an input named twice has one key

    def chunk_request(self, family: Family, chunk: int) -> Answer:
        source: _Source = family.context
        assert family.key is not None
        if source.key is None:
            source.key = family.key
            self.by_key.setdefault(family.key, []).append(source)
        if chunk == 0 and self.job.finished_source(family.key) is not None:
            self._complete(family.key)
            return "stop"
        if self.stop.signal is not None:
            return "stop"
        key = f"{family.key}-{chunk:06d}"
        if self.job.done(key) is not None:
            return "skip"
        owner = self.claimed.setdefault(key, family.family_id)
        return "run" if owner == family.family_id else "skip"  # the same input named twice

    def output(self, family: Family, first: int, count: int, books: bytes, rejects: bytes, tally: Tally) -> None:
        chunk = first // family.shard_docs
        unit = self.units.setdefault((family.family_id, chunk), _Unit())
        unit.parts.append((first, books, rejects, tally))
        unit.count += count
        self.counts.merge(tally)
        self._maybe_commit(family, chunk, unit)

    def outcomes(self, family: Family, first: int, outcomes: list[DocOutcome]) -> None:
        raise AssertionError("the local engine's tasks send batches")

    def chunk_end(self, family: Family, chunk: int, size: int, last: bool) -> None:
        unit = self.units.setdefault((family.family_id, chunk), _Unit())
        unit.end = (size, last)
        self._maybe_commit(family, chunk, unit)

    def dead_letter(self, letter: DeadLetter) -> None:
        self.job.dead_letter(letter)
        self.progress.note(
            f"dead letter: {letter.page.uri} killed its worker {letter.attempts} times "
            f"({letter.last_exit}); its bytes are in {self.job.root / 'dead-letter'}"
        )

    def family_done(self, family: Family) -> None:
        pass

    def _maybe_commit(self, family: Family, chunk: int, unit: _Unit) -> None:
        if unit.end is None or unit.count != unit.end[0]:
            return
        del self.units[(family.family_id, chunk)]
        source: _Source = family.context
        assert family.key is not None
        unit.parts.sort(key=lambda part: part[0])
        tally = Tally()
        for part in unit.parts:
            tally.merge(part[3])
        key = f"{family.key}-{chunk:06d}"
        record = UnitRecord(key, family.key, chunk, unit.end[1], source.spec.uri, tally.to_dict())
        self.job.commit(record, [p[1] for p in unit.parts], [p[2] for p in unit.parts])
        self.claimed.pop(key, None)
        self._complete(family.key)  # chunks of a split source can be done in any order

    def _complete(self, key: str) -> None:
        if self.job.finished_source(key) is None:
            return
        for source in self.by_key.get(key, []):
            if not source.complete:
                source.complete = True
                self.bytes_done += source.size


def _install_signals(stop: _Stop) -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}


def run_local(
    inputs: Sequence[str],
    *,
    output: Path | None,
    rejects: Path | None,
    job_dir: Path | None,
    config: BatchConfig,
    summary_path: Path | None = None,
    doc_function: DocFunction | None = None,
    stdin: bytes | None = None,
) -> BatchResult:
    """Clean every page of ``inputs`` on a process pool; resumable when ``job_dir`` is given."""
    if doc_function is None:
        doc_function = CLEAN_PAGE  # imported by the workers, not here
    temporary = job_dir is None
    root = Path(tempfile.mkdtemp(prefix="catalog-batch-")) if job_dir is None else job_dir
    stop = _Stop()
    started = time.monotonic()
    try:
        with JobDir(root) as job:
            for path in (output, rejects, summary_path):
                if path is not None:
                    temp_path(path).unlink(missing_ok=True)  # left by a killed run
            sources = _sources(list(group_sources(expand_inputs(inputs, stdin=stdin), config.shard_docs)))
            total = sum(s.size for s in sources)
            progress = make_progress(config.progress, total, config.log_every)
            runner = _Runner(job, stop, progress)
            previous = _install_signals(stop)
            try:
                with TaskPool(
                    doc_function,
                    workers=config.worker_count,
                    doc_timeout=config.doc_timeout,
                    doc_memory_mb=config.doc_memory_mb,
                    crash_attempts=config.crash_attempts,
                    handler=runner,
                ) as pool:
                    _drive(pool, runner, sources, config.shard_docs)
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
                progress.close()
            elapsed = time.monotonic() - started
            documents = runner.counts.outcomes["book"] + runner.counts.outcomes["reject"]
            run = {
                "engine": "local",
                "workers": config.worker_count,
                "elapsed_s": round(elapsed, 3),
                "documents_this_run": documents,
                "pages_per_s": round(documents / elapsed, 2) if elapsed else 0.0,
                "workers_replaced": pool.replaced,
            }
            order: list[str] = []
            tally = Tally()
            for source in sources:
                records = job.finished_source(source.key) if source.key is not None else None
                for record in records or ():
                    order.append(record.key)
                    tally.merge(Tally.from_dict(record.stats))
            summary = build_summary(tally, run)
            unfinished = [s.spec.uri for s in sources if s.key is None or job.finished_source(s.key) is None]
            if unfinished:
                summary["run"]["interrupted_by"] = stop.signal
                if stop.signal is None:  # a bug, not an interruption: say what is missing
                    progress.note(
                        "some inputs were not finished: "
                        + ", ".join(unfinished[:3])
                        + "; re-run the same command to finish them"
                    )
                return BatchResult(False, stop.signal, summary, None, None)
            merge_shards((job.shard(k, "books") for k in order), output, config.output_format)
            if rejects is not None:
                merge_shards((job.shard(k, "rejects") for k in order), rejects, "jsonl")
            text = orjson.dumps(summary, option=orjson.OPT_INDENT_2)
            for path in (root / "summary.json", summary_path):
                if path is not None and not (temporary and path.parent == root):
                    with atomic_writer(path) as stream:
                        stream.write(text + b"\n")
            return BatchResult(True, None, summary, output, rejects)
    finally:
        if temporary:
            shutil.rmtree(root, ignore_errors=True)


def _drive(pool: TaskPool, runner: _Runner, sources: list[_Source], shard_docs: int) -> None:
    # Biggest first: the sources left at the end, when workers run out of whole
    # sources and split the last ones, are the small ones.
    pending = deque(sorted(sources, key=lambda s: -s.size))
    while True:
        if runner.stop.signal is not None:
            pending.clear()
        while pending and pool.free() > 0:
            source = pending.popleft()
            pool.submit(source.spec, shard_docs=shard_docs, context=source)
        pool.step(0.5, may_split=not pending and runner.stop.signal is None)
        counts = runner.counts.outcomes
        runner.progress.update(
            docs=counts["book"] + counts["reject"],
            books=counts["book"],
            rejects=counts["reject"],
            bytes_done=runner.bytes_done,
        )
        if not pending and not pool.busy():
            return
