"""EXTRACT (machine copy): the record as the page gives it to machines.

Readers for JSON-LD, microdata, OpenGraph/``book:*``, Dublin Core,
Highwire ``citation_*``, COinS and plain meta tags. They read what
:mod:`scraper.parse` already took off the one parse of the page, so no second
parser runs. Each yields :class:`~scraper.candidates.Candidate` values.

JSON-LD in the wild is often not JSON: CDATA wrappers, HTML comments, trailing
commas and semicolons, raw newlines inside strings, several objects in one
script, ``@graph`` arrays (extruct #208, #109, #143). The reader repairs what it
can and skips what it cannot, never failing the page.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import orjson

from normalizers.text import normalize_text
from scraper.candidates import Candidate, SourceName
from scraper.parse import ParsedPage

__all__ = ["StructuredData", "html_to_text", "read_structured"]

_BOOK_TYPES = frozenset({"book", "audiobook", "ebook", "comicseries", "comicstory", "comicissue", "bookseries"})
# A series item is about the run of books, not the one on the page: when the
# page also has a Book or an issue item (its ``hasPart``), that is the book and
# the series' name is its series. (stripINFO nests the album as a ComicIssue in
# a ComicSeries whose name is the series'.)
_SERIES_TYPES = frozenset({"comicseries", "bookseries", "creativeworkseries", "periodical"})
_PRODUCT_TYPES = frozenset({"product", "individualproduct", "productmodel", "creativework", "work"})
_LIST_TYPES = frozenset({"itemlist", "searchresultspage", "collectionpage", "offercatalog"})


@dataclass(slots=True)
class StructuredData:
    """What the machine-readable copies say, and what they say about the page."""

    candidates: list[Candidate] = field(default_factory=list)
    book_items: int = 0  # Book-like items describing the page's subject
    listed_items: int = 0  # items in an ItemList / search results
    is_book_page: bool = False  # og:type book, a Book item, or citation/DC book tags


# --- JSON-LD -------------------------------------------------------------------

_CDATA = re.compile(r"^\s*(?://\s*|/\*\s*)?<!\[CDATA\[(?:\s*\*/)?|(?://\s*|/\*\s*)?\]\]>(?:\s*\*/)?\s*$")
_HTML_COMMENT = re.compile(r"<!--|-->")
_LINE_COMMENT = re.compile(r"^\s*//.*$", re.M)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _loads_tolerant(raw: str) -> list[Any]:
    """Parse one script body into JSON values, repairing common faults.

    >>> _loads_tolerant('<![CDATA[{"@type": "Book", "name": "A",}]]>;')
    [{'@type': 'Book', 'name': 'A'}]
    >>> _loads_tolerant('{"a": 1}{"b": 2}')
    [{'a': 1}, {'b': 2}]
    >>> _loads_tolerant('not json')
    []
    """
    try:
        # Most scripts are valid JSON: parse them as they are (orjson, several times
        # faster on hundreds of KB of app state), and only repair on failure. What
        # orjson refuses and json takes (NaN, lone surrogates) goes the slow way.
        # One difference is kept: an integer past 64 bits comes back as a float,
        # where json gives an int; no book field is that long (an EAN-13 as a
        # number is 13 digits).
        return [orjson.loads(raw)]
    except ValueError:
        pass
    try:
        return [json.loads(raw)]
    except ValueError:
        pass
    text = _CDATA.sub("", raw.strip())
    text = _HTML_COMMENT.sub("", text)
    text = _LINE_COMMENT.sub("", text).strip().rstrip(";").strip()
    text = _TRAILING_COMMA.sub(r"\1", text)
    decoder = json.JSONDecoder(strict=False)  # raw newlines/tabs inside strings are common
    values: list[Any] = []
    pos = 0
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n;,":
            pos += 1
        if pos >= len(text):
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        values.append(value)
    return values


def _walk_items(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object in a value: through lists, ``@graph`` and nesting."""
    if isinstance(value, list):
        for item in value:
            yield from _walk_items(item)
    elif isinstance(value, dict):
        yield value
        graph = value.get("@graph")
        if graph is not None:
            yield from _walk_items(graph)
        for key in ("mainEntity", "mainEntityOfPage", "about", "itemReviewed"):
            nested = value.get(key)
            if isinstance(nested, (dict, list)):
                yield from _walk_items(nested)


def _types(item: dict[str, Any]) -> set[str]:
    raw = item.get("@type", "")
    names = raw if isinstance(raw, list) else [raw]
    return {str(n).rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for n in names}


