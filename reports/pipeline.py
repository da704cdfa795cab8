"""The two jobs, `check` and `build`, as library functions that return a result and never print.

    check: load + validate everything -> write the check report (and the manifest)
    build: load + validate -> refuse on errors (unless draft) -> aggregate -> render every document
           in memory -> write them all (atomically, protecting edited files) -> manifest

Everything is read and checked before anything is written, and every document is rendered before
the first one is written, so a failure never leaves a half-built output folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reports.check_report import check_report_xlsx
from reports.intake import Intake, load_folder
from reports.model import Dataset
from reports.output import Diverted, OutputFolder

if TYPE_CHECKING:  # the renderers (Jinja, python-docx, WeasyPrint) are imported only when building
    from reports.render.batch import Rendered

UNITS_DIR = "don-vi"


def check_report_name(nam: int) -> str:
    return f"kiem-tra-so-lieu-{nam}.xlsx"


def consolidated_name(nam: int, fmt: str) -> str:
    return f"bao-cao-tong-hop-{nam}.{fmt}"


def unit_report_name(code: str, fmt: str) -> str:
    return f"{UNITS_DIR}/{code}.{fmt}"


@dataclass
class CheckResult:
    intake: Intake
    output: OutputFolder
    check_report: Path

    @property
    def has_errors(self) -> bool:
        return self.intake.validation.has_errors

    @property
    def has_warnings(self) -> bool:
        return self.intake.validation.has_warnings


@dataclass
class BuildResult:
    check: CheckResult
    built: bool = False
    refused_reason: str = ""  # Vietnamese, when nothing was built
    documents: list[Path] = field(default_factory=list)
    units_rendered: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def diverted(self) -> list[Diverted]:
        return self.check.output.diverted


def check(folder: Path, out: Path) -> CheckResult:
    intake = load_folder(folder)
    result = _write_check_report(intake, out)
    _finish(result, folder, "check")
    return result


def _write_check_report(intake: Intake, out: Path) -> CheckResult:
    settings = intake.settings
    output = OutputFolder(out / str(settings.nam), settings.build_date)
    path = output.write(check_report_name(settings.nam), check_report_xlsx(intake, settings.build_date))
    return CheckResult(intake, output, path)


def build(
    folder: Path,
    out: Path,
    *,
    draft: bool = False,
    strict: bool = False,
    jobs: int = 1,
    formats: Sequence[str] = ("docx", "pdf"),
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build every report. `progress(done, total)` is called as each per-unit document is finished."""
    times: dict[str, float] = {}
    started = time.perf_counter()
    intake = load_folder(folder)
    times["doc_va_kiem_tra"] = time.perf_counter() - started
    checked = _write_check_report(intake, out)
    result = BuildResult(checked, seconds=times)
    validation = intake.validation
    blocking = validation.has_errors or (strict and validation.has_warnings)
    if blocking and not draft:
        what = "lỗi" if validation.has_errors else "cảnh báo (chế độ --strict)"
        result.refused_reason = f"Số liệu còn {what}; không lập báo cáo."
        _finish(checked, folder, "build")
        return result
    dataset = intake.dataset(draft=draft)
    if strict and draft:
        warned = {p.unit for p in validation.problems if p.is_warning and p.unit in dataset.figures.index}
        dataset = _exclude(dataset, warned)
    if dataset.figures.empty:
        result.refused_reason = "Không có đơn vị nào có số liệu dùng được; không lập báo cáo."
        _finish(checked, folder, "build")
        return result
    from reports.render.batch import CONSOLIDATED, render_all

    units = [str(code) for code in dataset.figures.index]
    rendered: list[Rendered] = []
    render_started = time.perf_counter()
    units_done = 0

    def done(item: Rendered) -> None:
        nonlocal units_done
        if item.key != CONSOLIDATED:
            units_done += 1
            if progress:
                progress(units_done, len(units))

    for item in render_all(dataset, units, formats, jobs=jobs, on_done=done):
        rendered.append(item)
    times["dung_bao_cao"] = time.perf_counter() - render_started
    write_started = time.perf_counter()
    result.documents = _write_documents(checked.output, intake.settings.nam, rendered, units)
    _finish(checked, folder, "build", draft=draft)
    times["ghi_tep"] = time.perf_counter() - write_started
    times["tong"] = time.perf_counter() - started
    result.built = True
    result.units_rendered = len(units)
    return result


def _exclude(dataset: Dataset, codes: set[str]) -> Dataset:
    """`dataset` without the units in `codes` (counted as left out for errors)."""
    keep = ~dataset.figures.index.isin(sorted(codes))
    return replace(
        dataset,
        figures=dataset.figures.loc[keep],
        excluded=[c for c in dataset.units.index if c in codes or c in dataset.excluded],
    )


def _write_documents(output: OutputFolder, nam: int, rendered: list[Rendered], units: list[str]) -> list[Path]:
    """Write in a stable order: the consolidated report first, then units in don-vi.csv order."""
    from reports.render.batch import CONSOLIDATED

    order = {key: i for i, key in enumerate([CONSOLIDATED, *units])}
    paths = []
    for item in sorted(rendered, key=lambda r: order[r.key]):
        for fmt, data in item.files.items():
            name = consolidated_name(nam, fmt) if item.key == CONSOLIDATED else unit_report_name(item.key, fmt)
            paths.append(output.write(name, data))
    return paths


def _finish(checked: CheckResult, folder: Path, command: str, *, draft: bool = False) -> None:
    intake = checked.intake
    extra: dict[str, object] = {"nam": intake.settings.nam, "command": command, "draft": draft}
    checked.output.commit(intake.input_files, folder, extra)
