"""Aggregation on a hand-made Dataset: 5 expected units, 3 usable, 1 left out with errors, 1 missing.

`sample_dataset()` is also used by test_context.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from reports.aggregate import STATUS_EXCLUDED, STATUS_INCLUDED, STATUS_MISSING, aggregate, unit_dataset
from reports.indicators import COUNT_CODES, TEXT_CODES
from reports.model import Dataset
from reports.settings import CoQuan, Settings

NA = None

UNITS = [
    ("DB01", "Đảng bộ Sở Tài chính", "dang_bo_co_so", "Khối Nhà nước"),
    ("DB02", "Đảng bộ Sở Y tế", "dang_bo_co_so", "Khối Nhà nước"),
    ("CB01", "Chi bộ Hội Nông dân tỉnh", "chi_bo_co_so", "Khối Đảng, đoàn thể"),
    ("CB02", "Chi bộ Liên đoàn Lao động tỉnh", "chi_bo_co_so", "Khối Đảng, đoàn thể"),
    ("CB03", "Chi bộ Hội Cựu chiến binh tỉnh", "chi_bo_co_so", "Khối Đảng, đoàn thể"),
]

_DB01 = {
    "so_dang_bo_bo_phan": 2, "so_chi_bo_truc_thuoc": 10,
    "dv_dau_ky": 200, "dv_ket_nap": 10, "dv_chuyen_den": 5, "dv_phuc_hoi": 0, "dv_tu_tran": 1,
    "dv_khai_tru": 1, "dv_xoa_ten": 0, "dv_xin_ra": 0, "dv_chuyen_di": 3, "dv_cuoi_ky": 210,
    "dv_nu": 90, "dv_du_bi": 12, "dv_dan_toc_thieu_so": 5, "dv_tuoi_18_30": 40,
    "dv_cong_nhan_chinh_thuc": 8, "chi_tieu_ket_nap": 12,
    "tcd_duoc_danh_gia": 13, "tcd_htxs": 2, "tcd_htt": 9, "tcd_ht": 1, "tcd_kht": 1,
    "dv_duoc_danh_gia": 200, "dv_mien_danh_gia": 8, "dv_chua_danh_gia": 2,
    "dv_htxs": 30, "dv_htt": 150, "dv_ht": 18, "dv_kht": 2,
    "cu_tong": 9, "cu_nu": 3, "cu_duoi_40": 2, "cu_dai_hoc_tro_len": 9, "cu_llct_trung_cap_tro_len": 8,
    "qh_luot": 20, "qh_nu": 6, "qh_duoi_40": 8, "bo_nhiem": 5, "bo_nhiem_lai": 2,
    "gioi_thieu_ung_cu": 1, "luan_chuyen": 2, "dieu_dong": 3,
    "llct_cao_cap": 1, "llct_trung_cap": 4, "llct_so_cap": 10, "cm_tien_si": 0, "cm_thac_si": 2,
    "cm_dai_hoc": 1, "bd_so_lop": 3, "bd_luot_hoc_vien": 1250,
    "kt_to_chuc_dang": 3, "kt_dang_vien": 10, "gs_to_chuc_dang": 2, "gs_dang_vien": 5,
    "kl_to_chuc_dang": 0, "kl_khien_trach": 1, "kl_canh_cao": 0, "kl_cach_chuc": 0, "kl_khai_tru": 1,
    "nd_ket_qua_noi_bat": "Hoàn thành toàn bộ chỉ tiêu kết nạp đảng viên.",
    "nd_han_che": "Sinh hoạt chuyên đề ở một số chi bộ chưa đều.",
}  # fmt: skip

_DB02 = {
    "so_dang_bo_bo_phan": NA, "so_chi_bo_truc_thuoc": 6,
    "dv_dau_ky": 150, "dv_ket_nap": 6, "dv_chuyen_den": 2, "dv_phuc_hoi": 1, "dv_tu_tran": 2,
    "dv_khai_tru": 0, "dv_xoa_ten": 1, "dv_xin_ra": 0, "dv_chuyen_di": 4, "dv_cuoi_ky": 152,
    "dv_nu": 70, "dv_du_bi": 8, "dv_cong_nhan_chinh_thuc": 5,
    "tcd_duoc_danh_gia": 7, "tcd_htxs": 1, "tcd_htt": 5, "tcd_ht": 1, "tcd_kht": 0,
    "dv_duoc_danh_gia": 145, "dv_htxs": 20, "dv_htt": 110, "dv_ht": 15, "dv_kht": 0,
    "cu_tong": 7, "cu_nu": 2, "cu_duoi_40": 1, "cu_dai_hoc_tro_len": 7, "cu_llct_trung_cap_tro_len": 6,
    "qh_luot": 15, "qh_nu": 5, "qh_duoi_40": 4, "bo_nhiem": 3, "bo_nhiem_lai": 1,
    "gioi_thieu_ung_cu": 0, "luan_chuyen": 1, "dieu_dong": 2,
    "llct_cao_cap": 0, "llct_trung_cap": 3, "llct_so_cap": 6, "cm_tien_si": 1, "cm_thac_si": 1,
    "cm_dai_hoc": 0, "bd_so_lop": 2, "bd_luot_hoc_vien": 180,
    "kt_to_chuc_dang": 2, "kt_dang_vien": 6, "gs_to_chuc_dang": 1, "gs_dang_vien": 3,
    "kl_to_chuc_dang": 0, "kl_khien_trach": 0, "kl_canh_cao": 1, "kl_cach_chuc": 0, "kl_khai_tru": 0,
    "nd_kien_nghi": "Đề nghị mở thêm lớp bồi dưỡng nghiệp vụ công tác đảng.",
}  # fmt: skip

_CB01 = {
    "so_dang_bo_bo_phan": 0, "so_chi_bo_truc_thuoc": 0,
    "dv_dau_ky": 20, "dv_ket_nap": 1, "dv_chuyen_den": 0, "dv_phuc_hoi": 0, "dv_tu_tran": 0,
    "dv_khai_tru": 0, "dv_xoa_ten": 0, "dv_xin_ra": 0, "dv_chuyen_di": 1, "dv_cuoi_ky": 20,
    "dv_nu": 12, "dv_du_bi": 1, "chi_tieu_ket_nap": 2,
    "tcd_duoc_danh_gia": 1, "tcd_htxs": 0, "tcd_htt": 0, "tcd_ht": 0, "tcd_kht": 1,
    "dv_duoc_danh_gia": 19, "dv_htxs": 2, "dv_htt": 15, "dv_ht": 2, "dv_kht": 0,
    "cu_tong": 3, "cu_nu": 1, "cu_duoi_40": 0, "cu_dai_hoc_tro_len": 3, "cu_llct_trung_cap_tro_len": 2,
    "kt_to_chuc_dang": 0, "kt_dang_vien": 1, "gs_to_chuc_dang": 0, "gs_dang_vien": 1,
    "nd_mo_hinh": "Mô hình “Chi bộ 4 tốt”.",
}  # fmt: skip

_LAST_YEAR = {
    "DB01": {"dv_cuoi_ky": 200, "dv_ket_nap": 8, "tcd_htxs": 2, "tcd_htt": 8, "dv_htxs": 25, "dv_htt": 150},
    "DB02": {"dv_cuoi_ky": 150, "dv_ket_nap": 5, "tcd_htxs": 1, "tcd_htt": 4, "dv_htxs": 20, "dv_htt": 100},
    "CB01": {"dv_cuoi_ky": 20, "dv_ket_nap": 0, "tcd_htxs": 0, "tcd_htt": 1, "dv_htxs": 2, "dv_htt": 16},
    # CB02 is left out this year: its last-year figures must not enter the comparison.
    "CB02": {"dv_cuoi_ky": 50, "dv_ket_nap": 3, "tcd_htxs": 1, "tcd_htt": 0, "dv_htxs": 5, "dv_htt": 40},
}


def figures_frame(rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The `Dataset.figures` shape: Int64 counts with <NA>, object texts with None."""
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=[*COUNT_CODES, *TEXT_CODES])
    for code in COUNT_CODES:
        frame[code] = frame[code].astype("Float64").astype("Int64")
    for code in TEXT_CODES:
        frame[code] = frame[code].astype(object).where(frame[code].notna(), None)
    frame.index.name = "ma_don_vi"
    return frame


