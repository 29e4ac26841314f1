"""SITE PROFILES: what repeats across one site's pages, learned in one streaming pass.

Template blocks (a site's menus, toasts, facet labels, footers, "Staff picks"
boxes) repeat on nearly every page of the site; a book's synopsis appears on
one. A :class:`SiteProfile` counts, for one site, on how many pages each block
was seen, so the cleaning pass can remove the blocks a site prints everywhere
even when no phrase rule or DOM cue names them
(:func:`normalizers.templates.make_template_step`).

Learning keeps counts, never pages:

* a block is identified by a 64-bit hash of its kind, its folded text and,
  for HTML, its short DOM-path signature (:func:`block_key`), so "Home" in a
  menu and "Home" as a chapter title are different blocks;
* each site keeps at most ``max_keys`` counters. When a site has more distinct
  blocks than that, the rarest are evicted Misra-Gries style (every counter is
  lowered by the same amount and those at zero are dropped). Counts then only
  ever *under*-state how often a block was seen, by at most
  :attr:`SiteProfile.undercount`, so memory is bounded and eviction can only
  make the cleaner remove less, never more;
* pages are counted per kind (HTML, text dump), because a block of an HTML
  page can only ever match HTML pages.

Profiles merge (counts and pages add up; the same bound holds) and save as
versioned JSON, so a profile learned from one batch can clean single pages
later and grow with every new batch.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from normalizers.text import fold
from scraper.blocks import Block
from scraper.parse import ParsedPage, parse_page
from scraper.sources import MediaKind, RawPage

__all__ = [
    "DEFAULT_MAX_KEYS",
    "DEFAULT_MAX_LEARN_PAGES",
    "DEFAULT_PROFILE_SETTINGS",
    "PROFILE_FORMAT",
    "PROFILE_VERSION",
    "ParsedCache",
    "ProfileSettings",
    "ProfileStore",
    "SiteProfile",
    "block_key",
    "block_kind",
    "learn_profiles",
    "site_key",
]

PROFILE_FORMAT = "catalog-scraper/site-profiles"
PROFILE_VERSION = 1

# 50,000 counters is a few MB per site in memory and ~1.3 MB of JSON. A catalog
# template has tens to a few hundred blocks; a site's pages add a few hundred
# distinct content blocks each, so the cap is reached only after a few hundred
# pages, and from then on eviction keeps every block seen on more than about
# 2 / max_keys of all block sightings: the template, with room to spare.
DEFAULT_MAX_KEYS = 50_000

# Learning is one parse per page, about half the cost of cleaning it, so on a
# large site it is stopped once the shares are known well enough: on 200 pages
# a share near the 0.6 threshold is known to within about +-7 points (95%),
# while template blocks sit near 1.0 and content a few percent at most. The
# pages after that only cost parsing and would change no decision.
DEFAULT_MAX_LEARN_PAGES = 200
# Parses kept between the passes of a batch: 512 MiB holds a few hundred large
# store pages, enough for the small batches where a second parse would cost most.
DEFAULT_CACHE_BYTES = 512 * 2**20
_PARSE_COST = 4  # bytes of parse per byte of page, measured roughly on the corpus


@dataclass(frozen=True, slots=True)
class ProfileSettings:
    """When a block counts as a site's template. Passed in, never global."""

    # A template block sits on nearly every page, but not on all: sites A/B
    # test, show a toast only when something failed, a badge only on some
    # editions, and a crawl mixes page types. 0.6 still catches a block shown
    # on most pages, while what a curator wants kept repeats far less: a
    # series blurb or a synopsis sentence shared by a handful of books. Text on
    # 60% of a site's pages is, by that fact, not about any one book.
    min_share: float = 0.6
    # A share means little on few pages: on two pages, whatever the two books
    # share has share 1.0. Requiring the block on at least 4 pages makes a
    # chance match between unrelated books unlikely, and still lets small
    # batches learn (the shared corpus has sites with 4-5 pages per kind).
    min_pages: int = 4

    def __post_init__(self) -> None:
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError(f"min_share must be in (0, 1], got {self.min_share}")
        if self.min_pages < 1:
            raise ValueError(f"min_pages must be at least 1, got {self.min_pages}")


