"""DECODE: which charset a page's bytes are read in, and what they read as."""

from __future__ import annotations

import codecs

import pytest

from scraper.decode import declared_charset, decode_bytes
from scraper.parse import parse_page
from scraper.sources import RawPage

LATIN1_META = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'

# (bytes, transport charset, text expected, charset expected)
ROWS = [
    pytest.param(b"<p>plain</p>", None, "<p>plain</p>", "utf-8", id="ascii-undeclared"),
    pytest.param(codecs.BOM_UTF8 + "<p>é</p>".encode(), "iso-8859-1", "<p>é</p>", "utf-8", id="bom-wins"),
    pytest.param(LATIN1_META + "<p>café</p>".encode("cp1252"), None, "<p>café</p>", "cp1252", id="real-latin1"),
    pytest.param(LATIN1_META + "<p>Übersicht</p>".encode(), None, "<p>Übersicht</p>", "utf-8", id="utf8-called-latin1"),
    pytest.param("<p>Übersicht</p>".encode(), "windows-1252", "<p>Übersicht</p>", "utf-8", id="utf8-transport-1252"),
    pytest.param(LATIN1_META + b"<p>plain</p>", None, "<p>plain</p>", "cp1252", id="ascii-called-latin1"),
    pytest.param("<p>Übersicht</p>".encode("utf-16-le"), "utf-16-le", "<p>Übersicht</p>", "utf-16-le", id="utf16"),
    # only the Western charsets are second-guessed: the declaration stands
    pytest.param("<p>Ĺódź</p>".encode(), "iso-8859-2", "<p>ÄšĂłdĹş</p>", "iso8859-2", id="other-single-byte-kept"),
]


@pytest.mark.parametrize(("data", "transport", "text", "charset"), ROWS)
def test_decode_bytes(data: bytes, transport: str | None, text: str, charset: str) -> None:
    decoded, used = decode_bytes(data, declared=transport)
    assert decoded.endswith(text)
    assert used == charset


@pytest.mark.parametrize(
    ("data", "transport", "expected"),
    [
        (LATIN1_META + "<p>Übersicht</p>".encode(), None, "utf-8"),
        (LATIN1_META + "<p>café</p>".encode("cp1252"), None, "cp1252"),
        (b"<p>caf\xc3\xa9</p>", "latin-1", "utf-8"),
        (b"<p>plain</p>", None, None),
    ],
)
def test_declared_charset(data: bytes, transport: str | None, expected: str | None) -> None:
    assert declared_charset(data, transport) == expected


def test_a_utf8_page_called_latin1_reads_without_mojibake() -> None:
    data = LATIN1_META + "<body><h1>Die Schlagwörter</h1><p>Dänisch, Übersicht</p></body></html>".encode()
    page = parse_page(RawPage(uri="p.html", data=data, kind="html"))
    assert [b.text for b in page.blocks] == ["Die Schlagwörter", "Dänisch, Übersicht"]
    assert page.charset == "utf-8"
