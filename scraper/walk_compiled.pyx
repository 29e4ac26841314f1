# cython: language_level=3
"""The DOM walk of ``scraper.parse`` (``_walk_python``), compiled.

The walk is the hot loop of the tool: in Python each of a page's ~2,000
nodes costs several calls into selectolax, about 2 ms a page, more than twice
the bare Lexbor parse. Here the same walk reads Lexbor's node structures
directly (``lexbor_layout.h``); only the work per block (normalizing its text,
building the Block) stays in Python, through the very functions the Python
walk calls.

It must give exactly what ``_walk_python`` gives, block for block: the tests
run both over the corpus, the samples and generated documents. Line by line it
follows the Python walk, whose comments say why each step is there. When it
meets what it does not know (a tag id missing from its name table, nesting
deeper than ``_MAX_DEPTH``) it raises :class:`Fallback` and the caller walks
that page in Python.
"""

from libc.stdint cimport uint64_t, uintptr_t
from libc.string cimport memcmp, memcpy
from cpython.unicode cimport PyUnicode_DecodeASCII, PyUnicode_DecodeUTF8
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.object cimport PyObject_GenericSetAttr
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc


cdef extern from "lexbor_layout.h":
    int CS_LEXBOR_MAJOR
    int CS_LEXBOR_MINOR
    int CS_NODE_ELEMENT
    int CS_NODE_TEXT
    int CS_NODE_COMMENT
    uintptr_t CS_TAG_LAST_ENTRY
    uintptr_t CS_ATTR_CLASS
    uintptr_t CS_ATTR_HREF
    uintptr_t CS_ATTR_STYLE
    uintptr_t CS_ATTR_LAST_ENTRY

    ctypedef struct cs_str:
        unsigned char *data
        size_t length

    ctypedef struct cs_node:
        uintptr_t local_name
        cs_node *next
        cs_node *prev
        cs_node *parent
        cs_node *first_child
        cs_node *last_child
        int type

    ctypedef struct cs_attr:
        cs_node node
        uintptr_t qualified_name
        cs_str *value
        cs_attr *next

    ctypedef struct cs_element:
        cs_node node
        uintptr_t qualified_name
        cs_attr *first_attr

    ctypedef struct cs_chardata:
        cs_node node
        cs_str data

    const unsigned char *cs_dynamic_name(uintptr_t id, size_t *length)


LEXBOR_VERSION = (CS_LEXBOR_MAJOR, CS_LEXBOR_MINOR)
# LXB_TAG__TEXT, for the module-level text readers (a Walker's text_id is the same
# id, checked against selectolax when the Walker is made).
cdef uintptr_t _TEXT_TAG = 2
cdef int _MAX_DEPTH = 400  # deeper than any real page; the Python walk decides what happens to such a document


# Element names Lexbor 3.1 gives fixed tag ids (lexbor/tag/res.h), for the walk's name
# table; a fixed id missing from it sends the page to the Python walk (Fallback).
LEXBOR_TAG_NAMES = (
    "fecomponenttransfer", "fediffuselighting", "fedisplacementmap", "fespecularlighting",
    "a", "abbr", "acronym", "address", "altglyph", "altglyphdef", "altglyphitem", "animatecolor",
    "animatemotion", "animatetransform", "annotation-xml", "applet", "area", "article", "aside", "audio",
    "b", "base", "basefont", "bdi", "bdo", "bgsound", "big", "blink", "blockquote", "body", "br", "button",
    "canvas", "caption", "center", "cite", "clippath", "code", "col", "colgroup", "data", "datalist", "dd",
    "del", "desc", "details", "dfn", "dialog", "dir", "div", "dl", "dt", "em", "embed", "feblend",
    "fecolormatrix", "fecomposite", "feconvolvematrix", "fedistantlight", "fedropshadow", "feflood",
    "fefunca", "fefuncb", "fefuncg", "fefuncr", "fegaussianblur", "feimage", "femerge", "femergenode",
    "femorphology", "feoffset", "fepointlight", "fespotlight", "fetile", "feturbulence", "fieldset",
    "figcaption", "figure", "font", "footer", "foreignobject", "form", "frame", "frameset", "glyphref", "h1",
    "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "image", "img",
    "input", "ins", "isindex", "kbd", "keygen", "label", "legend", "li", "lineargradient", "link", "listing",
    "main", "malignmark", "map", "mark", "marquee", "math", "menu", "meta", "meter", "mfenced", "mglyph",
    "mi", "mn", "mo", "ms", "mtext", "multicol", "nav", "nextid", "nobr", "noembed", "noframes", "noscript",
    "object", "ol", "optgroup", "option", "output", "p", "param", "path", "picture", "plaintext", "pre",
    "progress", "q", "radialgradient", "rb", "rp", "rt", "rtc", "ruby", "s", "samp", "script", "search",
    "section", "select", "selectedcontent", "slot", "small", "source", "spacer", "span", "strike", "strong",
    "style", "sub", "summary", "sup", "svg", "table", "tbody", "td", "template", "textarea", "textpath",
    "tfoot", "th", "thead", "time", "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr", "xmp",
)


# Block's fields, in order: the walk fills the first six and leaves the rest at their defaults.
_BLOCK_FIELDS = ("text", "tag", "heading", "chrome", "link_density", "path", "label", "value", "expander_after")


