"""Redaction of URLs, headers and free text."""

from __future__ import annotations

import pytest

from scraper.fetch.redact import redact_headers, redact_text, redact_url

URLS = [
    ("https://example.org/book/1", "https://example.org/book/1"),
    ("https://u:p@example.org/", "https://REDACTED@example.org/"),
    ("https://token@example.org/", "https://REDACTED@example.org/"),
    ("https://x.org/s?q=dune&api_key=SECRET", "https://x.org/s?q=dune&api_key=REDACTED"),
    ("https://x.org/s?apiKey=SECRET", "https://x.org/s?apiKey=REDACTED"),
    ("https://x.org/s?access_token=SECRET&page=2", "https://x.org/s?access_token=REDACTED&page=2"),
    ("https://x.org/s?X-Amz-Signature=SECRET", "https://x.org/s?X-Amz-Signature=REDACTED"),
    ("https://x.org/s?password=SECRET", "https://x.org/s?password=REDACTED"),
    ("https://x.org/s?isbn=9780575090675", "https://x.org/s?isbn=9780575090675"),
]


@pytest.mark.parametrize(("url", "expected"), URLS)
def test_redact_url(url: str, expected: str) -> None:
    """Userinfo and credential-looking query values are replaced; the rest is kept."""
    assert redact_url(url) == expected
    assert "SECRET" not in redact_url(url)


@pytest.mark.parametrize("name", ["Authorization", "authorization", "Cookie", "Set-Cookie", "Proxy-Authorization"])
def test_secret_headers(name: str) -> None:
    """Credential headers lose their values, whatever their case."""
    assert redact_headers([(name, "SECRET")]) == [(name, "REDACTED")]


def test_other_headers_kept() -> None:
    """Ordinary headers pass through."""
    assert redact_headers([("Accept", "text/html")]) == [("Accept", "text/html")]


def test_redact_text_finds_urls_in_messages() -> None:
    """URLs inside exception text are redacted in place."""
    text = "ConnectError: refused (https://me:SECRET@h.org/x?token=SECRET)"
    assert "SECRET" not in redact_text(text)
