"""Discovery: from listing pages to book pages on the same site (``--follow``).

``--follow`` takes either a CSS selector (``a.book-title``, ``.results li``)
or a URL pattern. A pattern is recognised by its start: ``/`` (matched against
the path, query included) or ``http://`` / ``https://`` (matched against the
whole URL), with ``*`` as a wildcard, e.g. ``/book/*`` or
``https://shop.example/p/*``. A selector picks elements; their ``href`` (or
the hrefs of links inside them) are followed.

Links leave neither the site (same host, ``www.`` ignored) nor http(s).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

__all__ = ["extract_links", "is_pattern"]


def is_pattern(follow: str) -> bool:
    """Whether ``--follow`` is a URL pattern (else a CSS selector).

    >>> is_pattern("/book/*"), is_pattern("https://x.org/b/*"), is_pattern("a.title")
    (True, True, False)
    """
    return follow.startswith(("/", "http://", "https://"))


def _site(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def extract_links(html: bytes, base_url: str, follow: str) -> list[str]:
    """Absolute same-site URLs picked by ``follow``, in page order, without duplicates.

    >>> page = (b'<a class="b" href="/book/1">1</a><a href="/about">x</a>'
    ...         b'<a href="//o.org/book/2">2</a>')
    >>> extract_links(page, "https://shop.example/list", "/book/*")
    ['https://shop.example/book/1']
    >>> extract_links(page, "https://shop.example/list", "a.b")
    ['https://shop.example/book/1']
    """
    tree = HTMLParser(html.decode("utf-8", "replace"))
    base_tag = tree.css_first("base[href]")
    if base_tag is not None:
        base_url = urljoin(base_url, base_tag.attributes.get("href") or "")
    hrefs: list[str] = []
    if is_pattern(follow):
        hrefs = [a.attributes.get("href") or "" for a in tree.css("a[href]")]
    else:
        for node in tree.css(follow):
            if node.tag == "a" and node.attributes.get("href"):
                hrefs.append(node.attributes.get("href") or "")
            else:
                hrefs.extend(a.attributes.get("href") or "" for a in node.css("a[href]"))
    site = _site(urlsplit(base_url).hostname)
    seen: dict[str, None] = {}
    for href in hrefs:
        url, _ = urldefrag(urljoin(base_url, href.strip()))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or _site(parts.hostname) != site:
            continue
        if is_pattern(follow):
            subject = url if follow.startswith("http") else parts.path + ("?" + parts.query if parts.query else "")
            if not fnmatchcase(subject, follow):
                continue
        seen.setdefault(url, None)
    return list(seen)
