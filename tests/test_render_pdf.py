"""The Jinja environment, the document frame (base template, header, signature) and the PDF renderer.

A test-only body (tests/templates/demo.html.j2) extends base.html.j2 with headings, enough paragraphs
to reach page 2, and a landscape appendix with a data table; the PDF is checked through its extracted
text, page boxes and font names, never its bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from reports.document import Signature, format_noi_nhan, make_frame
from reports.errors import UserError
from reports.render import pdf_fonts
from reports.render.html import (
    TEMPLATES_DIR,
    BundledTemplateError,
    TemplateError,
    TemplateSet,
    balance_lines,
    get_environment,
    render_html,
)
from reports.render.pdf import PdfRenderError, render_pdf
from reports.settings import CoQuan, Ky, Settings, TrinhBay, VanBan

TEST_TEMPLATES = Path(__file__).parent / "templates"
ROOT = Path(__file__).parent.parent
NBSP = "\u00a0"


def make_settings(**changes: Any) -> Settings:
    settings = Settings(
        nam=2026,
        co_quan=CoQuan(
            cap_tren="ĐẢNG BỘ TỈNH QUẢNG NINH",
            ten="ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
            ky_hieu="ĐUK",
            dia_danh="Hạ Long",
        ),
        van_ban=VanBan(so="125", ngay=dt.date(2026, 12, 18)),
        ky=Ky(
            ho_ten="Nguyễn Văn An",
            noi_nhan=(
                "Ban Thường vụ Tỉnh ủy (để b/c)",
                "Ban Tổ chức Tỉnh ủy (để b/c)",
                "Các đảng bộ, chi bộ cơ sở",
                "Lưu Văn phòng Đảng ủy Khối",
            ),
        ),
    )
    return dataclasses.replace(settings, **changes)


def demo_context(settings: Settings, *, draft: bool = False, filler: int = 12) -> dict[str, Any]:
    rows = [{"ten": f"Đảng bộ Sở số {i}", "dau": 100 + i, "cuoi": 101 + i} for i in range(30)]
    return {
        "doc": make_frame(settings, draft=draft),
        "nam": settings.nam,
        "so_dv": 12345,
        "so_dv_change": 12,
        "filler": filler,
        "rows": rows,
    }


DEMO = TemplateSet(user_dir=str(TEST_TEMPLATES))


def render_demo(settings: Settings, *, draft: bool = False, filler: int = 12) -> str:
    return render_html("demo.html.j2", demo_context(settings, draft=draft, filler=filler), DEMO)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def demo_html() -> str:
    return render_demo(make_settings())


@pytest.fixture(scope="module")
def demo_pdf(demo_html: str) -> bytes:
    return render_pdf(demo_html)


@pytest.fixture(scope="module")
def draft_pdf() -> bytes:
    return render_pdf(render_demo(make_settings(), draft=True))


# --- the document frame ----------------------------------------------------------------------------


def test_frame_shape() -> None:
    doc = make_frame(make_settings(), draft=False)
    assert doc.so_ky_hieu == "Số 125-BC/ĐUK"
    assert doc.dia_danh_ngay == "Hạ Long, ngày 18 tháng 12 năm 2026"
    assert doc.date_iso == "2026-12-18" and doc.ngay == "18/12/2026"
    assert not doc.draft
    assert doc.cap_tren == "ĐẢNG BỘ TỈNH QUẢNG NINH"
    assert doc.co_quan == doc.author == "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"
    assert doc.trich_yeu == ""  # the template's own wording is used
    assert doc.co_quan_bao_cao == "Ban Thường vụ"
    assert doc.ky == Signature("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn An")
    assert doc.layout.le_trai_mm == 30.0 and doc.layout.gian_dong_pt == 18.0
    assert doc.noi_nhan == (
        "- Ban Thường vụ Tỉnh ủy (để b/c);",
        "- Ban Tổ chức Tỉnh ủy (để b/c);",
        "- Các đảng bộ, chi bộ cơ sở;",
        "- Lưu Văn phòng Đảng ủy Khối.",
    )
    assert make_frame(make_settings(), draft=True).draft


def test_frame_subject_and_blank_number() -> None:
    settings = make_settings(van_ban=VanBan(so="", ngay=dt.date(2026, 2, 3), trich_yeu="sơ kết 6 tháng"))
    doc = make_frame(settings, draft=False)
    assert doc.trich_yeu == "sơ kết 6 tháng"
    assert doc.so_ky_hieu == "Số" + NBSP * 6 + "-BC/ĐUK"
    assert doc.dia_danh_ngay == "Hạ Long, ngày 03 tháng 02 năm 2026"
    assert make_frame(settings, trich_yeu="về riêng đơn vị", draft=False).trich_yeu == "về riêng đơn vị"


def test_format_noi_nhan_normalises_party_style() -> None:
    assert format_noi_nhan(["- Ban Tổ chức;", "Lưu: VT, TH", "Chi bộ 1,"]) == [
        "- Ban Tổ chức;",
        "- Chi bộ 1;",
        "- Lưu VT, TH.",  # no colon after "Lưu" in Party documents, and it goes last
    ]
    assert format_noi_nhan(["Ban Thường vụ Tỉnh ủy"]) == ["- Ban Thường vụ Tỉnh ủy;", "- Lưu VP."]
    assert format_noi_nhan([]) == ["- Lưu VP."]


def test_balance_lines() -> None:
    assert balance_lines("ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", 26) == "ĐẢNG ỦY KHỐI\nCÁC CƠ QUAN TỈNH"
    assert balance_lines("ĐẢNG BỘ TỈNH QUẢNG NINH", 26) == "ĐẢNG BỘ TỈNH QUẢNG NINH"
    assert balance_lines("tổng kết năm 2026 và phương hướng", 20) == "tổng kết năm 2026\nvà phương hướng"


# --- the Jinja environment ---------------------------------------------------------------------------


def test_environment_is_built_once_with_filters() -> None:
    env = get_environment()
    assert env is get_environment()
    assert {"so", "pct", "share", "x_tren_y", "ngay_header", "ngay", "roman", "thu", "dau_ket"} <= set(env.filters)
    template = env.from_string("{{ 1234 | so }} {{ 92.105 | pct }} {{ 35 | share(38, 'đồng chí') }} {{ 7 | so }}")
    assert template.render() == "1.234 92,11% 35/38 đồng chí (92,11%) 7"
    padded = get_environment(TemplateSet(leading_zero=True, decimals=1))
    assert padded.from_string("{{ 7 | so }} {{ 12 | so }} {{ 92.15 | pct }}").render() == "07 12 92,2%"


def test_html_escapes_values_and_follows_the_subset(demo_html: str) -> None:
    settings = make_settings(co_quan=CoQuan(cap_tren="A", ten="B <script>", ky_hieu="ĐU", dia_danh="X"))
    html = render_demo(settings, filler=0)
    assert "<script>" not in html and "B &lt;script&gt;" in html
    assert '<meta name="draft"' not in demo_html
    assert '<link rel="stylesheet" href="style.css">' in demo_html
    assert re.search(r'<section class="portrait">\s*<table class="header-block">', demo_html)
    assert '<section class="landscape">' in demo_html


@pytest.mark.parametrize(
    ("template", "line", "words"),
    [
        ("broken_undefined.html.j2", 4, "chua_co_khoa_nay"),
        ("broken_syntax.html.j2", 4, "endif"),
        ("broken_filter.html.j2", 2, "None"),
    ],
)
def test_template_errors_name_file_and_line(template: str, line: int, words: str) -> None:
    context = {"doc": make_frame(make_settings(), draft=False), "none_value": None}
    with pytest.raises(TemplateError) as caught:
        render_html(template, context, DEMO)
    error = caught.value
    assert isinstance(error, UserError) and error.exit_code == 2
    assert error.template == str(TEST_TEMPLATES / template) and error.line == line
    assert f"{template}, dòng {line}" in error.message and words in error.message


def test_errors_in_bundled_templates_are_bugs() -> None:
    context = {"doc": make_frame(make_settings(), draft=False), "none_value": None}
    bundled_only = TemplateSet()
    with pytest.raises(BundledTemplateError, match=r"khong-co\.html\.j2"):
        render_html("khong-co.html.j2", {}, bundled_only)
    with pytest.raises(TemplateError, match=r"khong-co\.html\.j2"):
        render_html("khong-co.html.j2", {}, DEMO)
    with pytest.raises(BundledTemplateError, match="is undefined"):
        render_html("base.html.j2", {k: v for k, v in context.items() if k != "doc"}, bundled_only)
    assert not issubclass(BundledTemplateError, UserError)


def test_templates_never_receive_dataframes() -> None:
    pandas = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match="pandas"):
        render_html("base.html.j2", {"rows": [{"table": pandas.DataFrame({"a": [1]})}]})


# --- the PDF -----------------------------------------------------------------------------------------


def test_pdf_pages_are_a4_portrait_then_landscape(demo_pdf: bytes) -> None:
    pages = PdfReader(io.BytesIO(demo_pdf)).pages
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
    assert sizes[0] == (595, 842)
    assert sizes[-1] == (842, 595)  # the appendix section is A4 landscape, on its own pages
    assert sizes == sorted(sizes)  # portrait pages first, landscape after


def test_pdf_header_texts(demo_pdf: bytes) -> None:
    first = page_texts(demo_pdf)[0]
    assert unicodedata.is_normalized("NFC", first)
    lines = [line.strip() for line in first.splitlines()]
    for expected in (
        "ĐẢNG BỘ TỈNH QUẢNG NINH",
        "ĐẢNG ỦY KHỐI",
        "CÁC CƠ QUAN TỈNH",
        "*",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
    ):
        assert expected in lines
    # The number and the date line share a line: they are level.
    assert "Số 125-BC/ĐUK Hạ Long, ngày 18 tháng 12 năm 2026" in lines
    assert lines.index("BÁO CÁO") < lines.index("-----")
    assert "tổng kết công tác xây dựng Đảng năm 2026" in lines
    assert "Toàn Đảng bộ có 12.345 đảng viên, tăng 12 đảng viên so với năm 2025" in " ".join(lines)


def test_pdf_signature_block(demo_pdf: bytes) -> None:
    text = "\n".join(page_texts(demo_pdf))
    assert "Nơi nhận:" in text and "T/M BAN THƯỜNG VỤ" in text and "Nguyễn Văn An" in text
    assert "- Lưu Văn phòng Đảng ủy Khối." in text


def test_pdf_page_numbers_from_page_two(demo_pdf: bytes) -> None:
    texts = page_texts(demo_pdf)
    assert len(texts) >= 3
    assert not re.search(r"^\s*1\s*$", texts[0], re.MULTILINE)
    for number, text in enumerate(texts[1:], start=2):
        assert re.search(rf"^\s*{number}\s*$", text, re.MULTILINE), f"no page number on page {number}"


def test_pdf_draft_mark_on_every_page(demo_pdf: bytes, draft_pdf: bytes) -> None:
    draft_pages = page_texts(draft_pdf)
    assert len(draft_pages) >= 3
    assert all("DỰ THẢO" in text for text in draft_pages)
    assert not any("DỰ THẢO" in text for text in page_texts(demo_pdf))


def embedded_fonts(pdf: bytes) -> dict[str, bytes]:
    """Every font the PDF uses: its name without the subset tag -> the embedded TrueType file."""
    fonts: dict[str, bytes] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descendant: Any = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"]
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
            fonts[str(font["/BaseFont"]).split("+")[-1]] = descriptor["/FontFile2"].get_object().get_data()
    return fonts


def test_pdf_embeds_the_bundled_fonts(demo_pdf: bytes) -> None:
    fonts = embedded_fonts(demo_pdf)
    # "BaoCao-Serif" is the @font-face family of style.css: the bundled files were used, not a system
    # font (a missing face would fall back to the generic serif, DejaVu here).
    assert set(fonts) == {"BaoCao-Serif", "BaoCao-Serif-Bold", "BaoCao-Serif-Italic", "BaoCao-Serif-Bold-Italic"}
    bundled = (TEMPLATES_DIR / "fonts" / "BaoCaoSerif-Regular.ttf").read_bytes()
    # Subset per document (only the glyphs drawn keep an outline), hinting and layout tables dropped.
    assert all(len(data) < len(bundled) / 2 for data in fonts.values())
    for data in fonts.values():
        font = TTFont(io.BytesIO(data))
        assert font["maxp"].numGlyphs > 100  # glyph ids kept: the text refers to them
        assert not {"GSUB", "GPOS", "fpgm", "prep"} & set(font.keys())


VIETNAMESE = ("Đảng", "đồng chí", "ủy", "Nguyễn", "Ưu", "ờ", "ỹ", "Ẵ")


def test_pdf_text_keeps_vietnamese_letters() -> None:
    words = " ".join(VIETNAMESE)
    html = (
        '<html><head><link rel="stylesheet" href="style.css"></head><body>'
        f"<p>{words}</p><p><b>{words}</b></p><p><i>{words}</i></p><p><b><i>{words}</i></b></p>"
        "<p>Số liệu – báo cáo — “trích dẫn” ‘đơn’ … • № 5 × 2 ≤ 3 − 1 ₫</p></body></html>"
    )
    pdf = render_pdf(html)
    text = unicodedata.normalize("NFC", "\n".join(page_texts(pdf)))
    for word in VIETNAMESE:
        assert text.count(word) >= 4, word
    assert "Số liệu – báo cáo — “trích dẫn” ‘đơn’ … • № 5 × 2 ≤ 3 − 1 ₫" in text
    assert len(embedded_fonts(pdf)) == 4  # every character came from the bundled faces, no fallback font


def test_pdf_metadata_and_reproducible_bytes(demo_html: str, demo_pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(demo_pdf)).metadata
    assert meta is not None
    assert meta.title == "Báo cáo tổng kết công tác xây dựng Đảng năm 2026 và phương hướng, nhiệm vụ năm 2027"
    assert meta.author == "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"
    assert render_pdf(demo_html) == demo_pdf


def test_pdf_rendering_leaves_the_environment_alone(
    demo_html: str, demo_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same bytes without SOURCE_DATE_EPOCH, and os.environ untouched while rendering (threads render)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dict(os.environ)
    seen: list[dict[str, str]] = []
    original = pdf_fonts.harfbuzz_subset

    def watching(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        seen.append(dict(os.environ))  # the environment while the fonts are written
        original(font, to_unicode, hinting)

    monkeypatch.setattr("weasyprint.pdf.fonts.Font.subset", watching)
    first = render_pdf(demo_html)
    assert seen and all(env == before for env in seen)
    assert "SOURCE_DATE_EPOCH" not in os.environ and dict(os.environ) == before
    assert first == demo_pdf


@pytest.mark.slow
def test_pdf_bytes_do_not_depend_on_the_process(demo_html: str, demo_pdf: bytes, tmp_path: Path) -> None:
    """A fresh interpreter (another process, no SOURCE_DATE_EPOCH) writes the same bytes."""
    (tmp_path / "in.html").write_text(demo_html, encoding="utf-8")
    script = (
        "import sys, pathlib; from reports.render.pdf import render_pdf; "
        "p = pathlib.Path(sys.argv[1]); (p / 'out.pdf').write_bytes(render_pdf((p / 'in.html').read_text('utf-8')))"
    )
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env, cwd=ROOT)
    assert (tmp_path / "out.pdf").read_bytes() == demo_pdf


def test_pdf_margins_follow_settings(demo_pdf: bytes) -> None:
    wide = make_settings(trinh_bay=TrinhBay(le_trai_mm=60.0))
    moved = render_pdf(render_demo(wide, filler=0))

    def left_edge(pdf: bytes) -> float:
        xs: list[float] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
            if text.strip().startswith("Thực hiện"):
                xs.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])  # x of the text origin on the page

        PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
        assert xs
        return xs[0]

    # 30 mm more left margin moves the paragraph (its indent unchanged) 30 mm = 85 pt right.
    assert left_edge(moved) - left_edge(demo_pdf) == pytest.approx(30 / 25.4 * 72, abs=0.5)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/hostname", "/etc/hostname", "../pyproject.toml", "http://example.com/logo.png", "data:,x"],
)
def test_url_fetcher_refuses_anything_outside_templates(url: str) -> None:
    html = f'<html><head><link rel="stylesheet" href="style.css"></head><body><img src="{url}"></body></html>'
    with pytest.raises(PdfRenderError):
        render_pdf(html)