class Fallback(Exception):
    """This page needs the Python walk."""


# --- reading nodes ---------------------------------------------------------------


cdef inline bint _blank_bytes(const unsigned char *data, size_t length) noexcept:
    # selectolax's "empty text node": NULL, empty, or only HTML ASCII whitespace.
    cdef size_t i
    cdef unsigned char c
    if data == NULL:
        return True
    for i in range(length):
        c = data[i]
        if c != 0x20 and c != 0x09 and c != 0x0A and c != 0x0C and c != 0x0D:
            return False
    return True


cdef inline bint _is_empty_text(cs_node *node) noexcept:
    cdef cs_chardata *chars
    if node.type != CS_NODE_TEXT:
        return False
    chars = <cs_chardata *> node
    return _blank_bytes(chars.data.data, chars.data.length)


cdef inline str _text_of(cs_node *node):
    # ``LexborNode.text_content or ""``: a text node's data ("" for any other node).
    cdef cs_chardata *chars = <cs_chardata *> node
    if node.type != CS_NODE_TEXT or chars.data.data == NULL:
        return ""
    return PyUnicode_DecodeUTF8(<char *> chars.data.data, chars.data.length, "replace")


cdef object _decode_str(cs_str *value):
    if value == NULL or value.data == NULL:
        return None
    return PyUnicode_DecodeUTF8(<char *> value.data, value.length, "replace")


cdef inline uintptr_t _attr_id(cs_attr *attr) noexcept:
    # The id of the name LexborNode.attributes keys the attribute by (lxb_dom_attr_qualified_name).
    return attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name


cdef object _attribute(cs_node *node, uintptr_t attr_id):
    # LexborNode.attributes.get(name) for a name with a fixed id: the last such attribute's value.
    cdef cs_attr *attr
    cdef object value = None
    if node.type != CS_NODE_ELEMENT:
        return None
    attr = (<cs_element *> node).first_attr
    while attr != NULL:
        if _attr_id(attr) == attr_id:
            value = _decode_str(attr.value)
        attr = attr.next
    return value


cdef inline bint _value_is(cs_attr *attr, bytes expected) noexcept:
    # the attribute is there and its value is exactly ``expected``
    if attr == NULL or attr.value == NULL or attr.value.data == NULL:
        return False
    return _is_name(attr.value.data, attr.value.length, expected)


cdef inline bint _value_holds(cs_attr *attr, bytes needle) noexcept:
    # the attribute is there and its value contains ``needle`` (bytes of UTF-8, as str's ``in`` on its text)
    cdef size_t n = len(needle)
    cdef size_t i
    cdef const unsigned char *data
    if attr == NULL or attr.value == NULL or attr.value.data == NULL or attr.value.length < n:
        return False
    data = attr.value.data
    for i in range(attr.value.length - n + 1):
        if data[i] == (<const unsigned char *> needle)[0] and memcmp(data + i, <const char *> needle, n) == 0:
            return True
    return False


cdef inline bint _is_name(const unsigned char *name, size_t length, bytes expected) noexcept:
    return length == <size_t> len(expected) and memcmp(name, <const char *> expected, length) == 0


# ``hidden`` below is a Walker's table of the invisible tags (script, style,
# template...) by id. The Python scan removes those elements before its walk; the
# compiled walk, which reads the tree as it comes from the parser, passes over
# them as if removed.


cdef inline bint _is_invisible(cs_node *node, const unsigned char *hidden) noexcept:
    return node.type == CS_NODE_ELEMENT and node.local_name < 256 and hidden[node.local_name]


cdef inline cs_node *_shown(cs_node *node, const unsigned char *hidden) noexcept:
    # ``node``, or the first sibling after it that is not invisible (NULL when none is).
    while node != NULL and _is_invisible(node, hidden):
        node = node.next
    return node


cdef inline cs_node *_shown_before(cs_node *node, const unsigned char *hidden) noexcept:
    # ``node``, or the first sibling before it that is not invisible.
    while node != NULL and _is_invisible(node, hidden):
        node = node.prev
    return node


cdef bint _after_space(cs_node *node, const unsigned char *hidden) noexcept:
    # parse._after_space
    cdef cs_node *prev = _shown_before(node.prev, hidden)
    while prev != NULL:
        if _is_empty_text(prev):
            return True
        if prev.type == CS_NODE_COMMENT:
            prev = _shown_before(prev.prev, hidden)
        elif prev.type == CS_NODE_ELEMENT:
            prev = _shown_before(prev.last_child, hidden)
        else:
            return False
    return False


cdef inline cs_node *_following(cs_node *node, cs_node *root, const unsigned char *hidden) noexcept:
    # The node after ``node`` in document order under ``root`` (NULL past the last),
    # not entering invisible elements: the order LexborNode.text(deep=True) reads in.
    if node.first_child != NULL and not _is_invisible(node, hidden):
        return node.first_child
    while node != root and node.next == NULL:
        node = node.parent
    return NULL if node == root else node.next


