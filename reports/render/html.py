"""The Jinja environment: the template folders searched in order, and the Vietnamese filters.

One environment per (template folders, number format), built once per process:
- the committee's own `<data folder>/templates/` first, then the bundled templates/ (a ChoiceLoader:
  a file of the same relative path replaces the bundled one; every other file stays bundled);
- StrictUndefined (a misspelt name fails instead of printing nothing), autoescape, trim_blocks and
  lstrip_blocks, the `do` extension (templates build lists of clauses);
- the filters below, registered once (docs/mau-van-ban.md documents each, in Vietnamese).

Rendering errors name the template file and line. An error inside the committee's own template is the
user's (`TemplateError`, exit 2); one inside a bundled template is a bug (`BundledTemplateError`, exit 3).
Templates receive declared values (dataclasses, lists, str, numbers, dates), never a pandas object.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from reports import vietnamese as vn
from reports.errors import UserError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
USER_TEMPLATES = "templates"  # the folder name inside a data folder


@dataclass(frozen=True)
class TemplateSet:
    """Where templates are looked up, and how numbers are written.

    `user_dir` is the committee's `<data folder>/templates/` (None when it has none); it is searched
    before `bundled_dir`.
    """

    user_dir: str | None = None
    bundled_dir: str = str(TEMPLATES_DIR)
    decimals: int = 2  # decimal places of a percentage ([trinh_bay].so_le_thap_phan)
    leading_zero: bool = False  # counts below 10 as "07" ([trinh_bay].so_0_duoi_10)

    @property
    def dirs(self) -> tuple[Path, ...]:
        return tuple(Path(d) for d in (self.user_dir, self.bundled_dir) if d)

    @classmethod
    def for_folder(cls, data_folder: Path | None, *, decimals: int = 2, leading_zero: bool = False) -> TemplateSet:
        user = data_folder / USER_TEMPLATES if data_folder is not None else None
        found = str(user.resolve()) if user and user.is_dir() else None
        return cls(found, decimals=decimals, leading_zero=leading_zero)


BUNDLED = TemplateSet()


class TemplateError(UserError):
    """The committee's own template failed to render; the message names its file and line (exit 2)."""

    def __init__(self, message: str, template: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.template = template
        self.line = line


class BundledTemplateError(Exception):
    """A bundled template failed to render: a bug in the tool (exit 3, logged)."""


# The options that shape the code Jinja compiles a template to; they name the bytecode cache's files.
_OPTIONS: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
    "extensions": ["jinja2.ext.do"],
}
_AUTOESCAPED = ("html", "j2", "htm", "xml")


@lru_cache(maxsize=8)
def get_environment(templates: TemplateSet = BUNDLED) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in templates.dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=_AUTOESCAPED),
        bytecode_cache=_bytecode_cache(),
        **_OPTIONS,
    )
    env.filters.update({name: _strict(f) for name, f in _filters(templates).items()})
    return env


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates kept between runs; a cache that cannot be read or written is skipped.

    Compiling the templates is a third of a build's start (0,6 s of 22 templates; loading them compiled
    takes 16 ms). Jinja checks each entry against its template's source (a SHA-1 of it) and its own
    and Python's versions, and keeps the files in its per-user folder (created 0700, its owner checked),
    never in a data or output folder that someone else may have handed over.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@lru_cache(maxsize=1)
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    # A template is compiled against the filters that exist (an unknown one fails at compile time).
    filters = sorted(_filters(BUNDLED))
    options = repr(sorted(_OPTIONS.items())) + repr(_AUTOESCAPED) + repr(filters) + jinja2.__version__
    digest = hashlib.sha256(options.encode()).hexdigest()[:12]
    try:
        return _QuietBytecodeCache(pattern=f"bao-cao-{digest}-%s.cache")
    except (OSError, RuntimeError):  # no private temporary folder to be had: compile every time
        return None


