"""Charts: one ChartSpec, drawn as vector SVG in the PDF and as a native Word chart in the DOCX.

The numbers are read back from what a reader gets: the PDF's text (pypdf), the DOCX chart parts' cached
values and their embedded workbooks (openpyxl), and LibreOffice's rendering of the DOCX.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from reports.charts import ChartSpec, ChartSpecError, Series, add_chart, chart_part, chart_svg
from reports.charts.word import C_NS, RT_CHART, RT_PACKAGE, VI_COUNT_FORMAT, number_format
from reports.render.pdf import render_pdf

SOURCE = "Nguồn: tổng hợp từ báo cáo của 40/40 tổ chức cơ sở đảng"
C = {"c": C_NS, "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def four_charts() -> list[ChartSpec]:
    """A column, a bar, a line (with a missing middle year) and a stacked column chart."""
    return [
        ChartSpec(
            "column",
            "Kết nạp đảng viên so với chỉ tiêu",
            ("2022", "2023", "2024"),
            (Series("Chỉ tiêu", (150, 160, 170)), Series("Thực hiện", (143, 171, 1234))),
            value_axis_title="Đảng viên",
            source=SOURCE,
        ),
        ChartSpec(
            "bar",
            "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên theo khối",
            ("Khối cơ quan", "Khối doanh nghiệp", "Khối xã, phường, thị trấn"),
            (Series("Năm 2023", (88.5, 82.25, 79.1)), Series("Năm 2024", (92.11, 85, None))),
            value_format="pct",
            source=SOURCE,
        ),
        ChartSpec(
            "line",
            "Số đảng viên qua các năm",
            ("2020", "2021", "2022", "2023", "2024"),
            (Series("Đảng viên", (3412, 3498, None, 3655, 3721)),),
            category_axis_title="Năm",
            source=SOURCE,
        ),
        ChartSpec(
            "stacked_column",
            "Xếp loại tổ chức cơ sở đảng",
            ("Năm 2023", "Năm 2024"),
            (
                Series("Hoàn thành xuất sắc nhiệm vụ", (7, 8)),
                Series("Hoàn thành tốt nhiệm vụ", (24, 25)),
                Series("Hoàn thành nhiệm vụ", (8, 6)),
                Series("Không hoàn thành nhiệm vụ", (1, 1)),
            ),
            source=SOURCE,
        ),
    ]


def labels_of(spec: ChartSpec) -> list[str]:
    """Every value label the chart must show, formatted the Vietnamese way."""
    return [spec.fmt(v) for s in spec.series for v in s.values if v is not None]


# --- the spec ------------------------------------------------------------------------------------------


def test_spec_round_trips_through_json_and_normalises_numbers() -> None:
    spec = ChartSpec("column", "Đảng viên", ("2023", "2024"), (Series("Số", (Decimal("12"), float("nan"))),))
    assert spec.series[0].values == (12, None)
    assert isinstance(spec.series[0].values[0], int)
    assert ChartSpec.from_json(spec.to_json()) == spec
    assert "Đảng viên" in spec.to_json()  # readable in the HTML, not \u escapes


@pytest.mark.parametrize(
    ("kind", "rows", "message"),
    [
        ("donut", [(1, 2)], "loại biểu đồ"),
        ("column", [(1,)], "có 1 giá trị cho 2 nhóm"),
        ("pie", [(1, 2), (1, 2)], "một dãy"),
        ("column", [(1, "x")], "không phải là số"),
    ],
)
def test_inconsistent_spec_is_refused_with_a_vietnamese_message(kind: str, rows: list[tuple], message: str) -> None:
    with pytest.raises(ChartSpecError, match=message):
        ChartSpec(kind, "Biểu đồ thử", ("2023", "2024"), tuple(Series(f"dãy {i}", r) for i, r in enumerate(rows)))


def test_values_are_formatted_the_vietnamese_way() -> None:
    counts = ChartSpec("column", "t", ("a",), (Series("s", (1234567,)),))
    shares = ChartSpec("column", "t", ("a",), (Series("s", (92.105,)),), value_format="pct")
    assert counts.fmt(1234567) == "1.234.567"
    assert shares.fmt(92.105) == "92,11%"
    assert shares.fmt(100) == "100%"


# --- SVG and PDF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [*four_charts(), ChartSpec("pie", "Cơ cấu", ("A", "B"), (Series("s", (3, 1)),))])
def test_svg_is_vector_with_every_label_as_text(spec: ChartSpec) -> None:
    svg = chart_svg(spec)
    root = etree.fromstring(svg.encode("utf-8"))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert not list(root.iter("{http://www.w3.org/2000/svg}image"))
    for label in [*labels_of(spec), *spec.categories, spec.title]:
        assert any(label in (t or "") for t in texts), label
    assert ChartSpec.from_json(root.get("data-chart")) == spec
    assert chart_svg(spec) == svg  # same spec, same bytes


def test_a_missing_value_is_a_gap_not_a_zero() -> None:
    spec = four_charts()[2]
    root = etree.fromstring(chart_svg(spec).encode("utf-8"))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "0" not in texts[texts.index("2024") :]  # no value label "0" for 2022 (ticks come first)
    paths = [p.get("d") for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("fill") == "none"]
    assert len(paths) == 2  # the line is broken in two at 2022


@st.composite
def specs(draw: st.DrawFn) -> ChartSpec:
    """Any chart the engine accepts: 1-6 categories, 1-4 series of counts or shares, gaps anywhere."""
    kind = draw(st.sampled_from(["column", "bar", "line", "stacked_column", "pie"]))
    pct = kind != "stacked_column" and draw(st.booleans())
    count = draw(st.integers(1, 6))
    value = st.floats(0, 100).map(lambda v: round(v, 2)) if pct else st.integers(0, 2_000_000)
    rows = draw(st.integers(1, 1 if kind == "pie" else 4))
    series = tuple(
        Series(f"Dãy số {i + 1}", tuple(draw(st.lists(st.none() | value, min_size=count, max_size=count))))
        for i in range(rows)
    )
    categories = tuple(draw(st.sampled_from(["Khối cơ quan", "2024", "Đảng bộ xã Tân Phú Đông"])) for _ in range(count))
    return ChartSpec(kind, "Biểu đồ thử", categories, series, value_format="pct" if pct else "int")


@settings(max_examples=40, deadline=None)
@given(specs())
def test_any_spec_draws_every_value_and_caches_the_same_numbers(spec: ChartSpec) -> None:
    root = etree.fromstring(chart_svg(spec).encode("utf-8"))
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    drawn = [v for s in spec.series for v in s.values if v is not None]
    if spec.kind in ("stacked_column", "pie"):
        drawn = [v for v in drawn if v != 0]  # a zero slice or layer has no area to label
    for value in drawn:
        assert spec.fmt(value) in texts
    chart = etree.fromstring(chart_part(spec)[0])
    for series, ser in zip(spec.series, chart.findall(".//c:ser", C), strict=True):
        expected = {i: v for i, v in enumerate(series.values) if v is not None}
        assert {i: float(v) for i, v in _cached(ser, "c:val/c:numRef/c:numCache").items()} == expected


def _images(reader: PdfReader) -> list[str]:
    """Subtypes of every XObject reachable from the pages (forms searched recursively)."""
    found: list[str] = []

    def walk(resources: object) -> None:
        xobjects = resources.get("/XObject", {}) if hasattr(resources, "get") else {}
        for ref in xobjects.values():
            obj = ref.get_object()
            found.append(str(obj.get("/Subtype")))
            if "/Resources" in obj:
                walk(obj["/Resources"].get_object())

    for page in reader.pages:
        walk(page.get("/Resources", {}).get_object())
    return found


def test_pdf_with_inline_svg_has_the_labels_as_text_and_no_image() -> None:
    specs = four_charts()
    body = "".join(f"<div>{chart_svg(s, height_mm=70)}</div>" for s in specs)
    html = f'<html><head><link rel="stylesheet" href="style.css"></head><body>{body}</body></html>'
    reader = PdfReader(io.BytesIO(render_pdf(html)))
    text = " ".join(page.extract_text() for page in reader.pages)
    for spec in specs:
        for label in [*labels_of(spec), spec.title, SOURCE, *spec.categories]:
            assert label in text, label
    subtypes = _images(reader)
    assert subtypes and "/Image" not in subtypes  # the charts are form XObjects (vector), never pictures
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert all("BaoCao-Serif" in name for name in fonts), fonts  # the @font-face font, not a system one


# --- DOCX ----------------------------------------------------------------------------------------------


def _docx_with_charts(specs: list[ChartSpec]) -> bytes:
    document = docx.Document()
    document.add_paragraph("Biểu đồ")
    for spec in specs:
        add_chart(document, document.add_paragraph(), spec, 160, 80)
        document.add_paragraph(spec.source)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cached(ser: etree._Element, path: str) -> dict[int, str]:
    return {int(pt.get("idx")): pt.findtext("c:v", namespaces=C) for pt in ser.iterfind(f"{path}/c:pt", C)}


def test_docx_chart_parts_hold_the_spec_numbers_in_cache_and_workbook() -> None:
    specs = four_charts()
    reopened = docx.Document(io.BytesIO(_docx_with_charts(specs)))
    part = reopened.part
    chart_ids = [el.get(qn("r:id")) for el in reopened.element.body.iter(f"{{{C_NS}}}chart")]
    assert len(chart_ids) == len(specs)
    shape_ids = [el.get("id") for el in reopened.element.body.iter(qn("wp:docPr"))]
    assert len(set(shape_ids)) == len(shape_ids)
    for spec, rel_id in zip(specs, chart_ids, strict=True):
        rel = part.rels[rel_id]
        assert rel.reltype == RT_CHART
        chart = rel.target_part
        assert chart.partname.startswith("/word/charts/chart")
        root = etree.fromstring(chart.blob)
        assert root.tag == f"{{{C_NS}}}chartSpace"
        assert root.find(".//c:dispBlanksAs", C).get("val") == "gap"
        assert root.find("c:txPr//a:latin", C).get("typeface") == "Times New Roman"
        assert "".join(root.find("c:chart/c:title", C).itertext()) == spec.title
        sers = root.findall(".//c:ser", C)
        assert len(sers) == len(spec.series)
        workbook_rel = chart.rels[root.find("c:externalData", C).get(qn("r:id"))]
        assert workbook_rel.reltype == RT_PACKAGE
        assert workbook_rel.target_part.partname.startswith("/word/embeddings/Microsoft_Excel_Worksheet_")
        sheet = openpyxl.load_workbook(io.BytesIO(workbook_rel.target_part.blob))["Sheet1"]
        for series, ser in zip(spec.series, sers, strict=True):
            assert _cached(ser, "c:tx/c:strRef/c:strCache") == {0: series.name}
            assert _cached(ser, "c:cat/c:strRef/c:strCache") == dict(enumerate(spec.categories))
            expected = {i: v for i, v in enumerate(series.values) if v is not None}
            assert {i: float(v) for i, v in _cached(ser, "c:val/c:numRef/c:numCache").items()} == expected
            assert ser.findtext("c:val/c:numRef/c:numCache/c:formatCode", namespaces=C) == number_format(spec)
            assert ser.find("c:val/c:numRef/c:numCache/c:ptCount", C).get("val") == str(len(spec.categories))
            # The workbook cells the chart's formulas name hold the same figures.
            assert sheet[_cell(ser.findtext("c:tx/c:strRef/c:f", namespaces=C))].value == series.name
            values = [c.value for row in sheet[_cell(ser.findtext("c:val/c:numRef/c:f", namespaces=C))] for c in row]
            assert values == list(series.values)
            categories = [
                c.value for row in sheet[_cell(ser.findtext("c:cat/c:strRef/c:f", namespaces=C))] for c in row
            ]
            assert categories == list(spec.categories)


def _column(sheet: Any, ser: etree._Element, formula_path: str) -> list[object]:
    """The cells of the range the series' formula names."""
    return [cell.value for row in sheet[_cell(ser.findtext(formula_path, namespaces=C))] for cell in row]


