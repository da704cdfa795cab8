"""Totals, shares, ratings, targets, named units and last-year comparison: pure pandas, no I/O.

`aggregate(dataset)` turns the validated `Dataset` into `Aggregates`: the typed values of
`reports.figures` and a few small DataFrames. The same function serves the consolidated report and a
unit's own report (`aggregate(unit_dataset(dataset, code), tables=False)`), so a figure is computed in
one place only. The relations between figures (derived sums, share bases, comparisons, which figures a
unit type can have) come from the indicator catalogue.

Honesty rules kept here:
- a figure is summed over every unit that reported it; `Total.reported` of `Total.units` gave it, and a
  unit that cannot have the figure (đảng bộ bộ phận of a chi bộ cơ sở) is not counted as silent;
- a derived sum (kl_dang_vien) is the sum of its parts, each over the units that reported it: a blank
  form never drops another form of the same unit;
- "none" is `Presence.NONE`, known only when every unit that can have the figure reported 0;
- a share is taken over the units that reported both its part and its base, and carries the totals
  printed for the part and the base, so a sentence says which base its percentage is of;
- the last-year comparison leaves out last year's figures of units excluded or missing this year, so a
  draft built from 38/40 units is not compared with 40 units of last year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import pandas as pd

from reports.figures import (
    Change,
    NamedUnits,
    OrgCounts,
    Presence,
    Rating,
    RatingSubject,
    Share,
    ShareChange,
    SummaryRow,
    Target,
    TargetResult,
    Targets,
    TargetStatus,
    TextGroup,
    Total,
    UnitCount,
    UnitRef,
)
from reports.indicators import (
    CHANGE_KEYS,
    COMPARISONS,
    COUNT_CODES,
    DERIVED,
    LEVELS,
    NOT_APPLICABLE,
    SHARES,
    TEXT_CODES,
    UNIT_TYPES,
    Measure,
    ShareSpec,
    label,
    target_subject,
)
from reports.model import Dataset
from reports.settings import Settings
from reports.vietnamese import pct

__all__ = [
    "CHANGE_KEYS",
    "DERIVED",
    "STATUS_EXCLUDED",
    "STATUS_INCLUDED",
    "STATUS_MISSING",
    "Aggregates",
    "Change",
    "OrgCounts",
    "Share",
    "Total",
    "UnitCount",
    "aggregate",
    "unit_dataset",
]

STATUS_INCLUDED = "included"
STATUS_EXCLUDED = "excluded"
STATUS_MISSING = "missing"


@dataclass
class Aggregates:
    year: int
    expected_count: int
    included: list[str]
    excluded: list[str]
    missing: list[str]
    totals: dict[str, Total]  # every count code and every derived sum
    orgs: OrgCounts
    shares: dict[str, Share]  # every share of indicators.SHARES
    units_by_level: dict[str, list[UnitCount]]
    # One row per expected unit (units order): ten_don_vi, loai, nhom, status, then every count code
    # (NA for a unit not included).
    unit_table: pd.DataFrame
    # One row per `nhom` (first-appearance order) over the included units; empty without groups.
    groups: pd.DataFrame
    texts: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)  # counts, keyed by indicators.CHANGE_KEYS
    has_last_year: bool = False
    decimals: int = 2  # decimal places of every percentage ([trinh_bay].so_le_thap_phan)
    # Each part of a derived sum (its own total, 0 when nobody reported it); they add up to the sum.
    derived_parts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Shares compared with last year (the share comparisons of indicators.COMPARISONS), in points.
    share_changes: dict[str, ShareChange] = field(default_factory=dict)
    # "tcd" and "dv" always; "tccs" and "truc_thuoc" when don-vi.csv gives `xep_loai`.
    ratings: dict[str, Rating] = field(default_factory=dict)
    named: NamedUnits = field(default_factory=NamedUnits)
    # Units' own texts, one group per distinct text naming every unit that wrote it (TEXT_CODES keys).
    text_groups: dict[str, list[TextGroup]] = field(default_factory=dict)
    targets: Targets = field(default_factory=Targets)  # consolidated report only (empty for a unit)
    summary: list[SummaryRow] = field(default_factory=list)  # consolidated report only
    unit_names: dict[str, str] = field(default_factory=dict)  # every expected unit's name by code

    @property
    def included_count(self) -> int:
        return len(self.included)

    @property
    def complete(self) -> bool:
        return not self.excluded and not self.missing

    def value(self, code: str) -> int | None:
        return self.totals[code].value

    @property
    def requests_to_committee(self) -> list[TextGroup]:
        """Units' requests addressed to the issuing committee itself (never passed on to its superior)."""
        return [g for g in self.text_groups.get("nd_kien_nghi", []) if g.to_committee]

    @property
    def requests_to_others(self) -> list[TextGroup]:
        return [g for g in self.text_groups.get("nd_kien_nghi", []) if not g.to_committee]


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

    `tables=False` is a unit's own report: it leaves out the per-unit table, the groups, the committee's
    targets and the summary table, which only the consolidated report shows; a unit's report is built
    hundreds of times.
    """
    figures = _counts(dataset.figures)
    columns = _Columns(figures, _kinds(dataset, figures.index))
    decimals = dataset.settings.trinh_bay.so_le_thap_phan
    totals = columns.totals()
    shares = {key: columns.share(spec, totals, decimals) for key, spec in SHARES.items()}
    ratings = _ratings(dataset, figures, shares, decimals)
    aggregates = Aggregates(
        year=dataset.settings.nam,
        expected_count=dataset.expected_count,
        included=[str(code) for code in dataset.figures.index],
        excluded=list(dataset.excluded),
        missing=list(dataset.missing),
        totals=totals,
        orgs=_org_counts(dataset),
        shares=shares,
        units_by_level=_units_by_level(dataset, figures),
        unit_table=_unit_table(dataset, figures) if tables else pd.DataFrame(),
        groups=_groups(dataset, figures) if tables else pd.DataFrame(),
        texts=_texts(dataset),
        decimals=decimals,
        derived_parts={name: {p.code: p.value or 0 for p in totals[name].parts} for name in DERIVED},
        ratings=ratings,
        named=_named_units(dataset, figures),
        text_groups=_text_groups(dataset),
        unit_names={str(k): v for k, v in _unit_names(dataset).items()},
    )
    last = _LastYear(dataset, decimals) if dataset.last_year is not None else None
    if last is not None:
        aggregates.changes = {
            key: Change(key, totals[key].value, last.total(key).value, decimals) for key in CHANGE_KEYS
        }
        aggregates.share_changes = {
            c.key: ShareChange(c.key, shares[c.key], last.share(c.key))
            for c in COMPARISONS
            if c.measure is Measure.SHARE
        }
        aggregates.has_last_year = True
    if tables:
        aggregates.targets = _targets(dataset.settings, totals, shares, ratings, decimals)
        aggregates.summary = _summary(aggregates, last)
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


def _kinds(dataset: Dataset, index: pd.Index) -> np.ndarray:
    """The unit type (`loai`) of each row of `index` ("" when unknown)."""
    kinds = dataset.units["loai"] if "loai" in dataset.units.columns else pd.Series(dtype=object)
    return kinds.reindex(index).fillna("").astype(str).to_numpy()


class _Columns:
    """The count columns as NumPy arrays (values with NA as 0, and where a value was reported).

    Totals and shares are sums over masks; doing them on arrays instead of one pandas selection per
    figure takes a unit's aggregation from about 0,1 s to a few milliseconds, which matters when
    hundreds of unit reports are built.
    """

    def __init__(self, counts: pd.DataFrame, kinds: np.ndarray) -> None:
        self.units = len(counts)
        self.index = np.asarray([str(c) for c in counts.index], dtype=object)
        matrix = counts.to_numpy(dtype="float64", na_value=np.nan)  # one conversion for every column
        present = ~np.isnan(matrix)
        values = np.where(present, matrix, 0).astype("int64")
        self.values = {c: values[:, i] for i, c in enumerate(counts.columns)}
        self.present = {c: present[:, i] for i, c in enumerate(counts.columns)}
        self.kinds = kinds

    def expected(self, code: str) -> np.ndarray:
        """The units counted for `code`: those that can have it, and any that reported it anyway."""
        mask = np.ones(self.units, dtype=bool)
        for kind, codes in NOT_APPLICABLE.items():
            if code in codes:
                mask &= self.kinds != kind
        return mask | self.present[code]

    def total(self, code: str) -> Total:
        present, expected = self.present[code], self.expected(code)
        reported, units = int(present.sum()), int(expected.sum())
        value = int(self.values[code][present].sum()) if reported else None
        if value:
            presence = Presence.SOME
        elif value == 0 and reported == units:
            presence = Presence.NONE
        else:
            presence = Presence.UNKNOWN
        unreported = tuple(self.index[expected & ~present])
        return Total(code, value, reported, units, presence, unreported)

    def derived(self, name: str, parts: tuple[Total, ...]) -> Total:
        """The sum of `parts`, each over the units that reported it."""
        known = [p.value for p in parts if p.value is not None]
        every = np.ones(self.units, dtype=bool)
        expected = np.zeros(self.units, dtype=bool)
        for part in parts:
            every &= self.present[part.code]
            expected |= self.expected(part.code)
        presences = {p.presence for p in parts}
        if Presence.SOME in presences:
            presence = Presence.SOME
        elif presences == {Presence.NONE}:
            presence = Presence.NONE
        else:
            presence = Presence.UNKNOWN
        unreported = tuple(self.index[expected & ~every])
        value = sum(known) if known else None
        return Total(name, value, int(every.sum()), int(expected.sum()), presence, unreported, parts)

    def totals(self) -> dict[str, Total]:
        totals = {code: self.total(code) for code in COUNT_CODES}
        for name, codes in DERIVED.items():
            totals[name] = self.derived(name, tuple(totals[c] for c in codes))
        return totals

    def share(self, spec: ShareSpec, totals: Mapping[str, Total], decimals: int) -> Share:
        """Parts over base, both over the units that reported every part and the base."""
        mask = self.present[spec.base].copy()
        for code in spec.parts:
            mask &= self.present[code]
        part = int(sum(int(self.values[code][mask].sum()) for code in spec.parts))
        whole = int(self.values[spec.base][mask].sum())
        known = [v for v in (totals[c].value for c in spec.parts) if v is not None]
        part_total = sum(known) if known else None
        units = int(self.expected(spec.base).sum())
        return Share(
            spec.key,
            part,
            whole,
            spec.base_label,
            int(mask.sum()),
            units,
            decimals,
            part_total,
            totals[spec.base].value,
        )


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


def _refs(dataset: Dataset, codes: object) -> list[UnitRef]:
    names = _unit_names(dataset)
    return [UnitRef(str(code), str(names.get(code, code))) for code in codes]  # type: ignore[attr-defined]


def _units_with(dataset: Dataset, column: pd.Series) -> list[UnitCount]:
    """The units with a count above 0 in `column`, with the count."""
    names = _unit_names(dataset)
    above = column[column.fillna(0) > 0]
    return [UnitCount(str(code), str(names.get(code, code)), int(n)) for code, n in above.items()]


def _units_by_level(dataset: Dataset, figures: pd.DataFrame) -> dict[str, list[UnitCount]]:
    """For each level, the units with at least one organisation rated at that level.

    A unit's count covers the unit itself and its sub-units: the data cannot tell which one.
    """
    return {level: _units_with(dataset, figures[f"tcd_{level}"]) for level in LEVELS}


# --- ratings by level -----------------------------------------------------------------------------


def _own_levels(dataset: Dataset) -> pd.Series | None:
    """Each expected unit's own level from don-vi.csv ("" not rated), or None when none is given."""
    if "xep_loai" not in dataset.units.columns:
        return None
    levels = dataset.units["xep_loai"].fillna("").astype(str)
    return levels if (levels != "").any() else None


