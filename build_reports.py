"""Command line entry point: see `python build_reports.py --help`."""

import sys

from reports.cli import exit_now, main

if __name__ == "__main__":
    exit_now(main(sys.argv[1:]))
