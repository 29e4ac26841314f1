"""PARSE: bytes -> decoded text -> :class:`ParsedPage` (ordered blocks + embedded metadata).

HTML goes through selectolax (Lexbor) exactly once. One walk over the body
turns block-level elements into :class:`~scraper.blocks.Block` objects that
remember their heading level, the page furniture they sit in (nav, footer,
dialog, hidden...), their link density and a short DOM path. Before the walk
the embedded machine-readable copies of the record (JSON-LD, meta tags,
microdata, COinS) are read off the same tree for the structured readers.

A text dump becomes one block per non-empty line, which is how WET files and
"every visible text node" converters lay pages out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from selectolax import lexbor
from selectolax.lexbor import LexborHTMLParser, LexborNode

from normalizers import text as text_module
from normalizers.text import fold, has_mojibake, normalize_text
from scraper.blocks import Block
from scraper.compiled import compiled_module
from scraper.decode import declared_charset, decode_bytes, sniff_kind
from scraper.labels import DESCRIPTION_LABELS, EXCERPT_LABELS, field_for_label
from scraper.sources import MediaKind, RawPage

__all__ = ["MicrodataProp", "ParsedPage", "parse_html", "parse_page", "parse_text"]


@dataclass(frozen=True, slots=True)
class MicrodataProp:
    """One ``itemprop`` value and the ``itemtype`` of the item it belongs to."""

    item_type: str
    item_id: int  # identity of the owning itemscope element (to group props per item)
    prop: str
    value: str
    depth: int  # how many itemscopes enclose the owner: 0 is top-level
    ref: int = 0  # for a prop whose value is an item (a Person as author): that item's item_id
    parent_id: int = 0  # the item enclosing the owning item, 0 at top level


@dataclass(slots=True)
class ParsedPage:
    """Everything later stages read: blocks plus the page's embedded metadata."""

    kind: MediaKind
    blocks: list[Block]
    title_tag: str = ""
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name/property -> contents
    jsonld: list[str] = field(default_factory=list)  # raw <script type=application/ld+json> bodies
    microdata: list[MicrodataProp] = field(default_factory=list)
    coins: list[str] = field(default_factory=list)  # title attributes of span.Z3988
    app_state: list[str] = field(default_factory=list)  # JSON app state (Next.js, Nuxt) that names a publisher
    canonical: str = ""
    charset: str = ""
    # The HTML tree the page was read from, for site adapters (which read attributes the
    # blocks do not keep) so they need no second parse. Held while the page is cleaned;
    # a parse kept for later (a learning pass's cache) drops it, as trees are large.
    tree: LexborHTMLParser | None = field(default=None, repr=False, compare=False)


# --- HTML ------------------------------------------------------------------

# Elements whose content is never visible text.
_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "math"]

# Inline elements join their text into the enclosing block; everything else
# (including unknown custom elements, which sites mostly use as boxes) starts a block.
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
        "img",
        "input",
        "label",
        "nobr",
        "tt",
        "big",
    ]
)
# header/footer are page furniture only at page level: inside an article or main
# they introduce or close the content itself (HTML's sectioning rules).
_SECTIONING = frozenset({"article", "main"})
# A chrome element holding this share of the page's text is a wrapper (an
# ASP.NET <form> around everything, a <header> around the product), not furniture.
_WRAPPER_SHARE = 0.4
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


# Page furniture, by kind. The first kind an element matches wins, so the
# invisible kinds come first: hidden text is hidden wherever it sits. As CSS:
#   hidden  [hidden], [aria-hidden=true], [style*='display:none'], [style*='display: none']
#   dialog  dialog, [role=dialog], [role=alertdialog], [aria-modal=true]
#   alert   [role=alert]
#   search  [role=search]
#   nav     nav, [role=navigation], [role=menu], [role=menubar], [role=tablist]
#   header  header, [role=banner]
#   footer  footer, [role=contentinfo]
#   aside   aside, [role=complementary]
#   button  button, [role=button], [role=toolbar]
#   select  select
#   form    form
# Matching is split in two so the page is searched once, not once per kind:
# one Lexbor query finds the few elements that carry any of these attributes
# (_marks matches them in Python, with the selectors' exact semantics), and
# the walk, which looks at every element's tag anyway, matches the tags.
_MARK_QUERY = "[hidden], [aria-hidden], [style], [role], [aria-modal]"
_MARK_ATTRS = frozenset({"hidden", "aria-hidden", "style", "role", "aria-modal"})
_ROLE_KIND = {
    "dialog": "dialog",
    "alertdialog": "dialog",
    "alert": "alert",
    "search": "search",
    "navigation": "nav",
    "menu": "nav",
    "menubar": "nav",
    "tablist": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "aside",
    "button": "button",
    "toolbar": "button",
}
_TAG_KIND = {
    "dialog": "dialog",
    "nav": "nav",
    "header": "header",
    "footer": "footer",
    "aside": "aside",
    "button": "button",
    "select": "select",
    "form": "form",
}
_KIND_ORDER = ("hidden", "dialog", "alert", "search", "nav", "header", "footer", "aside", "button", "select", "form")
_PAGE_LEVEL_KINDS = frozenset({"header", "footer"})  # not furniture inside <article> or <main>
_UNBOUNDED_KINDS = frozenset({"hidden", "button", "select"})  # never taken for a wrapper


