"""The check report `kiem-tra-so-lieu-<nam>.xlsx`: what a clerk works through on the phone.

Sheet 1 "Lỗi và cảnh báo": one row per problem (errors first within each unit), the header frozen and
filters on, readable widths, long explanations wrapped. Sheet 2 "Đơn vị": every expected unit with its
submission status, its file and its counts of problems. Sheet 3 "Chỉ tiêu để trống": the optional
indicators each unit left blank ("chưa báo cáo", never read as 0).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reports import indicators as ind
from reports.intake import Intake
from reports.problems import Problem, Severity, sort_key
from reports.values import clean_xml_text

STATUS_LABELS = {"hop_le": "Đã nộp, hợp lệ", "co_loi": "Đã nộp, có lỗi", "chua_nop": "Chưa nộp"}

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ERROR_FILL = PatternFill("solid", fgColor="FCE4E4")
_WARNING_FILL = PatternFill("solid", fgColor="FFF4CE")
_WRAP = Alignment(wrap_text=True, vertical="top")

PROBLEM_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 6),
    ("Mức độ", 10),
    ("Mã đơn vị", 12),
    ("Tên đơn vị", 34),
    ("Tệp", 30),
    ("Trang", 10),
    ("Ô / dòng", 14),
    ("Mã chỉ tiêu", 22),
    ("Tên chỉ tiêu", 34),
    ("Giá trị", 12),
    ("Nội dung", 90),
    ("Mã quy tắc", 24),
)
UNIT_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 6),
    ("Mã đơn vị", 12),
    ("Tên đơn vị", 40),
    ("Loại", 15),
    ("Nhóm", 24),
    ("Tình trạng", 18),
    ("Tệp đã nộp", 40),
    ("Số lỗi", 8),
    ("Số cảnh báo", 11),
    ("Chỉ tiêu để trống", 10),
    ("Người lập", 22),
    ("Ngày lập", 12),
    ("Số điện thoại", 14),
)
BLANK_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 6),
    ("Mã đơn vị", 12),
    ("Tên đơn vị", 40),
    ("Mã chỉ tiêu", 26),
    ("Tên chỉ tiêu", 50),
    ("Tệp", 30),
    ("Ô / dòng", 14),
)


def check_report_xlsx(intake: Intake, build_date: dt.date) -> bytes:
    wb = Workbook()
    wb.properties.title = f"Kiểm tra số liệu năm {intake.settings.nam}"
    wb.properties.creator = intake.settings.co_quan.ten
    stamp = dt.datetime.combine(build_date, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    problems = sorted(intake.problems, key=sort_key)
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Lỗi và cảnh báo"
    _fill(sheet, PROBLEM_COLUMNS, [_problem_row(i, p) for i, p in enumerate(_serious(problems), start=1)])
    _shade_by_severity(sheet)
    _fill(wb.create_sheet("Đơn vị"), UNIT_COLUMNS, _unit_rows(intake, problems))
    blanks = [p for p in problems if p.severity is Severity.NOTE]
    _fill(wb.create_sheet("Chỉ tiêu để trống"), BLANK_COLUMNS, _blank_rows(blanks))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _serious(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is not Severity.NOTE]


def _problem_row(number: int, p: Problem) -> list[Any]:
    place = p.place
    label = ", ".join(ind.label(c.strip()) for c in p.indicator.split(",")) if p.indicator else ""
    return [
        number,
        p.severity.value,
        p.unit,
        p.unit_name,
        place.file if place else "",
        place.sheet if place else "",
        place.cell if place else "",
        p.indicator,
        label if label != p.indicator else "",
        p.value,
        p.message,
        p.rule,
    ]


def _unit_rows(intake: Intake, problems: Sequence[Problem]) -> list[list[Any]]:
    status = intake.status()
    errors = Counter(p.unit for p in problems if p.is_error)
    warnings = Counter(p.unit for p in problems if p.is_warning and p.rule != "chua_nop")
    blanks = Counter(p.unit for p in problems if p.severity is Severity.NOTE)
    files: dict[str, list[str]] = {}
    for parsed_unit, parsed in intake.validation.used.items():
        files.setdefault(parsed_unit, []).append(parsed.submission.describe())
    for p in problems:
        if p.rule in ("nop_trung_giong_nhau",) and p.place:
            files.setdefault(p.unit, []).append(p.place.describe())
    rows = []
    for number, (code, unit) in enumerate(intake.units.iterrows(), start=1):
        used = intake.validation.used.get(str(code))
        info = used.submission.info if used else {}
        rows.append(
            [
                number,
                code,
                unit["ten_don_vi"],
                ind.UNIT_TYPES.get(str(unit["loai"]), str(unit["loai"])),
                unit["nhom"],
                STATUS_LABELS[status[str(code)]],
                "; ".join(dict.fromkeys(files.get(str(code), []))),
                errors.get(str(code), 0),
                warnings.get(str(code), 0),
                blanks.get(str(code), 0),
                info.get("nguoi_lap", ""),
                info.get("ngay_lap", ""),
                info.get("so_dien_thoai", ""),
            ]
        )
    return rows


def _blank_rows(blanks: Sequence[Problem]) -> list[list[Any]]:
    return [
        [
            number,
            p.unit,
            p.unit_name,
            p.indicator,
            ind.label(p.indicator),
            p.place.file if p.place else "",
            p.place.cell if p.place else "",
        ]
        for number, p in enumerate(blanks, start=1)
    ]


def _fill(sheet: Worksheet, columns: Sequence[tuple[str, float]], rows: list[list[Any]]) -> None:
    """Header row in bold, frozen, with filters; column widths; long text wrapped."""
    sheet.append([name for name, _ in columns])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
    for row in rows:
        values = [_safe(v) for v in row]
        sheet.append(values)
        if any(isinstance(v, str) and v.startswith("=") for v in values):
            _as_text(sheet[sheet.max_row])
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    # Long texts wrap; the other cells keep Excel's defaults (styling every cell costs seconds at 600 units).
    for index, (_, width) in enumerate(columns, start=1):
        if width >= 30:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = _WRAP
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _safe(value: Any) -> Any:
    """Text without the characters an .xlsx cannot hold (openpyxl would refuse the whole file)."""
    return clean_xml_text(value) if isinstance(value, str) else value


def _as_text(row: Sequence[Any]) -> None:
    """Every string is stored as text: openpyxl makes "=..." a formula, and a unit's name or code such as
    =HYPERLINK(...) or =cmd|' /C calc'!A0 must never become a live formula in the clerk's Excel."""
    for cell in row:
        if cell.data_type == "f":
            cell.data_type = "s"


def _shade_by_severity(sheet: Worksheet) -> None:
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell = row[0]
        if cell.value == Severity.ERROR.value:
            cell.fill = _ERROR_FILL
        elif cell.value == Severity.WARNING.value:
            cell.fill = _WARNING_FILL
