"""Field labels as catalog pages print them, in the languages we read.

Keys are folded labels (see :func:`normalizers.text.fold`); values name the
field. A label is how a page tells a reader what a value is, so it is the
most reliable cue that survives in a text dump, where no markup remains.
Each group says why its less obvious members are there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType

from normalizers.text import fold, without_accents

__all__ = ["DESCRIPTION_LABELS", "EXCERPT_LABELS", "FIELD_LABELS", "field_for_label"]

_FIELDS: dict[str, tuple[str, ...]] = {
    # ISFDB and other bibliographic databases call the edition a "publication"
    "title": (
        "titolo",
        "tytuł",
        "title",
        "titel",
        "titre",
        "título",
        "titolo",
        "书名",
        "書名",
        "title proper",
        "publication",
        "book title",
        "boektitel",
        "buchtitel",
    ),
    "subtitle": ("subtitle", "untertitel", "sous titre", "subtítulo", "ondertitel", "副标题", "副標題"),
    "author": (
        "main author",  # library catalogues (HathiTrust, VuFind): the main entry
        "written by",
        "autore",
        "autori",
        "autor",
        "autorzy",
        "author",
        "authors",
        "auteur",
        "auteurs",
        "autor",
        "autoren",
        "autor in",
        "verfasser",
        "verfasser in",
        "作者",
        "schrijver",
        "hoofdauteur",
        "tweede auteur",
        "writer",
        "by",
        # comics sites credit the writer and artist separately; both count as authors
        "scenario",
        "tekeningen",
        "scénario",
        "dessin",
        "guión",
        "dibujo",
        "zeichner",
        "author editor",
    ),
    "translator": (
        "traduttore",
        "tłumacz",
        "translator",
        "translated by",
        "übersetzer",
        "übersetzung",
        "traducteur",
        "traduction",
        "traductor",
        "traducción",
        "vertaler",
        "vertaling",
        "译者",
        "譯者",
    ),
    "editor": (
        "editor",
        "editors",
        "edited by",
        "herausgeber",
        "hrsg",
        "hoofdredacteur",
        "redacteur",
        "directeur de publication",
    ),
    "illustrator": (
        "illustrator",
        "illustrations",
        "illustrated by",
        "illustrateur",
        "ilustrador",
        "hoofdillustrator",
        "tweede illustrator",
        "illustrationen",
        "cover artist",
        # colourists are credited but are not authors
        "kleuren",
        "couleurs",
        "colorist",
        "colourist",
        "inkleuring",
    ),
    "publisher": (
        "editore",
        "casa editrice",
        "wydawnictwo",
        "wydawca",
        "publisher",
        "publishers",
        "verlag",
        "uitgever",
        "uitgevers",
        "uitgeverij",
        "hoofduitgeverij",
        "éditeur",
        "éditeurs",
        "editorial",
        "editor a",
        "出版社",
        "出版者",
        "publisher name",
        "published by",
        "verlag herausgeber",
    ),
    "date": (
        "anno",
        "data di pubblicazione",
        "rok wydania",
        "data wydania",
        "oorspronkelijke releasedatum",
        "releasedatum",
        "publication date",
        "date published",
        "publish date",
        "published date",
        "date of publication",
        "pub date",
        "edition pub date",
        "release date",
        "erscheinungsdatum",
        "erscheinungsjahr",
        "erschienen",
        "erscheinungstermin",
        "datum van publicatie",
        "verschijningsdatum",
        "date de parution",
        "verschenen",
        "eerste druk",
        "date de publication",
        "parution",
        "fecha de publicación",
        "fecha de lanzamiento",
        "出版年",
        "出版日期",
        "出版时间",
        "出版時間",
        "year",
        "jaar",
        "jahr",
        "year published",
        "publication year",
        "date",
        "datum",
        "druk",
        "año",
        "año de edición",
        "año de publicación",
        "fecha de edición",
        "année",
        "année de parution",
        "année d'édition",
        "année de publication",
        "jaar van uitgave",
        "jaar van verschijnen",
    ),
    # library records print the imprint ("Place : Publisher, Year") under these
    "imprint": (
        "published",
        "imprint",
        "erschienen",
        "veröffentlicht",
        "impressum",
        "verlag ort jahr",
        "publication info",
        "publication information",
        "publicatie",
        "publication details",
        "erscheinungsort",
        "ort verlag jahr",
        "pubblicazione",
        "publicación",
    ),
    "isbn": (
        "isbn",
        "isbn 10",
        "isbn 13",
        "isbn10",
        "isbn13",
        "ean",
        "ean isbn",
        "isbn ean",
        "barcode",
        "eisbn",
        "e isbn",
        "ebook isbn",
        "isbn uid",
        "e book isbn",
        "print isbn",
        "paperback isbn",
        "hardback isbn",
        "hardcover isbn",
        "isbn issn",
        "isbn 13 ean",
        "gtin",
    ),
    "pages": (
        "pagine",
        "numero di pagine",
        "liczba stron",
        "pages",
        "print length",
        "extent",
        "length",
        "page count",
        "number of pages",
        "seiten",
        "seitenzahl",
        "umfang",
        "aantal pagina s",
        "aantal paginas",
        "nombre de pages",
        "número de páginas",
        "nº de páginas",
        "n º de páginas",
        "páginas",
        "nb de pages",
        "anzahl seiten",
        "页数",
        "頁數",
        "paperback",
        "hardcover",
        "taschenbuch",
        "gebundene ausgabe",
        "broché",
        "tapa blanda",
        "tapa dura",
        "pagina s",
        # a library record's physical description ("xii, 352 p. : ill. ; 24 cm"): its page count
        "physical description",
        "description matérielle",
        "descripción física",
        "physische beschreibung",
        "fysieke beschrijving",
        "collation",
    ),
    "language": (
        "lingua",
        "język",
        "language",
        "languages",
        "sprache",
        "taal",
        "langue",
        "idioma",
        "语言",
        "語言",
        "language of text",
        "text language",
    ),
    "series": (
        "series",
        "collana",
        "reeks",
        "reihe",
        "serie",
        "série",
        "colección",
        "丛书",
        "叢書",
        "collection",
        "book series",
        "publication series",
        "pub series",
    ),
    "format": (
        "format",
        "binding",
        "einband",
        "bindwijze",
        "reliure",
        "encuadernación",
        "裝幀",
        "装帧",
        "kaft",
        "uitvoering",
        "book format",
    ),
    "edition": (
        "editie",
        "edition",
        "ausgabe",
        "auflage",
        "édition",
        "edición",
        "版次",
        "edition statement",
    ),
    "original_title": (
        "original title",
        "originaltitel",
        "titre original",
        "título original",
        "titolo originale",
        "oorspronkelijke titel",
        "originele titel",
        "原作名",
        "原文書名",
        "原書名",
    ),
    # labels of fields a Book does not hold; knowing them keeps their values
    # out of titles and descriptions
    # credit lists whose values state each person's role: "Andreas Föhr (Verfasser)"
    "contributors": (
        "involved",
        "beteiligt",
        "mitwirkende",
        "contributors",
        "medewerkers",
        "credits",
        "other authors",
    ),
    "other": (
        "cover",
        "price",
        "prijs",
        "preis",
        "prix",
        "precio",
        "type",
        "notes",
        "note",
        "record id",
        "dimensions",
        "abmessungen",
        "afmetingen",
        "weight",
        "gewicht",
        "item weight",
        "asin",
        "best sellers rank",
        "customer reviews",
        "country",
        "land",
        "topic",
        "reading age",
        "kleur",
        "oclc",
        "lccn",
        "ddc",
        "condition",
        "zustand",
        "état",
        "external ids",
        "verifier",
        "定价",
        "页码",
    ),
    "subjects": (
        "subjects",
        "subject",
        "genres",
        "genre",
        "schlagwörter",
        "schlagwort",
        "onderwerp",
        "sujets",
        "materias",
        "tags",
        "categories",
        "category",
    ),
}

DESCRIPTION_LABELS = frozenset(
    fold(label)
    for label in (
        "synopsis",
        "description",
        "summary",
        "abstract",  # library catalogues (WorldCat) label a record's summary so
        "publisher's summary",
        "publisher summary",
        "about this book",
        "book description",
        "product description",
        "publisher description",
        "about the book",
        "overview",
        "beschreibung",
        "klappentext",
        "inhaltsangabe",
        "zusammenfassung",
        "kurzbeschreibung",
        "inhalt",
        "produktbeschreibung",
        "annotation",
        "résumé",
        "description du livre",
        "quatrième de couverture",
        "présentation",
        "sinopsis",
        "descripción",
        "reseña",
        "resumen",
        "samenvatting",
        "beschrijving",
        "omschrijving",
        "flaptekst",
        "内容简介",
        "內容簡介",
        "简介",
        "簡介",
        "内容介绍",
        "內容介紹",
        "图书简介",
        "sinossi",
        "trama",
        "opis",
        "streszczenie",
    )
)

EXCERPT_LABELS = frozenset(
    fold(label)
    for label in (
        "excerpt",
        "read an excerpt",
        "extrait",
        "leseprobe",
        "fragmento",
        "fragment",
        "extracto",
        "试读",
        "試讀",
        "estratto",
        "fragment książki",
    )
)

# Read-only: field_for_label caches its answers from it.
FIELD_LABELS: Mapping[str, str] = MappingProxyType(
    {fold(label): name for name, labels in _FIELDS.items() for label in labels}
)


def _unaccented_labels() -> dict[str, str]:
    # Sites print capitals without their accents ("Editeur", "Editions"): each accented
    # label is also known unaccented, where that spelling is no other label and names one field.
    found: dict[str, set[str]] = {}
    for key, name in FIELD_LABELS.items():
        plain = without_accents(key)
        if plain != key and plain not in FIELD_LABELS:
            found.setdefault(plain, set()).add(name)
    return {plain: next(iter(names)) for plain, names in found.items() if len(names) == 1}


_UNACCENTED_LABELS: Mapping[str, str] = MappingProxyType(_unaccented_labels())


_ENUMERATION = re.compile(r"^\s*\d{1,2}[.)]\s*")
_PLURAL_MARK = re.compile(r"\((?:s|e|en|es|in|innen|nen)\)", re.I)


@functools.lru_cache(maxsize=1 << 16)
def field_for_label(label: str) -> str | None:
    """The field a printed label names, or None.

    >>> field_for_label("ISBN-13 :"), field_for_label("Uitgever(s)"), field_for_label("Hello")
    ('isbn', 'publisher', None)
    """
    if len(label) > 60:
        return None
    # "1. Verfasser:", "Uitgever(s)": numbering and plural marks are not part of the label.
    # (Each substitution only where it can apply: most labels have no "(" and start with a letter.)
    if "(" in label:
        label = _PLURAL_MARK.sub("", label)
    if label[:1].isdecimal() or label[:1].isspace():
        label = _ENUMERATION.sub("", label)
    key = fold(label)
    return FIELD_LABELS.get(key) or _UNACCENTED_LABELS.get(key)