cdef void _text_pieces(cs_node *root, list pieces, bint skip_empty, const unsigned char *hidden):
    # The text nodes under ``root`` in document order, as LexborNode.text(deep=True) reads them:
    # every node with the text tag id, except those without data and, with skip_empty, blank ones.
    cdef cs_node *node = root.first_child
    cdef cs_chardata *chars
    while node != NULL:
        if node.local_name == _TEXT_TAG:
            chars = <cs_chardata *> node
            if chars.data.data != NULL and not (skip_empty and _is_empty_text(node)):
                pieces.append(PyBytes_FromStringAndSize(<char *> chars.data.data, chars.data.length))
        node = _following(node, root, hidden)


cdef Py_ssize_t _utf8_length(const unsigned char *data, size_t length) noexcept:
    # Code points in ``data`` when it is well-formed UTF-8, else -1 (then decoding decides).
    # Runs of ASCII are counted eight bytes at a time, as CPython's decoder does.
    cdef size_t i = 0
    cdef size_t need, k
    cdef Py_ssize_t count = 0
    cdef unsigned char c, second
    cdef uint64_t word
    while i < length:
        c = data[i]
        if c < 0x80:
            while i + 8 <= length:
                memcpy(&word, data + i, 8)
                if word & 0x8080808080808080ULL:
                    break
                i += 8
                count += 8
            if i < length and data[i] < 0x80:
                i += 1
                count += 1
            continue
        if 0xC2 <= c <= 0xDF:
            need = 1
        elif 0xE0 <= c <= 0xEF:
            need = 2
        elif 0xF0 <= c <= 0xF4:
            need = 3
        else:
            return -1
        if i + need >= length:
            return -1
        for k in range(1, need + 1):
            if data[i + k] & 0xC0 != 0x80:
                return -1
        second = data[i + 1]
        # overlong forms, UTF-16 surrogates and code points past U+10FFFF
        if (c == 0xE0 and second < 0xA0) or (c == 0xED and second > 0x9F):
            return -1
        if (c == 0xF0 and second < 0x90) or (c == 0xF4 and second > 0x8F):
            return -1
        i += need + 1
        count += 1
    return count


cdef Py_ssize_t _deep_text_length(cs_node *root, const unsigned char *hidden) except -1:
    # len(LexborNode.text(deep=True)), counted without building the string while the text is valid UTF-8.
    cdef cs_node *node = root.first_child
    cdef cs_chardata *chars
    cdef Py_ssize_t total = 0
    cdef Py_ssize_t part
    cdef list pieces
    while node != NULL:
        if node.local_name == _TEXT_TAG:
            chars = <cs_chardata *> node
            if chars.data.data != NULL:
                part = _utf8_length(chars.data.data, chars.data.length)
                if part < 0:
                    pieces = []
                    _text_pieces(root, pieces, False, hidden)
                    return len(b"".join(pieces).decode("utf-8", "replace"))
                total += part
        node = _following(node, root, hidden)
    return total


cdef str _joined_text(cs_node *root, bint skip_empty, const unsigned char *hidden):
    # LexborNode.text(deep=True, separator=" ", skip_empty=skip_empty): the pieces
    # _text_pieces reads, joined by spaces in one buffer and decoded once. One pass
    # over the subtree, the buffer doubling as it fills: a furniture subtree (a
    # site's whole menu) is read once, not measured first and read again.
    cdef cs_node *node = root.first_child
    cdef cs_chardata *chars
    cdef size_t size = 4096
    cdef size_t at = 0
    cdef size_t need
    cdef bint written = False
    cdef char *buffer = <char *> PyMem_Malloc(size)
    cdef char *grown
    if buffer == NULL:
        raise MemoryError()
    try:
        while node != NULL:
            if node.local_name == _TEXT_TAG:
                chars = <cs_chardata *> node
                if chars.data.data != NULL and not (skip_empty and _is_empty_text(node)):
                    need = at + chars.data.length + 1
                    if need > size:
                        while size < need:
                            size *= 2
                        grown = <char *> PyMem_Realloc(buffer, size)
                        if grown == NULL:
                            raise MemoryError()
                        buffer = grown
                    if written:
                        buffer[at] = 32  # the separator
                        at += 1
                    written = True
                    memcpy(buffer + at, chars.data.data, chars.data.length)
                    at += chars.data.length
            node = _following(node, root, hidden)
        return PyUnicode_DecodeUTF8(buffer, at, "replace") if at else ""
    finally:
        PyMem_Free(buffer)


# --- the walk ----------------------------------------------------------------------


cdef inline bint _ascii_space(unsigned char c) noexcept:
    # what str.split() splits on, among ASCII characters
    return c == 0x20 or 0x09 <= c <= 0x0D or 0x1C <= c <= 0x1F


cdef str _step(str tag, cs_node *node):
    # parse._step: "tag.first-class". The first class is cut from the attribute's
    # bytes when they are ASCII; other values take the Python expression.
    cdef cs_attr *attr = (<cs_element *> node).first_attr if node.type == CS_NODE_ELEMENT else NULL
    cdef cs_attr *found = NULL
    cdef const unsigned char *data
    cdef size_t length, i, start
    while attr != NULL:
        if _attr_id(attr) == CS_ATTR_CLASS:
            found = attr  # the last one, as _attribute reads it
        attr = attr.next
    if found == NULL or found.value == NULL or found.value.data == NULL:
        return tag
    data = found.value.data
    length = found.value.length
    for i in range(length):
        if data[i] >= 0x80:
            cls = _decode_str(found.value)
            return f"{tag}.{cls.split()[0]}" if cls.strip() else tag
    start = 0
    while start < length and _ascii_space(data[start]):
        start += 1
    if start == length:
        return tag
    i = start
    while i < length and not _ascii_space(data[i]):
        i += 1
    return tag + "." + PyUnicode_DecodeASCII(<char *> data + start, i - start, NULL)


