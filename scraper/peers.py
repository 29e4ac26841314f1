"""PEERS: score two other extractors beside ours, with the same gold and the same rules.

``catalog-scraper eval --peers`` runs three systems on the same pages and prints
their per-field accuracy side by side:

- **ours**: ``clean_page``, as ``eval`` runs it;
- **trafilatura**: ``trafilatura.bare_extraction(data, with_metadata=True)``; its
  ``title``, its ``author`` (trafilatura joins several with ``"; "``, so the value is
  split on ``;`` and ``,``) and a description: the metadata ``description`` when
  there is one, else the extracted main ``text``;
- **extruct**: the page's Book/Product item (JSON-LD first, then microdata, then
  OpenGraph with ``og:type`` book/books.book/product): ``name``, ``author``,
  ``isbn`` (or ``gtin13``/``gtin`` on a Product), ``publisher``, ``datePublished`` and
  ``description`` (OpenGraph: ``og:title``, ``book:author``, ``book:isbn``,
  ``book:release_date``, ``og:description``). A page without such an item gives no
  record.

Each peer's output becomes a :class:`~scraper.records.Book` (or a
:class:`~scraper.records.Reject` when it has no title), and
:func:`scraper.evaluate.score_page` scores it exactly as it scores our records. A
Book cannot hold what a peer never produces (a language for either, an ISBN, a
publisher or a date for trafilatura), so those fields are left empty and shown as
``-`` in the table instead of being scored. Values are only mapped, never repaired:
an ISBN whose checksum fails is dropped (a Book holds valid ISBNs only), a date
keeps its ISO prefix or, failing that, its first year, and markup inside a JSON-LD
description is turned into text.

All three rows are scored on the same pages: the gold file's HTML pages. Text dumps
(``.txt``) are left out because extruct reads markup only (trafilatura could take a
dump as it is, but then its row and extruct's would be on different pages). A peer
that raises on a page gives no record for it (a ``parse_failed`` Reject, counted in
the table); it never stops the run.

trafilatura and extruct come with the ``bench`` extra: ``pip install
'catalog-scraper[bench]'``. This module imports them only when a peer runs.
"""

from __future__ import annotations

import html
import importlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.decode import decode_bytes
from scraper.evaluate import FIELDS, PageScore, field_accuracy, gold_pages, score_page
from scraper.records import Book, Contributor, Reject, Source, check_isbn13, check_iso_date
from scraper.sources import RawPage, kind_from_suffix

__all__ = [
    "EXTRA",
    "PEERS",
    "Peer",
    "PeerFields",
    "SideBySide",
    "extruct_fields",
    "extruct_record",
    "format_side_by_side",
    "guarded",
    "missing_modules",
    "score_side_by_side",
    "to_result",
    "trafilatura_fields",
    "trafilatura_record",
]

EXTRA = "bench"
OURS = "ours"
NOT_PRODUCED = "-"
PEER_RAISED = "peer raised"

Cleaner = Callable[[RawPage], Book | Reject]


