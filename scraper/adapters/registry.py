"""The adapter registry: adapters loaded from entry points, looked up by the page's host.

Adapters are found through the entry-point group :data:`ENTRY_POINT_GROUP`
(``catalog_scraper.adapters``), ours and any installed package's alike::

    [project.entry-points."catalog_scraper.adapters"]
    mysite = "mypackage.adapters:MySiteAdapter"

An entry point names an adapter class (built with no arguments) or an
adapter object. They are loaded lazily, once per process, on the first page
cleaned. Nothing an adapter does can stop a batch: one that fails to load or
is not an adapter is skipped with a logged warning, and one that raises on a
page (or returns something that is not a :class:`~scraper.candidates.Candidate`)
is logged and ignored for that page, which the generic path then cleans alone.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from scraper.adapters.base import SiteAdapter, SitePage, host_matches, normalize_host
from scraper.candidates import Candidate
from scraper.parse import ParsedPage
from scraper.profiles import site_key
from scraper.sources import RawPage

__all__ = ["ENTRY_POINT_GROUP", "AdapterRegistry", "RegisteredAdapter", "adapter_candidates", "default_registry"]

ENTRY_POINT_GROUP = "catalog_scraper.adapters"

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RegisteredAdapter:
    """An adapter under its entry-point name, with the host suffixes it claims (normalized)."""

    name: str
    adapter: SiteAdapter
    domains: tuple[str, ...]


def _checked(name: str, adapter: object) -> RegisteredAdapter:
    """The adapter registered under ``name``; TypeError saying why when it is not an adapter."""
    domains = getattr(adapter, "domains", None)
    if not isinstance(domains, list | tuple | set | frozenset):
        raise TypeError(f"domains must be a list of host suffixes, not {type(domains).__name__}")
    if not domains or not all(isinstance(d, str) and normalize_host(d) for d in domains):
        raise TypeError(f"domains must name at least one host suffix, got {list(domains)!r}")
    if not callable(getattr(adapter, "candidates", None)):
        raise TypeError("it has no candidates(page) method")
    claimed = tuple(sorted({normalize_host(d) for d in domains}))
    return RegisteredAdapter(name=name, adapter=adapter, domains=claimed)  # type: ignore[arg-type]


def _adapter_candidate(found: object) -> Candidate:
    if not (isinstance(found, Candidate) and isinstance(found.field, str) and isinstance(found.value, str)):
        raise TypeError(f"an adapter returned {type(found).__name__}, not a Candidate")
    # Whatever source an adapter names, the record says an adapter supplied it.
    return Candidate(found.field, found.value, "adapter")


class AdapterRegistry:
    """The adapters of one process, looked up by host."""

    def __init__(self, adapters: Iterable[RegisteredAdapter] = ()) -> None:
        self.adapters = tuple(adapters)
        self._warned: set[str] = set()

    @classmethod
    def from_objects(cls, adapters: dict[str, object]) -> AdapterRegistry:
        """A registry of the given adapters (by name); ``TypeError`` when one is not an adapter."""
        return cls(_checked(name, adapter) for name, adapter in adapters.items())

    @classmethod
    def from_entry_points(cls, found: Iterable[EntryPoint] | None = None) -> AdapterRegistry:
        """Load every adapter of :data:`ENTRY_POINT_GROUP`, skipping (and logging) broken ones.

        ``found`` replaces the installed entry points (for tests).
        """
        if found is None:
            try:
                found = entry_points(group=ENTRY_POINT_GROUP)
            except Exception as exc:  # damaged metadata of some installed package
                _log.warning("site adapters not loaded: %s: %s", type(exc).__name__, exc)
                return cls()
        loaded: list[RegisteredAdapter] = []
        seen: set[str] = set()
        for point in sorted(found, key=lambda p: p.name):
            if point.name in seen:
                _log.warning("site adapter %r (%s) skipped: the name is taken", point.name, point.value)
                continue
            try:
                target = point.load()
                adapter = target() if isinstance(target, type) else target
                entry = _checked(point.name, adapter)
            except Exception as exc:  # a third-party adapter's bug never stops a batch
                _log.warning("site adapter %r (%s) skipped: %s: %s", point.name, point.value, type(exc).__name__, exc)
                continue
            seen.add(point.name)
            loaded.append(entry)
        return cls(loaded)

    def for_host(self, host: str) -> list[RegisteredAdapter]:
        """The adapters claiming ``host`` (a host name; anything else matches none)."""
        return [a for a in self.adapters if any(host_matches(host, d) for d in a.domains)]

    def candidates(self, page: RawPage, parsed: ParsedPage) -> list[Candidate]:
        """Every candidate the adapters for this page's host give, each with source ``"adapter"``.

        The host is the page's site as :func:`scraper.profiles.site_key` finds
        it (the page's known site or URL host, else its canonical link or
        ``og:url``); a page whose site is only its folder matches no adapter.
        """
        if not self.adapters:
            return []
        host = site_key(page, parsed)
        matched = self.for_host(host)
        if not matched:
            return []
        site_page = SitePage(host=normalize_host(host), raw=page, parsed=parsed)
        found: list[Candidate] = []
        for entry in matched:
            try:
                found += [_adapter_candidate(c) for c in entry.adapter.candidates(site_page)]
            except Exception as exc:  # this adapter adds nothing to this page; the generic path stands
                self._report(entry.name, page.uri, exc)
        return found

    def _report(self, name: str, uri: str, exc: Exception) -> None:
        # The first failure of an adapter is a warning; a batch of a million
        # pages on a redesigned site should not print a million of them.
        level = logging.DEBUG if name in self._warned else logging.WARNING
        self._warned.add(name)
        _log.log(level, "site adapter %r failed on %s (%s: %s); cleaned without it", name, uri, type(exc).__name__, exc)


@functools.cache
def default_registry() -> AdapterRegistry:
    """The installed adapters, loaded on first use and kept for the process."""
    return AdapterRegistry.from_entry_points()


def adapter_candidates(page: RawPage, parsed: ParsedPage) -> list[Candidate]:
    """The installed adapters' candidates for one page (see :meth:`AdapterRegistry.candidates`)."""
    return default_registry().candidates(page, parsed)
