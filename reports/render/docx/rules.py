"""The shape of the handler table (handlers.py) and the one lookup every walker uses.

A rule says where an element may stand (its contexts) and what the writer does with it. An element
whose selector is not in the table, or that stands in a context its rule does not list, is an error
naming the element and its line: the writer never drops content it does not understand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reports.render.docx.dom import selector, unsupported

if TYPE_CHECKING:
    from reports.render.docx.body import BodyWriter
    from reports.render.docx.head import Meta

# Contexts: where an element stands. The values are the Vietnamese words of the error message.
DOCUMENT = "tài liệu"
HTML = "<html>"
HEAD = "<head>"
BODY = "<body>"
SECTION = "một section"
LAYOUT_CELL = "một ô của bảng đầu văn bản hoặc bảng chữ ký"
TABLE = "một bảng"
COLGROUP = "<colgroup>"
DATA_ROW = "một bảng dữ liệu"
LAYOUT_ROW = "bảng đầu văn bản hoặc bảng chữ ký"
DATA_CELL = "một hàng của bảng dữ liệu"
LAYOUT_TABLE_CELL = "một hàng của bảng đầu văn bản hoặc bảng chữ ký"
INLINE = "một đoạn văn"
FIGURE = "một <figure>"
TOC = 'mục lục <nav class="toc">'
TOC_INLINE = "một mục của mục lục"

BlockHandler = Callable[["BodyWriter", Any, "Rule"], None]
HeadHandler = Callable[["Meta", Any], None]


@dataclass(frozen=True)
class Rule:
    """What the writer does with one (element, class) of the subset.

    where:      the contexts the element may stand in
    write:      block handler (sections, blocks, figures), called with the writer, the element, the rule
    read:       <head> handler, reads a document property into Meta
    style:      paragraph style id (<p>, <h1>-<h4>, contents entries, captions) or row style id (<tr>)
    flag:       inline formatting flag ("b", "i", "u", "sup", "nowrap", "hl", "br"; "" = plain text)
    jc:         table cell alignment
    centred:    the paragraph is centred with no first-line indent (on top of its style)
    rule_under: the paragraph's bottom border is shortened to about the text's width
    pdf_only:   the element is the PDF's rendering of something the DOCX writes natively (a chart's
                picture): the writer skips it on purpose
    """

    where: frozenset[str]
    write: BlockHandler | None = None
    read: HeadHandler | None = None
    style: str = ""
    flag: str = ""
    jc: str = ""
    centred: bool = False
    rule_under: bool = False
    pdf_only: bool = False


def rule(*where: str, **kwargs: Any) -> Rule:
    return Rule(frozenset(where), **kwargs)


def lookup(table: Mapping[str, Rule], el: Any, where: str) -> Rule:
    """The rule for `el` standing in `where`, or the error naming the element."""
    found = table.get(selector(el))
    if found is None or where not in found.where:
        raise unsupported(el, where)
    return found
