"""Render documents to bytes, in worker processes when asked. Knows templates, not figures.

A job is (key, template, context); each becomes HTML (Jinja) and then DOCX and/or PDF bytes. Nothing is
written here: the caller gets bytes and hands them to `reports.output`, so a failure half-way leaves no
file behind. This module imports neither the aggregation nor the context code: contexts arrive built.

Parallel rendering: any `concurrent.futures.Executor` (a local process pool by default). Each task
carries what it needs (its job, the formats, the template set); the renderers are imported and the
stylesheet parsed lazily, once per process, on the first task (no initializer).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reports.render.html import BUNDLED, TemplateSet, render_html

FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class RenderJob:
    key: str  # the caller's name for the result (the output path without extension)
    template: str
    context: Any


@dataclass(frozen=True)
class Rendered:
    key: str
    files: dict[str, bytes]  # format -> bytes


def to_formats(html: str, formats: Sequence[str], templates: TemplateSet = BUNDLED) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if "docx" in formats:
        from reports.render.docx import render_docx

        files["docx"] = render_docx(html)
    if "pdf" in formats:
        from reports.render.pdf import render_pdf

        files["pdf"] = render_pdf(html, templates.dirs)
    return files


def render_one(job: RenderJob, formats: Sequence[str], templates: TemplateSet = BUNDLED) -> Rendered:
    warm_up(tuple(formats), templates)
    html = render_html(job.template, job.context, templates)
    return Rendered(job.key, to_formats(html, formats, templates))


def render_all(
    jobs: Sequence[RenderJob],
    formats: Sequence[str],
    templates: TemplateSet = BUNDLED,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    on_done: Callable[[Rendered], None] | None = None,
) -> Iterator[Rendered]:
    """Every job's documents as they are finished (not necessarily in order).

    With `executor`, the jobs run there (a Dask client's executor, a thread pool, ...); otherwise in a
    local process pool of `workers` processes, or in this process when `workers` is 1.
    """
    formats = tuple(formats)
    if executor is None and (workers <= 1 or len(jobs) <= 2):
        for job in jobs:
            rendered = render_one(job, formats, templates)
            if on_done:
                on_done(rendered)
            yield rendered
        return
    if executor is not None:
        yield from _run(executor, jobs, formats, templates, on_done)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        yield from _run(pool, jobs, formats, templates, on_done)


def _run(
    executor: Executor,
    jobs: Sequence[RenderJob],
    formats: tuple[str, ...],
    templates: TemplateSet,
    on_done: Callable[[Rendered], None] | None,
) -> Iterator[Rendered]:
    pending: set[Future[Rendered]] = {executor.submit(render_one, job, formats, templates) for job in jobs}
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                rendered = future.result()
                if on_done:
                    on_done(rendered)
                yield rendered
    finally:
        for future in pending:
            future.cancel()


@lru_cache(maxsize=4)
def warm_up(formats: tuple[str, ...], templates: TemplateSet = BUNDLED) -> None:
    """Import the renderers and parse the stylesheet once per process, on its first document.

    Then `gc.freeze()`: the parsed stylesheet and the imported modules live until the end, so the
    garbage collector need not walk them again after each of the hundreds of documents (WeasyPrint
    creates many objects per document; this saved about 3 % of a unit's time).
    """
    if "pdf" in formats:
        from reports.render.pdf import stylesheet

        stylesheet(templates.dirs)
    if "docx" in formats:
        import reports.render.docx  # noqa: F401
    gc.collect()
    gc.freeze()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