def sample_settings() -> Settings:
    return Settings(
        nam=2024,
        co_quan=CoQuan(
            cap_tren="ĐẢNG BỘ TỈNH QUẢNG NINH",
            ten="ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
            ky_hieu="ĐUK",
            dia_danh="Hạ Long",
        ),
    )


def sample_dataset(*, last_year: bool = True, draft: bool = True) -> Dataset:
    units = pd.DataFrame(UNITS, columns=["ma_don_vi", "ten_don_vi", "loai", "nhom"]).set_index("ma_don_vi")
    return Dataset(
        settings=sample_settings(),
        units=units,
        figures=figures_frame({"DB01": _DB01, "DB02": _DB02, "CB01": _CB01}),
        excluded=["CB02"],
        missing=["CB03"],
        last_year=figures_frame(_LAST_YEAR) if last_year else None,
        draft=draft,
    )


@pytest.fixture(scope="module")
def agg():
    return aggregate(sample_dataset())


def test_required_totals_cover_every_usable_unit(agg):
    total = agg.totals["dv_cuoi_ky"]
    assert (total.value, total.reported, total.units, total.complete) == (382, 3, 3, True)
    assert agg.value("dv_dau_ky") == 370
    assert agg.value("dv_ket_nap") == 17
    assert agg.value("so_chi_bo_truc_thuoc") == 16
    assert agg.value("kl_dang_vien") == 3  # DB01: khiển trách 1 + khai trừ 1; DB02: cảnh cáo 1; CB01 blank
    assert agg.totals["kl_dang_vien"].reported == 2


