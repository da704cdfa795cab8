"""The typed figures the reports state: what `reports.aggregate` computes and the templates say.

Each value carries what a sentence needs to be true: a count says over how many units it is taken and
how many reported it; a share names its base and says whether that base is the total printed beside it;
a change on last year is in units and per cent for a count, in percentage points for a share; a target
carries its result. No wording here: the templates choose the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from reports.indicators import Measure, label
from reports.vietnamese import pct


class Presence(StrEnum):
    """Whether there is any of a figure: "none" is known only when every unit that can have it said 0."""

    NONE = "none"  # every unit that can have it reported 0
    SOME = "some"  # at least one unit reported more than 0
    UNKNOWN = "unknown"  # nothing above 0 was reported, but some units did not report it


@dataclass(frozen=True)
class Total:
    """The sum of one figure over every unit that reported it.

    - `value`: None when no unit reported it;
    - `units`: the units it is counted over (those that can have it, plus any that reported it anyway);
      `reported` of them gave a value; `unreported`: the codes of the others;
    - `parts`: for a derived sum (kl_dang_vien = the four forms), each part's own Total; `value` is
      then the sum of the parts, each over the units that reported it, and `reported` counts the units
      that reported every part.
    """

    code: str
    value: int | None
    reported: int
    units: int
    presence: Presence = Presence.UNKNOWN
    unreported: tuple[str, ...] = ()
    parts: tuple[Total, ...] = ()

    @property
    def complete(self) -> bool:
        return self.reported == self.units

    @property
    def partial(self) -> bool:
        """A derived sum with some part not reported by every unit (the sum may be low)."""
        return any(not p.complete for p in self.parts)

    @property
    def applies(self) -> bool:
        """False when no unit counted here can have the figure (đảng bộ bộ phận of a chi bộ cơ sở)."""
        return self.units > 0

    @property
    def label(self) -> str:
        return label(self.code)

    def part(self, code: str) -> Total:
        return next(p for p in self.parts if p.code == code)


@dataclass(frozen=True)
class Share:
    """part / whole, both over the units that reported the part and the base (`reported` of `units`).

    `part_total` and `whole_total` are the part and the base over every unit that reported each, the
    figures a report prints. When `base_is_total` the share is "chiếm x% {base_label}"; otherwise the
    sentence names the base it was taken over ("trong số {whole} {base_label} của các đơn vị có báo cáo").
    """

    key: str
    part: int
    whole: int
    denominator_label: str
    reported: int
    units: int
    decimals: int = 2
    part_total: int | None = None
    whole_total: int | None = None

    @property
    def pct(self) -> Decimal | None:
        return pct(self.part, self.whole, self.decimals)

    @property
    def complete(self) -> bool:
        return self.reported == self.units

    @property
    def base_label(self) -> str:
        return self.denominator_label

    @property
    def base_is_total(self) -> bool:
        """The share's part and base are the totals printed for them (every unit reported both)."""
        return self.part == self.part_total and self.whole == self.whole_total


@dataclass(frozen=True)
class Change:
    """A count this year against last year's; `pct` is the change relative to last year."""

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
class ShareChange:
    """A share this year against last year's, in percentage points of the rounded shares as printed."""

    key: str
    current: Share
    previous: Share

    @property
    def points(self) -> Decimal | None:
        now, before = self.current.pct, self.previous.pct
        if now is None or before is None:
            return None
        return now - before


@dataclass(frozen=True)
class UnitRef:
    """A unit named in a report."""

    code: str
    name: str


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


class RatingSubject(StrEnum):
    TCCS = "tccs"  # the tổ chức cơ sở đảng themselves, by the level in don-vi.csv (xep_loai)
    TRUC_THUOC = "truc_thuoc"  # the organisations under them: tcd_* less the unit itself
    TCD = "tcd"  # every organisation evaluated (tcd_*), pooled
    DV = "dv"  # members (dv_*)


