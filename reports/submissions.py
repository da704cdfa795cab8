"""Readers for the two submission shapes of contract section 4, into one long table with provenance.

(a) A unit workbook: sheet `SoLieu` (header row = the first row with a cell `ma_chi_tieu`, the same row
    has `gia_tri`; one indicator per row below) and sheet `ThongTin` (header `truong` / `gia_tri`, at
    least the row `ma_don_vi`).
(b) A combined table: a .csv, or a workbook with no `SoLieu` sheet (first sheet), whose header row has
    `ma_don_vi` and one column per indicator code; one row per unit.

Every value keeps where it came from (file, sheet, cell; or CSV line and column), so any problem found
later names the exact place. Nothing is interpreted here beyond finding the tables: values stay raw
(validation parses them), unknown codes are kept (and reported), rows with a value but no code are
reported. A file that cannot be read becomes an error naming the file; reading goes on with the others.
Title rows above a header, tables that start in column B, group-heading rows and signature footers
below a table are all normal in real files and are read without complaint.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from reports import indicators as ind
from reports.problems import Place, Problem, error, warning
from reports.read_cache import ReadCache
from reports.tables import (
    CSV_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    WORKBOOK_SUFFIXES,
    CsvTable,
    Grid,
    Sheet,
    UnreadableFile,
    cell_name,
    read_csv,
    read_workbook,
)
from reports.units import CODE_RE
from reports.values import clean_code, clean_xml_text, is_blank, parse_count, show, visible

SUBMISSIONS_DIR = "nop"
SOLIEU = "SoLieu"
THONGTIN = "ThongTin"
SHAPE_WORKBOOK = "biểu đơn vị"
SHAPE_COMBINED = "bảng tổng hợp"
# Columns of a combined table that describe the unit rather than give an indicator.
INFO_COLUMNS = ("ten_don_vi", "stt", "loai", "nhom", "nguoi_lap", "ngay_lap", "so_dien_thoai", "ghi_chu")
LONG_COLUMNS = ["nop", "ma_don_vi", "ma_chi_tieu", "gia_tri", "tep", "trang", "o"]


@dataclass(frozen=True)
class Value:
    """One indicator value as found: its code (lower case, NFC), the raw cell value, its place."""

    code: str
    raw: Any
    place: Place


@dataclass
class Submission:
    """What one unit sent: a unit workbook, or one row of a combined table."""

    id: int
    unit: str  # ma_don_vi as written (NFC, trimmed)
    file: str  # path relative to the data folder, e.g. "nop/STC.xlsx"
    shape: str
    unit_place: Place  # where ma_don_vi was read
    table_place: Place  # the indicator table as a whole (where an absent indicator is missing from)
    values: list[Value] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return self.unit_place.describe()


@dataclass
class ReadResult:
    submissions: list[Submission]
    problems: list[Problem]
    files: list[Path]  # every file found under nop/, read or not (for the manifest)

    def long_table(self) -> pd.DataFrame:
        """One row per value: nop (submission id), ma_don_vi, ma_chi_tieu, gia_tri (raw), tep, trang, o."""
        rows = [
            (s.id, s.unit, v.code, v.raw, v.place.file, v.place.sheet, v.place.cell)
            for s in self.submissions
            for v in s.values
        ]
        return pd.DataFrame.from_records(rows, columns=LONG_COLUMNS)


def read_submissions(folder: Path, cache: ReadCache | None = None) -> ReadResult:
    """Read every spreadsheet under `<folder>/nop/` (sub-folders included, in name order).

    With `cache`, a file read before with the same bytes (and the same tool) is taken from it.
    """
    root = folder / SUBMISSIONS_DIR
    reader = _Reader(folder, cache)
    found = list_submissions(root) if root.is_dir() else Listing([], [])
    for path, reason in found.refused:
        reader.problems.append(error("tep_khong_doc_duoc", reason, place=Place(reader.rel(path))))
    files = sorted(found.files)
    for path in files:
        reader.read_file(path)
    if cache is not None:
        cache.prune()
    return ReadResult(reader.submissions, reader.problems, files)


# Files Windows puts in any folder by itself (thumbnail cache, folder settings): never a submission.
CLEANED_SHOWN = 10  # cells named one by one in the warnings about removed characters
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})


@dataclass
class Listing:
    files: list[Path]
    refused: list[tuple[Path, str]]  # what is under nop/ but cannot be read, with the Vietnamese reason


def submission_files(root: Path) -> Iterator[Path]:
    """Files under nop/ that are read (see `list_submissions`)."""
    yield from list_submissions(root).files


def list_submissions(root: Path) -> Listing:
    """Files under nop/, without hidden files and folders, Office lock files ("~$Book.xlsx") and the
    files Windows adds by itself (Thumbs.db, desktop.ini). A folder that cannot be opened, a link that
    leads out of the data folder, and anything that is not a plain file (a FIFO, a device) are refused
    with a reason, never skipped in silence: each may hide a unit's submission."""
    listing = Listing([], [])
    base = root.parent.resolve()

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        listing.refused.append(
            (where, f"Không mở được thư mục ({exc.strerror or exc}); các tệp trong đó chưa được đọc.")
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in list(dirnames):
            if (here / d).is_symlink():
                dirnames.remove(d)
                filenames.append(d)  # a link to a folder: checked below like any other link
        for name in sorted(filenames):
            if name.startswith((".", "~$")) or name.lower() in SYSTEM_FILES:
                continue
            path = here / name
            reason = _refusal(path, base)
            if reason:
                listing.refused.append((path, reason))
            else:
                listing.files.append(path)
    return listing


def _refusal(path: Path, base: Path) -> str:
    """Why `path` is not read, or "" when it is a plain file inside the data folder."""
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(base):
                return (
                    "Tệp là đường dẫn tắt (liên kết) trỏ ra ngoài thư mục dữ liệu nên không được đọc; hãy chép "
                    "tệp thật vào nop/."
                )
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as exc:
        return f"Không mở được tệp ({getattr(exc, 'strerror', None) or exc})."
    if stat.S_ISDIR(mode):
        return "Liên kết tới một thư mục nên không được đọc; hãy chép các tệp thật vào nop/."
    if not stat.S_ISREG(mode):
        return "Không phải là một tệp thông thường (ống dẫn, thiết bị ...) nên không được đọc."
    return ""


class _Reader:
    def __init__(self, folder: Path, cache: ReadCache | None = None) -> None:
        self.folder = folder
        self.cache = cache
        self.submissions: list[Submission] = []
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        """The path for messages; a name that is not UTF-8 is shown with \ufffd, never a crash."""
        try:
            name = path.relative_to(self.folder).as_posix()
        except ValueError:
            name = str(path)
        return visible(clean_xml_text(name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")))

    def read_file(self, path: Path) -> None:
        name = self.rel(path)
        key = self._cache_key(name, path)
        if key is not None and self.cache is not None:
            stored = self.cache.load(key)
            if stored is not None:
                for submission in stored[0]:
                    submission.id = len(self.submissions)
                    self.submissions.append(submission)
                self.problems.extend(stored[1])
                return
        first_submission, first_problem = len(self.submissions), len(self.problems)
        self._read_file(path, name)
        if key is not None and self.cache is not None:
            self.cache.save(key, self.submissions[first_submission:], self.problems[first_problem:])

    def _cache_key(self, name: str, path: Path) -> str | None:
        if self.cache is None or path.suffix.lower() not in SPREADSHEET_SUFFIXES:
            return None
        try:
            return self.cache.key(name, path.read_bytes())
        except OSError:
            return None

    def _read_file(self, path: Path, name: str) -> None:
        suffix = path.suffix.lower()
        if suffix not in SPREADSHEET_SUFFIXES:
            self.problems.append(
                error(
                    "tep_khong_doc_duoc",
                    "Tệp không phải bảng tính (.xlsx hoặc .csv) nên không đọc được; nếu không phải "
                    "số liệu nộp, hãy chuyển tệp ra khỏi thư mục nop/.",
                    place=Place(name),
                )
            )
            return
        try:
            if suffix in CSV_SUFFIXES:
                table = read_csv(path)
                labels = [f"dòng {n}" for n in table.lines]
                self._cleaned(name, "", [f"{labels[r]}, cột {c + 1}" for r, c in table.cleaned])
                self._spans(name, table)
                self._combined(name, "", table.rows, labels)
            elif suffix in WORKBOOK_SUFFIXES:
                sheets = read_workbook(path)
                for sheet in sheets:
                    self._cleaned(name, sheet.name, [cell_name(r, c) for r, c in sheet.cleaned])
                self._workbook(name, sheets)
        except UnreadableFile as exc:
            self.problems.append(error("tep_khong_doc_duoc", f"Không đọc được tệp: {exc.reason}.", place=Place(name)))

    def _cleaned(self, name: str, sheet: str, cells: list[str]) -> None:
        """Characters Word pastes (line and page breaks, NUL ...) were removed: say where."""
        for cell in cells[:CLEANED_SHOWN]:
            self.problems.append(
                warning(
                    "ky_tu_dieu_khien",
                    "Ô có ký tự điều khiển không hiển thị được (thường do dán từ Word: ngắt dòng, ngắt trang, "
                    "ký tự rỗng); các ký tự này đã được bỏ đi khi đọc. Kiểm tra lại nội dung ô.",
                    place=Place(name, sheet, cell),
                )
            )
        if len(cells) > CLEANED_SHOWN:
            self.problems.append(
                warning(
                    "ky_tu_dieu_khien",
                    f"Còn {len(cells) - CLEANED_SHOWN} ô khác cũng có ký tự điều khiển đã được bỏ đi.",
                    place=Place(name, sheet),
                )
            )

    def _spans(self, name: str, table: CsvTable) -> None:
        """A stray quote swallowing rows (or a figure with a line break): an error naming the line."""
        found = find_header(table.rows, "ma_don_vi")
        header = [] if isinstance(found, str) else [clean_code(v).lower() for v in table.rows[found[0]]]
        for index, last in table.spans.items():
            if swallowed_rows(table.rows[index], header, table.delimiter):
                first = table.lines[index]
                self.problems.append(
                    error(
                        "csv_dong_bi_gop",
                        f'Từ dòng {first} đến dòng {last} bị đọc thành một dòng vì có dấu ngoặc kép (") mở mà '
                        "không đóng đúng chỗ; số liệu các dòng trong khoảng đó bị mất. Hãy sửa hoặc bỏ dấu ngoặc "
                        "kép thừa.",
                        place=Place(name, "", f"dòng {first}"),
                    )
                )

    # --- (a) unit workbooks --------------------------------------------------------------------

    def _workbook(self, name: str, sheets: list[Sheet]) -> None:
        by_name = {s.name.strip().casefold(): s for s in sheets}
        solieu = by_name.get(SOLIEU.casefold())
        if solieu is None:
            if not sheets:
                raise UnreadableFile("bảng tính không có trang nào")
            tables = [s for s in sheets if not isinstance(find_header(s.grid, "ma_don_vi"), str)]
            for sheet in tables or sheets[:1]:  # every sheet with a ma_don_vi header (extends contract 4b)
                self._combined(name, sheet.name, sheet.grid, None)
            return
        thongtin = by_name.get(THONGTIN.casefold())
        if thongtin is None:
            self.problems.append(
                error(
                    "thieu_trang",
                    f"Bảng tính có trang {SOLIEU} nhưng thiếu trang {THONGTIN} (trang ghi ma_don_vi của "
                    "đơn vị), nên không biết số liệu của đơn vị nào.",
                    place=Place(name),
                )
            )
            return
        info, unit_place = self._thongtin(name, thongtin)
        if info is None:
            return
        unit = info.get("ma_don_vi", "")
        if not unit:
            self.problems.append(
                error(
                    "thieu_ma_don_vi",
                    f"Trang {THONGTIN} không có dòng ma_don_vi hoặc để trống mã đơn vị.",
                    place=unit_place,
                )
            )
            return
        values = self._solieu(name, solieu, unit)
        if values is None:
            return
        self._add(unit, name, SHAPE_WORKBOOK, unit_place, Place(name, solieu.name), values, info)

    def _thongtin(self, name: str, sheet: Sheet) -> tuple[dict[str, str] | None, Place]:
        found = find_header(sheet.grid, "truong", "gia_tri")
        if isinstance(found, str):
            self.problems.append(_header_problem(name, sheet.name, found))
            return None, Place(name, sheet.name)
        row, cols = found
        key_col, value_col = cols["truong"], cols["gia_tri"]
        info: dict[str, str] = {}
        unit_place = Place(name, sheet.name)
        for r in range(row + 1, len(sheet.grid)):
            key = clean_code(_at(sheet.grid, r, key_col)).lower()
            if not key or key in info:
                continue
            raw = _at(sheet.grid, r, value_col)
            info[key] = clean_code(raw) if key == "ma_don_vi" else show(raw)
            if key == "ma_don_vi":
                unit_place = Place(name, sheet.name, cell_name(r, value_col))
        return info, unit_place

    def _solieu(self, name: str, sheet: Sheet, unit: str) -> list[Value] | None:
        found = find_header(sheet.grid, "ma_chi_tieu", "gia_tri")
        if isinstance(found, str):
            self.problems.append(_header_problem(name, sheet.name, found))
            return None
        row, cols = found
        code_col, value_col = cols["ma_chi_tieu"], cols["gia_tri"]
        values = []
        for r in range(row + 1, len(sheet.grid)):
            code = clean_code(_at(sheet.grid, r, code_col)).lower()
            raw = _value(_at(sheet.grid, r, value_col))
            place = Place(name, sheet.name, cell_name(r, value_col))
            if code:
                values.append(Value(code, raw, place))
            elif raw is not None and not (isinstance(raw, str) and parse_count(raw).value is None):
                # a figure with no code is lost; text with no code is a signature ("T/M ĐẢNG ỦY") or a note
                self.problems.append(
                    warning(
                        "gia_tri_khong_ma",
                        f"Dòng {r + 1} có giá trị nhưng không ghi mã chỉ tiêu (cột ma_chi_tieu) nên giá trị "
                        "này không được tổng hợp; hãy ghi mã chỉ tiêu hoặc xóa giá trị.",
                        unit=unit,
                        place=place,
                        value=show(raw),
                    )
                )
        return values

    # --- (b) combined tables -------------------------------------------------------------------

    def _combined(self, name: str, sheet: str, grid: Grid, row_names: Sequence[str] | None) -> None:
        """A wide table; `row_names` gives CSV line labels (None for a worksheet: cells are named)."""
        found = find_header(grid, "ma_don_vi")
        if isinstance(found, str):
            what = f"trang đầu '{sheet}'" if sheet else "tệp"
            self.problems.append(
                error(
                    "khong_nhan_ra_cau_truc",
                    f"Không nhận ra cấu trúc: bảng tính không có trang {SOLIEU} (biểu của một đơn vị), và "
                    f"{what} không có dòng tiêu đề chứa cột ma_don_vi (bảng tổng hợp nhiều đơn vị).",
                    place=Place(name, sheet),
                )
            )
            return
        header_row, _ = found
        header = [clean_code(v).lower() for v in grid[header_row]]
        unit_col = header.index("ma_don_vi")
        self._unnamed_columns(name, sheet, grid, header, header_row, row_names)
        for r in range(header_row + 1, len(grid)):
            line = grid[r]
            if all(is_blank(_value(v)) for v in line):
                continue

            def place(col: int, r: int = r) -> Place:
                if row_names is None:
                    return Place(name, sheet, cell_name(r, col))
                label = header[col] if col < len(header) and header[col] else col + 1
                return Place(name, "", f"{row_names[r]}, cột {label}")

            unit = clean_code(_at(grid, r, unit_col))
            if _label_row(unit, [v for c, v in enumerate(line) if c != unit_col]):
                continue
            if not unit:
                self.problems.append(
                    error(
                        "thieu_ma_don_vi",
                        "Dòng có số liệu nhưng để trống mã đơn vị (cột ma_don_vi), nên không biết số liệu "
                        "của đơn vị nào.",
                        place=place(unit_col),
                    )
                )
                continue
            if row_names is not None and len(line) > len(header) and any(not is_blank(v) for v in line[len(header) :]):
                self.problems.append(
                    error(
                        "csv_thua_o",
                        f"{row_names[r].capitalize()} có {len(line)} ô, nhiều hơn {len(header)} cột của dòng tiêu đề "
                        "(thường do dấu phân cách thừa hoặc số có dấu phẩy không đặt trong ngoặc kép); số liệu của "
                        "dòng này có thể bị lệch cột.",
                        unit=unit,
                        place=place(len(header)),
                    )
                )
            values, info = [], {}
            for col, code in enumerate(header):
                if col == unit_col or not code:
                    continue
                raw = _value(_at(grid, r, col))
                if code in INFO_COLUMNS:
                    if raw is not None:
                        info[code] = show(raw)
                    continue
                values.append(Value(code, raw, place(col)))
            row_label = f"dòng {r + 1}" if row_names is None else row_names[r]
            table_place = Place(name, sheet, row_label)
            self._add(unit, name, SHAPE_COMBINED, place(unit_col), table_place, values, info)

    def _unnamed_columns(
        self, name: str, sheet: str, grid: Grid, header: list[str], header_row: int, row_names: Sequence[str] | None
    ) -> None:
        """Values under a column with no header cannot be attributed to an indicator: say so."""
        width = max((len(row) for row in grid[header_row:]), default=0)
        for col in range(width):
            if col < len(header) and header[col]:
                continue
            filled = [r for r in range(header_row + 1, len(grid)) if _value(_at(grid, r, col)) is not None]
            if filled:
                first = filled[0]
                where = (
                    Place(name, sheet, cell_name(first, col))
                    if row_names is None
                    else Place(name, "", f"{row_names[first]}, cột {col + 1}")
                )
                self.problems.append(
                    warning(
                        "cot_khong_tieu_de",
                        f"Cột {col + 1} không có tiêu đề (mã chỉ tiêu) nhưng có {len(filled)} giá trị; các giá "
                        "trị này không được tổng hợp.",
                        place=where,
                        value=show(_at(grid, first, col)),
                    )
                )

    def _add(
        self,
        unit: str,
        file: str,
        shape: str,
        unit_place: Place,
        table_place: Place,
        values: list[Value],
        info: dict[str, str],
    ) -> None:
        self.submissions.append(
            Submission(len(self.submissions), unit, file, shape, unit_place, table_place, values, info)
        )


def find_header(grid: Grid, key: str, *others: str) -> tuple[int, dict[str, int]] | str:
    """(row, {name: column}) of the first row holding a cell `key`; or a Vietnamese reason why not.

    Header cells are compared trimmed and case-insensitively. The other names must be in the same row.
    """
    for r, row in enumerate(grid):
        cells: dict[str, int] = {}
        for c, value in enumerate(row):
            if isinstance(value, str):
                cells.setdefault(value.strip().lower(), c)
        if key in cells:
            missing = [n for n in others if n not in cells]
            if missing:
                return f"dòng tiêu đề (dòng {r + 1}) có ô {key} nhưng thiếu ô {', '.join(missing)}"
            return r, cells
    return f"không có dòng tiêu đề chứa ô {key}"


def swallowed_rows(row: Sequence[str], header: Sequence[str], delimiter: str) -> bool:
    """A record over several lines that is not a narrative with line breaks: a cell holding a line break
    is in a column that takes a code or a figure, or a line inside a cell looks like a row of the table."""
    text_columns = {*INFO_COLUMNS, *ind.TEXT_CODES}
    row_like = max(1, (len(header) - 1) // 2)
    for col, cell in enumerate(row):
        if "\n" not in cell and "\r" not in cell:
            continue
        if col >= len(header) or header[col] not in text_columns:
            return True
        if any(line.count(delimiter) >= row_like for line in cell.splitlines()[1:]):
            return True
    return False


def _label_row(unit: str, others: Sequence[Any]) -> bool:
    """A group heading ("KHỐI NHÀ NƯỚC") or a signature line below the table: text only, not a unit's row.

    It has no cell that reads as a count, and no unit code in the ma_don_vi column (blank, or text that
    cannot be a code). A row with any figure is a unit's row, and is reported when its code is wrong.
    """
    if unit and CODE_RE.match(unit):
        return False
    return all(parse_count(v).value is None for v in others)


def _header_problem(file: str, sheet: str, reason: str) -> Problem:
    return error("khong_tim_thay_tieu_de", f"Trang {sheet}: {reason}.", place=Place(file, sheet))


def _at(grid: Grid, row: int, col: int) -> Any:
    line = grid[row] if row < len(grid) else []
    return line[col] if col < len(line) else None


def _value(raw: Any) -> Any:
    """A cell value with blanks (None, "", spaces only) as None."""
    return None if is_blank(raw) else raw
