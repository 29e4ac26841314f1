"""Site adapters: entry-point loading, lookup by host, fallbacks, provenance, and the built-ins on real pages."""

from __future__ import annotations

import logging
import sys
import tomllib
import types
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from typing import Any

import pytest
from conftest import Corpus
from support import REPO_ROOT

from scraper.adapters import ENTRY_POINT_GROUP, AdapterRegistry, SitePage, default_registry, registry
from scraper.adapters.openlibrary import OpenLibraryAdapter
from scraper.candidates import SOURCE_PRIORITY, Candidate
from scraper.parse import parse_page
from scraper.pipeline import CleanConfig, clean_page
from scraper.records import Book
from scraper.sources import RawPage

# --- fakes ---------------------------------------------------------------------------


class ShopAdapter:
    """Names one author for shop.example pages (whatever source it claims, it is an adapter)."""

    domains = ("shop.example", "WWW.Books.Example.")

    def candidates(self, page: SitePage) -> Iterator[Candidate]:
        yield Candidate("author", "Ann Lee", "jsonld")


class RaisingAdapter:
    domains = ("shop.example",)

    def candidates(self, page: SitePage) -> Iterator[Candidate]:
        yield Candidate("author", "Never Seen", "adapter")  # discarded with the rest of this adapter's output
        raise RuntimeError("the site changed")


class NotCandidatesAdapter:
    domains = ("shop.example",)

    def candidates(self, page: SitePage) -> list[object]:
        return [("author", "Tuple Person")]


class FailingInit:
    domains = ("shop.example",)

    def __init__(self) -> None:
        raise ValueError("needs a config file")


class NoDomains:
    def candidates(self, page: SitePage) -> list[Candidate]:
        return []


class StrDomains:
    domains = "shop.example"  # a str is not a list of suffixes

    def candidates(self, page: SitePage) -> list[Candidate]:
        return []


@pytest.fixture
def fake_module(monkeypatch: pytest.MonkeyPatch) -> str:
    """A module the fake entry points load from."""
    module = types.ModuleType("fake_site_adapters")
    for cls in (ShopAdapter, RaisingAdapter, NotCandidatesAdapter, FailingInit, NoDomains, StrDomains):
        setattr(module, cls.__name__, cls)
    module.shop_instance = ShopAdapter()  # type: ignore[attr-defined]
    module.not_an_adapter = 42  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module.__name__


def _point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


@pytest.fixture
def fresh_default_registry() -> Iterator[None]:
    """Forget the process's loaded adapters before and after the test."""
    default_registry.cache_clear()
    yield
    default_registry.cache_clear()


_PAGE = (
    b"<html><head><title>A Book | Shop</title>"
    b'<script type="application/ld+json">{"@type": "Book", "name": "A Book", '
    b'"author": [{"name": "Ann Lee"}, {"name": "Ben Cole"}], "isbn": "9780306406157"}</script>'
    b"</head><body><h1>A Book</h1><p>A long enough synopsis of the book, in one paragraph.</p></body></html>"
)


def _page(url: str | None = "https://shop.example/book/1", data: bytes = _PAGE) -> RawPage:
    return RawPage(uri="shop/book1.html", data=data, url=url)


def _use(monkeypatch: pytest.MonkeyPatch, reg: AdapterRegistry) -> None:
    monkeypatch.setattr(registry, "default_registry", lambda: reg)


def _authors(book: Any) -> list[str]:
    assert isinstance(book, Book), book
    return [c.name for c in book.contributors if c.role == "author"]


# --- loading ---------------------------------------------------------------------------


def test_entry_points_give_classes_and_instances(fake_module: str) -> None:
    """An entry point may name an adapter class (built with no arguments) or an adapter object."""
    reg = AdapterRegistry.from_entry_points(
        [_point("shop", f"{fake_module}:ShopAdapter"), _point("shop2", f"{fake_module}:shop_instance")]
    )
    assert [(a.name, a.domains) for a in reg.adapters] == [
        ("shop", ("books.example", "shop.example")),
        ("shop2", ("books.example", "shop.example")),
    ]
    assert isinstance(reg.adapters[0].adapter, ShopAdapter)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("no_such_module_here:Adapter", "ModuleNotFoundError"),
        ("{mod}:Missing", "AttributeError"),
        ("{mod}:FailingInit", "needs a config file"),
        ("{mod}:NoDomains", "domains must be a list"),
        ("{mod}:StrDomains", "domains must be a list"),
        ("{mod}:not_an_adapter", "domains must be a list"),
    ],
)
def test_a_broken_adapter_is_skipped_with_a_warning(
    fake_module: str, caplog: pytest.LogCaptureFixture, value: str, why: str
) -> None:
    """A third-party adapter that cannot load is logged and skipped; the others still load."""
    points = [_point("broken", value.format(mod=fake_module)), _point("shop", f"{fake_module}:ShopAdapter")]
    with caplog.at_level(logging.WARNING, logger=registry.__name__):
        reg = AdapterRegistry.from_entry_points(points)
    assert [a.name for a in reg.adapters] == ["shop"]
    assert any("'broken'" in r.getMessage() and why in r.getMessage() for r in caplog.records), caplog.text


