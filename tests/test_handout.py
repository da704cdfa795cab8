"""The conference handout (contract sections 11 and 12) built end to end on a small folder with a
`nam-truoc/` chain (one middle year without figures), `[hoi_nghi]` settings and a `hoi-nghi/` PDF.

Read back as a reader would: the PDF with pypdf (contents, page starts, bookmarks, text of the charts,
no raster image), the DOCX with python-docx (TOC field, native chart parts and their cached values),
and the DOCX through LibreOffice when it is installed. Nothing is mocked.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from pypdf import PdfReader

from reports.aggregate import aggregate
from reports.context import consolidated
from reports.context import handout as handout_context
from reports.handout import bind_pdf, contents_of, render_handout
from reports.intake import load_folder
from reports.part_cache import PdfPartCache
from reports.pipeline import BuildResult, _templates, build
from reports.render.html import TemplateSet
from reports.vietnamese import fmt_int
from tests.docs_text import docx_text, pdf_page_numbers
from tests.folders import CLEAN, CSV_UNITS, NAM, clean_folder, last_year_of, write_combined_csv, write_settings

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
SPEECH_TEXT = "Tham luận của Đảng ủy Sở Tài chính"
SETTINGS = """
[hoi_nghi]
ten = "HỘI NGHỊ TỔNG KẾT CÔNG TÁC XÂY DỰNG ĐẢNG NĂM 2026 (THỬ)"
dia_diem = "Hội trường Tỉnh ủy"
ngay = 2026-12-27
chuong_trinh = ["Khai mạc", "Báo cáo tổng kết", "Tham luận", "Bế mạc"]
"""


def _speech_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(
        string="<html><head><title>Tham luận</title></head>"
        f"<body><h1>{SPEECH_TEXT}</h1><p>Nội dung tham luận.</p></body></html>"
    ).write_pdf()


def chain_folder(root: Path) -> Path:
    """Three units; last year, a year without figures (a gap), and the year before it."""
    last = {u: last_year_of(f) for u, f in CLEAN.items()}
    folder = clean_folder(root / "bo-du-lieu", settings_extra=SETTINGS, last_year=last)
    gap = folder / "nam-truoc" / "nam-truoc"
    write_settings(gap, nam=NAM - 2)  # a folder, but no nop/: no figures that year
    oldest = gap / "nam-truoc"
    write_settings(oldest, nam=NAM - 3)
    # Any clean figures do for a year the checks never compare with its neighbours: this year's.
    write_combined_csv(oldest / "nop" / f"tong-hop-{NAM - 3}.csv", dict(CLEAN))
    (folder / "hoi-nghi").mkdir()
    (folder / "hoi-nghi" / "02-tham-luan.pdf").write_bytes(_speech_pdf())
    return folder


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path, Path]:
    root = tmp_path_factory.mktemp("handout")
    folder = chain_folder(root)
    result = build(folder, root / "out")
    assert result.built, result.refused_reason
    return result, folder, root / "out" / str(NAM)


def _pdf(handout: tuple[BuildResult, Path, Path]) -> PdfReader:
    return PdfReader(handout[2] / f"tai-lieu-hoi-nghi-{NAM}.pdf")


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def _contents(reader: PdfReader) -> dict[str, int]:
    """The contents page's entries: title -> page number."""
    page = next(p for p in reader.pages if "MỤC LỤC" in p.extract_text())
    entries = {}
    for line in page.extract_text().splitlines():
        match = re.fullmatch(r"(.+?) (\d+)", line.strip())
        if match and "MỤC LỤC" not in line:
            entries[match.group(1)] = int(match.group(2))
    return entries


def test_history_has_every_year_of_the_chain_and_a_gap_for_the_missing_one(tmp_path: Path) -> None:
    folder = chain_folder(tmp_path)
    history = load_folder(folder).history
    assert sorted(history) == [NAM - 3, NAM - 2, NAM - 1]
    assert history[NAM - 2]["dv_cuoi_ky"] is None  # a gap, never a zero
    last = sum(last_year_of(f)["dv_cuoi_ky"] for f in CLEAN.values())
    assert history[NAM - 1]["dv_cuoi_ky"] == last
    assert history[NAM - 3]["dv_cuoi_ky"] == sum(f["dv_cuoi_ky"] for f in CLEAN.values())


