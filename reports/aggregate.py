"""Totals, shares, groups and last-year comparison: pure pandas, no I/O.

`aggregate(dataset)` turns the validated `Dataset` into `Aggregates`, plain Python values and a few
small DataFrames that `reports.context` turns into display strings. The same function serves the
consolidated report and a unit's own report (`aggregate(unit_dataset(dataset, code))`), so a figure is
computed in one place only.

Honesty rules kept here:
- an optional indicator left blank is "not reported": its total is taken over the units that reported
  it, and `Total.reported` says how many did (the report then writes "(38/40 đơn vị báo cáo)");
- a share is taken over the units that reported both its part and its whole, and carries the label of
  its denominator, because a "%" without a denominator is ambiguous in these reports;
- the last-year comparison leaves out last year's figures of units excluded or missing this year, so a
  draft built from 38/40 units is not compared with 40 units of last year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import pandas as pd

from reports.indicators import COUNT_CODES, LEVELS, TEXT_CODES, UNIT_TYPES
from reports.model import Dataset
from reports.vietnamese import pct

# Derived sums used in sentences and comparisons: name -> the codes added up.
DERIVED: dict[str, tuple[str, ...]] = {
    "tcd_htt_tro_len": ("tcd_htxs", "tcd_htt"),
    "dv_htt_tro_len": ("dv_htxs", "dv_htt"),
    "kl_dang_vien": ("kl_khien_trach", "kl_canh_cao", "kl_cach_chuc", "kl_khai_tru"),
}

# The main totals compared with last year.
CHANGE_KEYS: tuple[str, ...] = (
    "dv_cuoi_ky",
    "dv_ket_nap",
    "tcd_htt_tro_len",
    "dv_htt_tro_len",
    "kl_dang_vien",
    "kl_to_chuc_dang",
)

STATUS_INCLUDED = "included"
STATUS_EXCLUDED = "excluded"
STATUS_MISSING = "missing"


@dataclass(frozen=True)
class Total:
    """The sum of one indicator over the units that reported it.

    `value` is None when no unit reported it; `reported` of `units` units gave a value.
    """

    code: str
    value: int | None
    reported: int
    units: int

    @property
    def complete(self) -> bool:
        return self.reported == self.units


@dataclass(frozen=True)
class Share:
    """part / whole with the denominator named, over the units that reported both."""

    key: str
    part: int
    whole: int
    denominator_label: str
    reported: int
    units: int
    decimals: int = 2

    @property
    def pct(self) -> Decimal | None:
        return pct(self.part, self.whole, self.decimals)

    @property
    def complete(self) -> bool:
        return self.reported == self.units


@dataclass(frozen=True)
class Change:
    """A total this year against last year's; `pct` is the change relative to last year."""

    key: str
    current: int | None
    previous: int | None
    decimals: int = 2

    @property
    def delta(self) -> int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def pct(self) -> Decimal | None:
        if self.delta is None or self.previous is None:
            return None
        return pct(self.delta, self.previous, self.decimals)


@dataclass(frozen=True)
class UnitCount:
    """A unit and a count, e.g. a unit with two organisations rated "không hoàn thành nhiệm vụ"."""

    code: str
    name: str
    count: int


@dataclass(frozen=True)
class OrgCounts:
    """Tổ chức cơ sở đảng by type, among the included units and among all expected units."""

    dang_bo_co_so: int
    chi_bo_co_so: int
    expected_dang_bo_co_so: int
    expected_chi_bo_co_so: int

    @property
    def tccs(self) -> int:
        return self.dang_bo_co_so + self.chi_bo_co_so

    @property
    def expected_tccs(self) -> int:
        return self.expected_dang_bo_co_so + self.expected_chi_bo_co_so


@dataclass
class Aggregates:
    year: int
    expected_count: int
    included: list[str]
    excluded: list[str]
    missing: list[str]
    totals: dict[str, Total]
    orgs: OrgCounts
    shares: dict[str, Share]
    units_by_level: dict[str, list[UnitCount]]
    # One row per expected unit (units order): ten_don_vi, loai, nhom, status, then every count code
    # (NA for a unit not included).
    unit_table: pd.DataFrame
    # One row per `nhom` (first-appearance order) over the included units; empty without groups.
    groups: pd.DataFrame
    texts: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)
    has_last_year: bool = False
    decimals: int = 2  # decimal places of every percentage ([trinh_bay].so_le_thap_phan)
    derived_parts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def included_count(self) -> int:
        return len(self.included)

    @property
    def complete(self) -> bool:
        return not self.excluded and not self.missing

    def value(self, code: str) -> int | None:
        return self.totals[code].value


