"""PARSE: the DOM walk's blocks, with the spacing a reader sees.

The walk skips whitespace-only text nodes (the indentation between
elements) and puts a space back where one separated two pieces of text.
These rows pin what the reader sees: words kept apart where the page keeps
them apart, and glued where it glues them.
"""

from __future__ import annotations

import pytest

from scraper.parse import parse_html


def _texts(html: str) -> list[str]:
    return [b.text for b in parse_html(f"<html><body>{html}</body></html>").blocks]


@pytest.mark.parametrize(
    ("html", "texts"),
    [
        # a space between two inline elements separates them
        ("<p><a>Thierry Culliford</a> <a>Yvan Delporte</a></p>", ["Thierry Culliford Yvan Delporte"]),
        ("<p><a>A</a>\n   <a>B</a></p>", ["A B"]),
        ("<p><span><b>A</b>\n</span><b>B</b></p>", ["A B"]),
        # ... also when React's empty comments sit beside it
        ("<p>9<!-- --> <!-- -->days</p>", ["9 days"]),
        ("<p><a>Create an account</a> <!-- -->to see more</p>", ["Create an account to see more"]),
        # ... and when it ends the element before ("<u><b>NOTE</b>\n</u>:")
        ("<p><u>\n  <b>PERSONAL NOTE</b>\n</u>: read</p>", ["PERSONAL NOTE : read"]),
        # links to different pages side by side are a list; to one page, one item in pieces
        (
            '<td><a href="/a/1">\n Thierry Culliford\n</a>\n<a href="/a/2">Yvan Delporte</a></td>',
            ["Thierry Culliford; Yvan Delporte"],
        ),
        ('<dd><a href="/a/9">Marloes</a> <a href="/a/9">van der Heijden</a></dd>', ["Marloes van der Heijden"]),
        ('<p>by <a href="/a/1">A. Author</a>, <a href="/a/2">B. Author</a></p>', ["by A. Author, B. Author"]),
        ("<p><a>no</a> <a>address</a></p>", ["no address"]),
        # a link that shows no text lists nothing ("by [photo] Neil Gaiman")
        ('<p>by <a href="/a/1"><img src="x.jpg"></a> <a href="/a/1/about">Neil Gaiman</a></p>', ["by Neil Gaiman"]),
        ('<p>Written by <a href="/x"> </a> <a href="/y">Name</a></p>', ["Written by Name"]),
        ('<div><a href="/a"> </a><p>Intro <a href="/b">B</a></p></div>', ["Intro B"]),
        ("<p><span><b>A</b> </span><i>B</i></p>", ["A B"]),
        # no space in the page, none in the text
        ("<p>Hel<b>lo</b> world</p>", ["Hello world"]),
        ("<p><b>Bold</b>, then plain</p>", ["Bold, then plain"]),
        ("<p>A<span></span>B</p>", ["AB"]),
        # indentation between blocks makes no block of its own
        ("<div>\n  <p>One</p>\n  <p>Two</p>\n</div>", ["One", "Two"]),
        ("<div>\n  \n</div>", []),
        # text around a nested block is its own block
        ("<div>Before<p>Inside</p>After</div>", ["Before", "Inside", "After"]),
        ("<p>line<br>break</p>", ["line", "break"]),
    ],
)
def test_walk_keeps_the_page_spacing(html: str, texts: list[str]) -> None:
    assert _texts(html) == texts


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Caf\u00c3\u00a9 de Flore</p>", "Café de Flore"),  # mojibake
        ("<p>Tom &amp;amp; Jerry</p>", "Tom & Jerry"),  # an entity escaped twice
        ("<p>soft\u00adhy\u200bphen</p>", "softhyphen"),  # invisible characters
        ("<p>  many \t spaces \n here </p>", "many spaces here"),
        ("<p>e\u0301t\u00e9</p>", "\u00e9t\u00e9"),  # NFC
    ],
)
def test_walk_repairs_text(html: str, text: str) -> None:
    assert _texts(html) == [text]


def test_link_density_counts_the_text_inside_links() -> None:
    blocks = parse_html("<p><a>Home</a> <a>Books</a></p><p>A sentence with one <a>link</a> in it.</p>").blocks
    assert [round(b.link_density, 2) for b in blocks] == [0.9, 0.13]  # 9 of 10 characters; 4 of 31


def test_metadata_is_read_and_invisible_elements_dropped() -> None:
    """One query reads the head and the microdata and drops what no reader sees."""
    page = parse_html(
        "<html><head><title>The Title | Shop</title>"
        '<link rel="Canonical" href="https://shop.example/b/1">'
        '<meta property="og:title" content="The Title">'
        '<script type="application/ld+json">{"@type": "Book"}</script></head>'
        "<body><svg><title>icon</title></svg><noscript><p>Enable JavaScript</p></noscript>"
        '<div itemscope itemtype="https://schema.org/Book" role="main">'
        '<h1 itemprop="name" role="heading">The Title</h1></div>'
        "<script>var x = 1;</script><p>Text</p></body></html>"
    )
    assert page.title_tag == "The Title | Shop"  # the head's, not the icon's
    assert page.canonical == "https://shop.example/b/1"
    assert page.meta == {"og:title": ["The Title"]}
    assert page.jsonld == ['{"@type": "Book"}']
    assert [(m.item_type, m.prop, m.value) for m in page.microdata] == [("Book", "name", "The Title")]
    assert [b.text for b in page.blocks] == ["The Title", "Text"]


def test_labelled_is_replace_for_every_field() -> None:
    # Block.labelled spells the fields out; a field added to Block must be added there too.
    import dataclasses

    from scraper.blocks import Block

    # every field a value of its own, so a field copied into the wrong place shows
    values: dict[str, object] = {}
    for n, f in enumerate(dataclasses.fields(Block)):
        if f.name != "text":
            kind = type(f.default)
            values[f.name] = {str: f"{f.name}-value", int: n + 2, float: n / 10, bool: True}[kind]
    block = Block("Publisher: Gollancz", **values)  # type: ignore[arg-type]
    assert len(set(map(repr, values.values()))) == len(values)
    assert block.labelled("Publisher", "Gollancz") == dataclasses.replace(block, label="Publisher", value="Gollancz")
