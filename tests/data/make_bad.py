"""Make tests/data/bad/: a realistic data folder with one planted problem of every kind in contract section 6.

    .venv/bin/python tests/data/make_bad.py          # rewrites tests/data/bad/
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py   # then rewrites bad-expected.txt

The folder starts as bench/genfolder.py output (24 units, seed 76, year 2026, last year's data as one
CSV, 4 units in combined tables), which checks clean apart from the optional indicators some units
leave blank (notes, "chua_bao_cao"). Each plant below then breaks one thing in one unit, chosen in
don-vi.csv order among the units whose figures allow it; `main` prints which unit got which plant.
The files are edited the way a clerk would (a cell typed over, a row deleted, a file copied), with
genfolder's pinned zip timestamps, so running the script twice gives the same bytes.

Errors: text, a negative and a decimal in a count; an Excel #REF! cell; a required indicator blank and
one absent; D ≠ A + B − C; organisation levels and member levels that do not add up; three "trong đó"
above their whole (dv_nu, bo_nhiem_lai, cu_nu); more organisations rated than exist; a workbook for a
unit not in don-vi.csv; a corrupt, an encrypted, an empty workbook and a .docx; a SoLieu sheet without
ThongTin; a unit sent twice with a different figure.
Warnings: a unit sent twice identically; a unit that did not submit; an unknown indicator code; evaluated
+ exempt + not evaluated ≠ D; too many "xuất sắc"; kl_khai_tru ≠ dv_khai_tru; an opening stock that is
not last year's closing stock; figures identical to last year's.
"""

from __future__ import annotations

