"""Field fusion: tables of candidates whose sources disagree, and the value each field must end with.

Every row gives the candidates as the readers would (value as the page prints
it, tagged with its source) and the outcome fusion owes the record: the chosen
value, the source it is credited to, and, for a contested field, the
provenance entry naming the values it beat. Expectations follow the rules in
:mod:`scraper.fuse` and :mod:`scraper.candidates` (source priority, a bonus per
agreeing source, a bonus for a title the reader can see) worked out by hand.

Rows fusion gets wrong today are strict xfails naming the bug.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scraper.fuse as fuse_module
from normalizers.text import fold
from scraper.candidates import Candidate, SourceName
from scraper.fuse import Fused, drop_script_aliases, fuse
from scraper.records import Provenance


def c(field: str, value: str, source: SourceName) -> Candidate:
    return Candidate(field, value, source)


def param(row_id: str, *values: Any, bug: str = "") -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(*values, id=row_id, marks=marks)


def seen(*texts: str) -> set[str]:
    """The ``visible`` set: folded texts of the page's short blocks."""
    return {fold(t) for t in texts}


def provenance_of(fused: Fused, field: str) -> list[Provenance]:
    return [p for p in fused.provenance if p.field == field]


# --- titles --------------------------------------------------------------------------------

AMAZON_TITLE = "Leviathan Wakes (The Expanse Book 1): Corey, James S. A.: 9780316129084: Amazon.com: Books"
PHILOSOPHER = "Harry Potter and the Philosopher's Stone"
SORCERER = "Harry Potter and the Sorcerer's Stone"
SAPIENS = "Sapiens: A Brief History of Humankind"

