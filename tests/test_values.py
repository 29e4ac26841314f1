"""Value normalizers: ISBNs, dates, person names, languages, as pages print them."""

from __future__ import annotations

import pytest

from scraper.values import clean_person_name, find_isbns, parse_date, parse_language

# (text, valid ISBN-13s, invalid look-alikes)
ISBNS = [
    ("", [], []),
    ("no isbn here", [], []),
    ("123", [], []),
    ("ISBN 0-575-09067-7", ["9780575090675"], []),  # ISBN-10 -> ISBN-13
    ("0575090677", ["9780575090675"], []),
    ("ISBN: 0-8044-2957-X", ["9780804429573"], []),  # X check digit
    ("080442957x", ["9780804429573"], []),
    ("ISBN 978-0-575-09067-5", ["9780575090675"], []),
    ("ISBN 978 0 575 09067 5", ["9780575090675"], []),
    ("979-10-90636-07-1", ["9791090636071"], []),
    ("0-413-60010-6 [978-0-413-60010-3]", ["9780413600103"], []),  # both forms, one book
    ("0-575-09067-8", [], ["0575090678"]),  # bad checksum: dropped, reported
    ("9780575090676", [], ["9780575090676"]),
    ("ISBN 970062429995", [], ["970062429995"]),  # 12 digits
    ("doi 10.1604/9780394558783", [], []),  # a DOI is not an ISBN field
]


@pytest.mark.parametrize(("text", "valid", "invalid"), ISBNS)
def test_find_isbns(text: str, valid: list[str], invalid: list[str]) -> None:
    """Valid ISBN-10s and -13s come out as ISBN-13; checksum failures are dropped and reported."""
    assert find_isbns(text) == (valid, invalid)


# (raw, ISO date as precise as the text)
DATES = [
    ("", None),
    ("no date here", None),
    ("n.d.", None),
    ("12", None),
    ("2020", "2020"),
    ("2020-01", "2020-01"),
    ("2020-01-30", "2020-01-30"),
    ("2019-5", "2019-05"),
    ("1986-10-00", "1986-10"),
    ("2023-02-30", "2023-02"),  # no such day: keep what is real
    ("2016-13-01", "2016"),  # no such month
    ("30 Jan. 2020", "2020-01-30"),
    ("January 1, 1981", "1981-01-01"),
    ("March 2001", "2001-03"),
    ("1. Juli 1974", "1974-07-01"),
    ("Juni 2024", "2024-06"),
    ("15 mars 2010", "2010-03-15"),
    ("3 de abril de 2015", "2015-04-03"),
    ("[2023]", "2023"),
    ("c1999", "1999"),
    ("Hamburg : Carlsen, 2009", "2009"),
    ("1999年5月", "1999-05"),
    ("1999年5月3日", "1999-05-03"),
    # numbers only: dots put the day first; a number past 12 is the day; else only the year is sure
    ("24.10.2022", "2022-10-24"),
    ("1.7.1974", "1974-07-01"),
    ("10/24/2022", "2022-10-24"),
    ("24/10/2022", "2022-10-24"),
    ("24-10-2022", "2022-10-24"),
    ("10/04/2022", "2022"),
    ("2026/02/03", "2026-02-03"),
    ("2026.02.03", "2026-02-03"),
    ("31.02.2022", "2022"),  # no such day
    ("10.24.2022", "2022"),  # dots are day first: no month 24
    # Bugs caught (review): a numeric date inside a value was left to dateutil, which reads
    # month first; the same number twice is no ambiguity
    ("05.06.2007 Taschenbuch", "2007-06-05"),
    ("Erscheinungsdatum: 01.02.2022", "2022-02-01"),
    ("05/05/2007", "2007-05-05"),
]

# Bugs caught: years no printed book can have once passed as dates, and the
# Book validator then rejected the whole page instead of dropping the date.
DATES_BUGS_CAUGHT = [pytest.param(raw, None) for raw in ["0001", "1234", "0001-01-01"]]


@pytest.mark.parametrize(("raw", "expected"), DATES + DATES_BUGS_CAUGHT)
def test_parse_date_precision(raw: str, expected: str | None) -> None:
    """A date is as precise as the page gave it: year, year-month, or full date; junk is None."""
    assert parse_date(raw) == expected


# (raw, display name)
NAMES = [
    ("", None),
    ("   ", None),
    ("Unknown", None),
    ("Search results", None),
    ("12345", None),
    ("http://example.org/author", None),
    ("Tolkien, J. R. R. (John Ronald Reuel), 1892-1973", "J. R. R. Tolkien"),
    ("Thorne, Margaret Ellery, 1892-1973", "Margaret Ellery Thorne"),
    ("Pratchett, Terry, 1948-2015", "Terry Pratchett"),
    ("Alastair Reynolds (Author)", "Alastair Reynolds"),
    ("Jane Austen (Editor)", "Jane Austen"),
    ("by Terry Pratchett", "Terry Pratchett"),
    ("Lüscher, Max", "Max Lüscher"),
    ("García Márquez, Gabriel", "Gabriel García Márquez"),
    ("Le Guin, Ursula K.", "Ursula K. Le Guin"),
    ("hermann-hesse", "Hermann Hesse"),
    ("[英] 菲利普·高夫", "菲利普·高夫"),
    # a yes/no field's answer under a role label ("Illustrations: Non")
    ("Non", None),
    ("Nee", None),
    ("Nonna Bannister", "Nonna Bannister"),
    # a surname printed first in capitals (antiquarian and library catalogs)
    ("BELLANDI Caterina", "Caterina Bellandi"),
    ("DE LUCA Erri", "Erri De Luca"),
    ("O'BRIEN Flann", "Flann O'Brien"),
    ("SAINT-EXUPÉRY Antoine de", "Antoine de Saint-Exupéry"),
    # capitals that are initials, or a name all in capitals, keep their order
    ("JRR Tolkien", "JRR Tolkien"),
    ("CS Lewis", "CS Lewis"),
    ("VICTOR HUGO", "VICTOR HUGO"),
    ("Victor HUGO", "Victor HUGO"),
    ("BY Terry Pratchett", "Terry Pratchett"),
    # corporate authors and names already in order
    ("IBM Redbooks", "IBM Redbooks"),
    ("OECD Publishing", "OECD Publishing"),
    ("LEGO Group", "LEGO Group"),
    ("NASA Team", "NASA Team"),
    ("THE Beatles", "THE Beatles"),
    ("HAN Kang", "HAN Kang"),
]

