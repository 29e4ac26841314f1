"""A long printed byline narrowed by the page's own credit for the book (scraper.credits).

Most rows must change nothing: prose names people for many reasons, and only
a tight credit frame around the title may narrow a byline. Many of these rows
are a reviewer's reproducers of an earlier, looser rule.
"""

from __future__ import annotations

import pytest
from support import clean_book

from scraper.credits import demote_uncredited
from scraper.fuse import Fused

WATCHMEN = ["Alan Moore", "Dave Gibbons", "John Higgins"]
BRONTE = ["Emily Brontë", "Stephanie Baudet", "Arianna Bellucci", "Tanya Landman"]
GOF = ["Erich Gamma", "Richard Helm", "Ralph Johnson", "John M. Vlissides"]
SICP = ["Harold Abelson", "Gerald Jay Sussman", "Julie Sussman"]
FACT = ["Hans Rosling", "Ola Rosling", "Anna Rosling Rönnlund"]
TRIO = ["Ann Lee", "Bo Ek", "Cy Fox"]

NARROWED = [
    # "<names>' ... <title>", two names: the colourist is no author
    pytest.param(
        "Watchmen",
        WATCHMEN,
        ["Set in an altered 1985, Alan Moore and Dave Gibbons' monumental graphic novel Watchmen is a classic."],
        ["Alan Moore", "Dave Gibbons"],
        id="possessive-two-names",
    ),
    # "<title> is a(n) ... by <name>": a work-level byline of other editions' adapters
    pytest.param(
        "Wuthering Heights",
        BRONTE,
        ["Wuthering Heights is an 1847 novel by Emily Brontë, initially published under a pseudonym."],
        ["Emily Brontë"],
        id="is-a-novel-by",
    ),
    pytest.param(
        "Die Wand",
        ["Anna Roth", "Ben Kurz", "Carl Ott"],
        ["Die Wand ist ein Roman von Anna Roth und Ben Kurz."],
        ["Anna Roth", "Ben Kurz"],
        id="german-ist-ein-roman-von",
    ),
    # a name matched without its dotless i keeps the byline's spelling
    pytest.param(
        "Huzur",
        ["Ahmet Hamdi Tanpınar", "Erdağ Göknar", "Ann Lee"],
        ["Huzur is a novel by Ahmet Hamdi Tanpinar, which was first published in 1949."],
        ["Ahmet Hamdi Tanpınar"],
        id="dotless-i",
    ),
    # curly apostrophe and missing accents still name the byline's people
    pytest.param(
        "Watchmen",
        WATCHMEN,
        ["Alan Moore and Dave Gibbons’ Watchmen changed comics."],
        ["Alan Moore", "Dave Gibbons"],
        id="curly-apostrophe",
    ),
]

