"""HTML subset -> DOCX bytes with the Party document styles (36-HD/VPTW).

The report template renders one HTML tree; WeasyPrint lays it out as the PDF and this module walks the
same tree and maps the subset documented in docs/html-subset.md to Word constructs. Anything outside
the subset raises DocxWriterError naming the element and its source line, so a template change can
never lose text silently in the DOCX.

Speed: python-docx's high-level API (paragraph.style, table.cell()) costs about a millisecond per call,
so the body is written as WordprocessingML text and parsed once; python-docx is used only for the
package, the styles part, sections, headers and core properties.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips
from lxml import etree
from lxml import html as lxml_html

from reports.settings import TrinhBay

__all__ = ["DocxWriterError", "render_docx"]

A4_SHORT_TWIPS = 11906
A4_LONG_TWIPS = 16838
HEADER_DISTANCE_TWIPS = 567  # 10 mm from the top edge (page number position, domain.md 1.8)
CELL_MARGIN_TWIPS = 108  # Word's default left/right cell margin
TABLE_FONT_PT = 12
PARTY_TITLE_PT = 15
# Average advance of "ĐẢNG CỘNG SẢN VIỆT NAM" in Times New Roman Bold (measured with the metric-compatible
# Liberation Serif Bold): 0.626 em per character. Used to size the rule under the title.
BOLD_CAPS_EM_PER_CHAR = 0.6263
FONT = "Times New Roman"

_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
_COL_WIDTH = re.compile(r"^\s*width\s*:\s*(\d+(?:\.\d+)?)\s*%\s*;?\s*$")


class DocxWriterError(Exception):
    """The HTML uses an element or class outside docs/html-subset.md (a template bug)."""

    def __init__(self, message: str, element: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.element = element
        self.line = line


# --------------------------------------------------------------------------------------------------
# Small XML helpers
# --------------------------------------------------------------------------------------------------


def _mm_to_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _pt_to_twips(pt: float) -> int:
    return round(pt * 20)


def _half_points(pt: float) -> int:
    return round(pt * 2)


def _text(value: str) -> str:
    return escape(value)


def _ppr(
    *,
    style: str | None = None,
    keep_next: bool = False,
    page_break_before: bool = False,
    border_bottom: bool = False,
    tabs: Iterable[tuple[str, int]] = (),
    before: int | None = None,
    after: int | None = None,
    line: int | None = None,
    line_rule: str = "auto",
    first_line: int | None = None,
    left: int | None = None,
    right: int | None = None,
    jc: str | None = None,
    outline: int | None = None,
    mark_rpr: str = "",
) -> str:
    """A w:pPr element with its children in schema order (Word rejects out-of-order children)."""
    parts = []
    if style:
        parts.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        parts.append("<w:keepNext/><w:keepLines/>")
    if page_break_before:
        parts.append("<w:pageBreakBefore/>")
    if border_bottom:
        parts.append('<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
    tab_list = list(tabs)
    if tab_list:
        parts.append("<w:tabs>" + "".join(f'<w:tab w:val="{k}" w:pos="{p}"/>' for k, p in tab_list) + "</w:tabs>")
    spacing = ""
    if before is not None:
        spacing += f' w:before="{before}"'
    if after is not None:
        spacing += f' w:after="{after}"'
    if line is not None:
        spacing += f' w:line="{line}" w:lineRule="{line_rule}"'
    if spacing:
        parts.append(f"<w:spacing{spacing}/>")
    ind = ""
    if left is not None:
        ind += f' w:left="{left}"'
    if right is not None:
        ind += f' w:right="{right}"'
    if first_line is not None:
        ind += f' w:firstLine="{first_line}"'
    if ind:
        parts.append(f"<w:ind{ind}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    parts.append(mark_rpr)
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def _rpr(
    *,
    fonts: bool = False,
    bold: bool | None = None,
    italic: bool | None = None,
    color: str | None = None,
    size_pt: float | None = None,
    highlight: str | None = None,
    underline: bool | None = None,
    lang: str | None = None,
) -> str:
    """A w:rPr element for style definitions, children in schema order."""
    parts = []
    if fonts:
        parts.append(f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>')
    if bold is not None:
        val = "" if bold else ' w:val="0"'
        parts.append(f"<w:b{val}/><w:bCs{val}/>")
    if italic is not None:
        val = "" if italic else ' w:val="0"'
        parts.append(f"<w:i{val}/><w:iCs{val}/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size_pt is not None:
        hp = _half_points(size_pt)
        parts.append(f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>')
    if highlight:
        parts.append(f'<w:highlight w:val="{highlight}"/>')
    if underline is not None:
        parts.append(f'<w:u w:val="{"single" if underline else "none"}"/>')
    if lang:
        parts.append(f'<w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


# --------------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _StyleDef:
    style_id: str
    name: str
    ppr: str
    rpr: str
    based_on: str = "Normal"


# HTML class of <p> -> Word paragraph style id (names and formatting in _style_defs).
P_CLASS_STYLES: dict[str, str] = {
    "": "BCNoiDung",
    "dash": "BCNoiDung",
    "center": "BCNoiDung",
    "quote": "BCTrichDan",
    "placeholder": "BCChoCanViet",
    "note": "BCGhiChu",
    "hb-cap-tren": "BCTieuDeCoQuanCapTren",
    "hb-co-quan": "BCTieuDeCoQuan",
    "hb-sao": "BCDauSao",
    "hb-so": "BCSoKyHieu",
    "hb-dang": "BCTieuDeDang",
    "hb-ngay": "BCDiaDanhNgayThang",
    "doc-type": "BCTenLoai",
    "trich-yeu": "BCTrichYeu",
    "separator": "BCPhanCach",
    "appendix-title": "BCPhuLuc",
    "appendix-subtitle": "BCPhuLucTen",
    "appendix-ref": "BCPhuLucGhiChu",
    "nn-label": "BCNoiNhan",
    "nn-item": "BCNoiNhanMuc",
    "sig-authority": "BCChuKyQuyenHan",
    "sig-title": "BCChuKyChucVu",
    "sig-space": "BCChoKy",
    "sig-name": "BCChuKyHoTen",
}
HEADING_STYLES = {"h1": "Heading1", "h2": "Heading2", "h3": "Heading3", "h4": "Heading4"}


def _style_defs(layout: TrinhBay) -> list[_StyleDef]:
    """Every paragraph style the writer uses, built from the layout settings."""
    size = layout.co_chu
    indent = _mm_to_twips(layout.thut_dau_dong_mm)
    gap = _pt_to_twips(layout.cach_doan_pt)
    line = _pt_to_twips(layout.gian_dong_pt)
    body: dict[str, Any] = {
        "before": gap,
        "after": gap,
        "line": line,
        "line_rule": "exact",
        "first_line": indent,
        "jc": "both",
    }
    tight: dict[str, Any] = {"before": 0, "after": 0, "line": 240, "first_line": 0}
    table: dict[str, Any] = {"before": 40, "after": 40, "line": 240, "first_line": 0, "jc": "left"}
    centred = {**tight, "jc": "center"}
    heading = {**body, "keep_next": True}

    def style(sid: str, name: str, ppr: dict[str, Any], based_on: str = "Normal", **rpr: Any) -> _StyleDef:
        return _StyleDef(sid, name, _ppr(**ppr), _rpr(**rpr), based_on)

    return [
        style("Heading1", "heading 1", {**heading, "first_line": 0, "jc": "center", "outline": 0}, bold=True),
        style("Heading2", "heading 2", {**heading, "outline": 1}, bold=True),
        style("Heading3", "heading 3", {**heading, "outline": 2}, bold=True),
        style("Heading4", "heading 4", {**heading, "outline": 3}, bold=True, italic=True),
        style("BCNoiDung", "BC Nội dung", body),
        style("BCTrichDan", "BC Trích dẫn", body, italic=True),
        style("BCChoCanViet", "BC Chỗ cần viết", body, highlight="yellow"),
        style("BCGhiChu", "BC Ghi chú", {**tight, "after": gap, "jc": "both"}, italic=True, size_pt=12),
        style("BCTieuDeCoQuanCapTren", "BC Tiêu đề cơ quan cấp trên", centred, size_pt=size),
        style("BCTieuDeCoQuan", "BC Tiêu đề cơ quan", centred, bold=True, size_pt=size),
        style("BCDauSao", "BC Dấu sao", centred, size_pt=size),
        style("BCSoKyHieu", "BC Số ký hiệu", centred, size_pt=size),
        style(
            "BCTieuDeDang",
            "BC Tiêu đề Đảng",
            {**centred, "border_bottom": True},
            bold=True,
            size_pt=PARTY_TITLE_PT,
        ),
        style("BCDiaDanhNgayThang", "BC Địa danh ngày tháng", centred, italic=True, size_pt=size),
        style("BCTenLoai", "BC Tên loại", {**centred, "before": 480}, bold=True, size_pt=16),
        style("BCTrichYeu", "BC Trích yếu", centred, bold=True, size_pt=size),
        style("BCPhanCach", "BC Phân cách", {**centred, "after": gap}),
        style("BCPhuLuc", "BC Phụ lục", centred, bold=True),
        style("BCPhuLucTen", "BC Phụ lục tên", {**centred, "before": gap}, bold=True),
        style("BCPhuLucGhiChu", "BC Phụ lục ghi chú", {**centred, "after": 2 * gap}, italic=True),
        style("BCNoiNhan", "BC Nơi nhận", {**tight, "jc": "left"}, underline=True, size_pt=size),
        style("BCNoiNhanMuc", "BC Nơi nhận mục", {**tight, "jc": "left"}, size_pt=12),
        style("BCChuKyQuyenHan", "BC Chữ ký quyền hạn", centred, bold=True),
        style("BCChuKyChucVu", "BC Chữ ký chức vụ", centred),
        style("BCChoKy", "BC Chỗ ký", {**centred, "before": 3 * line, "line": line, "line_rule": "exact"}),
        style("BCChuKyHoTen", "BC Chữ ký họ tên", centred, bold=True),
        style("BCBang", "BC Bảng", table, size_pt=TABLE_FONT_PT),
        style("BCBangTieuDe", "BC Bảng tiêu đề", {"jc": "center"}, "BCBang", bold=True),
        style("BCBangDongTong", "BC Bảng dòng tổng", {}, "BCBang", bold=True),
        style("BCBangDongNhom", "BC Bảng dòng nhóm", {}, "BCBang", bold=True, italic=True),
        style("BCDauTrang", "BC Đầu trang", {**tight, "jc": "left"}, size_pt=size),
        style("BCNganCach", "BC Ngăn cách", {**tight, "line": 20, "line_rule": "exact"}, size_pt=1),
    ]


def _style_xml(sd: _StyleDef) -> str:
    custom = "" if sd.style_id.startswith("Heading") else ' w:customStyle="1"'
    return (
        f'<w:style {nsdecls("w")} w:type="paragraph"{custom} w:styleId="{sd.style_id}">'
        f'<w:name w:val="{_text(sd.name)}"/><w:basedOn w:val="{sd.based_on}"/>'
        f'<w:next w:val="{"BCNoiDung" if sd.style_id.startswith("Heading") else sd.style_id}"/>'
        f"<w:qFormat/>{sd.ppr}{sd.rpr}</w:style>"
    )


def _install_styles(document: Any, layout: TrinhBay) -> None:
    """Times New Roman everywhere (theme fonts removed) and the BC styles, written into styles.xml."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.clear()
    rpr_default.append(parse_xml(_with_ns(_rpr(fonts=True, size_pt=layout.co_chu, lang="vi-VN"))))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr_default.clear()
    ppr_default.append(parse_xml(_with_ns(_ppr(after=0, line=240))))

    normal = styles.get_by_id("Normal")
    for child in normal.findall(qn("w:pPr")) + normal.findall(qn("w:rPr")):
        normal.remove(child)
    normal.append(parse_xml(_with_ns(_rpr(fonts=True, color="000000", size_pt=layout.co_chu))))

    for sd in _style_defs(layout):
        old = styles.get_by_id(sd.style_id)
        if old is not None:
            styles.remove(old)
        styles.append(parse_xml(_style_xml(sd)))


