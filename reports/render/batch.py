"""Render documents to bytes, in worker processes when asked. Knows templates, not figures.

A job is (key, template, context); each becomes HTML (Jinja) and then DOCX and/or PDF bytes. Nothing is
written here: the caller gets bytes and hands them to `reports.output`, so a failure half-way leaves no
file behind. This module imports neither the aggregation nor the context code: contexts arrive built.

Parallel rendering: any `concurrent.futures.Executor` (a local process pool by default). Each task
carries what it needs (its job, the formats, the template set); the renderers are imported and the
stylesheet parsed lazily, once per process, on the first task (no initializer). The local pool's workers
find that done already: on Linux they fork from a fork server that did it while the build read its data
folder (`warm_server`, reports/preload.py), elsewhere from the build's process once it has done it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from reports.render.html import BUNDLED, TemplateSet, render_html
from reports.render.pdf_parts import Part, join_parts, split_parts

FORMATS = ("docx", "pdf")


class PartCache(Protocol):
    """PDF parts laid out in earlier builds, by the HTML they come from (reports/part_cache.py).

    The same HTML gives the same bytes, so a part found here is the one laying it out would give."""

    def get(self, html: str) -> bytes | None: ...

    def put(self, html: str, pdf: bytes) -> None: ...


Bind = Callable[
    [Any, Mapping[str, Mapping[str, bytes]], Sequence[str], TemplateSet, PartCache | None], dict[str, bytes]
]


@dataclass(frozen=True)
class RenderJob:
    key: str  # the caller's name for the result (the output path without extension)
    template: str
    context: Any
    formats: tuple[str, ...] | None = None  # only these of the batch's formats (an incremental build)
    # A document made from other documents' files instead of its template (the handout binds the
    # report): bind(context, inputs, formats, templates, parts) -> files, with `inputs` the files it
    # binds by key and format and `parts` where it may keep what it lays out (None: nowhere). A
    # module-level function, so that it reaches worker processes by reference.
    bind: Bind | None = None
    inputs: Mapping[str, Mapping[str, bytes]] | None = None
    parts: PartCache | None = None
    # A document whose PDF is laid out in parts (the consolidated report): on an executor, its HTML is
    # rendered in the calling process and its parts are sent out at once, not after a first task.
    parts_here: bool = False


class Pause:
    """Yielded among the jobs by a caller that is working out the next ones (planning the units of a
    rebuild, which may take a while without yielding a job): the documents that have finished in the
    meantime are taken first, so that a report's PDF parts start as soon as its HTML is in."""


PAUSE = Pause()


@dataclass(frozen=True)
class Rendered:
    key: str
    files: dict[str, bytes]  # format -> bytes
    # The PDF's parts still to lay out (a report whose appendices number their own pages, when the
    # parts go to several processes); `_run` lays them out and joins them into files["pdf"].
    pdf_parts: tuple[Part, ...] = ()
    # With pdf_parts: the HTML and the other formats still to make from it (the DOCX), made in a task of
    # their own so that the parts start first (the report's body is the long pole of a rebuild).
    html: str = ""
    later: tuple[str, ...] = ()


def to_formats(html: str, formats: Sequence[str], templates: TemplateSet = BUNDLED) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if "docx" in formats:
        from reports.render.docx import render_docx

        files["docx"] = render_docx(html)
    if "pdf" in formats:
        from reports.render.pdf import render_pdf

        files["pdf"] = render_pdf(html, templates.dirs)
    return files


def render_one(
    job: RenderJob, formats: Sequence[str], templates: TemplateSet = BUNDLED, *, split_pdf: bool = False
) -> Rendered:
    """The job's files; with `split_pdf`, a PDF of several parts is left to lay out (`Rendered.pdf_parts`)."""
    warm_up(tuple(formats), templates)
    wanted = [fmt for fmt in formats if job.formats is None or fmt in job.formats]
    if job.bind is not None:
        return Rendered(job.key, job.bind(job.context, job.inputs or {}, wanted, templates, job.parts))
    html = render_html(job.template, job.context, templates)
    if split_pdf and "pdf" in wanted:
        parts = split_parts(html)
        if len(parts) > 1:
            others = tuple(fmt for fmt in wanted if fmt != "pdf")
            return Rendered(job.key, {}, tuple(parts), html, others)
    return Rendered(job.key, to_formats(html, wanted, templates))


