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
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from normalizers.rules.phrases import PhraseRule
from scraper.compiled import compiled_module

__all__ = ["PhraseMatcher", "first_chars", "last_chars", "needles"]

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
    return _edge_chars(pattern, last=False)


def last_chars(pattern: str) -> First:
    """What a match of ``pattern`` can end with, as :func:`first_chars` says what it begins with.

    >>> chars, classes = last_chars(r".*\\ball rights reserved\\.?"); sorted(chars), sorted(classes)
    (['.', 'd'], [])
    >>> last_chars(r"more.*")
    """
    return _edge_chars(pattern, last=True)


_MAX_NEEDLES = 16  # a required part with more spellings than this is not worth checking
_MAX_CLASS = 8  # a class of at most this many characters spells out into a required part


def needles(pattern: str) -> frozenset[str] | None:
    """Strings at least one of which is in every match of ``pattern``, or None when none are known.

    Read off the pattern's mandatory parts: a run of literals (spelled out
    through small classes), or the union of one such part from each branch of a
    mandatory group. Of the candidates, the one whose shortest string is
    longest wins: it is the rarest in ordinary text.

    >>> sorted(needles(r".*\\b(earns? from qualifying|may earn a (small )?fee|affiliate (links?|fees))\\b.*"))
    [' from qualifying', 'affiliate ', 'may earn a ']
    >>> sorted(needles(r"[^>]{1,40}( [›>] [^>]{1,40}){2,}"))
    [' > ', ' › ']
    >>> needles(r".*"), needles(r"(more)?")
    (None, None)
    """
    parsed = _parsed(pattern)
    return None if parsed is None else _required(parsed)


def _required(items: Sequence[tuple[Any, Any]]) -> frozenset[str] | None:
    # The best required part of a run of nodes (see ``needles``).
    candidates: list[frozenset[str]] = []
    run: set[str] = {""}

    def close_run() -> None:
        nonlocal run
        if run != {""}:
            candidates.append(frozenset(run))
        run = {""}

    for op, av in items:
        spelled = _spelled(op, av)
        if spelled is not None and len(run) * len(spelled) <= _MAX_NEEDLES:
            run = {head + char for head in run for char in spelled}
            continue
        close_run()
        if spelled is not None:
            run = set(spelled)  # too many spellings with what came before: a new run
            continue
        inner: frozenset[str] | None = None
        if op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            inner = _required(list(av[3]))
        elif op is _sre.BRANCH:
            parts = [_required(list(branch)) for branch in av[1]]
            if all(part is not None for part in parts):
                union = frozenset().union(*(part for part in parts if part is not None))
                inner = union if len(union) <= _MAX_NEEDLES else None
        elif op in _REPEATS and av[0] >= 1:
            inner = _required(list(av[2]))
        if inner is not None:
            candidates.append(inner)
    close_run()
    if not candidates:
        return None
    return max(candidates, key=lambda part: (min(map(len, part)), -len(part)))


def _spelled(op: Any, av: Any) -> list[str] | None:
    # The characters one node matches, when it is a literal or a small class of literals.
    if op is _sre.LITERAL:
        return [chr(av)]
    if op is _sre.IN and len(av) <= _MAX_CLASS and all(item_op is _sre.LITERAL for item_op, _ in av):
        return [chr(item_av) for _, item_av in av]
    return None


def _parsed(pattern: str) -> list[tuple[Any, Any]] | None:
    # The pattern's nodes as the standard library's parser reads them, or None when
    # it cannot be read here: no parser, a parse error, or flags that change what a
    # literal matches (case folding, verbose).
    if _sre_parse is None:
        return None
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError):
        return None
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    return list(parsed)


def _edge_chars(pattern: str, *, last: bool) -> First:
    parsed = _parsed(pattern)
    if parsed is None:
        return None
    chars: set[str] = set()
    classes: set[str] = set()
    try:
        if _sequence(parsed, chars, classes, last):
            return None  # it can match the empty string
    except _Anything:
        return None
    return frozenset(chars), frozenset(classes)


class _Anything(Exception):
    """A branch that may begin with any character."""


def _sequence(items: Sequence[tuple[Any, Any]], chars: set[str], classes: set[str], last: bool) -> bool:
    # Adds what a run of nodes can begin (or with ``last``, end) with; True when the
    # whole run can match nothing.
    return all(_node(op, av, chars, classes, last) for op, av in (reversed(items) if last else items))