@dataclass(frozen=True, slots=True)
class PeerFields:
    """What a peer gave for one page, before it becomes a Book (values as the peer gave them)."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    isbns: tuple[str, ...] = ()
    publisher: str | None = None
    published: str | None = None
    description: str | None = None


# --- shared mapping helpers ---------------------------------------------------------------

_TAG = re.compile(r"<[^>]{0,500}>")
_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li)\s*/?\s*>", re.I)
_ISO_PREFIX = re.compile(r"^\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?![\d])")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _text(value: Any) -> str | None:
    """A peer's value as plain text: markup turned into text, entities decoded; None when empty.

    >>> _text("A &amp; B<br />C <b>D</b> ")
    'A & B\\nC D'
    >>> _text(["first", "second"]), _text({"name": "x"}), _text("  ")
    ('first', None, None)
    """
    if isinstance(value, list):  # microdata repeats a property: the first one is the item's own
        value = value[0] if value else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    if "<" in value:
        value = _TAG.sub("", _BREAK.sub("\n", value))
    value = html.unescape(value).strip()
    return value or None


def _names(value: Any) -> tuple[str, ...]:
    """Person or organisation names from a string, a ``{"name": ...}`` item, or a list of either.

    >>> _names([{"@type": "Person", "name": "Ann Lee"}, "Bo Ma", {"name": ["Ann Lee"]}])
    ('Ann Lee', 'Bo Ma')
    """
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _iso_date(value: str | None) -> str | None:
    """A peer's date as a Book holds it: its ISO prefix, else its first year; None if neither is valid.

    >>> _iso_date("2016-08-02T00:00:00"), _iso_date("May 12, 1987"), _iso_date("2023-02-30"), _iso_date("soon")
    ('2016-08-02', '1987', '2023', None)
    """
    if not value:
        return None
    candidates: list[str] = []
    if match := _ISO_PREFIX.match(value):
        candidates += [match.group(1), match.group(1)[:4]]
    if match := _YEAR.search(value):
        candidates.append(match.group(1))
    for candidate in candidates:
        try:
            return check_iso_date(candidate)
        except ValueError:
            continue
    return None


def _valid_isbns(values: Iterable[str]) -> tuple[str, ...]:
    isbns: list[str] = []
    for value in values:
        try:
            isbn = check_isbn13(value)
        except ValueError:
            continue  # a Book holds valid ISBNs only; a bad one is left out, not scored as false
        if isbn not in isbns:
            isbns.append(isbn)
    return tuple(isbns)


def to_result(page: RawPage, found: PeerFields | None, peer: str) -> Book | Reject:
    """A peer's fields as a Book the scorer reads like ours; a Reject when there is no title."""
    source = Source(uri=page.uri, sha256=page.digest())
    if found is None:
        return Reject(source=source, input=page.uri, reason="no_book", detail=f"{peer} found nothing")
    title = (found.title or "").strip()
    if not title:
        return Reject(source=source, input=page.uri, reason="no_title", detail=f"{peer} gave no title")
    description = (found.description or "").strip() or None
    return Book(
        title=title,
        contributors=tuple(Contributor(name=n.strip(), role="author") for n in found.authors if n.strip()),
        isbns=_valid_isbns(found.isbns),
        publisher=(found.publisher or "").strip() or None,
        published=_iso_date(found.published),
        description=description,
        source=source,
    )


def _quiet(*loggers: str) -> None:
    # The peers log every odd page at WARNING; the table is what the user asked for.
    for name in loggers:
        logging.getLogger(name).setLevel(logging.CRITICAL)


# --- trafilatura ------------------------------------------------------------------------------

_AUTHOR_SPLIT = re.compile(r"\s*[;,]\s*")


def trafilatura_fields(data: bytes | str) -> PeerFields | None:
    """Run ``trafilatura.bare_extraction(with_metadata=True)`` and map its title, author and description."""
    import trafilatura

    _quiet("trafilatura", "htmldate", "courlan")
    doc = trafilatura.bare_extraction(data, with_metadata=True)
    if doc is None:
        return None
    got: Mapping[str, Any] = doc if isinstance(doc, dict) else doc.as_dict()  # a dict before trafilatura 2.0
    author = _text(got.get("author")) or ""
    return PeerFields(
        title=_text(got.get("title")),
        authors=tuple(dict.fromkeys(a for a in _AUTHOR_SPLIT.split(author) if a)),
        description=_text(got.get("description")) or _text(got.get("text")),
    )


def trafilatura_record(page: RawPage) -> Book | Reject:
    """trafilatura's view of a page as a Book (a text dump is given to it as it is)."""
    return to_result(page, trafilatura_fields(page.data), "trafilatura")


# --- extruct --------------------------------------------------------------------------------

_SYNTAXES = ("json-ld", "microdata", "opengraph")
_BOOK_TYPES = ("Book", "Audiobook")
_PRODUCT_TYPES = ("Product", "IndividualProduct", "ProductModel", "ProductGroup")
_OG_TYPES = {"book", "books.book", "product", "og:product", "product.item", "product.group"}


def _types(item: Mapping[str, Any]) -> set[str]:
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    # "https://schema.org/Book" and "schema:Book" name the same type as "Book"
    return {re.split(r"[/:#]", v)[-1] for v in values if isinstance(v, str)}


def _schema_items(items: Iterable[Any]) -> Iterable[Mapping[str, Any]]:
    """Top-level items, the members of a ``@graph``, and a page's ``mainEntity``, in document order."""
    for item in items:
        if not isinstance(item, dict):
            continue
        yield item
        graph = item.get("@graph")
        if isinstance(graph, list):
            yield from _schema_items(graph)
        main = item.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _schema_items(main if isinstance(main, list) else [main])


