"""PIPELINE: one page through parse -> normalize -> extract -> fuse -> validate.

:func:`clean_page` never raises for bad input: every page ends as a
:class:`~scraper.records.Book` or a :class:`~scraper.records.Reject` that
names the input and the reason. Every block a step removed travels with the
result, tagged with its rule.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from normalizers import DEFAULT_STEPS, Step, run_steps, trim_truncated
from normalizers.residue import match_phrase
from normalizers.templates import insert_template_step, make_template_step
from normalizers.text import fold
from scraper.adapters import adapter_candidates
from scraper.blocks import Block, Removed
from scraper.candidates import Candidate
from scraper.credits import demote_uncredited
from scraper.extract import anchored_text, block_candidates, lead_prose
from scraper.fuse import Fused, drop_script_aliases, fuse
from scraper.language import detect_language
from scraper.parse import ParsedPage, parse_page
from scraper.profiles import DEFAULT_PROFILE_SETTINGS, ProfileSettings, ProfileStore, site_key
from scraper.records import Book, Contributor, Reject, Source
from scraper.sources import RawPage
from scraper.structured import StructuredData, read_structured

__all__ = ["DEFAULT_CONFIG", "CleanConfig", "clean_page"]


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """How pages are cleaned. Passed in, never global."""

    steps: tuple[Step, ...] = DEFAULT_STEPS
    detect_language: bool = True  # fall back to detecting the description's language
    # Learned site templates (see scraper.profiles): when set, each page's
    # site's template blocks are removed too, as ``site_template:<share>%``.
    profiles: ProfileStore | None = None
    profile_settings: ProfileSettings = DEFAULT_PROFILE_SETTINGS
    site: str | None = None  # group every page under this site instead of its URL or folder
    adapters: bool = True  # add the candidates of the site adapters registered for the page's host


DEFAULT_CONFIG = CleanConfig()

_MIN_DESCRIPTION = 40
# Unlabelled prose under the title beats a labelled section further down only
# when it is a synopsis' length, not a one-line notice ("Warning! This is a demo").
_MIN_DESCRIPTION_OVER_SECTION = 200
_ISBD_TAIL = re.compile(r"\s+/\s+.*$")  # "Title / Author." as library records print it


def _strip_residue_paragraphs(text: str, removed: list[Removed]) -> str:
    # Structured descriptions are written for machines but often pasted from
    # the page with its widgets ("Read more", "Show less") still in them.
    kept = []
    for paragraph in text.split("\n\n"):
        category = match_phrase(paragraph)
        if category is None:
            kept.append(paragraph)
        else:
            removed.append(Removed(f"ui_residue:{category}", paragraph))
    return "\n\n".join(kept)


def _says_more_than_title(text: str, title: str) -> bool:
    """True when a paragraph other than the title is long enough to say something.

    >>> _says_more_than_title("View 8 Editions\\n\\nDetails\\n\\nThe World, the Text and the Critic.",
    ...                       "The World, the Text and the Critic")
    False
    >>> _says_more_than_title("Dune\\n\\nA stunning blend of adventure and mysticism.", "Dune")
    True
    """
    key = fold(title)
    return any(len(p) >= _MIN_DESCRIPTION and fold(p) != key for p in text.split("\n\n"))


def _choose_description(
    sections: dict[str, str], candidates: list[Candidate], blocks: list[Block], removed: list[Removed], title: str
) -> tuple[str | None, str]:
    visible = sections.get("description", "")
    if not visible:
        # A meta description that repeats the page title is the title, not a synopsis.
        titles = [fold(c.value)[:30] for c in candidates if c.field == "title" and c.source in {"title-tag", "og"}]
        anchors = [
            c.value
            for c in candidates
            if c.field == "description" and not any(t and fold(c.value).startswith(t) for t in titles)
        ]
        visible = anchored_text(blocks, anchors) or ""
    machine = [c for c in candidates if c.field == "description" and c.source in {"jsonld", "microdata", "dc"}]
    machine_text = max((c.value for c in machine), key=len, default="")
    if machine_text and visible:
        # The page often shows a teaser the machine copy has in full.
        stem = fold(visible.rstrip(".… "))[:80]
        if len(machine_text) > len(visible) and fold(machine_text).startswith(stem):
            return _strip_residue_paragraphs(machine_text, removed), machine[0].source
    lead = lead_prose(blocks, title) if title and not machine_text else None
    if visible and not _says_more_than_title(visible, title):
        visible = ""  # a tab bar under "Overview": menu words and the title again, no synopsis
    if len(visible) >= _MIN_DESCRIPTION:
        if lead and len(lead) >= _MIN_DESCRIPTION_OVER_SECTION and _position(blocks, lead) < _position(blocks, visible):
            # Prose right under the title comes before a labelled section further
            # down ("Product description" holding press quotes): the page's own
            # order says which one is the synopsis.
            return lead, "text"
        return visible, "dom-section"
    if lead:
        return lead, "text"
    if len(machine_text) >= _MIN_DESCRIPTION:
        return _strip_residue_paragraphs(machine_text, removed), machine[0].source
    return None, ""


# "... you never sounded so good. ...more": a toggle's words glued to the text it ends.
_EXPANDER_TAIL = re.compile(r"\s*(?:\.\.\.|…)\s*(?:more|read more|show more|mehr|plus|meer|más)\s*$", re.I)


def _strip_expander_tail(text: str, removed: list[Removed]) -> str:
    match = _EXPANDER_TAIL.search(text)
    if match is None:
        return text
    removed.append(Removed("ui_residue:expander", match.group(0).strip()))
    return text[: match.start()].rstrip()


def _strip_title_lines(text: str, title: str, removed: list[Removed]) -> str:
    """Drop headings inside a description that repeat the title ("It Ends With Us Summary").

    >>> _strip_title_lines("Intro.\\n\\nDune Summary\\n\\nDune is a novel about a desert planet.", "Dune", [])
    'Intro.\\n\\nDune is a novel about a desert planet.'
    """
    key = fold(title)
    if not key or "\n\n" not in text:
        return text
    kept = []
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= 100 and not paragraph.endswith((".", "!", "?", "。")) and fold(paragraph).startswith(key):
            removed.append(Removed("duplicate_heading", paragraph))
        else:
            kept.append(paragraph)
    return "\n\n".join(kept)


def _cut_short(blocks: list[Block], text: str) -> bool:
    """True when a "Read more" toggle followed the text's last paragraph on the page."""
    last = text.rsplit("\n\n", 1)[-1]
    return any(b.expander_after and b.text == last for b in blocks)


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return False
    return True


