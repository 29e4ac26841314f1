"""How fast is ``clean_page``, next to the parse floor and a peer extractor?

One command, one process::

    python benchmarks/bench_clean.py [PAGES_DIR] [--repeat N] [--all] [--back-to-back]

For each page it times (a) selectolax's bare ``LexborHTMLParser(data).body.text()``,
the floor no HTML cleaner can beat, (b) our ``parse_page``, the first step of
``clean_page`` (decode, one Lexbor parse, the DOM walk into blocks, the embedded
metadata), (c) our whole ``clean_page``, and (d) trafilatura's
``bare_extraction(..., with_metadata=True)``, the peer (skipped with a note when
trafilatura is not installed: ``pip install -e '.[bench]'``). Each step first
runs once over every page (the warm-up: caches, lazy imports), and the process's
peak RSS (``resource.getrusage``) is read after each step's warm-up, so it only
grows. Then, ``--repeat`` times, every page is run through every step in turn,
so a slow spell on a shared machine falls on all the steps alike rather than on
whichever step was running; a page's time in a step is the median of its runs,
and ms/page is the mean of those over the pages.
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from scraper.parse import _METADATA_QUERY, parse_page
from scraper.pipeline import clean_page
from scraper.sources import HTML_SUFFIXES, PAGE_SUFFIXES, RawPage, kind_from_suffix

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = REPO_ROOT.parent / "shared" / "corpus" / "pages"
TARGET_VS_BARE = 4.0  # clean may cost at most 4x the bare parse
TARGET_VS_PEER = 10.0  # and should be at least 10x faster than trafilatura


def bare_text(page: RawPage) -> Any:
    """The floor: parse and take the body's text, nothing else."""
    body = LexborHTMLParser(page.data).body
    return body.text() if body is not None else ""


def visit_floor(page: RawPage) -> Any:
    """What a walk written in Python over selectolax's node API costs at least.

    Not a cleaner: it builds no block and reads no text. It parses, runs the
    Lexbor query for the metadata (which ``parse_page`` runs when its compiled
    scan is not built), and visits every node of the body once from Python
    (``traverse``), asking each its tag: the least a Python walk must do, and
    what the compiled walk and scan spare.
    """
    tree = LexborHTMLParser(page.data)
    tree.css(_METADATA_QUERY)
    if tree.body is None:
        return 0
    return sum(node.tag_id > 0 for node in tree.body.traverse(include_text=True))


def parse(page: RawPage) -> Any:
    return parse_page(page)


def ours(page: RawPage) -> Any:
    return clean_page(page)


def peer() -> Callable[[RawPage], Any] | None:
    """trafilatura's extractor, or None when it is not installed."""
    try:
        import trafilatura
    except ImportError:
        return None
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every odd page

    def extract(page: RawPage) -> Any:
        return trafilatura.bare_extraction(page.data, with_metadata=True)

    return extract


def clear_our_caches() -> None:
    """Empty every memo cache in our packages (the bounded ``functools.lru_cache`` ones).

    Memoized helpers (``fold``, ``match_phrase``...) would otherwise answer the
    second run of a page from memory: with the same 40 pages run round after
    round, that hid about a third of ``clean_page``'s real cost. Each pass starts
    empty, like a fresh batch, and warms up as a batch does: over its own pages.
    Unbounded caches (``functools.cache``) hold per-process setup, such as the
    adapter registry, which a batch also builds once: they are kept.
    """
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in {"scraper", "normalizers"}:
            continue
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            parameters = getattr(value, "cache_parameters", None)
            if (
                callable(clear)
                and callable(parameters)
                and parameters().get("maxsize") is not None
                and getattr(value, "__module__", None) == name
            ):
                clear()


def time_steps(
    steps: dict[str, Callable[[RawPage], Any]], pages: list[RawPage], repeat: int, *, back_to_back: bool = False
) -> dict[str, list[list[float]]]:
    """Per step and page, the ``repeat`` timed runs, in seconds, in the order they ran.

    The runs are interleaved in rounds: in each of ``repeat`` rounds, each step
    in turn runs once over every page, as a batch would, and each such pass
    starts with our caches empty (``clear_our_caches``). A page's bytes and tree are as far out
    of the CPU's caches as in a real run, and a slow spell on a shared machine
    falls on every step alike, not on whichever step ran then.
    ``back_to_back`` runs one step at a time instead, each page ``repeat`` times
    in a row with warm caches (the method before 2026-11, which flatters
    ``clean_page`` most: it reads about 30% faster than in a batch).
    """
    runs: dict[str, list[list[float]]] = {name: [[] for _ in pages] for name in steps}
    order = (
        [(name, i) for name in steps for i in range(len(pages)) for _ in range(repeat)]
        if back_to_back
        else [(name, i) for _ in range(repeat) for name in steps for i in range(len(pages))]
    )
    for name, i in order:
        if i == 0 and not back_to_back:
            clear_our_caches()
        step, page = steps[name], pages[i]
        start = time.perf_counter()
        step(page)
        runs[name][i].append(time.perf_counter() - start)
    return runs


