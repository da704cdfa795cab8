"""`build` end to end on real data folders: outputs, parity of DOCX and PDF, refusal, draft, manifest,
protection of hand-edited outputs. Nothing is mocked: WeasyPrint, python-docx and pandas run for real.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from reports.output import sha256_file
from reports.pipeline import BuildResult, build
from tests.docs_text import docx_headers, docx_text, figures, pdf_pages, pdf_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "mau"
NAM = 2026


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    out = tmp_path_factory.mktemp("out")
    return build(SAMPLE, out, jobs=2), out / str(NAM)


@pytest.fixture(scope="session")
def bad_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with one unit's dv_nu typed as "12 đv" in the combined CSV, and one unit missing."""
    folder = tmp_path_factory.mktemp("bad") / "bo-du-lieu"
    shutil.copytree(SAMPLE, folder)
    csv_path = folder / "nop" / "tong-hop-so-lieu-2026.csv"
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    row = lines[1].split(";")
    row[header.index("dv_nu")] = "12 đv"
    lines[1] = ";".join(row)
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    (folder / "nop" / "STC-bieu-so-lieu-2026.xlsx").unlink()
    return folder


def bad_unit(folder: Path) -> str:
    lines = (folder / "nop" / "tong-hop-so-lieu-2026.csv").read_text(encoding="utf-8-sig").splitlines()
    return lines[1].split(";")[0]


def test_sample_build_writes_every_report(sample_build: tuple[BuildResult, Path]) -> None:
    result, root = sample_build
    assert result.built and not result.diverted
    units = [line.split(",")[0] for line in (SAMPLE / "don-vi.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert len(units) == 40 and result.units_rendered == 40
    for fmt in ("docx", "pdf"):
        assert (root / f"bao-cao-tong-hop-{NAM}.{fmt}").stat().st_size > 10_000
        for code in units:
            assert (root / "don-vi" / f"{code}.{fmt}").is_file(), code
    assert (root / f"kiem-tra-so-lieu-{NAM}.xlsx").is_file()
    assert not list(root.rglob("*.tmp")), "no temporary file is left behind"


def test_manifest_records_inputs_and_outputs_with_hashes(sample_build: tuple[BuildResult, Path]) -> None:
    _, root = sample_build
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"] == "bao-cao-xay-dung-dang" and manifest["version"]
    assert manifest["build_date"] == "2026-12-18" and manifest["nam"] == NAM
    inputs = {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}
    assert inputs["bao-cao.toml"] == sha256_file(SAMPLE / "bao-cao.toml")
    assert inputs["nop/STC-bieu-so-lieu-2026.xlsx"] == sha256_file(SAMPLE / "nop" / "STC-bieu-so-lieu-2026.xlsx")
    assert any(path.startswith("nam-truoc/") for path in inputs)
    outputs = manifest["outputs"]
    assert len(outputs) == 2 + 80 + 1
    for rel, entry in outputs.items():
        assert entry["sha256"] == sha256_file(root / rel), rel


def test_docx_and_pdf_state_the_same_figures(sample_build: tuple[BuildResult, Path]) -> None:
    _, root = sample_build
    docs = [root / f"bao-cao-tong-hop-{NAM}", root / "don-vi" / "STC", root / "don-vi" / "BDT"]
    for stem in docs:
        in_docx = figures(docx_text(stem.with_suffix(".docx")))
        in_pdf = figures(pdf_text(stem.with_suffix(".pdf")))
        assert in_docx, stem
        assert in_docx == in_pdf, (stem, in_docx - in_pdf, in_pdf - in_docx)


def test_consolidated_report_states_the_sample_totals(sample_build: tuple[BuildResult, Path]) -> None:
    """Totals computed here from the submissions themselves (not from the tool's aggregation)."""
    _, root = sample_build
    from reports.intake import load_folder

    figures_frame = load_folder(SAMPLE).dataset().figures
    total_end = int(figures_frame["dv_cuoi_ky"].sum())
    admitted = int(figures_frame["dv_ket_nap"].sum())
    text = pdf_text(root / f"bao-cao-tong-hop-{NAM}.pdf")
    assert f"đến cuối năm có {total_end:,} đồng chí".replace(",", ".") in text
    assert f"kết nạp {admitted:,} đảng viên mới".replace(",", ".") in text
    assert "40 tổ chức cơ sở đảng" in text


def test_pdf_is_a4_with_a_page_number_from_page_two(sample_build: tuple[BuildResult, Path]) -> None:
    from pypdf import PdfReader

    _, root = sample_build
    reader = PdfReader(str(root / f"bao-cao-tong-hop-{NAM}.pdf"))
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)
    pages = pdf_pages(root / f"bao-cao-tong-hop-{NAM}.pdf")
    ends = [(page.split()[0], page.split()[-1]) for page in pages]
    assert "2" in ends[1] and "3" in ends[2], "page numbers are drawn from page 2 on"
    assert "1" not in ends[0], "no number on page 1"
    assert "DỰ THẢO" not in " ".join(pages)


def test_docx_is_a4_times_new_roman_14(sample_build: tuple[BuildResult, Path]) -> None:
    _, root = sample_build
    document = Document(str(root / f"bao-cao-tong-hop-{NAM}.docx"))
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)
    assert (section.top_margin.mm, section.bottom_margin.mm) == pytest.approx((20, 20), abs=0.1)
    assert (section.left_margin.mm, section.right_margin.mm) == pytest.approx((30, 15), abs=0.1)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    assert document.core_properties.author == "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"


