"""The bundled sample folder and the generator behind it.

The checks re-read the files with openpyxl and csv (not the generator's own data), so a generator
that writes inconsistent figures, a wrong layout or a missing unit fails here.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "mau"
BLANK_FORM = ROOT / "data" / "bieu-mau" / "bieu-so-lieu-don-vi.xlsx"
for _path in (ROOT, ROOT / "bench"):  # the repo root and bench/ are not installed packages
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import genfolder  # noqa: E402

from reports import indicators as ind  # noqa: E402
from reports.settings import load_settings  # noqa: E402

Figures = dict[str, Any]
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


# ---------------------------------------------------------------------------------------------
# Independent readers for the two submission shapes of contract section 4
# ---------------------------------------------------------------------------------------------


def find_header(ws: Any, *names: str) -> tuple[int, dict[str, int]]:
    """Row number and column index (1-based) of the first row that has a cell `names[0]`."""
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = {v: c for c, v in enumerate(row, start=1) if isinstance(v, str)}
        if names[0] in cells:
            assert all(n in cells for n in names), f"{ws.title}: header row {r} lacks one of {names}"
            return r, cells
    raise AssertionError(f"{ws.title}: no header row with {names[0]}")


@functools.cache
def sheet_names(path: Path) -> tuple[str, ...]:
    wb = openpyxl.load_workbook(path, read_only=True)
    names = tuple(wb.sheetnames)
    wb.close()
    return names


@functools.cache
def read_unit_workbook(path: Path) -> tuple[str, Figures]:
    """(unit code, figures) of a unit workbook; read once per session (the sample's are read by two tests)."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        assert {"SoLieu", "ThongTin"} <= set(wb.sheetnames), path
        ws = wb["SoLieu"]
        hr, cols = find_header(ws, "ma_chi_tieu", "gia_tri")
        figures: Figures = {}
        for row in ws.iter_rows(min_row=hr + 1, values_only=True):
            code = row[cols["ma_chi_tieu"] - 1] if len(row) >= cols["ma_chi_tieu"] else None
            if code:
                assert code not in figures, f"{path}: {code} twice"
                figures[code] = row[cols["gia_tri"] - 1]
        info = wb["ThongTin"]
        hr, cols = find_header(info, "truong", "gia_tri")
        fields = {
            row[cols["truong"] - 1]: row[cols["gia_tri"] - 1]
            for row in info.iter_rows(min_row=hr + 1, values_only=True)
            if row[cols["truong"] - 1]
        }
        assert fields.get("nguoi_lap") and fields.get("ngay_lap") and fields.get("so_dien_thoai")
        return str(fields["ma_don_vi"]), figures
    finally:
        wb.close()


def _cell_value(text: str) -> Any:
    if text == "":
        return None
    return int(text) if text.isdigit() else text


def read_combined_csv(path: Path) -> dict[str, Figures]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "combined CSV must carry a UTF-8 BOM (Excel 'CSV UTF-8')"
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    header = rows[0]
    assert header[0] == "ma_don_vi" and len(header) > 10, "';' separated header with ma_don_vi first"
    return {r[0]: {h: _cell_value(v) for h, v in zip(header[1:], r[1:], strict=True)} for r in rows[1:]}


def read_combined_xlsx(path: Path) -> dict[str, Figures]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        assert "SoLieu" not in wb.sheetnames
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()
    header = rows[0]
    assert header[0] == "ma_don_vi"
    width = len(header)
    padded = [tuple(r) + (None,) * (width - len(r)) for r in rows[1:] if r and r[0]]  # read-only trims
    return {str(r[0]): dict(zip(header[1:], r[1:], strict=True)) for r in padded}


def read_folder(folder: Path) -> tuple[dict[str, dict[str, str]], dict[str, Figures]]:
    """(units from don-vi.csv, figures per unit from nop/); a unit submitted twice fails."""
    with (folder / "don-vi.csv").open(encoding="utf-8-sig", newline="") as fh:
        units = {row["ma_don_vi"]: row for row in csv.DictReader(fh)}
    submitted: dict[str, Figures] = {}

    def add(code: str, figures: Figures) -> None:
        assert code not in submitted, f"{code} submitted twice"
        submitted[code] = figures

    for path in sorted((folder / "nop").iterdir()):
        if path.suffix == ".csv":
            for code, figs in read_combined_csv(path).items():
                add(code, figs)
        elif path.suffix == ".xlsx":
            if "SoLieu" in sheet_names(path):
                code, figures = read_unit_workbook(path)
                add(code, dict(figures))
            else:
                for code, figs in read_combined_xlsx(path).items():
                    add(code, figs)
    return units, submitted


# ---------------------------------------------------------------------------------------------
# The rules of contract section 6, restated independently
# ---------------------------------------------------------------------------------------------


def problems_of(code: str, f: Figures) -> list[str]:
    out: list[str] = []
    for c in ind.COUNT_CODES:
        v = f.get(c)
        if v is None:
            if ind.BY_CODE[c].required:
                out.append(f"{code}: required {c} blank")
        elif not isinstance(v, int) or isinstance(v, bool) or v < 0:
            out.append(f"{code}: {c}={v!r} is not a whole number ≥ 0")
    for c in ind.TEXT_CODES:
        if f.get(c) is not None and not isinstance(f[c], str):
            out.append(f"{code}: {c} is not text")
    unknown = set(f) - set(ind.BY_CODE)
    if unknown:
        out.append(f"{code}: unknown codes {unknown}")
    if out:
        return out
    d = f["dv_dau_ky"] + sum(f[c] for c in ind.MEMBERSHIP_INCREASES) - sum(f[c] for c in ind.MEMBERSHIP_DECREASES)
    if d != f["dv_cuoi_ky"]:
        out.append(f"{code}: D ≠ A + B − C")
    for total, parts in ind.LEVEL_SUMS.items():
        if sum(f[p] for p in parts) != f[total]:
            out.append(f"{code}: levels ≠ {total}")
    for part, whole in ind.PART_OF:
        if f.get(part) is not None and f.get(whole) is not None and f[part] > f[whole]:
            out.append(f"{code}: {part} > {whole}")
        if f.get(part) is not None and f.get(whole) is None:
            out.append(f"{code}: {part} given but its whole {whole} blank")
    cap = 1 + sum(f.get(c) or 0 for c in ind.ORG_EVALUATION_CAP)
    if f["tcd_duoc_danh_gia"] > cap:
        out.append(f"{code}: tcd_duoc_danh_gia > 1 + sub-units")
    coverage = ("dv_duoc_danh_gia", "dv_mien_danh_gia", "dv_chua_danh_gia")
    if all(f.get(c) is not None for c in coverage) and sum(f[c] for c in coverage) != f["dv_cuoi_ky"]:
        out.append(f"{code}: evaluated + exempt + not evaluated ≠ D")
    if f["dv_htxs"] * 100 > 20 * f["dv_htt"]:
        out.append(f"{code}: dv_htxs above 20 % of dv_htt")
    if f.get("kl_khai_tru") is not None and f["kl_khai_tru"] != f["dv_khai_tru"]:
        out.append(f"{code}: kl_khai_tru ≠ dv_khai_tru")
    return out


def check_folder(folder: Path) -> tuple[dict[str, dict[str, str]], dict[str, Figures]]:
    """The folder as `read_folder` gives it, after checking every rule on it."""
    units, submitted = read_folder(folder)
    assert units, "don-vi.csv lists no unit"
    for code, row in units.items():
        assert CODE_RE.match(code), code
        assert row["ten_don_vi"].startswith(("Đảng bộ ", "Chi bộ ")), row
        assert row["loai"] in ind.UNIT_TYPES
    assert set(submitted) == set(units), "every listed unit submits once, and no other"
    problems = [p for code, figs in submitted.items() for p in problems_of(code, figs)]
    assert problems == []
    settings = load_settings(folder)
    assert settings.co_quan.ky_hieu
    return units, submitted


def check_last_year(folder: Path) -> tuple[dict[str, dict[str, str]], dict[str, Figures]]:
    """Both years checked and consistent; this year's folder as `read_folder` gives it."""
    units, current = check_folder(folder)
    _, previous = check_folder(folder / "nam-truoc")
    assert load_settings(folder / "nam-truoc").nam == load_settings(folder).nam - 1
    for code, figs in current.items():
        assert figs["dv_dau_ky"] == previous[code]["dv_cuoi_ky"], code
        assert any(figs[c] != previous[code][c] for c in ind.COUNT_CODES), f"{code} identical to last year"
    return units, current


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "bo-du-lieu"
    genfolder.generate_folder(out, 14, seed=3, nam=2026, last_year=True, combined=5)
    return out


def test_sample_folder_has_contract_layout() -> None:
    assert (SAMPLE / "bao-cao.toml").is_file()
    assert (SAMPLE / "don-vi.csv").is_file()
    files = sorted((SAMPLE / "nop").iterdir())
    assert [p for p in files if p.suffix == ".csv"], "a ';' CSV combined table"
    workbooks = [p for p in files if p.suffix == ".xlsx"]
    assert len(workbooks) >= 30
    assert (SAMPLE / "nam-truoc" / "bao-cao.toml").is_file()
    assert (SAMPLE / "nam-truoc" / "don-vi.csv").is_file()
    settings = load_settings(SAMPLE)
    assert settings.nam == 2026
    assert settings.co_quan.ten == "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"
    assert settings.van_ban.so == "125"
    assert all(getattr(settings.noi_dung, name) for name in settings.noi_dung.__dataclass_fields__)


def test_every_sample_workbook_has_the_contract_sheets_and_header_cells() -> None:
    combined = 0
    for path in sorted((SAMPLE / "nop").glob("*.xlsx")):
        if "SoLieu" not in sheet_names(path):
            combined += 1
            assert read_combined_xlsx(path)
            continue
        code, figures = read_unit_workbook(path)
        assert code in path.name
        assert set(ind.REQUIRED_CODES) <= set(figures)
    assert combined == 1


def test_sample_figures_check_clean_and_follow_last_year() -> None:
    units, submitted = check_last_year(SAMPLE)
    assert 35 <= len(units) <= 45
    assert any(f[c] is None for f in submitted.values() for c in ind.COUNT_CODES), "some optional blanks"
    assert any(f.get("nd_ket_qua_noi_bat") for f in submitted.values()), "some narrative texts"


def test_generated_folder_satisfies_every_rule(generated: Path) -> None:
    units, submitted = check_last_year(generated)
    assert len(units) == 14
    for figs in submitted.values():
        assert 8 <= figs["dv_dau_ky"] <= 650
        assert figs["dv_ket_nap"] <= 0.1 * figs["dv_dau_ky"] + 2
        assert figs["dv_htt"] >= figs["dv_ht"] + figs["dv_kht"], "most members 'hoàn thành tốt'"


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    genfolder.generate_folder(again, 14, seed=3, nam=2026, last_year=True, combined=5)

    def digest(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert digest(again) == digest(generated)


def test_large_unit_lists_have_unique_valid_codes_and_names() -> None:
    import random

    units = genfolder.make_units(600, random.Random(1))
    assert len({u.code for u in units}) == 600
    assert len({u.name for u in units}) == 600
    assert all(CODE_RE.match(u.code) for u in units)


def test_blank_form_lists_every_indicator_with_empty_values() -> None:
    wb = openpyxl.load_workbook(BLANK_FORM)
    try:
        ws = wb["SoLieu"]
        hr, cols = find_header(ws, "ma_chi_tieu", "gia_tri", "ten_chi_tieu", "don_vi_tinh", "ghi_chu")
        rows = {
            r[cols["ma_chi_tieu"] - 1]: r
            for r in ws.iter_rows(min_row=hr + 1, values_only=True)
            if r[cols["ma_chi_tieu"] - 1]
        }
        assert list(rows) == [i.code for i in ind.CATALOGUE]
        for code, row in rows.items():
            assert row[cols["gia_tri"] - 1] is None
            assert row[cols["ten_chi_tieu"] - 1] == ind.label(code)
            assert (row[cols["ghi_chu"] - 1] == "bắt buộc") == ind.BY_CODE[code].required
        assert ws.freeze_panes == f"A{hr + 1}"
        assert ws.column_dimensions["B"].width >= 40
        find_header(wb["ThongTin"], "truong", "gia_tri")
    finally:
        wb.close()


def test_rules_hold_for_many_generated_units() -> None:
    """In memory, over many seeds and sizes: no corner case of the generator breaks a rule."""
    import random

    for seed in range(8):
        rng = random.Random(seed)
        for unit in genfolder.make_units(60, rng):
            prof = genfolder.make_profile(unit, rng)
            last = genfolder.make_figures(unit, prof, rng, prof.members, None)
            end, admitted = last["dv_cuoi_ky"], last["dv_ket_nap"]
            assert isinstance(end, int) and isinstance(admitted, int)
            figs = genfolder.make_figures(unit, prof, rng, end, admitted)
            assert problems_of(unit.code, last) == []
            assert problems_of(unit.code, figs) == []


def test_the_rule_check_itself_catches_broken_figures(generated: Path) -> None:
    _, submitted = read_folder(generated)
    figs = dict(next(iter(submitted.values())))
    figs["dv_cuoi_ky"] += 1
    figs["dv_htt"] = 0
    assert len(problems_of("X", figs)) >= 3
