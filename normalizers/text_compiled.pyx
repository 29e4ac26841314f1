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
from cpython.unicode cimport PyUnicode_4BYTE_KIND, PyUnicode_FromKindAndData

import unicodedata

cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)

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


def tidy(str text):
    """``normalize_text(text)`` when ``text`` needs no repair; None when it may.

    A text may need a repair when it holds an ``&`` (an entity?), an ``Ã`` or
    ``Â``, or an ``â`` that could start a mojibake pair (before a ``€``, or
    anywhere in a text with invisible characters, which dropping can join
    into one), or when it is not in NFC: those are left to the Python path.
    """
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t i = 0, out = 0
    cdef Py_UCS4 c, before = 0, top = 0
    cdef bint space = False  # a space is owed before the next visible character
    cdef bint tidy_already = True  # the text is its own answer, no copy needed
    cdef bint circumflex = False, invisible = False
    cdef Py_UCS4 *buffer
    # First pass: may it need a repair, and does it need any change at all?
    # (Cython reads a str iterated as Py_UCS4 straight from its buffer.)
    for c in text:
        if c < 0x80:
            if c == 0x26:  # &
                return None
            if c == 0x20:
                if i == 0 or i == n - 1 or space:
                    tidy_already = False
                space = True
            else:
                if c == 0:
                    invisible = True
                    tidy_already = False
                elif Py_UNICODE_ISSPACE(c):
                    tidy_already = False
                space = False
        else:
            if c == 0xC3 or c == 0xC2:  # Ã, Â
                return None
            if c == 0x20AC and before == 0xE2:  # "â€"
                return None
            if c == 0xE2:  # â
                circumflex = True
            if _invisible(c):
                invisible = True
                tidy_already = False
            elif Py_UNICODE_ISSPACE(c):
                tidy_already = False
            if c > top:
                top = c
            space = False
        before = c
        i += 1
    if circumflex and invisible:
        return None
    if tidy_already and n and not Py_UNICODE_ISSPACE(text[n - 1]) and not Py_UNICODE_ISSPACE(text[0]):
        result = text
    else:
        buffer = <Py_UCS4 *> PyMem_Malloc(max(n, 1) * sizeof(Py_UCS4))
        if buffer == NULL:
            raise MemoryError()
        space = False
        try:
            for c in text:
                if Py_UNICODE_ISSPACE(c):
                    space = out > 0
                    continue
                if _invisible(c):
                    continue
                if space:
                    buffer[out] = 0x20
                    out += 1
                    space = False
                buffer[out] = c
                out += 1
            result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer, out)
        finally:
            PyMem_Free(buffer)
    if top >= _NFC_FROM and not _is_nfc("NFC", result):
        return None  # rare; and composing can make an "Ã" (A + combining tilde), which the Python path checks
    return result


def words(str text):
    """``" ".join(re.findall(r"[^\\W_]+", text))``: the runs of letters and digits, one space apart.

    ``fold``'s last step, on casefolded text. ``[^\\W_]`` is what the regex
    engine calls a word character, less the underscore: ``Py_UNICODE_ISALNUM``.
    """
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t out = 0
    cdef Py_UCS4 c
    cdef bint gap = False  # a space is owed before the next word character
    cdef Py_UCS4 *buffer
    if n == 0:
        return ""
    buffer = <Py_UCS4 *> PyMem_Malloc(n * sizeof(Py_UCS4))
    if buffer == NULL:
        raise MemoryError()
    try:
        for c in text:
            if Py_UNICODE_ISALNUM(c):
                if gap:
                    buffer[out] = 0x20
                    out += 1
                    gap = False
                buffer[out] = c
                out += 1
            else:
                gap = out > 0
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer, out)
    finally:
        PyMem_Free(buffer)
