"""``eval --peers``: trafilatura and extruct mapped to Books and scored beside ours with the same rules."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Corpus
from support import SAMPLES, CliResult, assert_no_traceback

from scraper import cli
from scraper.evaluate import FIELDS, PageScore
from scraper.peers import (
    Peer,
    PeerFields,
    SideBySide,
    extruct_fields,
    extruct_record,
    format_side_by_side,
    score_side_by_side,
    to_result,
    trafilatura_fields,
)
from scraper.records import Book, Contributor, Reject
from scraper.sources import RawPage

# --- extruct: the Book/Product item ----------------------------------------------------------

JSONLD_BOOK = """<html><head>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Wrenfield Books"},
  {"@type": "Book", "name": "The Glass Harbour",
   "author": [{"@type": "Person", "name": "Ann Lee"}, {"@type": "Person", "name": "Bo Ma"}],
   "isbn": "0-575-09067-7", "publisher": {"@type": "Organization", "name": "Wrenfield"},
   "datePublished": "2021-09-14T00:00:00Z",
   "description": "A keeper finds a letter.<br />She sets out &amp; answers it."}
]}
</script>
<meta property="og:type" content="book"><meta property="og:title" content="Glass Harbour | Wrenfield">
</head><body><div itemscope itemtype="https://schema.org/Book"><span itemprop="name">Not this one</span></div>
</body></html>"""

MICRODATA_PRODUCT = """<html><body>
<div itemscope itemtype="https://schema.org/BreadcrumbList"><span itemprop="name">Home</span></div>
<div itemscope itemtype="https://schema.org/Product">
  <h1 itemprop="name">It Ends With Us</h1>
  <span itemprop="gtin13">9781471156267</span>
  <div itemprop="description"><p>Lily hasn't always had it easy.</p></div>
</div></body></html>"""

OPENGRAPH_BOOK = """<html prefix="og: http://ogp.me/ns# book: http://ogp.me/ns/book#"><head>
<meta property="og:type" content="book">
<meta property="og:title" content="黄金时代">
<meta property="og:description" content="《黄金时代》是《时代三部曲》之一。">
<meta property="book:author" content="王小波">
<meta property="book:isbn" content="9787536025080">
<meta property="book:release_date" content="1999-04">
</head><body><p>page</p></body></html>"""

NO_ITEM = """<html><head><title>Search results</title>
<meta property="og:type" content="website"><meta property="og:title" content="Search results">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "BreadcrumbList"}</script>
</head><body><ul><li>One</li><li>Two</li></ul></body></html>"""


@pytest.fixture(scope="module")
def extruct_installed() -> None:
    pytest.importorskip("extruct")


@pytest.mark.usefixtures("extruct_installed")
def test_extruct_maps_a_jsonld_book_first() -> None:
    """A JSON-LD Book inside @graph wins over the microdata and OpenGraph items; every field is mapped."""
    assert extruct_fields(JSONLD_BOOK) == PeerFields(
        title="The Glass Harbour",
        authors=("Ann Lee", "Bo Ma"),
        isbns=("0-575-09067-7",),
        publisher="Wrenfield",
        published="2021-09-14T00:00:00Z",
        description="A keeper finds a letter.\nShe sets out & answers it.",
    )


@pytest.mark.usefixtures("extruct_installed")
def test_extruct_book_holds_what_the_scorer_reads() -> None:
    """As a Book: the ISBN-10 becomes an ISBN-13, the date keeps its ISO prefix, no language."""
    book = extruct_record(RawPage(uri="p.html", data=JSONLD_BOOK.encode(), kind="html"))
    assert isinstance(book, Book)
    assert book.title == "The Glass Harbour"
    assert book.contributors == (Contributor(name="Ann Lee"), Contributor(name="Bo Ma"))
    assert book.isbns == ("9780575090675",)
    assert (book.publisher, book.published, book.language) == ("Wrenfield", "2021-09-14", None)
    assert book.description == "A keeper finds a letter.\nShe sets out & answers it."


@pytest.mark.usefixtures("extruct_installed")
def test_extruct_maps_a_microdata_product_with_gtin13() -> None:
    """A microdata Product: name, gtin13 as the ISBN, description; the breadcrumb item is passed over."""
    assert extruct_fields(MICRODATA_PRODUCT) == PeerFields(
        title="It Ends With Us",
        isbns=("9781471156267",),
        description="Lily hasn't always had it easy.",
    )


@pytest.mark.usefixtures("extruct_installed")
def test_extruct_maps_an_opengraph_book() -> None:
    """A page with only OpenGraph book tags: og:title, book:author, book:isbn, book:release_date, og:description."""
    assert extruct_fields(OPENGRAPH_BOOK) == PeerFields(
        title="黄金时代",
        authors=("王小波",),
        isbns=("9787536025080",),
        published="1999-04",
        description="《黄金时代》是《时代三部曲》之一。",
    )


@pytest.mark.usefixtures("extruct_installed")
def test_extruct_without_a_book_item_gives_no_record() -> None:
    """No Book/Product item (a breadcrumb, og:type website): no fields, and the page is a Reject."""
    assert extruct_fields(NO_ITEM) is None
    result = extruct_record(RawPage(uri="p.html", data=NO_ITEM.encode(), kind="html"))
    assert isinstance(result, Reject)
    assert result.reason == "no_book"


def test_extruct_gives_no_record_for_a_text_dump() -> None:
    """A text dump has no markup: extruct is not run on it."""
    result = extruct_record(RawPage(uri="p.txt", data=b"The Glass Harbour\nAnn Lee", kind="text"))
    assert isinstance(result, Reject)
    assert result.reason == "no_book"


# --- trafilatura ------------------------------------------------------------------------------

TRAFILATURA_PAGE = """<!doctype html><html lang="en"><head><title>The Glass Harbour</title>
<meta name="author" content="Ann Lee; Bo Ma">
{description}
</head><body><article><h1>The Glass Harbour</h1>
<p>A lighthouse keeper finds a letter in a bottle and sets out across the winter sea to answer it.</p>
<p>The second paragraph tells more about the journey, the storms, and the harbour made of glass.</p>
</article></body></html>"""


def test_trafilatura_maps_title_authors_and_metadata_description() -> None:
    """Title and the meta description as trafilatura gives them; its '; '-joined author string is split."""
    pytest.importorskip("trafilatura")
    page = TRAFILATURA_PAGE.format(description='<meta name="description" content="A keeper finds a letter.">')
    assert trafilatura_fields(page.encode()) == PeerFields(
        title="The Glass Harbour",
        authors=("Ann Lee", "Bo Ma"),
        description="A keeper finds a letter.",
    )


def test_trafilatura_description_falls_back_to_the_text() -> None:
    """Without a meta description, the description is trafilatura's main text."""
    pytest.importorskip("trafilatura")
    found = trafilatura_fields(TRAFILATURA_PAGE.format(description="").encode())
    assert found is not None
    assert found.description is not None
    assert found.description.startswith("The Glass Harbour\nA lighthouse keeper finds a letter")
    assert found.description.endswith("the harbour made of glass.")


