"""The speed benchmark (benchmarks/bench_clean.py) runs and prints its table, on a small folder."""

from __future__ import annotations

import doctest
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_clean", ROOT / "benchmarks" / "bench_clean.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_clean"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_clean", None)


def test_helpers_doctests(bench):
    result = doctest.testmod(bench)
    assert result.attempted >= 1 and result.failed == 0


def test_per_page_medians_is_the_mean_of_page_medians(bench):
    runs = {"bare": [[1.0, 3.0, 2.0], [10.0, 10.0, 40.0]]}
    assert bench.per_page_medians(runs) == {"bare": (2.0 + 10.0) / 2}


def test_one_round_per_ratio(bench):
    runs = {"ours": [[4.0, 2.0, 9.0]], "bare": [[1.0, 1.0, 3.0]]}
    assert bench.round_ratios(runs, "ours", "bare") == [4.0, 2.0, 3.0]


def test_runs_on_a_folder_and_prints_the_table(bench, tmp_path, capsys):
    for page in sorted((ROOT / "samples" / "pages").glob("*.html"))[:3]:
        (tmp_path / page.name).write_bytes(page.read_bytes())
    assert bench.main([str(tmp_path), "--repeat", "2"]) == 0
    out = capsys.readouterr().out
    assert "3 HTML pages" in out
    for row in ("bare: selectolax body.text()", "ours: clean_page", "clean / bare", "each round, pages summed"):
        assert row in out
    rounds = next(line for line in out.splitlines() if "each round, pages summed" in line)
    assert rounds.count("x,") == 1 and rounds.endswith("x")  # one ratio per round


def test_an_empty_folder_is_one_line_and_exit_2(bench, tmp_path, capsys):
    assert bench.main([str(tmp_path)]) == 2
    assert "no page files" in capsys.readouterr().err
