"""``python -m scraper``: the same command line as ``catalog-scraper``."""

import sys

from scraper.cli import main

if __name__ == "__main__":
    sys.exit(main())
