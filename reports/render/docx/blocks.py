"""Block handlers for the elements of a <section>: sections, paragraphs, page breaks, the contents."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from reports.render.docx.dom import children, invalid, require_blank_content, require_empty
from reports.render.docx.fields import TocEntry, toc_instruction, toc_paragraphs
from reports.render.docx.inline import inline_segments, runs_xml
from reports.render.docx.rules import SECTION, TOC, TOC_INLINE, Rule, lookup

if TYPE_CHECKING:
    from reports.render.docx.body import BodyWriter

_TOC_LEVELS = re.compile(r"^[1-9]-[1-9]$")


def portrait_section(w: BodyWriter, el: Any, _rule: Rule) -> None:
    w.add_section(el, landscape=False)


def landscape_section(w: BodyWriter, el: Any, _rule: Rule) -> None:
    w.add_section(el, landscape=True)


def paragraph(w: BodyWriter, el: Any, rule: Rule) -> None:
    """<p> with its class, <h1>-<h4>: one paragraph in the rule's style."""
    w.emit(w.paragraph_xml(el, rule, w.page.text_width), "p")


def page_break(w: BodyWriter, el: Any, _rule: Rule) -> None:
    """`div.page-break`: the next block starts a page (none needed at the top of a section)."""
    require_empty(el, SECTION)
    w.request_page_break()


def toc(w: BodyWriter, el: Any, _rule: Rule) -> None:
    """`nav.toc`: a TOC field whose result is the listed entries with their pages already filled in."""
    levels = (el.get("data-levels") or "1-3").strip()
    if not _TOC_LEVELS.match(levels):
        raise invalid(el, f'data-levels="{levels}" phải có dạng "1-3".')
    require_blank_content(el)
    entries = []
    for p in children(el):
        rule = lookup(w.table, p, TOC)
        w.use_style(rule.style)
        runs = runs_xml(inline_segments(p, w.table, TOC_INLINE))
        entries.append(TocEntry(int(rule.style.removeprefix("TOC")), runs, (p.get("data-page") or "").strip()))
    if not entries:
        raise invalid(el, 'mục lục phải có ít nhất một mục <p class="toc-1">.')
    paragraphs = toc_paragraphs(entries, toc_instruction(levels), w.page.text_width, w.take_page_break())
    for xml in paragraphs:
        w.emit(xml, "p")
