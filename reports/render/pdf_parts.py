"""A report whose appendices number their own pages, as separate PDF parts joined into one file.

A `<section data-danh-so-lai="PL1-">` starts a new run of page numbers (from 1, none on its first page:
the same `@page :first` rule as the report's page 1). Each run is then a document of its own: the
report's <head> and the sections of that run. WeasyPrint lays out each part alone, so the parts can be
laid out side by side on several processes (reports.render.batch), and `join_parts` binds them with
pypdf into one file: pages in order, every part's bookmarks, the first part's metadata, and PDF page
labels "1, 2, … PL1-1, PL1-2, …" so that a reader's page box says which run a page belongs to.

The same HTML always gives the same parts and the same bytes, whether the parts were laid out in one
process or several.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

RESTART_ATTRIBUTE = "data-danh-so-lai"
_RESTART = re.compile(r'<section\b[^>]*\sdata-danh-so-lai="([^"]*)"[^>]*>')


@dataclass(frozen=True)
class Part:
    label: str  # the page-label prefix of this run ("" for the report itself)
    html: str  # a whole HTML document: the report's <head> and this run's sections


def split_parts(html: str) -> list[Part]:
    """The runs of page numbers of `html`: one part, the whole document, when no section restarts them."""
    starts = [(m.start(), m.group(1)) for m in _RESTART.finditer(html)]
    if not starts:
        return [Part("", html)]
    body_open = html.index("<body>") + len("<body>")
    body_close = html.rindex("</body>")
    head, tail = html[:body_open], html[body_close:]
    bounds = [(body_open, ""), *starts, (body_close, "")]
    parts = []
    for (start, label), (end, _) in itertools.pairwise(bounds):
        sections = html[start:end]
        if sections.strip():
            parts.append(Part(label, head + sections + tail))
    return parts


def join_parts(pdfs: Sequence[bytes], labels: Sequence[str]) -> bytes:
    """One PDF of the parts' pages in order, with their outlines, the first part's metadata and labels."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject

    if len(pdfs) == 1:
        return pdfs[0]
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(data)) for data in pdfs]
    for reader in readers:
        writer.append(reader)
    first = readers[0]
    if first.metadata:
        writer.add_metadata({key: value for key, value in first.metadata.items()})
    root = first.trailer["/Root"].get_object()
    language = root.get("/Lang") if isinstance(root, DictionaryObject) else None
    if language is not None:
        writer._root_object[NameObject("/Lang")] = language
    start = 0
    for reader, label in zip(readers, labels, strict=True):
        end = start + len(reader.pages) - 1
        writer.set_page_label(start, end, style=PageLabelStyle.DECIMAL, prefix=label or None, start=1)
        start = end + 1
    digest = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in pdfs)).digest()[:16]
    writer._ID = ArrayObject((ByteStringObject(digest), ByteStringObject(digest)))  # reproducible, not random
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def own_page_numbers(pdf: bytes) -> list[str]:
    """The number printed on each page of a report: its page label without the run's prefix."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"^.*\D", "", label) for label in reader.page_labels]
