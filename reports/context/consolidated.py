"""The context of the consolidated report (templates/bao-cao-tong-hop.html.j2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reports.context.appendix import Appendix, appendix
from reports.context.values import (
    CoverageNote,
    Figures,
    Paragraph,
    Scope,
    coverage_notes,
    figures,
    paragraphs,
    scope,
    settings_texts,
)
from reports.document import DocumentFrame, make_frame
from reports.figures import NamedUnits, SummaryRow, Targets, TextGroup
from reports.indicators import TEXT_CODES
from reports.settings import ChiTieuNamSau

if TYPE_CHECKING:  # contexts are unpickled in rendering workers that never import pandas
    import pandas as pd

    from reports.aggregate import Aggregates
    from reports.model import Dataset


@dataclass(frozen=True)
class GroupRow:
    """One group of units (`nhom` in don-vi.csv): its totals over the included units."""

    nhom: str  # "" for units without a group
    so_don_vi: int
    dv_cuoi_ky: int | None
    dv_ket_nap: int | None
    tcd_htt_tro_len: int | None
    tcd_duoc_danh_gia: int | None
    dv_htt_tro_len: int | None
    dv_duoc_danh_gia: int | None


@dataclass(frozen=True)
class ConsolidatedContext:
    """What bao-cao-tong-hop.html.j2 and the topic templates it includes receive."""

    doc: DocumentFrame
    nam: int  # the reporting year
    f: Figures  # every figure of the committee
    pham_vi: Scope  # how many units the figures cover, and which are left out
    can_cu: tuple[Paragraph, ...]  # [van_ban].can_cu as paragraphs (used when it ends with ":")
    noi_dung: Mapping[str, tuple[Paragraph, ...]]  # [noi_dung] texts by key; () when not written
    # Units' own texts by code (nd_ket_qua_noi_bat, ...): one TextGroup per distinct text, naming every
    # unit that wrote it; a kiến nghị addressed to the committee itself has `to_committee` set.
    y_kien: Mapping[str, tuple[TextGroup, ...]]
    trich_dan_toi_da: int  # how many unit texts the body quotes per topic ([trinh_bay])
    nhom: tuple[GroupRow, ...]  # by group of units; () when don-vi.csv has no groups
    chi_tieu_nam_sau: ChiTieuNamSau  # next year's targets from the settings
    phu_luc: Appendix
    chi_tieu: Targets  # this year's targets with their results ("đạt và vượt {met}/{count} chỉ tiêu")
    bang_chi_tieu: tuple[SummaryRow, ...]  # the one-table summary of the main indicators
    neu_ten: NamedUnits  # units named: tccs_htxs, no_admission, members_kht, not_submitted, ...
    ghi_chu_so_lieu: tuple[CoverageNote, ...]  # figures not every unit reported, said once at the end


def build(dataset: Dataset, a: Aggregates) -> ConsolidatedContext:
    settings = dataset.settings
    return ConsolidatedContext(
        doc=make_frame(settings, draft=dataset.draft),
        nam=a.year,
        f=figures(a),
        pham_vi=scope(dataset, a),
        can_cu=paragraphs(settings.van_ban.can_cu),
        noi_dung=settings_texts(settings.noi_dung),
        y_kien={code: tuple(a.text_groups.get(code, [])) for code in TEXT_CODES},
        trich_dan_toi_da=settings.trinh_bay.trich_dan_toi_da,
        nhom=group_rows(a.groups),
        chi_tieu_nam_sau=settings.chi_tieu_nam_sau,
        phu_luc=appendix(a),
        chi_tieu=a.targets,
        bang_chi_tieu=tuple(a.summary),
        neu_ten=a.named,
        ghi_chu_so_lieu=coverage_notes(a),
    )


def group_rows(groups: pd.DataFrame) -> tuple[GroupRow, ...]:
    return tuple(
        GroupRow(
            nhom=str(row["nhom"]),
            so_don_vi=int(row["so_don_vi"]),
            dv_cuoi_ky=_int(row["dv_cuoi_ky"]),
            dv_ket_nap=_int(row["dv_ket_nap"]),
            tcd_htt_tro_len=_int(row["tcd_htt_tro_len"]),
            tcd_duoc_danh_gia=_int(row["tcd_duoc_danh_gia"]),
            dv_htt_tro_len=_int(row["dv_htt_tro_len"]),
            dv_duoc_danh_gia=_int(row["dv_duoc_danh_gia"]),
        )
        for row in groups.to_dict("records")
    )


def _int(value: Any) -> int | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else int(value)
