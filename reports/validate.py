"""The rules of contract section 6, run in full: every problem is collected, nothing stops early.

Input: the expected units, what the readers found, and (optionally) last year's usable figures.
Output: every problem with its exact place, and for each expected unit that submitted, the parsed
figures of the submission that is used. The rule functions are small and independent; each one
writes its Vietnamese explanation with the unit's own numbers filled in, so the clerk can read the
problem out on the phone.

Cross-indicator rules only look at values that parsed as valid counts: a "12 đv" is reported once as
not a number, not again as a broken sum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reports import indicators as ind
from reports.problems import Place, Problem, error, note, warning
from reports.submissions import ReadResult, Submission, Value
from reports.values import MAX_COUNT, ExcelError, parse_count, parse_text, show
from reports.vietnamese import fmt_int, fmt_pct, pct


@dataclass
class Parsed:
    """One submission with its values parsed: counts (None: blank, absent or invalid) and texts."""

    submission: Submission
    unit: str  # the unit code as listed in don-vi.csv
    loai: str = ""  # the unit's type in don-vi.csv ("" when unknown)
    xep_loai: str = ""  # the level decided for the unit itself (don-vi.csv), "" when not given
    counts: dict[str, int | None] = field(default_factory=dict)
    texts: dict[str, str | None] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)

    def place(self, code: str) -> Place:
        return self.places.get(code, self.submission.table_place)

    def valid(self, *codes: str) -> bool:
        """True when every code holds a valid count (not blank, not invalid)."""
        return all(self.counts.get(c) is not None for c in codes)

    def get(self, code: str) -> int:
        value = self.counts.get(code)
        assert value is not None, code
        return value


@dataclass
class Validation:
    problems: list[Problem]
    used: dict[str, Parsed]  # expected unit code -> the submission whose figures are used

    @property
    def error_units(self) -> set[str]:
        return {p.unit for p in self.problems if p.is_error and p.unit}

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def has_warnings(self) -> bool:
        return any(p.is_warning for p in self.problems)


@dataclass(frozen=True)
class RuleSettings:
    nam: int
    max_excellent_pct: float = 20.0  # [kiem_tra].ty_le_xuat_sac_toi_da
    max_count: int = MAX_COUNT  # [kiem_tra].so_luong_toi_da


def validate(
    units: pd.DataFrame,
    read: ReadResult,
    rules: RuleSettings,
    last_year: pd.DataFrame | None = None,
) -> Validation:
    """Run every rule; `last_year` is last year's usable figures (index ma_don_vi), when given."""
    problems = list(read.problems)
    resolve = _resolver(units.index)
    kinds, levels = _column(units, "loai"), _column(units, "xep_loai")
    previous = _records(last_year)
    by_unit: dict[str, list[Parsed]] = {}
    for submission in read.submissions:
        code = resolve(submission.unit)
        if code is None:
            problems.append(_unknown_unit(submission))
            continue
        parsed = Parsed(submission, code, kinds.get(code, ""), levels.get(code, ""))
        problems += parse_values(parsed, rules.max_count)
        by_unit.setdefault(code, []).append(parsed)
    used: dict[str, Parsed] = {}
    for code, parsed_list in by_unit.items():
        first, *others = parsed_list
        used[code] = first
        checked = [first]
        for other in others:
            duplicate = compare_duplicates(first, other)
            problems += duplicate
            if any(p.is_error for p in duplicate):
                checked.append(other)
        for parsed in checked:
            problems += required_and_blank(parsed)
            for rule in UNIT_RULES:
                problems += rule(parsed, rules)
        if code in previous:
            problems += last_year_rules(first, previous[code], rules)
    problems += missing_units(units, set(by_unit))
    names = units["ten_don_vi"].astype(str)
    return Validation([p.with_unit_name(str(names.get(p.unit, ""))) if p.unit else p for p in problems], used)


def _column(units: pd.DataFrame, name: str) -> dict[str, str]:
    """A text column of don-vi.csv by unit code ("" for blanks; empty when the column is absent)."""
    if name not in units.columns:
        return {}
    return {str(k): str(v) if isinstance(v, str) else "" for k, v in units[name].items()}