def _schema_item(items: Sequence[Any]) -> Mapping[str, Any] | None:
    """The first Book item, else the first Product item."""
    found = list(_schema_items(items))
    for wanted in (_BOOK_TYPES, _PRODUCT_TYPES):
        for item in found:
            if _types(item) & set(wanted):
                return item
    return None


def _from_schema(item: Mapping[str, Any]) -> PeerFields:
    isbn = next((item[k] for k in ("isbn", "gtin13", "gtin") if item.get(k)), None)
    isbns = [i for i in (isbn if isinstance(isbn, list) else [isbn]) if isinstance(i, str | int)]
    publisher = _names(item.get("publisher"))
    return PeerFields(
        title=_text(item.get("name")),
        authors=_names(item.get("author")),
        isbns=tuple(str(i) for i in isbns),
        publisher=publisher[0] if publisher else None,
        published=_text(item.get("datePublished")),
        description=_text(item.get("description")),
    )


def _og(item: Mapping[str, Any], *keys: str) -> Any:
    return next((item[k] for k in keys if item.get(k)), None)


def _from_opengraph(item: Mapping[str, Any]) -> PeerFields:
    isbn = _text(_og(item, "book:isbn", "books:isbn"))
    return PeerFields(
        title=_text(item.get("og:title")),
        authors=_names(_og(item, "book:author", "books:author")),
        isbns=(isbn,) if isbn else (),
        published=_text(_og(item, "book:release_date", "books:release_date")),
        description=_text(item.get("og:description")),
    )


def extruct_fields(markup: str) -> PeerFields | None:
    """Run extruct (JSON-LD, microdata, OpenGraph) and map the page's Book/Product item; None without one."""
    import extruct

    _quiet("extruct")
    data: dict[str, list[Any]] = extruct.extract(markup, syntaxes=list(_SYNTAXES), uniform=True, errors="strict")
    for syntax in _SYNTAXES[:2]:
        item = _schema_item(data.get(syntax) or [])
        if item is not None:
            return _from_schema(item)
    for og in data.get("opengraph") or []:
        if isinstance(og, dict) and str(og.get("@type") or "").lower() in _OG_TYPES:
            return _from_opengraph(og)
    return None


def extruct_record(page: RawPage) -> Book | Reject:
    """extruct's view of a page as a Book; a text dump has no markup, so no record."""
    if page.kind == "text":
        return to_result(page, None, "extruct (text dump: no markup)")
    markup, _ = decode_bytes(page.data, declared=page.charset)
    return to_result(page, extruct_fields(markup), "extruct")


# --- running and scoring ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Peer:
    """A peer extractor: its name, its runner, the modules it needs, and the fields it produces."""

    name: str
    run: Cleaner
    modules: tuple[str, ...]
    fields: tuple[str, ...]


PEERS = (
    Peer(
        "trafilatura",
        trafilatura_record,
        ("trafilatura",),
        ("title", "full_title", "authors", "description", "residue_free", "yield"),
    ),
    Peer(
        "extruct",
        extruct_record,
        ("extruct",),
        ("title", "full_title", "authors", "isbn", "publisher", "year", "description", "residue_free", "yield"),
    ),
)


def missing_modules(peers: Sequence[Peer] = PEERS) -> list[str]:
    """The modules the peers need that cannot be imported."""
    missing = []
    for module in dict.fromkeys(m for peer in peers for m in peer.modules):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


def guarded(peer: Peer) -> Cleaner:
    """The peer's runner with its exceptions turned into a ``parse_failed`` Reject (counted, never fatal)."""

    def run(page: RawPage) -> Book | Reject:
        try:
            return peer.run(page)
        except Exception as exc:  # a peer that raises on one page gives no record for it
            detail = " ".join(f"{PEER_RAISED}: {type(exc).__name__}: {exc}".split())[:300]
            return Reject(
                source=Source(uri=page.uri, sha256=page.digest()), input=page.uri, reason="parse_failed", detail=detail
            )

    return run


@dataclass(slots=True)
class SideBySide:
    """Each system's page scores, on the same pages, and the fields each one produces."""

    pages: int
    total: int
    kinds: tuple[str, ...]
    scores: dict[str, list[PageScore]] = field(default_factory=dict)
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)