def _rating_from_shares(subject: RatingSubject, shares: Mapping[str, Share], cap: Decimal) -> Rating:
    prefix = subject.value
    return Rating(
        subject,
        {lv: shares[f"{prefix}_{lv}"] for lv in LEVELS},
        shares[f"{prefix}_htt_tro_len"],
        shares[f"{prefix}_htxs_so_htt"],
        cap,
    )


def _rating_from_counts(
    subject: RatingSubject,
    counts: Mapping[str, int],
    units: int,
    noun: str,
    cap: Decimal,
    decimals: int,
    left_out: tuple[str, ...] = (),
) -> Rating:
    """A rating from counts by level: every share over the number rated (the sum of the levels)."""
    rated = sum(counts.values())
    reported = units - len(left_out)

    def share(key: str, part: int, whole: int, base_label: str) -> Share:
        return Share(key, part, whole, base_label, reported, units, decimals, part, whole)

    base = f"số {noun} được đánh giá, xếp loại"
    good = counts["htxs"] + counts["htt"]
    return Rating(
        subject,
        {lv: share(f"{subject.value}_{lv}", counts[lv], rated, base) for lv in LEVELS},
        share(f"{subject.value}_htt_tro_len", good, rated, base),
        share(f"{subject.value}_htxs_so_htt", counts["htxs"], counts["htt"], f"số {noun} hoàn thành tốt nhiệm vụ"),
        cap,
        not_rated=len(left_out) if subject is RatingSubject.TCCS else 0,
        left_out=left_out,
    )