def html_to_text(value: str) -> str:
    """Text of an HTML fragment (descriptions often carry markup), paragraphs kept.

    >>> html_to_text("<p>One &amp; two.</p><p>Three<br>four</p>")
    'One & two.\\n\\nThree four'
    """
    if "&lt;" in value:
        value = html.unescape(value)  # entity-escaped markup ("&lt;p&gt;") is markup
    if "<" not in value or ">" not in value:
        return normalize_text(value, keep_paragraphs=True)
    from selectolax.lexbor import LexborHTMLParser  # only for fragments that hold markup

    tree = LexborHTMLParser(f"<div>{value}</div>")
    for node in tree.css("br"):
        node.replace_with("\n")
    for node in tree.css("p, div, li"):
        node.insert_after("\n\n")
    root = tree.body
    text = root.text(deep=True) if root is not None else value
    paragraphs = [normalize_text(p) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _names(value: Any) -> list[str]:
    """Names from a string, a Person/Organization object, or a list of them."""
    if value is None:
        return []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        name = value.get("name") or value.get("alternateName") or ""
        if isinstance(name, list):
            name = name[0] if name else ""
        if not name and (value.get("givenName") or value.get("familyName")):
            name = f"{value.get('givenName', '')} {value.get('familyName', '')}"
        return [normalize_text(str(name))] if name else []
    return [normalize_text(str(value))] if str(value).strip() else []


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return _scalar(value[0]) if value else ""
    if isinstance(value, dict):
        return _scalar(value.get("name") or value.get("@value") or value.get("@id") or "")
    return normalize_text(str(value)) if value is not None else ""


_JSONLD_ROLES = {
    "author": "author",
    "creator": "author",
    "translator": "translator",
    "editor": "editor",
    "illustrator": "illustrator",
}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _book_candidates(item: dict[str, Any], source: SourceName) -> Iterator[Candidate]:
    name = _scalar(item.get("name") or item.get("headline"))
    if name:
        yield Candidate("title", name, source)
    if sub := _scalar(item.get("alternativeHeadline")):
        yield Candidate("subtitle", sub, source)
    for key, role in _JSONLD_ROLES.items():
        for person in _names(item.get(key)):
            yield Candidate(role, person, source)
    for key in ("isbn", "gtin13", "gtin", "gtin10", "isbn13"):
        for value in _as_list(item.get(key)):
            if value:
                yield Candidate("isbn", str(value), source)
    for publisher in _names(item.get("publisher"))[:1]:
        yield Candidate("publisher", publisher, source)
    if date := _scalar(item.get("datePublished") or item.get("copyrightYear")):
        yield Candidate("date", date, source)
    if lang := _scalar(item.get("inLanguage")):
        yield Candidate("language", lang, source)
    if pages := _scalar(item.get("numberOfPages")):
        yield Candidate("pages", pages, source)
    description = item.get("description")
    if isinstance(description, str) and description.strip():
        yield Candidate("description", html_to_text(description), source)
    for genre in _as_list(item.get("genre")):
        if genre:
            yield Candidate("subject", _scalar(genre), source)
    series = item.get("isPartOf") or item.get("partOfSeries")
    if isinstance(series, dict) and not series.get("name"):
        series = None  # a bare {"@id": url} reference names nothing
    if series := _scalar(series):
        yield Candidate("series", series, source)
    if fmt := _scalar(item.get("bookFormat")):
        yield Candidate("format", fmt.rsplit("/", 1)[-1], source)
    if edition := _scalar(item.get("bookEdition")):
        yield Candidate("edition", edition, source)
    if original := _scalar(item.get("translationOfWork")):
        yield Candidate("original_title", original, source)


def _read_jsonld(page: ParsedPage, data: StructuredData) -> None:
    items = [item for raw in page.jsonld for value in _loads_tolerant(raw) for item in _walk_items(value)]
    books = [i for i in items if _types(i) & _BOOK_TYPES]
    products = [i for i in items if _types(i) & _PRODUCT_TYPES and any(k in i for k in ("isbn", "gtin13", "author"))]
    for item in items:
        if _types(item) & _LIST_TYPES:
            elements = item.get("itemListElement")
            data.listed_items = max(data.listed_items, len(elements) if isinstance(elements, list) else 0)
    # A series item is about the run of books; the book is the other item.
    main = [i for i in books if not _types(i) & _SERIES_TYPES] or books or products
    data.book_items += len(main)
    if not main:
        return
    data.is_book_page = True
    # The first Book item describes the page; editions under workExample add
    # their ISBNs, dates and languages (bol.com puts them only there).
    item = main[0]
    data.candidates.extend(_book_candidates(item, "jsonld"))
    examples = item.get("workExample")
    for example in examples if isinstance(examples, list) else [examples] if isinstance(examples, dict) else []:
        if isinstance(example, dict):
            for cand in _book_candidates(example, "jsonld"):
                if cand.field in {"isbn", "date", "language", "pages", "format", "publisher"}:
                    data.candidates.append(cand)


# --- microdata -------------------------------------------------------------------

_MICRODATA_FIELDS = {
    "name": "title",
    "alternativeheadline": "subtitle",
    "isbn": "isbn",
    "gtin13": "isbn",
    "publisher": "publisher",
    "datepublished": "date",
    "inlanguage": "language",
    "numberofpages": "pages",
    "description": "description",
    "bookformat": "format",
    "genre": "subject",
    "author": "author",
    "creator": "author",
    "translator": "translator",
    "illustrator": "illustrator",
    "editor": "editor",
    "bookedition": "edition",
}


_AGENT_TYPES = frozenset({"person", "organization", "corporation", "librarysystem", "library"})
_NUMBER_PROPS = frozenset({"issuenumber", "volumenumber", "position"})


def _read_microdata(page: ParsedPage, data: StructuredData) -> None:
    book_ids = {p.item_id for p in page.microdata if p.item_type.lower() in _BOOK_TYPES}
    if not book_ids:
        book_ids = {p.item_id for p in page.microdata if p.item_type.lower() == "product" and p.prop == "isbn"}
    if not book_ids:
        return
    data.is_book_page = True
    series_ids = {p.item_id for p in page.microdata if p.item_type.lower() in _SERIES_TYPES}
    if book_ids - series_ids:
        book_ids -= series_ids
    else:
        series_ids = set()  # only a series is described: it stands for the book
    data.book_items = max(data.book_items, len(book_ids))
    order = [p.item_id for p in page.microdata]
    main = min(book_ids, key=order.index)
    series_name = next((p.value for p in page.microdata if p.item_id in series_ids and p.prop == "name"), "")
    number = next((p.value for p in page.microdata if p.item_id == main and p.prop.lower() in _NUMBER_PROPS), "")
    if series_name:
        # ISBD's series statement form, "Series ; number".
        data.candidates.append(Candidate("series", f"{series_name} ; {number}" if number else series_name, "microdata"))
    # Nested items (a Person as author, an Organization as publisher) give
    # their name to the property of the book that holds them.
    item_names: dict[int, str] = {}
    for prop in page.microdata:
        if prop.prop.lower() in {"name", "alternatename"} and prop.value and not prop.ref:
            item_names.setdefault(prop.item_id, prop.value)
    referenced = {prop.ref for prop in page.microdata if prop.ref}
    for prop in page.microdata:
        name = _MICRODATA_FIELDS.get(prop.prop.lower())
        if prop.item_id == main and name:
            if prop.ref and prop.value.lower() not in _AGENT_TYPES:
                continue  # an item of a type that names no one (itemtype "profile"): not schema.org's
            value = item_names.get(prop.ref, "") if prop.ref else prop.value
            if not value:
                continue
            if name == "description":
                value = html_to_text(value)
            elif name == "format":
                value = value.rsplit("/", 1)[-1]  # "https://schema.org/Hardcover"
            data.candidates.append(Candidate(name, value, "microdata"))
        elif (
            prop.parent_id == main
            and prop.item_id not in referenced
            and prop.item_type.lower() == "person"
            and prop.prop.lower() == "name"
            and prop.value
        ):
            # A Person inside the book that no property names: on catalog pages
            # that is nearly always the author. (Persons inside a review or a
            # recommended book belong to those items, not to this one.)
            data.candidates.append(Candidate("author", prop.value, "microdata"))


# --- meta tags -------------------------------------------------------------------

_META_FIELDS: dict[str, tuple[str, SourceName]] = {
    "og:title": ("title", "og"),
    "og:description": ("description", "og"),
    "og:url": ("url", "og"),
    "book:isbn": ("isbn", "og"),
    "books:isbn": ("isbn", "og"),
    "book:author": ("author", "og"),
    "book:release_date": ("date", "og"),
    "books:release_date": ("date", "og"),
    "dc.title": ("title", "dc"),
    "dcterms.title": ("title", "dc"),
    "dc.creator": ("author", "dc"),
    "dcterms.creator": ("author", "dc"),
    "dc.identifier": ("isbn", "dc"),
    "dc.publisher": ("publisher", "dc"),
    "dcterms.publisher": ("publisher", "dc"),
    "dc.date": ("date", "dc"),
    "dcterms.issued": ("date", "dc"),
    "dc.language": ("language", "dc"),
    "dcterms.language": ("language", "dc"),
    "dc.description": ("description", "dc"),
    "citation_title": ("title", "citation"),
    "citation_author": ("author", "citation"),
    "citation_isbn": ("isbn", "citation"),
    "citation_publisher": ("publisher", "citation"),
    "citation_publication_date": ("date", "citation"),
    "citation_date": ("date", "citation"),
    "citation_language": ("language", "citation"),
    "description": ("description", "meta"),
}


# An ISBN in DC.identifier: "ISBN 978...", "urn:isbn:978...", or a bare ISBN-10/13.
_DC_ISBN = re.compile(r"isbn|^\s*(?:97[89][\d-]{10,14}|[\d-]{9,12}[\dXx])\s*$", re.I)


def _read_meta(page: ParsedPage, data: StructuredData) -> None:
    og_type = (page.meta.get("og:type") or [""])[0].lower()
    if og_type in {"book", "books.book", "product.item"} or any(
        k.startswith(("citation_", "book:")) for k in page.meta
    ):
        data.is_book_page = data.is_book_page or og_type != "product.item"
    for key, values in page.meta.items():
        target = _META_FIELDS.get(key)
        if target is None:
            continue
        name, source = target
        for value in values:
            if name == "isbn" and source == "dc" and not _DC_ISBN.search(value):
                continue  # DC.identifier holds URNs, OCLC numbers and local ids too
            data.candidates.append(Candidate(name, value, source))


# --- COinS -----------------------------------------------------------------------

_COINS_FIELDS = {
    "rft.btitle": "title",
    "rft.title": "title",
    "rft.au": "author",
    "rft.creator": "author",
    "rft.isbn": "isbn",
    "rft.pub": "publisher",
    "rft.date": "date",
    "rft.language": "language",
}


def _read_coins(page: ParsedPage, data: StructuredData) -> None:
    for span in page.coins[:1]:  # the first span is the record; later ones are often related items
        pairs = parse_qsl(span.replace("&amp;", "&"))
        aulast = aufirst = ""
        for key, value in pairs:
            value = normalize_text(value)
            if key in _COINS_FIELDS and value:
                data.candidates.append(Candidate(_COINS_FIELDS[key], value, "coins"))
            elif key == "rft.aulast":
                aulast = value
            elif key == "rft.aufirst":
                aufirst = value
        if aulast:
            data.candidates.append(Candidate("author", f"{aulast}, {aufirst}".strip(" ,"), "coins"))
        data.is_book_page = True


_STATE_DATE_KEYS = (
    "publicationTime",
    "publicationDate",
    "publishedDate",
    "datePublished",
    "releaseDate",
    "publishDate",
)


def _read_app_state(page: ParsedPage, data: StructuredData) -> None:
    # Single-page apps (Goodreads' Next.js) keep the edition's publisher and
    # date only in their JSON state. The first object that names a publisher
    # next to a date is taken; its ISBNs are not (the state holds other books).
    for raw in page.app_state:
        for value in _loads_tolerant(raw):
            found = _find_book_details(value, depth=0)
            if found is not None:
                publisher, date = found
                data.candidates.append(Candidate("publisher", publisher, "app-state"))
                if date:
                    data.candidates.append(Candidate("date", date, "app-state"))
                return


def _find_book_details(value: Any, depth: int) -> tuple[str, str] | None:
    if depth > 12:
        return None
    if isinstance(value, dict):
        publisher = value.get("publisher")
        if isinstance(publisher, str) and publisher.strip():
            date = next((value[k] for k in _STATE_DATE_KEYS if value.get(k) not in (None, "")), "")
            if date:
                return normalize_text(publisher), str(date)
        children: list[Any] = list(value.values())
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        found = _find_book_details(child, depth + 1)
        if found is not None:
            return found
    return None


def read_structured(page: ParsedPage) -> StructuredData:
    """Every candidate the page's machine-readable metadata offers."""
    data = StructuredData()
    if page.kind != "html":
        return data
    _read_jsonld(page, data)
    _read_microdata(page, data)
    _read_meta(page, data)
    _read_coins(page, data)
    _read_app_state(page, data)
    if page.title_tag:
        data.candidates.append(Candidate("title", page.title_tag, "title-tag"))
    if page.canonical:
        data.candidates.append(Candidate("url", page.canonical, "meta"))
    return data
