"""The paragraph styles of the Party document format, written into styles.xml as XML.

Style ids are set in the body XML directly (a python-docx `paragraph.style = ...` costs ~1 ms a call).
The base styles are installed in every document; the optional ones (contents entries, figures) only
when the body uses them, so a report without figures is byte-for-byte what it was before they existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from reports.render.docx.layout import Layout
from reports.render.docx.wml import mm_to_twips, ppr, pt_to_twips, rpr, text, with_ns

TABLE_FONT_PT = 12
LANDSCAPE_TABLE_FONT_PT = 11
PARTY_TITLE_PT = 15
CAPTION_PT = 12
TOC_LEVELS = 3
TOC_LEVEL_INDENT_TWIPS = 284  # 5 mm per level


@dataclass(frozen=True)
class StyleDef:
    style_id: str
    name: str
    ppr: str
    rpr: str
    based_on: str = "Normal"
    builtin: bool = False  # a Word built-in style (no w:customStyle)
    next_style: str = ""  # the style of the paragraph after it; "" = itself


@dataclass(frozen=True)
class _Metrics:
    size: float
    indent: int
    gap: int
    line: int


def _metrics(layout: Layout) -> _Metrics:
    return _Metrics(
        layout.co_chu,
        mm_to_twips(layout.thut_dau_dong_mm),
        pt_to_twips(layout.cach_doan_pt),
        pt_to_twips(layout.gian_dong_pt),
    )


def _style(sid: str, name: str, ppr_args: dict[str, Any], based_on: str = "Normal", **rpr_args: Any) -> StyleDef:
    return StyleDef(sid, name, ppr(**ppr_args), rpr(**rpr_args), based_on)


def _heading(level: int, ppr_args: dict[str, Any], **rpr_args: Any) -> StyleDef:
    return StyleDef(
        f"Heading{level}",
        f"heading {level}",
        ppr(**ppr_args, outline=level - 1),
        rpr(**rpr_args),
        builtin=True,
        next_style="BCNoiDung",
    )


def base_style_defs(layout: Layout) -> list[StyleDef]:
    """Every paragraph style a report uses, built from the layout values."""
    m = _metrics(layout)
    size, gap, line = m.size, m.gap, m.line
    body: dict[str, Any] = {
        "before": gap,
        "after": gap,
        "line": line,
        "line_rule": "exact",
        "first_line": m.indent,
        "jc": "both",
    }
    tight: dict[str, Any] = {"before": 0, "after": 0, "line": 240, "first_line": 0}
    table: dict[str, Any] = {"before": 40, "after": 40, "line": 240, "first_line": 0, "jc": "left"}
    centred = {**tight, "jc": "center"}
    heading = {**body, "keep_next": True}
    return [
        _heading(1, {**heading, "first_line": 0, "jc": "center"}, bold=True),
        _heading(2, heading, bold=True),
        _heading(3, heading, bold=True),
        _heading(4, heading, bold=True, italic=True),
        _style("BCNoiDung", "BC Nội dung", body),
        _style("BCTrichDan", "BC Trích dẫn", body, italic=True),
        _style("BCChoCanViet", "BC Chỗ cần viết", body, highlight="yellow"),
        _style("BCGhiChu", "BC Ghi chú", {**tight, "after": gap, "jc": "both"}, italic=True, size_pt=12),
        _style("BCTieuDeCoQuanCapTren", "BC Tiêu đề cơ quan cấp trên", centred, size_pt=size),
        _style("BCTieuDeCoQuan", "BC Tiêu đề cơ quan", centred, bold=True, size_pt=size),
        _style("BCDauSao", "BC Dấu sao", centred, size_pt=size),
        _style("BCSoKyHieu", "BC Số ký hiệu", centred, size_pt=size),
        _style(
            "BCTieuDeDang", "BC Tiêu đề Đảng", {**centred, "border_bottom": True}, bold=True, size_pt=PARTY_TITLE_PT
        ),
        _style("BCDiaDanhNgayThang", "BC Địa danh ngày tháng", centred, italic=True, size_pt=size),
        _style("BCTenLoai", "BC Tên loại", {**centred, "before": 480}, bold=True, size_pt=16),
        _style("BCTrichYeu", "BC Trích yếu", centred, bold=True, size_pt=size),
        _style("BCPhanCach", "BC Phân cách", {**centred, "after": gap}),
        _style("BCPhuLuc", "BC Phụ lục", centred, bold=True),
        _style("BCPhuLucTen", "BC Phụ lục tên", {**centred, "before": gap}, bold=True),
        _style("BCPhuLucGhiChu", "BC Phụ lục ghi chú", {**centred, "after": 2 * gap}, italic=True),
        _style("BCNoiNhan", "BC Nơi nhận", {**tight, "jc": "left"}, underline=True, size_pt=size),
        _style("BCNoiNhanMuc", "BC Nơi nhận mục", {**tight, "jc": "left"}, size_pt=12),
        _style("BCChuKyQuyenHan", "BC Chữ ký quyền hạn", centred, bold=True),
        _style("BCChuKyChucVu", "BC Chữ ký chức vụ", centred),
        _style("BCChoKy", "BC Chỗ ký", {**centred, "before": 3 * line, "line": line, "line_rule": "exact"}),
        _style("BCChuKyHoTen", "BC Chữ ký họ tên", centred, bold=True),
        _style("BCBang", "BC Bảng", table, size_pt=TABLE_FONT_PT),
        _style("BCBangTieuDe", "BC Bảng tiêu đề", {"jc": "center"}, "BCBang", bold=True),
        _style("BCBangDongTong", "BC Bảng dòng tổng", {}, "BCBang", bold=True),
        _style("BCBangDongNhom", "BC Bảng dòng nhóm", {}, "BCBang", bold=True, italic=True),
        # Tables of landscape appendices: a size smaller, as in the PDF (style.css), so that headings
        # such as "Chuyển đến" fit their columns; the column-number row smaller still, not bold.
        _style("BCBangNgang", "BC Bảng ngang", {}, "BCBang", size_pt=LANDSCAPE_TABLE_FONT_PT),
        _style("BCBangNgangTieuDe", "BC Bảng ngang tiêu đề", {"jc": "center"}, "BCBangNgang", bold=True),
        _style("BCBangNgangDongTong", "BC Bảng ngang dòng tổng", {}, "BCBangNgang", bold=True),
        _style("BCBangNgangDongNhom", "BC Bảng ngang dòng nhóm", {}, "BCBangNgang", bold=True, italic=True),
        _style("BCBangChiSoCot", "BC Bảng chỉ số cột", {"jc": "center"}, "BCBangNgang", italic=True, size_pt=10),
        _style("BCDauTrang", "BC Đầu trang", {**tight, "jc": "left"}, size_pt=size),
        _style("BCNganCach", "BC Ngăn cách", {**tight, "line": 20, "line_rule": "exact"}, size_pt=1),
    ]


def optional_style_defs(layout: Layout) -> dict[str, StyleDef]:
    """Styles installed only when the body uses them: figures, captions, contents entries."""
    m = _metrics(layout)
    tight: dict[str, Any] = {"before": 0, "after": 0, "line": 240, "first_line": 0}
    defs = [
        _style("BCHinh", "BC Hình", {**tight, "keep_next": True, "before": m.gap, "jc": "center"}),
        _style("BCChuThichHinh", "BC Chú thích hình", {**tight, "after": m.gap, "jc": "center"}, size_pt=CAPTION_PT),
    ]
    for level in range(1, TOC_LEVELS + 1):
        indent = (level - 1) * TOC_LEVEL_INDENT_TWIPS
        toc_ppr = ppr(before=0, after=m.gap // 2, line=240, left=indent, first_line=0, jc="left")
        defs.append(StyleDef(f"TOC{level}", f"toc {level}", toc_ppr, rpr(size_pt=m.size), builtin=True))
    return {d.style_id: d for d in defs}


def _style_xml(sd: StyleDef) -> str:
    custom = "" if sd.builtin else ' w:customStyle="1"'
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph"{custom} w:styleId="{sd.style_id}">'
        f'<w:name w:val="{text(sd.name)}"/><w:basedOn w:val="{sd.based_on}"/>'
        f'<w:next w:val="{sd.next_style or sd.style_id}"/>'
        f"<w:qFormat/>{sd.ppr}{sd.rpr}</w:style>"
    )


def install_styles(document: Any, layout: Layout, optional: list[str]) -> None:
    """Times New Roman everywhere (theme fonts removed), the BC styles and the optional ones used."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.clear()
    rpr_default.append(parse_xml(with_ns(rpr(fonts=True, size_pt=layout.co_chu, lang="vi-VN"))))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.clear()
    ppr_default.append(parse_xml(with_ns(ppr(after=0, line=240))))

    normal = styles.get_by_id("Normal")
    for child in normal.findall(qn("w:pPr")) + normal.findall(qn("w:rPr")):
        normal.remove(child)
    normal.append(parse_xml(with_ns(rpr(fonts=True, color="000000", size_pt=layout.co_chu))))

    extra = optional_style_defs(layout)
    for sd in base_style_defs(layout) + [extra[sid] for sid in optional]:
        old = styles.get_by_id(sd.style_id)
        if old is not None:
            styles.remove(old)
        styles.append(parse_xml(_style_xml(sd)))
