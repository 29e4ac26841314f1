"""The compiled parts, found or not.

Four hot loops are Cython modules built at install when a C compiler is there
(``scraper/walk_compiled.pyx``, ``scraper/language_compiled.pyx``,
``normalizers/text_compiled.pyx``, ``normalizers/phrase_compiled.pyx``). Each
beside a pure-Python twin that stays the reference: the code that uses one
asks here for it, checks it as it needs, and takes the Python path on None.
``CATALOG_SCRAPER_PURE_PYTHON=1`` turns them all off, which the tests use to
compare the two ways.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["PURE_PYTHON", "compiled_module"]

PURE_PYTHON = "CATALOG_SCRAPER_PURE_PYTHON"  # the environment variable that turns them off


def compiled_module(name: str) -> ModuleType | None:
    """The compiled module ``name``, or None: not built (no C compiler at install), or turned off."""
    if os.environ.get(PURE_PYTHON):
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