def html_in_parts(job: RenderJob, formats: Sequence[str], templates: TemplateSet = BUNDLED) -> Rendered | None:
    """The job's HTML and PDF parts, rendered in this process (no layout, no WeasyPrint), when its PDF is
    wanted and has several parts; None otherwise (the job is then sent out whole)."""
    wanted = [fmt for fmt in formats if job.formats is None or fmt in job.formats]
    if job.bind is not None or "pdf" not in wanted:
        return None
    html = render_html(job.template, job.context, templates)
    parts = split_parts(html)
    if len(parts) < 2:
        return None
    return Rendered(job.key, {}, tuple(parts), html, tuple(fmt for fmt in wanted if fmt != "pdf"))


def other_formats(html: str, formats: Sequence[str], templates: TemplateSet = BUNDLED) -> dict[str, bytes]:
    """The formats of a document in parts other than its PDF (`Rendered.later`), in a worker."""
    warm_up(tuple(formats), templates)
    return to_formats(html, formats, templates)


def lay_out_part(html: str, templates: TemplateSet = BUNDLED) -> bytes:
    """One part of a PDF (reports.render.pdf_parts), in whichever process the executor chose."""
    warm_up(("pdf",), templates)
    from reports.render.pdf import render_part

    return render_part(html, templates.dirs)


@dataclass
class _Joining:
    """A document whose PDF parts are being laid out: its other files, and each part once done; or a
    bound document whose formats are made in a task each (no parts)."""

    files: dict[str, bytes]
    parts: tuple[Part, ...]
    pdfs: list[bytes | None]
    later: int = 0  # tasks still making its other formats

    def joined(self, key: str) -> Rendered | None:
        """The document once every part (and its other formats) is in; None before."""
        pdfs = [pdf for pdf in self.pdfs if pdf is not None]
        if len(pdfs) < len(self.parts) or self.later:
            return None
        if not self.parts:  # a bound document made a format per task: nothing to join
            return Rendered(key, dict(self.files))
        return Rendered(key, {**self.files, "pdf": join_parts(pdfs, [p.label for p in self.parts])})


Follow = Callable[[Rendered], Iterable[RenderJob]]


def render_all(
    jobs: Iterable[RenderJob | Pause],
    formats: Sequence[str],
    templates: TemplateSet = BUNDLED,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    on_done: Callable[[Rendered], None] | None = None,
    window: int | None = None,
    follow: Follow | None = None,
    parts: PartCache | None = None,
) -> Iterator[Rendered]:
    """Every job's documents as they are finished (not necessarily in order).

    A PDF in parts (pdf_parts) takes from `parts` each part laid out before and stores the others.

    `follow(rendered)` is called once the caller has taken each result (so after it has stored the
    files) and may return jobs that can start only now (the handout, once the report is rendered);
    they are submitted at once, ahead of the jobs still to be drawn.

    With `executor`, the jobs run there (a Dask client's executor, a thread pool, ...); otherwise in a
    local process pool of `workers` processes, or in this process when `workers` is 1 (or there is a
    single job). `jobs` may be a generator: it is drawn from lazily, at most `window` jobs in flight
    (default four per worker), so the caller can build the next contexts while the first documents
    render, and neither contexts nor results pile up.
    """
    formats = tuple(formats)
    follow = follow or _nothing_follows
    single = isinstance(jobs, Sequence) and len(jobs) <= 1
    if executor is None and (workers <= 1 or single):
        yield from _in_process(jobs, formats, templates, on_done, follow, parts)
        return
    if executor is not None:
        yield from _run(executor, jobs, formats, templates, on_done, window or DEFAULT_WINDOW, follow, parts)
        return
    with warm_pool(workers, formats, templates) as pool:
        yield from _run(pool, jobs, formats, templates, on_done, window or 4 * workers, follow, parts)


