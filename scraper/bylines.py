"""EXTRACT: bylines -- the lines that name a book's contributors and their roles.

Shared by the block extractor (which reads names and roles from them) and the
text-dump title finder (for which a byline marks the line below a title).
"""

from __future__ import annotations

import re

from scraper.values import is_sentence

__all__ = ["BYLINE", "EDITION_BYLINE", "ROLE_IN_PARENS", "ROLE_WORDS", "is_byline", "states_role"]

# "de"/"di" are also articles and prepositions, so they do not open a byline.
BYLINE = re.compile(r"^(?:by|von|door|por|par)\s+(?P<names>.+)$", re.I)
# "German Edition by hermann-hesse", "Edición en Inglés de Raymond Murphy (Autor)":
# the edition statement before the name is not part of it.
EDITION_BYLINE = re.compile(
    r"^[^()]{0,40}?\b(?:edition|edición|ausgabe|édition|editie|edizione)\b[^()]{0,30}?\b(?:by|de|von|par|door|di)\s+",
    re.I,
)
ROLE_IN_PARENS = re.compile(r"\((?P<role>[^()]{2,40})\)")
ROLE_WORDS = {
    "author": "author",
    "autor": "author",
    "auteur": "author",
    "writer": "author",
    "verfasser": "author",
    "translator": "translator",
    "übersetzer": "translator",
    "traducteur": "translator",
    "traductor": "translator",
    "vertaler": "translator",
    "editor": "editor",
    "herausgeber": "editor",
    "illustrator": "illustrator",
    "illustrateur": "illustrator",
    "ilustrador": "illustrator",
    "narrator": "contributor",
}


def states_role(text: str) -> bool:
    """True when a parenthesis names a contributor role: "Dan Simmons (Author)"."""
    if "(" not in text:
        return False  # most lines: decided without the regex
    return any(
        word.strip().lower() in ROLE_WORDS
        for match in ROLE_IN_PARENS.finditer(text)
        for word in match.group("role").split(",")
    )


def is_byline(text: str) -> bool:
    """A "by ..." line naming people, or a line stating a contributor's role.

    >>> is_byline("von Hermann Hesse (Autor)"), is_byline("Von dir ausgewählte Erweiterungen sind nicht verfügbar.")
    (True, False)
    """
    # BYLINE starts with one of its words' first letters: most lines are decided without it.
    match = BYLINE.match(text) if text[:1] in _BYLINE_FIRST else None
    return bool(match and not is_sentence(match.group("names"))) or states_role(text)


_BYLINE_FIRST = frozenset("bBvVdDpP")