cdef class Walker:
    """The compiled walk, configured once with the Python walk's tables and helpers."""

    cdef object normalize_text, tidy, has_mojibake, Block, mark_of
    cdef bint fast_blocks  # Block is the 9-field frozen dataclass this module knows how to fill
    cdef dict static_names, tag_kinds
    cdef frozenset page_level, unbounded, spaces
    cdef double share
    cdef uintptr_t a_id, br_id
    # The tables above as flags by tag id, for the fixed ids (ids from CS_TAG_LAST_ENTRY on
    # are custom elements: boxes, never inline, headings, sectioning or furniture by tag).
    cdef unsigned char is_inline[256]
    cdef unsigned char is_sectioning[256]
    cdef unsigned char is_path_stop[256]
    cdef unsigned char has_kinds[256]
    cdef unsigned char heading_of[256]
    cdef unsigned char is_invisible[256]

    def __init__(
        self, *, normalize_text, tidy, has_mojibake, Block, mark_of, invisible, static_names, headings, tag_kinds, inline, sectioning,
        path_stop, page_level, unbounded, spaces, share, text_id, a_id, br_id,
    ):
        self.normalize_text = normalize_text
        self.tidy = tidy
        self.has_mojibake = has_mojibake
        self.mark_of = mark_of
        self.Block = Block
        fields = getattr(Block, "__dataclass_fields__", {})
        self.fast_blocks = tuple(fields) == _BLOCK_FIELDS and not hasattr(Block, "__post_init__") and all(
            fields[name].default == default for name, default in zip(_BLOCK_FIELDS[6:], ("", "", False))
        )
        self.static_names = dict(static_names)
        self.tag_kinds = dict(tag_kinds)
        self.page_level = frozenset(page_level)
        self.unbounded = frozenset(unbounded)
        self.spaces = frozenset(spaces)
        self.share = share
        self.a_id = a_id
        self.br_id = br_id
        for table in (inline, sectioning, path_stop, invisible, self.tag_kinds, headings):
            if any(not 0 <= i < CS_TAG_LAST_ENTRY for i in table):
                raise ValueError("a tag table names an id past Lexbor's fixed ones")
        for i in range(256):
            self.is_invisible[i] = i in invisible
            self.is_inline[i] = i in inline
            self.is_sectioning[i] = i in sectioning
            self.is_path_stop[i] = i in path_stop
            self.has_kinds[i] = i in self.tag_kinds
            self.heading_of[i] = headings.get(i, 0)
        if text_id != _TEXT_TAG:
            raise ValueError(f"selectolax gives text nodes the tag id {text_id}, not {_TEXT_TAG}")

    def walk(self, object body, Py_ssize_t body_length=-1):
        """The blocks under ``body``, a selectolax LexborNode (an element).

        The node is held for the whole walk, and it holds its document: no
        pointer read here can outlive the tree. The tree is read as the parser
        left it: the walk reads the furniture marks off each element's
        attributes (``mark_of`` judges them) and passes over invisible
        elements, the two things the Python scan does with a query before its
        walk. Each call has its own state (a ``_Walk``), so threads may share
        one walker.
        """
        cdef uintptr_t body_id = body.mem_id
        if body_id == 0 or not body.is_element_node:
            raise ValueError("walk() takes an element of a live selectolax tree")
        cdef _Walk run = _Walk.__new__(_Walk)
        run.cfg = self
        run.blocks = []
        run.parts = []
        run.names = {}
        run.steps = {}
        run.last_link_pos = -1
        run.body = <cs_node *> body_id
        # The wrapper limit, when the body's text length is known (Scanner.scan reads it); else
        # the walk counts it itself, at the first element that needs it.
        run.limit = self.share * max(body_length, 1) if body_length >= 0 else -1.0
        run._walk(run.body, 0, NULL, "body", False, False)
        if run.parts:
            run._flush(NULL, "body", 0)
        return run.blocks

    cdef object _block(self, str text, str tag, int heading, str chrome, double density, str path):
        # Block(text, tag, heading, chrome, density, path), filled as its frozen dataclass
        # __init__ fills it (object.__setattr__ per field) but without a Python frame:
        # a third of the cost, over the 250 blocks of a page.
        if not self.fast_blocks:
            return self.Block(text, tag, heading, chrome, density, path)
        block = self.Block.__new__(self.Block)
        PyObject_GenericSetAttr(block, "text", text)
        PyObject_GenericSetAttr(block, "tag", tag)
        PyObject_GenericSetAttr(block, "heading", heading)
        PyObject_GenericSetAttr(block, "chrome", chrome)
        PyObject_GenericSetAttr(block, "link_density", density)
        PyObject_GenericSetAttr(block, "path", path)
        PyObject_GenericSetAttr(block, "label", "")
        PyObject_GenericSetAttr(block, "value", "")
        PyObject_GenericSetAttr(block, "expander_after", False)
        return block

    def text_length(self, object node):
        """What the walk counts as ``node``'s text length (``_deep_text_length``), for the tests."""
        return _deep_text_length(<cs_node *> (<uintptr_t> node.mem_id), self.is_invisible)

    def reads_like(self, object node):
        """True when this module reads ``node`` (a LexborNode) as selectolax does.

        Compares the pointers and ids the walk reads (first child, next sibling,
        parent, tag id, node type, a text node's text) with selectolax's own
        answers, before any page is trusted to it: a Lexbor whose structures were
        laid out differently fails here, at fields inside the node, rather than
        by following a wrong pointer.
        """
        cdef cs_node *raw = <cs_node *> (<uintptr_t> node.mem_id)
        if raw == NULL:
            return False
        for field, other in (
            (<uintptr_t> raw.first_child, node.first_child),
            (<uintptr_t> raw.next, node.next),
            (<uintptr_t> raw.parent, node.parent),
        ):
            if field != (0 if other is None else other.mem_id):
                return False
        if raw.local_name != node.tag_id:
            return False
        if raw.type != (CS_NODE_TEXT if node.is_text_node else CS_NODE_ELEMENT if node.is_element_node else raw.type):
            return False
        if node.is_text_node and _text_of(raw) != (node.text_content or ""):
            return False
        if node.is_element_node and self._tag(raw) != node.tag:
            return False
        return True

    cdef object _mark(self, cs_node *node):
        # parse._mark(tag, attributes), given only the attributes it reads; None when the
        # element carries none of hidden, aria-hidden, style, role or aria-modal. Its first
        # test (does any of them mark anything?) is made here on the bytes, as most
        # elements with a style are not hidden by it: no Python call for those.
        cdef cs_attr *attr = (<cs_element *> node).first_attr
        cdef cs_attr *style = NULL
        cdef cs_attr *role = NULL
        cdef cs_attr *hidden = NULL
        cdef cs_attr *aria_hidden = NULL
        cdef cs_attr *aria_modal = NULL
        cdef cs_attr *aria_level = NULL
        cdef uintptr_t attr_id
        cdef const unsigned char *name
        cdef size_t length = 0
        while attr != NULL:
            attr_id = _attr_id(attr)
            if attr_id == CS_ATTR_STYLE:
                style = attr
            elif attr_id > CS_ATTR_LAST_ENTRY:
                name = cs_dynamic_name(attr_id, &length)
                if _is_name(name, length, b"role"):
                    role = attr
                elif _is_name(name, length, b"hidden"):
                    hidden = attr
                elif _is_name(name, length, b"aria-hidden"):
                    aria_hidden = attr
                elif _is_name(name, length, b"aria-modal"):
                    aria_modal = attr
                elif _is_name(name, length, b"aria-level"):
                    aria_level = attr  # read for a heading's level, marks nothing alone
            attr = attr.next
        if not (
            role != NULL  # which roles mark something is parse._mark's to say
            or hidden != NULL
            or _value_is(aria_hidden, b"true")
            or _value_is(aria_modal, b"true")
            or _value_holds(style, b"display:none")
            or _value_holds(style, b"display: none")
        ):
            return None
        found = {}
        if style != NULL:
            found["style"] = _decode_str(style.value)
        if role != NULL:
            found["role"] = _decode_str(role.value)
        if hidden != NULL:
            found["hidden"] = _decode_str(hidden.value)
        if aria_hidden != NULL:
            found["aria-hidden"] = _decode_str(aria_hidden.value)
        if aria_modal != NULL:
            found["aria-modal"] = _decode_str(aria_modal.value)
        if aria_level != NULL:
            found["aria-level"] = _decode_str(aria_level.value)
        return self.mark_of(self._tag(node), found)

    cdef object _tag(self, cs_node *node):
        # LexborNode.tag for an element: its qualified name, else its tag id's name.
        cdef uintptr_t tag_id
        cdef size_t length = 0
        cdef const unsigned char *name
        if node.type != CS_NODE_ELEMENT:
            return None
        tag_id = (<cs_element *> node).qualified_name
        if tag_id == 0:
            tag_id = node.local_name
        if tag_id <= CS_TAG_LAST_ENTRY:  # LAST_ENTRY itself names no tag (Lexbor gives NULL)
            found = self.static_names.get(tag_id)
            if found is None:
                raise Fallback(f"tag id {tag_id} has no name in the table")
            return found
        name = cs_dynamic_name(tag_id, &length)
        return PyUnicode_DecodeUTF8(<char *> name, length, "replace")

    cdef str _normalized(self, str raw):
        # normalize_text(raw), its common case (tidy) without the Python call
        if self.tidy is not None:
            text = self.tidy(raw)
            if text is not None:
                return text
        return self.normalize_text(raw)

    cdef str _chrome_text(self, cs_node *node):
        # normalize_text(parse._spaced_text(node)): the text with a space between
        # text nodes, read again without it when that has mojibake. Tidy answers
        # only for a text with no mojibake, so only that reading is ever tidied.
        cdef str text = _joined_text(node, True, self.is_invisible)
        if self.tidy is not None:
            tidied = self.tidy(text)
            if tidied is not None:
                return tidied
        if self.has_mojibake(text):
            text = _joined_text(node, False, self.is_invisible)
        return self.normalize_text(text)


