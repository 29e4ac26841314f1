"""Edition-level details when a page shows them: format, edition, pages, series, original title,
translator and subjects (issue 3, item 4). Each page below is written the way catalog pages
label these details; the expected values are what the page shows, read by eye."""

from __future__ import annotations

import pytest

from scraper.pipeline import clean_page
from scraper.records import Book
from scraper.sources import RawPage


def _clean(html: str) -> Book:
    result = clean_page(RawPage(uri="details.html", data=html.encode(), kind="html"))
    assert isinstance(result, Book), result
    return result


LABELLED_DL = """<!doctype html><html><head><title>The Name of the Rose</title></head><body>
<h1>The Name of the Rose</h1>
<p>by Umberto Eco</p>
<dl>
  <dt>Binding</dt><dd>Paperback</dd>
  <dt>Edition</dt><dd>2nd edition</dd>
  <dt>Original title</dt><dd>Il nome della rosa</dd>
  <dt>Translator</dt><dd>William Weaver</dd>
  <dt>Series</dt><dd>Harvest in Translation</dd>
  <dt>Pages</dt><dd>512</dd>
  <dt>Publisher</dt><dd>Harcourt</dd>
  <dt>Subjects</dt><dd>Fiction, Historical mysteries (1,234)</dd>
</dl>
<h2>Synopsis</h2>
<p>In 1327 a Franciscan friar investigates a series of deaths in an Italian abbey, and finds a library no one may enter.</p>
</body></html>"""

GERMAN_TABLE = """<!doctype html><html><head><title>Der Name der Rose</title></head><body>
<h1>Der Name der Rose</h1>
<table>
  <tr><th>Verfasser</th><td>Umberto Eco</td></tr>
  <tr><th>Übersetzer</th><td>Burkhart Kroeber</td></tr>
  <tr><th>Originaltitel</th><td>Il nome della rosa</td></tr>
  <tr><th>Einband</th><td>Taschenbuch</td></tr>
  <tr><th>Auflage</th><td>35. Auflage</td></tr>
  <tr><th>Seiten</th><td>656</td></tr>
</table>
</body></html>"""

JSONLD = """<!doctype html><html><head><title>Dune</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Book", "name": "Dune",
 "author": {"@type": "Person", "name": "Frank Herbert"}, "bookFormat": "https://schema.org/Hardcover",
 "bookEdition": "40th anniversary edition", "numberOfPages": "896"}</script>
</head><body><h1>Dune</h1></body></html>"""


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            LABELLED_DL,
            {
                "format": "Paperback",
                "edition": "2nd edition",
                "original_title": "Il nome della rosa",
                "series": "Harvest in Translation",
                "pages": 512,
                "subjects": ("Fiction", "Historical mysteries"),
                "people": (("Umberto Eco", "author"), ("William Weaver", "translator")),
            },
            id="english-dl",
        ),
        pytest.param(
            GERMAN_TABLE,
            {
                "format": "Taschenbuch",
                "edition": "35. Auflage",
                "original_title": "Il nome della rosa",
                "series": None,
                "pages": 656,
                "subjects": (),
                "people": (("Umberto Eco", "author"), ("Burkhart Kroeber", "translator")),
            },
            id="german-table",
        ),
        pytest.param(
            JSONLD,
            {
                "format": "Hardcover",
                "edition": "40th anniversary edition",
                "original_title": None,
                "series": None,
                "pages": 896,
                "subjects": (),
                "people": (("Frank Herbert", "author"),),
            },
            id="json-ld",
        ),
    ],
)
def test_edition_details(html: str, expected: dict[str, object]) -> None:
    """The details the page shows land in their own fields, with UI counters cut from subjects."""
    book = _clean(html)
    got = {
        "format": book.format,
        "edition": book.edition,
        "original_title": book.original_title,
        "series": book.series,
        "pages": book.pages,
        "subjects": book.subjects,
        "people": tuple((c.name, c.role) for c in book.contributors),
    }
    assert got == expected


def test_details_a_page_does_not_show_stay_empty() -> None:
    """No binding, edition or original title on the page: none in the record."""
    book = _clean("<html><head><title>Mort</title></head><body><h1>Mort</h1><p>by Terry Pratchett</p></body></html>")
    assert (book.format, book.edition, book.original_title) == (None, None, None)
