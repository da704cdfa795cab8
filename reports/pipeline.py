"""The two jobs, `check` and `build`, as library functions that return a result and never print.

    check: load + validate -> write the check report (and the manifest)
    build: load + validate -> refuse on errors (unless draft) -> aggregate -> build the context of every
           document -> plan (fingerprint each document; keep the outputs whose inputs did not change
           and whose files are intact) -> render the rest, staging each file as its document is done
           -> commit (move into place, protecting edited files) -> manifest

Each stage only reads what the one before produced; `build` shows them in order. Everything is read and
checked before anything is written; rendered files are staged as they come (memory does not grow with
the number of units) and reach their names only in the commit, so a failure never leaves a half-built
output folder. Rendering runs in a local process pool, or on any `concurrent.futures.Executor` given
(a Dask cluster's, for `build --scheduler`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reports.intake import Intake, load_folder
from reports.model import Dataset
from reports.output import Diverted, OutputFolder
from reports.read_cache import CACHE_DIR

if TYPE_CHECKING:  # aggregation and the renderers are imported only when building
    from reports.documents import Aggregated, Document
    from reports.part_cache import PdfPartCache
    from reports.render.batch import KeptPool
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
    documents: list[Path] = field(default_factory=list)  # every output file of the build, kept ones too
    units_rendered: int = 0  # per-unit documents in the build (rendered or kept)
    rendered: list[str] = field(default_factory=list)  # output stems of the documents rendered this time
    kept: list[str] = field(default_factory=list)  # ... and of those kept (inputs unchanged, files intact)
    seconds: dict[str, float] = field(default_factory=dict)
    # The report's PDF parts taken from the previous build's (reports/part_cache.py) and laid out now.
    parts_reused: int = 0
    parts_laid_out: int = 0

    @property
    def diverted(self) -> list[Diverted]:
        return self.check.output.diverted


def check(folder: Path, out: Path) -> CheckResult:
    intake = load_folder(folder, cache_dir=out / CACHE_DIR)
    result = _write_check_report(intake, out)
    _finish(result, folder, "check")
    return result


def _write_check_report(intake: Intake, out: Path) -> CheckResult:
    return _stage_check_report(_unwritten_check(intake, out))


def _unwritten_check(intake: Intake, out: Path) -> CheckResult:
    """The output folder of the year, and where its check report goes (`_stage_check_report` writes it)."""
    settings = intake.settings
    output = OutputFolder(out / str(settings.nam), settings.build_date)
    return CheckResult(intake, output, output.root / check_report_name(settings.nam))


def _stage_check_report(checked: CheckResult) -> CheckResult:
    """Write the check report (staged, like every output, until the commit); its path may be another name
    when the last one was edited by hand."""
    from reports.check_report import check_report_xlsx  # openpyxl: 0,25 s to import

    settings = checked.intake.settings
    report = check_report_xlsx(checked.intake, settings.build_date)
    checked.check_report = checked.output.write(check_report_name(settings.nam), report)
    return checked


def build(
    folder: Path,
    out: Path,
    *,
    draft: bool = False,
    strict: bool = False,
    jobs: int = 1,
    formats: Sequence[str] = ("docx", "pdf"),
    progress: Callable[[int, int], None] | None = None,
    full: bool = False,
    executor: Executor | None = None,
    pool: KeptPool | None = None,
    fresh_templates: bool = False,
) -> BuildResult:
    """Build every report whose inputs changed since the build recorded in `out` (all, when `full`).

    `progress(done, total)` is called as each per-unit document to render is finished. `executor`
    renders the documents (and aggregates the units) instead of a local pool of `jobs` processes;
    `pool` is a local pool kept between builds (`fresh_templates`: the templates' files changed since
    its last build).
    """
    times: dict[str, float] = {}
    started = time.perf_counter()
    intake = load_folder(folder, cache_dir=out / CACHE_DIR)
    times["doc_va_kiem_tra"] = time.perf_counter() - started
    # The check report is written once the report's first tasks are out to the workers (`meanwhile`),
    # or now when nothing is built: it is this process's longest step before the first task.
    checked = _unwritten_check(intake, out)
    result = BuildResult(checked, seconds=times)
    validation = intake.validation
    blocking = validation.has_errors or (strict and validation.has_warnings)
    if blocking and not draft:
        what = "lỗi" if validation.has_errors else "cảnh báo (chế độ --strict)"
        result.refused_reason = f"Số liệu còn {what}; không lập báo cáo."
        _finish(_stage_check_report(checked), folder, "build")
        return result
    dataset = intake.dataset(draft=draft)
    if strict and draft:
        warned = {p.unit for p in validation.problems if p.is_warning and p.unit in dataset.figures.index}
        dataset = _exclude(dataset, warned)
    if dataset.figures.empty:
        result.refused_reason = "Không có đơn vị nào có số liệu dùng được; không lập báo cáo."
        _finish(_stage_check_report(checked), folder, "build")
        return result
    from reports.documents import aggregate_all
    from reports.render.batch import forget_templates, warm_pool

    templates = _templates(folder, dataset)
    with contextlib.ExitStack() as stack:
        window = None
        # Given an executor (a Dask cluster), workers may not see the output folder; a pool is local.
        on_this_machine = executor is None
        if executor is None and pool is not None and pool.workers > 1:
            executor, window = pool.executor(formats, templates, fresh=fresh_templates), 4 * pool.workers
        elif executor is None and jobs > 1:
            executor = stack.enter_context(warm_pool(jobs, formats, templates))
            window = 4 * jobs  # few jobs queued ahead: the report's PDF parts and the handout go next
        elif fresh_templates:
            forget_templates()
        started = time.perf_counter()
        aggregated = aggregate_all(dataset)  # the consolidated figures; each unit's come with its context
        times["tong_hop_so_lieu"] = time.perf_counter() - started
        started = time.perf_counter()
        shared = _build_digest(templates)
        parts = _part_cache(out, checked.output, shared, full=full, for_workers=on_this_machine)
        plan = _render_and_write(
            checked.output,
            aggregated,
            tuple(formats),
            templates,
            shared,
            full=full,
            jobs=jobs,
            executor=executor,
            window=window,
            progress=_Progress(progress, len(aggregated.units)),
            parts=parts,
            meanwhile=lambda: _stage_check_report(checked),
        )
        parts.prune()
        result.parts_reused, result.parts_laid_out = parts.hits, parts.misses
        times["dung_bao_cao"] = time.perf_counter() - started
    started = time.perf_counter()
    _finish(checked, folder, "build", draft=draft)
    result.documents = _final_paths(checked.output, plan)
    times["ghi_tep"] = time.perf_counter() - started
    times["tong"] = sum(times.values())
    result.built = True
    result.units_rendered = sum(1 for p in plan if p.unit)
    result.rendered = [p.stem for p in plan if p.formats]
    result.kept = [p.stem for p in plan if not p.formats]
    return result


def _build_digest(templates: TemplateSet) -> str:
    """What every document of the build shares: the tool, the template folders, the number format."""
    from reports.fingerprint import build_digest

    return build_digest(templates.dirs, repr((templates.decimals, templates.leading_zero)))


def _part_cache(out: Path, output: OutputFolder, shared: str, *, full: bool, for_workers: bool) -> PdfPartCache:
    """The PDF parts of earlier builds into `out` (for this year), read unless `full`; shared with the
    documents bound in worker processes only when those run on this machine."""
    from reports.part_cache import FOLDER, PdfPartCache

    return PdfPartCache(
        out / CACHE_DIR / f"{FOLDER}-{output.root.name}", shared, read=not full, for_workers=for_workers
    )


def _templates(folder: Path, dataset: Dataset) -> TemplateSet:
    from reports.render.html import TemplateSet

    layout = dataset.settings.trinh_bay
    return TemplateSet.for_folder(folder, decimals=layout.so_le_thap_phan, leading_zero=layout.so_0_duoi_10)


@dataclass(frozen=True)
class Planned:
    """One document of the build: each output's fingerprint by format, and the formats to render
    (empty: every output of the document is kept as it is)."""

    stem: str
    unit: str
    fingerprints: dict[str, str]
    formats: tuple[str, ...]
    sources: dict[str, str] = field(default_factory=dict)  # per-unit kinds: the unit's inputs, by format


class _Progress:
    """Counts the per-unit documents handled (rendered or kept) for the caller's progress bar."""

    def __init__(self, report: Callable[[int, int], None] | None, total: int) -> None:
        self.report, self.total, self.done = report, total, 0

    def unit_done(self) -> None:
        self.done += 1
        if self.report:
            self.report(self.done, self.total)

    def done_kept(self, count: int) -> None:
        """Count the units kept without building their context (not seen one by one)."""
        self.done += count
        if self.report and count:
            self.report(self.done, self.total)