cdef class _Walk:
    """One walk's state; the settings are its walker's (``cfg``)."""

    cdef Walker cfg
    cdef list blocks, parts
    cdef dict names, steps  # tag id -> name; parent element -> its path step
    cdef Py_ssize_t link_chars, last_link_pos
    cdef cs_node *last_link
    cdef cs_node *body
    cdef double limit
    cdef int depth

    cdef str _path_of(self, cs_node *node, str name):
        cdef str step = _step(name, node)
        cdef cs_node *parent = node.parent
        if parent == NULL or (parent.local_name < 256 and self.cfg.is_path_stop[parent.local_name]):
            return step
        key = <uintptr_t> parent
        parent_step = self.steps.get(key)
        if parent_step is None:
            tag = self.cfg._tag(parent)
            parent_step = self.steps[key] = _step(tag or "", parent)
        return f"{parent_step}>{step}"

    cdef str _chrome_kind(self, cs_node *node, tuple kinds, bint in_section):
        cdef Py_ssize_t length = -1
        for kind in kinds:
            if in_section and kind in self.cfg.page_level:
                continue
            if kind not in self.cfg.unbounded:
                if self.limit < 0:
                    self.limit = self.cfg.share * max(_deep_text_length(self.body, self.cfg.is_invisible), 1)
                if length < 0:
                    length = _deep_text_length(node, self.cfg.is_invisible)
                if length > self.limit:
                    continue
            return kind
        return ""

    cdef int _flush(self, cs_node *block, str name, int heading) except -1:
        cdef list parts = self.parts
        raw = "".join(parts)
        parts.clear()
        self.last_link_pos = -1
        if raw.isspace():
            return 0
        chars = self.link_chars
        self.link_chars = 0
        text = self.cfg._normalized(raw)
        if not text:
            return 0
        density = min(1.0, chars / max(len(raw.strip()), 1))
        self.blocks.append(self.cfg._block(text, name, heading, "", density, "" if block == NULL else self._path_of(block, name)))
        return 0

    cdef int _walk(
        self, cs_node *node, int heading, cs_node *block, str block_name, bint in_link, bint in_section
    ) except -1:
        cdef cs_node *child = node.first_child
        cdef cs_node *first
        cdef uintptr_t tag_id
        cdef list parts = self.parts
        cdef Py_ssize_t before
        cdef int level
        cdef bint is_a
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Fallback("nesting deeper than the compiled walk goes")
        while child != NULL:
            if child.type == CS_NODE_TEXT:
                chars = <cs_chardata *> child
                if _blank_bytes(chars.data.data, chars.data.length):
                    child = child.next
                    continue  # skipped, as node.iter(skip_empty=True) skips it
            if _is_invisible(child, self.cfg.is_invisible):
                child = child.next
                continue
            tag_id = child.local_name
            if tag_id == _TEXT_TAG:
                text = _text_of(child)
                if parts and text[:1] not in self.cfg.spaces and parts[-1][-1:] not in self.cfg.spaces and _after_space(child, self.cfg.is_invisible):
                    parts.append(" ")
                parts.append(text)
                if in_link:
                    self.link_chars += len(text.strip())
                child = child.next
                continue
            mark = (
                self.cfg._mark(child) if child.type == CS_NODE_ELEMENT and (<cs_element *> child).first_attr != NULL else None
            )
            if mark is None:
                kinds = self.cfg.tag_kinds.get(tag_id) if tag_id < 256 and self.cfg.has_kinds[tag_id] else None
            else:
                kinds = mark[0]
            if kinds:
                kind = self._chrome_kind(child, kinds, in_section)
                if kind:
                    if parts:
                        self._flush(block, block_name, heading)
                    text = self.cfg._chrome_text(child)
                    if text:
                        tag = self.cfg._tag(child)
                        self.blocks.append(self.cfg._block(text, tag or "div", 0, kind, 0.0, self._path_of(child, tag or "")))
                    child = child.next
                    continue
            if tag_id < 256 and self.cfg.is_inline[tag_id]:
                is_a = tag_id == self.cfg.a_id
                if is_a and parts and self.last_link_pos == len(parts) and self._other_target(child):
                    parts[-1] = parts[-1].rstrip()
                    parts.append("; ")
                    self.link_chars += 1
                elif parts and parts[-1][-1:] not in self.cfg.spaces and _after_space(child, self.cfg.is_invisible):
                    parts.append(" ")
                first = _shown(child.first_child, self.cfg.is_invisible)
                if first == NULL:
                    child = child.next
                    continue
                before = len(parts)
                if _shown(first.next, self.cfg.is_invisible) == NULL and first.local_name == _TEXT_TAG:
                    text = _text_of(first)
                    parts.append(text)
                    if in_link or is_a:
                        self.link_chars += len(text.strip())
                else:
                    self._walk(child, heading, block, block_name, in_link or is_a, in_section)
                if is_a and len(parts) > before and not "".join(parts[before:]).isspace():
                    self.last_link_pos = len(parts)
                    self.last_link = child
                child = child.next
                continue
            name = self.names.get(tag_id, "")
            if name == "":
                name = self.names[tag_id] = self.cfg._tag(child)
            if name is None or name[0] in "#-":
                child = child.next
                continue
            if parts:
                if len(parts) == 1 and parts[0].isspace():
                    parts.clear()
                    self.last_link_pos = -1
                else:
                    self._flush(block, block_name, heading)
            if tag_id == self.cfg.br_id:
                child = child.next
                continue
            level = (self.cfg.heading_of[tag_id] if tag_id < 256 else 0) or (0 if mark is None else mark[1]) or heading
            first = _shown(child.first_child, self.cfg.is_invisible)
            if first == NULL:
                child = child.next
                continue
            if _shown(first.next, self.cfg.is_invisible) == NULL and first.local_name == _TEXT_TAG:
                text = _text_of(first)
                parts.append(text)
                if in_link:
                    self.link_chars += len(text.strip())
                self._flush(child, name, level)
                child = child.next
                continue
            self._walk(child, level, child, name, in_link, in_section or (tag_id < 256 and self.cfg.is_sectioning[tag_id]))
            if parts:
                self._flush(child, name, level)
            child = child.next
        self.depth -= 1
        return 0

    cdef bint _other_target(self, cs_node *link) except -1:
        # parse._other_target(last link, link)
        if self.last_link == NULL:
            return False
        href = _attribute(link, CS_ATTR_HREF)
        other = _attribute(self.last_link, CS_ATTR_HREF)
        return bool(href and other and href != other)


