"""Open Library edition pages: the edition's own authors.

Why an adapter: on an Open Library edition page (``/books/OL…M``) every
author the generic path can read (the byline, its ``itemprop=author``
microdata, the ``{{cite book}}`` export) is the WORK's author list
(``work.get_authors()`` in Open Library's ``type/edition/view.html``). A work
gathers every edition of a book, so its list often holds people of other
editions: the translator of a Spanish edition under Edward W. Said's English
one, adapters of abridged editions under Emily Brontë. The page shows no
text that tells the edition's own authors apart, so no generic reader can.

The one place the template writes them is the edition cover's ``alt``:
``"Cover of: <title> by <names>"``, where ``<names>`` is
``Edition.get_authors()``, i.e. the work's authors followed by the edition's
own author records. The adapter takes the byline (the work's list) off the
front of that list; what follows are the edition's authors. Only the names
are matched, not the words around them, so a translated UI reads the same.

It answers only when that split is exact and the edition's authors are a
strict subset of the work's: it drops people, never adds a name the byline
does not show. When the edition has no author records of its own, when they
are the work's, or when the markup is not the template's (a redesign), it
returns nothing and the generic path stands. Text dumps keep no ``alt``, so
they are left to the generic path too.
"""

from __future__ import annotations

from collections.abc import Iterator

from normalizers.text import normalize_text
from scraper.adapters.base import SitePage
from scraper.candidates import Candidate

__all__ = ["OpenLibraryAdapter", "edition_authors"]


def _split_names(text: str, names: list[str]) -> list[str] | None:
    """``text`` read as ", "-joined ``names`` (longest first at each step), or None.

    >>> _split_names("Alan Moore, Dave Gibbons", ["Alan Moore", "Dave Gibbons", "John Higgins"])
    ['Alan Moore', 'Dave Gibbons']
    >>> _split_names("Said, Edward", ["Said, Edward"]), _split_names("Jane Roe", ["Alan Moore"])
    (['Said, Edward'], None)
    """
    if not text:
        return []
    for name in sorted(set(names), key=len, reverse=True):
        if text == name:
            return [name]
        if text.startswith(name + ", "):
            rest = _split_names(text[len(name) + 2 :], names)
            if rest is not None:
                return [name, *rest]
    return None


def edition_authors(cover_alt: str, work_authors: list[str]) -> list[str] | None:
    """The edition's own authors in a cover ``alt`` of "... by <work authors>, <edition authors>".

    None when the alt does not end with the work's authors followed only by
    names among them; ``[]`` when the edition names no authors of its own.

    >>> edition_authors("Cover of: Watchmen by Alan Moore, Dave Gibbons, Alan Moore", ["Alan Moore", "Dave Gibbons"])
    ['Alan Moore']
    >>> edition_authors("Cover of: On Emily Brontë by Emily Brontë", ["Emily Brontë"])
    []
    >>> edition_authors("Cover of: Emma by Jane Austen, Anon", ["Jane Austen"]) is None
    True
    """
    if not work_authors:
        return None
    byline = " " + ", ".join(work_authors)
    start = cover_alt.find(byline)
    while start > 0:
        rest = cover_alt[start + len(byline) :]
        if not rest:
            return []
        if rest.startswith(", "):
            own = _split_names(rest[2:], work_authors)
            if own is not None:
                return own
        start = cover_alt.find(byline, start + 1)
    return None


class OpenLibraryAdapter:
    """Edition authors on openlibrary.org edition pages (see the module docstring for why)."""

    domains = ("openlibrary.org",)

    def candidates(self, page: SitePage) -> Iterator[Candidate]:
        """The edition's own authors, when they are fewer than the byline's."""
        work = list(
            dict.fromkeys(  # the byline is printed twice (mobile and desktop): once each, in order
                m.value for m in page.parsed.microdata if m.prop == "author" and m.item_type == "Book" and m.value
            )
        )
        tree = page.tree()
        if len(work) < 2 or tree is None:
            return
        for img in tree.css("img[itemprop=image]"):
            own = edition_authors(normalize_text(img.attributes.get("alt") or ""), work)
            if own is None:
                continue
            own = list(dict.fromkeys(own))
            if own and set(own) < set(work):
                for name in own:
                    yield Candidate("author", name, "adapter")
            return
