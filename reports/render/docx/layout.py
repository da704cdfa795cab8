"""The page layout values the DOCX needs, read from `<meta name="layout">` in the HTML.

templates/base.html.j2 writes the [trinh_bay] settings there as JSON, next to the <style> block that gives
the same values to the PDF, so both formats get the layout from the one HTML (no side argument). The
keys are the settings' names; a key is optional (the 36-HD default applies) but never unknown.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from reports.render.docx.dom import invalid


@dataclass(frozen=True)
class Layout:
    le_tren_mm: float = 20.0
    le_duoi_mm: float = 20.0
    le_trai_mm: float = 30.0
    le_phai_mm: float = 15.0
    co_chu: float = 14.0
    thut_dau_dong_mm: float = 10.0
    gian_dong_pt: float = 18.0
    cach_doan_pt: float = 6.0
    # Decimal places of the percentages: the body text arrives formatted; figure builders (native
    # charts' number formats) read it from here.
    so_le_thap_phan: int = 2


_FIELDS = {f.name: f for f in dataclasses.fields(Layout)}


def parse_layout(el: Any) -> Layout:
    """Layout from `<meta name="layout" content='{"le_tren_mm": 20, ...}'>`."""
    raw = el.get("content") or ""
    try:
        values = json.loads(raw)
    except ValueError:
        raise invalid(el, "nội dung phải là một đối tượng JSON.") from None
    if not isinstance(values, dict):
        raise invalid(el, "nội dung phải là một đối tượng JSON.")
    unknown = sorted(set(values) - set(_FIELDS))
    if unknown:
        raise invalid(el, f"khóa không hỗ trợ: {', '.join(unknown)}.")
    checked: dict[str, Any] = {}
    for key, value in values.items():
        want_int = _FIELDS[key].type in (int, "int")
        if isinstance(value, bool) or not isinstance(value, int if want_int else (int, float)) or value < 0:
            kind = "số nguyên" if want_int else "số"
            raise invalid(el, f'"{key}" phải là {kind} không âm, không phải {json.dumps(value, ensure_ascii=False)}.')
        checked[key] = value
    return Layout(**checked)