def _cell(ref: str) -> str:
    """ "Sheet1!$B$2:$B$4" -> "B2:B4" (the sheet is checked by opening "Sheet1")."""
    return ref.split("!")[1].replace("$", "")


def test_counts_read_with_a_thousands_dot_whatever_the_locale() -> None:
    column, bar, _, _ = four_charts()
    assert number_format(column) == VI_COUNT_FORMAT
    assert "[$-42A]" in number_format(bar)  # shares: Vietnamese separators where the locale tag is honoured
    xml, xlsx = chart_part(column)
    assert chart_part(column) == (xml, xlsx)  # same spec, same bytes (workbook date pinned)
    cell = openpyxl.load_workbook(io.BytesIO(xlsx))["Sheet1"]["C4"]
    assert (cell.value, cell.number_format) == (1234, VI_COUNT_FORMAT)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_docx_charts_open_in_libreoffice(tmp_path: Path) -> None:
    specs = four_charts()
    source = tmp_path / "bieu-do.docx"
    source.write_bytes(_docx_with_charts(specs))
    profile = (tmp_path / "lo-profile").as_uri()  # own profile: no clash with another soffice running
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "bieu-do.pdf").pages)
    for spec in specs:
        assert spec.title in text
    assert "1.234" in text  # a count, with the thousands dot the format code puts in
    assert "Khối doanh nghiệp" in text and "Hoàn thành tốt nhiệm vụ" in text
