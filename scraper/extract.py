"""EXTRACT (human copy): candidate field values from the cleaned blocks.

What a reader of the page sees: label/value pairs ("Publisher: Gollancz",
"Uitgever" above "Prometheus"), the main heading, a byline, and labelled
sections ("Synopsis", "Klappentext", "内容简介"). Text dumps have no markup, so
the title is found by repetition: the line that other lines repeat or wrap in
site chrome is the one the page is about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from normalizers.residue import match_phrase
from normalizers.text import fold
from scraper.blocks import Block
from scraper.candidates import Candidate, SourceName
from scraper.labels import DESCRIPTION_LABELS, EXCERPT_LABELS, field_for_label
from scraper.parse import ParsedPage

__all__ = ["block_candidates", "section_text", "split_people"]

_PEOPLE_SPLIT = re.compile(r"\s*(?:;|\s/\s|/|&|、|，|\s+(?:and|und|et|y|en|e|i|и)\s+)\s*")
_MULTIWORD = re.compile(r"\S+\s+\S+")


def split_people(value: str) -> list[str]:
    """Split a credit line into names, keeping "Last, First" pairs whole.

    >>> split_people("Alan Moore, Dave Gibbons")
    ['Alan Moore', 'Dave Gibbons']
    >>> split_people("Lüscher, Max")
    ['Lüscher, Max']
    >>> split_people("Timothy Zahn und Andreas Kasprzak")
    ['Timothy Zahn', 'Andreas Kasprzak']
    """
    names: list[str] = []
    for part in _PEOPLE_SPLIT.split(value):
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) > 1 and all(_MULTIWORD.search(p) for p in pieces if p):
            names.extend(p for p in pieces if p)
        elif part.strip():
            names.append(part.strip())
    return names


_BYLINE = re.compile(r"^(?:by|von|de|door|por|par|di)\s+(?P<names>.+)$", re.I)
_ROLE_IN_PARENS = re.compile(r"\((?P<role>[^()]{2,40})\)")
_ROLE_WORDS = {
    "author": "author", "autor": "author", "auteur": "author", "writer": "author", "verfasser": "author",
    "translator": "translator", "übersetzer": "translator", "traducteur": "translator", "traductor": "translator",
    "vertaler": "translator", "editor": "editor", "herausgeber": "editor", "illustrator": "illustrator",
    "illustrateur": "illustrator", "ilustrador": "illustrator", "narrator": "contributor",
}


def _byline_candidates(text: str, source: SourceName) -> Iterator[Candidate]:
    # "by Alastair Reynolds (Author), Stephen Baxter (Author)" and
    # "Alastair Reynolds (Author)" alike: each name carries its role.
    match = _BYLINE.match(text)
    body = match.group("names") if match else text
    for chunk in re.split(r"(?<=\))\s*[,&]?\s*", body):
        role_match = _ROLE_IN_PARENS.search(chunk)
        role = "author"
        if role_match:
            words = [w.strip().lower() for w in role_match.group("role").split(",")]
            roles = [_ROLE_WORDS[w] for w in words if w in _ROLE_WORDS]
            if not roles:
                continue
            role = roles[0]
            chunk = chunk[: role_match.start()]
        elif not match:
            continue
        for name in split_people(chunk.strip(" ,")):
            yield Candidate(role, name, source)


def _section_kind(block: Block) -> str | None:
    key = fold(block.label or block.text) if block.label and not block.value else fold(block.text)
    if len(key) > 40:
        return None
    if key in DESCRIPTION_LABELS:
        return "description"
    if key in EXCERPT_LABELS:
        return "excerpt"
    return None


def _ends_section(block: Block, start: Block) -> bool:
    if block.heading and (not start.heading or block.heading <= start.heading or block.heading <= 3):
        return True
    if block.label and field_for_label(block.label):
        return True
    if len(block.text) <= 40 and (_section_kind(block) or field_for_label(block.text.rstrip(" :"))):
        return True
    return block.link_density > 0.6 and len(block.text) < 200


def section_text(blocks: list[Block], start: int) -> str:
    """The paragraphs of the section opened by ``blocks[start]``, blank-line separated.

    >>> section_text([Block("Synopsis"), Block("One."), Block("Two."), Block("Publisher: X")], 0)
    'One.\\n\\nTwo.'
    """
    opener = blocks[start]
    paragraphs: list[str] = []
    if opener.label and opener.value and fold(opener.label) in DESCRIPTION_LABELS | EXCERPT_LABELS:
        paragraphs.append(opener.value)
    for block in blocks[start + 1 :]:
        if _ends_section(block, opener):
            break
        paragraphs.append(block.text)
    return "\n\n".join(paragraphs)


def _label_candidates(block: Block, source: SourceName) -> Iterator[Candidate]:
    name = field_for_label(block.label)
    if name is None or not block.value:
        return
    value = block.value
    if name in {"author", "translator", "editor", "illustrator"}:
        for person in split_people(_ROLE_IN_PARENS.sub("", value)):
            yield Candidate(name, person, source)
    elif name == "subjects":
        for subject in re.split(r"\s*[,;|>›]\s*", value):
            if subject and not subject.isdigit():
                yield Candidate("subject", subject, source)
    else:
        yield Candidate(name, value, source)


def _text_title_candidates(blocks: list[Block]) -> Iterator[Candidate]:
    # In a text dump the title is the line the page keeps repeating, bare or
    # wrapped in chrome ("Title: Site: Author: ISBN: Books", "Title Hardcover –
    # 30 Jan. 2020"). Count, for each short line and each of its chrome
    # prefixes, how many lines start with it; the best-supported one wins.
    head = blocks[:300]
    folded = [fold(b.text) for b in head]
    support: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    originals: dict[str, str] = {}
    for i, block in enumerate(head):
        if len(block.text) > 150 or block.label or block.text.endswith((".", "!", "?", "。")):
            continue
        options = [(folded[i], block.text)]
        for match in re.finditer(r"\s+[|/–—-]\s+|\s*[:：]\s+", block.text):
            options.append((fold(block.text[: match.start()]), block.text[: match.start()]))
        for key, original in options:
            if len(key) < 2 or key in first_seen or field_for_label(original) or match_phrase(original):
                continue
            first_seen[key] = i
            originals[key] = original
    for key in first_seen:
        support[key] = sum(1 for f in folded if f == key or f.startswith(key + " "))
    ranked = sorted(
        (k for k in support if support[k] >= 2),
        key=lambda k: (-support[k], first_seen[k], -len(k)),
    )
    for key in ranked[:1]:
        yield Candidate("title", originals[key], "text")


def block_candidates(page: ParsedPage, blocks: list[Block]) -> tuple[list[Candidate], dict[str, str]]:
    """Candidates from the cleaned blocks, and the labelled sections' texts by kind."""
    html = page.kind == "html"
    label_source: SourceName = "dom-label" if html else "text"
    out: list[Candidate] = []
    sections: dict[str, str] = {}
    seen_h1 = False
    bylines = 0
    for i, block in enumerate(blocks):
        kind = _section_kind(block)
        if kind is not None and kind not in sections:
            text = section_text(blocks, i)
            if len(text) >= 20:
                sections[kind] = text
            continue
        if block.label:
            out.extend(_label_candidates(block, label_source))
            continue
        if html and block.heading == 1 and not seen_h1:
            seen_h1 = True
            out.append(Candidate("title", block.text, "dom-heading"))
        if bylines < 2 and len(block.text) < 300 and (_BYLINE.match(block.text) or _ROLE_IN_PARENS.search(block.text)):
            found = list(_byline_candidates(block.text, "dom-heading" if html else "text"))
            if found:
                bylines += 1
                out.extend(found)
    if not html or not seen_h1:
        # Repetition is the evidence, and cleaning removed the repeats: count
        # on the page as parsed.
        out.extend(_text_title_candidates(page.blocks))
    return out, sections

