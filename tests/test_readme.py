"""The README's two commands work: the run command prints records, the test command is CI's."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from support import REPO_ROOT, assert_no_traceback

README = REPO_ROOT / "README.md"
CI_SCRIPT = REPO_ROOT / ".ci" / "run"


def readme_command(marker: str) -> str:
    """The one-line command in the fenced block right after ``<!-- marker -->``."""
    match = re.search(rf"<!-- {marker} -->\s*```[a-z]*\n(.+?)\n```", README.read_text(encoding="utf-8"), re.S)
    assert match, f"README.md has no fenced block after <!-- {marker} -->"
    command = match.group(1).strip()
    assert "\n" not in command, "the command must be one line a user can paste"
    return command


def steps(command: str) -> list[str]:
    return [step.strip() for step in command.split("&&")]


def test_run_command_installs_then_runs() -> None:
    """The run command makes a venv, installs the package as the test command does, then cleans."""
    run, test = steps(readme_command("run-command")), steps(readme_command("test-command"))
    assert run[:2] == test[:2]
    assert run[2].startswith(".venv/bin/catalog-scraper clean ")


def test_run_command_prints_records() -> None:
    """The README's ``catalog-scraper clean ...`` step, run in this venv, prints Book lines with titles."""
    argv = shlex.split(steps(readme_command("run-command"))[-1])
    assert Path(argv[0]).name == "catalog-scraper"
    script = Path(sys.executable).parent / "catalog-scraper"
    executable = [str(script)] if script.exists() else [sys.executable, "-m", "scraper"]
    proc = subprocess.run(
        [*executable, *argv[1:]], cwd=REPO_ROOT, capture_output=True, stdin=subprocess.DEVNULL, timeout=300
    )
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode == 0, proc.stderr.decode()
    records = [orjson.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert records and all(r["title"] for r in records)
    assert proc.stderr.decode().startswith("clean: ")


def test_test_command_is_what_ci_runs() -> None:
    """Each step of the README's test command is a line of .ci/run, in order (venv path aside)."""
    if not CI_SCRIPT.is_file():
        pytest.fail(f"{CI_SCRIPT} is missing")
    ci_lines = [line.strip().replace('"', "") for line in CI_SCRIPT.read_text(encoding="utf-8").splitlines()]
    positions = []
    for step in steps(readme_command("test-command")):
        expected = step.replace(".venv/", "$VENV/").replace(" .venv", " $VENV")
        assert expected in ci_lines, f".ci/run does not run {expected!r}"
        positions.append(ci_lines.index(expected))
    assert positions == sorted(positions)