def _ratings(dataset: Dataset, figures: pd.DataFrame, shares: Mapping[str, Share], decimals: int) -> dict[str, Rating]:
    cap = Decimal(str(dataset.settings.kiem_tra.ty_le_xuat_sac_toi_da))
    ratings = {
        RatingSubject.TCD.value: _rating_from_shares(RatingSubject.TCD, shares, cap),
        RatingSubject.DV.value: _rating_from_shares(RatingSubject.DV, shares, cap),
    }
    levels = _own_levels(dataset)
    if levels is None:
        return ratings
    counts = {lv: int((levels == lv).sum()) for lv in LEVELS}
    blank = tuple(str(c) for c in levels.index[levels == ""])
    ratings[RatingSubject.TCCS.value] = _rating_from_counts(
        RatingSubject.TCCS, counts, len(levels), "tổ chức cơ sở đảng", cap, decimals, blank
    )
    ratings[RatingSubject.TRUC_THUOC.value] = _sub_rating(levels, figures, cap, decimals)
    return ratings


def _sub_rating(levels: pd.Series, figures: pd.DataFrame, cap: Decimal, decimals: int) -> Rating:
    """The organisations under the tổ chức cơ sở đảng: each unit's tcd_* less the unit itself.

    A unit not rated yet, or whose own level is not among its tcd_* counts (a warning of the check),
    cannot be split and is left out.
    """
    counts = dict.fromkeys(LEVELS, 0)
    left_out: list[str] = []
    for code in figures.index:
        own = levels.get(code, "")
        values = [figures.at[code, f"tcd_{lv}"] for lv in LEVELS]
        row = {lv: None if pd.isna(v) else int(v) for lv, v in zip(LEVELS, values, strict=True)}  # type: ignore[arg-type]
        if not own or None in row.values() or (row[own] or 0) < 1:
            left_out.append(str(code))
            continue
        for lv in LEVELS:
            counts[lv] += (row[lv] or 0) - (lv == own)
    return _rating_from_counts(
        RatingSubject.TRUC_THUOC,
        counts,
        len(figures),
        "tổ chức đảng trực thuộc tổ chức cơ sở đảng",
        cap,
        decimals,
        tuple(left_out),
    )


