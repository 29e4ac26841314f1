# cython: language_level=3, boundscheck=False, wraparound=False
"""``normalize_text``'s common case, compiled: text that needs no repair, only tidying.

Every block of every page goes through ``normalize_text``. Most need no
repair (no mojibake, no entity), only their spacing folded and any invisible
characters dropped; in Python that is a ``split`` into words and a ``join``,
plus a regex scan for the invisibles, about a third of the compiled walk's
time on a page of long reviews. :func:`tidy` does it in one pass over the
characters, and hands back None for any text that may need a repair, which
then takes the Python path. ``tests/normalizers/test_text.py`` holds the two
paths together.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport PyUnicode_FromKindAndData
from libc.string cimport memcmp

import unicodedata

cdef extern from "Python.h":
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    Py_ssize_t PyUnicode_GET_LENGTH(object text)
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_2BYTE_KIND
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)
    bint Py_UNICODE_ISALPHA(Py_UCS4 ch)
    bint Py_UNICODE_ISDIGIT(Py_UCS4 ch)

_is_nfc = unicodedata.is_normalized

# The first code point that can change under NFC, or be composed with what
# comes before it: combining marks start here. Text below it is NFC as it stands.
cdef Py_UCS4 _NFC_FROM = 0x300


cdef inline bint _invisible(Py_UCS4 c) noexcept:
    # normalize_text's _INVISIBLE: soft hyphen, zero-width space/joiners, word
    # joiner, BOM, NUL, bidi marks and embeddings.
    return (
        c == 0 or c == 0xAD or 0x200B <= c <= 0x200F or 0x202A <= c <= 0x202E or c == 0x2060 or c == 0xFEFF
    )


ctypedef fused _ucs:
    Py_UCS1
    Py_UCS2
    Py_UCS4


def tidy(str text not None):
    """``normalize_text(text)`` when ``text`` needs no repair; None when it may.

    A text may need a repair when it holds an ``&`` that may open an entity, an ``Ã`` or
    ``Â``, or an ``â`` that could start a mojibake pair (before a ``€``, or
    anywhere in a text with invisible characters, which dropping can join
    into one), or when it is not in NFC: those are left to the Python path.
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if n == 0:
        return ""
    # One loop per storage width (PEP 393): reading the characters straight from
    # the string's own buffer is most of the speed.
    if kind == PyUnicode_1BYTE_KIND:
        return _tidy(<Py_UCS1 *> data, n, text, kind)
    if kind == PyUnicode_2BYTE_KIND:
        return _tidy(<Py_UCS2 *> data, n, text, kind)
    return _tidy(<Py_UCS4 *> data, n, text, kind)


cdef inline bint _may_open_entity(_ucs *data, Py_ssize_t at, Py_ssize_t n) noexcept:
    # Whether the "&" at ``at`` may open what normalize_text's _ENTITY decodes
    # ("&amp;", "&#39;", "&#x27;"): a "#" or an ASCII letter after it, and a ";"
    # within the longest such entity. A bare "&" ("Simon & Schuster", "AT&T") is text.
    cdef Py_ssize_t j
    cdef Py_UCS4 c
    if at + 1 >= n:
        return False
    c = data[at + 1]
    if not (c == 0x23 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A):
        return False
    for j in range(at + 2, min(n, at + 36)):
        if data[j] == 0x3B:  # ;
            return True
    return False


