"""Helpers shared by bench_check.py and bench_build.py: cached data folders, timing, tables, results.

- Data folders are generated once by bench/genfolder.py (in a subprocess) into bench/_work/ (git-ignored),
  keyed by every option that changes them, and reused by later runs and by both scripts.
- Commands are timed as subprocesses the way a user runs them, each into its own fresh output folder
  under bench/_work/ (same disk as the data), removed afterwards.
- Each run appends one JSON file of raw timings to bench/results/, named with the date, the benchmark
  and the machine's core count.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "_work"
RESULTS = BENCH / "results"
GENFOLDER = BENCH / "genfolder.py"
CLI = ROOT / "build_reports.py"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LAST_YEAR_MODES = ("workbooks", "csv", "none")
PACKAGES = ("weasyprint", "python-docx", "openpyxl", "python-calamine", "pandas", "jinja2", "lxml")


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the Markdown tables."""
    print(message, file=sys.stderr, flush=True)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def warn_if_busy(limit: float = 1.0) -> None:
    load = load_average()
    if load >= limit:
        log(f"WARNING: 1-minute load average is {load:.2f} (>= {limit}); other work shares the CPU and skews timings.")


# --------------------------------------------------------------------------------------------
# Data folders
# --------------------------------------------------------------------------------------------


def folder_key(units: int, seed: int, combined: int, last_year: str) -> str:
    return f"folder-u{units}-s{seed}-c{combined}-ly-{last_year}"


def ensure_folder(units: int, *, seed: int = 1, combined: int = 0, last_year: str = "workbooks") -> Path:
    """A generated data folder for these options, from the cache in bench/_work/ when it is there."""
    if last_year not in LAST_YEAR_MODES:
        raise ValueError(f"last_year must be one of {LAST_YEAR_MODES}")
    folder = WORK / folder_key(units, seed, combined, last_year)
    marker = folder / ".complete"
    if marker.is_file():
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    command = [sys.executable, str(GENFOLDER), str(partial), "--units", str(units), "--seed", str(seed)]
    command += ["--combined", str(combined)]
    if last_year != "none":
        command.append("--last-year")
    if last_year == "csv":
        command.append("--last-year-combined")
    log(f"generating {units} units into {folder.relative_to(ROOT)} (cached for later runs) ...")
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    (partial / ".complete").write_text(json.dumps({"command": command[1:]}, ensure_ascii=False), encoding="utf-8")
    partial.rename(folder)
    log(f"  generated in {time.perf_counter() - started:.1f} s")
    return folder


def count_files(folder: Path, pattern: str) -> int:
    return sum(1 for _ in folder.rglob(pattern))


def report_documents(out: Path) -> int:
    """The report and unit documents (.pdf, .docx) of a build's output folder. Not counted: the conference
    handout (extra work the peer does not do) and what the build keeps in hidden folders (its caches)."""
    found = [*out.rglob("*.pdf"), *out.rglob("*.docx")]
    visible = [p for p in found if not any(part.startswith(".") for part in p.relative_to(out).parts)]
    return sum(1 for p in visible if not p.name.startswith("tai-lieu-hoi-nghi"))


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@contextmanager
def fresh_dir(prefix: str) -> Iterator[Path]:
    """An empty folder under bench/_work/, removed afterwards."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=WORK))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_timed(command: Sequence[str]) -> tuple[float, str]:
    """Wall time of `command` (run from the repository root) and its stdout; fails loudly on a non-zero exit."""
    started = time.perf_counter()
    done = subprocess.run(
        list(command), cwd=ROOT, env=subprocess_env(), capture_output=True, text=True, encoding="utf-8"
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}\n--- stdout\n{done.stdout[-3000:]}\n"
            f"--- stderr\n{done.stderr[-3000:]}"
        )
    return seconds, done.stdout


def subprocess_env() -> dict[str, str]:
    """This environment, with .pyc files cached as on a user's machine, but under bench/_work/.

    Some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every run compile the project's modules
    again; PYTHONPYCACHEPREFIX keeps the cache out of the source tree. The untimed warm-up run fills it.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    return env


def cli_command(*args: str | Path | int) -> list[str]:
    return [sys.executable, str(CLI), *(str(a) for a in args)]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


class Probe:
    """Wraps functions looked up at call time (module or class attributes) and sums their times.

    Nested probes are keyed by their path ("load_folder/last_year/read"), so the caller can subtract
    inner from outer times.
    """

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._stack: list[str] = []
        self._patched: list[tuple[Any, str, Any]] = []
        self.missing: list[str] = []

    def wrap(self, owner: Any, attr: str, label: str) -> None:
        original = getattr(owner, attr, None)
        if original is None:
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{attr}")
            return
        probe = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = "/".join([*probe._stack, label])
            probe._stack.append(label)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                probe.totals[key] = probe.totals.get(key, 0.0) + time.perf_counter() - started
                probe._stack.pop()

        setattr(owner, attr, wrapper)
        self._patched.append((owner, attr, original))

    def reset(self) -> None:
        self.totals = {}

    def restore(self) -> None:
        for owner, attr, original in reversed(self._patched):
            setattr(owner, attr, original)
        self._patched.clear()


# --------------------------------------------------------------------------------------------
# Statistics and tables
# --------------------------------------------------------------------------------------------


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def secs(value: float | None, digits: int = 2) -> str:
    """Seconds the way the project prints numbers: decimal comma."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}".replace(".", ",") + " s"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".replace(".", ",") + "×"


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "cpus": cpu_count(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_modified_tracked_files": len(dirty.splitlines()),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout.strip()


def save_results(kind: str, payload: dict[str, Any], started: dt.datetime) -> Path:
    """bench/results/<date>_<time>_<kind>_<N>cpu.json, written through a .tmp file and a rename."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"{started:%Y-%m-%d_%H%M%S}_{kind}_{cpu_count()}cpu.json"
    path = RESULTS / name
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def consolidated_html(dataset: Any) -> str:
    """The consolidated report's HTML, as `build` renders it (aggregation + context + template)."""
    from reports.aggregate import aggregate
    from reports.context import consolidated
    from reports.documents import CONSOLIDATED
    from reports.render.html import render_html

    return render_html(CONSOLIDATED.template, consolidated.build(dataset, aggregate(dataset)))


def unit_html(dataset: Any, code: str) -> str:
    """One unit's document HTML, as `build` renders it."""
    from reports.aggregate import aggregate, unit_dataset
    from reports.context import unit
    from reports.documents import UNIT_REPORT
    from reports.render.html import render_html

    return render_html(
        UNIT_REPORT.template, unit.build(dataset, code, aggregate(unit_dataset(dataset, code), tables=False))
    )
