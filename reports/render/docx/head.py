"""<head>: the document properties (title, author, date, draft mark) and the page layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reports.render.docx.dom import HTML_SPACE, DocxWriterError, children
from reports.render.docx.layout import Layout, parse_layout
from reports.render.docx.rules import HEAD, Rule, lookup


@dataclass
class Meta:
    title: str = ""
    author: str = ""
    date: dt.date | None = None
    draft: str = ""
    layout: Layout = field(default_factory=Layout)


def read_head(head: Any, meta: Meta, table: Mapping[str, Rule]) -> None:
    for el in children(head):
        read = lookup(table, el, HEAD).read
        if read is not None:
            read(meta, el)


def read_title(meta: Meta, el: Any) -> None:
    meta.title = HTML_SPACE.sub(" ", el.text_content()).strip()


def read_author(meta: Meta, el: Any) -> None:
    meta.author = (el.get("content") or "").strip()


def read_draft(meta: Meta, el: Any) -> None:
    meta.draft = (el.get("content") or "").strip()


def read_layout(meta: Meta, el: Any) -> None:
    meta.layout = parse_layout(el)


def read_date(meta: Meta, el: Any) -> None:
    raw = (el.get("content") or "").strip()
    try:
        meta.date = dt.date.fromisoformat(raw)
    except ValueError:
        raise DocxWriterError(
            f'<meta name="date" content="{raw}"> (dòng {el.sourceline}): ngày phải có dạng YYYY-MM-DD.',
            element='<meta name="date">',
            line=el.sourceline,
        ) from None
