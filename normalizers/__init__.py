"""NORMALIZE: the cleaning steps, each ``list[Block] -> StepResult``, and their order.

The order matters, and is chosen so each step sees the cleanest input the
earlier ones can give it:

1. ``drop_page_chrome``   -- DOM cues first: the surest signal, and it only
   exists for HTML. Nav bars, footers, dialogs and hidden text go.
2. ``drop_ui_phrases``    -- widget words that slipped through (and all of them
   in text dumps), before any step counts repeats, so a "Read more" repeated
   ten times is residue, not a repeated paragraph.
3. ``drop_other_books_sections`` -- recommendation and review sections, before
   heading de-duplication, so another book's title cannot count as a repeat.
4. ``drop_repeated_headings`` -- the title printed again and again.
5. ``drop_repeated_paragraphs`` -- teasers and doubled blurbs.
6. ``drop_stray_fragments`` -- last, because the steps above are what leave
   labels orphaned and counters stranded.

Every step returns what it removed with the rule that removed it; the
pipeline keeps all of it in the record's ``removed`` list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from normalizers.fragments import drop_stray_fragments, trim_truncated
from normalizers.headings import drop_repeated_headings, drop_repeated_paragraphs
from normalizers.residue import drop_other_books_sections, drop_page_chrome, drop_ui_phrases
from normalizers.text import fold, normalize_text
from scraper.blocks import Block, Removed, StepResult

__all__ = [
    "DEFAULT_STEPS",
    "TEXT_STEPS_WITHOUT_PHRASES",
    "Step",
    "fold",
    "normalize_text",
    "run_steps",
    "trim_truncated",
]

Step = Callable[[list[Block]], StepResult]

DEFAULT_STEPS: tuple[Step, ...] = (
    drop_page_chrome,
    drop_ui_phrases,
    drop_other_books_sections,
    drop_repeated_headings,
    drop_repeated_paragraphs,
    drop_stray_fragments,
)

# The ablation used to measure how much the phrase lists carry (``--no-phrase-rules``).
TEXT_STEPS_WITHOUT_PHRASES: tuple[Step, ...] = tuple(s for s in DEFAULT_STEPS if s is not drop_ui_phrases)


def run_steps(blocks: list[Block], steps: Sequence[Step] = DEFAULT_STEPS) -> StepResult:
    """Run ``steps`` in order; return the surviving blocks and every removal.

    >>> r = run_steps([Block("Title", heading=1), Block("Title", heading=1), Block("Read more")])
    >>> [b.text for b in r.blocks], [x.rule for x in r.removed]
    (['Title'], ['ui_residue:expander', 'duplicate_heading'])
    """
    removed: list[Removed] = []
    for round_ in range(_MAX_ROUNDS):
        last: list[Removed] = []
        for step in steps:
            if round_ and step in _PER_BLOCK_STEPS:
                continue  # it judges each block alone: a cut elsewhere changes nothing for it
            result = step(blocks)
            blocks = result.blocks
            removed.extend(result.removed)
            last = result.removed
        if not any(r.rule == _ORPHAN_LABEL for r in last):
            break
        # The last step cut an orphan label, and that can expose a pattern an
        # earlier step looks for (a teaser run the label interrupted): go round
        # again, so cleaning the output removes nothing more. (Stray counters
        # are cut on most pages; they interrupt no pattern, so no second round.)
    return StepResult(blocks, removed)


_MAX_ROUNDS = 3
_ORPHAN_LABEL = "stray_fragment:orphan_label"
_PER_BLOCK_STEPS: frozenset[Step] = frozenset({drop_page_chrome, drop_ui_phrases})
