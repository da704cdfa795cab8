"""The Jinja environment and the document frame shared by every report template.

One environment factory (`get_environment`): templates/ on the search path, StrictUndefined (a
misspelt key fails instead of printing nothing), autoescape for .j2/.html, trim_blocks/lstrip_blocks,
and the Vietnamese formatting functions registered once as filters:

    so           fmt_int            {{ 1234 | so }}                      -> 1.234
    pct          fmt_pct            {{ 92.105 | pct }}                   -> 92,11%
    share        fmt_share          {{ 35 | share(38, "đồng chí") }}     -> 35/38 đồng chí (92,11%)
    change       fmt_change         {{ -3 | change("đảng viên") }}       -> giảm 3 đảng viên
    ngay_header  fmt_date_header    {{ date | ngay_header("Hạ Long") }}  -> Hạ Long, ngày 03 tháng 02 năm 2026
    ngay         fmt_date_body      {{ date | ngay }}                    -> 18/12/2026
    roman        roman              {{ 2 | roman }}                      -> II
    thu          ordinal_part       {{ 1 | thu }}                        -> thứ nhất
    so_ky_hieu   doc_number         {{ "125" | so_ky_hieu("BC", "ĐUK") }} -> Số 125-BC/ĐUK
    lines        escape, "\n" -> <br>
    balanced     a line broken evenly in two when too long for its box (share of the text width):
                 {{ doc.co_quan | balanced(doc.layout, 0.5) }} -> ĐẢNG ỦY KHỐI<br>CÁC CƠ QUAN TỈNH
    css_string   CSS string literal for text inside <style>

Rendering errors (syntax, undefined names, a filter given None) become `TemplateError`, naming the
template file and line. Templates only ever receive plain values (dicts, lists, str, numbers, dates):
`render_html` refuses a pandas object anywhere in the context.

The document frame: context key ``doc``, a plain dict built by `make_doc` and read by
templates/base.html.j2 and its partials (the report bodies extend base.html.j2):

    doc.title          str   <title> and PDF/DOCX title: "Báo cáo tổng kết công tác xây dựng Đảng ..."
    doc.author         str   <meta name="author">: the issuing body (co_quan.ten)
    doc.date_iso       str   <meta name="date">: "2026-12-18" (settings.build_date)
    doc.draft          str   "" when not a draft, else "DỰ THẢO" (<meta name="draft"> + every page)
    doc.cap_tren       str   superior body, capitals ("ĐẢNG BỘ TỈNH QUẢNG NINH")
    doc.co_quan        str   issuing body, capitals ("ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH")
    doc.so_ky_hieu     str   "Số 125-BC/ĐUK" (or "Số" + 6 no-break spaces + "-BC/ĐUK" when blank)
    doc.dia_danh_ngay  str   "Hạ Long, ngày 18 tháng 12 năm 2026"
    doc.doc_type       str   "BÁO CÁO"
    doc.trich_yeu      str   subject line, lower case start
    doc.ky             dict  quyen_han ("T/M BAN THƯỜNG VỤ"), chuc_vu ("BÍ THƯ"), ho_ten
    doc.noi_nhan       list  of str, Party style: "- X;" ... last "- Lưu ...." (domain.md 1.10)
    doc.layout         dict  the TrinhBay values (le_tren_mm, le_duoi_mm, le_trai_mm, le_phai_mm,
                             co_chu, thut_dau_dong_mm, gian_dong_pt, cach_doan_pt, so_le_thap_phan)

base.html.j2 defines `{% block body %}` (inside the first, portrait section, between the header and the
signature blocks) and `{% block appendix %}` (after that section; put `<section class="landscape">` or
further `<section class="portrait">` elements there).
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from reports import vietnamese as vn
from reports.errors import UserError
from reports.settings import Settings

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

DOC_TYPE = "BÁO CÁO"
DOC_TYPE_ABBR = "BC"
DRAFT_MARK = "DỰ THẢO"
DEFAULT_FILING_LINE = "Lưu VP"

FILTERS = {
    "so": vn.fmt_int,
    "pct": vn.fmt_pct,
    "share": vn.fmt_share,
    "change": vn.fmt_change,
    "ngay_header": lambda date, place: vn.fmt_date_header(place, date),
    "ngay": vn.fmt_date_body,
    "roman": vn.roman,
    "thu": vn.ordinal_part,
    "so_ky_hieu": vn.doc_number,
}


class TemplateError(UserError):
    """A report template failed to render; the message names the template file and line."""

    def __init__(self, message: str, template: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.template = template
        self.line = line


@lru_cache(maxsize=8)
def get_environment(search_path: tuple[str, ...] = (str(TEMPLATES_DIR),)) -> jinja2.Environment:
    """The Jinja environment for `search_path` (templates/ by default), built once per process."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(search_path)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2", "htm", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.filters["css_string"] = css_string
    env.filters["lines"] = lines
    env.filters["balanced"] = balanced
    return env


