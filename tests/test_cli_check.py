"""`python build_reports.py check FOLDER --out DIR` as a clerk runs it: exit codes, what is printed, the report.

Exit 0 on the clean sample, 1 on the golden bad folder (every error and warning printed under its unit,
the check report written and readable), 2 with a Vietnamese message and no traceback when the folder,
bao-cao.toml or don-vi.csv is missing or broken.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from folders import clean_folder

from reports.cli import main
from reports.problems import Place

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "mau"
BAD = ROOT / "tests" / "data" / "bad"
EXPECTED = ROOT / "tests" / "data" / "bad-expected.txt"
NAM = 2026


def check(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # a console that cannot print Vietnamese
    return subprocess.run(
        [sys.executable, str(ROOT / "build_reports.py"), "check", str(folder), "--out", str(out), *extra],
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def expected_lines() -> list[list[str]]:
    return [line.split(" | ") for line in EXPECTED.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("out")
    return check(BAD, out), out


@pytest.mark.slow
def test_clean_sample_exits_0(tmp_path: Path) -> None:
    result = check(SAMPLE, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "0 có lỗi; 0 chưa nộp. Tổng cộng 0 lỗi, 0 cảnh báo." in result.stdout
    assert (tmp_path / str(NAM) / f"kiem-tra-so-lieu-{NAM}.xlsx").is_file()


def test_clean_sample_exits_0_in_this_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The fast sibling of the test above (`main`, as build_reports.py calls it); the ASCII console is
    the bad folder's subprocess run's below."""
    assert main(["check", str(SAMPLE), "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "0 có lỗi; 0 chưa nộp. Tổng cộng 0 lỗi, 0 cảnh báo." in out
    assert (tmp_path / str(NAM) / f"kiem-tra-so-lieu-{NAM}.xlsx").is_file()


def test_bad_folder_exits_1_and_prints_every_problem_under_its_unit(
    bad_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = bad_run
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    blocks = _unit_blocks(result.stdout)
    for severity, rule, unit, file, sheet, cell, indicator, value in expected_lines():
        if severity == "ghi chú":
            continue
        block = blocks[unit or "Các tệp"]
        tag = "[LỖI]" if severity == "lỗi" else "[CẢNH BÁO]"
        where = Place(file, sheet, cell).describe()
        shown = f"{indicator} = '{value}'" if value else indicator
        wanted = f"{tag} {where}" + (f" · {shown}" if shown else "")
        assert any(line.startswith(wanted) for line in block), (rule, wanted)
    # notes are counted, not printed, without --chi-tiet
    assert "chua_bao_cao" not in result.stdout and "[ghi chú]" not in result.stdout
    assert "để trống một số chỉ tiêu không bắt buộc" in result.stdout
    assert "24 đơn vị phải nộp; 23 đã nộp; 14 có lỗi; 1 chưa nộp." in result.stdout


def _unit_blocks(stdout: str) -> dict[str, list[str]]:
    """'== STC – Đảng bộ Sở Tài chính ==' headings -> the problem lines under them (key: unit code)."""
    blocks: dict[str, list[str]] = {}
    current: list[str] = []
    for line in stdout.splitlines():
        if line.startswith("== ") and line.endswith(" =="):
            current = blocks.setdefault(line[3:-3].split(" – ")[0], [])
        elif line.startswith("  ["):
            current.append(line.strip())
    return blocks


def test_bad_folder_check_report(bad_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, out = bad_run
    path = out / str(NAM) / f"kiem-tra-so-lieu-{NAM}.xlsx"
    assert path.is_file()
    assert str(path.relative_to(out)) in result.stdout.replace("\\", "/")
    wb = openpyxl.load_workbook(path)
    problems, units, blanks = wb.worksheets
    # sheet 1: one row per error and warning, header frozen, filters on
    header = [c.value for c in problems[1]]
    assert header[:3] == ["STT", "Mức độ", "Mã đơn vị"]
    col = {name: i for i, name in enumerate(header)}
    found = Counter(
        " | ".join(
            "" if row[col[name]] is None else str(row[col[name]])
            for name in ("Mức độ", "Mã quy tắc", "Mã đơn vị", "Tệp", "Trang", "Ô / dòng", "Mã chỉ tiêu", "Giá trị")
        )
        for row in problems.iter_rows(min_row=2, values_only=True)
    )
    serious = Counter(" | ".join(line) for line in expected_lines() if line[0] != "ghi chú")
    assert found == serious
    assert problems.max_row == 1 + sum(serious.values())
    assert problems.freeze_panes == "A2"
    assert problems.auto_filter.ref == f"A1:L{problems.max_row}"
    assert [row[0] for row in problems.iter_rows(min_row=2, values_only=True)] == list(range(1, problems.max_row))
    # sheet 2: every expected unit with its status
    header = [c.value for c in units[1]]
    status = {row[1]: row[header.index("Tình trạng")] for row in units.iter_rows(min_row=2, values_only=True)}
    listed = [line.split(",")[0] for line in (BAD / "don-vi.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert list(status) == listed
    with_errors = {line[2] for line in expected_lines() if line[0] == "lỗi" and line[2]}
    for unit, label in status.items():
        if unit == "CDYT":
            assert label == "Chưa nộp"
        elif unit in with_errors:
            assert label == "Đã nộp, có lỗi", unit
        else:
            assert label == "Đã nộp, hợp lệ", unit
    assert units.freeze_panes == "A2" and units.auto_filter.ref
    # sheet 3: the optional indicators left blank
    notes = [line for line in expected_lines() if line[0] == "ghi chú"]
    assert blanks.max_row == 1 + len(notes)


def test_details_prints_the_notes_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BAD), "--out", str(tmp_path), "--chi-tiet"]) == 1
    notes = [line for line in expected_lines() if line[0] == "ghi chú"]
    assert len(notes) > 10 and capsys.readouterr().out.count("[ghi chú]") == len(notes)


# --- exit 2: the folder itself is broken ------------------------------------------------------------


def _broken(tmp_path: Path, how: str) -> Path:
    folder = tmp_path / "bo"
    if how == "missing folder":
        return folder
    clean_folder(folder)
    settings = folder / "bao-cao.toml"
    if how == "unknown key":
        settings.write_text(settings.read_text(encoding="utf-8") + "\n[ky]\nchu_vu = 'BÍ THƯ'\n", encoding="utf-8")
    elif how == "toml syntax":
        settings.write_text(settings.read_text(encoding="utf-8") + '\n[van_ban\nso = "12"\n', encoding="utf-8")
    elif how == "missing settings":
        settings.unlink()
    elif how == "missing units":
        (folder / "don-vi.csv").unlink()
    elif how == "duplicate unit":
        units = folder / "don-vi.csv"
        units.write_text(units.read_text(encoding="utf-8") + "CB2,Chi bộ trùng mã,chi_bo_co_so,\n", encoding="utf-8")
    elif how == "missing nop":
        for path in (folder / "nop").iterdir():
            path.unlink()
        (folder / "nop").rmdir()
    return folder


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ("missing folder", "Không tìm thấy thư mục dữ liệu"),
        ("unknown key", "khóa không hợp lệ 'ky.chu_vu'"),
        ("toml syntax", "sai cú pháp TOML"),
        ("missing settings", "Không tìm thấy tệp thiết lập"),
        ("missing units", "Không tìm thấy danh sách đơn vị"),
        ("duplicate unit", "dòng 5: mã đơn vị 'CB2' trùng với dòng 3"),
        ("missing nop", "nơi đặt các biểu số liệu đơn vị nộp"),
    ],
)
def test_broken_folder_exits_2_with_a_vietnamese_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str, says: str
) -> None:
    """In process (`main`, as build_reports.py calls it): the same code path without a new interpreter
    for each case; the console encoding is covered by the subprocess runs above."""
    out = tmp_path / "out"
    code = main(["check", str(_broken(tmp_path, how)), "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 2, (stdout, stderr)
    assert says in stderr
    assert stderr.startswith("Lỗi: ")
    assert "Traceback" not in stdout + stderr
    assert not out.exists()  # nothing written