def _nothing_follows(_: Rendered) -> Iterable[RenderJob]:
    return ()


def _in_process(
    jobs: Iterable[RenderJob | Pause],
    formats: tuple[str, ...],
    templates: TemplateSet,
    on_done: Callable[[Rendered], None] | None,
    follow: Follow,
    parts: PartCache | None,
) -> Iterator[Rendered]:
    waiting: deque[RenderJob] = deque()
    queue = (job for job in jobs if not isinstance(job, Pause))
    while True:
        job = waiting.popleft() if waiting else next(queue, None)
        if job is None:
            return
        rendered = render_one(job, formats, templates, split_pdf=parts is not None)
        if rendered.pdf_parts:
            rendered = _joined_here(rendered, templates, parts)
        if on_done:
            on_done(rendered)
        yield rendered
        waiting.extend(follow(rendered))


def _joined_here(rendered: Rendered, templates: TemplateSet, parts: PartCache | None) -> Rendered:
    """A document in parts completed in this process: each part from the cache or laid out, joined."""
    files = {**rendered.files, **to_formats(rendered.html, rendered.later, templates)}
    state = _Joining(files, rendered.pdf_parts, _cached(rendered.pdf_parts, parts))
    for index, part in enumerate(rendered.pdf_parts):
        if state.pdfs[index] is None:
            state.pdfs[index] = _laid_out(part, lay_out_part(part.html, templates), parts)
    joined = state.joined(rendered.key)
    assert joined is not None
    return joined


DEFAULT_WINDOW = 16  # jobs in flight on an executor whose size is not known (a Dask cluster)
OTHER_FORMATS = -1  # the index of a document's `later` task among its pending parts
ONE_FORMAT = -2  # the index of a task making one format of a bound document (`_side_by_side`)


def _run(
    executor: Executor,
    jobs: Iterable[RenderJob | Pause],
    formats: tuple[str, ...],
    templates: TemplateSet,
    on_done: Callable[[Rendered], None] | None,
    window: int,
    follow: Follow,
    parts: PartCache | None,
) -> Iterator[Rendered]:
    # A job's future: None; a PDF part's: (document key, its index); (key, OTHER_FORMATS) for the DOCX of
    # a document in parts; (key, ONE_FORMAT) for one format of a bound document made side by side.
    pending: dict[Future[Any], tuple[str, int] | None] = {}
    joining: dict[str, _Joining] = {}
    ready: deque[Rendered] = deque()  # documents complete without a task (every PDF part cached)
    queue = iter(jobs)
    exhausted = False

    def submit(job: RenderJob) -> None:
        in_parts = html_in_parts(job, formats, templates) if job.parts_here else None
        if in_parts is not None:
            lay_out(in_parts)
            return
        wanted = _side_by_side(job, formats) if exhausted else ()
        if not wanted:
            pending[executor.submit(render_one, job, formats, templates, split_pdf=True)] = None
            return
        joining[job.key] = _Joining({}, (), [], later=len(wanted))
        for fmt in wanted:
            task = executor.submit(render_one, dataclasses.replace(job, formats=(fmt,)), formats, templates)
            pending[task] = (job.key, ONE_FORMAT)

    def lay_out(rendered: Rendered) -> None:
        """Send out the PDF parts not in the cache and the other formats of a document in parts."""
        key, cached = rendered.key, _cached(rendered.pdf_parts, parts)
        state = _Joining(rendered.files, rendered.pdf_parts, cached, later=int(bool(rendered.later)))
        for index, part in enumerate(rendered.pdf_parts):
            if state.pdfs[index] is None:
                pending[executor.submit(lay_out_part, part.html, templates)] = (key, index)
        if rendered.later:
            pending[executor.submit(other_formats, rendered.html, rendered.later, templates)] = (key, OTHER_FORMATS)
        joined = state.joined(key)  # not None only when every part was in the cache
        if joined is None:
            joining[key] = state
        else:
            ready.append(joined)

    try:
        while True:
            while not exhausted and len(pending) < max(window, 1):
                job = next(queue, None)
                if job is None:
                    exhausted = True
                elif isinstance(job, Pause):
                    if ready or any(future.done() for future in pending):
                        break
                else:
                    submit(job)
            if not pending and not ready:
                return
            if not ready:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    rendered = _finished(future.result(), pending.pop(future), joining, parts)
                    if rendered is not None and rendered.pdf_parts:
                        lay_out(rendered)
                    elif rendered is not None:
                        ready.append(rendered)
            while ready:
                rendered = ready.popleft()
                if on_done:
                    on_done(rendered)
                yield rendered
                for extra in follow(rendered):
                    submit(extra)
    finally:
        for future in pending:
            future.cancel()


