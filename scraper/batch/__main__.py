"""``python -m scraper.batch clean INPUT... -o OUT [batch options]``: a batch run
without the main CLI (handy for scripts and the resume tests).

``--doc-function module:name`` swaps the per-document function (for tests).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from scraper.batch.cli import add_batch_arguments, run_batch
from scraper.batch.outcome import DocFunction


def _function(spec: str) -> DocFunction:
    module, _, name = spec.partition(":")
    function: DocFunction = getattr(importlib.import_module(module), name)
    return function


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run the batch."""
    parser = argparse.ArgumentParser(prog="python -m scraper.batch")
    commands = parser.add_subparsers(dest="command", required=True)
    clean = commands.add_parser("clean", help="clean pages and archives in batch")
    clean.add_argument("inputs", nargs="+", metavar="INPUT")
    clean.add_argument("-o", "--output", help="merged books file (Spark: output folder)")
    clean.add_argument("--rejects", help="merged rejects file (default: beside -o)")
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    clean.add_argument("--doc-function", help=argparse.SUPPRESS)
    add_batch_arguments(clean)
    args = parser.parse_args(argv)
    function = _function(args.doc_function) if args.doc_function else None
    return run_batch(args, args.inputs, doc_function=function)


if __name__ == "__main__":
    sys.exit(main())