# --- named units and texts ------------------------------------------------------------------------


def _named_units(dataset: Dataset, figures: pd.DataFrame) -> NamedUnits:
    levels = _own_levels(dataset)
    admitted = figures["dv_ket_nap"]
    return NamedUnits(
        tccs_htxs=_refs(dataset, levels.index[levels == "htxs"]) if levels is not None else [],
        tccs_kht=_refs(dataset, levels.index[levels == "kht"]) if levels is not None else [],
        no_admission=_refs(dataset, admitted.index[admitted.fillna(-1) == 0]),
        members_kht=_units_with(dataset, figures["dv_kht"]),
        orgs_kht=_units_with(dataset, figures["tcd_kht"]),
        not_submitted=_refs(dataset, dataset.missing),
        excluded=_refs(dataset, dataset.excluded),
    )


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


def _text_groups(dataset: Dataset) -> dict[str, list[TextGroup]]:
    """One group per distinct text (whitespace and case aside), naming every unit that wrote it."""
    addressed = _committee_matcher(dataset.settings)
    result: dict[str, list[TextGroup]] = {}
    for code, entries in _texts(dataset).items():
        groups: dict[str, tuple[str, list[UnitRef]]] = {}
        for unit, name, text in entries:
            shown = " ".join(text.split())
            groups.setdefault(shown.casefold(), (shown, []))[1].append(UnitRef(unit, name))
        result[code] = [
            TextGroup(code, text, tuple(units), code == "nd_kien_nghi" and addressed(text))
            for text, units in groups.values()
        ]
    return result