def _position(blocks: list[Block], text: str) -> int:
    first = text.split("\n\n", 1)[0]
    return next((i for i, b in enumerate(blocks) if b.text == first), len(blocks))


_ERROR_RULES = ("ui_residue:error_toast",)
_SITE_CHROME = frozenset({"header", "nav", "footer"})  # where a site prints its own name
_ERROR_HINT = re.compile(
    r"\b(oops\b|an? (unknown|unexpected) error|something went wrong|page not found|error 404|"
    r"une erreur (inconnue |inattendue )?(s'est produite|est survenue)|fehler ist aufgetreten|"
    r"se ha producido un error|er is iets misgegaan|algo (?:ha )?salió mal|etwas ist schiefgelaufen|"
    r"quelque chose s'est mal passé|er ging iets mis)",
    re.IGNORECASE,
)
# What a "not found" page puts in its heading or <title>, in the languages of the
# phrase rules: asked of the record's title only (see _reject_reason).
_NOT_FOUND_TITLE = re.compile(
    r"\b(?:404 (?:- )?not found|404 error|(?:error|fehler|erreur|fout) 404|"
    r"page\b.{0,40}\b(?:not found|(?:could not|cannot|can['’]t) be found|(?:does not|doesn['’]t|no longer) exists?)|"
    r"seite\b.{0,40}\b(?:nicht gefunden|gibt es nicht|existiert nicht)|"
    r"page\b.{0,40}\b(?:introuvable|non trouvée|n['’]existe (?:pas|plus))|"
    r"página\b.{0,40}\b(?:no (?:encontrada|existe|se encuentra|se ha encontrado))|"
    r"pagina\b.{0,40}\b(?:niet gevonden|bestaat niet|kon niet worden gevonden))",
    re.IGNORECASE,
)


# What a record holds beside its title that names one book's edition.
_RECORD_DETAILS = ("publisher", "published", "pages", "series")


def _item_cards(blocks: list[Block]) -> tuple[int, str]:
    """How many linked headings share one DOM path, and the element that path starts in.

    A results or listing page repeats one card per item, each headed by a link to
    the item's own page: the headings share a path ("li.product>h3"), and the
    card's other lines (author, blurb, price) start in the same element.

    >>> cards = [Block(t, tag="h3", heading=3, link_density=1.0, path="li.product>h3") for t in "ABC"]
    >>> _item_cards([Block("Results", tag="h1", heading=1, path="main>h1"), *cards])
    (3, 'li.product')
    >>> _item_cards([Block("Dune", tag="h1", heading=1, path="main>h1")])
    (0, '')
    """
    counts = Counter(b.path for b in blocks if b.heading >= 2 and b.link_density > 0.6 and b.path)
    if not counts:
        return 0, ""
    path, count = counts.most_common(1)[0]
    return count, path.rsplit(">", 1)[0] if ">" in path else ""


