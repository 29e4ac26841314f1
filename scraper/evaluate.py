"""EVAL: score the cleaner against gold labels (the format of ``shared/corpus/README.md``).

Users run this on their own labelled pages to see where the cleaner stands
before they trust it with a batch. The rules here are the README's, field by
field; a page without a record scores zero on every field but ``yield``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stdnum import isbn as stdnum_isbn

from scraper.pipeline import DEFAULT_CONFIG, CleanConfig, clean_page
from scraper.records import Book, Reject
from scraper.sources import RawPage, kind_from_suffix

__all__ = ["FIELDS", "PageScore", "evaluate", "format_report", "norm"]

FIELDS = (
    "title",
    "full_title",
    "authors",
    "isbn",
    "publisher",
    "year",
    "language",
    "description",
    "residue_free",
    "yield",
)

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
    }
)


def norm(text: str | None) -> str:
    """The README's comparison form: NFC, casefolded, quotes and dashes folded, spaces collapsed.

    >>> norm("  The “Title” — Ünïcode ")
    'the "title" - ünïcode'
    """
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).translate(_QUOTES).casefold().split())


def _strip_trailing(text: str) -> str:
    return text.rstrip(" /:;.,")


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", norm(text))


@dataclass(slots=True)
class PageScore:
    """One page's result: field -> pass/fail (absent fields are not scored)."""

    file: str
    fields: dict[str, bool] = field(default_factory=dict)
    leaks: list[str] = field(default_factory=list)
    false_isbns: list[str] = field(default_factory=list)
    outcome: str = ""
    got: dict[str, Any] = field(default_factory=dict)


def _isbn13(value: str) -> str:
    compact = stdnum_isbn.compact(value)
    return str(stdnum_isbn.to_isbn13(compact)) if stdnum_isbn.is_valid(compact) else compact


def _authors(book: Book) -> set[str]:
    return {norm(c.name).replace(".", "").replace(" ", "") for c in book.contributors if c.role == "author"}


def score_page(gold: dict[str, Any], result: Book | Reject) -> PageScore:
    """Score one record against its gold entry."""
    score = PageScore(file=gold["file"], outcome=result.reason if isinstance(result, Reject) else "book")
    is_book = isinstance(result, Book)
    score.fields["yield"] = is_book == bool(gold.get("expect_record", True))
    if not gold.get("expect_record", True):
        return score
    if not isinstance(result, Book):
        for name in FIELDS[:-1]:
            score.fields[name] = False
        return score
    book = result
    score.got = {
        "title": book.title,
        "subtitle": book.subtitle,
        "authors": [c.name for c in book.contributors if c.role == "author"],
        "isbns": list(book.isbns),
        "publisher": book.publisher,
        "published": book.published,
        "language": book.language,
        "description": (book.description or "")[:80] + " … " + (book.description or "")[-80:],
    }
    title = _strip_trailing(norm(book.title))
    gold_title = _strip_trailing(norm(gold.get("title")))
    gold_full = _strip_trailing(
        norm(gold.get("title")) + (": " + norm(gold["subtitle"]) if gold.get("subtitle") else "")
    )
    full = _strip_trailing(norm(book.title) + (": " + norm(book.subtitle) if book.subtitle else ""))
    score.fields["title"] = title in {gold_title, gold_full}
    score.fields["full_title"] = full == gold_full
    gold_authors = {norm(a).replace(".", "").replace(" ", "") for a in gold.get("authors") or []}
    score.fields["authors"] = _authors(book) == gold_authors
    gold_isbns = {_isbn13(i) for i in [*(gold.get("isbn13") or []), *(gold.get("isbn10") or [])]}
    got_isbns = set(book.isbns)
    score.false_isbns = sorted(got_isbns - gold_isbns)
    score.fields["isbn"] = got_isbns == gold_isbns
    if gold.get("publisher") is not None:
        a, b = norm(book.publisher), norm(gold["publisher"])
        score.fields["publisher"] = bool(a) and (a in b or b in a)
    else:
        score.fields["publisher"] = book.publisher is None
    if gold.get("year") is not None:
        score.fields["year"] = book.published is not None and book.published[:4] == str(gold["year"])
    else:
        score.fields["year"] = book.published is None
    if gold.get("language"):
        score.fields["language"] = (book.language or "")[:2] == gold["language"][:2]
    start, end = gold.get("description_start"), gold.get("description_end")
    if start is None and end is None:
        score.fields["description"] = book.description is None
    else:
        desc = _squash(book.description)
        score.fields["description"] = desc.startswith(_squash(start)) and desc.endswith(_squash(end))
    texts = [
        book.title,
        book.subtitle or "",
        book.publisher or "",
        book.description or "",
        book.excerpt or "",
        *(c.name for c in book.contributors),
    ]
    haystack = norm("\n".join(texts))
    score.leaks = [s for s in gold.get("must_not_contain") or [] if norm(s) in haystack]
    score.fields["residue_free"] = not score.leaks
    return score


def evaluate(
    gold_path: Path,
    pages_dir: Path,
    *,
    config: CleanConfig = DEFAULT_CONFIG,
    cleaner: Callable[[RawPage], Book | Reject] | None = None,
) -> list[PageScore]:
    """Clean every gold page and score it."""
    entries = json.loads(gold_path.read_text(encoding="utf-8"))
    run = cleaner or (lambda page: clean_page(page, config))
    return [score_page(gold, run(page)) for gold, page in zip(entries, gold_pages(entries, pages_dir), strict=True)]


def gold_pages(entries: list[dict[str, Any]], pages_dir: Path) -> Iterator[RawPage]:
    """The pages a gold file names, grouped by the entry's ``site`` when it has one."""
    for gold in entries:
        path = pages_dir / gold["file"]
        yield RawPage(uri=str(path), data=path.read_bytes(), kind=kind_from_suffix(path.name), site=gold.get("site"))


def field_accuracy(scores: Iterable[PageScore]) -> dict[str, float]:
    """Per-field accuracy over the pages where the field is scored."""
    totals: dict[str, list[bool]] = {name: [] for name in FIELDS}
    for score in scores:
        for name, ok in score.fields.items():
            totals[name].append(ok)
    return {name: sum(v) / len(v) for name, v in totals.items() if v}


def format_report(scores: list[PageScore], *, verbose: bool = True) -> str:
    """The table users read: per-field accuracy, leaks, pages with no record, failures."""
    acc = field_accuracy(scores)
    lines = [f"{'field':<14} accuracy", "-" * 24]
    lines += [f"{name:<14} {value:.3f}" for name, value in acc.items()]
    mean = sum(acc.values()) / len(acc) if acc else 0.0
    lines.append(f"{'mean':<14} {mean:.3f}")
    leaks = [s for s in scores if s.leaks]
    false_isbns = [s for s in scores if s.false_isbns]
    lines.append(
        f"pages: {len(scores)}; with leaks: {len(leaks)} ({len(leaks) / max(len(scores), 1):.1%}); "
        f"with false ISBNs: {len(false_isbns)}"
    )
    for s in leaks:
        lines.append(f"  leak  {s.file}: {s.leaks}")
    for s in false_isbns:
        lines.append(f"  false ISBN  {s.file}: {s.false_isbns}")
    for s in scores:
        if not s.fields.get("yield", True):
            lines.append(f"  yield  {s.file}: got {s.outcome}")
    if verbose:
        for s in scores:
            failed = [name for name, ok in s.fields.items() if not ok and name not in {"yield", "residue_free"}]
            if failed:
                lines.append(f"  fail  {s.file}: {', '.join(failed)}")
    return "\n".join(lines)
