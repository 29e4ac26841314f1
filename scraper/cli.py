"""The command line: ``catalog-scraper clean | eval | schema`` (and ``fetch``, ``scrape``,
``demo-server`` and the batch options of ``clean`` when those modules are installed).

Exit codes: 0 the command ran (for ``clean``: at least one page was cleaned,
whatever became of it); 2 the arguments are unusable (no inputs, nothing
readable among them, a missing gold file, an output folder that does not
exist), with one ``catalog-scraper: error: ...`` line on stderr and never a
traceback; 130 interrupted.

A bad page never stops ``clean``: it becomes a Reject (an unexpected exception
is a ``parse_failed`` reject with a one-line detail), and an input that holds
no page (a missing file, a non-page file in a folder) is reported as skipped
while the run goes on.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import glob
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import IO, NoReturn

from normalizers import DEFAULT_STEPS, TEXT_STEPS_WITHOUT_PHRASES
from scraper import __version__
from scraper.emit import JsonlWriter, RunSummary
from scraper.evaluate import evaluate, format_report, gold_pages
from scraper.pipeline import CleanConfig, clean_page
from scraper.profiles import ParsedCache, ProfileStore, learn_profiles
from scraper.records import Book, Reject, Source
from scraper.sources import RawPage, SkippedInput, iter_pages, kind_from_suffix

__all__ = ["build_parser", "main"]

PROG = "catalog-scraper"
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_DETAIL = 300


class UsageError(Exception):
    """Arguments that cannot be used; reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the whole usage block before its error; a user who typed
    # one wrong thing gets one line naming it, and --help for the rest.
    def error(self, message: str) -> NoReturn:
        _say_error(f"{message} (see '{self.prog} --help')")
        raise SystemExit(EXIT_USAGE)


def _say_error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "no message"
    text = f"{type(exc).__name__}: {text}"
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


# --- optional parts -------------------------------------------------------------------


def _optional_module(name: str) -> ModuleType | None:
    """Import a module that another part of the project may not ship (or ships broken)."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _non_page_types() -> tuple[type, ...]:
    archives = _optional_module("scraper.archives")  # registers WARC/WET/tar/zip readers
    record = getattr(archives, "SkippedRecord", None)
    return (record,) if isinstance(record, type) else ()


def _wants_batch(args: argparse.Namespace) -> bool:
    return (
        getattr(args, "job_dir", None) is not None
        or getattr(args, "engine", "local") == "spark"
        or (getattr(args, "workers", None) or 1) > 1
    )


# --- clean ------------------------------------------------------------------------------


def clean_one(page: RawPage, config: CleanConfig, cache: ParsedCache | None = None) -> Book | Reject:
    """``clean_page`` with a last line of defence: an unexpected exception is a reject."""
    try:
        return clean_page(page, config, parsed=cache.take(page) if cache is not None else None)
    except Exception as exc:  # one bad page must never stop the batch
        return Reject(
            source=Source(uri=page.uri, sha256=page.digest()),
            input=page.uri,
            reason="parse_failed",
            detail=f"unexpected {_one_line(exc)}",
        )


def _read_stdin() -> bytes:
    stream = sys.stdin
    if stream is None or stream.closed:  # started with no standard input at all
        return b""
    return stream.buffer.read()


def iter_results(
    inputs: Sequence[str], config: CleanConfig, cache: ParsedCache | None = None
) -> Iterator[Book | Reject | SkippedInput]:
    """Every input's results in order: a Book or Reject per page, a SkippedInput otherwise."""
    for spec in inputs:
        try:
            stdin = _read_stdin() if spec == "-" else None
            for item in iter_pages([spec], stdin=stdin):
                yield item if isinstance(item, SkippedInput) else clean_one(item, config, cache)
        except Exception as exc:  # a reader failing mid-input skips the rest
            yield SkippedInput(spec, f"unreadable: {_one_line(exc)}")


