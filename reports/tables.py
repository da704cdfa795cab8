"""Spreadsheets and CSV files as grids of raw cell values, anchored at A1 / line 1.

Everything above this module deals in grids (a list of rows, each a list of values) and cell names;
everything below it is a file format. Two readers:

- Workbooks (.xlsx, .xlsm, and the .xls/.xlsb/.ods that python-calamine also reads) through
  python-calamine, chosen by measurement (bench/bench_readers.py: 9x faster than openpyxl on 600
  unit workbooks, same values and cells). calamine returns an Excel error cell (#REF!, #DIV/0!) as "",
  the same as a blank, so for the Open XML formats the sheet XML is scanned for `t="e"` cells and they
  are put back as `ExcelError` values: a broken formula must be reported, not read as "not reported".
- CSV in UTF-8 with or without BOM, separated by ',' or ';' (Excel in a Vietnamese locale saves ';'),
  or a tab. Other encodings are refused with a message saying how to save the file.

A file that cannot be read raises `UnreadableFile` with a Vietnamese reason; the caller turns it into
a problem naming the file. Values are returned as read: text is NFC-normalised, numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reports.sheetscan import TooLarge, WorkbookScan, scan_workbook
from reports.sheetscan import sheet_members as sheet_members
from reports.values import UNCALCULATED, ExcelError, clean_xml_text, has_invalid_xml, visible

Grid = list[list[Any]]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
OPEN_XML_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
SPREADSHEET_SUFFIXES = WORKBOOK_SUFFIXES + CSV_SUFFIXES

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; `reason` is Vietnamese, for the clerk."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Sheet:
    name: str
    grid: Grid
    cleaned: list[tuple[int, int]] = field(default_factory=list)  # cells whose XML-invalid characters were removed


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0-based column index -> Excel letters: 0 -> "A", 27 -> "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters -> 0-based column index: "A" -> 0, "AB" -> 27."""
    value = 0
    for ch in letters:
        value = value * 26 + ord(ch) - 64
    return value - 1


def cell_name(row: int, col: int) -> str:
    """0-based (row, col) -> "E12"."""
    return f"{column_letter(col)}{row + 1}"


def _clean_grid(rows: list[list[Any]]) -> tuple[Grid, list[tuple[int, int]]]:
    """Text in NFC and without XML-invalid characters; the (row, col) of each cell that had some.

    The hot loop of reading: most cells are numbers, blanks or printable text, which cost one or two
    C-level tests; the positions are looked for only in the rare sheet that had such a character.
    """
    dirty: list[bool] = []

    def cell(value: Any) -> Any:
        if value.__class__ is str:
            if not value.isascii():
                value = unicodedata.normalize("NFC", value)
            if not value.isprintable() and has_invalid_xml(value):
                dirty.append(True)
                return clean_xml_text(value)
        return value

    grid = [[cell(v) for v in row] for row in rows]
    if not dirty:
        return grid, []
    cleaned = [
        (r, c) for r, row in enumerate(rows) for c, v in enumerate(row) if v.__class__ is str and has_invalid_xml(v)
    ]
    return grid, cleaned


def nfc(value: Any) -> Any:
    """Text in Unicode NFC; other values unchanged. ASCII text (most cells) is already NFC."""
    if isinstance(value, str) and not value.isascii():
        return unicodedata.normalize("NFC", value)
    return value


# --- workbooks ------------------------------------------------------------------------------------

