"""What one document became, in the compact form workers send back.

A worker turns a Book or Reject into its JSON line and the few facts the
summary counts, so the main process only appends bytes and adds up numbers.
Inputs that never reach a worker (skipped files, archive damage, records that
are not pages) become outcomes here too, so every input ends in exactly one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Literal, NamedTuple

from scraper.records import Book, Reject, RejectReason, Source
from scraper.sources import RawPage, SkippedInput

__all__ = [
    "DocFunction",
    "DocOutcome",
    "LazyFunction",
    "encode_result",
    "reject_outcome",
    "run_document",
    "skipped_outcome",
]

DocFunction = Callable[[RawPage], "Book | Reject"]
OutcomeKind = Literal["book", "reject", "skipped"]
MAX_DETAIL = 500  # an exception message can hold a whole page; the reject needs a hint


class LazyFunction:
    """A per-document function named by module and attribute, imported where it is first
    called: the main process hands ``clean_page`` to its workers without importing the
    pipeline itself (it never parses a page).

    >>> import pickle
    >>> sent = pickle.loads(pickle.dumps(LazyFunction("scraper.pipeline", "clean_page")))
    >>> sent.module, sent.name, sent._function is None
    ('scraper.pipeline', 'clean_page', True)
    """

    def __init__(self, module: str, name: str) -> None:
        self.module = module  # what the fork server preloads
        self.name = name
        self._function: DocFunction | None = None

    def __call__(self, page: RawPage) -> Book | Reject:
        if self._function is None:
            self._function = getattr(importlib.import_module(self.module), self.name)
        return self._function(page)

    def __reduce__(self) -> tuple[type[LazyFunction], tuple[str, str]]:
        return LazyFunction, (self.module, self.name)


CLEAN_PAGE = LazyFunction("scraper.pipeline", "clean_page")


class DocOutcome(NamedTuple):
    """One document's result: its output line and what the summary counts."""

    kind: OutcomeKind
    line: bytes  # the record's JSON, no newline; empty for "skipped"
    reason: str  # reject reason, or skip reason; "" for a book
    fields: tuple[str, ...] = ()  # Book fields that hold a value
    removals: tuple[str, ...] = ()  # the rule of every removed block
    fault_bytes: int = 0  # archive bytes skipped past damage


def _filled(book: Book) -> tuple[str, ...]:
    data = book.model_dump(exclude={"source", "removed", "provenance"})
    return tuple(name for name, value in data.items() if value not in (None, (), [], "", False))


def encode_result(result: Book | Reject) -> DocOutcome:
    """A Book or Reject as an outcome."""
    removals = tuple(r.rule for r in result.removed)
    line = result.model_dump_json().encode()
    if isinstance(result, Book):
        return DocOutcome("book", line, "", _filled(result), removals)
    return DocOutcome("reject", line, result.reason, (), removals)


def reject_outcome(page: RawPage, reason: RejectReason, detail: str) -> DocOutcome:
    """A reject for a page the per-document function gave no answer for."""
    source = Source(uri=page.uri, sha256=page.digest())
    return encode_result(Reject(source=source, input=page.uri, reason=reason, detail=detail))


def run_document(function: DocFunction, page: RawPage) -> DocOutcome:
    """Run the per-document function; an exception becomes a ``parse_failed`` reject."""
    try:
        return encode_result(function(page))
    except MemoryError:
        raise  # the worker must die and be replaced: its heap may be in pieces
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}"[:MAX_DETAIL]
        return reject_outcome(page, "parse_failed", detail)


def skipped_outcome(item: SkippedInput) -> DocOutcome:
    """An input with no page: a counted skip for non-page archive records, else a reject."""
    from scraper.archives import ArchiveFault, SkippedRecord

    if isinstance(item, SkippedRecord):
        return DocOutcome("skipped", b"", reason_key(item.reason))
    reason: RejectReason = "empty_input" if "empty" in item.reason else "unreadable"
    reject = Reject(input=item.uri, reason=reason, detail=item.reason[:MAX_DETAIL])
    fault = item.skipped_bytes if isinstance(item, ArchiveFault) else 0
    return DocOutcome("reject", reject.model_dump_json().encode(), reason, fault_bytes=fault)


def reason_key(reason: str) -> str:
    """A skip reason without its particulars, for counting.

    >>> reason_key("not an HTML response (image/png)")
    'not an HTML response'
    """
    return reason.split(" (", 1)[0]
