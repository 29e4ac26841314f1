"""Repeated headings and repeated paragraphs: the title printed again and again, doubled blurbs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.headings import _ELLIPSIS_TAIL, _ellipsis_tail, drop_repeated_headings, drop_repeated_paragraphs
from scraper.blocks import Block

TITLE = "The Sino-Soviet Alliance: An International History"
LONG = "The crew of the Nightjar sails for the edge of the known world, where the maps end."

# (blocks, texts kept, texts removed as duplicate_heading)
HEADING_ROWS = [
    pytest.param([], [], [], id="empty"),
    pytest.param([Block(TITLE, tag="line")] * 4, [TITLE], [TITLE] * 3, id="seed-title-four-times"),
    pytest.param([Block("Mort", heading=1), Block("Mort", heading=2)], ["Mort"], ["Mort"], id="h1-h2"),
    pytest.param(
        [Block("Mort", heading=1), Block("MORT!", heading=2)],
        ["Mort"],
        ["MORT!"],
        id="case-and-punctuation",
    ),
    pytest.param(
        [Block("Bone Silence", heading=1), Block("Bone Silence | Gollancz", heading=2)],
        ["Bone Silence"],
        ["Bone Silence | Gollancz"],
        id="site-chrome-glued-on",
    ),
    pytest.param(
        [
            Block("Der Steppenwolf", tag="line"),
            Block("Der Steppenwolf", tag="line"),
            Block("Roman", tag="line"),
        ],
        ["Der Steppenwolf", "Roman"],
        ["Der Steppenwolf"],
        id="text-dump-lines",
    ),
    pytest.param(
        [Block("Dune", heading=1), Block("Dune Messiah", heading=2)],
        ["Dune", "Dune Messiah"],
        [],
        id="a-longer-title-is-another-book",
    ),
    pytest.param([Block("It", heading=1), Block("It", heading=1)], ["It", "It"], [], id="too-short-to-judge"),
    pytest.param(
        [Block("A sentence that ends.", tag="para")] * 2,
        ["A sentence that ends."] * 2,
        [],
        id="sentences-are-not-headings",
    ),
    pytest.param([Block("   ", heading=1), Block("   ", heading=1)], ["   ", "   "], [], id="blank-junk"),
]


@pytest.mark.parametrize(("blocks", "kept", "removed"), HEADING_ROWS)
def test_drop_repeated_headings(blocks: list[Block], kept: list[str], removed: list[str]) -> None:
    """The first heading stays; repeats, bare or wrapped in site chrome, go as duplicate_heading."""
    result = drop_repeated_headings(blocks)
    assert [b.text for b in result.blocks] == kept
    assert [r.text for r in result.removed] == removed
    assert {r.rule for r in result.removed} <= {"duplicate_heading"}


# (blocks, texts kept, (rule, text) removed)
PARAGRAPH_ROWS = [
    pytest.param([], [], [], id="empty"),
    pytest.param([Block(LONG), Block(LONG)], [LONG], [("repeated_paragraph", LONG)], id="twice"),
    pytest.param(
        [Block(LONG), Block(LONG.upper())],
        [LONG],
        [("repeated_paragraph", LONG.upper())],
        id="twice-other-case",
    ),
    pytest.param(
        [Block(LONG[:45] + "..."), Block(LONG)],
        [LONG],
        [("repeated_paragraph:teaser", LONG[:45] + "...")],
        id="teaser-before-full-text",
    ),
    pytest.param(
        [Block(LONG), Block(LONG[:45] + "…")],
        [LONG],
        [("repeated_paragraph:teaser", LONG[:45] + "…")],
        id="teaser-after-full-text",
    ),
    pytest.param(
        [Block(LONG[:45] + " Read more"), Block(LONG)],
        [LONG],
        [("repeated_paragraph:teaser", LONG[:45] + " Read more")],
        id="teaser-with-read-more",
    ),
    pytest.param([Block("Short."), Block("Short.")], ["Short.", "Short."], [], id="too-short-to-judge"),
    pytest.param([Block(LONG, heading=2)] * 2, [LONG, LONG], [], id="headings-are-not-paragraphs"),
    pytest.param([Block("\x00" * 50), Block("?" * 60)], ["\x00" * 50, "?" * 60], [], id="junk"),
]


@pytest.mark.parametrize(("blocks", "kept", "removed"), PARAGRAPH_ROWS)
def test_drop_repeated_paragraphs(blocks: list[Block], kept: list[str], removed: list[tuple[str, str]]) -> None:
    """A paragraph shown twice is kept once; a teaser of a paragraph on the page goes."""
    result = drop_repeated_paragraphs(blocks)
    assert [b.text for b in result.blocks] == kept
    assert [(r.rule, r.text) for r in result.removed] == removed


def _span(match: object) -> tuple[int, int] | None:
    return None if match is None else match.span()  # type: ignore[attr-defined]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(". …()展开全部eEmorRadMOx\u3000\t")), max_size=25))
def test_ellipsis_tail_is_the_search(text: str) -> None:
    # The shortcut only skips searches that cannot match: the same match, same span, every time.
    assert _span(_ellipsis_tail(text)) == _span(_ELLIPSIS_TAIL.search(text))


@pytest.mark.parametrize(
    "text",
    ["A long review. . .", "A long review ...  more", "A long review.", "Read MORE", "x (展开全部) ", "x.\u3000.\t. "],
)
def test_ellipsis_tail_on_examples(text: str) -> None:
    assert _span(_ellipsis_tail(text)) == _span(_ELLIPSIS_TAIL.search(text))