# (candidates, visible, title, subtitle, source credited, exact title provenance or None to skip)
TITLE_ROWS = [
    param(
        "jsonld-vs-heading-og-and-amazon-title-tag",
        [
            c("title", "Leviathan Wakes", "jsonld"),
            c("title", "Leviathan Wakes", "dom-heading"),
            c("title", "Leviathan Wakes | Orbit Books", "og"),
            c("title", AMAZON_TITLE, "title-tag"),
            c("author", "James S. A. Corey", "jsonld"),
        ],
        seen("Leviathan Wakes"),
        "Leviathan Wakes",
        None,
        "jsonld",
        None,
    ),
    param(
        # An OPAC heads its record view with the view's name, and its <title> says it again:
        # two sources agreeing on a word that names no book; the labelled title wins.
        "record-view-heading-and-title-tag-vs-labelled-title",
        [
            c("title", "Detailansicht", "dom-heading"),
            c("title", "Detailansicht - Stadtbibliothek Musterstadt", "title-tag"),
            c("title", "Der Schwarm : Roman", "dom-label"),
        ],
        seen("Detailansicht", "Der Schwarm : Roman"),
        "Der Schwarm",
        "Roman",
        "dom-label",
        None,
    ),
    param(
        # an alternative title after a semicolon is the subtitle
        "alternative-title-after-or",
        [c("title", "Frankenstein; Or, The Modern Prometheus", "dom-heading")],
        seen("Frankenstein; Or, The Modern Prometheus"),
        "Frankenstein",
        "Or, The Modern Prometheus",
        None,
        None,
    ),
    param(
        # an award glued after the title by the store
        "award-after-a-dash",
        [c("title", "L'anomalie - Prix Goncourt 2020", "dom-heading")],
        seen("L'anomalie - Prix Goncourt 2020"),
        "L'anomalie",
        None,
        None,
        None,
    ),
    param(
        "og-and-title-tag-share-the-site-name",
        [
            c("title", "The Left Hand of Darkness | Gollancz", "og"),
            c("title", "The Left Hand of Darkness | Gollancz", "title-tag"),
        ],
        seen("The Left Hand of Darkness"),
        "The Left Hand of Darkness",
        None,
        None,
        None,
    ),
    param(
        "two-weaker-sources-agree",
        [
            c("title", "The Colour of Magic", "jsonld"),
            c("title", "The Color of Magic", "og"),
            c("title", "The Color of Magic", "dom-heading"),
        ],
        set(),
        "The Color of Magic",
        None,
        "dom-heading",
        Provenance(
            field="title",
            chosen="The Color of Magic",
            source="dom-heading",
            rejected=(("The Colour of Magic", "jsonld"),),
        ),
    ),
    param(
        "one-stronger-beats-one-weaker",
        [c("title", "The Colour of Magic", "jsonld"), c("title", "The Color of Magic", "og")],
        set(),
        "The Colour of Magic",
        None,
        "jsonld",
        Provenance(
            field="title", chosen="The Colour of Magic", source="jsonld", rejected=(("The Color of Magic", "og"),)
        ),
    ),
    param(
        "visible-title-beats-machine-only-title",
        [c("title", PHILOSOPHER, "jsonld"), c("title", SORCERER, "dom-heading")],
        seen(SORCERER, "J. K. Rowling"),
        SORCERER,
        None,
        "dom-heading",
        Provenance(field="title", chosen=SORCERER, source="dom-heading", rejected=((PHILOSOPHER, "jsonld"),)),
    ),
    param(
        "without-visible-text-the-machine-title-wins",
        [c("title", PHILOSOPHER, "jsonld"), c("title", SORCERER, "dom-heading")],
        set(),
        PHILOSOPHER,
        None,
        "jsonld",
        Provenance(field="title", chosen=PHILOSOPHER, source="jsonld", rejected=((SORCERER, "dom-heading"),)),
    ),
    param(
        "amazon-title-tag-alone-with-inverted-author",
        [
            c("title", "The Left Hand of Darkness: Le Guin, Ursula K.: 9780441478125: Amazon.com: Books", "title-tag"),
            c("author", "Ursula K. Le Guin", "dom-label"),
        ],
        set(),
        "The Left Hand of Darkness",
        None,
        None,
        None,
    ),
    param(
        "goodreads-title-tag-with-series-and-byline",
        [
            c("title", "Hyperion (Hyperion Cantos, #1) by Dan Simmons | Goodreads", "title-tag"),
            c("title", "Hyperion", "dom-heading"),
            c("author", "Dan Simmons", "jsonld"),
        ],
        seen("Hyperion", "Dan Simmons"),
        "Hyperion",
        None,
        "dom-heading",
        None,
    ),
    param(
        "subtitle-after-colon",
        [c("title", SAPIENS, "jsonld"), c("title", SAPIENS, "dom-heading")],
        seen(SAPIENS),
        "Sapiens",
        "A Brief History of Humankind",
        None,
        None,
    ),
    param(
        "subtitle-candidate-cut-from-title",
        [c("title", SAPIENS, "jsonld"), c("subtitle", "A Brief History of Humankind", "jsonld")],
        set(),
        "Sapiens",
        "A Brief History of Humankind",
        None,
        None,
    ),
    param(
        "series-heading-and-numbered-volume-heading",
        [
            c("series", "Comanche ; 1", "microdata"),
            c("title", "Red Dust", "microdata"),
            c("title", "Comanche", "dom-heading"),
            c("title", "1 Red Dust", "dom-heading"),
        ],
        seen("Comanche", "1 Red Dust"),
        "Red Dust",
        None,
        "microdata",
        None,
    ),
    param(
        "isbd-responsibility-and-binding-suffix",
        [c("title", "Mort / Terry Pratchett.", "dc"), c("title", "Mort (Paperback)", "dom-heading")],
        seen("Mort (Paperback)"),
        "Mort",
        None,
        None,
        None,
    ),
    param(
        "series-then-binding-suffix",
        [c("title", "Leviathan Wakes (The Expanse Book 1) (Paperback)", "dom-heading")],
        seen("Leviathan Wakes (The Expanse Book 1) (Paperback)"),
        "Leviathan Wakes",
        None,
        None,
        None,
    ),
    param(
        "author-glued-to-heading",
        [
            c("title", "It Ends with Us Colleen Hoover", "dom-heading"),
            c("title", "It Ends with Us", "og"),
            c("author", "Colleen Hoover", "jsonld"),
        ],
        seen("It Ends with Us Colleen Hoover"),
        "It Ends with Us",
        None,
        None,
        None,
    ),
    param(
        "download-site-formats-after-the-author",
        [
            c("title", "Ember Protocol - Corin Vashti (EPUB, PDF)", "dom-heading"),
            c("title", "Ember Protocol by Corin Vashti [EPUB, PDF, MOBI] - Free Download - FreeShelf", "title-tag"),
            c("author", "Corin Vashti", "dom-label"),
        ],
        seen("Ember Protocol - Corin Vashti (EPUB, PDF)"),
        "Ember Protocol",
        None,
        None,
        None,
    ),
    param(
        "a-format-word-inside-the-title-stays",
        [c("title", "Mastering PDF (Portable Document Format)", "dom-heading")],
        set(),
        "Mastering PDF (Portable Document Format)",
        None,
        None,
        None,
    ),
]