def _chrome_kinds(tag: str | None, attrs: Mapping[str, str | None]) -> tuple[str, ...]:
    """Every chrome kind an element matches, in precedence order.

    >>> _chrome_kinds("nav", {"role": "banner", "style": "x; display: none"})
    ('hidden', 'nav', 'header')
    >>> _chrome_kinds("div", {"aria-hidden": "TRUE", "role": None})
    ()
    """
    found: list[str] = []
    style = attrs.get("style")
    if (
        "hidden" in attrs
        or attrs.get("aria-hidden") == "true"
        or (style is not None and ("display:none" in style or "display: none" in style))
    ):
        found.append("hidden")
    if attrs.get("aria-modal") == "true":
        found.append("dialog")
    role = attrs.get("role")
    for kind in (_ROLE_KIND.get(role) if role is not None else None, _TAG_KIND.get(tag) if tag is not None else None):
        if kind is not None and kind not in found:
            found.append(kind)
    if len(found) > 1:
        found.sort(key=_KIND_ORDER.index)
    return tuple(found)


def _aria_level(attrs: Mapping[str, str | None]) -> int:
    """The heading level an element with role=heading claims (2 when it does not say)."""
    level = attrs.get("aria-level") or "2"
    return int(level) if level.isdigit() else 2


def _mark(tag: str | None, attrs: Mapping[str, str | None]) -> tuple[tuple[str, ...], int] | None:
    """What an element's attributes make it: its chrome kinds (its tag's included, in
    precedence order) and its ARIA heading level (0 when it is no heading), or None.

    >>> _mark("div", {"role": "heading", "aria-level": "3"}), _mark("div", {"style": "color: red"})
    (((), 3), None)
    """
    role = attrs.get("role")
    style = attrs.get("style")
    if not (
        role in _ROLE_KIND
        or role == "heading"
        or "hidden" in attrs
        or attrs.get("aria-hidden") == "true"
        or attrs.get("aria-modal") == "true"
        or (style is not None and ("display:none" in style or "display: none" in style))
    ):
        return None  # a style or role that marks nothing: the walk matches its tag alone
    kinds = _chrome_kinds(tag, attrs)
    level = _aria_level(attrs) if role == "heading" else 0
    return (kinds, level) if kinds or level else None


def _marks(candidates: list[tuple[LexborNode, dict[str, str | None]]]) -> dict[int, tuple[tuple[str, ...], int]]:
    """Elements (by ``mem_id``) whose attributes make them furniture or a heading (see ``_mark``).

    ``candidates`` are the elements that carry any attribute of ``_MARK_QUERY``, with their attributes.
    """
    marks: dict[int, tuple[tuple[str, ...], int]] = {}
    for node, attrs in candidates:
        mark = _mark(node.tag, attrs)
        if mark is not None:
            marks[node.mem_id] = mark
    return marks


def _tag_ids(names: list[str]) -> dict[str, int]:
    """Lexbor's numeric tag id for each standard tag name (the walk compares ints, not strings)."""
    ids: dict[str, int] = {}
    for name in names:
        node = LexborHTMLParser(f"<body><{name}></{name}></body>").css_first(name)
        if node is None or node.tag != name:
            raise RuntimeError(f"selectolax does not know the tag {name!r}")
        ids[name] = node.tag_id
    return ids


def _text_id() -> int:
    """Lexbor's tag id for text nodes."""
    p = LexborHTMLParser("<p>x</p>").css_first("p")
    text = p.first_child if p is not None else None
    if text is None or text.tag != "-text":
        raise RuntimeError("selectolax gives text nodes no tag id")
    return text.tag_id


_TEXT_ID = _text_id()
_INLINE_IDS = frozenset(_tag_ids(sorted(_INLINE)).values())
_A_ID = _tag_ids(["a"])["a"]
_BR_ID = _tag_ids(["br"])["br"]
_HEADING_IDS = {tag_id: _HEADING[name] for name, tag_id in _tag_ids(sorted(_HEADING)).items()}
_SECTIONING_IDS = frozenset(_tag_ids(sorted(_SECTIONING)).values())
_TAG_KIND_IDS = {tag_id: (_TAG_KIND[name],) for name, tag_id in _tag_ids(sorted(_TAG_KIND)).items()}
_PATH_STOP_IDS = frozenset(_tag_ids(["body", "html"]).values())  # a DOM path stops below <body>
_HTML_ID = _tag_ids(["html"])["html"]
_INVISIBLE_IDS = frozenset(LexborHTMLParser("").create_node(name).tag_id for name in _INVISIBLE_TAGS)


def _walk(
    tree: LexborHTMLParser,
    body: LexborNode,
    marks: dict[int, tuple[tuple[str, ...], int]] | None,
    body_length: int = -1,
) -> tuple[list[Block], bool]:
    """The body's blocks, and whether the tree is still as parsed.

    Through the compiled walk when it is built and usable, which leaves the
    tree as it is, else in Python, after the invisible elements are taken out.
    ``marks`` is None when ``_scan`` left them to the compiled walk, which reads
    them off the elements as it goes. ``body_length`` is the body's text length
    as the compiled walk counts it, when the compiled scan read it (else -1).
    """
    if _COMPILED is not None:
        try:
            blocks: list[Block] = _COMPILED.walk(body, body_length)
            return blocks, marks is None
        except _FALLBACK:
            pass  # a tag or a depth it does not know: the Python walk gives the same blocks
    if marks is None:
        # The scan left the marks and the invisible elements to the compiled walk.
        marks = _marks([(node, node.attributes) for node in tree.css(_MARK_QUERY)])
        _remove_invisible(tree.css(_INVISIBLE_QUERY))
    return _walk_python(body, marks), False


