"""Page geometry and the Word sections: A4 orientation, margins, the header with the page number
and the draft mark.

Page numbers: top centre from page 2 (domain.md 1.8): the first section has a different first-page
header without the number; later sections continue the numbering and show it on their first page,
except a section that restarts it (`<section data-danh-so-lai>`, an appendix numbering its own pages):
that one counts from 1 again and, like page 1, shows no number on its first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips

from reports.render.docx.fields import page_field
from reports.render.docx.layout import Layout
from reports.render.docx.wml import mm_to_twips, ppr
from reports.render.docx.wml import text as xml_text

A4_SHORT_TWIPS = 11906
A4_LONG_TWIPS = 16838
HEADER_DISTANCE_TWIPS = 567  # 10 mm from the top edge (page number position, domain.md 1.8)


@dataclass(frozen=True)
class Page:
    landscape: bool
    width: int
    height: int
    text_width: int
    restart: bool = False  # the page numbers start again from 1 in this section


def make_page(layout: Layout, landscape: bool, *, restart: bool = False) -> Page:
    """A4 in either orientation; left/right margins stay on the physical left/right edges."""
    width, height = (A4_LONG_TWIPS, A4_SHORT_TWIPS) if landscape else (A4_SHORT_TWIPS, A4_LONG_TWIPS)
    margins = mm_to_twips(layout.le_trai_mm) + mm_to_twips(layout.le_phai_mm)
    return Page(landscape, width, height, width - margins, restart)


def header_paragraph(page: Page, *, page_number: bool, draft: str) -> str:
    """One line: PAGE field at a centre tab, the draft mark bold at a right tab (both optional)."""
    runs = ""
    if page_number:
        runs += "<w:r><w:tab/></w:r>" + page_field()
    if draft:
        runs += ("" if page_number else "<w:r><w:tab/></w:r>") + (
            f"<w:r><w:tab/></w:r><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t>{xml_text(draft)}</w:t></w:r>"
        )
    tabs = [("center", page.text_width // 2), ("right", page.text_width)]
    return f"<w:p {nsdecls('w')}>{ppr(style='BCDauTrang', tabs=tabs)}{runs}</w:p>"


def _fill_header(header: Any, paragraph_xml: str) -> None:
    header.is_linked_to_previous = False
    element = header._element
    for child in list(element):
        element.remove(child)
    element.append(parse_xml(paragraph_xml))


def setup_sections(document: Any, pages: list[Page], layout: Layout, draft: str) -> None:
    """Size, margins and headers of each Word section, one per HTML <section>."""
    sections = list(document.sections)
    if len(sections) != len(pages):  # pragma: no cover - guards the sectPr placement in body.py
        raise AssertionError(f"{len(sections)} Word sections for {len(pages)} HTML sections")
    for index, (section, page) in enumerate(zip(sections, pages, strict=True)):
        section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
        section.page_width = Twips(page.width)
        section.page_height = Twips(page.height)
        section.top_margin = Twips(mm_to_twips(layout.le_tren_mm))
        section.bottom_margin = Twips(mm_to_twips(layout.le_duoi_mm))
        section.left_margin = Twips(mm_to_twips(layout.le_trai_mm))
        section.right_margin = Twips(mm_to_twips(layout.le_phai_mm))
        section.gutter = Twips(0)
        section.header_distance = Twips(HEADER_DISTANCE_TWIPS)
        section.footer_distance = Twips(HEADER_DISTANCE_TWIPS)
        _fill_header(section.header, header_paragraph(page, page_number=True, draft=draft))
        if index == 0 or page.restart:
            # No page number on page 1 (domain.md 1.8), nor on the first page of a run that restarts
            # the numbering; other sections number their first page.
            section.different_first_page_header_footer = True
            _fill_header(section.first_page_header, header_paragraph(page, page_number=False, draft=draft))
        if page.restart:
            _restart_numbering(section)


_AFTER_PG_NUM_TYPE = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter",
    "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip


def _restart_numbering(section: Any) -> None:
    """<w:pgNumType w:start="1"/> in its place in the section's properties (the schema fixes the order)."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    sect_pr.insert_element_before(parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>'), *_AFTER_PG_NUM_TYPE)