DEFAULT_PROFILE_SETTINGS = ProfileSettings()


def block_kind(block: Block) -> MediaKind:
    """The kind of page a block came from: text dumps make only "line" and "para" blocks.

    >>> block_kind(Block("Home", tag="line")), block_kind(Block("Home", tag="li"))
    ('text', 'html')
    """
    return "text" if block.tag in ("line", "para") else "html"


def block_key(block: Block) -> int:
    """A short stable identity for a block: kind, folded text and (HTML only) DOM path.

    Stable across processes and Python versions (blake2b, not ``hash()``), so
    saved profiles keep matching.

    >>> block_key(Block("Read  MORE!", path="div.x")) == block_key(Block("read more", path="div.x"))
    True
    >>> block_key(Block("Home", path="nav>a")) == block_key(Block("Home", path="h1"))
    False
    """
    kind = block_kind(block)
    return _key(kind, block.path if kind == "html" else "", block.text)


@functools.lru_cache(maxsize=1 << 16)
def _key(kind: str, path: str, text: str) -> int:
    # Cached: template blocks recur on every page of a site, in both passes.
    # A block of symbols only ("★★★★☆", "›") folds to nothing: keep its text.
    folded = fold(text) or text
    digest = hashlib.blake2b(f"{kind}\x1f{path}\x1f{folded}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(slots=True)
class SiteProfile:
    """How many of one site's pages each block was seen on (bounded)."""

    pages: dict[str, int] = field(default_factory=dict)  # page kind -> pages learned
    counts: dict[int, int] = field(default_factory=dict)  # block_key -> pages it was on (a lower bound)
    undercount: int = 0  # how far any count may fall short after evictions (Misra-Gries bound)

    def pages_of(self, kind: str) -> int:
        """Pages of this kind the profile was learned from."""
        return self.pages.get(kind, 0)

    def add_page(self, keys: Iterable[int], kind: str, max_keys: int) -> None:
        """Count one page: each distinct key once."""
        self.pages[kind] = self.pages.get(kind, 0) + 1
        counts = self.counts
        for key in set(keys):
            counts[key] = counts.get(key, 0) + 1
        if len(counts) > max_keys:
            self.shrink(max_keys)

    def shrink(self, max_keys: int) -> None:
        """Evict the rarest blocks until at most half of ``max_keys`` remain.

        Every counter is lowered by the same amount ``t`` (the count of the
        block ranked ``max_keys // 2 + 1``) and those at zero are dropped.
        Shrinking to half, not to the cap, means the sort is paid once per
        ``max_keys / 2`` new blocks rather than once per page.
        """
        keep = max(max_keys // 2, 1)
        if len(self.counts) <= keep:
            return
        ranked = sorted(self.counts.values(), reverse=True)
        cut = ranked[keep]
        self.counts = {k: c - cut for k, c in self.counts.items() if c > cut}
        self.undercount += cut

    def merge(self, other: SiteProfile, max_keys: int) -> None:
        """Add another profile of the same site into this one."""
        for kind, n in other.pages.items():
            self.pages[kind] = self.pages.get(kind, 0) + n
        for key, count in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + count
        self.undercount += other.undercount
        if len(self.counts) > max_keys:
            self.shrink(max_keys)


@dataclass(slots=True)
class ProfileStore:
    """Site profiles by site key; learned from pages, merged, saved and loaded."""

    sites: dict[str, SiteProfile] = field(default_factory=dict)
    max_keys: int = DEFAULT_MAX_KEYS

    def learn(self, page_blocks: list[Block], site: str, kind: MediaKind | None = None) -> None:
        """Count one page's blocks *as parsed* (before cleaning), each distinct block once.

        ``kind`` defaults to what the blocks show; a page with no blocks is not counted.
        """
        if not page_blocks:
            return
        kind = kind or ("html" if any(block_kind(b) == "html" for b in page_blocks) else "text")
        profile = self.sites.get(site)
        if profile is None:
            profile = self.sites[site] = SiteProfile()
        profile.add_page(map(block_key, page_blocks), kind, self.max_keys)

    def merge(self, other: ProfileStore) -> None:
        """Add ``other``'s counts into this store (e.g. a new batch into saved profiles)."""
        for site, theirs in other.sites.items():
            ours = self.sites.get(site)
            if ours is None:
                ours = self.sites[site] = SiteProfile()
            ours.merge(theirs, self.max_keys)

    def seen(self, site: str, block: Block) -> tuple[int, int] | None:
        """``(pages the block was seen on, pages of its kind learned)``, or None for an unknown site."""
        profile = self.sites.get(site)
        if profile is None:
            return None
        pages = profile.pages_of(block_kind(block))
        if not pages:
            return None
        return profile.counts.get(block_key(block), 0), pages

    def template_share(self, site: str, block: Block) -> float | None:
        """The share of the site's pages (of the block's kind) the block was seen on.

        >>> store = ProfileStore()
        >>> for i in range(4):
        ...     store.learn([Block("Oops, try again", tag="line"), Block(f"Book {i}", tag="line")], "shop")
        >>> store.template_share("shop", Block("oops try again", tag="line"))
        1.0
        >>> store.template_share("shop", Block("Book 2", tag="line")), store.template_share("other", Block("x"))
        (0.25, None)
        """
        seen = self.seen(site, block)
        return None if seen is None else seen[0] / seen[1]

    # --- persistence -----------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The store as JSON-ready data (keys as 16 hex digits, most frequent first)."""
        return {
            "format": PROFILE_FORMAT,
            "version": PROFILE_VERSION,
            "max_keys": self.max_keys,
            "sites": {
                site: {
                    "pages": dict(sorted(p.pages.items())),
                    "undercount": p.undercount,
                    "counts": {f"{k:016x}": c for k, c in sorted(p.counts.items(), key=lambda kv: (-kv[1], kv[0]))},
                }
                for site, p in sorted(self.sites.items())
            },
        }

    @classmethod
    def from_json(cls, data: Any, *, where: str = "profiles") -> ProfileStore:
        """Rebuild a store from :meth:`to_json` data; ``ValueError`` names what is wrong."""
        if not isinstance(data, dict) or data.get("format") != PROFILE_FORMAT:
            raise ValueError(f'{where}: not a site profiles file (no "format": "{PROFILE_FORMAT}")')
        version = data.get("version")
        if version != PROFILE_VERSION:
            raise ValueError(
                f"{where}: site profiles version {version!r} is not supported (this version reads "
                f"{PROFILE_VERSION}); learn the profiles again with `catalog-scraper learn`"
            )
        try:
            store = cls(max_keys=int(data.get("max_keys", DEFAULT_MAX_KEYS)))
            for site, raw in data["sites"].items():
                store.sites[str(site)] = SiteProfile(
                    pages={str(k): int(v) for k, v in raw["pages"].items()},
                    counts={int(k, 16): int(c) for k, c in raw["counts"].items()},
                    undercount=int(raw.get("undercount", 0)),
                )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{where}: damaged site profiles ({type(exc).__name__}: {exc})") from exc
        return store

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the store as JSON, atomically (a crash never leaves half a file)."""
        target = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.to_json(), out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ProfileStore:
        """Read a store saved by :meth:`save`; ``ValueError`` when the file is not one."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not a site profiles file ({exc})") from exc
        return cls.from_json(data, where=str(path))


# --- which site a page belongs to ------------------------------------------------


def _host(url: str | None) -> str | None:
    """The host of an absolute http(s) URL, lower-cased, without "www." or port."""
    if not url or "://" not in url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.removeprefix("www.")


def _folder(uri: str) -> str | None:
    # "archive.tar#books/siteA/p.html" -> "archive.tar#books/siteA"; "x.zip#p.html" -> "x.zip"
    archive, hash_, member = uri.partition("#")
    if hash_:
        inner = posixpath.dirname(member)
        return f"{archive}#{inner}" if inner else archive
    if uri == "-":
        return None
    folder = os.path.dirname(os.path.normpath(uri))
    return folder or "."


def _known_site(page: RawPage, override: str | None) -> str | None:
    """The site when it is known without parsing the page: override, ``page.site``, URL host."""
    return override or page.site or _host(page.url) or _host(page.uri)


def site_key(page: RawPage, parsed: ParsedPage | None = None, override: str | None = None) -> str:
    """Which site's profile a page belongs to.

    In order: ``override`` (the user's ``--site``: said explicitly, it wins),
    the page's own ``site``, the host of its URL (a fetch, a WARC record), the
    host of its canonical link or ``og:url`` (needs ``parsed``), the folder it
    came from (a folder per site is how saved pages are usually kept), else
    ``"-"``. Hosts lose a leading "www." and any port.

    >>> site_key(RawPage(uri="x", data=b"", url="https://www.Example.org:8443/book/1"))
    'example.org'
    >>> site_key(RawPage(uri="pages/shop/p1.html", data=b"")), site_key(RawPage(uri="p.html", data=b""))
    ('pages/shop', '.')
    >>> site_key(RawPage(uri="-", data=b"")), site_key(RawPage(uri="-", data=b""), override="shop")
    ('-', 'shop')
    """
    known = _known_site(page, override)
    if known:
        return known
    if parsed is not None:
        for url in (parsed.canonical, *parsed.meta.get("og:url", ())):
            host = _host(url)
            if host:
                return host
    return _folder(page.uri) or "-"


# --- the learning pass ---------------------------------------------------------------


class ParsedCache:
    """Parses kept from the learning pass for the cleaning pass, within a memory budget.

    Parsing is nearly all of a learning pass, so a batch that fits the budget
    parses each page once. An entry is taken only for the same bytes (a file
    that changed between the passes is parsed again).
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.used = 0
        self._entries: dict[str, tuple[bytes, ParsedPage]] = {}

    def put(self, page: RawPage, parsed: ParsedPage) -> None:
        # A parse costs a few times its page's bytes in Python objects.
        cost = _PARSE_COST * len(page.data)
        if self.used + cost <= self.max_bytes and page.uri not in self._entries:
            self._entries[page.uri] = (page.data, replace(parsed, tree=None))  # the blocks, not the tree
            self.used += cost

    def take(self, page: RawPage) -> ParsedPage | None:
        entry = self._entries.pop(page.uri, None)
        if entry is None:
            return None
        self.used -= _PARSE_COST * len(entry[0])
        return entry[1] if entry[0] == page.data else None


def learn_profiles(
    pages: Iterable[RawPage],
    *,
    site_override: str | None = None,
    sample_every: int = 1,
    max_pages_per_site: int | None = DEFAULT_MAX_LEARN_PAGES,
    max_keys: int = DEFAULT_MAX_KEYS,
    keep: ParsedCache | None = None,
) -> ProfileStore:
    """The first pass of a batch: parse each page and count its blocks per site.

    Streams: holds one page at a time and the counts. Two levers bound its
    cost, since parsing is nearly all of it:

    * ``sample_every=k`` learns from every k-th page only (for large archives);
    * ``max_pages_per_site`` stops learning a site once that many of its pages
      were counted: by then shares are known to a few percent, and the rest of
      a large site's pages only cost time. It applies to pages whose site is
      known before parsing (``site_override``, ``page.site``, a URL, as in
      WARC files and fetches); a page grouped by its folder or canonical link
      is always learned, since which site it belongs to shows only once parsed.

    Pages that fail to parse are skipped here; the cleaning pass reports them.
    With ``keep``, the parses are kept (within its budget) for the cleaning pass.
    """
    if sample_every < 1:
        raise ValueError(f"sample_every must be at least 1, got {sample_every}")
    store = ProfileStore(max_keys=max_keys)
    learned: dict[str, int] = {}
    for index, page in enumerate(pages):
        if index % sample_every or not page.data or page.data.isspace():
            continue
        known = _known_site(page, site_override)
        if known is not None and max_pages_per_site is not None:
            if learned.get(known, 0) >= max_pages_per_site:
                continue
            learned[known] = learned.get(known, 0) + 1
        try:
            parsed = parse_page(page)
        except (ValueError, UnicodeError, RecursionError):
            continue
        store.learn(parsed.blocks, known or site_key(page, parsed), parsed.kind)
        if keep is not None:
            keep.put(page, parsed)
    return store