def _walk_python(body: LexborNode, marks: dict[int, tuple[tuple[str, ...], int]]) -> list[Block]:
    """One pass over the body, emitting blocks in document order.

    ``scraper/walk_compiled.pyx`` follows this function line by line: a change
    here is a change there (``tests/test_walk_compiled.py`` holds them together).

    A block is a run of text between two block-level boundaries (the start or
    end of any element that is not inline, a ``<br>``, a chrome element),
    tagged with the innermost block-level element around it. A chrome element
    becomes one block flagged with its kind, and its subtree is not walked.

    The hot loop of the whole tool: tag ids instead of tag names, and tag
    names, DOM paths and the page's text length looked up only when needed.
    Each run is checked for mojibake on its own (``normalize_text``'s default):
    a run is a stretch of the body's text, so the checks find exactly what one
    check of the whole body's text would.
    """
    blocks: list[Block] = []
    emit = blocks.append
    parts: list[str] = []
    add = parts.append
    link_chars = 0
    last_link: list[Any] = [-1, None]  # where the last link's text ended in parts, and the link
    limit = -1.0  # the wrapper limit, once the body's text length is known
    names: dict[int, str | None] = {}  # tag id -> tag name, for this document
    steps: dict[int, str] = {}  # mem_id -> path step of a block's parent ("tag.first-class")
    path_stop = _PATH_STOP_IDS
    inline = _INLINE_IDS
    text_id = _TEXT_ID
    a_id = _A_ID
    br_id = _BR_ID
    headings = _HEADING_IDS
    sectioning = _SECTIONING_IDS
    tag_kinds = _TAG_KIND_IDS
    recurse: list[Callable[[LexborNode, int, LexborNode | None, str, bool, bool], None]] = []

    def path_of(node: LexborNode, name: str) -> str:
        # A short DOM-path signature: the element and its parent, as "tag.first-class".
        step = _step(name, node)
        parent = node.parent
        if parent is None or parent.tag_id in path_stop:
            return step
        key = parent.mem_id
        parent_step = steps.get(key)
        if parent_step is None:
            parent_step = steps[key] = _step(parent.tag or "", parent)
        return f"{parent_step}>{step}"

    def chrome_kind(node: LexborNode, kinds: tuple[str, ...], in_section: bool) -> str:
        # The first kind whose conditions hold: header/footer only at page level,
        # and no element holding _WRAPPER_SHARE of the page's text (a wrapper).
        nonlocal limit
        length = -1
        for kind in kinds:
            if in_section and kind in _PAGE_LEVEL_KINDS:
                continue
            if kind not in _UNBOUNDED_KINDS:
                if limit < 0:
                    limit = _WRAPPER_SHARE * max(len(body.text(deep=True)), 1)
                if length < 0:
                    length = len(node.text(deep=True))
                if length > limit:
                    continue
            return kind
        return ""

    def flush(block: LexborNode | None, name: str, heading: int) -> None:
        # Turn the pending run into a block. Most runs are the indentation between
        # two elements: those are dropped before any other work.
        nonlocal link_chars
        raw = "".join(parts)
        parts.clear()
        last_link[0] = -1
        if raw.isspace():
            return  # (no link text either: link_chars counts stripped text)
        chars, link_chars = link_chars, 0
        text = normalize_text(raw)
        if not text:
            return
        density = min(1.0, chars / max(len(raw.strip()), 1))
        emit(Block(text, name, heading, "", density, "" if block is None else path_of(block, name)))

    def walk(
        node: LexborNode, heading: int, block: LexborNode | None, block_name: str, in_link: bool, in_section: bool
    ) -> None:
        nonlocal link_chars
        # Whitespace-only text nodes (the indentation between elements, nearly
        # half of a page's nodes) are skipped in C; the one place they matter,
        # a space between two inline elements, is put back below.
        for child in node.iter(include_text=True, skip_empty=True):
            tag_id = child.tag_id
            if tag_id == text_id:
                text = child.text_content or ""
                if parts and text[:1] not in _SPACES and parts[-1][-1:] not in _SPACES and _after_space(child):
                    add(" ")  # "A<!-- --> <!-- -->B": the skipped node was the only space
                add(text)
                if in_link:
                    link_chars += len(parts[-1].strip())
                continue
            mark = marks.get(child.mem_id) if marks else None
            kinds = tag_kinds.get(tag_id) if mark is None else mark[0]
            if kinds:
                kind = chrome_kind(child, kinds, in_section)
                if kind:
                    # Furniture is not walked node by node: the whole element becomes one
                    # block flagged with its chrome kind, which the residue step records
                    # as one removal ("this nav bar"), and the walk skips its subtree.
                    if parts:
                        flush(block, block_name, heading)
                    text = normalize_text(_spaced_text(child))
                    if text:
                        tag = child.tag
                        emit(Block(text, tag or "div", 0, kind, 0.0, path_of(child, tag or "")))
                    continue
            if tag_id in inline:
                if tag_id == a_id and parts and last_link[0] == len(parts) and _other_target(last_link[1], child):
                    # Links to different pages with nothing (or only space) between them
                    # are a list ("<td><a href=/a1>Thierry Culliford</a> <a href=/a2>Yvan
                    # Delporte</a></td>"): kept apart as a reader sees them. Two links to
                    # one page are one item in pieces ("<a>Marloes</a> <a>van der Heijden</a>").
                    parts[-1] = parts[-1].rstrip()
                    add("; ")
                    link_chars += 1  # the separator belongs to the links (its ";")
                elif parts and parts[-1][-1:] not in _SPACES and _after_space(child):
                    add(" ")  # "<b>A</b> <i>B</i>": the skipped node kept the words apart
                first = child.first_child
                if first is None:
                    continue
                before = len(parts)
                if first.next is None and first.tag_id == text_id:
                    # the common inline element: one text node, no recursion needed
                    text = first.text_content or ""
                    add(text)
                    if in_link or tag_id == a_id:
                        link_chars += len(text.strip())
                else:
                    recurse[0](child, heading, block, block_name, in_link or tag_id == a_id, in_section)
                if tag_id == a_id and len(parts) > before and not "".join(parts[before:]).isspace():
                    last_link[:] = [len(parts), child]  # (an image link, or a blank one, lists nothing)
                continue
            name = names.get(tag_id, "")
            if name == "":
                name = names[tag_id] = child.tag
            if name is None or name[0] in "#-":
                continue  # comments, doctypes: no text, no boundary
            if parts:
                if len(parts) == 1 and parts[0].isspace():
                    parts.clear()  # blank inline text before a block (a "<span> </span>")
                    last_link[0] = -1
                else:
                    flush(block, block_name, heading)
            if tag_id == br_id:
                continue
            level = headings.get(tag_id, 0) or (0 if mark is None else mark[1]) or heading
            first = child.first_child
            if first is None:
                continue
            if first.next is None and first.tag_id == text_id:
                # the common block: one text node ("<td>Publisher</td>"), no recursion needed
                text = first.text_content or ""
                add(text)
                if in_link:
                    link_chars += len(text.strip())
                flush(child, name, level)
                continue
            recurse[0](child, level, child, name, in_link, in_section or tag_id in sectioning)
            if parts:
                flush(child, name, level)

    # walk() recurses through this list rather than its own name: a function in its
    # own closure is a reference cycle, which would keep the whole Lexbor document
    # alive until the next garbage collection.
    recurse.append(walk)
    try:
        walk(body, 0, None, "body", False, False)
    finally:
        recurse.clear()
    if parts:
        flush(None, "body", 0)
    return blocks


