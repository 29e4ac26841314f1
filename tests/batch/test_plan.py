"""Planning: which inputs become work, which are skipped and why, and how units are keyed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import scraper.archives  # noqa: F401  # archives must be recognised by suffix
from scraper.batch.plan import InputFile, PageGroup, expand_inputs, group_sources
from scraper.sources import SkippedInput


def make_tree(root: Path, outside: Path) -> None:
    (root / "sub").mkdir(parents=True)
    (root / "a.html").write_text("<h1>A</h1>")
    (root / "sub" / "b.txt").write_text("B")
    (root / "crawl.warc.gz").write_bytes(b"\x1f\x8b\x08fake")
    (root / "empty.html").write_bytes(b"")
    (root / "notes.md").write_text("notes")
    os.mkfifo(root / "pipe.html")
    (outside / "secret.html").write_text("<h1>secret</h1>")
    (root / "escape.html").symlink_to(outside / "secret.html")
    (root / "inside.html").symlink_to(root / "a.html")
    (root / "broken.html").symlink_to(root / "nowhere.html")


SKIPS = [
    # (file in the tree, the reason it gives no page)
    ("empty.html", "empty file"),
    ("notes.md", "not a page file (suffix not .html/.htm/.txt)"),
    ("pipe.html", "not a regular file (FIFO, device or socket)"),
    ("escape.html", "symlink points outside the input folder"),
    ("broken.html", "unreadable: No such file or directory"),
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    make_tree(tmp_path / "in", outside)
    return tmp_path / "in"


@pytest.mark.parametrize(("name", "reason"), SKIPS)
def test_unusable_files_are_skipped_with_a_reason(tree: Path, name: str, reason: str) -> None:
    """Empty files, FIFOs, symlinks out of the tree and the like are skipped, never read."""
    skipped = {Path(e.uri).name: e.reason for e in expand_inputs([str(tree)]) if isinstance(e, SkippedInput)}
    assert skipped[name] == reason


def test_pages_and_archives_are_planned_in_walk_order(tree: Path) -> None:
    """Loose pages are grouped; each archive is its own source; order is the sorted walk."""
    sources = list(group_sources(expand_inputs([str(tree)]), group_size=3))
    shape = [s.path.name if isinstance(s, InputFile) else [Path(e.uri).name for e in s.entries] for s in sources]
    assert shape == [
        ["a.html", "broken.html"],
        "crawl.warc.gz",
        ["empty.html", "escape.html", "inside.html"],
        ["notes.md", "pipe.html", "b.txt"],
    ]
    assert all(isinstance(s, (InputFile, PageGroup)) for s in sources)


@pytest.mark.parametrize(
    ("spec", "reason"),
    [("/nonexistent/x.html", "no such file, folder or glob match"), ("/nonexistent/*.warc.gz", "glob matched nothing")],
)
def test_missing_inputs_say_so(spec: str, reason: str) -> None:
    """A typo in an input path is reported, not silently ignored."""
    assert list(expand_inputs([spec])) == [SkippedInput(spec, reason)]