def test_optional_blank_is_not_reported_never_zero(agg):
    bp = agg.totals["so_dang_bo_bo_phan"]
    assert (bp.value, bp.reported, bp.units, bp.complete) == (2, 2, 3, False)
    target = agg.totals["chi_tieu_ket_nap"]
    assert (target.value, target.reported) == (14, 2)
    tuoi = agg.totals["dv_tuoi_18_30"]
    assert (tuoi.value, tuoi.reported) == (40, 1)


def test_indicator_nobody_reported_has_no_value():
    dataset = sample_dataset()
    dataset.figures["qh_luot"] = pd.Series(pd.NA, index=dataset.figures.index, dtype="Int64")
    total = aggregate(dataset).totals["qh_luot"]
    assert (total.value, total.reported) == (None, 0)


def test_shares_record_their_denominator(agg):
    nu = agg.shares["dv_nu"]
    assert (nu.part, nu.whole, nu.denominator_label) == (172, 382, "tổng số đảng viên")
    assert nu.pct == Decimal("45.03")
    tcd = agg.shares["tcd_htt_tro_len"]
    assert (tcd.part, tcd.whole) == (17, 21)
    assert tcd.pct == Decimal("80.95")
    assert "tổ chức đảng được đánh giá" in tcd.denominator_label
    dv = agg.shares["dv_htt_tro_len"]
    assert (dv.part, dv.whole, dv.pct) == (327, 364, Decimal("89.84"))
    assert agg.shares["bo_nhiem_lai"].whole == 8


def test_share_with_optional_whole_uses_units_reporting_both(agg):
    target = agg.shares["ket_nap_chi_tieu"]
    # DB02 gave no target: its 6 admissions are not set against anyone's target.
    assert (target.part, target.whole, target.reported, target.units) == (11, 14, 2, 3)
    assert target.pct == Decimal("78.57")
    assert not target.complete
    start = agg.shares["ket_nap_dau_ky"]
    assert (start.part, start.whole, start.complete) == (17, 370, True)


def test_organisation_counts_by_type(agg):
    assert (agg.orgs.dang_bo_co_so, agg.orgs.chi_bo_co_so, agg.orgs.tccs) == (2, 1, 3)
    expected = agg.orgs.expected_dang_bo_co_so, agg.orgs.expected_chi_bo_co_so, agg.orgs.expected_tccs
    assert expected == (2, 3, 5)


