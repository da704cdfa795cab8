"""The workbooks the committee sends to its units: the blank form (data/bieu-mau/), and the writer pieces
shared with the sample-data generator (bench/genfolder.py).

`build_reports.py bieu-mau FOLDER` writes the blank form for a data folder's year and committee. Every
catalogue indicator is listed with its code, so a unit fills values only; count cells accept whole
numbers >= 0 (Excel data validation). Zip timestamps and document properties are pinned, so the same
catalogue gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from reports import indicators as ind

Figures = Mapping[str, Any]

SOLIEU = "SoLieu"
THONGTIN = "ThongTin"
SOLIEU_HEADER = ("stt", "ten_chi_tieu", "don_vi_tinh", "ma_chi_tieu", "gia_tri", "ghi_chu")
THONGTIN_HEADER = ("truong", "mo_ta", "gia_tri")
THONGTIN_FIELDS = (
    ("ma_don_vi", "Mã đơn vị"),
    ("ten_don_vi", "Tên đơn vị"),
    ("nguoi_lap", "Người lập biểu"),
    ("ngay_lap", "Ngày lập"),
    ("so_dien_thoai", "Số điện thoại"),
)
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_DOC_TIME = dt.datetime(2026, 1, 1)


class _PinnedZip(zipfile.ZipFile):
    """A ZipFile whose members all carry one fixed timestamp, so output bytes depend only on content."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        self.writestr(str(arcname or filename), Path(filename).read_bytes())


def save_workbook(wb: Workbook, path: Path, creator: str = "bao-cao-xay-dung-dang") -> None:
    """Save with pinned document properties and zip timestamps (reproducible bytes)."""
    wb.properties.created = _DOC_TIME
    wb.properties.modified = _DOC_TIME
    wb.properties.creator = creator
    path.parent.mkdir(parents=True, exist_ok=True)
    with _PinnedZip(path, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()


_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_ITALIC = Font(italic=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center")

SOLIEU_WIDTHS = (6, 58, 12, 26, 14, 30)
THONGTIN_WIDTHS = (18, 22, 44)


def cell(ws: WriteOnlyWorksheet, value: Any, font: Font | None = None, box: bool = False) -> Any:
    written = WriteOnlyCell(ws, value=value)
    if font is not None:
        written.font = font
    if box:
        written.border = _BOX
    return written


def row(ws: WriteOnlyWorksheet, first_col: int, values: Sequence[Any], **style: Any) -> list[Any]:
    return [None] * (first_col - 1) + [cell(ws, v, **style) if v is not None else None for v in values]


def set_widths(ws: Any, first_col: int, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(first_col + i)].width = width


def title_lines(unit_name: str | None, nam: int, issuer: str, count: int) -> list[str]:
    """The 2-4 title rows above the header, as units really put them."""
    lines = [issuer]
    if unit_name is not None:
        lines.append(unit_name.upper())
    lines.append(f"BIỂU SỐ LIỆU CÔNG TÁC XÂY DỰNG ĐẢNG NĂM {nam}")
    lines.append(f"(Số liệu tính đến ngày 31/12/{nam})")
    if count >= len(lines):
        return lines
    if count == 3:
        return [lines[0], lines[-2], lines[-1]]
    return [lines[-2], lines[-1]]


def indicator_rows(figures: Figures | None) -> Iterable[tuple[Any, ...]]:
    """(stt, label, unit, code, value, note) rows, with group heading rows that carry no code."""
    group = None
    number = 0
    for item in ind.CATALOGUE:
        if item.group != group:
            group, number = item.group, 0
            yield (item.group, ind.GROUPS[item.group].upper(), None, None, None, None)
        number += 1
        value = None if figures is None else figures.get(item.code)
        note = "bắt buộc" if item.required and figures is None else None
        yield (number, item.label, item.unit or None, item.code, value, note)


def write_blank_form(path: Path, nam: int = 2026, issuer: str = "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH") -> None:
    """The blank form the committee sends to its units: every catalogue indicator, values empty."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SOLIEU
    lines = [
        issuer,
        "ĐẢNG BỘ/CHI BỘ: ....................................",
        *title_lines(None, nam, issuer, 4)[1:],
    ]
    for line in lines:
        ws.append([line])
        ws.cell(ws.max_row, 1).font = _ITALIC if line.startswith("(") else _TITLE
    ws.append(list(SOLIEU_HEADER))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BOX, _CENTER
    for row in indicator_rows(None):
        ws.append(list(row))
        is_group = row[3] is None
        for cell in ws[ws.max_row]:
            cell.border = _BOX
            cell.alignment = _WRAP
            if is_group:
                cell.font = _BOLD
    ws.freeze_panes = f"A{header_row + 1}"
    set_widths(ws, 1, SOLIEU_WIDTHS)
    _add_count_validation(ws, header_row)
    info = wb.create_sheet(THONGTIN)
    info.append(["THÔNG TIN ĐƠN VỊ NỘP BIỂU"])
    info["A1"].font = _TITLE
    info.append([])
    info.append(list(THONGTIN_HEADER))
    for cell in info[3]:
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BOX
    for key, label in THONGTIN_FIELDS:
        info.append([key, label, None])
        for cell in info[info.max_row]:
            cell.border = _BOX
    info.freeze_panes = "A4"
    set_widths(info, 1, THONGTIN_WIDTHS)
    save_workbook(wb, path)


def _add_count_validation(ws: Any, header_row: int) -> None:
    """Excel refuses anything but a whole number ≥ 0 in the gia_tri cell of a count indicator."""
    from openpyxl.worksheet.datavalidation import DataValidation

    check = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error="Chỉ tiêu này là số đếm: nhập số nguyên không âm, hoặc để trống nếu không báo cáo.",
    )
    code_col = SOLIEU_HEADER.index("ma_chi_tieu") + 1
    value_col = SOLIEU_HEADER.index("gia_tri") + 1
    for row in range(header_row + 1, ws.max_row + 1):
        code = ws.cell(row, code_col).value
        if code in ind.BY_CODE and not ind.BY_CODE[code].is_text:
            check.add(ws.cell(row, value_col).coordinate)
    ws.add_data_validation(check)
