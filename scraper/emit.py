"""EMIT: where results go. JSON lines for books and rejects, and the run summary.

Every input ends as exactly one line somewhere: a Book in the books file, a
Reject (or a skipped input) in the rejects file. :class:`RunSummary` counts
all of it, so the numbers a user reads on stderr add up to what was named on
the command line.

A skipped input (a missing file, a non-page file in a folder) is not a Reject
model, since it never had bytes to name; its line has the same keys with
``reason: "skipped"`` so one reader handles both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from scraper.records import Book, Reject
from scraper.sources import SkippedInput

__all__ = ["JsonlWriter", "RunSummary", "book_line", "reject_line"]

SKIPPED = "skipped"
TOP_RULES = 10


def book_line(book: Book, *, keep_removed: bool = True) -> bytes:
    """One Book as a JSON line; ``keep_removed=False`` leaves out the ``removed`` list.

    The key is dropped rather than emptied, so a reader never mistakes a
    trimmed record for one from which nothing was removed.

    >>> from scraper.records import Source
    >>> book = Book(title="Mort", source=Source(uri="mort.html", sha256="0" * 64))
    >>> book_line(book)[:16]
    b'{"title":"Mort",'
    >>> b'"removed"' in book_line(book, keep_removed=False)
    False
    """
    data = book.model_dump(mode="json")
    if not keep_removed:
        del data["removed"]
    return orjson.dumps(data) + b"\n"


def reject_line(item: Reject | SkippedInput, *, keep_removed: bool = True) -> bytes:
    """One Reject, or a skipped input in the Reject's shape, as a JSON line.

    >>> reject_line(SkippedInput("notes.md", "not a page file"))[:70]
    b'{"source":null,"input":"notes.md","reason":"skipped","detail":"not a p'
    """
    data: dict[str, Any]
    if isinstance(item, SkippedInput):
        data = {"source": None, "input": item.uri, "reason": SKIPPED, "detail": item.reason}
        data["removed"] = []
    else:
        data = item.model_dump(mode="json")
    if not keep_removed:
        del data["removed"]
    return orjson.dumps(data) + b"\n"


class JsonlWriter:
    """Write JSON lines to a binary stream, flushing each line.

    Flushing per line means a reader following the file (``tail -f``, a pipe
    into ``jq``) sees each record as soon as its page is done, and a run that
    is killed leaves only whole lines behind.
    """

    def __init__(self, stream: IO[bytes], *, keep_removed: bool = True) -> None:
        self._stream = stream
        self.keep_removed = keep_removed
        self.lines = 0

    def write(self, item: Book | Reject | SkippedInput) -> None:
        """Write one result; a Book gets the book form, anything else the reject form."""
        if isinstance(item, Book):
            line = book_line(item, keep_removed=self.keep_removed)
        else:
            line = reject_line(item, keep_removed=self.keep_removed)
        self._stream.write(line)
        self._stream.flush()
        self.lines += 1


@dataclass(slots=True)
class RunSummary:
    """What a run did: records, rejects by reason, skipped inputs by reason, removals by rule.

    >>> from scraper.records import Removal, Source
    >>> summary = RunSummary()
    >>> src = Source(uri="a.html", sha256="0" * 64)
    >>> cut = (Removal(rule="duplicate_heading", text="Mort"),)
    >>> summary.add(Book(title="Mort", source=src, removed=cut))
    >>> summary.add(Reject(input="b.html", reason="error_page"))
    >>> summary.add(SkippedInput("c.md", "not a page file"))
    >>> print(summary.render())
    clean: 3 inputs -> 1 record, 1 reject, 1 skipped
      rejects: error_page 1
      skipped: not a page file 1
      removals: 1 block by 1 rule
        duplicate_heading 1
    """

    records: int = 0
    rejects: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    removals: Counter[str] = field(default_factory=Counter)
    non_pages: int = 0  # archive records that are not pages (requests, images...): no reject

    def add_non_page(self) -> None:
        """Count an archive record that is not a page; it is neither a record nor a reject."""
        self.non_pages += 1

    def add(self, item: Book | Reject | SkippedInput) -> None:
        """Count one result. Removals are counted for rejects too: they were cut all the same."""
        if isinstance(item, SkippedInput):
            self.skipped[item.reason] += 1
            return
        if isinstance(item, Book):
            self.records += 1
        else:
            self.rejects[item.reason] += 1
        self.removals.update(r.rule for r in item.removed)

    @property
    def pages(self) -> int:
        """Inputs that had bytes to clean: every one ended as a record or a reject."""
        return self.records + self.rejects.total()

    @property
    def inputs(self) -> int:
        """Everything counted: pages plus skipped inputs."""
        return self.pages + self.skipped.total()

    def as_dict(self) -> dict[str, Any]:
        """The counts as plain JSON-ready data."""
        return {
            "records": self.records,
            "rejects": dict(self.rejects.most_common()),
            "skipped": dict(self.skipped.most_common()),
            "removals": dict(self.removals.most_common()),
            "non_page_records": self.non_pages,
        }

    def render(self, *, top: int = TOP_RULES) -> str:
        """A short human summary for stderr: totals, then reasons and the ``top`` rules."""
        lines = [
            f"clean: {_plural(self.inputs, 'input')} -> {_plural(self.records, 'record')}, "
            f"{_plural(self.rejects.total(), 'reject')}, {self.skipped.total()} skipped"
        ]
        if self.non_pages:
            lines.append(f"  non-page archive records passed over: {self.non_pages}")
        if self.rejects:
            lines.append("  rejects: " + _counts(self.rejects, ", "))
        if self.skipped:
            lines.append("  skipped: " + _counts(self.skipped, "; "))
        if self.removals:
            blocks, rules = self.removals.total(), len(self.removals)
            lines.append(f"  removals: {_plural(blocks, 'block')} by {_plural(rules, 'rule')}")
            lines += [f"    {rule} {count}" for rule, count in self.removals.most_common(top)]
            if len(self.removals) > top:
                lines.append(f"    ... and {len(self.removals) - top} more rules")
        return "\n".join(lines)


def _counts(counter: Counter[str], sep: str) -> str:
    return sep.join(f"{key} {count}" for key, count in counter.most_common())


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