@pytest.mark.parametrize(("candidates", "visible", "title", "subtitle", "source", "provenance"), TITLE_ROWS)
def test_title(
    candidates: list[Candidate],
    visible: set[str],
    title: str,
    subtitle: str | None,
    source: str | None,
    provenance: Provenance | None,
) -> None:
    """The title (and subtitle) fusion picks, and the source it credits."""
    fused = fuse(candidates, visible)
    assert fused.values.get("title") == title
    assert fused.values.get("subtitle") == subtitle
    entries = provenance_of(fused, "title")
    if source is not None:
        assert [p.source for p in entries] == [source]
    if provenance is not None:
        assert entries == [provenance]


# --- people --------------------------------------------------------------------------------

# (candidates, visible, people as (name, role) in order, exact "authors" provenance or None for none)
PEOPLE_ROWS = [
    param(
        "jsonld-lists-everyone-byline-states-illustrator",
        [
            c("author", "Dan Simmons", "jsonld"),
            c("author", "Gary Ruddell", "jsonld"),
            c("author", "Dan Simmons", "dom-heading"),
            c("illustrator", "Gary Ruddell", "dom-heading"),
        ],
        set(),
        [("Dan Simmons", "author"), ("Gary Ruddell", "illustrator")],
        None,
    ),
    param(
        "dom-labels-name-author-and-illustrator",
        [
            c("author", "Neil Gaiman", "jsonld"),
            c("author", "Chris Riddell", "jsonld"),
            c("author", "Neil Gaiman (Author)", "dom-label"),
            c("illustrator", "Chris Riddell (Illustrator)", "dom-label"),
        ],
        set(),
        [("Neil Gaiman", "author"), ("Chris Riddell", "illustrator")],
        None,
    ),
    param(
        "translator-merged-from-another-source",
        [
            c("author", "Hermann Hesse", "og"),
            c("author", "Hermann Hesse", "dom-label"),
            c("translator", "Basil Creighton", "jsonld"),
        ],
        set(),
        [("Hermann Hesse", "author"), ("Basil Creighton", "translator")],
        None,
    ),
    param(
        "inverted-name-agrees",
        [c("author", "Herbert, Frank", "coins"), c("author", "Frank Herbert", "jsonld")],
        set(),
        [("Frank Herbert", "author")],
        None,
    ),
    param(
        "library-heading-form-agrees",
        [c("author", "Tolkien, J. R. R. (John Ronald Reuel), 1892-1973", "dc"), c("author", "J.R.R. Tolkien", "og")],
        set(),
        [("J. R. R. Tolkien", "author")],
        None,
    ),
    param(
        "contested-author-list",
        [
            c("author", "Alastair Reynolds", "jsonld"),
            c("author", "Stephen Baxter", "jsonld"),
            c("author", "Alastair Reynolds", "og"),
        ],
        set(),
        [("Alastair Reynolds", "author"), ("Stephen Baxter", "author")],
        Provenance(
            field="authors",
            chosen="Alastair Reynolds, Stephen Baxter",
            source="jsonld",
            rejected=(("Alastair Reynolds", "og"),),
        ),
    ),
    param(
        "glued-names-split-by-visible-names",
        [c("author", "Thierry Culliford Yvan Delporte", "dom-label")],
        seen("Thierry Culliford", "Yvan Delporte"),
        [("Thierry Culliford", "author"), ("Yvan Delporte", "author")],
        None,
    ),
    param(
        "widget-words-are-not-names",
        [c("author", "Frank Herbert", "dom-label"), c("author", "Follow", "dom-label")],
        set(),
        [("Frank Herbert", "author")],
        None,
    ),
]