def _with_ns(xml: str) -> str:
    """Declare the w: namespace on the root element of a fragment."""
    head, _, rest = xml.partition(">")
    if head.endswith("/"):
        return f"{head[:-1]} {nsdecls('w')}/>{rest}"
    return f"{head} {nsdecls('w')}>{rest}"


# --------------------------------------------------------------------------------------------------
# Document model read from the HTML
# --------------------------------------------------------------------------------------------------


@dataclass
class _Meta:
    title: str = ""
    author: str = ""
    date: dt.date | None = None
    draft: str = ""


@dataclass(frozen=True)
class _Page:
    landscape: bool
    width: int
    height: int
    text_width: int


@dataclass
class _Segment:
    text: str  # "\n" for a line break
    fmt: frozenset[str]
    is_break: bool = False


def _describe(el: Any) -> str:
    cls = el.get("class")
    return f'<{el.tag} class="{cls}">' if cls is not None else f"<{el.tag}>"


def _unsupported(el: Any, where: str = "") -> DocxWriterError:
    described = _describe(el)
    place = f" trong {where}" if where else ""
    return DocxWriterError(
        f"Bộ ghi DOCX không hỗ trợ phần tử {described}{place} (dòng {el.sourceline} của HTML); "
        "mẫu chỉ được dùng các phần tử trong docs/html-subset.md.",
        element=described,
        line=el.sourceline,
    )


