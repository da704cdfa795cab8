"""Shared fixtures: the sample built once, a small five-unit folder, and the golden-file option.

Building the 40-unit sample (DOCX and PDF of every report) is the slowest thing the suite does, so it
is done once per session (`sample_build`, slow tier) and every test that only reads its outputs shares
it; the fast tier reads the same kind of build of the five-unit folder (`small_build`). Both fixtures
record the hash of every output they wrote and check them again at the end of the session: a test that
changes a shared output fails there, by name of the file. A test that must change outputs
or build with other options uses the five-unit folders (`small_folder`, `small_bad_folder`) and its own
`tmp_path`.

Golden files are rewritten with `pytest --update-golden` (or the older `UPDATE_GOLDEN=1`).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import importlib
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pytest

if TYPE_CHECKING:
    from reports.pipeline import BuildResult

# Python writes the compiled form of each module it imports (__pycache__/), as it does by default. An
# environment with PYTHONDONTWRITEBYTECODE set (some CI images) otherwise compiles pandas, WeasyPrint and
# every test module from source again in each of the suite's processes: 2,5 s for pandas alone, paid
# by each xdist worker and each `build_reports.py` subprocess.
sys.dont_write_bytecode = False
# The tool itself is imported by the fixtures that build, not here: under pytest-xdist the main process
# only starts the workers, and importing pandas first would keep them waiting (4 s on a fresh clone).

# No test's `build_reports.py` hands its work to, or leaves behind, the tool's background process
# (reports/daemon.py): tests/test_daemon.py switches it on for itself, with its own socket folder.
os.environ["BAOCAO_DAEMON"] = "0"

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "mau"
NAM = 2026

# Five units of the sample, reaching every reader path the build needs: unit workbooks (STC, VNPT,
# TCT) and rows of the combined ';' CSV (BDT, SNV). BDT is the first CSV row: `small_bad_folder`
# breaks it; STC is the unit `small_bad_folder` leaves out.
SMALL_UNITS = ("STC", "BDT", "TCT", "SNV", "VNPT")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files (tests/golden/, tests/data/bad-expected.txt) from this run's output",
    )


# Under pytest-xdist both workers import the same libraries while collecting. On a fresh clone nothing is
# compiled yet, so each would compile all of them (12 s); instead each compiles half first, writing
# __pycache__/, and then finds the other half compiled by the other worker (about 6 s).
FIRST_IMPORTS = {
    "gw0": ("pandas", "openpyxl", "docx", "pptx", "pypdf", "xlsxwriter", "reports.pipeline"),
    "gw1": ("weasyprint", "distributed", "hypothesis", "jinja2"),
}


def pytest_configure(config: pytest.Config) -> None:
    for name in FIRST_IMPORTS.get(os.environ.get("PYTEST_XDIST_WORKER", ""), ()):
        with contextlib.suppress(ImportError):  # distributed is optional
            importlib.import_module(name)


# The files whose tests take longest (mypy alone 16 s; the others build reports), longest first.
LONGEST_FIRST = (
    "test_lint.py",
    "test_incremental.py",
    "test_build.py",
    "test_handout.py",
    "test_templates.py",
    "test_pdf_parts.py",
    "test_output_safety.py",
    "test_hostile.py",
    "test_dask.py",
    "test_watch.py",
    "test_cli_check.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first: under pytest-xdist a long test started last keeps one core busy after
    the other has finished, while short ones at the end even the two out."""
    order = {name: rank for rank, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: order.get(item.path.name, len(order)))  # stable: the rest keep their order


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden")) or os.environ.get("UPDATE_GOLDEN") == "1"


Golden = Callable[[Path, str], None]


@pytest.fixture(scope="session")
def golden(update_golden: bool) -> Golden:
    """`golden(path, actual)`: assert the file says exactly `actual`; with --update-golden, write it.

    A missing file is written and the test fails, so a new golden file is always read before it is
    committed.
    """

    def compare(path: Path, actual: str) -> None:
        if update_golden or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            if not update_golden:
                pytest.fail(f"golden file {path} was missing and has been written; read it and commit it")
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "now", lineterm="", n=1)
            shown = "\n".join(list(diff)[:40])
            pytest.fail(f"{path.name} differs (pytest --update-golden rewrites it if intended):\n{shown}")

    return compare


