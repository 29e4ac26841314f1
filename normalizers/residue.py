"""UI residue: page furniture, widget phrases, and sections about other books.

Three steps, cheapest and surest first:

1. :func:`drop_page_chrome` -- blocks the DOM marks as furniture (nav, footer,
   dialog, hidden, buttons...). Only HTML has these cues.
2. :func:`drop_ui_phrases` -- whole blocks that are a widget's words
   (``normalizers.rules.phrases.PHRASE_RULES``). This is what cleans text dumps.
3. :func:`drop_other_books_sections` -- a "Customers also bought" or "Reviews"
   heading and everything under it, since the titles, authors and prose there
   belong to other books or other readers.
"""

from __future__ import annotations

import functools
from dataclasses import replace

# A module reference, read at call time: scraper.labels imports normalizers.text,
# so importing its names here would be circular when scraper.labels loads first.
import scraper.labels as labels
from normalizers.phrase_match import PhraseMatcher
from normalizers.rules.phrases import NEUTRAL_SECTION_HEADINGS, PHRASE_RULES, SECTION_RULES
from normalizers.text import fold, may_fold_within
from scraper.blocks import Block, Removed, StepResult

__all__ = ["drop_other_books_sections", "drop_page_chrome", "drop_ui_phrases", "match_phrase"]


# One alternation with a named group per category: a single fullmatch call per
# block tells both whether and which rule hit. Matched against lower-cased
# text: a case-sensitive alternation is markedly faster than re.IGNORECASE over
# ~150 alternatives, and PhraseMatcher tries only the branches the block's
# first character allows.
_TRAILING_PUNCT = " .:;!?,|·-–—"
_PHRASES = PhraseMatcher(PHRASE_RULES, strip=_TRAILING_PUNCT)
_SECTIONS = PhraseMatcher(SECTION_RULES)
# The expander rules alone, for the cheap check run on every removed block.
_EXPANDER = PhraseMatcher(tuple(r for r in PHRASE_RULES if r.category == "expander"))
_EXPANDER_MAX = _PHRASES.max_len["expander"]


@functools.lru_cache(maxsize=1 << 16)
def match_phrase(text: str) -> str | None:
    """The residue category a whole block belongs to, or None.

    >>> match_phrase("Search by... Author"), match_phrase("Oops!"), match_phrase("Read more")
    ('search_widget', 'error_toast', 'expander')
    >>> match_phrase("She could not read more than a page a day.") is None
    True
    """
    return _PHRASES.category(text)


def _match_section(text: str) -> str | None:
    if len(text) > 120:
        return None
    match = _SECTIONS.fullmatch(text.strip(_TRAILING_PUNCT + " :").lower())
    return match.lastgroup if match is not None else None


def drop_page_chrome(blocks: list[Block]) -> StepResult:
    """Remove blocks the DOM marks as page furniture, as ``ui_residue:dom_<kind>``.

    >>> r = drop_page_chrome([Block("Home", chrome="nav"), Block("A synopsis.")])
    >>> [b.text for b in r.blocks], r.removed
    (['A synopsis.'], [Removed(rule='ui_residue:dom_nav', text='Home')])
    """
    kept: list[Block] = []
    removed: list[Removed] = []
    for i, block in enumerate(blocks):
        if block.chrome == "hidden" and _revealed_by_toggle(blocks, i):
            # The rest of a text, hidden until its "Read more" toggle shows it: the page's own text.
            kept.append(replace(block, chrome=""))
            continue
        if block.chrome:
            removed.append(Removed(f"ui_residue:dom_{block.chrome}", block.text))
            if len(block.text) <= _EXPANDER_MAX:  # (what _mark_expander asks first)
                _mark_expander(kept, block.text)
        else:
            kept.append(block)
    return StepResult(kept, removed)


_REVEALED_MIN = 40  # a hidden text this long or longer may be a description's rest


def _revealed_by_toggle(blocks: list[Block], i: int) -> bool:
    """True when the hidden ``blocks[i]`` is text a "Read more" right after it reveals.

    Only prose-length text, right after a visible block, with the toggle next: hidden
    menus, dialogs and templates have no such toggle.

    >>> blocks = [Block("It begins in the Arctic."), Block("In his letters to his sister Margaret, he writes.",
    ...           chrome="hidden"), Block("Read More")]
    >>> _revealed_by_toggle(blocks, 1), _revealed_by_toggle(blocks[1:], 0)
    (True, False)
    """
    block = blocks[i]
    return (
        len(block.text) >= _REVEALED_MIN
        and 0 < i < len(blocks) - 1
        and not blocks[i - 1].chrome
        and len(blocks[i + 1].text) <= _EXPANDER_MAX
        and match_phrase(blocks[i + 1].text) == "expander"
    )