import csv
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for _path in (ROOT, ROOT / "bench", HERE.parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import genfolder  # noqa: E402
from folders import patch_cells  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from reports import indicators as ind  # noqa: E402

OUT = HERE / "bad"
NAM = 2026
SEED = 76
UNITS = 24
ABSENT = object()

Figures = dict[str, Any]


# --- editing files as a clerk would ---------------------------------------------------------------


def _solieu_rows(ws: Any) -> tuple[int, int, dict[str, int]]:
    """(code column, value column, {code: row}) of a SoLieu sheet (1-based)."""
    for row in ws.iter_rows():
        names = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "ma_chi_tieu" in names:
            code_col, value_col = names["ma_chi_tieu"], names["gia_tri"]
            rows = {}
            for r in range(row[0].row + 1, ws.max_row + 1):
                code = ws.cell(r, code_col).value
                if isinstance(code, str):
                    rows[code] = r
            return code_col, value_col, rows
    raise AssertionError(f"{ws.title}: no header")


def edit_workbook(path: Path, changes: Figures) -> dict[str, str]:
    """Type over gia_tri cells (None: clear it; ABSENT: clear the code too); returns {code: cell}."""
    wb = load_workbook(path)
    ws = wb["SoLieu"]
    code_col, value_col, rows = _solieu_rows(ws)
    cells = {}
    for code, value in changes.items():
        cell = ws.cell(rows[code], value_col)
        cells[code] = cell.coordinate
        if value is ABSENT:
            ws.cell(rows[code], code_col).value = None
            cell.value = None
        else:
            cell.value = value
    genfolder.save_workbook(wb, path)
    return cells


def set_unit_code(path: Path, unit: str) -> None:
    wb = load_workbook(path)
    ws = wb["ThongTin"]
    for row in ws.iter_rows():
        if row[0].value == "ma_don_vi":
            row[2].value = unit
    genfolder.save_workbook(wb, path)


def drop_sheet(path: Path, name: str) -> None:
    wb = load_workbook(path)
    del wb[name]
    genfolder.save_workbook(wb, path)


def edit_csv(path: Path, unit: str, changes: Figures) -> None:
    """Change one unit's row of a combined CSV (';', BOM, CRLF as genfolder writes it); new codes add a column."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    header = table[0]
    for code in changes:
        if code not in header:
            header.append(code)
            for line in table[1:]:
                line.append("")
    for line in table[1:]:
        if line[0] == unit:
            for code, value in changes.items():
                line[header.index(code)] = "" if value is None else str(value)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(table)


# --- choosing units -------------------------------------------------------------------------------


class Planter:
    def __init__(self, year: genfolder.GeneratedYear) -> None:
        self.year = year
        self.used: set[str] = set()
        self.log: list[tuple[str, str]] = []

    def pick(self, kind: str, ok: Callable[[Figures], bool] = lambda f: True) -> str:
        """The first unused unit submitted as `kind` ("xlsx", "csv", "combined-xlsx") whose figures pass `ok`."""
        for unit in self.year.units:
            path = self.year.files[unit.code]
            shape = "csv" if path.suffix == ".csv" else "combined-xlsx" if path.name.startswith("tong-hop") else "xlsx"
            if unit.code not in self.used and shape == kind and ok(self.year.figures[unit.code]):
                self.used.add(unit.code)
                return unit.code
        raise AssertionError(f"no unit left for a {kind} plant")

    def file(self, unit: str) -> Path:
        return self.year.files[unit]

    def note(self, unit: str, what: str) -> None:
        self.log.append((unit, what))


def given(*codes: str) -> Callable[[Figures], bool]:
    return lambda f: all(f[c] is not None for c in codes)


def plant(year: genfolder.GeneratedYear) -> list[tuple[str, str]]:
    p = Planter(year)
    nop = year.folder / "nop"
    f = year.figures
    # reserved first: the rarest case, a unit whose membership did not move this year
    unmoved = p.pick("xlsx", lambda g: g["dv_dau_ky"] == g["dv_cuoi_ky"])

    # --- errors: values that are not counts
    u = p.pick("xlsx", given("dv_nu"))
    edit_workbook(p.file(u), {"dv_nu": f"{f[u]['dv_nu']} đv"})
    p.note(u, "dv_nu typed as text with 'đv'")
    u = p.pick("csv")
    edit_csv(p.file(u), u, {"dv_chuyen_den": -3})
    p.note(u, "dv_chuyen_den = -3 in the CSV")
    u = p.pick("xlsx")
    edit_workbook(p.file(u), {"gs_dang_vien": 3.5})
    p.note(u, "gs_dang_vien = 3.5")
    u = p.pick("xlsx")
    cell = edit_workbook(p.file(u), {"dv_ket_nap": 0})["dv_ket_nap"]
    patch_cells(p.file(u), {cell: f'<c r="{cell}" t="e"><f>SUM(#REF!)</f><v>#REF!</v></c>'})
    p.note(u, f"dv_ket_nap is a #REF! formula at {cell}")

    # --- errors: required indicators
    u = p.pick("xlsx")
    edit_workbook(p.file(u), {"dv_du_bi": None})
    p.note(u, "dv_du_bi left blank")
    u = p.pick("xlsx")
    edit_workbook(p.file(u), {"tcd_kht": ABSENT})
    p.note(u, "tcd_kht row has no code (absent)")

    # --- errors: sums and parts
    u = p.pick("xlsx")
    edit_workbook(p.file(u), {"dv_ket_nap": f[u]["dv_ket_nap"] + 2})
    p.note(u, "dv_ket_nap + 2: D ≠ A + B − C")
    u = p.pick("xlsx", lambda g: g["tcd_duoc_danh_gia"] > 1)
    edit_workbook(p.file(u), {"tcd_htt": f[u]["tcd_htt"] + 1})
    p.note(u, "tcd_htt + 1: organisation levels ≠ evaluated")
    u = p.pick("xlsx")
    edit_workbook(p.file(u), {"dv_ht": f[u]["dv_ht"] + 1})
    p.note(u, "dv_ht + 1: member levels ≠ evaluated")
    u = p.pick("xlsx", given("dv_nu"))
    edit_workbook(p.file(u), {"dv_nu": f[u]["dv_cuoi_ky"] + 1})
    p.note(u, "dv_nu = dv_cuoi_ky + 1")
    u = p.pick("xlsx", given("bo_nhiem", "bo_nhiem_lai"))
    edit_workbook(p.file(u), {"bo_nhiem_lai": f[u]["bo_nhiem"] + 1})
    p.note(u, "bo_nhiem_lai = bo_nhiem + 1")
    u = p.pick("combined-xlsx", given("cu_tong", "cu_nu"))
    wb = load_workbook(p.file(u))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == u:
            row[header.index("cu_nu")].value = f[u]["cu_tong"] + 1
    genfolder.save_workbook(wb, p.file(u))
    p.note(u, "cu_nu = cu_tong + 1 in the combined workbook")
    u = p.pick("xlsx", lambda g: g["so_chi_bo_truc_thuoc"] > 0)
    cap = 1 + (f[u]["so_dang_bo_bo_phan"] or 0) + f[u]["so_chi_bo_truc_thuoc"]
    extra = cap + 1 - f[u]["tcd_duoc_danh_gia"]
    edit_workbook(p.file(u), {"tcd_duoc_danh_gia": cap + 1, "tcd_htt": f[u]["tcd_htt"] + extra})
    p.note(u, f"tcd_duoc_danh_gia = {cap + 1} > {cap} organisations (levels still add up)")

    # --- errors: files
    source = p.file(p.pick("xlsx"))  # a clean unit; its file is copied, the unit itself stays clean
    stranger = nop / "BQLCT-bieu-so-lieu-2026.xlsx"
    shutil.copyfile(source, stranger)
    set_unit_code(stranger, "BQLCT")
    p.note("BQLCT", f"{stranger.name}: unit code not in don-vi.csv")
    no_info = nop / "bieu-chua-co-thong-tin.xlsx"
    shutil.copyfile(source, no_info)
    drop_sheet(no_info, "ThongTin")
    p.note("-", f"{no_info.name}: SoLieu without ThongTin")
    data = source.read_bytes()
    (nop / "bieu-bi-hong.xlsx").write_bytes(data[: len(data) // 3])
    shutil.copyfile(HERE / "encrypted.xlsx", nop / "bieu-dat-mat-khau.xlsx")
    (nop / "bieu-rong.xlsx").write_bytes(b"")
    (nop / "cong-van-kem-theo.docx").write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip, named .docx
    p.note("-", "corrupt, encrypted and empty workbooks, a .docx")

    # --- errors and warnings: the same unit twice
    u = p.pick("xlsx")
    again = nop / "gui-lai" / p.file(u).name
    again.parent.mkdir()
    shutil.copyfile(p.file(u), again)
    edit_workbook(again, {"kt_dang_vien": (f[u]["kt_dang_vien"] or 0) + 1})
    p.note(u, f"sent again in {again.relative_to(year.folder)} with kt_dang_vien + 1")
    u = p.pick("xlsx")
    shutil.copyfile(p.file(u), nop / f"{u}-ban-sao.xlsx")
    p.note(u, f"sent twice, identical: {u}-ban-sao.xlsx")

    # --- warnings
    u = p.pick("xlsx")
    p.file(u).unlink()
    p.note(u, "did not submit")
    u = p.pick("csv")
    edit_csv(p.file(u), u, {"dv_tre_duoi_30": 5})
    p.note(u, "unknown indicator dv_tre_duoi_30 = 5 in the CSV")
    u = p.pick("xlsx", given("dv_chua_danh_gia"))
    edit_workbook(p.file(u), {"dv_mien_danh_gia": f[u]["dv_mien_danh_gia"] + 1})
    p.note(u, "dv_mien_danh_gia + 1: evaluated + exempt + not evaluated ≠ D")
    u = p.pick("xlsx", lambda g: g["dv_htt"] >= 10)
    htxs, htt = f[u]["dv_htxs"], f[u]["dv_htt"]
    move = next(k for k in range(htt) if (htxs + k) * 100 > 20 * (htt - k))
    edit_workbook(p.file(u), {"dv_htxs": htxs + move, "dv_htt": htt - move})
    p.note(u, f"dv_htxs {htxs} -> {htxs + move}, dv_htt {htt} -> {htt - move}: above 20 %")
    u = p.pick("xlsx")
    edit_workbook(p.file(u), {"kl_khai_tru": f[u]["kl_khai_tru"] + 1})
    p.note(u, "kl_khai_tru + 1 ≠ dv_khai_tru")

    # --- warnings against last year (nam-truoc/nop/ is one CSV with every unit)
    last_csv = year.folder / "nam-truoc" / "nop" / f"tong-hop-so-lieu-{NAM - 1}.csv"
    u = p.pick("xlsx")
    last = _last_row(last_csv, u)
    edit_csv(last_csv, u, {"dv_dau_ky": int(last["dv_dau_ky"]) + 1, "dv_cuoi_ky": int(last["dv_cuoi_ky"]) + 1})
    p.note(u, "last year's dv_dau_ky and dv_cuoi_ky + 1: opening stock ≠ last year's closing stock")
    u = unmoved
    edit_csv(last_csv, u, {c: f[u][c] for c in ind.COUNT_CODES})
    p.note(u, "last year's figures = this year's (no movement this year, so the opening stock still matches)")
    return p.log


def _last_row(path: Path, unit: str) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["ma_don_vi"] == unit:
                return row
    raise AssertionError(unit)


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    year = genfolder.generate_folder(
        OUT, UNITS, seed=SEED, nam=NAM, last_year=True, combined=4, last_year_combined=True
    )
    for unit, what in plant(year):
        print(f"{unit:8} {what}")


if __name__ == "__main__":
    main()
