"""`build --scheduler ADDRESS` (contract 13) on a real Dask LocalCluster: the documents have the same text
as those of a local build, and an incremental build on the cluster keeps what did not change.

The fast tier runs them on a cluster of two worker threads in this process (the scheduler, the
executor, the pickling of every task and result are Dask's, for real); the slow tier (`-m slow`) repeats
them with two worker processes and both formats. Skipped when distributed is not installed
(`pip install -e '.[dask]'`; the dev extra has it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reports import cli
from reports.pipeline import build
from tests.docs_text import docx_text, pdf_text
from tests.folders import NAM, clean_folder

distributed = pytest.importorskip("distributed")

THREADS = pytest.param(False, id="threads")
PROCESSES = pytest.param(True, id="processes", marks=pytest.mark.slow)


@pytest.fixture(scope="module", params=[THREADS, PROCESSES])
def scheduler(request: pytest.FixtureRequest) -> Iterator[str]:
    """A LocalCluster of two single-threaded workers: threads of this process, or processes."""
    processes = bool(request.param)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def reports(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".docx", ".pdf") and " (" not in p.name)


def test_build_on_a_dask_cluster_writes_the_documents_of_a_local_build(
    scheduler: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    """Both formats on the process cluster (slow tier); DOCX alone on the threads (the PDF goes through
    the same task, `render_one`, only its renderer differs)."""
    formats = ["docx", "pdf"] if "processes" in request.node.callspec.id else ["docx"]
    folder = clean_folder(tmp_path / "bo-du-lieu")
    local = build(folder, tmp_path / "local", jobs=1, formats=tuple(formats))
    assert local.built
    args = ["build", str(folder), "--out", str(tmp_path / "dask"), "--scheduler", scheduler]
    code = cli.main([*args, "--formats", ",".join(formats)])
    assert code == 0, capsys.readouterr().err
    assert "Dựng 5 văn bản" in capsys.readouterr().out
    here, there = tmp_path / "local" / str(NAM), tmp_path / "dask" / str(NAM)
    names = [p.relative_to(here) for p in reports(here)]
    assert len(names) == 5 * len(formats) and names == [p.relative_to(there) for p in reports(there)]
    for name in names:
        read = docx_text if name.suffix == ".docx" else pdf_text
        assert read(here / name) == read(there / name), name
    if "pdf" in formats:  # the cluster's workers never write into the output folder (it may not be theirs)
        kept_here = list((tmp_path / "local" / ".bo-nho-dem").glob("phan-pdf-*/*.pdf"))
        kept_there = list((tmp_path / "dask" / ".bo-nho-dem").glob("phan-pdf-*/*.pdf"))
        assert len(kept_there) == len(kept_here) - 1, "the report's parts, without the handout's front matter"


def test_an_incremental_build_on_the_cluster_keeps_what_did_not_change(scheduler: str, tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo-du-lieu")
    out = tmp_path / "out"
    with distributed.Client(scheduler) as client:
        first = build(folder, out, formats=("docx",), executor=client.get_executor())
        clean_folder(folder, {"CB2": {"dv_tuoi_18_30": 1}})
        second = build(folder, out, formats=("docx",), executor=client.get_executor())
    assert len(first.rendered) == 5
    assert sorted(second.rendered) == sorted([f"bao-cao-tong-hop-{NAM}", f"tai-lieu-hoi-nghi-{NAM}", "don-vi/CB2"])


def test_an_unreachable_scheduler_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "DASK_CONNECT_SECONDS", 0.5)
    folder = clean_folder(tmp_path / "bo-du-lieu")
    code = cli.main(["build", str(folder), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "Không kết nối được bộ điều phối Dask" in err and "Traceback" not in err