# What the HTML parser counts as whitespace (its empty text nodes hold only these).
_SPACES = frozenset(" \t\n\r\f")


def _after_space(node: LexborNode) -> bool:
    """True when a whitespace-only text node ends right before ``node`` (comments aside).

    It may be the last thing inside the element before: "<u><b>NOTE</b>\n</u>:".
    """
    prev = node.prev
    while prev is not None:
        if prev.is_empty_text_node:
            return True
        if prev.is_comment_node:
            prev = prev.prev
        elif prev.is_element_node:
            prev = prev.last_child
        else:
            return False
    return False


def _other_target(before: LexborNode | None, link: LexborNode) -> bool:
    """True when two links point to different pages (both with an address)."""
    if before is None:
        return False
    href = link.attributes.get("href")
    other = before.attributes.get("href")
    return bool(href and other and href != other)


def _spaced_text(node: LexborNode) -> str:
    """A chrome element's text, its text nodes joined by spaces.

    Whitespace-only text nodes are left out: once whitespace is folded the text
    is the same, unless it has mojibake, where ftfy gets it exactly as it was.
    """
    text = node.text(deep=True, separator=" ", skip_empty=True)
    if has_mojibake(text):
        return node.text(deep=True, separator=" ")
    return text


def _step(tag: str, node: LexborNode) -> str:
    cls = node.attributes.get("class")
    return f"{tag}.{cls.split()[0]}" if cls and cls.strip() else tag


def _python_blocks(html: str | bytes) -> list[Block]:
    """The Python walk's blocks for a document: the scan (marks, invisible elements removed), then the walk."""
    tree = LexborHTMLParser(html)
    marks = _scan(tree, ParsedPage(kind="html", blocks=[])) or {}
    return _walk_python(tree.body, marks) if tree.body is not None else []


def _compiled_blocks(walker: Any, html: str | bytes, *, scanner: Any = None) -> list[Block]:
    """A compiled walker's blocks for a document, read as ``parse_html`` reads it.

    With ``scanner``, the body's text length is the one its scan reads, as in
    ``parse_html``; without, the walk counts it itself.
    """
    tree = LexborHTMLParser(html)
    nodes, body_length = scanner.scan(tree, walker) if scanner is not None else (None, -1)
    _scan(tree, ParsedPage(kind="html", blocks=[]), for_compiled=True, nodes=nodes)
    blocks: list[Block] = walker.walk(tree.body, body_length) if tree.body is not None else []
    return blocks


class _NoFallback(Exception):
    """Never raised: the walk's fallback signal while no compiled walk is loaded."""


