"""WordprocessingML text helpers: units, and w:pPr / w:rPr elements with children in schema order.

The writer builds the body as XML text and parses it once (python-docx's object API costs about a
millisecond a call, see /work/shared/design.md), so these helpers return strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from docx.oxml.ns import nsdecls

FONT = "Times New Roman"
EMU_PER_TWIP = 635


def mm_to_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def pt_to_twips(pt: float) -> int:
    return round(pt * 20)


def half_points(pt: float) -> int:
    return round(pt * 2)


def text(value: str) -> str:
    """Escape text for an XML element or attribute value."""
    return escape(value, {'"': "&quot;"})


def ppr(
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
    """A w:pPr element with its children in schema order (Word rejects out-of-order children).

    A tab is (kind, position) or, with a leader, "right:dot" as the kind.
    """
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
        parts.append("<w:tabs>" + "".join(_tab(kind, pos) for kind, pos in tab_list) + "</w:tabs>")
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


def _tab(kind: str, pos: int) -> str:
    val, _, leader = kind.partition(":")
    leader_attr = f' w:leader="{leader}"' if leader else ""
    return f'<w:tab w:val="{val}"{leader_attr} w:pos="{pos}"/>'


def rpr(
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
        hp = half_points(size_pt)
        parts.append(f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>')
    if highlight:
        parts.append(f'<w:highlight w:val="{highlight}"/>')
    if underline is not None:
        parts.append(f'<w:u w:val="{"single" if underline else "none"}"/>')
    if lang:
        parts.append(f'<w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def with_ns(xml: str, *prefixes: str) -> str:
    """Declare the w: namespace (and any further prefixes) on the root element of a fragment."""
    decls = nsdecls("w", *prefixes)
    head, _, rest = xml.partition(">")
    if head.endswith("/"):
        return f"{head[:-1]} {decls}/>{rest}"
    return f"{head} {decls}>{rest}"
