"""SITE ADAPTERS: the escape hatch for fields the generic path cannot reach on one site.

The generic readers (structured data, labelled blocks, headings, text) are
the main path and the one to fix first. A site adapter is the last resort: a
small page-object registered for a site's hosts that reads the site's own
stable structure for one field the generic readers cannot get right there,
and says why in its docstring. Its values are candidates like any other,
with source ``"adapter"``, so fusion weighs them and a record's provenance
shows that an adapter supplied a value.

Adapters are registered through the entry-point group
``catalog_scraper.adapters`` (:mod:`scraper.adapters.registry`); the ones
that ship with the package are listed in its ``pyproject.toml``.
"""

from __future__ import annotations

from scraper.adapters.base import SiteAdapter, SitePage, host_matches, normalize_host
from scraper.adapters.registry import (
    ENTRY_POINT_GROUP,
    AdapterRegistry,
    RegisteredAdapter,
    adapter_candidates,
    default_registry,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "AdapterRegistry",
    "RegisteredAdapter",
    "SiteAdapter",
    "SitePage",
    "adapter_candidates",
    "default_registry",
    "host_matches",
    "normalize_host",
]