def _compiled_walker() -> tuple[Any, type[Exception]]:
    """The compiled walk (``scraper/walk_compiled.pyx``) and its fallback signal, or None to walk in Python.

    None when the extension was not built (no C compiler at install), when
    selectolax bundles another Lexbor than the one its structures were copied
    from, when it is turned off (``scraper.compiled``), when it reads a probe
    page's nodes differently from selectolax or its blocks differently from the
    Python walk, or when anything in these checks raises.
    """
    walk_compiled = compiled_module("scraper.walk_compiled")
    if walk_compiled is None:
        return None, _NoFallback
    if (lexbor.LEXBOR_VERSION_MAJOR, lexbor.LEXBOR_VERSION_MINOR) != walk_compiled.LEXBOR_VERSION:
        return None, _NoFallback
    try:
        probe = LexborHTMLParser("")
        static_names = {}
        for name in walk_compiled.LEXBOR_TAG_NAMES:
            node = probe.create_node(name)
            if node.tag == name:
                static_names[node.tag_id] = name
        walker = walk_compiled.Walker(
            normalize_text=normalize_text,
            tidy=text_module._TIDY,
            has_mojibake=has_mojibake,
            Block=Block,
            mark_of=_mark,
            invisible=_INVISIBLE_IDS,
            static_names=static_names,
            headings=_HEADING_IDS,
            tag_kinds=_TAG_KIND_IDS,
            inline=_INLINE_IDS,
            sectioning=_SECTIONING_IDS,
            path_stop=_PATH_STOP_IDS,
            page_level=_PAGE_LEVEL_KINDS,
            unbounded=_UNBOUNDED_KINDS,
            spaces=_SPACES,
            share=_WRAPPER_SHARE,
            text_id=_TEXT_ID,
            a_id=_A_ID,
            br_id=_BR_ID,
        )
        # First the structures, node by node against selectolax's answers; then the walk.
        layout = LexborHTMLParser(_PROBES[0])
        if layout.body is None or not all(walker.reads_like(node) for node in layout.body.traverse(include_text=True)):
            return None, _NoFallback
        for html in _PROBES:
            if _compiled_blocks(walker, html) != _python_blocks(html):
                return None, _NoFallback
    except Exception:  # any surprise here means: walk in Python
        return None, _NoFallback
    return walker, walk_compiled.Fallback


# Pages that touch every branch of the walk, read both ways before the compiled walk is trusted.
_PROBES = (
    "<html><body><header class='top bar'><nav>Home <a href=/a>A</a></nav></header>"
    "<main><article><header><h1 class=t>The <b>Title</b></h1></header>"
    "<p>Some <a href=/x>link</a> <a href=/y>other</a> and <i>it</i><!-- c --> <em>more</em>.</p>"
    "<div role=heading aria-level=3>Aria</div><x-box data-a=1>Custom <span> </span>box</x-box>"
    "<ul><li>One</li><li><a href=/1>Two</a><a href=/2>Three</a></li></ul>"
    "<table><tr><td>Publisher</td><td>Gollancz<br>London</td></tr></table>"
    "<footer>Inside</footer></article></main>"
    "<div hidden>secret</div><div style='display: none'>gone</div><p aria-hidden=true>aria</p>"
    "<div aria-modal=true role=presentation>modal</div><span role=navigation style='color: red'>menu</span>"
    "<aside>Also bought \u00e9t\u00e9 caf\u00c3\u00a9</aside><form><button>Buy</button><select><option>1</option>"
    "</select></form><footer>\u00a9 2024 Shop</footer>Tail text</body></html>",
    "<body><form id=aspnet><div class=product><h1>Wrapped</h1><p>All the page sits in one form.</p></div>"
    "</form></body>",
    "<body>&amp;amp; \u00ad\u200b text\ufeff<p></p><p> </p><span>x</span><div><span>a</span>\n<span>b</span>"
    "</div></body>",
)


# Everything read off the tree before the walk, in one query: each Lexbor query
# walks the whole document (about 0.3 ms on a 500 KB store page, whatever it
# selects), and the metadata, microdata, furniture marks and invisible
# elements took a dozen (0.87 -> 0.61 ms per corpus page). Results come in
# document order, an element once per selector it matches.
_METADATA = ["title", "meta[content]", "link[rel=canonical]", "span.Z3988[title]", "[itemprop]"]
_INVISIBLE_QUERY = ", ".join(_INVISIBLE_TAGS)
_SCAN_QUERY = ", ".join([*_METADATA, _MARK_QUERY, _INVISIBLE_QUERY])
# What the scan asks for when the compiled walk reads the marks and passes over the
# invisible elements itself: only a script with a type can be metadata (JSON-LD, app state).
_METADATA_QUERY = ", ".join([*_METADATA, "script[type]"])
_INVISIBLE = frozenset(_INVISIBLE_TAGS)