def test_to_result_keeps_only_what_a_book_can_hold() -> None:
    """Bad ISBNs are dropped, dates cut to their ISO prefix or year, blank names dropped; no title: Reject."""
    page = RawPage(uri="p.html", data=b"<p>", kind="html")
    found = PeerFields(
        title=" T ", authors=("A", " "), isbns=("9780575090676", "0575090677"), published="c. 1987, reprint"
    )
    book = to_result(page, found, "peer")
    assert isinstance(book, Book)
    assert (book.title, book.isbns, book.published) == ("T", ("9780575090675",), "1987")
    assert book.contributors == (Contributor(name="A"),)
    untitled = to_result(page, PeerFields(authors=("A",)), "peer")
    assert isinstance(untitled, Reject)
    assert untitled.reason == "no_title"


# --- scoring and the table ------------------------------------------------------------------


def _corpus_like(tmp_path: Path) -> tuple[Path, Path]:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text("<html><title>Alpha</title><p>Alpha</p></html>")
    (pages / "a.txt").write_text("Alpha\n")
    (pages / "b.html").write_text("<html><title>Beta</title><p>Beta</p></html>")
    entry: dict[str, object] = {
        "expect_record": True,
        "subtitle": None,
        "authors": ["Ann Lee"],
        "isbn13": [],
        "isbn10": [],
    }
    entry |= {"publisher": None, "year": None, "language": "en", "description_start": None, "description_end": None}
    gold = [
        {**entry, "file": "a.html", "title": "Alpha"},
        {**entry, "file": "a.txt", "title": "Alpha"},
        {**entry, "file": "b.html", "title": "Beta"},
    ]
    (tmp_path / "gold.json").write_text(json.dumps(gold))
    return tmp_path / "gold.json", pages


