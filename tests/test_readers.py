"""The submission readers on awkward but valid files, and on broken ones.

Awkward input (title rows, a table that starts in column B, group headings, a signature footer, NFD
text, CSV dialects, combined workbooks, cached formula results, numbers typed as text) must be read
with the right values at the right cells and without a single complaint. Broken input must give one
clear Vietnamese error naming the file, and every other file must still be read.
"""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from folders import (
    CB2,
    CB3,
    CLEAN,
    CSV_FILE,
    DB1,
    UNITS,
    UnitRow,
    cell_of,
    clean_folder,
    patch_cells,
    rows,
    workbook_file,
    write_combined_csv,
    write_settings,
    write_unit_workbook,
    write_units,
)
from openpyxl import Workbook, load_workbook

from reports import indicators as ind
from reports.intake import load_folder
from reports.problems import Severity
from reports.submissions import SHAPE_COMBINED, SHAPE_WORKBOOK, Submission, read_submissions
from reports.tables import column_index, column_letter, read_csv, sniff_delimiter
from reports.units import load_units

DATA = Path(__file__).parent / "data"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def values(sub: Submission) -> dict[str, tuple[Any, str]]:
    """code -> (raw value, cell) of one submission."""
    return {v.code: (v.raw, v.place.cell) for v in sub.values}


def by_unit(folder: Path) -> dict[str, Submission]:
    result = read_submissions(folder)
    assert [p.rule for p in result.problems] == []
    return {s.unit: s for s in result.submissions}


# --- awkward but valid --------------------------------------------------------------------------------


def write_awkward_workbook(path: Path, unit: str, figures: Mapping[str, Any]) -> dict[str, str]:
    """A unit workbook as offices really make them; returns code -> gia_tri cell.

    SoLieu: three title rows and a blank row, the header in row 5 from column B (ma_chi_tieu in E,
    gia_tri in F), a group heading row before each group, a signature footer below the table.
    ThongTin: a title, a blank row, header truong / mo_ta / gia_tri in row 3, ma_don_vi in C4.
    Text is written in NFD (as some Mac and web tools save it), codes in capitals with spaces around.
    """
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "SoLieu"
    ws["B1"] = nfd("ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH")
    ws["B2"] = nfd("BIỂU SỐ LIỆU CÔNG TÁC XÂY DỰNG ĐẢNG NĂM 2026")
    ws["B3"] = "(Số liệu tính đến ngày 31/12/2026)"
    ws.append([])
    ws.append([None, "STT", "Tên chỉ tiêu", "Đơn vị tính", "MA_CHI_TIEU ", " Gia_Tri", "Ghi chú"])
    cells: dict[str, str] = {}
    group = None
    number = 0
    for item in ind.CATALOGUE:
        if item.group != group:
            group, number = item.group, 0
            ws.append([None, item.group, ind.GROUPS[item.group].upper()])
        number += 1
        ws.append([None, number, nfd(item.label), item.unit, f" {item.code.upper()} "])
        value = figures.get(item.code)
        if value is not None:
            ws.cell(ws.max_row, 6, nfd(value) if isinstance(value, str) else value)
        cells[item.code] = f"F{ws.max_row}"
    ws.append([])
    ws.append([None, None, nfd("NGƯỜI LẬP BIỂU"), None, None, None, nfd("T/M ĐẢNG ỦY")])
    ws.append([None, None, "(ký, ghi rõ họ tên)", None, None, None, "BÍ THƯ"])
    ws.append([])
    ws.append([None, None, nfd("Nguyễn Thị Hà"), None, None, None, nfd("Trần Văn Bình")])
    info = wb.create_sheet("ThongTin")
    info.append([nfd("THÔNG TIN ĐƠN VỊ NỘP BIỂU")])
    info.append([])
    info.append(["truong", "mo_ta", "gia_tri"])
    info.append(["ma_don_vi", nfd("Mã đơn vị"), f" {unit} "])
    info.append(["ten_don_vi", nfd("Tên đơn vị"), nfd("Đảng bộ Sở Tài chính")])
    info.append(["nguoi_lap", nfd("Người lập"), nfd("Nguyễn Thị Hà")])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return cells


