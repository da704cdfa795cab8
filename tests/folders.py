"""Small, hand-made data folders for the intake tests (contract sections 1-4).

`clean_folder` writes a folder with three units that passes every rule of contract section 6 with
no problem at all, not even a note: every indicator of the catalogue is given. A test changes
exactly one thing (`changes`), loads the folder and asserts the exact problem.

The unit workbooks have a fixed layout, so a test can name the cell of an indicator (`cell_of`):

    SoLieu   row 1 title, row 2 blank, row 3 header (A stt, B ten_chi_tieu, C don_vi_tinh,
             D ma_chi_tieu, E gia_tri), then one row per catalogue indicator in catalogue order;
             codes not in the catalogue follow in the order given.
    ThongTin row 1 header (A truong, B gia_tri), row 2 ma_don_vi (cell B2), then nguoi_lap ...

A figure set to `None` is written as a row with its code and a blank value; `ABSENT` leaves the code
out (the row keeps its label, so later cells do not move). Unit CB3 is a row of a combined CSV.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from reports import indicators as ind
from reports.forms import save_workbook
from reports.intake import Intake
from reports.problems import Problem, Severity, sort_key

NAM = 2026
ABSENT = object()  # a figure whose code is not written at all
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1
SOLIEU_HEADER = ("stt", "ten_chi_tieu", "don_vi_tinh", "ma_chi_tieu", "gia_tri")

Figures = dict[str, Any]


def _figures(**counts: int) -> Figures:
    texts = {
        "nd_ket_qua_noi_bat": "Hoàn thành tốt nhiệm vụ chính trị.",
        "nd_mo_hinh": "Mô hình “Chi bộ 4 tốt”.",
        "nd_han_che": "Sinh hoạt chi bộ có lúc chưa sâu.",
        "nd_kien_nghi": "Không.",
    }
    assert set(counts) == set(ind.COUNT_CODES), set(ind.COUNT_CODES) ^ set(counts)
    return {**counts, **texts}


# Đảng bộ cơ sở: 1 đảng bộ bộ phận + 5 chi bộ trực thuộc; 120 + (5 + 3 + 0) − (1 + 1 + 0 + 0 + 2) = 124.
DB1 = _figures(
    so_dang_bo_bo_phan=1,
    so_chi_bo_truc_thuoc=5,
    dv_dau_ky=120,
    dv_ket_nap=5,
    dv_chuyen_den=3,
    dv_phuc_hoi=0,
    dv_tu_tran=1,
    dv_khai_tru=1,
    dv_xoa_ten=0,
    dv_xin_ra=0,
    dv_chuyen_di=2,
    dv_cuoi_ky=124,
    dv_nu=50,
    dv_du_bi=8,
    dv_dan_toc_thieu_so=3,
    dv_tuoi_18_30=20,
    dv_cong_nhan_chinh_thuc=4,
    chi_tieu_ket_nap=6,
    tcd_duoc_danh_gia=7,
    tcd_htxs=1,
    tcd_htt=5,
    tcd_ht=1,
    tcd_kht=0,
    dv_duoc_danh_gia=118,
    dv_mien_danh_gia=4,
    dv_chua_danh_gia=2,
    dv_htxs=15,
    dv_htt=95,
    dv_ht=8,
    dv_kht=0,
    cu_tong=9,
    cu_nu=3,
    cu_duoi_40=2,
    cu_dai_hoc_tro_len=9,
    cu_llct_trung_cap_tro_len=8,
    qh_luot=12,
    qh_nu=4,
    qh_duoi_40=5,
    bo_nhiem=6,
    bo_nhiem_lai=2,
    gioi_thieu_ung_cu=3,
    luan_chuyen=1,
    dieu_dong=2,
    llct_cao_cap=1,
    llct_trung_cap=2,
    llct_so_cap=3,
    cm_tien_si=0,
    cm_thac_si=1,
    cm_dai_hoc=2,
    bd_so_lop=4,
    bd_luot_hoc_vien=200,
    kt_to_chuc_dang=2,
    kt_dang_vien=10,
    gs_to_chuc_dang=1,
    gs_dang_vien=5,
    kl_to_chuc_dang=0,
    kl_khien_trach=1,
    kl_canh_cao=0,
    kl_cach_chuc=0,
    kl_khai_tru=1,
)

# Chi bộ cơ sở: no sub-units; 20 + (1 + 0 + 0) − (0 + 0 + 0 + 0 + 1) = 20.
CB2 = _figures(
    so_dang_bo_bo_phan=0,
    so_chi_bo_truc_thuoc=0,
    dv_dau_ky=20,
    dv_ket_nap=1,
    dv_chuyen_den=0,
    dv_phuc_hoi=0,
    dv_tu_tran=0,
    dv_khai_tru=0,
    dv_xoa_ten=0,
    dv_xin_ra=0,
    dv_chuyen_di=1,
    dv_cuoi_ky=20,
    dv_nu=9,
    dv_du_bi=1,
    dv_dan_toc_thieu_so=0,
    dv_tuoi_18_30=3,
    dv_cong_nhan_chinh_thuc=1,
    chi_tieu_ket_nap=1,
    tcd_duoc_danh_gia=1,
    tcd_htxs=0,
    tcd_htt=1,
    tcd_ht=0,
    tcd_kht=0,
    dv_duoc_danh_gia=19,
    dv_mien_danh_gia=1,
    dv_chua_danh_gia=0,
    dv_htxs=3,
    dv_htt=15,
    dv_ht=1,
    dv_kht=0,
    cu_tong=3,
    cu_nu=1,
    cu_duoi_40=1,
    cu_dai_hoc_tro_len=3,
    cu_llct_trung_cap_tro_len=3,
    qh_luot=2,
    qh_nu=1,
    qh_duoi_40=1,
    bo_nhiem=1,
    bo_nhiem_lai=0,
    gioi_thieu_ung_cu=0,
    luan_chuyen=0,
    dieu_dong=0,
    llct_cao_cap=0,
    llct_trung_cap=1,
    llct_so_cap=1,
    cm_tien_si=0,
    cm_thac_si=0,
    cm_dai_hoc=0,
    bd_so_lop=1,
    bd_luot_hoc_vien=20,
    kt_to_chuc_dang=0,
    kt_dang_vien=2,
    gs_to_chuc_dang=0,
    gs_dang_vien=1,
    kl_to_chuc_dang=0,
    kl_khien_trach=0,
    kl_canh_cao=0,
    kl_cach_chuc=0,
    kl_khai_tru=0,
)

# A second chi bộ, submitted as one row of a combined CSV: 35 + (2 + 1 + 0) − (1 + 0 + 0 + 0 + 0) = 37.
CB3 = {
    **CB2,
    "dv_dau_ky": 35,
    "dv_ket_nap": 2,
    "dv_chuyen_den": 1,
    "dv_tu_tran": 1,
    "dv_chuyen_di": 0,
    "dv_cuoi_ky": 37,
    "dv_nu": 15,
    "dv_duoc_danh_gia": 36,
    "dv_htxs": 4,
    "dv_htt": 30,
    "dv_ht": 2,
}


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    loai: str
    nhom: str = ""


UNITS = (
    UnitRow("DB1", "Đảng bộ Sở Tài chính", "dang_bo_co_so", "Khối Nhà nước"),
    UnitRow("CB2", "Chi bộ Hội Nông dân tỉnh", "chi_bo_co_so", "Khối Đảng, đoàn thể"),
    UnitRow("CB3", "Chi bộ Thư viện tỉnh", "chi_bo_co_so", "Khối Sự nghiệp"),
)
CLEAN: dict[str, Figures] = {"DB1": DB1, "CB2": CB2, "CB3": CB3}
WORKBOOK_UNITS = ("DB1", "CB2")
CSV_UNITS = ("CB3",)
CSV_FILE = "nop/tong-hop.csv"


def workbook_file(code: str) -> str:
    return f"nop/{code}.xlsx"


# --- cells ------------------------------------------------------------------------------------------


def cell_of(code: str, extra: Iterable[str] = ()) -> str:
    """The gia_tri cell of `code` in a workbook written by `write_unit_workbook`."""
    codes = [i.code for i in ind.CATALOGUE] + [c for c in extra if c not in ind.BY_CODE]
    return f"E{FIRST_ROW + codes.index(code)}"


def csv_place(code: str, line: int = 2) -> str:
    """The CSV place of `code` in the combined CSV written by `write_combined_csv` (one unit, line 2)."""
    return f"dòng {line}, cột {code}"


# --- writers ----------------------------------------------------------------------------------------


def write_settings(folder: Path, nam: int = NAM, extra: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bao-cao.toml").write_text(
        f"nam = {nam}\n\n"
        "[co_quan]\n"
        'cap_tren = "ĐẢNG BỘ TỈNH QUẢNG NINH"\n'
        'ten = "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"\n'
        'ky_hieu = "ĐUK"\n'
        'dia_danh = "Hạ Long"\n'
        f"{extra}",
        encoding="utf-8",
    )


def write_units(folder: Path, units: Iterable[UnitRow] = UNITS) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "don-vi.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["ma_don_vi", "ten_don_vi", "loai", "nhom"])
        for u in units:
            writer.writerow([u.code, u.name, u.loai, u.nhom])


def write_unit_workbook(path: Path, unit: str, figures: Mapping[str, Any], *, thongtin: bool = True) -> None:
    """A unit workbook in the fixed layout of the module docstring."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "SoLieu"
    ws["A1"] = f"BIỂU SỐ LIỆU CÔNG TÁC XÂY DỰNG ĐẢNG NĂM {NAM}"
    for col, name in enumerate(SOLIEU_HEADER, start=1):
        ws.cell(HEADER_ROW, col, name)
    extra = [c for c in figures if c not in ind.BY_CODE]
    for offset, code in enumerate([i.code for i in ind.CATALOGUE] + extra):
        row = FIRST_ROW + offset
        ws.cell(row, 1, offset + 1)
        ws.cell(row, 2, ind.label(code))
        value = figures.get(code, ABSENT)
        if value is ABSENT:
            continue
        ws.cell(row, 4, code)
        if value is not None:
            ws.cell(row, 5, value)
    if thongtin:
        info = wb.create_sheet("ThongTin")
        for row in (
            ("truong", "gia_tri"),
            ("ma_don_vi", unit),
            ("nguoi_lap", "Nguyễn Thị Hà"),
            ("ngay_lap", "10/12/2026"),
            ("so_dien_thoai", "0912 345 678"),
        ):
            info.append(list(row))
    save_workbook(wb, path, creator="tests")  # the same figures give the same bytes (the read cache keys on them)


