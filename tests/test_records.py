"""The Book and Reject models: what a record may hold, and messages a user can act on."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from scraper.records import Book, Contributor, Reject, Source

SOURCE = {"uri": "page.html", "sha256": "0" * 64}


def book(**fields: Any) -> Book:
    return Book.model_validate({"title": "Mort", "source": SOURCE, **fields})


# (fields, the field the error names, words the message must hold)
INVALID = [
    pytest.param({"title": ""}, "title", "must not be empty", id="empty-title"),
    pytest.param({"title": "   \n"}, "title", "must not be empty", id="blank-title"),
    pytest.param({"title": None}, "title", "valid string", id="null-title"),
    pytest.param({"isbns": ["9780575090676"]}, "isbns.0", "not a valid ISBN", id="isbn-checksum"),
    pytest.param({"isbns": ["12345"]}, "isbns.0", "not a valid ISBN", id="isbn-length"),
    pytest.param({"isbns": ["junk"]}, "isbns.0", "not a valid ISBN", id="isbn-junk"),
    pytest.param({"published": "2023-02-30"}, "published", "not a real date", id="impossible-date"),
    pytest.param({"published": "30/01/2020"}, "published", "YYYY, YYYY-MM or YYYY-MM-DD", id="date-format"),
    pytest.param({"published": "0001"}, "published", "outside the years", id="date-range"),
    pytest.param({"language": "German"}, "language", "BCP 47", id="language-name"),
    pytest.param({"pages": 0}, "pages", "greater than or equal to 1", id="zero-pages"),
    pytest.param({"colour": "red"}, "colour", "Extra inputs are not permitted", id="unknown-key"),
    pytest.param({"source": {"uri": "x", "sha256": "nope"}}, "source.sha256", "pattern", id="bad-digest"),
    pytest.param(
        {"contributors": [{"name": "Terry Pratchett", "role": "ghost"}]},
        "contributors.0.role",
        "'author'",
        id="unknown-role",
    ),
]


@pytest.mark.parametrize(("fields", "where", "message"), INVALID)
def test_book_rejects_invalid_values(fields: dict[str, Any], where: str, message: str) -> None:
    """A bad value fails at the boundary, and the error names the field and what to do."""
    with pytest.raises(ValidationError) as info:
        book(**fields)
    errors = info.value.errors()
    assert [".".join(str(p) for p in e["loc"]) for e in errors] == [where]
    assert message in errors[0]["msg"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"isbns": ["0-575-09067-7"]}, {"isbns": ("9780575090675",)}),
        ({"isbns": ["978-0-575-09067-5"]}, {"isbns": ("9780575090675",)}),
        ({"published": "1986"}, {"published": "1986"}),
        ({"published": "1986-10"}, {"published": "1986-10"}),
        ({"published": "2024-02-29"}, {"published": "2024-02-29"}),
        ({"language": "zh-Hant"}, {"language": "zh-Hant"}),
        ({"title": "  Mort  "}, {"title": "Mort"}),
        ({}, {"subtitle": None, "isbns": (), "removed": (), "truncated": False}),
    ],
)
def test_book_normalises_valid_values(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    """Valid values are accepted in the record's form: ISBN-13, trimmed titles, dates as given."""
    record = book(**fields)
    assert {k: getattr(record, k) for k in expected} == expected


def test_book_is_frozen() -> None:
    """A record cannot be changed after validation."""
    record = book()
    with pytest.raises(ValidationError, match="frozen"):
        record.title = "Other"  # type: ignore[misc]


def test_book_round_trips_through_json() -> None:
    """What the CLI writes (``model_dump(mode='json')``) validates back to the same record."""
    record = book(contributors=[Contributor(name="Terry Pratchett")], isbns=["0575090677"], published="1987")
    assert Book.model_validate_json(record.model_dump_json()) == record


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"input": "x.html", "reason": "error_page"}, True),
        ({"input": "x.html", "reason": "parse_failed", "detail": "boom", "source": SOURCE}, True),
        ({"input": "x.html", "reason": "because"}, False),
        ({"input": "x.html"}, False),
        ({"input": "x.html", "reason": "no_book", "extra": 1}, False),
    ],
)
def test_reject_reasons_are_a_closed_set(fields: dict[str, Any], ok: bool) -> None:
    """A reject names one of the documented reasons and nothing else."""
    if ok:
        assert Reject.model_validate(fields).input == "x.html"
    else:
        with pytest.raises(ValidationError):
            Reject.model_validate(fields)


def test_source_needs_a_sha256() -> None:
    """Every record says which bytes it came from."""
    assert Source(uri="a", sha256="a" * 64).sha256 == "a" * 64
