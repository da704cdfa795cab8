"""Run in a worker process by tests/test_warm_server.py: this module imports nothing of the project, so
that unpickling the function does not change what the worker has imported."""

from __future__ import annotations

import os
import sys


def worker_state() -> tuple[int, bool, bool]:
    """(parent pid, WeasyPrint loaded, pandas loaded) as a worker finds them at its first task."""
    return os.getppid(), "weasyprint" in sys.modules, "pandas" in sys.modules