@pytest.mark.parametrize(("candidates", "visible", "people", "provenance"), PEOPLE_ROWS)
def test_people(
    candidates: list[Candidate],
    visible: set[str],
    people: list[tuple[str, str]],
    provenance: Provenance | None,
) -> None:
    """Contributors and their roles: the most trusted list, with roles any source states."""
    fused = fuse(candidates, visible)
    assert fused.people == people
    assert provenance_of(fused, "authors") == ([provenance] if provenance else [])


# --- ISBNs ---------------------------------------------------------------------------------

# (candidates, valid ISBN-13s in first-seen order, invalid look-alikes)
ISBN_ROWS = [
    param(
        "isbn10-and-isbn13-of-one-book",
        [
            c("isbn", "9780575090675", "jsonld"),
            c("isbn", "ISBN-10: 0575090677", "dom-label"),
            c("isbn", "978-0-575-09067-5", "og"),
        ],
        ["9780575090675"],
        [],
    ),
    param(
        "invalid-checksum-reported",
        [c("isbn", "9780575090675", "jsonld"), c("isbn", "978-0-575-09067-6", "dom-label")],
        ["9780575090675"],
        ["9780575090676"],
    ),
    param(
        "invalid-reported-once-across-sources",
        [c("isbn", "0575090678", "dom-label"), c("isbn", "0-575-09067-8", "dc")],
        [],
        ["0575090678"],
    ),
    param(
        "two-editions-in-page-order",
        [c("isbn", "9780441013593", "dom-label"), c("isbn", "0380820307", "jsonld")],
        ["9780441013593", "9780380820306"],
        [],
    ),
    param(
        "x-check-digit",
        [c("isbn", "0-8044-2957-X", "coins")],
        ["9780804429573"],
        [],
    ),
]


@pytest.mark.parametrize(("candidates", "isbns", "invalid"), ISBN_ROWS)
def test_isbns(candidates: list[Candidate], isbns: list[str], invalid: list[str]) -> None:
    """Every valid ISBN once, as ISBN-13; checksum failures go to ``invalid_isbns``."""
    fused = fuse(candidates)
    assert fused.isbns == isbns
    assert fused.invalid_isbns == invalid


# --- single-valued fields ------------------------------------------------------------------

ORION = "Orion Publishing Co"
GOLLANCZ_DATED = "Gollancz (30 Jan. 2020)"