_REQUEST_VERB = re.compile(r"^(?:kính\s+)?(?:đề\s+nghị|kiến\s+nghị|đề\s+xuất|mong\s+muốn|mong|xin)\s+(?:với\s+)?")
_COMMITTEE_BODY = re.compile(
    r"^(?:ban\s+thường\s+vụ|thường\s+trực|ban\s+chấp\s+hành|ban\s+tổ\s+chức|ủy\s+ban\s+kiểm\s+tra"
    r"|văn\s+phòng|ban\s+tuyên\s+giáo(?:\s+và\s+dân\s+vận)?|các\s+ban(?:\s+xây\s+dựng\s+đảng)?)\s+(?:của\s+)?"
)
_BULLET = re.compile(r"^[\s\-–—•*+.)(0-9]+")
# Ways a unit names its own direct superior, the issuing committee.
_SUPERIOR_NAMES = ("đảng ủy cấp trên", "cấp ủy cấp trên")


def _fold(text: str) -> str:
    """Casefolded NFC text with the older accent placement ("uỷ") written as "ủy"."""
    folded = unicodedata.normalize("NFC", " ".join(text.split())).casefold()
    return folded.replace("uỷ", "ủy").replace("oà", "òa").replace("oá", "óa").replace("oạ", "ọa")


def _committee_names(settings: Settings) -> tuple[str, ...]:
    """The names a unit may use for the committee: its name, its abbreviation, its short name."""
    name = _fold(settings.co_quan.ten)
    names = {name, _fold(settings.co_quan.ky_hieu), *_SUPERIOR_NAMES}
    words = name.split()
    if "khối" in words:  # "Đảng ủy Khối các cơ quan tỉnh" is called "Đảng ủy Khối"
        names.add(" ".join(words[: words.index("khối") + 1]))
    return tuple(sorted((n for n in names if n), key=len, reverse=True))


def _committee_matcher(settings: Settings) -> _Addressed:
    return _Addressed(_committee_names(settings))


@dataclass(frozen=True)
class _Addressed:
    """Whether a request is addressed to the issuing committee (by its first addressee)."""

    names: tuple[str, ...]

    def __call__(self, text: str) -> bool:
        folded = _BULLET.sub("", _fold(text))
        rest = _REQUEST_VERB.sub("", folded, count=1)
        if rest == folded:
            return False
        rest = _COMMITTEE_BODY.sub("", rest, count=1)
        return any(rest.startswith(name) and not rest[len(name) : len(name) + 1].isalnum() for name in self.names)


# --- tables ---------------------------------------------------------------------------------------


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
        frame[name] = figures[list(codes)].sum(axis=1, min_count=1)  # every part reported, as the totals
    frame.insert(0, "nhom", nhom.reindex(frame.index).fillna(""))
    order = list(dict.fromkeys(nhom.loc[nhom.index.isin(frame.index)]))
    grouped = frame.groupby("nhom", sort=False)
    result = grouped.sum(min_count=1)
    result.insert(0, "so_don_vi", grouped.size())
    return result.reindex(order).reset_index()


# --- last year, targets and the summary table -----------------------------------------------------


