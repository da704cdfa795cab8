"""Vietnamese number, date and document-number formatting for report text (pure, no I/O).

The conventions (domain.md section 4 and 1.12): "." groups thousands, "," is the decimal mark, no space
before "%", shares read "35/38 đồng chí (92,11%)", header dates pad the day below 10 and the months 1-2
only ("ngày 03 tháng 4 năm 2018", "ngày 20 tháng 02 năm 2018"). Rounding is Decimal ROUND_HALF_UP,
never Python's round() (half to even), so 0,125 shows as 0,13 like a clerk's calculator would.
We format by hand instead of using the OS vi_VN locale, which may be missing or differ between machines.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
# Width of the blank left for the document number when it is filled in by hand ("Số      -BC/ĐUK").
# Non-breaking spaces, so HTML whitespace collapsing keeps the gap.
BLANK_NUMBER = NBSP * 6

_ORDINALS = ("nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
# Names Windows refuses as file names whatever the extension.
_RESERVED_NAMES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}

Number = int | float | Decimal


def fmt_int(n: int) -> str:
    """A whole number with "." between thousands: 1234567 -> "1.234.567".

    Accepts anything with `__index__` (so numpy integers from pandas work) but not bool, float or None:
    a "not reported" value must be handled by the caller, never printed as 0 or "None".
    """
    if n is None or isinstance(n, bool):
        raise TypeError(f"fmt_int cần một số nguyên, nhận được {n!r}")
    value = operator.index(n)
    return ("-" if value < 0 else "") + _group_thousands(str(abs(value)))


def _group_thousands(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.append(digits[-3:])
        digits = digits[:-3]
    groups.append(digits)
    return ".".join(reversed(groups))


def to_decimal(value: Number) -> Decimal:
    """A Decimal from an int, float or Decimal; floats go through str() so 0.145 stays 0.145."""
    if value is None or isinstance(value, bool):
        raise TypeError(f"cần một số, nhận được {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(operator.index(value))


def round_half_up(value: Number, decimals: int = 2) -> Decimal:
    """Round to `decimals` places, halves away from zero (92,105 -> 92,11)."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_decimal(value: Number, decimals: int = 2) -> str:
    """A number with "," as decimal mark, half-up rounded, trailing zeros dropped: 92,10 -> "92,1"."""
    rounded = round_half_up(value, decimals)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    result = _group_thousands(whole) + ("," + fraction if fraction else "")
    return sign + result


def fmt_pct(value: Number, decimals: int = 2) -> str:
    """A percentage already scaled to 0-100: 92.105 -> "92,11%", 100 -> "100%" (no space before %)."""
    return fmt_decimal(value, decimals) + "%"


def pct(part: Number, whole: Number, decimals: int = 2) -> Decimal | None:
    """`part` as a percentage of `whole`, half-up rounded; None when `whole` is 0 (no share exists)."""
    whole_d = to_decimal(whole)
    if whole_d == 0:
        return None
    return round_half_up(to_decimal(part) * 100 / whole_d, decimals)


def fmt_share(part: int, whole: int, noun: str = "", decimals: int = 2) -> str:
    """ "35/38 đồng chí (92,11%)"; without a noun "35/38 (92,11%)"; with whole 0 just "0/0".

    The denominator is always printed: a percentage without it cannot be checked (domain.md 8.9).
    """
    ratio = f"{fmt_int(part)}/{fmt_int(whole)}"
    if noun:
        ratio += f" {noun}"
    share = pct(part, whole, decimals)
    return ratio if share is None else f"{ratio} ({fmt_pct(share, decimals)})"


def fmt_change(delta: int, noun: str = "") -> str:
    """ "tăng 12 đảng viên", "giảm 3 đảng viên" or "không thay đổi" for a year-on-year difference."""
    value = operator.index(delta)
    if value == 0:
        return "không thay đổi"
    word = "tăng" if value > 0 else "giảm"
    text = f"{word} {fmt_int(abs(value))}"
    return f"{text} {noun}" if noun else text


def fmt_date_header(place: str, date: dt.date) -> str:
    """ "Hạ Long, ngày 03 tháng 02 năm 2026": day < 10 and months 1-2 padded, other months not."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{place}, ngày {day} tháng {month} năm {date.year}"


def fmt_date_body(date: dt.date) -> str:
    """ "18/12/2026": the date form used inside sentences ("ngày 18/12/2026")."""
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


def roman(n: int) -> str:
    """Roman numeral for section numbers and congress terms (1..3999): 13 -> "XIII"."""
    value = operator.index(n)
    if not 0 < value < 4000:
        raise ValueError(f"không viết được số La Mã cho {value}")
    parts = []
    for amount, letters in _ROMAN:
        count, value = divmod(value, amount)
        parts.append(letters * count)
    return "".join(parts)


def doc_number(so: str, type_abbr: str, issuer: str) -> str:
    """ "Số 125-BC/ĐUK"; a blank number leaves a gap to fill by hand: "Số      -BC/ĐUK".

    Party style: no colon after "Số", a hyphen before the type (domain.md 1.4). Numbers below 10 take a
    leading zero ("Số 05-BC/ĐUK").
    """
    number = str(so).strip()
    if number.isdigit() and int(number) < 10:
        number = f"{int(number):02d}"
    if not number:
        return f"Số{BLANK_NUMBER}-{type_abbr}/{issuer}"
    return f"Số {number}-{type_abbr}/{issuer}"


def ordinal_part(n: int) -> str:
    """ "thứ nhất", "thứ hai", ... "thứ mười" for "Phần thứ ..."; larger numbers as digits."""
    value = operator.index(n)
    if value < 1:
        raise ValueError(f"số thứ tự phải từ 1 trở lên, nhận được {value}")
    word = _ORDINALS[value - 1] if value <= len(_ORDINALS) else str(value)
    return f"thứ {word}"


def safe_filename(code: str) -> str:
    """A file name stem that is safe on Windows, macOS and Linux: "Sở Tài chính" -> "So-Tai-chinh".

    Unit codes are already restricted to A-Z a-z 0-9 _ - by the contract; this is the last line of
    defence so a name can never escape the output folder or hit a reserved Windows name.
    """
    text = unicodedata.normalize("NFD", str(code).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip(".-")
    text = re.sub(r"-{2,}", "-", text)[:100].strip(".-")
    if not text:
        return "_"
    if text.split(".")[0].upper() in _RESERVED_NAMES:
        text = "_" + text
    return text
