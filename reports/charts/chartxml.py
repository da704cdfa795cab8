"""The DrawingML chart XML of a ChartSpec, written with python-pptx (imported only when a DOCX has charts).

python-pptx's `CategoryChartData` writes the plot (series with c:strCache/c:numCache filled, so the chart
shows before Word refreshes anything) and its chart object model sets title, legend, axes, labels and
fills; what Word needs beyond PowerPoint is added here: Times New Roman text tagged Vietnamese, square
corners, gaps for missing values, and `c:externalData` naming the embedded workbook.
"""

from __future__ import annotations

from typing import Any

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

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
LANG = "vi-VN"

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


def build_chart_xml(spec: ChartSpec, value_format: str, workbook_rel_id: str) -> bytes:
    """The c:chartSpace of `spec`, its values shown with the Excel format code `value_format`."""
    data = CategoryChartData(number_format=value_format)
    data.categories = list(spec.categories)
    for series in spec.series:
        data.add_series(series.name, list(series.values))
    chart_space = pptx_parse_xml(data.xml_bytes(_CHART_TYPES[spec.kind]))
    chart = Chart(chart_space, None)
    _text_defaults(chart, chart_space)
    _title(chart, spec)
    _legend(chart, spec)
    _plot(chart, spec, value_format)
    if spec.kind != "pie":
        _axes(chart, spec, value_format)
    _gaps_not_zero(chart_space)
    chart_space.get_or_add_externalData().rId = workbook_rel_id
    return etree.tostring(chart_space, encoding="UTF-8", xml_declaration=True, standalone=True)


def _text_defaults(chart: Any, chart_space: Any) -> None:
    """Times New Roman, Vietnamese, 10 pt for every text of the chart; square corners (Word's default is round)."""
    chart.font.name = WORD_FONT
    chart.font.size = Pt(10)
    def_rpr = chart_space.txPr.find(f".//{{{A_NS}}}defRPr")
    def_rpr.set("lang", LANG)
    for end in chart_space.txPr.iter(f"{{{A_NS}}}endParaRPr"):
        end.set("lang", LANG)
    for tag in ("ea", "cs"):  # schema order after a:latin
        etree.SubElement(def_rpr, f"{{{A_NS}}}{tag}", typeface=WORD_FONT)
    for tag in ("lang", "roundedCorners"):
        for old in chart_space.findall(f"{{{C_NS}}}{tag}"):
            chart_space.remove(old)
    first = 1 if chart_space[0].tag == f"{{{C_NS}}}date1904" else 0  # schema order: date1904, lang, roundedCorners
    chart_space.insert(first, etree.Element(f"{{{C_NS}}}roundedCorners", val="0"))
    chart_space.insert(first, etree.Element(f"{{{C_NS}}}lang", val=LANG))
    # White, frameless (as the SVG): the page gives the chart its place, no box around it.
    frame = etree.fromstring(
        f'<c:spPr xmlns:c="{C_NS}" xmlns:a="{A_NS}"><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
        "<a:ln><a:noFill/></a:ln></c:spPr>"
    )
    chart_space.find(f"{{{C_NS}}}chart").addnext(frame)  # schema order: chart, spPr, txPr


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


def _plot(chart: Any, spec: ChartSpec, value_format: str) -> None:
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = value_format
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


def _axes(chart: Any, spec: ChartSpec, value_format: str) -> None:
    values = [v for s in spec.series for v in s.values if v is not None]
    value_axis, category_axis = chart.value_axis, chart.category_axis
    value_axis.minimum_scale = min([0, *values])
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb(GRID)
    value_axis.tick_labels.number_format = value_format
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