def render_html(
    template_name: str, context: Mapping[str, Any], *, environment: jinja2.Environment | None = None
) -> str:
    """Render `template_name` with `context`; failures become a TemplateError naming file and line."""
    _reject_dataframes(context, "context")
    env = environment or get_environment()
    try:
        return env.get_template(template_name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise _template_error(exc, exc.name or template_name, exc.lineno) from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"Không tìm thấy mẫu báo cáo '{exc.name}'.", template=str(exc.name)) from exc
    except Exception as exc:
        filename, line = _template_frame(exc, env)
        raise _template_error(exc, filename or template_name, line) from exc


def _template_error(exc: Exception, filename: str, line: int | None) -> TemplateError:
    where = f"{filename}, dòng {line}" if line else filename
    detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return TemplateError(f"Lỗi khi dựng mẫu báo cáo {where}: {detail}", template=filename, line=line)


def _template_frame(exc: BaseException, env: jinja2.Environment) -> tuple[str | None, int | None]:
    """The innermost traceback frame that belongs to a template (Jinja rewrites frames to them)."""
    roots = [str(Path(p).resolve()) for p in getattr(env.loader, "searchpath", [])]
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        path = str(Path(frame.filename).resolve()) if not frame.filename.startswith("<") else ""
        for root in roots:
            if path.startswith(root + "/"):
                found = (path[len(root) + 1 :], frame.lineno)
    return found


def _reject_dataframes(value: Any, where: str, depth: int = 0) -> None:
    """Templates get display-ready plain values; a DataFrame or Series in the context is a bug."""
    if type(value).__module__.split(".")[0] == "pandas":
        raise TypeError(f"{where}: templates must not receive pandas objects ({type(value).__name__})")
    if depth > 6:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _reject_dataframes(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value[:50]):
            _reject_dataframes(item, f"{where}[{index}]", depth + 1)


def css_string(text: str) -> Markup:
    """A quoted CSS string for text placed inside <style> (where HTML escapes are not decoded)."""
    escaped = "".join(ch if ch.isalnum() or ch in " ,.-/" else f"\\{ord(ch):x} " for ch in str(text))
    return Markup(f'"{escaped}"')


# --- the document frame ------------------------------------------------------------------------


def make_doc(
    settings: Settings, *, trich_yeu: str | None = None, draft: bool = False, so: str | None = None
) -> dict[str, Any]:
    """The `doc` dict (shape in the module docstring) from the settings.

    `trich_yeu` overrides the subject line (e.g. for a unit's own report); otherwise
    `[van_ban].trich_yeu`, otherwise the standard year-end wording for `settings.nam`. `so` overrides
    the document number ("" leaves the blank the văn thư fills in).
    """
    co_quan = settings.co_quan
    subject = (trich_yeu or settings.van_ban.trich_yeu or default_trich_yeu(settings.nam)).strip()
    return {
        "title": f"Báo cáo {subject}",
        "author": co_quan.ten,
        "date_iso": settings.build_date.isoformat(),
        "draft": DRAFT_MARK if draft else "",
        "cap_tren": co_quan.cap_tren,
        "co_quan": co_quan.ten,
        "so_ky_hieu": vn.doc_number(settings.van_ban.so if so is None else so, DOC_TYPE_ABBR, co_quan.ky_hieu),
        "dia_danh_ngay": vn.fmt_date_header(co_quan.dia_danh, settings.build_date),
        "doc_type": DOC_TYPE,
        "trich_yeu": subject,
        "ky": {
            "quyen_han": settings.ky.quyen_han,
            "chuc_vu": settings.ky.chuc_vu,
            "ho_ten": settings.ky.ho_ten,
        },
        "noi_nhan": format_noi_nhan(settings.ky.noi_nhan),
        "layout": dataclasses.asdict(settings.trinh_bay),
    }


