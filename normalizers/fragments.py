"""Stray fragments: cut-off sentences, orphan labels, widget counters.

What the other steps leave behind: a label whose value was a widget, a "(12)"
that counted a facet, a synopsis that the page itself cut off mid-sentence
with ". . ." to make room for a "Read more" link.
"""

from __future__ import annotations

import re

# A module reference, read at call time: scraper.labels imports normalizers.text,
# so importing its names here would be circular when scraper.labels loads first.
import scraper.labels as labels
from normalizers.text import fold
from scraper.blocks import Block, Removed, StepResult

__all__ = ["drop_stray_fragments", "trim_truncated"]

# Counters and controls a widget leaves as a block of its own: "0", "(12)",
# "12,345", "›", "★★★★☆", "4.3", "|".
_COUNTER = re.compile(r"^[\s(\[]*[\d.,:/%+×x\-–—]*[\s)\]]*$|^[\W_]{1,3}$|^[★☆✩✭\s]+$")


# Data a script left in the markup as text ('{"desktop_buybox":[...'): code, not prose.
_CODE = re.compile(r'^\s*(?:\{\s*"|\[\s*\{|\{\s*\}$|function\s*\(|var\s+\w+\s*=|window\.\w+\s*=)')


# What _COUNTER's and _CODE's matches can start with: most blocks start otherwise, and
# are passed over without the patterns.
_COUNTER_FIRST = frozenset("([.,:/%+×x-–—)]★☆✩✭")
_CODE_FIRST = frozenset("{[fvw") | {""}


def _may_count(text: str) -> bool:
    """Whether ``_COUNTER`` can match ``text``, told from its length and first character.

    >>> [_may_count(t) for t in ("(12)", "4.3", " 12", "★★☆", "›", "Reviews", "x 2")]
    [True, True, True, True, True, False, True]
    """
    first = text[:1]
    # (up to three characters of any kind, and the newline "$" allows after them)
    return len(text) <= 4 or first in _COUNTER_FIRST or first.isdecimal() or first.isspace()


# A bare year ("2019", "[2023]", "(1974)") can be a value whose label was a separate block.
_YEAR_VALUE = re.compile(r"[\[(]?\d{4}[\])]?")


def _is_label_block(block: Block) -> bool:
    if len(block.text) > 200:
        return False  # prose: no label is this long, even with decoration around it
    key = fold(block.text)
    return (
        key in labels.DESCRIPTION_LABELS
        or key in labels.EXCERPT_LABELS
        or (len(block.text) <= 40 and labels.field_for_label(block.text.rstrip(" :：")) is not None and not block.label)
    )


def drop_stray_fragments(blocks: list[Block]) -> StepResult:
    """Remove counters and section labels with nothing under them.

    >>> r = drop_stray_fragments([Block("Synopsis"), Block("Excerpt"), Block("It began."),
    ...                           Block("(12)"), Block("Reviews")])
    >>> [b.text for b in r.blocks], [x.rule for x in r.removed]
    (['Excerpt', 'It began.', 'Reviews'], ['stray_fragment:counter', 'stray_fragment:orphan_label'])
    """
    # Counters and code first, so a label is judged by the block that really
    # follows it once the widget debris between them is gone.
    survivors: list[Block] = []
    removed: list[Removed] = []
    for block in blocks:
        if (
            not block.label
            and _may_count(block.text)
            and _COUNTER.match(block.text)
            and not _YEAR_VALUE.fullmatch(block.text.strip())
        ):
            removed.append(Removed("stray_fragment:counter", block.text))
        elif block.text.lstrip()[:1] in _CODE_FIRST and _CODE.match(block.text):
            removed.append(Removed("stray_fragment:code", block.text))
        else:
            survivors.append(block)
    # Removing one orphan can orphan the label before it: repeat to a fixed point,
    # so running the step again on its own output removes nothing more. (Whether a
    # block is a label is its own affair: judged once, the flags go along.)
    is_label = [_is_label_block(b) for b in survivors]
    while True:
        kept: list[Block] = []
        kept_labels: list[bool] = []
        orphans = 0
        for i, block in enumerate(survivors):
            if is_label[i]:
                following = survivors[i + 1] if i + 1 < len(survivors) else None
                if following is not None and is_label[i + 1] and fold(following.text) != fold(block.text):
                    removed.append(Removed("stray_fragment:orphan_label", block.text))
                    orphans += 1
                    continue
            kept.append(block)
            kept_labels.append(is_label[i])
        if not orphans:
            return StepResult(kept, removed)
        survivors, is_label = kept, kept_labels