_ORGS_RATED = "số tổ chức đảng được đánh giá, xếp loại"
_MEMBERS_RATED = "số đảng viên được đánh giá, xếp loại"

# Shares: key -> (part codes, whole code, denominator label).
SHARE_SPECS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "dv_nu": (("dv_nu",), "dv_cuoi_ky", "tổng số đảng viên"),
    "dv_du_bi": (("dv_du_bi",), "dv_cuoi_ky", "tổng số đảng viên"),
    "dv_dan_toc_thieu_so": (("dv_dan_toc_thieu_so",), "dv_cuoi_ky", "tổng số đảng viên"),
    "dv_tuoi_18_30": (("dv_tuoi_18_30",), "dv_cuoi_ky", "tổng số đảng viên"),
    "dv_duoc_danh_gia": (("dv_duoc_danh_gia",), "dv_cuoi_ky", "tổng số đảng viên"),
    "dv_mien_danh_gia": (("dv_mien_danh_gia",), "dv_cuoi_ky", "tổng số đảng viên"),
    "dv_chua_danh_gia": (("dv_chua_danh_gia",), "dv_cuoi_ky", "tổng số đảng viên"),
    **{f"tcd_{lv}": ((f"tcd_{lv}",), "tcd_duoc_danh_gia", _ORGS_RATED) for lv in LEVELS},
    "tcd_htt_tro_len": (DERIVED["tcd_htt_tro_len"], "tcd_duoc_danh_gia", _ORGS_RATED),
    **{f"dv_{lv}": ((f"dv_{lv}",), "dv_duoc_danh_gia", _MEMBERS_RATED) for lv in LEVELS},
    "dv_htt_tro_len": (DERIVED["dv_htt_tro_len"], "dv_duoc_danh_gia", _MEMBERS_RATED),
    "dv_htxs_so_htt": (("dv_htxs",), "dv_htt", "số đảng viên hoàn thành tốt nhiệm vụ"),
    "ket_nap_chi_tieu": (("dv_ket_nap",), "chi_tieu_ket_nap", "chỉ tiêu kết nạp"),
    "ket_nap_dau_ky": (("dv_ket_nap",), "dv_dau_ky", "tổng số đảng viên đầu năm"),
    "cu_nu": (("cu_nu",), "cu_tong", "tổng số cấp ủy viên"),
    "cu_duoi_40": (("cu_duoi_40",), "cu_tong", "tổng số cấp ủy viên"),
    "cu_dai_hoc_tro_len": (("cu_dai_hoc_tro_len",), "cu_tong", "tổng số cấp ủy viên"),
    "cu_llct_trung_cap_tro_len": (("cu_llct_trung_cap_tro_len",), "cu_tong", "tổng số cấp ủy viên"),
    "qh_nu": (("qh_nu",), "qh_luot", "tổng số lượt cán bộ được quy hoạch"),
    "qh_duoi_40": (("qh_duoi_40",), "qh_luot", "tổng số lượt cán bộ được quy hoạch"),
    "bo_nhiem_lai": (("bo_nhiem_lai",), "bo_nhiem", "tổng số lượt bổ nhiệm, bổ nhiệm lại"),
}

GROUP_COLUMNS: tuple[str, ...] = (
    "dv_dau_ky",
    "dv_ket_nap",
    "dv_cuoi_ky",
    "tcd_duoc_danh_gia",
    "tcd_htxs",
    "tcd_htt",
    "tcd_ht",
    "tcd_kht",
    "dv_duoc_danh_gia",
    "dv_htxs",
    "dv_htt",
    "dv_ht",
    "dv_kht",
)


