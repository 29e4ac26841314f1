"""The compiled DOM walk gives exactly the Python walk's blocks.

``scraper/walk_compiled.pyx`` reads Lexbor's structures directly and follows
``parse._walk_python`` line by line; these tests hold it to that, block for
block, on the shared corpus, the samples, generated markup and the corners the
walk has (custom elements, bytes Lexbor could not decode, deep nesting, links,
furniture, wrappers). The CI installs with a C compiler, so there the compiled
walk must be active: a silent fall back to Python would hide a broken build.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser
from support import CORPUS, SAMPLES

from scraper import parse
from scraper.blocks import Block
from scraper.parse import ParsedPage, _compiled_blocks, _python_blocks, _scan

BUILT = importlib.util.find_spec("scraper.walk_compiled") is not None
pytestmark = pytest.mark.skipif(not BUILT, reason="the compiled walk was not built (no C compiler at install)")


def _both(html: str | bytes) -> tuple[list[Block], list[Block]]:
    """The compiled walk's blocks and the Python walk's, each on its own parse as parse_html reads it.

    The compiled walk is run twice, counting the body's text length itself and
    taking it from the compiled scan; both must give the Python walk's blocks.
    """
    assert parse._COMPILED is not None
    counted = _compiled_blocks(parse._COMPILED, html)
    if parse._SCANNER is not None:
        assert _compiled_blocks(parse._COMPILED, html, scanner=parse._SCANNER) == counted
    return counted, _python_blocks(html)


def test_compiled_walk_is_active() -> None:
    # Built, the right Lexbor, and it read every probe page as the Python walk does.
    assert parse._COMPILED is not None


def _pages() -> list[Path]:
    pages = sorted((CORPUS / "pages").glob("*.html")) + sorted(SAMPLES.rglob("*.htm*"))
    return [p for p in pages if p.is_file()]


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_same_blocks_on_real_pages(path: Path) -> None:
    compiled, python = _both(path.read_bytes())
    assert compiled == python
    assert compiled  # every page here has text, so an empty walk would be a bug in both


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<body><x-card class='a b'><p>Custom <my-tag>element</my-tag></p></x-card></body>", id="custom"),
        pytest.param(
            "<body><a-very-long-custom-element-name>Long name</a-very-long-custom-element-name></body>",
            id="custom-long-name",
        ),
        pytest.param(b"<body><p>bad \xff\xfe bytes \xe2\x82 cut</p><nav>n\xc3</nav></body>", id="undecodable-bytes"),
        pytest.param(
            "<body><td><a href=/a1>Thierry</a> <a href=/a2>Yvan</a></td><p><a href=/x>Marloes</a> "
            "<a href=/x>van der Heijden</a></p><p><a href=/y><img src=c.jpg></a><a href=/z>Z</a></p></body>",
            id="link-lists",
        ),
        pytest.param(
            "<body><form><div><h1>All of it</h1><p>" + "word " * 200 + "</p></div></form><nav>Menu</nav></body>",
            id="wrapper-form",
        ),
        pytest.param(
            "<body><main><header><h1>In main</h1></header><footer>Closing words</footer></main>"
            "<footer>Site footer</footer></body>",
            id="sectioning",
        ),
        pytest.param(
            "<body><div role=heading aria-level=4>Aria heading</div><span role=navigation>inline nav</span>"
            "<p hidden>h</p><p aria-hidden=true>a</p><div style='display:none'>s</div><div aria-modal=true>m</div>"
            "<nav role=button>both</nav></body>",
            id="marks",
        ),
        pytest.param(
            "<body><div style='color: red; display: none'>a</div><div style='DISPLAY:NONE'>b</div>"
            "<p aria-hidden=TRUE>c</p><p aria-hidden=false>d</p><div aria-modal=false>e</div><p hidden=no>f</p>"
            "<span role=presentation>g</span><div role=banner style='display:none'>h</div><p style>i</p>"
            "<div role=heading aria-level=2 style='x'>j</div><p style='display:nonesuch'>k</p></body>",
            id="mark-values",
        ),
        pytest.param(
            "<body><b> </b><span> </span><p>x</p>A<!-- c --> <!-- d -->B<u><b>N</b>\n</u>:</body>", id="spaces"
        ),
        pytest.param("<body><p>CafÃ© <b>Ã©t</b>Ã©</p><aside>â€œQuotedâ€\x9d</aside></body>", id="mojibake"),
        pytest.param("<body></body>", id="empty"),
        pytest.param(
            "<body><div class='\u00a0wide\u3000x'><p class=' \x0c first second'>a</p><p class='  '>b</p>"
            "<p class=''>c</p><p class='caf\u00e9 y' class=ignored>d</p><p class='\x1ctab\tz'>e</p></div></body>",
            id="class-values",
        ),
        pytest.param(
            "<body><p>a<script>var x = 1;</script>b</p><nav><style>p{}</style>Menu<noscript>No JS</noscript></nav>"
            "<p><b>x</b><template><i>t</i></template> <i>y</i></p><div><svg><title>icon</title></svg></div>"
            "<p>one <iframe src=a></iframe>\n<object>o</object>two</p><div>only <canvas>c</canvas></div></body>",
            id="invisible-elements",
        ),
    ],
)
def test_same_blocks_on_corner_cases(html: str | bytes) -> None:
    compiled, python = _both(html)
    assert compiled == python


def test_deeper_than_the_compiled_walk_goes_falls_back_to_python() -> None:
    html = "<body>" + "<div>" * 450 + "deep <b>text</b><script>x</script>" + "</div>" * 450 + "</body>"
    tree = LexborHTMLParser(html)
    _scan(tree, ParsedPage(kind="html", blocks=[]), for_compiled=True)
    body = tree.body
    assert body is not None and parse._COMPILED is not None
    with pytest.raises(parse._FALLBACK):
        parse._COMPILED.walk(body)
    # What parse_html calls: the Python walk takes over, after the scan's work it had left out.
    blocks, intact = parse._walk(tree, body, None)
    assert blocks == _python_blocks(html)
    assert [b.text for b in blocks] == ["deep text"]
    assert not intact  # the invisible elements were taken out: adapters must parse again


_TAGS = ["p", "div", "span", "a", "b", "li", "ul", "h2", "td", "tr", "table", "br", "nav", "section", "x-box"]
_ATTRS = [
    "",
    " class='c d'",
    " href=/1",
    " href=/2",
    " hidden",
    " role=heading",
    " role=navigation",
    " style='display: none'",
]
_TEXTS = ["Hello", " ", "\n  ", "A B", "Ã©", "&amp;", "\u00ad", "ISBN: 9780306406157", "Publisher:", "é", "\u200b", "x"]
_PIECE = st.one_of(
    st.sampled_from(_TEXTS),
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(_TAGS), st.sampled_from(_ATTRS)),
    st.builds(lambda t: f"</{t}>", st.sampled_from(_TAGS)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECE, max_size=60))
def test_same_blocks_on_generated_markup(pieces: list[str]) -> None:
    compiled, python = _both("<body>" + "".join(pieces) + "</body>")
    assert compiled == python


def test_walk_refuses_what_is_not_a_live_element() -> None:
    assert parse._COMPILED is not None
    tree = LexborHTMLParser("<p>x</p>")
    text = tree.css_first("p").first_child  # type: ignore[union-attr]
    with pytest.raises((ValueError, AttributeError, TypeError)):
        parse._COMPILED.walk(text)
    with pytest.raises((ValueError, AttributeError, TypeError)):
        parse._COMPILED.walk(0)


def test_reads_nodes_as_selectolax_does() -> None:
    assert parse._COMPILED is not None
    tree = LexborHTMLParser(parse._PROBES[0])
    assert tree.body is not None
    nodes = list(tree.body.traverse(include_text=True))
    assert len(nodes) > 40
    assert all(parse._COMPILED.reads_like(node) for node in nodes)


# An Open Library page whose cover's alt text (inside <noscript>) the site adapter reads:
# the Python walk takes <noscript> out of the tree, so the adapter must not be handed it.
_ADAPTER_PAGE = """<html><head><title>Watchmen | Open Library</title>
<link rel=canonical href="https://openlibrary.org/books/OL1M/Watchmen"></head><body>
<div itemscope itemtype="https://schema.org/Book"><h1 itemprop="name">Watchmen</h1>
<h2>by <a itemprop="author" href="/authors/OL1A">Alan Moore</a>,
<a itemprop="author" href="/authors/OL2A">Dave Gibbons</a></h2>
<noscript><img itemprop="image" src="c.jpg" alt="Cover of: Watchmen by Alan Moore, Dave Gibbons, Alan Moore"></noscript>
<p>Publisher: DC Comics</p><p>ISBN 13: 9780930289232</p>
<p>The story of a group of retired superheroes investigating the murder of one of their own.</p>
</div></body></html>"""


def test_pure_python_mode_gives_the_same_records(tmp_path: Path) -> None:
    # CATALOG_SCRAPER_PURE_PYTHON (and an install without a compiler) take the Python code
    # everywhere: the whole command's output must not change, on the samples, the corpus
    # (when beside the clone) and a page a site adapter reads.
    adapter_page = tmp_path / "openlibrary_watchmen.html"
    adapter_page.write_text(_ADAPTER_PAGE, encoding="utf-8")
    corpus = sorted((CORPUS / "pages").glob("*")) if (CORPUS / "pages").is_dir() else []
    pages = [str(p) for p in [*sorted(SAMPLES.rglob("*.htm*")), *corpus, adapter_page]]
    env = {**os.environ, "CATALOG_SCRAPER_PURE_PYTHON": "1"}
    code = (
        "import scraper.parse as p, normalizers.text as t, normalizers.residue as r, sys; "
        "sys.exit(0 if p._COMPILED is None and p._SCANNER is None and t._TIDY is None "
        "and r._PHRASES.fullmatch == r._PHRASES.fullmatch_python else 3)"
    )
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0
    runs = [
        subprocess.run(
            [sys.executable, "-m", "scraper", "clean", "-q", *pages], env=e, capture_output=True, check=True
        ).stdout
        for e in (env, dict(os.environ))
    ]
    assert runs[0] == runs[1]
    assert runs[0].count(b"\n") >= 10


def test_threads_share_one_walker() -> None:
    # Each call walks with its own state, so concurrent pages do not mix.
    pages = [p.read_bytes() for p in _pages()[:6]]
    expected = [_both(data)[1] for data in pages]
    results: dict[int, list[object]] = {}

    def run(i: int) -> None:
        for _ in range(5):
            results[i] = _both(pages[i])[0]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(pages))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(len(pages))] == expected


# --- the compiled metadata scan ---------------------------------------------------


def test_compiled_scanner_is_active() -> None:
    # Beside the compiled walk, with selectolax's node layout as it expects.
    assert parse._SCANNER is not None


def _scan_both(html: str | bytes) -> tuple[ParsedPage, ParsedPage]:
    tree = LexborHTMLParser(html)
    return parse._scanned(tree, parse._SCANNER), parse._scanned(tree, None)


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_scanner_reads_what_the_query_reads_on_real_pages(path: Path) -> None:
    scanned, queried = _scan_both(path.read_bytes())
    assert scanned == queried


@pytest.mark.parametrize("html", parse._SCAN_PROBES)
def test_scanner_reads_what_the_query_reads_on_probes(html: str) -> None:
    scanned, queried = _scan_both(html)
    assert scanned == queried
    assert scanned.meta or html == parse._SCAN_PROBES[-1]  # the first probe has one of each


_SCAN_TAGS = ["title", "meta", "link", "script", "span", "p", "div", "svg", "template", "head", "body", "noscript"]
_SCAN_ATTRS = [
    "",
    " content=c",
    " content",
    " rel=canonical",
    " rel=Canonical",
    " rel='canonical x'",
    " title=t",
    " class=Z3988",
    " class='a z3988'",
    " type=application/ld+json",
    " type=application/json",
    " type=text/javascript",
    " type=APPLICATION/LD+JSON",
    " type='application/json; charset=utf-8'",
    " type=''",
    " type=js\u00f6n",
    " itemprop=name",
    " itemscope itemtype=https://schema.org/Book",
    " name=description",
    " property=og:title",
    " href=/h",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.builds(lambda t, a, b: f"<{t}{a}{b}>", st.sampled_from(_SCAN_TAGS), *[st.sampled_from(_SCAN_ATTRS)] * 2),
            st.builds(lambda t: f"</{t}>", st.sampled_from(_SCAN_TAGS)),
            st.sampled_from(["text", '{"publisher": "P", "@type": "Book"}', "<!doctype html>", " "]),
        ),
        max_size=40,
    )
)
def test_scanner_reads_what_the_query_reads_on_generated_markup(parts: list[str]) -> None:
    scanned, queried = _scan_both("".join(parts))
    assert scanned == queried


def _body_lengths(html: str | bytes) -> tuple[int, int]:
    """The body's text length as the compiled scan reads it, and as the walk counts it."""
    assert parse._COMPILED is not None and parse._SCANNER is not None
    tree = LexborHTMLParser(html)
    _, scanned = parse._SCANNER.scan(tree, parse._COMPILED)
    return scanned, (parse._COMPILED.text_length(tree.body) if tree.body is not None else -1)


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_scan_reads_the_body_length_the_walk_counts(path: Path) -> None:
    data = path.read_bytes()
    scanned, counted = _body_lengths(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert scanned == -1 and counted > 0  # read as bytes, a latin-1 page is not UTF-8: the walk counts
    else:
        assert scanned == counted > 0


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<p>a<script>xx</script><svg><text>yy</text></svg>b</p><template>t</template>", id="invisible"),
        pytest.param("<html><head><title>T</title></head><body></body></html>", id="empty-body"),
        pytest.param("<body><noscript><p>n</p></noscript><div><style>s</style>caf\u00e9</div></body>", id="nested"),
        pytest.param("<body><iframe></iframe><p>x</p><object></object></body>", id="childless-invisible"),
    ],
)
def test_scan_body_length_on_corners(html: str) -> None:
    scanned, counted = _body_lengths(html)
    assert scanned == counted


def test_scan_leaves_invalid_utf8_to_the_walk() -> None:
    scanned, counted = _body_lengths(b"<body><p>bad \xff bytes</p></body>")
    assert scanned == -1 and counted == len("bad \ufffd bytes")
