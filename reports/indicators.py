"""The indicator catalogue: the one place that knows every indicator code.

Readers use it to tell counts from texts, the rules use its relations, the check report and
the templates use its labels, and the blank form is generated from it. Codes, labels and the
required flags follow contract section 5; units of measure follow the BTCTW forms (planning,
appointment and rotation are counted in "lượt người", not unique persons).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


class Kind(Enum):
    COUNT = "count"
    TEXT = "text"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    group: str
    unit: str  # unit of measure shown in tables ("người", "lượt người", "lớp", "tổ chức", "")
    required: bool = False
    kind: Kind = Kind.COUNT

    @property
    def is_text(self) -> bool:
        return self.kind is Kind.TEXT


GROUPS: dict[str, str] = {
    "A": "Tổ chức đảng",
    "B": "Đảng viên: tăng, giảm",
    "C": "Đánh giá, xếp loại chất lượng",
    "D": "Cấp ủy",
    "E": "Công tác cán bộ",
    "F": "Đào tạo, bồi dưỡng",
    "G": "Kiểm tra, giám sát, kỷ luật",
    "H": "Nội dung",
}

_PERSON = "người"
_TURN = "lượt người"
_ORG = "tổ chức"


def _i(code: str, label: str, group: str, unit: str, required: bool = False) -> Indicator:
    return Indicator(code, label, group, unit, required)


def _t(code: str, label: str) -> Indicator:
    return Indicator(code, label, "H", "", False, Kind.TEXT)


CATALOGUE: tuple[Indicator, ...] = (
    # A. Tổ chức đảng
    _i("so_dang_bo_bo_phan", "Số đảng bộ bộ phận", "A", _ORG),
    _i("so_chi_bo_truc_thuoc", "Số chi bộ trực thuộc", "A", _ORG, True),
    # B. Đảng viên: tăng, giảm (Biểu 1-BTCTW)
    _i("dv_dau_ky", "Đảng viên đầu kỳ (A)", "B", _PERSON, True),
    _i("dv_ket_nap", "Kết nạp", "B", _PERSON, True),
    _i("dv_chuyen_den", "Chuyển đến", "B", _PERSON, True),
    _i("dv_phuc_hoi", "Phục hồi đảng tịch", "B", _PERSON, True),
    _i("dv_tu_tran", "Từ trần", "B", _PERSON, True),
    _i("dv_khai_tru", "Khai trừ", "B", _PERSON, True),
    _i("dv_xoa_ten", "Xóa tên", "B", _PERSON, True),
    _i("dv_xin_ra", "Xin ra khỏi Đảng", "B", _PERSON, True),
    _i("dv_chuyen_di", "Chuyển đi", "B", _PERSON, True),
    _i("dv_cuoi_ky", "Đảng viên cuối kỳ (D)", "B", _PERSON, True),
    _i("dv_nu", "Trong đó: nữ", "B", _PERSON, True),
    _i("dv_du_bi", "Trong đó: dự bị", "B", _PERSON, True),
    _i("dv_dan_toc_thieu_so", "Trong đó: dân tộc thiểu số", "B", _PERSON),
    _i("dv_tuoi_18_30", "Trong đó: từ 18 đến 30 tuổi", "B", _PERSON),
    _i("dv_cong_nhan_chinh_thuc", "Công nhận đảng viên chính thức", "B", _PERSON),
    _i("chi_tieu_ket_nap", "Chỉ tiêu kết nạp trong năm", "B", _PERSON),
    # C. Đánh giá, xếp loại chất lượng
    _i("tcd_duoc_danh_gia", "Tổ chức đảng được đánh giá, xếp loại", "C", _ORG, True),
    _i("tcd_htxs", "Tổ chức đảng hoàn thành xuất sắc nhiệm vụ", "C", _ORG, True),
    _i("tcd_htt", "Tổ chức đảng hoàn thành tốt nhiệm vụ", "C", _ORG, True),
    _i("tcd_ht", "Tổ chức đảng hoàn thành nhiệm vụ", "C", _ORG, True),
    _i("tcd_kht", "Tổ chức đảng không hoàn thành nhiệm vụ", "C", _ORG, True),
    _i("dv_duoc_danh_gia", "Đảng viên được đánh giá, xếp loại", "C", _PERSON, True),
    _i("dv_mien_danh_gia", "Đảng viên được miễn đánh giá", "C", _PERSON),
    _i("dv_chua_danh_gia", "Đảng viên chưa đánh giá", "C", _PERSON),
    _i("dv_htxs", "Đảng viên hoàn thành xuất sắc nhiệm vụ", "C", _PERSON, True),
    _i("dv_htt", "Đảng viên hoàn thành tốt nhiệm vụ", "C", _PERSON, True),
    _i("dv_ht", "Đảng viên hoàn thành nhiệm vụ", "C", _PERSON, True),
    _i("dv_kht", "Đảng viên không hoàn thành nhiệm vụ", "C", _PERSON, True),
    # D. Cấp ủy
    _i("cu_tong", "Số cấp ủy viên", "D", _PERSON),
    _i("cu_nu", "Cấp ủy viên: trong đó nữ", "D", _PERSON),
    _i("cu_duoi_40", "Cấp ủy viên: trong đó từ 40 tuổi trở xuống", "D", _PERSON),
    _i("cu_dai_hoc_tro_len", "Cấp ủy viên: trong đó chuyên môn đại học trở lên", "D", _PERSON),
    _i("cu_llct_trung_cap_tro_len", "Cấp ủy viên: trong đó lý luận chính trị trung cấp trở lên", "D", _PERSON),
    # E. Công tác cán bộ (lượt người)
    _i("qh_luot", "Lượt cán bộ được quy hoạch", "E", _TURN),
    _i("qh_nu", "Quy hoạch: trong đó nữ", "E", _TURN),
    _i("qh_duoi_40", "Quy hoạch: trong đó từ 40 tuổi trở xuống", "E", _TURN),
    _i("bo_nhiem", "Lượt bổ nhiệm, bổ nhiệm lại", "E", _TURN),
    _i("bo_nhiem_lai", "Trong đó: bổ nhiệm lại", "E", _TURN),
    _i("gioi_thieu_ung_cu", "Lượt giới thiệu ứng cử", "E", _TURN),
    _i("luan_chuyen", "Lượt luân chuyển", "E", _TURN),
    _i("dieu_dong", "Lượt điều động", "E", _TURN),
    # F. Đào tạo, bồi dưỡng
    _i("llct_cao_cap", "Cán bộ được cử học lý luận chính trị cao cấp", "F", _PERSON),
    _i("llct_trung_cap", "Cán bộ được cử học lý luận chính trị trung cấp", "F", _PERSON),
    _i("llct_so_cap", "Cán bộ được cử học lý luận chính trị sơ cấp", "F", _PERSON),
    _i("cm_tien_si", "Cán bộ được cử đào tạo tiến sĩ", "F", _PERSON),
    _i("cm_thac_si", "Cán bộ được cử đào tạo thạc sĩ", "F", _PERSON),
    _i("cm_dai_hoc", "Cán bộ được cử đào tạo đại học", "F", _PERSON),
    _i("bd_so_lop", "Số lớp bồi dưỡng đã mở", "F", "lớp"),
    _i("bd_luot_hoc_vien", "Lượt học viên bồi dưỡng", "F", _TURN),
    # G. Kiểm tra, giám sát, kỷ luật
    _i("kt_to_chuc_dang", "Tổ chức đảng được kiểm tra", "G", _ORG),
    _i("kt_dang_vien", "Đảng viên được kiểm tra", "G", _PERSON),
    _i("gs_to_chuc_dang", "Tổ chức đảng được giám sát", "G", _ORG),
    _i("gs_dang_vien", "Đảng viên được giám sát", "G", _PERSON),
    _i("kl_to_chuc_dang", "Tổ chức đảng bị kỷ luật", "G", _ORG),
    _i("kl_khien_trach", "Đảng viên bị kỷ luật khiển trách", "G", _PERSON),
    _i("kl_canh_cao", "Đảng viên bị kỷ luật cảnh cáo", "G", _PERSON),
    _i("kl_cach_chuc", "Đảng viên bị kỷ luật cách chức", "G", _PERSON),
    _i("kl_khai_tru", "Đảng viên bị kỷ luật khai trừ", "G", _PERSON),
    # H. Nội dung
    _t("nd_ket_qua_noi_bat", "Kết quả nổi bật"),
    _t("nd_mo_hinh", "Mô hình, cách làm hay"),
    _t("nd_han_che", "Hạn chế, khuyết điểm"),
    _t("nd_kien_nghi", "Đề xuất, kiến nghị"),
)

BY_CODE: dict[str, Indicator] = {ind.code: ind for ind in CATALOGUE}
COUNT_CODES: tuple[str, ...] = tuple(i.code for i in CATALOGUE if not i.is_text)
TEXT_CODES: tuple[str, ...] = tuple(i.code for i in CATALOGUE if i.is_text)
REQUIRED_CODES: tuple[str, ...] = tuple(i.code for i in CATALOGUE if i.required)

# D = A + B - C (Biểu 1-BTCTW), with phục hồi đảng tịch and xin ra khỏi Đảng included.
MEMBERSHIP_INCREASES: tuple[str, ...] = ("dv_ket_nap", "dv_chuyen_den", "dv_phuc_hoi")
MEMBERSHIP_DECREASES: tuple[str, ...] = (
    "dv_tu_tran",
    "dv_khai_tru",
    "dv_xoa_ten",
    "dv_xin_ra",
    "dv_chuyen_di",
)

LEVELS: tuple[str, ...] = ("htxs", "htt", "ht", "kht")
LEVEL_LABELS: dict[str, str] = {
    "htxs": "Hoàn thành xuất sắc nhiệm vụ",
    "htt": "Hoàn thành tốt nhiệm vụ",
    "ht": "Hoàn thành nhiệm vụ",
    "kht": "Không hoàn thành nhiệm vụ",
}

# Classification sums: the four levels must add up to the number evaluated.
LEVEL_SUMS: dict[str, tuple[str, ...]] = {
    "tcd_duoc_danh_gia": tuple(f"tcd_{lv}" for lv in LEVELS),
    "dv_duoc_danh_gia": tuple(f"dv_{lv}" for lv in LEVELS),
}

# Organisations that can be evaluated: the grassroots organisation itself plus its sub-units.
ORG_EVALUATION_CAP: tuple[str, ...] = ("so_dang_bo_bo_phan", "so_chi_bo_truc_thuoc")

# Unit types in don-vi.csv.
UNIT_TYPES: dict[str, str] = {
    "dang_bo_co_so": "Đảng bộ cơ sở",
    "chi_bo_co_so": "Chi bộ cơ sở",
}


# --- Relations between figures: the one source for aggregation, validation and the reports ---------

# Derived sums: name -> the codes added up. Each code is summed over the units that reported it, so a
# blank form never drops another (kl_dang_vien is every form reported, whatever the unit left blank).
DERIVED: dict[str, tuple[str, ...]] = {
    "tcd_htt_tro_len": ("tcd_htxs", "tcd_htt"),
    "dv_htt_tro_len": ("dv_htxs", "dv_htt"),
    "kl_dang_vien": ("kl_khien_trach", "kl_canh_cao", "kl_cach_chuc", "kl_khai_tru"),
}
DERIVED_LABELS: dict[str, str] = {
    "tcd_htt_tro_len": "Tổ chức đảng hoàn thành tốt nhiệm vụ trở lên",
    "dv_htt_tro_len": "Đảng viên hoàn thành tốt nhiệm vụ trở lên",
    "kl_dang_vien": "Đảng viên bị kỷ luật",
}


@dataclass(frozen=True)
class ShareSpec:
    """A share: `parts` over `base`, the base named as a sentence names it.

    `part_of` marks a "trong đó" relation: the part can never exceed its base (a rule per unit).
    """

    key: str
    parts: tuple[str, ...]
    base: str
    base_label: str
    part_of: bool = False


_MEMBERS = "tổng số đảng viên"
_ORGS_RATED = "số tổ chức đảng được đánh giá, xếp loại"
_MEMBERS_RATED = "số đảng viên được đánh giá, xếp loại"
_COMMITTEE = "tổng số cấp ủy viên"
_PLANNED = "tổng số lượt cán bộ được quy hoạch"


def _of(code: str, base: str, base_label: str) -> ShareSpec:
    return ShareSpec(code, (code,), base, base_label, part_of=True)


_SHARE_LIST: tuple[ShareSpec, ...] = (
    _of("dv_nu", "dv_cuoi_ky", _MEMBERS),
    _of("dv_du_bi", "dv_cuoi_ky", _MEMBERS),
    _of("dv_dan_toc_thieu_so", "dv_cuoi_ky", _MEMBERS),
    _of("dv_tuoi_18_30", "dv_cuoi_ky", _MEMBERS),
    _of("dv_duoc_danh_gia", "dv_cuoi_ky", _MEMBERS),
    _of("dv_mien_danh_gia", "dv_cuoi_ky", _MEMBERS),
    _of("dv_chua_danh_gia", "dv_cuoi_ky", _MEMBERS),
    *(ShareSpec(f"tcd_{lv}", (f"tcd_{lv}",), "tcd_duoc_danh_gia", _ORGS_RATED) for lv in LEVELS),
    ShareSpec("tcd_htt_tro_len", DERIVED["tcd_htt_tro_len"], "tcd_duoc_danh_gia", _ORGS_RATED),
    *(ShareSpec(f"dv_{lv}", (f"dv_{lv}",), "dv_duoc_danh_gia", _MEMBERS_RATED) for lv in LEVELS),
    ShareSpec("dv_htt_tro_len", DERIVED["dv_htt_tro_len"], "dv_duoc_danh_gia", _MEMBERS_RATED),
    ShareSpec("dv_htxs_so_htt", ("dv_htxs",), "dv_htt", "số đảng viên hoàn thành tốt nhiệm vụ"),
    ShareSpec("tcd_htxs_so_htt", ("tcd_htxs",), "tcd_htt", "số tổ chức đảng hoàn thành tốt nhiệm vụ"),
    ShareSpec("ket_nap_chi_tieu", ("dv_ket_nap",), "chi_tieu_ket_nap", "chỉ tiêu kết nạp"),
    ShareSpec("ket_nap_dau_ky", ("dv_ket_nap",), "dv_dau_ky", "tổng số đảng viên đầu năm"),
    _of("cu_nu", "cu_tong", _COMMITTEE),
    _of("cu_duoi_40", "cu_tong", _COMMITTEE),
    _of("cu_dai_hoc_tro_len", "cu_tong", _COMMITTEE),
    _of("cu_llct_trung_cap_tro_len", "cu_tong", _COMMITTEE),
    _of("qh_nu", "qh_luot", _PLANNED),
    _of("qh_duoi_40", "qh_luot", _PLANNED),
    _of("bo_nhiem_lai", "bo_nhiem", "tổng số lượt bổ nhiệm, bổ nhiệm lại"),
)
SHARES: dict[str, ShareSpec] = {spec.key: spec for spec in _SHARE_LIST}

# "Trong đó" relations: (part, whole). A part may never exceed its whole.
PART_OF: tuple[tuple[str, str], ...] = tuple((s.parts[0], s.base) for s in _SHARE_LIST if s.part_of)


class Measure(StrEnum):
    """Whether a figure is a count (changes in units and per cent) or a share (in percentage points)."""

    COUNT = "count"
    SHARE = "share"


@dataclass(frozen=True)
class Comparison:
    """A figure compared with last year. `key` is a count code, a derived sum or a share key.

    `main`: in the one-table summary of the main indicators; `unit_report`: in a unit's own report.
    """

    key: str
    label: str
    measure: Measure
    main: bool = True
    unit_report: bool = True


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("dv_cuoi_ky", "Đảng viên cuối năm", Measure.COUNT),
    Comparison("dv_ket_nap", "Kết nạp đảng viên mới", Measure.COUNT),
    Comparison("tcd_htt_tro_len", "Tổ chức đảng hoàn thành tốt nhiệm vụ trở lên", Measure.SHARE),
    Comparison("dv_htt_tro_len", "Đảng viên hoàn thành tốt nhiệm vụ trở lên", Measure.SHARE),
    Comparison("kl_dang_vien", "Đảng viên bị kỷ luật", Measure.COUNT),
    Comparison("kl_to_chuc_dang", "Tổ chức đảng bị kỷ luật", Measure.COUNT, unit_report=False),
)
# The count compared for every comparison (a share's part for a share): this year's and last year's.
CHANGE_KEYS: tuple[str, ...] = tuple(c.key for c in COMPARISONS)

# Figures a unit of a type cannot have: a chi bộ cơ sở has no đảng bộ bộ phận and no tổ chức đảng under
# it to inspect, supervise or discipline. Such a unit is never counted as "not reporting" them, and a
# non-zero value is a warning.
NOT_APPLICABLE: dict[str, frozenset[str]] = {
    "dang_bo_co_so": frozenset(),
    "chi_bo_co_so": frozenset({"so_dang_bo_bo_phan", "kt_to_chuc_dang", "gs_to_chuc_dang", "kl_to_chuc_dang"}),
}


def applies(code: str, loai: str) -> bool:
    """Whether a unit of type `loai` can have figure `code` (an unknown type: every figure)."""
    return code not in NOT_APPLICABLE.get(loai, frozenset())


# --- Targets ([chi_tieu], contract section 10) -------------------------------------------------

TARGET_SUFFIX = "_pct"
# Target keys that name a figure by another name.
TARGET_ALIASES: dict[str, str] = {"ket_nap": "dv_ket_nap"}


def target_subject(key: str) -> tuple[Measure, str] | None:
    """What a target key aims at: (COUNT, count code or derived sum) or (SHARE, share key); None if unknown.

    Keys: `ket_nap`, any count code or derived sum, `<share key>_pct` (e.g. `dv_htt_tro_len_pct`), and
    `tccs_htt_tro_len_pct` (tổ chức cơ sở đảng rated from don-vi.csv's `xep_loai`).
    """
    if key in TARGET_ALIASES:
        return Measure.COUNT, TARGET_ALIASES[key]
    if key in COUNT_CODES or key in DERIVED:
        return Measure.COUNT, key
    if key.endswith(TARGET_SUFFIX):
        share = key[: -len(TARGET_SUFFIX)]
        if share in SHARES or share in BASE_SHARES:
            return Measure.SHARE, share
    return None


# Shares of the tổ chức cơ sở đảng by the level decided for them (don-vi.csv `xep_loai`).
BASE_SHARES: dict[str, str] = {
    **{f"tccs_{lv}": f"Tổ chức cơ sở đảng {LEVEL_LABELS[lv].lower()}" for lv in LEVELS},
    "tccs_htt_tro_len": "Tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên",
}


def label(code: str) -> str:
    """The Vietnamese label of a known code, or the code itself for an unknown one."""
    ind = BY_CODE.get(code)
    if ind:
        return ind.label
    return DERIVED_LABELS.get(code) or BASE_SHARES.get(code) or code