def _scan(
    tree: LexborHTMLParser, page: ParsedPage, *, for_compiled: bool = False, nodes: list[LexborNode] | None = None
) -> dict[int, tuple[tuple[str, ...], int]] | None:
    """Read the page's metadata, find the furniture marks, and drop the invisible elements.

    Returns the marks for the walk (see ``_marks``). ``for_compiled`` reads the
    metadata alone and returns None: the compiled walk reads the marks off the
    elements and passes over invisible ones itself, which spares the query
    half its matches (every element with a style or a role, every script and svg).
    ``nodes`` are the metadata query's elements when the caller has them already.
    """
    invisible: list[LexborNode] = []
    marked: list[tuple[LexborNode, dict[str, str | None]]] = []
    props: list[tuple[LexborNode, dict[str, str | None]]] = []
    title: LexborNode | None = None
    seen: set[int] = set()
    if nodes is None:
        if for_compiled and _SCANNER is not None:
            nodes = _SCANNER.nodes(tree)  # the metadata query's elements, without a Lexbor query
        else:
            nodes = tree.css(_METADATA_QUERY if for_compiled else _SCAN_QUERY)
    for node in nodes:
        key = node.mem_id
        if key in seen:
            continue
        seen.add(key)
        tag = node.tag or ""
        attrs = node.attributes
        if "itemprop" in attrs:
            props.append((node, attrs))
        if not for_compiled and not _MARK_ATTRS.isdisjoint(attrs):
            marked.append((node, attrs))
        if tag in _INVISIBLE:
            invisible.append(node)
            if tag == "script":
                kind = (attrs.get("type") or "").lower()
                if "ld+json" in kind:
                    page.jsonld.append(node.text(deep=True))
                elif kind == "application/json":
                    body = node.text(deep=True)
                    if '"publisher"' in body:  # only app state that may describe a book is kept
                        page.app_state.append(body)
        elif tag == "title":
            title = title or node
        elif tag == "meta":
            name = attrs.get("property") or attrs.get("name")  # <meta itemprop> is microdata, read there
            content = attrs.get("content")
            if name and content:
                page.meta.setdefault(name.strip().lower(), []).append(normalize_text(content, keep_paragraphs=True))
        elif tag == "link":
            if not page.canonical and (attrs.get("rel") or "").lower() == "canonical":
                page.canonical = attrs.get("href") or ""
        elif tag == "span" and "title" in attrs and "Z3988" in (attrs.get("class") or "").split():
            page.coins.append(attrs.get("title") or "")
    page.title_tag = normalize_text(title.text()) if title is not None else ""
    _collect_microdata(props, page)
    if for_compiled:
        return None
    _remove_invisible(invisible)
    return _marks(marked)


def _remove_invisible(nodes: list[LexborNode]) -> None:
    # Last, since the metadata nodes may sit inside them. Children before parents:
    # selectolax 1.0 only unlinks a decomposed node, but a version that freed it
    # would otherwise be handed a child of freed memory.
    for node in reversed(nodes):
        node.decompose()


def _collect_microdata(items: list[tuple[LexborNode, dict[str, str | None]]], page: ParsedPage) -> None:
    # mem_id -> the itemtype's last path segment for an itemscope element, None for
    # any other: props of one item share their ancestors, so each is read once.
    scopes: dict[int, str | None] = {}
    for node, attrs in items:
        owner = node.parent
        depth = 0
        owner_type = ""
        owner_id = 0
        parent_id = 0
        while owner is not None and owner.tag_id != _HTML_ID:
            key = owner.mem_id
            if key in scopes:
                scope = scopes[key]
            else:
                oattrs = owner.attributes
                scope = scopes[key] = (
                    (oattrs.get("itemtype") or "").rsplit("/", 1)[-1] if "itemscope" in oattrs else None
                )
            if scope is not None:
                if not owner_type:
                    owner_type = scope
                    owner_id = key
                else:
                    parent_id = parent_id or key
                    depth += 1
            owner = owner.parent
        props = (attrs.get("itemprop") or "").split()
        if "itemscope" in attrs:
            # A nested item (a Person as author, an Organization as publisher):
            # its own props are collected with it; here the owner's prop points to it.
            nested = (attrs.get("itemtype") or "").rsplit("/", 1)[-1]
            for prop in props:
                page.microdata.append(MicrodataProp(owner_type, owner_id, prop, nested, depth, node.mem_id, parent_id))
            continue
        value = attrs.get("content") or attrs.get("datetime")
        if value is None and "description" in props:
            # Markup kept: the reader turns it into text with its paragraphs.
            value = node.html or ""
            for prop in props:
                page.microdata.append(MicrodataProp(owner_type, owner_id, prop, value, depth, 0, parent_id))
            continue
        if value is None and node.tag in {"a", "link", "img", "area"}:
            # A linked name ("<a itemprop=author href=/authors/OL1A>Alan Moore</a>")
            # is worth more as its text than as the URL the spec would take.
            text = node.text(deep=True, separator=" ").strip()
            value = text or attrs.get("href") or attrs.get("src")
        if value is None:
            value = node.text(deep=True, separator=" ")
        value = normalize_text(value, keep_paragraphs=True)
        for prop in props:
            page.microdata.append(MicrodataProp(owner_type, owner_id, prop, value, depth, 0, parent_id))


def parse_html(text: str | bytes, *, charset: str = "") -> ParsedPage:
    """Parse an HTML document into blocks and embedded metadata.

    >>> page = parse_html("<html><head><title>T | Shop</title></head><body>"
    ...     "<nav><a href=/>Home</a></nav><h1>The Title</h1><p>Some <a>text</a> here.</p></body></html>")
    >>> [(b.text, b.tag, b.heading, b.chrome) for b in page.blocks]
    [('Home', 'nav', 0, 'nav'), ('The Title', 'h1', 1, ''), ('Some text here.', 'p', 0, '')]
    >>> page.title_tag
    'T | Shop'
    """
    tree = LexborHTMLParser(text)
    page = ParsedPage(kind="html", blocks=[], charset=charset)
    nodes, body_length = _SCANNER.scan(tree, _COMPILED) if _SCANNER is not None else (None, -1)
    marks = _scan(tree, page, for_compiled=_COMPILED is not None, nodes=nodes)
    body = tree.body
    if body is None:
        return page
    blocks, intact = _walk(tree, body, marks, body_length)
    page.blocks = pair_labels(blocks)
    # Site adapters may read the tree, but only as parsed: the Python walk took its
    # invisible elements out (a <noscript> an adapter reads, say), so they parse again.
    page.tree = tree if intact else None
    return page


