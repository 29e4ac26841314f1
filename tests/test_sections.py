"""Labelled sections: a label opens the book's synopsis or excerpt, a list's button does not."""

from __future__ import annotations

import pytest
from support import clean_book

from scraper.extract import block_candidates
from scraper.parse import parse_text

SYNOPSIS = "The lighthouse keeper's daughter finds a letter that her mother never sent, and follows it north."

# A record, then "people also viewed": each recommended book with its own
# "Excerpt" button, as store pages print them.
RECOMMENDED = "\n\n".join(
    f"Other Book {n}\nSomeone Else\nA Publisher\nA long subtitle for another book in the list, number {n}.\nExcerpt"
    for n in range(1, 7)
)


def _sections(dump: str) -> dict[str, str]:
    page = parse_text(dump)
    return block_candidates(page, page.blocks)[1]


def test_a_button_under_every_listed_book_opens_no_section() -> None:
    sections = _sections(f"The Keeper\nby Ann Author\n\nPeople also viewed\n\n{RECOMMENDED}")
    assert "excerpt" not in sections  # not another book's title, author and publisher


def test_the_same_label_once_opens_the_excerpt() -> None:
    sections = _sections(f"The Keeper\nby Ann Author\n\nExcerpt\n{SYNOPSIS}")
    assert sections == {"excerpt": SYNOPSIS}


@pytest.mark.parametrize("times", [1, 2, 3])
def test_a_label_printed_a_few_times_still_opens_its_section(times: int) -> None:
    """A heading, a tab and a teaser's own sub-heading may share the label (Douban prints it three times)."""
    tabs = "\n".join(["Synopsis"] * (times - 1))
    sections = _sections(f"The Keeper\n{tabs}\n\nSynopsis\n{SYNOPSIS}\n\nDetails")
    assert sections.get("description") == SYNOPSIS


def test_a_store_menu_names_no_genre() -> None:
    """ "Genres" then "Giveaways" in a dump's menu: a menu's next entry, not the book's genre."""
    page = parse_text("Home\nRecommendations\nGenres\nGiveaways\nCommunity\n\nThe Keeper\nby Ann Author")
    assert [c.value for c in block_candidates(page, page.blocks)[0] if c.field == "subject"] == []


def test_a_record_still_names_its_genre() -> None:
    page = parse_text("The Keeper\nby Ann Author\n\nGenres\nFantasy\nPublisher\nGollancz")
    assert [c.value for c in block_candidates(page, page.blocks)[0] if c.field == "subject"] == ["Fantasy"]


def test_prose_gates_skip_only_searches_that_find_nothing() -> None:
    # _is_prose searches for a web address and a price only where one could be: held
    # to the plain searches on every character the patterns (case-insensitively) name.
    import itertools

    from scraper.extract import _CURRENCY_SIGNS, _PRICE, _WEB_ADDRESS

    pieces = ["www.", "WWW.", "wWw.", "http://", "HTTPS://", "httſ://", "9,00 €", "£8", "$ 5", "¥", "x", " "]
    for a, b in itertools.product(pieces, repeat=2):
        text = a + b
        if _WEB_ADDRESS.search(text):
            assert "://" in text or "www." in text.lower()
        if _PRICE.search(text):
            assert any(sign in text for sign in _CURRENCY_SIGNS)


def test_a_padded_section_label_is_still_read() -> None:
    from scraper.blocks import Block
    from scraper.extract import _section_kind

    assert _section_kind(Block("Description " + "* " * 100)) == "description"
    assert _section_kind(Block("Description of the book, with many more words than a label has")) is None


@pytest.mark.parametrize(
    ("notice", "kept"),
    [
        # a review widget's disclaimer: its apostrophes once passed for a press quote's marks
        (
            "4 Reviews Reviews aren't verified, but Google checks for and removes fake content when it's identified",
            False,
        ),
        # a press quote with its source is part of the blurb
        ("'A blinding read, the novel of the year' THE SUNDAY TIMES", True),
    ],
)
def test_an_apostrophe_is_no_quotation_mark(notice: str, kept: bool) -> None:
    from scraper.blocks import Block
    from scraper.extract import lead_prose

    blocks = [Block("The Lighthouse", tag="h1", heading=1), Block(notice), Block(SYNOPSIS + " " + SYNOPSIS)]
    lead = lead_prose(blocks, "The Lighthouse")
    assert lead is not None
    assert lead.startswith(notice) is kept


@pytest.mark.parametrize("label", ["Summary", "Synopsis", "Résumé", "Beschreibung"])
def test_a_label_and_its_text_in_one_line_open_the_section(label: str) -> None:
    # "Summary: Sethe, an escaped slave..." (a catalogue's two spans on one line): the
    # label opens the description and is not part of it.
    sections = _sections(f"Beloved\n\nAuthor: Toni Morrison\n{label}: {SYNOPSIS}\nISBN: 9780394535975")
    assert sections.get("description") == SYNOPSIS


def test_a_heading_shaped_like_a_label_stays_a_heading() -> None:
    from scraper.blocks import Block
    from scraper.parse import pair_labels

    heading = Block("Synopsis: A Novel", tag="h1", heading=1)
    assert pair_labels([heading])[0].label == ""


@pytest.mark.parametrize("heading", ["Abstract", "Publisher's Summary"])
def test_a_catalogue_summary_heading_opens_the_description(heading: str) -> None:
    sections = _sections(f"Piranesi\n\nAuthor: Susanna Clarke\n\n{heading}\n{SYNOPSIS}\n\nISBN: 9781635575637")
    assert sections.get("description") == SYNOPSIS


def test_the_rest_a_read_more_toggle_reveals_belongs_to_the_description() -> None:
    # Project Gutenberg's summary: the end of the text sits in a hidden span that the
    # "Read More" link after it shows. It is the page's own text, not hidden furniture.

    html = (
        "<h1>Frankenstein</h1><table><tr><th>Author</th><td>Mary Shelley</td></tr><tr><th>Summary</th><td>"
        "The opening of the book introduces Robert Walton, an ambitious explorer in the Arctic. "
        '<span style="display:none">In his letters to his sister Margaret, he shares his excitement.</span> '
        '<a href="#">Read More</a></td></tr><tr><th>Language</th><td>English</td></tr></table>'
        '<div style="display:none">A hidden menu: Home, Books, Contact, and a long line of furniture text.</div>'
    )
    book = clean_book(html, "pg84.html")
    assert book.description is not None and book.description.endswith("he shares his excitement.")
    assert any(r.rule == "ui_residue:dom_hidden" and r.text.startswith("A hidden menu") for r in book.removed)


@pytest.mark.parametrize("cls", ["subtitle", "product-subtitle", "untertitel", "sous-titre"])
def test_a_subtitle_named_by_its_class_after_the_heading(cls: str) -> None:

    html = (
        f'<div class="info"><h1>The Lantern Keepers</h1><h2 class="{cls}">A Novel</h2><p>by Maren Holloway</p></div>'
        f"<p>{SYNOPSIS}</p>"
    )
    book = clean_book(html, "kobo.html")
    assert (book.title, book.subtitle) == ("The Lantern Keepers", "A Novel")


def test_a_line_after_the_heading_with_another_class_is_no_subtitle() -> None:

    html = f'<div class="info"><h1>The Lantern Keepers</h1><h2 class="series">Lantern, Book 2</h2><p>by Maren Holloway</p></div><p>{SYNOPSIS}</p>'
    book = clean_book(html, "kobo.html")
    assert book.subtitle is None
