"""The DOCX writer: the HTML subset of docs/html-subset.md mapped to Word, checked by reading it back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import unicodedata

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.text.paragraph import Paragraph

from reports.render.docx import DocxWriterError, render_docx
from reports.render.docx.layout import Layout
from reports.settings import TrinhBay

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

HEAD = """<head><meta charset="utf-8"><title>Báo cáo tổng kết công tác xây dựng Đảng năm 2024</title>
<meta name="author" content="Đảng ủy Trường Chính trị"><meta name="date" content="2024-12-20">{extra}
<link rel="stylesheet" href="style.css"></head>"""

PORTRAIT = """<section class="portrait">
<table class="header-block">
  <colgroup><col style="width: 45%"><col style="width: 55%"></colgroup>
  <tr><td><p class="hb-cap-tren">ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH</p>
          <p class="hb-co-quan">ĐẢNG ỦY TRƯỜNG CHÍNH TRỊ</p><p class="hb-sao">*</p></td>
      <td><p class="hb-dang">ĐẢNG CỘNG SẢN VIỆT NAM</p></td></tr>
  <tr><td><p class="hb-so">Số 125-BC/ĐU</p></td>
      <td><p class="hb-ngay">Việt Trì, ngày 20 tháng 12 năm 2024</p></td></tr>
</table>
<p class="doc-type">BÁO CÁO</p>
<p class="trich-yeu">tổng kết công tác xây dựng Đảng năm 2024</p>
<p class="separator">-----</p>
<p>Thực hiện   Hướng dẫn số 21-HD/BTCTW,
   Đảng ủy <b>báo cáo</b>   như sau:</p>
<h1>PHẦN THỨ NHẤT</h1>
<h2>I- ĐẶC ĐIỂM TÌNH HÌNH</h2>
<h3>1. Thuận lợi</h3>
<h4>a) Công tác chính trị tư tưởng</h4>
<p class="dash">- Tổng số đảng viên: <span class="nowrap">1.234 đồng chí</span>;
   tăng <i>5,2%</i><sup>1</sup>.</p>
<p class="quote">Chi bộ đã hoàn thành tốt nhiệm vụ.</p>
<p class="placeholder">[Phần do người soạn thảo viết: thuận lợi]</p>
<p>Xếp loại <span class="hl">[...]</span> là <u>35/38 (92,1%)</u>.</p>
<p class="center">***</p>
<table class="data">
  <colgroup><col style="width: 10%"><col style="width: 40%"><col style="width: 25%"><col style="width: 25%">
  </colgroup>
  <thead>
    <tr><th rowspan="2">TT</th><th rowspan="2">Đơn vị</th><th colspan="2">Đảng viên</th></tr>
    <tr><th>Đầu năm</th><th>Cuối năm</th></tr>
  </thead>
  <tbody>
    <tr class="group"><td colspan="4">Khối cơ quan</td></tr>
    <tr><td class="center">1</td><td>Chi bộ Văn phòng</td><td class="num">1.020</td>
        <td class="num">1.034</td></tr>
    <tr class="total"><td colspan="2" class="center">Tổng cộng</td><td class="num">1.020</td>
        <td class="num">1.034</td></tr>
  </tbody>
</table>
<p class="note">Ghi chú: số liệu đến 30/11/2024.</p>
<div class="page-break"></div>
<h2>II- PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025</h2>
<table class="signature">
  <colgroup><col style="width: 50%"><col style="width: 50%"></colgroup>
  <tr><td><p class="nn-label">Nơi nhận:</p><p class="nn-item">- Ban Thường vụ Đảng ủy Khối,</p>
          <p class="nn-item">- Lưu VP.</p></td>
      <td><p class="sig-authority">T/M BAN THƯỜNG VỤ</p><p class="sig-title">BÍ THƯ</p>
          <p class="sig-space"></p><p class="sig-name">Nguyễn Văn A</p></td></tr>
