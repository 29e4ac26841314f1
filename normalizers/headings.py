"""Duplicated headings and repeated paragraphs.

Catalog pages print the title again and again: in the sticky header, the
breadcrumb, the h1, the share bar, "Title | Site name" in a widget. A reader
sees it once; so does the record. Paragraphs repeat too: a teaser and then the
full text, a blurb shown twice for two layouts.
"""

from __future__ import annotations

import re

import scraper.labels as labels  # a module reference: scraper.labels imports normalizers.text
from normalizers.text import fold
from scraper.blocks import Block, Removed, StepResult

__all__ = ["drop_repeated_headings", "drop_repeated_paragraphs", "heading_core"]

# Where site chrome is glued onto a title: "Title | Site", "Title - Site",
# "Title: Site: Author: ISBN: Books", ISBD "Title / A. Author.", "Title (Series, 3)".
_CHROME_SEPARATORS = re.compile(r"\s+[|/–—-]\s+|\s*[:：]\s+|\s+\(|\s*\|\s*")
_SENTENCE_END = (".", "!", "?", "。", "！", "？")
_MAX_HEADING_CHARS = 200


def _is_heading_like(block: Block) -> bool:
    # In HTML the tag says it; in a text dump a short line with no sentence end
    # is the closest thing to a heading.
    if block.heading:
        return True
    if block.tag not in ("line", "para") or block.label:
        return False
    return len(block.text) <= _MAX_HEADING_CHARS and not block.text.endswith(_SENTENCE_END)


def heading_core(text: str) -> list[str]:
    """The folded prefixes of ``text`` at each chrome separator, shortest first.

    >>> heading_core("Bone Silence | Gollancz")
    ['bone silence']
    >>> heading_core("The Hobbit / J. R. R. Tolkien.")
    ['the hobbit']
    >>> heading_core("Plain")
    []
    """
    cores = []
    for match in _CHROME_SEPARATORS.finditer(text):
        prefix = fold(text[: match.start()])
        if prefix:
            cores.append(prefix)
    return cores


def drop_repeated_headings(blocks: list[Block]) -> StepResult:
    """Keep a heading once; drop exact repeats and chrome-wrapped repeats.

    A repeat is equal after folding case, whitespace and punctuation, or is an
    earlier heading with site chrome glued on ("Title | Site", "Title: Site:
    Author: ISBN: Books"). The first plain occurrence is kept.

    >>> blocks = [Block("The Sino-Soviet Alliance: An International History", tag="line")] * 4
    >>> r = drop_repeated_headings(blocks)
    >>> len(r.blocks), [x.rule for x in r.removed]
    (1, ['duplicate_heading', 'duplicate_heading', 'duplicate_heading'])
    >>> r = drop_repeated_headings([Block("Mort", heading=1), Block("Mort | ISFDB", heading=2),
    ...                             Block("Synopsis", heading=2)])
    >>> [b.text for b in r.blocks]
    ['Mort', 'Synopsis']
    >>> drop_repeated_headings([]).blocks
    []
    """
    seen: set[str] = set()
    heading_like = [_is_heading_like(block) for block in blocks]
    for block, like in zip(blocks, heading_like, strict=True):
        if block.heading or (like and len(block.text) >= 4):
            seen.add(fold(block.text))
    kept: list[Block] = []
    removed: list[Removed] = []
    kept_keys: set[str] = set()
    for block, like in zip(blocks, heading_like, strict=True):
        if not like:
            kept.append(block)
            continue
        key = fold(block.text)
        wrapped = any(core in seen and core != key and len(core) >= 4 for core in heading_core(block.text))
        if (key and key in kept_keys and len(key) >= 4) or (wrapped and block.heading):
            removed.append(Removed("duplicate_heading", block.text))
            continue
        kept_keys.add(key)
        kept.append(block)
    return StepResult(kept, removed)


_ELLIPSIS_TAIL = re.compile(r"\s*(\.\s*\.\s*\.|…|\(展开全部\)|\.\.\.\s*more|read more|more)\s*$", re.I)
_MIN_PARAGRAPH = 40


