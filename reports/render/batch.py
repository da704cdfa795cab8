"""Render the consolidated report and every unit's report, in worker processes when asked.

Each document goes HTML (Jinja) -> DOCX and/or PDF bytes. Nothing is written here: the caller gets
bytes and hands them to `reports.output`, so a failure half-way leaves no file behind.

Parallel rendering: a pool of `jobs` processes, each given the data set once (initializer), then only
unit codes as tasks. `import weasyprint` (~0,5 s) and the parsed stylesheet with its fonts are paid
once per worker in the initializer, not per document. The consolidated report, the longest single
task, is submitted first so it does not finish last on its own.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from reports.aggregate import aggregate, unit_dataset
from reports.context import consolidated_context, unit_context
from reports.model import Dataset
from reports.render.html import render_html

CONSOLIDATED = ""  # task key of the consolidated report (unit codes are never empty)
FORMATS = ("docx", "pdf")
CONSOLIDATED_TEMPLATE = "bao-cao-tong-hop.html.j2"
UNIT_TEMPLATE = "bao-cao-don-vi.html.j2"


@dataclass(frozen=True)
class Rendered:
    key: str  # CONSOLIDATED or a unit code
    files: dict[str, bytes]  # format -> bytes


def consolidated_html(dataset: Dataset) -> str:
    return render_html(CONSOLIDATED_TEMPLATE, consolidated_context(dataset, aggregate(dataset)))


def unit_html(dataset: Dataset, code: str) -> str:
    return render_html(UNIT_TEMPLATE, unit_context(dataset, code, aggregate(unit_dataset(dataset, code), tables=False)))


def to_formats(html: str, dataset: Dataset, formats: Sequence[str]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if "docx" in formats:
        from reports.render.docx import render_docx

        files["docx"] = render_docx(html, dataset.settings.trinh_bay)
    if "pdf" in formats:
        from reports.render.pdf import render_pdf

        files["pdf"] = render_pdf(html)
    return files


def render_one(dataset: Dataset, key: str, formats: Sequence[str]) -> Rendered:
    html = consolidated_html(dataset) if key == CONSOLIDATED else unit_html(dataset, key)
    return Rendered(key, to_formats(html, dataset, formats))


def render_all(
    dataset: Dataset,
    units: Sequence[str],
    formats: Sequence[str],
    *,
    jobs: int = 1,
    on_done: Callable[[Rendered], None] | None = None,
) -> Iterator[Rendered]:
    """The consolidated report, then each unit's, as they are finished (not necessarily in order)."""
    keys = [CONSOLIDATED, *units]
    if jobs <= 1 or len(keys) <= 2:
        warm_up(formats)
        for key in keys:
            rendered = render_one(dataset, key, formats)
            if on_done:
                on_done(rendered)
            yield rendered
        return
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(keys)), initializer=_init_worker, initargs=(dataset, tuple(formats))
    ) as pool:
        pending: set[Future[Rendered]] = {pool.submit(_render_in_worker, key) for key in keys}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                rendered = future.result()
                if on_done:
                    on_done(rendered)
                yield rendered


def warm_up(formats: Sequence[str]) -> None:
    """Import the renderers and parse the stylesheet now, once per process.

    Then `gc.freeze()`: the data set, the parsed stylesheet and the imported modules live until the
    end, so the garbage collector need not walk them again after each of the hundreds of documents
    (WeasyPrint creates many objects per document; this saved about 3 % of a unit's time).
    """
    if "pdf" in formats:
        from reports.render.pdf import _stylesheet

        _stylesheet()
    if "docx" in formats:
        import reports.render.docx  # noqa: F401
    gc.collect()
    gc.freeze()


_WORKER: dict[str, object] = {}


def _init_worker(dataset: Dataset, formats: tuple[str, ...]) -> None:
    _WORKER["dataset"] = dataset
    _WORKER["formats"] = formats
    warm_up(formats)


def _render_in_worker(key: str) -> Rendered:
    dataset = _WORKER["dataset"]
    formats = _WORKER["formats"]
    assert isinstance(dataset, Dataset) and isinstance(formats, tuple)
    return render_one(dataset, key, formats)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
