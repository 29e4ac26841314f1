"""Shared helpers for the batch tests: running the batch command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]

# pytest puts tests/ first on sys.path (our folder is a package); a folder such
# as tests/normalizers/ would then shadow the real package of the same name.
# The repo root first makes `scraper` and `normalizers` the project's own.
if sys.path[0] != str(REPO):
    sys.path.insert(0, str(REPO))


def function_spec(module: ModuleType, name: str) -> tuple[str, str]:
    """``module:name`` for --doc-function, and the PYTHONPATH that makes it importable."""
    assert module.__file__ is not None
    depth = len(module.__name__.split("."))
    return f"{module.__name__}:{name}", str(Path(module.__file__).resolve().parents[depth - 1])


def batch_command(*args: str, doc_function: tuple[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of ``python -m scraper.batch clean ARGS``."""
    argv = [sys.executable, "-m", "scraper.batch", "clean", *args]
    env = dict(os.environ)
    paths = [str(REPO)]
    if doc_function is not None:
        argv += ["--doc-function", doc_function[0]]
        paths.append(doc_function[1])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return argv, env


@pytest.fixture
def run_batch_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the batch command to completion and return its result."""

    def run(
        *args: str, doc_function: tuple[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        argv, env = batch_command(*args, doc_function=doc_function)
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, check=False)

    return run