def _children(el: Any) -> Iterator[Any]:
    """Element children, skipping comments and processing instructions."""
    for child in el:
        if isinstance(child.tag, str):
            yield child


def _require_blank(text: str | None, el: Any) -> None:
    if text and text.strip(" \t\n\f\r"):
        raise DocxWriterError(
            f"Văn bản '{text.strip()[:40]}' nằm trực tiếp trong {_describe(el)} (dòng {el.sourceline} "
            "của HTML), ngoài mọi đoạn văn.",
            element=_describe(el),
            line=el.sourceline,
        )


def _require_blank_content(el: Any) -> None:
    """Only whitespace (and elements handled by the caller) may sit directly in `el`."""
    _require_blank(el.text, el)
    for child in el:
        _require_blank(child.tail, el)


def _classes(el: Any) -> str:
    return " ".join((el.get("class") or "").split())


# --------------------------------------------------------------------------------------------------
# Inline content
# --------------------------------------------------------------------------------------------------

_INLINE_FLAGS = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "sup": "sup"}
_SPAN_FLAGS = {"nowrap": "nowrap", "hl": "hl"}


def _collect_inline(el: Any, fmt: frozenset[str], out: list[_Segment]) -> None:
    if el.text:
        out.append(_Segment(el.text, fmt))
    for child in el:
        if isinstance(child.tag, str):
            _collect_element(child, fmt, out)
        if child.tail:
            out.append(_Segment(child.tail, fmt))