class Built(NamedTuple):
    """A finished build: what `build` returned and the year folder it wrote (out/<nam>)."""

    result: BuildResult
    root: Path


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _built_once(folder: Path, out: Path, jobs: int) -> Iterator[Built]:
    """`folder` built into `out`, DOCX and PDF; fails the session's end if a test changed an output."""
    from reports.pipeline import build

    built = Built(build(folder, out, jobs=jobs), out / str(NAM))
    assert built.result.built, built.result.refused_reason
    before = _hashes(built.root)
    yield built
    after = _hashes(built.root)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert not changed, f"a test changed a shared build (use its own copy): {changed}"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """data/mau built once, DOCX and PDF; read it, never change it (checked at the end of the session).

    Only slow tests use it (about 20 s); the fast tier reads `small_build` instead."""
    yield from _built_once(SAMPLE, tmp_path_factory.mktemp("sample-out"), jobs=2)


@pytest.fixture(scope="session")
def small_build(small_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """`small_folder` built once, DOCX and PDF, in this process; read it, never change it."""
    yield from _built_once(small_folder, tmp_path_factory.mktemp("small-out"), jobs=1)


def _keep_rows(path: Path, codes: Iterable[str], sep: str) -> None:
    """Keep the header line and the lines whose first field is one of `codes` (BOM and encoding kept)."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    wanted = set(codes)
    kept = [lines[0]] + [line for line in lines[1:] if line.split(sep, 1)[0] in wanted]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(kept) + "\n").encode("utf-8"))


def make_small_folder(target: Path, units: Iterable[str] = SMALL_UNITS) -> Path:
    """A copy of data/mau reduced to `units`, last year included: a clean folder that builds in seconds."""
    codes = tuple(units)
    for folder in (target, target / "nam-truoc"):
        folder.mkdir(parents=True)
        (folder / "nop").mkdir()
    for rel in ("bao-cao.toml", "don-vi.csv", "nam-truoc/bao-cao.toml", "nam-truoc/don-vi.csv"):
        shutil.copyfile(SAMPLE / rel, target / rel)
        if rel.endswith(".csv"):
            _keep_rows(target / rel, codes, ",")
    for rel in (f"nop/tong-hop-so-lieu-{NAM}.csv", f"nam-truoc/nop/tong-hop-so-lieu-{NAM - 1}.csv"):
        shutil.copyfile(SAMPLE / rel, target / rel)
        _keep_rows(target / rel, codes, ";")
    for code in codes:
        workbook = SAMPLE / "nop" / f"{code}-bieu-so-lieu-{NAM}.xlsx"
        if workbook.exists():
            shutil.copyfile(workbook, target / "nop" / workbook.name)
    return target


@pytest.fixture(scope="session")
def small_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five clean units of the sample (read only: copy it with shutil.copytree to change it)."""
    return make_small_folder(tmp_path_factory.mktemp("small") / "bo-du-lieu")


def csv_first_unit(folder: Path) -> str:
    """The unit of the first data row of the folder's combined CSV."""
    lines = (folder / "nop" / f"tong-hop-so-lieu-{NAM}.csv").read_text(encoding="utf-8-sig").splitlines()
    return lines[1].split(";")[0]


@pytest.fixture(scope="session")
def small_bad_folder(small_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`small_folder` with the first CSV unit's dv_nu typed as "12 đv" (an error) and STC not submitted."""
    folder = tmp_path_factory.mktemp("small-bad") / "bo-du-lieu"
    shutil.copytree(small_folder, folder)
    csv_path = folder / "nop" / f"tong-hop-so-lieu-{NAM}.csv"
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    row = lines[1].split(";")
    row[header.index("dv_nu")] = "12 đv"
    lines[1] = ";".join(row)
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    (folder / "nop" / f"STC-bieu-so-lieu-{NAM}.xlsx").unlink()
    return folder
