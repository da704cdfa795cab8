"""Command line entry point: see `python build_reports.py --help`.

A build or a check goes first to the tool's background process when one is running (reports/daemon.py);
otherwise it runs here, and starts that process for the next command.
"""

import sys

from reports.daemon import STARTED_MESSAGE, run_served, start_for_next_time

if __name__ == "__main__":
    arguments = sys.argv[1:]
    served = run_served(arguments)
    if served is not None:
        sys.exit(served)
    from reports.cli import exit_now, main

    code = main(arguments)
    if code in (0, 1) and start_for_next_time(arguments):  # not after a usage error or a bug
        print(STARTED_MESSAGE, file=sys.stderr)  # a notice: what the command printed stays as it was
    exit_now(code)