# A source line under a blurb ("--back cover", "— The Guardian") ends it whole.
_ATTRIBUTION = re.compile(r"^\s*(?:--|—|–|――)\s*\S.{0,60}$")
_MID_SENTENCE = re.compile(r"(?:\b[a-zà-ÿ]+|[,;:])\s*$")
# A text the page cut short: it ends in an ellipsis (". . .", "…", "...").
_CUT_TAIL = re.compile(r"(\s*\.\s\.\s\.|…|\.{3,})\s*$")
# A sentence boundary: end punctuation, spaces, then what can open a sentence.
_SENTENCE_BOUNDARY = re.compile(r"(?<=[.!?»\"”’'])\s+(?=[\"“‘'«(¿¡]?[A-ZÀ-ÞА-Я0-9])|(?<=[。！？])|\n\n")
# "St. Olaf", "J. R. R. Tolkien", "Mr. Darcy": an initial or a known
# abbreviation before the period is not a sentence end ("Tom." is).
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b[a-z]|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Mt|Ft|Col|Gen|Capt|Lt|Sgt|Rev|Hon|Mme|Mlle|Hrsg|Nr|Bd|Vol|No|Ed"
    r"|ca|vs|etc|e\.g|i\.e|vol|no|pp?|ed|cf|bzw|usw|ggf|sog|vgl|Sra?|Dña?|Hr|Fr))\.$"
)


def _last_sentence_end(body: str) -> re.Match[str] | None:
    last = None
    for match in _SENTENCE_BOUNDARY.finditer(body):
        if match.start() and body[match.start() - 1] == "." and _ABBREVIATION.search(body, 0, match.start()):
            continue
        last = match
    return last


_LONG_FRAGMENT = 150  # characters: a cut-off sentence this long is most of a teaser


def _may_end_cut(text: str) -> bool:
    """Whether ``text`` ends as ``_CUT_TAIL`` needs (". . .", "..." or "…"), told from its last characters.

    The search itself tries every position of a long description.

    >>> [_may_end_cut(t) for t in ("cut . . . ", "cut...", "cut…", "whole.", "a. b. c.")]
    [True, True, True, False, False]
    """
    end = text.rstrip()
    if end.endswith(("…", "...")):
        return True
    # ". . .": three dots, one whitespace character between each two
    return end[-1:] == "." and end[-3:-2] == "." and end[-5:-4] == "." and end[-2:-1].isspace() and end[-4:-3].isspace()


def trim_truncated(text: str, *, cut_short: bool = False) -> tuple[str, str | None]:
    """Drop a cut-off last sentence; return ``(kept text, removed fragment or None)``.

    Only a text that ends in an ellipsis is cut, and only back to the last full
    sentence: when nothing complete is left, or the cut-off sentence is long
    (over 150 characters) and longer than what comes before it, the ellipsis
    alone is dropped, so a teaser is not thrown away.

    >>> trim_truncated("It was late. As part of an exchange between St. Olaf . . .")
    ('It was late.', 'As part of an exchange between St. Olaf . . .')
    >>> trim_truncated("Complete sentence.")
    ('Complete sentence.', None)
    >>> trim_truncated("Only a fragment that was cut…")
    ('Only a fragment that was cut', '…')
    >>> long = "Then a sentence that runs on, " * 6 + "until the page cuts it..."
    >>> trim_truncated("Short one. " + long)[1]
    '...'
    >>> trim_truncated("It ends. Elin must decide whom to trust, and then the", cut_short=True)
    ('It ends.', 'Elin must decide whom to trust, and then the')
    >>> trim_truncated("It ends.", cut_short=True)
    ('It ends.', None)
    >>> trim_truncated("It ends well.\\n\\n--back cover", cut_short=True)
    ('It ends well.\\n\\n--back cover', None)
    """
    tail = _CUT_TAIL.search(text) if _may_end_cut(text) else None
    last = text.rsplit("\n\n", 1)[-1]
    if tail is None and cut_short and _MID_SENTENCE.search(text) and not _ATTRIBUTION.match(last):
        # A "Read more" toggle followed a text that stops mid-sentence ("and
        # then the"); a text that ends on a name or a quote ("... ' SFX") is whole.
        tail = re.search(r"$", text)
    if tail is None:
        return text, None
    body = text[: tail.start()]
    cut = _last_sentence_end(body)
    fragment = len(body) - cut.end() if cut is not None else 0
    if cut is None or cut.start() == 0 or (fragment > _LONG_FRAGMENT and fragment > cut.start()):
        # Nothing complete before it, or the cut-off sentence is a long one and
        # most of the text: dropping it would lose more synopsis than it saves.
        # Only the ellipsis goes (the record is still marked truncated).
        return body.rstrip(), text[tail.start() :].strip()
    return text[: cut.start()].rstrip(), text[cut.end() :].strip()
