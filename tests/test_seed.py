"""Acceptance: the seed page through the CLI gives the expected record, removals and all."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from support import REPO_ROOT, SEED, SEED_EXPECTED, assert_no_traceback, fold_ws, run_cli

TEXT_FIELDS = ("title", "subtitle", "description", "excerpt")
RECORD_TEXT = ("title", "subtitle", "publisher", "description", "excerpt", "series")

pytestmark = pytest.mark.skipif(
    not (SEED.is_file() and SEED_EXPECTED.is_file()), reason=f"seed page not found at {SEED}"
)

# (kind, text) for every removal the expected file lists; the title was cut three times.
_REMOVED_BY_KIND: dict[str, list[str]] = (
    json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["removed"] if SEED_EXPECTED.is_file() else {}
)
REMOVED = [(kind, text) for kind, texts in _REMOVED_BY_KIND.items() for text in texts]


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    result = run_cli("clean", str(SEED.relative_to(REPO_ROOT)))
    assert_no_traceback(result.stderr)
    assert result.code == 0, result.stderr
    assert len(result.lines) == 1, f"expected exactly one record, got {len(result.lines)}"
    data: dict[str, Any] = orjson.loads(result.lines[0])
    return data


def test_exactly_one_record(record: dict[str, Any]) -> None:
    """The seed page is one book: one line on stdout, and it has the seed page as its source."""
    assert record["source"]["uri"].endswith(SEED.name)


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_text_fields_match(record: dict[str, Any], expected: dict[str, Any], field: str) -> None:
    """Title, subtitle, description and excerpt equal the expected text after whitespace folding."""
    assert fold_ws(record[field]) == fold_ws(expected[field])


def test_paragraphs_survive(record: dict[str, Any], expected: dict[str, Any]) -> None:
    """The description keeps its paragraph break, as the page showed it."""
    assert record["description"].count("\n\n") == expected["description"].count("\n\n")


def test_marked_truncated(record: dict[str, Any]) -> None:
    """The excerpt was cut off by the page, and the record says so."""
    assert record["truncated"] is True


def test_nothing_invented(record: dict[str, Any]) -> None:
    """The page shows no ISBN, publisher or date, so the record has none (see the notes)."""
    assert (record["isbns"], record["publisher"], record["published"]) == ([], None, None)


@pytest.mark.parametrize(("kind", "text"), sorted(set(REMOVED)), ids=lambda v: str(v)[:30])
def test_removed_text_absent_from_every_field(record: dict[str, Any], kind: str, text: str) -> None:
    """No string the expected file lists as removed appears in any text field of the record."""
    fields = [fold_ws(record.get(f)) for f in RECORD_TEXT]
    fields += [fold_ws(c["name"]) for c in record["contributors"]]
    assert not [f for f in fields if fold_ws(text) in f]


def test_each_removal_is_kept_with_its_rule(record: dict[str, Any]) -> None:
    """Each expected removal is in the record's ``removed`` list under a rule named for its kind."""
    assert {kind for kind, _ in REMOVED} == {"duplicate_heading", "ui_residue", "stray_fragment"}
    kept = [(r["rule"], fold_ws(r["text"])) for r in record["removed"]]
    for kind, text in REMOVED:
        match = [(rule, t) for rule, t in kept if t == fold_ws(text) and rule.startswith(kind)]
        assert match, f"{text!r} not removed under a rule starting with {kind!r}; removed: {kept}"
        kept.remove(match[0])  # the title was cut three times: each cut is its own removal
