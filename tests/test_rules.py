"""One test per rule of contract section 6, on small real data folders (tests/folders.py).

Each test starts from the clean three-unit folder (no problem at all, not even a note), breaks exactly
one thing and asserts the complete list of problems: severity, rule id, unit, file, sheet, cell,
indicator and value, and that the Vietnamese message carries the numbers the clerk needs.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from folders import (
    ABSENT,
    CB2,
    CB3,
    CLEAN,
    CSV_FILE,
    DB1,
    UNITS,
    cell_of,
    clean_folder,
    csv_place,
    last_year_of,
    only,
    patch_cells,
    rows,
    workbook_file,
    write_combined_csv,
    write_unit_workbook,
)

from reports.intake import Intake, load_folder

ERROR, WARNING, NOTE = "lỗi", "cảnh báo", "ghi chú"
DB1_FILE = workbook_file("DB1")

Load = Callable[..., Intake]


@pytest.fixture
def load(tmp_path: Path) -> Load:
    """load(changes, **clean_folder options) -> the Intake of a fresh clean folder with `changes`."""

    def run(changes: Mapping[str, Mapping[str, Any]] | None = None, **options: Any) -> Intake:
        folder = tmp_path / "bo-du-lieu"
        if folder.exists():
            shutil.rmtree(folder)
        return load_folder(clean_folder(folder, changes, **options))

    return run


def db1(code: str, value: str, severity: str, rule: str) -> tuple[str, ...]:
    return (severity, rule, "DB1", DB1_FILE, "SoLieu", cell_of(code), code, value)


def test_the_clean_folder_has_no_problem_at_all(load: Load) -> None:
    intake = load()
    assert rows(intake, notes=True) == []
    assert intake.status() == {"DB1": "hop_le", "CB2": "hop_le", "CB3": "hop_le"}
    figures = intake.dataset().figures
    assert list(figures.index) == ["DB1", "CB2", "CB3"]
    assert figures.loc["DB1", "dv_cuoi_ky"] == 124
    assert figures.loc["CB3", "dv_cuoi_ky"] == 37
    assert figures.loc["CB2", "nd_mo_hinh"] == "Mô hình “Chi bộ 4 tốt”."


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown", "reason"),
    [
        ("12 đv", "12 đv", "có chữ"),
        (-3, "-3", "số âm"),
        (3.5, "3.5", "thập phân"),
        ("1,5", "1,5", "thập phân"),
    ],
)
def test_count_that_is_not_a_whole_number(load: Load, raw: object, shown: str, reason: str) -> None:
    intake = load({"DB1": {"dv_nu": raw}})
    assert rows(intake, notes=True) == [db1("dv_nu", shown, ERROR, "khong_phai_so_nguyen")]
    problem = only(intake, "khong_phai_so_nguyen")
    assert reason in problem.message
    assert "Trong đó: nữ" in problem.message
    assert intake.status()["DB1"] == "co_loi"
    assert "DB1" not in intake.dataset().figures.index


def test_count_that_is_not_a_whole_number_in_a_csv(load: Load) -> None:
    intake = load({"CB3": {"dv_du_bi": "2 đ/c"}})
    assert rows(intake) == [
        (ERROR, "khong_phai_so_nguyen", "CB3", CSV_FILE, "", csv_place("dv_du_bi"), "dv_du_bi", "2 đ/c")
    ]


def test_excel_error_cell_is_an_error_not_a_blank(load: Load, tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    cell = cell_of("dv_ket_nap")
    write_unit_workbook(folder / DB1_FILE, "DB1", {**DB1, "dv_ket_nap": 0})
    patch_cells(folder / DB1_FILE, {cell: f'<c r="{cell}" t="e"><f>SUM(#REF!)</f><v>#REF!</v></c>'})
    intake = load_folder(folder)
    # not "required blank", and the membership identity is not checked on a value that is not a count
    assert rows(intake, notes=True) == [db1("dv_ket_nap", "#REF!", ERROR, "khong_phai_so_nguyen")]
    assert "#REF!" in only(intake, "khong_phai_so_nguyen").message


def test_required_indicator_blank(load: Load) -> None:
    intake = load({"DB1": {"dv_ket_nap": None}})
    assert rows(intake, notes=True) == [db1("dv_ket_nap", "", ERROR, "thieu_chi_tieu_bat_buoc")]
    message = only(intake, "thieu_chi_tieu_bat_buoc").message
    assert "Kết nạp" in message and "để trống" in message


def test_required_indicator_absent_from_a_workbook(load: Load) -> None:
    intake = load({"DB1": {"dv_ket_nap": ABSENT}})
    assert rows(intake, notes=True) == [
        (ERROR, "thieu_chi_tieu_bat_buoc", "DB1", DB1_FILE, "SoLieu", "", "dv_ket_nap", "")
    ]
    assert "không có trong biểu" in only(intake, "thieu_chi_tieu_bat_buoc").message


def test_required_indicator_absent_from_a_combined_csv(load: Load) -> None:
    intake = load({"CB3": {"dv_ket_nap": ABSENT}})
    # the CSV has no dv_ket_nap column at all: the place is the unit's row
    assert rows(intake, notes=True) == [
        (ERROR, "thieu_chi_tieu_bat_buoc", "CB3", CSV_FILE, "", "dòng 2", "dv_ket_nap", "")
    ]


def test_membership_identity(load: Load) -> None:
    # 120 + (6 + 3 + 0) − (1 + 1 + 0 + 0 + 2) = 125, but D says 124
    intake = load({"DB1": {"dv_ket_nap": 6}})
    assert rows(intake, notes=True) == [db1("dv_cuoi_ky", "124", ERROR, "can_doi_dang_vien")]
    message = only(intake, "can_doi_dang_vien").message
    assert "120 + (6 + 3 + 0) − (1 + 1 + 0 + 0 + 2) = 125" in message
    assert "ghi 124" in message and "chênh lệch -1" in message


def test_membership_identity_in_a_csv(load: Load) -> None:
    intake = load({"CB3": {"dv_chuyen_di": 2}})
    assert rows(intake) == [
        (ERROR, "can_doi_dang_vien", "CB3", CSV_FILE, "", csv_place("dv_cuoi_ky"), "dv_cuoi_ky", "37")
    ]
    assert "= 35" in only(intake, "can_doi_dang_vien").message


def test_organisation_levels_do_not_add_up(load: Load) -> None:
    intake = load({"DB1": {"tcd_htt": 4}})
    assert rows(intake, notes=True) == [db1("tcd_duoc_danh_gia", "7", ERROR, "tong_xep_loai")]
    message = only(intake, "tong_xep_loai").message
    assert "1 + 4 + 1 + 0 = 6" in message and "= 7" in message and "tổ chức đảng" in message


def test_member_levels_do_not_add_up(load: Load) -> None:
    intake = load({"DB1": {"dv_ht": 9}})
    assert rows(intake, notes=True) == [db1("dv_duoc_danh_gia", "118", ERROR, "tong_xep_loai")]
    message = only(intake, "tong_xep_loai").message
    assert "15 + 95 + 9 + 0 = 119" in message and "= 118" in message and "đảng viên" in message


@pytest.mark.parametrize(
    ("part", "value", "whole", "whole_value"),
    [
        ("dv_nu", 125, "dv_cuoi_ky", 124),
        ("bo_nhiem_lai", 7, "bo_nhiem", 6),
        ("cu_nu", 10, "cu_tong", 9),
        ("qh_duoi_40", 13, "qh_luot", 12),
    ],
)
def test_part_larger_than_its_whole(load: Load, part: str, value: int, whole: str, whole_value: int) -> None:
    intake = load({"DB1": {part: value}})
    assert rows(intake, notes=True) == [db1(part, str(value), ERROR, "trong_do_lon_hon_tong")]
    message = only(intake, "trong_do_lon_hon_tong").message
    assert f"({part}) = {value}" in message and f"({whole}) = {whole_value}" in message


def test_more_organisations_rated_than_exist(load: Load) -> None:
    # levels still add up (1 + 6 + 1 + 0 = 8), but 8 > 1 + 1 đảng bộ bộ phận + 5 chi bộ = 7
    intake = load({"DB1": {"tcd_duoc_danh_gia": 8, "tcd_htt": 6}})
    assert rows(intake, notes=True) == [db1("tcd_duoc_danh_gia", "8", ERROR, "vuot_so_to_chuc")]
    message = only(intake, "vuot_so_to_chuc").message
    assert "= 8" in message and "1 đảng bộ bộ phận" in message and "5 chi bộ" in message and "= 7" in message


def test_unit_code_not_in_don_vi_csv(load: Load, tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    write_unit_workbook(folder / "nop" / "SYT.xlsx", "SYT", DB1)
    intake = load_folder(folder)
    assert rows(intake, notes=True) == [
        (ERROR, "don_vi_khong_co_trong_danh_sach", "SYT", "nop/SYT.xlsx", "ThongTin", "B2", "ma_don_vi", "SYT")
    ]
    assert "'SYT'" in only(intake, "don_vi_khong_co_trong_danh_sach").message
    assert intake.status() == {"DB1": "hop_le", "CB2": "hop_le", "CB3": "hop_le"}


def test_unit_code_in_another_case_is_matched(load: Load, tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    write_unit_workbook(folder / DB1_FILE, "db1", DB1)
    intake = load_folder(folder)
    assert rows(intake, notes=True) == []
    assert intake.status()["DB1"] == "hop_le"


def _zip_garbage(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)


def _encrypted(path: Path) -> None:
    shutil.copyfile(Path(__file__).parent / "data" / "encrypted.xlsx", path)


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_zip_garbage, "hỏng"),
        (_encrypted, "mật khẩu"),
        (lambda p: p.write_text("ma_chi_tieu;gia_tri\ndv_nu;5\n", encoding="utf-8"), "không phải là bảng tính"),
        (lambda p: p.write_bytes(b""), "rỗng"),
    ],
    ids=["corrupt", "encrypted", "text", "empty"],
)
def test_unreadable_file(load: Load, tmp_path: Path, spoil: Callable[[Path], None], reason: str) -> None:
    folder = clean_folder(tmp_path / "bo")
    spoil(folder / DB1_FILE)
    intake = load_folder(folder)
    assert rows(intake, notes=True) == [
        (WARNING, "chua_nop", "DB1", "don-vi.csv", "", "dòng 2", "ma_don_vi", "DB1"),
        (ERROR, "tep_khong_doc_duoc", "", DB1_FILE, "", "", "", ""),
    ] or rows(intake, notes=True) == [
        (ERROR, "tep_khong_doc_duoc", "", DB1_FILE, "", "", "", ""),
        (WARNING, "chua_nop", "DB1", "don-vi.csv", "", "dòng 2", "ma_don_vi", "DB1"),
    ]
    assert reason in only(intake, "tep_khong_doc_duoc").message
    assert intake.status() == {"DB1": "chua_nop", "CB2": "hop_le", "CB3": "hop_le"}


def test_same_unit_twice_with_different_values(load: Load, tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    write_unit_workbook(folder / "nop" / "z-DB1-lan-2.xlsx", "DB1", {**DB1, "dv_nu": 51})
    intake = load_folder(folder)
    assert rows(intake, notes=True) == [
        (ERROR, "nop_trung_khac_nhau", "DB1", "nop/z-DB1-lan-2.xlsx", "SoLieu", cell_of("dv_nu"), "dv_nu", "51")
    ]
    message = only(intake, "nop_trung_khac_nhau").message
    assert f"'50' ở {DB1_FILE}, trang SoLieu, ô {cell_of('dv_nu')}" in message
    assert f"'51' ở nop/z-DB1-lan-2.xlsx, trang SoLieu, ô {cell_of('dv_nu')}" in message
    assert intake.status()["DB1"] == "co_loi"


def test_same_unit_twice_identical_across_shapes(load: Load, tmp_path: Path) -> None:
    """The same figures as a workbook and as a CSV row (text "50" against the number 50): a warning."""
    folder = clean_folder(tmp_path / "bo")
    write_combined_csv(folder / CSV_FILE, {"CB3": CB3, "DB1": DB1})
    intake = load_folder(folder)
    assert rows(intake, notes=True) == [
        (WARNING, "nop_trung_giong_nhau", "DB1", CSV_FILE, "", "dòng 3, cột ma_don_vi", "ma_don_vi", "DB1")
    ]
    message = only(intake, "nop_trung_giong_nhau").message
    assert "nop/DB1.xlsx" in message and CSV_FILE in message
    assert intake.status()["DB1"] == "hop_le"
    assert intake.dataset().figures.loc["DB1", "dv_cuoi_ky"] == 124


def test_same_unit_twice_with_the_same_count_written_differently(load: Load, tmp_path: Path) -> None:
    """1.234 typed as text in a CSV and 1234 as a number in a workbook are the same figure: a warning."""
    folder = clean_folder(tmp_path / "bo", {"DB1": {"bd_luot_hoc_vien": 1234}})
    write_combined_csv(folder / CSV_FILE, {"CB3": CB3, "DB1": {**DB1, "bd_luot_hoc_vien": "1.234"}})
    intake = load_folder(folder)
    assert [(p.severity.value, p.rule, p.unit) for p in intake.problems] == [(WARNING, "nop_trung_giong_nhau", "DB1")]


def test_same_unit_twice_with_one_count_that_is_not_a_number(load: Load, tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo", {"DB1": {"dv_nu": "50 đv"}})
    write_combined_csv(folder / CSV_FILE, {"CB3": CB3, "DB1": DB1})
    intake = load_folder(folder)
    assert rows(intake) == [
        db1("dv_nu", "50 đv", ERROR, "khong_phai_so_nguyen"),
        (ERROR, "nop_trung_khac_nhau", "DB1", CSV_FILE, "", "dòng 3, cột dv_nu", "dv_nu", "50"),
    ]


# --- warnings ---------------------------------------------------------------------------------------


def test_unit_not_submitted(load: Load, tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo")
    (folder / workbook_file("CB2")).unlink()
    intake = load_folder(folder)
    assert rows(intake, notes=True) == [(WARNING, "chua_nop", "CB2", "don-vi.csv", "", "dòng 3", "ma_don_vi", "CB2")]
    assert intake.status()["CB2"] == "chua_nop"
    assert intake.dataset().missing == ["CB2"]


def test_unknown_indicator_code_is_listed_with_its_value(load: Load) -> None:
    intake = load({"DB1": {"dv_nu_tre": 7}})
    assert rows(intake, notes=True) == [
        (WARNING, "chi_tieu_khong_ro", "DB1", DB1_FILE, "SoLieu", cell_of("dv_nu_tre", ["dv_nu_tre"]), "dv_nu_tre", "7")
    ]
    assert "'7'" in only(intake, "chi_tieu_khong_ro").message
    assert intake.status()["DB1"] == "hop_le"


def test_unknown_indicator_code_in_a_csv(load: Load) -> None:
    intake = load({"CB3": {"dv_nu_tre": "4"}})
    assert rows(intake) == [
        (WARNING, "chi_tieu_khong_ro", "CB3", CSV_FILE, "", csv_place("dv_nu_tre"), "dv_nu_tre", "4")
    ]


def test_evaluated_exempt_not_evaluated_do_not_add_up(load: Load) -> None:
    intake = load({"DB1": {"dv_mien_danh_gia": 5}})
    assert rows(intake, notes=True) == [db1("dv_duoc_danh_gia", "118", WARNING, "tong_danh_gia_dang_vien")]
    message = only(intake, "tong_danh_gia_dang_vien").message
    assert "118 + 5 + 2 = 125" in message and "= 124" in message


def test_evaluation_coverage_is_not_checked_when_an_optional_value_is_blank(load: Load) -> None:
    intake = load({"DB1": {"dv_mien_danh_gia": None, "dv_chua_danh_gia": 0}})
    assert rows(intake, notes=True) == [db1("dv_mien_danh_gia", "", NOTE, "chua_bao_cao")]


def test_excellent_members_above_the_share_of_good_ones(load: Load) -> None:
    # 20 > 20 % of 90 = 18; levels still add up: 20 + 90 + 8 + 0 = 118
    intake = load({"DB1": {"dv_htxs": 20, "dv_htt": 90}})
    assert rows(intake, notes=True) == [db1("dv_htxs", "20", WARNING, "ty_le_xuat_sac")]
    message = only(intake, "ty_le_xuat_sac").message
    assert "= 20" in message and "(90)" in message and "22,22%" in message and "20%" in message


def test_excellent_share_is_a_setting(load: Load) -> None:
    changes = {"DB1": {"dv_htxs": 20, "dv_htt": 90}}
    assert rows(load(changes, settings_extra="\n[kiem_tra]\nty_le_xuat_sac_toi_da = 25\n")) == []
    # the clean figures (15 of 95 = 15,8 %; 3 of 15 = 20 %; 4 of 30) break a 10 % limit for DB1 and CB2
    strict = load(settings_extra="\n[kiem_tra]\nty_le_xuat_sac_toi_da = 10\n")
    assert rows(strict) == [
        (WARNING, "ty_le_xuat_sac", "CB2", "nop/CB2.xlsx", "SoLieu", cell_of("dv_htxs"), "dv_htxs", "3"),
        (WARNING, "ty_le_xuat_sac", "CB3", CSV_FILE, "", csv_place("dv_htxs"), "dv_htxs", "4"),
        db1("dv_htxs", "15", WARNING, "ty_le_xuat_sac"),
    ]
    assert all("10%" in p.message for p in strict.problems)


def test_expulsions_do_not_match(load: Load) -> None:
    intake = load({"DB1": {"kl_khai_tru": 2}})
    assert rows(intake, notes=True) == [db1("kl_khai_tru", "2", WARNING, "khai_tru_khong_khop")]
    message = only(intake, "khai_tru_khong_khop").message
    assert "(kl_khai_tru) = 2" in message and "(dv_khai_tru) = 1" in message


def _last_year(**changes: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {unit: {**last_year_of(figures), **changes.get(unit, {})} for unit, figures in CLEAN.items()}


def test_last_year_clean(load: Load) -> None:
    intake = load(last_year=_last_year())
    assert rows(intake, notes=True) == []
    assert intake.last_year is not None and intake.last_year.loc["DB1", "dv_cuoi_ky"] == 120


def test_opening_stock_differs_from_last_years_closing_stock(load: Load) -> None:
    intake = load(last_year=_last_year(DB1={"dv_cuoi_ky": 119, "dv_dau_ky": 115}))
    assert rows(intake, notes=True) == [db1("dv_dau_ky", "120", WARNING, "dau_ky_khac_nam_truoc")]
    message = only(intake, "dau_ky_khac_nam_truoc").message
    assert "năm 2026 = 120" in message and "năm 2025 của đơn vị = 119" in message


def test_figures_identical_to_last_year(load: Load) -> None:
    last = _last_year()
    last["CB2"] = dict(CB2)
    intake = load(last_year=last)
    assert rows(intake, notes=True) == [(WARNING, "giong_nam_truoc", "CB2", "nop/CB2.xlsx", "SoLieu", "", "", "")]
    assert "2025" in only(intake, "giong_nam_truoc").message


def test_last_year_units_with_errors_are_not_compared(load: Load) -> None:
    last = _last_year(DB1={"dv_cuoi_ky": 119})  # breaks last year's own membership identity
    intake = load(last_year=last)
    assert rows(intake) == [(WARNING, "du_lieu_nam_truoc", "", "nam-truoc", "", "", "", "")]
    assert "DB1" in only(intake, "du_lieu_nam_truoc").message
    assert intake.last_year is not None and "DB1" not in intake.last_year.index


# --- notes: optional indicators left blank ------------------------------------------------------------


def test_optional_indicator_left_blank_is_a_note_and_never_zero(load: Load) -> None:
    intake = load({"DB1": {"dv_dan_toc_thieu_so": None}, "CB3": {"cu_duoi_40": None}})
    assert rows(intake) == []  # neither an error nor a warning
    assert rows(intake, notes=True) == [
        (NOTE, "chua_bao_cao", "CB3", CSV_FILE, "", csv_place("cu_duoi_40"), "cu_duoi_40", ""),
        db1("dv_dan_toc_thieu_so", "", NOTE, "chua_bao_cao"),
    ]
    assert intake.status() == {"DB1": "hop_le", "CB2": "hop_le", "CB3": "hop_le"}
    figures = intake.dataset().figures
    assert figures["dv_dan_toc_thieu_so"].dtype == "Int64"
    assert figures.loc["DB1", "dv_dan_toc_thieu_so"] is pd.NA
    assert figures.loc["CB3", "cu_duoi_40"] is pd.NA
    assert figures.loc["CB2", "dv_dan_toc_thieu_so"] == 0  # a real 0 stays 0
    assert figures["dv_dan_toc_thieu_so"].count() == 2  # DB1 is not reported, not a 0


def test_optional_indicator_absent_is_a_note(load: Load) -> None:
    intake = load({"DB1": {"cm_tien_si": ABSENT}})
    assert rows(intake, notes=True) == [(NOTE, "chua_bao_cao", "DB1", DB1_FILE, "SoLieu", "", "cm_tien_si", "")]
    assert intake.dataset().figures.loc["DB1", "cm_tien_si"] is pd.NA


def test_every_problem_is_named_with_the_unit_name(load: Load) -> None:
    intake = load({"DB1": {"kl_khai_tru": 2}})
    assert only(intake, "khai_tru_khong_khop").unit_name == UNITS[0].name