def score_side_by_side(
    gold_path: Path,
    pages_dir: Path,
    ours: Cleaner,
    *,
    peers: Sequence[Peer] = PEERS,
    kinds: tuple[str, ...] = ("html",),
) -> SideBySide:
    """Score ours and each peer on the gold pages of the given kinds (the same pages for every system)."""
    entries = json.loads(gold_path.read_text(encoding="utf-8"))
    chosen = [e for e in entries if kind_from_suffix(e["file"]) in kinds]
    systems: dict[str, Cleaner] = {OURS: ours, **{p.name: guarded(p) for p in peers}}
    result = SideBySide(pages=len(chosen), total=len(entries), kinds=kinds)
    result.fields = {OURS: FIELDS, **{p.name: p.fields for p in peers}}
    result.scores = {name: [] for name in systems}
    failed = dict.fromkeys(systems, 0)
    for gold, page in zip(chosen, gold_pages(chosen, pages_dir), strict=True):
        for name, run in systems.items():
            got = run(page)
            if isinstance(got, Reject) and got.reason == "parse_failed":
                failed[name] += 1
            result.scores[name].append(score_page(gold, got))
    result.failed = failed
    return result


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def _mark(ours: float | None, theirs: list[float]) -> str:
    if ours is None or not theirs:
        return NOT_PRODUCED
    if all(ours > t for t in theirs):
        return "yes"
    return "tie" if all(ours >= t for t in theirs) else "NO"


def format_side_by_side(result: SideBySide) -> str:
    """One column per system, one row per field plus the mean, and whether ours is ahead.

    A field a peer does not produce is ``-``, and its mean is over the fields it
    produces. ``ahead?`` compares ours with the peers that produce the field:
    ``yes`` ahead of all of them, ``tie`` level with the best, ``NO`` behind one;
    for the mean, ours is taken over each peer's own fields.
    """
    names = list(result.scores)
    peers = names[1:]
    acc = {name: field_accuracy(result.scores[name]) for name in names}
    shown = {name: {f: v for f, v in acc[name].items() if f in result.fields[name]} for name in names}
    kinds = "/".join(f".{'txt' if k == 'text' else k}" for k in result.kinds)
    width = max(8, *(len(n) + 2 for n in names))
    why = " (text dumps left out: extruct reads markup only)" if "text" not in result.kinds else ""
    lines = [
        f"side by side on the same {result.pages} {kinds} pages of the {result.total} in the gold file{why}",
        f"{'field':<14}" + "".join(f"{n:>{width}}" for n in names) + "  ahead?",
        "-" * (14 + width * len(names) + 8),
    ]

    def cell(value: float | None) -> str:
        return f"{value:>{width}.3f}" if value is not None else f"{NOT_PRODUCED:>{width}}"

    for name in FIELDS:
        values = [shown[n].get(name) for n in names]
        theirs = [v for v in values[1:] if v is not None]
        lines.append(f"{name:<14}" + "".join(cell(v) for v in values) + f"  {_mark(values[0], theirs)}")
    means = [_mean(shown[n].values()) for n in names]
    ours_on = {p: _mean(v for f, v in shown[OURS].items() if f in shown[p]) for p in peers}
    ahead = [_mark(ours_on[p], [m]) for p, m in zip(peers, means[1:], strict=True) if m is not None]
    mark = "NO" if "NO" in ahead else "tie" if "tie" in ahead else "yes" if ahead else NOT_PRODUCED
    lines.append(f"{'mean':<14}" + "".join(cell(v) for v in means) + f"  {mark}")
    lines.append("-" * (14 + width * len(names) + 8))
    lines.append(
        "ours over each peer's fields: "
        + "; ".join(
            f"{ours_on[p]:.3f} vs {p} {m:.3f} ({len(shown[p])} fields)"
            for p, m in zip(peers, means[1:], strict=True)
            if m is not None and ours_on[p] is not None
        )
    )
    lines.append(f"{NOT_PRODUCED}: the system does not produce the field; a mean is over the fields it produces")
    no_record = {n: sum(1 for s in result.scores[n] if s.outcome != "book") for n in names}
    lines.append(
        f"no record (of {result.pages} pages): "
        + ", ".join(f"{n} {no_record[n]} ({result.failed.get(n, 0)} parse_failed)" for n in names)
    )
    return "\n".join(lines)