def test_build_writes_both_handout_files(handout: tuple[BuildResult, Path, Path]) -> None:
    result = handout[0]
    names = {p.name for p in result.documents}
    assert {f"tai-lieu-hoi-nghi-{NAM}.pdf", f"tai-lieu-hoi-nghi-{NAM}.docx"} <= names
    cover = _pdf(handout).pages[0].extract_text()
    for text in ("TÀI LIỆU HỘI NGHỊ", "(THỬ)", "Hội trường Tỉnh ủy", "27/12/2026", "Lưu hành nội bộ"):
        assert text in cover
    assert "DỰ THẢO" not in cover


def test_every_contents_entry_is_the_page_where_its_part_starts(handout: tuple[BuildResult, Path, Path]) -> None:
    reader = _pdf(handout)
    contents = _contents(reader)
    starts = {
        "Chương trình hội nghị": "CHƯƠNG TRÌNH HỘI NGHỊ",
        "Một số chỉ tiêu chủ yếu": "MỘT SỐ CHỈ TIÊU CHỦ YẾU",
        "Biểu đồ": "BIỂU ĐỒ",
        f"Báo cáo tổng kết công tác xây dựng Đảng năm {NAM}": "BÁO CÁO",
        "Tham luận": "Nội dung tham luận.",
    }
    part_two = next(title for title in contents if title.lower().startswith("phần thứ hai. "))
    starts[part_two] = f"PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {NAM + 1}"
    assert set(starts) <= set(contents), contents
    for title, first_words in starts.items():
        page = contents[title]
        assert first_words in reader.pages[page - 1].extract_text(), title
        if title not in ("Chương trình hội nghị", part_two):
            assert first_words not in reader.pages[page - 2].extract_text(), f"{title} starts on a new page"
    # the page numbers printed on the pages run through the handout (the report's own are replaced)
    report = contents[f"Báo cáo tổng kết công tác xây dựng Đảng năm {NAM}"]
    for number in (contents["Tham luận"], report + 1):
        lines = reader.pages[number - 1].extract_text().splitlines()
        assert str(number) in lines
    assert "2" not in reader.pages[report].extract_text().splitlines()  # the report's own "2" is gone


def test_every_bound_report_page_shows_the_handouts_number_and_not_its_own(
    handout: tuple[BuildResult, Path, Path],
) -> None:
    """The report's appendices number their own pages ("PL1-2" prints "2"); bound into the handout, each
    page carries the handout's running number instead, the report's own taken out."""
    reader = _pdf(handout)
    first = _contents(reader)[f"Báo cáo tổng kết công tác xây dựng Đảng năm {NAM}"]
    report = handout[2] / f"bao-cao-tong-hop-{NAM}.pdf"
    own = pdf_page_numbers(report)
    assert any(label.startswith("PL") for label in PdfReader(report).page_labels)
    for index, printed in enumerate(own):
        number = first + index
        lines = [line.strip() for line in reader.pages[number - 1].extract_text().splitlines()]
        assert str(number) in lines, number
        if index > 0 and printed != str(number):
            assert printed not in lines, (number, printed)


def test_bookmarks_for_every_part_and_the_report_headings(handout: tuple[BuildResult, Path, Path]) -> None:
    reader = _pdf(handout)
    outline = _outline(reader)
    top = {title: page for level, title, page in outline if level == 1}
    contents = _contents(reader)
    for part in ("Chương trình hội nghị", "Một số chỉ tiêu chủ yếu", "Biểu đồ", "Tham luận"):
        assert top[part] == contents[part]
    assert "Bìa" in top and "Mục lục" in top
    nested = [title for level, title, _ in outline if level > 1]
    assert any(t.lower().startswith("phần thứ nhất. ") for t in nested), nested
    assert any("ĐẶC ĐIỂM TÌNH HÌNH" in t for t in nested), nested


