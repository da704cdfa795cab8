"""docs/html-subset.md and the DOCX writer's handler table list exactly the same elements.

The first column of every table in the page holds the HTML (in backticks); each opening tag there is
turned into the selector the writer uses as its key (`tag`, `tag.class`, `meta[name=x]`, ...). A row
added to one and not the other, or a context the page does not say, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reports.render.docx import DocxWriterError, render_docx
from reports.render.docx import rules as r
from reports.render.docx.handlers import HANDLERS

DOC = Path(__file__).resolve().parent.parent / "docs" / "html-subset.md"

# The page's sections and the contexts their elements stand in.
SECTION_CONTEXTS = {
    "Document": {r.DOCUMENT, r.HTML, r.HEAD, r.BODY},
    "Blocks inside a section": {r.SECTION, r.LAYOUT_CELL},
    "Tables": {r.TABLE, r.COLGROUP, r.DATA_ROW, r.LAYOUT_ROW, r.DATA_CELL, r.LAYOUT_TABLE_CELL},
    "Inline": {r.INLINE},
    "Figures and fields": {r.SECTION, r.FIGURE, r.TOC, r.TOC_INLINE},
}

_CODE = re.compile(r"`([^`]+)`")
_OPEN_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)((?:\s[^<>]*)?)>")
_ATTR = re.compile(r"""([a-zA-Z][a-zA-Z-]*)(?:=(?:"([^"]*)"|'([^']*)'))?""")


def doc_selector(tag: str, attrs: str) -> str:
    values = {m.group(1): m.group(2) if m.group(2) is not None else (m.group(3) or "") for m in _ATTR.finditer(attrs)}
    if tag == "meta":
        return "meta[charset]" if "charset" in values else f"meta[name={values.get('name', '')}]"
    if tag == "link":
        return f"link[rel={values.get('rel', '')}]"
    cls = " ".join(values.get("class", "").split())
    return f"{tag}.{cls}" if cls else tag


def documented() -> dict[str, set[str]]:
    """Section heading -> selectors named in the first column of its tables."""
    found: dict[str, set[str]] = {}
    section = ""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.startswith("## "):
            section = line.removeprefix("## ").strip()
            continue
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        if index + 1 < len(lines) and set(lines[index + 1]) <= set("|-: ") and lines[index + 1].startswith("|"):
            continue  # the header row of a table
        first_cell = line.split("|")[1]
        for code in _CODE.findall(first_cell):
            for tag, attrs in _OPEN_TAG.findall(code):
                found.setdefault(section, set()).add(doc_selector(tag.lower(), attrs))
    return found


def test_the_page_lists_exactly_what_the_handler_table_handles() -> None:
    listed = set().union(*documented().values())
    assert sorted(listed - set(HANDLERS)) == [], "documented, but the DOCX writer has no handler"
    assert sorted(set(HANDLERS) - listed) == [], "handled by the DOCX writer, but not in docs/html-subset.md"


def test_each_section_of_the_page_says_where_its_elements_stand() -> None:
    sections = documented()
    assert set(sections) == set(SECTION_CONTEXTS)
    for heading, selectors in sections.items():
        for sel in selectors:
            assert HANDLERS[sel].where & SECTION_CONTEXTS[heading], f"{sel} is documented under '{heading}'"


def test_the_drift_this_test_was_written_for_is_fixed() -> None:
    listed = set().union(*documented().values())
    assert {"div.page-break", "style", "meta[charset]", "meta[name=layout]"} <= listed


def test_every_rule_does_something_in_each_of_its_contexts() -> None:
    for sel, rule in HANDLERS.items():
        assert rule.where, sel
        if rule.where & {r.BODY, r.SECTION}:
            assert rule.write is not None, f"{sel}: a block without a handler"
        if r.LAYOUT_CELL in rule.where or r.TOC in rule.where or r.DATA_ROW in rule.where:
            assert rule.style, f"{sel}: no style"
        if r.INLINE in rule.where:
            assert rule.flag, f"{sel}: inline without formatting"
        if r.FIGURE in rule.where:
            assert rule.pdf_only or rule.style, sel


HEAD = '<head><meta charset="utf-8"><title>T</title></head>'


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('<p>xem <a href="#x">đây</a></p>', "<a>"),  # a link only in a contents entry
        ('<p class="toc-1">Mục</p>', '<p class="toc-1">'),  # an entry only in nav.toc
        ('<figure class="chart" data-chart="{}"><p>x</p><img src="a.svg"></figure>', "<p>"),
        ("<figcaption>Hình</figcaption>", "<figcaption>"),  # only in a figure
        ('<nav class="toc"><p>Mục</p></nav>', "<p>"),
        ('<table class="signature"><tr class="total"><td><p>x</p></td></tr></table>', '<tr class="total">'),
        ('<table class="data"><tr><td><span class="nowrap"><a href="#x">1</a></span></td></tr></table>', "<a>"),
    ],
)
def test_an_element_of_the_subset_in_the_wrong_place_is_an_error(body: str, named: str) -> None:
    html = f'<!DOCTYPE html><html lang="vi">{HEAD}<body><section class="portrait">{body}</section></body></html>'
    with pytest.raises(DocxWriterError) as caught:
        render_docx(html)
    assert caught.value.element == named