UNCHANGED = [
    # a list that goes on past the byline's names is not a whole credit
    ("Design Patterns", GOF, "Design Patterns is a classic book by Erich Gamma et al. on reuse."),
    ("Design Patterns", GOF, "Design Patterns is a classic book by Erich Gamma and others."),
    ("Design Patterns", GOF, "Design Patterns is a book by Erich Gamma (Author), Richard Helm (Author)."),
    (
        "Design Patterns",
        GOF,
        "Design Patterns is a book by Erich Gamma, Richard Helm, Ralph Johnson and John M. Vlissides.",
    ),
    (
        "Structure and Interpretation of Computer Programs",
        SICP,
        "Structure and Interpretation of Computer Programs is a textbook by Harold Abelson and Gerald Jay Sussman with Julie Sussman.",
    ),
    (
        "Die Wand",
        ["Anna Roth", "Ben Kurz", "Carl Ott"],
        "Die Wand ist ein Roman von Anna Roth, Ben Kurz, und Carl Ott.",
    ),
    ("Heat", TRIO, "Heat is a novel by Ann Leeds."),
    # one name in a possessive is a blurb's shorthand
    ("Watchmen", WATCHMEN, "Alan Moore's Watchmen redefined the superhero genre."),
    ("Watchmen", WATCHMEN, "Dave Gibbons's work on Watchmen won a Hugo."),
    ("Wuthering Heights", BRONTE, "Tanya Landman's retelling of Wuthering Heights is vivid."),
    # "<title> by <name>" without "is a ...", and other books' credits
    ("Factfulness", FACT, "Factfulness by Hans Rosling is one of Bill Gates's favourite books."),
    ("Watchmen", WATCHMEN, "If you liked Watchmen, try V for Vendetta by Alan Moore."),
    ("Watchmen", WATCHMEN, "Customers who bought Watchmen also bought From Hell by Alan Moore and Eddie Campbell."),
    ("Watchmen", WATCHMEN, "La edición de lujo de Watchmen de Alan Moore."),
    ("Heat", TRIO, "I couldn't stand the heat in this one by Ann Lee."),
    ("The 3rd Degree", TRIO, "The 3rd Degree is the third novel in the Women's Murder Club series by Ann Lee."),
    # a role in the frame: the "by" credits a part or a form of the book
    ("Watchmen", WATCHMEN, "Watchmen is an edition recolored by John Higgins."),
    ("Wuthering Heights", BRONTE, "Wuthering Heights is an audiobook read by Tanya Landman."),
    ("Wuthering Heights", BRONTE, "Wuthering Heights is a version by Stephanie Baudet."),
    ("Les Fleurs du mal", TRIO, "Les Fleurs du mal est une édition préfacée par Ann Lee."),
    ("Watchmen", WATCHMEN, "Watchmen is a new edition with an introduction by John Higgins."),
    # a sentence crediting everyone voids the rule, whatever other sentences say
    (
        "Watchmen",
        WATCHMEN,
        "Watchmen by Alan Moore, Dave Gibbons and John Higgins. Alan Moore and Dave Gibbons' Watchmen rules.",
    ),
    # the byline itself (no title in it) credits nobody; a name not in the byline is never added
    ("Watchmen", WATCHMEN, "by Alan Moore, Dave Gibbons, and John Higgins"),
    ("Watchmen", WATCHMEN, "Watchmen is a graphic novel by Neil Gaiman."),
    # the page says what an uncredited name did: the credit may be the original work's
    ("Watchmen", WATCHMEN, "Watchmen is a graphic novel by Alan Moore and Dave Gibbons, coloured by John Higgins."),
    (
        "Dune",
        ["Frank Herbert", "Brian Herbert", "Kevin J. Anderson"],
        "Dune is a 1965 novel by Frank Herbert. This graphic adaptation by Brian Herbert and Kevin J. Anderson is new.",
    ),
    # a name spelled without its dotless i, in capitals: matched, never a crash
    ("Huzur", ["Ahmet Hamdi Tanpınar", "Erdağ Göknar", "Ann Lee"], "Huzur by AHMET HAMDI TANPINAR and ERDAG GOKNAR."),
    # empty and junk
    ("Watchmen", WATCHMEN, ""),
    ("Watchmen", WATCHMEN, "!!! by by by ''' 's"),
    ("", WATCHMEN, "Watchmen is a novel by Alan Moore."),
]


def _run(title: str, byline: list[str], texts: list[str], source: str = "text") -> Fused:
    fused = Fused(
        values={"title": title} if title else {}, people=[(n, "author") for n in byline], people_source=source
    )
    demote_uncredited(fused, texts)
    return fused


@pytest.mark.parametrize(("title", "byline", "texts", "authors"), NARROWED)
def test_credit_narrows_the_byline(title: str, byline: list[str], texts: list[str], authors: list[str]) -> None:
    fused = _run(title, byline, texts)
    assert [name for name, role in fused.people if role == "author"] == authors
    # nobody is dropped: the uncredited stay as contributors, in the byline's order
    assert fused.people == [(n, "author" if n in authors else "contributor") for n in byline]
    (entry,) = fused.provenance
    assert (entry.field, entry.chosen, entry.source) == ("authors", ", ".join(authors), "text")
    assert [name for name, _ in entry.rejected] == [n for n in byline if n not in authors]


@pytest.mark.parametrize(("title", "byline", "text"), UNCHANGED)
def test_no_credit_changes_nothing(title: str, byline: list[str], text: str) -> None:
    fused = _run(title, byline, [text])
    assert fused.people == [(n, "author") for n in byline]
    assert fused.provenance == []


@pytest.mark.parametrize(
    ("byline", "source"),
    [
        (WATCHMEN, "jsonld"),  # an author list stated in structured data is explicit
        (WATCHMEN, "microdata"),
        (WATCHMEN[:2], "text"),  # two names: a blurb naming one says nothing of the other
        ([], "text"),
    ],
)
def test_left_alone(byline: list[str], source: str) -> None:
    fused = _run("Watchmen", byline, ["Watchmen is a graphic novel by Alan Moore."], source)
    assert fused.people == [(n, "author") for n in byline]


