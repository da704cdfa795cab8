"""The context of one unit's document (templates/bao-cao-don-vi.html.j2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports.context.values import Figures, Quote, figures, quotes
from reports.document import NOTICE_TYPE_ABBR, DocumentFrame, filing_lines, make_frame
from reports.figures import Share
from reports.indicators import TEXT_CODES

if TYPE_CHECKING:  # contexts are unpickled in rendering workers that never import pandas
    from reports.aggregate import Aggregates
    from reports.model import Dataset


@dataclass(frozen=True)
class UnitInfo:
    ma: str  # ma_don_vi
    ten: str  # "Đảng bộ Sở Tài chính"
    loai: str  # "dang_bo_co_so" or "chi_bo_co_so"
    nhom: str  # group of units, "" when none
    xep_loai: str  # the level decided for the unit itself (don-vi.csv): "htxs", "htt", "ht", "kht" or ""

    @property
    def chi_bo(self) -> bool:
        """A chi bộ cơ sở: a chi ủy, no ủy ban kiểm tra, no đảng bộ bộ phận, one organisation."""
        return self.loai == "chi_bo_co_so"


# The committee's rates a unit's notice compares the unit with (templates/bao-cao-don-vi.html.j2).
COMPARED_RATES = ("ket_nap_dau_ky", "dv_htt_tro_len")


@dataclass(frozen=True)
class CommitteeRates:
    """The committee's rates a unit's document compares the unit with (`khoi`): those of COMPARED_RATES.

    They are the one thing a unit's document reads from the other units. An incremental build hashes
    them into every unit document's inputs (`DocumentKind.shared_inputs`): a change that moves one of
    them renders every unit document again; any other change leaves them as they are, equal to what a
    full build writes. A template asking for another rate of `khoi` gets an error naming it.
    """

    ty_le: Mapping[str, Share]


def committee_rates(committee: Figures) -> CommitteeRates:
    return CommitteeRates({name: committee.ty_le[name] for name in COMPARED_RATES if name in committee.ty_le})


@dataclass(frozen=True)
class UnitContext:
    """What bao-cao-don-vi.html.j2 and the topic templates it includes receive."""

    doc: DocumentFrame  # a THÔNG BÁO: number "Số   -TB/ĐUK" left blank, the unit first among the recipients
    nam: int
    don_vi: UnitInfo
    f: Figures  # the unit's own figures (and last year's, when nam-truoc/ has them)
    y_kien: Mapping[str, tuple[Quote, ...]]  # the unit's own texts by code
    khoi: CommitteeRates | None  # the committee's rates, to compare the unit with (None when not given)


def build(dataset: Dataset, code: str, a: Aggregates, committee: Figures | None = None) -> UnitContext:
    """`a` is the aggregation of the unit alone: `aggregate(unit_dataset(dataset, code), tables=False)`;
    `committee` the committee's own figures (`figures(aggregate(dataset))`), built once for every unit."""
    unit = dataset.units.loc[code]
    name = str(unit["ten_don_vi"])
    level = unit.get("xep_loai", "")
    recipients = [f"{name} (để thực hiện)", *filing_lines(dataset.settings.ky.noi_nhan)]
    return UnitContext(
        doc=make_frame(dataset.settings, draft=dataset.draft, so="", loai=NOTICE_TYPE_ABBR, noi_nhan=recipients),
        nam=a.year,
        don_vi=UnitInfo(
            code,
            name,
            str(unit["loai"]),
            str(unit.get("nhom", "") or ""),
            str(level) if isinstance(level, str) else "",
        ),
        f=figures(a),
        y_kien={c: quotes(a.texts.get(c, [])) for c in TEXT_CODES},
        khoi=committee_rates(committee) if committee is not None else None,
    )
