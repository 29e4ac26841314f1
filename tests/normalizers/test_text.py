"""Text repairs on every block: mojibake, entities, invisible characters, NFC, whitespace."""

from __future__ import annotations

import importlib.util
import os
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import CORPUS, SAMPLES

from normalizers import text
from normalizers.text import fold, has_mojibake, may_fold_within, normalize_text

# (raw, repaired)
REPAIRS = [
    ("", ""),
    ("   ", ""),
    ("Plain text", "Plain text"),
    # mojibake: UTF-8 read as cp1252 / latin-1
    ("CafÃ© de Flore", "Café de Flore"),
    ("â€œQuotedâ€\x9d", "“Quoted”"),
    ("â€œ", "“"),
    ("GrÃ¼ÃŸe aus MÃ¼nchen", "Grüße aus München"),
    ("Â£5", "£5"),
    ("â€”dash", "—dash"),
    # entities left in text
    ("Tom &amp; Jerry", "Tom & Jerry"),
    ("It&#39;s", "It's"),
    ("x &lt; y", "x < y"),
    ("AT&T is fine", "AT&T is fine"),
    # invisible characters
    ("soft\u00adhyphen", "softhyphen"),
    ("zero\u200bwidth", "zerowidth"),
    ("nul\x00byte", "nulbyte"),
    ("\ufeffBOM", "BOM"),
    ("\u200e:\u200f", ":"),
    # NFC: a decomposed é becomes one code point
    ("Cafe\u0301", "Café"),
    # whitespace
    ("  lots   of\tspace \n", "lots of space"),
    ("\u00a0nbsp\u00a0", "nbsp"),
    # correct text is left alone
    ("naïve café, Zoë", "naïve café, Zoë"),
    ("Ã", "Ã"),
]

# Bugs caught: double-escaped entities were once decoded one layer only.
REPAIRS_BUGS_CAUGHT = [
    pytest.param(raw, fixed) for raw, fixed in [("It&amp;#39;s", "It's"), ("Fish &amp;amp; Chips", "Fish & Chips")]
]


@pytest.mark.parametrize(("raw", "fixed"), REPAIRS + REPAIRS_BUGS_CAUGHT)
def test_normalize_text(raw: str, fixed: str) -> None:
    """Each repair gives the text a reader would have seen."""
    assert normalize_text(raw) == fixed


@pytest.mark.parametrize(("raw", "fixed"), REPAIRS)
def test_normalize_text_is_idempotent(raw: str, fixed: str) -> None:
    """Repairing repaired text changes nothing."""
    assert normalize_text(fixed) == fixed


@pytest.mark.parametrize(("raw", "fixed"), REPAIRS)
def test_output_is_nfc(raw: str, fixed: str) -> None:
    """Whatever came in, what goes out is NFC."""
    out = normalize_text(raw)
    assert unicodedata.is_normalized("NFC", out)


def test_keep_paragraphs() -> None:
    """With ``keep_paragraphs`` a blank line survives as one paragraph break, other space folds."""
    assert normalize_text("one\n\n\n two  words\nthree", keep_paragraphs=True) == "one\n\ntwo words three"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CafÃ© de Flore", True),
        ("Café de Flore", False),
        ("", False),
        ("Ã alone", False),
        ("â€œ", True),
    ],
)
def test_has_mojibake(text: str, expected: bool) -> None:
    """The cheap trigger fires on UTF-8-as-cp1252 byte pairs and nowhere else."""
    assert has_mojibake(text) is expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Sino-Soviet  Alliance!", "the sino soviet alliance"),
        ("“Quoted”", '"quoted"'),
        ("", "  "),
        ("Ünïcode—Title", "ünïcode title"),
    ],
)
def test_fold_equal(a: str, b: str) -> None:
    """Strings that differ only in case, spacing, quotes or punctuation fold equal."""
    assert fold(a) == fold(b)


