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
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from reports.values import UNCALCULATED, ExcelError

Grid = list[list[Any]]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
OPEN_XML_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
SPREADSHEET_SUFFIXES = WORKBOOK_SUFFIXES + CSV_SUFFIXES

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A non-empty cell element (self-closing <c .../> cells are empty and skipped).
_CELL_RE = re.compile(r"<c\b([^>]*?)(?<!/)>(.*?)</c>", re.S)
_REF_RE = re.compile(r'\br="([A-Z]+)([0-9]+)"')
_VALUE_RE = re.compile(r"<v>([^<]*)</v>")


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; `reason` is Vietnamese, for the clerk."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Sheet:
    name: str
    grid: Grid


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


def _nfc_cell(value: Any) -> Any:
    # The hot loop of reading: most cells are numbers, blanks or ASCII codes, which stay as they are.
    if value.__class__ is str and not value.isascii():
        return unicodedata.normalize("NFC", value)
    return value


def nfc(value: Any) -> Any:
    """Text in Unicode NFC; other values unchanged. ASCII text (most cells) is already NFC."""
    if isinstance(value, str) and not value.isascii():
        return unicodedata.normalize("NFC", value)
    return value


# --- workbooks ------------------------------------------------------------------------------------


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of a workbook as a grid from A1, error cells restored as `ExcelError`."""
    head = _head(path)
    if head.startswith(_OLE_MAGIC) and path.suffix.lower() in OPEN_XML_SUFFIXES:
        raise UnreadableFile(_ole_reason(path))
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:
        raise UnreadableFile(_calamine_reason(path, head, exc)) from None
    try:
        names = [meta.name for meta in workbook.sheets_metadata]
        errors = _error_cells(path, names) if path.suffix.lower() in OPEN_XML_SUFFIXES else {}
        sheets = []
        for name in names:
            try:
                rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except CalamineError as exc:
                raise UnreadableFile(f"không đọc được trang '{name}' ({exc})") from None
            grid = [[_nfc_cell(v) for v in row] for row in rows]
            for (r, c), code in errors.get(name, {}).items():
                if code != UNCALCULATED or _blank_at(grid, r, c):
                    _put(grid, r, c, ExcelError(code))
            sheets.append(Sheet(nfc(name), grid))
        return sheets
    finally:
        workbook.close()


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise UnreadableFile(f"không mở được tệp ({exc.strerror or exc})") from None


def _ole_reason(path: Path) -> str:
    """An .xlsx that is an OLE compound file: encrypted (password) or an old .xls renamed."""
    try:
        encrypted = b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in path.read_bytes()
    except OSError:
        encrypted = False
    if encrypted:
        return "tệp được đặt mật khẩu (mã hóa); hãy gỡ mật khẩu trong Excel rồi lưu lại"
    return "tệp thực chất là định dạng Excel cũ (.xls) bị đổi đuôi; hãy mở bằng Excel và lưu lại thành .xlsx"


def _calamine_reason(path: Path, head: bytes, exc: Exception) -> str:
    if not head:
        return "tệp rỗng (0 byte)"
    if path.suffix.lower() in OPEN_XML_SUFFIXES and not head.startswith(_ZIP_MAGIC):
        return "tệp không phải là bảng tính Excel (nội dung không đúng định dạng .xlsx)"
    if type(exc).__name__ == "PasswordError":
        return "tệp được đặt mật khẩu (mã hóa); hãy gỡ mật khẩu trong Excel rồi lưu lại"
    return f"tệp bị hỏng, không đọc được ({exc})"


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


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG}Relationship")}
    members = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        members[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return members


def _error_cells(path: Path, sheets: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """{sheet: {(row, col): "#REF!"}} for the cells calamine would read as blank but are not.

    Two kinds: cells Excel saved as errors (t="e"), and formulas saved without a computed value (files
    written by programs other than Excel), marked `UNCALCULATED`. On a workbook with neither (the usual
    case) this is a substring test per sheet: almost free.
    """
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            worksheets = [m for m in members if m.startswith("xl/worksheets/") and m.endswith(".xml")]
            texts = {m: archive.read(m) for m in worksheets}
            if not any(b't="e"' in xml or b"<f" in xml for xml in texts.values()):
                return {}  # no error cell and no formula anywhere: no need to map sheet names
            for name, member in sheet_members(archive).items():
                if name in sheets and member in members:
                    xml = (texts.get(member) or archive.read(member)).decode("utf-8", errors="replace")
                    found[name] = _special_cells(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}
    return found


def _special_cells(xml: str) -> dict[tuple[int, int], str]:
    cells: dict[tuple[int, int], str] = {}
    if 't="e"' not in xml and "<f" not in xml:
        return cells
    for attrs, body in _CELL_RE.findall(xml):
        ref = _REF_RE.search(attrs)
        if not ref:
            continue
        key = (int(ref.group(2)) - 1, column_index(ref.group(1)))
        if 't="e"' in attrs:
            value = _VALUE_RE.search(body)
            cells[key] = value.group(1) if value else "#ERROR"
        elif "<f" in body and "<v" not in body:
            cells[key] = UNCALCULATED
    return cells


# --- CSV ------------------------------------------------------------------------------------------


@dataclass
class CsvTable:
    """CSV rows with the physical line number (1-based) each row starts on."""

    rows: list[list[str]]
    lines: list[int]
    delimiter: str


def read_csv(path: Path) -> CsvTable:
    try:
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
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(f"tệp CSV sai cấu trúc ở dòng {reader.line_num} ({exc})") from None
    return CsvTable(rows, lines, delimiter)


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
