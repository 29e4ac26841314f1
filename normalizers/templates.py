"""Site templates: blocks a site prints on nearly every page, whatever rule names them.

Phrase lists and DOM cues catch the residue someone has seen before. A new
site brings its own: its error toast, its facet labels, a footer in another
language, a "Staff picks" box. What gives it away is repetition across the
site's pages, which :mod:`scraper.profiles` counts in a first pass; this step
removes, on each page, the blocks the profile says the site repeats.

Removal rule: ``site_template:<share>%``, the share of the site's pages (of
the same kind, HTML or text dump) the block was seen on, floored to a whole
percent (``site_template:100%`` only for a block on every page). A curator
reads from it how sure the cut was; a summary that counts removals by rule
gets at most one line per percent, and every line starts with
``site_template``.

Template is not the same as unwanted. Never removed, however often they repeat:

* field labels ("Publisher:", "ISBN-13", "Synopsis", "Trama") and the
  section headings extraction ends sections on: labels stay usable as labels;
* label/value blocks whose label names a field ("Publisher: Cambridge
  University Press" on every page of a university press): a value the same
  on every page may still fill its field. A pair whose label names no field
  ("Spedizione: gratuita") can fill nothing and is judged like any block;
* a template heading (or menu-like link block) directly followed by content
  that is not template: it marks where a section ends, and removing it
  would run the section before it into the content after it (a synopsis
  into another book's teaser). It stays as the boundary it is.

Everything else the site repeats is removed, so template text cannot reach
the description or excerpt, which are built from the kept blocks.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from normalizers.residue import drop_other_books_sections, drop_page_chrome, drop_ui_phrases
from normalizers.rules.phrases import NEUTRAL_SECTION_HEADINGS
from normalizers.text import fold
from scraper.blocks import Block, Removed, StepResult
from scraper.labels import DESCRIPTION_LABELS, EXCERPT_LABELS, field_for_label
from scraper.profiles import DEFAULT_PROFILE_SETTINGS, ProfileSettings, ProfileStore

if TYPE_CHECKING:
    from collections.abc import Sequence

    from normalizers import Step

__all__ = ["RULE", "insert_template_step", "is_label", "make_template_step"]

RULE = "site_template"

# extract.py ends a section at a short link-dense block (a tab bar, a menu)
_LINK_DENSE = 0.6
_LINK_DENSE_MAX_CHARS = 200
_SECTION_LABELS = DESCRIPTION_LABELS | EXCERPT_LABELS | NEUTRAL_SECTION_HEADINGS


def is_label(block: Block) -> bool:
    """True when the block is a field label or a field's label/value pair.

    >>> is_label(Block("ISBN-13:")), is_label(Block("Trama", heading=2)), is_label(Block("Staff picks"))
    (True, True, False)
    >>> is_label(Block("Publisher: CUP", label="Publisher", value="CUP"))
    True
    >>> is_label(Block("Spedizione: gratuita", label="Spedizione", value="gratuita"))
    False
    """
    if block.label:
        return field_for_label(block.label) is not None or fold(block.label) in _SECTION_LABELS
    text = block.text
    return len(text) <= 60 and (fold(text) in _SECTION_LABELS or field_for_label(text.rstrip(" :：")) is not None)


def _is_boundary(block: Block) -> bool:
    return bool(block.heading) or (block.link_density > _LINK_DENSE and len(block.text) < _LINK_DENSE_MAX_CHARS)


def _keep_all(blocks: list[Block]) -> StepResult:
    return StepResult(blocks)


def make_template_step(store: ProfileStore, site: str, settings: ProfileSettings = DEFAULT_PROFILE_SETTINGS) -> Step:
    """A step that removes ``site``'s template blocks, as ``site_template:<share>%``.

    A block is template when it was seen on at least ``settings.min_share``
    of the site's pages of its kind and on at least ``settings.min_pages`` of
    them. An unknown site, or one learned from too few pages, gets a step that
    keeps everything.

    >>> from scraper.profiles import ProfileStore
    >>> store = ProfileStore()
    >>> for i in range(5):
    ...     store.learn([Block("Ups! Qualcosa è andato storto.", tag="line"), Block("ISBN", tag="line"),
    ...                  Block(f"Un romanzo numero {i}.", tag="line")], "libreria.it")
    >>> step = make_template_step(store, "libreria.it")
    >>> r = step([Block("Ups! Qualcosa è andato storto.", tag="line"), Block("ISBN", tag="line"),
    ...           Block("Un romanzo numero 2.", tag="line")])
    >>> [b.text for b in r.blocks], r.removed
    (['ISBN', 'Un romanzo numero 2.'], [Removed(rule='site_template:100%', text='Ups! Qualcosa è andato storto.')])
    >>> make_template_step(store, "elsewhere.example")([Block("Ups!")]).removed
    []
    """
    profile = store.sites.get(site)
    if profile is None or max(profile.pages.values(), default=0) < settings.min_pages:
        return _keep_all

    def share_if_template(block: Block) -> float | None:
        seen = store.seen(site, block)
        if seen is None:
            return None
        count, pages = seen
        share = count / pages
        return share if count >= settings.min_pages and share >= settings.min_share else None

    def drop_site_template(blocks: list[Block]) -> StepResult:
        shares = [share_if_template(b) for b in blocks]
        kept: list[Block] = []
        removed: list[Removed] = []
        for i, (block, share) in enumerate(zip(blocks, shares, strict=True)):
            if share is None or is_label(block):
                kept.append(block)
                continue
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if (
                following is not None
                and _is_boundary(block)
                and shares[i + 1] is None
                and not _is_boundary(following)
                and not is_label(following)
            ):
                kept.append(block)  # a section's end marker: see the module docstring
                continue
            removed.append(Removed(f"{RULE}:{math.floor(share * 100 + 1e-9)}%", block.text))
        return StepResult(kept, removed)

    return drop_site_template


def insert_template_step(steps: Sequence[Step], template_step: Step) -> tuple[Step, ...]:
    """``steps`` with the template step where it belongs: after the named-residue steps.

    It goes after ``drop_page_chrome``, ``drop_ui_phrases`` and
    ``drop_other_books_sections`` (the rule that names a block gets the credit,
    a removed "Read more" still marks the text it cut, and a recommendations
    section is cut whole, heading and items), and before the repeat and
    fragment steps, which then see a page without its template. With none of
    those three in ``steps`` it goes first.

    >>> from normalizers import DEFAULT_STEPS
    >>> [s.__name__ for s in insert_template_step(DEFAULT_STEPS, _keep_all)]  # doctest: +NORMALIZE_WHITESPACE
    ['drop_page_chrome', 'drop_ui_phrases', 'drop_other_books_sections', '_keep_all',
     'drop_repeated_headings', 'drop_repeated_paragraphs', 'drop_stray_fragments']
    """
    before = (drop_page_chrome, drop_ui_phrases, drop_other_books_sections)
    at = max((i + 1 for i, step in enumerate(steps) if step in before), default=0)
    return (*steps[:at], template_step, *steps[at:])