def _node(op: Any, av: Any, chars: set[str], classes: set[str], last: bool) -> bool:
    # Adds what one node can begin (or end) with; True when it can match nothing.
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
        return _sequence(list(av[3]), chars, classes, last)
    if op is _sre.BRANCH:
        empty = False
        for branch in av[1]:
            empty = _sequence(list(branch), chars, classes, last) or empty
        return empty
    if op in _REPEATS:
        low, _high, body = av
        return _sequence(list(body), chars, classes, last) or low == 0
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
    """``fullmatch`` over whole blocks, as the full alternation of ``rules`` would do it, but faster.

    A block is tried against the rules its first character allows (a character
    no rule names by itself counts by its classes: a digit, a space, neither).
    The rules that may begin with anything ("``.*all rights reserved\\.?``"
    runs its ``.*`` over the whole block) are tried only when the block's last
    character is one they can end with, and, when the rule has
    :func:`needles`, only when one of them is in the block: a ``.*`` scan
    costs a microsecond or more on every block it is tried on, a substring
    test a few dozen nanoseconds.
    """

    def __init__(self, rules: Sequence[PhraseRule], *, strip: str = "") -> None:
        self.rules = list(rules)
        # For ``category``: the characters a block is stripped of at its ends, and each
        # category's longest block (its rules' max_len), past which it is prose.
        self.strip = strip
        self.max_len: dict[str, int] = {}
        for rule in rules:
            self.max_len[rule.category] = max(self.max_len.get(rule.category, 0), rule.max_len)
        self.longest = max(self.max_len.values(), default=0)
        self.categories = list(dict.fromkeys(rule.category for rule in rules))
        self.full = compile_rules(rules, self.categories)
        self._starts = [first_chars(rule.pattern) for rule in rules]
        # Each rule that may begin with anything gets a bit; a block's tail mask has the
        # bits of those that can end with its last character.
        self._bit = {i: 1 << n for n, i in enumerate(i for i, first in enumerate(self._starts) if first is None)}
        ends = {i: last_chars(self.rules[i].pattern) for i in self._bit}
        # A last character no rule names: the rules that may end with anything, or with a class.
        self._tail_other = sum(bit for i, bit in self._bit.items() if (end := ends[i]) is None or end[1])
        self._tails: dict[str, int] = {}
        for char in set().union(*(end[0] for end in ends.values() if end is not None)):
            self._tails[char] = sum(
                bit
                for i, bit in self._bit.items()
                if (end := ends[i]) is None or char in end[0] or any(_CLASS_TEST[name](char) for name in end[1])
            )
        # Those of them with needles, for each tail mask: (bit, needles) of the rules it lets through.
        with_needles = [
            (bit, tuple(sorted(found))) for i, bit in self._bit.items() if (found := needles(rules[i].pattern))
        ]
        self._gates = {
            tail: tuple((bit, parts) for bit, parts in with_needles if tail & bit)
            for tail in {self._tail_other, *self._tails.values()}
        }
        self._named = frozenset().union(*(first[0] for first in self._starts if first is not None))
        self._unnamed: dict[str, tuple[str, ...]] = {}  # a character no rule names -> the classes it is in
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
        self._patterns: dict[tuple[str | tuple[str, ...], int], re.Pattern[str] | None] = {}
        # ``fullmatch``: the compiled dispatch (``phrase_compiled.pyx``) over these tables
        # when it was built, else the same steps in Python.
        dispatch = _compiled_dispatch(self)
        self.fullmatch: Callable[[str], re.Match[str] | None] = (
            self.fullmatch_python if dispatch is None else dispatch.fullmatch
        )
        self.category: Callable[[str], str | None] = self.category_python if dispatch is None else dispatch.category

    def category_python(self, text: str) -> str | None:
        """The category a whole block belongs to, or None: ``category`` in Python.

        The block is matched stripped of ``strip`` at its ends (or whole, when
        that leaves nothing) and lower-cased; a match counts only when the
        block is no longer than its category's ``max_len``.
        """
        if len(text) > self.longest:
            return None
        match = self.fullmatch((text.strip(self.strip) or text).lower())
        if match is None or match.lastgroup is None:
            return None
        category = match.lastgroup
        return category if len(text) <= self.max_len[category] else None

    def _could_match(self, i: int, head: str | tuple[str, ...], tail: int) -> bool:
        # head is a block's first character, or for one no rule names, the classes it is in.
        first = self._starts[i]
        if first is None:
            return bool(tail & self._bit[i])
        chars, classes = first
        if isinstance(head, tuple):
            return any(name in classes for name in head)
        return head in chars or any(_CLASS_TEST[name](head) for name in classes)

    def _pattern(self, head: str | tuple[str, ...], tail: int) -> re.Pattern[str] | None:
        picked = tuple(i for i in range(len(self.rules)) if self._could_match(i, head, tail))
        if picked and picked not in self._compiled:
            self._compiled[picked] = compile_rules([self.rules[i] for i in picked], self.categories)
        pattern = self._patterns[head, tail] = self._compiled[picked] if picked else None
        return pattern

    def _classes(self, char: str) -> tuple[str, ...]:
        found = self._unnamed[char] = tuple(name for name, test in _CLASS_TEST.items() if test(char))
        return found

    def fullmatch_python(self, text: str) -> re.Match[str] | None:
        """The full alternation's ``fullmatch(text)``, trying only the branches ``text`` allows.

        ``fullmatch`` is this, or its compiled twin.
        """
        if not text:
            return self.full.fullmatch(text)
        head: str | tuple[str, ...] | None = text[0]
        if head not in self._named:
            head = self._unnamed.get(text[0])
            if head is None:
                head = self._classes(text[0])
        tail = self._tails.get(text[-1], self._tail_other)
        for bit, parts in self._gates[tail]:
            for part in parts:
                if part in text:
                    break
            else:
                tail ^= bit  # none of its needles: the rule cannot match
        try:
            pattern = self._patterns[head, tail]
        except KeyError:
            pattern = self._pattern(head, tail)
        return pattern.fullmatch(text) if pattern is not None else None


def _compiled_dispatch(matcher: PhraseMatcher) -> Any:
    """``phrase_compiled.Dispatch`` over ``matcher``'s tables, or None to choose patterns in Python.

    None when the extension was not built or is turned off (``scraper.compiled``),
    or the matcher has more rules that may begin with anything than the
    dispatch's masks have bits.
    """
    module = compiled_module("normalizers.phrase_compiled")
    if module is None:
        return None
    try:
        return module.Dispatch(matcher)
    except (AttributeError, OverflowError):
        return None
