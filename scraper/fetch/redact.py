"""Keep secrets out of logs, WARC request records and rejects.

Users put credentials in three places: URL userinfo (``https://user:pw@host``),
query parameters (``?api_key=...``) and headers (Authorization, Cookie). The
ledger keeps the real URL (it must, to fetch it again); everything a person or
another program reads goes through these functions first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["REDACTED", "SECRET_HEADERS", "redact_headers", "redact_text", "redact_url"]

REDACTED = "REDACTED"

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"}
)

# Query keys that carry credentials on catalog and library APIs. Matched on the
# key with separators removed, so api_key, api-key, apiKey and API_KEY all hit.
_SECRET_KEY = re.compile(
    r"(api.?key|apikey|key|token|secret|password|passwd|pwd|auth|signature|sig|session|sid"
    r"|access.?token|client.?secret|credential)s?$",
    re.IGNORECASE,
)


def _is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key.replace("-", "").replace("_", "")))


def redact_url(url: str) -> str:
    """The URL with userinfo and secret-looking query values replaced.

    >>> redact_url("https://bob:hunter2@example.org/b?id=7&api_key=abc&apiKey=d")
    'https://REDACTED@example.org/b?id=7&api_key=REDACTED&apiKey=REDACTED'
    >>> redact_url("https://example.org/book/7")
    'https://example.org/book/7'
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_is_secret_key(k) for k, _ in pairs):
            query = urlencode([(k, REDACTED if _is_secret_key(k) else v) for k, v in pairs], safe="/:")
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Header pairs with the values of credential headers replaced.

    >>> redact_headers([("Authorization", "Bearer x"), ("Accept", "*/*")])
    [('Authorization', 'REDACTED'), ('Accept', '*/*')]
    """
    return [(k, REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers]


_URL_IN_TEXT = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")


def redact_text(text: str) -> str:
    """Redact every URL inside free text, such as an exception message.

    >>> redact_text("failed: http://u:p@h/x?token=1 timed out")
    'failed: http://REDACTED@h/x?token=REDACTED timed out'
    """
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)
