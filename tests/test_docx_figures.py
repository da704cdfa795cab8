"""Figures and fields in the DOCX writer: a registered figure builder's parts land in the package,
related and drawn; a contents field shows its entries before any refresh. Read back with python-docx."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator

import docx
import openpyxl
import pytest
from docx.document import Document
from docx.enum.shape import WD_INLINE_SHAPE
from docx.enum.text import WD_TAB_LEADER
from docx.oxml.ns import qn
from lxml import etree

from reports.render.docx import (
    DocxWriterError,
    FigureRequest,
    Graphic,
    NewPart,
    register_figure_builder,
    render_docx,
    unregister_figure_builder,
)
from reports.render.docx.parts import CT_CHART, CT_XLSX, RT_CHART, RT_IMAGE, RT_PACKAGE

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PORTRAIT_TEXT_WIDTH_EMU = (11906 - 1701 - 850) * 635
SPEC = {"loai": "cot", "nhan": ["2024", "2025", "2026"], "gia_tri": [1210, 1234, 1251]}
CHART_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<c:chart><c:plotArea><c:layout/></c:plotArea></c:chart><c:externalData r:id="rId1"/></c:chartSpace>'
)


def page(body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tài liệu hội nghị</title>'
        f'<meta name="date" content="2026-12-18">{head}</head><body><section class="portrait">{body}'
        "</section></body></html>"
    )


def chart_figure(attrs: str = "", caption: str = "<figcaption><b>Biểu đồ 1.</b> Đảng viên</figcaption>") -> str:
    spec = json.dumps(SPEC, ensure_ascii=False)
    return (
        f"<p>Trước hình.</p><figure class=\"chart\" data-chart='{spec}'{attrs}>"
        f'<img src="bieu-do-1.svg" alt="Đảng viên">{caption}</figure>'
    )


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture
def requests() -> Iterator[list[FigureRequest]]:
    """A builder for `figure.chart` that answers with a 1x1 PNG picture part."""
    seen: list[FigureRequest] = []

    def picture(request: FigureRequest) -> Graphic:
        seen.append(request)
        return Graphic(NewPart("/word/media/image%d.png", "image/png", RT_IMAGE, PNG), "picture")

    register_figure_builder("chart", picture)
    yield seen
    unregister_figure_builder("chart")


@pytest.fixture
def native_chart() -> Iterator[bytes]:
    """A builder for `figure.chart` that answers with a chart part and its embedded workbook."""
    book = openpyxl.Workbook()
    book.active.append(["Năm", "Đảng viên"])
    for label, value in zip(SPEC["nhan"], SPEC["gia_tri"], strict=True):
        book.active.append([label, value])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = buffer.getvalue()
    workbook = NewPart("/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx", CT_XLSX, RT_PACKAGE, xlsx)
    part = NewPart("/word/charts/chart%d.xml", CT_CHART, RT_CHART, CHART_XML, (workbook,))
    register_figure_builder("chart", lambda request: Graphic(part, "chart"))
    yield xlsx
    unregister_figure_builder("chart")


def test_figure_builder_gets_the_spec_and_its_picture_part_is_drawn(requests):
    head = '<meta name="layout" content=\'{"so_le_thap_phan": 1}\'>'
    document = open_docx(render_docx(page(chart_figure(' data-height-mm="80"'), head)))
    [request] = requests
    assert request.kind == "chart" and request.spec == SPEC and request.decimals == 1
    assert (request.width_emu, request.height_emu) == (PORTRAIT_TEXT_WIDTH_EMU, 80 * 36000)
    [shape] = document.inline_shapes
    assert shape.type == WD_INLINE_SHAPE.PICTURE
    assert (shape.width, shape.height) == (request.width_emu, request.height_emu)
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    assert document.part.related_parts[blip.embed].blob == PNG
    texts = [(p.text, p.style.name) for p in document.paragraphs]
    assert texts == [("Trước hình.", "BC Nội dung"), ("", "BC Hình"), ("Biểu đồ 1. Đảng viên", "BC Chú thích hình")]
    assert [r.text for r in document.paragraphs[2].runs if r.bold] == ["Biểu đồ 1."]


def test_native_chart_part_carries_its_workbook(native_chart):
    document = open_docx(render_docx(page(chart_figure() + chart_figure(' data-width-mm="100"'))))
    shapes = list(document.inline_shapes)
    assert [s.type for s in shapes] == [WD_INLINE_SHAPE.CHART, WD_INLINE_SHAPE.CHART]
    assert shapes[1].width == 100 * 36000
    chart_ids = [s._inline.graphic.graphicData.find(qn("c:chart")).get(qn("r:id")) for s in shapes]
    charts = [document.part.related_parts[rid] for rid in chart_ids]
    assert [str(c.partname) for c in charts] == ["/word/charts/chart1.xml", "/word/charts/chart2.xml"]
    for chart in charts:
        assert chart.content_type == CT_CHART and chart.blob == CHART_XML
        embedded = chart.related_parts["rId1"]  # the id the chart XML's c:externalData names
        assert embedded.content_type == CT_XLSX and embedded.blob == native_chart
        assert chart.rels["rId1"].reltype == RT_PACKAGE
    sheet = openpyxl.load_workbook(io.BytesIO(charts[0].related_parts["rId1"].blob)).active
    assert [c.value for c in sheet["B"]][1:] == SPEC["gia_tri"]
    ids = [s._inline.docPr.get("id") for s in shapes]
    assert len(set(ids)) == 2


def test_a_report_without_figures_gets_no_figure_styles():
    document = open_docx(render_docx(page("<p>Chữ.</p>")))
    style_ids = {s.get(qn("w:styleId")) for s in document.styles.element.iterchildren(qn("w:style"))}
    assert not style_ids & {"BCHinh", "BCChuThichHinh", "TOC1", "TOC2", "TOC3"}
    assert "BCNoiDung" in style_ids


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        (chart_figure(), "bộ dựng"),  # no builder registered
        ('<figure class="chart"><img src="a.svg"></figure>', "data-chart"),
        ('<figure class="chart" data-chart=\'{x\'><img src="a.svg"></figure>', "JSON"),
        ('<figure class="chart" data-chart="{}"><figcaption>x</figcaption></figure>', "đúng một hình"),
        ('<figure class="chart" data-chart="{}" data-width-mm="-5"><img src="a.svg"></figure>', "data-width-mm"),
    ],
)
def test_a_figure_the_writer_cannot_make_is_an_error(figure, message):
    with pytest.raises(DocxWriterError, match=message) as caught:
        render_docx(page(figure))
    assert caught.value.element.startswith("<figure")


TOC = """<div class="page-break"></div><nav class="toc" data-levels="1-2">
  <p class="toc-1" data-page="3"><a href="#bao-cao">Báo cáo tổng kết</a></p>
  <p class="toc-2" data-page="17"><a href="#phu-luc-1">Phụ lục 1</a></p>
  <p class="toc-1"><a href="#tham-luan">Tham luận</a></p>
