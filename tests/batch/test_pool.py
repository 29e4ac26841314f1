"""The process pool: per-document time limit, crash isolation, dead letters, memory cap."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from scraper.batch.outcome import DocFunction, DocOutcome
from scraper.batch.pool import DeadLetter, DocPool
from scraper.sources import RawPage

from .docfns import crash_once, echo_title, misbehave


def run_pool(
    function: DocFunction, uris: list[str], **options: object
) -> tuple[dict[str, DocOutcome], list[DeadLetter], int]:
    letters: list[DeadLetter] = []
    settings: dict[str, object] = {"workers": 2, "doc_timeout": 2.0, "doc_memory_mb": 256}
    settings.update(options)
    with DocPool(function, on_dead_letter=letters.append, **settings) as pool:  # type: ignore[arg-type]
        for n, uri in enumerate(uris):
            pool.put(n, RawPage(uri=uri, data=f"page {uri}".encode()))
        results: list[tuple[int, DocOutcome]] = []
        while pool.busy():
            results += pool.poll(0.5)
        replaced = pool.replaced
    return {uris[n]: outcome for n, outcome in results}, letters, replaced


MISBEHAVIOUR = [
    # (page uri, outcome kind, reject reason)
    ("fine-1", "book", ""),
    ("hang", "reject", "parse_timeout"),
    ("crash", "reject", "worker_crashed"),
    ("eat", "reject", "parse_failed"),
    ("raise", "reject", "parse_failed"),
    ("fine-2", "book", ""),
]


@pytest.fixture(scope="module")
def misbehaved() -> tuple[dict[str, DocOutcome], list[DeadLetter], int]:
    return run_pool(misbehave, [uri for uri, _, _ in MISBEHAVIOUR])


@pytest.mark.parametrize(("uri", "kind", "reason"), MISBEHAVIOUR)
def test_each_document_ends_as_a_book_or_a_named_reject(
    misbehaved: tuple[dict[str, DocOutcome], list[DeadLetter], int],
    uri: str,
    kind: str,
    reason: str,
) -> None:
    """Hangs, crashes, memory hogs and exceptions cost one document each, with a reason."""
    outcome = misbehaved[0][uri]
    assert (outcome.kind, outcome.reason) == (kind, reason)
    if kind == "reject":
        assert orjson.loads(outcome.line)["input"] == uri


def test_details_say_what_happened(
    misbehaved: tuple[dict[str, DocOutcome], list[DeadLetter], int],
) -> None:
    """The reject detail names the limit or the death, so a user can act on it."""
    details = {uri: orjson.loads(o.line)["detail"] for uri, o in misbehaved[0].items() if o.kind == "reject"}
    assert "within 2 s" in details["hang"]
    assert "2 times" in details["crash"] and "exit code 7" in details["crash"]
    assert "memory cap of 256 MB" in details["eat"]
    assert details["raise"] == "RuntimeError: parser blew up"


def test_crashing_twice_goes_to_the_dead_letters(
    misbehaved: tuple[dict[str, DocOutcome], list[DeadLetter], int],
) -> None:
    """Only the document that killed its worker on both attempts is a dead letter."""
    letters, replaced = misbehaved[1], misbehaved[2]
    assert [(d.page.uri, d.attempts) for d in letters] == [("crash", 2)]
    assert replaced >= 4  # the hang, two crashes and the memory hog each cost a worker


def test_a_crash_that_does_not_repeat_is_retried(tmp_path: Path) -> None:
    """A worker death that does not happen again costs nothing: the retry makes the book."""
    outcomes, letters, _ = run_pool(crash_once, [f"crash-a@{tmp_path}", f"ok@{tmp_path}"])
    assert [o.kind for o in outcomes.values()] == ["book", "book"]
    assert letters == []


def test_one_worker_serves_many_documents() -> None:
    """Outcomes come back for every document put, whatever the order they finish in."""
    uris = [f"doc-{n}" for n in range(200)]
    outcomes, _, replaced = run_pool(echo_title, uris, workers=2)
    assert sorted(outcomes) == sorted(uris) and replaced == 0
