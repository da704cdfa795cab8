"""Turning raw cell values into counts and texts.

A count is a whole number >= 0. Cells arrive as whatever the reader gives: int, float (every number
in a workbook is a float), str (typed text, CSV fields, Vietnamese "1.234"), bool, dates, or the
`ExcelError` marker. Anything that is not clearly a whole number >= 0 is refused with a reason in
Vietnamese; nothing is guessed and nothing is read as 0.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)

# "1234", "1.234", "1 234" (also with no-break spaces), "1.234.567": Vietnamese thousands grouping.
_WHOLE = re.compile(r"^\d+$|^\d{1,3}(?:[.\u00a0\u202f ]\d{3})+$")


# No count of a party organisation comes near this (a whole province has a few hundred thousand
# members); a larger number is a typing error, and far below 2^63 so that no total can overflow.
MAX_COUNT = 10_000_000

# The code of an `ExcelError` for a formula saved without its result (a file not written by Excel).
UNCALCULATED = "#CHƯA_TÍNH"


@dataclass(frozen=True)
class ExcelError:
    """An error value stored in a cell (#REF!, #DIV/0! ...); the readers produce it, never a blank."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Parsed:
    value: int | None  # None: blank (not reported) or invalid
    problem: str = ""  # non-empty: why the raw value is not a valid count

    @property
    def blank(self) -> bool:
        return self.value is None and not self.problem


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_count(raw: object, ceiling: int = MAX_COUNT) -> Parsed:
    """`raw` as a count: a whole number from 0 to `ceiling`, or why not."""
    result = _parse_count(raw)
    if result.value is not None and result.value > ceiling:
        limit = f"{ceiling:_}".replace("_", ".")
        return Parsed(None, f"số quá lớn (trên {limit}), không thể là một số lượng; kiểm tra lỗi gõ")
    return result


def _parse_count(raw: object) -> Parsed:
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, ExcelError) and raw.code == UNCALCULATED:
        return Parsed(
            None,
            "ô có công thức nhưng chưa có kết quả tính (tệp không được lưu bằng Excel); hãy mở tệp bằng Excel "
            "rồi lưu lại",
        )
    if isinstance(raw, ExcelError):
        return Parsed(None, f"ô chứa giá trị lỗi của Excel {raw.code} (công thức hỏng)")
    if isinstance(raw, bool):
        return Parsed(None, "ô chứa giá trị đúng/sai (TRUE/FALSE), không phải số")
    if isinstance(raw, dt.date | dt.datetime | dt.time):
        return Parsed(None, "ô chứa ngày tháng, không phải số")
    if isinstance(raw, int):
        return _non_negative(raw)
    if isinstance(raw, float):
        return _from_float(raw)
    if isinstance(raw, str):
        return _from_text(raw)
    return Parsed(None, f"giá trị không đọc được ({type(raw).__name__})")


def _non_negative(n: int) -> Parsed:
    if n < 0:
        return Parsed(None, "số âm; số lượng phải là số nguyên không âm")
    return Parsed(n)


def _from_float(x: float) -> Parsed:
    if x != x or x in (float("inf"), float("-inf")):
        return Parsed(None, "không phải số hợp lệ")
    if not x.is_integer():
        return Parsed(None, "số lẻ thập phân; số lượng phải là số nguyên")
    return _non_negative(int(x))


def _from_text(text: str) -> Parsed:
    s = unicodedata.normalize("NFC", text).strip()
    if s.upper() in EXCEL_ERRORS:
        return Parsed(None, f"ô chứa giá trị lỗi của Excel {s.upper()}")
    if _WHOLE.match(s):
        try:
            return Parsed(int(re.sub(r"\D", "", s)))
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            return Parsed(None, "số quá dài, không phải một số lượng")
    if re.fullmatch(r"[-−–]\s*[\d.,\s]+", s):
        return Parsed(None, "số âm; số lượng phải là số nguyên không âm")
    if re.fullmatch(r"\d+[.,]\d+", s):
        return Parsed(None, "số lẻ thập phân; số lượng phải là số nguyên")
    if re.fullmatch(r"[-−–—_.x/]+", s, flags=re.IGNORECASE):
        return Parsed(None, f"dấu '{s}' không phải số; ghi 0 nếu không có, để trống nếu chưa có số liệu")
    return Parsed(None, "có chữ hoặc ký tự không phải số; chỉ ghi con số, ví dụ 12")


def parse_text(raw: object) -> str | None:
    """A narrative value: NFC text with surrounding space trimmed, or None when blank."""
    if is_blank(raw) or isinstance(raw, ExcelError):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFC", str(raw)).strip()


def show(raw: object) -> str:
    """The value as the clerk typed it, for messages (floats that are whole shown without '.0')."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.strftime("%d/%m/%Y %H:%M")
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(raw)).strip()


def clean_code(raw: object) -> str:
    """A unit or indicator code as written: NFC, trimmed; 101.0 typed as a number becomes "101"."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if raw is None or isinstance(raw, ExcelError):
        return ""
    return unicodedata.normalize("NFC", str(raw)).strip()


# --- text that Word and Excel produce ---------------------------------------------------------------

# Characters XML 1.0 cannot hold (openpyxl and lxml refuse them): C0 controls but tab, line feed and
# carriage return; lone surrogates (a file name that was not UTF-8); U+FFFE, U+FFFF. Word's manual line
# break (vertical tab) and page break (form feed) become a space; the others are removed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_AS_SPACE = {"\x0b": " ", "\x0c": " "}

# Characters that show as nothing, or as nothing visible, in a message: format characters (zero-width
# space, joiners, marks, BOM), controls, and the Hangul fillers that look like a blank.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]"
)


def has_invalid_xml(text: str) -> bool:
    return _XML_INVALID.search(text) is not None


def clean_xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold (see `_XML_INVALID`)."""
    return _XML_INVALID.sub(lambda m: _AS_SPACE.get(m.group(), ""), text)


def visible(text: str) -> str:
    """Invisible characters written out, for messages: 'STC\\u200b' -> 'STC⟨U+200B⟩'."""
    if text.isascii() and text.isprintable():
        return text
    return _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)
