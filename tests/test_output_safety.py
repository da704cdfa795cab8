"""Interrupted and concurrent builds, file-system errors and permissions of the outputs (issue 11).

A process is stopped at a named point of the write-and-commit sequence through the test-only
environment variable REPORTS_TEST_CRASH_AT (reports.output._crash_point): "<point>" kills it with
SIGKILL exactly as kill -9 would, "<point>:INT" sends it Ctrl+C, "<point>:SLEEP" holds it there for
1,5 s. The points, in order: write (first file staged), commit (everything staged, before the lock),
journal (the commit decided and journaled, nothing moved), move (the first file moved into place),
manifest (manifest written, journal not yet removed).

Most kill points run a small driver that uses `OutputFolder` alone (no pandas, so a process costs
~0,1 s); two run the real `build_reports.py build`. Nothing here is timed.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports import cli
from reports.errors import UserError
from reports.output import CRASH_ENV, MANIFEST, STAGED_FILES, STAGING_PREFIX, OutputFolder
from reports.pipeline import build, check

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "mau"
NAM = 2026
DAY = dt.date(2026, 12, 18)
UNITS = ("STC", "AGRQN", "BQLDA")  # three units of the sample that submit a workbook each

DRIVER = """
import datetime as dt, sys
from pathlib import Path
from reports.output import OutputFolder
root, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with OutputFolder(root, dt.date(2026, 12, 18)) as output:
    for i in range(count):
        output.write(f"don-vi/U{i}.txt", f"{tag} {i}\\n".encode())
    output.commit([], root, {"tag": tag})
