"""The context of one unit's document (templates/bao-cao-don-vi.html.j2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reports.aggregate import Aggregates
from reports.context.values import Figures, Quote, figures, quotes
from reports.document import DocumentFrame, make_frame
from reports.indicators import TEXT_CODES
from reports.model import Dataset


@dataclass(frozen=True)
class UnitInfo:
    ma: str  # ma_don_vi
    ten: str  # "Đảng bộ Sở Tài chính"
    loai: str  # "dang_bo_co_so" or "chi_bo_co_so"
    nhom: str  # group of units, "" when none


@dataclass(frozen=True)
class UnitContext:
    """What bao-cao-don-vi.html.j2 and the topic templates it includes receive."""

    doc: DocumentFrame  # the frame; its number is left blank (each unit's document is numbered by hand)
    nam: int
    don_vi: UnitInfo
    f: Figures  # the unit's own figures (and last year's, when nam-truoc/ has them)
    y_kien: Mapping[str, tuple[Quote, ...]]  # the unit's own texts by code


def build(dataset: Dataset, code: str, a: Aggregates) -> UnitContext:
    """`a` is the aggregation of the unit alone: `aggregate(unit_dataset(dataset, code), tables=False)`."""
    unit = dataset.units.loc[code]
    return UnitContext(
        doc=make_frame(dataset.settings, draft=dataset.draft, so=""),
        nam=a.year,
        don_vi=UnitInfo(code, str(unit["ten_don_vi"]), str(unit["loai"]), str(unit.get("nhom", "") or "")),
        f=figures(a),
        y_kien={c: quotes(a.texts.get(c, [])) for c in TEXT_CODES},
    )
