"""The command line, run as a user runs it: a subprocess, real files, no stdin.

Decisions pinned here (also in the README): a missing input is reported as
skipped and the run goes on; ``clean`` exits 0 when at least one page was
cleaned (whatever became of it) and 2, with one error line, when no input held
a page or none was named. Rejects go to ``--rejects`` only, never to stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from support import SAMPLES, SEED, CliResult, assert_no_traceback

from scraper import cli as cli_module
from scraper.records import Book, Reject

Cli = Callable[..., CliResult]
PAGES = SAMPLES / "pages"
N_PAGES = len([p for p in PAGES.iterdir() if p.is_file()]) if PAGES.is_dir() else 0


def books(result: CliResult) -> list[Book]:
    return [Book.model_validate_json(line) for line in result.lines]


def assert_one_error_line(result: CliResult, *words: str) -> None:
    """Unusable arguments: exit 2, one ``catalog-scraper: error:`` line, nothing on stdout."""
    assert_no_traceback(result.stderr)
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("catalog-scraper: error: ")
    for word in words:
        assert word in lines[0]
    assert result.stdout == b""


# --- clean ------------------------------------------------------------------------------


def test_clean_folder(cli: Cli) -> None:
    """A folder is walked; every line on stdout is a valid Book; the summary counts every page."""
    result = cli("clean", "samples/pages")
    assert_no_traceback(result.stderr)
    assert result.code == 0
    records = books(result)
    assert records and all(r.title for r in records)
    assert f"clean: {N_PAGES} inputs -> {len(records)} records" in result.stderr


def test_clean_glob(cli: Cli) -> None:
    """A glob names its matches, in sorted order."""
    result = cli("clean", "samples/pages/*.txt")
    assert_no_traceback(result.stderr)
    assert result.code == 0
    uris = [b.source.uri for b in books(result)]
    assert uris == sorted(uris) and uris and all(u.endswith(".txt") for u in uris)


def test_clean_stdin(cli: Cli) -> None:
    """``-`` reads one page from stdin; its source is ``-``."""
    result = cli("clean", "-", stdin=SEED.read_bytes())
    assert_no_traceback(result.stderr)
    assert result.code == 0
    [record] = books(result)
    assert record.source.uri == "-"
    assert record.title == "The Sino-Soviet Alliance"


def test_clean_stdin_empty(cli: Cli) -> None:
    """``-`` with nothing on stdin is a skipped input, so with no other input it is an error."""
    assert_one_error_line(cli("clean", "-"), "empty input on stdin")


def test_missing_file_alone_is_an_error(cli: Cli) -> None:
    """A missing file as the only input: one error line naming it, exit 2."""
    assert_one_error_line(cli("clean", "no/such/page.html"), "no/such/page.html", "no such file")


def test_missing_file_among_others_is_skipped(cli: Cli, tmp_path: Path) -> None:
    """A missing file next to real ones is reported as skipped; the run goes on and exits 0."""
    rejects = tmp_path / "rejects.jsonl"
    result = cli("clean", "no/such/page.html", str(SEED), "--rejects", str(rejects))
    assert_no_traceback(result.stderr)
    assert result.code == 0
    assert len(books(result)) == 1
    assert "1 skipped" in result.stderr
    [line] = [orjson.loads(x) for x in rejects.read_bytes().splitlines()]
    assert line == {
        "source": None,
        "input": "no/such/page.html",
        "reason": "skipped",
        "detail": "no such file, folder or glob match",
        "removed": [],
    }


def test_no_inputs_is_an_error(cli: Cli) -> None:
    """``clean`` with no inputs: one error line, exit 2."""
    assert_one_error_line(cli("clean"), "no inputs")


def test_rejects_file(cli: Cli, tmp_path: Path) -> None:
    """``--rejects`` gets one line per page that is not a book; books and rejects split the pages."""
    rejects = tmp_path / "rejects.jsonl"
    result = cli("clean", "samples/pages", "--rejects", str(rejects))
    assert_no_traceback(result.stderr)
    assert result.code == 0
    rejected = [Reject.model_validate_json(line) for line in rejects.read_bytes().splitlines()]
    kept = books(result)
    assert len(rejected) + len(kept) == N_PAGES
    assert not {r.input for r in rejected} & {b.source.uri for b in kept}
    assert all(r.reason and r.detail for r in rejected)


def test_rejects_never_go_to_stdout(cli: Cli) -> None:
    """Without ``--rejects``, stdout holds Books only; rejects are just counted."""
    result = cli("clean", "samples/pages")
    assert all(b"reason" not in line[:200] for line in result.lines)
    assert "rejects:" in result.stderr or "0 rejects" in result.stderr


def test_output_file(cli: Cli, tmp_path: Path) -> None:
    """``-o`` writes the Books to a file and nothing to stdout."""
    out = tmp_path / "books.jsonl"
    result = cli("clean", str(SEED), "-o", str(out))
    assert_no_traceback(result.stderr)
    assert (result.code, result.stdout) == (0, b"")
    [line] = out.read_bytes().splitlines()
    assert Book.model_validate_json(line).title == "The Sino-Soviet Alliance"


def test_output_folder_missing(cli: Cli) -> None:
    """``-o`` into a folder that does not exist: one error line, exit 2, before any work."""
    assert_one_error_line(cli("clean", str(SEED), "-o", "no/such/dir/books.jsonl"), "does not exist")


def test_removed_kept_by_default_and_dropped_on_request(cli: Cli) -> None:
    """Records keep their ``removed`` list unless ``--no-removed`` asks to leave it out."""
    full = orjson.loads(cli("clean", str(SEED)).lines[0])
    bare = orjson.loads(cli("clean", str(SEED), "--no-removed").lines[0])
    assert len(full["removed"]) >= 8
    assert "removed" not in bare
    assert {k: v for k, v in full.items() if k != "removed"} == bare


def test_no_phrase_rules(cli: Cli) -> None:
    """``--no-phrase-rules`` cleans without the phrase lists: no ui_residue phrase removals."""
    result = cli("clean", str(SEED), "--no-phrase-rules")
    assert_no_traceback(result.stderr)
    [record] = books(result)
    assert not any(r.rule in {"ui_residue:error_toast", "ui_residue:search_widget"} for r in record.removed)


def test_quiet(cli: Cli) -> None:
    """``-q`` keeps stderr empty on a clean run."""
    result = cli("clean", str(SEED), "-q")
    assert (result.code, result.stderr) == (0, "")


def test_folder_walk_skips_non_pages(cli: Cli, tmp_path: Path) -> None:
    """A folder walk cleans page files and reports the rest (here a JSON file) as skipped."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "page.txt").write_bytes(SEED.read_bytes())
    (folder / "notes.json").write_text("{}")
    rejects = tmp_path / "rejects.jsonl"
    result = cli("clean", str(folder), "--rejects", str(rejects))
    assert result.code == 0
    assert len(books(result)) == 1
    [line] = [orjson.loads(x) for x in rejects.read_bytes().splitlines()]
    assert (line["reason"], Path(line["input"]).name) == ("skipped", "notes.json")


