"""The code checks the README promises (ruff, ruff format, mypy), as tests of the suite.

They run here, not after it, so that under pytest-xdist they share the two cores with the other tests
instead of adding their time to the end of `.ci/run` (mypy takes about 18 s without its cache). Each runs
the tool as a subprocess of this interpreter, exactly as a developer types it, and shows its output when
it fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECKS = {
    "ruff": ["ruff", "check", "--no-cache", "."],
    "ruff-format": ["ruff", "format", "--no-cache", "--check", "."],
    "mypy": ["mypy"],  # files and options: [tool.mypy] in pyproject.toml
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_code_passes(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", *CHECKS[name]], cwd=ROOT, capture_output=True, text=True, encoding="utf-8"
    )
    assert done.returncode == 0, f"{' '.join(CHECKS[name])} failed:\n{done.stdout}{done.stderr}"
