"""Site templates on the command line: ``learn``, ``clean --profiles``, the first pass of ``clean``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support import CliResult, assert_no_traceback

from scraper.profiles import ProfileStore
from scraper.records import Book

Cli = Callable[..., CliResult]

# Residue no phrase rule names, in a language without phrase rules.
TOAST = "Ups! Qualcosa è andato storto, riprova fra poco"
STAFF = "Consigliati dallo staff della libreria"


def _site(folder: Path, pages: int = 6) -> Path:
    """A small bookshop: every page shares the toast and the staff box, the books differ."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(pages):
        (folder / f"libro{i}.txt").write_text(
            f"Romanzo numero {i}\n\nRomanzo numero {i}\n\n{TOAST}\n{STAFF}\n\n"
            f"Editore: Edizioni del Lago\n\nSinossi\n\nLa storia numero {i} comincia in un paese "
            f"di montagna, dove una maestra arriva in autunno con una valigia e un segreto numero {i}.\n",
            encoding="utf-8",
        )
    return folder


def _books(result: CliResult) -> list[Book]:
    return [Book.model_validate_json(line) for line in result.lines]


@pytest.mark.parametrize("phrase_rules", [[], ["--no-phrase-rules"]])
def test_clean_of_a_folder_learns_the_template_first(cli: Cli, tmp_path: Path, phrase_rules: list[str]) -> None:
    """A folder is learned in a first pass: residue no rule names is removed as site_template."""
    site = _site(tmp_path / "shop")
    result = cli("clean", str(site), *phrase_rules)
    assert_no_traceback(result.stderr)
    records = _books(result)
    assert len(records) == 6
    for book in records:
        assert book.publisher == "Edizioni del Lago"  # the same on every page, still a value
        assert book.description and TOAST not in book.description and STAFF not in book.description
        rules = {r.text: r.rule for r in book.removed}
        assert rules[TOAST].startswith("site_template") or rules[TOAST].startswith("ui_residue")
        assert rules[STAFF].startswith("site_template:")


def test_no_learn_keeps_unnamed_residue(cli: Cli, tmp_path: Path) -> None:
    """Without the first pass, a box no rule names is not removed: the pass is what catches it."""
    site = _site(tmp_path / "shop")
    records = _books(cli("clean", str(site), "--no-learn"))
    assert records and all(STAFF not in {r.text for r in b.removed} for b in records)


def test_learn_then_clean_a_single_page(cli: Cli, tmp_path: Path) -> None:
    """`learn` saves profiles; `clean --profiles` applies them to a single page later."""
    site = _site(tmp_path / "shop")
    profiles = tmp_path / "profiles.json"
    learned = cli("learn", str(site), "-o", str(profiles))
    assert learned.code == 0, learned.stderr
    store = ProfileStore.load(profiles)
    assert list(store.sites) and json.loads(profiles.read_text(encoding="utf-8"))
    one = site / "libro3.txt"
    result = cli("clean", str(one), "--profiles", str(profiles), "--site", next(iter(store.sites)))
    (book,) = _books(result)
    assert STAFF in {r.text for r in book.removed if r.rule.startswith("site_template:")}


def test_learn_merges_into_an_existing_file(cli: Cli, tmp_path: Path) -> None:
    """Learning a second batch into the same file adds its pages to the saved counts."""
    profiles = tmp_path / "profiles.json"
    cli("learn", str(_site(tmp_path / "a" / "shop", 4)), "-o", str(profiles), "--site", "shop")
    cli("learn", str(_site(tmp_path / "b" / "shop", 5)), "-o", str(profiles), "--site", "shop")
    store = ProfileStore.load(profiles)
    assert max(store.sites["shop"].pages.values()) == 9


def test_learn_refuses_stdin(cli: Cli) -> None:
    """`learn` reads its inputs; stdin is refused with one clear line."""
    result = cli("learn", "-", "-o", "x.json")
    assert result.code == 2
    assert result.stderr.strip().startswith("catalog-scraper: error:")


# --- the parse kept between the passes ------------------------------------------------------------


def test_parsed_cache_gives_the_same_records(tmp_path: Path) -> None:
    """Cleaning with the learning pass's parses gives exactly the records a fresh parse gives."""
    from scraper.pipeline import CleanConfig, clean_page
    from scraper.profiles import ParsedCache, learn_profiles
    from scraper.sources import RawPage, iter_pages

    pages = [p for p in iter_pages([str(_site(tmp_path / "shop"))]) if isinstance(p, RawPage)]
    cache = ParsedCache()
    config = CleanConfig(profiles=learn_profiles(pages, keep=cache))
    for page in pages:
        cached = clean_page(page, config, parsed=cache.take(page))
        assert cached.model_dump() == clean_page(page, config).model_dump()


def test_parsed_cache_refuses_changed_bytes_and_keeps_its_budget() -> None:
    """An entry is taken only for the same bytes, once; pages past the budget are not kept."""
    from scraper.parse import parse_page
    from scraper.profiles import ParsedCache
    from scraper.sources import RawPage

    page = RawPage(uri="a.txt", data=b"Title\n\nSynopsis\n\nSome text.", kind="text")
    cache = ParsedCache(max_bytes=10_000)
    cache.put(page, parse_page(page))
    assert cache.take(RawPage(uri="a.txt", data=page.data + b"!", kind="text")) is None  # changed: parse again
    cache.put(page, parse_page(page))
    assert cache.take(page) is not None and cache.take(page) is None  # taken once
    big = RawPage(uri="b.txt", data=b"x" * 10_000, kind="text")
    cache.put(big, parse_page(big))
    assert cache.take(big) is None and cache.used == 0
