"""The declared contexts and the sentences the templates make of them, on the hand-made Dataset of test_aggregate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import replace
from html.parser import HTMLParser

import pandas as pd
import pytest
from test_aggregate import sample_dataset

from reports.aggregate import aggregate, unit_dataset
from reports.context import consolidated, unit
from reports.context.values import Paragraph, paragraphs
from reports.render.html import render_html
from reports.settings import ChiTieu, ChiTieuNamSau, NoiDung, VanBan


class _Text(HTMLParser):
    """Visible text (whitespace collapsed), plus every tag and class used."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: set[str] = set()
        self.classes: set[tuple[str, str]] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "class" and value:
                self.classes.update((tag, c) for c in value.split())
        if tag in ("style", "title"):
            self._skip += 1
        if tag in ("p", "td", "th", "h1", "h2", "h3", "h4", "br", "tr"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.parts))


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def consolidated_context(dataset):
    return consolidated.build(dataset, aggregate(dataset))


def unit_context(dataset, code):
    return unit.build(dataset, code, aggregate(unit_dataset(dataset, code), tables=False))


def report_text(context, template: str = "bao-cao-tong-hop.html.j2") -> str:
    return parse(render_html(template, context)).text


@pytest.fixture(scope="module")
def dataset():
    return sample_dataset()


@pytest.fixture(scope="module")
def context(dataset):
    return consolidated_context(dataset)


@pytest.fixture(scope="module")
def html(context):
    return render_html("bao-cao-tong-hop.html.j2", context)


@pytest.fixture(scope="module")
def text(html):
    return parse(html).text


def test_figures_are_formatted_the_vietnamese_way(text):
    assert "1.430 lượt học viên" in text
    assert "nữ 172 đồng chí (chiếm 45,03% tổng số đảng viên)" in text
    assert "đảng viên dự bị 21 đồng chí (chiếm 5,50% tổng số đảng viên)" in text
    assert "17/21 tổ chức đảng (80,95%) hoàn thành tốt nhiệm vụ trở lên" in text
    assert "327/364 đồng chí (89,84%) hoàn thành tốt nhiệm vụ trở lên" in text


def test_not_reported_figures_name_their_base_and_coverage_is_said_once(text):
    assert "2 đảng bộ bộ phận và 16 chi bộ trực thuộc" in text
    # a share whose base is not the printed total names its base in the same sentence
    assert "người dân tộc thiểu số 5 đồng chí (chiếm 2,38% trong số 210 đảng viên của các đơn vị có báo cáo)" in text
    assert "đơn vị báo cáo)" not in text  # no repeated "(x/y đơn vị báo cáo)" parenthesis
    assert "Ghi chú về số liệu" in text
    assert "Số đảng bộ bộ phận: 2/3 đơn vị báo cáo; chưa báo cáo: Đảng bộ Sở Y tế" in text
    assert "kết nạp được 11/14 đảng viên theo chỉ tiêu, đạt 78,57%" in text


def test_indicator_nobody_reported_is_never_zero():
    dataset = sample_dataset()
    for code in ("qh_luot", "qh_nu", "qh_duoi_40"):
        dataset.figures[code] = pd.Series(pd.NA, index=dataset.figures.index, dtype="Int64")
    text = report_text(consolidated_context(dataset))
    assert "c) Công tác đào tạo" in text
    assert "b) Công tác quy hoạch cán bộ Chưa có số liệu về quy hoạch cán bộ. c)" in text


def test_partial_report_names_the_units_left_out(context, text):
    assert "tổng hợp từ 3/5 đơn vị" in text
    assert "Không tổng hợp (số liệu có lỗi): Chi bộ Liên đoàn Lao động tỉnh." in text
    assert "Chưa báo cáo: Chi bộ Hội Cựu chiến binh tỉnh." in text
    assert context.doc.draft and context.pham_vi.so_don_vi == 3
    assert '<meta name="draft" content="DỰ THẢO">' in render_html("bao-cao-tong-hop.html.j2", context)


