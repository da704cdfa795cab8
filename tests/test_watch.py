"""`build_reports.py watch`: builds, waits for a change of the data folder, rebuilds what it touches in the
same process (its pool kept warm), and stops cleanly on SIGTERM or Ctrl+C; reports/watch.py underneath."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reports import cli
from reports.watch import Change, Snapshot, changed, next_change, snapshot
from tests.docs_text import docx_text, pdf_text
from tests.folders import CLEAN, NAM, clean_folder, workbook_file, write_unit_workbook
from tests.folders import changed as changed_figures

ROOT = Path(__file__).resolve().parents[1]
WATCHING = "Đang theo dõi"
CONSOLIDATED = f"bao-cao-tong-hop-{NAM}"


class Watcher:
    """`build_reports.py watch` in a subprocess, its output read line by line as it comes."""

    def __init__(self, folder: Path, out: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build_reports.py"), "watch", str(folder), "--out", str(out), *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def until_watching(self, timeout: float = 180) -> str:
        """What it printed up to its next "watching" line (the end of a build)."""
        seen: list[str] = []
        while not seen or WATCHING not in seen[-1]:
            try:
                seen.append(self.lines.get(timeout=timeout))
            except queue.Empty:
                self.process.kill()
                raise AssertionError(f"no '{WATCHING}' within {timeout} s; printed: {''.join(seen)}") from None
        return "".join(seen)

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=60)
        finally:
            self.process.kill()
        assert self.process.stderr is not None
        return code, self.process.stderr.read()


def test_the_watcher_rebuilds_a_changed_workbook_and_outlives_broken_settings_and_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`watch` in this process, its pool of two kept between builds; each wait for a change makes the next
    change of the script instead, and Ctrl+C comes after the last (the real waiting: the slow test below)."""
    folder, out, fresh = clean_folder(tmp_path / "data"), tmp_path / "out", tmp_path / "fresh"
    settings = folder / "bao-cao.toml"
    good = settings.read_text(encoding="utf-8")
    printed: list[str] = []
    complained: list[str] = []

    def fresh_build() -> None:  # the folder as it is now, built once from nothing, for comparison
        assert cli.main(["build", str(folder), "--out", str(fresh), "--formats", "docx", "--jobs", "1"]) == 0

    def db1(**changes: object) -> None:
        write_unit_workbook(folder / workbook_file("DB1"), "DB1", changed_figures(CLEAN["DB1"], changes))

    steps = [
        lambda: db1(dv_nu=49),
        lambda: (fresh_build(), settings.write_text(good + "\n[[broken", encoding="utf-8")),
        lambda: settings.write_text(good + "\n# sửa lại\n", encoding="utf-8"),
        lambda: db1(dv_nu="?"),  # not a number: an error, the build is refused
    ]

    def scripted_change(folder_: Path, before: Snapshot, ignore: tuple[Path, ...] = ()) -> Change:
        so_far = capsys.readouterr()
        printed.append(so_far.out)
        complained.append(so_far.err)
        if not steps:
            raise KeyboardInterrupt
        steps.pop(0)()
        capsys.readouterr()  # the comparison build's own printing
        now = snapshot(folder_, ignore)
        return Change(now, changed(before, now))

    monkeypatch.setattr("reports.watch.next_change", scripted_change)
    assert cli.main(["watch", str(folder), "--out", str(out), "--formats", "docx", "--jobs", "2"]) == 0
    errors = "".join(complained) + capsys.readouterr().err
    first, second, failed, mended, refused = printed
    assert "Dựng 5 văn bản" in first, first
    assert f"Có thay đổi: {workbook_file('DB1')}. Lập lại" in second, second
    assert "Dựng lại 3 văn bản có đầu vào thay đổi; giữ nguyên 2 văn bản" in second, second
    for stem in (CONSOLIDATED, "don-vi/DB1", "don-vi/CB2"):
        assert docx_text(out / str(NAM) / f"{stem}.docx") == docx_text(fresh / str(NAM) / f"{stem}.docx"), stem
    assert "Đã lập" not in failed and "bao-cao.toml" in errors, (failed, errors)
    assert "giữ nguyên cả 5 văn bản" in mended, mended
    assert "khong_phai_so_nguyen" in refused or "không phải" in refused, refused
    assert "KHÔNG LẬP BÁO CÁO" in errors and "lưu tệp là công cụ tự lập lại" in errors, errors
    assert "Đã dừng theo dõi" in errors and "Traceback" not in errors, errors


