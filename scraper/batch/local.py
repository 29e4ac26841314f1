"""LOCAL ENGINE: a resumable batch run on this machine's cores.

    inputs -> plan (files, keys) -> units of up to shard_docs documents
           -> DocPool (per-document limits) -> shards + ledger (job dir)
           -> merge (in input order) -> -o file, rejects, summary

The main process reads the archives and writes shards; workers only run the
per-document function. A unit's shard is written once all of its documents are
back, in reading order, so its content does not depend on scheduling, and the
merged output does not depend on how often the job was interrupted.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import orjson

import scraper.archives  # noqa: F401  # registers the archive readers
from scraper.batch.config import BatchConfig
from scraper.batch.jobdir import JobDir, UnitRecord
from scraper.batch.merge import merge_shards
from scraper.batch.outcome import DocFunction, DocOutcome, skipped_outcome
from scraper.batch.plan import (
    InputFile,
    PageGroup,
    expand_inputs,
    file_sha256,
    group_sources,
    unit_key,
)
from scraper.batch.pool import DeadLetter, DocPool
from scraper.batch.progress import make_progress
from scraper.batch.shards import atomic_writer, temp_path
from scraper.batch.summary import Tally, build_summary
from scraper.sources import ARCHIVE_READERS, RawPage, SkippedInput, kind_from_suffix

__all__ = ["BatchResult", "default_rejects_path", "run_local"]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """How a batch run ended and where its outputs are."""

    complete: bool  # False when a signal stopped it before every unit was done
    interrupted_by: str | None
    summary: dict[str, Any]
    output: Path | None
    rejects: Path | None


@dataclass(slots=True)
class _Unit:
    """A unit being filled: its outcomes arrive out of order and are kept in reading order."""

    key: str
    source: str
    chunk: int
    uri: str
    outcomes: list[DocOutcome | None] = field(default_factory=list)
    waiting: int = 0
    closed: bool = False
    last: bool = False


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


Event = tuple[str, Any, Any]


class _Walk:
    """The inputs as a stream of unit events, skipping the units the ledger has."""

    def __init__(self, inputs: Sequence[InputFile | PageGroup], job: JobDir, shard_docs: int,
                 stop: _Stop) -> None:
        self.inputs = inputs
        self.job = job
        self.shard_docs = shard_docs
        self.stop = stop
        self.stopped_early = False
        self.bytes_done = 0

    def __iter__(self) -> Iterator[Event]:
        for source in self.inputs:
            if self.stop.signal is not None:
                self.stopped_early = True
                return
            if isinstance(source, InputFile):
                yield from self._archive(source)
                self.bytes_done += source.size
            else:
                yield from self._group(source)
            if self.stopped_early:
                return

    def _archive(self, archive: InputFile) -> Iterator[Event]:
        try:
            sha = file_sha256(archive.path)
        except OSError as exc:
            sha = f"unreadable: {exc}"
        source = unit_key(archive.uri, sha, str(self.shard_docs))
        finished = self.job.finished_source(source)
        if finished is not None:
            for record in finished:
                yield ("done", record.key, None)
            return
        items = self._read(archive)
        upcoming = next(items, None)
        chunk = 0
        while True:
            key = f"{source}-{chunk:06d}"
            skip = self.job.done(key) is not None
            unit = _Unit(key, source, chunk, archive.uri)
            if skip:
                yield ("done", key, None)
            elif self.stop.signal is not None:
                self.stopped_early = True
                return
            else:
                yield ("begin", unit, None)
            count = 0
            while upcoming is not None and count < self.shard_docs:
                if not skip:
                    yield ("item", unit, upcoming)
                count += 1
                upcoming = next(items, None)
            if not skip:
                yield ("end", unit, upcoming is None)
            if upcoming is None:
                return
            chunk += 1

    def _read(self, archive: InputFile) -> Iterator[RawPage | SkippedInput]:
        name = archive.path.name.lower()
        reader = next(r for s, r in ARCHIVE_READERS.items() if name.endswith(s))
        try:
            yield from reader(archive.path)
        except OSError as exc:  # the file vanished or the disk failed mid-read
            yield SkippedInput(archive.uri, f"unreadable: {exc.strerror or exc}")

    def _group(self, group: PageGroup) -> Iterator[Event]:
        parts = []
        for entry in group.entries:
            if isinstance(entry, InputFile):
                try:
                    parts.append(f"{entry.uri}\0{file_sha256(entry.path)}")
                except OSError as exc:
                    parts.append(f"{entry.uri}\0unreadable: {exc}")
            elif isinstance(entry, RawPage):
                parts.append(f"{entry.uri}\0{entry.digest()}")
            else:
                parts.append(f"{entry.uri}\0{entry.reason}")
        source = unit_key("pages", *parts, str(self.shard_docs))
        key = f"{source}-000000"
        if self.job.done(key) is not None:
            yield ("done", key, None)
            return
        first = group.entries[0]
        unit = _Unit(key, source, 0, first.uri if not isinstance(first, RawPage) else "-")
        yield ("begin", unit, None)
        for entry in group.entries:
            yield ("item", unit, _load(entry))
        yield ("end", unit, True)


def _load(entry: InputFile | SkippedInput | RawPage) -> RawPage | SkippedInput:
    if not isinstance(entry, InputFile):
        return entry
    try:
        data = entry.path.read_bytes()
    except OSError as exc:
        return SkippedInput(entry.uri, f"unreadable: {exc.strerror or exc}")
    return RawPage(uri=entry.uri, data=data, kind=kind_from_suffix(entry.path.name))


class _Runner:
    def __init__(self, job: JobDir, pool: DocPool) -> None:
        self.job = job
        self.pool = pool
        self.docs: dict[int, tuple[_Unit, int]] = {}
        self.next_id = 0
        self.order: list[str] = []
        self.counts = Tally()  # this run's documents, for progress and speed

    def handle(self, event: Event) -> None:
        kind, subject, extra = event
        if kind == "done":
            self.order.append(subject)
        elif kind == "begin":
            self.order.append(subject.key)
        elif kind == "item":
            unit: _Unit = subject
            index = len(unit.outcomes)
            unit.outcomes.append(None)
            if isinstance(extra, RawPage):
                unit.waiting += 1
                self.docs[self.next_id] = (unit, index)
                self.pool.put(self.next_id, extra)
                self.next_id += 1
            else:
                unit.outcomes[index] = outcome = skipped_outcome(extra)
                self.counts.add(outcome)
        elif kind == "end":
            subject.closed = True
            subject.last = bool(extra)
            self._maybe_commit(subject)

    def collect(self, timeout: float) -> None:
        for doc_id, outcome in self.pool.poll(timeout):
            unit, index = self.docs.pop(doc_id)
            unit.outcomes[index] = outcome
            unit.waiting -= 1
            self.counts.add(outcome)
            self._maybe_commit(unit)

    def _maybe_commit(self, unit: _Unit) -> None:
        if not unit.closed or unit.waiting:
            return
        tally = Tally()
        books: list[bytes] = []
        rejects: list[bytes] = []
        for outcome in unit.outcomes:
            assert outcome is not None
            tally.add(outcome)
            if outcome.kind == "book":
                books.append(outcome.line)
            elif outcome.kind == "reject":
                rejects.append(outcome.line)
        record = UnitRecord(unit.key, unit.source, unit.chunk, unit.last, unit.uri,
                            tally.to_dict())
        self.job.commit(record, books, rejects)
        unit.outcomes = []


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
        from scraper.pipeline import clean_page

        doc_function = clean_page
    temporary = job_dir is None
    root = Path(tempfile.mkdtemp(prefix="catalog-batch-")) if job_dir is None else job_dir
    stop = _Stop()
    started = time.monotonic()
    try:
        with JobDir(root) as job:
            for path in (output, rejects, summary_path):
                if path is not None:
                    temp_path(path).unlink(missing_ok=True)  # left by a killed run
            sources = list(group_sources(expand_inputs(inputs, stdin=stdin), config.shard_docs))
            total = sum(s.size for s in sources if isinstance(s, InputFile))
            walk = _Walk(sources, job, config.shard_docs, stop)
            progress = make_progress(config.progress, total, config.log_every)

            def dead_letter(letter: DeadLetter) -> None:
                job.dead_letter(letter)
                progress.note(
                    f"dead letter: {letter.page.uri} killed its worker {letter.attempts} times "
                    f"({letter.last_exit}); its bytes are in {root / 'dead-letter'}"
                )

            previous = _install_signals(stop)
            try:
                with DocPool(doc_function, workers=config.worker_count,
                             doc_timeout=config.doc_timeout, doc_memory_mb=config.doc_memory_mb,
                             crash_attempts=config.crash_attempts,
                             on_dead_letter=dead_letter) as pool:
                    runner = _Runner(job, pool)
                    _drive(runner, iter(walk), progress, walk)
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
            tally = Tally()
            for key in runner.order:
                record = job.done(key)
                if record is not None:
                    tally.merge(Tally.from_dict(record.stats))
            summary = build_summary(tally, run)
            if walk.stopped_early:
                summary["run"]["interrupted_by"] = stop.signal
                return BatchResult(False, stop.signal, summary, None, None)
            merge_shards((job.shard(k, "books") for k in runner.order), output,
                         config.output_format)
            if rejects is not None:
                merge_shards((job.shard(k, "rejects") for k in runner.order), rejects, "jsonl")
            text = orjson.dumps(summary, option=orjson.OPT_INDENT_2)
            for path in (root / "summary.json", summary_path):
                if path is not None and not (temporary and path.parent == root):
                    with atomic_writer(path) as stream:
                        stream.write(text + b"\n")
            return BatchResult(True, None, summary, output, rejects)
    finally:
        if temporary:
            shutil.rmtree(root, ignore_errors=True)


def _drive(runner: _Runner, events: Iterator[Event], progress: Any, walk: _Walk) -> None:
    pool = runner.pool
    exhausted = False
    while True:
        while not exhausted and pool.wants_more():
            event = next(events, None)
            if event is None:
                exhausted = True
                break
            runner.handle(event)
        if pool.busy():
            runner.collect(0.5)
        counts = runner.counts.outcomes
        progress.update(docs=counts["book"] + counts["reject"], books=counts["book"],
                        rejects=counts["reject"], bytes_done=walk.bytes_done)
        if exhausted and not pool.busy():
            return
