"""The indicator catalogue: the one place that knows every indicator code.

Readers use it to tell counts from texts, the rules use its relations, the check report and
the templates use its labels, and the blank form is generated from it. Codes, labels and the
required flags follow contract section 5; units of measure follow the BTCTW forms (planning,
appointment and rotation are counted in "lượt người", not unique persons).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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

# "Trong đó" relations: (part, whole). A part may never exceed its whole.
PART_OF: tuple[tuple[str, str], ...] = (
    ("dv_nu", "dv_cuoi_ky"),
    ("dv_du_bi", "dv_cuoi_ky"),
    ("dv_dan_toc_thieu_so", "dv_cuoi_ky"),
    ("dv_tuoi_18_30", "dv_cuoi_ky"),
    ("dv_duoc_danh_gia", "dv_cuoi_ky"),
    ("dv_mien_danh_gia", "dv_cuoi_ky"),
    ("dv_chua_danh_gia", "dv_cuoi_ky"),
    ("cu_nu", "cu_tong"),
    ("cu_duoi_40", "cu_tong"),
    ("cu_dai_hoc_tro_len", "cu_tong"),
    ("cu_llct_trung_cap_tro_len", "cu_tong"),
    ("qh_nu", "qh_luot"),
    ("qh_duoi_40", "qh_luot"),
    ("bo_nhiem_lai", "bo_nhiem"),
)

# Organisations that can be evaluated: the grassroots organisation itself plus its sub-units.
ORG_EVALUATION_CAP: tuple[str, ...] = ("so_dang_bo_bo_phan", "so_chi_bo_truc_thuoc")

# Unit types in don-vi.csv.
UNIT_TYPES: dict[str, str] = {
    "dang_bo_co_so": "Đảng bộ cơ sở",
    "chi_bo_co_so": "Chi bộ cơ sở",
}


def label(code: str) -> str:
    """The Vietnamese label of a known code, or the code itself for an unknown one."""
    ind = BY_CODE.get(code)
    return ind.label if ind else code