def plan_document(
    output: OutputFolder, doc: Document, formats: Sequence[str], shared: str, *, full: bool, sources: dict[str, str]
) -> Planned:
    """Which outputs of `doc` must be rendered: those whose inputs changed and those not intact on disk.

    An output is kept when its manifest entry records the same fingerprint and its file holds the bytes
    the manifest records. A hand-edited or missing file is rendered again (and the new one then goes
    beside an edited file, as in any build).
    """
    from reports.fingerprint import INPUTS_KEY, document_fingerprint, output_fingerprint

    document = document_fingerprint(shared, doc.template, doc.context)
    prints = {fmt: output_fingerprint(document, fmt) for fmt in formats}
    todo = tuple(fmt for fmt in formats if full or not _intact(output, f"{doc.stem}.{fmt}", INPUTS_KEY, prints[fmt]))
    return Planned(doc.stem, doc.unit, prints, todo, sources)


def _intact(output: OutputFolder, rel: str, key: str, fingerprint: str) -> bool:
    entry = output.recorded(rel)
    if entry is None or entry.get(key) != fingerprint:
        return False
    path = output.root / rel
    return path.is_file() and output.is_ours(path)


def _render_and_write(
    output: OutputFolder,
    aggregated: Aggregated,
    formats: tuple[str, ...],
    templates: TemplateSet,
    shared: str,
    *,
    full: bool,
    jobs: int,
    executor: Executor | None,
    progress: _Progress,
    window: int | None = None,
    parts: PdfPartCache | None = None,
    meanwhile: Callable[[], object] = lambda: None,
) -> list[Planned]:
    """Plan each document as its context is built, render what changed, stage each file as it comes.

    `meanwhile` is called once, when the once-made documents have been handed out and before the units
    are planned: work of this process that need not delay the first tasks.

    Contexts are built (and units aggregated) lazily, while the first documents render; each rendered
    document is staged and dropped, so memory does not grow with the number of units. Staged files
    reach their names only at the commit: a failure leaves no half-built output.
    """
    from reports.documents import KINDS
    from reports.fingerprint import INPUTS_KEY, SOURCE_KEY
    from reports.render.batch import PAUSE, Pause, Rendered, RenderJob, render_all

    plan: dict[str, Planned] = {}
    waiting: dict[str, tuple[Document, set[str]]] = {}  # bound documents, by stem, and the stems they await
    finished: set[str] = set()  # the documents rendered and staged so far

    def bind_job(doc: Document) -> RenderJob:
        kind = KINDS[doc.kind]
        files = _Files(output, plan)
        inputs = {stem: dict(files[stem]) for stem in _bound_stems(doc, aggregated)}
        own = parts.for_another_document() if parts is not None else None
        return RenderJob(doc.stem, doc.template, doc.context, plan[doc.stem].formats, kind.bind, inputs, own)

    def to_render() -> Iterator[RenderJob | Pause]:
        seen = 0
        waited = False
        for doc in _documents(output, aggregated, formats, shared, plan, full=full):
            if doc is None:
                if not waited:
                    waited = True
                    meanwhile()
                yield PAUSE
                continue
            sources = plan[doc.stem].sources if doc.unit else {}
            planned = plan[doc.stem] = plan_document(output, doc, formats, shared, full=full, sources=sources)
            seen += bool(doc.unit)
            if planned.formats and KINDS[doc.kind].bind is not None:
                bound = _bound_stems(doc, aggregated)
                awaited = {stem for stem in bound if plan[stem].formats and stem not in finished}
                if awaited:
                    waiting[doc.stem] = (doc, awaited)
                else:
                    yield bind_job(doc)
            elif planned.formats:
                parts_here = KINDS[doc.kind].in_parts
                yield RenderJob(doc.stem, doc.template, doc.context, planned.formats, parts_here=parts_here)
            elif doc.unit:
                progress.unit_done()
        if not waited:
            meanwhile()
        progress.done_kept(sum(1 for p in plan.values() if p.unit) - seen)

    def follow(rendered: Rendered) -> list[RenderJob]:
        """The bound documents that were waiting only for this one (its files are staged by now)."""
        finished.add(rendered.key)
        ready = []
        for stem, (doc, awaited) in list(waiting.items()):
            awaited.discard(rendered.key)
            if not awaited:
                del waiting[stem]
                ready.append(bind_job(doc))
        return ready

    def stage(key: str, files: dict[str, bytes]) -> None:
        planned = plan[key]
        for fmt, data in files.items():
            meta = {INPUTS_KEY: planned.fingerprints[fmt]}
            if fmt in planned.sources:
                meta[SOURCE_KEY] = planned.sources[fmt]
            output.write(f"{key}.{fmt}", data, meta=meta)

    for rendered in render_all(
        to_render(), formats, templates, workers=jobs, executor=executor, follow=follow, window=window, parts=parts
    ):
        stage(rendered.key, rendered.files)
        if plan[rendered.key].unit:
            progress.unit_done()
    assert not waiting, f"bound documents never started: {sorted(waiting)}"
    return list(plan.values())


