"""The test helpers of tests/docs_text.py can fail: the parity check rejects a missing, changed or
reordered text, and the DOCX extractor keeps a line break where the writer put one."""

from __future__ import annotations

from docs_text import docx_paragraphs, figures, text_in_order

from reports.render.docx import render_docx

PAGES = [
    "BÁO CÁO Tổng số đảng viên là 4.543 đồng chí. Quy định số 366-",
    "2 QĐ/TW về kiểm điểm. Bảng 1 Tổng cộng 4.425",
]
PARAGRAPHS = ["BÁO CÁO", "Tổng số đảng viên là 4.543 đồng chí.", "Quy định số 366-QĐ/TW về kiểm điểm.", "4.425"]


def test_parity_holds_across_a_page_break_and_a_hyphen_at_a_line_end() -> None:
    assert text_in_order(PARAGRAPHS, PAGES) is None


def test_parity_fails_on_a_changed_figure() -> None:
    changed = [*PARAGRAPHS[:1], "Tổng số đảng viên là 4.544 đồng chí.", *PARAGRAPHS[2:]]
    message = text_in_order(changed, PAGES)
    assert message is not None and "paragraph 1" in message and "not in the PDF at all" in message


def test_parity_fails_on_a_missing_word_and_on_a_missing_space() -> None:
    assert text_in_order(["Tổng số đảng viên là 4.543 đồng chí. Quy"], ["Tổng số đảng viên là 4.543 đồng chí."])
    assert text_in_order(["BÁO CÁO"], ["BÁOCÁO"])


def test_parity_fails_on_paragraphs_out_of_order() -> None:
    swapped = [PARAGRAPHS[1], PARAGRAPHS[0], *PARAGRAPHS[2:]]
    message = text_in_order(swapped, PAGES)
    assert message is not None and "found earlier" in message


def test_parity_does_not_drop_a_number_that_is_text() -> None:
    """Only a page's own number, on page 2 and after, is dropped; a figure at the start of page 1 stays.
    (A page 2 whose text began with the figure 2 would be a false alarm, never a missed difference.)"""
    assert text_in_order(["2 chi bộ"], ["2 chi bộ"]) is None
    assert text_in_order(["2 chi bộ"], ["BÁO CÁO", "2 chi bộ"])


def test_docx_line_break_is_kept_as_a_line() -> None:
    html = (
        '<html><head><meta charset="utf-8"><title>t</title></head><body><section class="portrait">'
        '<p class="trich-yeu">ĐẢNG ỦY KHỐI<br>CÁC CƠ QUAN TỈNH</p>'
        '<p>Số <span class="nowrap">21-HD/BTCTW</span></p></section></body></html>'
    )
    assert docx_paragraphs(render_docx(html)) == ["ĐẢNG ỦY KHỐI\nCÁC CƠ QUAN TỈNH", "Số 21-HD/BTCTW"]


def test_figures_are_counted_with_their_repeats() -> None:
    found = figures("có 1.234 đồng chí (92,11%); 35/38 chi bộ; 1.234 và 7")
    assert found == {"1.234": 2, "92,11%": 1, "35/38": 1}
