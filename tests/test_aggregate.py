"""Aggregation on a hand-made Dataset: 5 expected units, 3 usable, 1 left out with errors, 1 missing.

`sample_dataset()` is also used by test_context.py.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from reports.aggregate import STATUS_EXCLUDED, STATUS_INCLUDED, STATUS_MISSING, Change, aggregate, unit_dataset
from reports.indicators import COUNT_CODES, TEXT_CODES
from reports.model import Dataset
from reports.settings import ChiTieu, CoQuan, Settings

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


# --- figures over every unit that reported them (issue 8) -------------------------------------------


def _dataset_with(changes: dict[str, dict[str, Any]], **units_columns: dict[str, str]) -> Dataset:
    """The sample dataset with some figures changed ({unit: {code: value}}; None is "not reported")."""
    dataset = sample_dataset()
    for unit, figures in changes.items():
        for code, value in figures.items():
            dataset.figures.loc[unit, code] = pd.NA if value is None else value
    for column, values in units_columns.items():
        dataset.units[column] = [values.get(code, "") for code in dataset.units.index]
    return dataset


def test_a_blank_form_never_drops_the_other_forms_of_a_unit():
    # CB01 reported two reprimands and left "cách chức" blank: both units' forms count (the old sum
    # over units that filled in all four forms said 3 where units reported 5).
    agg = aggregate(_dataset_with({"CB01": {"kl_khien_trach": 2, "kl_canh_cao": 0, "kl_khai_tru": 0}}))
    total = agg.totals["kl_dang_vien"]
    assert total.value == 5
    assert agg.derived_parts["kl_dang_vien"] == {
        "kl_khien_trach": 3,
        "kl_canh_cao": 1,
        "kl_cach_chuc": 0,
        "kl_khai_tru": 1,
    }
    assert (total.part("kl_khien_trach").reported, total.part("kl_cach_chuc").reported) == (3, 2)
    assert (total.reported, total.units, total.unreported) == (2, 3, ("CB01",))
    assert total.partial and total.presence == "some"
    assert agg.totals["kl_cach_chuc"].presence == "unknown"  # 0 where reported, CB01 silent


def test_a_share_names_the_base_it_was_taken_over():
    agg = aggregate(_dataset_with({"DB02": {"cu_nu": None}}))
    share = agg.shares["cu_nu"]
    assert (share.part, share.whole, share.reported, share.units) == (4, 12, 2, 3)
    assert (share.part_total, share.whole_total) == (4, 19)  # the cấp ủy total printed is 19, not 12
    assert share.pct == Decimal("33.33") and not share.base_is_total
    complete = aggregate(sample_dataset()).shares["cu_nu"]
    assert complete.base_is_total and (complete.part, complete.whole) == (6, 19)


def test_a_chi_bo_is_not_counted_as_silent_on_figures_it_cannot_have():
    agg = aggregate(_dataset_with({"CB01": {"so_dang_bo_bo_phan": None}}))
    branches = agg.totals["so_dang_bo_bo_phan"]
    assert (branches.value, branches.reported, branches.units, branches.unreported) == (2, 1, 2, ("DB02",))
    # kl_to_chuc_dang: the two đảng bộ said 0 and the chi bộ cannot have any: "none" is known.
    orgs = agg.totals["kl_to_chuc_dang"]
    assert (orgs.value, orgs.units, orgs.presence) == (0, 2, "none")
    one = aggregate(unit_dataset(_dataset_with({"CB01": {"so_dang_bo_bo_phan": None}}), "CB01"), tables=False)
    assert not one.totals["so_dang_bo_bo_phan"].applies and one.totals["so_dang_bo_bo_phan"].complete


def test_none_only_when_every_unit_that_can_have_it_reported_zero():
    agg = aggregate(_dataset_with({"DB02": {"dv_tuoi_18_30": 0}, "CB01": {"dv_tuoi_18_30": 0}}))
    assert agg.totals["dv_tuoi_18_30"].presence == "some"
    zero = aggregate(_dataset_with({"DB01": {"dv_tuoi_18_30": 0}, "CB01": {"dv_tuoi_18_30": 0}}))
    assert zero.totals["dv_tuoi_18_30"].presence == "unknown"  # DB02 did not report it
    none = aggregate(_dataset_with({d: {"dv_tuoi_18_30": 0} for d in ("DB01", "DB02", "CB01")}))
    assert none.totals["dv_tuoi_18_30"].presence == "none"


# --- last year in points, targets and the summary ---------------------------------------------------


def test_share_changes_are_in_percentage_points():
    dataset = sample_dataset()
    assert dataset.last_year is not None
    dataset.last_year["tcd_duoc_danh_gia"] = pd.Series({"DB01": 12, "DB02": 6, "CB01": 1, "CB02": 1}, dtype="Int64")
    change = aggregate(dataset).share_changes["tcd_htt_tro_len"]
    assert (change.current.pct, change.previous.pct) == (Decimal("80.95"), Decimal("84.21"))
    assert change.points == Decimal("-3.26")


def _with_targets(targets: tuple[tuple[str, float], ...], *, equal_is_met: bool = True) -> Dataset:
    dataset = sample_dataset()
    chi_tieu = ChiTieu(targets, equal_is_met, "chi_tieu")
    dataset.settings = replace(dataset.settings, chi_tieu=chi_tieu)
    return dataset


TARGETS = (("ket_nap", 17.0), ("tcd_htt_tro_len_pct", 80.0), ("dv_htt_tro_len_pct", 90.0), ("bd_so_lop", 4.0))


def test_targets_met_exceeded_and_not_met():
    agg = aggregate(_with_targets(TARGETS))
    results = {r.target.key: r for r in agg.targets.results}
    admission = results["ket_nap"]
    assert (admission.achieved, admission.pct_of_target, admission.status) == (17, Decimal("100.00"), "dat")
    orgs = results["tcd_htt_tro_len_pct"]
    assert (orgs.achieved, orgs.points, orgs.status) == (Decimal("80.95"), Decimal("0.95"), "vuot")
    members = results["dv_htt_tro_len_pct"]
    assert (members.achieved, members.points, members.status) == (Decimal("89.84"), Decimal("-0.16"), "khong_dat")
    classes = results["bd_so_lop"]
    assert (classes.achieved, classes.pct_of_target, classes.status) == (5, Decimal("125.00"), "vuot")
    assert (agg.targets.met, agg.targets.count, agg.targets.source) == (3, 4, "chi_tieu")
    strict = aggregate(_with_targets(TARGETS, equal_is_met=False))
    assert strict.targets.get("ket_nap").status == "khong_dat"  # type: ignore[union-attr]
    assert strict.targets.met == 2


def test_a_target_on_a_figure_nobody_reported_has_no_status():
    dataset = _with_targets((("cm_tien_si", 2.0),))
    dataset.figures["cm_tien_si"] = pd.Series(pd.NA, index=dataset.figures.index, dtype="Int64")
    result = aggregate(dataset).targets.results[0]
    assert (result.achieved, result.status, result.met) == (None, None, False)


def test_summary_rows_main_indicators_then_other_targets():
    agg = aggregate(_with_targets(TARGETS))
    rows = {row.key: row for row in agg.summary}
    assert list(rows) == [
        "dv_cuoi_ky", "dv_ket_nap", "tcd_htt_tro_len", "dv_htt_tro_len", "kl_dang_vien", "kl_to_chuc_dang", "bd_so_lop",
    ]  # fmt: skip
    members = rows["dv_cuoi_ky"]
    assert (members.previous, members.current, members.measure) == (370, 382, "count")
    assert isinstance(members.change, Change) and members.change.pct == Decimal("3.24")
    good = rows["dv_htt_tro_len"]
    assert (good.current, good.measure, good.target.status) == (Decimal("89.84"), "share", "khong_dat")  # type: ignore[union-attr]
    assert rows["bd_so_lop"].target is agg.targets.get("bd_so_lop")
    assert aggregate(unit_dataset(_with_targets(TARGETS), "DB01"), tables=False).targets.results == []


# --- ratings by level from xep_loai, named units, texts ---------------------------------------------


LEVELS_GIVEN = {"DB01": "htxs", "DB02": "htt", "CB01": "kht", "CB02": "htt"}  # CB03 not rated yet


def test_base_organisations_rated_apart_from_those_under_them():
    agg = aggregate(_dataset_with({}, xep_loai=LEVELS_GIVEN))
    tccs = agg.ratings["tccs"]
    assert {lv: tccs.count(lv) for lv in ("htxs", "htt", "ht", "kht")} == {"htxs": 1, "htt": 2, "ht": 0, "kht": 1}
    assert (tccs.rated, tccs.not_rated, tccs.left_out) == (4, 1, ("CB03",))
    assert tccs.htt_tro_len.pct == Decimal("75.00")
    assert tccs.htxs_so_htt.pct == Decimal("50.00") and tccs.over_cap  # 1 "xuất sắc" for 2 "tốt": over 20 %
    under = agg.ratings["truc_thuoc"]
    # tcd_* less the unit itself: DB01 htxs 2-1, DB02 htt 5-1, CB01 kht 1-1.
    assert {lv: under.count(lv) for lv in ("htxs", "htt", "ht", "kht")} == {"htxs": 2, "htt": 13, "ht": 2, "kht": 1}
    assert under.rated == 21 - 3 and under.left_out == ()
    assert agg.ratings["tcd"].rated == 21  # the pooled rating stays as it was
    assert [u.code for u in agg.named.tccs_htxs] == ["DB01"]
    assert [u.code for u in agg.named.tccs_kht] == ["CB01"]


def test_a_unit_whose_own_level_is_not_in_its_counts_is_left_out_of_the_split():
    agg = aggregate(_dataset_with({}, xep_loai={**LEVELS_GIVEN, "DB02": "kht"}))  # DB02 has tcd_kht = 0
    assert agg.ratings["truc_thuoc"].left_out == ("DB02",)
    assert agg.ratings["truc_thuoc"].rated == 21 - 7 - 2


def test_without_xep_loai_there_is_no_rating_of_the_base_organisations():
    agg = aggregate(sample_dataset())
    assert set(agg.ratings) == {"tcd", "dv"}
    assert agg.named.tccs_htxs == []
    members = agg.ratings["dv"]
    assert (members.htxs_so_htt.pct, members.over_cap) == (Decimal("18.91"), False)  # 52 "xuất sắc" of 275 "tốt"


def test_named_units():
    agg = aggregate(_dataset_with({"DB02": {"dv_ket_nap": 0}, "CB01": {"dv_kht": 1}}))
    assert [(u.code, u.name) for u in agg.named.no_admission] == [("DB02", "Đảng bộ Sở Y tế")]
    assert [(u.code, u.count) for u in agg.named.members_kht] == [("DB01", 2), ("CB01", 1)]
    assert [u.code for u in agg.named.not_submitted] == ["CB03"]
    assert [u.code for u in agg.named.excluded] == ["CB02"]


def test_identical_texts_are_one_mention_naming_every_unit():
    text = "Đề nghị Đảng ủy Khối mở lớp bồi dưỡng nghiệp vụ."
    agg = aggregate(
        _dataset_with(
            {
                "DB01": {"nd_kien_nghi": text},
                "DB02": {"nd_kien_nghi": "đề nghị  đảng ủy khối mở lớp\nbồi dưỡng nghiệp vụ."},
                "CB01": {"nd_kien_nghi": "Đề nghị Tỉnh ủy quan tâm bố trí biên chế."},
            }
        )
    )
    groups = agg.text_groups["nd_kien_nghi"]
    assert [(g.text, [u.code for u in g.units], g.to_committee) for g in groups] == [
        (text, ["DB01", "DB02"], True),
        ("Đề nghị Tỉnh ủy quan tâm bố trí biên chế.", ["CB01"], False),
    ]
    assert agg.requests_to_committee == [groups[0]] and agg.requests_to_others == [groups[1]]


@pytest.mark.parametrize(
    ("text", "to_committee"),
    [
        ("Đề nghị Đảng ủy Khối tăng cường tập huấn.", True),
        ("- Kính đề nghị Ban Thường vụ Đảng uỷ Khối quan tâm.", True),
        ("Kiến nghị với Đảng ủy Khối các cơ quan tỉnh về biên chế.", True),
        ("Đề nghị ĐUK sớm hướng dẫn.", True),
        ("Đề nghị Đảng ủy cấp trên sớm hướng dẫn.", True),
        ("Đề nghị Ban Tổ chức Tỉnh ủy sớm ban hành hướng dẫn.", False),
        ("Đề nghị cấp trên sớm ban hành hướng dẫn.", False),
        ("Đơn vị đề nghị Đảng ủy Khối quan tâm.", False),
    ],
)
def test_requests_addressed_to_the_committee(text: str, to_committee: bool):
    agg = aggregate(_dataset_with({"DB01": {"nd_kien_nghi": text}}))
    group = next(g for g in agg.text_groups["nd_kien_nghi"] if "DB01" in [u.code for u in g.units])
    assert group.to_committee is to_committee