def _collect_element(el: Any, fmt: frozenset[str], out: list[_Segment]) -> None:
    tag = el.tag
    cls = _classes(el)
    if tag == "br" and not cls:
        out.append(_Segment("\n", fmt, is_break=True))
        return
    if tag in _INLINE_FLAGS and not cls:
        _collect_inline(el, fmt | {_INLINE_FLAGS[tag]}, out)
        return
    if tag == "span" and cls in _SPAN_FLAGS:
        _collect_inline(el, fmt | {_SPAN_FLAGS[cls]}, out)
        return
    raise _unsupported(el, "một đoạn văn")


def _collapse(segments: list[_Segment]) -> list[_Segment]:
    """Collapse whitespace as HTML does: one space inside a line, none at line starts and ends."""
    out: list[_Segment] = []
    drop_space = True
    for seg in segments:
        if seg.is_break:
            _strip_trailing(out)
            out.append(seg)
            drop_space = True
            continue
        text = _HTML_SPACE.sub(" ", seg.text)
        if drop_space:
            text = text.lstrip(" ")
        if text:
            out.append(_Segment(text, seg.fmt))
            drop_space = text.endswith(" ")
    _strip_trailing(out)
    return out


def _strip_trailing(out: list[_Segment]) -> None:
    while out and not out[-1].is_break:
        stripped = out[-1].text.rstrip(" ")
        if stripped:
            out[-1] = _Segment(stripped, out[-1].fmt)
            return
        out.pop()


