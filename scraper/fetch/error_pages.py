"""Spot error and captcha pages that arrive with status 200.

Shops and catalogs often answer a failure or a bot check with a normal 200
page. Emitting it as a book would be wrong and skipping it silently would lose
the URL, so it is a soft failure: archived, retried later, counted.

Each phrase is matched case-insensitively in the page's <title> or in its
first few KiB of text. Only phrases that do not occur in real book
descriptions belong here; each says where it was seen.
"""

from __future__ import annotations

import re

__all__ = ["ERROR_PAGE_PHRASES", "error_page_phrase"]

ERROR_PAGE_PHRASES: tuple[str, ...] = (
    "oops! an unknown error has occurred",  # Goodreads-style generic error page
    "robot check",  # Amazon's captcha interstitial title
    "enter the characters you see below",  # Amazon captcha body
    "are you a robot",  # generic bot walls
    "verify you are a human",  # Cloudflare / PerimeterX challenge
    "checking your browser before accessing",  # Cloudflare IUAM
    "attention required! | cloudflare",  # Cloudflare block page title
    "unusual traffic from your computer network",  # Google services
    "access to this page has been denied",  # PerimeterX block
    "request unsuccessful. incapsula incident",  # Imperva
    "service temporarily unavailable",  # proxies answering 200 for a 503
    "too many requests",  # rate-limit page served with 200
)

_SCAN_BYTES = 8 * 1024
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
# Whole words only: "a robot checks the stars" is a blurb, not a captcha.
_PATTERNS = tuple((p, re.compile(rf"\b{re.escape(p)}\b")) for p in ERROR_PAGE_PHRASES)


def error_page_phrase(body: bytes) -> str | None:
    """The error-page phrase a page shows, or None for an ordinary page.

    >>> error_page_phrase(b"<html><title>Robot Check</title>...")
    'robot check'
    >>> error_page_phrase(b"<h1>Oops! An unknown error has occurred.</h1>")
    'oops! an unknown error has occurred'
    >>> error_page_phrase(b"<title>I, Robot</title><p>A robot checks the stars.</p>") is None
    True
    """
    head = body[:_SCAN_BYTES]
    title_match = _TITLE.search(body[: 64 * 1024])
    parts = [head.decode("utf-8", "replace")]
    if title_match:
        parts.append(title_match.group(1).decode("utf-8", "replace"))
    # split/join folds whitespace runs like re.sub(r"\s+", " ") (and strips the
    # ends, which no whole-word phrase can depend on), at a tenth of the cost.
    text = " ".join(_TAGS.sub(" ", " ".join(parts)).split()).lower()
    # A plain substring test first (a fast memchr scan): the word-boundary regex
    # runs only for a phrase that is there at all, so an ordinary page costs
    # twelve substring scans, not twelve regex scans.
    return next((phrase for phrase, pattern in _PATTERNS if phrase in text and pattern.search(text)), None)
