"""`build` end to end on real data folders: outputs, parity of DOCX and PDF, refusal, draft, manifest,
protection of hand-edited outputs. Nothing is mocked: WeasyPrint, python-docx and pandas run for real.

The reading tests run on two shared builds (`case`): the five-unit folder's (conftest `small_build`,
fast tier) and the 40-unit sample's (conftest `sample_build`, slow tier, with the golden text of two of
its reports). The refusal, draft and edit-protection tests build the five-unit folders of conftest into
their own `tmp_path`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import NamedTuple

import openpyxl
import pytest
from conftest import NAM, SAMPLE, SMALL_UNITS, Built, Golden, csv_first_unit
from docx import Document

from reports.cli import main
from reports.output import sha256_file
from reports.pipeline import build
from tests.docs_text import (
    docx_headers,
    docx_paragraphs,
    docx_text,
    figures,
    pdf_page_numbers,
    pdf_pages,
    pdf_raw_pages,
    pdf_text,
    text_in_order,
)

ROOT = Path(__file__).resolve().parents[1]
CONSOLIDATED = f"bao-cao-tong-hop-{NAM}"


class Case(NamedTuple):
    """A shared build and what it must hold: its units, and the stems checked for DOCX/PDF parity."""

    built: Built
    folder: Path
    units: list[str]
    parity: list[str]


# The consolidated report and one unit of each submission shape: a workbook (STC), a row of the
# combined CSV (BDT), a row of the combined workbook (BIDV, the sample only).
SMALL_PARITY = [CONSOLIDATED, "don-vi/STC", "don-vi/BDT"]
SAMPLE_PARITY = [*SMALL_PARITY, "don-vi/BIDV"]


@pytest.fixture(params=["small", pytest.param("sample", marks=pytest.mark.slow)])
def case(request: pytest.FixtureRequest, small_folder: Path) -> Case:
    """The five-unit build (fast tier) or the 40-unit sample's (slow tier), both built once a session."""
    if request.param == "sample":
        return Case(request.getfixturevalue("sample_build"), SAMPLE, _units(SAMPLE), SAMPLE_PARITY)
    return Case(request.getfixturevalue("small_build"), small_folder, list(SMALL_UNITS), SMALL_PARITY)


