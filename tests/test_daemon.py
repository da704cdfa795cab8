"""The background process that builds and checks are handed to (reports/daemon.py).

Each test that needs one starts a real daemon with its own socket folder and stops it afterwards; the
rest of the suite runs with BAOCAO_DAEMON=0 (conftest). `run_served` is called in the test's process:
the daemon's child writes to this process's standard streams (capfd reads them), and its exit code
comes back as `run_served`'s result (None would mean the command was not taken).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Built
from docs_text import docx_text, pdf_text
from pypdf import PdfReader

from reports import daemon, daemon_server

ROOT = Path(__file__).resolve().parents[1]
NAM = 2026


@pytest.fixture
def daemon_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Daemons switched on, sockets in a fresh private folder (short: a socket's path is limited)."""
    runtime = Path(tempfile.mkdtemp(prefix="bcd-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv(daemon.SWITCH_ENV, "1")
    monkeypatch.setenv(daemon.IDLE_ENV, "3")  # one a failed test leaves behind stops by itself
    try:
        yield runtime
    finally:
        daemon.stop_all()
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def running(daemon_on: Path) -> Path:
    """A daemon started as the first build starts it, answering; its socket."""
    daemon.start_for_next_time(["build"])
    path = daemon.socket_path()
    assert path is not None
    deadline = time.monotonic() + 60
    while not daemon._answers(path):
        assert time.monotonic() < deadline, "the daemon did not start"
        time.sleep(0.05)
    return path


def test_a_build_handed_to_the_daemon_writes_what_a_build_here_writes(
    running: Path, small_folder: Path, small_build: Built, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code = daemon.run_served(["build", str(small_folder), "--out", str(tmp_path / "served")])

    printed = capfd.readouterr()
    assert code == 0, printed.err
    assert "Đã lập: báo cáo tổng hợp và 5 báo cáo đơn vị" in printed.out
    here, served = small_build.root, tmp_path / "served" / str(NAM)  # built in this process (conftest)
    names = sorted(
        p.relative_to(here).as_posix() for p in here.rglob("*") if p.is_file() and ".bo-nho-dem" not in p.parts
    )
    assert names == sorted(
        p.relative_to(served).as_posix() for p in served.rglob("*") if p.is_file() and ".bo-nho-dem" not in p.parts
    )
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == 7  # the report, the handout, five units
    for name in names:
        if name.endswith(".docx"):
            assert docx_text(served / name) == docx_text(here / name), name
    for name in pdfs:  # the text of two (pypdf's extraction is the slow part), the pages of all
        assert len(PdfReader(served / name).pages) == len(PdfReader(here / name).pages), name
    for name in (f"bao-cao-tong-hop-{NAM}.pdf", next(n for n in pdfs if n.startswith("don-vi/"))):
        assert pdf_text(served / name) == pdf_text(here / name), name


def test_each_command_starts_from_the_warm_process_not_from_the_last_build(
    running: Path, small_folder: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The committee rewords its templates between two builds handed to the same daemon: the second
    build says the new words (nothing of the first build's templates was kept)."""
    folder = tmp_path / "bo-du-lieu"
    shutil.copytree(small_folder, folder)
    out = tmp_path / "ket-qua"
    report = out / str(NAM) / f"bao-cao-tong-hop-{NAM}.docx"
    build = ["build", str(folder), "--out", str(out), "--formats", "docx"]
    assert daemon.run_served(build) == 0
    before = docx_text(report)
    assert daemon.run_served(["check", str(folder), "--out", str(tmp_path / "kiem-tra")]) == 0
    copied = subprocess.run(
        [sys.executable, str(ROOT / "build_reports.py"), "templates", str(folder)], capture_output=True, check=False
    )
    assert copied.returncode == 0
    for path in (folder / "templates").rglob("*.j2"):
        path.write_text(path.read_text(encoding="utf-8").replace("đồng chí", "người"), encoding="utf-8")

    assert daemon.run_served(build) == 0, capfd.readouterr().err

    after = docx_text(report)
    assert before.count("đồng chí") > after.count("đồng chí")
    assert after.count("người") > before.count("người")


def test_the_callers_folder_exit_code_and_messages_are_kept(
    running: Path,
    small_folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)

    missing = daemon.run_served(["build", "khong-co-thu-muc-nay"])
    relative = daemon.run_served(["check", str(small_folder), "--out", "ket-qua"])

    printed = capfd.readouterr()
    assert missing == 2
    assert "Lỗi: Không tìm thấy thư mục dữ liệu khong-co-thu-muc-nay" in printed.err
    assert "Traceback" not in printed.err
    assert relative == 0
    assert (tmp_path / "ket-qua" / str(NAM) / f"kiem-tra-so-lieu-{NAM}.xlsx").is_file()
    assert "Tóm tắt năm 2026: 5 đơn vị phải nộp" in printed.out


def gone(path: Path) -> None:
    """Wait until a daemon has removed its socket and its lock file."""
    deadline = time.monotonic() + 30
    while path.exists() or path.with_suffix(".lock").exists():
        assert time.monotonic() < deadline, f"the daemon of {path.name} did not stop"
        time.sleep(0.05)


def test_ctrl_c_before_the_child_is_known_stops_it_as_soon_as_it_is(
    running: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C while the caller waits for the daemon (warming up): remembered, then passed on the moment
    the child's pid arrives, which may be before the child has entered the command's own handling."""
    read_number = daemon._read_number
    calls = []

    def pid_after_ctrl_c(sock: socket.socket) -> int | None:
        calls.append(1)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # handled by the caller's pass-on handler: remembered
        return read_number(sock)

    monkeypatch.setattr(daemon, "_read_number", pid_after_ctrl_c)

    code = daemon.run_served(["build", str(ROOT / "data" / "mau"), "--out", str(tmp_path)])

    assert code == 130
    assert "Đã dừng theo yêu cầu; không có tệp kết quả nào bị ghi dở." in capfd.readouterr().err
    assert not list(tmp_path.rglob("*.pdf"))


def test_stop_daemon_stops_it_and_commands_run_here_again(running: Path, small_folder: Path) -> None:
    assert daemon.stop_all() == 1
    gone(running)
    assert not daemon._answers(running)
    assert daemon.run_served(["check", str(small_folder), "--out", "/nonexistent/x"]) is None


def test_the_daemon_of_an_updated_tool_stops_the_old_one(running: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(daemon, "fingerprint", lambda: "0" * 20)  # as if the tool's files had changed
    newer = daemon.socket_path()
    assert newer is not None and newer != running

    assert daemon.start_for_next_time(["build"])

    gone(running)
    assert daemon._answers(newer)


def test_what_goes_to_the_daemon(daemon_on: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert daemon.wanted([])  # the sample's build
    assert daemon.wanted(["build", "du-lieu"])
    assert daemon.wanted(["check", "du-lieu", "--out", "kq"])
    assert not daemon.wanted(["watch", "du-lieu"])  # runs for hours: its own process
    assert not daemon.wanted(["templates", "du-lieu"])
    assert not daemon.wanted(["build", "du-lieu", "--no-daemon"])
    assert not daemon.wanted(["build", "du-lieu", "--scheduler", "tcp://127.0.0.1:8786"])
    assert not daemon.wanted(["build", "du-lieu", "--scheduler=tcp://127.0.0.1:8786"])
    monkeypatch.setenv(daemon.SWITCH_ENV, "0")
    assert not daemon.wanted(["build", "du-lieu"])


def test_the_daemon_never_imports_from_the_callers_folder() -> None:
    started_with = ["", "/usr/lib/python3.11", str(ROOT), "/venv/site-packages"]  # as `python -c` has it
    assert daemon_server.import_path(started_with) == [str(ROOT), "/usr/lib/python3.11", "/venv/site-packages"]


def test_elsewhere_than_linux_nothing_changes() -> None:
    """build_reports.py imports this module on every system: where there is no SIGHUP, no getuid and no
    fork it must import, hand nothing over and stop nothing (as on Windows)."""
    script = (
        "import os, signal, sys; del signal.SIGHUP; del os.getuid; sys.platform = 'win32'; "
        "from reports import daemon as d; print(d.wanted(['build']), d.run_served(['build']), d.stop_all())"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "None", "0"]


def test_a_changed_tool_has_another_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("reports/a.py", "templates/a.html.j2"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    packages = tmp_path / "site-packages"
    (packages / "pandas-3.1.1.dist-info").mkdir(parents=True)
    monkeypatch.setattr(daemon, "ROOT", tmp_path)
    monkeypatch.setattr(sys, "path", [str(packages)])
    before = daemon.fingerprint()

    (tmp_path / "reports" / "__pycache__").mkdir()
    (tmp_path / "reports" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"compiled")
    (packages / "__pycache__").mkdir()  # Python compiling a module of site-packages on first import
    assert daemon.fingerprint() == before  # compiling is not a change

    (packages / "pandas-3.1.1.dist-info").rename(packages / "pandas-3.1.2.dist-info")
    assert daemon.fingerprint() != before  # an upgraded package
    (packages / "pandas-3.1.2.dist-info").rename(packages / "pandas-3.1.1.dist-info")
    assert daemon.fingerprint() == before

    (tmp_path / "templates" / "a.html.j2").write_text("y", encoding="utf-8")
    os.utime(tmp_path / "templates" / "a.html.j2", ns=(1, 1))
    assert daemon.fingerprint() != before


def test_a_socket_folder_others_can_open_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    folder = tmp_path / f"bao-cao-dang-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)

    assert daemon.socket_folder() is None
    assert daemon.socket_path() is None
    folder.chmod(0o700)
    assert daemon.socket_folder() == folder


@pytest.mark.slow
def test_ctrl_c_on_the_caller_stops_the_build_in_the_daemon(running: Path, tmp_path: Path) -> None:
    caller = subprocess.Popen(
        [sys.executable, str(ROOT / "build_reports.py"), "build", str(ROOT / "data" / "mau"), "--out", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(2.5)  # the sample's full build takes 8 s and more
    caller.send_signal(signal.SIGINT)
    _, err = caller.communicate(timeout=60)

    assert caller.returncode == 130, err
    assert "Đã dừng theo yêu cầu; không có tệp kết quả nào bị ghi dở." in err
    assert not list(tmp_path.rglob("*.pdf"))