def test_side_by_side_scores_the_same_html_pages_and_survives_a_raising_peer(tmp_path: Path) -> None:
    """Only the HTML pages are scored, for every system; a peer that raises gives no record there, counted."""
    gold, pages = _corpus_like(tmp_path)
    seen: list[str] = []

    def ours(page: RawPage) -> Book | Reject:
        seen.append(Path(page.uri).name)
        title = page.data.decode().split("<title>")[1].split("<")[0]
        return to_result(page, PeerFields(title=title, authors=("Ann Lee",)), "ours")

    def flaky(page: RawPage) -> Book | Reject:
        if page.uri.endswith("b.html"):
            raise RuntimeError("boom\non two lines")
        return to_result(page, PeerFields(title="Alpha"), "flaky")

    peer = Peer("flaky", flaky, (), ("title", "authors", "yield"))
    result = score_side_by_side(gold, pages, ours, peers=[peer])
    assert seen == ["a.html", "b.html"]
    assert (result.pages, result.total) == (2, 3)
    assert result.failed == {"ours": 0, "flaky": 1}
    assert [s.outcome for s in result.scores["flaky"]] == ["book", "parse_failed"]
    table = format_side_by_side(result)
    assert "no record (of 2 pages): ours 0 (0 parse_failed), flaky 1 (1 parse_failed)" in table


def _score(file: str, **fields: bool) -> PageScore:
    return PageScore(file=file, fields=dict(fields), outcome="book")


def test_format_side_by_side() -> None:
    """One column per system, one row per field plus mean, '-' for fields a peer does not produce."""
    every = dict.fromkeys(FIELDS, True)
    ours = [_score("a.html", **every), _score("b.html", **{**every, "description": False})]
    p1 = [_score("a.html", **{**every, "authors": False}), _score("b.html", **every)]
    p2 = [_score("a.html", **every), _score("b.html", **{**every, "title": False})]
    result = SideBySide(pages=2, total=3, kinds=("html",))
    result.scores = {"ours": ours, "p1": p1, "p2": p2}
    result.fields = {"ours": FIELDS, "p1": ("title", "authors", "description"), "p2": ("title", "isbn")}
    result.failed = {"ours": 0, "p1": 0, "p2": 1}
    assert format_side_by_side(result).splitlines() == [
        "side by side on the same 2 .html pages of the 3 in the gold file (text dumps left out: extruct reads markup only)",
        "field             ours      p1      p2  ahead?",
        "-" * 46,
        "title            1.000   1.000   0.500  tie",
        "full_title       1.000       -       -  -",
        "authors          1.000   0.500       -  yes",
        "isbn             1.000       -   1.000  tie",
        "publisher        1.000       -       -  -",
        "year             1.000       -       -  -",
        "language         1.000       -       -  -",
        "description      0.500   1.000       -  NO",
        "residue_free     1.000       -       -  -",
        "yield            1.000       -       -  -",
        "mean             0.950   0.833   0.750  tie",
        "-" * 46,
        "ours over each peer's fields: 0.833 vs p1 0.833 (3 fields); 1.000 vs p2 0.750 (2 fields)",
        "-: the system does not produce the field; a mean is over the fields it produces",
        "no record (of 2 pages): ours 0 (0 parse_failed), p1 0 (0 parse_failed), p2 0 (1 parse_failed)",
    ]


# --- the command ---------------------------------------------------------------------------


def test_eval_peers_without_the_bench_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without trafilatura, --peers says which extra to install, in one line, and exits 2."""
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now raises ImportError
    code = cli.main(["eval", str(SAMPLES / "gold.json"), str(SAMPLES / "pages"), "--peers"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "catalog-scraper: error: --peers needs trafilatura" in err
    assert "pip install 'catalog-scraper[bench]'" in err
    assert_no_traceback(err)


_NUMBER = re.compile(r"^\d\.\d{3}$")


def test_eval_peers_on_the_corpus(corpus: Corpus, cli: Callable[..., CliResult]) -> None:
    """The three columns on the corpus's HTML pages: every cell a number in [0, 1] or '-'."""
    pytest.importorskip("trafilatura")
    pytest.importorskip("extruct")
    result = cli("eval", str(corpus.gold), str(corpus.pages), "--peers")
    assert_no_traceback(result.stderr)
    assert result.code == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("side by side on the same ")
    assert lines[1].split() == ["field", "ours", "trafilatura", "extruct", "ahead?"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3 : 3 + len(FIELDS) + 1]}
    assert list(rows) == [*FIELDS, "mean"]
    for name, (ours, traf, ext, mark) in rows.items():
        assert _NUMBER.match(ours), (name, ours)
        for cell in (ours, traf, ext):
            assert cell == "-" or 0.0 <= float(cell) <= 1.0, (name, cell)
        assert mark in {"yes", "tie", "NO", "-"}
    assert rows["isbn"][1] == "-"
    assert rows["language"][1:3] == ["-", "-"]