# --- the metadata scan ---------------------------------------------------------------

cdef extern from *:
    """
    /* selectolax 1.0's LexborNode object (selectolax/lexbor.pxd), as its Cython build lays it out. */
    typedef struct {
        PyObject_HEAD
        void *vtab;
        void *node;
        PyObject *parser;
        int is_fragment_root;
        int is_template_content;
    } cs_selectolax_node;
    """
    ctypedef struct cs_selectolax_node:
        void *node
        void *parser

# The attributes the scan asks about, in the order the Scanner's probe element carries them.
_SCAN_ATTRS = ("content", "rel", "title", "class", "type", "itemprop")


cdef class Scanner:
    """The elements ``parse._METADATA_QUERY`` selects, found by a walk instead of a Lexbor query.

    A Lexbor query walks the whole document whatever it selects (about 0.2 ms
    a page); this walk reads each element's tag id and attribute ids. It gives
    the elements the query gives that ``parse._scan`` reads anything from, in
    document order, each once: of the typed scripts, only those whose type
    may be JSON (JSON-LD, app state); for two selectors it gives more and
    ``_scan`` judges: each ``span`` with a ``title`` and a ``class`` (the
    query matches the class case-insensitively in quirks mode, ``_scan`` as
    written), and each ``link`` whose ``rel`` is "canonical" in any case (as
    the query does). The tests hold what ``_scan`` reads both ways together.

    The nodes are selectolax LexborNodes, made as selectolax makes them (its
    node object, with the Lexbor node and the tree set): ``works_with`` checks
    that object's layout before the parse module trusts a Scanner.
    """

    cdef uintptr_t title_id, meta_id, link_id, script_id, span_id
    cdef uintptr_t attr_ids[6]  # an attribute's fixed id, or 0 when its name has none (then compared by name)
    cdef tuple attr_names  # the names, as bytes
    cdef object node_type

    def __init__(self, *, tag_ids, node_type, probe):
        """``tag_ids`` maps title, meta, link, script and span to Lexbor's tag ids; ``probe`` is a
        selectolax element carrying the attributes of ``_SCAN_ATTRS``, in that order."""
        cdef cs_attr *attr
        cdef int i = 0
        cdef uintptr_t attr_id
        self.title_id = tag_ids["title"]
        self.meta_id = tag_ids["meta"]
        self.link_id = tag_ids["link"]
        self.script_id = tag_ids["script"]
        self.span_id = tag_ids["span"]
        self.node_type = node_type
        if list(probe.attributes) != list(_SCAN_ATTRS):
            raise ValueError("the probe element must carry the scanned attributes, in order")
        self.attr_names = tuple(name.encode() for name in _SCAN_ATTRS)
        attr = (<cs_element *> (<uintptr_t> probe.mem_id)).first_attr
        while attr != NULL and i < 6:
            attr_id = _attr_id(attr)
            self.attr_ids[i] = attr_id if attr_id <= CS_ATTR_LAST_ENTRY else 0
            i += 1
            attr = attr.next
        if i != 6:
            raise ValueError("the probe element's attributes could not be read")

    cdef cs_attr *_find(self, cs_node *node, int which):
        # The element's attribute named _SCAN_ATTRS[which], or NULL.
        cdef cs_attr *attr = (<cs_element *> node).first_attr
        cdef uintptr_t attr_id
        cdef uintptr_t fixed = self.attr_ids[which]
        cdef const unsigned char *name
        cdef size_t length = 0
        while attr != NULL:
            attr_id = _attr_id(attr)
            if fixed:
                if attr_id == fixed:
                    return attr
            elif attr_id > CS_ATTR_LAST_ENTRY:
                name = cs_dynamic_name(attr_id, &length)
                if _is_name(name, length, <bytes> self.attr_names[which]):
                    return attr
            attr = attr.next
        return NULL

    cdef bint _selected(self, cs_node *node) except -1:
        cdef uintptr_t tag = node.local_name
        cdef cs_attr *rel
        if (<cs_element *> node).first_attr == NULL:
            return tag == self.title_id
        if tag == self.title_id or self._find(node, 5) != NULL:  # title, [itemprop]
            return True
        if tag == self.meta_id:
            return self._find(node, 0) != NULL  # meta[content]
        if tag == self.script_id:
            # script[type], of the types parse._scan reads (JSON-LD, JSON app state): of a
            # page's two dozen typed scripts, most are "text/javascript"
            return _may_be_json(self._find(node, 4))
        if tag == self.span_id:
            return self._find(node, 2) != NULL and self._find(node, 3) != NULL  # span[title][class]
        if tag == self.link_id:
            rel = self._find(node, 1)
            return rel != NULL and rel.value != NULL and _is_canonical(rel.value)
        return False

    def nodes(self, object tree):
        """The selected elements of ``tree`` (a LexborHTMLParser), in document order."""
        return self.scan(tree, None)[0]

    def scan(self, object tree, Walker walker):
        """The selected elements of ``tree``, and the length its body's text has for ``walker``.

        The length is what the walk would count (``_deep_text_length`` of the
        body, passing over the walker's invisible elements), read in the same
        pass: each pass over a large tree is mostly waiting for its nodes to
        come from memory. -1 when there is no walker or no body, or when a
        text is not valid UTF-8 (the walk then counts for itself).
        """
        root = tree.root
        if root is None:
            return [], -1
        body_node = tree.body if walker is not None else None
        cdef cs_node *body = NULL if body_node is None else <cs_node *> (<uintptr_t> body_node.mem_id)
        cdef const unsigned char *hidden = NULL if walker is None else walker.is_invisible
        cdef cs_node *top = <cs_node *> (<uintptr_t> root.mem_id)
        cdef cs_node *node = top
        cdef cs_node *veiled = NULL  # the invisible element the pass is inside, if any
        cdef bint in_body = False
        cdef Py_ssize_t length = 0
        cdef Py_ssize_t part
        cdef cs_chardata *chars
        cdef list found = []
        while node != NULL:
            if node.type == CS_NODE_ELEMENT:
                if self._selected(node):
                    found.append(self._node(node, tree))
                if node == body:
                    in_body = True
                elif in_body and veiled == NULL and _is_invisible(node, hidden):
                    veiled = node
            elif in_body and veiled == NULL and node.local_name == _TEXT_TAG and length >= 0:
                chars = <cs_chardata *> node
                if chars.data.data != NULL:
                    part = _utf8_length(chars.data.data, chars.data.length)
                    length = -1 if part < 0 else length + part
            # document order: down, else along, else up and along (leaving each element passed)
            if node.first_child != NULL:
                node = node.first_child
                continue
            while True:
                if node == veiled:
                    veiled = NULL
                if node == body:
                    in_body = False
                if node == top or node.next != NULL:
                    break
                node = node.parent
            if node == top:
                break
            node = node.next
        return found, (length if body != NULL else -1)

    cdef object _node(self, cs_node *node, object tree):
        made = self.node_type.__new__(self.node_type)
        (<cs_selectolax_node *> <void *> made).node = <void *> node
        made.parser = tree
        return made

    def works_with(self, object node):
        """True when ``node``, a LexborNode selectolax made, is laid out as this module makes them."""
        cdef cs_selectolax_node *raw = <cs_selectolax_node *> <void *> node
        if type(node) is not self.node_type or self.node_type.__basicsize__ != sizeof(cs_selectolax_node):
            return False
        if <uintptr_t> raw.node != <uintptr_t> node.mem_id or raw.parser != <void *> node.parser:
            return False
        made = self._node(<cs_node *> raw.node, node.parser)
        return made.mem_id == node.mem_id and made.tag == node.tag and made.html == node.html