class _LastYear:
    """Last year's totals and shares over the units comparable with this year's."""

    def __init__(self, dataset: Dataset, decimals: int) -> None:
        assert dataset.last_year is not None
        left_out = set(dataset.excluded) | set(dataset.missing)
        last = dataset.last_year
        last = last.loc[~last.index.isin(left_out)] if left_out else last
        counts = _counts(last)
        self.columns = _Columns(counts, _kinds(dataset, counts.index))
        self.decimals = decimals
        self._totals: dict[str, Total] | None = None

    def totals(self) -> dict[str, Total]:
        if self._totals is None:
            self._totals = self.columns.totals()
        return self._totals

    def total(self, key: str) -> Total:
        return self.totals()[key]

    def share(self, key: str) -> Share:
        return self.columns.share(SHARES[key], self.totals(), self.decimals)


def _whole_number(value: float) -> Decimal:
    return Decimal(int(value)) if float(value).is_integer() else Decimal(str(value))


def _status_of(achieved: Decimal, target: Decimal, equal_is_met: bool) -> TargetStatus:
    if achieved > target:
        return TargetStatus.VUOT
    if achieved == target and equal_is_met:
        return TargetStatus.DAT
    return TargetStatus.KHONG_DAT


def _share_for(key: str, shares: Mapping[str, Share], ratings: Mapping[str, Rating]) -> Share | None:
    """A share of the catalogue, or of the tổ chức cơ sở đảng (`tccs_*`, only with `xep_loai`)."""
    if key in shares:
        return shares[key]
    base = ratings.get(RatingSubject.TCCS.value)
    if base is None:
        return None
    level = key.removeprefix("tccs_")
    return base.htt_tro_len if level == "htt_tro_len" else base.levels.get(level)


def _targets(
    settings: Settings,
    totals: Mapping[str, Total],
    shares: Mapping[str, Share],
    ratings: Mapping[str, Rating],
    decimals: int,
) -> Targets:
    """Each target of the year against its result (contract section 10)."""
    chi_tieu = settings.chi_tieu
    equal = chi_tieu.bang_la_dat
    results = []
    for key, value in chi_tieu.muc_tieu:
        subject = target_subject(key)
        assert subject is not None, key  # checked when the settings were read
        measure, code = subject
        target = Target(key, code, measure, _whole_number(value), chi_tieu.nguon)
        if measure is Measure.COUNT:
            total = totals[code]
            if total.value is None:
                results.append(TargetResult(target, None, None, total=total))
                continue
            achieved = Decimal(total.value)
            share_of = pct(total.value, target.value, decimals)
            results.append(
                TargetResult(target, achieved, _status_of(achieved, target.value, equal), share_of, total=total)
            )
        else:
            share = _share_for(code, shares, ratings)
            rate = share.pct if share is not None else None
            if rate is None:
                results.append(TargetResult(target, None, None, share=share))
                continue
            status = _status_of(rate, target.value, equal)
            results.append(TargetResult(target, rate, status, points=rate - target.value, share=share))
    return Targets(results, chi_tieu.nguon, equal)


def _summary(a: Aggregates, last: _LastYear | None) -> list[SummaryRow]:
    """The main indicators (indicators.COMPARISONS `main`), then any other figure with a target."""
    rows = []
    keys = set()
    for comparison in COMPARISONS:
        if comparison.main:
            rows.append(_summary_row(a, last, comparison.key, comparison.label, comparison.measure))
            keys.add(comparison.key)
    for result in a.targets.results:
        target = result.target
        if target.subject not in keys:
            rows.append(_summary_row(a, last, target.subject, target.label, target.measure))
            keys.add(target.subject)
    return rows


def _summary_row(a: Aggregates, last: _LastYear | None, key: str, name: str, measure: Measure) -> SummaryRow:
    target = a.targets.get(key)
    if measure is Measure.COUNT:
        previous = last.total(key).value if last is not None else None
        change = Change(key, a.totals[key].value, previous, a.decimals)
        return SummaryRow(key, name, measure, previous, a.totals[key].value, change, target)
    current = _share_for(key, a.shares, a.ratings)
    before = last.share(key) if last is not None and key in SHARES else None
    share_change = ShareChange(key, current, before) if current is not None and before is not None else None
    return SummaryRow(
        key,
        name or label(key),
        measure,
        before.pct if before is not None else None,
        current.pct if current is not None else None,
        share_change,
        target,
    )