# A file larger than this is not a unit's form (a 10.000-unit combined table is a few MB).
MAX_FILE_BYTES = 200 << 20


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of a workbook as a grid from A1, error cells restored as `ExcelError`.

    An Open XML workbook is measured first (reports.sheetscan) and refused when no form can be that
    large; when the measure is clear it is read here, else (and always for .xls, .xlsb, .ods, which
    cannot be measured cheaply) in a worker process, so that a reader that aborts costs only this file.
    """
    head = _head(path)
    _refuse_by_content(path, head)
    suffix = path.suffix.lower()
    scan = None
    if suffix in OPEN_XML_SUFFIXES and head.startswith(_ZIP_MAGIC):
        scan = _measure(path)
        if scan is not None and not scan.uncertain:
            return _finish(read_grids(path, scan.errors()))
    from reports.isolated import read_isolated

    return _finish(read_isolated(path, scan.errors() if scan is not None else None))


def _finish(grids: list[tuple[str, Grid, list[tuple[int, int]]]]) -> list[Sheet]:
    return [Sheet(clean_xml_text(nfc(name)), grid, cleaned) for name, grid, cleaned in grids]


def _measure(path: Path) -> WorkbookScan | None:
    """The cheap measure of an Open XML workbook; None when the zip itself is broken (calamine says why)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return scan_workbook(archive)
    except TooLarge as exc:
        raise UnreadableFile(f"tệp quá lớn so với một biểu số liệu: {exc.reason}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, RuntimeError):
        return None


def read_grids(
    path: Path, errors: dict[str, dict[tuple[int, int], str]] | None = None
) -> list[tuple[str, Grid, list[tuple[int, int]]]]:
    """Read with python-calamine; `errors` are the special cells to put back (None: find them here).

    Called in this process for a measured workbook, and in the worker process for the others.
    """
    from python_calamine import CalamineError

    head = _head(path)
    try:
        workbook = _open_calamine(path)
    except CalamineError as exc:
        raise UnreadableFile(_calamine_reason(path, head, exc)) from None
    try:
        names = [meta.name for meta in workbook.sheets_metadata]
        if errors is None:
            errors = _other_format_errors(path, names)
        grids = []
        for name in names:
            try:
                rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except CalamineError as exc:
                raise UnreadableFile(f"không đọc được trang '{name}' ({exc})") from None
            grid, cleaned = _clean_grid(rows)
            for (r, c), code in errors.get(name, {}).items():
                if code != UNCALCULATED or _blank_at(grid, r, c):
                    _put(grid, r, c, ExcelError(code))
            grids.append((name, grid, cleaned))
        return grids
    finally:
        workbook.close()


def _open_calamine(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not UTF-8 (unzipped from a Windows archive)
        with path.open("rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    return CalamineWorkbook.from_path(name)


def _other_format_errors(path: Path, names: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    from reports.oldformats import ods_errors, xls_errors

    suffix = path.suffix.lower()
    if suffix == ".ods":
        return ods_errors(path)
    if suffix == ".xls":
        return xls_errors(path)
    return {}  # Open XML: measured (and its error cells found) before reading; .xlsb: not restored


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(512)
    except OSError as exc:
        raise UnreadableFile(f"không mở được tệp ({exc.strerror or exc})") from None


def _refuse_by_content(path: Path, head: bytes) -> None:
    """What the first bytes and the size already tell: empty, too large, a web page, encrypted."""
    if not head:
        raise UnreadableFile("tệp rỗng (0 byte)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(f"không mở được tệp ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"tệp lớn {size >> 20} MB, vượt giới hạn {MAX_FILE_BYTES >> 20} MB của một biểu số liệu")
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00").lower()
    if text.startswith((b"<", b"mime-version")):
        kind = "bảng tính dạng XML 2003" if b"<?xml" in text[:10] and b"<html" not in text else "trang web (HTML)"
        raise UnreadableFile(
            f"tệp thực chất là {kind} mang đuôi {path.suffix}, không phải bảng tính Excel; hãy mở tệp bằng "
            "Excel rồi chọn Lưu thành > 'Sổ làm việc Excel (.xlsx)'"
        )
    if head.startswith(_OLE_MAGIC):
        if _encrypted_ole(path):
            raise UnreadableFile("tệp được đặt mật khẩu (mã hóa); hãy gỡ mật khẩu trong Excel rồi lưu lại")
        if path.suffix.lower() in OPEN_XML_SUFFIXES:
            raise UnreadableFile(
                "tệp thực chất là định dạng Excel cũ (.xls) bị đổi đuôi; hãy mở bằng Excel và lưu lại thành .xlsx"
            )


_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _encrypted_ole(path: Path) -> bool:
    """An OLE file holding an `EncryptedPackage` stream: an Excel 2007+ workbook with a password."""
    try:
        with path.open("rb") as fh:
            return _ENCRYPTED_PACKAGE in fh.read(MAX_FILE_BYTES)
    except OSError:
        return False


def _calamine_reason(path: Path, head: bytes, exc: Exception) -> str:
    if path.suffix.lower() in OPEN_XML_SUFFIXES and not head.startswith(_ZIP_MAGIC):
        return "tệp không phải là bảng tính Excel (nội dung không đúng định dạng .xlsx)"
    if type(exc).__name__ == "PasswordError" or "password" in str(exc).lower():
        return "tệp được đặt mật khẩu (mã hóa); hãy gỡ mật khẩu trong Excel rồi lưu lại"
    return f"tệp bị hỏng, không đọc được ({visible(str(exc))[:300]})"


def _blank_at(grid: Grid, row: int, col: int) -> bool:
    line = grid[row] if row < len(grid) else []
    return col >= len(line) or line[col] in ("", None)


def _put(grid: Grid, row: int, col: int, value: Any) -> None:
    while len(grid) <= row:
        grid.append([])
    line = grid[row]
    while len(line) <= col:
        line.append("")
    line[col] = value


# --- CSV ------------------------------------------------------------------------------------------


@dataclass
class CsvTable:
    """CSV rows with the physical line number (1-based) each row starts on.

    `spans`: rows (by index) whose record runs over several physical lines, with the last line: a
    quoted cell holding line breaks, or a stray quote that swallowed the rows after it. `cleaned`:
    (row index, column) of the cells whose XML-invalid characters (a NUL ...) were removed.
    """

    rows: list[list[str]]
    lines: list[int]
    delimiter: str
    spans: dict[int, int] = field(default_factory=dict)
    cleaned: list[tuple[int, int]] = field(default_factory=list)


def read_csv(path: Path) -> CsvTable:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(f"tệp lớn {size >> 20} MB, vượt giới hạn {MAX_FILE_BYTES >> 20} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"không mở được tệp ({exc.strerror or exc})") from None
    if raw.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise UnreadableFile("tệp là bảng tính Excel nhưng mang đuôi .csv; hãy đổi đuôi thành .xlsx")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "tệp không được lưu theo mã UTF-8; trong Excel hãy chọn Lưu thành > 'CSV UTF-8 (Comma delimited)'"
        ) from None
    if not text.strip():  # also a file holding only the BOM: Excel's "CSV UTF-8" of an empty sheet
        raise UnreadableFile("tệp rỗng, không có dòng tiêu đề")
    text = unicodedata.normalize("NFC", text)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = CsvTable([], [], delimiter)
    start = 1
    try:
        for row in reader:
            index = len(table.rows)
            if reader.line_num > start:
                table.spans[index] = reader.line_num
            if any(has_invalid_xml(cell) for cell in row):
                for c, cell in enumerate(row):
                    if has_invalid_xml(cell):
                        row[c] = clean_xml_text(cell)
                        table.cleaned.append((index, c))
            table.rows.append(row)
            table.lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(f"tệp CSV sai cấu trúc ở dòng {reader.line_num} ({exc})") from None
    return table


def sniff_delimiter(text: str) -> str:
    """';', ',' or tab: whichever splits the first non-empty line (outside quotes) into most fields."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(first, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count
