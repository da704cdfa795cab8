"""Command line entry point: see `python build_reports.py --help`."""

import sys

from reports.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
