"""The two jobs, `check` and `build`, as library functions that return a result and never print.

    check: load + validate -> write the check report (and the manifest)
    build: load + validate -> refuse on errors (unless draft) -> aggregate -> build the context of every
           document -> render them all in memory -> write them all (atomically, protecting edited
           files) -> manifest

Each stage only reads what the one before produced; `build` shows them in order. Everything is read and
checked before anything is written, and every document is rendered before the first one is written, so
a failure never leaves a half-built output folder.
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

if TYPE_CHECKING:  # aggregation and the renderers are imported only when building
    from reports.documents import Document
    from reports.render.batch import Rendered
    from reports.render.html import TemplateSet


def check_report_name(nam: int) -> str:
    return f"kiem-tra-so-lieu-{nam}.xlsx"


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
    from reports.documents import aggregate_all, documents

    started = time.perf_counter()
    aggregated = aggregate_all(dataset)
    docs = list(documents(aggregated))
    times["tong_hop_so_lieu"] = time.perf_counter() - started
    started = time.perf_counter()
    rendered = _render(docs, formats, _templates(folder, dataset), jobs=jobs, progress=progress)
    times["dung_bao_cao"] = time.perf_counter() - started
    started = time.perf_counter()
    result.documents = _write_documents(checked.output, docs, rendered)
    _finish(checked, folder, "build", draft=draft)
    times["ghi_tep"] = time.perf_counter() - started
    times["tong"] = sum(times.values())
    result.built = True
    result.units_rendered = sum(1 for d in docs if d.unit)
    return result


def _templates(folder: Path, dataset: Dataset) -> TemplateSet:
    from reports.render.html import TemplateSet

    layout = dataset.settings.trinh_bay
    return TemplateSet.for_folder(folder, decimals=layout.so_le_thap_phan, leading_zero=layout.so_0_duoi_10)


def _render(
    docs: Sequence[Document],
    formats: Sequence[str],
    templates: TemplateSet,
    *,
    jobs: int,
    progress: Callable[[int, int], None] | None,
) -> dict[str, Rendered]:
    """Every document rendered in memory, by output stem; `progress` counts the per-unit documents."""
    from reports.render.batch import Rendered, RenderJob, render_all

    per_unit = {d.stem for d in docs if d.unit}
    done = 0

    def count(item: Rendered) -> None:
        nonlocal done
        if item.key in per_unit:
            done += 1
            if progress:
                progress(done, len(per_unit))

    from reports.documents import KINDS

    bound = [d for d in docs if KINDS[d.kind].bind is not None]
    render_jobs = [RenderJob(d.stem, d.template, d.context) for d in docs if KINDS[d.kind].bind is None]
    result = {r.key: r for r in render_all(render_jobs, formats, templates, workers=jobs, on_done=count)}
    for doc in bound:  # made from the documents rendered above (the handout binds the report)
        bind = KINDS[doc.kind].bind
        assert bind is not None
        files = bind(doc.context, {key: r.files for key, r in result.items()}, formats, templates)
        result[doc.stem] = Rendered(doc.stem, files)
    return result


def _exclude(dataset: Dataset, codes: set[str]) -> Dataset:
    """`dataset` without the units in `codes` (counted as left out for errors)."""
    keep = ~dataset.figures.index.isin(sorted(codes))
    return replace(
        dataset,
        figures=dataset.figures.loc[keep],
        excluded=[c for c in dataset.units.index if c in codes or c in dataset.excluded],
    )


def _write_documents(output: OutputFolder, docs: Sequence[Document], rendered: dict[str, Rendered]) -> list[Path]:
    """Write in a stable order: the registry's order (the consolidated report first, then units)."""
    paths = []
    for doc in docs:
        for fmt, data in rendered[doc.stem].files.items():
            paths.append(output.write(f"{doc.stem}.{fmt}", data))
    return paths


def _finish(checked: CheckResult, folder: Path, command: str, *, draft: bool = False) -> None:
    intake = checked.intake
    extra: dict[str, object] = {"nam": intake.settings.nam, "command": command, "draft": draft}
    checked.output.commit(intake.input_files, folder, extra)