"""
FILES = 6


# --- helpers -------------------------------------------------------------------------------------------


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def output_files(root: Path) -> dict[str, str]:
    """Every visible file under `root` (not the lock, the manifest or staging folders) with its hash."""
    return {
        p.relative_to(root).as_posix(): sha(p)
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts) and p.name != MANIFEST
    }


def assert_consistent(root: Path) -> None:
    """Normal names only, no staging folder left, and the manifest records every file with its hash."""
    files = output_files(root)
    assert not [name for name in files if " (" in name], files
    assert not list(root.glob(f"{STAGING_PREFIX}*")), "no staging folder is left behind"
    assert not list(root.rglob("*.tmp"))
    recorded = json.loads((root / MANIFEST).read_text(encoding="utf-8"))["outputs"]
    assert {rel: entry["sha256"] for rel, entry in recorded.items()} == files


def commit_tag(root: Path, tag: str, count: int = FILES) -> OutputFolder:
    with OutputFolder(root, DAY) as output:
        for i in range(count):
            output.write(f"don-vi/U{i}.txt", f"{tag} {i}\n".encode())
        output.commit([], root, {"tag": tag})
    return output


def contents(root: Path) -> set[str]:
    return {(root / "don-vi" / f"U{i}.txt").read_text().split()[0] for i in range(FILES)}


def _default_sigint() -> None:
    """In the child: Ctrl+C as a terminal gives it, even when the tests run as a background job (which a
    shell starts with SIGINT ignored, and a child inherits that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def driver(root: Path, tag: str, crash: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, CRASH_ENV: crash} if crash else {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(root), tag, str(FILES)],
        cwd=ROOT,
        env=env,
        preexec_fn=_default_sigint,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_cli(*args: str, crash: str = "", cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, CRASH_ENV: crash} if crash else {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    return subprocess.run(
        [sys.executable, str(ROOT / "build_reports.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_default_sigint,
    )


def small_folder(target: Path, day: str = "2026-12-18") -> Path:
    """Three units of the sample (their own workbooks), last year's folder, settings dated `day`."""
    target.mkdir(parents=True)
    shutil.copytree(SAMPLE / "nam-truoc", target / "nam-truoc")
    settings = (SAMPLE / "bao-cao.toml").read_text(encoding="utf-8")
    assert "ngay = 2026-12-18" in settings
    (target / "bao-cao.toml").write_text(settings.replace("ngay = 2026-12-18", f"ngay = {day}"), encoding="utf-8")
    lines = (SAMPLE / "don-vi.csv").read_text(encoding="utf-8-sig").splitlines()
    rows = [lines[0], *(line for line in lines[1:] if line.split(",")[0] in UNITS)]
    (target / "don-vi.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (target / "nop").mkdir()
    for code in UNITS:
        shutil.copy(SAMPLE / "nop" / f"{code}-bieu-so-lieu-{NAM}.xlsx", target / "nop")
    return target


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Two versions of a small data folder (a different date changes every output's bytes) and a
    DOCX build of the first, to copy as "the previous build"."""
    base = tmp_path_factory.mktemp("safety")
    first = small_folder(base / "ngay-18")
    second = small_folder(base / "ngay-19", day="2026-12-19")
    out = base / "truoc"
    assert build(first, out, formats=("docx",), jobs=1).built
    return first, second, out


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    """Ctrl+C raises KeyboardInterrupt in this process, as it does in a terminal (not so in a background
    job, where SIGINT starts ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


# --- interrupted commits ------------------------------------------------------------------------------


@pytest.mark.parametrize("point", ["write", "commit", "journal", "move", "manifest"])
def test_a_process_killed_at_any_point_leaves_no_false_hand_edit(tmp_path: Path, point: str) -> None:
    root = tmp_path / str(NAM)
    commit_tag(root, "old")
    manifest_before = (root / MANIFEST).read_bytes()

    killed = driver(root, "new", crash=point)
    killed.communicate(timeout=60)
    assert killed.returncode == -9, "the hook really killed it"
    if point in ("write", "commit"):  # nothing decided yet: the previous build is untouched
        assert contents(root) == {"old"} and (root / MANIFEST).read_bytes() == manifest_before

    OutputFolder(root, DAY).close()  # opening finishes (or discards) the interrupted commit
    assert contents(root) == ({"new"} if point in ("journal", "move", "manifest") else {"old"})
    assert_consistent(root)
    after = commit_tag(root, "newer")
    assert not after.diverted and contents(root) == {"newer"}
    assert_consistent(root)


def test_a_file_edited_between_a_crash_and_the_recovery_is_kept(tmp_path: Path) -> None:
    root = tmp_path / str(NAM)
    commit_tag(root, "old")
    assert driver(root, "new", crash="journal").wait(timeout=60) == -9
    edited = root / "don-vi" / "U1.txt"
    edited.write_text("sửa tay\n", encoding="utf-8")

    after = commit_tag(root, "newer")
    assert edited.read_text(encoding="utf-8") == "sửa tay\n", "the recovery never overwrites an edit"
    assert [(d.wanted, d.written) for d in after.diverted] == [(edited, root / "don-vi" / "U1 (2).txt")]


def test_ctrl_c_while_staging_keeps_the_previous_build(tmp_path: Path) -> None:
    root = tmp_path / str(NAM)
    commit_tag(root, "old")
    stopped = driver(root, "new", crash="write:INT")
    _, err = stopped.communicate(timeout=60)
    assert stopped.returncode != 0 and "KeyboardInterrupt" in err
    assert contents(root) == {"old"}
    assert_consistent(root)  # the staging folder was removed on the way out


def test_ctrl_c_during_the_commit_waits_for_it_to_finish(tmp_path: Path) -> None:
    root = tmp_path / str(NAM)
    commit_tag(root, "old")
    stopped = driver(root, "new", crash="journal:INT")
    _, err = stopped.communicate(timeout=60)
    assert stopped.returncode != 0 and "KeyboardInterrupt" in err, "Ctrl+C is delivered after the commit"
    assert contents(root) == {"new"}
    assert_consistent(root)


@pytest.mark.slow
def test_killed_real_build_then_rebuild_gives_normal_names(folders: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, second, previous = folders
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    root = out / str(NAM)
    before = output_files(root)

    killed = run_cli(
        "build", str(second), "--out", str(out), "--formats", "docx", "--jobs", "1", crash="move", cwd=tmp_path
    )
    assert killed.returncode == -9, killed.stderr
    assert output_files(root) != before, "killed in the middle of moving the new files into place"

    again = build(second, out, formats=("docx",), jobs=1)  # in process: the same code, one start-up less
    assert again.built and not again.diverted, "no file is taken for a hand-edited one"
    assert_consistent(root)
    assert set(output_files(root)) == set(before)
    assert all(before[name] != digest for name, digest in output_files(root).items()), "every file is renewed"


@pytest.mark.slow
def test_ctrl_c_in_a_real_check_keeps_the_previous_report(folders: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, second, previous = folders
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    root = out / str(NAM)
    before = output_files(root)
    stopped = run_cli("check", str(second), "--out", str(out), crash="write:INT", cwd=tmp_path)
    assert stopped.returncode == 130 and "Đã dừng theo yêu cầu" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert output_files(root) == before
    assert_consistent(root)


def test_ctrl_c_in_check_in_this_process_keeps_the_previous_report(
    folders: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sigint_raises: None,
) -> None:
    """The fast sibling of the test above: the same Ctrl+C (a real SIGINT) at the same point, delivered
    to this process while `cli.main` runs the check."""
    _, second, previous = folders
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    root = out / str(NAM)
    before = output_files(root)
    monkeypatch.setenv(CRASH_ENV, "write:INT")
    assert cli.main(["check", str(second), "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert "Đã dừng theo yêu cầu" in err and "Traceback" not in err
    assert output_files(root) == before
    assert_consistent(root)


@pytest.mark.slow
def test_ctrl_c_in_a_terminal_stops_a_parallel_build_at_once(tmp_path: Path) -> None:
    """A terminal sends Ctrl+C to the whole process group, the pool's workers included. The workers ignore
    it (no traceback of theirs) and are stopped by the build as it ends: it exits with the usual message
    in well under a second (0,1 s here), where waiting for them to finish their documents took 1,0-1,7 s."""
    out = tmp_path / "out"
    build = subprocess.Popen(
        [sys.executable, str(ROOT / "build_reports.py"), "build", str(SAMPLE), "--out", str(out), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob(f"{NAM}/{STAGING_PREFIX}*/{STAGED_FILES}/don-vi/*.pdf")):  # the workers are rendering
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.05)
    os.killpg(build.pid, signal.SIGINT)
    stopped = time.monotonic()
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130 and time.monotonic() - stopped < 1, (build.returncode, err)
    assert "Đã dừng theo yêu cầu" in err and "Traceback" not in err and "Lỗi nội bộ" not in err, err
    assert not list(out.glob(f"{NAM}/don-vi/*")), "nothing of the stopped build is in place"


# --- concurrent builds --------------------------------------------------------------------------------


@pytest.mark.slow
def test_concurrent_commits_take_turns_and_keep_the_manifest_whole(tmp_path: Path) -> None:
    """Each commit pauses half-way through its moves; without the lock the others would plan against a
    manifest that does not yet know the moved file and divert it to "(2)"."""
    root = tmp_path / str(NAM)
    commit_tag(root, "old")
    runs = [driver(root, f"tag{i}", crash="move:SLEEP") for i in range(3)]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
    assert len(contents(root)) == 1, "one build's files, whole"
    assert_consistent(root)


@pytest.mark.slow
def test_two_real_builds_started_together(folders: tuple[Path, Path, Path], tmp_path: Path) -> None:
    first, second, _ = folders
    out = tmp_path / "out"
    args = ("--out", str(out), "--formats", "docx", "--jobs", "1")
    env = {k: v for k, v in os.environ.items() if k != CRASH_ENV}
    runs = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "build_reports.py"), "build", str(folder), *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in (first, second)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        assert "CẢNH BÁO" not in err, err
    root = out / str(NAM)
    assert_consistent(root)
    assert len(output_files(root)) == 1 + 1 + 1 + len(UNITS)  # + the handout
    assert not build(second, out, formats=("docx",), jobs=1).diverted


def test_a_commit_started_during_another_waits_its_turn(tmp_path: Path) -> None:
    """The fast sibling of the test above: one commit pauses half-way through its moves, a second one
    (in this process) starts then; it waits for the lock and plans against the whole manifest."""
    root = tmp_path / str(NAM)
    commit_tag(root, "old")
    holder = driver(root, "new", crash="move:SLEEP")
    deadline = time.monotonic() + 30
    while not list(root.glob(f"{STAGING_PREFIX}*/journal.json")):
        assert holder.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    after = commit_tag(root, "newer")
    _, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, err
    assert not after.diverted and contents(root) == {"newer"}, "the second commit came after the first, whole"
    assert_consistent(root)


def test_a_build_that_cannot_get_the_lock_stops_with_a_message(tmp_path: Path) -> None:
    root = tmp_path / str(NAM)
    commit_tag(root, "old")
    holder = driver(root, "new", crash="journal:SLEEP")
    deadline = time.monotonic() + 30
    while not list(root.glob(f"{STAGING_PREFIX}*/journal.json")):
        assert holder.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    with pytest.raises(UserError, match="đang được một lần chạy khác ghi"):
        OutputFolder(root, DAY, lock_timeout=0.2)
    assert holder.wait(timeout=60) == 0
    assert contents(root) == {"new"}
    assert_consistent(root)


# --- file-system errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "words"), [(errno.EROFS, "chỉ cho phép đọc"), (errno.ENOSPC, "ổ đĩa đã đầy")])
def test_read_only_or_full_output_folder_is_a_message(
    folders: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
    words: str,
) -> None:
    _, second, previous = folders
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    root = out / str(NAM)
    before, manifest = output_files(root), (root / MANIFEST).read_bytes()

    def refuse(source: object, target: object) -> None:
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr(os, "replace", refuse)
    assert cli.main(["check", str(second), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert words in err and str(root) in err and "Traceback" not in err
    monkeypatch.undo()
    assert output_files(root) == before and (root / MANIFEST).read_bytes() == manifest
    assert not list(root.glob(f"{STAGING_PREFIX}*"))


def test_out_that_is_a_file_or_inside_nop_is_refused(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _, _ = folders
    a_file = tmp_path / "ket-qua"
    a_file.write_text("không phải thư mục", encoding="utf-8")
    assert cli.main(["check", str(first), "--out", str(a_file)]) == 2
    err = capsys.readouterr().err
    assert str(a_file) in err and "là một tệp" in err and "Traceback" not in err

    inside = first / "nop" / "ket-qua"
    assert cli.main(["build", str(first), "--out", str(inside), "--formats", "docx"]) == 2
    err = capsys.readouterr().err
    assert "nop/" in err and str(inside) in err and not inside.exists()


def test_an_output_path_that_is_a_folder_is_a_message(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _, _ = folders
    blocker = tmp_path / "out" / str(NAM) / f"kiem-tra-so-lieu-{NAM}.xlsx"
    blocker.mkdir(parents=True)
    assert cli.main(["check", str(first), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(blocker) in err and "là một thư mục" in err and "Traceback" not in err
    assert not (blocker.parent / MANIFEST).exists() and not list(blocker.parent.glob(f"{STAGING_PREFIX}*"))


def test_unusable_temp_folder_is_a_message(
    folders: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """openpyxl writes the check report through temporary files; a temp folder that cannot be used
    ends in a message, not a traceback."""
    first, _, _ = folders
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "khong-co"))
    assert cli.main(["check", str(first), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "khong-co" in err and "Traceback" not in err


# --- permissions ----------------------------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_outputs_follow_the_umask(folders: tuple[Path, Path, Path], tmp_path: Path, umask_022: None) -> None:
    first, _, _ = folders
    result = check(first, tmp_path)
    root = tmp_path / str(NAM)
    assert result.check_report.stat().st_mode & 0o777 == 0o644
    assert (root / MANIFEST).stat().st_mode & 0o777 == 0o644
    os.umask(0o027)
    commit_tag(root, "x")
    assert (root / "don-vi" / "U0.txt").stat().st_mode & 0o777 == 0o640
    assert (root / MANIFEST).stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_bug_log_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    log = cli._write_bug_log("Traceback: STC Đảng bộ Sở Tài chính\n")
    assert log is not None and log.is_relative_to(tmp_path / "state")
    assert log.stat().st_mode & 0o777 == 0o600
    assert log.parent.stat().st_mode & 0o777 == 0o700


def test_an_unreadable_input_is_a_message(
    folders: tuple[Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Root reads every file whatever its mode, so the refusal the system would give is raised here."""
    first, _, _ = folders
    unreadable = first / "nop" / f"STC-bieu-so-lieu-{NAM}.xlsx"

    def refuse(folder: Path, **_: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(unreadable))

    monkeypatch.setattr("reports.pipeline.load_folder", refuse)
    assert cli.main(["check", str(first), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(unreadable) in err and "không có quyền truy cập" in err and "Traceback" not in err


def test_a_target_held_by_another_program_gets_a_numbered_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to replace a file open in Word (PermissionError); the new file goes beside it."""
    root = tmp_path / str(NAM)
    commit_tag(root, "old")
    held = root / "don-vi" / "U2.txt"
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target) == held:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    after = commit_tag(root, "new")
    monkeypatch.undo()
    beside = root / "don-vi" / "U2 (2).txt"
    assert [(d.wanted, d.written) for d in after.diverted] == [(held, beside)]
    assert held.read_text() == "old 2\n" and beside.read_text() == "new 2\n"
    assert beside in after.written and held not in after.written
    recorded = json.loads((root / MANIFEST).read_text(encoding="utf-8"))["outputs"]
    assert recorded["don-vi/U2 (2).txt"]["sha256"] == sha(beside)
    assert recorded["don-vi/U2.txt"]["sha256"] == sha(held)


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_leaves_no_process_and_no_temporary_file_behind(tmp_path: Path, jobs: str) -> None:
    """`build_reports.py` ends without Python's teardown (`cli.exit_now`): the exit handlers still run
    (the stylesheet's temporary font folder is deleted), and the fork server of `--jobs 2` goes too."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    folder = small_folder(tmp_path / "data")
    env = {**os.environ, "TMPDIR": str(temp)}
    command = [sys.executable, str(ROOT / "build_reports.py"), "build", str(folder), "--out", str(tmp_path / "out")]
    result = subprocess.run([*command, "--jobs", jobs], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Đã lập: báo cáo tổng hợp và 3 báo cáo đơn vị" in result.stdout  # the output was flushed
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (_processes_naming(str(folder)) or _left_in(temp)):
        time.sleep(0.1)
    assert not _processes_naming(str(folder))
    assert not _left_in(temp)


def _left_in(temp: Path) -> list[Path]:
    """What a build left in the temporary folder, but Jinja's compiled templates (a cache kept on purpose)."""
    return [path for path in temp.iterdir() if not path.name.startswith("_jinja2-cache")]


def _processes_naming(text: str) -> list[int]:
    """Processes whose command line names `text` (the build and any worker it left running)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