def _open_sink(path: str | None, stack: ExitStack) -> IO[bytes]:
    if path is None or path == "-":
        return sys.stdout.buffer
    target = Path(path)
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {target.parent} does not exist")
    try:
        return stack.enter_context(target.open("wb"))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _config(args: argparse.Namespace, profiles: ProfileStore | None = None) -> CleanConfig:
    steps = TEXT_STEPS_WITHOUT_PHRASES if args.no_phrase_rules else DEFAULT_STEPS
    return CleanConfig(steps=steps, profiles=profiles, site=getattr(args, "site", None))


def _learns(spec: str) -> bool:
    # A first pass needs inputs it can read twice and that hold many pages of a
    # site: folders, globs and archives, not stdin or a single page.
    if spec == "-":
        return False
    path = Path(spec)
    return path.is_dir() or (not path.exists() and glob.has_magic(spec)) or kind_from_suffix(spec) is None


def _learn(
    inputs: Sequence[str], site: str | None, sample_every: int = 1, keep: ParsedCache | None = None
) -> ProfileStore:
    pages = (item for spec in inputs for item in iter_pages([spec]) if isinstance(item, RawPage))
    return learn_profiles(pages, site_override=site, sample_every=sample_every, keep=keep)


def _profiles_for_clean(
    args: argparse.Namespace, inputs: Sequence[str], keep: ParsedCache | None = None
) -> ProfileStore | None:
    """Site profiles for this run: saved ones, merged with what a first pass learns."""
    saved = _load_profiles(args.profiles) if args.profiles else None
    learnable = [spec for spec in inputs if _learns(spec)]
    if args.no_learn or not learnable:
        return saved
    learned = _learn(learnable, args.site, keep=keep)
    if saved is not None:
        saved.merge(learned)
        learned = saved
    if args.profiles:
        learned.save(args.profiles)
    return learned


def _load_profiles(path: str) -> ProfileStore | None:
    if not Path(path).exists():
        return None  # first run: the learning pass will write it
    try:
        return ProfileStore.load(path)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read profiles {path}: {_one_line(exc)}") from None


def run_clean(args: argparse.Namespace) -> int:
    """``clean``: pages in, Book lines out, rejects aside, a summary on stderr."""
    inputs: list[str] = list(args.inputs)
    if not inputs:
        raise UsageError("no inputs: name files, folders, globs, or - for stdin")
    non_page_types = _non_page_types()
    batch = _wants_batch(args)
    # The learning pass keeps its parses for the cleaning pass (within a memory
    # budget), so a batch that fits is parsed once. Batch workers parse again.
    cache = None if batch else ParsedCache()
    config = _config(args, _profiles_for_clean(args, inputs, cache))
    if batch:
        return _run_batch(args, inputs, config)

    summary = RunSummary()
    first_skips: list[SkippedInput] = []  # named in the error when no input held a page
    with ExitStack() as stack:
        books = JsonlWriter(_open_sink(args.output, stack), keep_removed=not args.no_removed)
        rejects = (
            JsonlWriter(_open_sink(args.rejects, stack), keep_removed=not args.no_removed)
            if args.rejects is not None
            else None
        )
        for item in iter_results(inputs, config, cache):
            if non_page_types and isinstance(item, non_page_types):
                summary.add_non_page()
                continue
            summary.add(item)
            if isinstance(item, SkippedInput) and len(first_skips) < 3:
                first_skips.append(item)
            if isinstance(item, Book):
                books.write(item)
            elif rejects is not None:
                rejects.write(item)
    if summary.pages == 0:
        named = "; ".join(f"{s.uri}: {s.reason}" for s in first_skips) or "nothing found"
        more = summary.skipped.total() - len(first_skips)
        raise UsageError(f"no page to clean in the inputs ({named}{f'; {more} more' if more > 0 else ''})")
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
    return EXIT_OK