def _finished(
    result: Any, part: tuple[str, int] | None, joining: dict[str, _Joining], parts: PartCache | None
) -> Rendered | None:
    """A finished task's document: a job's result as it is, or, for a PDF part, the document once its
    last part is in (its parts joined); None while parts are still being laid out."""
    if part is None:
        assert isinstance(result, Rendered)
        return result
    key, index = part
    state = joining[key]
    if index in (OTHER_FORMATS, ONE_FORMAT):
        state.files.update(result.files if isinstance(result, Rendered) else result)
        state.later -= 1
    else:
        state.pdfs[index] = _laid_out(state.parts[index], result, parts)
    rendered = state.joined(key)
    if rendered is not None:
        del joining[key]
    return rendered


def _side_by_side(job: RenderJob, formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of a bound document to make in a task each, or () for one task.

    Only once every other job has been drawn (the handout, last of a build): its PDF binding and its
    DOCX then run on two processes instead of one after the other (at 600 units 0,8 s of DOCX that
    would follow 0,7 s of binding). Earlier, the other processes are busy with documents of their own.
    """
    wanted = tuple(fmt for fmt in formats if job.formats is None or fmt in job.formats)
    return wanted if job.bind is not None and len(wanted) > 1 else ()


def _cached(parts: Sequence[Part], cache: PartCache | None) -> list[bytes | None]:
    return [cache.get(part.html) if cache is not None else None for part in parts]


def _laid_out(part: Part, pdf: bytes, cache: PartCache | None) -> bytes:
    if cache is not None:
        cache.put(part.html, pdf)
    return pdf


@contextlib.contextmanager
def warm_pool(workers: int, formats: Sequence[str], templates: TemplateSet = BUNDLED) -> Iterator[Executor]:
    """A local process pool whose workers start with the renderers loaded and every template compiled.

    The pool starts at the first task (a build that renders nothing starts none). The warm-up
    (WeasyPrint's import, the stylesheet and its fonts, Jinja's compiling: about 1 s) runs once: on
    Linux in the fork server (`warm_server`), which the CLI starts before it imports pandas, so that
    it overlaps the reading of the data folder; elsewhere in this process, and the workers fork from
    it. Warming each worker instead, beside the caller's own work, was measured slower on two cores
    (the report's first task came 2 s later).
    """
    pool = _WarmPool(workers, tuple(formats), templates)
    try:
        yield pool
    except BaseException:  # a failed or interrupted build: what the workers are doing is not wanted
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


class KeptPool:
    """A local warm pool kept from one build to the next (the watch command), so that a rebuild pays
    neither the workers' start nor their warm-up.

    `executor()` gives the pool for a build's formats and templates: the same one as last time when
    they are the same, a new one otherwise. With `fresh` (the committee's templates changed: the
    stylesheet or a font may be another), this process's caches of them are dropped first, so the
    new workers read them again (the fork server holds only the bundled templates, which a watch does
    not change). `discard()` after a failed build: its workers may be gone.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: _WarmPool | None = None
        self._for: tuple[tuple[str, ...], TemplateSet] | None = None

    def executor(self, formats: Sequence[str], templates: TemplateSet, *, fresh: bool = False) -> Executor:
        wanted = (tuple(formats), templates)
        if fresh or self._pool is None or self._for != wanted:
            self.discard()
            if fresh:
                forget_templates()
            self._pool, self._for = _WarmPool(self.workers, *wanted), wanted
        return self._pool

    def discard(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._for = None


def forget_templates() -> None:
    """Drop what this process keeps of the templates (compiled Jinja environments, the parsed stylesheet
    and its fonts, the warm-up), so the next document reads them again from their files."""
    gc.unfreeze()  # warm_up froze the old stylesheet: let the collector free it
    warm_up.cache_clear()
    from reports.render.html import get_environment

    get_environment.cache_clear()
    pdf = sys.modules.get("reports.render.pdf")
    if pdf is not None:
        pdf._release_stylesheet()


class _WarmPool(Executor):
    def __init__(self, workers: int, formats: tuple[str, ...], templates: TemplateSet) -> None:
        self._workers, self._formats, self._templates = workers, formats, templates
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self._pool is None:
            context = warm_server()
            if context is None or context.get_start_method() == "fork":
                warm_up(self._formats, self._templates, compile_all=True)
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers, mp_context=context, initializer=_leave_interrupts_to_the_caller
            )
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """With `cancel_futures`, the workers are stopped too: they ignore Ctrl+C, and a 600-unit report's
        appendix would otherwise be laid out to the end (10 s and more) before the pool lets go."""
        if self._pool is None:
            return
        if cancel_futures:
            workers = getattr(self._pool, "_processes", None) or {}  # private; Python 3.14 has terminate_workers()
            for process in list(workers.values()):
                process.terminate()
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


PRELOAD = "reports.preload"  # imported by the fork server: reports/preload.py (the warm-up, with the contexts)
_FORK_FROM_HERE = False


def fork_workers_from_here() -> None:
    """This process is warm already (the daemon, reports/daemon.py): its builds' workers fork from it
    (and from its children), with no fork server to start."""
    global _FORK_FROM_HERE
    _FORK_FROM_HERE = True


def warm_server() -> Any:
    """The multiprocessing context of a fork server that has imported `PRELOAD`, started now if it is not
    running yet (the CLI starts it first thing, so it warms up while this process reads the data folder);
    None where the local pool forks from this process instead; the "fork" context in the daemon, which
    is warm already.

    Linux only: on macOS a process that has loaded GLib (Pango, through WeasyPrint) must not fork, and
    Windows has no fork. A server that cannot start (no Unix sockets) leaves the fallback too.
    """
    import multiprocessing

    if _FORK_FROM_HERE:
        return multiprocessing.get_context("fork")
    if not sys.platform.startswith("linux") or "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    from multiprocessing import forkserver

    try:
        forkserver.ensure_running()
    except OSError:
        return None
    return context


def _leave_interrupts_to_the_caller() -> None:
    """A worker ignores Ctrl+C: the terminal sends it to every process of the group, and the main
    process stops the build (and the workers) without each worker printing a traceback. SIGTERM, which
    the main process sends to stop a worker, ends it as by default, whatever handler it inherited (the
    watch command turns SIGTERM into Ctrl+C for itself)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@lru_cache(maxsize=4)
def warm_up(formats: tuple[str, ...], templates: TemplateSet = BUNDLED, *, compile_all: bool = False) -> None:
    """Import the renderers, parse the stylesheet and make the DOCX template once per process, on its
    first document.

    Then `gc.freeze()`: the parsed stylesheet and the imported modules live until the end, so the
    garbage collector need not walk them again after each of the hundreds of documents (WeasyPrint
    creates many objects per document; this saved about 3 % of a unit's time).
    """
    if "pdf" in formats:
        from reports.render.pdf import stylesheet

        stylesheet(templates.dirs)
    if "docx" in formats:
        from reports.render.docx.package import new_document

        new_document()  # python-docx imported and its lean template made (kept per process)
    if compile_all:
        _compile_templates(templates)
    gc.collect()
    gc.freeze()


def _compile_templates(templates: TemplateSet) -> None:
    """Compile every template now (Jinja keeps them); an error surfaces later, where it is rendered."""
    from reports.render.html import get_environment

    env = get_environment(templates)
    for name in env.list_templates(extensions=("j2",)):
        with contextlib.suppress(Exception):
            env.get_template(name)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
