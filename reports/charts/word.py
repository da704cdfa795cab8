"""ChartSpec -> a native Word chart: the chart part, its embedded workbook, and the drawing in a run.

python-docx has no chart API. The chart XML (c:chartSpace) is written with python-pptx in chartxml.py,
which only this module's `chart_xml` imports, so a PDF-only build never loads python-pptx. Here: the
number format codes, the workbook that Word's "Edit Data" opens, the parts and relationships inside the
DOCX package (`attach_chart`), and the inline drawing that places the chart in a run (`inline_xml`).

The workbook is written here with XlsxWriter (not python-pptx's writer) so that its creation date is
fixed and the same spec gives the same bytes; its layout is python-pptx's (categories in column A
from row 2, one column per series from B, series names in row 1), which the chart's c:f formulas name.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from reports.charts.spec import ChartSpec

if TYPE_CHECKING:
    import docx.document
    from docx.opc.part import Part
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RT_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
RT_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
CHART_PARTNAME = "/word/charts/chart%d.xml"
XLSX_PARTNAME = "/word/embeddings/Microsoft_Excel_Worksheet_%d.xlsx"
WORKBOOK_REL_ID = "rId1"  # the first (only) relationship of a new chart part
EMU_PER_MM = 36000
WORKBOOK_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
VI_COUNT_FORMAT = r"[>=1000000]#\.###\.###;[>=1000]#\.###;0"


def number_format(spec: ChartSpec) -> str:
    """The Excel format code of the values, written so the numbers read the Vietnamese way.

    Excel format codes take "," and "." from the reader's regional settings, so "#,##0" would show 1,234
    on an English Windows. Whole non-negative counts therefore put the thousands dot in as a literal
    (`#\\.###` for 1.000-999.999 and so on), which reads 1.234 everywhere. Other numbers keep the locale tag
    `[$-42A]` (Vietnamese): LibreOffice then writes 92,11%, Word follows the Windows settings (a
    Vietnamese Windows also shows 92,11%). Percentages are stored as in the report (92.11, not 0.9211)
    so the workbook holds the report's own numbers; `General` drops trailing zeros like fmt_pct.
    """
    values = [v for s in spec.series for v in s.values if v is not None]
    if spec.value_format == "pct":
        return '[$-42A]General"%"'
    if all(isinstance(v, int) and v >= 0 for v in values):
        return VI_COUNT_FORMAT
    return "[$-42A]General"


# --- the chart part ------------------------------------------------------------------------------------


def chart_part(spec: ChartSpec, workbook_rel_id: str = WORKBOOK_REL_ID) -> tuple[bytes, bytes]:
    """(chart XML, embedded xlsx) for `spec`; the XML's c:externalData names `workbook_rel_id`."""
    return chart_xml(spec, workbook_rel_id), workbook_xlsx(spec)


def chart_xml(spec: ChartSpec, workbook_rel_id: str = WORKBOOK_REL_ID) -> bytes:
    """The chart part's XML (python-pptx is imported here, so a PDF-only build never loads it)."""
    from reports.charts.chartxml import build_chart_xml

    return build_chart_xml(spec, number_format(spec), workbook_rel_id)


# --- the embedded workbook -----------------------------------------------------------------------------


def workbook_xlsx(spec: ChartSpec) -> bytes:
    """The chart's figures as a one-sheet workbook, laid out where the chart's c:f formulas point."""
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": WORKBOOK_DATE, "title": spec.title})
    sheet = workbook.add_worksheet("Sheet1")
    values_format = workbook.add_format({"num_format": number_format(spec)})
    header = workbook.add_format({"bold": True, "text_wrap": True})
    sheet.write(0, 0, spec.category_axis_title, header)
    sheet.write_column(1, 0, spec.categories)
    sheet.set_column(0, 0, max(12, *(len(c) for c in spec.categories)) + 2)
    for col, series in enumerate(spec.series, start=1):
        sheet.write(0, col, series.name, header)
        for row, value in enumerate(series.values, start=1):
            if value is not None:
                sheet.write_number(row, col, value, values_format)
        sheet.set_column(col, col, max(12, len(series.name) // 2 + 2))
    workbook.close()
    return buffer.getvalue()


# --- placing the chart in a DOCX -------------------------------------------------------------------------


def attach_chart(part: Part, spec: ChartSpec) -> str:
    """Add the chart part and its workbook to `part`'s package; returns the relationship id from `part`.

    `part` is the story part the chart is drawn in (document.part for the body and its tables).
    """
    from docx.opc.part import Part as OpcPart

    package = part.package
    assert package is not None
    chart_bytes, xlsx_bytes = chart_part(spec)
    xlsx = OpcPart(package.next_partname(XLSX_PARTNAME), CT_XLSX, xlsx_bytes, package)
    chart = OpcPart(package.next_partname(CHART_PARTNAME), CT_CHART, chart_bytes, package)
    rel_id = chart.relate_to(xlsx, RT_PACKAGE)
    if rel_id != WORKBOOK_REL_ID:  # a new part's first relationship; checked, not assumed
        raise AssertionError(f"chart workbook relationship is {rel_id}, expected {WORKBOOK_REL_ID}")
    return part.relate_to(chart, RT_CHART)


def inline_xml(rel_id: str, shape_id: int, width_mm: float, height_mm: float, title: str = "") -> str:
    """The <w:drawing> that shows chart `rel_id` inline in a run (namespaces declared, parses alone).

    `shape_id` must be unique among the document's drawings (python-docx: `document.part.next_id`).
    """
    from xml.sax.saxutils import quoteattr

    cx, cy = round(width_mm * EMU_PER_MM), round(height_mm * EMU_PER_MM)
    return (
        f'<w:drawing xmlns:w="{W_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:c="{C_NS}" xmlns:r="{R_NS}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="Biểu đồ {shape_id}" descr={quoteattr(title)}/>'
        "<wp:cNvGraphicFramePr/>"
        f'<a:graphic><a:graphicData uri="{C_NS}"><c:chart r:id="{rel_id}"/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing>"
    )


def add_chart(
    document: docx.document.Document,
    paragraph_or_run: Paragraph | Run,
    spec: ChartSpec,
    width_mm: float = 160,
    height_mm: float = 90,
) -> str:
    """Draw `spec` as a native chart at the end of the paragraph (in a new run) or in the run; returns its rId.

    The source line is not part of the Word chart: the caller writes it as a paragraph under the chart.
    """
    from docx.oxml import parse_xml
    from docx.text.paragraph import Paragraph

    run = paragraph_or_run.add_run() if isinstance(paragraph_or_run, Paragraph) else paragraph_or_run
    part = document.part
    rel_id = attach_chart(part, spec)
    run._r.append(parse_xml(inline_xml(rel_id, part.next_id, width_mm, height_mm, spec.title)))
    return rel_id