@pytest.mark.slow
def test_the_running_watcher_sees_a_saved_workbook_and_stops_on_sigterm(tmp_path: Path) -> None:
    folder, out = clean_folder(tmp_path / "data"), tmp_path / "out"
    watcher = Watcher(folder, out, "--formats", "docx", "--jobs", "2")
    try:
        watcher.until_watching()
        write_unit_workbook(folder / workbook_file("DB1"), "DB1", changed_figures(CLEAN["DB1"], {"dv_nu": 49}))
        second = watcher.until_watching()
    finally:
        code, errors = watcher.stop()
    assert f"Có thay đổi: {workbook_file('DB1')}. Lập lại" in second, second
    assert "Dựng lại 3 văn bản có đầu vào thay đổi" in second, second
    assert code == 0 and "Đã dừng theo dõi" in errors and "Traceback" not in errors, errors


@pytest.mark.slow
def test_a_changed_stylesheet_reaches_the_pdf_of_a_warm_pool(tmp_path: Path) -> None:
    """The stylesheet is parsed once per process and the pool's workers are kept between builds: a change
    of the committee's style.css must start them again from a process that reads it anew."""
    folder, out = clean_folder(tmp_path / "data"), tmp_path / "out"
    assert cli.main(["templates", str(folder)]) == 0
    watcher = Watcher(folder, out, "--formats", "pdf", "--jobs", "2")
    try:
        watcher.until_watching()
        assert "DẤU MỚI CỦA MẪU" not in pdf_text(out / str(NAM) / f"{CONSOLIDATED}.pdf")
        with (folder / "templates" / "style.css").open("a", encoding="utf-8") as css:
            css.write('\nbody::before { content: "DẤU MỚI CỦA MẪU"; }\n')
        rebuilt = watcher.until_watching()
    finally:
        code, errors = watcher.stop()
    assert "Dựng 5 văn bản" in rebuilt and code == 0, (rebuilt, errors)
    assert "DẤU MỚI CỦA MẪU" in pdf_text(out / str(NAM) / f"{CONSOLIDATED}.pdf")
    assert "DẤU MỚI CỦA MẪU" in pdf_text(out / str(NAM) / "don-vi" / "DB1.pdf")


def test_a_missing_data_folder_stops_the_watch_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["watch", str(tmp_path / "khong-co"), "--out", str(tmp_path / "out")]) == 2
    assert "Không tìm thấy thư mục dữ liệu" in capsys.readouterr().err


# --- reports/watch.py --------------------------------------------------------------------------------


def test_the_snapshot_leaves_out_lock_files_hidden_files_and_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "nop").mkdir()
    for name in ("nop/A.xlsx", "nop/~$A.xlsx", "nop/.~lock.A.xlsx#", ".hidden", "nop/B.tmp", "out/2026/x.pdf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert set(snapshot(tmp_path, [tmp_path / "out"])) == {"nop/A.xlsx"}


def test_a_change_is_taken_once_the_folder_has_settled(tmp_path: Path) -> None:
    """A workbook written in three steps is one change, seen after the last step; nothing before it."""
    book = tmp_path / "A.xlsx"
    book.write_bytes(b"1")
    before = snapshot(tmp_path)
    now = [0.0]
    steps = iter([b"12", b"123", b"1234"])

    def sleep(seconds: float) -> None:  # each poll, time passes and the copy goes on while it lasts
        now[0] += seconds
        step = next(steps, None)
        if step is not None:
            book.write_bytes(step)
            os.utime(book, ns=(int(now[0] * 1e9) + 10**9, int(now[0] * 1e9) + 10**9))

    book.write_bytes(b"1x")  # the first change
    change = next_change(tmp_path, before, poll=0.1, settle=0.3, sleep=sleep, clock=lambda: now[0])
    assert change.paths == ("A.xlsx",)
    assert book.read_bytes() == b"1234" and change.now == snapshot(tmp_path)
    assert now[0] >= 0.3 + 0.3, "it waited for the last step and then a whole settling time"


def test_added_and_removed_files_are_changes() -> None:
    assert changed({"a": (1, 1), "b": (1, 1)}, {"b": (1, 2), "c": (1, 1)}) == ("a", "b", "c")
    assert changed({"a": (1, 1)}, {"a": (1, 1)}) == ()
