"""Language detection: py3langid's answers, with its byte loop compiled when that is built."""

from __future__ import annotations

import importlib.util
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import CORPUS, SAMPLES

from scraper import language
from scraper.parse import parse_page
from scraper.sources import RawPage, kind_from_suffix

BUILT = importlib.util.find_spec("scraper.language_compiled") is not None
PURE = bool(os.environ.get("CATALOG_SCRAPER_PURE_PYTHON"))


@pytest.fixture(scope="module")
def both() -> tuple[object, object]:
    """Our identifier and a plain py3langid one for the same languages."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    plain = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    plain.set_languages(language._LANGUAGES)
    return language._load_identifier(), plain


@pytest.mark.skipif(not BUILT or PURE, reason="language_compiled not built, or pure-Python mode")
def test_compiled_loop_is_active(both: tuple[object, object]) -> None:
    ours, _ = both
    assert ours.counter is not None  # type: ignore[attr-defined]


def _paragraphs() -> list[str]:
    paths = sorted((CORPUS / "pages").glob("*")) + sorted(SAMPLES.rglob("*"))
    texts: set[str] = set()
    for path in paths:
        if path.suffix in {".html", ".htm", ".txt"}:
            page = parse_page(RawPage(uri=str(path), data=path.read_bytes(), kind=kind_from_suffix(path.name)))
            texts.update(b.text[: language._SAMPLE_CHARS] for b in page.blocks if len(b.text) >= language._MIN_CHARS)
    return sorted(texts)


def test_same_answers_as_py3langid_on_every_paragraph(both: tuple[object, object]) -> None:
    ours, plain = both
    texts = _paragraphs()
    assert len(texts) > 200
    differ = [t for t in texts if ours.classify(t) != plain.classify(t)]  # type: ignore[attr-defined]
    assert differ == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_same_answers_as_py3langid_on_generated_text(both: tuple[object, object], text: str) -> None:
    ours, plain = both
    assert ours.classify(text) == plain.classify(text)  # type: ignore[attr-defined]


def test_detect_language() -> None:
    assert language.detect_language("Het leven lacht Lynn eindelijk toe, maar dan gaat alles mis.") == "nl"
    assert language.detect_language("too short") is None