def test_complete_report_has_no_coverage_statement():
    dataset = sample_dataset(draft=False)
    dataset = dataclasses.replace(dataset, units=dataset.units.loc[["DB01", "DB02", "CB01"]], excluded=[], missing=[])
    context = consolidated_context(dataset)
    assert context.pham_vi.du
    html = render_html("bao-cao-tong-hop.html.j2", context)
    assert "tổng hợp từ" not in html
    assert not context.doc.draft and "DỰ THẢO" not in html


def test_units_not_completing_their_tasks_are_named(text):
    assert "thuộc: Đảng bộ Sở Tài chính (1), Chi bộ Hội Nông dân tỉnh (1)." in text


def test_last_year_comparison_sentences(text):
    assert "tăng 12 đảng viên (3,24%) so với năm 2023" in text
    assert "tăng 4 đảng viên (30,77%) so với năm 2023" in text


def test_settings_texts_become_paragraphs_and_dash_items():
    blocks = paragraphs("Đoạn một\ntiếp tục.\n\n- Ý thứ nhất;\n- Ý thứ hai\n  còn tiếp.\n\nĐoạn cuối.")
    assert blocks == (
        Paragraph("Đoạn một tiếp tục."),
        Paragraph("- Ý thứ nhất;", dash=True),
        Paragraph("- Ý thứ hai còn tiếp.", dash=True),
        Paragraph("Đoạn cuối."),
    )
    assert paragraphs("  ") == ()


def test_settings_texts_targets_and_opening_are_used():
    dataset = sample_dataset()
    settings = dataclasses.replace(
        dataset.settings,
        noi_dung=NoiDung(uu_diem="Đoàn kết, thống nhất."),
        chi_tieu_nam_sau=ChiTieuNamSau(ket_nap=20, tcd_htt_tro_len_pct=85.0),
        van_ban=VanBan(can_cu="Thực hiện Hướng dẫn số 25-HD/BTCTW ngày 10/10/2024 của Ban Tổ chức Trung ương"),
    )
    dataset = dataclasses.replace(dataset, settings=settings)
    html = render_html("bao-cao-tong-hop.html.j2", consolidated_context(dataset))
    text = parse(html).text
    assert "1. Ưu điểm Đoàn kết, thống nhất. 2." in text
    assert '<p class="placeholder">[Phần do người soạn thảo viết: những hạn chế, khuyết điểm trong năm]</p>' in html
    assert (
        "Phấn đấu trong năm 2025: - Kết nạp từ 20 đảng viên mới trở lên; "
        "- Có từ 85,00% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên."
    ) in text
    assert (
        "-----  Thực hiện Hướng dẫn số 25-HD/BTCTW ngày 10/10/2024 của Ban Tổ chức Trung ương, Ban Thường vụ báo cáo "
        "tổng kết công tác xây dựng Đảng năm 2024 và phương hướng, nhiệm vụ năm 2025 như sau:"
    ).replace("  ", " ") in text


def test_appendix_rows_keep_units_left_out_without_zeros(context, text):
    rows = context.phu_luc.tang_giam.rows
    assert [r.ten for r in rows if r.loai == "group"] == ["Khối Nhà nước", "Khối Đảng, đoàn thể"]
    by_code = {r.ma: r for r in rows if r.loai == "unit"}
    assert by_code["DB01"].so_lieu == (200, 10, 5, 0, 1, 1, 0, 0, 3, 210)
    assert (by_code["CB02"].trang_thai, by_code["CB02"].so_lieu) == ("excluded", ())
    assert (by_code["CB03"].trang_thai, by_code["CB03"].so_lieu) == ("missing", ())
    total = rows[-1]
    assert total.loai == "total" and total.so_lieu[0] == 370 and total.so_lieu[-1] == 382
    assert "Chi bộ Liên đoàn Lao động tỉnh Không tổng hợp (có lỗi)" in text
    assert "Chi bộ Hội Cựu chiến binh tỉnh Chưa báo cáo" in text
    assert "Tổng cộng (3/5 đơn vị) 370 " in text
    index = context.phu_luc.xep_loai.chi_so_cot
    assert index[:3] == ("1", "2", "3=4+5+6+7") and index[7] == "8=9+10+11+12"