</nav><p>Sau mục lục.</p>"""


def test_contents_is_a_toc_field_with_its_entries_filled_in():
    document = open_docx(render_docx(page("<p>Bìa.</p>" + TOC)))
    paragraphs = document.paragraphs[1:4]
    assert [p.text for p in paragraphs] == ["Báo cáo tổng kết\t3", "Phụ lục 1\t17", "Tham luận"]
    assert [p.style.style_id for p in paragraphs] == ["TOC1", "TOC2", "TOC1"]
    assert paragraphs[0].paragraph_format.page_break_before is True
    xml = [p._p.xml for p in paragraphs]
    assert 'w:fldCharType="begin"' in xml[0] and 'w:fldCharType="end"' in xml[2]
    assert '<w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText>' in xml[0]
    assert all('w:fldCharType="begin"' not in x for x in xml[1:])
    tab = paragraphs[0].paragraph_format.tab_stops[0]
    assert tab.position.twips == 11906 - 1701 - 850 and tab.leader == WD_TAB_LEADER.DOTS
    assert document.paragraphs[4].text == "Sau mục lục."


def test_contents_without_entries_or_with_bad_levels_is_an_error():
    with pytest.raises(DocxWriterError, match="ít nhất một mục"):
        render_docx(page('<nav class="toc"></nav>'))
    with pytest.raises(DocxWriterError, match="data-levels"):
        render_docx(page('<nav class="toc" data-levels="tất cả"><p class="toc-1">x</p></nav>'))


def test_the_real_chart_builder_fits_the_hook():
    """reports.charts makes the chart part and its workbook; the hook adds and draws them (issue 9)."""
    from reports.charts.spec import ChartSpec, Series
    from reports.charts.word import CHART_PARTNAME, XLSX_PARTNAME, chart_part

    spec = ChartSpec(
        "line", "Số đảng viên qua các năm", ("2024", "2025", "2026"), (Series("Đảng viên", SPEC["gia_tri"]),)
    )

    def native(request: FigureRequest) -> Graphic:
        xml, xlsx = chart_part(ChartSpec.from_dict(request.spec))
        workbook = NewPart(XLSX_PARTNAME, CT_XLSX, RT_PACKAGE, xlsx)
        return Graphic(NewPart(CHART_PARTNAME, CT_CHART, RT_CHART, xml, (workbook,)), "chart")

    register_figure_builder("chart", native)
    try:
        figure = f"<figure class=\"chart\" data-chart='{spec.to_json()}'><svg></svg></figure>"
        document = open_docx(render_docx(page(figure)))
    finally:
        unregister_figure_builder("chart")
    [shape] = document.inline_shapes
    assert shape.type == WD_INLINE_SHAPE.CHART
    chart = document.part.related_parts[shape._inline.graphic.graphicData.find(qn("c:chart")).get(qn("r:id"))]
    values = [
        v.text for v in etree.fromstring(chart.blob).iter("{http://schemas.openxmlformats.org/drawingml/2006/chart}v")
    ]
    assert {"1210", "1234", "1251"} <= set(values)
    sheet = openpyxl.load_workbook(io.BytesIO(chart.related_parts["rId1"].blob)).active
    assert [c.value for c in sheet["B"]][1:] == SPEC["gia_tri"]
