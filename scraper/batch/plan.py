"""PLAN: the inputs of a batch run as an ordered list of work sources, and their keys.

Inputs are expanded the way :func:`scraper.sources.iter_pages` expands them
(files, folders walked in sorted order, globs, ``-``), but files are not read
yet: an archive becomes one :class:`InputFile`, and runs of loose page files are
grouped so that a folder of a million pages makes a thousand shards, not a
million. Every source gets a key from its URI and the sha256 of its bytes, so
a changed input at the same path gets a new key and is done again.
"""

from __future__ import annotations

import glob
import hashlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scraper.sources import ARCHIVE_READERS, RawPage, SkippedInput, check_file, walk_folder

__all__ = ["InputFile", "PageGroup", "expand_inputs", "file_sha256", "group_sources", "unit_key"]


@dataclass(frozen=True, slots=True)
class InputFile:
    """A readable regular file named by the inputs: an archive or one page."""

    path: Path
    size: int

    @property
    def uri(self) -> str:
        """The URI records name it by (the path as the user spelled it)."""
        return str(self.path)

    @property
    def is_archive(self) -> bool:
        """True when an archive reader claims the file's suffix."""
        name = self.path.name.lower()
        return any(name.endswith(suffix) for suffix in ARCHIVE_READERS)


Entry = InputFile | SkippedInput | RawPage  # RawPage only for stdin


@dataclass(frozen=True, slots=True)
class PageGroup:
    """Consecutive loose pages (and skipped inputs) that form one unit of work."""

    entries: tuple[InputFile | SkippedInput | RawPage, ...]


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in chunks."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def unit_key(*parts: str) -> str:
    """A short, filesystem-safe key for a unit of work.

    >>> unit_key("a.warc.gz", "0" * 64, "1000")
    'c158ff1583b99a1a56aca802'
    """
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _check_file(path: Path, root: Path | None) -> Entry:
    checked = check_file(path, root=root)
    return checked if isinstance(checked, SkippedInput) else InputFile(path, checked)


def _walk(folder: Path) -> Iterator[Entry]:
    for item in walk_folder(folder):
        yield item if isinstance(item, SkippedInput) else _check_file(item, folder)


def expand_inputs(inputs: Iterable[str], *, stdin: bytes | None = None) -> Iterator[Entry]:
    """Every file named by the inputs, in order, or the reason it gives nothing."""
    for spec in inputs:
        if spec == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            yield RawPage(uri="-", data=data) if data else SkippedInput("-", "empty input on stdin")
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists() or path.is_symlink():
            yield _check_file(path, None)
        elif glob.has_magic(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                yield SkippedInput(spec, "glob matched nothing")
            for match in matches:
                found = Path(match)
                yield from (_walk(found) if found.is_dir() else [_check_file(found, None)])
        else:
            yield SkippedInput(spec, "no such file, folder or glob match")


def group_sources(entries: Iterable[Entry], group_size: int) -> Iterator[InputFile | PageGroup]:
    """Archives one by one; everything else in groups of up to ``group_size``, in order."""
    group: list[Entry] = []
    for entry in entries:
        if isinstance(entry, InputFile) and entry.is_archive:
            if group:
                yield PageGroup(tuple(group))
                group = []
            yield entry
            continue
        group.append(entry)
        if len(group) >= group_size:
            yield PageGroup(tuple(group))
            group = []
    if group:
        yield PageGroup(tuple(group))
