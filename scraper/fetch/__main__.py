"""``python -m scraper.fetch fetch|scrape|demo-server ...`` without the main CLI."""

from __future__ import annotations

import argparse
import sys

from scraper.fetch.cli import PROG, add_fetch_commands


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand."""
    parser = argparse.ArgumentParser(prog=PROG)
    subcommands = parser.add_subparsers(dest="command", required=True)
    add_fetch_commands(subcommands)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