# Bug caught: the particle of an inverted name was once stripped as a "by" prefix.
NAMES_BUGS_CAUGHT = [
    pytest.param("von Goethe, Johann Wolfgang", "Johann Wolfgang von Goethe"),
    # a living author's open range of life dates (MARC 100 $d) lost its dash to the strip
    # and left a bare year, and the name was refused for its digits
    pytest.param("Rothfuss, Patrick, 1973-", "Patrick Rothfuss", id="open-life-dates"),
    pytest.param("Rothfuss, Patrick, 1973- (Author)", "Patrick Rothfuss", id="open-life-dates-and-role"),
    # RDA's relator term after the heading: the name came out as "Margaret, author. Atwood"
    pytest.param("Atwood, Margaret, author.", "Margaret Atwood", id="rda-relator"),
    pytest.param("Atwood, Margaret, 1939-, author.", "Margaret Atwood", id="open-life-dates-rda-relator"),
    pytest.param("Rothfuss, Patrick, 1973- author.", "Patrick Rothfuss", id="open-life-dates-rda-relator-no-comma"),
    # (review) a relator with no full stop after it
    pytest.param("Rothfuss, Patrick, 1973- author", "Patrick Rothfuss", id="relator-without-stop"),
    pytest.param("Christie, Agatha, 1890-1976, author", "Agatha Christie", id="closed-dates-relator-without-stop"),
    # (second QA pass) a credit's words before the name, and a detail row's count taken for a name
    pytest.param("Edited by Laura Méndez", "Laura Méndez", id="edited-by"),
    pytest.param("Narrated by Dominic Hale", "Dominic Hale", id="narrated-by"),
    pytest.param("6 maps", None, id="a-count-is-no-name"),
]


@pytest.mark.parametrize(("raw", "expected"), NAMES + NAMES_BUGS_CAUGHT)
def test_clean_person_name(raw: str, expected: str | None) -> None:
    """Names come out in display order without roles, life dates or fuller forms; junk is None."""
    assert clean_person_name(raw) == expected


# (raw, primary language subtag)
LANGUAGES = [
    ("", None),
    ("Klingon", None),
    ("42", None),
    ("ohne Angabe", None),
    ("English", "en"),
    ("Deutsch", "de"),
    ("français", "fr"),
    ("Español", "es"),
    ("fr", "fr"),
    ("nl-NL", "nl"),
    ("en-GB", "en"),
    ("zh_CN", "zh"),
    ("eng", "en"),
    ("ger", "de"),
    ("German; English", "de"),
    ("English, Russian", "en"),
]

# Bug caught: upper-case codes were once not recognised.
LANGUAGES_BUGS_CAUGHT = [pytest.param(raw, code) for raw, code in [("EN", "en"), ("DE-de", "de")]]


@pytest.mark.parametrize(("raw", "expected"), LANGUAGES + LANGUAGES_BUGS_CAUGHT)
def test_parse_language(raw: str, expected: str | None) -> None:
    """Language names in the page's own language and codes of any form give a BCP 47 primary tag."""
    assert parse_language(raw) == expected


IMPRINTS = [
    ("Gollancz (30 Jan. 2020)", ("Gollancz", "30 Jan. 2020")),
    ("Hamburg : Carlsen, 2009", ("Carlsen", "2009")),
    ("Penguin, 2019", ("Penguin", "2019")),
    # a name with commas: the year still ends it, the rest stays whole
    ("Little, Brown and Company, 1990", ("Little, Brown and Company", "1990")),
    ("Alfred A. Knopf, New York, 1987", ("Alfred A. Knopf, New York", "1987")),
    ("Little, Brown and Company, [c1990].", ("Little, Brown and Company", "c1990")),
    ("Little, Brown and Company", ("Little, Brown and Company", None)),
    # (review) a place before it, and a copyright year after the edition's
    ("New York : Little, Brown and Company, 1990", ("Little, Brown and Company", "1990")),
    ("Little, Brown and Company, 1990, c1989", ("Little, Brown and Company", "1990")),
    # empty and junk
    ("", (None, None)),
    (" , ; ", (None, None)),
]


@pytest.mark.parametrize(("raw", "expected"), IMPRINTS)
def test_split_publisher_imprint(raw: str, expected: tuple[str | None, str | None]) -> None:
    from scraper.values import split_publisher_imprint

    assert split_publisher_imprint(raw) == expected
