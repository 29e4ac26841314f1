"""Paths and small helpers the tests share (fixtures live in ``conftest.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "samples"
SEED = SAMPLES / "seed" / "000_3fa9d20468648ad9.txt"
SEED_EXPECTED = SEED.with_name("000_3fa9d20468648ad9.expected.json")
CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class CliResult:
    """What a CLI run gave: exit code, stdout as bytes, stderr as text."""

    code: int
    stdout: bytes
    stderr: str

    @property
    def lines(self) -> list[bytes]:
        """The non-empty stdout lines."""
        return [line for line in self.stdout.splitlines() if line.strip()]


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path = REPO_ROOT, timeout: float = 300) -> CliResult:
    """Run ``python -m scraper ARGS`` as a user would: a subprocess, no stdin unless given."""
    proc = subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=timeout,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))


def assert_no_traceback(stderr: str) -> None:
    """A user never sees a Python traceback, whatever they typed."""
    assert "Traceback (most recent call last)" not in stderr, stderr


def fold_ws(text: str | None) -> str:
    """Whitespace folded to single spaces, for comparing prose across layouts."""
    return " ".join((text or "").split())


def clean_book(data: str | bytes, uri: str = "page.html", kind: str | None = None) -> Any:
    """``clean_page`` on one page given inline, which must come out a Book (the Reject is shown if not)."""
    from scraper.pipeline import clean_page
    from scraper.records import Book
    from scraper.sources import RawPage

    raw = data.encode() if isinstance(data, str) else data
    result = clean_page(RawPage(uri=uri, data=raw, kind=kind))  # type: ignore[arg-type]
    assert isinstance(result, Book), result
    return result
