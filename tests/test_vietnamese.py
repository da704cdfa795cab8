"""Vietnamese number, date and document-number formatting (reports/vietnamese.py)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports import vietnamese as vn


def parse_int(text: str) -> int:
    return int(text.replace(".", ""))


def parse_pct(text: str) -> Decimal:
    assert text.endswith("%")
    return Decimal(text[:-1].replace(".", "").replace(",", "."))


# --- fmt_int -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (1234, "1.234"), (5645, "5.645"),
     (1234567, "1.234.567"), (-3, "-3"), (-1234, "-1.234")],
)  # fmt: skip
def test_fmt_int_examples(value: int, expected: str) -> None:
    assert vn.fmt_int(value) == expected


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_fmt_int_round_trips_and_groups_by_three(value: int) -> None:
    text = vn.fmt_int(value)
    assert parse_int(text) == value
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*", text)


@pytest.mark.parametrize("value", [None, True, 3.0, "12"])
def test_fmt_int_refuses_non_integers(value: object) -> None:
    # "Not reported" (None) must never print as 0 or "None".
    with pytest.raises(TypeError):
        vn.fmt_int(value)  # type: ignore[arg-type]


def test_fmt_int_accepts_numpy_integers() -> None:
    numpy = pytest.importorskip("numpy")
    assert vn.fmt_int(numpy.int64(12345)) == "12.345"


# --- fmt_pct, pct ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("92.10"), 2, "92,1%"),
        (Decimal("92.105"), 2, "92,11%"),
        (Decimal("100.00"), 2, "100%"),
        (100, 2, "100%"),
        (Decimal("0.125"), 2, "0,13%"),  # half up, not half to even (0,12)
        (0.125, 2, "0,13%"),
        (0.145, 2, "0,15%"),  # the float 0.145 is 0.14499...; str() keeps what was meant
        (Decimal("2.5"), 0, "3%"),
        (Decimal("84.32"), 2, "84,32%"),
        (Decimal("97.95"), 1, "98%"),
        (Decimal("1234.5"), 1, "1.234,5%"),
        (0, 2, "0%"),
    ],
)
def test_fmt_pct_examples(value: Decimal, decimals: int, expected: str) -> None:
    assert vn.fmt_pct(value, decimals) == expected


@given(
    st.decimals(min_value=0, max_value=1000, places=5, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3),
)
def test_fmt_pct_is_half_up_with_comma_and_no_space(value: Decimal, decimals: int) -> None:
    text = vn.fmt_pct(value, decimals)
    assert " " not in text and "\u00a0" not in text
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d*[1-9])?%", text), text
    expected = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert parse_pct(text) == expected


def test_pct() -> None:
    assert vn.pct(35, 38) == Decimal("92.11")
    assert vn.pct(1, 8, 2) == Decimal("12.50")
    assert vn.pct(1, 8, 1) == Decimal("12.5")
    assert vn.pct(1, 3, 0) == Decimal("33")
    assert vn.pct(0, 0) is None
    assert vn.pct(5, 0) is None


# --- shares and changes ------------------------------------------------------------------------


def test_fmt_share() -> None:
    assert vn.fmt_share(35, 38, "đồng chí") == "35/38 đồng chí (92,11%)"
    assert vn.fmt_share(35, 38) == "35/38 (92,11%)"
    assert vn.fmt_share(65, 65) == "65/65 (100%)"
    assert vn.fmt_share(350459, 365911, decimals=1) == "350.459/365.911 (95,8%)"
    assert vn.fmt_share(0, 0, "đảng viên") == "0/0 đảng viên"


def test_fmt_change() -> None:
    assert vn.fmt_change(12, "đảng viên") == "tăng 12 đảng viên"
    assert vn.fmt_change(-3, "đảng viên") == "giảm 3 đảng viên"
    assert vn.fmt_change(0, "đảng viên") == "không thay đổi"
    assert vn.fmt_change(1500) == "tăng 1.500"


# --- dates -----------------------------------------------------------------------------------------


def test_fmt_date_header_examples() -> None:
    assert vn.fmt_date_header("Hạ Long", dt.date(2026, 2, 3)) == "Hạ Long, ngày 03 tháng 02 năm 2026"
    assert vn.fmt_date_header("Hạ Long", dt.date(2018, 2, 20)) == "Hạ Long, ngày 20 tháng 02 năm 2018"
    assert vn.fmt_date_header("Việt Trì", dt.date(2018, 4, 3)) == "Việt Trì, ngày 03 tháng 4 năm 2018"
    assert vn.fmt_date_header("Hạ Long", dt.date(2026, 12, 18)) == "Hạ Long, ngày 18 tháng 12 năm 2026"
    assert vn.fmt_date_header("X", dt.date(2026, 1, 31)) == "X, ngày 31 tháng 01 năm 2026"


@given(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_fmt_date_header_padding_rules(date: dt.date) -> None:
    match = re.fullmatch(r"Nơi, ngày (\d+) tháng (\d+) năm (\d{4})", vn.fmt_date_header("Nơi", date))
    assert match, date
    day, month, year = match.groups()
    assert (int(day), int(month), int(year)) == (date.day, date.month, date.year)
    assert len(day) == 2  # days below 10 take a leading zero
    assert len(month) == (2 if date.month <= 2 else len(str(date.month)))  # only months 1-2 padded


def test_fmt_date_body() -> None:
    assert vn.fmt_date_body(dt.date(2026, 12, 18)) == "18/12/2026"
    assert vn.fmt_date_body(dt.date(2019, 10, 8)) == "08/10/2019"
    assert vn.fmt_date_body(dt.date(2026, 3, 1)) == "01/03/2026"


# --- roman, document number, ordinals, file names ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, "I"), (4, "IV"), (9, "IX"), (13, "XIII"), (14, "XIV"), (18, "XVIII"), (40, "XL"), (1994, "MCMXCIV")],
)
def test_roman(value: int, expected: str) -> None:
    assert vn.roman(value) == expected


@pytest.mark.parametrize("value", [0, -1, 4000])
def test_roman_out_of_range(value: int) -> None:
    with pytest.raises(ValueError):
        vn.roman(value)


def test_doc_number() -> None:
    assert vn.doc_number("125", "BC", "ĐUK") == "Số 125-BC/ĐUK"
    assert vn.doc_number("5", "BC", "ĐU") == "Số 05-BC/ĐU"  # below 10: leading zero
    assert vn.doc_number(" 22 ", "BC", "ĐU") == "Số 22-BC/ĐU"
    blank = vn.doc_number("", "BC", "ĐUK")
    assert blank == "Số" + "\u00a0" * 6 + "-BC/ĐUK"  # a gap that HTML does not collapse
    assert blank.replace("\u00a0", " ") == "Số      -BC/ĐUK"
    assert ":" not in vn.doc_number("125", "BC", "ĐUK")  # Party style: no colon after "Số"


def test_ordinal_part() -> None:
    assert vn.ordinal_part(1) == "thứ nhất"
    assert vn.ordinal_part(2) == "thứ hai"
    assert vn.ordinal_part(4) == "thứ tư"
    assert vn.ordinal_part(10) == "thứ mười"
    with pytest.raises(ValueError):
        vn.ordinal_part(0)


def test_safe_filename_examples() -> None:
    assert vn.safe_filename("DB_SoTaiChinh-01") == "DB_SoTaiChinh-01"
    assert vn.safe_filename("Đảng bộ Sở Tài chính") == "Dang-bo-So-Tai-chinh"
    assert vn.safe_filename("../../etc/passwd") == "etc-passwd"
    assert vn.safe_filename("CON") == "_CON"
    assert vn.safe_filename("...") == "_"


@given(st.text(max_size=200))
def test_safe_filename_is_always_safe(code: str) -> None:
    name = vn.safe_filename(code)
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}", name), name
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
