"""Whose book it is, when a long printed byline says more than the page's prose.

A byline of three or more names often mixes the book's authors with people
who worked on it or on another edition: a comic's colourist ("by Alan Moore,
Dave Gibbons, and John Higgins"), or, on a catalog that merges a work's
editions, the adapters and translators of other editions ("by Emily Brontë,
Stephanie Baudet, Arianna Bellucci, ..."). Nothing in the byline tells them
apart. The page's prose sometimes does, in a sentence that says what the book
is and who made it: "Wuthering Heights is an 1847 novel by Emily Brontë",
"Alan Moore and Dave Gibbons' monumental graphic novel Watchmen".

Prose names people for many other reasons (a blurb naming the best-known
co-author, a recommendation, an introduction's author), so only two frames
count as a credit, each tight around the title:

- "<title> is/was a(n)/the <up to four words> by <names>", in the languages
  the labels cover ("ist ein Roman von", "est un roman de");
- "<names>' <up to four words> <title>", naming two or more people (one name
  in a possessive is the blurb's shorthand: "Alan Moore's Watchmen").

When the page names an uncredited byline name with a role ("this graphic
adaptation by Brian Herbert"), the credit may be the original work's rather
than this edition's, and nothing changes.

The names must be byline names and the list must end there: "et al.",
"with", "(Author)" or another name after it means the list goes on. No role
word may sit in the frame ("an audiobook read by", "illustrated by"). A
sentence naming the title with every byline name voids the rule.

When credits name a strict subset of the byline, the names never credited
stay in the record as role ``contributor`` (they worked on some edition; we do
not know what), and provenance says why. The rule narrows only a byline read
from the visible page: an author list a page states in its structured data
(JSON-LD, microdata) is explicit and is left as it is. It never adds a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from normalizers.text import fold, without_accents
from scraper.fuse import Fused
from scraper.records import Provenance

__all__ = ["demote_uncredited"]

_MIN_BYLINE = 3
_MAX_NAMES = 12  # a credit lists at most this many names (bounds the regex's work)
_FRAME_WORDS = 4  # words between the frame's parts: "an 1847 novel", "monumental graphic novel"
# Sources that print a byline on the page (as opposed to structured data).
_PRINTED = frozenset({"dom-heading", "dom-label", "text", "text-heading", "text-label"})

_COPULA = r"(?:is|was|ist|war|est|était|es|fue|era|è|jest|była?)"
_ARTICLE = r"(?:an?|the|ein|eine|einer|un|une|una|uno|een|het|de|il|lo|la|le)"
_BY = r"(?:by|von|de|par|door|van|por|di|od)"
_AND = r"(?:\s*,\s*(?:(?:and|und|et|y|en|e|i)\s+|&\s*)?|\s+(?:and|und|et|y|en|e|i|&)\s+)"
# Words that say a "by" credits a part or a form of the book, not the book.
# Matched on text without accents ("préface" -> "preface").
_ROLE_WORDS = re.compile(
    r"(?:introduc|foreword|preface|prologo|afterword|epilog|nachwort|vorwort|postface|notes?\b|annotat|"
    r"translat|traduc|traduit|ubersetz|vertaal|vertaling|edit|herausgeg|redig|ingeleid|"
    r"illustr|ilustra|drawn|drawing|zeichn|dessin|pencil|ink|colou?r|letter|cover|art\b|artwork|photo|"
    r"adapt|retold|retell|abridg|version|read\b|narrat|perform|voiced|audio|select|compil|collect|"
    r"commentary|essay|review|interview|chosen|gekozen)",
    re.IGNORECASE,
)
# A sentence ends at a full stop after a lower-case word: not after an initial
# ("John M. Vlissides"), nor at a possessive's apostrophe ("Dave Gibbons' Watchmen"),
# which ``normalizers.fragments``' boundary (made for quoted endings) would split.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9\u00df-\u00ff)\]\"”’][.!?])\s+|(?<=[。！？])")
# What shows a list going on past the last byline name matched ("et al.",
# "with Julie Sussman", "(Author)", ", Richard Helm", "and Carl Ott"): the
# credit is then not a whole list. Case matters: ", initially published" ends it.
_LIST_GOES_ON = re.compile(
    r"\s*(?:,?\s*(?:et al|and others|u\.\s?a\.|with\b|mit\b|avec\b|con\b|met\b|and\b|und\b|et\b|y\b|en\b|&)"
    r"|\(|,?\s*[A-Z])"
)


def _plain(text: str) -> str:
    """Text for matching: one apostrophe, no accents (so "O’Brien" = "O'Brien", "Zoë" = "Zoe")."""
    return without_accents(text.replace("’", "'").replace("‘", "'"))


class _Credits:
    """The credit frames for one title and byline, compiled once per page."""

    def __init__(self, title: str, names: list[str]):
        self.by_plain = {_plain(n).casefold(): n for n in names}
        one = "|".join(re.escape(_plain(n)) for n in sorted(names, key=len, reverse=True))
        name = rf"(?<!\w)(?:{one})(?!\w)"
        listed = rf"{name}(?:{_AND}{name}){{0,{_MAX_NAMES - 1}}}"
        words = r"[\W_]+".join(re.escape(w) for w in re.findall(r"[^\W_]+", _plain(title)))
        # A one-word title is matched as printed ("Heat", not "the heat").
        flags = re.IGNORECASE if " " in title.strip() else 0
        self.title = re.compile(rf"(?<!\w){words}(?!\w)", flags)
        between = rf"(?:\S+\s+){{0,{_FRAME_WORDS}}}?"
        self.is_by = re.compile(
            rf"(?:,\s*)?\s+{_COPULA}\s+{_ARTICLE}\s+(?P<between>{between}){_BY}\s+(?P<names>{listed})", re.IGNORECASE
        )
        self.possessive = re.compile(rf"(?P<names>{listed})'s?\s+(?P<between>{between})$", re.IGNORECASE)
        self.name = re.compile(name, re.IGNORECASE)

    def byline_name(self, matched: str) -> str:
        """The byline's spelling of a matched name (the match may differ in case: "TANPINAR" for "Tanpınar")."""
        found = self.by_plain.get(matched.casefold())
        if found is None:
            found = next(
                (n for key, n in self.by_plain.items() if re.fullmatch(re.escape(key), matched, re.I)), matched
            )
        return found

    def names_in(self, listed: str) -> list[str]:
        return [self.byline_name(m.group(0)) for m in self.name.finditer(listed)]

    def has_role(self, text: str, name: str) -> bool:
        """True when ``text`` names ``name`` just after a role word ("adaptation by Brian Herbert")."""
        plain = _plain(text)
        for match in self.name.finditer(plain):
            if self.byline_name(match.group(0)) == name and _ROLE_WORDS.search(
                plain[max(0, match.start() - 40) : match.start()]
            ):
                return True
        return False

    def credited(self, sentence: str) -> set[str] | None:
        """Names ``sentence`` credits the book to; None when it names the title with the whole byline."""
        plain = _plain(sentence)
        credited: set[str] = set()
        titled = False
        for title in self.title.finditer(plain):
            titled = True
            after = self.is_by.match(plain, title.end())
            if (
                after is not None
                and _LIST_GOES_ON.match(plain, after.end()) is None
                and not _ROLE_WORDS.search(after["between"])
            ):
                credited.update(self.names_in(after["names"]))
            before = self.possessive.search(plain[max(0, title.start() - 400) : title.start()])
            if before is not None and not _ROLE_WORDS.search(before["between"]):
                named = self.names_in(before["names"])
                if len(named) >= 2:
                    credited.update(named)
        if titled and not credited and set(self.names_in(plain)) == set(self.by_plain.values()):
            return None
        return credited