cdef inline bint _may_be_json(cs_attr *attr) noexcept:
    # A type attribute whose value may be a JSON type once lower-cased: "json" in it in
    # any ASCII case, or any non-ASCII byte (whose lower-casing is parse._scan's to judge).
    cdef const unsigned char *data
    cdef size_t length, i
    if attr == NULL:
        return False
    if attr.value == NULL or attr.value.data == NULL:
        return False
    data = attr.value.data
    length = attr.value.length
    for i in range(length):
        if data[i] >= 0x80:
            return True
    if length < 4:
        return False
    for i in range(length - 3):
        if (data[i] | 0x20) == 0x6A and (data[i + 1] | 0x20) == 0x73 and (data[i + 2] | 0x20) == 0x6F and (data[i + 3] | 0x20) == 0x6E:
            return True  # j s o n
    return False


cdef inline bint _is_canonical(cs_str *value) noexcept:
    # "canonical", ASCII case-insensitive (the query matches rel's value so, as HTML says)
    cdef const char *expected = b"canonical"
    cdef size_t i
    cdef unsigned char c
    if value.data == NULL or value.length != 9:
        return False
    for i in range(9):
        c = value.data[i]
        if 0x41 <= c <= 0x5A:
            c += 0x20
        if c != <unsigned char> expected[i]:
            return False
    return True
