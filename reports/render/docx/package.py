"""The finished package: core properties, no thumbnail, and fixed zip timestamps (equal input, equal bytes)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT


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


def stable_zip(data: bytes, date: dt.date | None) -> bytes:
    """Rewrite the package with fixed timestamps so equal input gives equal bytes."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0) if date else (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