@dataclass(frozen=True)
class Rating:
    """A rating by level: `levels[level]` is the count at that level over the number rated.

    `htxs_so_htt` is the "xuất sắc" count against the "tốt" count (21-HD/BTCTW: at most `cap_pct`).
    `left_out`: units whose organisations are not counted here (not rated yet, or whose own level is not
    among their tcd_* counts); `not_rated`: for TCCS, the units with a blank `xep_loai`.
    """

    subject: RatingSubject
    levels: dict[str, Share]
    htt_tro_len: Share
    htxs_so_htt: Share
    cap_pct: Decimal
    not_rated: int = 0
    left_out: tuple[str, ...] = ()

    @property
    def rated(self) -> int:
        return self.htt_tro_len.whole

    @property
    def over_cap(self) -> bool:
        share = self.htxs_so_htt
        if share.part == 0:
            return False
        return share.whole == 0 or Decimal(share.part) * 100 > self.cap_pct * share.whole

    def count(self, level: str) -> int:
        return self.levels[level].part


@dataclass(frozen=True)
class TextGroup:
    """One distinct text (whitespace and case aside) and every unit that wrote it, in units order.

    `to_committee`: a request (nd_kien_nghi) addressed to the issuing committee itself ("Đề nghị Đảng ủy
    Khối …"); it belongs to what the committee answers, never to its own requests to its superior.
    """

    code: str
    text: str
    units: tuple[UnitRef, ...]
    to_committee: bool = False


@dataclass(frozen=True)
class NamedUnits:
    """Units a consolidated report names (contract section 10)."""

    tccs_htxs: list[UnitRef] = field(default_factory=list)  # tổ chức cơ sở đảng rated htxs (xep_loai)
    tccs_kht: list[UnitRef] = field(default_factory=list)  # … rated kht (xep_loai)
    no_admission: list[UnitRef] = field(default_factory=list)  # reported dv_ket_nap = 0
    members_kht: list[UnitCount] = field(default_factory=list)  # dv_kht > 0, with the count
    orgs_kht: list[UnitCount] = field(default_factory=list)  # tcd_kht > 0, with the count
    not_submitted: list[UnitRef] = field(default_factory=list)
    excluded: list[UnitRef] = field(default_factory=list)  # submitted with errors (draft only)


class TargetStatus(StrEnum):
    DAT = "dat"  # met exactly (or, with bang_chi_tieu_la_dat = false, never)
    VUOT = "vuot"  # exceeded
    KHONG_DAT = "khong_dat"  # not met


@dataclass(frozen=True)
class Target:
    """A target of the year: `value` is a count, or a percentage for a share (contract section 10)."""

    key: str  # the settings key, e.g. "ket_nap", "dv_htt_tro_len_pct"
    subject: str  # the figure aimed at: a count code, a derived sum or a share key
    measure: Measure
    value: Decimal
    source: str  # "chi_tieu" (this year's settings) or "chi_tieu_nam_sau" (last year's)

    @property
    def label(self) -> str:
        return label(self.subject)


@dataclass(frozen=True)
class TargetResult:
    """A target and its result. For a count: `achieved` and `pct_of_target` ("đạt 102,91% chỉ tiêu");
    for a share: `achieved` in % (as printed) and `points` above (+) or below (−) the target.
    `status` is None when the figure was not reported."""

    target: Target
    achieved: Decimal | None
    status: TargetStatus | None
    pct_of_target: Decimal | None = None
    points: Decimal | None = None
    total: Total | None = None
    share: Share | None = None

    @property
    def met(self) -> bool:
        return self.status in (TargetStatus.DAT, TargetStatus.VUOT)


@dataclass(frozen=True)
class Targets:
    """Every target of the year with its result; "đạt và vượt {met}/{count} chỉ tiêu"."""

    results: list[TargetResult] = field(default_factory=list)
    source: str = ""
    equal_is_met: bool = True

    @property
    def count(self) -> int:
        return len(self.results)

    @property
    def met(self) -> int:
        return sum(r.met for r in self.results)

    def get(self, key: str) -> TargetResult | None:
        return next((r for r in self.results if r.target.key == key or r.target.subject == key), None)


@dataclass(frozen=True)
class SummaryRow:
    """A row of the one-table summary of the main indicators: last year, target, this year, change.

    For a count, `previous`/`current` are counts and `change` a `Change`; for a share they are the
    shares in % and `change` a `ShareChange` (percentage points). `target` is None without one.
    """

    key: str
    label: str
    measure: Measure
    previous: Decimal | int | None
    current: Decimal | int | None
    change: Change | ShareChange | None
    target: TargetResult | None = None
