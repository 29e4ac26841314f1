"""EXTRACT (text dumps): which line of a page without markup is the book's title.

A dump has no ``<h1>``, so the title is found the way a reader finds it: the
line the page keeps coming back to (bare, or wrapped in chrome: "Title by
Author", "Title Summary", "An edition of Title (1846)"), sitting just above the
byline or the record's metadata, and named again in the page's prose. Menu
words repeat too ("Books", "Strips", "Lists"), but they open the menu's other
entries ("Strips in bezit"), sit far from the byline and are never named in
the synopsis. Each cue adds to a line's score; the best line wins.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from normalizers.residue import match_phrase
from normalizers.text import digits, fold, letters
from scraper.blocks import Block
from scraper.bylines import is_byline
from scraper.candidates import Candidate
from scraper.fuse import clean_title
from scraper.labels import DESCRIPTION_LABELS, field_for_label
from scraper.values import FIRM_WORD, is_sentence, parse_date

__all__ = ["TITLE_BY", "TITLE_SEPARATOR", "text_title_candidates"]

# Where a page glues chrome onto a title: "Title | Site", "Title - Site", "Title: Site".
TITLE_SEPARATOR = re.compile(r"\s+[|/–—-]\s+|\s*[:：]\s+")
_ISBN_IN_LINE = re.compile(r"(?<!\d)97[89]\d{10}(?!\d)|(?<!\d)\d{9}[\dX](?!\d)")
# "Title by Author" on one line (also how a store's <title> may print it).
TITLE_BY = re.compile(r"^(?P<title>.{2,150}?)\s+(?:by|von|door|por|par)\s+(?P<names>\S.{1,80})$", re.I)
# Labels that sit right under a record's title (prices, formats and dates also
# label offer boxes elsewhere on store pages, so they are no anchor).
_META_FIELDS = frozenset({"author", "publisher", "isbn"})
_TIGHT_LABEL = re.compile(r"^[^：:]{1,12}(?:：|:\S)")
_WINDOW = 400  # lines: long menus come first on store pages
_LONG = 150  # a block this long is prose (synopsis, reviews), not a title line
# A volume's number leads its heading on comics and series sites ("14 De 37ste
# parallel", "INT 5 De integrale 5"); the number is the series' business, not
# the title's. A dump has no markup to set it apart, so it takes evidence: an
# "INT" (integral edition) mark on the title itself, or the page listing other
# volumes after the series' name in brackets or an INT mark ("Comanche
# (Peptoe) 2 De afrekening", "INT 4 Tomes 12 à 15"). Lines that merely open
# with numbers are no evidence: counters ("4 Customer Reviews"), rankings and
# tables of contents look the same.
_VOLUME_LEAD = re.compile(r"(?P<int>INT\s+)?[A-Z]?\d{1,3}\s+(?=[^\W\d_])")
# "© 2024 Meridian University Press. All rights reserved.": the footer names
# the site's owner, and a line that is that name is the site's, not a title.
_COPYRIGHT_HOLDER = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?P<owner>[^.,|]{3,80}?)\s*(?:[.,|]|all rights|$)",
    re.I,
)
_SERIES_VOLUME = re.compile(r"(?:^INT\s+|\([^()\d]{1,40}\)\s+(?:INT\s+)?)[A-Z]?\d{1,3}\s+(?P<word>[^\W\d_])")


@dataclass(slots=True)
class _Line:
    text: str
    first: int  # index of the first line it is (or leads)
    at: list[int]  # every line it is or leads
    score: float = 0.0
    near: int = -1  # the occurrence closest above the byline
    byline: str = ""  # the names after "by" when the title is printed as "Title by Author"
    why: list[tuple[str, float]] = field(default_factory=list)

    def add(self, cue: str, points: float) -> None:
        if points:
            self.score += points
            self.why.append((cue, points))


def _names_a_person(text: str) -> bool:
    """True when the words after a "by" can be names: capitalised (or CJK), few, not prose.

    >>> _names_a_person("Colleen Hoover"), _names_a_person("30 Tagen nach Erhalt"), _names_a_person("de keuze")
    (True, False, False)
    """
    first = text.lstrip()[:1]
    return bool(first) and (first.isupper() or first >= "\u3000") and len(text.split()) <= 8 and not is_sentence(text)


def _may_be_title(block: Block, people: set[str]) -> bool:
    text = block.text
    if (
        block.label
        or block.chrome
        or block.link_density > 0.5
        or len(text) > _LONG
        or (letters(text) < 2 and not (text.isdigit() and len(text) >= 3))
    ):
        return False  # "1984" and "451" are titles; other lines need letters
    if text.endswith(("!", "?", "。", ":")) or (text.endswith(".") and " " in text and text.count(". ") >= 1):
        return False  # a sentence, or a line that introduces something
    if _TIGHT_LABEL.match(text):
        return False  # "商品格式：流動版面 EPUB", "Format:Paperback": an unpaired label line
    digit_count = digits(text)
    if digit_count and not text.strip().isdigit() and digit_count * 4 > len(text):
        return False  # "5,030,965 ratings133,303 reviews", prices, dates
    if fold(text) in people or field_for_label(text) or match_phrase(text):
        return False
    return text.strip().isdigit() or not (len(text) < 30 and parse_date(text))  # "1984" may be a title


def _is_word_at(text: str, key: str, start: int) -> bool:
    """``key`` stands in ``text`` at ``start`` as whole words (as ``(?<!\\w)key(?!\\w)`` would)."""
    end = start + len(key)
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


def _holds_word(text: str, key: str) -> bool:
    """``key`` occurs in ``text`` as whole words (plain ``find``: no pattern compiled per line).

    >>> _holds_word("the dune sea", "dune"), _holds_word("dunes", "dune")
    (True, False)
    """
    start = text.find(key)
    while start >= 0:
        if _is_word_at(text, key, start):
            return True
        start = text.find(key, start + 1)
    return False


def _names_people(text: str, names: frozenset[str], openings: tuple[str, ...]) -> bool:
    # The line is a name of ``names`` (folded), or opens with one: ``openings`` are
    # "name," and "name " for each.
    key = fold(text)
    return key in names or key.startswith(openings)


def _anchors(blocks: list[Block], people: set[str]) -> list[int]:
    """Lines that follow a record's title: a byline, an author's name, a metadata label."""
    out = []
    names = frozenset(p for p in people if p)
    openings = tuple(p + end for p in names for end in (",", " "))
    for i, block in enumerate(blocks[:_WINDOW]):
        text = block.text
        labelled = block.label and field_for_label(block.label) in _META_FIELDS
        if labelled or (len(text) <= 200 and (is_byline(text) or _names_people(text, names, openings))):
            out.append(i)
    if not out:
        # No byline and no metadata: the synopsis' label ("Synopsis") is what
        # the title sits above on a bare record.
        out = [i for i, b in enumerate(blocks[:_WINDOW]) if fold(b.text.rstrip(":：")) in DESCRIPTION_LABELS][:1]
    return out


def _title_tag_line(blocks: list[Block], people: set[str]) -> Iterator[Candidate]:
    # "Title: Site: Author: ISBN: Books" -- a dump of the page's <title>: the
    # part before the first separator is the title.
    for block in blocks[:_WINDOW]:
        if len(block.text) <= _LONG and _ISBN_IN_LINE.search(block.text):
            first = TITLE_SEPARATOR.split(block.text, maxsplit=1)[0]
            if first and first != block.text and fold(first) not in people and not field_for_label(first):
                yield Candidate("title", first, "title-tag")
                return


def _copyright_holders(blocks: list[Block]) -> set[str]:
    """The folded firm names a page's copyright lines give as its owner.

    >>> sorted(_copyright_holders([Block("© 2024 Meridian University Press. All rights reserved."),
    ...     Block("Copyright 1999-2023 Example Books, Inc."), Block("© 2020 The Martian. All rights reserved.")]))
    ['example books', 'meridian university press']
    """
    owners = set()
    for block in blocks:
        if len(block.text) <= _LONG and ("©" in block.text or "opyright" in block.text or "(c)" in block.text.lower()):
            match = _COPYRIGHT_HOLDER.search(block.text)
            # Only a firm's name: a book's own site may hold its title's copyright.
            if match is not None and FIRM_WORD.search(match["owner"]):
                owners.add(fold(match["owner"]))
    return owners


_PROSE_LIMIT = 200_000  # characters of the page's prose searched for a title's words


def _folded_prose(blocks: list[Block], limit: int) -> str:
    """The page's long blocks folded and joined, cut at ``limit`` characters.

    Folding stops once the limit is reached: a review dump's later pages would be cut anyway.

    >>> blocks = [Block("x" * 151), Block("short"), Block("Y" * 151), Block("z" * 151)]
    >>> _folded_prose(blocks, 200) == ("x" * 151 + " " + "y" * 151)[:200]
    True
    """
    parts: list[str] = []
    size = -1
    for block in blocks:
        if len(block.text) > _LONG:
            parts.append(fold(block.text))
            size += len(parts[-1]) + 1
            if size >= limit:
                break
    return " ".join(parts)[:limit]


class _LineIndex:
    """Folded lines, searched for the ones holding a key: ``[f for f in lines if key in f]``.

    The lines are joined once and searched with ``str.find``, which skips from
    one occurrence to the next, instead of testing each line for each key:
    that was quadratic on a page with hundreds of short lines.

    >>> _LineIndex(["a b", "c", "b c", "b"]).holding("b")
    ['a b', 'b c', 'b']
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        # Folded text has no newline: it separates the lines, and no key spans two.
        self.text = "\n".join(lines)
        self.starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))

    def holding(self, key: str) -> list[str]:
        found: list[str] = []
        at = self.text.find(key) if key else -1
        while at >= 0:
            i = bisect_right(self.starts, at) - 1
            found.append(self.lines[i])
            if i + 1 >= len(self.lines):
                break
            at = self.text.find(key, self.starts[i + 1])
        return found if key else list(self.lines)