def test_a_name_registered_twice_loads_once(fake_module: str, caplog: pytest.LogCaptureFixture) -> None:
    points = [_point("shop", f"{fake_module}:ShopAdapter"), _point("shop", f"{fake_module}:shop_instance")]
    with caplog.at_level(logging.WARNING, logger=registry.__name__):
        reg = AdapterRegistry.from_entry_points(points)
    assert [a.name for a in reg.adapters] == ["shop"]
    assert "name is taken" in caplog.text


def test_the_default_registry_reads_the_group_lazily_once(
    monkeypatch: pytest.MonkeyPatch, fake_module: str, fresh_default_registry: None
) -> None:
    """Entry points are read on first use, from the catalog_scraper.adapters group, then kept."""
    calls: list[str] = []

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        calls.append(group)
        return [_point("shop", f"{fake_module}:ShopAdapter")]

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    assert calls == []
    first = default_registry()
    assert default_registry() is first
    assert calls == [ENTRY_POINT_GROUP]
    assert [a.name for a in first.adapters] == ["shop"]


def test_damaged_metadata_loads_no_adapters(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, fresh_default_registry: None
) -> None:
    def broken(*, group: str) -> list[EntryPoint]:
        raise ValueError("bad METADATA")

    monkeypatch.setattr(registry, "entry_points", broken)
    with caplog.at_level(logging.WARNING, logger=registry.__name__):
        assert default_registry().adapters == ()
    assert "bad METADATA" in caplog.text
    # ... and pages are cleaned as ever
    assert _authors(clean_page(_page())) == ["Ann Lee", "Ben Cole"]


# --- lookup by host ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "claimed"),
    [
        ("shop.example", True),
        ("de.shop.example", True),
        ("WWW.Shop.Example", True),
        ("books.example", True),
        ("myshop.example", False),
        ("shop.example.org", False),
        ("pages/shop.example", False),  # a folder, not a host
        ("-", False),
    ],
)
def test_adapters_are_found_by_host_suffix(host: str, claimed: bool) -> None:
    reg = AdapterRegistry.from_objects({"shop": ShopAdapter()})
    assert bool(reg.for_host(host)) is claimed


_NO_URL = _PAGE.replace(b"<head>", b"<head>{link}")


@pytest.mark.parametrize(
    ("page", "claimed"),
    [
        (_page(), True),  # the fetched URL
        (_page(url="https://www.shop.example:8443/b/1"), True),
        (
            _page(url=None, data=_NO_URL.replace(b"{link}", b'<link rel="canonical" href="https://shop.example/b">')),
            True,
        ),
        (
            _page(
                url=None, data=_NO_URL.replace(b"{link}", b'<meta property="og:url" content="http://shop.example/b">')
            ),
            True,
        ),
        (RawPage(uri="x.html", data=_PAGE, site="shop.example"), True),  # a WARC record's or gold entry's site
        (_page(url=None), False),  # only a folder to go by
        (_page(url="https://elsewhere.example/b/1"), False),
    ],
)
def test_the_page_host_comes_from_its_url_canonical_link_or_og_url(page: RawPage, claimed: bool) -> None:
    reg = AdapterRegistry.from_objects({"shop": ShopAdapter()})
    found = reg.candidates(page, parse_page(page))
    assert found == ([Candidate("author", "Ann Lee", "adapter")] if claimed else [])


def test_site_page_gives_url_and_tree() -> None:
    page = _page(url=None, data=_NO_URL.replace(b"{link}", b'<link rel="canonical" href="https://shop.example/b">'))
    site_page = SitePage(host="shop.example", raw=page, parsed=parse_page(page))
    assert site_page.url == "https://shop.example/b"
    tree = site_page.tree()
    assert tree is not None and site_page.tree() is tree  # parsed once, then kept
    heading = tree.css_first("h1")
    assert heading is not None and heading.text() == "A Book"
    dump = RawPage(uri="p.txt", data=b"A Book\nby Ann Lee\n", kind="text")
    assert SitePage(host="shop.example", raw=dump, parsed=parse_page(dump)).tree() is None


# --- in the pipeline: provenance and fallbacks ------------------------------------------------


