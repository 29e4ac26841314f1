"""TASKS: what a worker is given to read, and how it reads it.

Workers read their own inputs: the main process hands out a source (an archive,
a group of loose page files, or one page by value) and where to start in it,
never the pages' bytes. Inside a source, items are numbered from 0 in reading
order, and chunk ``c`` (a unit of work, one shard) holds items
``c * shard_docs`` to ``(c + 1) * shard_docs - 1``, exactly as a walk from the
start of the source would number them.

A walk can start part-way through a source at a *cursor* (a WARC member offset,
a group entry index) that an earlier walk reported for one of its items; the
items from there on are the same as the full walk's. Sources without cursors
(tar, zip, a whole-file gzip WARC) are read from their start.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scraper.archives import WarcCursor, read_warc, read_warc_items
from scraper.batch.plan import InputFile, file_sha256, unit_key
from scraper.records import RejectReason
from scraper.sources import ARCHIVE_READERS, RawPage, SkippedInput, kind_from_suffix

__all__ = [
    "ArchiveSource",
    "Cursor",
    "GroupSource",
    "Item",
    "PageSource",
    "SourceSpec",
    "Task",
    "Verdict",
    "source_key",
    "walk",
]

Item = RawPage | SkippedInput
# Where an item starts: a WARC cursor, a group entry index, or None (read from the start).
Cursor = WarcCursor | int | None


@dataclass(frozen=True, slots=True)
class ArchiveSource:
    """An archive file, read by the worker."""

    path: Path
    uri: str


@dataclass(frozen=True, slots=True)
class GroupSource:
    """Loose page files (and skipped inputs), read by the worker; stdin comes by value."""

    entries: tuple[InputFile | SkippedInput | RawPage, ...]

    @property
    def uri(self) -> str:
        """The URI the group's ledger line names (its first entry's)."""
        first = self.entries[0]
        return "-" if isinstance(first, RawPage) else first.uri


@dataclass(frozen=True, slots=True)
class PageSource:
    """One page sent by value (the per-document API of :class:`~scraper.batch.pool.DocPool`)."""

    page: RawPage


SourceSpec = ArchiveSource | GroupSource | PageSource


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome decided for an item the worker must not run again.

    ``reading`` verdicts are for an item whose *reading* killed or stalled its
    worker: the source ends there with an ``unreadable`` reject.
    """

    reason: RejectReason
    detail: str
    reading: bool = False
    attempts: int = 0  # > 0: a dead letter (the page killed its worker this many times)
    last_exit: str = ""


@dataclass(frozen=True, slots=True)
class Task:
    """A stretch of a source for one worker.

    The worker walks the source from ``cursor`` (item number ``start``), reads
    through the items before ``run_from`` and runs the per-document function on
    the items from there, chunk by chunk, stopping before ``run_to``. With
    ``ask``, it asks the main process before running each chunk other than
    ``granted`` (run, skip because the ledger has it, or stop).
    """

    task_id: int
    source: SourceSpec
    shard_docs: int
    key: str | None = None  # the source's key; None: the worker computes it
    start: int = 0
    cursor: Cursor = None
    payloads: dict[str, int] = field(default_factory=dict)  # WARC revisit state at the cursor
    run_from: int = 0
    run_to: int | None = None
    granted: int = -1
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    ask: bool = True
    outcomes: bool = False  # send each DocOutcome (per-document API) instead of JSONL batches


def source_key(source: SourceSpec, shard_docs: int) -> str:
    """The source's key, from its content, so a changed input is done again."""
    if isinstance(source, ArchiveSource):
        try:
            sha = file_sha256(source.path)
        except OSError as exc:
            sha = f"unreadable: {exc}"
        return unit_key(source.uri, sha, str(shard_docs))
    if isinstance(source, PageSource):
        return unit_key("page", source.page.uri, source.page.digest())
    parts = []
    for entry in source.entries:
        if isinstance(entry, InputFile):
            try:
                parts.append(f"{entry.uri}\0{file_sha256(entry.path)}")
            except OSError as exc:
                parts.append(f"{entry.uri}\0unreadable: {exc}")
        elif isinstance(entry, RawPage):
            parts.append(f"{entry.uri}\0{entry.digest()}")
        else:
            parts.append(f"{entry.uri}\0{entry.reason}")
    return unit_key("pages", *parts, str(shard_docs))


def seekable(source: SourceSpec) -> bool:
    """True when a walk can start at any item without reading the ones before it."""
    return isinstance(source, (GroupSource, PageSource))


def walk(source: SourceSpec, start: int, cursor: Cursor, payloads: dict[str, int]) -> Iterator[tuple[Item, Cursor]]:
    """The items of ``source`` from item ``start`` (at ``cursor``), each with its cursor.

    ``payloads`` is updated in place as a WARC walk reads pages (revisit state).
    """
    if isinstance(source, PageSource):
        if start == 0:
            yield source.page, 0
        return
    if isinstance(source, GroupSource):
        for index in range(start, len(source.entries)):
            yield _load(source.entries[index]), index
        return
    yield from _archive_items(source, cursor, payloads)


def _archive_items(source: ArchiveSource, cursor: Cursor, payloads: dict[str, int]) -> Iterator[tuple[Item, Cursor]]:
    name = source.path.name.lower()
    reader = next(r for s, r in ARCHIVE_READERS.items() if name.endswith(s))
    try:
        if reader is read_warc:
            start = cursor if isinstance(cursor, WarcCursor) else None
            yield from read_warc_items(source.path, start, payloads)
        else:
            for item in reader(source.path):
                yield item, None
    except OSError as exc:  # the file vanished or the disk failed mid-read
        yield SkippedInput(source.uri, f"unreadable: {exc.strerror or exc}"), None


def _load(entry: InputFile | SkippedInput | RawPage) -> Item:
    if not isinstance(entry, InputFile):
        return entry
    try:
        data = entry.path.read_bytes()
    except OSError as exc:
        return SkippedInput(entry.uri, f"unreadable: {exc.strerror or exc}")
    return RawPage(uri=entry.uri, data=data, kind=kind_from_suffix(entry.path.name))
