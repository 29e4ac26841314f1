"""The public API: what ``from scraper import *`` gives, pinned like httpx does."""

from __future__ import annotations

import importlib
import inspect

import pytest

import scraper

PUBLIC_API = ["Book", "CleanConfig", "RawPage", "Reject", "__version__", "clean_page", "iter_pages"]


def test_all_is_pinned() -> None:
    """Adding or removing a public name is a deliberate change that updates this list."""
    assert sorted(scraper.__all__) == PUBLIC_API


@pytest.mark.parametrize("name", PUBLIC_API)
def test_every_exported_name_resolves(name: str) -> None:
    """Each name in ``__all__`` can be imported from the package itself."""
    assert getattr(scraper, name) is not None


@pytest.mark.parametrize("name", [n for n in PUBLIC_API if n != "__version__"])
def test_exported_objects_come_from_the_package(name: str) -> None:
    """The API re-exports the package's own objects, not a dependency's."""
    member = getattr(scraper, name)
    assert inspect.getmodule(member).__name__.startswith("scraper.")  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["", "pipeline_internal", "emit", "__nope__"])
def test_unknown_names_raise_attribute_error(name: str) -> None:
    """A name outside the API fails like any missing attribute, naming itself."""
    if name == "emit":
        # submodules become attributes once imported; that is Python, not our API
        importlib.import_module("scraper.emit")
        assert "emit" not in scraper.__all__
        return
    with pytest.raises(AttributeError, match=repr(name)):
        getattr(scraper, name)


def test_version_is_the_installed_distributions() -> None:
    """``scraper.__version__`` and ``catalog-scraper --version`` report the same version."""
    from importlib.metadata import version

    assert scraper.__version__ == version("catalog-scraper")


def test_star_import_gives_exactly_the_api() -> None:
    """``from scraper import *`` brings in the public names and nothing else."""
    namespace: dict[str, object] = {}
    exec("from scraper import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == PUBLIC_API