def _scored_lines(blocks: list[Block], people: set[str]) -> dict[str, _Line]:
    window = blocks[:_WINDOW]
    # The record's byline comes first; later ones belong to reviews and lists.
    # Repeats count near the top only: a title repeats in the record's head,
    # while widget words ("Feedback", "Returns") repeat all the way down.
    anchors = _anchors(blocks, people)[:3]
    head = blocks[: max(60, len(blocks) // 3, anchors[0] + 10 if anchors else 0)]
    folded = [fold(b.text) for b in head]
    exact = Counter(f for f, b in zip(folded, head, strict=True) if len(b.text) <= _LONG)
    short = [f for f, b in zip(folded, head, strict=True) if len(b.text) <= _LONG * 2]
    prose = _folded_prose(blocks, _PROSE_LIMIT)
    # A value of another field ("Product Type: Books", "Langue: nl") is not the title.
    values = {fold(b.value) for b in blocks if b.label and field_for_label(b.label) != "title"}
    owners = _copyright_holders(blocks)

    # Distance to the byline is counted in lines a reader reads: a widget's
    # words between the title and its metadata ("Achtercover", a rating
    # counter) count half. Not nothing: a breadcrumb and a rating between two
    # lines still set the lower one closer to the record.
    rank = list(accumulate((0.5 if match_phrase(b.text) else 1.0 for b in window), initial=0.0))
    lines: dict[str, _Line] = {}
    with_byline: dict[str, str] = {}  # titles printed as "Title by Author": their names
    own_lines = {fold(b.text) for b in window if len(b.text) <= 60}
    for i, block in enumerate(window):
        if not _may_be_title(block, people):
            continue
        options = [block.text, clean_title(block.text)]
        # The title glued to chrome: "Title Hardcover – 30 Jan. 2020", "Title | Site".
        options.extend(clean_title(block.text[: m.start()]) for m in TITLE_SEPARATOR.finditer(block.text))
        by = TITLE_BY.match(block.text)
        if (
            by
            and not by["title"].lower().startswith(("by ", "von "))
            and _names_a_person(by["names"])
            and (fold(by["names"]) in people or fold(by["names"]) in own_lines)
        ):
            # "It Ends With Us by Colleen Hoover" -- only with a name the page
            # also prints on its own ("Die Uhrmacherin von Glashütte" names a town).
            options.append(by["title"])
            with_byline[fold(by["title"])] = by["names"]
        for person in people:
            if fold(block.text).endswith(" " + person) and len(fold(block.text)) > len(person) + 2:
                options.append(block.text[: len(block.text) - len(person)].rstrip(" ,/-–|"))
        for text in options:
            key = fold(text)
            if key in lines:
                if i not in lines[key].at:
                    lines[key].at.append(i)
                continue
            if not key or key in values or key in people or match_phrase(text):
                continue
            if field_for_label(text) or (len(text) < 30 and not text.isdigit() and parse_date(text)):
                continue
            lines[key] = _Line(text, i, [i])
    holders = _LineIndex(short)
    for key, line in lines.items():
        repeats = exact[key]
        holding = [f for f in holders.holding(key) if f != key]
        wrapped = sum(1 for f in holding if f.startswith(key) and _is_word_at(f, key, 0))
        inside = sum(1 for f in holding if not f.startswith(key) and _holds_word(f, key))
        # A title is printed two to four times; a line printed more often is an
        # offer box's or a list's furniture ("Sold by", "Subtotal").
        furniture = repeats > 4
        if not furniture:
            line.add("repeated", max(repeats - 1, 0) * 0.8)
        line.add("wrapped", min(wrapped, 3) * 0.6)
        line.add("inside", min(inside, 2) * 0.3)
        if not furniture and any(key == fold(b.text) for at in line.at for b in blocks[at + 1 : at + 4]):
            line.add("twice_in_a_row", 1.0)  # a breadcrumb's end and the heading
        # Menu words open the menu's other entries ("Strips in bezit", "Books
        # > Poetry"): a one-word line that leads many lines is a category.
        one_word = " " not in key and letters(key) == len(key) and not any(c >= "\u3000" for c in key)
        if one_word and wrapped >= 2:
            line.add("category", -1.0 - 0.5 * min(wrapped, 6))
        if len(key) >= 4 and _holds_word(prose, key):
            line.add("in_prose", 0.8)
        if key in owners:
            line.add("site_owner", -3.0)
        distance, line.near = min(
            ((rank[a] - rank[at], at) for a in anchors for at in line.at if a > at), default=(99, -1)
        )
        if key in with_byline:
            distance = 1  # the byline is on the title's own line
            line.byline = with_byline[key]
        if distance <= 5:
            line.add("above_byline", 3.0 / distance)
        elif anchors:
            # Far from the record's byline and metadata, repetition and prose
            # mentions are what widgets have too: they count half.
            line.add("far_from_byline", -line.score / 2)
    return lines


def _without_volume_number(title: str, blocks: list[Block]) -> str:
    """The title without the volume number it leads with, when the page shows it is one.

    >>> listed = [Block("Comanche (Peptoe) 2 De afrekening"), Block("1 Red Dust")]
    >>> _without_volume_number("1 Red Dust", listed), _without_volume_number("INT 5 De integrale 5", [])
    ('Red Dust', 'De integrale 5')

    Without that evidence the number is the title's own, whatever lines open
    with numbers elsewhere (counters, a bestseller list, a book's chapters):

    >>> _without_volume_number("12 Rules for Life", [Block("4 Customer Reviews"), Block("2 Answered Questions")])
    '12 Rules for Life'
    >>> _without_volume_number("100 Bullets", [Block("Paperback (2019) 3 New from $5.00")])
    '100 Bullets'
    """
    lead = _VOLUME_LEAD.match(title)
    if lead is None:
        return title
    if lead["int"]:
        return title[lead.end() :]
    for block in blocks[:_WINDOW]:
        if block.text != title and len(block.text) <= _LONG:
            listed = _SERIES_VOLUME.search(block.text)
            if listed and listed["word"].isupper():
                return title[lead.end() :]
    return title


def text_title_candidates(blocks: list[Block], people: set[str]) -> Iterator[Candidate]:
    """Title candidates for a page without a usable heading.

    ``blocks`` are the page's blocks as parsed (cleaning removes the repeats
    that are the evidence); ``people`` the folded names of its contributors.

    >>> from scraper.blocks import Block
    >>> lines = ["Home", "Books", "Poetry", "Books > Poetry", "A Light in the Attic", "A Light in the Attic",
    ...          "by Shel Silverstein", "It's hard to imagine a world without A Light in the Attic. " * 4]
    >>> [c.value for c in text_title_candidates([Block(text=t) for t in lines], {"shel silverstein"})]
    ['A Light in the Attic']
    """
    yield from _title_tag_line(blocks, people)
    lines = _scored_lines(blocks, people)
    ranked = sorted(lines.values(), key=lambda line: (-line.score, line.first))
    if not ranked or ranked[0].score < 1.0:
        return
    best = ranked[0]
    # The title won on its own, but the line above the byline may carry its
    # subtitle too ("Die Uhrmacherin von Glashütte : Roman"): that line is the
    # record's heading, and fusion splits it.
    near = blocks[best.near].text if best.near >= 0 else ""
    # (A tail with digits is a result list's "... : PC CD-ROM - 2001", no subtitle.)
    fuller = re.match(re.escape(best.text) + r"\s*[:：]\s+\D+$", near) is not None
    text = _without_volume_number(near if fuller else best.text, blocks)
    # Only a line with several cues stands as a heading; one cue is a guess.
    yield Candidate("title", text, "text-heading" if best.score >= 2.5 else "text")
    if best.byline:
        yield Candidate("author", best.byline, "text-heading")
