"""A problem found in the data, with its exact place, ready to print or to write to the check report."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from reports.values import visible


class Severity(Enum):
    ERROR = "lỗi"
    WARNING = "cảnh báo"
    NOTE = "ghi chú"  # an optional indicator left blank: listed, never blocking, even with --strict


@dataclass(frozen=True)
class Place:
    """Where a value came from: a workbook cell ("SoLieu", "E12") or a CSV line and column."""

    file: str
    sheet: str = ""
    cell: str = ""

    def describe(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"trang {self.sheet}")
        if self.cell:
            parts.append(f"ô {self.cell}" if self.sheet else self.cell)
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Problem:
    severity: Severity
    rule: str  # stable rule id, e.g. "can_doi_dang_vien"; used by tests and the check report
    message: str  # plain Vietnamese: what is wrong and what is expected
    unit: str = ""  # ma_don_vi ("" for problems about a whole file)
    place: Place | None = None
    indicator: str = ""
    value: str = ""  # the value as found, shown to the clerk
    unit_name: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity is Severity.WARNING

    def with_unit_name(self, name: str) -> Problem:
        return replace(self, unit_name=name)


def error(rule: str, message: str, **kw: object) -> Problem:
    return _problem(Severity.ERROR, rule, message, kw)


def warning(rule: str, message: str, **kw: object) -> Problem:
    return _problem(Severity.WARNING, rule, message, kw)


def note(rule: str, message: str, **kw: object) -> Problem:
    return _problem(Severity.NOTE, rule, message, kw)


def _problem(severity: Severity, rule: str, message: str, kw: dict[str, object]) -> Problem:
    """Invisible characters are written out (⟨U+200B⟩) so that a wrong code does not look right."""
    if "value" in kw:
        kw["value"] = visible(str(kw["value"]))
    return Problem(severity, rule, visible(message), **kw)  # type: ignore[arg-type]


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}


def sort_key(p: Problem) -> tuple[str, int, str, int, str]:
    """Group by unit (file problems first), errors first, then by file and cell in reading order.

    A clerk calls one unit about all of its problems at once, so a unit's problems stay together.
    """
    file = p.place.file if p.place else ""
    return (p.unit, _SEVERITY_ORDER[p.severity], file, _cell_order(p.place.cell if p.place else ""), p.rule)


def _cell_order(cell: str) -> int:
    """Row number of "E12" or "dòng 12, cột x", so E9 sorts before E10."""
    digits = ""
    for ch in cell:
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    return int(digits) if digits else 0