def test_adapter_values_are_fused_and_shown_as_source_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    """An adapter's author list beats the JSON-LD one, and the provenance names "adapter"."""
    _use(monkeypatch, AdapterRegistry.from_objects({"shop": ShopAdapter()}))
    book = clean_page(_page())
    assert _authors(book) == ["Ann Lee"]
    assert isinstance(book, Book)
    (authors,) = [p for p in book.provenance if p.field == "authors"]
    assert authors.source == "adapter"
    assert ("Ann Lee, Ben Cole", "jsonld") in authors.rejected


def test_adapters_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, AdapterRegistry.from_objects({"shop": ShopAdapter()}))
    assert _authors(clean_page(_page(), CleanConfig(adapters=False))) == ["Ann Lee", "Ben Cole"]


@pytest.mark.parametrize("adapter", [RaisingAdapter(), NotCandidatesAdapter()])
def test_an_adapter_failing_on_a_page_leaves_it_to_the_generic_path(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, adapter: object
) -> None:
    """The adapter's output for that page is dropped, the failure logged once, and the page cleaned as without it."""
    generic = clean_page(_page(), CleanConfig(adapters=False))
    _use(monkeypatch, AdapterRegistry.from_objects({"bad": adapter, "shop": ShopAdapter()}))
    with caplog.at_level(logging.DEBUG, logger=registry.__name__):
        first = clean_page(_page())
        again = clean_page(_page())
    assert _authors(first) == _authors(again) == ["Ann Lee"]  # the working adapter still counts
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "'bad' failed on shop/book1.html" in warnings[0].getMessage()
    assert any(r.levelno == logging.DEBUG for r in caplog.records)  # later failures are not repeated loudly
    _use(monkeypatch, AdapterRegistry.from_objects({"bad": adapter}))
    assert clean_page(_page()) == generic


def test_adapter_source_is_the_most_trusted() -> None:
    assert SOURCE_PRIORITY["adapter"] == max(SOURCE_PRIORITY.values())


# --- the built-in adapters -------------------------------------------------------------------


def _builtin_points() -> list[EntryPoint]:
    table = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = table["project"]["entry-points"][ENTRY_POINT_GROUP]
    return [_point(name, value) for name, value in declared.items()]


def test_builtin_adapters_are_registered_and_load() -> None:
    """pyproject.toml registers ours in the group, each loads, and each says why it exists."""
    points = _builtin_points()
    reg = AdapterRegistry.from_entry_points(points)
    assert [a.name for a in reg.adapters] == sorted(p.name for p in points)
    assert "openlibrary" in {a.name for a in reg.adapters}
    for entry in reg.adapters:
        module = sys.modules[type(entry.adapter).__module__]
        assert "generic path" in (module.__doc__ or ""), f"{entry.name}: its docstring must say why it is needed"


def test_the_installed_registry_has_the_builtins(fresh_default_registry: None) -> None:
    installed = {a.name for a in default_registry().adapters}
    missing = {p.name for p in _builtin_points()} - installed
    assert not missing, f"not in the installed metadata (re-run `pip install -e .`): {missing}"


def _corpus_page(corpus: Corpus, name: str) -> RawPage:
    path = corpus.pages / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus at {corpus.pages}")
    return RawPage(uri=str(path), data=path.read_bytes())


def test_openlibrary_gives_the_edition_authors_not_the_works(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """The byline lists the work's authors (with a translator of a Spanish edition); the edition names Said alone."""
    page = _corpus_page(corpus, "openlibrary__OL16347704M.html")
    _use(monkeypatch, AdapterRegistry.from_objects({"openlibrary": OpenLibraryAdapter()}))
    assert "Ricardo García Pérez" in _authors(clean_page(page, CleanConfig(adapters=False)))
    book = clean_page(page)
    assert _authors(book) == ["Edward W. Said"]
    assert isinstance(book, Book)
    (authors,) = [p for p in book.provenance if p.field == "authors"]
    assert authors.source == "adapter"


@pytest.mark.parametrize(
    "name",
    [
        "openlibrary__OL26499618M.html",  # the edition has no author records of its own
        "openlibrary__OL2407753M.html",  # its one author is the work's
        "openlibrary__OL16347704M.txt",  # a text dump keeps no cover alt
    ],
)
def test_openlibrary_says_nothing_when_the_page_does_not_tell(corpus: Corpus, name: str) -> None:
    page = _corpus_page(corpus, name)
    reg = AdapterRegistry.from_objects({"openlibrary": OpenLibraryAdapter()})
    assert reg.candidates(RawPage(uri=page.uri, data=page.data, site="openlibrary.org"), parse_page(page)) == []