def _mark_expander(kept: list[Block], removed_text: str) -> None:
    # The toggle is gone, but what it said stays known: the text before it
    # was shortened, and the section it closed ends there.
    if (
        kept
        and len(removed_text) <= _EXPANDER_MAX
        and _EXPANDER.fullmatch((removed_text.strip(_TRAILING_PUNCT) or removed_text).lower())
    ):
        kept[-1] = replace(kept[-1], expander_after=True)


def drop_ui_phrases(blocks: list[Block]) -> StepResult:
    """Remove whole blocks that are a widget's words, as ``ui_residue:<category>``.

    >>> r = drop_ui_phrases([Block("Oops!"), Block("An unknown error has occurred. Please reload."),
    ...                      Block("Sign in to read more of this sentence, she said.")])
    >>> [x.rule for x in r.removed], [b.text for b in r.blocks]
    (['ui_residue:error_toast', 'ui_residue:error_toast'], ['Sign in to read more of this sentence, she said.'])
    >>> drop_ui_phrases([]).blocks
    []
    """
    kept: list[Block] = []
    removed: list[Removed] = []
    longest = _PHRASES.longest  # (a longer block is prose: not even a cache lookup)
    for block in blocks:
        category = match_phrase(block.text) if not block.label and len(block.text) <= longest else None
        if category is None:
            kept.append(block)
        else:
            removed.append(Removed(f"ui_residue:{category}", block.text))
            _mark_expander(kept, block.text)
    return StepResult(kept, removed)


_RECORD_FIELDS = frozenset({"publisher", "isbn", "date", "language"})


_ITEM_TAGS = frozenset({"li", "dd", "dt", "td", "th", "tr"})


def _one_element_path(path: str) -> bool:
    """True when a path signature likely names one element, not a run of siblings.

    Classless list items ("ul>li") or table cells share one signature with
    their siblings, so two blocks with it may be a recommendation and a
    details row. A classed run container ("div.ReviewText>span.Formatted") is
    one element's text split at ``<br>``s (or a run of one kind of review paragraph).

    >>> _one_element_path("div.ReviewText>span.Formatted"), _one_element_path("ul>li"), _one_element_path("ul.x>li.y")
    (True, False, False)
    """
    last = path.rsplit(">", 1)[-1]
    tag, _, cls = last.partition(".")
    return bool(cls) and tag not in _ITEM_TAGS


@functools.cache
def _section_key_max() -> int:
    # The longest key _ends_section looks up (read at call time: see the labels import).
    return max(map(len, (*labels.DESCRIPTION_LABELS, *labels.EXCERPT_LABELS, *NEUTRAL_SECTION_HEADINGS)))


def _ends_section(block: Block, level: int, last_path: str = "") -> bool:
    if level and block.heading and block.heading <= level:
        return True
    if block.tag == "para":
        # In a text dump the only structure left is the blank line: a cut never
        # runs past one, since menus and real sections look alike there.
        return True
    # (A block that folds longer than every section label, a review say, is not folded.)
    if may_fold_within(block.text, _section_key_max()):
        key = fold(block.text)
        if key in labels.DESCRIPTION_LABELS or key in labels.EXCERPT_LABELS or key in NEUTRAL_SECTION_HEADINGS:
            return True
    if block.path and block.path == last_path and _one_element_path(block.path):
        # The same element's text going on: a reviewer's "Publisher: ListenUp
        # Audiobooks" between two <br>s of a review is no details table.
        return False
    return bool(block.label) and labels.field_for_label(block.label) in _RECORD_FIELDS


def drop_other_books_sections(blocks: list[Block]) -> StepResult:
    """Cut recommendation and review sections: the heading and what sits under it.

    >>> r = drop_other_books_sections([Block("Customers also bought", heading=2),
    ...     Block("Other Book"), Block("by Someone Else"), Block("Description", heading=2), Block("Ours.")])
    >>> [b.text for b in r.blocks]
    ['Description', 'Ours.']
    >>> r.removed
    [Removed(rule='ui_residue:recommendations', text='Customers also bought\\nOther Book\\nby Someone Else')]
    """
    kept: list[Block] = []
    removed: list[Removed] = []
    section: list[str] = []  # a section is recorded as one removal: heading, then body lines
    cutting: str | None = None
    level = 0
    last_path = ""  # the DOM path of the section's last block
    for block in blocks:
        if cutting is not None and not _ends_section(block, level, last_path):
            section.append(block.text)
            last_path = block.path
            continue
        if cutting is not None:
            removed.append(Removed(f"ui_residue:{cutting}", "\n".join(section)))
        cutting = None
        # A menu link named "Reviews" is navigation, not a section heading.
        category = _match_section(block.text) if not block.label and block.link_density < 0.5 else None
        if category is not None:
            cutting, level, section, last_path = category, block.heading, [block.text], block.path
        else:
            kept.append(block)
    if cutting is not None:
        removed.append(Removed(f"ui_residue:{cutting}", "\n".join(section)))
    return StepResult(kept, removed)
