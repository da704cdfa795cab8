"""The declared chart: pure data that both renderings (SVG for the PDF, a native chart for the DOCX) read.

A `ChartSpec` is built by the code that knows the figures and carries nothing but numbers and text, so it
can travel through the HTML as JSON (a `data-chart` attribute) and the DOCX writer can turn the same
declaration into a Word chart: the two renderings can never show different numbers.

A value of None is a gap (a year without data, a group that did not report), never a zero: the SVG leaves
the bar out or breaks the line, and the Word chart omits the point (`c:dispBlanksAs val="gap"`).
"""

from __future__ import annotations

import json
import math
import operator
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from reports.vietnamese import fmt_decimal, fmt_int, fmt_pct

KINDS = ("column", "bar", "line", "stacked_column", "pie")
VALUE_FORMATS = ("int", "pct")
DEFAULT_SOURCE = "Nguồn: tổng hợp từ báo cáo của các tổ chức cơ sở đảng"

Value = int | float | None


class ChartSpecError(ValueError):
    """A chart declared inconsistently (a programming error in the code that builds the spec)."""


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category; None marks a gap."""

    name: str
    values: tuple[Value, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(_plain_number(v, self.name) for v in self.values))


@dataclass(frozen=True)
class ChartSpec:
    """A small chart: kind, title, categories, series and how the numbers read.

    `value_format` is "int" (1.234) or "pct" (92,11%, values already scaled to 0-100).
    `source` is printed under the chart ("Nguồn: tổng hợp từ báo cáo của 40/40 tổ chức cơ sở đảng").
    """

    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_format: str = "int"
    category_axis_title: str = ""
    value_axis_title: str = ""
    source: str = DEFAULT_SOURCE
    decimals: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", tuple(str(c) for c in self.categories))
        object.__setattr__(
            self,
            "series",
            tuple(s if isinstance(s, Series) else Series(s["name"], tuple(s["values"])) for s in self.series),
        )
        self._validate()

    def _validate(self) -> None:
        where = f"biểu đồ «{self.title}»"
        if self.kind not in KINDS:
            raise ChartSpecError(f"{where}: loại biểu đồ «{self.kind}» không có (dùng một trong {', '.join(KINDS)})")
        if self.value_format not in VALUE_FORMATS:
            raise ChartSpecError(f"{where}: định dạng số «{self.value_format}» không có (dùng int hoặc pct)")
        if not self.categories or not self.series:
            raise ChartSpecError(f"{where}: cần ít nhất một nhóm và một dãy số liệu")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ChartSpecError(
                    f"{where}: dãy «{s.name}» có {len(s.values)} giá trị cho {len(self.categories)} nhóm"
                )
        if self.kind == "pie":
            if len(self.series) != 1:
                raise ChartSpecError(f"{where}: biểu đồ tròn chỉ có một dãy số liệu")
            if any(v is not None and v < 0 for v in self.series[0].values):
                raise ChartSpecError(f"{where}: biểu đồ tròn không nhận giá trị âm")
        if self.kind == "stacked_column" and any(v is not None and v < 0 for s in self.series for v in s.values):
            raise ChartSpecError(f"{where}: biểu đồ cột chồng không nhận giá trị âm")

    def fmt(self, value: float | int) -> str:
        """A value as the report prints it: 1.234 or 92,11%."""
        if self.value_format == "pct":
            return fmt_pct(value, self.decimals)
        if float(value).is_integer():
            return fmt_int(int(value))
        return fmt_decimal(value, self.decimals)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["categories"] = list(self.categories)
        data["series"] = [{"name": s.name, "values": list(s.values)} for s in self.series]
        return data

    def to_json(self) -> str:
        """Compact, key-sorted JSON (the same spec always gives the same text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChartSpec:
        fields = dict(data)
        fields["categories"] = tuple(fields.get("categories", ()))
        fields["series"] = tuple(Series(s["name"], tuple(s["values"])) for s in fields.get("series", ()))
        return cls(**fields)

    @classmethod
    def from_json(cls, text: str) -> ChartSpec:
        return cls.from_dict(json.loads(text))


def _plain_number(value: Any, series_name: str) -> Value:
    """int stays int, a whole Decimal/float becomes int, other numbers float; NaN is a gap like None."""
    if value is None:
        return None
    if hasattr(value, "__index__") and not isinstance(value, bool):
        return operator.index(value)  # numpy integers from pandas
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ChartSpecError(f"dãy «{series_name}»: giá trị {value!r} không phải là số")
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        raise ChartSpecError(f"dãy «{series_name}»: giá trị {value!r} không phải là số")
    if value == int(value):
        return int(value)
    return float(str(value)) if isinstance(value, Decimal) else value