def per_page_medians(runs: dict[str, list[list[float]]]) -> dict[str, float]:
    """Per step, the mean over pages of each page's median run, in seconds."""
    return {name: statistics.fmean(statistics.median(r) for r in per_page) for name, per_page in runs.items()}


def round_ratios(runs: dict[str, list[list[float]]], top: str, bottom: str) -> list[float]:
    """``top``'s time over ``bottom``'s, all pages summed, for each round on its own.

    Their spread is how far the ratio swings from one round to the next on this
    machine, which one printed ratio alone does not show.

    >>> round_ratios({"ours": [[4.0, 6.0], [2.0, 3.0]], "bare": [[1.0, 1.0], [1.0, 2.0]]}, "ours", "bare")
    [3.0, 3.0]
    """
    rounds = min(len(r) for r in runs[top] + runs[bottom])
    return [sum(page[k] for page in runs[top]) / sum(page[k] for page in runs[bottom]) for k in range(rounds)]


def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def load_pages(folder: Path, include_text: bool) -> list[RawPage]:
    suffixes = PAGE_SUFFIXES if include_text else HTML_SUFFIXES
    paths = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
    return [RawPage(uri=str(p), data=p.read_bytes(), kind=kind_from_suffix(p.name)) for p in paths]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "pages_dir",
        nargs="?",
        type=Path,
        default=DEFAULT_PAGES,
        help=f"folder of saved pages (default: {DEFAULT_PAGES})",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per page (default 3)")
    parser.add_argument(
        "--all", action="store_true", help="time text dumps too (the floor and the peer still get their bytes)"
    )
    parser.add_argument(
        "--back-to-back",
        action="store_true",
        help="time one step at a time, each page's runs in a row, instead of interleaving the steps",
    )
    args = parser.parse_args(argv)
    if not args.pages_dir.is_dir():
        print(f"bench_clean: error: no pages folder at {args.pages_dir}", file=sys.stderr)
        return 2
    pages = load_pages(args.pages_dir, args.all)
    if not pages:
        print(f"bench_clean: error: no page files in {args.pages_dir}", file=sys.stderr)
        return 2
    size_kb = sum(len(p.data) for p in pages) / len(pages) / 1024
    kind = "pages" if args.all else "HTML pages"
    print(
        f"{len(pages)} {kind} from {args.pages_dir} (mean {size_kb:.0f} KiB), "
        f"1 warm-up + {args.repeat} {'back-to-back' if args.back_to_back else 'interleaved'} timed runs each, "
        "median per page"
    )
    print()
    print(f"{'step':<34} {'ms/page':>9} {'peak RSS MiB':>13}")
    print("-" * 58)
    rows: dict[str, float] = {}
    steps: list[tuple[str, Callable[[RawPage], Any] | None]] = [
        ("bare: selectolax body.text()", bare_text),
        ("floor: parse + query + node visit", visit_floor),
        ("ours: parse_page (part of clean)", parse),
        ("ours: clean_page", ours),
        ("peer: trafilatura bare_extraction", peer()),
    ]
    ready: dict[str, Callable[[RawPage], Any]] = {}
    rss: dict[str, float] = {}
    for name, step in steps:
        if step is None:
            continue
        for page in pages:
            step(page)  # the warm-up pass, which also shows each step's memory
        ready[name] = step
        rss[name] = peak_rss_mb()
    runs = time_steps(ready, pages, args.repeat, back_to_back=args.back_to_back)
    timed = per_page_medians(runs)
    for name, step in steps:
        if step is None:
            print(f"{name:<34} {'skipped: trafilatura not installed (pip install -e .[bench])'}")
            continue
        rows[name] = timed[name] * 1000
        print(f"{name:<34} {rows[name]:>9.2f} {rss[name]:>13.0f}")
    print()
    bare, clean = rows["bare: selectolax body.text()"], rows["ours: clean_page"]
    vs_bare = clean / bare
    print(
        f"{'clean / bare':<34} {vs_bare:>8.1f}x   target <= {TARGET_VS_BARE:g}x   {verdict(vs_bare <= TARGET_VS_BARE)}"
    )
    spread = round_ratios(runs, "ours: clean_page", "bare: selectolax body.text()")
    label = "  each run, pages summed" if args.back_to_back else "  each round, pages summed"
    print(f"{label:<34} {', '.join(f'{r:.1f}x' for r in spread):>9}")
    # Where the gap is: the parse step, and everything clean_page does after it.
    parsed = rows["ours: parse_page (part of clean)"]
    print(f"{'  of which parse_page / bare':<34} {parsed / bare:>8.1f}x")
    print(f"{'  of which the rest / bare':<34} {(clean - parsed) / bare:>8.1f}x")
    floor = rows["floor: parse + query + node visit"]
    print(f"{'floor (any Python walk) / bare':<34} {floor / bare:>8.1f}x")
    traf = rows.get("peer: trafilatura bare_extraction")
    if traf is not None:
        vs_peer = traf / clean
        print(
            f"{'trafilatura / clean':<34} {vs_peer:>8.1f}x   target >= {TARGET_VS_PEER:g}x  "
            f"{verdict(vs_peer >= TARGET_VS_PEER)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
