"""Stray fragments: counters, orphan labels, and synopses the page cut off mid-sentence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.fragments import drop_stray_fragments, trim_truncated
from scraper.blocks import Block

COUNTERS = ["0", "(12)", "12,345", "›", "★★★★☆", "4.3", "|", "—", "&&&"]
KEPT_ALONE = ["1984", "Synopsis", "It began.", "Mort", "Vol. 3 of the Discworld novels."]


@pytest.mark.parametrize("text", COUNTERS)
def test_counters_are_stray_fragments(text: str) -> None:
    """Widget counters and controls left as blocks go as ``stray_fragment:counter``."""
    result = drop_stray_fragments([Block(text)])
    assert result.blocks == []
    assert [(r.rule, r.text) for r in result.removed] == [("stray_fragment:counter", text)]


@pytest.mark.parametrize("text", KEPT_ALONE)
def test_values_and_prose_are_not_fragments(text: str) -> None:
    """A bare year (a value whose label was its own block), a word, a sentence: all kept."""
    result = drop_stray_fragments([Block(text)])
    assert [b.text for b in result.blocks] == [text]
    assert result.removed == []


def test_counter_with_a_label_is_a_value() -> None:
    """A number carried as a label's value is a field, not a counter."""
    block = Block("(12)", label="Pages", value="12")
    assert drop_stray_fragments([block]).blocks == [block]


@pytest.mark.parametrize(
    ("texts", "kept", "removed"),
    [
        pytest.param([], [], [], id="empty"),
        pytest.param(
            ["Synopsis", "Excerpt", "It began."],
            ["Excerpt", "It began."],
            ["Synopsis"],
            id="label-followed-by-another-label",
        ),
        pytest.param(["Synopsis", "It began."], ["Synopsis", "It began."], [], id="label-with-its-text"),
        pytest.param(
            ["Synopsis", "Synopsis", "It began."],
            ["Synopsis", "Synopsis", "It began."],
            [],
            id="same-label-twice-is-not-orphaned",
        ),
    ],
)
def test_orphan_labels(texts: list[str], kept: list[str], removed: list[str]) -> None:
    """A section label with another label right under it lost its text: it goes as orphan_label."""
    result = drop_stray_fragments([Block(t) for t in texts])
    assert [b.text for b in result.blocks] == kept
    assert [r.text for r in result.removed] == removed
    assert {r.rule for r in result.removed} <= {"stray_fragment:orphan_label"}


# (text, kept, removed fragment or None)
TRUNCATED = [
    ("", "", None),
    ("Complete sentence.", "Complete sentence.", None),
    ("No ellipsis and no full stop", "No ellipsis and no full stop", None),
    (
        "Ends with ellipsis inside… then continues.",
        "Ends with ellipsis inside… then continues.",
        None,
    ),
    (
        "It was late. As part of an exchange between St. Olaf . . .",
        "It was late.",
        "As part of an exchange between St. Olaf . . .",
    ),
    ("Mr. Darcy arrived. He said Dr. No...", "Mr. Darcy arrived.", "He said Dr. No..."),
    (
        "J. R. R. Tolkien wrote it. The story of Bilbo Baggins, who…",
        "J. R. R. Tolkien wrote it.",
        "The story of Bilbo Baggins, who…",
    ),
    ("Question? Then a cut ...", "Question?", "Then a cut ..."),
    ("Erster Satz. Zweiter Satz wurde abgeschn…", "Erster Satz.", "Zweiter Satz wurde abgeschn…"),
    ("他来了。然后……", "他来了。", "然后……"),
    # one-sentence teaser: only the ellipsis goes, the text is kept
    ("Only a fragment that was cut…", "Only a fragment that was cut", "…"),
    # a long cut-off sentence that is most of the teaser (a VuFind annotation):
    # dropping it would lose the synopsis, so only the ellipsis goes
    (
        "Landschaft als Sperrbezirk, verfremdet. Darin eingebettet das Schicksal von Hader, der, seit ihm in "
        "früher Kindheit ein Bottich siedender Lauge über den Nacken gegossen wurde, nur noch Echsenbalg gerufen "
        "wird und Zielscheibe des Spotts der Dorfbewohner ist - ein Schicksal, das sc...",
        "Landschaft als Sperrbezirk, verfremdet. Darin eingebettet das Schicksal von Hader, der, seit ihm in "
        "früher Kindheit ein Bottich siedender Lauge über den Nacken gegossen wurde, nur noch Echsenbalg gerufen "
        "wird und Zielscheibe des Spotts der Dorfbewohner ist - ein Schicksal, das sc",
        "...",
    ),
]

# Bugs caught: a short capitalised name before the period ("Tom.", "Ann.")
# was once taken for an abbreviation, leaving the fragment in the description.
TRUNCATED_BUGS_CAUGHT = [
    pytest.param(text, kept, cut)
    for text, kept, cut in [
        ("The hero is Tom. He sails north and…", "The hero is Tom.", "He sails north and…"),
        (
            "A note from Ann. She left the house before . . .",
            "A note from Ann.",
            "She left the house before . . .",
        ),
    ]
]


@pytest.mark.parametrize(("text", "kept", "cut"), TRUNCATED + TRUNCATED_BUGS_CAUGHT)
def test_trim_truncated(text: str, kept: str, cut: str | None) -> None:
    """A text ending in an ellipsis loses its cut-off last sentence, back to the last full one."""
    assert trim_truncated(text) == (kept, cut)


@pytest.mark.parametrize(("text", "kept", "cut"), TRUNCATED)
def test_trim_truncated_is_idempotent(text: str, kept: str, cut: str | None) -> None:
    """Trimming what was already trimmed changes nothing."""
    assert trim_truncated(kept) == (kept, None)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(". …xa\t\n\u3000")), max_size=12))
def test_cut_tail_gate_only_skips_searches_that_find_nothing(text: str) -> None:
    from normalizers.fragments import _CUT_TAIL, _may_end_cut

    if not _may_end_cut(text):
        assert _CUT_TAIL.search(text) is None


def test_byline_first_letters_are_all_the_pattern_can_start_with() -> None:
    # BYLINE is case-insensitive: no other character folds to its words' first letters.
    import re

    from scraper.bylines import _BYLINE_FIRST

    words = ["by", "von", "door", "por", "par"]
    starts = re.compile(r"(?:by|von|door|por|par)", re.I)
    every = [chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000]
    found = {c for c in every for w in words if starts.match(c + w[1:])}
    assert found == _BYLINE_FIRST


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('([.,:/%+×x-–—)]★☆✩✭ \t\n{}"fvarwindow=_9٣a›|')), max_size=10))
def test_counter_and_code_gates_only_skip_patterns_that_do_not_match(text: str) -> None:
    from normalizers.fragments import _CODE, _CODE_FIRST, _COUNTER, _may_count

    if _COUNTER.match(text):
        assert _may_count(text)
    if _CODE.match(text):
        assert text.lstrip()[:1] in _CODE_FIRST
