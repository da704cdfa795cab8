"""reports.values.parse_count: whole numbers >= 0 in every form a reader gives, nothing else, never a crash."""

from __future__ import annotations

import datetime as dt
import math
import string

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from reports.values import EXCEL_ERRORS, MAX_COUNT, ExcelError, Parsed, clean_code, parse_count, parse_text, show

COUNTS = st.integers(min_value=0, max_value=MAX_COUNT)
EXACT_FLOATS = st.integers(min_value=0, max_value=MAX_COUNT)  # every one of these is exact as a float


def grouped(n: int, sep: str = ".") -> str:
    """12345678 -> "12.345.678" (Vietnamese thousands grouping)."""
    return f"{n:,}".replace(",", sep)


def refused(result: Parsed) -> bool:
    return result.value is None and bool(result.problem) and not result.blank


@given(COUNTS)
def test_int(n: int) -> None:
    assert parse_count(n) == Parsed(n)


@given(EXACT_FLOATS)
def test_whole_float(n: int) -> None:
    assert parse_count(float(n)) == Parsed(n)


@given(COUNTS, st.sampled_from(["", " ", "  ", "\t", "\u00a0"]))
def test_plain_text(n: int, pad: str) -> None:
    assert parse_count(f"{pad}{n}{pad}") == Parsed(n)


@given(COUNTS, st.sampled_from([".", " ", "\u00a0", "\u202f"]))
@example(1234, ".")
@example(1000000, ".")
def test_grouped_text_round_trips(n: int, sep: str) -> None:
    assert parse_count(grouped(n, sep)) == Parsed(n)


@given(st.integers(max_value=-1))
def test_negative_int_is_refused(n: int) -> None:
    result = parse_count(n)
    assert refused(result) and "âm" in result.problem


@given(st.integers(min_value=-(2**53), max_value=-1))
def test_negative_float_and_text_are_refused(n: int) -> None:
    for raw in (float(n), str(n), grouped(n), f"−{-n}"):
        result = parse_count(raw)
        assert refused(result) and "âm" in result.problem, raw


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_are_whole_or_refused(x: float) -> None:
    result = parse_count(x)
    if math.isfinite(x) and x.is_integer() and 0 <= x <= MAX_COUNT:
        assert result == Parsed(int(x))
    else:
        assert refused(result)


@given(st.floats(min_value=0, max_value=1e9).filter(lambda x: not x.is_integer()))
def test_non_integral_float_is_refused_as_decimal(x: float) -> None:
    result = parse_count(x)
    assert refused(result) and "thập phân" in result.problem


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=99), st.sampled_from(",."))
def test_decimal_text_is_refused(whole: int, fraction: int, mark: str) -> None:
    result = parse_count(f"{whole}{mark}{fraction}")
    assert refused(result) and "thập phân" in result.problem


@given(st.text(min_size=1).filter(lambda s: any(c.isalpha() for c in s)))
@example("12 đv")
@example("12đv")
@example("khoảng 12")
@example("1e3")
@example("0x10")
def test_text_with_letters_is_refused(text: str) -> None:
    assume(text.strip().upper() not in EXCEL_ERRORS)
    result = parse_count(text)
    assert refused(result), (text, result)


@given(st.one_of(st.text(), st.binary(), st.none(), st.booleans(), st.integers(), st.floats(), st.dates()))
@example("")
@example("−")
@example("1.23.4")
@example("٣")
@example("１２")
def test_never_raises_and_is_a_count_or_a_reason(raw: object) -> None:
    result = parse_count(raw)
    assert isinstance(result, Parsed)
    if result.value is not None:
        assert isinstance(result.value, int) and result.value >= 0 and not result.problem
    elif raw is None or (isinstance(raw, str) and not raw.strip()):
        assert result.blank
    else:
        assert result.problem, raw


@given(st.text(alphabet=string.digits + ".,- đv", max_size=12))
def test_any_text_of_digits_and_marks_is_either_whole_or_refused(text: str) -> None:
    result = parse_count(text)
    if result.value is not None:
        digits = "".join(c for c in text if c.isdigit())
        assert result.value == int(digits)
        assert "-" not in text and "," not in text and not any(c.isalpha() for c in text)


@pytest.mark.parametrize("raw", [None, "", "   ", "\t", "\u00a0"])
def test_blank_is_not_reported_not_zero(raw: object) -> None:
    result = parse_count(raw)
    assert result.blank and result.value is None and result.problem == ""


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (ExcelError("#REF!"), "#REF!"),
        ("#DIV/0!", "#DIV/0!"),
        ("#n/a", "#N/A"),
        (True, "TRUE/FALSE"),
        (dt.date(2026, 12, 31), "ngày"),
        (dt.datetime(2026, 12, 31, 8, 0), "ngày"),
        ("1.2345", "thập phân"),
        ("12.5", "thập phân"),
        ("- 5", "âm"),
        ("–5", "âm"),
        ("12 đv", "chữ"),
        ("1.23.4", "chữ"),
        (b"12", "không đọc được"),
    ],
)
def test_refusals_say_why(raw: object, says: str) -> None:
    result = parse_count(raw)
    assert refused(result)
    assert says in result.problem


def test_show_and_codes() -> None:
    assert show(12.0) == "12"
    assert show(3.5) == "3.5"
    assert show(dt.date(2026, 12, 10)) == "10/12/2026"
    assert show(None) == ""
    assert show(ExcelError("#REF!")) == "#REF!"
    assert clean_code(101.0) == "101"
    assert clean_code(" STC\u00a0") == "STC"
    assert clean_code(ExcelError("#N/A")) == ""
    assert parse_text(ExcelError("#REF!")) is None
    assert parse_text(" Mo\u0302 hi\u0300nh ") == "Mô hình"


@given(st.integers(min_value=1, max_value=6000))
@example(4300)
@example(4301)
def test_very_long_digit_strings_do_not_raise(length: int) -> None:
    text = "7" * length
    result = parse_count(text)
    if length <= len(str(MAX_COUNT)) - 1:
        assert result == Parsed(int(text))
    elif length <= 4300:  # Python's default limit for int(str)
        assert refused(result) and "quá lớn" in result.problem
    else:
        assert refused(result) and "quá dài" in result.problem
