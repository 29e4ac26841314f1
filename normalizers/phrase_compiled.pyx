# cython: language_level=3, boundscheck=False, wraparound=False
"""``PhraseMatcher.fullmatch`` (``normalizers/phrase_match.py``), compiled.

Every block of every page is matched against the phrase rules, and the
regular expression is the smaller part of the cost: choosing it (the block's
first character, its last, the needle tests) took as long again in Python.
:class:`Dispatch` makes the same choice, from the same tables, without the
interpreter. The tables stay the matcher's: when a block needs a pattern not
made yet, the matcher makes it, as it does for its own ``fullmatch``.
``tests/normalizers/test_phrase_match.py`` holds the two together.
"""


cdef class Dispatch:
    """``fullmatch`` for one PhraseMatcher, reading (and through it filling) the matcher's tables."""

    cdef frozenset named
    cdef dict unnamed, tails, gates, matchers, max_len
    cdef long tail_other
    cdef Py_ssize_t longest
    cdef str strip
    cdef object full_fullmatch, pattern_for, classes_of

    def __init__(self, matcher):
        # The tail masks are C longs here: a matcher with more rules that may begin
        # with anything than a long has bits stays with its Python steps.
        masks = [matcher._tail_other]
        masks.extend(matcher._tails.values())
        if max(masks).bit_length() >= 62:
            raise OverflowError("too many rules that may begin with anything for a C long mask")
        self.named = matcher._named
        self.unnamed = matcher._unnamed
        self.tails = matcher._tails
        self.tail_other = matcher._tail_other
        self.gates = matcher._gates
        self.full_fullmatch = matcher.full.fullmatch
        self.pattern_for = matcher._pattern
        self.classes_of = matcher._classes
        self.matchers = {}  # (head, tail) -> the pattern's bound fullmatch, or None
        self.max_len = matcher.max_len
        self.longest = matcher.longest
        self.strip = matcher.strip

    def category(self, str text not None):
        """PhraseMatcher.category_python, without the interpreter."""
        if len(text) > self.longest:
            return None
        key = text.strip(self.strip) or text
        match = self._fullmatch(key.lower())
        if match is None:
            return None
        category = match.lastgroup
        if category is None:
            return None
        return category if len(text) <= <Py_ssize_t> self.max_len[category] else None

    def fullmatch(self, str text not None):
        """The full alternation's ``fullmatch(text)``, trying only the branches ``text`` allows."""
        return self._fullmatch(text)

    cdef object _fullmatch(self, str text):
        cdef Py_ssize_t n = len(text)
        cdef long tail
        cdef long bit
        if n == 0:
            return self.full_fullmatch(text)
        first = text[0:1]
        if first in self.named:
            head = first
        else:
            head = self.unnamed.get(first)
            if head is None:
                head = self.classes_of(first)
        found = self.tails.get(text[n - 1 : n])
        tail = self.tail_other if found is None else <long> found
        for gate in <tuple> self.gates[tail]:
            bit = <long> (<tuple> gate)[0]
            for part in <tuple> (<tuple> gate)[1]:
                if part in text:
                    break
            else:
                tail ^= bit  # none of its needles: the rule cannot match
        key = (head, tail)
        try:
            match = self.matchers[key]
        except KeyError:
            pattern = self.pattern_for(head, tail)
            match = self.matchers[key] = None if pattern is None else pattern.fullmatch
        return None if match is None else match(text)
