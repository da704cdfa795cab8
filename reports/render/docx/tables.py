"""HTML tables -> w:tbl XML, row by row as text (python-docx's table.cell() is far too slow).

Two kinds: `table.data` (bordered, a header row group that repeats, cell alignment and row styles) and
the layout tables `table.header-block` / `table.signature` (borderless, cells hold classed <p>s).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reports.render.docx.dom import DocxWriterError, children, describe, require_blank_content, unsupported
from reports.render.docx.inline import inline_segments, runs_xml
from reports.render.docx.rules import (
    COLGROUP,
    DATA_CELL,
    DATA_ROW,
    LAYOUT_CELL,
    LAYOUT_ROW,
    LAYOUT_TABLE_CELL,
    TABLE,
    Rule,
    lookup,
)
from reports.render.docx.wml import ppr

if TYPE_CHECKING:
    from reports.render.docx.body import BodyWriter

CELL_MARGIN_TWIPS = 108  # Word's default left/right cell margin
DATA_CELL_MARGIN_TWIPS = 57  # 0,1 cm (the PDF pads data cells by 3 pt): narrow columns keep their words whole
# Row styles of a data table in a landscape section (BCBang* -> BCBangNgang*: one size smaller).
LANDSCAPE_STYLES = {
    "BCBang": "BCBangNgang",
    "BCBangDongTong": "BCBangNgangDongTong",
    "BCBangDongNhom": "BCBangNgangDongNhom",
}
_COL_WIDTH = re.compile(r"^\s*width\s*:\s*(\d+(?:\.\d+)?)\s*%\s*;?\s*$")


@dataclass
class _Cell:
    el: Any
    rule: Rule
    column: int
    colspan: int
    rowspan: int


@dataclass
class _Row:
    el: Any
    rule: Rule
    is_head: bool
    slots: list[_Cell | tuple[_Cell, int]] = field(default_factory=list)  # (origin, column) = merged


# -- block handlers ------------------------------------------------------------------------------------


def data_table(w: BodyWriter, table: Any, _rule: Rule) -> None:
    """`table.data`: a bordered Word table; <thead> rows repeat on each page."""
    w.table_start()
    widths, rows = _table_parts(table, w.table)
    laid, ncols = _layout_rows(rows, w.table, DATA_ROW, DATA_CELL)
    grid = _grid(widths, ncols, w.page.text_width, table)
    parts = [_tbl_open(grid, bordered=True)]
    head_rows = [i for i, row in enumerate(laid) if row.is_head]
    for index, row in enumerate(laid):
        header = "<w:tblHeader/>" if row.is_head else ""
        parts.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        row_style, head_style = row.rule.style, "BCBangTieuDe"
        if w.page.landscape:
            row_style, head_style = LANDSCAPE_STYLES.get(row_style, row_style), "BCBangNgangTieuDe"
            if len(head_rows) > 1 and index == head_rows[-1]:
                head_style = "BCBangChiSoCot"  # the column-number row under a two-row heading
        for slot in row.slots:
            parts.append(_data_cell(slot, grid, row_style, head_style, w.table))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    w.emit("".join(parts), "table")


def layout_table(w: BodyWriter, table: Any, _rule: Rule) -> None:
    """The header block and the signature block: borderless, paragraphs with their classes."""
    w.table_start()  # before the cells: their paragraphs must not take a pending page break
    widths, rows = _table_parts(table, w.table)
    laid, ncols = _layout_rows(rows, w.table, LAYOUT_ROW, LAYOUT_TABLE_CELL)
    grid = _grid(widths, ncols, w.page.text_width, table)
    parts = [_tbl_open(grid, bordered=False)]
    for row in laid:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for slot in row.slots:
            if isinstance(slot, tuple):
                origin, column = slot
                width = sum(grid[column : column + origin.colspan])
                parts.append(_tc(width, origin.colspan, "continue", "top", "<w:p/>"))
                continue
            width = sum(grid[slot.column : slot.column + slot.colspan])
            merge = "restart" if slot.rowspan > 1 else ""
            content = _layout_cell(w, slot.el, width - 2 * CELL_MARGIN_TWIPS, table)
            parts.append(_tc(width, slot.colspan, merge, "top", content))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    w.emit("".join(parts), "table")


def _layout_cell(w: BodyWriter, cell: Any, avail_width: int, table: Any) -> str:
    require_blank_content(cell)
    paragraphs = []
    for p in children(cell):
        if p.tag != "p":
            raise unsupported(p, describe(table))
        paragraphs.append(w.paragraph_xml(p, lookup(w.table, p, LAYOUT_CELL), avail_width))
    return "".join(paragraphs) or "<w:p/>"


def _data_cell(
    slot: _Cell | tuple[_Cell, int], grid: list[int], row_style: str, head_style: str, table: Mapping[str, Rule]
) -> str:
    if isinstance(slot, tuple):
        origin, column = slot
        width = sum(grid[column : column + origin.colspan])
        return _tc(width, origin.colspan, "continue", "center", "<w:p/>")
    el = slot.el
    style = head_style if el.tag == "th" else row_style
    content = f"<w:p>{ppr(style=style, jc=slot.rule.jc or None)}{runs_xml(inline_segments(el, table))}</w:p>"
    width = sum(grid[slot.column : slot.column + slot.colspan])
    return _tc(width, slot.colspan, "restart" if slot.rowspan > 1 else "", "center", content)


# -- structure -----------------------------------------------------------------------------------------


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
            f'Thuộc tính {name}="{raw}" của {describe(el)} (dòng {el.sourceline}) không hợp lệ.',
            element=describe(el),
            line=el.sourceline,
        )
    return value


def _table_parts(table: Any, rules: Mapping[str, Rule]) -> tuple[list[float | None], list[tuple[Any, bool]]]:
    """Column width percentages (None = unset) and (tr, is_head) rows of a table element."""
    widths: list[float | None] = []
    rows: list[tuple[Any, bool]] = []
    require_blank_content(table)
    for child in children(table):
        if child.tag == "tr":  # a row straight in <table>: checked as a row by _layout_rows
            rows.append((child, False))
            continue
        lookup(rules, child, TABLE)
        if child.tag == "colgroup":
            require_blank_content(child)
            for col in children(child):
                lookup(rules, col, COLGROUP)
                widths.extend(_col_widths(col))
        elif child.tag == "col":
            widths.extend(_col_widths(child))
        else:  # thead, tbody
            require_blank_content(child)
            for tr in children(child):
                if tr.tag != "tr":
                    raise unsupported(tr, f"<{child.tag}>")
                rows.append((tr, child.tag == "thead"))
    return widths, rows


def _col_widths(col: Any) -> list[float | None]:
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


def _layout_rows(
    rows: list[tuple[Any, bool]], rules: Mapping[str, Rule], row_where: str, cell_where: str
) -> tuple[list[_Row], int]:
    """Place cells on the grid like HTML does; rowspans leave merged slots in the rows below."""
    pending: dict[tuple[int, int], _Cell] = {}
    laid: list[_Row] = []
    ncols = 0
    for r, (tr, is_head) in enumerate(rows):
        require_blank_content(tr)
        row = _Row(tr, lookup(rules, tr, row_where), is_head)
        cells = list(children(tr))
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
                raise unsupported(el, "<tr>")
            cell = _Cell(el, lookup(rules, el, cell_where), c, _span(el, "colspan"), _span(el, "rowspan"))
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


# -- XML -----------------------------------------------------------------------------------------------


def _borders(val: str, size: int, color: str) -> str:
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    return (
        "<w:tblBorders>"
        + "".join(f'<w:{side} w:val="{val}" w:sz="{size}" w:space="0" w:color="{color}"/>' for side in sides)
        + "</w:tblBorders>"
    )


_BORDERS_NONE = _borders("none", 0, "auto")
_BORDERS_SINGLE = _borders("single", 4, "000000")


_DATA_CELL_MARGINS = (
    f'<w:tblCellMar><w:left w:w="{DATA_CELL_MARGIN_TWIPS}" w:type="dxa"/>'
    f'<w:right w:w="{DATA_CELL_MARGIN_TWIPS}" w:type="dxa"/></w:tblCellMar>'
)


def _tbl_open(grid: list[int], *, bordered: bool) -> str:
    style = '<w:tblStyle w:val="TableGrid"/>' if bordered else ""
    jc = '<w:jc w:val="center"/>' if bordered else ""
    borders = _BORDERS_SINGLE if bordered else _BORDERS_NONE
    cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
    return (
        f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{sum(grid)}" w:type="dxa"/>{jc}{borders}'
        '<w:tblLayout w:type="fixed"/>'
        + (_DATA_CELL_MARGINS if bordered else "")
        + '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
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