def demote_uncredited(fused: Fused, texts: Iterable[str]) -> None:
    """Make the names of a long printed byline that the prose never credits ``contributor``s.

    >>> fused = Fused(values={"title": "Watchmen"}, people_source="text",
    ...     people=[("Alan Moore", "author"), ("Dave Gibbons", "author"), ("John Higgins", "author")])
    >>> demote_uncredited(fused, ["by Alan Moore, Dave Gibbons, and John Higgins",
    ...     "Set in an altered world, Alan Moore and Dave Gibbons' graphic novel Watchmen is a classic."])
    >>> fused.people
    [('Alan Moore', 'author'), ('Dave Gibbons', 'author'), ('John Higgins', 'contributor')]
    >>> fused.provenance[0].chosen, fused.provenance[0].rejected
    ('Alan Moore, Dave Gibbons', (('John Higgins', 'not credited in the prose'),))
    """
    authors = [n for n, r in fused.people if r == "author"]
    title = fused.values.get("title", "")
    if len(authors) < _MIN_BYLINE or fused.people_source not in _PRINTED or len(fold(title)) < 3:
        return
    frames = _Credits(title, authors)
    credited: set[str] = set()
    read = list(texts)
    for text in read:
        for sentence in _SENTENCE_END.split(text):
            found = frames.credited(sentence)
            if found is None:
                return  # the page credits the book to the whole byline
            credited |= found
    if not credited or credited >= set(authors):
        return
    uncredited = [n for n in authors if n not in credited]
    if any(frames.has_role(text, name) for text in read for name in uncredited):
        # The page says what an uncredited name did ("this graphic adaptation by
        # Brian Herbert"): the credit may be the original work's, not this edition's.
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
