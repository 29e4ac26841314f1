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
from dataclasses import dataclass, field, replace

from selectolax.lexbor import LexborHTMLParser, LexborNode

from normalizers.text import fold, has_mojibake, normalize_text
from scraper.blocks import Block
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


_CHROME_SELECTORS: tuple[tuple[str, str], ...] = (
    # (chrome kind, CSS selector). The first match for an element wins, so the
    # invisible kinds come first: hidden text is hidden wherever it sits.
    ("hidden", "[hidden], [aria-hidden=true], [style*='display:none'], [style*='display: none']"),
    ("dialog", "dialog, [role=dialog], [role=alertdialog], [aria-modal=true]"),
    ("alert", "[role=alert]"),
    ("search", "[role=search]"),
    ("nav", "nav, [role=navigation], [role=menu], [role=menubar], [role=tablist]"),
    ("header", "header, [role=banner]"),
    ("footer", "footer, [role=contentinfo]"),
    ("aside", "aside, [role=complementary]"),
    ("button", "button, [role=button], [role=toolbar]"),
    ("select", "select"),
    ("form", "form"),
)


def _inside_sectioning(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _SECTIONING:
            return True
        parent = parent.parent
    return False


def _find_chrome(body: LexborNode, body_len: int) -> dict[int, str]:
    """Map each page-furniture element (by ``mem_id``) to its chrome kind.

    Selectors run in Lexbor, so the walk only pays a dict lookup per element.
    """
    found: dict[int, str] = {}
    limit = _WRAPPER_SHARE * max(body_len, 1)
    for kind, selector in _CHROME_SELECTORS:
        for node in body.css(selector):
            key = node.mem_id
            if key in found:
                continue
            if kind in {"header", "footer"} and _inside_sectioning(node):
                continue
            if kind not in {"hidden", "button", "select"} and len(node.text(deep=True)) > limit:
                continue  # a wrapper around the page, not furniture
            found[key] = kind
    return found


class _Walker:
    """One pass over the body, emitting blocks in document order."""

    def __init__(self, chrome: dict[int, str], aria_headings: dict[int, int], *, mojibake: bool) -> None:
        self.chrome = chrome
        self.aria_headings = aria_headings
        self.mojibake = mojibake  # only look for mojibake per block when the page has some
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0

    def flush(self, tag: str, heading: int, block_node: LexborNode | None) -> None:
        raw = "".join(self.parts)
        self.parts = []
        link_chars, self.link_chars = self.link_chars, 0
        if raw.isspace():
            return
        text = normalize_text(raw, check_mojibake=self.mojibake)
        if not text:
            return
        density = min(1.0, link_chars / max(len(raw.strip()), 1))
        path = _path_of(block_node) if block_node is not None else ""
        self.blocks.append(Block(text=text, tag=tag, heading=heading, link_density=density, path=path))

    def emit_chrome(self, node: LexborNode, kind: str) -> None:
        # Furniture is not walked node by node: the whole element becomes one
        # block flagged with its chrome kind, which the residue step records
        # as one removal ("this nav bar"), and the walk skips its subtree.
        text = normalize_text(node.text(deep=True, separator=" "), check_mojibake=self.mojibake)
        if text:
            self.blocks.append(Block(text=text, tag=node.tag or "div", chrome=kind, path=_path_of(node)))

    def walk(
        self, node: LexborNode, heading: int, block_tag: str, block_node: LexborNode | None, in_link: bool
    ) -> None:
        # The hot loop of the whole tool: locals instead of attribute lookups,
        # and flush() only called when there is text to flush.
        chrome = self.chrome
        inline = _INLINE
        parts = self.parts
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                text = child.text_content or ""
                parts.append(text)
                if in_link:
                    self.link_chars += len(text.strip())
                continue
            if tag is None or tag[0] in "#-":
                continue
            if chrome:
                kind = chrome.get(child.mem_id)
                if kind is not None:
                    if parts:
                        self.flush(block_tag, heading, block_node)
                        parts = self.parts
                    self.emit_chrome(child, kind)
                    continue
            if tag in inline:
                first = child.child
                if first is None:
                    continue
                if first.next is None and first.tag == "-text":
                    # the common inline element: one text node, no recursion needed
                    text = first.text_content or ""
                    parts.append(text)
                    if in_link or tag == "a":
                        self.link_chars += len(text.strip())
                    continue
                self.walk(child, heading, block_tag, block_node, in_link or tag == "a")
                parts = self.parts
                continue
            if parts:
                self.flush(block_tag, heading, block_node)
                parts = self.parts
            if tag == "br":
                continue
            level = _HEADING.get(tag, 0) or self.aria_headings.get(child.mem_id, 0) or heading
            if child.child is not None:
                self.walk(child, level, tag, child, in_link)
                if self.parts:
                    self.flush(tag, level, child)
                parts = self.parts


def _path_of(node: LexborNode) -> str:
    """A short DOM-path signature: the element and its parent, as "tag.first-class"."""
    steps: list[str] = []
    current: LexborNode | None = node
    while current is not None and len(steps) < 2 and current.tag not in {"body", "html", None}:
        cls = current.attrs.get("class")
        tag = current.tag or ""
        steps.append(f"{tag}.{cls.split()[0]}" if cls and cls.strip() else tag)
        current = current.parent
    return ">".join(reversed(steps))


def _aria_headings(body: LexborNode) -> dict[int, int]:
    levels: dict[int, int] = {}
    for node in body.css("[role=heading]"):
        level = node.attributes.get("aria-level") or "2"
        levels[node.mem_id] = int(level) if level.isdigit() else 2
    return levels


def _collect_metadata(tree: LexborHTMLParser, page: ParsedPage) -> None:
    head_title = tree.css_first("title")
    page.title_tag = normalize_text(head_title.text()) if head_title is not None else ""
    for node in tree.css("script[type]"):
        kind = (node.attributes.get("type") or "").lower()
        if "ld+json" in kind:
            page.jsonld.append(node.text(deep=True))
        elif kind == "application/json":
            body = node.text(deep=True)
            if '"publisher"' in body:  # only app state that may describe a book is kept
                page.app_state.append(body)
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        content = attrs.get("content")
        if key and content:
            page.meta.setdefault(key.strip().lower(), []).append(normalize_text(content, keep_paragraphs=True))
    canonical = tree.css_first("link[rel=canonical]")
    if canonical is not None:
        page.canonical = canonical.attributes.get("href") or ""
    for node in tree.css("span.Z3988[title]"):
        page.coins.append(node.attributes.get("title") or "")
    _collect_microdata(tree, page)


def _collect_microdata(tree: LexborHTMLParser, page: ParsedPage) -> None:
    for node in tree.css("[itemprop]"):
        attrs = node.attributes
        owner = node.parent
        depth = 0
        owner_type = ""
        owner_id = 0
        while owner is not None and owner.tag != "html":
            oattrs = owner.attributes
            if "itemscope" in oattrs:
                if not owner_type:
                    owner_type = (oattrs.get("itemtype") or "").rsplit("/", 1)[-1]
                    owner_id = owner.mem_id
                else:
                    depth += 1
            owner = owner.parent
        if "itemscope" in attrs:
            continue  # a nested item: its own props are collected with their owner
        value = attrs.get("content") or attrs.get("datetime")
        if value is None and node.tag in {"a", "link", "img", "area"}:
            # A linked name ("<a itemprop=author href=/authors/OL1A>Alan Moore</a>")
            # is worth more as its text than as the URL the spec would take.
            text = node.text(deep=True, separator=" ").strip()
            value = text or attrs.get("href") or attrs.get("src")
        if value is None:
            value = node.text(deep=True, separator=" ")
        value = normalize_text(value, keep_paragraphs=True)
        for prop in (attrs.get("itemprop") or "").split():
            page.microdata.append(MicrodataProp(owner_type, owner_id, prop, value, depth))


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
    _collect_metadata(tree, page)
    tree.strip_tags(_INVISIBLE_TAGS)
    body = tree.body
    if body is None:
        return page
    body_text = body.text(deep=True)
    walker = _Walker(_find_chrome(body, len(body_text)), _aria_headings(body), mojibake=has_mojibake(body_text))
    walker.walk(body, 0, "body", None, False)
    if walker.parts:
        walker.flush("body", 0, None)
    page.blocks = pair_labels(walker.blocks)
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
    r"^\s*((?:e-?)?ISBN(?:[- ]?1[03])?|EAN(?:/ISBN)?|GTIN)\s+([\dXx][\d\-Xx ]{8,20})\s*$", re.I
)


def _split_label(text: str) -> tuple[str, str] | None:
    identifier = _IDENTIFIER_LINE.match(text)
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
            out.append(replace(block, label=pending, value=text))
            pending = ""
            continue
        pending = ""
        split = _split_label(text)
        # Only a known label pairs inside one block: "Title: Subtitle" and
        # "Note: a sentence" have the same shape as "Label: value".
        if split is not None and field_for_label(split[0]):
            out.append(replace(block, label=split[0], value=split[1]))
            continue
        out.append(block)
        if len(text) > 40 or block.link_density > 0.5:
            continue  # a menu link ("Uitgevers") names a page, not the value below it
        stripped = text.rstrip(" :：\u200e\u200f")
        if not _is_section_label(text) and (
            field_for_label(stripped) or (text.endswith((":", "：")) and len(text.split()) <= _MAX_LABEL_WORDS)
        ):
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