def _records(frame: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """Last year's figures as plain dicts (one per unit, first row kept): cheap to look up per unit."""
    if frame is None:
        return {}
    records: dict[str, dict[str, Any]] = {}
    for code, row in zip(frame.index, frame.to_dict("records"), strict=True):
        records.setdefault(str(code), {str(k): v for k, v in row.items()})
    return records


def _resolver(codes: Iterable[str]) -> Callable[[str], str | None]:
    """Match a submitted unit code to don-vi.csv: exactly, else ignoring case when that is unambiguous."""
    exact = set(codes)
    folded: dict[str, list[str]] = {}
    for code in exact:
        folded.setdefault(code.casefold(), []).append(code)

    def resolve(code: str) -> str | None:
        if code in exact:
            return code
        candidates = folded.get(code.casefold(), [])
        return candidates[0] if len(candidates) == 1 else None

    return resolve


def _unknown_unit(s: Submission) -> Problem:
    return error(
        "don_vi_khong_co_trong_danh_sach",
        f"Mã đơn vị '{s.unit}' không có trong danh sách don-vi.csv, nên số liệu này ({len(s.values)} chỉ tiêu) "
        "không được tổng hợp. Kiểm tra lại mã đơn vị ghi trong biểu, hoặc bổ sung đơn vị vào don-vi.csv.",
        unit=s.unit,
        place=s.unit_place,
        indicator="ma_don_vi",
        value=s.unit,
    )


# --- values -----------------------------------------------------------------------------------------


EXPECTED_COUNT = " Giá trị phải là số nguyên không âm."


def parse_values(parsed: Parsed, ceiling: int = MAX_COUNT) -> list[Problem]:
    """Parse each value of a submission: counts, texts, unknown codes, the same code twice."""
    problems: list[Problem] = []
    unit = parsed.unit
    for value in parsed.submission.values:
        indicator = ind.BY_CODE.get(value.code)
        if value.code in parsed.places:
            problems += _repeated_code(parsed, value)
            continue
        parsed.places[value.code] = value.place
        parsed.raw[value.code] = value.raw
        if indicator is None:
            if value.raw is not None:
                problems.append(
                    warning(
                        "chi_tieu_khong_ro",
                        f"Mã chỉ tiêu '{value.code}' không có trong danh mục chỉ tiêu, nên giá trị "
                        f"'{show(value.raw)}' không được tổng hợp. Kiểm tra lỗi chính tả của mã.",
                        unit=unit,
                        place=value.place,
                        indicator=value.code,
                        value=show(value.raw),
                    )
                )
            continue
        if indicator.is_text:
            parsed.texts[value.code] = parse_text(value.raw)
            if isinstance(value.raw, ExcelError):
                problems.append(
                    warning(
                        "noi_dung_loi_excel",
                        f"{indicator.label}: ô chứa giá trị lỗi của Excel {value.raw.code} thay cho nội dung, nên "
                        "nội dung này không được đưa vào báo cáo.",
                        unit=unit,
                        place=value.place,
                        indicator=value.code,
                        value=show(value.raw),
                    )
                )
            continue
        result = parse_count(value.raw, ceiling)
        parsed.counts[value.code] = result.value
        if result.problem:
            parsed.invalid.add(value.code)
            problems.append(
                error(
                    "khong_phai_so_nguyen",
                    f"{indicator.label}: {result.problem}." + ("" if "không âm" in result.problem else EXPECTED_COUNT),
                    unit=unit,
                    place=value.place,
                    indicator=value.code,
                    value=show(value.raw),
                )
            )
    return problems


def same_value(code: str, a: object, b: object) -> bool:
    """Two raw values of one indicator say the same: as shown, or as counts ("1.234" and 1234.0)."""
    if show(a) == show(b):
        return True
    indicator = ind.BY_CODE.get(code)
    if indicator is None or indicator.is_text:
        return False
    first, second = parse_count(a), parse_count(b)
    return first.value is not None and first.value == second.value


def _repeated_code(parsed: Parsed, value: Value) -> list[Problem]:
    first_raw, first_place = parsed.raw.get(value.code), parsed.places[value.code]
    same = same_value(value.code, first_raw, value.raw)
    label = ind.label(value.code)
    if same:
        return [
            warning(
                "chi_tieu_lap_lai",
                f"{label} ({value.code}) được ghi hai lần cùng giá trị (lần đầu ở {first_place.describe()}).",
                unit=parsed.unit,
                place=value.place,
                indicator=value.code,
                value=show(value.raw),
            )
        ]
    if value.code in ind.BY_CODE:
        parsed.counts[value.code] = None
        parsed.invalid.add(value.code)
    return [
        error(
            "chi_tieu_lap_khac_nhau",
            f"{label} ({value.code}) được ghi hai lần với hai giá trị khác nhau: '{show(first_raw)}' ở "
            f"{first_place.describe()} và '{show(value.raw)}' ở đây. Chỉ giữ một dòng đúng.",
            unit=parsed.unit,
            place=value.place,
            indicator=value.code,
            value=show(value.raw),
        )
    ]


def required_and_blank(parsed: Parsed) -> list[Problem]:
    """A required indicator blank or absent is an error; an optional one is listed as not reported."""
    problems = []
    unit = parsed.unit
    for indicator in ind.CATALOGUE:
        code = indicator.code
        if code in parsed.invalid:
            continue
        value = parsed.texts.get(code) if indicator.is_text else parsed.counts.get(code)
        if value is not None:
            continue
        present = code in parsed.places
        if indicator.required:
            where = "để trống" if present else "không có trong biểu (thiếu dòng hoặc cột mã chỉ tiêu này)"
            problems.append(
                error(
                    "thieu_chi_tieu_bat_buoc",
                    f"{indicator.label} là chỉ tiêu bắt buộc nhưng {where}. Ghi số liệu, kể cả số 0.",
                    unit=unit,
                    place=parsed.place(code),
                    indicator=code,
                )
            )
        elif not indicator.is_text:
            where = "để trống" if present else "không có trong biểu"
            problems.append(
                note(
                    "chua_bao_cao",
                    f"{indicator.label}: chỉ tiêu không bắt buộc, {where}; được coi là chưa báo cáo (không tính là 0).",
                    unit=unit,
                    place=parsed.place(code),
                    indicator=code,
                )
            )
    return problems


# --- duplicates -------------------------------------------------------------------------------------


def compare_duplicates(first: Parsed, other: Parsed) -> list[Problem]:
    """The same unit twice: identical figures are a warning, any difference is an error naming both."""
    codes = list(dict.fromkeys([*first.raw, *other.raw]))
    differing = [c for c in codes if not same_value(c, first.raw.get(c), other.raw.get(c))]
    a, b = first.submission, other.submission
    if not differing:
        return [
            warning(
                "nop_trung_giong_nhau",
                f"Đơn vị nộp hai lần với số liệu giống hệt nhau: {a.describe()} và {b.describe()}. "
                "Chỉ dùng một bản; nên xóa bản thừa.",
                unit=first.unit,
                place=b.unit_place,
                indicator="ma_don_vi",
                value=first.unit,
            )
        ]
    problems = []
    for code in differing:
        problems.append(
            error(
                "nop_trung_khac_nhau",
                f"Đơn vị nộp hai lần với số liệu khác nhau. {ind.label(code)}: '{show(first.raw.get(code))}' ở "
                f"{first.place(code).describe()}, nhưng '{show(other.raw.get(code))}' ở "
                f"{other.place(code).describe()}. Giữ lại một bản đúng và xóa bản kia.",
                unit=first.unit,
                place=other.place(code),
                indicator=code,
                value=show(other.raw.get(code)),
            )
        )
    return problems


def missing_units(units: pd.DataFrame, submitted: set[str]) -> list[Problem]:
    lines = units["dong"].astype(int).to_dict()
    return [
        warning(
            "chua_nop",
            "Đơn vị có trong danh sách don-vi.csv nhưng chưa nộp số liệu (chưa có biểu trong thư mục nop/).",
            unit=str(code),
            place=Place("don-vi.csv", "", f"dòng {lines[code]}"),
            indicator="ma_don_vi",
            value=str(code),
        )
        for code in units.index
        if code not in submitted
    ]


# --- rules between indicators -------------------------------------------------------------------------


def _sum_text(values: Sequence[int]) -> str:
    return " + ".join(fmt_int(v) for v in values)


def membership_identity(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """D = A + kết nạp + chuyển đến + phục hồi − từ trần − khai trừ − xóa tên − xin ra − chuyển đi."""
    codes = ("dv_dau_ky", *ind.MEMBERSHIP_INCREASES, *ind.MEMBERSHIP_DECREASES, "dv_cuoi_ky")
    if not p.valid(*codes):
        return []
    start, end = p.get("dv_dau_ky"), p.get("dv_cuoi_ky")
    plus = [p.get(c) for c in ind.MEMBERSHIP_INCREASES]
    minus = [p.get(c) for c in ind.MEMBERSHIP_DECREASES]
    expected = start + sum(plus) - sum(minus)
    if expected == end:
        return []
    return [
        error(
            "can_doi_dang_vien",
            f"Số đảng viên không cân đối: cuối kỳ (D) ghi {fmt_int(end)}, nhưng đầu kỳ + tăng − giảm = "
            f"{fmt_int(start)} + ({_sum_text(plus)}) − ({_sum_text(minus)}) = {fmt_int(expected)} "
            f"(chênh lệch {fmt_int(end - expected)}). Cần: cuối kỳ = đầu kỳ + kết nạp + chuyển đến + phục hồi "
            "đảng tịch − từ trần − khai trừ − xóa tên − xin ra khỏi Đảng − chuyển đi.",
            unit=p.unit,
            place=p.place("dv_cuoi_ky"),
            indicator="dv_cuoi_ky",
            value=fmt_int(end),
        )
    ]


def level_sums(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """The four classification levels add up to the number evaluated (organisations and members)."""
    problems = []
    for total_code, parts in ind.LEVEL_SUMS.items():
        if not p.valid(total_code, *parts):
            continue
        values = [p.get(c) for c in parts]
        total = p.get(total_code)
        if sum(values) == total:
            continue
        who = "tổ chức đảng" if total_code.startswith("tcd") else "đảng viên"
        problems.append(
            error(
                "tong_xep_loai",
                f"Bốn mức xếp loại {who} (xuất sắc + tốt + hoàn thành + không hoàn thành nhiệm vụ) cộng lại = "
                f"{_sum_text(values)} = {fmt_int(sum(values))}, khác số {who} được đánh giá, xếp loại = "
                f"{fmt_int(total)}. Tổng bốn mức phải bằng số được đánh giá, xếp loại.",
                unit=p.unit,
                place=p.place(total_code),
                indicator=total_code,
                value=fmt_int(total),
            )
        )
    return problems


def parts_within_wholes(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """Every "trong đó" at most its total."""
    problems = []
    for part, whole in ind.PART_OF:
        if not p.valid(part, whole) or p.get(part) <= p.get(whole):
            continue
        problems.append(
            error(
                "trong_do_lon_hon_tong",
                f"{ind.label(part)} ({part}) = {fmt_int(p.get(part))} lớn hơn tổng của nó là {ind.label(whole)} "
                f'({whole}) = {fmt_int(p.get(whole))}. Số "trong đó" không được lớn hơn tổng.',
                unit=p.unit,
                place=p.place(part),
                indicator=part,
                value=fmt_int(p.get(part)),
            )
        )
    return problems


def organisations_rated_cap(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """tcd_duoc_danh_gia ≤ 1 (the grassroots organisation) + đảng bộ bộ phận + chi bộ trực thuộc."""
    if not p.valid("tcd_duoc_danh_gia", "so_chi_bo_truc_thuoc") or "so_dang_bo_bo_phan" in p.invalid:
        return []
    sub_branches = p.counts.get("so_dang_bo_bo_phan") or 0
    branches = p.get("so_chi_bo_truc_thuoc")
    cap = 1 + sub_branches + branches
    rated = p.get("tcd_duoc_danh_gia")
    if rated <= cap:
        return []
    return [
        error(
            "vuot_so_to_chuc",
            f"Số tổ chức đảng được đánh giá, xếp loại = {fmt_int(rated)} lớn hơn số tổ chức đảng có thể đánh "
            f"giá = 1 (tổ chức cơ sở đảng) + {fmt_int(sub_branches)} đảng bộ bộ phận + {fmt_int(branches)} chi "
            f"bộ trực thuộc = {fmt_int(cap)}."
            + (
                " Số đảng bộ bộ phận để trống được tính là 0; nếu đơn vị có đảng bộ bộ phận, hãy ghi số này."
                if p.counts.get("so_dang_bo_bo_phan") is None
                else ""
            ),
            unit=p.unit,
            place=p.place("tcd_duoc_danh_gia"),
            indicator="tcd_duoc_danh_gia",
            value=fmt_int(rated),
        )
    ]


def evaluation_coverage(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """Evaluated + exempt + not evaluated = members at the end of the year (when both optionals given)."""
    codes = ("dv_duoc_danh_gia", "dv_mien_danh_gia", "dv_chua_danh_gia")
    if not p.valid(*codes, "dv_cuoi_ky"):
        return []
    values = [p.get(c) for c in codes]
    end = p.get("dv_cuoi_ky")
    if sum(values) == end:
        return []
    return [
        warning(
            "tong_danh_gia_dang_vien",
            f"Đảng viên được đánh giá + được miễn đánh giá + chưa đánh giá = {_sum_text(values)} = "
            f"{fmt_int(sum(values))}, khác số đảng viên cuối kỳ = {fmt_int(end)}.",
            unit=p.unit,
            place=p.place("dv_duoc_danh_gia"),
            indicator="dv_duoc_danh_gia",
            value=fmt_int(values[0]),
        )
    ]


def excellent_share(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """Members rated "xuất sắc" at most a share (default 20 %) of those rated "tốt" (21-HD/BTCTW)."""
    if not p.valid("dv_htxs", "dv_htt"):
        return []
    excellent, good = p.get("dv_htxs"), p.get("dv_htt")
    if excellent * 100 <= rules.max_excellent_pct * good:
        return []
    share = pct(excellent, good)
    ratio = f"bằng {fmt_pct(share)} số" if share is not None else "trong khi không có"
    return [
        warning(
            "ty_le_xuat_sac",
            f"Đảng viên hoàn thành xuất sắc nhiệm vụ = {fmt_int(excellent)}, {ratio} đảng viên hoàn thành tốt "
            f"nhiệm vụ ({fmt_int(good)}), vượt mức tối đa {fmt_pct(rules.max_excellent_pct)} (Hướng dẫn "
            "21-HD/BTCTW; mức này đặt trong bao-cao.toml, [kiem_tra] ty_le_xuat_sac_toi_da).",
            unit=p.unit,
            place=p.place("dv_htxs"),
            indicator="dv_htxs",
            value=fmt_int(excellent),
        )
    ]


def expulsions_match(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """Members expelled by discipline should be those struck off by expulsion in the movement table."""
    if not p.valid("kl_khai_tru", "dv_khai_tru") or p.get("kl_khai_tru") == p.get("dv_khai_tru"):
        return []
    return [
        warning(
            "khai_tru_khong_khop",
            f"Đảng viên bị kỷ luật khai trừ (kl_khai_tru) = {fmt_int(p.get('kl_khai_tru'))} khác số đảng viên "
            f"giảm do khai trừ (dv_khai_tru) = {fmt_int(p.get('dv_khai_tru'))}; hai số này thường bằng nhau "
            "(trừ khi quyết định kỷ luật và việc xóa khỏi danh sách ở hai năm khác nhau).",
            unit=p.unit,
            place=p.place("kl_khai_tru"),
            indicator="kl_khai_tru",
            value=fmt_int(p.get("kl_khai_tru")),
        )
    ]


def figures_of_other_unit_types(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """A figure the unit's type cannot have, reported above 0 (a chi bộ cơ sở inspecting tổ chức đảng)."""
    problems = []
    kind = ind.UNIT_TYPES.get(p.loai, "").lower()
    for code in sorted(ind.NOT_APPLICABLE.get(p.loai, ()), key=ind.COUNT_CODES.index):
        if not p.valid(code) or p.get(code) == 0:
            continue
        problems.append(
            warning(
                "khong_ap_dung_loai_don_vi",
                f"{ind.label(code)} ({code}) = {fmt_int(p.get(code))}, nhưng đơn vị là {kind}: {kind} không có "
                "đảng bộ bộ phận, không có tổ chức đảng trực thuộc để kiểm tra, giám sát, kỷ luật. Đề nghị đơn vị "
                "kiểm tra lại (có thể số này là của đảng viên, hoặc của chính chi bộ do cấp trên thực hiện).",
                unit=p.unit,
                place=p.place(code),
                indicator=code,
                value=fmt_int(p.get(code)),
            )
        )
    return problems


def own_level_counted(p: Parsed, rules: RuleSettings) -> list[Problem]:
    """The level decided for the unit itself (don-vi.csv `xep_loai`) is among its tcd_* counts."""
    code = f"tcd_{p.xep_loai}"
    if not p.xep_loai or not p.valid(code) or p.get(code) > 0:
        return []
    level = ind.LEVEL_LABELS[p.xep_loai].lower()
    return [
        warning(
            "xep_loai_khong_khop",
            f"Theo don-vi.csv (cột xep_loai), tổ chức cơ sở đảng được xếp loại {level}, nhưng số tổ chức đảng "
            f"{level} trong biểu ({code}) = 0. Số tổ chức đảng theo từng mức phải tính cả chính tổ chức cơ sở "
            "đảng; đề nghị kiểm tra lại biểu hoặc cột xep_loai.",
            unit=p.unit,
            place=p.place(code),
            indicator=code,
            value="0",
        )
    ]


UNIT_RULES: tuple[Callable[[Parsed, RuleSettings], list[Problem]], ...] = (
    membership_identity,
    level_sums,
    parts_within_wholes,
    organisations_rated_cap,
    evaluation_coverage,
    excellent_share,
    expulsions_match,
    figures_of_other_unit_types,
    own_level_counted,
)


def last_year_rules(p: Parsed, last: Mapping[str, Any], rules: RuleSettings) -> list[Problem]:
    """This year's opening stock is last year's closing stock; figures identical to last year's."""
    problems = []
    before = last.get("dv_cuoi_ky")
    previous_end = None if before is None or pd.isna(before) else int(before)
    if p.valid("dv_dau_ky") and previous_end is not None and p.get("dv_dau_ky") != previous_end:
        problems.append(
            warning(
                "dau_ky_khac_nam_truoc",
                f"Đảng viên đầu kỳ năm {rules.nam} = {fmt_int(p.get('dv_dau_ky'))} khác số đảng viên cuối kỳ "
                f"năm {rules.nam - 1} của đơn vị = {fmt_int(previous_end)} (theo dữ liệu nam-truoc/).",
                unit=p.unit,
                place=p.place("dv_dau_ky"),
                indicator="dv_dau_ky",
                value=fmt_int(p.get("dv_dau_ky")),
            )
        )
    problems += probationary_balance(p, last, rules)
    if _identical_to_last_year(p, last):
        problems.append(
            warning(
                "giong_nam_truoc",
                f"Toàn bộ số liệu giống hệt số liệu năm {rules.nam - 1} của đơn vị; có thể đơn vị đã gửi lại "
                "biểu của năm trước. Đề nghị đơn vị kiểm tra lại.",
                unit=p.unit,
                place=p.submission.table_place,
            )
        )
    return problems


def _count(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


# Movements that may take a probationary member in or out without admission or recognition.
PROBATIONARY_MOVES: tuple[str, ...] = ("dv_chuyen_den", *ind.MEMBERSHIP_DECREASES)


def probationary_balance(p: Parsed, last: Mapping[str, Any], rules: RuleSettings) -> list[Problem]:
    """Dự bị now ≈ dự bị last year + kết nạp − công nhận chính thức, within the transfers and removals.

    The form does not say how many of those who moved were probationary, so the gap is a warning only
    when it is larger than every movement in and out put together.
    """
    before = _count(last.get("dv_du_bi"))
    codes = ("dv_du_bi", "dv_ket_nap", "dv_cong_nhan_chinh_thuc", *PROBATIONARY_MOVES)
    if before is None or not p.valid(*codes):
        return []
    admitted, recognised, now = p.get("dv_ket_nap"), p.get("dv_cong_nhan_chinh_thuc"), p.get("dv_du_bi")
    expected = before + admitted - recognised
    moves = sum(p.get(c) for c in PROBATIONARY_MOVES)
    if abs(now - expected) <= moves:
        return []
    return [
        warning(
            "du_bi_khong_khop",
            f"Đảng viên dự bị cuối năm {rules.nam} = {fmt_int(now)}, nhưng dự bị năm {rules.nam - 1} "
            f"({fmt_int(before)}) + kết nạp ({fmt_int(admitted)}) − công nhận chính thức ({fmt_int(recognised)}) "
            f"= {fmt_int(expected)}; chênh lệch {fmt_int(abs(now - expected))} lớn hơn tổng số chuyển đến, chuyển "
            f"đi và giảm khác ({fmt_int(moves)}). Đề nghị đơn vị kiểm tra lại số dự bị, kết nạp, công nhận chính thức.",
            unit=p.unit,
            place=p.place("dv_du_bi"),
            indicator="dv_du_bi",
            value=fmt_int(now),
        )
    ]


def _identical_to_last_year(p: Parsed, last: Mapping[str, Any]) -> bool:
    compared = 0
    for code in ind.COUNT_CODES:
        now = p.counts.get(code)
        before = last.get(code)
        before = None if before is None or pd.isna(before) else int(before)
        if now != before:
            return False
        compared += now is not None
    return compared > 0
