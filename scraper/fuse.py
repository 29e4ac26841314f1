"""FUSE: pick each field's value from its candidates, and say why.

A cataloguer reads the machine copy and the human copy and takes the best of
each. Here a value's score is its source's prior trust
(:data:`~scraper.candidates.SOURCE_PRIORITY`) plus a bonus for every other
source that agrees with it after normalisation. The losing values are kept
in the record's provenance with their sources, so a curator can see the
conflict and the choice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from normalizers.residue import match_phrase
from normalizers.rules.phrases import NEUTRAL_SECTION_HEADINGS
from normalizers.text import fold
from scraper.candidates import Candidate
from scraper.labels import DESCRIPTION_LABELS, field_for_label
from scraper.records import Provenance
from scraper.values import (
    clean_person_name,
    find_isbns,
    parse_date,
    parse_language,
    parse_pages,
    split_publisher_imprint,
)

__all__ = ["Fused", "clean_title", "drop_script_aliases", "fuse"]

AGREEMENT_BONUS = 0.12  # per extra source that gives the same value


@dataclass(slots=True)
class Fused:
    """The chosen values, what was dropped as invalid, and the provenance of contested fields."""

    values: dict[str, str] = field(default_factory=dict)
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    isbns: list[str] = field(default_factory=list)
    invalid_isbns: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)
    people_source: str = ""  # the source whose list of people was taken whole


def _choose(
    name: str,
    candidates: Iterable[Candidate],
    normalize: Callable[[str], str | None],
    key: Callable[[str], str] = fold,
) -> tuple[str, str, list[tuple[str, str]]] | None:
    scored: dict[str, list[tuple[str, Candidate]]] = {}
    for cand in candidates:
        if cand.field != name:
            continue
        value = normalize(cand.value)
        # A "value" that is a widget's word ("Contact", "Read more") is residue
        # that a label happened to sit next to.
        if value and match_phrase(value) is None:
            scored.setdefault(key(value), []).append((value, cand))
    if not scored:
        return None

    def score(group: list[tuple[str, Candidate]]) -> float:
        sources = {c.source for _, c in group}
        return max(c.confidence for _, c in group) + AGREEMENT_BONUS * (len(sources) - 1)

    best_key = max(scored, key=lambda k: score(scored[k]))
    group = scored[best_key]
    value, cand = max(group, key=lambda vc: vc[1].confidence)
    rejected: list[tuple[str, str]] = [(v, c.source) for k, g in scored.items() if k != best_key for v, c in g[:1]]
    return value, cand.source, rejected


# --- titles --------------------------------------------------------------------

_ISBD_RESPONSIBILITY = re.compile(r"\s+/\s+.*$")
_EDITION_SUFFIX = re.compile(
    r"\s*[(\[]?\b(hardcover|paperback|kindle edition|ebook|taschenbuch|gebundene ausgabe|broché|"
    r"tapa blanda|tapa dura|paperback edition|mass market paperback)\b[)\]]?.*$",
    re.I,
)


# What _EDITION_STATEMENT and _EDITION_SUFFIX each need somewhere in the text.
_EDITION_WORD = re.compile(r"edition|ed\.|auflage|édition|edición|editie|druk", re.I)
_BINDING_WORD = re.compile(
    r"hardcover|paperback|kindle edition|ebook|taschenbuch|gebundene ausgabe|broché|tapa blanda|tapa dura", re.I
)


_SERIES_SUFFIX = re.compile(
    r"\s*[(\[][^()\[\]]*?(?:#\s*\d+(?:\.\d+)?|\b(?:book|vol\.?|volume|band|tome|deel|tomo|nr\.?)\s*\d+)[)\]]\s*$", re.I
)
# Download sites append the files offered: "Ember Protocol (EPUB, PDF)", "[EPUB, PDF, MOBI]".
_FORMATS = r"(?:epub|pdf|mobi|azw3?|fb2|djvu|txt|rtf|docx?|mp3|m4b|cbr|cbz|e-?book|audiobook)\b"
# One way to read each separator (punctuation, or spaces alone): no backtracking storm.
_FORMAT_SUFFIX = re.compile(rf"\s*[(\[]\s*{_FORMATS}(?:\s*[,/|&+]\s*{_FORMATS}|\s+{_FORMATS})*\s*[)\]]\s*$", re.I)
_CHROME_SPLIT = re.compile(r"\s+[|–—-]\s+|\s*[:：]\s+|\s*\|\s*|\s+by\s+(?=[A-Z])")


_SECTION_HEADINGS = frozenset(fold(h) for h in NEUTRAL_SECTION_HEADINGS)
# A title never holds a domain name or an ISBN: a variant that does is site chrome.
_CHROME_TOKEN = re.compile(r"\b[\w-]+\.(?:com|co\.uk|de|es|fr|nl|be|org|net|it|pl|cn|tw)\b|\d{9}[\dX]|\d{13}", re.I)


# An edition statement glued on ("Essential Grammar in Use. Fourth Edition.
# Book with Answers."): the title ends before it (gold labels and cataloguers
# record the edition apart from the title).
_EDITION_STATEMENT = re.compile(
    r"(?:[.,]\s+|\s*[(\[]|\s+[-–—]\s+)(?:\d+(?:st|nd|rd|th|e|\.)?|first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|new|revised|updated|expanded|international|student|special|anniversary|"
    r"illustrated)(?:\s+[^\W\d_]+)?\s+(?:edition|ed\.|auflage|édition|edición|editie|druk)\b.*$",
    re.I,
)


def clean_title(text: str) -> str:
    """A title candidate without the statements pages glue onto it.

    >>> clean_title("Essential Grammar in Use. Fourth Edition. Book with Answers.")
    'Essential Grammar in Use'
    >>> clean_title("Dune (40th Anniversary Edition)")
    'Dune'
    >>> clean_title("The Second Edition")
    'The Second Edition'
    >>> clean_title("Leviathan Wakes (The Expanse Book 1) (Paperback)")
    'Leviathan Wakes'
    >>> clean_title("Ember Protocol [EPUB, PDF, MOBI]"), clean_title("Mastering PDF (Portable Document Format)")
    ('Ember Protocol', 'Mastering PDF (Portable Document Format)')
    >>> clean_title("L'anomalie - Prix Goncourt 2020"), clean_title("Milkman (Winner of the Man Booker Prize 2018)")
    ("L'anomalie", 'Milkman')
    >>> clean_title("The Prize"), clean_title("Prix Goncourt - histoire d'un prix")
    ('The Prize', "Prix Goncourt - histoire d'un prix")
    """
    # Each pattern is tried at every position of every candidate, so each runs
    # only where a quick test of what it needs passes: a "/", a closing bracket
    # at the end, an edition or binding word.
    if "/" in text:
        text = _ISBD_RESPONSIBILITY.sub("", text)
    text = text.strip(" /:;,")
    while True:  # "(The Expanse Book 1) (Paperback)": the suffixes come in any order
        before = text
        if text.rstrip()[-1:] in (")", "]"):
            text = _SERIES_SUFFIX.sub("", _FORMAT_SUFFIX.sub("", text) or text)  # "(PDF)" alone stays
        if _EDITION_WORD.search(text):
            text = _EDITION_STATEMENT.sub("", text)
        if _BINDING_WORD.search(text):
            text = _EDITION_SUFFIX.sub("", text)
        if _AWARD_WORD.search(text):
            text = _AWARD_SUFFIX.sub("", text)
        text = text.strip(" -–—:;,")
        if text == before:
            return text


# An award a store glues after the title: "L'anomalie - Prix Goncourt 2020", "Milkman
# (Winner of the Man Booker Prize 2018)". Only after a dash or in brackets, where it
# cannot be the title's own words; the award's name is what sets it apart.
_AWARD_WORD = re.compile(r"prix|prize|preis|premio|award|winner|gewinner|lauréat|shortlisted|longlisted", re.I)
_AWARD_SUFFIX = re.compile(
    r"(?:\s+[-–—|]\s+|\s*[(\[])"
    r"(?:(?i:winner|gewinner(?:in)?|lauréat|shortlisted|longlisted|prix|prize|preis|premio)\b[^()\[\]]*|"
    r"(?:The\s+)?(?:[A-Z][\w'’-]*\s+){1,3}(?:Prize|Award|Preis|Prix|Premio)\b[^()\[\]]*)[)\]]?\s*$"
)


_SPLIT_SOURCES = frozenset({"og", "title-tag", "meta", "dom-heading", "text-heading"})
_CHROME_PRONE = frozenset({"og", "title-tag", "meta"})


def _title_variants(cand: Candidate) -> list[str]:
    """The candidate's text and, for chrome-prone sources, its parts between separators.

    >>> _title_variants(Candidate("title", "Hyperion (Hyperion Cantos, #1) by Dan Simmons | Goodreads", "title-tag"))
    ['Hyperion (Hyperion Cantos, #1) by Dan Simmons | Goodreads', 'Hyperion', 'Dan Simmons', 'Goodreads']
    """
    if cand.value.rstrip().endswith((":", "：")):
        return []  # "Verwandte Themen:" introduces something else; it names nothing
    text = clean_title(cand.value)
    variants = [text] if text else []
    if cand.source in _SPLIT_SOURCES:
        # Link-preview titles glue the site name on, before or after: each
        # piece between separators is a candidate; agreement decides.
        pieces = [p.strip() for p in _CHROME_SPLIT.split(text)]
        if len(pieces) > 1:
            variants.extend(clean_title(p) for p in pieces if p)
    return [v for v in variants if v and not _not_a_title(v)]


def _not_a_title(text: str) -> bool:
    # Labels, widget words, section headings ("Spécifications produit") and
    # strings holding a domain or an ISBN are what pages put where a title goes.
    key = fold(text)
    return bool(
        field_for_label(text)
        or match_phrase(text)
        or _CHROME_TOKEN.search(text)
        or key in _SECTION_HEADINGS
        or key in DESCRIPTION_LABELS
    )


def _strip_author_tail(title: str, author_keys: set[str]) -> str:
    """Drop an author's name glued to the end of a title ("It Ends With Us By Colleen Hoover").

    >>> _strip_author_tail("Foundation Trilogy Isaac Asimov", {"isaac asimov"})
    'Foundation Trilogy'
    >>> _strip_author_tail("Asimov", {"asimov"})
    'Asimov'
    """
    key = fold(title)
    for author in author_keys:
        if author and key.endswith(" " + author) and len(key) > len(author) + 2:
            words = len(author.split())
            head = title.split()[:-words] if len(title.split()) > words else []
            cut = " ".join(head)
            cut = re.sub(r"(?i)\s*(?:by|von|de|door|par|por|[-–—|:/,])\s*$", "", cut).strip()
            if cut:
                return cut
    return title


def _strip_number(title: str, numbers: list[str]) -> str:
    """Drop a series number the title leads with.

    >>> _strip_number("1 Red Dust", ["1"])
    'Red Dust'
    >>> _strip_number("1984", ["1"])
    '1984'
    """
    for number in numbers:
        if title.startswith(number + " ") and len(title) > len(number) + 2:
            return title[len(number) :].lstrip(" .-–:")
    return title


VISIBLE_BONUS = 0.3  # a title a reader can see on the page beats one only machines see
SERIES_PENALTY = 1.0  # the series' name stands where the volume's title goes


def _fuse_title(candidates: list[Candidate], fused: Fused, author_keys: set[str], visible: set[str]) -> None:
    titles = [c for c in candidates if c.field == "title"]
    for cand in titles:
        series = _SERIES_SUFFIX.search(cand.value)
        if series and cand.source in {"jsonld", "og", "microdata", "title-tag"}:
            fused.values.setdefault("series", series.group(0).strip(" ()[]"))
    # A heading may lead with the volume's number in its series ("1 Red Dust"
    # for Comanche ; 1): with the number known from structured data, the
    # heading's title is what follows it.
    numbers = [c.value.rsplit(" ; ", 1)[1] for c in candidates if c.field == "series" and " ; " in c.value]
    # The series' own name (a page heading on comics sites) is seldom this
    # volume's title; seldom, not never ("Dune", Dune ; 1): a penalty, not a ban.
    series_keys = {fold(c.value.rsplit(" ; ", 1)[0]) for c in candidates if c.field == "series"}
    support: dict[str, float] = {}
    best_text: dict[str, tuple[float, str, str]] = {}
    for cand in titles:
        variants = [_strip_number(_strip_author_tail(v, author_keys), numbers) for v in _title_variants(cand)]
        for rank, variant in enumerate(variants):
            key = fold(variant)
            if not key or key in author_keys:
                continue
            # A site's whole <title> is weak evidence; its prefixes only count
            # when another source agrees with them.
            # A link-preview title with pieces ("Title | Site") is itself weaker
            # than a clean one: the same suffix on og:title and <title> is the
            # site's habit, not two sources agreeing on a title.
            whole = 0.8 if len(variants) > 1 and cand.source in _CHROME_PRONE else 1.0
            weight = cand.confidence * (whole if rank == 0 else 0.6)
            support[key] = support.get(key, 0.0) + weight
            if key not in best_text or weight > best_text[key][0]:
                best_text[key] = (weight, variant, cand.source)
    if not support:
        return
    for key in support:
        if key in visible:
            support[key] += VISIBLE_BONUS
        if key in series_keys:
            support[key] -= SERIES_PENALTY
    best = max(support, key=lambda k: (support[k], -len(k)))
    _, title, source = best_text[best]
    rejected = tuple(
        (best_text[k][1], best_text[k][2]) for k in sorted(support, key=lambda k: -support[k]) if k != best
    )[:5]
    subtitle = _choose("subtitle", candidates, lambda v: v.strip(" :;/") or None)
    if subtitle is None:
        title, sub = _split_subtitle(title, author_keys)
        if sub:
            fused.values["subtitle"] = sub
    else:
        fused.values["subtitle"] = subtitle[0]
        if fold(title).endswith(fold(subtitle[0])) and fold(title) != fold(subtitle[0]):
            cut = title.rfind(subtitle[0][:3]) if subtitle[0][:3] in title else -1
            title = title[:cut].strip(" :.-–") if cut > 0 else title
    fused.values["title"] = title.strip()
    if rejected:
        fused.provenance.append(Provenance(field="title", chosen=title, source=source, rejected=rejected))


# An alternative title after a semicolon or comma: "Frankenstein; Or, The Modern
# Prometheus", "Candide, ou l'Optimisme", "Emilia Galotti; oder". (Not "War or Peace":
# the punctuation before the "or" is what marks it.)
_OR_TITLE = re.compile(r"^(?P<head>[^;,]{2,}?)\s*[;,]\s+(?P<tail>(?:or|ou|oder|o)\b,?\s+\S.*)$", re.I)

# German and Dutch catalogues (and Amazon's) join title and subtitle with a
# full stop: "Siddhartha. Eine indische Dichtung". Only one stop, after a word
# of at least four letters (so "Mrs. Dalloway" and "Dr. No" stay whole), before
# a capitalised tail of two or more words.
_DOT_SUBTITLE = re.compile(r"^(?P<head>[^.]*[^\W\d_]{4})\.\s+(?P<tail>[^\W\d_a-z][^.]*\s[^.]+)$")


def _split_subtitle(title: str, author_keys: set[str]) -> tuple[str, str | None]:
    """Split "Title: Subtitle" or ISBD "Title : other title"; drop a tail that is only the authors.

    >>> _split_subtitle("The Sino-Soviet Alliance: An International History", set())
    ('The Sino-Soviet Alliance', 'An International History')
    >>> _split_subtitle("The Medusa Chronicles: Alastair Reynolds & Stephen Baxter", {"alastair reynolds", "stephen baxter"})
    ('The Medusa Chronicles', None)
    >>> _split_subtitle("Totholz : was vergraben ist : Kriminalroman", set())
    ('Totholz', 'was vergraben ist : Kriminalroman')
    >>> _split_subtitle("Siddhartha. Eine indische Dichtung", set())
    ('Siddhartha', 'Eine indische Dichtung')
    >>> _split_subtitle("Mrs. Dalloway", set())
    ('Mrs. Dalloway', None)
    >>> _split_subtitle("Frankenstein; Or, The Modern Prometheus", set())
    ('Frankenstein', 'Or, The Modern Prometheus')
    >>> _split_subtitle("War or Peace", set())
    ('War or Peace', None)
    """
    match = re.search(r"\s*[:：]\s+", title)
    if match is None or match.start() == 0:
        alternative = _OR_TITLE.match(title)
        if alternative is not None:
            return alternative["head"], alternative["tail"]
        dotted = _DOT_SUBTITLE.match(title)
        if dotted is not None:
            return dotted["head"], dotted["tail"]
        return title, None
    head, tail = title[: match.start()].strip(), title[match.end() :].strip()
    if not tail:
        return head, None
    first = re.split(r"\s*[:：]\s+", tail, maxsplit=1)[0]
    tail_names = {fold(n) for n in re.split(r"\s*(?:&|,| and | und )\s*", first)}
    if tail_names and tail_names <= author_keys:
        return head, None
    return head, tail


# --- people --------------------------------------------------------------------

_PEOPLE_FIELDS = ("author", "translator", "editor", "illustrator")


def _split_glued_names(name: str, known: set[str]) -> list[str]:
    """Split names a page ran together ("Thierry Culliford Yvan Delporte") into known ones.

    A label's cell of several author links, or a text dump of it, loses the
    separators. Each piece must be a name the page shows on its own; otherwise
    the name is kept whole.

    >>> _split_glued_names("Thierry Culliford Yvan Delporte", {"thierry culliford", "yvan delporte"})
    ['Thierry Culliford', 'Yvan Delporte']
    >>> _split_glued_names("Isaac Asimov Isaac Asimov", {"isaac asimov"})
    ['Isaac Asimov', 'Isaac Asimov']
    >>> _split_glued_names("Gabriel Garcia Marquez Llosa", {"gabriel garcia"})
    ['Gabriel Garcia Marquez Llosa']
    """
    words = name.split()
    if len(words) < 4:
        return [name]
    pieces: list[str] = []
    i = 0
    while i < len(words):
        for size in (2, 3, 4):
            chunk = " ".join(words[i : i + size])
            if i + size <= len(words) and fold(chunk) in known:
                pieces.append(chunk)
                i += size
                break
        else:
            return [name]
    return pieces


def _fuse_people(candidates: list[Candidate], fused: Fused, visible: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    by_source: dict[str, list[tuple[str, str]]] = {}
    priority: dict[str, float] = {}
    known = {fold(c.value) for c in candidates if c.field in _PEOPLE_FIELDS and len(c.value.split()) <= 4}
    known |= {v for v in visible if 1 <= v.count(" ") <= 3}  # 2-4 words: a folded key has one space between two
    for cand in candidates:
        if cand.field not in _PEOPLE_FIELDS:
            continue
        name = clean_person_name(cand.value)
        if name is None or field_for_label(name) or match_phrase(name):
            continue
        for piece in _split_glued_names(name, known):
            by_source.setdefault(cand.source, []).append((piece, cand.field))
        priority[cand.source] = cand.confidence
    if not by_source:
        return
    # Authors come from the most trusted source that names any; a source's
    # list is taken whole (the order is the page's), other roles are merged in.
    # A role stated anywhere ("Gary Ruddell (Illustrator)") beats "author",
    # which is what sources say when they do not know (JSON-LD lists everyone).
    explicit = {"dom-label", "dom-heading", "text", "text-heading", "text-label"}
    said_author = {fold(n) for s, people in by_source.items() if s in explicit for n, r in people if r == "author"}
    stated_roles = {
        fold(n): r for people in by_source.values() for n, r in people if r != "author" and fold(n) not in said_author
    }
    by_source = {s: [(n, stated_roles.get(fold(n), r)) for n, r in people] for s, people in by_source.items()}
    with_authors = [s for s in by_source if any(r == "author" for _, r in by_source[s])]
    best = max(with_authors or by_source, key=lambda s: (priority[s], len(by_source[s])))
    fused.people_source = best
    seen: set[str] = set()
    for name, role in by_source[best]:
        if fold(name) not in seen:
            seen.add(fold(name))
            fused.people.append((name, role))
    for source, people in by_source.items():
        for name, role in people:
            if source != best and role != "author" and fold(name) not in seen:
                seen.add(fold(name))
                fused.people.append((name, role))
    others = [(", ".join(n for n, r in people if r == "author"), s) for s, people in by_source.items() if s != best]
    others = [
        (names, s)
        for names, s in others
        if names and fold(names) != fold(", ".join(n for n, r in fused.people if r == "author"))
    ]
    if others:
        chosen = ", ".join(n for n, r in fused.people if r == "author")
        fused.provenance.append(Provenance(field="authors", chosen=chosen, source=best, rejected=tuple(others[:5])))


def _latin(name: str) -> bool:
    """True when every letter of ``name`` is a Latin one ("Nguyễn Du" included)."""
    return all(unicodedata.name(c, "").startswith("LATIN") for c in name if c.isalpha())


# "Wang Xiaobo (Chinese: 王小波)", "(王小波)": a bracket that gives the same
# name in another script, labelled with a language at most.
_ALIAS_LABEL = re.compile(r"([^():：]{1,30})[:：]\s*$")


def drop_script_aliases(fused: Fused, texts: Iterable[str]) -> None:
    """Keep one author where the page names one person in two scripts and says so.

    Some catalogs list an author twice, under two author records: "Wang Xiaobo,
    王小波". The page's own words tie them: "Wang Xiaobo (Chinese: 王小波) was a
    Chinese writer". The name in brackets is dropped, and provenance keeps it.
    Names in one script are never merged ("Alan Moore (with Dave Gibbons)"),
    nor is a bracket that names a role ("Jane Smith (Illustrator: 李明)").

    >>> fused = Fused(people=[("Wang Xiaobo", "author"), ("王小波", "author")])
    >>> drop_script_aliases(fused, ["Wang Xiaobo (Chinese: 王小波) was a Chinese writer."])
    >>> fused.people, fused.provenance[0].rejected
    ([('Wang Xiaobo', 'author')], (('王小波', 'alias'),))
    >>> fused = Fused(people=[("Wang Xiaobo", "author"), ("王小波", "author")])
    >>> drop_script_aliases(fused, ["Wang Xiaobo and 王小波 wrote it."]); len(fused.people)
    2
    """
    authors = [n for n, r in fused.people if r == "author"]
    if len(authors) < 2 or len({_latin(n) for n in authors}) < 2:
        return
    page = [t for t in texts if "(" in t]
    aliases: dict[str, str] = {}
    for name in authors:
        for other in authors:
            if other == name or other in aliases or name in aliases or _latin(other) == _latin(name):
                continue
            said = re.compile(r"(?<!\w)" + re.escape(name) + r"\s*\(([^()]{0,32}?)" + re.escape(other) + r"\s*[,;)]")
            for text in page:
                match = said.search(text)
                label = _ALIAS_LABEL.match(match.group(1)) if match else None
                if match and (not match.group(1).strip() or (label and parse_language(label.group(1)))):
                    aliases[other] = name
                    break
    if aliases:
        fused.people = [(n, r) for n, r in fused.people if r != "author" or n not in aliases]
        for alias, name in aliases.items():
            fused.provenance.append(
                Provenance(field="authors", chosen=name, source="text", rejected=((alias, "alias"),))
            )


# --- the rest ------------------------------------------------------------------------


def _fuse_isbns(candidates: list[Candidate], fused: Fused) -> None:
    for cand in candidates:
        if cand.field != "isbn":
            continue
        valid, invalid = find_isbns(cand.value)
        for isbn in valid:
            if isbn not in fused.isbns:
                fused.isbns.append(isbn)
        fused.invalid_isbns.extend(i for i in invalid if i not in fused.invalid_isbns)


def _record(fused: Fused, name: str, choice: tuple[str, str, list[tuple[str, str]]] | None) -> None:
    if choice is None:
        return
    value, source, rejected = choice
    fused.values[name] = value
    if rejected:
        fused.provenance.append(Provenance(field=name, chosen=value, source=source, rejected=tuple(rejected[:5])))


def _short_value(value: str) -> str | None:
    """An edition detail as shown, or None when it is empty or a paragraph, not a detail.

    A tooltip's "?" glyph and text glued after the value are cut:

    >>> _short_value("hc?Hardcover. Used for all hardbacks of any size."), _short_value("Paperback")
    ('hc', 'Paperback')
    >>> _short_value("Availability ↑") is None
    True
    """
    value = _TOOLTIP.sub("", value).strip(" :;,")
    if _SORT_ARROW.search(value):
        return None  # "Edition | Availability ↑": a sortable table's header row, not a value
    return value if 0 < len(value) <= 120 else None


_TOOLTIP = re.compile(r"\s*\?\s*[A-Z][^?]*\.$")
_SORT_ARROW = re.compile("[↑↓⇅⇵▲▼△▽]")


def _publisher(value: str) -> str | None:
    publisher, _ = split_publisher_imprint(value)
    if publisher and (len(publisher) > 120 or not re.search(r"[^\W\d_]", publisher)):
        return None
    return publisher


def fuse(candidates: list[Candidate], visible: set[str] = frozenset()) -> Fused:  # type: ignore[assignment]
    """Choose every field's value from ``candidates``.

    ``visible`` holds the folded text of the page's cleaned short blocks: a
    title a reader can see there is preferred to one only metadata gives.
    """
    fused = Fused()
    _fuse_people(candidates, fused, visible)
    author_keys = {fold(n) for n, r in fused.people if r == "author"}
    _fuse_title(candidates, fused, author_keys, visible)
    _fuse_isbns(candidates, fused)
    # Dates hide inside publisher lines ("Gollancz (30 Jan. 2020)").
    extra = [
        Candidate("date", date, c.source)
        for c in candidates
        if c.field == "publisher"
        for date in [split_publisher_imprint(c.value)[1]]
        if date
    ]
    _record(fused, "publisher", _choose("publisher", candidates, _publisher))
    _record(fused, "published", _choose("date", [*candidates, *extra], parse_date, key=lambda v: v[:4]))
    _record(fused, "language", _choose("language", candidates, parse_language))
    _record(fused, "pages", _choose("pages", candidates, lambda v: str(p) if (p := parse_pages(v)) else None))
    _record(fused, "series", _choose("series", candidates, lambda v: v.strip() or None))
    for name in ("format", "edition", "original_title"):
        _record(fused, name, _choose(name, candidates, _short_value))
    _record(fused, "url", _choose("url", candidates, lambda v: v if v.startswith("http") else None))
    seen: set[str] = set()
    for cand in candidates:
        if cand.field == "subject":
            subject = re.sub(r"\s*\(?\d[\d.,]*\)?\s*$", "", cand.value).strip()
            if subject and fold(subject) not in seen and len(subject) < 80:
                seen.add(fold(subject))
                fused.subjects.append(subject)
    return fused
