"""PhraseMatcher answers exactly as the full alternation of the rules does, only faster.

It tries, for a block, only the rules its first character allows; a wrong
first-character analysis would silently drop a match. So every rule set is
checked against its full alternation on every block of the shared corpus and
the samples, on the rule tables' own examples, and on generated text.
"""

from __future__ import annotations

import importlib.util
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import CORPUS, SAMPLES

from normalizers.phrase_match import PhraseMatcher, first_chars, needles
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
    # and the Python steps, where the compiled dispatch answers
    assert [t for t in texts if _group(matcher.fullmatch_python(t)) != _group(matcher.full.fullmatch(t))] == []
    assert sum(matcher.fullmatch(t) is not None for t in texts) > 10  # it does match things


def test_category_both_ways_on_every_block() -> None:
    # category (compiled when built) and category_python agree on every block, raw as parsed.
    texts = _block_texts()
    assert [t for t in texts if _PHRASES.category(t) != _PHRASES.category_python(t)] == []
    assert sum(_PHRASES.category(t) is not None for t in texts) > 10


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
            " a » b » c",
            " as an amazon associate we earn from qualifying purchases.",
            " this site may earn a small commission",
            " affiliate links",
        ]
    ),
)
def test_same_answer_on_generated_text(start: str, middle: str, tail: str) -> None:
    text = (start + middle + tail).lower()
    for matcher in MATCHERS.values():
        assert _group(matcher.fullmatch(text)) == _group(matcher.full.fullmatch(text))
        assert _group(matcher.fullmatch_python(text)) == _group(matcher.full.fullmatch(text))


@pytest.mark.parametrize(
    ("pattern", "text", "category"),
    [
        # a rule that may begin with anything, one that begins with a digit class, an empty block
        (r".*all rights reserved", "© 2024 shop. all rights reserved", "footer"),
        (r"\d+ ratings", "٣ ratings", "rating"),
        (r"(more)?", "", "expander"),
        # a rule that may begin with anything and ends in a digit class, met with a non-ASCII digit
        (r".*page \d", "see page ٣", "pagination"),
        # needles: spelled through a small class, taken from every branch, after an optional part
        (r".{1,9}( [›>] .{1,9}){2,}", "a > b › c", "breadcrumb"),
        (r".*\b(earns? from x|may earn a (small )?fee)\b.*", "we may earn a fee.", "footer"),
        (r".*(ab)?cd(ef|gh)", "xx cdgh", "footer"),
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


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r".*\ball rights reserved\.?", {"all rights reserved"}),
        (r"[^>]{1,40}( [›>] [^>]{1,40}){2,}", {" › ", " > "}),
        (r".*(ab)?cd(ef|gh)", {"cd"}),  # parts are not joined across a group: "cd", not "cdef"|"cdgh"
        (r"(x|)yy", {"yy"}),  # a branch that may be empty gives none: the literal after it does
        (r".*(x|)", None),
        (r".*(?i:abc)", None),  # case-insensitive parts spell nothing
        (r"a*", None),
    ],
)
def test_needles(pattern: str, expected: set[str] | None) -> None:
    assert needles(pattern) == (None if expected is None else frozenset(expected))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_every_match_holds_a_needle(data: st.DataObject) -> None:
    # Matches generated from each rule's own pattern: every one holds one of its needles.
    rule = data.draw(st.sampled_from([r for r in PHRASE_RULES if needles(r.pattern)]))
    found = needles(rule.pattern)
    assert found
    text = data.draw(st.from_regex(rule.pattern, fullmatch=True))
    assert any(n in text for n in found), (rule.pattern, text)


def test_a_matcher_with_many_open_rules_keeps_its_python_steps() -> None:
    # More rules that may begin with anything than the compiled dispatch's masks have bits.
    matcher = PhraseMatcher([PhraseRule("x", f".*z{i}") for i in range(70)])
    assert matcher.fullmatch == matcher.fullmatch_python
    assert _group(matcher.fullmatch("aaz69")) == "x" and matcher.fullmatch("aaz70") is None


@pytest.mark.skipif(
    importlib.util.find_spec("normalizers.phrase_compiled") is None
    or bool(os.environ.get("CATALOG_SCRAPER_PURE_PYTHON")),
    reason="phrase_compiled not built, or pure-Python mode",
)
def test_compiled_dispatch_is_active() -> None:
    # The CI installs with a C compiler: a silent fall back to Python would hide a broken build.
    assert all(m.fullmatch != m.fullmatch_python for m in MATCHERS.values())
    assert type(_PHRASES.fullmatch.__self__).__module__ == "normalizers.phrase_compiled"  # type: ignore[attr-defined]