def _run_rpr(fmt: frozenset[str]) -> str:
    if not fmt - {"nowrap"}:
        return ""
    parts = []
    if "b" in fmt:
        parts.append("<w:b/><w:bCs/>")
    if "i" in fmt:
        parts.append("<w:i/><w:iCs/>")
    if "hl" in fmt:
        parts.append('<w:highlight w:val="yellow"/>')
    if "u" in fmt:
        parts.append('<w:u w:val="single"/>')
    if "sup" in fmt:
        parts.append('<w:vertAlign w:val="superscript"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def _run_text(text: str, fmt: frozenset[str]) -> str:
    escaped = _text(text)
    if "nowrap" in fmt:
        # No line break inside: non-breaking spaces and Word's non-breaking hyphen.
        escaped = escaped.replace(" ", "\u00a0").replace("-", '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">')
    return f'<w:t xml:space="preserve">{escaped}</w:t>'


def _runs_xml(segments: list[_Segment]) -> str:
    """Adjacent segments with the same formatting become one run."""
    parts: list[str] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if seg.is_break:
            parts.append(f"<w:r>{_run_rpr(seg.fmt)}<w:br/></w:r>")
            i += 1
            continue
        text = seg.text
        j = i + 1
        while j < len(segments) and not segments[j].is_break and segments[j].fmt == seg.fmt:
            text += segments[j].text
            j += 1
        parts.append(f"<w:r>{_run_rpr(seg.fmt)}{_run_text(text, seg.fmt)}</w:r>")
        i = j
    return "".join(parts)


def _inline_segments(el: Any) -> list[_Segment]:
    segments: list[_Segment] = []
    _collect_inline(el, frozenset(), segments)
    return _collapse(segments)


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------


@dataclass
class _Cell:
    el: Any
    column: int
    colspan: int
    rowspan: int


@dataclass
class _Row:
    el: Any
    is_head: bool
    slots: list[_Cell | tuple[_Cell, int]] = field(default_factory=list)  # (origin, column) = merged


def _span(el: Any, name: str) -> int:
    raw = el.get(name)
    if raw is None:
        return 1
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise DocxWriterError(
            f'Thuộc tính {name}="{raw}" của {_describe(el)} (dòng {el.sourceline}) không hợp lệ.',
            element=_describe(el),
            line=el.sourceline,
        )
    return value


def _table_parts(table: Any) -> tuple[list[float | None], list[tuple[Any, bool]]]:
    """Column width percentages (None = unset) and (tr, is_head) rows of a table element."""
    widths: list[float | None] = []
    rows: list[tuple[Any, bool]] = []
    _require_blank_content(table)
    for child in _children(table):
        if child.tag == "colgroup" and not _classes(child):
            _require_blank_content(child)
            for col in _children(child):
                widths.extend(_col_widths(col))
        elif child.tag == "col":
            widths.extend(_col_widths(child))
        elif child.tag in ("thead", "tbody") and not _classes(child):
            _require_blank_content(child)
            for tr in _children(child):
                if tr.tag != "tr":
                    raise _unsupported(tr, f"<{child.tag}>")
                rows.append((tr, child.tag == "thead"))
        elif child.tag == "tr":
            rows.append((child, False))
        else:
            raise _unsupported(child, "một bảng")
    return widths, rows


def _col_widths(col: Any) -> list[float | None]:
    if col.tag != "col" or _classes(col):
        raise _unsupported(col, "<colgroup>")
    style = col.get("style")
    width: float | None = None
    if style is not None:
        match = _COL_WIDTH.match(style)
        if not match:
            raise DocxWriterError(
                f'<col style="{style}"> (dòng {col.sourceline}): chỉ hỗ trợ dạng "width: NN%".',
                element="<col>",
                line=col.sourceline,
            )
        width = float(match.group(1))
    return [width] * _span(col, "span")


def _layout_rows(rows: list[tuple[Any, bool]]) -> tuple[list[_Row], int]:
    """Place cells on the grid like HTML does; rowspans leave merged slots in the rows below."""
    pending: dict[tuple[int, int], _Cell] = {}
    laid: list[_Row] = []
    ncols = 0
    for r, (tr, is_head) in enumerate(rows):
        _require_blank_content(tr)
        row = _Row(tr, is_head)
        cells = list(_children(tr))
        c = 0
        while True:
            origin = pending.get((r, c))
            if origin is not None:
                row.slots.append((origin, c))
                c += origin.colspan
                continue
            if not cells:
                break
            el = cells.pop(0)
            if el.tag not in ("td", "th"):
                raise _unsupported(el, "<tr>")
            cell = _Cell(el, c, _span(el, "colspan"), _span(el, "rowspan"))
            for below in range(r + 1, r + cell.rowspan):
                pending[(below, c)] = cell
            row.slots.append(cell)
            c += cell.colspan
        ncols = max(ncols, c)
        laid.append(row)
    for row in laid:
        width = sum(s.colspan if isinstance(s, _Cell) else s[0].colspan for s in row.slots)
        if width != ncols:
            raise DocxWriterError(
                f"Hàng bảng ở dòng {row.el.sourceline} có {width} cột, bảng có {ncols} cột.",
                element="<tr>",
                line=row.el.sourceline,
            )
    return laid, ncols


def _grid(widths: list[float | None], ncols: int, text_width: int, table: Any) -> list[int]:
    if not widths:
        widths = [None] * ncols
    if len(widths) != ncols:
        raise DocxWriterError(
            f"<colgroup> của bảng ở dòng {table.sourceline} khai báo {len(widths)} cột, bảng có {ncols} cột.",
            element="<colgroup>",
            line=table.sourceline,
        )
    given = sum(w for w in widths if w is not None)
    unset = [w for w in widths if w is None]
    rest = max(0.0, 100.0 - given) / len(unset) if unset else 0.0
    # Round the column edges, not the widths, so the columns add up to the exact table width.
    edges, total = [0], 0.0
    for w in widths:
        total += w if w is not None else rest
        edges.append(round(text_width * total / 100))
    return [right - left for left, right in itertools.pairwise(edges)]


_BORDERS_NONE = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="none" w:sz="0" w:space="0" w:color="auto"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)
_BORDERS_SINGLE = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


def _tbl_open(grid: list[int], *, bordered: bool) -> str:
    style = '<w:tblStyle w:val="TableGrid"/>' if bordered else ""
    jc = '<w:jc w:val="center"/>' if bordered else ""
    borders = _BORDERS_SINGLE if bordered else _BORDERS_NONE
    cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
    return (
        f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{sum(grid)}" w:type="dxa"/>{jc}{borders}'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{cols}</w:tblGrid>"
    )