def _units(folder: Path) -> list[str]:
    return [line.split(",")[0] for line in (folder / "don-vi.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]


def test_sample_build_writes_every_report(case: Case) -> None:
    (result, root), units = case.built, case.units
    assert result.built and not result.diverted
    assert _units(case.folder) == units and len(units) in (5, 40) and result.units_rendered == len(units)
    for fmt in ("docx", "pdf"):
        assert (root / f"{CONSOLIDATED}.{fmt}").stat().st_size > 10_000
        for code in units:
            assert (root / "don-vi" / f"{code}.{fmt}").is_file(), code
    assert (root / f"kiem-tra-so-lieu-{NAM}.xlsx").is_file()
    assert not list(root.rglob("*.tmp")), "no temporary file is left behind"


def test_manifest_records_inputs_and_outputs_with_hashes(case: Case) -> None:
    _, root = case.built
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"] == "bao-cao-xay-dung-dang" and manifest["version"]
    assert manifest["build_date"] == "2026-12-18" and manifest["nam"] == NAM
    inputs = {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}
    assert inputs["bao-cao.toml"] == sha256_file(case.folder / "bao-cao.toml")
    stc = "nop/STC-bieu-so-lieu-2026.xlsx"
    assert inputs[stc] == sha256_file(case.folder / stc) == sha256_file(SAMPLE / stc)
    assert any(path.startswith("nam-truoc/") for path in inputs)
    outputs = manifest["outputs"]
    # the report, the handout, the units' reports, the check report
    assert len(outputs) == 2 + 2 + 2 * len(case.units) + 1
    for rel, entry in outputs.items():
        assert entry["sha256"] == sha256_file(root / rel), rel


def test_pdf_says_every_text_of_the_docx_in_the_same_order(case: Case) -> None:
    """Every paragraph and table cell of the DOCX body is found in the PDF text, in document order."""
    _, root = case.built
    for stem in case.parity:
        paragraphs = docx_paragraphs(root / f"{stem}.docx")
        assert len(paragraphs) > 20, stem
        pdf = root / f"{stem}.pdf"
        missing = text_in_order(paragraphs, pdf_pages(pdf), pdf_page_numbers(pdf))
        assert missing is None, f"{stem}: {missing}"


def test_docx_and_pdf_state_the_same_figures(case: Case) -> None:
    """Same multiset of figures: a figure the PDF repeats (or drops) is caught, which order alone misses."""
    _, root = case.built
    for stem in case.parity:
        in_docx = figures(" ".join(docx_paragraphs(root / f"{stem}.docx")))
        in_pdf = figures(pdf_text(root / f"{stem}.pdf", drop_page_numbers=True))
        assert in_docx, stem
        assert in_docx == in_pdf, (stem, in_docx - in_pdf, in_pdf - in_docx)


def test_consolidated_report_states_the_sample_totals(case: Case) -> None:
    """Totals summed here from the figures as read (the reader's dataset), not from the tool's aggregation."""
    result, root = case.built
    figures_frame = result.check.intake.dataset().figures
    total_end = int(figures_frame["dv_cuoi_ky"].sum())
    admitted = int(figures_frame["dv_ket_nap"].sum())
    text = pdf_text(root / f"{CONSOLIDATED}.pdf")
    assert f"đến cuối năm có {total_end:,} đồng chí".replace(",", ".") in text
    assert f"kết nạp {admitted:,} đảng viên mới".replace(",", ".") in text
    assert f"{len(case.units)} tổ chức cơ sở đảng" in text


def test_pdf_is_a4_with_a_page_number_from_page_two(case: Case) -> None:
    from pypdf import PdfReader

    _, root = case.built
    reader = PdfReader(str(root / f"{CONSOLIDATED}.pdf"))
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)
    pages = pdf_pages(root / f"{CONSOLIDATED}.pdf")
    ends = [(page.split()[0], page.split()[-1]) for page in pages]
    assert "2" in ends[1] and "3" in ends[2], "page numbers are drawn from page 2 on"
    assert "1" not in ends[0], "no number on page 1"
    assert "DỰ THẢO" not in " ".join(pages)


def test_docx_is_a4_times_new_roman_14(case: Case) -> None:
    _, root = case.built
    document = Document(str(root / f"{CONSOLIDATED}.docx"))
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)
    assert (section.top_margin.mm, section.bottom_margin.mm) == pytest.approx((20, 20), abs=0.1)
    assert (section.left_margin.mm, section.right_margin.mm) == pytest.approx((30, 15), abs=0.1)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    assert document.core_properties.author == "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"


# --- the five-unit folders: refusal, draft, protection of edited outputs --------------------------------


def test_build_refuses_bad_data_and_writes_no_report(small_bad_folder: Path, tmp_path: Path) -> None:
    result = build(small_bad_folder, tmp_path, jobs=1)
    assert not result.built and "lỗi" in result.refused_reason
    root = tmp_path / str(NAM)
    assert not list(root.rglob("*.docx")) and not list(root.rglob("*.pdf"))
    report = openpyxl.load_workbook(root / f"kiem-tra-so-lieu-{NAM}.xlsx", read_only=True)
    rows = list(report["Lỗi và cảnh báo"].iter_rows(min_row=2, values_only=True))
    bad = csv_first_unit(small_bad_folder)
    assert any(row[1] == "lỗi" and row[2] == bad and row[7] == "dv_nu" for row in rows)


def test_draft_leaves_out_units_with_errors_and_marks_every_page(small_bad_folder: Path, tmp_path: Path) -> None:
    """In DOCX: every document's frame says DỰ THẢO (each section's header); that a draft's HTML marks
    every page of its PDF is test_render_pdf.py's test_pdf_draft_mark_on_every_page."""
    result = build(small_bad_folder, tmp_path, draft=True, jobs=1, formats=("docx",))
    assert result.built and result.units_rendered == 3
    root = tmp_path / str(NAM)
    bad = csv_first_unit(small_bad_folder)
    assert not (root / "don-vi" / f"{bad}.docx").exists()
    assert not (root / "don-vi" / "STC.docx").exists()
    for stem in (root / CONSOLIDATED, root / "don-vi" / "VNPT"):
        assert all("DỰ THẢO" in header for header in docx_headers(stem.with_suffix(".docx"))), stem
    text = docx_text(root / f"{CONSOLIDATED}.docx")
    after = text.split(f"tổng hợp từ 3/{len(SMALL_UNITS)} đơn vị")[1][:300]
    assert "Chi bộ Ban Dân tộc tỉnh" in after and "Đảng bộ Sở Tài chính" in after


