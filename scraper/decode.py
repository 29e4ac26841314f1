"""DECODE: bytes -> str, and HTML-or-text sniffing.

The order is the one browsers use: a byte-order mark wins, then a charset the
transport or the page declares (unless it declares a Western single-byte
charset over bytes that are UTF-8, see ``_checked``), then strict UTF-8, then
detection. Detection (charset-normalizer) is last because it is the slowest and
the least sure.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from scraper.sources import MediaKind

__all__ = ["declared_charset", "decode_bytes", "sniff_kind"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">,
# looked for in the first 4 KB as the HTML standard's prescan does (roughly).
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_HTML_MARKERS = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>|<div[\s>]|<p>|<table[\s>]", re.I
)


def _known(charset: str) -> str | None:
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return None
    # Pages that say latin-1 are, per the HTML standard, windows-1252.
    return "cp1252" if name in {"latin-1", "iso8859-1", "ascii"} else name


# Western single-byte charsets that pages declare for bytes that are in fact UTF-8
# (a server's default, a template older than the site's content): every
# accented letter then reads as two ("Ã©" for "é"). Real text in these
# charsets practically never forms valid UTF-8 sequences, so bytes that do,
# and have some, are read as UTF-8: the whole page at once, instead of
# repairing its mojibake block by block.
_OFTEN_MISDECLARED = frozenset({"cp1252", "iso8859-15"})


def _checked(charset: str, data: bytes) -> str:
    """``charset``, or "utf-8" when it is a Western single-byte one over valid, non-ASCII UTF-8.

    >>> _checked("cp1252", "Übersicht".encode()), _checked("cp1252", "Übersicht".encode("cp1252"))
    ('utf-8', 'cp1252')
    """
    if charset not in _OFTEN_MISDECLARED or data.isascii():
        return charset
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return charset
    return "utf-8"


def declared_charset(data: bytes, transport: str | None = None) -> str | None:
    """The charset a page declares (transport first, then its meta tag); None if none or a BOM.

    >>> declared_charset(b'<meta charset="UTF-8">'), declared_charset(b"<p>", "ISO-8859-1")
    ('utf-8', 'cp1252')
    """
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    if transport and (known := _known(transport)):
        return _checked(known, data)
    match = _META_CHARSET.search(data[:4096])
    known = _known(match.group(1).decode("ascii", "ignore")) if match else None
    return _checked(known, data) if known else None


def decode_bytes(data: bytes, *, declared: str | None = None, html: bool = True) -> tuple[str, str]:
    """Decode page bytes; return ``(text, charset used)``.

    >>> decode_bytes(b'<meta charset="iso-8859-1"><p>caf\\xe9')
    ('<meta charset="iso-8859-1"><p>café', 'cp1252')
    >>> decode_bytes("naïve".encode())[0]
    'naïve'
    >>> decode_bytes(codecs.BOM_UTF16_LE + "hé".encode("utf-16-le"))
    ('hé', 'utf-16-le')
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    candidates: list[str] = []
    if declared and (known := _known(declared)):
        candidates.append(known)
    if html:
        match = _META_CHARSET.search(data[:4096])
        if match and (known := _known(match.group(1).decode("ascii", "ignore"))):
            candidates.append(known)
    for name in candidates:
        name = _checked(name, data)
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue  # the declaration lies; fall through to the next clue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:262_144]).best()
    name = best.encoding if best is not None else "cp1252"
    return data.decode(name, errors="replace"), name


def sniff_kind(data: bytes) -> MediaKind:
    """Tell an HTML page from a text dump by its first bytes.

    >>> sniff_kind(b"  <!DOCTYPE html><html>"), sniff_kind(b"Title\\n\\nSynopsis")
    ('html', 'text')
    """
    head = data[:2048]
    return "html" if _HTML_MARKERS.search(head) else "text"