def aggregate(dataset: Dataset, *, tables: bool = True) -> Aggregates:
    """Every figure the reports state, computed from the usable units of `dataset`.

    `tables=False` leaves out the per-unit table and the groups, which only the consolidated report
    shows; a unit's report is built hundreds of times and does not need them.
    """
    figures = _counts(dataset.figures)
    columns = _Columns(figures)
    decimals = dataset.settings.trinh_bay.so_le_thap_phan
    totals = {code: columns.total(code, (code,)) for code in COUNT_CODES}
    totals.update({name: columns.total(name, codes) for name, codes in DERIVED.items()})
    # Each part of a derived sum over the same units as the sum, so the parts always add up to it.
    derived_parts = {name: columns.parts(codes) for name, codes in DERIVED.items()}
    aggregates = Aggregates(
        year=dataset.settings.nam,
        expected_count=dataset.expected_count,
        included=[str(code) for code in dataset.figures.index],
        excluded=list(dataset.excluded),
        missing=list(dataset.missing),
        totals=totals,
        orgs=_org_counts(dataset),
        shares={key: columns.share(key, *spec, decimals) for key, spec in SHARE_SPECS.items()},
        units_by_level=_units_by_level(dataset, figures),
        unit_table=_unit_table(dataset, figures) if tables else pd.DataFrame(),
        groups=_groups(dataset, figures) if tables else pd.DataFrame(),
        texts=_texts(dataset),
        decimals=decimals,
        derived_parts=derived_parts,
    )
    if dataset.last_year is not None:
        aggregates.changes = _changes(dataset, totals, decimals)
        aggregates.has_last_year = True
    return aggregates


def unit_dataset(dataset: Dataset, code: str) -> Dataset:
    """The one-unit Dataset whose aggregation gives that unit's own figures.

    The unit must be among the usable units (`dataset.figures`).
    """
    if code not in dataset.figures.index:
        raise KeyError(code)
    last = None
    if dataset.last_year is not None:
        last = _row_slice(dataset.last_year, code)
    return replace(
        dataset,
        units=_row_slice(dataset.units, code),
        figures=_row_slice(dataset.figures, code),
        excluded=[],
        missing=[],
        last_year=last,
    )