def write_combined_csv(
    path: Path,
    rows: Mapping[str, Mapping[str, Any]],
    *,
    delimiter: str = ";",
    bom: bool = True,
    newline: str = "\r\n",
) -> None:
    """A combined table: header ma_don_vi + every code some row gives (catalogue order first).

    A code `ABSENT` from every row has no column; a None is an empty field.
    """
    given = [c for figures in rows.values() for c, v in figures.items() if v is not ABSENT]
    codes = [i.code for i in ind.CATALOGUE if i.code in given]
    codes += [c for c in dict.fromkeys(given) if c not in codes]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator=newline)
        writer.writerow(["ma_don_vi", *(c for c in codes)])
        for unit, figures in rows.items():
            cells = []
            for c in codes:
                value = figures.get(c, ABSENT)
                cells.append("" if value is None or value is ABSENT else value)
            writer.writerow([unit, *cells])


def changed(figures: Mapping[str, Any], change: Mapping[str, Any] | None) -> Figures:
    return {**figures, **(change or {})}


def clean_folder(
    folder: Path,
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    settings_extra: str = "",
    units: Iterable[UnitRow] = UNITS,
    last_year: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    """The clean three-unit folder, with `changes` ({unit: {code: value}}) applied to the figures.

    With `last_year` ({unit: figures}), `nam-truoc/` holds those figures as one combined CSV.
    """
    changes = changes or {}
    write_settings(folder, extra=settings_extra)
    write_units(folder, units)
    (folder / "nop").mkdir(parents=True, exist_ok=True)
    for unit in WORKBOOK_UNITS:
        write_unit_workbook(folder / workbook_file(unit), unit, changed(CLEAN[unit], changes.get(unit)))
    write_combined_csv(folder / CSV_FILE, {u: changed(CLEAN[u], changes.get(u)) for u in CSV_UNITS})
    if last_year is not None:
        previous = folder / "nam-truoc"
        write_settings(previous, nam=NAM - 1)
        write_units(previous, units)
        write_combined_csv(previous / "nop" / f"tong-hop-{NAM - 1}.csv", last_year)
    return folder


def last_year_of(figures: Mapping[str, Any]) -> Figures:
    """Clean figures for the year before, ending where `figures` starts (last dv_cuoi_ky = dv_dau_ky)."""
    before = dict(figures)
    end = figures["dv_dau_ky"]
    plus = sum(figures[c] for c in ind.MEMBERSHIP_INCREASES)
    minus = sum(figures[c] for c in ind.MEMBERSHIP_DECREASES)
    before["dv_cuoi_ky"] = end
    before["dv_dau_ky"] = end - plus + minus
    before["dv_duoc_danh_gia"] = end - figures["dv_mien_danh_gia"] - figures["dv_chua_danh_gia"]
    levels = ("dv_htxs", "dv_htt", "dv_kht")
    before["dv_ht"] = before["dv_duoc_danh_gia"] - sum(figures[c] for c in levels)
    before["kt_dang_vien"] = figures["kt_dang_vien"] + 1  # never identical to this year
    assert before["dv_dau_ky"] >= 0 and before["dv_ht"] >= 0, before
    return before


# --- patching workbook XML --------------------------------------------------------------------------


def patch_cells(path: Path, cells: Mapping[str, str], sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """Replace whole <c> elements of one sheet with hand-written XML, as Excel would save them.

    openpyxl cannot write a cached formula result; this puts e.g.
    `<c r="E14" t="e"><f>E12/0</f><v>#DIV/0!</v></c>` into the file. Each cell must already exist.
    """
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:  # the same members, timestamps included: same bytes every time
            if info.filename == sheet:
                xml = data.decode("utf-8")
                for ref, replacement in cells.items():
                    pattern = re.compile(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)', re.S)
                    xml, count = pattern.subn(replacement, xml, count=1)
                    assert count == 1, f"cell {ref} not found in {sheet}"
                data = xml.encode("utf-8")
            archive.writestr(info, data)


# --- problems as rows -------------------------------------------------------------------------------

Row = tuple[str, str, str, str, str, str, str, str]


def problem_row(p: Problem) -> Row:
    """severity | rule | unit | file | sheet | cell | indicator | value"""
    place = p.place
    return (
        p.severity.value,
        p.rule,
        p.unit,
        place.file if place else "",
        place.sheet if place else "",
        place.cell if place else "",
        p.indicator,
        p.value,
    )


def rows(intake: Intake, *, notes: bool = False) -> list[Row]:
    """Every problem as a row, in report order; notes ("chưa báo cáo") only when asked."""
    return [problem_row(p) for p in sorted(intake.problems, key=sort_key) if notes or p.severity is not Severity.NOTE]


def only(intake: Intake, rule: str) -> Problem:
    """The one problem with rule id `rule` (fails when there is not exactly one)."""
    found = [p for p in intake.problems if p.rule == rule]
    assert len(found) == 1, [problem_row(p) for p in intake.problems]
    return found[0]