def test_charts_are_vector_with_their_numbers_as_text(handout: tuple[BuildResult, Path, Path]) -> None:
    reader = _pdf(handout)
    contents = _contents(reader)
    chart_pages = range(contents["Biểu đồ"], contents[f"Báo cáo tổng kết công tác xây dựng Đảng năm {NAM}"])
    text = " ".join(reader.pages[p - 1].extract_text() for p in chart_pages)
    members = sum(f["dv_cuoi_ky"] for f in CLEAN.values())
    last = sum(last_year_of(f)["dv_cuoi_ky"] for f in CLEAN.values())
    for label in ("Số đảng viên qua các năm", "Kết nạp đảng viên so với chỉ tiêu", fmt_int(members), fmt_int(last)):
        assert label in text
    assert "Nguồn: tổng hợp từ báo cáo của 3/3 tổ chức cơ sở đảng" in text
    for p in chart_pages:
        resources = reader.pages[p - 1].get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        for obj in xobjects.values():
            assert obj.get_object().get("/Subtype") != "/Image"


def _chart_values(docx_path: Path) -> dict[str, list[list[float | None]]]:
    """Each chart part's title -> its series' cached values (None where the point is left out)."""
    charts = {}
    with zipfile.ZipFile(docx_path) as z:
        for name in z.namelist():
            if not re.fullmatch(r"word/charts/chart\d+\.xml", name):
                continue
            root = etree.fromstring(z.read(name))
            title = "".join(root.find(f".//{{{C_NS}}}title").itertext())
            series = []
            for ser in root.iter(f"{{{C_NS}}}ser"):
                cache = ser.find(f"{{{C_NS}}}val//{{{C_NS}}}numCache")
                count = int(cache.find(f"{{{C_NS}}}ptCount").get("val"))
                values: list[float | None] = [None] * count
                for pt in cache.iter(f"{{{C_NS}}}pt"):
                    values[int(pt.get("idx"))] = float(pt.find(f"{{{C_NS}}}v").text)
                series.append(values)
            charts[title] = series
    return charts