def test_hand_edited_docx_is_never_overwritten(small_folder: Path, tmp_path: Path) -> None:
    first = build(small_folder, tmp_path, jobs=1, formats=("docx",))
    assert first.built
    root = tmp_path / str(NAM)
    target = root / f"{CONSOLIDATED}.docx"
    unit = root / "don-vi" / "STC.docx"
    untouched_hash = sha256_file(unit)
    document = Document(str(target))
    document.add_paragraph("Đoạn văn do người soạn thảo thêm.")
    document.save(str(target))
    edited_hash = sha256_file(target)

    second = build(small_folder, tmp_path, jobs=1, formats=("docx",))
    assert second.built
    assert sha256_file(target) == edited_hash, "the edited file is kept as it is"
    beside = root / f"{CONSOLIDATED} (2).docx"
    assert beside.is_file()
    assert [(d.wanted, d.written) for d in second.diverted] == [(target, beside)]
    assert sha256_file(unit) == untouched_hash and not (root / "don-vi" / "STC (2).docx").exists()
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert f"{CONSOLIDATED} (2).docx" in manifest["outputs"]

    third = build(small_folder, tmp_path, jobs=1, formats=("docx",))
    assert [d.written for d in third.diverted] == [beside], "the numbered copy is ours and is reused"
    assert not (root / f"{CONSOLIDATED} (3).docx").exists()


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`build_reports.py ARGS` in this process (`reports.cli.main`, which the script calls): the exit code
    and what was printed. The subprocess runs of tests/test_cli_check.py cover the script and the console."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_build_exit_codes(
    small_bad_folder: Path, small_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(capsys, "build", str(small_bad_folder), "--out", str(tmp_path / "a"), "--formats", "docx")
    assert code == 1, err
    assert "KHÔNG LẬP BÁO CÁO" in err and "Traceback" not in err + out
    assert csv_first_unit(small_bad_folder) in out
    assert not list((tmp_path / "a").rglob("*.docx"))
    code, _, err = run_main(capsys, "build", str(small_bad_folder), "--out", str(tmp_path / "a"), "--formats", "odt")
    assert code == 2 and "--formats" in err and "Traceback" not in err
    code, _, err = run_main(capsys, "build", str(small_folder), "--out", str(tmp_path / "b"), "--strict", "--jobs", "0")
    assert code == 2 and "--jobs" in err
    assert not (tmp_path / "b").exists()


def test_cli_strict_refuses_on_warnings(small_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "bo-du-lieu"
    shutil.copytree(small_folder, folder)
    (folder / "nop" / "STC-bieu-so-lieu-2026.xlsx").unlink()  # a unit not submitted: a warning
    code, _, err = run_main(capsys, "build", str(folder), "--out", str(tmp_path / "o"), "--strict", "--formats", "docx")
    assert code == 1 and "KHÔNG LẬP BÁO CÁO" in err
    assert not list((tmp_path / "o").rglob("*.docx"))
    # The same folder without strict is built: the refusal above is the warning's doing.
    assert build(folder, tmp_path / "o", formats=("docx",)).built


# --- golden text ------------------------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parent / "golden"


def _pdf_lines(path: Path) -> str:
    out = []
    for number, text in enumerate(pdf_raw_pages(path), start=1):
        out.append(f"--- trang {number} ---")
        out.extend(line.rstrip() for line in text.splitlines() if line.strip())
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("stem", [CONSOLIDATED, "don-vi/STC"])
def test_golden_text_of_the_five_unit_reports(small_build: Built, golden: Golden, stem: str) -> None:
    """The fast tier's guard on wording and layout: the whole text of two reports of the five-unit build."""
    _, root = small_build
    name = "nam-don-vi-" + stem.replace("/", "-")
    golden(GOLDEN / f"{name}.docx.txt", "\n".join(docx_paragraphs(root / f"{stem}.docx")) + "\n")
    golden(GOLDEN / f"{name}.pdf.txt", _pdf_lines(root / f"{stem}.pdf"))


@pytest.mark.slow
@pytest.mark.parametrize("stem", [CONSOLIDATED, "don-vi/STC"])
def test_golden_text_of_the_sample_reports(sample_build: Built, golden: Golden, stem: str) -> None:
    """The whole text of two sample reports, DOCX paragraph by paragraph and PDF line by line."""
    _, root = sample_build
    name = stem.replace("/", "-")
    golden(GOLDEN / f"{name}.docx.txt", "\n".join(docx_paragraphs(root / f"{stem}.docx")) + "\n")
    golden(GOLDEN / f"{name}.pdf.txt", _pdf_lines(root / f"{stem}.pdf"))
