"""The statistical appendices of the consolidated report: one row per expected unit and a total row.

Python gives the rows (numbers as int, None where not reported, the status of a unit not included);
the appendix template (templates/partials/appendix.html.j2) writes the titles, the column headings and
the notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reports import vietnamese as vn
from reports.indicators import LEVELS, MEMBERSHIP_DECREASES, MEMBERSHIP_INCREASES

if TYPE_CHECKING:  # contexts are unpickled in rendering workers that never import pandas
    from reports.aggregate import Aggregates

MOVEMENT_CODES: tuple[str, ...] = ("dv_dau_ky", *MEMBERSHIP_INCREASES, *MEMBERSHIP_DECREASES, "dv_cuoi_ky")
RATING_CODES: tuple[str, ...] = (
    "tcd_duoc_danh_gia",
    *(f"tcd_{lv}" for lv in LEVELS),
    "dv_duoc_danh_gia",
    *(f"dv_{lv}" for lv in LEVELS),
)


@dataclass(frozen=True)
class AppendixRow:
    loai: str  # "group" (a heading row of a group of units), "unit" or "total"
    stt: str  # "1", "2", ...; a group's Roman numeral; "" for the total
    ten: str  # unit name, group name ("" for units without a group) or "" for the total
    so_lieu: tuple[int | None, ...]  # one value per column code; None = not reported
    trang_thai: str  # "" (included), "excluded" (left out: errors) or "missing" (not submitted)
    ma: str = ""  # unit code


@dataclass(frozen=True)
class AppendixTable:
    codes: tuple[str, ...]  # the indicator code of each figure column
    chi_so_cot: tuple[str, ...]  # the column-number row: "1", "2", "3", ... "8=9+10+11+12"
    rows: tuple[AppendixRow, ...]


@dataclass(frozen=True)
class Appendix:
    tang_giam: AppendixTable  # Phụ lục 1: membership movement (Biểu 1-BTCTW)
    xep_loai: AppendixTable  # Phụ lục 2: classification of organisations and members


def appendix(a: Aggregates) -> Appendix:
    return Appendix(table(a, MOVEMENT_CODES), table(a, RATING_CODES))


def table(a: Aggregates, codes: Sequence[str]) -> AppendixTable:
    return AppendixTable(tuple(codes), column_index(codes), tuple(table_rows(a, codes)))


def column_index(codes: Sequence[str]) -> tuple[str, ...]:
    """The BTCTW column-index row: "1", "2", ... with identities written out ("8=9+10+11+12")."""
    number = {code: str(i) for i, code in enumerate(codes, start=3)}
    cells = ["1", "2"]
    for code in codes:
        plus, minus = _identity(code)
        if (plus or minus) and all(c in number for c in (*plus, *minus)):
            formula = "+".join(number[c] for c in plus) + "".join(f"-{number[c]}" for c in minus)
            cells.append(f"{number[code]}={formula}")
        else:
            cells.append(number[code])
    return tuple(cells)


def _identity(code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The codes a total is made of (added, subtracted): the four levels add up to those evaluated.

    D = A + B - C is not written out: "12=3+4+5+6-7-8-9-10-11" is too wide for its column.
    """
    if code.endswith("_duoc_danh_gia"):
        return tuple(f"{code.split('_')[0]}_{lv}" for lv in LEVELS), ()
    return (), ()


def table_rows(a: Aggregates, codes: Sequence[str]) -> list[AppendixRow]:
    """Unit rows (group heading rows when units have groups) and the total row.

    A unit that is not included keeps its row, with its status instead of figures (never zeros).
    """
    from reports.aggregate import STATUS_INCLUDED

    frame = a.unit_table
    grouped = bool((frame["nhom"] != "").any())
    order = list(dict.fromkeys(frame["nhom"])) if grouped else [""]
    rows: list[AppendixRow] = []
    number = 0
    for group_no, group in enumerate(order, start=1):
        members = frame[frame["nhom"] == group] if grouped else frame
        if grouped:
            rows.append(AppendixRow("group", vn.roman(group_no), str(group), (), ""))
        for code, unit in members.iterrows():
            number += 1
            included = unit["status"] == STATUS_INCLUDED
            values = tuple(_value(unit[c]) for c in codes) if included else ()
            status = "" if included else str(unit["status"])
            rows.append(AppendixRow("unit", str(number), str(unit["ten_don_vi"]), values, status, str(code)))
    rows.append(AppendixRow("total", "", "", tuple(a.totals[c].value for c in codes), ""))
    return rows


def _value(value: Any) -> int | None:
    import pandas as pd

    return None if value is None or pd.isna(value) else int(value)