</table>
</section>"""

LANDSCAPE = """<section class="landscape">
<p class="appendix-title">Phụ lục 1</p>
<p class="appendix-subtitle">TÌNH HÌNH ĐẢNG VIÊN</p>
<p class="appendix-ref">(Kèm theo Báo cáo số 125-BC/ĐU)</p>
<table class="data"><thead><tr><th>TT</th><th>Chi bộ</th><th>Số đảng viên</th></tr></thead>
<tbody><tr><td class="center">1</td><td>Chi bộ 1</td><td class="num">12</td></tr></tbody></table>
</section>"""


def page(sections: str, head_extra: str = "") -> str:
    return f'<!DOCTYPE html>\n<html lang="vi">{HEAD.format(extra=head_extra)}<body>{sections}</body></html>'


def layout_meta(**values: float) -> str:
    """The page layout as base.html.j2 writes it for the DOCX writer."""
    return f"<meta name=\"layout\" content='{json.dumps(values)}'>"


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def twips(length: Length | None) -> int | None:
    return None if length is None else length.twips


def style_name(paragraph: Paragraph) -> str | None:
    return paragraph.style.name if paragraph.style is not None else None


def body_paragraph(document: Document, starts: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text.startswith(starts))


@pytest.fixture(scope="module")
def full() -> Document:
    return open_docx(render_docx(page(PORTRAIT + LANDSCAPE)))


@pytest.fixture(scope="module")
def draft() -> Document:
    return open_docx(render_docx(page(PORTRAIT + LANDSCAPE, '<meta name="draft" content="DỰ THẢO">')))


# -- page setup ---------------------------------------------------------------------------------------


def test_a4_portrait_with_36hd_margins(full):
    section = full.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert section.orientation == WD_ORIENT.PORTRAIT
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [twips(m) for m in margins] == [1134, 1134, 1701, 850]


def test_margins_come_from_the_layout_in_the_html():
    html = page(PORTRAIT, layout_meta(le_tren_mm=25, le_trai_mm=35, le_phai_mm=20))
    section = open_docx(render_docx(html)).sections[0]
    assert [twips(section.top_margin), twips(section.left_margin), twips(section.right_margin)] == [
        1417,
        1984,
        1134,
    ]


def test_landscape_section_is_a_new_a4_landscape_section(full):
    assert len(full.sections) == 2
    section = full.sections[1]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (section.page_width.twips, section.page_height.twips) == (16838, 11906)
    assert [section.left_margin.twips, section.right_margin.twips] == [1701, 850]
    # The landscape data table spans the wider text width.
    grid = full.tables[-1]._tbl.tblGrid
    assert sum(int(c.get(qn("w:w"))) for c in grid.iterchildren(qn("w:gridCol"))) == 16838 - 1701 - 850


# -- styles -------------------------------------------------------------------------------------------


def test_normal_style_is_times_new_roman_14_black_for_every_script(full):
    normal = full.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert fonts.get(qn(attr)) == "Times New Roman"
    assert str(normal.font.color.rgb) == "000000"
    defaults = full.styles.element.find(qn("w:docDefaults")).find(f"{W}rPrDefault").find(f"{W}rPr")
    assert "Theme" not in "".join(defaults.find(qn("w:rFonts")).attrib)


def test_headings_are_restyled_black_tnr_without_theme(full):
    for level in range(1, 5):
        style = full.styles[f"Heading {level}"]
        assert style.font.bold is True
        xml = style.element.xml
        assert "Theme" not in xml and "themeColor" not in xml
    assert full.styles["Heading 4"].font.italic is True
    assert full.styles["Heading 1"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_paragraph_styles_follow_the_classes(full):
    expected = {
        "BÁO CÁO": "BC Tên loại",
        "tổng kết công tác": "BC Trích yếu",
        "Thực hiện": "BC Nội dung",
        "PHẦN THỨ NHẤT": "Heading 1",
        "I- ĐẶC ĐIỂM": "Heading 2",
        "1. Thuận lợi": "Heading 3",
        "a) Công tác": "Heading 4",
        "- Tổng số": "BC Nội dung",
        "Chi bộ đã": "BC Trích dẫn",
        "[Phần do người soạn thảo": "BC Chỗ cần viết",
        "***": "BC Nội dung",
        "Ghi chú": "BC Ghi chú",
        "Phụ lục 1": "BC Phụ lục",
        "TÌNH HÌNH ĐẢNG VIÊN": "BC Phụ lục tên",
        "(Kèm theo": "BC Phụ lục ghi chú",
    }
    for start, style in expected.items():
        assert style_name(body_paragraph(full, start)) == style, start
    assert body_paragraph(full, "***").alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_body_text_format_comes_from_the_layout_in_the_html():
    html = page(PORTRAIT, layout_meta(thut_dau_dong_mm=12.7, gian_dong_pt=19, cach_doan_pt=6, co_chu=13))
    document = open_docx(render_docx(html))
    fmt = document.styles["BC Nội dung"].paragraph_format
    assert document.styles["Normal"].font.size == Pt(13)
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(fmt.first_line_indent - Mm(12.7)) < Mm(0.05)
    assert fmt.space_before == Pt(6) and fmt.space_after == Pt(6)
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing == Pt(19)


def test_layout_defaults_are_the_settings_defaults():
    """Without <meta name="layout"> the DOCX gets the [trinh_bay] defaults (36-HD)."""
    writer = dataclasses.asdict(Layout())
    settings = dataclasses.asdict(TrinhBay())
    assert writer == {k: settings[k] for k in writer}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "JSON"),
        ("{nope", "JSON"),
        ('{"le_tren": 25}', "le_tren"),
        ('{"co_chu": "14"}', "co_chu"),
        ('{"so_le_thap_phan": 1.5}', "so_le_thap_phan"),
    ],
)
def test_bad_layout_meta_is_an_error_naming_it(content, message):
    html = page(PORTRAIT, f"<meta name=\"layout\" content='{content}'>")
    with pytest.raises(DocxWriterError, match=message) as caught:
        render_docx(html)
    assert caught.value.element == "<meta>"


def test_placeholder_style_is_highlighted(full):
    rpr = full.styles["BC Chỗ cần viết"].element.rPr
    assert rpr.find(qn("w:highlight")).get(qn("w:val")) == "yellow"


# -- header block and signature ------------------------------------------------------------------------


def _borders(table) -> dict[str, str]:
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    return {child.tag.removeprefix(W): child.get(qn("w:val")) for child in borders}


def test_header_block_is_a_borderless_two_column_table(full):
    table = full.tables[0]
    assert len(table.columns) == 2
    assert set(_borders(table).values()) == {"none"}
    assert table.style is None or table.style.name != "Table Grid"
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    assert grid == [round(9355 * 0.45), round(9355 * 0.55)]
    assert [c.width.twips for c in table.rows[0].cells] == grid
    left, right = table.rows[0].cells
    assert [p.style.name for p in left.paragraphs] == [
        "BC Tiêu đề cơ quan cấp trên",
        "BC Tiêu đề cơ quan",
        "BC Dấu sao",
    ]
    assert table.rows[1].cells[0].paragraphs[0].style.name == "BC Số ký hiệu"
    assert table.rows[1].cells[1].paragraphs[0].style.name == "BC Địa danh ngày tháng"
    assert right.paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"


def test_party_title_has_a_rule_about_as_long_as_the_text(full):
    paragraph = full.tables[0].rows[0].cells[1].paragraphs[0]
    style = paragraph.style
    assert style.name == "BC Tiêu đề Đảng" and style.font.size == Pt(15) and style.font.bold
    bottom = style.element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single"
    cell_text_width = round(9355 * 0.55) - 2 * 108
    left, right = paragraph.paragraph_format.left_indent, paragraph.paragraph_format.right_indent
    assert left == right
    rule = cell_text_width - 2 * left.twips
    # Times New Roman Bold 15 pt: "ĐẢNG CỘNG SẢN VIỆT NAM" is about 207 pt = 4130 twips wide.
    assert 3800 < rule < 4500


def test_signature_table(full):
    table = full.tables[2]
    assert set(_borders(table).values()) == {"none"}
    left, right = table.rows[0].cells
    assert [p.style.name for p in left.paragraphs] == ["BC Nơi nhận", "BC Nơi nhận mục", "BC Nơi nhận mục"]
    assert [p.style.name for p in right.paragraphs] == [
        "BC Chữ ký quyền hạn",
        "BC Chữ ký chức vụ",
        "BC Chỗ ký",
        "BC Chữ ký họ tên",
    ]
    assert full.styles["BC Chữ ký chức vụ"].font.bold is not True
    assert full.styles["BC Nơi nhận"].font.underline is True
    assert full.styles["BC Nơi nhận mục"].font.size == Pt(12)


# -- page numbers and draft mark -----------------------------------------------------------------------


def _header_xml(header) -> str:
    return header._element.xml


def test_page_number_field_from_page_two(full):
    first = full.sections[0]
    assert first.different_first_page_header_footer is True
    assert "PAGE" in _header_xml(first.header)
    assert "PAGE" not in _header_xml(first.first_page_header)
    second = full.sections[1]
    assert second.different_first_page_header_footer is False
    assert second.header.is_linked_to_previous is False
    assert "PAGE" in _header_xml(second.header)
    assert second._sectPr.find(qn("w:pgNumType")) is None  # numbering continues


def test_draft_mark_in_every_header(draft, full):
    headers = [draft.sections[0].header, draft.sections[0].first_page_header, draft.sections[1].header]
    for header in headers:
        assert "DỰ THẢO" in header.paragraphs[0].text
    assert all("DỰ THẢO" not in s.header.paragraphs[0].text for s in full.sections)


# -- data tables ---------------------------------------------------------------------------------------


def test_data_table_borders_and_style(full):
    table = full.tables[1]
    assert table.style.name == "Table Grid"
    assert set(_borders(table).values()) == {"single"}


def test_thead_rows_repeat_as_header(full):
    rows = full.tables[1]._tbl.tr_lst
    flags = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows]
    assert flags == [True, True, False, False, False]


def test_rowspan_and_colspan_become_merged_cells(full):
    table = full.tables[1]
    first, second = table._tbl.tr_lst[:2]
    tcs = first.tc_lst
    assert [tc.tcPr.find(qn("w:vMerge")).get(qn("w:val")) for tc in tcs[:2]] == ["restart", "restart"]
    assert tcs[2].grid_span == 2
    continued = second.tc_lst[:2]
    assert all(tc.tcPr.find(qn("w:vMerge")).get(qn("w:val")) is None for tc in continued)
    assert table.cell(1, 0).text == "TT"  # python-docx resolves the merge
    assert table.cell(0, 3).text == "Đảng viên"
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    assert sum(grid) == 9355
    assert all(abs(g - 9355 * p) <= 1 for g, p in zip(grid, (0.10, 0.40, 0.25, 0.25), strict=True))
    assert int(tcs[2].tcPr.tcW.get(qn("w:w"))) == grid[2] + grid[3]


def test_cell_alignment_total_rows_and_table_font(full):
    table = full.tables[1]
    data_row = table.rows[3]
    assert data_row.cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert data_row.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert data_row.cells[1].paragraphs[0].style.name == "BC Bảng"
    assert table.rows[4].cells[2].paragraphs[0].style.name == "BC Bảng dòng tổng"
    assert full.styles["BC Bảng dòng tổng"].font.bold is True
    assert table.rows[2].cells[0].paragraphs[0].style.name == "BC Bảng dòng nhóm"
    assert table.rows[0].cells[0].paragraphs[0].style.name == "BC Bảng tiêu đề"
    assert full.styles["BC Bảng"].font.size == Pt(12)


def test_colgroup_must_match_the_columns():
    bad = '<table class="data"><colgroup><col style="width: 50%"></colgroup><tr><td>a</td><td>b</td></tr></table>'
    with pytest.raises(DocxWriterError, match="colgroup"):
        render_docx(page(f'<section class="portrait">{bad}</section>'))


# -- inline, whitespace, text ------------------------------------------------------------------------


def test_whitespace_collapsed_and_inline_formatting(full):
    paragraph = body_paragraph(full, "Thực hiện")
    assert paragraph.text == "Thực hiện Hướng dẫn số 21-HD/BTCTW, Đảng ủy báo cáo như sau:"
    assert [r.text for r in paragraph.runs if r.bold] == ["báo cáo"]
    dash = body_paragraph(full, "- Tổng số")
    assert "1.234\u00a0đồng\u00a0chí" in dash.text  # nowrap
    assert [r.text for r in dash.runs if r.italic] == ["5,2%"]
    assert [r.text for r in dash.runs if r.font.superscript] == ["1"]
    hl = body_paragraph(full, "Xếp loại")
    assert [r.text for r in hl.runs if r.font.highlight_color is not None] == ["[...]"]
    assert [r.text for r in hl.runs if r.underline] == ["35/38 (92,1%)"]


def test_line_break_and_page_break():
    html = page(
        '<section class="portrait"><p class="trich-yeu">dòng một <br> dòng hai</p>'
        '<div class="page-break"></div><p>Trang mới</p></section>'
    )
    document = open_docx(render_docx(html))
    assert document.paragraphs[0].text == "dòng một\ndòng hai"
    assert document.paragraphs[1].paragraph_format.page_break_before is True


def test_vietnamese_text_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Đảng ủy Khối Doanh nghiệp tỉnh Phú Thọ")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    document = open_docx(render_docx(page(f'<section class="portrait"><p>{decomposed}</p></section>')))
    assert document.paragraphs[0].text == unicodedata.normalize("NFC", decomposed)


# -- metadata and reproducibility ----------------------------------------------------------------------


def test_core_properties(full):
    props = full.core_properties
    assert props.title == "Báo cáo tổng kết công tác xây dựng Đảng năm 2024"
    assert props.author == "Đảng ủy Trường Chính trị"
    assert props.created == dt.datetime(2024, 12, 20, tzinfo=dt.UTC)
    assert props.modified == dt.datetime(2024, 12, 20, tzinfo=dt.UTC)
    assert props.revision == 1


def test_output_is_reproducible():
    html = page(PORTRAIT + LANDSCAPE, '<meta name="draft" content="DỰ THẢO">')
    assert render_docx(html) == render_docx(html)


def test_package_leaves_out_what_the_template_carries_for_nothing():
    """python-docx's template defines Word's 100 table styles and a Word 2010 copy of its styles; a
    report uses two table styles, and Word has the others built in."""
    import zipfile

    data = render_docx(page(PORTRAIT + LANDSCAPE))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "word/styles.xml" in names
    assert not [n for n in names if "stylesWithEffects" in n or "thumbnail" in n]
    styles = open_docx(data).styles.element.findall(qn("w:style"))
    tables = {s.get(qn("w:styleId")) for s in styles if s.get(qn("w:type")) == "table"}
    assert tables == {"TableNormal", "TableGrid"}
    paragraphs = {s.get(qn("w:styleId")) for s in styles if s.get(qn("w:type")) == "paragraph"}
    assert {"Normal", "Heading1", "Title"} <= paragraphs  # Word's other built-in styles stay as they were


# -- the subset is enforced ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "named"),
    [
        ("<ul><li>một</li></ul>", "<ul>"),
        ('<p>Ảnh <img src="a.png"></p>', "<img>"),
        ('<div class="x">chữ</div>', '<div class="x">'),
        ('<p class="unknown">chữ</p>', '<p class="unknown">'),
        ('<p>xem <a href="#">đây</a></p>', "<a>"),
        ('<p><span class="red">đỏ</span></p>', '<span class="red">'),
        ('<table class="data"><tr><td class="foo">1</td></tr></table>', '<td class="foo">'),
        ('<table class="data"><tr><td><p>1</p></td></tr></table>', "<p>"),
        ('<table class="header-block"><tr><td><h2>x</h2></td></tr></table>', "<h2>"),
    ],
)
def test_unsupported_element_raises_naming_it(fragment, named):
    html = page(f'<section class="portrait">\n<p>Mở đầu</p>\n{fragment}\n</section>')
    with pytest.raises(DocxWriterError) as caught:
        render_docx(html)
    assert caught.value.element == named
    assert named in str(caught.value)
    assert caught.value.line == html.splitlines().index(fragment) + 1
    assert f"dòng {caught.value.line}" in str(caught.value)


def test_text_outside_blocks_and_unknown_sections_are_errors():
    with pytest.raises(DocxWriterError, match="nằm trực tiếp"):
        render_docx(page('<section class="portrait">chữ rời</section>'))
    with pytest.raises(DocxWriterError, match="<section"):
        render_docx(page('<section class="wide"><p>x</p></section>'))
    with pytest.raises(DocxWriterError, match="<meta"):
        render_docx(page(PORTRAIT, '<meta name="keywords" content="x">'))


def test_nowrap_keeps_hyphens_and_spaces_unbreakable():
    html = page('<section class="portrait"><p>Số <span class="nowrap">21-HD/BTCTW ngày</span> 18</p></section>')
    paragraph = open_docx(render_docx(html)).paragraphs[0]
    assert paragraph.text == "Số 21-HD/BTCTW\u00a0ngày 18"
    assert paragraph._p.find(f".//{W}noBreakHyphen") is not None


def test_style_element_in_head_is_ignored_but_body_must_have_sections():
    head = "<style>@page { margin: 50mm; } p { color: red; }</style>"
    document = open_docx(render_docx(page('<section class="portrait"><p>x</p></section>', head)))
    assert [p.text for p in document.paragraphs] == ["x"]  # the CSS text is not body text
    section = document.sections[0]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [twips(m) for m in margins] == [1134, 1134, 1701, 850]  # the layout's, not the <style>'s
    with pytest.raises(DocxWriterError, match="section"):
        render_docx(page(""))