# Average advance of a Liberation Serif / Times New Roman character, in mm, measured: 14 pt bold
# capitals 3,05, regular capitals 2,95, bold lower case 2,4. Used only to decide where a long line is
# broken evenly, never for layout.
CAPITALS_MM = 3.1
LOWER_CASE_BOLD_MM = 2.4
HEADER_LEFT_SHARE = 0.5  # the header's left column share of the text width (header.html.j2)


def balanced(
    text: str, layout: Mapping[str, Any], share: float = HEADER_LEFT_SHARE, char_mm: float = CAPITALS_MM
) -> Markup:
    """`text` for a box `share` of the text width wide, broken evenly (<br>) when it needs two lines."""
    text_width = 210.0 - float(layout["le_trai_mm"]) - float(layout["le_phai_mm"])
    return lines(balance_lines(text, int(text_width * share / char_mm)))


def balance_lines(text: str, max_chars: int) -> str:
    """Break a committee name that is too long for its header column into two even lines ("\n").

    Left to the layout engine, "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH" ends with "TỈNH" alone on a line; an even
    break reads as a Party header does. Names with their own "\n" and names that fit are unchanged;
    names needing three lines or more are left to wrap naturally. Templates render "\n" with the
    `balanced` filter (as <br>), so the DOCX and the PDF break at the same place.
    """
    if "\n" in text or len(text) <= max_chars or len(text) > 2 * max_chars:
        return text
    # Never separate a number from the word before it ("năm 2026", "Số 125").
    spaces = [i for i, ch in enumerate(text) if ch == " " and not text[i + 1 : i + 2].isdigit()]
    fitting = [i for i in spaces if i <= max_chars and len(text) - i - 1 <= max_chars]
    if not fitting:
        return text
    cut = min(fitting, key=lambda i: abs(len(text) - 1 - 2 * i))
    return text[:cut] + "\n" + text[cut + 1 :]


def lines(text: str) -> Markup:
    """Escape `text` and turn its "\n" into <br> (names broken on purpose by `balance_lines`)."""
    return Markup("<br>").join(escape(part) for part in str(text).split("\n"))


def default_trich_yeu(nam: int) -> str:
    return f"tổng kết công tác xây dựng Đảng năm {nam} và phương hướng, nhiệm vụ năm {nam + 1}"


def format_noi_nhan(items: Iterable[str]) -> list[str]:
    """Recipient lines in Party style: "- X;" each, the filing line "- Lưu ..." last, ending with ".".

    Settings may already carry a dash or a final ";", "," or "."; those are normalised. The filing
    line takes no colon in Party documents ("- Lưu VP", not "- Lưu: VT"); one is added when missing.
    """
    recipients: list[str] = []
    filing: list[str] = []
    for raw in items:
        text = raw.strip().lstrip("-–+ ").rstrip(" ;,.").strip()
        if not text:
            continue
        if text.casefold().startswith("lưu"):
            filing.append(("Lưu " + text[3:].lstrip(" :")).strip())
        else:
            recipients.append(text)
    lines = [*recipients, *(filing or [DEFAULT_FILING_LINE])]
    return [f"- {line};" for line in lines[:-1]] + [f"- {lines[-1]}."]
