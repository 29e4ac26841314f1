"""Value normalizers: names, dates, ISBNs, languages, page counts, publishers.

Each takes one raw value as a page prints it and returns the record's form of
it, or None when the value is not one (a processor that does not understand
its input passes nothing on, rather than guessing).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from dateutil import parser as date_parser
from stdnum import isbn as stdnum_isbn

from normalizers.text import fold
from scraper.records import check_iso_date

__all__ = [
    "FIRM_WORD",
    "clean_person_name",
    "find_isbns",
    "is_sentence",
    "parse_date",
    "parse_language",
    "parse_pages",
    "split_publisher_imprint",
]

# --- people ------------------------------------------------------------------

_ROLE_SUFFIX = re.compile(
    r"\s*[(\[]\s*(author|autor|auteur|auteure|writer|editor|herausgeber|hrsg\.?|translator|übersetzer|"
    r"traducteur|traductor|illustrator|illustrateur|ilustrador|contributor|narrator|foreword|introduction|"
    r"afterword|verfasser|作者|著|译|譯|编|編)[^)\]]*[)\]]\s*",
    re.I,
)
# A trailing relator term: "(Author)", or RDA's ", author." after a library heading.
_RELATORS = ("author", "autor", "auteur", "editor", "translator", "illustrator")
_ROLE_WORD = re.compile(rf"\s*[,(]?\s*\b({'|'.join(_RELATORS)})\.?\)?\s*$", re.I)
_LIFE_DATES = re.compile(
    r",?\s*\(?\b(?:ca\.\s*)?\d{3,4}\s*[-–]\s*(?:\d{3,4})?\)?\.?\s*$|,?\s*\b(?:born|b\.|geb\.)\s*\d{4}\.?$"
)
# How a library heading's dates or RDA relator end: "1973-", "1892-1973", "author.".
_HEADING_ENDS = frozenset("0123456789-–.)")
_FULLER_FORM = re.compile(r"\s*\([^)]*\)")
_NATIONALITY = re.compile(r"^\s*[\[【(（〔][^\]】)）〕]{1,4}[\]】)）〕]\s*")  # "[英] 菲利普·高夫"
_BY_PREFIX = re.compile(
    r"^((?:edited|translated|illustrated|written|compiled|introduced|narrated|read)\s+by|by|von|de|door|por|par|di|od)\s+",
    re.I,
)


def clean_person_name(raw: str) -> str | None:
    """A person's name in display order, without roles, dates or fuller forms.

    >>> clean_person_name("Tolkien, J. R. R. (John Ronald Reuel), 1892-1973")
    'J. R. R. Tolkien'
    >>> clean_person_name("Rothfuss, Patrick, 1973-")
    'Patrick Rothfuss'
    >>> clean_person_name("Edited by Laura Méndez"), clean_person_name("6 maps")
    ('Laura Méndez', None)
    >>> clean_person_name("Alastair Reynolds (Author)")
    'Alastair Reynolds'
    >>> clean_person_name("[英] 菲利普·高夫")
    '菲利普·高夫'
    >>> clean_person_name("Lüscher, Max")
    'Max Lüscher'
    >>> clean_person_name("hermann-hesse")
    'Hermann Hesse'
    >>> clean_person_name("") is None, clean_person_name("Search results") is None, clean_person_name("Leo.🐯👍") is None
    (True, True, True)
    """
    # The relator term and the life dates go first, in that order (RDA prints
    # "Rothfuss, Patrick, 1973- author."): a living author's open range would lose
    # its dash to the strip and leave a bare year behind.
    name = _ROLE_SUFFIX.sub(" ", raw).rstrip()
    if name[-1:] in _HEADING_ENDS or name[-12:].lower().endswith(_RELATORS):  # (else no pattern to run)
        name = _LIFE_DATES.sub("", _ROLE_WORD.sub("", name).rstrip(" ,;"))
    name = name.strip(" •·*-–—|,;")
    name = _NATIONALITY.sub("", name)
    # "von Goethe, Johann Wolfgang", "DE LUCA Erri": there the word is the name's own particle
    if "," not in name and _surname_last(name) == name:
        name = _BY_PREFIX.sub("", name)
    name = _LIFE_DATES.sub("", name).strip()
    name = _FULLER_FORM.sub("", name).strip()
    name = _ROLE_WORD.sub("", name).strip(" ,;/")
    if "," in name:
        last, _, first = name.partition(",")
        if first.strip() and len(last.split()) <= 3 and not re.search(r"\d", first):
            name = f"{first.strip()} {last.strip()}"
    if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", name):  # URL slugs: "hermann-hesse"
        name = " ".join(part.capitalize() for part in name.split("-"))
    name = _surname_last(" ".join(name.split()))
    if (
        not name or len(name) > 80 or len(name.split()) > 6 or re.search(r"\d|https?:|@", name)
    ):  # (a name has no digit once its dates are gone: "6 maps")
        return None
    # Names hold lower-case particles ("van", "de"), and at most one other lower-case word.
    if is_sentence(name):
        return None
    if fold(name) in _NOT_NAMES:
        return None
    if any(unicodedata.category(c) in _SYMBOLS for c in name):
        return None  # "Leo.🐯👍": a user name with emoji, a reviewer's handle, not an author
    return name


_SYMBOLS = frozenset({"So", "Sm", "Sk", "Cs", "Co"})
# A word that names a firm: "Suhrkamp Verlag", "Meridian University Press", "OECD Publishing".
FIRM_WORD = re.compile(
    r"\b(?:verlag|press|publishing|publishers?|books|editions?|éditions|editorial|uitgeverij|ltd|gmbh|inc)\b", re.I
)
_VOWELS = frozenset("AEIOUYÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØÙÚÛÜÝ")
# Words after a capitals word that make it an organisation's acronym ("LEGO
# Group", and any firm word: "OECD Publishing") or a name in order with its
# suffix ("KING Jr.").
_NOT_GIVEN_NAMES = frozenset(
    {
        "publications", "redbooks", "group", "society", "team", "staff", "llc", "foundation",
        "institute", "association", "council", "committee", "university", "media", "company", "co",
        "corporation", "jr", "sr", "et", "al", "ii", "iii", "iv",
    }
)  # fmt: skip


def _surname_last(name: str) -> str:
    """A name printed surname first in capitals, put in display order.

    Antiquarian and library catalogs (Italian and French ones above all) print
    "BELLANDI Caterina", "DE LUCA Erri": the capitals mark the surname. A
    capitals word counts as a surname only with four or more letters and two
    vowels, so initials ("JRR Tolkien") and short acronyms ("IBM") stay as
    they are.

    >>> _surname_last("BELLANDI Caterina"), _surname_last("DE LUCA Erri"), _surname_last("SAINT-EXUPÉRY Antoine de")
    ('Caterina Bellandi', 'Erri De Luca', 'Antoine de Saint-Exupéry')
    >>> _surname_last("JRR Tolkien"), _surname_last("CS Lewis"), _surname_last("VICTOR HUGO"), _surname_last("Victor HUGO")
    ('JRR Tolkien', 'CS Lewis', 'VICTOR HUGO', 'Victor HUGO')

    An acronym, a name in order with a suffix, and a short (often East Asian)
    surname printed first as it should be are left alone:

    >>> _surname_last("OECD Publishing"), _surname_last("MARTIN LUTHER KING Jr."), _surname_last("HAN Kang")
    ('OECD Publishing', 'MARTIN LUTHER KING Jr.', 'HAN Kang')
    """
    words = name.split()
    caps = 0
    while caps < len(words) and words[caps].isupper():
        caps += 1
    if (
        not 0 < caps < len(words)
        or not any(sum(c.isalpha() for c in w) >= 4 and sum(c in _VOWELS for c in w) >= 2 for w in words[:caps])
        or any(fold(w) in _NOT_GIVEN_NAMES for w in words[caps:])
        or FIRM_WORD.search(" ".join(words[caps:]))
    ):
        return name
    surname = [w.title() for w in words[:caps]]  # "O'BRIEN" -> "O'Brien", "SAINT-EXUPÉRY" -> "Saint-Exupéry"
    return " ".join(words[caps:] + surname)


_PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "der",
        "den",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "y",
        "e",
        "ten",
        "ter",
        "bin",
        "al",
        "zu",
        "dos",
        "das",
    }
)

_CONJUNCTIONS = frozenset({"and", "und", "et", "en", "i"})


def is_sentence(names: str) -> bool:
    """True when a byline's "names" read as prose: several lower-case words that are no name particles.

    >>> is_sentence("signing up, you agree to our Privacy Policy"), is_sentence("Ludwig van Beethoven and hermann-hesse")
    (True, False)
    """
    words = re.findall(r"[^\W\d_][\w'-]*", names)
    lower = [w for w in words if w[0].islower() and w not in _PARTICLES and w not in _CONJUNCTIONS]
    return len(lower) >= 2


# Strings that sit where a name should be when a widget failed (Zotero #1527).
_NOT_NAMES = frozenset(
    {
        "search results",
        "unknown",
        "anonymous author",
        "various",
        "n a",
        "none",
        "more",
        "author",
        "authors",
        "visit amazon s author page",
        "follow",
        # A yes/no field's answer ("Illustraties: Nee", "Illustrations: Non"): no one's name.
        "yes",
        "no",
        "oui",
        "non",
        "ja",
        "nein",
        "nee",
        "sí",
    }
)


# --- ISBNs ---------------------------------------------------------------------

_ISBN_CANDIDATE = re.compile(r"(?<![\d/.])(97[89][\d\- ]{10,14}[\dX]|\d[\d\- ]{8,11}[\dXx])(?![\d])")


def find_isbns(text: str) -> tuple[list[str], list[str]]:
    """Valid ISBNs in ``text`` as ISBN-13, and the invalid look-alikes (for reporting).

    Only number shapes an ISBN can take are tried; a DOI such as
    ``10.1604/9780394558783`` is not an ISBN field, and the caller decides
    which text is an ISBN field at all.

    >>> find_isbns("0-413-60010-6 [978-0-413-60010-3]")
    (['9780413600103'], [])
    >>> find_isbns("ISBN 970062429995")
    ([], ['970062429995'])
    """
    valid, invalid = _find_isbns(text)
    return list(valid), list(invalid)


@functools.lru_cache(maxsize=4096)
def _find_isbns(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Cached: a page gives the same ISBN in its JSON-LD, its meta tags and its
    # details table, and checking one costs several passes of python-stdnum.
    valid: list[str] = []
    invalid: list[str] = []
    for match in _ISBN_CANDIDATE.finditer(text):
        compact = stdnum_isbn.compact(match.group(1))
        if len(compact) not in (10, 13):
            if len(compact) in (11, 12):
                invalid.append(compact)
            continue
        if stdnum_isbn.is_valid(compact):
            isbn13 = str(stdnum_isbn.to_isbn13(compact))
            if isbn13 not in valid:
                valid.append(isbn13)
        else:
            invalid.append(compact)
    return tuple(valid), tuple(invalid)


# --- dates -----------------------------------------------------------------------


class _MultilingualDates(date_parser.parserinfo):
    # dateutil knows English month names; catalog pages print them in our
    # other languages too. Abbreviations with a trailing dot are handled by
    # stripping dots before parsing.
    # dateutil accepts any number of names per month; its stubs say two or three.
    MONTHS: list[tuple[str, ...]] = [  # type: ignore[assignment]  # noqa: RUF012 - dateutil reads it
        ("Jan", "January", "Januar", "Jänner", "janvier", "janv", "enero", "ene", "januari"),
        ("Feb", "February", "Februar", "février", "févr", "fevrier", "febrero", "februari"),
        ("Mar", "March", "März", "Maerz", "mars", "marzo", "maart", "mrt"),
        ("Apr", "April", "avril", "avr", "abril", "abr"),
        ("May", "Mai", "mayo", "mei"),
        ("Jun", "June", "Juni", "juin", "junio"),
        ("Jul", "July", "Juli", "juillet", "juil", "julio"),
        ("Aug", "August", "août", "aout", "agosto", "ago", "augustus"),
        ("Sep", "Sept", "September", "septembre", "septiembre", "sept", "set"),
        ("Oct", "October", "Oktober", "Okt", "octobre", "octubre", "oktober"),
        ("Nov", "November", "novembre", "noviembre"),
        ("Dec", "December", "Dezember", "Dez", "décembre", "déc", "diciembre", "dic"),
    ]
    JUMP = [*date_parser.parserinfo.JUMP, "de", "del", "le", "der", "den"]  # noqa: RUF012


_DATE_INFO = _MultilingualDates()
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_YEAR = re.compile(r"(?<!\d)(1[4-9]\d\d|20\d\d)(?!\d)")
_CJK_DATE = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})?\s*月?(?:\s*(\d{1,2})\s*日?)?")
_EPOCH_MS = re.compile(r"^\d{12,13}$")
# A date in numbers only, the whole value or inside it: day (or month) first, or year first.
_NUMERIC_DATE = re.compile(
    r"(?<![\d./-])(?:(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})"
    r"|(?P<y>\d{4})(?P<ysep>[./])(?P<m>\d{1,2})(?P=ysep)(?P<d>\d{1,2}))(?![\d./-])"
)


def _numeric_date(text: str) -> str | None:
    """The date written in numbers only in ``text``, as precise as its order can be told.

    Year first is always year-month-day. Dots put the day first (German, Dutch,
    French...); with slashes or dashes a number past 12 is the day, and where
    both could be months ("10/04/2022": 4 October or 10 April) only the year is sure.

    >>> [_numeric_date(s) for s in ["24.10.2022", "10/24/2022", "24/10/2022", "10/04/2022", "05/05/2007", "2022/10/24"]]
    ['2022-10-24', '2022-10-24', '2022-10-24', '2022', '2007-05-05', '2022-10-24']
    >>> _numeric_date("05.06.2007 Taschenbuch"), _numeric_date("ISBN 978-3-16-148410-0")
    ('2007-06-05', None)
    """
    found = _NUMERIC_DATE.search(text)
    if found is None:
        return None
    if found["y"]:
        year, month, day = found["y"], int(found["m"]), int(found["d"])
        return _valid(f"{year}-{month:02d}-{day:02d}") or year
    first, second, year = int(found["a"]), int(found["b"]), found["year"]
    if found["sep"] == "." or first > 12 or first == second:
        day, month = first, second
    elif second > 12:
        month, day = first, second
    else:
        return year
    return _valid(f"{year}-{month:02d}-{day:02d}") or year


def parse_date(raw: str) -> str | None:
    """An ISO 8601 date as precise as ``raw`` is: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    >>> [parse_date(s) for s in ["30 Jan. 2020", "1. Juli 1974", "Juni 2024", "[2023]",
    ...  "1986-10-00", "2016-08-02", "January 1, 1981", "2019-5", "1999年5月", "Hamburg : Carlsen, 2009"]]
    ['2020-01-30', '1974-07-01', '2024-06', '2023', '1986-10', '2016-08-02', '1981-01-01', '2019-05', '1999-05', '2009']
    >>> parse_date("no date here") is None, parse_date("") is None
    (True, True)
    """
    found = _parse_date_raw(raw)
    if found is None:
        return None
    try:
        return check_iso_date(found)  # a real date, in the years a printed book can have
    except ValueError:
        return None


def _parse_date_raw(raw: str) -> str | None:
    text = raw.strip()
    if not text:
        return None
    if _EPOCH_MS.match(text):
        return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.UTC).date().isoformat()
    iso = _ISO.match(text)
    if iso and text[len(iso.group(0)) : len(iso.group(0)) + 1] in ("T", " ", ""):
        year, month, day = iso.group(1), iso.group(2), iso.group(3)
        if month and 1 <= int(month) <= 12:
            if day and 1 <= int(day) <= 31:
                return _valid(f"{year}-{int(month):02d}-{int(day):02d}") or f"{year}-{int(month):02d}"
            return f"{year}-{int(month):02d}"
        return year
    numeric = _numeric_date(text) if "." in text or "/" in text or "-" in text else None
    if numeric is not None:  # the whole value, or inside it: "05.06.2007 Taschenbuch"
        return numeric
    cjk = _CJK_DATE.search(text)
    if cjk and ("年" in text or "月" in text):
        year, month, day = cjk.groups()
        if month and day:
            return _valid(f"{year}-{int(month):02d}-{int(day):02d}")
        return f"{year}-{int(month):02d}" if month else year
    years = _YEAR.findall(text)
    if not years:
        return None
    cleaned = re.sub(r"(?<=[A-Za-zé])\.", "", text).replace("[", " ").replace("]", " ")
    if any(c.isalpha() for c in cleaned):
        parsed = _parse_with_precision(cleaned)
        if parsed:
            return parsed
    return str(years[0])


def _valid(iso: str) -> str | None:
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        return None
    return iso


@functools.lru_cache(maxsize=4096)
def _parse_with_precision(text: str) -> str | None:
    # Parse twice with different defaults: a component that changes with the
    # default was not in the text, so the date is only that precise. (Cached:
    # dateutil takes some 60 microseconds a parse, and a page prints its date
    # in several places, which several readers try.)
    try:
        a = date_parser.parse(text, parserinfo=_DATE_INFO, fuzzy=True, default=dt.datetime(1, 1, 1))
        b = date_parser.parse(text, parserinfo=_DATE_INFO, fuzzy=True, default=dt.datetime(2, 2, 2))
    except (ValueError, OverflowError):
        return None
    if a.year != b.year:
        return None
    if a.month != b.month:
        return f"{a.year:04d}"
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}"
    return f"{a.year:04d}-{a.month:02d}-{a.day:02d}"


# --- languages -------------------------------------------------------------------

_LANGUAGE_NAMES: dict[str, str] = {
    # Language names as catalog pages print them, in the page's own language.
    **dict.fromkeys(
        (
            "english",
            "englisch",
            "anglais",
            "inglés",
            "ingles",
            "engels",
            "inglese",
            "angielski",
            "英语",
            "英文",
            "英語",
            "eng",
        ),
        "en",
    ),
    **dict.fromkeys(
        (
            "german",
            "deutsch",
            "allemand",
            "alemán",
            "aleman",
            "duits",
            "tedesco",
            "niemiecki",
            "德语",
            "德文",
            "ger",
            "deu",
        ),
        "de",
    ),
    **dict.fromkeys(
        (
            "french",
            "französisch",
            "français",
            "francais",
            "francés",
            "frans",
            "francese",
            "francuski",
            "法语",
            "法文",
            "fre",
            "fra",
        ),
        "fr",
    ),
    **dict.fromkeys(
        (
            "spanish",
            "spanisch",
            "espagnol",
            "español",
            "espanol",
            "castellano",
            "spaans",
            "spagnolo",
            "hiszpański",
            "西班牙语",
            "spa",
        ),
        "es",
    ),
    **dict.fromkeys(
        (
            "dutch",
            "niederländisch",
            "néerlandais",
            "neerlandais",
            "neerlandés",
            "nederlands",
            "vlaams",
            "olandese",
            "holenderski",
            "荷兰语",
            "dut",
            "nld",
        ),
        "nl",
    ),
    **dict.fromkeys(
        (
            "chinese",
            "chinesisch",
            "chinois",
            "chino",
            "chinees",
            "中文",
            "汉语",
            "漢語",
            "简体中文",
            "繁體中文",
            "繁体中文",
            "chi",
            "zho",
        ),
        "zh",
    ),
    **dict.fromkeys(("polish", "polnisch", "polonais", "polaco", "pools", "polski", "波兰语", "pol"), "pl"),
    **dict.fromkeys(("italian", "italienisch", "italien", "italiano", "italiaans", "意大利语", "ita"), "it"),
    **dict.fromkeys(("russian", "russisch", "russe", "ruso", "russisch", "русский", "俄语", "rus"), "ru"),
    **dict.fromkeys(("japanese", "japanisch", "japonais", "japonés", "japans", "日语", "日本語", "jpn"), "ja"),
    **dict.fromkeys(("portuguese", "portugiesisch", "portugais", "portugués", "portugees", "português", "por"), "pt"),
}
_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*$")
_ISO3_TO_1 = {
    "eng": "en",
    "ger": "de",
    "deu": "de",
    "fre": "fr",
    "fra": "fr",
    "spa": "es",
    "dut": "nl",
    "nld": "nl",
    "chi": "zh",
    "zho": "zh",
    "pol": "pl",
    "ita": "it",
    "rus": "ru",
    "jpn": "ja",
    "por": "pt",
}


def parse_language(raw: str) -> str | None:
    """A BCP 47 primary tag from a language name or code as a page prints it.

    >>> [parse_language(s) for s in ["English", "Deutsch", "nl-NL", "zh_CN", "eng", "English, Russian", "ohne Angabe"]]
    ['en', 'de', 'nl', 'zh', 'en', 'en', None]
    """
    text = raw.strip()
    if not text:
        return None
    first = re.split(r"[,;/|]| und | and | et | y | en ", text)[0].strip()
    key = first.casefold()
    if key in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[key]
    match = _TAG.match(first) or _TAG.match(first.lower())
    if match:
        code = match.group(1).lower()
        return _ISO3_TO_1.get(code, code if len(code) == 2 else None)
    return None


# --- pages, publishers --------------------------------------------------------------

_PAGES = re.compile(
    r"(\d[\d.,]*)\s*(?:pages|page|p\.|pp\.|seiten|s\.|pagina's|paginas|páginas|pages?|页|頁|stron)", re.I
)


def parse_pages(raw: str) -> int | None:
    """A page count from "608 pages", "352 Seiten", "240" (a bare number under a pages label).

    >>> parse_pages("Hardcover: 608 pages"), parse_pages("240"), parse_pages("xii, 352 p."), parse_pages("n/a")
    (608, 240, 352, None)
    """
    match = _PAGES.search(raw)
    digits = match.group(1) if match else (raw.strip() if re.fullmatch(r"\s*\d{1,5}\s*", raw) else "")
    digits = re.sub(r"[.,]", "", digits)
    if not digits:
        return None
    count = int(digits)
    return count if 1 <= count <= 100_000 else None


_IMPRINT = re.compile(r"^\s*(?:[^:;]{2,40}?\s*:\s*)?(?P<pub>[^,:;()\[\]]+?)\s*(?:,\s*\[?(?P<year>c?\d{4})\]?)?\.?\s*$")
_TRAILING_DETAILS = re.compile(r"\s*[;(].*$")
_FIRST_YEAR = re.compile(r",\s*\[?(c?\d{4})\]?\.?(?=\s*(?:,|$))")
_LEADING_PLACE = re.compile(r"^[^:;,]{2,40}?\s+:\s+")


def split_publisher_imprint(raw: str) -> tuple[str | None, str | None]:
    """Publisher and date from "Gollancz (30 Jan. 2020)" or an imprint "Hamburg : Carlsen, 2009".

    >>> split_publisher_imprint("Gollancz (30 Jan. 2020)")
    ('Gollancz', '30 Jan. 2020')
    >>> split_publisher_imprint("Hamburg : Carlsen , 2009")
    ('Carlsen', '2009')
    >>> split_publisher_imprint("Suhrkamp Verlag; 74. Edition (1. Juli 1974)")
    ('Suhrkamp Verlag', '1. Juli 1974')
    >>> split_publisher_imprint("Penguin")
    ('Penguin', None)
    >>> split_publisher_imprint("Little, Brown and Company, 1990")
    ('Little, Brown and Company', '1990')
    """
    text = raw.strip()
    date = None
    paren = re.search(r"\(([^()]*\d{4}[^()]*)\)\s*$", text)
    if paren:
        date = paren.group(1)
        text = text[: paren.start()]
    text = _TRAILING_DETAILS.sub("", text).strip()
    imprint = _IMPRINT.match(text)
    publisher = text
    if imprint:
        publisher = imprint.group("pub").strip()
        date = date or imprint.group("year")
    else:
        # A name with commas ("Little, Brown and Company, 1990"; "Alfred A. Knopf, New York,
        # 1987"): the year still ends it, and the rest stays whole (a comma may be the name's).
        text = _LEADING_PLACE.sub("", text)  # "New York : Little, Brown and Company, 1990"
        year = _FIRST_YEAR.search(text)  # ("..., 1990, c1989": the edition's year comes first)
        if year:
            publisher = text[: year.start()]
            date = date or year.group(1)
    publisher = publisher.strip(" ,.:;")
    return (publisher or None), date
