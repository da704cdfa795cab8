"""A cheap look inside an Open XML workbook (.xlsx, .xlsm) before it is parsed, in one streamed pass.

Why: python-calamine builds each sheet as a dense grid from A1 to the last cell holding a value, and
aborts the whole process (SIGABRT, nothing to catch) when that grid cannot be allocated: one value in
XFD1048576 of a 1,5 KB file is enough. A sharedStrings part claiming billions of strings, or a zip
member that inflates to gigabytes, does the same or worse. So each workbook is measured first:

- the zip directory: how large each member says it is once inflated, and the compression ratio;
- the sharedStrings count, from the start tag of that part;
- for each worksheet, the extent calamine will allocate (the largest row and column of a cell holding
  something; self-closing cells such as `<c r="XFD1" s="2"/>` are formatting only and calamine skips
  them), and the cells calamine reads as blank although they are not: Excel error values (`t="e"`)
  and formulas saved without a result.

The sheet XML is read in chunks and never held whole; every scan is a regular-expression pass over a
chunk plus work per special cell, so the time is linear in the size of the sheet whatever its shape
(unclosed tags, any namespace prefix such as `x:c`, single or double quotes). A measure that cannot
be made with confidence (cells without a reference, a part the scan does not understand) is reported
as `uncertain`: the caller then reads the file in a worker process, where an abort costs only it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from reports.values import UNCALCULATED

# What no unit's form and no office's combined table can be (a 10.000-unit table is 10.001 rows).
MAX_ROWS = 200_000
MAX_COLUMNS = 2_000
MAX_CELLS = 3_000_000  # rows x columns of one sheet's extent: calamine allocates each one
MAX_MEMBER_BYTES = 100 << 20  # one part of the zip, once inflated
MAX_TOTAL_BYTES = 400 << 20  # all parts together
MAX_RATIO = 300  # inflated / compressed, for members larger than RATIO_FLOOR once inflated
RATIO_FLOOR = 4 << 20
MAX_MEMBERS = 10_000
MAX_SHARED_STRINGS = 2_000_000
CHUNK = 1 << 20

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# A cell start tag holding something (not self-closing): its attributes.
_CELL = re.compile(rb"<" + _PREFIX + rb"c(?=[\s>])([^>]*?)(/?)>")
_REF = re.compile(rb"""\br\s*=\s*["']\s*([A-Za-z]{1,10})([0-9]{1,15})\s*["']""")
# The same, for a cell start tag holding something: the extent calamine allocates.
_VALUE_CELL_REF = re.compile(
    rb"<" + _PREFIX + rb"""c\s[^>]*?\br\s*=\s*["']\s*([A-Za-z]{1,10})([0-9]{1,15})\s*["'][^>]*(?<!/)>"""
)
_OPEN_CELL = re.compile(rb"<" + _PREFIX + rb"c(?=[\s>])[^>]*(?<!/)>")
_ERROR_TYPE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_FORMULA = re.compile(rb"<" + _PREFIX + rb"f(?=[\s>/])")
_VALUE = re.compile(rb"<" + _PREFIX + rb"v(?=[\s>/])[^>]*?(/?)>([^<]*)")
_COUNT = re.compile(rb"""\b(?:count|uniqueCount)\s*=\s*["']\s*([0-9]{1,20})""")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


# A cell whose body is still being read: row, column (0-based), is an error, a formula was seen.
Cell = tuple[int, int, bool, bool]


class TooLarge(Exception):
    """The workbook is beyond what any submission can be; `reason` is Vietnamese, for the clerk."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class SheetScan:
    rows: int = 0  # extent: the largest row / column (1-based) of a cell holding something
    columns: int = 0
    special: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based -> error code
    uncertain: bool = False  # a cell without a reference: calamine places it, the scan cannot


@dataclass
class WorkbookScan:
    sheets: dict[str, SheetScan]  # by sheet name (as in workbook.xml)
    uncertain: bool = False

    def errors(self) -> dict[str, dict[tuple[int, int], str]]:
        return {name: scan.special for name, scan in self.sheets.items() if scan.special}


def scan_workbook(archive: zipfile.ZipFile) -> WorkbookScan:
    """Measure the workbook; raise `TooLarge` for what no submission can be."""
    infos = archive.infolist()
    _check_sizes(infos)
    names = {info.filename: info for info in infos}
    for info in infos:
        if info.filename.lower().endswith("sharedstrings.xml"):
            _check_shared_strings(archive, info)
    try:
        members = sheet_members(archive)
    except (KeyError, ElementTree.ParseError, ValueError):
        return WorkbookScan({}, uncertain=True)  # calamine may still read it, or say it is broken
    sheets: dict[str, SheetScan] = {}
    uncertain = False
    for name, member in members.items():
        if member not in names:
            continue
        scan = scan_sheet(archive, member)
        _check_extent(name, scan)
        sheets[name] = scan
        uncertain = uncertain or scan.uncertain
    return WorkbookScan(sheets, uncertain)


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(f"tệp nén chứa {len(infos)} phần, quá nhiều đối với một bảng tính")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise TooLarge(
                f"phần '{info.filename}' khi giải nén lớn {info.file_size >> 20} MB, vượt giới hạn "
                f"{MAX_MEMBER_BYTES >> 20} MB của một biểu số liệu"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise TooLarge(f"phần '{info.filename}' nén bất thường ({ratio:.0f} lần), có thể là tệp phá hoại")
    if total > MAX_TOTAL_BYTES:
        raise TooLarge(f"tệp khi giải nén lớn {total >> 20} MB, vượt giới hạn {MAX_TOTAL_BYTES >> 20} MB")


def _check_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with archive.open(info) as fh:
        head = fh.read(4096)
    end = head.find(b">", head.find(b"sst"))
    for match in _COUNT.finditer(head[: end if end > 0 else None]):
        count = int(match.group(1))
        if count > MAX_SHARED_STRINGS:
            raise TooLarge(
                f"bảng chuỗi dùng chung (sharedStrings) khai báo {count} chuỗi, vượt giới hạn {MAX_SHARED_STRINGS}"
            )


def _check_extent(name: str, scan: SheetScan) -> None:
    if scan.rows > MAX_ROWS or scan.columns > MAX_COLUMNS or scan.rows * scan.columns > MAX_CELLS:
        last = f"{_letters(scan.columns)}{scan.rows}"
        raise TooLarge(
            f"trang '{name}' có giá trị ở tận ô {last} ({scan.rows} dòng × {scan.columns} cột), vượt quá cỡ "
            f"của một biểu số liệu (tối đa {MAX_ROWS} dòng, {MAX_COLUMNS} cột); hãy xóa các ô thừa ở cuối trang"
        )


def _letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def _column_number(letters: bytes) -> int:
    value = 0
    for ch in letters.upper():
        value = value * 26 + ch - 64
    return value


def scan_sheet(archive: zipfile.ZipFile, member: str) -> SheetScan:
    """Stream one worksheet: its extent and its special cells. Linear in the size of the XML."""
    scan = SheetScan()
    carry = b""
    pending: Cell | None = None  # the last cell of a chunk, its body not seen whole
    with archive.open(member) as fh:
        while True:
            chunk = fh.read(CHUNK)
            data = carry + chunk
            if not chunk:
                if pending is not None:
                    _close_cell(scan, pending, data)
                break
            cut = data.rfind(b"<")
            if cut <= 0 or len(data) - cut > CHUNK:
                cut = len(data)
            body, carry = data[:cut], data[cut:]
            pending = _scan_chunk(scan, body, pending)
    return scan


def _scan_chunk(scan: SheetScan, data: bytes, pending: Cell | None) -> Cell | None:
    """Extent from every cell start tag; special cells only where the chunk has an error or a formula."""
    refs = _VALUE_CELL_REF.findall(data)
    if refs:
        scan.rows = max(scan.rows, max(int(row) for _, row in refs))
        widest = max({letters for letters, _ in refs}, key=lambda s: (len(s), s.upper()))
        scan.columns = max(scan.columns, _column_number(widest))
    if len(_OPEN_CELL.findall(data)) > len(refs):
        scan.uncertain = True  # a cell without a reference (calamine places it by counting)
    if pending is None and not _ERROR_TYPE.search(data) and not _FORMULA.search(data):
        return None
    return _special_cells(scan, data, pending)


def _special_cells(scan: SheetScan, data: bytes, pending: Cell | None) -> Cell | None:
    """Each cell's body is the text up to the next cell start: one pass, whatever is left unclosed."""
    starts = list(_CELL.finditer(data))
    if pending is not None:
        _close_cell(scan, pending, data[: starts[0].start() if starts else len(data)])
        pending = None
    for i, match in enumerate(starts):
        attrs, closed = match.group(1), match.group(2)
        ref = _REF.search(attrs)
        if closed or not ref:
            continue
        key = (int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1)
        cell = (key[0], key[1], bool(_ERROR_TYPE.search(attrs)), False)
        if i + 1 == len(starts):
            return _close_cell(scan, cell, data[match.end() :], last=True)
        _close_cell(scan, cell, data[match.end() : starts[i + 1].start()])
    return None


def _close_cell(scan: SheetScan, cell: Cell, body: bytes, *, last: bool = False) -> Cell | None:
    row, col, is_error, formula = cell
    value = _VALUE.search(body)
    formula = formula or bool(_FORMULA.search(body))
    if is_error:
        if value is None and last:
            return cell  # its <v> may be in the next chunk
        code = value.group(2).decode("utf-8", "replace").strip() if value and not value.group(1) else ""
        scan.special[(row, col)] = code or "#ERROR"
    elif value is None and formula:
        if last:
            return (row, col, False, True)
        scan.special[(row, col)] = UNCALCULATED
    return None


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(_small(archive, "xl/workbook.xml"))
    rels = ElementTree.fromstring(_small(archive, "xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG}Relationship")}
    members = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        members[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return members


def _small(archive: zipfile.ZipFile, member: str) -> bytes:
    """A part that is small in any real workbook (sizes were checked against the limits already)."""
    if archive.getinfo(member).file_size > 16 << 20:
        raise ValueError(member)
    return archive.read(member)
