"""Load a data folder and check everything in it: settings, units, submissions, last year's data.

`load_folder` is the first step of both commands (`check` and `build`): it never writes anything and
never prints. A missing folder, a broken bao-cao.toml or don-vi.csv raise a `UserError` (exit 2);
everything wrong inside the submissions becomes a `Problem` in `Intake.validation`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from reports import indicators as ind
from reports.errors import DataFolderError, UserError
from reports.model import Dataset
from reports.problems import Place, Problem, warning
from reports.read_cache import ReadCache
from reports.settings import SETTINGS_FILE, Settings, load_settings
from reports.submissions import SUBMISSIONS_DIR, ReadResult, read_submissions
from reports.units import UNITS_FILE, load_units
from reports.validate import Parsed, RuleSettings, Validation, validate

LAST_YEAR_DIR = "nam-truoc"
CONFERENCE_DIR = "hoi-nghi"
# Contract section 11: trends use up to five years (this year and four before it).
TREND_YEARS = 5
# The figures a trend chart draws over the years (totals over the usable units of each year).
TREND_CODES: tuple[str, ...] = ("dv_cuoi_ky", "dv_ket_nap", "dv_dau_ky")


@dataclass
class Intake:
    folder: Path
    settings: Settings
    units: pd.DataFrame
    read: ReadResult
    validation: Validation
    last_year: pd.DataFrame | None = None
    last_year_files: list[Path] = field(default_factory=list)
    history: dict[int, dict[str, int | None]] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return self.validation.problems

    @property
    def input_files(self) -> list[Path]:
        """Every file the figures come from (for the manifest)."""
        files = [self.folder / SETTINGS_FILE, self.folder / UNITS_FILE, *self.read.files, *self.last_year_files]
        papers = self.folder / CONFERENCE_DIR  # the PDFs bound into the conference handout
        if papers.is_dir():
            files.extend(sorted(p for p in papers.iterdir() if p.suffix.lower() == ".pdf"))
        return [f for f in files if f.is_file() and _utf8_name(f)]

    def status(self) -> dict[str, str]:
        """Each expected unit: "hop_le" (usable), "co_loi" (submitted, has errors) or "chua_nop"."""
        errors = self.validation.error_units
        result = {}
        for code in self.units.index:
            if code not in self.validation.used:
                result[code] = "chua_nop"
            else:
                result[code] = "co_loi" if code in errors else "hop_le"
        return result

    def dataset(self, *, draft: bool = False) -> Dataset:
        """The units whose figures are usable (no error), in don-vi.csv order, as a `Dataset`."""
        status = self.status()
        usable = [c for c in self.units.index if status[c] == "hop_le"]
        return Dataset(
            settings=self.settings,
            units=self.units[["ten_don_vi", "loai", "nhom", "xep_loai"]],
            figures=figures_frame(self.validation.used[c] for c in usable),
            excluded=[c for c in self.units.index if status[c] == "co_loi"],
            missing=[c for c in self.units.index if status[c] == "chua_nop"],
            last_year=self.last_year,
            draft=draft,
            history=self.history,
        )


def _utf8_name(path: Path) -> bool:
    """A name the manifest (JSON, UTF-8) can record; others are still read and reported by name."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load_folder(folder: Path, cache_dir: Path | None = None) -> Intake:
    """Read and check a data folder; with `cache_dir`, files read before with the same bytes are taken
    from there (reports.read_cache) instead of being opened again."""
    if not folder.exists():
        raise DataFolderError(f"Không tìm thấy thư mục dữ liệu {folder}.")
    if not folder.is_dir():
        raise DataFolderError(f"{folder} không phải là một thư mục dữ liệu.")
    settings = load_settings(folder)
    units = load_units(folder)
    if not (folder / SUBMISSIONS_DIR).is_dir():
        raise DataFolderError(
            f"Không tìm thấy thư mục {folder / SUBMISSIONS_DIR} (nơi đặt các biểu số liệu đơn vị nộp)."
        )
    rules = RuleSettings(settings.nam, settings.kiem_tra.ty_le_xuat_sac_toi_da, settings.kiem_tra.so_luong_toi_da)
    this_year = ReadCache(cache_dir / "nam-nay") if cache_dir is not None else None
    last_cache = ReadCache(cache_dir / "nam-truoc") if cache_dir is not None else None
    with _in_background(load_last_year, folder / LAST_YEAR_DIR, rules, last_cache) as last_year_result:
        read = read_submissions(folder, this_year)
    last_year, last_files, last_problems = last_year_result()
    validation = validate(units, read, rules, last_year)
    validation.problems.extend(last_problems)
    validation.problems.extend(_last_year_warning(message) for message in settings.chi_tieu.canh_bao)
    history, chain_files, chain_problems = load_history(folder / LAST_YEAR_DIR, rules, last_year)
    validation.problems.extend(chain_problems)
    validation.problems.extend(_cleaned_unit_names(units))
    return Intake(folder, settings, units, read, validation, last_year, [*last_files, *chain_files], history)


# Last year's folder is as large as this year's; below this many files it is not worth a process.
BACKGROUND_MIN_FILES = 40