# --- text dumps --------------------------------------------------------------


_TAB_CELLS = re.compile(r"\t+")
_DECORATED_HEADING = re.compile(r"^.{1,40}?\s*(?:[·•.]\s*){4,}$")
_DECORATION = re.compile(r"\s*(?:[·•.]\s*){4,}$")


def parse_text(text: str, *, charset: str = "") -> ParsedPage:
    """Split a text dump into line blocks; a line after a blank line starts a paragraph.

    >>> [(b.text, b.tag) for b in parse_text("Title\\nTitle\\n\\nSynopsis\\nIt was.\\n").blocks]
    [('Title', 'line'), ('Title', 'line'), ('Synopsis', 'para'), ('It was.', 'line')]
    """
    blocks: list[Block] = []
    after_blank = False
    for raw in text.splitlines():
        line = normalize_text(raw)
        if not line:
            after_blank = True
            continue
        cells = [c for c in (normalize_text(c) for c in _TAB_CELLS.split(raw)) if c]
        if len(cells) == 2 and len(cells[0]) <= 40:
            # a table row dumped as "Label<TAB>value": the tab is the only structure left
            blocks.append(Block(text=line, tag="line", label=cells[0].rstrip(" :："), value=cells[1]))
            after_blank = False
            continue
        # "内容简介 · · · · · ·": a label decorated with a dotted rule is a heading.
        heading = 2 if _DECORATED_HEADING.match(line) else 0
        blocks.append(
            Block(
                text=_DECORATION.sub("", line) if heading else line,
                tag="para" if after_blank else "line",
                heading=heading,
            )
        )
        after_blank = False
    return ParsedPage(kind="text", blocks=pair_labels(blocks), charset=charset)


# --- label/value pairing -------------------------------------------------------

_LABEL_SPLIT = re.compile(r"^\s*([^:：]{1,40}?)\s*[:：]\s*(.+)$")
_MAX_LABEL_WORDS = 5


# "ISBN 9781910877586", "EAN 978-…": identifier labels are often printed without a colon.
_IDENTIFIER_LINE = re.compile(
    r"^\s*((?:e-?book\s+)?(?:e-?)?ISBN(?:[- ]?1[03])?|EAN(?:/ISBN)?|GTIN)\s+([\dXx][\d\-Xx ]{8,20})\s*$", re.I
)


_IDENTIFIER_FIRST = frozenset("eEiIgG")


def split_label(text: str) -> tuple[str, str] | None:
    # The identifier pattern is tried only where it can start (e, E, i, I, g, G or a
    # space): most blocks fail on their first character, without a regex call.
    identifier = _IDENTIFIER_LINE.match(text) if text[:1] in _IDENTIFIER_FIRST or text[:1].isspace() else None
    if identifier is not None:
        return identifier.group(1), identifier.group(2).strip()
    if ":" not in text and "：" not in text:
        return None
    match = _LABEL_SPLIT.match(text)
    if not match:
        return None
    label, value = match.group(1), match.group(2).strip()
    if len(label.split()) > _MAX_LABEL_WORDS or not value or label.strip().isdigit():
        return None
    return label.strip(), value


def _is_section_label(text: str) -> bool:
    key = fold(text)
    return key in DESCRIPTION_LABELS or key in EXCERPT_LABELS


def _is_other_label(pending: str, text: str) -> bool:
    """True when ``text``, after the label ``pending``, is a label of its own, not its value.

    A binding or an edition is named with words that label page counts elsewhere
    ("Paperback: 320 pages", "Auflage"): under "Binding" they are the value.

    >>> _is_other_label("Publisher", "ISBN"), _is_other_label("Einband", "Taschenbuch"), _is_other_label("Auflage", "35. Auflage")
    (True, False, False)
    """
    if len(text) > 40:
        return False
    named = field_for_label(text.rstrip(" :："))
    if named is None:
        return False
    return not (field_for_label(pending) in _DETAIL_LABELS and named in _DETAIL_LABELS | {"pages"})


_DETAIL_LABELS = frozenset({"format", "edition"})
_MIN_SECTION_TEXT = 40  # a section's text on its label's line is a sentence or more
_SENTENCE_ENDS = (".", "!", "?", "…", "。", "！", "？", '"', "”", "»", "’")


def _is_section_text(value: str) -> bool:
    """True when the text after a section's label on its line is a sentence or more.

    Not a library's physical description under "Description:", however long.

    >>> _is_section_text("Sethe, an escaped slave, is haunted by the ghost of her baby girl.")
    True
    >>> _is_section_text("xvi, 424 pages : illustrations (some color), maps ; 24 cm")
    False
    """
    value = value.rstrip()
    return len(value) >= _MIN_SECTION_TEXT and (len(value) >= 200 or value.endswith(_SENTENCE_ENDS))


