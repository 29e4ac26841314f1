"""A long byline narrowed by the page's own credit for the book (scraper.credits)."""

from __future__ import annotations

import pytest

from scraper.credits import demote_uncredited
from scraper.fuse import Fused

WATCHMEN = ["Alan Moore", "Dave Gibbons", "John Higgins"]
BRONTE = ["Emily Brontë", "Stephanie Baudet", "Arianna Bellucci", "Tanya Landman"]


@pytest.mark.parametrize(
    ("title", "byline", "texts", "authors"),
    [
        # the credit names two of three: the colourist is no author
        (
            "Watchmen",
            WATCHMEN,
            ["Set in an altered 1985, Alan Moore and Dave Gibbons' monumental graphic novel Watchmen is a classic."],
            ["Alan Moore", "Dave Gibbons"],
        ),
        # "<title> ... by <name>": a work-level byline of other editions' adapters
        (
            "Wuthering Heights",
            BRONTE,
            ["Wuthering Heights is an 1847 novel by Emily Brontë, first published under a pseudonym."],
            ["Emily Brontë"],
        ),
        # German "von", a list joined by "und"
        (
            "Die Wand",
            ["Anna Roth", "Ben Kurz", "Carl Ott"],
            ["Die Wand ist ein Roman von Anna Roth und Ben Kurz."],
            ["Anna Roth", "Ben Kurz"],
        ),
        # credits in two places add up; the byline's order is kept
        (
            "Watchmen",
            WATCHMEN,
            ["Watchmen, written by Alan Moore.", "Dave Gibbons's Watchmen art is famous."],
            ["Alan Moore", "Dave Gibbons"],
        ),
        # a credit to everyone narrows nothing
        ("Watchmen", WATCHMEN, ["Watchmen by Alan Moore, Dave Gibbons and John Higgins."], WATCHMEN),
        # the byline itself (no title in it) credits nobody
        ("Watchmen", WATCHMEN, ["by Alan Moore, Dave Gibbons, and John Higgins"], WATCHMEN),
        # a "by" of a part of the book is no credit for the book
        ("Watchmen", WATCHMEN, ["This edition of Watchmen has an introduction by John Higgins."], WATCHMEN),
        ("Watchmen", WATCHMEN, ["Watchmen, translated by John Higgins."], WATCHMEN),
        ("Watchmen", WATCHMEN, ["John Higgins's annotations to the Watchmen script."], WATCHMEN),
        # another book's credit: the title is not in the sentence
        ("Watchmen", WATCHMEN, ["V for Vendetta is a graphic novel by Alan Moore."], WATCHMEN),
        # a title inside a longer word is not the title
        ("Heat", ["Ann Lee", "Bo Ek", "Cy Fox"], ["The theatre show by Ann Lee."], ["Ann Lee", "Bo Ek", "Cy Fox"]),
        # a name not in the byline is never added
        ("Watchmen", WATCHMEN, ["Watchmen is a graphic novel by Neil Gaiman."], WATCHMEN),
        # two names: a blurb that names one author says nothing of the other
        ("Zoo", ["James Patterson", "Michael Ledwidge"], ["Zoo is a thriller by James Patterson."], None),
        # empty and junk
        ("Watchmen", WATCHMEN, [], WATCHMEN),
        ("Watchmen", WATCHMEN, ["", "   ", "!!!", "by by by"], WATCHMEN),
        ("", WATCHMEN, ["by Alan Moore."], WATCHMEN),
        ("Watchmen", [], ["Watchmen by Alan Moore."], []),
    ],
)
def test_demote_uncredited(title: str, byline: list[str], texts: list[str], authors: list[str] | None) -> None:
    fused = Fused(values={"title": title} if title else {}, people=[(name, "author") for name in byline])
    demote_uncredited(fused, texts)
    expected = byline if authors is None else authors
    assert [name for name, role in fused.people if role == "author"] == expected
    # nobody is dropped: the uncredited stay as contributors, in the byline's order
    assert [name for name, _ in fused.people] == byline
    assert all(role == "contributor" for name, role in fused.people if name not in expected)
    if expected != byline:
        (entry,) = fused.provenance
        assert entry.field == "authors"
        assert [name for name, _ in entry.rejected] == [n for n in byline if n not in expected]
    else:
        assert fused.provenance == []


def test_other_roles_stay() -> None:
    """An illustrator named as such keeps that role; only authors are narrowed."""
    fused = Fused(
        values={"title": "Watchmen"},
        people=[*((n, "author") for n in WATCHMEN), ("Jane Roe", "illustrator")],
    )
    demote_uncredited(fused, ["Watchmen is a graphic novel by Alan Moore."])
    assert fused.people == [
        ("Alan Moore", "author"),
        ("Dave Gibbons", "contributor"),
        ("John Higgins", "contributor"),
        ("Jane Roe", "illustrator"),
    ]
