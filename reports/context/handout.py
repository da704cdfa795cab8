"""The context of the conference handout (templates/tai-lieu-hoi-nghi.html.j2), and its charts.

The handout's front matter (cover, programme, contents, main indicators, charts) is laid out from this
context; the consolidated report it binds is the report's own context, reused as it is. The charts are
declared here from the aggregated figures (the report's own numbers), once, as `ChartSpec`s: the PDF
draws their SVG, the DOCX the same specs as native Word charts.

The contents (`muc_luc`) is filled in by `reports.handout` once it knows where each part starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports.charts import ChartSpec, Series, chart_svg
from reports.context.consolidated import ConsolidatedContext
from reports.document import DocumentFrame
from reports.figures import SummaryRow
from reports.indicators import LEVEL_LABELS, LEVELS
from reports.vietnamese import fmt_date_body, pct

if TYPE_CHECKING:  # contexts are unpickled in rendering workers that never import pandas
    from reports.aggregate import Aggregates
    from reports.model import Dataset

HANDOUT_DIR = "hoi-nghi"  # <data folder>/hoi-nghi/*.pdf are bound after the report (contract section 12)
TREND_YEARS = 5


@dataclass(frozen=True)
class Chart:
    ma: str  # anchor id and name: "bieu-do-1"
    spec: ChartSpec
    svg: str  # the inline SVG for the PDF (vector, real text)


@dataclass(frozen=True)
class TocEntry:
    """One line of the contents: its title, level (1 part, 2 a heading inside the report), page."""

    tieu_de: str
    trang: int
    cap: int = 1


@dataclass(frozen=True)
class PageSize:
    """A page size of the bound pages, as a named CSS page of the number pages ("so-1")."""

    ten: str
    rong: float  # points
    cao: float


@dataclass(frozen=True)
class NumberPage:
    """A page that carries only a running page number, stamped onto a bound page of size `kho`."""

    so: int
    kho: str


@dataclass(frozen=True)
class Attachment:
    """A PDF of hoi-nghi/ bound after the report: its title (the PDF's own, else from its file name)."""

    tieu_de: str
    path: Path


@dataclass(frozen=True)
class HandoutContext:
    doc: DocumentFrame
    nam: int
    ten_hoi_nghi: str
    dia_diem: str
    ngay: str  # "27/12/2026", or "" when not given
    chuong_trinh: tuple[str, ...]
    chi_tieu: tuple[SummaryRow, ...]
    bieu_do: tuple[Chart, ...]
    nguon: str  # "Nguồn: tổng hợp từ báo cáo của 40/40 tổ chức cơ sở đảng"
    bao_cao: ConsolidatedContext
    tieu_de_bao_cao: str  # the report's entry in the contents
    tai_lieu: tuple[Attachment, ...]
    trang_le: bool  # parts start on odd pages
    muc_luc: tuple[TocEntry, ...] = ()  # filled in when binding
    che_do: str = "pdf"  # "pdf": inline SVG charts; "docx": marker paragraphs replaced by Word charts
    trang_danh_so: tuple[NumberPage, ...] = ()  # PDF: the number pages (reports.handout)
    kho_giay: tuple[PageSize, ...] = ()
    bao_cao_html: str = field(default="", repr=False)  # the report's body sections, for the DOCX

    def with_contents(self, entries: tuple[TocEntry, ...]) -> HandoutContext:
        return replace(self, muc_luc=entries)


def build(dataset: Dataset, a: Aggregates, report: ConsolidatedContext) -> HandoutContext:
    settings = dataset.settings
    hoi_nghi = settings.hoi_nghi
    nguon = f"Nguồn: tổng hợp từ báo cáo của {a.included_count}/{a.expected_count} tổ chức cơ sở đảng"
    return HandoutContext(
        doc=report.doc,
        nam=a.year,
        ten_hoi_nghi=hoi_nghi.ten_hoi_nghi(a.year),
        dia_diem=hoi_nghi.dia_diem,
        ngay=fmt_date_body(hoi_nghi.ngay) if hoi_nghi.ngay else "",
        chuong_trinh=hoi_nghi.chuong_trinh,
        chi_tieu=tuple(a.summary),
        bieu_do=tuple(Chart(f"bieu-do-{i}", s, chart_svg(s)) for i, s in enumerate(chart_specs(dataset, a, nguon), 1)),
        nguon=nguon,
        bao_cao=report,
        tieu_de_bao_cao=f"Báo cáo tổng kết công tác xây dựng Đảng năm {a.year}",
        tai_lieu=attachments(settings.source.parent if settings.source else None),
        trang_le=hoi_nghi.bat_dau_trang_le,
    )


def attachments(folder: Path | None) -> tuple[Attachment, ...]:
    """The PDFs of <folder>/hoi-nghi/ in file-name order."""
    if folder is None or not (folder / HANDOUT_DIR).is_dir():
        return ()
    files = sorted(p for p in (folder / HANDOUT_DIR).iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
    return tuple(Attachment(_title(p), p) for p in files)


def _title(path: Path) -> str:
    """ "02-tham-luan_Dang-uy-Cong-an.pdf" -> "Tham luan Dang uy Cong an"; a PDF's own title wins."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        meta = PdfReader(path).metadata
        own = str(meta.title).strip() if meta and meta.title else ""
    except (PdfReadError, OSError, ValueError):
        own = ""
    if own:
        return own
    words = path.stem.replace("_", " ").replace("-", " ").split()
    while words and words[0].isdigit():
        words.pop(0)
    text = " ".join(words) or path.stem
    return text[:1].upper() + text[1:]


# --- the charts --------------------------------------------------------------------------------------


def chart_specs(dataset: Dataset, a: Aggregates, source: str) -> list[ChartSpec]:
    """Members over the years, admissions against target, ratings (organisations, members), by group."""
    specs = [_members_over_years(dataset, a, source), _admissions(dataset, a, source)]
    specs.extend(_ratings(a, source))
    by_group = _by_group(a, source)
    if by_group is not None:
        specs.append(by_group)
    return specs


def _years(dataset: Dataset, a: Aggregates, code: str) -> tuple[tuple[str, ...], tuple[int | None, ...]]:
    """This year and the chain's years (up to five, oldest first); a year without figures is a gap."""
    values: dict[int, int | None] = {year: totals.get(code) for year, totals in dataset.history.items()}
    values[a.year] = a.totals[code].value
    first = max(min(values), a.year - TREND_YEARS + 1)
    years = range(first, a.year + 1)
    return tuple(str(y) for y in years), tuple(values.get(y) for y in years)


def _members_over_years(dataset: Dataset, a: Aggregates, source: str) -> ChartSpec:
    years, values = _years(dataset, a, "dv_cuoi_ky")
    kind = "line" if len(years) > 1 else "column"
    return ChartSpec(
        kind,
        "Số đảng viên qua các năm",
        years,
        (Series("Đảng viên", values),),
        category_axis_title="Năm",
        value_axis_title="Đảng viên",
        source=source,
    )


def _admissions(dataset: Dataset, a: Aggregates, source: str) -> ChartSpec:
    years, values = _years(dataset, a, "dv_ket_nap")
    target = a.targets.get("ket_nap")
    series = [Series("Kết nạp", values)]
    if target is not None:
        goal = int(target.target.value)
        series.insert(0, Series("Chỉ tiêu", tuple(goal if y == str(a.year) else None for y in years)))
    return ChartSpec(
        "column",
        "Kết nạp đảng viên so với chỉ tiêu",
        years,
        tuple(series),
        category_axis_title="Năm",
        value_axis_title="Đảng viên",
        source=source,
    )


def _ratings(a: Aggregates, source: str) -> list[ChartSpec]:
    """Organisations by level (the base organisations separately when xep_loai is given); members."""
    subjects = [("tccs", "Tổ chức cơ sở đảng"), ("truc_thuoc", "Tổ chức đảng trực thuộc")]
    present = [(key, name) for key, name in subjects if key in a.ratings and a.ratings[key].rated]
    if not present:
        present = [("tcd", "Tổ chức đảng")]
    orgs = ChartSpec(
        "stacked_column",
        f"Xếp loại chất lượng tổ chức đảng năm {a.year}",
        tuple(name for _, name in present),
        tuple(Series(LEVEL_LABELS[lv], tuple(a.ratings[key].count(lv) for key, _ in present)) for lv in LEVELS),
        value_axis_title="Tổ chức",
        source=source,
    )
    members = ChartSpec(
        "column",
        f"Xếp loại chất lượng đảng viên năm {a.year}",
        tuple(LEVEL_LABELS[lv] for lv in LEVELS),
        (Series("Đảng viên", tuple(a.ratings["dv"].count(lv) for lv in LEVELS)),),
        value_axis_title="Đảng viên",
        source=source,
    )
    return [orgs, members]


def _by_group(a: Aggregates, source: str) -> ChartSpec | None:
    """The share of members rated "hoàn thành tốt nhiệm vụ trở lên" in each group `nhom`."""
    if a.groups.empty:
        return None
    names: list[str] = []
    values: list[float | None] = []
    for row in a.groups.to_dict("records"):
        names.append(str(row["nhom"]) or "Đơn vị chưa xếp nhóm")
        part, whole = row["dv_htt_tro_len"], row["dv_duoc_danh_gia"]
        share = pct(int(part), int(whole), a.decimals) if _present(part) and _present(whole) else None
        values.append(float(share) if share is not None else None)
    return ChartSpec(
        "bar",
        f"Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên theo khối, năm {a.year}",
        tuple(names),
        (Series(f"Năm {a.year}", tuple(values)),),
        value_format="pct",
        source=source,
        decimals=a.decimals,
    )


def _present(value: Any) -> bool:
    import pandas as pd

    return value is not None and not bool(pd.isna(value))