cdef object _tidy(_ucs *data, Py_ssize_t n, str text, int kind):
    # tidy over a string's characters: invisible ones dropped, each run of
    # spaces one space, none at either end; the text itself when that changes nothing.
    cdef _ucs *buffer = <_ucs *> PyMem_Malloc(n * sizeof(_ucs))
    cdef Py_ssize_t i, out = 0
    cdef Py_UCS4 c, before = 0, top = 0
    cdef bint space = False  # a space is owed before the next visible character
    cdef bint circumflex = False, invisible = False
    if buffer == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = data[i]
            if c < 0x80:
                if c == 0x26 and _may_open_entity(data, i, n):  # &
                    return None
                if c == 0x20 or 0x09 <= c <= 0x0D or 0x1C <= c <= 0x1F:
                    space = out > 0
                    before = c
                    continue
                if c == 0:
                    invisible = True
                    before = c
                    continue
            else:
                if c == 0xC3 or c == 0xC2:  # Ã, Â
                    return None
                if c == 0x20AC and before == 0xE2:  # "â€"
                    return None
                if c == 0xE2:  # â
                    circumflex = True
                before = c
                if _invisible(c):
                    invisible = True
                    continue
                if Py_UNICODE_ISSPACE(c):
                    space = out > 0
                    continue
                if c > top:
                    top = c
            if space:
                buffer[out] = 0x20
                out += 1
                space = False
            buffer[out] = <_ucs> c
            out += 1
            before = c
        if circumflex and invisible:
            return None
        if out == n and memcmp(buffer, data, n * sizeof(_ucs)) == 0:
            result = text
        else:
            result = PyUnicode_FromKindAndData(kind, buffer, out)
    finally:
        PyMem_Free(buffer)
    if top >= _NFC_FROM and not _is_nfc("NFC", result):
        return None  # rare; and composing can make an "Ã" (A + combining tilde), which the Python path checks
    return result


def words(str text not None):
    """``" ".join(re.findall(r"[^\\W_]+", text))``: the runs of letters and digits, one space apart.

    ``fold``'s last step, on casefolded text. ``[^\\W_]`` is what the regex
    engine calls a word character, less the underscore: ``Py_UNICODE_ISALNUM``
    (four lookups a character: ASCII ones are told by their ranges).
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    if n == 0:
        return ""
    if kind == PyUnicode_1BYTE_KIND:
        return _words(<Py_UCS1 *> data, n, text, kind)
    if kind == PyUnicode_2BYTE_KIND:
        return _words(<Py_UCS2 *> data, n, text, kind)
    return _words(<Py_UCS4 *> data, n, text, kind)


cdef inline bint _alnum(Py_UCS4 c) noexcept:
    if c < 0x80:
        return (0x30 <= c <= 0x39) or (0x41 <= c <= 0x5A) or (0x61 <= c <= 0x7A)
    return Py_UNICODE_ISALNUM(c)


cdef object _words(_ucs *data, Py_ssize_t n, str text, int kind):
    cdef _ucs *buffer = <_ucs *> PyMem_Malloc(n * sizeof(_ucs))
    cdef Py_ssize_t i, out = 0
    cdef Py_UCS4 c
    cdef bint gap = False  # a space is owed before the next word character
    if buffer == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = data[i]
            if _alnum(c):
                if gap:
                    buffer[out] = 0x20
                    out += 1
                    gap = False
                buffer[out] = <_ucs> c
                out += 1
            else:
                gap = out > 0
        if out == n and memcmp(buffer, data, n * sizeof(_ucs)) == 0:
            return text
        return PyUnicode_FromKindAndData(kind, buffer, out)
    finally:
        PyMem_Free(buffer)


def letters(str text not None, Py_ssize_t most=-1):
    """``sum(c.isalpha() for c in text)``, in one pass over the characters.

    With ``most`` (0 or more), counting stops once the count passes it: the answer
    is then ``most + 1``.
    """
    cdef Py_ssize_t count = 0
    cdef Py_UCS4 c
    for c in text:
        if c < 0x80:
            if (0x41 <= c <= 0x5A) or (0x61 <= c <= 0x7A):
                count += 1
        elif Py_UNICODE_ISALPHA(c):
            count += 1
        if count > most >= 0:
            break
    return count


def digits(str text not None):
    """``sum(c.isdigit() for c in text)``, in one pass over the characters."""
    cdef Py_ssize_t count = 0
    cdef Py_UCS4 c
    for c in text:
        if c < 0x80:
            if 0x30 <= c <= 0x39:
                count += 1
        elif Py_UNICODE_ISDIGIT(c):
            count += 1
    return count
