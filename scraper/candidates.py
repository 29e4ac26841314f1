"""Candidate field values, each tagged with where it came from.

Every reader (structured data, labels, headings, text) yields
:class:`Candidate` objects; :mod:`scraper.fuse` picks among them. Keeping the
source on every value is what lets a record say *why* it holds what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["SOURCE_PRIORITY", "Candidate", "SourceName"]

SourceName = Literal[
    "jsonld",
    "microdata",
    "og",
    "dc",
    "citation",
    "coins",
    "meta",
    "app-state",
    "dom-label",
    "dom-heading",
    "dom-section",
    "title-tag",
    "text-heading",
    "text-label",
    "text",
    "adapter",  # a site adapter (scraper.adapters): the site's own structure, read where the generic readers cannot
]

# How far a value from each source is trusted before agreement is counted.
# Library-made metadata (DC, citation, COinS) and JSON-LD are written for
# machines and rarely carry site chrome; OpenGraph and <title> are written for
# link previews and usually do; labels on the page are what a reader sees
# beside the value; bare text heuristics come last.
SOURCE_PRIORITY: dict[str, float] = {
    # A site adapter is a last resort, written for one site's known structure
    # and a field the generic readers get wrong there, so it beats any single
    # generic source (authors come whole from the most trusted source naming
    # any: an adapter's list replaces the byline's). For a single-valued field
    # two generic sources agreeing against it (0.90 + AGREEMENT_BONUS) still
    # outvote it: an adapter gone stale after a redesign cannot overrule them.
    "adapter": 0.95,
    "jsonld": 0.90,
    "microdata": 0.85,
    "dc": 0.80,
    "citation": 0.80,
    "coins": 0.80,
    "dom-label": 0.78,
    "dom-section": 0.75,
    "dom-heading": 0.72,
    "app-state": 0.70,  # a JavaScript app's data blob: exact, but may hold other books too
    "og": 0.65,
    "meta": 0.55,
    "text-label": 0.70,  # "Label: value" on one line, or a tab-separated row, in a text dump
    "text-heading": 0.60,  # the line right above a record's metadata in a text dump
    "title-tag": 0.50,
    "text": 0.40,
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible value for one field."""

    field: str  # title, subtitle, author, translator, editor, illustrator, isbn, publisher,
    # date, language, pages, description, excerpt, series, subject, url, format
    value: str
    source: SourceName

    @property
    def confidence(self) -> float:
        """The source's prior trust in this value."""
        return SOURCE_PRIORITY[self.source]