def _bound_stems(doc: Document, aggregated: Aggregated) -> list[str]:
    """The stems of the once-made documents a bound document reads."""
    from reports.documents import KINDS

    year = aggregated.dataset.settings.nam
    return [KINDS[name].output_stem(year, "") for name in KINDS[doc.kind].binds]


class _Files(Mapping[str, Mapping[str, bytes]]):
    """The files of this build's documents by stem and format, read when asked: the new file where it
    was rendered this build, the current output where it was kept."""

    def __init__(self, output: OutputFolder, plan: Mapping[str, Planned]) -> None:
        self._output, self._plan = output, plan

    def __getitem__(self, stem: str) -> Mapping[str, bytes]:
        planned = self._plan[stem]
        return {fmt: self._output.read_current(f"{stem}.{fmt}") for fmt in planned.fingerprints}

    def __iter__(self) -> Iterator[str]:
        return iter(self._plan)

    def __len__(self) -> int:
        return len(self._plan)


def _documents(
    output: OutputFolder,
    aggregated: Aggregated,
    formats: tuple[str, ...],
    shared: str,
    plan: dict[str, Planned],
    *,
    full: bool,
) -> Iterator[Document | None]:
    """The registry's documents, except per-unit ones whose unit's inputs are those recorded last time.

    A unit's own document depends only on its rows (don-vi.csv, its figures, last year's) and the
    settings; when the manifest records the same `SOURCE_KEY` for each of its outputs and the files are
    intact, it is kept (entered in `plan`) without aggregating the unit or building its context, which
    would take about 15 ms a unit. For the others, a `Planned` carrying only `sources` is left in `plan`
    for the caller to complete. None every few units while they are planned: a pause in which the
    caller can take the documents finished meanwhile.
    """
    from reports.documents import REGISTRY, Aggregated, UnitAggregates, documents
    from reports.fingerprint import INPUTS_KEY, SOURCE_KEY, context_bytes, unit_sources

    yield from documents(aggregated, tuple(k for k in REGISTRY if not k.per_unit))
    dataset = aggregated.dataset
    for kind in (k for k in REGISTRY if k.per_unit):
        changed = []
        beyond = context_bytes(kind.shared_inputs(aggregated)) if kind.shared_inputs else b""
        for number, (code, sources) in enumerate(
            unit_sources(dataset, kind.name, kind.template, shared, formats, beyond)
        ):
            if number % PLANNED_BETWEEN_PAUSES == 0:
                yield None
            stem = kind.output_stem(dataset.settings.nam, code)
            rels = {fmt: f"{stem}.{fmt}" for fmt in formats}
            if not full and all(_intact(output, rels[fmt], SOURCE_KEY, sources[fmt]) for fmt in formats):
                recorded = {fmt: str((output.recorded(rels[fmt]) or {}).get(INPUTS_KEY)) for fmt in formats}
                plan[stem] = Planned(stem, code, recorded, (), sources)
            else:
                plan[stem] = Planned(stem, code, {}, formats, sources)
                changed.append(code)
        subset = replace(dataset, figures=dataset.figures.loc[dataset.figures.index.isin(changed)])
        yield from documents(Aggregated(subset, aggregated.consolidated, UnitAggregates(subset)), (kind,))


PLANNED_BETWEEN_PAUSES = 20  # units: about 10 ms of planning


def _final_paths(output: OutputFolder, plan: Sequence[Planned]) -> list[Path]:
    """Every output of the build where it now is, in the registry's order (kept files at their names)."""
    written = {output.rel(path): path for path in output.written}
    diverted = {output.rel(d.wanted): d.written for d in output.diverted}
    paths = []
    for planned in plan:
        for fmt in planned.fingerprints:
            rel = f"{planned.stem}.{fmt}"
            paths.append(diverted.get(rel) or written.get(rel) or output.root / rel)
    return paths


def _exclude(dataset: Dataset, codes: set[str]) -> Dataset:
    """`dataset` without the units in `codes` (counted as left out for errors)."""
    keep = ~dataset.figures.index.isin(sorted(codes))
    return replace(
        dataset,
        figures=dataset.figures.loc[keep],
        excluded=[c for c in dataset.units.index if c in codes or c in dataset.excluded],
    )


def _finish(checked: CheckResult, folder: Path, command: str, *, draft: bool = False) -> None:
    intake = checked.intake
    extra: dict[str, object] = {"nam": intake.settings.nam, "command": command, "draft": draft}
    checked.output.commit(intake.input_files, folder, extra)
