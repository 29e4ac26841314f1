"""Whole-block matching of the phrase rules, one regular expression per first character.

The rules (``normalizers.rules.phrases``) compile to one alternation with a
named group per category, and Python's regex engine tries its ~150 branches
one by one: 6-7 microseconds a block, over a millisecond a page, on blocks it
has not seen before. Most branches begin with a fixed letter ("search...",
"sign in", "oops"), so a block can only match the branches its first character
allows. :class:`PhraseMatcher` compiles, for each character some branch can
begin with, the alternation of just those branches (plus the ones that may
begin with anything), in the full alternation's order, and picks it by the
block's first character. The match, and the category it names, are the ones
the full alternation gives: the tests hold the two together on every block
of the corpus and the samples.

Working out what a branch can begin with reads the pattern with the standard
library's regex parser (``re._parser``). A branch it cannot read, or one
that may begin with any character or match nothing, goes into every bucket.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from normalizers.rules.phrases import PhraseRule

__all__ = ["PhraseMatcher", "first_chars"]

_sre: Any
_sre_parse: Any
try:  # the regex parser is private; without it every rule goes in every bucket
    _sre = importlib.import_module("re._constants")
    _sre_parse = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python versions that moved it
    _sre = _sre_parse = None

_MAX_RANGE = 256  # a character class wider than this counts as "any character"
_REPEATS = (
    ()
    if _sre is None
    else tuple(getattr(_sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_sre, name))
)


# What a branch can begin with: some characters, plus whole classes ("digit",
# "space": \\d and \\s, which match non-ASCII characters too), or None for anything.
First = tuple[frozenset[str], frozenset[str]] | None

_CLASS_TEST = {"digit": str.isdecimal, "space": str.isspace}
_ASCII = {"digit": "0123456789", "space": " \t\n\r\f\v\x1c\x1d\x1e\x1f"}


def first_chars(pattern: str) -> First:
    """What a match of ``pattern`` can begin with: ``(characters, classes)``, or None for anything
    (a pattern that may match nothing counts as anything).

    >>> chars, classes = first_chars(r"(sign|log) ?in"); sorted(chars), sorted(classes)
    (['l', 's'], [])
    >>> chars, classes = first_chars(r"\\(?\\d+\\)?"); sorted(chars)[:3], sorted(classes)
    (['(', '0', '1'], ['digit'])
    >>> first_chars(r".*error"), first_chars(r"(more)?"), first_chars(r"\\w+ more")
    (None, None, None)
    """
    if _sre_parse is None:
        return None
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError):
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    chars: set[str] = set()
    classes: set[str] = set()
    try:
        if _sequence(list(parsed), chars, classes):
            return None  # it can match the empty string
    except _Anything:
        return None
    return frozenset(chars), frozenset(classes)


class _Anything(Exception):
    """A branch that may begin with any character."""


def _sequence(items: Sequence[tuple[Any, Any]], chars: set[str], classes: set[str]) -> bool:
    # Adds what a run of nodes can begin with; True when the whole run can match nothing.
    return all(_node(op, av, chars, classes) for op, av in items)


def _node(op: Any, av: Any, chars: set[str], classes: set[str]) -> bool:
    # Adds what one node can begin with; True when it can match nothing.
    if op is _sre.LITERAL:
        chars.add(chr(av))
        return False
    if op is _sre.IN:
        for item_op, item_av in av:
            if item_op is _sre.LITERAL:
                chars.add(chr(item_av))
            elif item_op is _sre.RANGE and item_av[1] - item_av[0] <= _MAX_RANGE:
                chars.update(chr(c) for c in range(item_av[0], item_av[1] + 1))
            elif item_op is _sre.CATEGORY and item_av in (_sre.CATEGORY_DIGIT, _sre.CATEGORY_SPACE):
                name = "digit" if item_av is _sre.CATEGORY_DIGIT else "space"
                classes.add(name)
                chars.update(_ASCII[name])
            else:  # a negated class, \\w, a wide range: too many to list
                raise _Anything
        return False
    if op is _sre.SUBPATTERN:
        if av[1] & re.IGNORECASE:
            raise _Anything
        return _sequence(list(av[3]), chars, classes)
    if op is _sre.BRANCH:
        empty = False
        for branch in av[1]:
            empty = _sequence(list(branch), chars, classes) or empty
        return empty
    if op in _REPEATS:
        low, _high, body = av
        return _sequence(list(body), chars, classes) or low == 0
    if op is _sre.AT:  # ^, $, \\b: match no character
        return True
    raise _Anything  # any character, a negated literal, a back-reference, a look-around


def compile_rules(rules: Iterable[PhraseRule], categories: Sequence[str]) -> re.Pattern[str]:
    """One alternation with a named group per category, the categories in ``categories``' order."""
    by_category: dict[str, list[str]] = {category: [] for category in categories}
    for rule in rules:
        by_category[rule.category].append(rule.pattern)
    return re.compile(
        "|".join(
            f"(?P<{category}>{'|'.join(f'(?:{p})' for p in patterns)})"
            for category, patterns in by_category.items()
            if patterns
        )
    )


class PhraseMatcher:
    """``fullmatch`` over whole blocks, as the full alternation of ``rules`` would do it, but faster."""

    def __init__(self, rules: Sequence[PhraseRule]) -> None:
        self.categories = list(dict.fromkeys(rule.category for rule in rules))
        self.full = compile_rules(rules, self.categories)
        starts = [first_chars(rule.pattern) for rule in rules]

        def could_begin(first: First, char: str | None) -> bool:
            # char None stands for every character no rule names.
            if first is None:
                return True
            chars, classes = first
            if char is None:
                return bool(classes)
            return char in chars or any(_CLASS_TEST[name](char) for name in classes)

        compiled: dict[tuple[int, ...], re.Pattern[str]] = {}

        def pattern_for(char: str | None) -> re.Pattern[str] | None:
            picked = tuple(i for i, first in enumerate(starts) if could_begin(first, char))
            if not picked:
                return None
            if picked not in compiled:
                compiled[picked] = compile_rules([rules[i] for i in picked], self.categories)
            return compiled[picked]

        named = sorted(set().union(*(first[0] for first in starts if first is not None)))
        self._by_first = {char: pattern for char in named if (pattern := pattern_for(char)) is not None}
        self._other = pattern_for(None)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """The full alternation's ``fullmatch(text)``, trying only the branches ``text[0]`` allows."""
        if not text:
            return self.full.fullmatch(text)
        pattern = self._by_first.get(text[0], self._other)
        return pattern.fullmatch(text) if pattern is not None else None
