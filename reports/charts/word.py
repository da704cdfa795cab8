"""ChartSpec -> a native Word chart: the chart part XML (c:chartSpace) and its embedded workbook.

python-docx has no chart API; python-pptx writes the same DrawingML chart XML for PowerPoint, so its
`CategoryChartData` writes the plot (series, c:strCache/c:numCache filled, so the chart shows before
Word refreshes anything) and its chart object model sets title, legend, axes, labels and fills. What
is Word-specific lives here: the Times New Roman text in Vietnamese, `c:externalData` pointing at the
embedded workbook (so "Edit Data" opens the figures), the parts and relationships inside the DOCX
package, and the inline drawing that places the chart in a run.

The workbook is written here with XlsxWriter (not python-pptx's writer) so that its creation date is
fixed and the same spec gives the same bytes; its layout is python-pptx's (categories in column A
from row 2, one column per series from B, series names in row 1), which the chart's c:f formulas name.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_DATA_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.chart import XL_TICK_LABEL_POSITION as XL_TICK_LABEL
from pptx.enum.dml import MSO_LINE_DASH_STYLE, MSO_PATTERN
from pptx.oxml import parse_xml as pptx_parse_xml
from pptx.util import Pt

from reports.charts.spec import ChartSpec
from reports.charts.style import GRID, WORD_FONT, SeriesStyle, series_style

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
LANG = "vi-VN"
VI_COUNT_FORMAT = r"[>=1000000]#\.###\.###;[>=1000]#\.###;0"

_CHART_TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_column": XL_CHART_TYPE.COLUMN_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "pie": XL_CHART_TYPE.PIE,
}
_DASHES = {
    "solid": MSO_LINE_DASH_STYLE.SOLID,
    "dash": MSO_LINE_DASH_STYLE.DASH,
    "sysDot": MSO_LINE_DASH_STYLE.ROUND_DOT,
    "dashDot": MSO_LINE_DASH_STYLE.DASH_DOT,
    "lgDash": MSO_LINE_DASH_STYLE.LONG_DASH,
    "sysDash": MSO_LINE_DASH_STYLE.SQUARE_DOT,
}
_MARKERS = {
    "circle": XL_MARKER_STYLE.CIRCLE,
    "square": XL_MARKER_STYLE.SQUARE,
    "triangle": XL_MARKER_STYLE.TRIANGLE,
    "diamond": XL_MARKER_STYLE.DIAMOND,
}


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
    data = CategoryChartData(number_format=number_format(spec))
    data.categories = list(spec.categories)
    for series in spec.series:
        data.add_series(series.name, list(series.values))
    chart_space = pptx_parse_xml(data.xml_bytes(_CHART_TYPES[spec.kind]))
    chart = Chart(chart_space, None)
    _text_defaults(chart, chart_space)
    _title(chart, spec)
    _legend(chart, spec)
    _plot(chart, spec)
    if spec.kind != "pie":
        _axes(chart, spec)
    _gaps_not_zero(chart_space)
    chart_space.get_or_add_externalData().rId = workbook_rel_id
    return etree.tostring(chart_space, encoding="UTF-8", xml_declaration=True, standalone=True)


def _text_defaults(chart: Any, chart_space: Any) -> None:
    """Times New Roman, Vietnamese, 10 pt for every text of the chart; square corners (Word's default is round)."""
    chart.font.name = WORD_FONT
    chart.font.size = Pt(10)
    def_rpr = chart_space.txPr.find(f".//{{{A_NS}}}defRPr")
    def_rpr.set("lang", LANG)
    for tag in ("cs", "ea"):
        etree.SubElement(def_rpr, f"{{{A_NS}}}{tag}", typeface=WORD_FONT)
    for tag in ("lang", "roundedCorners"):
        for old in chart_space.findall(f"{{{C_NS}}}{tag}"):
            chart_space.remove(old)
    first = 1 if chart_space[0].tag == f"{{{C_NS}}}date1904" else 0  # schema order: date1904, lang, roundedCorners
    chart_space.insert(first, etree.Element(f"{{{C_NS}}}roundedCorners", val="0"))
    chart_space.insert(first, etree.Element(f"{{{C_NS}}}lang", val=LANG))


def _title(chart: Any, spec: ChartSpec) -> None:
    if not spec.title:
        chart.has_title = False
        return
    chart.has_title = True
    frame = chart.chart_title.text_frame
    frame.text = spec.title
    font = frame.paragraphs[0].runs[0].font
    font.bold, font.size, font.name = True, Pt(12), WORD_FONT


def _legend(chart: Any, spec: ChartSpec) -> None:
    chart.has_legend = spec.kind == "pie" or len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False


def _plot(chart: Any, spec: ChartSpec) -> None:
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format(spec)
    labels.number_format_is_linked = False
    labels.font.size = Pt(9)
    labels.show_value = True
    if spec.kind == "pie":
        plot.vary_by_categories = True
        labels.show_percentage = False  # one number format serves both: the value's would print 0,14 as 0
        labels.position = XL_DATA_LABEL_POSITION.OUTSIDE_END
        for index, point in enumerate(plot.series[0].points):
            _fill(point.format, series_style(index))
        return
    labels.position = {
        "column": XL_DATA_LABEL_POSITION.OUTSIDE_END,
        "bar": XL_DATA_LABEL_POSITION.OUTSIDE_END,
        "stacked_column": XL_DATA_LABEL_POSITION.CENTER,
        "line": XL_DATA_LABEL_POSITION.ABOVE,
    }[spec.kind]
    plot.vary_by_categories = False
    if spec.kind in ("column", "bar"):
        plot.gap_width = 35
    elif spec.kind == "stacked_column":
        plot.gap_width = 80
    for index, series in enumerate(plot.series):
        style = series_style(index)
        if spec.kind == "line":
            _line_series(series, style)
        else:
            _fill(series.format, style)


def _fill(fmt: Any, style: SeriesStyle) -> None:
    """A solid fill, or white with diagonal hatching, with a thin black outline (as in the SVG)."""
    if style.hatch:
        fmt.fill.patterned()
        fmt.fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
        fmt.fill.fore_color.rgb = _rgb(style.hatch)
        fmt.fill.back_color.rgb = _rgb(style.fill)
    else:
        fmt.fill.solid()
        fmt.fill.fore_color.rgb = _rgb(style.fill)
    fmt.line.color.rgb = RGBColor(0, 0, 0)
    fmt.line.width = Pt(0.5)


def _line_series(series: Any, style: SeriesStyle) -> None:
    series.smooth = False
    line = series.format.line
    line.color.rgb = _rgb(style.line)
    line.width = Pt(1.5)
    line.dash_style = _DASHES[style.word_dash]
    series.marker.style = _MARKERS[style.marker]
    series.marker.size = 6
    series.marker.format.fill.solid()
    series.marker.format.fill.fore_color.rgb = _rgb(style.line)
    series.marker.format.line.color.rgb = RGBColor(0, 0, 0)


def _axes(chart: Any, spec: ChartSpec) -> None:
    values = [v for s in spec.series for v in s.values if v is not None]
    value_axis, category_axis = chart.value_axis, chart.category_axis
    value_axis.minimum_scale = min([0, *values])
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb(GRID)
    value_axis.tick_labels.number_format = number_format(spec)
    value_axis.tick_labels.number_format_is_linked = False
    category_axis.tick_label_position = XL_TICK_LABEL.LOW
    for axis, title in ((value_axis, spec.value_axis_title), (category_axis, spec.category_axis_title)):
        if title:
            axis.axis_title.text_frame.text = title
            axis.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False


def _gaps_not_zero(chart_space: Any) -> None:
    """A missing value is a gap (a year without data), never drawn as a zero."""
    for element in chart_space.iter(f"{{{C_NS}}}dispBlanksAs"):
        element.set("val", "gap")


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


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
