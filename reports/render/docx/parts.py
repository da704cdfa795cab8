"""Adding package parts and their relationships: pictures, charts (with their embedded workbook), and
whatever a figure builder returns.

The body is written as XML text that refers to parts by relationship id, so a part is added (and its id
known) while the body is being written. Parts are python-docx `Part`s related from the main document
part; python-docx writes them, their relationships and their content types when the package is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.opc.part import Part

# Relationship types a figure builder will want (ECMA-376 part 1, 15.2).
RT_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
RT_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
RT_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class NewPart:
    """A part to add to the package.

    partname:     a printf template with one %d, e.g. "/word/charts/chart%d.xml"; the next free number
                  is used
    content_type: its MIME content type
    reltype:      the type of the relationship from the part that refers to it
    blob:         its bytes
    related:      parts this part refers to itself; they get the ids rId1, rId2, ... in this order (a
                  chart part's `<c:externalData r:id="rId1">` names its embedded workbook this way)
    """

    partname: str
    content_type: str
    reltype: str
    blob: bytes
    related: tuple[NewPart, ...] = ()


class Parts:
    """The parts added to one document, related from its main part."""

    def __init__(self, main_part: Any) -> None:
        self._main = main_part
        self._drawings = 0

    def add(self, new: NewPart) -> str:
        """Add `new` (and what it relates to) and return the main part's relationship id to it."""
        return self._add(self._main, new)

    def next_drawing_id(self) -> int:
        """A document-wide unique id for a drawing's wp:docPr."""
        self._drawings += 1
        return self._drawings

    def _add(self, source: Any, new: NewPart) -> str:
        package = self._main.package
        part = Part(package.next_partname(new.partname), new.content_type, new.blob, package)
        rid: str = source.relate_to(part, new.reltype)
        for index, child in enumerate(new.related, start=1):
            child_rid = self._add(part, child)
            if child_rid != f"rId{index}":  # pragma: no cover - a fresh part numbers from rId1
                raise AssertionError(f"related part {child.partname} got {child_rid}, expected rId{index}")
        return rid
