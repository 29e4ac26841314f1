"""Golden tests: the sample pages against ``samples/gold.json``, one test per (page, field).

Scored with :func:`scraper.evaluate.score_page`, the corpus README's rules. A
failure names the page and the field that broke. Pages the cleaner gets wrong
today are listed in ``KNOWN_GAPS`` as strict xfails: the suite stays green,
and a fix turns its row into an XPASS failure, which is the cue to delete it.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from support import SAMPLES

from scraper.evaluate import FIELDS, PageScore, norm, score_page
from scraper.pipeline import clean_page
from scraper.records import Book, Reject
from scraper.sources import RawPage, kind_from_suffix

GOLD = SAMPLES / "gold.json"
PAGES = SAMPLES / "pages"

# (page, field, why the cleaner gets it wrong today). "residue_free" is the
# page's must-not-contain check.
KNOWN_GAPS: list[tuple[str, str, str]] = [
    ("opac_koha_en.html", "description", "'Summary:' label kept in the text and the Koha tags line appended"),
    ("bookstore_fr.html", "description", "teaser chosen over the full synopsis"),
    ("dump_seedlike_en.txt", "authors", "the author's name is a bare line under the title, with no 'by' or label"),
    ("dump_seedlike_en.txt", "publisher", "the publisher is a bare line with no label ('Meridian University Press')"),
    ("antiquarian_latin1_it.html", "description", "condition notes appended to the synopsis"),
    ("antiquarian_latin1_it.html", "residue_free", "shipping line and dealer notes in the description"),
]

_GAPS = {(page, field): why for page, field, why in KNOWN_GAPS}

pytestmark = pytest.mark.skipif(not GOLD.is_file(), reason=f"{GOLD} not written yet")


def _gold() -> list[dict[str, Any]]:
    if not GOLD.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(GOLD.read_text(encoding="utf-8"))
    return entries


def _scored_fields(entry: dict[str, Any]) -> list[str]:
    # the fields score_page scores for this entry (residue_free has its own test)
    if not entry.get("expect_record", True):
        return ["yield"]
    return [f for f in FIELDS if f != "residue_free" and (f != "language" or entry.get("language"))]


def _param(page: str, field: str) -> Any:
    why = _GAPS.get((page, field))
    marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
    return pytest.param(page, field, marks=marks, id=f"{page}-{field}")


ENTRIES = {entry["file"]: entry for entry in _gold()}
FIELD_PARAMS = [_param(page, f) for page, entry in ENTRIES.items() for f in _scored_fields(entry)]
PAGE_PARAMS = [_param(page, "residue_free") for page in ENTRIES]


@functools.cache
def _result(page: str) -> Book | Reject:
    path = PAGES / page
    return clean_page(RawPage(uri=str(path), data=path.read_bytes(), kind=kind_from_suffix(page)))


@functools.cache
def _score(page: str) -> PageScore:
    return score_page(ENTRIES[page], _result(page))


def test_known_gaps_name_real_params() -> None:
    """Every KNOWN_GAPS row names a page and field that exist, so none silently goes stale."""
    params = {(p.values[0], p.values[1]) for p in FIELD_PARAMS + PAGE_PARAMS}
    assert [key for key in _GAPS if key not in params] == []


def test_every_sample_page_has_gold() -> None:
    """Each page in samples/pages has a gold entry, and each entry's page exists."""
    on_disk = {p.name for p in PAGES.iterdir() if p.is_file()}
    assert on_disk == set(ENTRIES)


@pytest.mark.parametrize(("page", "field"), FIELD_PARAMS)
def test_field(page: str, field: str) -> None:
    """The cleaner's value for this field on this page scores as correct under the corpus rules."""
    score = _score(page)
    assert score.fields[field], f"{page}: {field} wrong; got {score.got or score.outcome}"


@pytest.mark.parametrize(("page", "field"), PAGE_PARAMS)
def test_must_not_contain(page: str, field: str) -> None:
    """No must-not-contain string of the page occurs in any text field of its record."""
    result = _result(page)
    if isinstance(result, Reject):
        return  # no record, nothing leaked
    texts = [
        result.title,
        result.subtitle,
        result.publisher,
        result.description,
        result.excerpt,
        *(c.name for c in result.contributors),
    ]
    haystack = norm("\n".join(t for t in texts if t))
    leaks = [s for s in ENTRIES[page].get("must_not_contain") or [] if norm(s) in haystack]
    assert leaks == []
