"""Declared values shared by the contexts of every document kind.

- `Figures`: the aggregated figures of one scope (the whole committee, or one unit), by code.
- `Paragraph`: a paragraph of a text written in bao-cao.toml (the drafter's own words, no figures).
- `Quote`: a unit's own text, quoted under its name, never reworded.
- `Scope`: how many units the figures cover and which were left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports.figures import Change, OrgCounts, Rating, Share, ShareChange, Total, UnitCount
from reports.indicators import CHANGE_KEYS, COMPARISONS, COUNT_CODES, DERIVED, Measure, label
from reports.settings import NoiDung

if TYPE_CHECKING:  # contexts are unpickled in rendering workers that never import pandas
    import pandas as pd

    from reports.aggregate import Aggregates
    from reports.model import Dataset


@dataclass(frozen=True)
class Figures:
    """Every figure of one scope, for the templates (docs/mau-van-ban.md, "Số liệu").

    tong        code -> Total: value (None = no unit reported it), reported, units, presence
                ("none": every unit said 0; "some"; "unknown": nothing above 0 but some did not say)
    ty_le       share name -> Share: part, whole, pct (None when whole is 0), denominator_label, reported,
                base_is_total (False: the sentence names its base, whole, "của các đơn vị có báo cáo")
    so_voi      code -> Change (current, previous, delta, pct) or None without last year's figures
    so_voi_ty_le  share name -> ShareChange (current, previous, points: percentage points) or None
    xep_loai    "tcd", "dv", and with don-vi.csv's xep_loai "tccs" (the tổ chức cơ sở đảng by their own
                level) and "truc_thuoc" (the organisations under them) -> Rating
    thanh_phan  derived sum -> {code: value}: its parts over the same units (kl_dang_vien by form)
    to_chuc     OrgCounts: tổ chức cơ sở đảng by type, included and expected
    don_vi_theo_muc  level ("htxs", ...) -> units with organisations rated at that level
    """

    nam: int
    tong: Mapping[str, Total]
    ty_le: Mapping[str, Share]
    so_voi: Mapping[str, Change | None]
    thanh_phan: Mapping[str, Mapping[str, int]]
    to_chuc: OrgCounts
    don_vi_theo_muc: Mapping[str, tuple[UnitCount, ...]]
    co_nam_truoc: bool
    so_voi_ty_le: Mapping[str, ShareChange | None]
    xep_loai: Mapping[str, Rating]


def figures(a: Aggregates) -> Figures:
    return Figures(
        nam=a.year,
        tong=dict(a.totals),
        ty_le=dict(a.shares),
        so_voi={key: a.changes.get(key) for key in CHANGE_KEYS},
        thanh_phan={name: dict(parts) for name, parts in a.derived_parts.items()},
        to_chuc=a.orgs,
        don_vi_theo_muc={level: tuple(units) for level, units in a.units_by_level.items()},
        co_nam_truoc=a.has_last_year,
        so_voi_ty_le={c.key: a.share_changes.get(c.key) for c in COMPARISONS if c.measure is Measure.SHARE},
        xep_loai=dict(a.ratings),
    )


@dataclass(frozen=True)
class CoverageNote:
    """Figures given by the same part of the units: said once, in "Ghi chú về số liệu"."""

    chi_tieu: tuple[str, ...]  # the labels of the figures, lower case ("số cấp ủy viên", ...)
    so_don_vi: int  # units that reported them
    tren: int  # units that can have them
    chua_bao_cao: tuple[str, ...]  # the names of the units that did not


def coverage_notes(a: Aggregates) -> tuple[CoverageNote, ...]:
    """Every figure stated that not every unit reported, grouped by the units that did not report it.

    A unit that cannot have a figure (đảng bộ bộ phận of a chi bộ cơ sở) is not among `tren`.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    sizes: dict[tuple[str, ...], tuple[int, int]] = {}
    for code in COUNT_CODES:
        total = a.totals[code]
        if code in _NOT_NOTED or total.value is None or total.complete or not total.applies:
            continue
        groups.setdefault(total.unreported, []).append(_lower_first(label(code)))
        sizes[total.unreported] = (total.reported, total.units)
    return tuple(
        CoverageNote(tuple(labels), *sizes[key], tuple(a.unit_names.get(c, c) for c in key))
        for key, labels in groups.items()
    )


# Figures the reports do not state in a sentence (the target is stated with the targets).
_NOT_NOTED = frozenset({"chi_tieu_ket_nap", *DERIVED})


def _lower_first(text: str) -> str:
    text = text.replace("Trong đó: ", "").replace(": trong đó ", " ")
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class UnitName:
    ma: str
    ten: str


@dataclass(frozen=True)
class Scope:
    """Which units the figures cover: all expected (`du`), or part, naming the others."""

    so_don_vi: int  # units whose figures are included
    so_don_vi_phai_nop: int  # units expected in don-vi.csv
    khong_tong_hop: tuple[UnitName, ...]  # submitted with errors, left out (draft)
    chua_nop: tuple[UnitName, ...]  # no submission

    @property
    def du(self) -> bool:
        return not self.khong_tong_hop and not self.chua_nop


def scope(dataset: Dataset, a: Aggregates) -> Scope:
    names = dataset.units["ten_don_vi"].astype(str)
    return Scope(
        so_don_vi=a.included_count,
        so_don_vi_phai_nop=a.expected_count,
        khong_tong_hop=unit_names(names, a.excluded),
        chua_nop=unit_names(names, a.missing),
    )


def unit_names(names: pd.Series, codes: Iterable[str]) -> tuple[UnitName, ...]:
    return tuple(UnitName(str(code), str(names.get(code, code))) for code in codes)


@dataclass(frozen=True)
class Paragraph:
    text: str
    dash: bool = False  # a "- ..." item of a list


def paragraphs(text: str) -> tuple[Paragraph, ...]:
    """A settings text as paragraphs: a blank line separates paragraphs, a line "- ..." is a dash item.

    Lines inside one paragraph or item are joined with a space (the TOML text may be wrapped by hand).
    """
    result: list[Paragraph] = []
    for chunk in _chunks(text):
        current: list[str] = []
        dash = False
        for line in chunk:
            if line.startswith(("- ", "– ")):
                if current:
                    result.append(Paragraph(" ".join(current), dash))
                current, dash = ["- " + line[2:].strip()], True
            else:
                current.append(line)
        if current:
            result.append(Paragraph(" ".join(current), dash))
    return tuple(result)


def _chunks(text: str) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for raw in (text or "").strip().splitlines():
        line = raw.strip()
        if not line:
            if chunks[-1]:
                chunks.append([])
        else:
            chunks[-1].append(line)
    return [chunk for chunk in chunks if chunk]


def settings_texts(noi_dung: NoiDung) -> dict[str, tuple[Paragraph, ...]]:
    """Every [noi_dung] text of bao-cao.toml as paragraphs, by key (empty when not written)."""
    return {name: paragraphs(value) for name, value in vars(noi_dung).items()}


@dataclass(frozen=True)
class Quote:
    ma: str  # unit code
    ten: str  # unit name
    text: str  # the unit's own words, whitespace joined


def quotes(entries: Sequence[tuple[str, str, str]]) -> tuple[Quote, ...]:
    return tuple(Quote(code, name, " ".join(text.split())) for code, name, text in entries)
