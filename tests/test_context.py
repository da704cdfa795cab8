"""The declared contexts and the sentences the templates make of them, on the hand-made Dataset of test_aggregate."""

from __future__ import annotations

import dataclasses
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
from reports.settings import ChiTieuNamSau, NoiDung, VanBan


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
    assert "đảng viên dự bị 21 đồng chí (chiếm 5,5% tổng số đảng viên)" in text
    assert "17/21 tổ chức đảng (80,95%) hoàn thành tốt nhiệm vụ trở lên" in text
    assert "327/364 đồng chí (89,84%) hoàn thành tốt nhiệm vụ trở lên" in text


def test_not_reported_figures_say_how_many_units_reported(text):
    assert "2 đảng bộ bộ phận (2/3 đơn vị báo cáo)" in text
    assert "5 đồng chí (2,38%; 1/3 đơn vị báo cáo)" in text
    assert "Số liệu đào tạo, bồi dưỡng do 2/3 đơn vị báo cáo." in text
    assert "kết nạp được 11/14 đảng viên theo chỉ tiêu, đạt 78,57%" in text


def test_indicator_nobody_reported_is_never_zero():
    dataset = sample_dataset()
    for code in ("qh_luot", "qh_nu", "qh_duoi_40"):
        dataset.figures[code] = pd.Series(pd.NA, index=dataset.figures.index, dtype="Int64")
    text = report_text(consolidated_context(dataset))
    assert "c) Công tác đào tạo" in text
    assert "b) Công tác quy hoạch cán bộ Chưa có đơn vị báo cáo số liệu về quy hoạch cán bộ. c)" in text


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
        "- Có từ 85% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên."
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
        "2 đảng bộ bộ phận (2/3 đơn vị báo cáo) và 16 chi bộ trực thuộc",
        # members at start and end, each movement
        "đầu năm 2024 là 370 đồng chí",
        "đến cuối năm có 382 đồng chí",
        "kết nạp 17, chuyển đến 7, phục hồi đảng tịch 1 đồng chí",
        "từ trần 3, khai trừ 1, xóa tên 1, xin ra khỏi Đảng 0, chuyển đi 8 đồng chí",
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
        "quy hoạch 35 lượt cán bộ (2/3 đơn vị báo cáo)",
        "bổ nhiệm, bổ nhiệm lại 8 lượt cán bộ, trong đó bổ nhiệm lại 3 lượt",
        "luân chuyển 3 lượt cán bộ; điều động 5 lượt cán bộ",
        # training
        "trung cấp lý luận chính trị 7 đồng chí",
        "Mở 5 lớp bồi dưỡng với 1.430 lượt học viên",
        # inspection and discipline
        "kiểm tra 5 tổ chức đảng và 17 đảng viên; giám sát 3 tổ chức đảng và 9 đảng viên",
        "Thi hành kỷ luật 3 đảng viên (khiển trách 1, cảnh cáo 1, cách chức 0, khai trừ 1",
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
        "PHẦN THỨ NHẤT KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2024",
        "I- ĐẶC ĐIỂM TÌNH HÌNH",
        "II- KẾT QUẢ THỰC HIỆN",
        "III- ĐÁNH GIÁ CHUNG",
        "PHẦN THỨ HAI PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025",
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
        "BÁO CÁO số liệu công tác xây dựng Đảng năm 2024 của Đảng bộ Sở Tài chính",
        "Đảng viên cuối năm 200 210 +10",
        "Đảng bộ Sở Tài chính là đảng bộ cơ sở, có 2 đảng bộ bộ phận và 10 chi bộ trực thuộc.",
        "đến cuối năm có 210 đồng chí",
        "Có 11/13 tổ chức đảng (84,62%) hoàn thành tốt nhiệm vụ trở lên.",
        "Mở 3 lớp bồi dưỡng với 1.250 lượt học viên.",
        "I- MỘT SỐ CHỈ TIÊU CHỦ YẾU SO VỚI NĂM 2023",
        "II- TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN",
        "VI- Ý KIẾN CỦA ĐƠN VỊ",
        "Hạn chế, khuyết điểm: Sinh hoạt chuyên đề ở một số chi bộ chưa đều./.",
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
    assert text.count("./.") == 1 and "./. Nơi nhận:" in text


def test_unit_report_without_last_year_or_texts():
    dataset = sample_dataset(last_year=False)
    context = unit_context(dataset, "DB02")
    assert not context.f.co_nam_truoc
    text = report_text(context, "bao-cao-don-vi.html.j2")
    assert "SO VỚI NĂM" not in text
    assert "I- TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN" in text
    assert "V- Ý KIẾN CỦA ĐƠN VỊ" in text
    assert "Đề xuất, kiến nghị: Đề nghị mở thêm lớp bồi dưỡng nghiệp vụ công tác đảng./." in text
    # DB02 left so_dang_bo_bo_phan blank: only the figure it gave is stated.
    assert "Đảng bộ Sở Y tế là đảng bộ cơ sở, có 6 chi bộ trực thuộc." in text