def _strict(function: Any) -> Any:
    """A filter that fails with Jinja's own "'x' is undefined" when given an undefined name."""

    def checked(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        return function(value, *args, **kwargs)

    checked.__name__ = getattr(function, "__name__", "filter")
    checked.__doc__ = function.__doc__
    return checked


def _filters(templates: TemplateSet) -> dict[str, Any]:
    decimals, leading_zero = templates.decimals, templates.leading_zero

    def so(n: int) -> str:
        """A count in a sentence: "1.234"; "07" for 1 to 9 when [trinh_bay].so_0_duoi_10 asks."""
        text = vn.fmt_int(n)
        return f"0{text}" if leading_zero and 0 < n < 10 else text

    def fixed_pct(value: Any, places: int) -> str:
        """Every share with the same decimals ("6,10%", "0,00%", "100,00%"), never trimmed."""
        rounded = vn.round_half_up(value, places)
        text = f"{abs(rounded):.{places}f}"
        whole, _, fraction = text.partition(".")
        sign = "-" if rounded < 0 else ""
        return sign + vn.fmt_int(int(whole)) + ("," + fraction if fraction else "") + "%"

    def pct(value: Any, places: int | None = None) -> str:
        """A percentage (a number, or a Share's pct): "92,11%"; "" for a share that has none (base 0)."""
        if hasattr(value, "pct"):
            value = value.pct
            if value is None:
                return ""
        return fixed_pct(value, decimals if places is None else places)

    def x_tren_y(item: Any, noun: str = "") -> str:
        # Fractions keep plain numbers ("3/5", "35/38"): the leading zero is for counts in sentences.
        text = f"{vn.fmt_int(item.part)}/{vn.fmt_int(item.whole)}" + (f" {noun}" if noun else "")
        share = item.pct if item.whole else None
        return text if share is None else f"{text} ({fixed_pct(share, decimals)})"

    def share(part: int, whole: int, noun: str = "") -> str:
        ratio = f"{vn.fmt_int(part)}/{vn.fmt_int(whole)}" + (f" {noun}" if noun else "")
        value = vn.pct(part, whole, decimals)
        return ratio if value is None else f"{ratio} ({fixed_pct(value, decimals)})"

    return {
        "so": so,
        "so_bang": vn.fmt_int,
        "pct": pct,
        "x_tren_y": x_tren_y,
        "share": share,
        "phan_tram": pct,
        "ngay_header": lambda date, place: vn.fmt_date_header(place, date),
        "ngay": vn.fmt_date_body,
        "roman": vn.roman,
        "thu": vn.ordinal_part,
        "so_ky_hieu": vn.doc_number,
        "viet_hoa_dau": capitalise,
        "dau_ket": closing_mark,
        "css_string": css_string,
        "lines": lines,
        "balanced": balanced,
    }


def render_html(template_name: str, context: Any, templates: TemplateSet = BUNDLED) -> str:
    """Render `template_name` with `context` (a dataclass or a mapping of its top-level names)."""
    names = _top_level(context)
    _reject_dataframes(names, "context")
    env = get_environment(templates)
    try:
        return env.get_template(template_name).render(names)
    except jinja2.TemplateSyntaxError as exc:
        raise _error(templates, exc, exc.filename or exc.name or template_name, exc.lineno) from exc
    except jinja2.TemplateNotFound as exc:
        message = f"Không tìm thấy mẫu văn bản '{exc.name}'."
        if templates.user_dir:
            raise TemplateError(message + f" (Tìm trong {templates.user_dir} và {templates.bundled_dir}.)") from exc
        raise BundledTemplateError(message) from exc
    except Exception as exc:
        filename, line = _template_frame(exc, templates)
        raise _error(templates, exc, filename or template_name, line) from exc


def _top_level(context: Any) -> Mapping[str, Any]:
    if dataclasses.is_dataclass(context) and not isinstance(context, type):
        return {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    if isinstance(context, Mapping):
        return context
    raise TypeError(f"the context must be a dataclass or a mapping, not {type(context).__name__}")


def _error(templates: TemplateSet, exc: Exception, filename: str, line: int | None) -> Exception:
    path = Path(filename)
    user = Path(templates.user_dir) if templates.user_dir else None
    shown = filename
    for root in templates.dirs:
        if path.is_absolute() and path.resolve().is_relative_to(root.resolve()):
            shown = str(path.resolve().relative_to(root.resolve()))
    where = f"{shown}, dòng {line}" if line else shown
    detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if user is not None and path.is_absolute() and path.resolve().is_relative_to(user.resolve()):
        message = f"Mẫu văn bản của đơn vị có lỗi: {user / shown}, dòng {line}: {_explain(exc, detail)}"
        return TemplateError(message, template=str(user / shown), line=line)
    if user is not None and isinstance(exc, jinja2.TemplateError):
        # Bundled templates are tested without a committee's folder; failing beside one, they most
        # likely call a macro or name that the committee's copy of a shared file no longer has.
        message = (
            f"Mẫu văn bản {where} (kèm theo công cụ) không dựng được cùng các mẫu đã sửa trong {user}: "
            f"{_explain(exc, detail)}. Kiểm tra các tệp đã sửa có còn đủ các macro và tên mà mẫu này dùng."
        )
        return TemplateError(message, template=shown, line=line)
    return BundledTemplateError(f"Lỗi trong mẫu văn bản kèm theo công cụ {where}: {detail}")


def _explain(exc: Exception, detail: str) -> str:
    """Jinja's English messages for the mistakes a clerk's IT person makes, explained in Vietnamese."""
    if isinstance(exc, jinja2.UndefinedError) or "is undefined" in detail:
        return f"tên không có trong dữ liệu của mẫu ({detail}); xem docs/mau-van-ban.md"
    if "No filter named" in detail:
        return f"bộ lọc không tồn tại ({detail}); xem danh sách bộ lọc trong docs/mau-van-ban.md"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"sai cú pháp ({detail})"
    return f"lỗi khi dựng mẫu ({type(exc).__name__}: {detail})"


def _template_frame(exc: BaseException, templates: TemplateSet) -> tuple[str | None, int | None]:
    """The innermost traceback frame in a template; a frame in the user's folder wins (it is theirs)."""
    user = str(Path(templates.user_dir).resolve()) + "/" if templates.user_dir else None
    roots = [str(d.resolve()) + "/" for d in templates.dirs]
    innermost: tuple[str | None, int | None] = (None, None)
    innermost_user: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith("<"):
            continue
        path = str(Path(frame.filename).resolve())
        if any(path.startswith(root) for root in roots):
            innermost = (path, frame.lineno)
            if user and path.startswith(user):
                innermost_user = innermost
    return innermost_user if innermost_user[0] else innermost


def _reject_dataframes(value: Any, where: str, depth: int = 0) -> None:
    """Templates get declared values; a DataFrame or Series anywhere in the context is a bug."""
    if type(value).__module__.split(".")[0] == "pandas":
        raise TypeError(f"{where}: templates must not receive pandas objects ({type(value).__name__})")
    if depth > 6:
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _reject_dataframes(getattr(value, f.name), f"{where}.{f.name}", depth + 1)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _reject_dataframes(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value[:50]):
            _reject_dataframes(item, f"{where}[{index}]", depth + 1)


# --- filters that are not number formats ----------------------------------------------------------


def capitalise(text: str) -> str:
    """The first letter in capitals (a sentence that starts with a value): "nữ ..." -> "Nữ ..."."""
    text = str(text)
    return text[:1].upper() + text[1:]


def closing_mark(text: str, mark: str) -> Markup:
    """The last paragraph of a body ends with the closing mark "./.", merged with its full stop."""
    markup = text if isinstance(text, Markup) else escape(text)
    stripped = markup.rstrip()
    if stripped.endswith("."):
        stripped = stripped[:-1]
    return Markup(stripped) + escape(mark) if mark else markup


def css_string(text: str) -> Markup:
    """A quoted CSS string for text placed inside <style> (where HTML escapes are not decoded)."""
    escaped = "".join(ch if ch.isalnum() or ch in " ,.-/" else f"\\{ord(ch):x} " for ch in str(text))
    return Markup(f'"{escaped}"')


# Average advance of a Liberation Serif / Times New Roman character, in mm, measured: 14 pt bold
# capitals 3,05, regular capitals 2,95, bold lower case 2,4. Used only to decide where a long line is
# broken evenly, never for layout.
CAPITALS_MM = 3.1
LOWER_CASE_BOLD_MM = 2.4
HEADER_LEFT_SHARE = 0.5  # the header's left column share of the text width (header.html.j2)


def balanced(text: str, layout: Any, share: float = HEADER_LEFT_SHARE, char_mm: float = CAPITALS_MM) -> Markup:
    """`text` for a box `share` of the text width wide, broken evenly (<br>) when it needs two lines."""
    left = layout["le_trai_mm"] if isinstance(layout, Mapping) else layout.le_trai_mm
    right = layout["le_phai_mm"] if isinstance(layout, Mapping) else layout.le_phai_mm
    text_width = 210.0 - float(left) - float(right)
    return lines(balance_lines(str(text), int(text_width * share / char_mm)))


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
