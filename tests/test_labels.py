"""``field_for_label``: the field a printed label names, across languages and catalogue styles."""

from __future__ import annotations

import pytest
from support import clean_book

from scraper.labels import field_for_label

LABELS = [
    ("ISBN-13 :", "isbn"),
    ("Uitgever(s)", "publisher"),
    ("1. Verfasser:", "author"),
    ("Umfang", "pages"),
    # a library record's physical description gives the page count
    ("Physical description", "pages"),
    ("Description matérielle", "pages"),
    ("Descripción física", "pages"),
    ("Collation", "pages"),
    # Spanish, French and Dutch spellings of page counts and years
    ("Nº de páginas", "pages"),
    ("Páginas:", "pages"),
    ("Año de edición", "date"),
    ("Année de parution", "date"),
    ("Jaar van uitgave", "date"),
    # (second QA pass) StoryGraph's and library catalogues' labels
    ("ISBN/UID:", "isbn"),
    ("Edition Pub Date:", "date"),
    ("Main Author:", "author"),
    ("Edited by", "editor"),
    ("Collana", "series"),
    # a capital printed without its accent ("Editeur" for "Éditeur"), where that names one field
    ("Editeur", "publisher"),
    ("Ubersetzer", "translator"),
    ("Titulo original", "original_title"),
    # empty and junk
    ("", None),
    ("   ", None),
    ("Hello", None),
    ("x" * 61, None),
]


@pytest.mark.parametrize(("label", "field"), LABELS)
def test_field_for_label(label: str, field: str | None) -> None:
    assert field_for_label(label) == field


def test_physical_description_gives_the_page_count() -> None:
    dump = b"Die Welle\n\nby Morton Rhue\n\nPhysical description: 184 p. : ill. ; 19 cm\nISBN: 9783473580089\n"
    book = clean_book(dump, "welle.txt", kind="text")
    assert book.pages == 184


@pytest.mark.parametrize(
    ("line", "pages"),
    [
        ("Description: 275 pages ; 25 cm", 275),  # WorldCat, Koha: MARC 300 under "Description"
        ("Description: 662 p. : map ; 24 cm.", 662),
        ("xii, 662 p. : ill. ; 24 cm", 662),  # no label at all
        # (review) longer than a sentence's minimum, and no sentence
        ("Description: xvi, 424 pages : illustrations (some color), maps ; 24 cm", 424),
    ],
)
def test_a_physical_description_gives_pages_and_is_no_synopsis(line: str, pages: int) -> None:
    synopsis = "Told in Kvothe's own voice, this is the tale of a gifted young man who grows to be a wizard."
    dump = f"The Name of the Wind\n\nAuthor: Rothfuss, Patrick, 1973-\n{line}\n\nSummary:\n{synopsis}\n"
    book = clean_book(dump, "wind.txt", kind="text")
    assert book.pages == pages
    assert book.description == synopsis
    assert book.contributors[0].name == "Patrick Rothfuss"


def test_a_details_line_of_cells_is_read_cell_by_cell() -> None:
    # A publisher's page prints its details as one line of cells, and the e-book's ISBN
    # after a <br> with a format word before the label.
    html = (
        "<h1>Ducks, Newburyport</h1><p>by Lucy Ellmann</p><p>Latest observations from an Ohio kitchen: the"
        " fact that you were born in Newburyport, Massachusetts, when your parents lived in Hinsdale.</p>"
        "<p>Published 4 July 2019 | Paperback | 1,040 pages | ISBN 9781910296967<br>Ebook ISBN 9781910296998</p>"
    )
    book = clean_book(html, "ducks.html")
    assert book.isbns == ("9781910296967", "9781910296998")
    assert book.published == "2019-07-04"
    assert book.pages == 1040


def test_a_menu_of_cells_names_no_field() -> None:
    html = (
        "<h1>Ducks, Newburyport</h1><p>by Lucy Ellmann</p><p>Author Events | Publisher Services | Contact</p>"
        "<p>Latest observations from an Ohio kitchen: the fact that you were born in Newburyport.</p>"
    )
    book = clean_book(html, "ducks.html")
    assert book.publisher is None
    assert [c.name for c in book.contributors] == ["Lucy Ellmann"]


def test_a_record_whose_rows_ran_together_is_read_row_by_row() -> None:
    # Koha prints each row as a span its style sheet sets on a line of its own: without
    # the style sheet the rows run together into one block (the template's line breaks between them).
    row = '<span class="results_summary"><span class="label">{}: </span>{}</span>'
    rows = [
        ("Material type", "Text"),
        ("Edition", "First paperback edition."),
        ("Publisher", "Minneapolis, Minnesota : Milkweed Editions, 2015"),
        ("Description", "x, 390 pages : illustrations ; 23 cm"),
        ("Content type", "text"),
        ("ISBN", "9781571313560; 1571313567"),
        (
            "Summary",
            '"As a botanist, Robin Wall Kimmerer has been trained to ask questions of nature with the tools of'
            ' science."--Provided by publisher.',
        ),
        ("Tags from this library", "No tags from this library for this title."),
    ]
    html = (
        "<h1>Braiding sweetgrass / Robin Wall Kimmerer.</h1><div>" + "\n".join(row.format(*r) for r in rows) + "</div>"
    )
    book = clean_book(html, "koha.html")
    assert book.isbns == ("9781571313560",)
    assert (book.publisher, book.published, book.pages) == ("Milkweed Editions", "2015", 390)
    assert book.description is not None and book.description.startswith('"As a botanist')
    assert "Tags from this library" not in book.description
    assert "Material type" not in book.description


def test_other_editions_listed_with_their_rows_lend_the_book_nothing() -> None:
    # (Caught by a QA pass) each listed edition prints its rows on one line, as a run-together
    # record or a line of cells would: they are that edition's, not the book's.
    html = (
        "<h1>The Remains of the Day</h1><p>by Kazuo Ishiguro</p><p>ISBN: 9780571154913</p>"
        "<h2>Other editions</h2><ul>"
        "<li><a href=/a>Featured Edition</a> ISBN 10: 0571200737 ISBN 13: 9780571200733 Publisher: Faber, 1999</li>"
        "<li>Softcover | Vintage | 1990 | ISBN 9780679731726</li></ul>"
    )
    book = clean_book(html, "remains.html")
    assert book.isbns == ("9780571154913",)


def test_a_physical_description_in_a_definition_list_gives_pages() -> None:
    # WorldCat's details are a <dl>: its <dd> is the record's own value, not a list's item.
    html = (
        "<h1>Beloved</h1><p>by Toni Morrison</p><dl><dt>ISBN:</dt><dd>9780394535975</dd>"
        "<dt>Description:</dt><dd>275 pages ; 25 cm</dd></dl>"
    )
    book = clean_book(html, "beloved.html")
    assert book.pages == 275
