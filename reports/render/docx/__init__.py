"""HTML subset -> DOCX bytes with the Party document styles (36-HD/VPTW).

The report template renders one HTML tree; WeasyPrint lays it out as the PDF and this package walks the
same tree and maps the subset documented in docs/html-subset.md to Word constructs. Everything the
writer does with an element is one row of the table in handlers.py; anything outside it raises
DocxWriterError naming the element and its source line, so a template change can never lose text
silently in the DOCX. The page layout comes from the HTML too (`<meta name="layout">`).

Modules: dom (parsing, selectors, the error), rules (the table's shape, the lookup), handlers (the
table), head, layout, body (the writer's state and dispatch), blocks, tables, inline, figures (pluggable
figure builders), fields (PAGE, TOC), parts (package parts and relationships), page (sections, margins,
headers), styles, package (core properties, stable zip), wml (XML text helpers).

Speed: python-docx's high-level API (paragraph.style, table.cell()) costs about a millisecond per call,
so the body is written as WordprocessingML text and parsed once; python-docx is used only for the
package, the styles part, sections, headers and core properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from reports.render.docx.body import BodyWriter
from reports.render.docx.dom import DocxWriterError, children, parse_html, require_blank_content
from reports.render.docx.figures import (
    FigureRequest,
    Graphic,
    register_figure_builder,
    unregister_figure_builder,
)
from reports.render.docx.handlers import HANDLERS
from reports.render.docx.head import Meta, read_head
from reports.render.docx.package import new_document, set_core_properties, stable_package
from reports.render.docx.page import setup_sections
from reports.render.docx.parts import NewPart, Parts
from reports.render.docx.rules import BODY, DOCUMENT, HTML, Rule, lookup
from reports.render.docx.styles import install_styles

__all__ = [
    "DocxWriterError",
    "FigureRequest",
    "Graphic",
    "NewPart",
    "register_figure_builder",
    "render_docx",
    "unregister_figure_builder",
]


def render_docx(html: str) -> bytes:
    """Render report HTML (docs/html-subset.md) as DOCX bytes in the Party document format."""
    root = parse_html(html)
    document = new_document()
    meta, writer = _walk(root, HANDLERS, Parts(document.part))

    install_styles(document, meta.layout, writer.optional_styles)
    # Replace the whole body in one step: moving thousands of parsed elements one by one into the
    # template's body costs lxml about 2 s for a 620-row table, the swap about nothing.
    old_body = document.element.body
    new_body = parse_xml(f"<w:body {nsdecls('w')}>{''.join(writer.chunks)}<w:sectPr/></w:body>")
    document.element.replace(old_body, new_body)

    setup_sections(document, writer.pages, meta.layout, meta.draft)
    set_core_properties(document, meta.title, meta.author, meta.date)
    return stable_package(document, meta.date)


def _walk(root: Any, table: Mapping[str, Rule], parts: Parts) -> tuple[Meta, BodyWriter]:
    """<head> first (the layout sizes the pages), then every <section> of <body>."""
    lookup(table, root, DOCUMENT)
    meta = Meta()
    sections: list[tuple[Any, Rule]] = []
    for el in children(root):
        lookup(table, el, HTML)
        if el.tag == "head":
            read_head(el, meta, table)
        else:
            require_blank_content(el)
            sections.extend((child, lookup(table, child, BODY)) for child in children(el))
    if not sections:
        raise DocxWriterError("HTML không có <section> nào trong <body>: không có nội dung để ghi ra DOCX.")
    writer = BodyWriter(table, meta.layout, parts)
    for section, rule in sections:
        assert rule.write is not None, f"{section.tag}: a body rule without a handler"
        rule.write(writer, section, rule)
    return meta, writer
