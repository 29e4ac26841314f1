"""The job dir: a lock, a ledger of units done, their shards, and the dead letters.

    DIR/lock                 flock held by the running job (another run is refused)
    DIR/ledger.jsonl         one line per unit done: key, source, chunk, counts
    DIR/shards/KEY.books.jsonl, KEY.rejects.jsonl
    DIR/dead-letter.jsonl    documents that killed their worker on every attempt
    DIR/dead-letter/SHA.bin  their bytes, to reproduce the crash

A unit is done when its ledger line is on disk; its shards are renamed into
place before that line is written. A unit whose shards exist without a ledger
line was interrupted between the two and is simply done again (same content).
A document that is a dead letter again in a resumed run (its unit was not done
when the run was killed) is not listed twice.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from scraper.batch.errors import BatchError, JobDirLocked
from scraper.batch.pool import DeadLetter
from scraper.batch.shards import TEMP_SUFFIX, atomic_writer, write_blobs

__all__ = ["JobDir", "UnitRecord"]


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """A ledger line: a unit that is done, and what its shards hold."""

    key: str
    source: str  # the key of the archive or page group the unit belongs to
    chunk: int
    last: bool  # the source's final unit
    uri: str
    stats: dict[str, Any]


class JobDir:
    """An open, locked job dir. Use as a context manager."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.shards = root / "shards"
        self._ledger_path = root / "ledger.jsonl"
        self._lock_fd = -1
        self._ledger: dict[str, UnitRecord] = {}
        self._by_source: dict[str, dict[int, UnitRecord]] = {}
        self._letters: set[tuple[str, str]] = set()  # (uri, sha256) in dead-letter.jsonl

    def __enter__(self) -> JobDir:
        try:
            self.shards.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"cannot create job dir {self.root}: {exc.strerror or exc}") from exc
        self._lock()
        self._clean_temps()
        self._load_ledger()
        self._load_letters()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = -1

    def _lock(self) -> None:
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise JobDirLocked(
                f"job dir {self.root} is in use by another run (pid {holder}); wait for it to finish or stop it"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _clean_temps(self) -> None:
        for folder in (self.root, self.shards, self.root / "dead-letter"):
            for path in folder.glob(f".*{TEMP_SUFFIX}"):
                path.unlink(missing_ok=True)

    @staticmethod
    def _read_appended(path: Path) -> bytes:
        """The whole lines of an append-only file; a torn last line is cut off."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return b""
        if data and not data.endswith(b"\n"):
            # Killed mid-append: drop the torn line so the next append starts clean.
            keep = data.rfind(b"\n") + 1
            with open(path, "r+b") as stream:
                stream.truncate(keep)
            data = data[:keep]
        return data

    def _load_letters(self) -> None:
        for line in self._read_appended(self.root / "dead-letter.jsonl").splitlines():
            try:
                entry = orjson.loads(line)
                self._letters.add((str(entry["uri"]), str(entry["sha256"])))
            except (orjson.JSONDecodeError, KeyError, TypeError):
                continue

    def _load_ledger(self) -> None:
        data = self._read_appended(self._ledger_path)
        for line in data.splitlines():
            try:
                record = UnitRecord(**orjson.loads(line))
            except (orjson.JSONDecodeError, TypeError):
                continue
            self._remember(record)

    def _remember(self, record: UnitRecord) -> None:
        self._ledger[record.key] = record
        self._by_source.setdefault(record.source, {})[record.chunk] = record

    def done(self, key: str) -> UnitRecord | None:
        """The ledger line of a unit, when it is done."""
        return self._ledger.get(key)

    def finished_source(self, source: str) -> list[UnitRecord] | None:
        """All units of a source in order, when every one of them is done."""
        chunks = self._by_source.get(source, {})
        lasts = [c for c, r in chunks.items() if r.last]
        if not lasts:
            return None
        last = min(lasts)
        if any(c not in chunks for c in range(last + 1)):
            return None
        return [chunks[c] for c in range(last + 1)]

    def shard(self, key: str, kind: str) -> Path:
        """The path of a unit's ``books`` or ``rejects`` shard."""
        return self.shards / f"{key}.{kind}.jsonl"

    def commit(self, record: UnitRecord, books: Iterable[bytes], rejects: Iterable[bytes]) -> None:
        """Write a unit's shards, then its ledger line: from then on it is done.

        ``books`` and ``rejects`` are runs of JSON lines, each ending with a newline.
        """
        write_blobs(self.shard(record.key, "books"), books)
        write_blobs(self.shard(record.key, "rejects"), rejects)
        line = orjson.dumps(
            {
                "key": record.key,
                "source": record.source,
                "chunk": record.chunk,
                "last": record.last,
                "uri": record.uri,
                "stats": record.stats,
            }
        )
        with open(self._ledger_path, "ab") as stream:
            stream.write(line + b"\n")
            stream.flush()
            os.fsync(stream.fileno())
        self._remember(record)

    def dead_letter(self, letter: DeadLetter) -> None:
        """Keep a document that killed its worker, with its bytes, for a bug report."""
        digest = letter.page.digest()
        if (letter.page.uri, digest) in self._letters:
            return  # a resumed run met it again: its unit was not done before the kill
        folder = self.root / "dead-letter"
        folder.mkdir(exist_ok=True)
        with atomic_writer(folder / f"{digest}.bin") as stream:
            stream.write(letter.page.data)
        entry = {
            "uri": letter.page.uri,
            "url": letter.page.url,
            "sha256": digest,
            "attempts": letter.attempts,
            "last_exit": letter.last_exit,
            "bytes": f"dead-letter/{digest}.bin",
        }
        with open(self.root / "dead-letter.jsonl", "ab") as stream:
            stream.write(orjson.dumps(entry) + b"\n")
            stream.flush()
            os.fsync(stream.fileno())
        self._letters.add((letter.page.uri, digest))