# --- in process: a page that makes the cleaner raise -----------------------------------------


def test_unexpected_exception_becomes_a_reject(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An exception inside the cleaner is a parse_failed reject with a one-line detail; the batch goes on."""
    calls = []

    def explode(page: object, config: object, **kwargs: object) -> Book:
        calls.append(page)
        if len(calls) == 1:
            raise RuntimeError("boom\nwith a second line")
        from scraper.pipeline import clean_page

        return clean_page(page, config, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_module, "clean_page", explode)
    rejects = tmp_path / "rejects.jsonl"
    out = tmp_path / "books.jsonl"
    code = cli_module.main(["clean", str(SEED), str(SEED), "-o", str(out), "--rejects", str(rejects)])
    err = capsys.readouterr().err
    assert code == 0
    assert_no_traceback(err)
    [reject] = [Reject.model_validate_json(x) for x in rejects.read_bytes().splitlines()]
    assert reject.reason == "parse_failed"
    assert reject.detail == "unexpected RuntimeError: boom with a second line"
    assert len(out.read_bytes().splitlines()) == 1


def test_works_without_the_optional_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the fetch and batch modules missing, the parser still builds and has the core commands."""
    for name in ("scraper.fetch.cli", "scraper.batch.cli", "scraper.archives"):
        monkeypatch.setitem(sys.modules, name, None)  # import now raises ImportError
    parser = cli_module.build_parser()
    args = parser.parse_args(["clean", "x.html"])
    assert args.func is cli_module.run_clean
    assert not hasattr(args, "job_dir")
    with pytest.raises(SystemExit):
        parser.parse_args(["fetch", "--help"])


# --- eval, schema, version, usage errors ------------------------------------------------------


def test_schema(cli: Cli) -> None:
    """``schema`` prints the Book's JSON Schema: valid JSON naming ``title`` as required."""
    result = cli("schema")
    assert result.code == 0
    schema = json.loads(result.stdout)
    assert "title" in schema["properties"] and "title" in schema["required"]


@pytest.mark.skipif(not (SAMPLES / "gold.json").is_file(), reason="samples/gold.json not written yet")
def test_eval_samples(cli: Cli) -> None:
    """``eval`` on the samples prints the accuracy table and exits 0."""
    result = cli("eval", "samples/gold.json", "samples/pages")
    assert_no_traceback(result.stderr)
    assert result.code == 0
    assert b"mean" in result.stdout and b"title" in result.stdout
    quiet = cli("eval", "samples/gold.json", "samples/pages", "--quiet")
    assert b"  fail  " not in quiet.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(["eval", "no/gold.json", "samples/pages"], ["gold file not found"], id="missing-gold"),
        pytest.param(["eval", str(SEED), "samples/pages"], ["not a gold file"], id="gold-not-json"),
        pytest.param(
            ["eval", "samples/seed/000_3fa9d20468648ad9.expected.json", "samples/pages"],
            ["not a gold file"],
            id="gold-not-a-list",
        ),
        pytest.param(["eval", "samples/gold.json", "no/pages"], ["pages folder not found"], id="missing-pages"),
        pytest.param(["eval", "samples/gold.json"], ["required"], id="eval-one-argument"),
        pytest.param([], ["required: COMMAND"], id="no-command"),
        pytest.param(["frobnicate"], ["invalid choice"], id="unknown-command"),
        pytest.param(["clean", "--bogus", "x"], ["unrecognized arguments: --bogus"], id="unknown-option"),
    ],
)
def test_unusable_arguments(cli: Cli, args: list[str], words: list[str]) -> None:
    """Each unusable command line gives exactly one error line and exit 2, never a traceback."""
    assert_one_error_line(cli(*args), *words)


def test_version(cli: Cli) -> None:
    """``--version`` prints the installed version."""
    from scraper import __version__

    result = cli("--version")
    assert (result.code, result.stdout.decode().strip()) == (0, f"catalog-scraper {__version__}")


def test_help_lists_every_command(cli: Cli) -> None:
    """``--help`` names the core commands (a new command must show up here)."""
    out = cli("--help").stdout.decode()
    for command in ("clean", "eval", "schema"):
        assert f"    {command}" in out
