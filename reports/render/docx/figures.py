"""Figures: `<figure class="KIND" data-KIND='{json spec}'>` -> a part made by a registered builder.

The PDF shows the figure's picture child (an SVG chart, as `<img>` or inline `<svg>`); the DOCX replaces
that child by what the builder registered for KIND returns: a native chart part (with its embedded
workbook, so Word's "Edit Data" opens it) or a picture part. The `<figcaption>` becomes a caption
paragraph under it in both formats.

A builder is registered once per process, by the module that provides it:

    from reports.render.docx import FigureRequest, Graphic, NewPart, register_figure_builder
    register_figure_builder("chart", lambda request: Graphic(NewPart(...), "chart"))

A figure whose kind has no builder is an error, never a silent gap in the DOCX.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import nsdecls

from reports.render.docx.dom import DocxWriterError, children, classes, invalid, require_blank_content
from reports.render.docx.parts import NewPart
from reports.render.docx.rules import FIGURE, Rule, lookup
from reports.render.docx.wml import EMU_PER_TWIP, ppr
from reports.render.docx.wml import text as xml_text

if TYPE_CHECKING:
    from reports.render.docx.body import BodyWriter

EMU_PER_MM = 36000
HEIGHT_PER_WIDTH = 0.6  # default figure height: 60 % of its width
FIGURE_STYLE = "BCHinh"
_URI_PICTURE = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_URI_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"


@dataclass(frozen=True)
class FigureRequest:
    """What a builder is asked for: the figure's kind, its parsed spec, its size and the report's
    number of decimal places (for a chart's number format)."""

    kind: str
    spec: Any
    width_emu: int
    height_emu: int
    decimals: int


@dataclass(frozen=True)
class Graphic:
    """What a builder returns: the part to embed and how the drawing shows it ("chart" or "picture")."""

    part: NewPart
    kind: str


FigureBuilder = Callable[[FigureRequest], Graphic]
_BUILDERS: dict[str, FigureBuilder] = {}


def register_figure_builder(kind: str, builder: FigureBuilder) -> None:
    """Make `<figure class="{kind}">` render through `builder` (replaces an earlier one)."""
    _BUILDERS[kind] = builder


def unregister_figure_builder(kind: str) -> None:
    _BUILDERS.pop(kind, None)


def figure(w: BodyWriter, el: Any, _rule: Rule) -> None:
    """The figure's children in order: the picture child becomes the drawing, a caption a paragraph."""
    require_blank_content(el)
    parts = [(child, lookup(w.table, child, FIGURE)) for child in children(el)]
    if sum(rule.pdf_only for _, rule in parts) != 1:
        raise invalid(el, "phải có đúng một hình cho bản PDF (<img> hoặc <svg>).")
    kind = classes(el)
    request = _request(w, el, kind)
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise DocxWriterError(
            f'Chưa có bộ dựng hình cho <figure class="{kind}"> (dòng {el.sourceline} của HTML): '
            "không ghi được hình này ra DOCX.",
            element=f'<figure class="{kind}">',
            line=el.sourceline,
        )
    for child, rule in parts:
        if rule.pdf_only:
            w.use_style(FIGURE_STYLE)
            w.emit(_drawing_paragraph(w, builder(request), request, w.take_page_break()), "p")
        else:
            w.use_style(rule.style)
            w.emit(w.paragraph_xml(child, rule, w.page.text_width), "p")


def _request(w: BodyWriter, el: Any, kind: str) -> FigureRequest:
    raw = el.get(f"data-{kind}")
    if raw is None:
        raise invalid(el, f"thiếu thuộc tính data-{kind} (mô tả hình, JSON).")
    try:
        spec = json.loads(raw)
    except ValueError:
        raise invalid(el, f"data-{kind} phải là JSON.") from None
    text_width_emu = w.page.text_width * EMU_PER_TWIP
    width = _size_mm(el, "data-width-mm")
    width_emu = min(round(width * EMU_PER_MM), text_width_emu) if width else text_width_emu
    height = _size_mm(el, "data-height-mm")
    height_emu = round(height * EMU_PER_MM) if height else round(width_emu * HEIGHT_PER_WIDTH)
    return FigureRequest(kind, spec, width_emu, height_emu, w.layout.so_le_thap_phan)


def _size_mm(el: Any, name: str) -> float | None:
    raw = el.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise invalid(el, f'{name}="{raw}" phải là một số mm dương.')
    return value


def _drawing_paragraph(w: BodyWriter, graphic: Graphic, request: FigureRequest, page_break: bool) -> str:
    rid = w.parts.add(graphic.part)
    drawing_id = w.parts.next_drawing_id()
    if graphic.kind == "chart":
        name = f"Biểu đồ {drawing_id}"
        data = f'<a:graphicData uri="{_URI_CHART}"><c:chart r:id="{rid}"/></a:graphicData>'
    elif graphic.kind == "picture":
        name = f"Hình {drawing_id}"
        data = f'<a:graphicData uri="{_URI_PICTURE}">{_pic(rid, drawing_id, request)}</a:graphicData>'
    else:
        raise AssertionError(f"figure builder for {request.kind!r} returned kind {graphic.kind!r}")
    cx, cy = request.width_emu, request.height_emu
    inline = (
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{drawing_id}" name="{xml_text(name)}"/>'
        f"<wp:cNvGraphicFramePr/><a:graphic>{data}</a:graphic></wp:inline>"
    )
    drawing = f"<w:drawing {nsdecls('wp', 'a', 'pic', 'r', 'c')}>{inline}</w:drawing>"
    return f"<w:p>{ppr(style=FIGURE_STYLE, page_break_before=page_break)}<w:r>{drawing}</w:r></w:p>"


def _pic(rid: str, drawing_id: int, request: FigureRequest) -> str:
    return (
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{drawing_id}" name="hinh-{drawing_id}"/><pic:cNvPicPr/>'
        f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
        f'</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{request.width_emu}" '
        f'cy="{request.height_emu}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic>"
    )
