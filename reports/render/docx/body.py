"""The body writer: <section> elements -> WordprocessingML body text, one section at a time.

It dispatches every element through the handler table it is given (handlers.py) and keeps the state the
handlers share: the current page geometry, a pending page break, the kind of the last block, the parts
added to the package and the optional styles used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reports.render.docx.dom import children, require_blank_content
from reports.render.docx.inline import Segment, inline_segments, runs_xml
from reports.render.docx.layout import Layout
from reports.render.docx.page import Page, make_page
from reports.render.docx.parts import Parts
from reports.render.docx.rules import SECTION, Rule, lookup
from reports.render.docx.styles import PARTY_TITLE_PT
from reports.render.docx.wml import ppr
from reports.render.pdf_parts import RESTART_ATTRIBUTE

# Average advance of "ĐẢNG CỘNG SẢN VIỆT NAM" in Times New Roman Bold (measured with the metric-compatible
# Liberation Serif Bold): 0.626 em per character. Used to size the rule under the title.
BOLD_CAPS_EM_PER_CHAR = 0.6263


class BodyWriter:
    def __init__(self, table: Mapping[str, Rule], layout: Layout, parts: Parts) -> None:
        self.table = table
        self.layout = layout
        self.parts = parts
        self.chunks: list[str] = []
        self.pages: list[Page] = []
        self.page: Page = make_page(layout, False)
        self.optional_styles: list[str] = []
        self._section_chunks: list[str] = []
        self._last_kind = ""
        self._pending_break = False

    # -- sections ----------------------------------------------------------------------------------

    def add_section(self, section: Any, *, landscape: bool) -> None:
        if self.chunks:
            # The previous section ends here: its properties live in the pPr of its last paragraph.
            self.chunks[-1] = self.chunks[-1].replace("</w:pPr>", "<w:sectPr/></w:pPr>", 1)
        self.page = make_page(self.layout, landscape, restart=section.get(RESTART_ATTRIBUTE) is not None)
        self.pages.append(self.page)
        self._section_chunks = []
        self._last_kind = ""
        self._pending_break = False
        require_blank_content(section)
        for block in children(section):
            rule = lookup(self.table, block, SECTION)
            assert rule.write is not None, f"{block.tag}: a section rule without a handler"
            rule.write(self, block, rule)
        if self._last_kind != "p":
            self._spacer()
        self.chunks.extend(self._section_chunks)

    # -- what handlers call ------------------------------------------------------------------------

    def emit(self, xml: str, kind: str) -> None:
        """Append a block's XML; `kind` is "p" or "table" (Word glues adjacent tables together)."""
        self._section_chunks.append(xml)
        self._last_kind = kind

    def use_style(self, style_id: str) -> None:
        """Install an optional style (styles.optional_style_defs) because the body uses it."""
        if style_id not in self.optional_styles:
            self.optional_styles.append(style_id)

    def request_page_break(self) -> None:
        """The next block starts a new page (not needed at the top of a section: it starts one)."""
        self._pending_break = bool(self._section_chunks)

    def take_page_break(self) -> bool:
        """Whether the block being written must start a page; the request is then used up."""
        brk = self._pending_break
        self._pending_break = False
        return brk

    def paragraph_xml(self, el: Any, rule: Rule, avail_width: int) -> str:
        segments = inline_segments(el, self.table)
        extra: dict[str, Any] = {}
        if rule.centred:
            extra = {"jc": "center", "first_line": 0}
        elif rule.rule_under:
            extra = _rule_indents(segments, avail_width)
        brk = self.take_page_break()
        return f"<w:p>{ppr(style=rule.style, page_break_before=brk, **extra)}{runs_xml(segments)}</w:p>"

    def table_start(self) -> None:
        """Word glues adjacent tables together and cannot break a page before a table: use a spacer."""
        if self._last_kind == "table" or self._pending_break:
            self.emit(f"<w:p>{ppr(style='BCNganCach', page_break_before=self.take_page_break())}</w:p>", "p")

    def _spacer(self) -> None:
        self.emit(f"<w:p>{ppr(style='BCNganCach')}</w:p>", "p")


def _rule_indents(segments: list[Segment], avail_width: int) -> dict[str, int]:
    """Equal left/right indents so the bottom border is about as long as the centred title."""
    chars = sum(len(s.text) for s in segments if not s.is_break)
    text_width = round(chars * BOLD_CAPS_EM_PER_CHAR * PARTY_TITLE_PT * 20)
    side = max(0, (avail_width - text_width) // 2)
    return {"left": side, "right": side, "first_line": 0}