def test_docx_has_a_toc_field_and_native_charts_with_the_figures(handout: tuple[BuildResult, Path, Path]) -> None:
    path = handout[2] / f"tai-lieu-hoi-nghi-{NAM}.docx"
    document = Document(str(path))
    instructions = " ".join(
        t.text or "" for t in document.element.body.iter(f"{{{document.element.nsmap['w']}}}instrText")
    )
    assert " TOC " in instructions
    assert "Một số chỉ tiêu chủ yếu" in "\n".join(p.text for p in document.paragraphs)
    charts = _chart_values(path)
    assert len(charts) >= 4
    members = sum(f["dv_cuoi_ky"] for f in CLEAN.values())
    last = sum(last_year_of(f)["dv_cuoi_ky"] for f in CLEAN.values())
    assert charts["Số đảng viên qua các năm"] == [[members, None, last, members]]  # the missing year is a gap
    admissions = sum(f["dv_ket_nap"] for f in CLEAN.values())
    assert charts["Kết nạp đảng viên so với chỉ tiêu"][-1][-1] == admissions
    with zipfile.ZipFile(path) as z:
        assert sum(1 for n in z.namelist() if n.startswith("word/embeddings/") and n.endswith(".xlsx")) == len(charts)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_docx_handout_opens_in_libreoffice(handout: tuple[BuildResult, Path, Path], tmp_path: Path) -> None:
    source = tmp_path / "tai-lieu.docx"
    shutil.copy(handout[2] / f"tai-lieu-hoi-nghi-{NAM}.docx", source)
    profile = (tmp_path / "lo-profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO((tmp_path / "tai-lieu.pdf").read_bytes())).pages)
    assert "TÀI LIỆU HỘI NGHỊ" in text and "Số đảng viên qua các năm" in text
    assert "phần thứ nhất" in text.lower()


@pytest.mark.slow
def test_odd_page_option_starts_every_part_on_an_odd_page(tmp_path: Path) -> None:
    folder = chain_folder(tmp_path)
    settings = folder / "bao-cao.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "bat_dau_trang_le = true\n", encoding="utf-8")
    result = build(folder, tmp_path / "out", formats=("pdf",))
    assert result.built
    reader = PdfReader(tmp_path / "out" / str(NAM) / f"tai-lieu-hoi-nghi-{NAM}.pdf")
    top = [page for level, title, page in _outline(reader) if level == 1 and title not in ("Bìa",)]
    assert all(page % 2 == 1 for page in top), top
    assert CSV_UNITS  # the folder keeps its combined table


def test_odd_page_option_binds_every_part_on_an_odd_page(
    handout: tuple[BuildResult, Path, Path], tmp_path: Path
) -> None:
    """The fast sibling of the build above: the option read from bao-cao.toml into the handout's context,
    and the handout bound from the report PDF the fixture rendered (the option does not change the report)."""
    _, built_folder, root = handout
    folder = tmp_path / "bo-du-lieu"
    shutil.copytree(built_folder, folder)
    settings = folder / "bao-cao.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "bat_dau_trang_le = true\n", encoding="utf-8")
    dataset = load_folder(folder).dataset()
    figures = aggregate(dataset)
    context = handout_context.build(dataset, figures, consolidated.build(dataset, figures))
    assert context.trang_le
    report = (root / f"bao-cao-tong-hop-{NAM}.pdf").read_bytes()
    bound, _ = bind_pdf(context, report, TemplateSet.for_folder(folder))
    reader = PdfReader(io.BytesIO(bound))
    top = [page for level, title, page in _outline(reader) if level == 1 and title not in ("Bìa",)]
    assert len(top) >= 5 and all(page % 2 == 1 for page in top), top


def test_the_front_matter_is_taken_from_the_cache_when_its_html_is_the_same(
    handout: tuple[BuildResult, Path, Path], tmp_path: Path
) -> None:
    """A rebuild whose front matter says the same takes its PDF from reports.part_cache instead of laying
    it out again: the same handout, byte for byte, and the same contents."""
    _, folder, root = handout
    dataset = load_folder(folder).dataset()
    figures = aggregate(dataset)
    context = handout_context.build(dataset, figures, consolidated.build(dataset, figures))
    report = (root / f"bao-cao-tong-hop-{NAM}.pdf").read_bytes()
    templates = TemplateSet.for_folder(folder)
    first_cache = PdfPartCache(tmp_path / "phan", "muoi")
    first = bind_pdf(context, report, templates, first_cache)
    assert first_cache.hits == 0 and len(list((tmp_path / "phan").glob("*.pdf"))) == 1
    again_cache = PdfPartCache(tmp_path / "phan", "muoi")
    again = bind_pdf(context, report, templates, again_cache)
    assert again_cache.hits == 1 and again_cache.misses == 0
    assert again == first
    assert again[0] == (root / f"tai-lieu-hoi-nghi-{NAM}.pdf").read_bytes(), "the build's own handout"
    # The DOCX made in a task of its own, beside the PDF's binding: the contents found without binding
    # are the bound PDF's (here from the cache; below with the front matter laid out), and the DOCX says
    # what the build's DOCX says.
    assert contents_of(context, report, templates, PdfPartCache(tmp_path / "phan", "muoi")) == first[1]
    as_built = _templates(folder, dataset)  # the build's number format (leading zeros, as the settings ask)
    alone = render_handout(context, {"pdf": report}, ["docx"], as_built)["docx"]
    assert docx_text(alone) == docx_text(root / f"tai-lieu-hoi-nghi-{NAM}.docx")
    assert any(str(entry.trang) in docx_text(alone) for entry in first[1] if entry.trang > 9)