def test_other_roles_stay() -> None:
    """An illustrator named as such keeps that role; only authors are narrowed."""
    fused = Fused(
        values={"title": "Watchmen"},
        people=[*((n, "author") for n in WATCHMEN), ("Jane Roe", "illustrator")],
        people_source="dom-heading",
    )
    demote_uncredited(fused, ["Watchmen is a graphic novel by Alan Moore."])
    assert fused.people == [
        ("Alan Moore", "author"),
        ("Dave Gibbons", "contributor"),
        ("John Higgins", "contributor"),
        ("Jane Roe", "illustrator"),
    ]


def test_long_name_lists_stay_fast() -> None:
    """A block of many byline names is skipped or matched in bounded time (no backtracking storm).

    Not a timing assertion: a regex storm here took seconds per call; the
    suite's own timeout is what would catch it.
    """
    names = [f"Name{chr(65 + i % 26)} Person{chr(65 + i // 26)}" for i in range(50)]
    text = ", ".join(names) + "'s Watchmen"
    fused = _run("Watchmen", names, [text[:2000], ("Watchmen is a book by " + ", ".join(names))[:2000]])
    assert len(fused.people) == 50


# A store prints the author bare under its heading (no "by"), and its <title> names
# them again: "TITLE | AUTHOR | Site". The site's own name, printed in its header, is no author.
_BARE = (
    "<title>{title}</title><header>{header}</header><h1>CIEN AÑOS DE SOLEDAD</h1><p>{line}</p>"
    "<h2>Sinopsis</h2><p>Entre la boda de José Arcadio Buendía con Úrsula Iguarán y el último de los Buendía"
    " transcurren cien años de historia familiar en la aldea de Macondo.</p>"
)


@pytest.mark.parametrize(
    ("title", "header", "line", "authors"),
    [
        (
            "CIEN AÑOS DE SOLEDAD | GABRIEL GARCIA MARQUEZ | Casa del Libro",
            "Casa del Libro",
            "GABRIEL GARCIA MARQUEZ",
            ["GABRIEL GARCIA MARQUEZ"],
        ),
        # the line under the heading is the site's name, which its header prints too
        ("CIEN AÑOS DE SOLEDAD | Casa del Libro", "Casa del Libro", "Casa del Libro", []),
        # a line the <title> does not name is no author
        ("CIEN AÑOS DE SOLEDAD | Casa del Libro", "Casa del Libro", "GABRIEL GARCIA MARQUEZ", []),
        # Bugs caught (review): a subtitle, an imprint, a series or a genre under the heading
        ("CIEN AÑOS DE SOLEDAD: Una Novela Total | Foyles", "Foyles", "Una Novela Total", []),
        ("CIEN AÑOS DE SOLEDAD | Penguin Random House | Foyles", "Foyles", "Penguin Random House", []),
        ("CIEN AÑOS DE SOLEDAD | Macondo Chronicles | Foyles", "Foyles", "Macondo Chronicles", []),
        ("CIEN AÑOS DE SOLEDAD | Science Fiction | Foyles", "Foyles", "Science Fiction", []),
    ],
)
def test_a_bare_author_line_named_in_the_title_tag(title: str, header: str, line: str, authors: list[str]) -> None:

    html = _BARE.format(title=title, header=header, line=line)
    book = clean_book(html, "p.html")
    assert [c.name for c in book.contributors] == authors


def test_a_bare_author_named_after_by_in_the_title_tag_beside_a_translator() -> None:
    # "Title von Author - Buch | Site", the name alone under the heading, and a translator's
    # line: the translator is no author, and the <title> names the author after "von".

    html = (
        "<title>Der Gesang der Flusskrebse von Delia Owens - Buch | Thalia</title><header>Thalia</header>"
        "<h1>Der Gesang der Flusskrebse</h1><p><a href='/a'>Delia Owens</a></p>"
        "<dl><dt>Übersetzer</dt><dd>Ulrike Wasel</dd></dl><h2>Beschreibung</h2><p>Chase Andrews stirbt, und die"
        " Bewohner der ruhigen Küstenstadt Barkley Cove sind sich einig: Schuld ist das Marschmädchen.</p>"
    )
    book = clean_book(html, "p.html")
    assert [(c.name, c.role) for c in book.contributors] == [("Delia Owens", "author"), ("Ulrike Wasel", "translator")]
