"""THE table: every (element, class) of the HTML subset and what the DOCX writer does with it.

docs/html-subset.md documents exactly these keys (tests/test_html_subset.py reads both and compares).
A key is a selector: `tag`, `tag.class` (all classes, space-separated, in the order written), or for
<meta>/<link> the attribute that says what they are. To support a new element: add its row here and
its line in docs/html-subset.md; anything not here is an error naming the element and its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from reports.render.docx import blocks, figures, head, tables
from reports.render.docx.rules import (
    BODY,
    COLGROUP,
    DATA_CELL,
    DATA_ROW,
    DOCUMENT,
    FIGURE,
    HEAD,
    HTML,
    INLINE,
    LAYOUT_CELL,
    LAYOUT_ROW,
    LAYOUT_TABLE_CELL,
    SECTION,
    TABLE,
    TOC,
    TOC_INLINE,
    Rule,
    rule,
)

P = (SECTION, LAYOUT_CELL)  # a classed paragraph stands in a section or in a header/signature cell
TEXT = (INLINE, TOC_INLINE)  # inline formatting, in any paragraph and in contents entries


def _p(style: str, **kwargs: bool) -> Rule:
    return rule(*P, write=blocks.paragraph, style=style, **kwargs)


_TABLE: dict[str, Rule] = {
    # -- document ------------------------------------------------------------------------------------
    "html": rule(DOCUMENT),
    "head": rule(HTML),
    "body": rule(HTML),
    "title": rule(HEAD, read=head.read_title),
    "meta[charset]": rule(HEAD),  # the parser already decoded the text
    "meta[name=author]": rule(HEAD, read=head.read_author),
    "meta[name=date]": rule(HEAD, read=head.read_date),
    "meta[name=draft]": rule(HEAD, read=head.read_draft),
    "meta[name=layout]": rule(HEAD, read=head.read_layout),
    "link[rel=stylesheet]": rule(HEAD),  # the PDF's stylesheet; the DOCX has its own styles
    "style": rule(HEAD),  # the PDF's page values; the DOCX reads them from meta[name=layout]
    "section.portrait": rule(BODY, write=blocks.portrait_section),
    "section.landscape": rule(BODY, write=blocks.landscape_section),
    # -- blocks --------------------------------------------------------------------------------------
    "p": _p("BCNoiDung"),
    "p.dash": _p("BCNoiDung"),
    "p.center": _p("BCNoiDung", centred=True),
    "p.quote": _p("BCTrichDan"),
    "p.placeholder": _p("BCChoCanViet"),
    "p.note": _p("BCGhiChu"),
    "p.hb-cap-tren": _p("BCTieuDeCoQuanCapTren"),
    "p.hb-co-quan": _p("BCTieuDeCoQuan"),
    "p.hb-sao": _p("BCDauSao"),
    "p.hb-so": _p("BCSoKyHieu"),
    "p.hb-dang": _p("BCTieuDeDang", rule_under=True),
    "p.hb-ngay": _p("BCDiaDanhNgayThang"),
    "p.doc-type": _p("BCTenLoai"),
    "p.trich-yeu": _p("BCTrichYeu"),
    "p.separator": _p("BCPhanCach"),
    "p.appendix-title": _p("BCPhuLuc"),
    "p.appendix-subtitle": _p("BCPhuLucTen"),
    "p.appendix-ref": _p("BCPhuLucGhiChu"),
    "p.nn-label": _p("BCNoiNhan"),
    "p.nn-item": _p("BCNoiNhanMuc"),
    "p.sig-authority": _p("BCChuKyQuyenHan"),
    "p.sig-title": _p("BCChuKyChucVu"),
    "p.sig-space": _p("BCChoKy"),
    "p.sig-name": _p("BCChuKyHoTen"),
    "h1": rule(SECTION, write=blocks.paragraph, style="Heading1"),
    "h2": rule(SECTION, write=blocks.paragraph, style="Heading2"),
    "h3": rule(SECTION, write=blocks.paragraph, style="Heading3"),
    "h4": rule(SECTION, write=blocks.paragraph, style="Heading4"),
    "div.page-break": rule(SECTION, write=blocks.page_break),
    "table.header-block": rule(SECTION, write=tables.layout_table),
    "table.signature": rule(SECTION, write=tables.layout_table),
    "table.data": rule(SECTION, write=tables.data_table),
    # -- inside tables -------------------------------------------------------------------------------
    "colgroup": rule(TABLE),
    "col": rule(TABLE, COLGROUP),
    "thead": rule(TABLE),
    "tbody": rule(TABLE),
    "tr": rule(DATA_ROW, LAYOUT_ROW, style="BCBang"),
    "tr.total": rule(DATA_ROW, style="BCBangDongTong"),
    "tr.group": rule(DATA_ROW, style="BCBangDongNhom"),
    "th": rule(DATA_CELL, LAYOUT_TABLE_CELL),
    "th.num": rule(DATA_CELL, jc="right"),
    "th.center": rule(DATA_CELL, jc="center"),
    "th.left": rule(DATA_CELL, jc="left"),
    "td": rule(DATA_CELL, LAYOUT_TABLE_CELL),
    "td.num": rule(DATA_CELL, jc="right"),
    "td.center": rule(DATA_CELL, jc="center"),
    "td.left": rule(DATA_CELL, jc="left"),
    # -- inline --------------------------------------------------------------------------------------
    "b": rule(*TEXT, flag="b"),
    "strong": rule(*TEXT, flag="b"),
    "i": rule(*TEXT, flag="i"),
    "em": rule(*TEXT, flag="i"),
    "u": rule(*TEXT, flag="u"),
    "sup": rule(*TEXT, flag="sup"),
    "br": rule(*TEXT, flag="br"),
    "span.nowrap": rule(*TEXT, flag="nowrap"),
    "span.hl": rule(*TEXT, flag="hl"),
    # -- figures and fields --------------------------------------------------------------------------
    "figure.chart": rule(SECTION, write=figures.figure),
    "img": rule(FIGURE, pdf_only=True),
    "svg": rule(FIGURE, pdf_only=True),
    "figcaption": rule(FIGURE, style="BCChuThichHinh"),
    "nav.toc": rule(SECTION, write=blocks.toc),
    "p.toc-1": rule(TOC, style="TOC1"),
    "p.toc-2": rule(TOC, style="TOC2"),
    "p.toc-3": rule(TOC, style="TOC3"),
    "a": rule(TOC_INLINE),  # a contents entry's link (the PDF's target-counter); its text in the DOCX
}

HANDLERS: Mapping[str, Rule] = MappingProxyType(_TABLE)
