"""Properties over generated input: the cleaner never raises, is stable on its own output,
and never leaves behind what it removed.

Budgets are kept small (the whole file runs in a few seconds); cases that once
failed stay pinned as ``@example`` rows, so a regression is deterministic.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from normalizers import TEXT_STEPS_WITHOUT_PHRASES, run_steps
from normalizers.text import normalize_text
from scraper.blocks import Block
from scraper.pipeline import clean_page
from scraper.records import Book, Reject
from scraper.sources import RawPage

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TITLES = [
    "The Salt Roads of the Baltic",
    "Mornings at the Café de Flore",
    "Die Uhrmacherin von Glashütte",
    "Ember Protocol",
]
SENTENCES = [
    "In 1950 two governments signed a treaty of friendship that neither of them trusted.",
    "The advisers arrived in winter and left before the thaw, their work unfinished.",
    "A young clerk keeps the ledgers of a grain store on the edge of the pampas.",
    "Nobody in the village remembers who first planted the orchard above the river.",
    "Elle ouvre la librairie chaque matin à sept heures, avant que la ville ne s'éveille.",
    "Als ihr Vater die Werkstatt verliert, übernimmt sie heimlich seine Aufträge.",
]
RESIDUE = [
    "Read more",
    "Oops!",
    "Sign in",
    "Add to basket",
    "Search by... Author",
    "Lire la suite",
    "Mein Konto",
    "Leer más",
    "(12)",
    "›",
    "Share this book",
    "An unknown error has occurred. Please reload the page.",
    "We use cookies to improve your experience.",
    "4.5 out of 5 stars",
    "Skip to main content",
]
LABELS = ["Synopsis", "Excerpt", "Description", "Reviews", "Customers also bought", "Publisher"]

# --- never raises ----------------------------------------------------------------------

HTML_BITS = [
    "<html>",
    "<head>",
    "<title>",
    "</title>",
    "<body>",
    "<h1>",
    "</h1>",
    "<p>",
    "</p>",
    "<nav>",
    "</nav>",
    "<script type='application/ld+json'>",
    "</script>",
    '{"@type":"Book","name":',
    "}",
    '"isbn":"0575090677"',
    '"datePublished":"0001"',
    '"numberOfPages":-5',
    "[",
    "]",
    "null",
    '"',
    "ISBN: 0-575-09067-7",
    "Published: 0001",
    "Mort",
    "Read more",
    "Oops!",
    "Synopsis",
    "\n\n",
    "\x00",
    "&amp;",
    "CafÃ©",
    "<dl><dt>Author</dt><dd>Pratchett, Terry</dd></dl>",
    "<div hidden>",
    "</div>",
    "<!--",
    "-->",
    "<![CDATA[",
    "<meta property='og:title' content='",
    "'>",
]


@FAST
@given(data=st.binary(max_size=4000), kind=st.sampled_from([None, "html", "text"]))
def test_arbitrary_bytes_never_raise(data: bytes, kind: str | None) -> None:
    """Any bytes at all, sniffed or declared HTML or text, end as a Book or a Reject."""
    result = clean_page(RawPage(uri="fuzz", data=data, kind=kind))  # type: ignore[arg-type]
    assert isinstance(result, Book | Reject)


@FAST
@given(bits=st.lists(st.sampled_from(HTML_BITS), max_size=40), kind=st.sampled_from([None, "html", "text"]))
def test_tag_soup_never_raises(bits: list[str], kind: str | None) -> None:
    """Broken HTML, JSON-LD with bad values and mojibake end as a Book or a Reject, never an exception."""
    page = RawPage(uri="soup", data="".join(bits).encode(), kind=kind)  # type: ignore[arg-type]
    assert isinstance(clean_page(page), Book | Reject)


# --- idempotence ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
@example("CafÃ© de Flore")
@example("â€œQuotedâ€\x9d &amp; soft\u00adhyphen")
def test_normalize_text_is_idempotent(text: str) -> None:
    """Repairing repaired text changes nothing."""
    once = normalize_text(text)
    assert normalize_text(once) == once


blocks_strategy = st.lists(
    st.builds(
        Block,
        st.sampled_from(TITLES + SENTENCES + RESIDUE + LABELS),
        tag=st.sampled_from(["p", "line", "h2"]),
        heading=st.sampled_from([0, 0, 1, 2]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(blocks_strategy)
@example([Block("Excerpt"), Block("(12)"), Block("Synopsis")])
def test_steps_are_idempotent(blocks: list[Block]) -> None:
    """Running the normalizer steps on their own output removes nothing more."""
    first = run_steps(blocks)
    assert run_steps(first.blocks).removed == []


@settings(max_examples=300, deadline=None)
@given(blocks_strategy)
def test_steps_without_phrases_never_grow(blocks: list[Block]) -> None:
    """Every block survives, in order, or is listed as removed: nothing vanishes, nothing is added.

    A removed section (a "Reviews" heading and its body) is one removal that
    lists its blocks one per line.
    """
    result = run_steps(blocks, TEXT_STEPS_WITHOUT_PHRASES)
    removed_blocks = sum(r.text.count("\n") + 1 for r in result.removed)
    assert len(result.blocks) + removed_blocks == len(blocks)
    remaining = iter(blocks)
    assert all(any(kept == b for b in remaining) for kept in result.blocks), "survivors out of order"


# --- generated text pages -------------------------------------------------------------------


@st.composite
def text_pages(draw: st.DrawFn) -> str:
    """A text dump like the seed page: repeated title, residue lines, a labelled synopsis."""
    title = draw(st.sampled_from(TITLES))
    lines = [title] * draw(st.integers(2, 4))
    lines += draw(st.lists(st.sampled_from(RESIDUE), max_size=4))
    lines.append(draw(st.sampled_from(["Synopsis", "Description"])))
    sentences = draw(st.permutations(SENTENCES))
    cuts = sorted(draw(st.sets(st.integers(1, len(sentences) - 1), max_size=2)))
    for start, end in zip([0, *cuts], [*cuts, len(sentences)], strict=True):
        lines.append(" ".join(sentences[start:end]))
        lines += draw(st.lists(st.sampled_from(RESIDUE), max_size=2))
    return "\n\n".join(lines)


def _clean_text(text: str) -> Book | Reject:
    return clean_page(RawPage(uri="generated.txt", data=text.encode(), kind="text"))


# Rules that keep one copy by design: the repeated title and a repeated paragraph.
KEEP_ONE_COPY = ("duplicate_heading", "repeated_paragraph")


@FAST
@given(text_pages())
def test_nothing_removed_is_left_in_the_description(text: str) -> None:
    """No residue block a rule removed appears in the record's description."""
    book = _clean_text(text)
    assert isinstance(book, Book), book
    assert book.description
    description = " ".join(book.description.split())
    leaked = [
        r for r in book.removed if not r.rule.startswith(KEEP_ONE_COPY) and " ".join(r.text.split()) in description
    ]
    assert leaked == []


@FAST
@given(text_pages())
def test_every_residue_line_is_removed(text: str) -> None:
    """Each residue line of a generated page is listed in ``removed``; none reaches a field."""
    book = _clean_text(text)
    assert isinstance(book, Book), book
    removed = {r.text for r in book.removed}
    assert [line for line in set(text.split("\n\n")) if line in RESIDUE and line not in removed] == []


@FAST
@given(text_pages())
@example("Ember Protocol\n\nEmber Protocol\n\nSynopsis\n\n" + " ".join(SENTENCES))
def test_recleaning_a_record_changes_nothing(text: str) -> None:
    """The text dump of a cleaned record (title, 'Synopsis', description) cleans to the same record."""
    book = _clean_text(text)
    assert isinstance(book, Book), book
    again = _clean_text(f"{book.title}\n\nSynopsis\n\n{book.description}")
    assert isinstance(again, Book), again
    assert (again.title, again.subtitle) == (book.title, book.subtitle)
    assert " ".join((again.description or "").split()) == " ".join((book.description or "").split())
    assert again.removed == ()
