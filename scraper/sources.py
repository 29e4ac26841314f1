"""SOURCES: where pages come from -> :class:`RawPage`.

A user names inputs as files, folders (walked recursively), globs, or ``-`` for
stdin. Every named input yields pages or a :class:`SkippedInput` saying why it
gave none, so nothing vanishes between the command line and the summary.

Folder walks pick page files by suffix (:data:`PAGE_SUFFIXES`); a file named
explicitly is always read and its content sniffed. Archive formats plug in
through :data:`ARCHIVE_READERS` (suffix -> reader), so the folder walk and the
command line treat them like any other input.
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = [
    "ARCHIVE_READERS",
    "MAX_PAGE_BYTES",
    "PAGE_SUFFIXES",
    "MediaKind",
    "RawPage",
    "SkippedInput",
    "check_file",
    "iter_pages",
    "kind_from_suffix",
    "walk_folder",
]

MediaKind = Literal["html", "text"]

# Suffixes a folder walk treats as pages. Anything else in a folder (gold files,
# images, notes) is reported as skipped rather than parsed as a book.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
PAGE_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES

# Pages larger than this are refused: catalog pages run to a few MB; a 200 MB
# "page" is a mistake or an attack, and parsing it would stall the batch.
MAX_PAGE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RawPage:
    """The bytes of one page and what is known of it before parsing.

    ``uri`` names the input (a path, ``-``, a URL, or ``archive#member``);
    ``url`` is the page's web address when one is known (a WARC record, a fetch).
    """

    uri: str
    data: bytes
    url: str | None = None
    kind: MediaKind | None = None  # None: sniff the content
    charset: str | None = None  # from HTTP headers, when known
    site: str | None = None  # grouping key for site profiles, when known
    sha256: str = field(default="", compare=False)

    def digest(self) -> str:
        """The sha256 of the page's bytes (computed once when not given)."""
        return self.sha256 or hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class SkippedInput:
    """An input that yielded no page, with the reason (it goes to the summary and rejects)."""

    uri: str
    reason: str


ArchiveReader = Callable[[Path], Iterator["RawPage | SkippedInput"]]

# Suffix (lower case, may be compound like ".warc.gz") -> reader. Filled by the
# archive readers when their optional module is importable.
ARCHIVE_READERS: dict[str, ArchiveReader] = {}


def kind_from_suffix(name: str) -> MediaKind | None:
    """Guess the media kind from a file name; None when the suffix says nothing.

    >>> kind_from_suffix("page.HTM"), kind_from_suffix("dump.txt"), kind_from_suffix("x")
    ('html', 'text', None)
    """
    suffix = os.path.splitext(name)[1].lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def _archive_reader(path: Path) -> ArchiveReader | None:
    name = path.name.lower()
    for suffix, reader in ARCHIVE_READERS.items():
        if name.endswith(suffix):
            return reader
    return None


def check_file(path: Path, *, root: Path | None) -> SkippedInput | int:
    """The size of a file that can be read as an input, or why it cannot.

    Shared by the page reader here and the batch planner, so a file is
    skipped for the same reasons whichever way the run goes.
    """
    uri = str(path)
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if root is not None and not target.is_relative_to(root.resolve()):
                return SkippedInput(uri, "symlink points outside the input folder")
            info = target.stat()
    except OSError as exc:
        return SkippedInput(uri, f"unreadable: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        return SkippedInput(uri, "not a regular file (FIFO, device or socket)")
    if info.st_size == 0:
        return SkippedInput(uri, "empty file")
    if not os.access(path, os.R_OK):
        return SkippedInput(uri, "unreadable: permission denied")
    if info.st_size > MAX_PAGE_BYTES and _archive_reader(path) is None:
        return SkippedInput(uri, f"larger than {MAX_PAGE_BYTES // 2**20} MiB")
    return info.st_size


def walk_folder(folder: Path) -> Iterator[Path | SkippedInput]:
    """The page and archive files under ``folder`` in sorted order; other files as skipped."""
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            lowered = name.lower()
            is_archive = any(lowered.endswith(s) for s in ARCHIVE_READERS)
            if not is_archive and os.path.splitext(lowered)[1] not in PAGE_SUFFIXES:
                yield SkippedInput(str(path), "not a page file (suffix not .html/.htm/.txt)")
            else:
                yield path


def _read_file(path: Path, *, root: Path | None) -> Iterator[RawPage | SkippedInput]:
    checked = check_file(path, root=root)
    if isinstance(checked, SkippedInput):
        yield checked
        return
    reader = _archive_reader(path)
    if reader is not None:
        yield from reader(path)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield SkippedInput(str(path), f"unreadable: {exc.strerror or exc}")
        return
    yield RawPage(uri=str(path), data=data, kind=kind_from_suffix(path.name))


def _walk_folder(folder: Path) -> Iterator[RawPage | SkippedInput]:
    for item in walk_folder(folder):
        if isinstance(item, SkippedInput):
            yield item
        else:
            yield from _read_file(item, root=folder)


def iter_pages(inputs: Iterable[str], *, stdin: bytes | None = None) -> Iterator[RawPage | SkippedInput]:
    """Yield every page named by ``inputs`` (files, folders, globs, ``-``), in order.

    >>> list(iter_pages(["/nonexistent/x.html"]))
    [SkippedInput(uri='/nonexistent/x.html', reason='no such file, folder or glob match')]
    """
    for spec in inputs:
        if spec == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            if not data:
                yield SkippedInput("-", "empty input on stdin")
            else:
                yield RawPage(uri="-", data=data)
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _walk_folder(path)
        elif path.exists() or path.is_symlink():
            yield from _read_file(path, root=None)
        elif glob.has_magic(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                yield SkippedInput(spec, "glob matched nothing")
            for match in matches:
                p = Path(match)
                yield from (_walk_folder(p) if p.is_dir() else _read_file(p, root=None))
        else:
            yield SkippedInput(spec, "no such file, folder or glob match")
