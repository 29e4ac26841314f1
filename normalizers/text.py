"""Text-level repairs applied to every block: mojibake, entities, Unicode, whitespace.

These change characters, never meaning, so they record no removal: a curator
comparing input and output sees the same words. Each repair runs only when a
cheap test says it is needed, because it runs on every block of every page.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import ftfy

from scraper.compiled import compiled_module

__all__ = ["digits", "fold", "has_mojibake", "letters", "may_fold_within", "normalize_text", "without_accents"]

# Byte pairs that UTF-8 text shows when it was decoded as cp1252/latin-1:
# "Ã©" for "é", "â€œ" for "“". Real text almost never has these sequences, so
# their presence is the trigger for ftfy (which is too slow to run blindly).
_MOJIBAKE = re.compile(
    r"[ÂÃâ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a\u20ac\u2122\u02c6\u02dc]"
)

# Entities left in text by double escaping ("&amp;amp;", "&#39;").
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# Invisible characters that break matching and carry no text: zero-width
# space/joiners, word joiner, BOM, soft hyphen, NUL, bidi marks that Amazon
# puts around its "Label : value" colons.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\x00\u200e\u200f\u202a-\u202e]")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")


def has_mojibake(text: str) -> bool:
    """True when ``text`` shows UTF-8 decoded as a single-byte charset.

    >>> has_mojibake("CafÃ© de Flore"), has_mojibake("Café de Flore")
    (True, False)
    """
    if "Ã" not in text and "Â" not in text and "â€" not in text:
        return False  # the common case, decided by fast substring scans
    return _MOJIBAKE.search(text) is not None


def _compiled(name: str) -> Callable[[str], Any] | None:
    """A function of ``normalizers/text_compiled.pyx``, or None to do its work in Python.

    None when the extension was not built or is turned off (``scraper.compiled``).
    """
    module = compiled_module("normalizers.text_compiled")
    function: Callable[[str], Any] | None = getattr(module, name, None)
    return function


# normalize_text's common case (no repair, only spacing and invisibles) in one pass;
# None for a text that may need a repair.
_TIDY: Callable[[str], str | None] | None = _compiled("tidy")
# fold's last step: the runs of letters and digits, one space apart.
_WORDS: Callable[[str], str] | None = _compiled("words")
_LETTERS: Callable[..., int] | None = _compiled("letters")
_DIGITS: Callable[[str], int] | None = _compiled("digits")


def letters(text: str, most: int = -1) -> int:
    """How many characters of ``text`` are letters (``str.isalpha``).

    With ``most`` (0 or more), counting stops once the count passes it, and the
    answer is ``most + 1``: enough to tell a long text from a short one.

    >>> letters("Dune 2: Messiah"), letters("豆瓣 8.9"), letters("Dune 2: Messiah", most=3)
    (11, 2, 4)
    """
    if _LETTERS is not None:
        return _LETTERS(text, most)
    count = 0
    for c in text:
        if c.isalpha():
            count += 1
            if count > most >= 0:
                break
    return count


def may_fold_within(text: str, length: int) -> bool:
    """False when ``fold(text)`` is surely longer than ``length``, told without folding.

    Every letter casefolds to at least one letter or digit, each of which ``fold``
    keeps: a text with more letters than ``length`` folds longer (the tests check
    the first part on every code point). Looking a long block up among short keys
    ("Synopsis", "Reviews") is then decided without folding all of it.

    >>> may_fold_within("Synopsis:", 8), may_fold_within("A paragraph of a review, not a label.", 25)
    (True, False)
    """
    return letters(text, length) <= length


def digits(text: str) -> int:
    """How many characters of ``text`` are digits (``str.isdigit``).

    >>> digits("5,030,965 ratings"), digits("²½")
    (7, 1)
    """
    return _DIGITS(text) if _DIGITS is not None else sum(c.isdigit() for c in text)


def normalize_text(text: str, *, keep_paragraphs: bool = False, check_mojibake: bool = True) -> str:
    """Repair and tidy one run of text.

    Fixes mojibake (ftfy, keeping curly quotes), decodes stray entities,
    applies NFC, drops invisible characters, and folds whitespace. With
    ``keep_paragraphs`` a blank line survives as a paragraph break. A caller
    that already knows the whole page is free of mojibake passes
    ``check_mojibake=False`` to skip the per-run test.

    >>> normalize_text("CafÃ© de Flore")
    'Café de Flore'
    >>> normalize_text("â€œQuotedâ€\\x9d &amp; more")
    '“Quoted” & more'
    >>> normalize_text("soft\\u00adhy\\u200bphen   and\\n spaces")
    'softhyphen and spaces'
    >>> normalize_text("one\\n\\n two", keep_paragraphs=True)
    'one\\n\\ntwo'
    >>> normalize_text("")
    ''
    """
    if not text:
        return ""
    # (A text with fewer than two newlines has no blank line to keep: one paragraph.)
    if not keep_paragraphs or text.count("\n") < 2:
        if _TIDY is not None:
            tidied = _TIDY(text)  # None when the text may need a repair
            if tidied is not None:
                return tidied
        elif text.isascii() and "&" not in text and "\x00" not in text:
            return " ".join(text.split())  # plain ASCII: nothing to repair but the spacing
    return _repair(text, keep_paragraphs, check_mojibake)


def _repair(text: str, keep_paragraphs: bool, check_mojibake: bool) -> str:
    # normalize_text's full path, in Python: every repair its text may need.
    if check_mojibake and has_mojibake(text):
        text = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC")
    for _ in range(3):  # double-escaped text ("&amp;#39;") needs more than one pass
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if not text.isascii():
        if _INVISIBLE.search(text):  # rare: scanning is cheap, rebuilding the string is not
            text = _INVISIBLE.sub("", text)
        text = unicodedata.normalize("NFC", text)
    elif "\x00" in text:
        text = text.replace("\x00", "")
    # str.split() with no argument splits on every Unicode space (NBSP, thin
    # and ideographic spaces included), so it folds whitespace in one pass.
    if keep_paragraphs:
        paragraphs = _BLANK_LINES.split(text)
        text = "\n\n".join(p for p in (" ".join(p.split()) for p in paragraphs) if p)
    else:
        text = " ".join(text.split())
    if check_mojibake and not text.isascii() and has_mojibake(text):
        # Dropping invisibles can join a mojibake pair ("\xadÂ\x80" -> "Â€"): repair once more.
        text = ftfy.fix_text(text, uncurl_quotes=False, normalization="NFC")
    return text


# A word, for fold: letters and digits (any script), no underscore.
_FOLD_WORD = re.compile(r"[^\W_]+")
# The same for ASCII text, as a translation (every other ASCII character becomes a space).
_ASCII_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def without_accents(text: str) -> str:
    """``text`` without its combining accents, for matching spellings that drop them.

    >>> without_accents("éditeur"), without_accents("Übersetzer"), without_accents("出版社")
    ('editeur', 'Ubersetzer', '出版社')
    """
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """A comparison key: casefolded, punctuation and spacing removed.

    Two strings that differ only in case, whitespace or punctuation fold equal.
    The key is the text's words (runs of letters and digits) joined by single
    spaces: curly quotes and dashes are punctuation like any other. ASCII text,
    most of it, takes a translation table instead of the regex (5x faster);
    the compiled ``words`` does either in one pass.
    Cached: labels and template lines recur on every page of a site.

    >>> fold("The Sino-Soviet  Alliance!") == fold("the sino soviet alliance")
    True
    >>> fold("Ünïcode—Title"), fold("it’s “Quoted”_here"), fold("snake_case 2nd")
    ('ünïcode title', 'it s quoted here', 'snake case 2nd')
    """
    if _WORDS is not None:
        return _WORDS(text.lower() if text.isascii() else text.casefold())
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_NON_WORD).split())
    return " ".join(_FOLD_WORD.findall(text.casefold()))
