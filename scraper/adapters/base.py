"""The site-adapter interface: what an adapter is given and what it returns.

An adapter claims hosts by suffix (:attr:`SiteAdapter.domains`) and, for a
page on one of them, returns extra :class:`~scraper.candidates.Candidate`
values read from the site's own structure. It is handed a :class:`SitePage`:
the page's host and URL, the raw page, the page as already parsed (blocks,
meta tags, JSON-LD, microdata, title tag, canonical link), and, on demand,
the HTML tree for what parsing keeps no copy of (attributes, hidden markup).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from selectolax.lexbor import LexborHTMLParser

from scraper.candidates import Candidate
from scraper.decode import decode_bytes
from scraper.parse import ParsedPage
from scraper.sources import RawPage

__all__ = ["SiteAdapter", "SitePage", "host_matches", "normalize_host"]


def normalize_host(host: str) -> str:
    """A host or domain as adapters are matched on: lower case, no "www.", no dots at the ends.

    >>> normalize_host(" WWW.OpenLibrary.org. ")
    'openlibrary.org'
    """
    return host.strip().lower().strip(".").removeprefix("www.")


def host_matches(host: str, domain: str) -> bool:
    """True when ``host`` is ``domain`` or one of its subdomains (both normalized).

    >>> host_matches("openlibrary.org", "openlibrary.org"), host_matches("de.openlibrary.org", "openlibrary.org")
    (True, True)
    >>> host_matches("notopenlibrary.org", "openlibrary.org"), host_matches("pages/openlibrary.org", "openlibrary.org")
    (False, False)
    """
    host, domain = normalize_host(host), normalize_host(domain)
    return bool(domain) and (host == domain or host.endswith("." + domain))


@dataclass
class SitePage:
    """One page as an adapter sees it."""

    host: str  # the site the page was found to belong to (see scraper.profiles.site_key)
    raw: RawPage
    parsed: ParsedPage
    _tree: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def url(self) -> str | None:
        """The page's address: the fetched URL, else its canonical link, else ``og:url``."""
        og = self.parsed.meta.get("og:url", ())
        return self.raw.url or self.parsed.canonical or (og[0] if og else None)

    def tree(self) -> LexborHTMLParser | None:
        """The page's HTML tree; None for a text dump.

        Blocks keep no attributes, so an adapter that needs one (an ``alt``,
        a ``data-`` value) reads it here. It is the tree the page was parsed
        into when that is still held (less its invisible elements if the page
        was walked in Python); a parse kept from a learning pass has dropped
        it, and the page is parsed again (once, then kept).
        """
        if self.parsed.kind != "html":
            return None
        if self._tree is None and self.parsed.tree is not None:
            self._tree = self.parsed.tree
        if self._tree is None:
            if self.parsed.charset == "utf-8":
                self._tree = LexborHTMLParser(self.raw.data)
            else:
                text, _ = decode_bytes(self.raw.data, declared=self.parsed.charset or self.raw.charset)
                self._tree = LexborHTMLParser(text)
        tree: LexborHTMLParser = self._tree
        return tree


class SiteAdapter(Protocol):
    """A page-object for one site: extra candidates for fields the generic path cannot reach there.

    An adapter is a last resort: prefer fixing the generic readers. Its
    docstring says which field the generic path cannot reach on its site and
    why. It reads the site's stable structure (the template every page of the
    site is rendered from), never strings of one page, and returns nothing
    when a page does not have the structure it expects: the generic path then
    stands alone. Every candidate it returns is recorded with source
    ``"adapter"`` whatever source it names.
    """

    @property
    def domains(self) -> Sequence[str]:
        """Host suffixes claimed: ``"openlibrary.org"`` covers ``openlibrary.org`` and its subdomains."""
        ...

    def candidates(self, page: SitePage) -> Iterable[Candidate]:
        """Extra candidates for ``page`` (a page on a claimed host); empty when it has none."""
        ...
