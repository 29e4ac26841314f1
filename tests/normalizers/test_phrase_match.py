"""PhraseMatcher answers exactly as the full alternation of the rules does, only faster.

It tries, for a block, only the rules its first character allows; a wrong
first-character analysis would silently drop a match. So every rule set is
checked against its full alternation on every block of the shared corpus and
the samples, on the rule tables' own examples, and on generated text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import CORPUS, SAMPLES

from normalizers.phrase_match import PhraseMatcher, first_chars
from normalizers.residue import _EXPANDER, _PHRASES, _SECTIONS, _TRAILING_PUNCT
from normalizers.rules.phrases import PHRASE_RULES, PhraseRule
from scraper.parse import parse_page
from scraper.sources import RawPage, kind_from_suffix

MATCHERS = {"phrases": _PHRASES, "sections": _SECTIONS, "expander": _EXPANDER}


def _group(match: object) -> str | None:
    return None if match is None else match.lastgroup  # type: ignore[attr-defined]


def _block_texts() -> list[str]:
    paths = [p for p in sorted((CORPUS / "pages").glob("*")) + sorted(SAMPLES.rglob("*")) if p.is_file()]
    paths = [p for p in paths if p.suffix in {".html", ".htm", ".txt"}]
    texts: set[str] = set()
    for path in paths:
        page = parse_page(RawPage(uri=str(path), data=path.read_bytes(), kind=kind_from_suffix(path.name)))
        for block in page.blocks:
            key = (block.text.strip(_TRAILING_PUNCT) or block.text).lower()
            texts.update({key, key[:60], block.text.lower()})
    return sorted(texts)


@pytest.mark.parametrize("name", sorted(MATCHERS))
def test_same_answer_as_the_full_alternation_on_every_block(name: str) -> None:
    matcher = MATCHERS[name]
    texts = _block_texts()
    assert len(texts) > 1000  # the samples' blocks at least (and the corpus's, beside the clone)
    differ = [t for t in texts if _group(matcher.fullmatch(t)) != _group(matcher.full.fullmatch(t))]
    assert differ == []
    assert sum(matcher.fullmatch(t) is not None for t in texts) > 10  # it does match things


# Starts a block can have: each rule's first characters, digits, spaces, non-ASCII letters.
_STARTS = sorted({c for r in PHRASE_RULES if (f := first_chars(r.pattern)) for c in f[0]} | set("0٣ \t«é豆…x"))


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(_STARTS),
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " more",
            " of 5 stars",
            " all rights reserved",
            " all rights reserved.",
            " tous droits réservés",
            " ▾",
            " › b › c",
        ]
    ),
)
def test_same_answer_on_generated_text(start: str, middle: str, tail: str) -> None:
    text = (start + middle + tail).lower()
    for matcher in MATCHERS.values():
        assert _group(matcher.fullmatch(text)) == _group(matcher.full.fullmatch(text))


@pytest.mark.parametrize(
    ("pattern", "text", "category"),
    [
        # a rule that may begin with anything, one that begins with a digit class, an empty block
        (r".*all rights reserved", "© 2024 shop. all rights reserved", "footer"),
        (r"\d+ ratings", "٣ ratings", "rating"),
        (r"(more)?", "", "expander"),
        # a rule that may begin with anything and ends in a digit class, met with a non-ASCII digit
        (r".*page \d", "see page ٣", "pagination"),
    ],
)
def test_rules_the_analysis_cannot_narrow_still_match(pattern: str, text: str, category: str) -> None:
    matcher = PhraseMatcher([PhraseRule("other", "zzz"), PhraseRule(category, pattern)])
    assert _group(matcher.fullmatch(text)) == category


def test_first_category_in_rule_order_wins_as_in_the_alternation() -> None:
    # Categories are tried in their first rule's order, whatever subset a first character picks.
    rules = [PhraseRule("a", "x+"), PhraseRule("b", "shop"), PhraseRule("a", "sho[p]")]
    assert _group(PhraseMatcher(rules).fullmatch("shop")) == "a"
    assert _group(PhraseMatcher(rules).full.fullmatch("shop")) == "a"
