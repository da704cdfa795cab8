"""Hostile and broken input (issue 11): never a crash, a hang, a traceback or a silent drop.

One data folder holds every hostile submission at once and is checked through the command line in a
subprocess with a 1,5 GB address-space ceiling: each file must be named with its Vietnamese message
while the other units are still read. Settings cases go through `reports.cli.main` in this process.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from reports.cli import main
from reports.submissions import read_submissions
from reports.tables import read_workbook
from reports.values import ExcelError
from tests import hostile
from tests.folders import CLEAN, UNITS, UnitRow, cell_of, clean_folder, patch_cells, workbook_file, write_units

ROOT = Path(__file__).resolve().parents[1]
MEMORY = 1536 << 20


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_check(folder: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build_reports.py"), "check", str(folder), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
        preexec_fn=_limits,
    )


PAYLOADS = ('=HYPERLINK("http://x.invalid","bấm")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = tmp_path_factory.mktemp("hostile") / "data"
    units = [
        UnitRow(UNITS[0].code, "Đảng bộ\x0bSở Tài chính", UNITS[0].loai),  # a Word line break in a name
        UnitRow(UNITS[1].code, PAYLOADS[0], UNITS[1].loai),
        UNITS[2],
    ]
    clean_folder(folder, {"CB3": {"dv_nu": "99999999999999999999"}}, units=units)
    write_units(folder, units)
    # DB1's figures: an error cell written with single quotes and a prefix-free cell, Excel-style.
    patch_cells(folder / workbook_file("DB1"), {cell_of("dv_nu"): f"<c r='{cell_of('dv_nu')}' t='e'><v>#REF!</v></c>"})
    nop = folder / "nop"
    hostile.last_cell(nop / "cuoi-trang.xlsx")
    hostile.beyond_limits(nop / "ngoai-gioi-han.xlsx")
    hostile.shared_strings_bomb(nop / "chuoi.xlsx")
    hostile.inflating_sheet(nop / "bom.xlsx")
    hostile.unclosed_cells(nop / "the-mo.xlsx")
    (nop / "trang-web.xls").write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    (nop / "mat-khau.xls").write_bytes((ROOT / "tests" / "data" / "encrypted.xlsx").read_bytes())
    (nop / "ngoac.csv").write_text('ma_don_vi;dv_dau_ky;dv_cuoi_ky\nX1;"1;2\nX2;3;4\nX3;5;6\n', encoding="utf-8")
    (nop / "thua.csv").write_text("ma_don_vi;dv_dau_ky\nX4;1;2;3\n", encoding="utf-8")
    (nop / "nul.csv").write_text("ma_don_vi;ten_don_vi\nX5;Chi\x00bộ\n", encoding="utf-8")
    os.mkfifo(nop / "ong.xlsx")
    outside = folder.parent / "ngoai.csv"
    outside.write_text("ma_don_vi\nX6\n", encoding="utf-8")
    (nop / "lien-ket.csv").symlink_to(outside)
    (nop / os.fsdecode(b"t\xeap-\xff.txt")).write_bytes(b"not a spreadsheet")
    result = run_check(folder, folder.parent / "out")
    return result, folder.parent / "out"


EXPECTED = {
    "cuoi-trang.xlsx": "có giá trị ở tận ô XFD1048576",
    "ngoai-gioi-han.xlsx": "Không đọc được tệp",
    "chuoi.xlsx": "sharedStrings",
    "bom.xlsx": "khi giải nén lớn",
    "the-mo.xlsx": "Không đọc được tệp",
    "trang-web.xls": "trang web (HTML)",
    "mat-khau.xls": "mật khẩu",
    "ngoac.csv": "Từ dòng 2 đến dòng 4 bị đọc thành một dòng",
    "thua.csv": "nhiều hơn 2 cột",
    "nul.csv": "ký tự điều khiển",
    "ong.xlsx": "không phải là một tệp thông thường",
    "lien-ket.csv": "trỏ ra ngoài thư mục dữ liệu",
    "t\ufffdp-\ufffd.txt": "không phải bảng tính",
}


Run = tuple[subprocess.CompletedProcess[str], Path]


def test_every_hostile_file_is_named_and_the_run_goes_on(hostile_run: Run) -> None:
    result, _ = hostile_run
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout and "Lỗi nội bộ" not in result.stderr
    lines = result.stdout.lower().splitlines()
    for name, says in EXPECTED.items():
        assert any(name.lower() in line and says.lower() in line for line in lines), name
    assert "số quá lớn" in result.stdout  # the 20-digit count, naming CB3's cell
    assert "#REF!" in result.stdout  # the single-quoted error cell is an error, not "chưa báo cáo"
    assert "chưa nộp số liệu" not in result.stdout  # every listed unit submitted and was read


def test_check_report_holds_text_never_a_formula(hostile_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = hostile_run
    report = next(out.rglob("kiem-tra-so-lieu-*.xlsx"))
    with zipfile.ZipFile(report) as archive:
        sheets = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<(?:\w+:)?f[\s>]", xml) for xml in sheets)
    assert any("HYPERLINK" in xml for xml in sheets)  # the payload is there, as text


def test_check_report_with_classic_payloads(tmp_path: Path) -> None:
    from reports.check_report import check_report_xlsx
    from reports.intake import load_folder

    units = [UnitRow(UNITS[0].code, PAYLOADS[1], UNITS[0].loai), UnitRow(UNITS[1].code, PAYLOADS[2], UNITS[1].loai)]
    units.append(UnitRow(UNITS[2].code, PAYLOADS[3] + PAYLOADS[4], UNITS[2].loai))
    folder = clean_folder(tmp_path / "data", {"CB3": {"dv_nu": PAYLOADS[0]}}, units=units)
    import datetime as dt

    data = check_report_xlsx(load_folder(folder), dt.date(2026, 12, 18))
    report = tmp_path / "r.xlsx"
    report.write_bytes(data)
    with zipfile.ZipFile(report) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    for payload in ("cmd|", "HYPERLINK", "+1+1", "@SUM"):
        assert payload in xml.replace("&amp;", "&").replace("&quot;", '"').replace("&apos;", "'")


def test_two_combined_sheets_are_both_read(tmp_path: Path) -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.append(["ma_don_vi", "dv_nu"])
    first.append(["CB2", 3])
    second = wb.create_sheet("Trang2")
    second.append(["ma_don_vi", "dv_nu"])
    second.append(["CB3", 4])
    (tmp_path / "nop").mkdir()
    wb.save(tmp_path / "nop" / "tong-hop.xlsx")
    assert sorted(s.unit for s in read_submissions(tmp_path).submissions) == ["CB2", "CB3"]


def test_ods_error_cells_are_restored(tmp_path: Path) -> None:
    cells = (
        '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="string" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
        "</table:table-cell></table:table-row>"
    )
    (sheet,) = read_workbook(hostile.ods(tmp_path / "a.ods", cells))
    assert sheet.grid[0][2] == ExcelError("#DIV/0!")


def test_prefixed_and_single_quoted_error_cells(tmp_path: Path) -> None:
    rows = "<row r='1'><c r='B1' t = 'e'><v>#N/A</v></c><c r=\"C1\"><f>1+1</f></c></row>"
    (sheet,) = read_workbook(hostile.write_xlsx(tmp_path / "p.xlsx", rows))
    assert sheet.grid[0][1] == ExcelError("#N/A")


def test_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    locked = tmp_path / "nop" / "khoa"
    locked.mkdir(parents=True)
    locked.chmod(0)
    try:
        problems = read_submissions(tmp_path).problems
    finally:
        locked.chmod(0o755)
    assert any("Không mở được thư mục" in p.message for p in problems)


BAD_SETTINGS = [
    ("[trinh_bay]\nle_tren_mm = nan\n", "trinh_bay.le_tren_mm"),
    ("[trinh_bay]\nle_trai_mm = inf\n", "trinh_bay.le_trai_mm"),
    ("[trinh_bay]\nle_phai_mm = 1e308\n", "trinh_bay.le_phai_mm"),
    ("[trinh_bay]\nle_duoi_mm = -5\n", "trinh_bay.le_duoi_mm"),
    ("[trinh_bay]\nle_tren_mm = 150\n", "trinh_bay.le_tren_mm"),
    ("[trinh_bay]\nso_le_thap_phan = -1\n", "trinh_bay.so_le_thap_phan"),
    ("[trinh_bay]\nso_le_thap_phan = 100\n", "trinh_bay.so_le_thap_phan"),
    ("[trinh_bay]\nco_chu = 0\n", "trinh_bay.co_chu"),
    ("[chi_tieu_nam_sau]\nket_nap = nan\n", "chi_tieu_nam_sau.ket_nap"),
    ("[kiem_tra]\nty_le_xuat_sac_toi_da = nan\n", "kiem_tra.ty_le_xuat_sac_toi_da"),
    ("[van_ban]\nngay = 2206-12-18\n", "van_ban.ngay"),
]


@pytest.mark.parametrize(("extra", "key"), BAD_SETTINGS)
def test_settings_out_of_range_exit_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, key: str
) -> None:
    folder = clean_folder(tmp_path / "data", settings_extra="\n" + extra)
    assert main(["check", str(folder), "--out", str(tmp_path / "out")]) == 2
    assert f"'{key}'" in capsys.readouterr().err


def test_year_far_from_today_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = clean_folder(tmp_path / "data")
    settings = folder / "bao-cao.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("nam = 2026", "nam = 2200"), encoding="utf-8")
    assert main(["check", str(folder), "--out", str(tmp_path / "out")]) == 2
    assert "'nam' = 2200" in capsys.readouterr().err


def test_huge_totals_are_errors_not_overflows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = str(5 * 10**18)
    folder = clean_folder(tmp_path / "data", {"DB1": {"dv_dau_ky": big}, "CB2": {"dv_dau_ky": big}})
    assert main(["check", str(folder), "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert out.count("số quá lớn") >= 2 and CLEAN
