"""Every figure the consolidated report states for the sample, recomputed from the submissions.

The submissions are read here with pandas and openpyxl directly, and every figure is recomputed in
plain Python with the relations restated below (not taken from the catalogue), then compared with what
`aggregate()` hands to the templates: counts and who reported them, derived sums, shares with their
bases, ratings by level, last year's changes, targets, named units and grouped texts.
"""

from __future__ import annotations

import csv
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from reports.aggregate import Aggregates, aggregate
from reports.indicators import SHARES
from reports.intake import load_folder

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "mau"
LEVELS = ("htxs", "htt", "ht", "kht")
Figures = dict[str, Any]

# --- the relations, restated ------------------------------------------------------------------------

FORMS = ("kl_khien_trach", "kl_canh_cao", "kl_cach_chuc", "kl_khai_tru")
SUMS = {
    "tcd_htt_tro_len": ("tcd_htxs", "tcd_htt"),
    "dv_htt_tro_len": ("dv_htxs", "dv_htt"),
    "kl_dang_vien": FORMS,
}
# Share key -> (parts, base). A share is taken over the units that reported the parts and the base.
SHARE_BASES: dict[str, tuple[tuple[str, ...], str]] = {
    **{c: ((c,), "dv_cuoi_ky") for c in ("dv_nu", "dv_du_bi", "dv_dan_toc_thieu_so", "dv_tuoi_18_30")},
    **{c: ((c,), "dv_cuoi_ky") for c in ("dv_duoc_danh_gia", "dv_mien_danh_gia", "dv_chua_danh_gia")},
    **{f"tcd_{lv}": ((f"tcd_{lv}",), "tcd_duoc_danh_gia") for lv in LEVELS},
    "tcd_htt_tro_len": (("tcd_htxs", "tcd_htt"), "tcd_duoc_danh_gia"),
    **{f"dv_{lv}": ((f"dv_{lv}",), "dv_duoc_danh_gia") for lv in LEVELS},
    "dv_htt_tro_len": (("dv_htxs", "dv_htt"), "dv_duoc_danh_gia"),
    "dv_htxs_so_htt": (("dv_htxs",), "dv_htt"),
    "tcd_htxs_so_htt": (("tcd_htxs",), "tcd_htt"),
    "ket_nap_chi_tieu": (("dv_ket_nap",), "chi_tieu_ket_nap"),
    "ket_nap_dau_ky": (("dv_ket_nap",), "dv_dau_ky"),
    **{c: ((c,), "cu_tong") for c in ("cu_nu", "cu_duoi_40", "cu_dai_hoc_tro_len", "cu_llct_trung_cap_tro_len")},
    "qh_nu": (("qh_nu",), "qh_luot"),
    "qh_duoi_40": (("qh_duoi_40",), "qh_luot"),
    "bo_nhiem_lai": (("bo_nhiem_lai",), "bo_nhiem"),
}
# What a chi bộ cơ sở cannot have (no đảng bộ bộ phận, no tổ chức đảng under it).
NOT_FOR_CHI_BO = {"so_dang_bo_bo_phan", "kt_to_chuc_dang", "gs_to_chuc_dang", "kl_to_chuc_dang"}


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- reading the submissions ------------------------------------------------------------------------


