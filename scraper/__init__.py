"""catalog-scraper: messy book catalog pages in, validated Book records out.

The public API is small::

    from scraper import CleanConfig, clean_page, iter_pages

    for page in iter_pages(["samples/pages"]):
        result = clean_page(page)          # a Book or a Reject, never an exception

Names are imported on first use (PEP 562), not when the package loads: the
normalizers import :mod:`scraper.blocks`, which loads this package first, so
an eager ``from scraper.pipeline import ...`` here would be circular. It also
keeps ``import scraper.sources`` cheap for batch workers.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scraper.pipeline import CleanConfig, clean_page
    from scraper.records import Book, Reject
    from scraper.sources import RawPage, iter_pages

__all__ = ["Book", "CleanConfig", "RawPage", "Reject", "__version__", "clean_page", "iter_pages"]

try:
    __version__ = version("catalog-scraper")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_LAZY = {
    "Book": "scraper.records",
    "Reject": "scraper.records",
    "CleanConfig": "scraper.pipeline",
    "clean_page": "scraper.pipeline",
    "RawPage": "scraper.sources",
    "iter_pages": "scraper.sources",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'scraper' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
