"""A problem found in the data, with its exact place, ready to print or to write to the check report."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


class Severity(Enum):
    ERROR = "lỗi"
    WARNING = "cảnh báo"


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

    def with_unit_name(self, name: str) -> Problem:
        return replace(self, unit_name=name)


def error(rule: str, message: str, **kw: object) -> Problem:
    return Problem(Severity.ERROR, rule, message, **kw)  # type: ignore[arg-type]


def warning(rule: str, message: str, **kw: object) -> Problem:
    return Problem(Severity.WARNING, rule, message, **kw)  # type: ignore[arg-type]


def sort_key(p: Problem) -> tuple[str, int, str, str]:
    """Group by unit, errors first, then by file and cell, so a clerk reads one unit at a time."""
    return (p.unit or "~", 0 if p.is_error else 1, p.place.file if p.place else "", p.rule)