def test_rendered_report_states_every_contract_figure(html):
    text = parse(html).text
    expected = [
        # organisations: tổ chức cơ sở đảng by type, đảng bộ bộ phận, chi bộ trực thuộc
        "5 tổ chức cơ sở đảng trực thuộc, gồm 2 đảng bộ cơ sở và 3 chi bộ cơ sở",
        "2 đảng bộ bộ phận và 16 chi bộ trực thuộc",
        # members at start and end, each movement
        "đầu năm 2024 là 370 đồng chí",
        "đến cuối năm có 382 đồng chí",
        "tăng 25 đảng viên (kết nạp 17, chuyển đến 7, phục hồi đảng tịch 1)",
        "giảm 13 đảng viên (từ trần 3, khai trừ 1, xóa tên 1, chuyển đi 8)",
        # women, probationary
        "nữ 172 đồng chí (chiếm 45,03% tổng số đảng viên)",
        "đảng viên dự bị 21 đồng chí",
        # classification by level with shares
        "3 hoàn thành xuất sắc nhiệm vụ (14,29%); 14 hoàn thành tốt nhiệm vụ (66,67%); "
        "2 hoàn thành nhiệm vụ (9,52%); 2 không hoàn thành nhiệm vụ (9,52%)",
        "52 đồng chí hoàn thành xuất sắc nhiệm vụ (14,29%); 275 đồng chí hoàn thành tốt nhiệm vụ (75,55%); "
        "35 đồng chí hoàn thành nhiệm vụ (9,62%); 2 đồng chí không hoàn thành nhiệm vụ (0,55%)",
        # committee composition shares
        "Tổng số cấp ủy viên là 19 đồng chí; trong đó nữ 6 đồng chí (chiếm 31,58% tổng số cấp ủy viên)",
        "lý luận chính trị trung cấp trở lên 16 đồng chí (84,21%)",
        # cadre planning, appointment, rotation
        "quy hoạch 35 lượt cán bộ;",
        "bổ nhiệm, bổ nhiệm lại 8 lượt cán bộ, trong đó bổ nhiệm lại 3 lượt",
        "luân chuyển 3 lượt cán bộ; điều động 5 lượt cán bộ",
        # training
        "Cử cán bộ đi học lý luận chính trị: cao cấp 1 đồng chí; trung cấp 7 đồng chí",
        "Mở 5 lớp bồi dưỡng với 1.430 lượt học viên",
        # inspection and discipline
        "kiểm tra 5 tổ chức đảng và 17 đảng viên; giám sát 3 tổ chức đảng và 9 đảng viên",
        "Thi hành kỷ luật 3 đảng viên (khiển trách 1, cảnh cáo 1, khai trừ 1).",
        # units' own texts, quoted with their names
        "Đảng bộ Sở Tài chính: Hoàn thành toàn bộ chỉ tiêu kết nạp đảng viên.",
        "Chi bộ Hội Nông dân tỉnh: Mô hình “Chi bộ 4 tốt”.",
        # appendices
        "Phụ lục 1",
        "Phụ lục 2",
        "Tổng cộng (3/5 đơn vị)",
    ]
    missing = [phrase for phrase in expected if phrase not in text]
    assert not missing


