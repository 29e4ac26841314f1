"""VALIDATE: the Book record, the Reject record, and their field types.

A Book is frozen and forbids unknown keys: what leaves the pipeline is exactly
what the JSON Schema (``catalog-scraper schema``) says. Each field type is an
``Annotated`` alias whose validator raises ``ValueError`` with a message a user
can act on, so a bad value fails at the boundary and names itself.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from stdnum import isbn as stdnum_isbn

__all__ = [
    "Book",
    "Contributor",
    "Isbn13",
    "IsoDate",
    "LanguageTag",
    "Provenance",
    "Reject",
    "Removal",
    "Role",
    "Source",
]


def check_isbn13(value: str) -> str:
    """Accept an ISBN-10 or ISBN-13 with a valid checksum; return it as ISBN-13.

    >>> check_isbn13("0-575-09067-7")
    '9780575090675'
    >>> check_isbn13("9780575090676")
    Traceback (most recent call last):
    ...
    ValueError: '9780575090676' is not a valid ISBN (checksum or length is wrong)
    """
    compact = stdnum_isbn.compact(value)
    if not stdnum_isbn.is_valid(compact):
        raise ValueError(f"{value!r} is not a valid ISBN (checksum or length is wrong)")
    return str(stdnum_isbn.to_isbn13(compact))


_ISO_DATE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


def check_iso_date(value: str) -> str:
    """A date as precise as the page gave it: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    >>> check_iso_date("1986-10")
    '1986-10'
    >>> check_iso_date("2023-02-30")
    Traceback (most recent call last):
    ...
    ValueError: '2023-02-30' is not a real date (use YYYY, YYYY-MM or YYYY-MM-DD)
    """
    import datetime as dt

    match = _ISO_DATE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not an ISO 8601 date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(match["y"])
    month = int(match["m"] or 1)
    day = int(match["d"] or 1)
    try:
        dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date (use YYYY, YYYY-MM or YYYY-MM-DD)") from None
    if not 1400 <= year <= dt.date.today().year + 2:
        raise ValueError(f"{value!r} is outside the years a printed book can have")
    return value


_BCP47 = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def check_language(value: str) -> str:
    """A BCP 47 tag such as ``en`` or ``zh-Hant``.

    >>> check_language("de")
    'de'
    >>> check_language("German")
    Traceback (most recent call last):
    ...
    ValueError: 'German' is not a BCP 47 language tag such as 'en' or 'pt-BR'
    """
    if not _BCP47.match(value):
        raise ValueError(f"{value!r} is not a BCP 47 language tag such as 'en' or 'pt-BR'")
    return value


def check_not_blank(value: str) -> str:
    """Titles and names must hold some text once whitespace is gone."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


Isbn13 = Annotated[str, AfterValidator(check_isbn13)]
IsoDate = Annotated[str, AfterValidator(check_iso_date)]
LanguageTag = Annotated[str, AfterValidator(check_language)]
NonBlank = Annotated[str, AfterValidator(check_not_blank)]
Role = Literal["author", "editor", "translator", "illustrator", "contributor"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Contributor(BaseModel):
    """A person credited on the page, name in display order ("First Last")."""

    model_config = _FROZEN
    name: NonBlank
    role: Role = "author"


class Removal(BaseModel):
    """One block of text the cleaner cut, with the rule that cut it."""

    model_config = _FROZEN
    rule: str
    text: str


class Source(BaseModel):
    """Where the record came from: the input's URI and the sha256 of its bytes."""

    model_config = _FROZEN
    uri: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Provenance(BaseModel):
    """Why a field holds what it holds: the chosen value's source and the rejected ones."""

    model_config = _FROZEN
    field: str
    chosen: str
    source: str
    rejected: tuple[tuple[str, str], ...] = ()


class Book(BaseModel):
    """A clean, validated book record."""

    model_config = _FROZEN
    title: NonBlank
    subtitle: str | None = None
    contributors: tuple[Contributor, ...] = ()
    isbns: tuple[Isbn13, ...] = ()
    publisher: str | None = None
    published: IsoDate | None = None
    language: LanguageTag | None = None
    pages: int | None = Field(default=None, ge=1, le=100_000)
    description: str | None = None
    excerpt: str | None = None
    truncated: bool = False
    subjects: tuple[str, ...] = ()
    series: str | None = None
    format: str | None = None  # binding or medium as shown: "Paperback", "Gebundene Ausgabe", "EPUB"
    edition: str | None = None  # the edition statement as shown: "2nd edition", "Deutsche Erstausgabe"
    original_title: str | None = None  # the title of the work in its original language, when shown
    url: str | None = None
    source: Source
    removed: tuple[Removal, ...] = ()
    provenance: tuple[Provenance, ...] = ()


RejectReason = Literal[
    "no_book",
    "error_page",
    "not_a_detail_page",
    "no_title",
    "invalid_record",
    "unreadable",
    "empty_input",
    "parse_failed",
    "parse_timeout",
    "worker_crashed",
]


class Reject(BaseModel):
    """An input that did not become a Book, and why. Every input ends as one or the other."""

    model_config = _FROZEN
    source: Source | None = None
    input: str
    reason: RejectReason
    detail: str = ""
    removed: tuple[Removal, ...] = ()
