"""The package: a lean copy of python-docx's template, core properties, fixed zip timestamps (stable bytes)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import lru_cache
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT

# The table styles kept from python-docx's template: the default one and the bordered grid that
# `tables.py` names. The template defines 100 table styles (340 KB of its 349 KB styles.xml).
KEPT_TABLE_STYLES = ("TableNormal", "TableGrid")
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def new_document() -> Any:
    """A python-docx Document of python-docx's template without what a report never uses.

    The template carries a style definition for each of Word's 100 built-in table styles and a copy of
    all its styles for Word 2010 (stylesWithEffects.xml, 438 KB): every document parsed, searched and
    compressed them again (about 20 ms of a unit report's 45 ms) and they were three quarters of each DOCX file.
    Word keeps its built-in table styles of its own (the document lists them among its latent styles) and
    reads styles.xml when the Word 2010 copy is absent. The lean template is made once per process.
    """
    import docx

    return docx.Document(io.BytesIO(_lean_template()))


@lru_cache(maxsize=1)
def _lean_template() -> bytes:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in KEPT_TABLE_STYLES:
            styles.remove(style)
    rels = document.part.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == STYLES_WITH_EFFECTS]:
        del rels[rid]
    drop_thumbnail(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def set_core_properties(document: Any, title: str, author: str, date: dt.date | None) -> None:
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.subject = ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    when = dt.datetime.combine(date or dt.date(1980, 1, 1), dt.time())
    props.created = when
    props.modified = when
    props.last_printed = when


def drop_thumbnail(document: Any) -> None:
    """python-docx's template carries a thumbnail of an empty page; file browsers would show it."""
    rels = document.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


def stable_package(document: Any, date: dt.date | None) -> bytes:
    """The document's package as zip bytes with fixed timestamps, so equal input gives equal bytes.

    python-docx's own writer stamps each member with the current time; rewriting its zip afterwards
    cost a second deflate and an inflate of every part (a fifth of a unit report's DOCX time). Here
    python-docx's package writer writes its members straight into a zip with fixed timestamps.
    """
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        writer = _StableWriter(archive, date)
        PackageWriter._write_content_types_stream(writer, package.parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, package.parts)  # type: ignore[arg-type]  # duck-typed writer
    return out.getvalue()


class _StableWriter:
    """The physical writer python-docx's PackageWriter writes members through, with fixed timestamps."""

    def __init__(self, archive: zipfile.ZipFile, date: dt.date | None) -> None:
        self.archive = archive
        self.stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0) if date else (1980, 1, 1, 0, 0, 0)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=self.stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        self.archive.writestr(entry, blob)