def _tc(width: int, span: int, merge: str, valign: str, content: str) -> str:
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    v_merge = {"": "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}[merge]
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{v_merge}'
        f'<w:vAlign w:val="{valign}"/></w:tcPr>{content}</w:tc>'
    )


_ROW_STYLES = {"": "BCBang", "total": "BCBangDongTong", "group": "BCBangDongNhom"}
_CELL_JC = {"": "", "num": "right", "center": "center", "left": "left"}


# --------------------------------------------------------------------------------------------------
# The writer
# --------------------------------------------------------------------------------------------------


class _BodyWriter:
    """Turns the <section> elements into WordprocessingML body text, one section at a time."""

    def __init__(self, layout: TrinhBay) -> None:
        self.layout = layout
        self.chunks: list[str] = []
        self.pages: list[_Page] = []
        self._page: _Page = self._make_page(False)
        self._section_chunks: list[str] = []
        self._last_kind = ""
        self._pending_break = False

    def _make_page(self, landscape: bool) -> _Page:
        width, height = (A4_LONG_TWIPS, A4_SHORT_TWIPS) if landscape else (A4_SHORT_TWIPS, A4_LONG_TWIPS)
        margins = _mm_to_twips(self.layout.le_trai_mm) + _mm_to_twips(self.layout.le_phai_mm)
        return _Page(landscape, width, height, width - margins)

    # -- sections ----------------------------------------------------------------------------------

    def add_section(self, section: Any, is_last: bool) -> None:
        cls = _classes(section)
        if cls not in ("portrait", "landscape"):
            raise _unsupported(section, "<body>")
        self._page = self._make_page(cls == "landscape")
        self.pages.append(self._page)
        self._section_chunks = []
        self._last_kind = ""
        self._pending_break = False
        _require_blank_content(section)
        for block in _children(section):
            self._block(block)
        if self._last_kind != "p":
            self._spacer()
        if not is_last:
            # A section's properties live in the pPr of its last paragraph.
            last = self._section_chunks[-1]
            self._section_chunks[-1] = last.replace("</w:pPr>", "<w:sectPr/></w:pPr>", 1)
        self.chunks.extend(self._section_chunks)

    def _emit(self, xml: str, kind: str) -> None:
        self._section_chunks.append(xml)
        self._last_kind = kind

    def _spacer(self) -> None:
        self._emit(f"<w:p>{_ppr(style='BCNganCach')}</w:p>", "p")

    # -- blocks ------------------------------------------------------------------------------------

    def _block(self, el: Any) -> None:
        tag, cls = el.tag, _classes(el)
        if tag == "p" and cls in P_CLASS_STYLES:
            self._paragraph(el, cls, self._page.text_width)
        elif tag in HEADING_STYLES and not cls:
            self._emit(self._paragraph_xml(el, HEADING_STYLES[tag]), "p")
        elif tag == "table" and cls == "data":
            self._table_start()
            self._emit(self._data_table(el), "table")
        elif tag == "table" and cls in ("header-block", "signature"):
            self._table_start()
            self._emit(self._layout_table(el), "table")
        elif tag == "div" and cls == "page-break":
            if len(el) or (el.text or "").strip():
                raise _unsupported(el, "một section (phải rỗng)")
            self._pending_break = bool(self._section_chunks)
        else:
            raise _unsupported(el, "một section")

    def _paragraph(self, el: Any, cls: str, avail_width: int) -> None:
        self._emit(self._paragraph_xml(el, P_CLASS_STYLES[cls], cls, avail_width), "p")

    def _paragraph_xml(self, el: Any, style: str, cls: str = "", avail_width: int = 0) -> str:
        segments = _inline_segments(el)
        extra: dict[str, Any] = {}
        if cls == "center":
            extra = {"jc": "center", "first_line": 0}
        elif cls == "hb-dang":
            extra = self._rule_indents(segments, avail_width)
        brk = self._pending_break
        self._pending_break = False
        return f"<w:p>{_ppr(style=style, page_break_before=brk, **extra)}{_runs_xml(segments)}</w:p>"

    @staticmethod
    def _rule_indents(segments: list[_Segment], avail_width: int) -> dict[str, int]:
        """Equal left/right indents so the bottom border is about as long as the centred title."""
        chars = sum(len(s.text) for s in segments if not s.is_break)
        text_width = round(chars * BOLD_CAPS_EM_PER_CHAR * PARTY_TITLE_PT * 20)
        side = max(0, (avail_width - text_width) // 2)
        return {"left": side, "right": side, "first_line": 0}

    def _table_start(self) -> None:
        """Word glues adjacent tables together and cannot break a page before a table: use a spacer."""
        if self._last_kind == "table" or self._pending_break:
            brk = self._pending_break
            self._pending_break = False
            self._emit(f"<w:p>{_ppr(style='BCNganCach', page_break_before=brk)}</w:p>", "p")

    def _data_table(self, table: Any) -> str:
        widths, rows = _table_parts(table)
        laid, ncols = _layout_rows(rows)
        grid = _grid(widths, ncols, self._page.text_width, table)
        parts = [_tbl_open(grid, bordered=True)]
        for row in laid:
            row_cls = _classes(row.el)
            if row_cls not in _ROW_STYLES:
                raise _unsupported(row.el, "một bảng dữ liệu")
            header = "<w:tblHeader/>" if row.is_head else ""
            parts.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
            for slot in row.slots:
                parts.append(self._data_cell(slot, grid, _ROW_STYLES[row_cls]))
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return "".join(parts)

    def _data_cell(self, slot: _Cell | tuple[_Cell, int], grid: list[int], row_style: str) -> str:
        if isinstance(slot, tuple):
            origin, column = slot
            width = sum(grid[column : column + origin.colspan])
            return _tc(width, origin.colspan, "continue", "center", "<w:p/>")
        el = slot.el
        cls = _classes(el)
        if cls not in _CELL_JC:
            raise _unsupported(el, "một bảng dữ liệu")
        style = "BCBangTieuDe" if el.tag == "th" else row_style
        jc = _CELL_JC[cls] or None
        content = f"<w:p>{_ppr(style=style, jc=jc)}{_runs_xml(_inline_segments(el))}</w:p>"
        width = sum(grid[slot.column : slot.column + slot.colspan])
        return _tc(width, slot.colspan, "restart" if slot.rowspan > 1 else "", "center", content)

    def _layout_table(self, table: Any) -> str:
        """The header block and the signature block: borderless, paragraphs with their classes."""
        widths, rows = _table_parts(table)
        laid, ncols = _layout_rows(rows)
        grid = _grid(widths, ncols, self._page.text_width, table)
        parts = [_tbl_open(grid, bordered=False)]
        for row in laid:
            if _classes(row.el):
                raise _unsupported(row.el, _describe(table))
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for slot in row.slots:
                if isinstance(slot, tuple):
                    origin, column = slot
                    width = sum(grid[column : column + origin.colspan])
                    parts.append(_tc(width, origin.colspan, "continue", "top", "<w:p/>"))
                    continue
                width = sum(grid[slot.column : slot.column + slot.colspan])
                merge = "restart" if slot.rowspan > 1 else ""
                content = self._layout_cell(slot.el, width - 2 * CELL_MARGIN_TWIPS, table)
                parts.append(_tc(width, slot.colspan, merge, "top", content))
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return "".join(parts)

    def _layout_cell(self, cell: Any, avail_width: int, table: Any) -> str:
        if _classes(cell):
            raise _unsupported(cell, _describe(table))
        _require_blank_content(cell)
        paragraphs = []
        for p in _children(cell):
            cls = _classes(p)
            if p.tag != "p" or cls not in P_CLASS_STYLES:
                raise _unsupported(p, _describe(table))
            paragraphs.append(self._paragraph_xml(p, P_CLASS_STYLES[cls], cls, avail_width))
        return "".join(paragraphs) or "<w:p/>"


# --------------------------------------------------------------------------------------------------
# Head, sections, headers, package
# --------------------------------------------------------------------------------------------------


def _read_head(head: Any, meta: _Meta) -> None:
    for el in _children(head):
        name = (el.get("name") or "").lower()
        if el.tag == "title":
            meta.title = _HTML_SPACE.sub(" ", el.text_content()).strip()
        elif el.tag == "meta" and el.get("charset") is not None:
            continue
        elif el.tag == "meta" and name == "author":
            meta.author = (el.get("content") or "").strip()
        elif el.tag == "meta" and name == "draft":
            meta.draft = (el.get("content") or "").strip()
        elif el.tag == "meta" and name == "date":
            meta.date = _parse_date(el)
        elif el.tag == "link" and (el.get("rel") or "").lower() == "stylesheet":
            continue
        elif el.tag == "style":
            continue  # PDF-only page values (margins, draft box); the DOCX takes them from settings
        else:
            raise _unsupported(el, "<head>")


def _parse_date(el: Any) -> dt.date:
    raw = (el.get("content") or "").strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DocxWriterError(
            f'<meta name="date" content="{raw}"> (dòng {el.sourceline}): ngày phải có dạng YYYY-MM-DD.',
            element='<meta name="date">',
            line=el.sourceline,
        ) from None


def _parse_html(html: str) -> Any:
    cleaned = _XML_INVALID.sub("", unicodedata.normalize("NFC", html))
    if not cleaned.strip():
        raise DocxWriterError("HTML rỗng: không có gì để ghi ra DOCX.")
    try:
        return lxml_html.document_fromstring(cleaned)
    except (etree.ParserError, ValueError) as exc:
        raise DocxWriterError(f"Không đọc được HTML: {exc}") from None


def _walk(root: Any, layout: TrinhBay) -> tuple[_Meta, _BodyWriter]:
    meta = _Meta()
    writer = _BodyWriter(layout)
    sections: list[Any] = []
    for el in _children(root):
        if el.tag == "head":
            _read_head(el, meta)
        elif el.tag == "body":
            _require_blank_content(el)
            for child in _children(el):
                if child.tag != "section":
                    raise _unsupported(child, "<body>")
                sections.append(child)
        else:
            raise _unsupported(el, "<html>")
    if not sections:
        raise DocxWriterError("HTML không có <section> nào trong <body>: không có nội dung để ghi ra DOCX.")
    for index, section in enumerate(sections):
        writer.add_section(section, is_last=index == len(sections) - 1)
    return meta, writer


def _header_paragraph(page: _Page, *, page_number: bool, draft: str) -> str:
    """One line: PAGE field at a centre tab, the draft mark bold at a right tab (both optional)."""
    runs = ""
    if page_number:
        runs += (
            '<w:r><w:tab/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )
    if draft:
        runs += ("" if page_number else "<w:r><w:tab/></w:r>") + (
            f"<w:r><w:tab/></w:r><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t>{_text(draft)}</w:t></w:r>"
        )
    tabs = [("center", page.text_width // 2), ("right", page.text_width)]
    return f"<w:p {nsdecls('w')}>{_ppr(style='BCDauTrang', tabs=tabs)}{runs}</w:p>"


def _fill_header(header: Any, paragraph_xml: str) -> None:
    header.is_linked_to_previous = False
    element = header._element
    for child in list(element):
        element.remove(child)
    element.append(parse_xml(paragraph_xml))


def _setup_sections(document: Any, pages: list[_Page], layout: TrinhBay, draft: str) -> None:
    sections = list(document.sections)
    if len(sections) != len(pages):  # pragma: no cover - guards the sectPr placement above
        raise AssertionError(f"{len(sections)} Word sections for {len(pages)} HTML sections")
    for index, (section, page) in enumerate(zip(sections, pages, strict=True)):
        section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
        section.page_width = Twips(page.width)
        section.page_height = Twips(page.height)
        section.top_margin = Twips(_mm_to_twips(layout.le_tren_mm))
        section.bottom_margin = Twips(_mm_to_twips(layout.le_duoi_mm))
        section.left_margin = Twips(_mm_to_twips(layout.le_trai_mm))
        section.right_margin = Twips(_mm_to_twips(layout.le_phai_mm))
        section.gutter = Twips(0)
        section.header_distance = Twips(HEADER_DISTANCE_TWIPS)
        section.footer_distance = Twips(HEADER_DISTANCE_TWIPS)
        _fill_header(section.header, _header_paragraph(page, page_number=True, draft=draft))
        if index == 0:
            # No page number on page 1 (domain.md 1.8); later sections number their first page.
            section.different_first_page_header_footer = True
            _fill_header(section.first_page_header, _header_paragraph(page, page_number=False, draft=draft))


def _set_core_properties(document: Any, meta: _Meta) -> None:
    props = document.core_properties
    props.title = meta.title
    props.author = meta.author
    props.last_modified_by = meta.author
    props.subject = ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    when = dt.datetime.combine(meta.date or dt.date(1980, 1, 1), dt.time())
    props.created = when
    props.modified = when
    props.last_printed = when


def _drop_thumbnail(document: Any) -> None:
    """python-docx's template carries a thumbnail of an empty page; file browsers would show it."""
    rels = document.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


def _stable_zip(data: bytes, date: dt.date | None) -> bytes:
    """Rewrite the package with fixed timestamps so equal input gives equal bytes."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0) if date else (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render_docx(html: str, layout: TrinhBay | None = None) -> bytes:
    """Render report HTML (docs/html-subset.md) as DOCX bytes in the Party document format."""
    layout = layout or TrinhBay()
    meta, writer = _walk(_parse_html(html), layout)

    document = docx.Document()
    _install_styles(document, layout)
    # Replace the whole body in one step: moving thousands of parsed elements one by one into the
    # template's body costs lxml about 2 s for a 620-row table, the swap about nothing.
    old_body = document.element.body
    new_body = parse_xml(f"<w:body {nsdecls('w')}>{''.join(writer.chunks)}<w:sectPr/></w:body>")
    document.element.replace(old_body, new_body)

    _setup_sections(document, writer.pages, layout, meta.draft)
    _set_core_properties(document, meta)
    _drop_thumbnail(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue(), meta.date)