def _number(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return None
    return int(float(value))


def _header_row(frame: pd.DataFrame, name: str) -> int:
    return next(i for i, row in frame.iterrows() if name in set(row.astype(str)))


def _pairs(frame: pd.DataFrame, key: str) -> dict[str, Any]:
    """A sheet laid out as (key, gia_tri) rows under the first row holding `key`."""
    top = _header_row(frame, key)
    header = list(frame.loc[top].astype(str))
    body = frame.loc[top + 1 :]
    keys, values = body.iloc[:, header.index(key)], body.iloc[:, header.index("gia_tri")]
    return {str(k): v for k, v in zip(keys, values, strict=True) if isinstance(k, str) and k.strip()}


def _rows(frame: pd.DataFrame) -> dict[str, Figures]:
    """A combined table: header row first, one row per unit."""
    frame = frame.rename(columns=str)
    return {str(r["ma_don_vi"]): {k: v for k, v in r.items() if k != "ma_don_vi"} for r in frame.to_dict("records")}


def read_submissions(folder: Path) -> dict[str, Figures]:
    submitted: dict[str, Figures] = {}
    for path in sorted((folder / "nop").iterdir()):
        if path.suffix == ".csv":
            table = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
            submitted.update(_rows(table))
            continue
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
        if "SoLieu" in sheets:
            info = _pairs(sheets["ThongTin"], "truong")
            submitted[str(info["ma_don_vi"])] = _pairs(sheets["SoLieu"], "ma_chi_tieu")
        else:
            first = next(iter(sheets.values()))
            submitted.update(_rows(first.iloc[1:].set_axis(list(first.iloc[0]), axis=1)))
    return submitted


def counts_of(figures: Figures) -> dict[str, int | None]:
    return {code: _number(value) for code, value in figures.items() if not code.startswith("nd_")}


def read_units(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "don-vi.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {row["ma_don_vi"]: row for row in csv.DictReader(fh)}


# --- fixtures ---------------------------------------------------------------------------------------


class Sample:
    def __init__(self) -> None:
        self.units = read_units(SAMPLE)
        raw = read_submissions(SAMPLE)
        self.texts = raw
        self.counts = {code: counts_of(figs) for code, figs in raw.items()}
        self.last = {code: counts_of(figs) for code, figs in read_submissions(SAMPLE / "nam-truoc").items()}

    def reported(self, code: str, source: dict[str, dict[str, int | None]] | None = None) -> dict[str, int]:
        source = self.counts if source is None else source
        return {u: f[code] for u, f in source.items() if f.get(code) is not None}  # type: ignore[misc]

    def total(self, code: str, source: dict[str, dict[str, int | None]] | None = None) -> int | None:
        values = self.reported(code, source)
        return sum(values.values()) if values else None


@pytest.fixture(scope="module")
def sample() -> Sample:
    return Sample()


@pytest.fixture(scope="module")
def agg() -> Aggregates:
    return aggregate(load_folder(SAMPLE).dataset())


# --- the tests --------------------------------------------------------------------------------------


def test_the_sample_is_complete(sample: Sample, agg: Aggregates) -> None:
    assert set(sample.counts) == set(sample.units)
    assert agg.included_count == len(sample.units) == agg.expected_count
    assert agg.named.not_submitted == [] and agg.named.excluded == []


def test_every_count_is_the_sum_over_the_units_that_reported_it(sample: Sample, agg: Aggregates) -> None:
    codes = {c for figs in sample.counts.values() for c in figs}
    for code in codes:
        values = sample.reported(code)
        total = agg.totals[code]
        assert total.value == (sum(values.values()) if values else None), code
        assert total.reported == len(values), code
        can_have = {u for u, row in sample.units.items() if row["loai"] != "chi_bo_co_so" or code not in NOT_FOR_CHI_BO}
        assert total.units == len(can_have | set(values)), code
        assert set(total.unreported) == can_have - set(values), code


def test_discipline_is_every_form_each_unit_reported(sample: Sample, agg: Aggregates) -> None:
    forms = {code: sample.total(code) or 0 for code in FORMS}
    total = agg.totals["kl_dang_vien"]
    assert total.value == sum(forms.values())
    assert agg.derived_parts["kl_dang_vien"] == forms
    for name, parts in SUMS.items():
        assert agg.totals[name].value == sum(sample.total(p) or 0 for p in parts), name
        every = [u for u, f in sample.counts.items() if all(f.get(p) is not None for p in parts)]
        assert agg.totals[name].reported == len(every), name


def test_every_share_is_taken_over_the_units_that_reported_part_and_base(sample: Sample, agg: Aggregates) -> None:
    assert set(SHARE_BASES) == set(SHARES), "the restated share list covers the catalogue"
    for key, (parts, base) in SHARE_BASES.items():
        both = [u for u, f in sample.counts.items() if all(f.get(c) is not None for c in (*parts, base))]
        part = sum(sample.counts[u][c] or 0 for u in both for c in parts)
        whole = sum(sample.counts[u][base] or 0 for u in both)
        share = agg.shares[key]
        assert (share.part, share.whole, share.reported) == (part, whole, len(both)), key
        assert share.pct == percent(part, whole), key
        assert share.whole_total == sample.total(base), key
        printed_part = [sample.total(c) for c in parts if sample.total(c) is not None]
        assert share.part_total == (sum(printed_part) if printed_part else None), key
        assert share.base_is_total == (part == share.part_total and whole == sample.total(base)), key


def test_organisations_and_ratings_by_level(sample: Sample, agg: Aggregates) -> None:
    kinds = [row["loai"] for row in sample.units.values()]
    assert (agg.orgs.dang_bo_co_so, agg.orgs.chi_bo_co_so) == (
        kinds.count("dang_bo_co_so"),
        kinds.count("chi_bo_co_so"),
    )
    own = {u: row["xep_loai"] for u, row in sample.units.items()}
    tccs = agg.ratings["tccs"]
    assert {lv: tccs.count(lv) for lv in LEVELS} == {lv: list(own.values()).count(lv) for lv in LEVELS}
    rated = sum(1 for lv in own.values() if lv)
    assert tccs.rated == rated
    good = sum(1 for lv in own.values() if lv in ("htxs", "htt"))
    assert tccs.htt_tro_len.pct == percent(good, rated)
    excellent, fine = list(own.values()).count("htxs"), list(own.values()).count("htt")
    assert (tccs.htxs_so_htt.part, tccs.htxs_so_htt.whole) == (excellent, fine)
    assert not tccs.over_cap and excellent * 100 <= 20 * fine
    under = agg.ratings["truc_thuoc"]
    for lv in LEVELS:
        expected = sum((f[f"tcd_{lv}"] or 0) - (own[u] == lv) for u, f in sample.counts.items())
        assert under.count(lv) == expected, lv
    assert under.rated == sum(f["tcd_duoc_danh_gia"] or 0 for f in sample.counts.values()) - rated
    assert under.rated + tccs.rated == agg.ratings["tcd"].rated
    members = agg.ratings["dv"]
    assert members.rated == sample.total("dv_duoc_danh_gia")
    assert members.htxs_so_htt.pct == percent(sample.total("dv_htxs") or 0, sample.total("dv_htt") or 0)


def test_changes_on_last_year_in_units_and_in_points(sample: Sample, agg: Aggregates) -> None:
    for key in ("dv_cuoi_ky", "dv_ket_nap", "kl_to_chuc_dang"):
        change = agg.changes[key]
        assert (change.current, change.previous) == (sample.total(key), sample.total(key, sample.last)), key
    before = sum(sample.total(c, sample.last) or 0 for c in FORMS)
    assert agg.changes["kl_dang_vien"].previous == before
    for key, (parts, base) in (
        ("tcd_htt_tro_len", SHARE_BASES["tcd_htt_tro_len"]),
        ("dv_htt_tro_len", SHARE_BASES["dv_htt_tro_len"]),
    ):
        now = percent(sum(sample.total(p) or 0 for p in parts), sample.total(base) or 0)
        then = percent(sum(sample.total(p, sample.last) or 0 for p in parts), sample.total(base, sample.last) or 0)
        assert now is not None and then is not None
        assert agg.share_changes[key].points == now - then, key


def test_targets_are_last_years_targets_for_this_year(sample: Sample, agg: Aggregates) -> None:
    with (SAMPLE / "bao-cao.toml").open("rb") as fh:
        assert "chi_tieu" not in tomllib.load(fh)
    with (SAMPLE / "nam-truoc" / "bao-cao.toml").open("rb") as fh:
        goals = tomllib.load(fh)["chi_tieu_nam_sau"]
    results = {r.target.key: r for r in agg.targets.results}
    assert set(results) == set(goals)
    admitted = sample.total("dv_ket_nap") or 0
    admission = results["ket_nap"]
    assert admission.achieved == admitted and admission.pct_of_target == percent(admitted, goals["ket_nap"])
    expected_status = "vuot" if admitted > goals["ket_nap"] else "dat" if admitted == goals["ket_nap"] else "khong_dat"
    assert admission.status == expected_status
    met = int(admitted >= goals["ket_nap"])
    for key in ("tcd_htt_tro_len", "dv_htt_tro_len"):
        parts, base = SHARE_BASES[key]
        rate = percent(sum(sample.total(p) or 0 for p in parts), sample.total(base) or 0)
        assert rate is not None
        result = results[f"{key}_pct"]
        target = Decimal(str(goals[f"{key}_pct"]))
        assert (result.achieved, result.points) == (rate, rate - target)
        assert result.status == ("vuot" if rate > target else "dat" if rate == target else "khong_dat")
        met += rate >= target
    assert (agg.targets.met, agg.targets.count) == (met, len(goals))
    rows = {row.key: row for row in agg.summary}
    assert rows["dv_ket_nap"].target is admission and rows["dv_cuoi_ky"].target is None
    assert rows["dv_htt_tro_len"].current == results["dv_htt_tro_len_pct"].achieved


def test_named_units(sample: Sample, agg: Aggregates) -> None:
    order = list(sample.units)
    assert [u.code for u in agg.named.no_admission] == [u for u in order if sample.counts[u]["dv_ket_nap"] == 0]
    assert [(u.code, u.count) for u in agg.named.members_kht] == [
        (u, sample.counts[u]["dv_kht"]) for u in order if (sample.counts[u]["dv_kht"] or 0) > 0
    ]
    assert [u.code for u in agg.named.tccs_htxs] == [u for u in order if sample.units[u]["xep_loai"] == "htxs"]
    assert all(u.name == sample.units[u.code]["ten_don_vi"] for u in agg.named.tccs_htxs)


def test_texts_are_grouped_and_requests_to_the_committee_set_apart(sample: Sample, agg: Aggregates) -> None:
    for code in ("nd_ket_qua_noi_bat", "nd_mo_hinh", "nd_han_che", "nd_kien_nghi"):
        written: dict[str, list[str]] = {}
        for unit in sample.units:
            text = sample.texts[unit].get(code)
            if isinstance(text, str) and text.strip():
                written.setdefault(" ".join(text.split()).casefold(), []).append(unit)
        groups = agg.text_groups[code]
        assert [[u.code for u in g.units] for g in groups] == list(written.values()), code
    to_us = [g for g in agg.text_groups["nd_kien_nghi"] if g.text.casefold().startswith("đề nghị đảng ủy khối")]
    assert to_us and agg.requests_to_committee == to_us
    assert all(not g.text.casefold().startswith("đề nghị đảng ủy khối") for g in agg.requests_to_others)
