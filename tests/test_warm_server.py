"""The fork server the build's workers start from (`batch.warm_server`, reports/preload.py).

The server imports the renderers while the build's own process reads the data folder; a worker forked
from it must find everything there (no import of its own), and must never need pandas to take a task:
the contexts it unpickles are plain dataclasses.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_small_folder
from worker_probe import worker_state

from reports.documents import aggregate_all, documents
from reports.intake import load_folder
from reports.render.batch import RenderJob, _WarmPool, warm_server
from reports.render.html import BUNDLED

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "openpyxl", "python_calamine")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is used on Linux only")
def test_workers_fork_from_a_server_that_has_warmed_up() -> None:
    from multiprocessing import forkserver

    assert warm_server() is not None
    pool = _WarmPool(2, ("docx", "pdf"), BUNDLED)
    try:
        parent, weasyprint_loaded, pandas_loaded = pool.submit(worker_state).result(timeout=60)
    finally:
        pool.shutdown()
    assert parent == forkserver._forkserver._forkserver_pid  # private, but this is what is tested
    assert weasyprint_loaded, "the worker should start with WeasyPrint imported by the server"
    assert not pandas_loaded, "the server should not import pandas: workers never need it"


@pytest.mark.slow
def test_a_worker_takes_every_kind_of_document_without_pandas(tmp_path: Path) -> None:
    """Every document of a build, pickled as the pool sends it, is read back by a process that has
    imported only what the fork server imports (reports/preload.py)."""
    folder = make_small_folder(tmp_path / "data", units=("STC", "BDT"))
    dataset = load_folder(folder).dataset()
    jobs = [RenderJob(d.stem, d.template, d.context) for d in documents(aggregate_all(dataset))]
    assert {job.template for job in jobs} >= {"bao-cao-tong-hop.html.j2", "bao-cao-don-vi.html.j2"}
    assert any("hoi-nghi" in job.template for job in jobs)
    from reports.documents import HANDOUT

    jobs.append(RenderJob("binder", HANDOUT.template, None, bind=HANDOUT.bind))  # sent by reference
    code = (
        "import pickle, sys; import reports.preload; pickle.loads(sys.stdin.buffer.read()); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(jobs), capture_output=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == "[]"


def test_without_a_fork_server_the_workers_fork_from_the_warmed_up_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """The path of macOS and Windows (and of a machine where the server cannot start): the build's
    process warms up, then the pool starts its workers from it."""
    import multiprocessing

    from reports.render import batch

    monkeypatch.setattr(batch, "warm_server", lambda: None)
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the workers inherit the warm-up only where the pool forks")
    pool = _WarmPool(1, ("docx", "pdf"), BUNDLED)
    try:
        parent, weasyprint_loaded, _ = pool.submit(worker_state).result(timeout=60)
    finally:
        pool.shutdown()
    assert parent == os.getpid()
    assert weasyprint_loaded