def _row_slice(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows of `code` (none if absent) as a positional slice: a view, several times cheaper than
    `.loc[[code]]` on a frame of many nullable-integer columns."""
    index = frame.index
    if code not in index:
        return frame.iloc[0:0]
    where = index.get_loc(code)
    if isinstance(where, slice):
        return frame.iloc[where]
    if isinstance(where, int):
        return frame.iloc[where : where + 1]
    return frame.loc[[code]]


def _counts(figures: pd.DataFrame) -> pd.DataFrame:
    """The count columns as nullable integers; a code absent from the frame is all "not reported"."""
    codes = list(COUNT_CODES)
    frame = figures[codes] if set(codes) <= set(figures.columns) else figures.reindex(columns=codes)
    other = {code: "Int64" for code, dtype in frame.dtypes.items() if dtype != "Int64"}
    return frame.astype(other) if other else frame


class _Columns:
    """The count columns as NumPy arrays (values with NA as 0, and where a value was reported).

    Totals and shares are sums over masks; doing them on arrays instead of one pandas selection per
    figure takes a unit's aggregation from about 0,1 s to a few milliseconds, which matters when
    hundreds of unit reports are built.
    """

    def __init__(self, counts: pd.DataFrame) -> None:
        self.units = len(counts)
        matrix = counts.to_numpy(dtype="float64", na_value=np.nan)  # one conversion for every column
        present = ~np.isnan(matrix)
        values = np.where(present, matrix, 0).astype("int64")
        self.values = {c: values[:, i] for i, c in enumerate(counts.columns)}
        self.present = {c: present[:, i] for i, c in enumerate(counts.columns)}

    def _mask(self, codes: Sequence[str]) -> np.ndarray:
        mask = np.ones(self.units, dtype=bool)
        for code in codes:
            mask &= self.present[code]
        return mask

    def _sum(self, codes: Sequence[str], mask: np.ndarray) -> int:
        return int(sum(int(self.values[code][mask].sum()) for code in codes))

    def total(self, name: str, codes: Sequence[str]) -> Total:
        """A sum of one or several codes over the units that reported all of them."""
        mask = self._mask(codes)
        reported = int(mask.sum())
        return Total(name, self._sum(codes, mask) if reported else None, reported, self.units)

    def parts(self, codes: Sequence[str]) -> dict[str, int]:
        """Each code summed over the units that reported all of `codes`."""
        mask = self._mask(codes)
        return {code: self._sum([code], mask) for code in codes}

    def share(self, key: str, parts: tuple[str, ...], whole: str, label: str, decimals: int) -> Share:
        mask = self._mask([*parts, whole])
        part, total = self._sum(parts, mask), self._sum([whole], mask)
        return Share(key, part, total, label, int(mask.sum()), self.units, decimals)


def _org_counts(dataset: Dataset) -> OrgCounts:
    kinds = dataset.units["loai"]
    included = kinds.loc[kinds.index.isin(dataset.figures.index)]
    dbcs, cbcs = tuple(UNIT_TYPES)
    return OrgCounts(
        dang_bo_co_so=int((included == dbcs).sum()),
        chi_bo_co_so=int((included == cbcs).sum()),
        expected_dang_bo_co_so=int((kinds == dbcs).sum()),
        expected_chi_bo_co_so=int((kinds == cbcs).sum()),
    )


def _unit_names(dataset: Dataset) -> pd.Series:
    return dataset.units["ten_don_vi"].astype(str)


def _units_by_level(dataset: Dataset, figures: pd.DataFrame) -> dict[str, list[UnitCount]]:
    """For each level, the units with at least one organisation rated at that level.

    A unit's count covers the unit itself and its sub-units: the data cannot tell which one.
    """
    names = _unit_names(dataset)
    result: dict[str, list[UnitCount]] = {}
    for level in LEVELS:
        column = figures[f"tcd_{level}"]
        rated = column[column.fillna(0) > 0]
        result[level] = [UnitCount(str(code), str(names.get(code, code)), int(n)) for code, n in rated.items()]
    return result


def _status(dataset: Dataset) -> pd.Series:
    status = pd.Series(STATUS_MISSING, index=dataset.units.index, dtype=object)
    status[status.index.isin(dataset.excluded)] = STATUS_EXCLUDED
    status[status.index.isin(dataset.figures.index)] = STATUS_INCLUDED
    return status


def _unit_table(dataset: Dataset, figures: pd.DataFrame) -> pd.DataFrame:
    units = dataset.units[["ten_don_vi", "loai", "nhom"]].copy()
    units["nhom"] = units["nhom"].fillna("").astype(str)
    units["status"] = _status(dataset)
    return units.join(figures, how="left")


def _groups(dataset: Dataset, figures: pd.DataFrame) -> pd.DataFrame:
    """Totals per `nhom` over the included units; empty when no unit has a group."""
    nhom = dataset.units["nhom"].fillna("").astype(str)
    if not (nhom != "").any():
        return pd.DataFrame(columns=["nhom", "so_don_vi", *GROUP_COLUMNS, *DERIVED])
    frame = figures[list(GROUP_COLUMNS)].copy()
    for name, codes in DERIVED.items():
        frame[name] = figures[list(codes)].sum(axis=1, min_count=len(codes))
    frame.insert(0, "nhom", nhom.reindex(frame.index).fillna(""))
    order = list(dict.fromkeys(nhom.loc[nhom.index.isin(frame.index)]))
    grouped = frame.groupby("nhom", sort=False)
    result = grouped.sum(min_count=1)
    result.insert(0, "so_don_vi", grouped.size())
    return result.reindex(order).reset_index()


def _texts(dataset: Dataset) -> dict[str, list[tuple[str, str, str]]]:
    """Each unit's own texts as (code, unit name, text), in units order, blanks left out."""
    names = _unit_names(dataset)
    result: dict[str, list[tuple[str, str, str]]] = {}
    for code in TEXT_CODES:
        entries: list[tuple[str, str, str]] = []
        if code in dataset.figures.columns:
            for unit, text in dataset.figures[code].items():
                if isinstance(text, str) and text.strip():
                    entries.append((str(unit), str(names.get(unit, unit)), text.strip()))
        result[code] = entries
    return result


def _changes(dataset: Dataset, totals: dict[str, Total], decimals: int) -> dict[str, Change]:
    """This year's main totals against last year's over comparable units."""
    assert dataset.last_year is not None
    left_out = set(dataset.excluded) | set(dataset.missing)
    last = dataset.last_year.loc[~dataset.last_year.index.isin(left_out)] if left_out else dataset.last_year
    last_columns = _Columns(_counts(last))
    changes: dict[str, Change] = {}
    for key in CHANGE_KEYS:
        previous = last_columns.total(key, DERIVED.get(key, (key,)))
        changes[key] = Change(key, totals[key].value, previous.value, decimals)
    return changes