def _fold_by_definition(text: str) -> str:
    # fold's definition as a regex substitution (its first, slower form): every run of
    # non-word characters or underscores becomes one space, case folded.
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30))
def test_fold_matches_its_definition(text: str) -> None:
    assert fold.__wrapped__(text) == _fold_by_definition(text)


@pytest.mark.parametrize(
    "text", ["ASCII_only, with-punct 42!", "naïve—“quotes” ‘here’", "豆瓣评分：8.9", "ǅemal ß İ", ""]
)
def test_fold_matches_its_definition_on_examples(text: str) -> None:
    assert fold.__wrapped__(text) == _fold_by_definition(text)


# --- the compiled common case (normalizers/text_compiled.pyx) --------------------

TIDY_BUILT = importlib.util.find_spec("normalizers.text_compiled") is not None
PURE = bool(os.environ.get("CATALOG_SCRAPER_PURE_PYTHON"))
needs_tidy = pytest.mark.skipif(
    text._TIDY is None, reason="text_compiled not built (no C compiler) or switched off (pure-Python mode)"
)


@pytest.mark.skipif(not TIDY_BUILT or PURE, reason="text_compiled not built, or pure-Python mode")
def test_compiled_tidy_is_active() -> None:
    # The CI installs with a C compiler: a silent fall back to Python would hide a broken build.
    assert text._TIDY is not None and text._WORDS is not None and text._LETTERS is not None


def _tidy_agrees(raw: str) -> None:
    """tidy gives the Python path's answer, or None; None only where a repair may be needed."""
    tidied = text._TIDY(raw) if text._TIDY is not None else None
    expected = text._repair(raw, False, True)
    if tidied is None:
        assert (
            "&" in raw
            or "Ã" in raw
            or "Â" in raw
            or "â" in raw
            or not unicodedata.is_normalized("NFC", text._INVISIBLE.sub("", raw))
        ), raw
    else:
        assert tidied == expected, raw


@needs_tidy
@pytest.mark.parametrize(
    "raw",
    [r for r, _ in REPAIRS]
    + ["  a  b ", "x\u200b y", "\x00a\x1cb", "日本\u3000語 ", "x\u2000y", "â™ â\u00ad€"]
    + ["AT&T", "Simon & Schuster", "&amp;", "&#39;", "&#x27;", "R&D; x", "&a1;", "& amp;", "&;", "&", "x&", "&#٣;"]
    + ["&" + "a" * 31 + ";", "&" + "a" * 40 + ";", "Tom &amp;amp; Jerry", "&AMP;"],
)
def test_compiled_tidy_agrees_on_examples(raw: str) -> None:
    _tidy_agrees(raw)


@needs_tidy
@pytest.mark.parametrize(
    "raw, tidied",
    [
        ("  lots   of\tspace \n", "lots of space"),
        ("soft\u00adhy\u200bphen", "softhyphen"),
        ("Caf\u00e9 in Z\u00fcrich", "Caf\u00e9 in Z\u00fcrich"),
        ("ch\u00e2teau \u2122", "ch\u00e2teau \u2122"),  # an â before no €: not mojibake
        ("Tom &amp; Jerry", None),
        ("Caf\u00c3\u00a9", None),
        ("\u00e2\u00ad\u20ac", None),  # dropping the soft hyphen would make "â€"
        ("Cafe\u0301", None),  # not NFC
    ],
)
def test_compiled_tidy_answers(raw: str, tidied: str | None) -> None:
    assert text._TIDY is not None
    assert text._TIDY(raw) == tidied


_TRICKY = "&ÃÂâ€\u00ad\u200b\u200e\u202b\u2060\ufeff\x00 \t\n\u3000\u2000\u0301\u0303Aae"


@needs_tidy
@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(_TRICKY), st.characters(blacklist_categories=["Cs"])), max_size=40))
def test_compiled_tidy_agrees_with_python(raw: str) -> None:
    _tidy_agrees(raw)


@needs_tidy
def test_compiled_tidy_agrees_on_corpus_text() -> None:
    pages = sorted((CORPUS / "pages").glob("*.txt")) + sorted(SAMPLES.rglob("*.txt"))
    if not pages:
        pytest.skip("no text pages found")
    for path in pages:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            _tidy_agrees(line)