def pair_labels(blocks: list[Block]) -> list[Block]:
    """Attach label/value pairs: "Label: value" in one block, or a label block then its value.

    A block is a label when its text names a known field; a short block
    ending in a colon is a label for the block after it.
    The value block that follows it carries the pair; the label block stays,
    so later steps can still use it as a section marker.

    >>> [(b.label, b.value) for b in pair_labels([Block("Publisher"), Block("Gollancz"),
    ...     Block("ISBN-13 : 978-0575090675"), Block("The Title: A Subtitle"), Block("Binding:"), Block("Cloth")])]
    [('', ''), ('Publisher', 'Gollancz'), ('ISBN-13', '978-0575090675'), ('', ''), ('', ''), ('Binding', 'Cloth')]
    """
    out: list[Block] = []
    pending: str = ""
    for block in blocks:
        text = block.text
        if block.label:
            out.append(block)
            pending = ""
            continue
        if pending and not block.heading and not _is_other_label(pending, text):
            out.append(block.labelled(pending, text))
            pending = ""
            continue
        pending = ""
        # (Only a block with a colon, or that may open with an identifier label, can
        # split: most blocks are passed over here without a call.)
        first = text[:1]
        if ":" in text or "：" in text or first in _IDENTIFIER_FIRST or first.isspace():
            split = split_label(text)
            # Only a known label pairs inside one block: "Title: Subtitle" and
            # "Note: a sentence" have the same shape as "Label: value".
            if split is not None and (
                field_for_label(split[0])
                or (not block.heading and _is_section_text(split[1]) and _is_section_label(split[0]))
            ):
                # (A section's label with its text: "Summary: Sethe, an escaped slave...";
                # not a library's "Description: 275 pages ; 25 cm", its physical description.)
                out.append(block.labelled(split[0], split[1]))
                continue
        out.append(block)
        if len(text) > 40 or block.link_density > 0.5:
            continue  # a menu link ("Uitgevers") names a page, not the value below it
        stripped = text.rstrip(" :：\u200e\u200f")
        if (
            field_for_label(stripped) or (text.endswith((":", "：")) and len(text.split()) <= _MAX_LABEL_WORDS)
        ) and not _is_section_label(text):  # (rarer first: most short blocks are neither)
            pending = stripped
    return out


def parse_page(page: RawPage) -> ParsedPage:
    """Decode and parse one raw page (HTML or text dump, sniffed when unknown)."""
    # Content that looks like HTML is HTML whatever its suffix says; otherwise the
    # suffix (or, with none, the sniff) decides.
    sniffed = sniff_kind(page.data)
    kind: MediaKind = "html" if sniffed == "html" else (page.kind or sniffed)
    if kind == "html":
        charset = declared_charset(page.data, page.charset)
        if charset == "utf-8":
            # Lexbor decodes UTF-8 itself, faster than a Python str round trip.
            return parse_html(page.data, charset=charset)
    text, charset = decode_bytes(page.data, declared=page.charset, html=kind == "html")
    if kind == "html":
        return parse_html(text, charset=charset)
    return parse_text(text, charset=charset)


def _compiled_scanner() -> Any:
    """The compiled metadata scan (``walk_compiled.Scanner``), or None to query Lexbor for it.

    Only beside the compiled walk (so only when it is built, for the right
    Lexbor, and not switched off), and only when selectolax's node objects are
    laid out as it makes them and it gives ``_scan`` the very metadata the
    query gives, on the probe pages.
    """
    walk_compiled = compiled_module("scraper.walk_compiled")
    if _COMPILED is None or walk_compiled is None:
        return None
    try:
        attributes = " ".join(f'{name}=""' for name in walk_compiled._SCAN_ATTRS)
        probe = LexborHTMLParser(f"<p {attributes}>x</p>").css_first("p")
        scanner = walk_compiled.Scanner(
            tag_ids=_tag_ids(["title", "meta", "link", "script", "span"]), node_type=LexborNode, probe=probe
        )
        if not scanner.works_with(probe):
            return None
        for html in _SCAN_PROBES:
            tree = LexborHTMLParser(html)
            if _scanned(tree, scanner) != _scanned(tree, None):
                return None
    except Exception:  # any surprise here means: query Lexbor
        return None
    return scanner


def _scanned(tree: LexborHTMLParser, scanner: Any) -> ParsedPage:
    """What ``_scan`` reads off a tree for the compiled walk, with ``scanner`` or (None) with the query.

    The scan for the compiled walk leaves the tree as it is, so both ways can read one tree.
    """
    global _SCANNER
    kept, _SCANNER = _SCANNER, scanner
    try:
        page = ParsedPage(kind="html", blocks=[])
        _scan(tree, page, for_compiled=True)
        return page
    finally:
        _SCANNER = kept


# Pages with every kind of metadata element, and the near misses, read both ways before the scanner is trusted.
_SCAN_PROBES = (
    "<html><head><title>T | Shop</title><meta name=description content='D'><meta property='og:title' content=O>"
    "<meta charset=utf-8><link rel=stylesheet href=s.css><link rel=CANONICAL href=/c><link rel=canonical href=/d>"
    '<script type=\'application/ld+json\'>{"@type": "Book"}</script><script>var x;</script></head>'
    "<body itemscope itemtype='https://schema.org/Book'><h1 itemprop=name>Name</h1>"
    "<div itemprop=author itemscope itemtype=https://schema.org/Person><span itemprop=name>A. Author</span></div>"
    "<meta itemprop=isbn content=9780306406157><svg><title>icon</title></svg>"
    "<span class='Z3988' title='ctx_ver=Z39.88-2004'></span><span class='z3988' title=x></span><span title=t>s</span>"
    "<template><meta content=hidden><p itemprop=x>t</p></template>"
    '<script type=application/json>{"publisher": "P"}</script></body></html>',
    "<p>no metadata at all</p>",
)

_SCANNER: Any = None
# Last, once every table and helper the compiled walk is given exists.
_COMPILED, _FALLBACK = _compiled_walker()
_SCANNER = _compiled_scanner()
