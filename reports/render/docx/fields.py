"""Word fields as runs: the PAGE number in the page header, and a table of contents.

A complex field is begin / instruction / separate / the result Word shows until it refreshes / end.
The result is filled in by us, so the document reads right before any refresh (Word recomputes a PAGE
field at every layout; a TOC field when the reader presses F9 or updates the table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reports.render.docx.wml import ppr
from reports.render.docx.wml import text as xml_text

PAGE_PLACEHOLDER = "2"  # what a reader without field refresh sees; Word replaces it at layout


def field_begin(instruction: str) -> str:
    """The runs that open a complex field, up to where its shown result starts."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{xml_text(instruction)}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )


def field_end() -> str:
    return '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def field(instruction: str, result_runs: str) -> str:
    """A whole complex field inside one paragraph."""
    return field_begin(instruction) + result_runs + field_end()


def page_field() -> str:
    """The current page number."""
    return field(" PAGE ", f"<w:r><w:t>{PAGE_PLACEHOLDER}</w:t></w:r>")


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1.. : the paragraph style TOC<level>
    runs: str  # the entry's text as w:r elements
    page: str  # the page number shown before a refresh ("" when unknown)


def toc_instruction(levels: str) -> str:
    r"""Headings of outline levels `levels` ("1-3"), as hyperlinks (\h), no page numbers in web view (\z),
    paragraphs with an outline level too (\u)."""
    return f' TOC \\o "{levels}" \\h \\z \\u '


def toc_paragraphs(
    entries: Sequence[TocEntry], instruction: str, right_tab: int, page_break_before: bool = False
) -> list[str]:
    """One paragraph per entry; the field opens in the first and closes in the last.

    Each entry: its text, a right tab with a dot leader at `right_tab` (the text width), its page.
    """
    if not entries:
        raise ValueError("a table of contents needs at least one entry")
    out = []
    last = len(entries) - 1
    for index, entry in enumerate(entries):
        begin = field_begin(instruction) if index == 0 else ""
        end = field_end() if index == last else ""
        page = f"<w:r><w:tab/></w:r><w:r><w:t>{xml_text(entry.page)}</w:t></w:r>" if entry.page else ""
        brk = page_break_before and index == 0
        props = ppr(style=f"TOC{entry.level}", page_break_before=brk, tabs=[("right:dot", right_tab)])
        out.append(f"<w:p>{props}{begin}{entry.runs}{page}{end}</w:p>")
    return out
