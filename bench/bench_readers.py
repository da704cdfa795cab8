"""Which library should read the submitted workbooks? Time three readers on 600 realistic workbooks.

Each reader turns the SoLieu and ThongTin sheets of every workbook into (code, value, cell) rows,
the shape the submission reader needs for problem reports. The bench also checks that every reader
gives the same rows (cell coordinates included), and probes how each one reports formula cells
(cached values) and Excel error cells such as #REF!, on a tiny workbook whose XML is written by hand
because openpyxl cannot write cached formula results.

    .venv/bin/python bench/bench_readers.py [--units 600] [--repeats 5]

fastexcel hands data to Python only through pyarrow (or polars); when neither is importable it is
skipped. To include it without touching the project environment:
    .venv/bin/pip install --target bench/_work/pyarrow-site pyarrow
    PYTHONPATH=bench/_work/pyarrow-site .venv/bin/python bench/bench_readers.py
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "_work"
sys.path.insert(0, str(BENCH))

import genfolder  # noqa: E402
import openpyxl  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from reports.tables import sheet_members  # noqa: E402

Row = tuple[str, Any, str]  # (code, value, cell such as "E12")
Grid = list[list[Any]]  # a sheet from A1, 0-based
SHEETS = (("SoLieu", "ma_chi_tieu"), ("ThongTin", "truong"))


# --------------------------------------------------------------------------------------------
# The common step: a grid anchored at A1 -> (code, value, cell) rows
# --------------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or value == ""


def extract(grid: Grid, key: str, value: str = "gia_tri") -> list[Row]:
    """Rows below the first row holding `key`; the cell named is the value's own cell."""
    header = next((r for r, row in enumerate(grid) if key in row), None)
    if header is None:
        return []
    key_col, value_col = grid[header].index(key), grid[header].index(value)
    rows: list[Row] = []
    for i in range(header + 1, len(grid)):
        line = grid[i]
        code = line[key_col] if key_col < len(line) else None
        if _blank(code):
            continue
        cell_value = line[value_col] if value_col < len(line) else None
        rows.append(
            (
                str(code),
                None if _blank(cell_value) else cell_value,
                f"{get_column_letter(value_col + 1)}{i + 1}",
            )
        )
    return rows


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


def read_openpyxl(path: Path) -> list[Row]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows: list[Row] = []
        for sheet, key in SHEETS:
            grid = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
            rows += extract(grid, key)
        return rows
    finally:
        wb.close()


def read_calamine(path: Path) -> list[Row]:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        rows: list[Row] = []
        for sheet, key in SHEETS:
            grid = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            rows += extract(grid, key)
        return rows
    finally:
        wb.close()


_ERROR_CELL_RE = re.compile(r"<c\b([^>]*?\bt=\"e\"[^>]*)>(.*?)</c>", re.S)
_REF_RE = re.compile(r'\br="([A-Z]+[0-9]+)"')
_VALUE_RE = re.compile(r"<v>([^<]*)</v>")


def error_cells(path: Path, sheets: Sequence[str]) -> dict[str, dict[str, str]]:
    """Excel error cells ({sheet: {"E12": "#REF!"}}) read from the sheet XML.

    python-calamine returns error cells as "" (like blanks); this scan finds them, so a #REF!
    in gia_tri is reported as the error it is instead of an indicator left blank.
    """
    found: dict[str, dict[str, str]] = {}
    with zipfile.ZipFile(path) as archive:
        for name, member in sheet_members(archive).items():
            if name not in sheets:
                continue
            xml = archive.read(member).decode("utf-8")
            cells: dict[str, str] = {}
            if 't="e"' in xml:
                for attrs, body in _ERROR_CELL_RE.findall(xml):
                    ref, value = _REF_RE.search(attrs), _VALUE_RE.search(body)
                    if ref:
                        cells[ref.group(1)] = value.group(1) if value else "#ERROR"
            found[name] = cells
    return found


def read_calamine_with_errors(path: Path) -> list[Row]:
    """python-calamine for values, plus the XML scan that restores error cells."""
    rows = read_calamine(path)
    errors = error_cells(path, [sheet for sheet, _ in SHEETS])
    flat = {cell: value for cells in errors.values() for cell, value in cells.items()}
    if not flat:
        return rows
    # Each sheet's rows keep their own cells; an error cell is only ever in one of them here.
    return [(code, flat.get(cell, value), cell) for code, value, cell in rows]


def read_fastexcel(path: Path) -> list[Row]:
    """fastexcel drops leading empty rows and columns and exposes no offset: cells may be wrong."""
    import fastexcel

    reader = fastexcel.read_excel(path)
    rows: list[Row] = []
    for sheet, key in SHEETS:
        table = reader.load_sheet(sheet, header_row=None, skip_rows=0).to_arrow()
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        grid = [list(r) for r in zip(*columns, strict=True)]
        rows += extract(grid, key)
    return rows


def fastexcel_usable() -> str:
    """'' when fastexcel can hand rows to Python here, else the reason it cannot."""
    if importlib.util.find_spec("fastexcel") is None:
        return "fastexcel không được cài"
    if importlib.util.find_spec("pyarrow") is None:
        return "fastexcel cần pyarrow (hoặc polars) để trả dữ liệu; chưa cài pyarrow"
    return ""


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def ensure_workbooks(units: int, seed: int = 11) -> list[Path]:
    folder = WORK / f"bo-du-lieu-{units}"
    marker = folder / ".done"
    if not marker.exists():
        started = time.perf_counter()
        genfolder.generate_folder(folder, units, seed=seed, combined=0)
        marker.write_text("ok")
        print(f"generated {units} workbooks in {time.perf_counter() - started:.1f} s")
    return sorted((folder / "nop").glob("*.xlsx"))