def test_rendered_report_structure_and_closing_mark(html):
    text = parse(html).text
    headings = [
        "Phần thứ nhất KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2024",
        "I- ĐẶC ĐIỂM TÌNH HÌNH",
        "II- KẾT QUẢ THỰC HIỆN",
        "III- ĐÁNH GIÁ CHUNG",
        "Phần thứ hai PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025",
        "III- ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Đề nghị mở thêm lớp bồi dưỡng nghiệp vụ công tác đảng./. Nơi nhận:" in text
    assert text.count("./.") == 1


ALLOWED_TAGS = {
    "html", "head", "title", "meta", "link", "style", "body", "section", "table", "colgroup", "col", "thead",
    "tbody", "tr", "th", "td", "p", "h1", "h2", "h3", "h4", "b", "i", "br", "div",
}  # fmt: skip
ALLOWED_P_CLASSES = {
    "hb-cap-tren", "hb-co-quan", "hb-sao", "hb-so", "hb-dang", "hb-ngay", "doc-type", "trich-yeu",
    "separator", "dash", "quote", "placeholder", "center", "note", "appendix-title", "appendix-subtitle",
    "appendix-ref",
    "nn-label", "nn-item", "sig-authority", "sig-title", "sig-space", "sig-name",
}  # fmt: skip


def test_html_stays_in_the_documented_subset(html):
    parsed = parse(html)
    assert parsed.tags <= ALLOWED_TAGS
    p_classes = {c for tag, c in parsed.classes if tag == "p"}
    assert p_classes <= ALLOWED_P_CLASSES
    assert {c for tag, c in parsed.classes if tag == "tr"} <= {"total", "group"}
    assert {c for tag, c in parsed.classes if tag in ("td", "th")} <= {"num", "center", "left"}
    assert {c for tag, c in parsed.classes if tag == "section"} == {"portrait", "landscape"}


def test_unit_report(dataset):
    context = unit_context(dataset, "DB01")
    text = report_text(context, "bao-cao-don-vi.html.j2")
    for phrase in (
        "THÔNG BÁO kết quả công tác xây dựng Đảng năm 2024 của Đảng bộ Sở Tài chính",
        "Số -TB/ĐUK",
        "Đảng viên cuối năm 200 210 +10",
        "Đảng bộ Sở Tài chính là đảng bộ cơ sở, có 2 đảng bộ bộ phận và 10 chi bộ trực thuộc.",
        "đến cuối năm có 210 đồng chí",
        "Đảng bộ Sở Tài chính chưa được xếp loại chất lượng. Tính cả đảng bộ, có 13 tổ chức đảng được đánh giá",
        "Mở 3 lớp bồi dưỡng với 1.250 lượt học viên.",
        "I- MỘT SỐ CHỈ TIÊU CHỦ YẾU SO VỚI NĂM 2023",
        "II- TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN",
        "VI- Ý KIẾN CỦA ĐƠN VỊ ĐÃ TIẾP NHẬN",
        "Hạn chế, khuyết điểm: Sinh hoạt chuyên đề ở một số chi bộ chưa đều.",
        "đề nghị Ban Chấp hành Đảng bộ Sở Tài chính phát huy kết quả đạt được",
        "Nơi nhận: - Đảng bộ Sở Tài chính (để thực hiện); - Lưu VP.",
    ):
        assert phrase in text
    assert "2/3 đơn vị" not in text  # coverage notes belong to the consolidated report only


def test_unit_report_without_texts_ends_its_last_section_with_the_closing_mark(dataset):
    no_texts = dataset.figures.copy()
    for code in ("nd_ket_qua_noi_bat", "nd_mo_hinh", "nd_han_che", "nd_kien_nghi"):
        if code in no_texts.columns:
            no_texts[code] = None
    quiet = replace(dataset, figures=no_texts)
    context = unit_context(quiet, "DB01")
    assert not any(context.y_kien.values())
    text = report_text(context, "bao-cao-don-vi.html.j2")
    assert "Ý KIẾN CỦA ĐƠN VỊ" not in text
    assert text.count("./.") == 1 and "tổ chức thực hiện tốt nhiệm vụ năm 2025./. Nơi nhận:" in text


def test_unit_report_without_last_year_or_texts():
    dataset = sample_dataset(last_year=False)
    context = unit_context(dataset, "DB02")
    assert not context.f.co_nam_truoc
    text = report_text(context, "bao-cao-don-vi.html.j2")
    assert "SO VỚI NĂM" not in text
    assert "I- TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN" in text
    assert "V- Ý KIẾN CỦA ĐƠN VỊ ĐÃ TIẾP NHẬN" in text
    assert "Đề xuất, kiến nghị: Đề nghị mở thêm lớp bồi dưỡng nghiệp vụ công tác đảng." in text
    # DB02 left so_dang_bo_bo_phan blank: only the figure it gave is stated.
    assert "Đảng bộ Sở Y tế là đảng bộ cơ sở, có 6 chi bộ trực thuộc." in text


# --- issue 8: right figures and bases, targets, ratings by level, named units, unit documents -------------


def _with_levels(dataset, levels):
    units = dataset.units.copy()
    units["xep_loai"] = [levels.get(code, "") for code in units.index]
    return replace(dataset, units=units)


def test_discipline_total_is_every_form_reported(dataset):
    """CB01 left every form blank, DB02 gave only cảnh cáo: each form still counts."""
    figures = dataset.figures.copy()
    figures.loc["DB02", "kl_khien_trach"] = pd.NA
    text = report_text(consolidated_context(replace(dataset, figures=figures)))
    expected = sum(
        int(v)
        for code in ("kl_khien_trach", "kl_canh_cao", "kl_cach_chuc", "kl_khai_tru")
        for v in figures[code].dropna()
    )
    assert f"Thi hành kỷ luật {expected} đảng viên (" in text
    assert "Không có tổ chức đảng bị kỷ luật" in text or "không có tổ chức đảng bị kỷ luật" in text


def test_targets_stand_beside_their_results_with_status():
    dataset = sample_dataset(draft=False)
    settings = dataclasses.replace(
        dataset.settings,
        chi_tieu=ChiTieu(
            (("ket_nap", 20.0), ("dv_htt_tro_len_pct", 85.0), ("tcd_htt_tro_len_pct", 90.0)), True, "chi_tieu"
        ),
    )
    text = report_text(consolidated_context(dataclasses.replace(dataset, settings=settings)))
    assert "kết nạp 17 đảng viên mới, đạt 85,00% chỉ tiêu (20 đảng viên), không đạt chỉ tiêu" in text
    assert (
        "327/364 đồng chí (89,84%) hoàn thành tốt nhiệm vụ trở lên (chỉ tiêu 85,00%), vượt chỉ tiêu 4,84 điểm phần trăm"
        in text
    )
    assert "(chỉ tiêu 90,00%), không đạt chỉ tiêu 9,05 điểm phần trăm" in text
    assert "đạt và vượt 1/3 chỉ tiêu chủ yếu" in text
    # the one-table summary: last year, target, this year, change (percentage points for a share)
    html = render_html(
        "bao-cao-tong-hop.html.j2", consolidated_context(dataclasses.replace(dataset, settings=settings))
    )
    assert "Kết quả thực hiện các chỉ tiêu chủ yếu" in html and "Không đạt (85,00%)" in html


def test_change_of_a_rate_is_in_percentage_points(dataset):
    last = dataset.last_year.copy()
    last["dv_duoc_danh_gia"] = (last["dv_htxs"] + last["dv_htt"]) * 2  # 50,00% rated good or better last year
    text = report_text(consolidated_context(replace(dataset, last_year=last)))
    assert "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên tăng 39,84 điểm phần trăm so với năm 2023 (50,00%)." in text


def test_base_organisations_rated_separately_and_named(dataset):
    rated = _with_levels(dataset, {"DB01": "htxs", "DB02": "htt", "CB01": "kht", "CB02": "htt", "CB03": "htt"})
    text = report_text(consolidated_context(rated))
    assert "- Tổ chức cơ sở đảng: có 5 tổ chức cơ sở đảng được đánh giá, xếp loại chất lượng" in text
    assert (
        "1 hoàn thành xuất sắc nhiệm vụ (20,00%); 3 hoàn thành tốt nhiệm vụ (60,00%); "
        "1 không hoàn thành nhiệm vụ (20,00%)" in text
    )
    assert "(đề nghị khen thưởng): Đảng bộ Sở Tài chính." in text
    assert "Tổ chức cơ sở đảng không hoàn thành nhiệm vụ: Chi bộ Hội Nông dân tỉnh." in text
    assert (
        "- Tổ chức đảng trực thuộc tổ chức cơ sở đảng (đảng bộ bộ phận, chi bộ trực thuộc): có 18 tổ chức đảng" in text
    )
    assert "Các đơn vị có đảng viên không hoàn thành nhiệm vụ: Đảng bộ Sở Tài chính (2)." in text
    assert "Chưa báo cáo: Chi bộ Hội Cựu chiến binh tỉnh." in text


def test_units_that_admitted_nobody_are_named(dataset):
    figures = dataset.figures.copy()
    figures.loc["CB01", "dv_ket_nap"] = 0
    text = report_text(consolidated_context(replace(dataset, figures=figures)))
    assert "chưa kết nạp được đảng viên mới trong năm (1): Chi bộ Hội Nông dân tỉnh." in text


def test_request_to_the_committee_is_not_passed_to_its_superior(dataset):
    figures = dataset.figures.copy()
    figures.loc["DB01", "nd_kien_nghi"] = "Đề nghị Đảng ủy Khối mở lớp bồi dưỡng bí thư chi bộ."
    html = render_html("bao-cao-tong-hop.html.j2", consolidated_context(replace(dataset, figures=figures)))
    body, appendix = html.split("Phụ lục 1", 1)
    assert "Đề nghị Đảng ủy Khối mở lớp bồi dưỡng bí thư chi bộ" not in body
    assert "Đề nghị Đảng ủy Khối mở lớp bồi dưỡng bí thư chi bộ" in appendix


def test_same_text_of_two_units_is_quoted_once_naming_both(dataset):
    figures = dataset.figures.copy()
    figures.loc["DB02", "nd_han_che"] = "Sinh hoạt chuyên đề ở một số chi bộ chưa đều."
    text = report_text(consolidated_context(replace(dataset, figures=figures)))
    assert "Đảng bộ Sở Tài chính, Đảng bộ Sở Y tế: Sinh hoạt chuyên đề ở một số chi bộ chưa đều." in text
    body = text.split("Phụ lục 1")[0]
    assert body.count("Sinh hoạt chuyên đề ở một số chi bộ chưa đều") == 1


def test_chi_bo_co_so_document_is_worded_for_a_chi_bo(dataset):
    rated = _with_levels(dataset, {"CB01": "htt"})
    text = report_text(unit_context(rated, "CB01"), "bao-cao-don-vi.html.j2")
    assert "THÔNG BÁO" in text and "Số -TB/ĐUK" in text
    assert "Chi bộ Hội Nông dân tỉnh được xếp loại hoàn thành tốt nhiệm vụ." in text
    assert "Tổng số chi ủy viên là 3 đồng chí" in text
    lowered = text.casefold()
    for phrase in ("đảng bộ bộ phận", "ủy ban kiểm tra", "cấp ủy viên", "1/1 tổ chức"):
        assert phrase not in lowered, phrase
    assert not re.search(r"(?<![0-9.,])0 (đồng chí|đảng viên|lượt)", text)  # zero items are left out
    assert "Nơi nhận: - Chi bộ Hội Nông dân tỉnh (để thực hiện);" in text


def test_unit_document_compares_with_the_committee(dataset):
    from reports.context.values import figures as committee_figures

    committee = committee_figures(aggregate(dataset))
    context = unit.build(dataset, "DB01", aggregate(unit_dataset(dataset, "DB01"), tables=False), committee)
    text = report_text(context, "bao-cao-don-vi.html.j2")
    assert "Tỷ lệ này cao hơn tỷ lệ chung của toàn Đảng bộ (89,84%)." in text


def test_cut_off_date_and_leading_zeros():
    from reports.render.html import TemplateSet

    dataset = sample_dataset(draft=False)
    settings = dataclasses.replace(
        dataset.settings, van_ban=VanBan(ngay=dt.date(2024, 12, 20), ngay_so_lieu=dt.date(2024, 12, 15))
    )
    context = consolidated_context(dataclasses.replace(dataset, settings=settings))
    text = parse(render_html("bao-cao-tong-hop.html.j2", context, TemplateSet(leading_zero=True))).text
    assert "Số liệu tính đến ngày 15/12/2024." in text
    assert "gồm 02 đảng bộ cơ sở và 03 chi bộ cơ sở" in text
    assert "Tổng cộng (3/5 đơn vị) 370 " in text  # tables keep plain numbers