def test_awkward_unit_workbook_is_read_at_the_right_cells(tmp_path: Path) -> None:
    figures = {**DB1, "nd_mo_hinh": "Mô hình “Dân vận khéo” ở chi bộ Phòng Quản lý giá"}
    cells = write_awkward_workbook(tmp_path / "nop" / "DB1.xlsx", "DB1", figures)
    (sub,) = by_unit(tmp_path).values()
    assert sub.shape == SHAPE_WORKBOOK
    assert sub.unit == "DB1"
    assert (sub.unit_place.file, sub.unit_place.sheet, sub.unit_place.cell) == ("nop/DB1.xlsx", "ThongTin", "C4")
    assert sub.info["ten_don_vi"] == "Đảng bộ Sở Tài chính"  # NFC
    assert unicodedata.is_normalized("NFC", sub.info["nguoi_lap"])
    found = values(sub)
    assert list(found) == [i.code for i in ind.CATALOGUE]  # no group heading, no footer row
    assert cells["so_dang_bo_bo_phan"] == "F7"  # header row 5, group heading row 6
    for code, value in figures.items():
        raw, cell = found[code]
        assert cell == cells[code], code
        assert raw == value, code
    assert found["nd_mo_hinh"][0] == "Mô hình “Dân vận khéo” ở chi bộ Phòng Quản lý giá"
    assert unicodedata.is_normalized("NFC", found["nd_mo_hinh"][0])