# (candidates, expected values (None: absent), exact provenance entries for those fields)
FIELD_ROWS = [
    param(
        "publisher-with-glued-date",
        [c("publisher", GOLLANCZ_DATED, "dom-label")],
        {"publisher": "Gollancz", "published": "2020-01-30"},
        [],
    ),
    param(
        "contested-publisher-keeps-the-loser",
        [c("publisher", ORION, "jsonld"), c("publisher", GOLLANCZ_DATED, "dom-label")],
        {"publisher": ORION, "published": "2020-01-30"},
        [Provenance(field="publisher", chosen=ORION, source="jsonld", rejected=(("Gollancz", "dom-label"),))],
    ),
    param(
        "two-weaker-publishers-agree",
        [
            c("publisher", ORION, "jsonld"),
            c("publisher", "Gollancz", "dc"),
            c("publisher", GOLLANCZ_DATED, "dom-label"),
        ],
        {"publisher": "Gollancz", "published": "2020-01-30"},
        [Provenance(field="publisher", chosen="Gollancz", source="dc", rejected=((ORION, "jsonld"),))],
    ),
    param(
        "one-source-twice-is-not-agreement",
        [
            c("publisher", ORION, "jsonld"),
            c("publisher", "Gollancz", "dom-label"),
            c("publisher", GOLLANCZ_DATED, "dom-label"),
        ],
        {"publisher": ORION, "published": "2020-01-30"},
        [Provenance(field="publisher", chosen=ORION, source="jsonld", rejected=(("Gollancz", "dom-label"),))],
    ),
    param(
        "imprint-place-publisher-year",
        [c("publisher", "Hamburg : Carlsen, 2009", "dc")],
        {"publisher": "Carlsen", "published": "2009"},
        [],
    ),
    param(
        "widget-word-is-not-a-publisher",
        [c("publisher", "Read more", "dom-label"), c("publisher", "Ace", "coins")],
        {"publisher": "Ace"},
        [],
    ),
    param(
        "same-year-keeps-the-trusted-precise-date",
        [c("date", "2005-08-02", "jsonld"), c("date", "August 2005", "dom-label")],
        {"published": "2005-08-02"},
        [],
    ),
    param(
        "two-weaker-dates-agree",
        [c("date", "1965", "jsonld"), c("date", "2005-08-02", "dc"), c("date", "2 Aug. 2005", "dom-label")],
        {"published": "2005-08-02"},
        [Provenance(field="published", chosen="2005-08-02", source="dc", rejected=(("1965", "jsonld"),))],
    ),
    param(
        "implausible-date-dropped",
        [c("date", "0001-01-01", "jsonld"), c("date", "1987", "dom-label")],
        {"published": "1987"},
        [],
    ),
    param(
        "language-names-and-codes-agree",
        [c("language", "en-GB", "jsonld"), c("language", "eng", "dc"), c("language", "Englisch", "dom-label")],
        {"language": "en"},
        [],
    ),
    param(
        "contested-language",
        [c("language", "de", "jsonld"), c("language", "English", "dom-label"), c("language", "eng", "dc")],
        {"language": "en"},
        [Provenance(field="language", chosen="en", source="dc", rejected=(("de", "jsonld"),))],
    ),
    param(
        "pages",
        [c("pages", "Hardcover: 608 pages", "dom-label"), c("pages", "608", "jsonld")],
        {"pages": "608"},
        [],
    ),
    param(
        "series-statement",
        [c("series", "Comanche ; 1", "microdata")],
        {"series": "Comanche ; 1"},
        [],
    ),
    param(
        "only-absolute-urls",
        [c("url", "/p/mort", "meta"), c("url", "https://shop.example/p/mort", "og")],
        {"url": "https://shop.example/p/mort"},
        [],
    ),
    param(
        "nothing-to-choose",
        [],
        {"title": None, "publisher": None, "published": None, "language": None, "pages": None},
        [],
    ),
]


@pytest.mark.parametrize(("candidates", "values", "provenance"), FIELD_ROWS)
def test_field(candidates: list[Candidate], values: dict[str, str | None], provenance: list[Provenance]) -> None:
    """Source priority plus a bonus per agreeing source; the beaten values kept in provenance."""
    fused = fuse(candidates)
    assert {name: fused.values.get(name) for name in values} == values
    assert [p for p in fused.provenance if p.field in values] == provenance


def test_subjects_deduplicated_without_counts() -> None:
    """Subjects keep page order, once each, without the facet counts shops print after them."""
    fused = fuse(
        [
            c("subject", "Fantasy", "jsonld"),
            c("subject", "Fantasy (1,204)", "dom-label"),
            c("subject", "Humour", "dom-label"),
        ]
    )
    assert fused.subjects == ["Fantasy", "Humour"]