def _run_batch(args: argparse.Namespace, inputs: list[str], config: CleanConfig) -> int:
    batch = _optional_module("scraper.batch.cli")
    run_batch: Callable[..., int] | None = getattr(batch, "run_batch", None)
    if run_batch is None:
        raise UsageError("batch options need the scraper.batch package, which is not installed")
    if args.no_removed:
        raise UsageError("--no-removed is not supported in batch runs (--job-dir, --workers, --engine)")
    if args.no_phrase_rules or config.profiles is not None:
        return run_batch(args, inputs, doc_function=functools.partial(clean_one, config=config))
    return run_batch(args, inputs)


# --- eval, schema ----------------------------------------------------------------------------


def run_eval(args: argparse.Namespace) -> int:
    """``eval``: clean every page a gold file names and print the accuracy report.

    With ``--peers``: score ours, trafilatura and extruct on the gold file's HTML
    pages and print them side by side (``scraper.peers``).
    """
    from scraper import peers as peer_module  # trafilatura and extruct are imported only when a peer runs

    gold, pages = Path(args.gold), Path(args.pages_dir)
    if not gold.is_file():
        raise UsageError(f"gold file not found: {gold}")
    if not pages.is_dir():
        raise UsageError(f"pages folder not found: {pages}")
    if args.peers:
        missing = peer_module.missing_modules()
        if missing:
            raise UsageError(
                f"--peers needs {' and '.join(missing)}, from the '{peer_module.EXTRA}' extra: "
                f"pip install 'catalog-scraper[{peer_module.EXTRA}]' (in a clone: pip install -e '.[{peer_module.EXTRA}]')"
            )
    profiles = None
    if args.templates or args.no_phrase_rules:
        # Learn each site's template from the gold pages first (grouped by the
        # entries' "site"): the ablation runs with phrase lists off, templates on.
        try:
            entries = json.loads(gold.read_text(encoding="utf-8"))
            profiles = learn_profiles(gold_pages(entries, pages))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{gold} is not a gold file in the corpus format ({_one_line(exc)})") from None
    config = _config(args, profiles)
    try:
        if args.peers:
            table = peer_module.score_side_by_side(gold, pages, lambda page: clean_one(page, config))
            print(peer_module.format_side_by_side(table))
            return EXIT_OK
        scores = evaluate(gold, pages, config=config, cleaner=lambda page: clean_one(page, config))
    except FileNotFoundError as exc:
        raise UsageError(f"{gold} names a page that is not in {pages}: {exc.filename}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"{gold} is not a gold file in the corpus format ({_one_line(exc)})") from None
    print(format_report(scores, verbose=not args.quiet))
    return EXIT_OK


def run_learn(args: argparse.Namespace) -> int:
    """``learn``: count each site's repeated blocks and save (or merge into) a profiles file."""
    inputs: list[str] = list(args.inputs)
    if not inputs or "-" in inputs:
        raise UsageError("learn needs files, folders or globs (it reads its inputs, not stdin)")
    if args.sample_every < 1:
        raise UsageError("--sample-every must be at least 1")
    store = _learn(inputs, args.site, args.sample_every)
    existing = _load_profiles(args.output)
    if existing is not None:
        existing.merge(store)
        store = existing
    try:
        store.save(args.output)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    if not args.quiet:
        pages = sum(max(p.pages.values(), default=0) for p in store.sites.values())
        print(f"learn: {len(store.sites)} site(s), {pages} page(s) counted -> {args.output}", file=sys.stderr)
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    """``schema``: the Book record's JSON Schema."""
    print(json.dumps(Book.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


# --- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with the fetch commands and batch options when they are installed."""
    parser = _Parser(
        prog=PROG,
        description="Turn messy book catalog pages into validated Book records, "
        "keeping every removed block with the rule that removed it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    clean = commands.add_parser(
        "clean",
        help="clean saved pages into Book records (JSON lines)",
        description="Clean saved catalog pages (HTML or text dumps) into Book records, one "
        "JSON line each. Folders are walked for .html/.htm/.xhtml/.shtml/.txt/.text files "
        "(and archives when the archive readers are installed); other files are reported as "
        "skipped. Every record keeps the blocks the cleaner removed, with their rules.",
    )
    clean.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="files, folders (walked recursively), globs, or - for stdin",
    )
    clean.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write Book records here as JSON lines (default: stdout)",
    )
    clean.add_argument(
        "--rejects",
        metavar="PATH",
        help="write rejects and skipped inputs here as JSON lines (default: only counted in the summary)",
    )
    clean.add_argument(
        "--no-phrase-rules",
        action="store_true",
        help="clean without the UI-residue phrase lists (to measure what they carry)",
    )
    clean.add_argument(
        "--no-removed",
        action="store_true",
        help="leave the 'removed' list out of written lines (default: keep every removed block with its rule)",
    )
    clean.add_argument(
        "--profiles",
        metavar="PATH",
        help="site profiles (from `learn`): used to remove each site's template blocks; "
        "what this run learns is merged in and saved back",
    )
    clean.add_argument(
        "--no-learn",
        action="store_true",
        help="skip the first pass that learns site templates from folder, glob and archive inputs",
    )
    clean.add_argument(
        "--site", metavar="NAME", help="group every page under this site (default: its URL host or folder)"
    )
    clean.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    clean.set_defaults(func=run_clean)
    batch = _optional_module("scraper.batch.cli")
    add_batch_arguments = getattr(batch, "add_batch_arguments", None)
    if add_batch_arguments is not None:
        add_batch_arguments(clean)

    ev = commands.add_parser(
        "eval",
        help="score the cleaner against gold labels",
        description="Clean every page named in GOLD (the corpus gold format) and print "
        "per-field accuracy, leaks of UI residue, and the pages that failed.",
    )
    ev.add_argument("gold", metavar="GOLD.json", help="gold labels: a JSON list, one entry per page")
    ev.add_argument("pages_dir", metavar="PAGES_DIR", help="the folder the gold entries' files are in")
    ev.add_argument(
        "--no-phrase-rules",
        action="store_true",
        help="score without the phrase lists (site templates learned from the gold pages stand in)",
    )
    ev.add_argument("--templates", action="store_true", help="learn site templates from the gold pages first")
    ev.add_argument(
        "--peers",
        action="store_true",
        help="also score trafilatura and extruct with the same rules, on the gold file's HTML pages, "
        "and print the three side by side (needs the 'bench' extra)",
    )
    ev.add_argument("-q", "--quiet", action="store_true", help="leave out the per-page failures")
    ev.set_defaults(func=run_eval)

    learn = commands.add_parser(
        "learn",
        help="learn each site's template blocks from a batch of pages",
        description="Count, per site, how often each block repeats across pages, and save the "
        "counts as profiles for `clean --profiles`. An existing profiles file is merged into.",
    )
    learn.add_argument("inputs", nargs="*", metavar="INPUT", help="files, folders (walked recursively) or globs")
    learn.add_argument("-o", "--output", required=True, metavar="PATH", help="the profiles file to write or merge into")
    learn.add_argument("--site", metavar="NAME", help="group every page under this site")
    learn.add_argument("--sample-every", type=int, default=1, metavar="N", help="learn from every N-th page only")
    learn.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    learn.set_defaults(func=run_learn)

    schema = commands.add_parser(
        "schema",
        help="print the Book record's JSON Schema",
        description="Print the JSON Schema of a Book record.",
    )
    schema.set_defaults(func=run_schema)

    fetch = _optional_module("scraper.fetch.cli")
    add_fetch_commands = getattr(fetch, "add_fetch_commands", None)
    if add_fetch_commands is not None:
        # a part the fetch commands need may be missing; the rest still works
        with contextlib.suppress(ImportError):
            add_fetch_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except UsageError as exc:
        _say_error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``). Point stdout at /dev/null so the
        # interpreter's final flush does not print a second error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code
