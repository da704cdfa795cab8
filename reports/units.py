"""don-vi.csv: the units expected to submit (contract section 3).

The list is the office's own file, so a problem in it is a broken data folder (exit 2), reported in
full (every bad line at once), never a traceback. Names are kept exactly as written, NFC-normalised.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from reports.errors import DataFolderError
from reports.indicators import LEVEL_LABELS, LEVELS, UNIT_TYPES
from reports.tables import UnreadableFile, read_csv
from reports.values import visible

UNITS_FILE = "don-vi.csv"
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
REQUIRED_COLUMNS = ("ma_don_vi", "ten_don_vi", "loai")
OPTIONAL_COLUMNS = ("nhom", "xep_loai")

# Accepted spellings of `xep_loai` (the level the superior committee decided for the unit itself,
# contract section 10): the codes, and the Vietnamese names; blank is "not yet rated".
_XEP_LOAI = {
    **{level: level for level in LEVELS},
    **{unicodedata.normalize("NFC", name).casefold(): level for level, name in LEVEL_LABELS.items()},
}

# Accepted spellings of `loai`: the contract's codes, and the Vietnamese names a clerk may type.
_LOAI = {
    **{code: code for code in UNIT_TYPES},
    **{unicodedata.normalize("NFC", name).casefold(): code for code, name in UNIT_TYPES.items()},
}


def load_units(folder: Path) -> pd.DataFrame:
    """The expected units, in file order: index `ma_don_vi`; columns ten_don_vi, loai, nhom, xep_loai
    ("" when blank or when the file has no such column), dong."""
    path = folder / UNITS_FILE
    if not path.is_file():
        raise DataFolderError(f"Không tìm thấy danh sách đơn vị {path} (tệp {UNITS_FILE}).")
    try:
        table = read_csv(path)
    except UnreadableFile as exc:
        raise DataFolderError(f"{path}: {exc.reason}.") from None
    header = [h.strip().lower() for h in table.rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DataFolderError(
            f"{path}: thiếu cột {', '.join(missing)} ở dòng tiêu đề (cần các cột: "
            f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)})."
        )
    records, problems = _records(table.rows[1:], table.lines[1:], header)
    for index, last in table.spans.items():
        if any("\n" in cell or "\r" in cell for cell in table.rows[index]):
            problems.append(
                f'dòng {table.lines[index]} đến dòng {last} bị đọc thành một dòng (dấu ngoặc kép (") mở mà không '
                "đóng, hoặc ô có xuống dòng); hãy sửa dấu ngoặc kép"
            )
    if not records and not problems:
        problems.append("danh sách không có đơn vị nào")
    if problems:
        detail = "\n".join(f"  - {p}" for p in problems)
        raise DataFolderError(f"Danh sách đơn vị {path} có lỗi:\n{detail}")
    frame = pd.DataFrame.from_records(records, columns=["ma_don_vi", "ten_don_vi", "loai", "nhom", "xep_loai", "dong"])
    frame = frame.set_index("ma_don_vi")
    # Cells whose control characters (pasted from Word) were removed: intake warns about each.
    frame.attrs["cleaned"] = [f"dòng {table.lines[r]}, cột {c + 1}" for r, c in table.cleaned]
    return frame


def _records(rows: list[list[str]], lines: list[int], header: list[str]) -> tuple[list[tuple], list[str]]:
    col = {name: header.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if name in header}
    seen: dict[str, int] = {}
    records: list[tuple] = []
    problems: list[str] = []
    for row, line in zip(rows, lines, strict=True):
        if not any(cell.strip() for cell in row):
            continue

        def get(name: str, row: list[str] = row) -> str:
            index = col.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        code, name, loai = get("ma_don_vi"), get("ten_don_vi"), get("loai")
        where = f"dòng {line}"
        if not CODE_RE.match(code):
            problems.append(
                f"{where}: mã đơn vị '{visible(code)}' không hợp lệ (1–20 ký tự gồm chữ không dấu, số, '_' hoặc '-')"
            )
        elif code in seen:
            problems.append(f"{where}: mã đơn vị '{code}' trùng với dòng {seen[code]}")
        else:
            seen[code] = line
        if not name:
            problems.append(f"{where}: thiếu tên đơn vị (cột ten_don_vi)")
        kind = _LOAI.get(loai.casefold())
        if kind is None:
            problems.append(f"{where}: loại '{loai}' không hợp lệ (ghi dang_bo_co_so hoặc chi_bo_co_so)")
        rating = get("xep_loai")
        level = _XEP_LOAI.get(unicodedata.normalize("NFC", rating).casefold()) if rating else ""
        if level is None:
            problems.append(
                f"{where}: xếp loại '{rating}' không hợp lệ (ghi htxs, htt, ht, kht, hoặc để trống nếu chưa xếp loại)"
            )
        records.append((code, name, kind, get("nhom"), level or "", line))
    return records, problems