def test_build_refuses_bad_data_and_writes_no_report(bad_folder: Path, tmp_path: Path) -> None:
    result = build(bad_folder, tmp_path, jobs=1)
    assert not result.built and "lỗi" in result.refused_reason
    root = tmp_path / str(NAM)
    assert not list(root.rglob("*.docx")) and not list(root.rglob("*.pdf"))
    report = openpyxl.load_workbook(root / f"kiem-tra-so-lieu-{NAM}.xlsx", read_only=True)
    rows = list(report["Lỗi và cảnh báo"].iter_rows(min_row=2, values_only=True))
    assert any(row[1] == "lỗi" and row[2] == bad_unit(bad_folder) and row[7] == "dv_nu" for row in rows)


def test_draft_leaves_out_units_with_errors_and_marks_every_page(bad_folder: Path, tmp_path: Path) -> None:
    result = build(bad_folder, tmp_path, draft=True, jobs=2, formats=("docx", "pdf"))
    assert result.built and result.units_rendered == 38
    root = tmp_path / str(NAM)
    bad = bad_unit(bad_folder)
    assert not (root / "don-vi" / f"{bad}.pdf").exists()
    for stem in (root / f"bao-cao-tong-hop-{NAM}", root / "don-vi" / "VNPT"):
        pages = pdf_pages(stem.with_suffix(".pdf"))
        assert all("DỰ THẢO" in page for page in pages), stem
        assert all("DỰ THẢO" in header for header in docx_headers(stem.with_suffix(".docx"))), stem
    text = pdf_text(root / f"bao-cao-tong-hop-{NAM}.pdf")
    assert "tổng hợp từ 38/40 đơn vị" in text
    assert "Chi bộ Ban Dân tộc tỉnh" in text.split("tổng hợp từ 38/40 đơn vị")[1][:300]
    assert "Đảng bộ Sở Tài chính" in text.split("tổng hợp từ 38/40 đơn vị")[1][:300]


def test_hand_edited_docx_is_never_overwritten(tmp_path: Path) -> None:
    first = build(SAMPLE, tmp_path, jobs=1, formats=("docx",))
    assert first.built
    root = tmp_path / str(NAM)
    target = root / f"bao-cao-tong-hop-{NAM}.docx"
    unit = root / "don-vi" / "STC.docx"
    untouched_hash = sha256_file(unit)
    document = Document(str(target))
    document.add_paragraph("Đoạn văn do người soạn thảo thêm.")
    document.save(str(target))
    edited_hash = sha256_file(target)

    second = build(SAMPLE, tmp_path, jobs=1, formats=("docx",))
    assert second.built
    assert sha256_file(target) == edited_hash, "the edited file is kept as it is"
    beside = root / f"bao-cao-tong-hop-{NAM} (2).docx"
    assert beside.is_file()
    assert [(d.wanted, d.written) for d in second.diverted] == [(target, beside)]
    assert sha256_file(unit) == untouched_hash and not (root / "don-vi" / "STC (2).docx").exists()
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert f"bao-cao-tong-hop-{NAM} (2).docx" in manifest["outputs"]

    third = build(SAMPLE, tmp_path, jobs=1, formats=("docx",))
    assert [d.written for d in third.diverted] == [beside], "the numbered copy is ours and is reused"
    assert not (root / f"bao-cao-tong-hop-{NAM} (3).docx").exists()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build_reports.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_cli_build_exit_codes(bad_folder: Path, tmp_path: Path) -> None:
    refused = run_cli("build", str(bad_folder), "--out", str(tmp_path / "a"), "--formats", "docx", cwd=tmp_path)
    assert refused.returncode == 1, refused.stderr
    assert "KHÔNG LẬP BÁO CÁO" in refused.stderr and "Traceback" not in refused.stderr + refused.stdout
    assert bad_unit(bad_folder) in refused.stdout
    wrong = run_cli("build", str(bad_folder), "--formats", "odt", cwd=tmp_path)
    assert wrong.returncode == 2 and "--formats" in wrong.stderr and "Traceback" not in wrong.stderr
    strict = run_cli("build", str(SAMPLE), "--out", str(tmp_path / "b"), "--strict", "--jobs", "0", cwd=tmp_path)
    assert strict.returncode == 2 and "--jobs" in strict.stderr


def test_cli_strict_refuses_on_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "bo-du-lieu"
    shutil.copytree(SAMPLE, folder)
    (folder / "nop" / "STC-bieu-so-lieu-2026.xlsx").unlink()  # a unit not submitted: a warning
    strict = run_cli("build", str(folder), "--out", str(tmp_path / "o"), "--strict", "--formats", "docx", cwd=tmp_path)
    assert strict.returncode == 1 and "KHÔNG LẬP BÁO CÁO" in strict.stderr
    assert not list((tmp_path / "o").rglob("*.docx"))


GOLDEN = Path(__file__).resolve().parent / "golden"


def _golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead."""
    import os

    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if os.environ.get("UPDATE_GOLDEN") != "1":
            pytest.fail(f"golden file {path} was missing and has been written; check it and commit it")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs; rerun with UPDATE_GOLDEN=1 if intended"


def _pdf_lines(path: Path) -> str:
    from pypdf import PdfReader

    out = []
    for number, page in enumerate(PdfReader(str(path)).pages, start=1):
        out.append(f"--- trang {number} ---")
        out.extend(line.rstrip() for line in (page.extract_text() or "").splitlines() if line.strip())
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("stem", [f"bao-cao-tong-hop-{NAM}", "don-vi/STC"])
def test_golden_text_of_the_sample_reports(sample_build: tuple[BuildResult, Path], stem: str) -> None:
    from tests.docs_text import docx_paragraphs

    _, root = sample_build
    name = stem.replace("/", "-")
    _golden(f"{name}.docx.txt", "\n".join(docx_paragraphs(root / f"{stem}.docx")) + "\n")
    _golden(f"{name}.pdf.txt", _pdf_lines(root / f"{stem}.pdf"))