def test_units_rated_not_completing_their_tasks_are_named(agg):
    kht = [(u.code, u.name, u.count) for u in agg.units_by_level["kht"]]
    assert kht == [("DB01", "Đảng bộ Sở Tài chính", 1), ("CB01", "Chi bộ Hội Nông dân tỉnh", 1)]
    assert [u.code for u in agg.units_by_level["htxs"]] == ["DB01", "DB02"]


def test_groups_in_first_appearance_order(agg):
    groups = agg.groups.set_index("nhom")
    assert list(groups.index) == ["Khối Nhà nước", "Khối Đảng, đoàn thể"]
    assert groups.loc["Khối Nhà nước", "so_don_vi"] == 2
    assert groups.loc["Khối Nhà nước", "dv_cuoi_ky"] == 362
    assert groups.loc["Khối Đảng, đoàn thể", "dv_ket_nap"] == 1
    assert groups.loc["Khối Nhà nước", "tcd_htt_tro_len"] == 17
    assert groups.loc["Khối Đảng, đoàn thể", "dv_htt_tro_len"] == 17


def test_no_groups_when_units_have_none():
    dataset = sample_dataset()
    dataset.units["nhom"] = ""
    assert aggregate(dataset).groups.empty


def test_unit_table_lists_every_expected_unit_with_status(agg):
    table = agg.unit_table
    assert list(table.index) == ["DB01", "DB02", "CB01", "CB02", "CB03"]
    assert list(table["status"]) == [STATUS_INCLUDED] * 3 + [STATUS_EXCLUDED, STATUS_MISSING]
    assert table.loc["DB02", "dv_cuoi_ky"] == 152
    assert pd.isna(table.loc["CB02", "dv_cuoi_ky"])


def test_last_year_changes_leave_out_units_not_included_this_year(agg):
    members = agg.changes["dv_cuoi_ky"]
    assert (members.current, members.previous, members.delta) == (382, 370, 12)
    assert members.pct == Decimal("3.24")
    admissions = agg.changes["dv_ket_nap"]
    assert (admissions.previous, admissions.delta) == (13, 4)
    orgs = agg.changes["tcd_htt_tro_len"]
    assert (orgs.current, orgs.previous, orgs.delta) == (17, 16, 1)
    # Last year's frame has no discipline columns: no comparison, not a comparison with 0.
    assert agg.changes["kl_dang_vien"].previous is None
    assert agg.changes["kl_dang_vien"].delta is None


def test_decrease_gives_negative_delta_and_pct():
    dataset = sample_dataset()
    assert dataset.last_year is not None
    dataset.last_year.loc["DB01", "dv_htt"] = 200
    change = aggregate(dataset).changes["dv_htt_tro_len"]
    assert (change.current, change.previous, change.delta) == (327, 363, -36)
    assert change.pct == Decimal("-9.92")


def test_no_last_year():
    agg = aggregate(sample_dataset(last_year=False))
    assert agg.changes == {}
    assert not agg.has_last_year


def test_texts_keep_unit_names(agg):
    assert agg.texts["nd_han_che"] == [
        ("DB01", "Đảng bộ Sở Tài chính", "Sinh hoạt chuyên đề ở một số chi bộ chưa đều.")
    ]
    assert [name for _, name, _ in agg.texts["nd_kien_nghi"]] == ["Đảng bộ Sở Y tế"]


def test_one_unit_aggregates_with_the_same_code():
    dataset = sample_dataset()
    one = aggregate(unit_dataset(dataset, "DB02"))
    assert one.included == ["DB02"]
    assert one.complete
    assert one.value("dv_cuoi_ky") == 152
    assert one.totals["so_dang_bo_bo_phan"].value is None
    assert one.shares["tcd_htt_tro_len"].pct == Decimal("85.71")
    assert (one.orgs.dang_bo_co_so, one.orgs.chi_bo_co_so) == (1, 0)
    assert one.changes["dv_cuoi_ky"].previous == 150
    assert one.units_by_level["kht"] == []


def test_one_unit_must_be_usable():
    with pytest.raises(KeyError):
        unit_dataset(sample_dataset(), "CB02")