def time_reader(reader: Callable[[Path], list[Row]], paths: Sequence[Path], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for path in paths:
            reader(path)
        times.append(time.perf_counter() - started)
    return times


def normalise(value: Any) -> Any:
    """Compare values across readers: numbers as numbers, dates by their day, text as text."""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return value


def compare(reference: list[Row], other: list[Row]) -> tuple[int, int]:
    """(rows whose value differs, rows whose cell differs) of `other` against `reference`."""
    if len(reference) != len(other):
        return abs(len(reference) - len(other)) + len(reference), len(reference)
    values = sum(normalise(a[1]) != normalise(b[1]) for a, b in zip(reference, other, strict=True))
    cells = sum(a[2] != b[2] or a[0] != b[0] for a, b in zip(reference, other, strict=True))
    return values, cells


# --------------------------------------------------------------------------------------------
# Formula and error cells
# --------------------------------------------------------------------------------------------

_PROBE_CELLS = (
    ("A1", "formula 1+1, cached 2", '<c r="A1"><f>1+1</f><v>2</v></c>'),
    ("A2", "formula, cached #REF!", '<c r="A2" t="e"><f>#REF!+1</f><v>#REF!</v></c>'),
    ("A3", "error value #DIV/0!", '<c r="A3" t="e"><v>#DIV/0!</v></c>'),
    ("A4", "error value #N/A", '<c r="A4" t="e"><v>#N/A</v></c>'),
    ("A5", "text formula, cached 'ab'", '<c r="A5" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'),
    ("A6", "formula without cached value", '<c r="A6"><f>SUM(B1:B2)</f></c>'),
    ("A7", "number 3.5", '<c r="A7"><v>3.5</v></c>'),
)


def write_probe_workbook(path: Path) -> None:
    """A minimal, valid .xlsx written by hand: cached formula results and error cells as Excel saves them."""
    rows = "".join(f'<row r="{i}">{xml}</row>' for i, (_, _, xml) in enumerate(_PROBE_CELLS, start=1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="SoLieu" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>'
        ),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def probe(path: Path) -> dict[str, list[str]]:
    """What each reader returns for each probe cell, as repr strings."""
    found: dict[str, list[str]] = {}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    found["openpyxl (data_only=True)"] = [repr(r[0]) for r in wb["SoLieu"].iter_rows(values_only=True)]
    wb.close()
    wb = openpyxl.load_workbook(path, data_only=False)
    found["openpyxl (data_only=False)"] = [repr(r[0]) for r in wb["SoLieu"].iter_rows(values_only=True)]
    cal = CalamineWorkbook.from_path(str(path))
    found["python-calamine"] = [repr(r[0]) for r in cal.get_sheet_by_name("SoLieu").to_python()]
    scanned = error_cells(path, ["SoLieu"])["SoLieu"]
    found["calamine+errors (XML scan)"] = [repr(scanned.get(cell, "-")) for cell, _, _ in _PROBE_CELLS]
    if not fastexcel_usable():
        import fastexcel

        sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None)
        found["fastexcel"] = [repr(v) for v in sheet.to_arrow().column(0).to_pylist()]
        errors = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="float")
        table, cell_errors = errors.to_arrow_with_errors()
        found["fastexcel (dtypes=float)"] = [repr(v) for v in table.column(0).to_pylist()]
        found["fastexcel errors"] = [repr(cell_errors.errors)] if cell_errors else []
    return found


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    paths = ensure_workbooks(args.units)
    readers: dict[str, Callable[[Path], list[Row]]] = {
        "openpyxl": read_openpyxl,
        "python-calamine": read_calamine,
        "calamine+errors": read_calamine_with_errors,
    }
    skipped = fastexcel_usable()
    if not skipped:
        readers["fastexcel"] = read_fastexcel
    reference = {p: read_openpyxl(p) for p in paths}
    print(f"{len(paths)} workbooks, {sum(len(r) for r in reference.values())} rows, {args.repeats} repeats")
    medians: dict[str, float] = {}
    for name, reader in readers.items():
        values = cells = 0
        for p in paths:
            v, c = compare(reference[p], reader(p))
            values, cells = values + v, cells + c
        times = time_reader(reader, paths, args.repeats)
        medians[name] = statistics.median(times)
        per_book = medians[name] / len(paths) * 1000
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(
            f"{name:16} median {medians[name]:6.2f} s  ({per_book:5.1f} ms/workbook)  runs {runs}"
            f"  differs from openpyxl: {values} values, {cells} cells"
        )
    base = medians["openpyxl"]
    for name, median in medians.items():
        print(f"{name:16} {base / median:5.1f}x faster than openpyxl")
    if skipped:
        print(f"fastexcel skipped: {skipped}")
    probe_path = WORK / "probe-formula-errors.xlsx"
    write_probe_workbook(probe_path)
    print("\nFormula and error cells:")
    labels = [label for _, label, _ in _PROBE_CELLS]
    for name, reprs in probe(probe_path).items():
        print(f"  {name}:")
        for i, shown in enumerate(reprs):
            label = labels[i] if i < len(labels) and name != "fastexcel errors" else ""
            print(f"    {label:32} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