@contextmanager
def _in_background(
    function: Callable[[Path, RuleSettings, ReadCache | None], LastYear],
    folder: Path,
    rules: RuleSettings,
    cache: ReadCache | None = None,
) -> Iterator[Callable[[], LastYear]]:
    """Run `function(folder, rules)` in a second process while the block reads this year's files.

    Reading is the bulk of `check`; on a machine with two cores or more, last year's folder is read
    at the same time as this year's. Small folders, and machines with one core, read it in line.
    """
    files = sum(1 for _ in (folder / SUBMISSIONS_DIR).rglob("*")) if (folder / SUBMISSIONS_DIR).is_dir() else 0
    if files < BACKGROUND_MIN_FILES or (os.cpu_count() or 1) < 2:
        yield lambda: function(folder, rules, cache)
        return
    with ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(function, folder, rules, cache)
        yield lambda: _result_or_warning(future)


def _result_or_warning(future: Future[LastYear]) -> LastYear:
    """Last year's result; a reader process that died costs only the comparisons, with a warning."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None, [], [_last_year_warning("Không đọc được dữ liệu năm trước: tiến trình đọc bị dừng đột ngột.")]


LastYear = tuple[pd.DataFrame | None, list[Path], list[Problem]]


def load_last_year(folder: Path, rules: RuleSettings, cache: ReadCache | None = None) -> LastYear:
    """Last year's usable figures (units with no error in last year's own check), or None.

    Last year's folder needs only nop/; its don-vi.csv is used when present. A problem there never
    blocks this year's report: the comparisons it would feed are left out, with a warning.
    """
    if not folder.is_dir():
        return None, [], []
    previous = RuleSettings(rules.nam - 1, rules.max_excellent_pct, rules.max_count)
    try:
        read = read_submissions(folder, cache)
        units = load_units(folder) if (folder / UNITS_FILE).is_file() else _units_from(read)
    except UserError as exc:
        return None, [], [_last_year_warning(f"Không dùng được dữ liệu năm trước: {exc.message}")]
    validation = validate(units, read, previous)
    bad = validation.error_units
    usable = [validation.used[c] for c in units.index if c in validation.used and c not in bad]
    problems = []
    if bad:
        names = ", ".join(sorted(bad))
        problems.append(
            _last_year_warning(
                f"Số liệu năm {rules.nam - 1} của {len(bad)} đơn vị có lỗi nên không dùng để so sánh: {names}."
            )
        )
    files = [f for f in (folder / UNITS_FILE, *read.files) if f.is_file()]
    return figures_frame(usable), files, problems


def load_history(
    last_year_folder: Path, rules: RuleSettings, last_year: pd.DataFrame | None
) -> tuple[dict[int, dict[str, int | None]], list[Path], list[Problem]]:
    """The years before this one, for trends: year -> totals of TREND_CODES (contract section 11).

    Last year comes from the figures already loaded; earlier years from nam-truoc/nam-truoc/... (each
    level one year earlier), read and checked like last year's folder, at most TREND_YEARS - 1 years
    back. A level without usable figures is a gap (None values), not a zero, and the chain goes on
    below it; the chain ends at the first level that does not exist. Empty without nam-truoc/.
    """
    history: dict[int, dict[str, int | None]] = {}
    files: list[Path] = []
    problems: list[Problem] = []
    if not last_year_folder.is_dir():
        return history, files, problems
    history[rules.nam - 1] = trend_totals(last_year)
    folder = last_year_folder / LAST_YEAR_DIR
    for depth in range(2, TREND_YEARS):
        if not folder.is_dir():
            break
        year = rules.nam - depth
        frame, year_files, year_problems = load_last_year(folder, replace(rules, nam=year + 1))
        history[year] = trend_totals(frame)
        files.extend(year_files)
        problems.extend(year_problems)
        folder = folder / LAST_YEAR_DIR
    return dict(sorted(history.items())), files, problems


def trend_totals(frame: pd.DataFrame | None) -> dict[str, int | None]:
    """Each trend code summed over the units that reported it; None when none did (or no frame)."""
    if frame is None or frame.empty:
        return dict.fromkeys(TREND_CODES)
    totals: dict[str, int | None] = {}
    for code in TREND_CODES:
        column = frame[code].dropna()
        totals[code] = int(column.sum()) if len(column) else None
    return totals


def _cleaned_unit_names(units: pd.DataFrame) -> list[Problem]:
    return [
        warning(
            "ky_tu_dieu_khien",
            "Ô có ký tự điều khiển không hiển thị được (thường do dán từ Word); các ký tự này đã được bỏ đi.",
            place=Place(UNITS_FILE, "", cell),
        )
        for cell in units.attrs.get("cleaned", [])
    ]


def _last_year_warning(message: str) -> Problem:
    return warning("du_lieu_nam_truoc", message, place=Place(LAST_YEAR_DIR))


def _units_from(read: ReadResult) -> pd.DataFrame:
    codes = list(dict.fromkeys(s.unit for s in read.submissions))
    columns = {"ten_don_vi": codes, "loai": "", "nhom": "", "xep_loai": "", "dong": 0}
    frame = pd.DataFrame(columns, index=pd.Index(codes, name="ma_don_vi"))
    return frame


def figures_frame(parsed: Iterable[Parsed]) -> pd.DataFrame:
    """One row per unit (index ma_don_vi), one column per catalogue code: Int64 counts, text objects."""
    items = list(parsed)
    index = pd.Index([p.unit for p in items], name="ma_don_vi", dtype=object)
    columns: dict[str, pd.Series] = {}
    for code in ind.COUNT_CODES:
        columns[code] = pd.Series([p.counts.get(code) for p in items], index=index, dtype="Int64")
    for code in ind.TEXT_CODES:
        columns[code] = pd.Series([p.texts.get(code) for p in items], index=index, dtype=object)
    return pd.DataFrame(columns, index=index)
