"""UI residue: ``match_phrase`` and ``drop_ui_phrases`` over en/fr/de/es widget words."""

from __future__ import annotations

import pytest

from normalizers.residue import drop_other_books_sections, drop_ui_phrases, match_phrase
from scraper.blocks import Block

# (block text, category it must be removed under)
RESIDUE = [
    # en
    ("Read more", "expander"),
    ("Show less", "expander"),
    ("Oops!", "error_toast"),
    (
        "An unknown error has occurred. Please click the button below to reload the page.",
        "error_toast",
    ),
    ("Search by... Author", "search_widget"),
    ("Show... All Results Primary Sources Peer-reviewed", "search_widget"),
    ("Add to basket", "cart"),
    ("Sign in", "account"),
    ("Share this book", "share"),
    ("We use cookies to improve your experience.", "cookie_banner"),
    ("4.5 out of 5 stars", "rating"),
    ("Skip to main content", "breadcrumb"),
    ("Home › Books › Fiction", "breadcrumb"),
    ("Page 1 of 12", "pagination"),
    ("© 2024 Riverbend Books. All rights reserved.", "footer"),
    # fr
    ("Lire la suite", "expander"),
    ("Voir plus", "expander"),
    ("Ajouter au panier", "cart"),
    ("Mon compte", "account"),
    ("Une erreur inconnue s'est produite. Veuillez réessayer.", "error_toast"),
    ("Partager sur Facebook", "share"),
    ("Tout accepter", "cookie_banner"),
    ("Recherche avancée", "search_widget"),
    # de
    ("Weiterlesen", "expander"),
    ("Mehr anzeigen", "expander"),
    ("In den Warenkorb", "cart"),
    ("Mein Konto", "account"),
    ("Ein unbekannter Fehler ist aufgetreten.", "error_toast"),
    ("Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.", "cookie_banner"),
    ("4,5 von 5 Sternen", "rating"),
    ("Erweiterte Suche", "search_widget"),
    # es
    ("Leer más", "expander"),
    ("Ver más", "expander"),
    ("Añadir a la cesta", "cart"),
    ("Mi cuenta", "account"),
    ("Se ha producido un error. Inténtalo de nuevo.", "error_toast"),
    ("Aceptar cookies", "cookie_banner"),
    # consent notices worded "by continuing..." or "this site uses...", in each language
    ("En poursuivant votre navigation, vous acceptez l'utilisation de cookies.", "cookie_banner"),
    ("By continuing to browse the site you agree to our use of cookies.", "cookie_banner"),
    ("Unsere Webseite nutzt Cookies, um Ihnen das beste Erlebnis zu bieten.", "cookie_banner"),
    ("Esta web utiliza cookies propias y de terceros.", "cookie_banner"),
    ("Deze website gebruikt cookies.", "cookie_banner"),
    ("Búsqueda avanzada", "search_widget"),
    # picture viewers: a cover scan's link and zoom controls, in each language
    ("Achtercover", "image_viewer"),
    ("Front cover", "image_viewer"),
    ("Click to enlarge", "image_viewer"),
    ("Look inside", "image_viewer"),
    ("Blick ins Buch", "image_viewer"),
    ("Bild vergrößern", "image_viewer"),
    ("Agrandir l'image", "image_viewer"),
    ("Ampliar imagen", "image_viewer"),
    ("Zoom in", "image_viewer"),
    ("View larger image", "image_viewer"),
    ("Inkijkexemplaar", "image_viewer"),
    ("Cover image", "image_viewer"),
    ("Voorkant", "image_viewer"),
    # spacing and trailing punctuation do not hide a phrase
    ("  Read more  ", "expander"),
    ("Read more »", "expander"),
    ("READ MORE", "expander"),
]

# Real prose that merely contains a widget's words: it must survive.
PROSE = [
    "She could not read more than a page a day.",
    "Sign in to read more of this sentence, she said.",
    "He would show less mercy than his father ever had.",
    "Il voulait lire la suite du roman avant l'aube.",
    "Elle ajoute au panier de pommes une lettre pour sa sœur.",
    "Er wollte weiterlesen, aber das Licht ging aus.",
    "Im Warenkorb der Großmutter lag ein Brief aus Riga.",
    "Quería leer más, pero la vela se apagó.",
    "Una novela sobre la búsqueda de identidad.",
    "Partager un secret peut coûter cher : voilà ce que découvre Léa.",
    # a blurb's source line names the back cover; it is not a viewer's link
    "--back cover",
    "(Back cover)",
    "Zoom",  # a picture book's title (Istvan Banyai), not a control
    "She baked cookies for the whole village, using the recipe her mother left.",
]

# Empty and junk rows: nothing to match, nothing to remove.
JUNK = ["", "   ", "???", "\x00", "–", "a" * 5000, "Read more " * 40]

# Bugs caught: real sentences that open-ended phrase rules once cut (a
# synopsis line lost). Each row names the rule that matched it.
PHRASE_FALSE_POSITIVES_BUGS_CAUGHT = [
    pytest.param(text, id=why)
    for text, why in [
        ("Oops, she said, and the whole story began with that mistake.", "error_toast 'oops!?.*'"),
        (
            "Something went wrong on the night the lighthouse went dark, and Elin saw it.",
            "error_toast 'something went wrong.*'",
        ),
        (
            "There was a problem with the old house on Fenwick Street: nobody came out the same.",
            "error_toast 'there was a problem.*'",
        ),
        (
            "Unable to load the cargo before the storm, the crew waits in the harbour.",
            "error_toast 'unable to load.*'",
        ),
        (
            "Copyright law was the last thing on her mind when she found the manuscript.",
            "footer 'copyright.*'",
        ),
        ("Deliver to the king this letter, said the queen.", "account 'deliver to .*'"),
        ("Teilen und herrschen: die Geschichte eines Imperiums.", "share 'teilen( auf)?.*'"),
        ("Compartir la vida con un fantasma no es fácil.", "share 'compartir( en)?.*'"),
    ]
]


