"""Whose book it is, when a long byline says more than the page's prose.

A byline of three or more names often mixes the book's authors with people
who worked on it or on another edition: a comic's colourist ("by Alan Moore,
Dave Gibbons, and John Higgins"), or, on a catalog that merges a work's
editions, the adapters and translators of other editions ("by Emily Brontë,
Stephanie Baudet, Arianna Bellucci, ..."). Nothing in the byline tells them
apart. The page's prose often does: "Wuthering Heights is an 1847 novel by
Emily Brontë", "Alan Moore and Dave Gibbons' monumental graphic novel
Watchmen". A cataloguer reads that credit and takes it.

The rule: when a sentence that names the book's title credits it to some of
the byline's names (the title, then "by <names>"; or "<names>'s ... <title>"),
and the page's credits together name a strict subset of the byline, the
names never credited stay in the record as role ``contributor`` (they did
work on some edition; we do not know what), and the provenance says why.
Only names already in the byline count, so a credit can only narrow it, never
add a person. A credit to everyone, or none, changes nothing. Two-name
bylines are left alone: a co-author is too often left out of a blurb
("James Patterson's Women's Murder Club").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from normalizers.text import fold
from scraper.fuse import Fused
from scraper.records import Provenance

__all__ = ["demote_uncredited"]

_MIN_BYLINE = 3

# "by" in the languages the labels cover.
_BY = r"(?i:by|von|par|door|de|di|por)"
# A "by" that credits a part of the book, not the book: "introduction by",
# "translated by", "with colours by". Any of these among the few words before
# "by" voids the credit.
_ROLE_WORDS = re.compile(
    r"\b(?:introduc\w*|foreword|preface|afterword|notes?|translat\w*|traduc\w*|traduit\w*|übersetz\w*|"
    r"vertaal\w*|edit\w*|herausgegeben|illustrat\w*|ilustra\w*|colou?r\w*|letter\w*|ink\w*|art|artwork|"
    r"cover|drawings?|photograph\w*|adapt\w*|retold|abridg\w*|read|narrat\w*|select\w*|compil\w*|"
    r"annotat\w*|commentary|essays?|review\w*|interviews?)\b",
    re.IGNORECASE,
)
_ROLE_WINDOW = 40  # characters before "by" searched for a role word
_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")
_POSSESSIVE_WORDS = 4  # words between a possessive and the title: "monumental graphic novel"
_AND = r"(?:\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&|und|et|en|y|e)\s+)"


def _title_pattern(title_key: str) -> re.Pattern[str]:
    """The folded title's words as they may be printed: any case, any punctuation between."""
    words = r"[\W_]+".join(re.escape(w) for w in title_key.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _credited(sentence: str, title: re.Pattern[str], names: list[str]) -> set[str]:
    """The byline names ``sentence`` credits the book to, if it names the book.

    >>> names = ["Alan Moore", "Dave Gibbons", "John Higgins"]
    >>> title = _title_pattern("watchmen")
    >>> sorted(_credited("Alan Moore and Dave Gibbons' graphic novel Watchmen is a classic.", title, names))
    ['Alan Moore', 'Dave Gibbons']
    >>> sorted(_credited("WATCHMEN is a graphic novel by Alan Moore.", title, names))
    ['Alan Moore']
    >>> _credited("Watchmen, with colours by John Higgins.", title, names)
    set()
    >>> _credited("A graphic novel by Alan Moore.", title, names)  # not this book
    set()
    >>> _credited("John Higgins's annotations to the Watchmen script.", title, names)
    set()
    """
    if title.search(sentence) is None:
        return set()
    one = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    listed = rf"(?:{one})(?:{_AND}(?:{one}))*"
    credited: set[str] = set()
    for match in re.finditer(rf"\b{_BY}\s+({listed})", sentence):
        before = sentence[max(0, match.start() - _ROLE_WINDOW) : match.start()]
        if title.search(sentence, 0, match.start()) and not _ROLE_WORDS.search(before):
            credited.update(re.findall(one, match.group(1)))
    for match in re.finditer(rf"({listed})['’]s?\s", sentence):
        # "<names>'s [a few words] <title>", the words no role: "Moore's graphic novel Watchmen"
        named = title.search(sentence, match.end(), match.end() + _ROLE_WINDOW)
        between = sentence[match.end() : named.start()] if named else ""
        if named and len(between.split()) <= _POSSESSIVE_WORDS and not _ROLE_WORDS.search(between):
            credited.update(re.findall(one, match.group(1)))
    return credited


def demote_uncredited(fused: Fused, texts: Iterable[str]) -> None:
    """Make a long byline's names that the page's prose never credits ``contributor``s.

    >>> fused = Fused(values={"title": "Watchmen"},
    ...     people=[("Alan Moore", "author"), ("Dave Gibbons", "author"), ("John Higgins", "author")])
    >>> demote_uncredited(fused, ["by Alan Moore, Dave Gibbons, and John Higgins",
    ...     "Set in an altered world, Alan Moore and Dave Gibbons' graphic novel Watchmen is a classic."])
    >>> fused.people
    [('Alan Moore', 'author'), ('Dave Gibbons', 'author'), ('John Higgins', 'contributor')]
    >>> fused.provenance[0].rejected
    (('John Higgins', 'not credited in the prose'),)
    """
    authors = [n for n, r in fused.people if r == "author"]
    title_key = fold(fused.values.get("title", ""))
    if len(authors) < _MIN_BYLINE or len(title_key) < 3:
        return
    title = _title_pattern(title_key)
    credited: set[str] = set()
    for text in texts:
        for sentence in _SENTENCE_END.split(text):
            credited |= _credited(sentence, title, authors)
    if not credited or credited >= set(authors):
        return
    fused.people = [(n, "contributor" if r == "author" and n not in credited else r) for n, r in fused.people]
    fused.provenance.append(
        Provenance(
            field="authors",
            chosen=", ".join(n for n in authors if n in credited),
            source="text",
            rejected=tuple((n, "not credited in the prose") for n in authors if n not in credited),
        )
    )