def test_awkward_unit_workbook_checks_clean(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo", units=[*UNITS[:2], UnitRow("CB3", nfd("Chi bộ Thư viện"), "chi_bo_co_so")])
    write_awkward_workbook(folder / workbook_file("DB1"), "DB1", DB1)
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []
    assert intake.units.loc["CB3", "ten_don_vi"] == "Chi bộ Thư viện"
    assert unicodedata.is_normalized("NFC", intake.units.loc["CB3", "ten_don_vi"])
    assert intake.dataset().figures.loc["DB1", "dv_cuoi_ky"] == 124


def test_csv_with_semicolons_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "nop" / "tong-hop.csv"
    write_combined_csv(path, {"CB2": CB2, "CB3": {**CB3, "nd_mo_hinh": nfd("Dòng một;\r\ndòng hai")}})
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b";" in raw
    assert read_csv(path).delimiter == ";"
    subs = by_unit(tmp_path)
    assert list(subs) == ["CB2", "CB3"]
    assert subs["CB2"].shape == SHAPE_COMBINED
    assert values(subs["CB2"])["dv_nu"] == ("9", "dòng 2, cột dv_nu")
    cb3 = values(subs["CB3"])
    assert cb3["dv_cuoi_ky"] == ("37", "dòng 3, cột dv_cuoi_ky")
    assert cb3["nd_mo_hinh"][0] == "Dòng một;\r\ndòng hai"  # quoted field: delimiter and line break kept
    assert (subs["CB3"].unit_place.file, subs["CB3"].unit_place.cell) == ("nop/tong-hop.csv", "dòng 3, cột ma_don_vi")


def test_csv_line_numbers_count_physical_lines(tmp_path: Path) -> None:
    """A quoted field with a line break takes two lines: the next unit is on line 4, not 3."""
    path = tmp_path / "nop" / "tong-hop.csv"
    write_combined_csv(path, {"CB2": {**CB2, "nd_han_che": "a\nb"}, "CB3": CB3}, newline="\n")
    subs = by_unit(tmp_path)
    assert values(subs["CB3"])["dv_nu"] == ("15", "dòng 4, cột dv_nu")


def test_csv_with_commas_and_no_bom(tmp_path: Path) -> None:
    path = tmp_path / "nop" / "tong-hop.csv"
    write_combined_csv(path, {"CB2": CB2, "CB3": CB3}, delimiter=",", bom=False, newline="\n")
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(path).delimiter == ","
    subs = by_unit(tmp_path)
    assert values(subs["CB3"])["dv_cuoi_ky"] == ("37", "dòng 3, cột dv_cuoi_ky")
    assert values(subs["CB3"])["nd_mo_hinh"] == ("Mô hình “Chi bộ 4 tốt”.", "dòng 3, cột nd_mo_hinh")


def test_sniff_delimiter() -> None:
    assert sniff_delimiter("ma_don_vi;dv_nu\nA;1") == ";"
    assert sniff_delimiter("ma_don_vi,dv_nu\nA,1") == ","
    assert sniff_delimiter("ma_don_vi\tdv_nu\nA\t1") == "\t"
    assert sniff_delimiter('"a;b",c,d\n') == ","  # the ';' is inside quotes
    assert sniff_delimiter("\n\nma_don_vi;x\n") == ";"
    assert sniff_delimiter("ma_don_vi\n") == ","


def test_combined_csv_checks_clean_through_the_whole_intake(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    (folder / workbook_file("CB2")).unlink()
    write_combined_csv(folder / CSV_FILE, {"CB2": CB2, "CB3": CB3}, delimiter=",", bom=False)
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []
    assert intake.dataset().figures.loc["CB2", "dv_cuoi_ky"] == 20


def write_combined_workbook(path: Path, rows: Mapping[str, Mapping[str, Any]]) -> None:
    """A combined table in a workbook: first sheet "TongHop", header row 1, plus a second sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "TongHop"
    codes = [i.code for i in ind.CATALOGUE]
    ws.append(["ma_don_vi", "ten_don_vi", *codes])
    for unit, figures in rows.items():
        ws.append([unit, f"Chi bộ {unit}", *(figures.get(c) for c in codes)])
    wb.create_sheet("GhiChu")["A1"] = "ma_don_vi"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def test_combined_workbook_without_a_solieu_sheet(tmp_path: Path) -> None:
    write_combined_workbook(tmp_path / "nop" / "tong-hop.xlsx", {"CB2": CB2, "CB3": CB3})
    subs = by_unit(tmp_path)
    assert list(subs) == ["CB2", "CB3"]
    cb3 = subs["CB3"]
    assert cb3.shape == SHAPE_COMBINED
    assert cb3.info == {"ten_don_vi": "Chi bộ CB3"}
    col = column_letter(2 + [i.code for i in ind.CATALOGUE].index("dv_cuoi_ky"))
    assert values(cb3)["dv_cuoi_ky"] == (37.0, f"{col}3")
    assert (cb3.unit_place.sheet, cb3.unit_place.cell) == ("TongHop", "A3")
    assert (cb3.table_place.sheet, cb3.table_place.cell) == ("TongHop", "dòng 3")


def test_combined_workbook_checks_clean(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    (folder / workbook_file("CB2")).unlink()
    (folder / CSV_FILE).unlink()
    write_combined_workbook(folder / "nop" / "tong-hop.xlsx", {"CB2": CB2, "CB3": CB3})
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []


def test_combined_table_with_group_headings_and_a_signature_footer(tmp_path: Path) -> None:
    """Headings ("KHỐI ĐẢNG, ĐOÀN THỂ") and the signature below the table are not units' rows."""
    folder = clean_folder(tmp_path / "bo")
    (folder / workbook_file("CB2")).unlink()
    (folder / CSV_FILE).unlink()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "TongHop"
    codes = [i.code for i in ind.CATALOGUE]
    ws.append(["ma_don_vi", "ten_don_vi", *codes])
    ws.append(["I. KHỐI ĐẢNG, ĐOÀN THỂ"])
    ws.append(["CB2", "Chi bộ Hội Nông dân tỉnh", *(CB2[c] for c in codes)])
    ws.append([None, "II. KHỐI SỰ NGHIỆP"])
    ws.append(["CB3", "Chi bộ Thư viện tỉnh", *(CB3[c] for c in codes)])
    ws.append([])
    ws.append([None, "NGƯỜI LẬP BIỂU", None, None, None, None, "T/M BAN THƯỜNG VỤ"])
    ws.append([None, "Hạ Long, ngày 15 tháng 12 năm 2026", None, None, None, None, "PHÓ BÍ THƯ"])
    ws.append([None, "Nguyễn Thị Hà", None, None, None, None, "Trần Văn Bình"])
    wb.save(folder / "nop" / "tong-hop.xlsx")
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []
    assert values(intake.validation.used["CB3"].submission)["dv_nu"][1] == f"{column_letter(2 + codes.index('dv_nu'))}5"


def test_combined_rows_with_figures_are_never_skipped(tmp_path: Path) -> None:
    """A row with figures but no code, or with a name where the code goes, is still reported."""
    path = tmp_path / "nop" / "tong-hop.csv"
    write_combined_csv(path, {"CB2": CB2, "": {"dv_nu": 4}, "Chi bộ Thư viện": {"dv_nu": 5}})
    result = read_submissions(tmp_path)
    assert [(p.rule, p.place.cell if p.place else "") for p in result.problems] == [
        ("thieu_ma_don_vi", "dòng 3, cột ma_don_vi")
    ]
    assert [s.unit for s in result.submissions] == ["CB2", "Chi bộ Thư viện"]


def test_formulas_are_read_by_their_cached_values(tmp_path: Path) -> None:
    """Excel saves a formula with its last result; the result is what the unit sees and sent."""
    folder = clean_folder(tmp_path / "bo")
    path = folder / workbook_file("DB1")
    write_unit_workbook(path, "DB1", {**DB1, "dv_cuoi_ky": 0, "dv_duoc_danh_gia": 0, "nd_kien_nghi": "x"})
    end, rated, text = cell_of("dv_cuoi_ky"), cell_of("dv_duoc_danh_gia"), cell_of("nd_kien_nghi")
    first, last = cell_of("dv_dau_ky"), cell_of("dv_chuyen_di")
    patch_cells(
        path,
        {
            end: f'<c r="{end}"><f>{first}+SUM(E6:E8)-SUM(E9:{last})</f><v>124</v></c>',
            rated: f'<c r="{rated}" s="0"><f>SUM({cell_of("dv_htxs")}:{cell_of("dv_kht")})</f><v>118</v></c>',
            text: f'<c r="{text}" t="str"><f>"Không"&amp;"."</f><v>Không.</v></c>',
        },
    )
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []
    figures = intake.dataset().figures
    assert figures.loc["DB1", "dv_cuoi_ky"] == 124
    assert figures.loc["DB1", "dv_duoc_danh_gia"] == 118
    assert figures.loc["DB1", "nd_kien_nghi"] == "Không."


def test_error_cells_are_restored_at_their_cell(tmp_path: Path) -> None:
    """#DIV/0! and #N/A written by Excel (t="e") come back as errors, also in a combined workbook."""
    path = tmp_path / "nop" / "tong-hop.xlsx"
    write_combined_workbook(path, {"CB2": CB2, "CB3": CB3})
    codes = [i.code for i in ind.CATALOGUE]
    start, joined = (column_letter(2 + codes.index(c)) for c in ("dv_dau_ky", "dv_ket_nap"))
    patch_cells(
        path,
        {
            f"{start}2": f'<c r="{start}2" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
            f"{joined}3": f'<c r="{joined}3" s="0" t="e"><f>VLOOKUP(A3,X:Y,2,0)</f><v>#N/A</v></c>',
        },
    )
    subs = by_unit(tmp_path)
    assert str(values(subs["CB2"])["dv_dau_ky"][0]) == "#DIV/0!"
    assert values(subs["CB2"])["dv_dau_ky"][1] == f"{start}2"
    assert str(values(subs["CB3"])["dv_ket_nap"][0]) == "#N/A"
    assert values(subs["CB2"])["dv_ket_nap"][0] == 1.0
    assert values(subs["CB3"])["dv_dau_ky"][0] == 35.0


def test_numbers_typed_as_text(tmp_path: Path) -> None:
    folder = clean_folder(
        tmp_path / "bo",
        {"DB1": {"bd_luot_hoc_vien": "1.234", "dv_dau_ky": " 120 "}, "CB3": {"kt_dang_vien": "1.002"}},
    )
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []
    figures = intake.dataset().figures
    assert figures.loc["DB1", "bd_luot_hoc_vien"] == 1234
    assert figures.loc["DB1", "dv_dau_ky"] == 120
    assert figures.loc["CB3", "kt_dang_vien"] == 1002


def test_lock_files_hidden_files_and_windows_system_files_are_ignored(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    (folder / "nop" / "~$DB1.xlsx").write_bytes(b"\x00" * 165)
    (folder / "nop" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "nop" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    (folder / "nop" / "desktop.ini").write_text("[.ShellClassInfo]\r\nIconResource=x\r\n", encoding="utf-8")
    (folder / "nop" / "__MACOSX").mkdir()
    (folder / "nop" / "__MACOSX" / "._DB1.xlsx").write_bytes(b"\x00\x05\x16\x07")
    (folder / "nop" / ".sync").mkdir()
    (folder / "nop" / ".sync" / "DB1.xlsx").write_bytes(b"")
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []
    assert {p.name for p in intake.read.files} == {"DB1.xlsx", "CB2.xlsx", "tong-hop.csv"}


def test_submissions_in_sub_folders_are_read(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    (folder / "nop" / "dot-2").mkdir()
    shutil.move(folder / workbook_file("CB2"), folder / "nop" / "dot-2" / "CB2.xlsx")
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []
    assert intake.validation.used["CB2"].submission.file == "nop/dot-2/CB2.xlsx"


def test_column_letters() -> None:
    for index, letters in [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")]:
        assert column_letter(index) == letters
        assert column_index(letters) == index


# --- broken input ------------------------------------------------------------------------------------


def cp1258(text: str) -> bytes:
    """Vietnamese in Windows-1258, as old Excel saves "CSV (Comma delimited)": a letter, then the tone."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", ch)
        for letter in (ch, *(unicodedata.normalize("NFC", base + m) for m in marks), base):
            rest = [m for m in marks if unicodedata.normalize("NFC", base + m) != letter] if letter != ch else []
            try:
                out += (letter + "".join(rest)).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return out


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _truncated(path: Path) -> None:
    write_unit_workbook(path, "DB1", DB1)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _encrypted(path: Path) -> None:
    shutil.copyfile(DATA / "encrypted.xlsx", path)


def _no_thongtin(path: Path) -> None:
    write_unit_workbook(path, "DB1", DB1, thongtin=False)


def _no_gia_tri(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "SoLieu"
    ws.append(["BIỂU SỐ LIỆU"])
    ws.append(["stt", "ma_chi_tieu", "so_lieu"])
    ws.append([1, "dv_nu", 50])
    wb.create_sheet("ThongTin").append(["truong", "gia_tri"])
    wb["ThongTin"].append(["ma_don_vi", "DB1"])
    wb.save(path)


def _thongtin_without_unit(path: Path) -> None:
    write_unit_workbook(path, "", DB1)


def _no_structure(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(["Đơn vị", "Đảng viên"])
    ws.append(["Sở Tài chính", 124])
    wb.save(path)


BROKEN: list[tuple[str, Callable[[Path], None], str, str, str]] = [
    # (file name, how to write it, rule, sheet, what the message says)
    ("DB1.xlsx", _write(b"PK\x03\x04" + b"\x00hong" * 100), "tep_khong_doc_duoc", "", "tệp bị hỏng"),
    ("DB1.xlsx", _truncated, "tep_khong_doc_duoc", "", "tệp bị hỏng"),
    ("DB1.xlsx", _encrypted, "tep_khong_doc_duoc", "", "đặt mật khẩu"),
    ("DB1.xlsx", _write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504), "tep_khong_doc_duoc", "", ".xls"),
    ("DB1.xlsx", _write(b""), "tep_khong_doc_duoc", "", "rỗng"),
    ("DB1.xlsx", _write(b"ma_chi_tieu;gia_tri\r\ndv_nu;50\r\n"), "tep_khong_doc_duoc", "", "không phải là bảng tính"),
    ("DB1.csv", _write(b""), "tep_khong_doc_duoc", "", "rỗng"),
    ("DB1.csv", _write(b"\xef\xbb\xbf"), "tep_khong_doc_duoc", "", "rỗng"),
    ("DB1.csv", _write(b"\xef\xbb\xbf\r\n;;\r\n"), "khong_nhan_ra_cau_truc", "", "ma_don_vi"),
    ("DB1.csv", _write(cp1258("ma_don_vi;ten_don_vi\r\nDB1;Đảng bộ Sở\r\n")), "tep_khong_doc_duoc", "", "UTF-8"),
    ("DB1.csv", _encrypted, "tep_khong_doc_duoc", "", "đuôi .csv"),
    ("bao-cao-DB1.docx", _write(b"PK\x03\x04" + b"\x00" * 100), "tep_khong_doc_duoc", "", "không phải bảng tính"),
    ("bao-cao-DB1.pdf", _write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "tep_khong_doc_duoc", "", "không phải bảng tính"),
    ("DB1.xlsx", _no_thongtin, "thieu_trang", "", "thiếu trang ThongTin"),
    ("DB1.xlsx", _no_gia_tri, "khong_tim_thay_tieu_de", "SoLieu", "thiếu ô gia_tri"),
    ("DB1.xlsx", _thongtin_without_unit, "thieu_ma_don_vi", "ThongTin", "ma_don_vi"),
    ("DB1.xlsx", _no_structure, "khong_nhan_ra_cau_truc", "Sheet1", "ma_don_vi"),
]


@pytest.mark.parametrize(
    ("name", "write", "rule", "sheet", "says"),
    BROKEN,
    ids=[
        "corrupt-zip",
        "truncated-xlsx",
        "encrypted",
        "old-xls-renamed",
        "empty-xlsx",
        "text-as-xlsx",
        "empty-csv",
        "bom-only-csv",
        "blank-lines-csv",
        "cp1258-csv",
        "xlsx-as-csv",
        "docx",
        "pdf",
        "solieu-without-thongtin",
        "solieu-without-gia-tri",
        "thongtin-without-unit",
        "no-structure",
    ],
)
def test_broken_file_is_one_error_naming_it_and_the_others_are_read(
    tmp_path: Path, name: str, write: Callable[[Path], None], rule: str, sheet: str, says: str
) -> None:
    folder = clean_folder(tmp_path / "bo")
    (folder / workbook_file("DB1")).unlink()
    write(folder / "nop" / name)
    intake = load_folder(folder)
    serious = [p for p in intake.problems if p.severity is not Severity.NOTE]
    broken = [p for p in serious if p.rule != "chua_nop"]
    assert len(broken) == 1, rows(intake)
    problem = broken[0]
    assert problem.is_error
    assert problem.rule == rule
    assert problem.place is not None
    assert (problem.place.file, problem.place.sheet) == (f"nop/{name}", sheet)
    assert says in problem.message, problem.message
    assert problem.message[:1].isupper() and "Traceback" not in problem.message
    # DB1 is reported as not submitted; the other two units are read and usable
    assert [p.unit for p in serious if p.rule == "chua_nop"] == ["DB1"]
    assert intake.status() == {"DB1": "chua_nop", "CB2": "hop_le", "CB3": "hop_le"}
    assert list(intake.dataset().figures.index) == ["CB2", "CB3"]


def test_every_broken_file_at_once(tmp_path: Path) -> None:
    """All the broken files of BROKEN in one nop/ folder: one error each, in file name order."""
    folder = tmp_path / "bo"
    write_settings(folder)
    write_units(folder)
    nop = folder / "nop"
    nop.mkdir()
    expected = []
    for number, (name, write, rule, _, _) in enumerate(BROKEN):
        path = nop / f"{number:02d}-{name}"
        write(path)
        expected.append((rule, f"nop/{path.name}"))
    write_unit_workbook(nop / "99-CB2.xlsx", "CB2", CB2)
    intake = load_folder(folder)
    found = [(p.rule, p.place.file if p.place else "") for p in intake.problems if p.rule != "chua_nop"]
    assert sorted(found) == sorted(expected)
    assert intake.status() == {"DB1": "chua_nop", "CB2": "hop_le", "CB3": "chua_nop"}


def test_value_without_a_code_is_reported(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    path = folder / workbook_file("DB1")
    write_unit_workbook(path, "DB1", {**DB1, "zz": 5})
    cell = cell_of("zz", ["zz"])
    patch_cells(path, {f"D{cell[1:]}": f'<c r="D{cell[1:]}"/>'})
    intake = load_folder(folder)
    assert rows(intake) == [("cảnh báo", "gia_tri_khong_ma", "DB1", "nop/DB1.xlsx", "SoLieu", cell, "", "5")]


def test_signature_in_the_gia_tri_column_is_not_a_lost_value(tmp_path: Path) -> None:
    """The form has no ghi_chu column, so "T/M ĐẢNG ỦY" and the names stand under gia_tri."""
    folder = clean_folder(tmp_path / "bo")
    path = folder / workbook_file("DB1")
    wb = load_workbook(path)
    ws = wb["SoLieu"]
    ws.append([])
    ws.append([None, "NGƯỜI LẬP BIỂU", None, None, "T/M ĐẢNG ỦY"])
    ws.append([None, "Hạ Long, ngày 15/12/2026", None, None, "BÍ THƯ"])
    ws.append([None, "Nguyễn Thị Hà", None, None, "Trần Văn Bình"])
    ws.append([None, "Số liệu bổ sung", None, None, "1.234"])
    wb.save(path)
    intake = load_folder(folder)
    assert rows(intake) == [
        ("cảnh báo", "gia_tri_khong_ma", "DB1", "nop/DB1.xlsx", "SoLieu", f"E{ws.max_row}", "", "1.234")
    ]


def test_units_file_problems_are_listed_at_once(tmp_path: Path) -> None:
    from reports.errors import DataFolderError

    (tmp_path / "don-vi.csv").write_text(
        "ma_don_vi,ten_don_vi,loai\nDB1,Đảng bộ A,dang_bo_co_so\nDB1,Đảng bộ B,dang_bo_co_so\nSở X,,chi_bo\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFolderError) as caught:
        load_units(tmp_path)
    message = caught.value.message
    assert "dòng 3: mã đơn vị 'DB1' trùng với dòng 2" in message
    assert "dòng 4: mã đơn vị 'Sở X' không hợp lệ" in message
    assert "dòng 4: thiếu tên đơn vị" in message
    assert "dòng 4: loại 'chi_bo' không hợp lệ" in message


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n \r\n"], ids=["empty", "bom-only", "blank-lines"])
def test_empty_units_file_is_a_broken_folder(tmp_path: Path, data: bytes) -> None:
    from reports.errors import DataFolderError

    (tmp_path / "don-vi.csv").write_bytes(data)
    with pytest.raises(DataFolderError, match="rỗng"):
        load_units(tmp_path)


def test_units_file_accepts_bom_semicolons_and_vietnamese_type_names(tmp_path: Path) -> None:
    (tmp_path / "don-vi.csv").write_bytes(
        "\ufeffMa_Don_Vi;ten_don_vi;loai;nhom\r\nDB1;"
        f"{nfd('Đảng bộ Sở Tài chính')};Đảng bộ cơ sở;Khối Nhà nước\r\n\r\nCB2;Chi bộ X;chi_bo_co_so;\r\n".encode()
    )
    units = load_units(tmp_path)
    assert list(units.index) == ["DB1", "CB2"]
    assert units.loc["DB1", "ten_don_vi"] == "Đảng bộ Sở Tài chính"
    assert unicodedata.is_normalized("NFC", units.loc["DB1", "ten_don_vi"])
    assert list(units["loai"]) == ["dang_bo_co_so", "chi_bo_co_so"]
    assert list(units["dong"]) == [2, 4]


def test_clean_figures_are_what_the_readers_give_back(tmp_path: Path) -> None:
    """The clean folder round-trips: every figure of tests/folders.py comes back as written."""
    intake = load_folder(clean_folder(tmp_path / "bo"))
    figures = intake.dataset().figures
    for unit, expected in CLEAN.items():
        for code, value in expected.items():
            assert figures.loc[unit, code] == value, (unit, code)


def test_long_table_keeps_every_value_with_its_place(tmp_path: Path) -> None:
    """Both shapes end in one long table: unit, indicator, raw value, file, sheet, cell."""
    write_awkward_workbook(tmp_path / "nop" / "DB1.xlsx", "DB1", DB1)
    write_combined_csv(tmp_path / "nop" / "tong-hop.csv", {"CB2": CB2})
    read = read_submissions(tmp_path)
    table = read.long_table()
    assert list(table.columns) == ["nop", "ma_don_vi", "ma_chi_tieu", "gia_tri", "tep", "trang", "o"]
    assert len(table) == sum(len(s.values) for s in read.submissions)
    db1 = table[(table["ma_don_vi"] == "DB1") & (table["ma_chi_tieu"] == "dv_cuoi_ky")].iloc[0]
    assert (db1["gia_tri"], db1["tep"], db1["trang"]) == (DB1["dv_cuoi_ky"], "nop/DB1.xlsx", "SoLieu")
    cb2 = table[(table["ma_don_vi"] == "CB2") & (table["ma_chi_tieu"] == "dv_nu")].iloc[0]
    assert (cb2["gia_tri"], cb2["tep"], cb2["o"]) == ("9", "nop/tong-hop.csv", "dòng 2, cột dv_nu")


def test_formula_saved_without_its_result_is_an_error_not_a_blank(tmp_path: Path) -> None:
    """Programs other than Excel may save a formula with no computed value; calamine reads it as blank."""
    folder = clean_folder(tmp_path / "bo")
    path = folder / workbook_file("DB1")
    write_unit_workbook(path, "DB1", {**DB1, "dv_cuoi_ky": 0, "nd_kien_nghi": "x"})
    end, text = cell_of("dv_cuoi_ky"), cell_of("nd_kien_nghi")
    patch_cells(
        path,
        {
            end: f'<c r="{end}"><f>{cell_of("dv_dau_ky")}+1</f></c>',
            text: f'<c r="{text}" t="e"><f>X1</f><v>#NAME?</v></c>',
        },
    )
    intake = load_folder(folder)
    found = {(p.rule, p.place.cell if p.place else "", p.indicator) for p in intake.problems}
    assert ("khong_phai_so_nguyen", end, "dv_cuoi_ky") in found
    assert ("noi_dung_loi_excel", text, "nd_kien_nghi") in found
    uncached = next(p for p in intake.problems if p.indicator == "dv_cuoi_ky")
    assert "chưa có kết quả tính" in uncached.message and uncached.is_error
    assert not any(p.rule == "thieu_chi_tieu_bat_buoc" and p.indicator == "dv_cuoi_ky" for p in intake.problems)
