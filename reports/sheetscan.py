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
from collections.abc import Mapping
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
_PLAIN_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_BIG_PLAIN_REF = re.compile(rb'<c r="(?:[A-Z]{2}|[A-Z][0-9]{5}|[^A-Z]|[A-Z][^0-9])')
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
    worksheets = _sheet_parts(archive, names)
    if worksheets is None:
        return WorkbookScan({}, uncertain=True)
    scans = {member: scan_sheet(archive, member) for member in worksheets}
    if not any(_too_large(scan) or scan.special or scan.uncertain for scan in scans.values()):
        return WorkbookScan({})  # the usual case: nothing to refuse, restore or isolate
    try:
        members = sheet_members(archive)
    except (KeyError, ElementTree.ParseError, ValueError):
        return WorkbookScan({}, uncertain=True)  # calamine may still read it, or say it is broken
    sheets: dict[str, SheetScan] = {}
    uncertain = any(scan.uncertain for scan in scans.values())
    for name, member in members.items():
        if member in scans:
            _check_extent(name, scans[member])
            sheets[name] = scans[member]
    for member, scan in scans.items():
        if member not in members.values():
            _check_extent(member, scan)  # a sheet part no sheet names: calamine does not read it, still refused
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


_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"']+)["']""")
_NOT_SHEETS = ("styles.xml", "sharedstrings.xml", "theme/", "calcchain.xml", "connections.xml")


def _sheet_parts(archive: zipfile.ZipFile, names: Mapping[str, zipfile.ZipInfo]) -> list[str] | None:
    """The parts python-calamine may read as sheets: xl/worksheets/*.xml and any other part the
    workbook's relationships point to (a sheet can live under any name). None: no relationships."""
    parts = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    rels = names.get("xl/_rels/workbook.xml.rels")
    if rels is None or rels.file_size > 1 << 20:
        return None
    for target in _TARGET.findall(archive.read(rels)):
        text = target.decode("utf-8", "replace")
        member = text.lstrip("/") if text.startswith("/") else f"xl/{text}"
        if member in names and not member.lower().endswith(_NOT_SHEETS) and "theme/" not in member.lower():
            parts.add(member)
    return sorted(parts)


def _too_large(scan: SheetScan) -> bool:
    return scan.rows > MAX_ROWS or scan.columns > MAX_COLUMNS or scan.rows * scan.columns > MAX_CELLS


def _check_extent(name: str, scan: SheetScan) -> None:
    if _too_large(scan):
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
    if not _fast_extent(scan, data):
        _precise_extent(scan, data)
    if pending is None and not _maybe_special(data):
        return None
    return _special_cells(scan, data, pending)


def _fast_extent(scan: SheetScan, data: bytes) -> bool:
    """The extent as Excel and openpyxl write cells (`<c r="A1" ...`, no prefix); False when the chunk is
    written otherwise, or reaches past the limits (self-closing cells then need telling apart)."""
    if b":c " in data or b":c>" in data:
        return False
    if data.count(b'<c r="') != data.count(b"<c ") + data.count(b"<c>"):
        return False
    if _BIG_PLAIN_REF.search(data) is None:
        return True  # columns A to Z, rows below 10.000: within every limit, nothing to count
    refs = _PLAIN_REF.findall(data)
    if len(refs) != data.count(b"<c "):
        return False  # a reference longer than Excel's (A99999999999999999999)
    columns, rows = zip(*refs, strict=True)
    last_row = max(map(int, rows))
    widest = _column_number(max(set(columns), key=lambda s: (len(s), s)))
    if last_row > MAX_ROWS or widest > MAX_COLUMNS or last_row * widest > MAX_CELLS:
        return False
    scan.rows, scan.columns = max(scan.rows, last_row), max(scan.columns, widest)
    return True


def _precise_extent(scan: SheetScan, data: bytes) -> None:
    refs = _VALUE_CELL_REF.findall(data)
    if refs:
        columns, rows = zip(*refs, strict=True)
        scan.rows = max(scan.rows, max(map(int, rows)))
        scan.columns = max(scan.columns, _column_number(max(set(columns), key=lambda s: (len(s), s.upper()))))
    if len(_OPEN_CELL.findall(data)) > len(refs):
        scan.uncertain = True  # a cell without a reference (calamine places it by counting)


def _maybe_special(data: bytes) -> bool:
    """A cheap substring test before the regular expressions: most sheets have neither."""
    quoted_e = b'"e"' in data or b"'e'" in data
    formula = b"<f" in data or b":f" in data
    return (quoted_e and _ERROR_TYPE.search(data) is not None) or (formula and _FORMULA.search(data) is not None)


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