@pytest.mark.parametrize(("text", "category"), RESIDUE)
def test_match_phrase_names_the_category(text: str, category: str) -> None:
    """Each widget phrase, in each language, is recognised under its category."""
    assert match_phrase(text) == category


@pytest.mark.parametrize("text", PROSE + PHRASE_FALSE_POSITIVES_BUGS_CAUGHT)
def test_match_phrase_leaves_prose_alone(text: str) -> None:
    """A sentence that merely contains a widget's words is not residue."""
    assert match_phrase(text) is None


@pytest.mark.parametrize("text", JUNK)
def test_match_phrase_on_junk_is_none(text: str) -> None:
    """Empty, blank, symbol-only and oversized blocks match no rule and do not raise."""
    assert match_phrase(text) is None


@pytest.mark.parametrize(("text", "category"), RESIDUE)
def test_drop_ui_phrases_removes_residue_with_its_rule(text: str, category: str) -> None:
    """A residue block is removed and the removal names ``ui_residue:<category>``."""
    synopsis = Block("A synopsis that stays, because it is what the book is about.")
    result = drop_ui_phrases([Block(text), synopsis])
    assert result.blocks == [synopsis]
    assert [(r.rule, r.text) for r in result.removed] == [(f"ui_residue:{category}", text)]


@pytest.mark.parametrize("text", PROSE)
def test_drop_ui_phrases_keeps_prose(text: str) -> None:
    """Prose blocks pass through unchanged, and nothing is recorded as removed."""
    result = drop_ui_phrases([Block(text)])
    assert [b.text for b in result.blocks] == [text]
    assert result.removed == []


def test_drop_ui_phrases_keeps_labelled_blocks() -> None:
    """A ``Label: value`` block is a field, even when its value reads like a widget."""
    block = Block("Format: Read more", label="Format", value="Read more")
    assert drop_ui_phrases([block]).blocks == [block]


def test_drop_ui_phrases_on_no_blocks() -> None:
    """An empty page stays empty and records nothing."""
    result = drop_ui_phrases([])
    assert (result.blocks, result.removed) == ([], [])


def test_drop_ui_phrases_keeps_order() -> None:
    """Survivors keep their order, and removals are listed in page order."""
    blocks = [Block("Sign in"), Block("First."), Block("Read more"), Block("Second.")]
    result = drop_ui_phrases(blocks)
    assert [b.text for b in result.blocks] == ["First.", "Second."]
    assert [r.text for r in result.removed] == ["Sign in", "Read more"]


REVIEW = "div.ReviewText>span.Formatted"
DETAILS = "dl.DescList>dd"


# Where a recommendation or review section's cut ends: (blocks, texts kept).
@pytest.mark.parametrize(
    ("blocks", "kept"),
    [
        # a details label after the reviews ends the cut: it is this book's
        (
            [
                Block("Community Reviews", heading=2),
                Block("Loved it.", path=REVIEW),
                Block("Publisher: Gollancz", path=DETAILS, label="Publisher", value="Gollancz"),
            ],
            ["Publisher: Gollancz"],
        ),
        # the same label inside a review's own text (one element, split at <br>s) does not
        (
            [
                Block("Community Reviews", heading=2),
                Block("Loved it.", path=REVIEW),
                Block("Publisher: ListenUp Audiobooks", path=REVIEW, label="Publisher", value="ListenUp Audiobooks"),
                Block("Tim Robbins - Narrator", path=REVIEW),
                Block("About the author", heading=2),
            ],
            ["About the author"],
        ),
        # classless list items share one path with their siblings: the details row still ends it
        (
            [
                Block("Customers also bought", heading=2),
                Block("Other Book One", path="ul>li"),
                Block("Publisher: Gollancz", path="ul>li", label="Publisher", value="Gollancz"),
            ],
            ["Publisher: Gollancz"],
        ),
        # a label that is no record field never ends it
        (
            [Block("Customers also bought", heading=2), Block("Format: Paperback", path=DETAILS, label="Format")],
            [],
        ),
        # a heading of the section's level ends it; a deeper one does not
        (
            [Block("Similar books", heading=2), Block("Other Book", heading=3), Block("Details", heading=2)],
            ["Details"],
        ),
        # in a text dump, a blank line (a "para" block) ends it
        ([Block("Customers also bought", tag="line"), Block("Other Book", tag="para")], ["Other Book"]),
        # empty and junk
        ([], []),
        ([Block("!!!"), Block("   ")], ["!!!", "   "]),
    ],
)
def test_other_books_section_ends(blocks: list[Block], kept: list[str]) -> None:
    result = drop_other_books_sections(blocks)
    assert [b.text for b in result.blocks] == kept
    cut = [b.text for b in blocks if b.text not in kept]
    # every cut block is in a removal, in order, and nothing else is
    assert [line for r in result.removed for line in r.text.split("\n")] == cut


def test_a_label_padded_with_punctuation_still_ends_a_section() -> None:
    # A long block is passed over only when it has more letters than any label: a label
    # with a run of decoration after it is still one.
    from normalizers.residue import _ends_section

    assert _ends_section(Block("Description " + "* " * 100), 0)
    assert not _ends_section(Block("A review that goes on about the book for a while, " * 4), 0)