def test_whole_record_from_disagreeing_sources() -> None:
    """One page's worth of candidates: every field resolved, contested ones recorded with their losers."""
    fused = fuse(
        [
            c("title", "Guards! Guards!", "jsonld"),
            c("title", "Guards! Guards! | Hinterland Books", "og"),
            c("title", "Guards! Guards! (Discworld Novel 8) (Paperback)", "dom-heading"),
            c("author", "Terry Pratchett", "jsonld"),
            c("author", "Pratchett, Terry", "coins"),
            c("isbn", "9780552166669", "jsonld"),
            c("isbn", "0552166669", "dom-label"),
            c("publisher", "Corgi Books (26 Jan. 2012)", "dom-label"),
            c("publisher", "Corgi", "jsonld"),
            c("date", "2012-01-26", "jsonld"),
            c("language", "English", "dom-label"),
        ],
        seen("Guards! Guards! (Discworld Novel 8) (Paperback)", "Terry Pratchett"),
    )
    assert fused.values["title"] == "Guards! Guards!"
    assert fused.people == [("Terry Pratchett", "author")]
    assert fused.isbns == ["9780552166669"]
    assert fused.values["publisher"] == "Corgi"
    assert fused.values["published"] == "2012-01-26"
    assert fused.values["language"] == "en"
    assert provenance_of(fused, "publisher") == [
        Provenance(field="publisher", chosen="Corgi", source="jsonld", rejected=(("Corgi Books", "dom-label"),))
    ]
    assert provenance_of(fused, "authors") == []


# One person under two author records in two scripts: merged only when the
# page's own words tie the names together.
@pytest.mark.parametrize(
    ("authors", "text", "kept"),
    [
        (["Wang Xiaobo", "王小波"], "Wang Xiaobo (Chinese: 王小波) was a Chinese writer.", ["Wang Xiaobo"]),
        (["Lev Tolstoy", "Лев Толстой"], "Lev Tolstoy (Лев Толстой, 1828-1910)", ["Lev Tolstoy"]),
        # the same script: two people, whatever the brackets say
        (["Alan Moore", "Dave Gibbons"], "Alan Moore (with Dave Gibbons) wrote it.", ["Alan Moore", "Dave Gibbons"]),
        # a bracket that names a role names another person
        (["Jane Smith", "李明"], "Jane Smith (Illustrator: 李明)", ["Jane Smith", "李明"]),
        # Vietnamese is Latin script: two people
        (
            ["Nguyễn Du", "Huynh Sanh Thong"],
            "Nguyễn Du (translator: Huynh Sanh Thong)",
            ["Nguyễn Du", "Huynh Sanh Thong"],
        ),
        # two scripts, but nothing on the page says they are one person
        (["Wang Xiaobo", "王小波"], "Wang Xiaobo and 王小波 in one list.", ["Wang Xiaobo", "王小波"]),
        (["Wang Xiaobo", "王小波"], "", ["Wang Xiaobo", "王小波"]),
        ([], "", []),
    ],
)
def test_script_aliases(authors: list[str], text: str, kept: list[str]) -> None:
    fused = Fused(people=[(name, "author") for name in authors])
    drop_script_aliases(fused, [text])
    assert [name for name, _ in fused.people] == kept


def _clean_title_unguarded(text: str) -> str:
    # clean_title as it was before its patterns were guarded by quick tests: the reference.
    text = fuse_module._ISBD_RESPONSIBILITY.sub("", text).strip(" /:;,")
    while True:
        before = text
        text = fuse_module._SERIES_SUFFIX.sub("", fuse_module._FORMAT_SUFFIX.sub("", text) or text)
        text = fuse_module._EDITION_SUFFIX.sub("", fuse_module._EDITION_STATEMENT.sub("", text)).strip(" -–—:;,")
        if text == before:
            return text


_TITLE_PIECES = [
    "Dune",
    " / ",
    "Frank Herbert",
    " (",
    ")",
    " [",
    "]",
    "Book 1",
    "#2",
    "vol. 3",
    "PDF",
    "EPUB, MOBI",
    ", ",
    ". ",
    " - ",
    "Fourth",
    "40th Anniversary",
    "Edition",
    "ED.",
    "Auflage",
    "Édition",
    "druk",
    "Paperback",
    "KINDLE EDITION",
    "Taschenbuch",
    "tapa dura",
    "broché",
    " ",
    "\n",
    "ſ",
    "İ",
    ":",
    "–",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=12))
def test_clean_title_guards_change_nothing(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert fuse_module.clean_title(text) == _clean_title_unguarded(text)