def _in_card(blocks: list[Block], text: str, card: str) -> bool:
    """True when ``text`` opens with a block that sits in a ``card`` element (see ``_item_cards``)."""
    first = text.split("\n\n", 1)[0]
    return bool(card) and any(b.text == first and b.path.startswith(card + ">") for b in blocks)


def _reject_reason(
    fused: Fused,
    structured: StructuredData,
    blocks: list[Block],
    removed: list[Removed],
    has_text: bool,
    site_blurb: bool = False,
    text: str = "",
    page_blocks: list[Block] | None = None,
    title_tags: tuple[str, ...] = (),
) -> tuple[str, str] | None:
    """Why this page holds no single book, or None when it does.

    ``site_blurb``: the only text is prose with no label saying it describes a
    book (no "Synopsis" section, no structured data), under a title that is also
    the whole of a header, nav or footer block: the site's own name and pitch.
    ``text``: the description (or excerpt) the page would get, if any;
    ``page_blocks``: the blocks as parsed, for the page's layout (cleaning cuts
    repeats, and a results page is made of them); ``title_tags``: what the page's
    ``<title>`` offered as its title.
    """
    names_a_book = bool(fused.isbns or structured.is_book_page or fused.people)  # an ISBN, a person or the page's data
    has_details = names_a_book or any(fused.values.get(name) for name in _RECORD_DETAILS)
    has_book_evidence = names_a_book or has_text
    if structured.listed_items >= 3 and structured.book_items <= 1 and not fused.isbns:
        return "not_a_detail_page", f"the page lists {structured.listed_items} items and describes none"
    linked_headings = sum(1 for b in blocks if b.heading >= 2 and b.link_density > 0.6)
    if linked_headings >= 5 and not (fused.isbns or structured.is_book_page or has_text):
        return "not_a_detail_page", f"{linked_headings} linked item headings and no single book's details"
    # Fewer results, each card with a blurb: the only text the page has is one
    # result's blurb (or none), and nothing (no ISBN, person, publisher, date, page
    # count, series or structured data) names one book.
    if not has_details:  # (the layout is read only then)
        layout = [b for b in (blocks if page_blocks is None else page_blocks) if not b.chrome]
        cards, card = _item_cards(layout)
        # (A card is a classed element, "li.product": a bare "div" holds a page's own sections too.)
        # (Five or more make a category or results page even beside an intro of its own.)
        if cards >= 3 and "." in card and (not has_text or cards >= 5 or _in_card(layout, text, card)):
            return "not_a_detail_page", f"{cards} items in one repeated layout, each linked to its own page"
    # The error message may have been cut as part of a dialog or alert by a DOM
    # cue, so the removed text is searched, not matched whole. This only names
    # the reason for a reject; it never removes anything.
    # (Asked only of a page with no book evidence: the search reads every removal.)
    if not has_book_evidence and any(r.rule in _ERROR_RULES or _ERROR_HINT.search(r.text) for r in removed):
        return "error_page", "the page shows an error message and no book"
    if not fused.values.get("title"):
        return "no_title", "no title could be found on the page"
    # A "not found" or error page apologises in a paragraph, which passes for a
    # description: its heading says what it is, and nothing on it names a book.
    if not names_a_book:
        said = next(
            (t for t in (fused.values["title"], *title_tags) if _NOT_FOUND_TITLE.search(t) or _ERROR_HINT.search(t)),
            None,
        )
        if said is not None:
            return "error_page", f"the page's heading or <title> says it is an error ({said[:80]!r}) and no book"
    if not blocks and not has_book_evidence:
        return "no_book", "the page holds no text once residue is removed"
    # A title and nothing else a book record holds (no person, ISBN, publisher, date,
    # page count, series, description or excerpt, no structured data calling it a
    # book) is a page about something else: a search or series listing, a site's
    # home page. Its title is a heading, not a book's. So is a site's name over its
    # own pitch (a bare heading over a paragraph is still a book: "<h1>Mort</h1><p>...").
    if not (has_details or (has_text and not site_blurb)):
        return "no_book", "the page has a title but no author, ISBN, publisher, date or labelled description"
    return None


def _removals(removed: list[Removed]) -> Any:
    # As plain dicts, which pydantic's core validates in one pass: three times
    # faster than building each Removal model in Python (model_construct), and checked.
    return [{"rule": r.rule, "text": r.text} for r in removed]


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}"