def _ellipsis_tail(text: str) -> re.Match[str] | None:
    """``_ELLIPSIS_TAIL.search(text)``, without the search when the text's end rules it out.

    The search tries every position of the text, tens of microseconds on a
    long review; the tail's last character (".", "…", ")" or "e") and, for
    ".", the two dots before it decide most blocks at once.

    >>> [bool(_ellipsis_tail(t)) for t in ("It ends. . .", "It ends.", "Read More ", "(展开全部)", "Fin")]
    [True, False, True, True, False]
    """
    end = text.rstrip()
    last = end[-1:]
    if last == ".":
        before = end[:-1].rstrip()
        if not (before.endswith(".") and before[:-1].rstrip().endswith(".")):
            return None  # "." ends only ". . ." among the tails
    elif not last or last not in "…)eE":
        return None
    return _ELLIPSIS_TAIL.search(text)


def drop_repeated_paragraphs(blocks: list[Block]) -> StepResult:
    """Collapse paragraphs shown twice, and teasers whose full text follows or precedes.

    >>> full = "A long synopsis sentence that goes on and on. And then it ends here."
    >>> r = drop_repeated_paragraphs([Block(full[:40] + "..."), Block(full), Block(full)])
    >>> [b.text for b in r.blocks], [x.rule for x in r.removed]
    (['A long synopsis sentence that goes on and on. And then it ends here.'], ['repeated_paragraph:teaser', 'repeated_paragraph'])
    """
    removed: list[Removed] = []
    blocks = _drop_teaser_runs(blocks, removed)
    long_keys = [fold(b.text) if len(b.text) >= _MIN_PARAGRAPH and not b.heading else "" for b in blocks]
    kept: list[Block] = []
    seen: set[str] = set()
    for block, key in zip(blocks, long_keys, strict=True):
        if not key:
            kept.append(block)
            continue
        if key in seen:
            removed.append(Removed("repeated_paragraph", block.text))
            continue
        tail = _ellipsis_tail(block.text)
        if tail is not None:
            stem = fold(block.text[: tail.start()])
            if len(stem) >= _MIN_PARAGRAPH // 2 and any(
                other != key and other.startswith(stem) for other in long_keys if other
            ):
                removed.append(Removed("repeated_paragraph:teaser", block.text))
                continue
        seen.add(key)
        kept.append(block)
    return StepResult(kept, removed)


_TOGGLE_MAX = 20  # "(展开全部)", "Show all", "+ more": a toggle is a few characters
_TEASER_WINDOW = 30


def _drop_teaser_runs(blocks: list[Block], removed: list[Removed]) -> list[Block]:
    """Cut a multi-paragraph teaser and its toggle when the full text follows the toggle.

    Pages show the start of a long synopsis, a toggle ("(展开全部)", "Show all"),
    then the whole synopsis again. Whatever the toggle says, the structure
    gives it away: the paragraph after it repeats one shortly before it.

    >>> teaser = [Block("Paragraph one of the synopsis, long enough to count."), Block("Par two cut...")]
    >>> full = [Block("Paragraph one of the synopsis, long enough to count."), Block("Par two, whole this time.")]
    >>> out: list[Removed] = []
    >>> [b.text for b in _drop_teaser_runs([*teaser, Block("(展开全部)"), *full], out)]
    ['Paragraph one of the synopsis, long enough to count.', 'Par two, whole this time.']
    >>> [r.rule for r in out]
    ['repeated_paragraph:teaser', 'repeated_paragraph:teaser', 'repeated_paragraph:toggle']
    """
    keys = [fold(b.text) for b in blocks]
    for i, block in enumerate(blocks):
        if not 0 < len(block.text) <= _TOGGLE_MAX or block.label or i + 1 >= len(blocks):
            continue
        following = keys[i + 1]
        if (
            len(following) < _MIN_PARAGRAPH // 2
            or keys[i] in labels.DESCRIPTION_LABELS
            or keys[i] in labels.EXCERPT_LABELS
            or labels.field_for_label(block.text)
        ):
            continue  # a toggle reveals a paragraph; a "Synopsis" label opens one
        start = next((j for j in range(max(0, i - _TEASER_WINDOW), i) if keys[j] == following), None)
        if start is None or any(b.heading or b.label for b in blocks[start:i]):
            continue
        run = blocks[start:i]
        if sum(len(b.text) for b in run if len(b.text) >= _MIN_PARAGRAPH) * 2 < sum(len(b.text) for b in run):
            continue  # a teaser is paragraphs; a stretch of short lines between two bylines is page furniture
        removed.extend(Removed("repeated_paragraph:teaser", b.text) for b in blocks[start:i])
        removed.append(Removed("repeated_paragraph:toggle", block.text))
        return [*blocks[:start], *_drop_teaser_runs(blocks[i + 1 :], removed)]
    return blocks
