"""Shared fixtures: the shared corpus (skipped cleanly when absent) and a CLI runner.

The shared corpus (``../shared/corpus`` beside the clone) holds third-party
pages we may read but not copy; tests that need it take the ``corpus`` fixture
and skip, with the path in the reason, when it is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import CORPUS, CliResult, run_cli


@dataclass(frozen=True)
class Corpus:
    """The shared corpus: its gold labels and its pages folder."""

    gold: Path
    pages: Path


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The shared corpus, or a clean skip when it is not beside the clone."""
    gold, pages = CORPUS / "gold.json", CORPUS / "pages"
    if not (gold.is_file() and pages.is_dir()):
        pytest.skip(f"shared corpus not found at {CORPUS} (it sits beside the clone in CI)")
    return Corpus(gold=gold, pages=pages)


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """Run ``python -m scraper ARGS`` from the repo root, with no stdin unless given."""
    return run_cli