def clean_page(
    page: RawPage, config: CleanConfig = DEFAULT_CONFIG, *, parsed: ParsedPage | None = None
) -> Book | Reject:
    """Turn one raw page into a Book, or a Reject naming the reason.

    ``parsed`` is the page already parsed (by a learning pass): it is used as is.
    """
    source = Source(uri=page.uri, sha256=page.digest())
    if not page.data or page.data.isspace():  # (strip() would copy the page to say so)
        return Reject(source=source, input=page.uri, reason="empty_input", detail="the input holds no bytes")
    if page.data.lstrip()[:1] in (b"{", b"[") and _is_json(page.data):
        # A JSON file named on the command line (a gold file, an API dump) is data, not a page.
        return Reject(
            source=source, input=page.uri, reason="no_book", detail="the input is JSON data, not a catalog page"
        )
    try:
        parsed = parsed if parsed is not None else parse_page(page)
    except (ValueError, UnicodeError, RecursionError) as exc:
        return Reject(source=source, input=page.uri, reason="parse_failed", detail=str(exc)[:200])
    structured = read_structured(parsed)
    steps = config.steps
    if config.profiles is not None:
        # Built per page (the site is known only now); the store itself is what
        # travels to batch workers, since a closure does not pickle.
        site = site_key(page, parsed, config.site)
        steps = insert_template_step(steps, make_template_step(config.profiles, site, config.profile_settings))
    cleaned = run_steps(parsed.blocks, steps)
    removed = list(cleaned.removed)
    text_candidates, sections = block_candidates(parsed, cleaned.blocks)
    candidates = [
        *structured.candidates,
        *text_candidates,
        *(adapter_candidates(page, parsed) if config.adapters else ()),
    ]
    visible = {fold(b.text) for b in cleaned.blocks if len(b.text) <= 300}
    visible |= {fold(_ISBD_TAIL.sub("", b.value)) for b in cleaned.blocks if b.value and len(b.value) <= 300}
    fused = fuse(candidates, visible)
    # The page's own words about its people, without the long blocks (review
    # dumps, lists) where anyone may be named for any reason.
    prose = [b.text for b in cleaned.blocks if len(b.text) <= 2000]
    drop_script_aliases(fused, prose)
    demote_uncredited(fused, prose)
    removed.extend(Removed("invalid_isbn", i) for i in fused.invalid_isbns)

    description, described_by = _choose_description(
        sections, candidates, cleaned.blocks, removed, fused.values.get("title", "")
    )
    excerpt = sections.get("excerpt") or None
    title = fused.values.get("title", "")
    site_blurb = (
        bool(description and title)
        and described_by == "text"
        and not excerpt
        and fold(title) in {fold(b.text) for b in parsed.blocks if b.chrome in _SITE_CHROME}
    )
    reason = _reject_reason(
        fused,
        structured,
        cleaned.blocks,
        removed,
        bool(description or excerpt),
        site_blurb,
        description or excerpt or "",
        parsed.blocks,
        tuple(c.value for c in candidates if c.field == "title" and c.source == "title-tag"),
    )
    if reason is not None:
        return Reject(source=source, input=page.uri, reason=reason[0], detail=reason[1], removed=_removals(removed))  # type: ignore[arg-type]

    truncated = False
    if description:
        description = _strip_expander_tail(description, removed)
        description = _strip_title_lines(description, fused.values["title"], removed)
        description, cut = trim_truncated(description, cut_short=_cut_short(cleaned.blocks, description))
        if cut:
            truncated = True
            removed.append(Removed("stray_fragment:truncated_sentence", cut))
    if excerpt:
        excerpt, cut = trim_truncated(excerpt, cut_short=_cut_short(cleaned.blocks, excerpt))
        if cut:
            truncated = True
            removed.append(Removed("stray_fragment:truncated_sentence", cut))
    language = fused.values.get("language")
    if language is None and config.detect_language and description:
        language = detect_language(description)
    pages = fused.values.get("pages")
    try:
        return Book(
            title=fused.values["title"],
            subtitle=fused.values.get("subtitle"),
            contributors=tuple(Contributor(name=n, role=r) for n, r in fused.people),  # type: ignore[arg-type]
            isbns=tuple(fused.isbns),
            publisher=fused.values.get("publisher"),
            published=fused.values.get("published"),
            language=language,
            pages=int(pages) if pages else None,
            description=description or None,
            excerpt=excerpt or None,
            truncated=truncated,
            subjects=tuple(fused.subjects),
            series=fused.values.get("series"),
            format=fused.values.get("format"),
            edition=fused.values.get("edition"),
            original_title=fused.values.get("original_title"),
            url=fused.values.get("url") or page.url,
            source=source,
            removed=_removals(removed),
            provenance=tuple(fused.provenance),
        )
    except ValidationError as exc:
        return Reject(
            source=source, input=page.uri, reason="invalid_record", detail=_first_error(exc), removed=_removals(removed)
        )