@needs_tidy
def test_compiled_words_is_the_regex_on_every_code_point() -> None:
    assert text._WORDS is not None
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    for sample in (every, every.casefold(), "", "___", " a_b  c ", "豆瓣评分：8.9"):
        assert text._WORDS(sample) == " ".join(re.findall(r"[^\W_]+", sample))


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
@pytest.mark.parametrize(
    "sample", ["ASCII_only, with-punct 42!", "naïve—“quotes” ‘here’", "豆瓣评分：8.9", "ǅemal ß İ", ""]
)
def test_fold_both_ways(monkeypatch: pytest.MonkeyPatch, compiled: bool, sample: str) -> None:
    if compiled and text._WORDS is None:
        pytest.skip("text_compiled was not built")
    if not compiled:
        monkeypatch.setattr(text, "_WORDS", None)
    assert fold.__wrapped__(sample) == _fold_by_definition(sample)


@needs_tidy
def test_compiled_letter_and_digit_counts_are_str_methods_on_every_code_point() -> None:
    assert text._LETTERS is not None and text._DIGITS is not None
    every = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    assert text._LETTERS(every) == sum(c.isalpha() for c in every)
    assert text._DIGITS(every) == sum(c.isdigit() for c in every)
    assert text._LETTERS("") == text._DIGITS("") == 0


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(st.sampled_from(_TRICKY + "\n\r"), st.characters(blacklist_categories=["Cs"])), max_size=30
    )
)
def test_keep_paragraphs_shortcut_is_the_full_path(raw: str) -> None:
    # A text with fewer than two newlines is tidied as one paragraph: what the full path gives.
    assert normalize_text(raw, keep_paragraphs=True) == text._repair(raw, True, True)


@needs_tidy
@pytest.mark.parametrize("width", [0xFF, 0xFFFF], ids=["latin-1", "bmp"])
def test_compiled_words_on_narrow_strings(width: int) -> None:
    # The 1- and 2-byte storage widths have loops of their own.
    narrow = "".join(chr(i) for i in range(width + 1) if not 0xD800 <= i < 0xE000)
    for sample in (narrow, narrow.casefold(), "ab  cd", "_x_"):
        assert text._WORDS(sample) == " ".join(re.findall(r"[^\W_]+", sample))


@pytest.mark.parametrize("raw", ["one\n\n two", "one\ntwo", "a &amp; b\n\n c", "  x  ", "é\u0301\n\n\n"])
def test_keep_paragraphs_without_the_compiled_tidy(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    expected = text._repair(raw, True, True)
    monkeypatch.setattr(text, "_TIDY", None)
    assert normalize_text(raw, keep_paragraphs=True) == expected


def test_every_letter_folds_to_a_word_character() -> None:
    # What may_fold_within rests on: casefold (and lower, for ASCII) never turns a
    # letter into nothing fold keeps.
    every = (chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    assert not [c for c in every if c.isalpha() and not any(f.isalnum() for f in c.casefold())]
    assert all(c.lower().isalnum() for c in map(chr, range(128)) if c.isalpha())


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.one_of(st.sampled_from("ßﬁİıǅ*. ·-"), st.characters(blacklist_categories=["Cs"])), max_size=40),
    st.integers(min_value=0, max_value=30),
)
def test_may_fold_within_is_never_wrong_to_say_no(raw: str, length: int) -> None:
    if not may_fold_within(raw, length):
        assert len(fold.__wrapped__(raw)) > length


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_letters_with_a_limit(monkeypatch: pytest.MonkeyPatch, compiled: bool) -> None:
    if compiled and text._LETTERS is None:
        pytest.skip("text_compiled was not built")
    if not compiled:
        monkeypatch.setattr(text, "_LETTERS", None)
    assert text.letters("Dune 2: Messiah") == 11
    assert text.letters("Dune 2: Messiah", 3) == 4
    assert text.letters("ab", 5) == 2 and text.letters("", 0) == 0
