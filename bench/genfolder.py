"""Generate realistic, internally consistent contract data folders.

Used for the bundled sample (data/mau/), for tests and for benchmarks. A generated folder follows
contract sections 1-4 and checks clean under every rule of section 6, errors and warnings alike:
the membership movement closes, classification levels add up, every "trong đó" stays within its
whole, last year's closing stock is this year's opening stock. The same seed gives the same figures
and, because zip timestamps and document properties are pinned, byte-identical workbooks.

Command line:
    python bench/genfolder.py OUT --units N [--seed S] [--nam 2026] [--last-year] [--combined K]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import sys
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # noqa: E402

from reports import indicators as ind  # noqa: E402
from reports.forms import (  # noqa: E402
    _BOLD,
    _ITALIC,
    _TITLE,
    SOLIEU,
    SOLIEU_HEADER,
    SOLIEU_WIDTHS,
    THONGTIN,
    THONGTIN_FIELDS,
    THONGTIN_HEADER,
    THONGTIN_WIDTHS,
    indicator_rows,
    save_workbook,
    set_widths,
    title_lines,
    write_blank_form,
)
from reports.forms import cell as _cell  # noqa: E402
from reports.forms import row as _row  # noqa: E402

Value = int | str | None
Figures = dict[str, Value]

NHOM_DANG = "Khối Đảng, đoàn thể"
NHOM_NHA_NUOC = "Khối Nhà nước"
NHOM_SU_NGHIEP = "Khối Sự nghiệp"
NHOM_DOANH_NGHIEP = "Khối Doanh nghiệp"
DBCS = "dang_bo_co_so"
CBCS = "chi_bo_co_so"


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    loai: str
    nhom: str

    @property
    def is_dang_bo(self) -> bool:
        return self.loai == DBCS


# (code, organ, loai, nhom): the organs an Đảng ủy Khối các cơ quan tỉnh typically leads.
CURATED: tuple[tuple[str, str, str, str], ...] = (
    ("STC", "Sở Tài chính", DBCS, NHOM_NHA_NUOC),
    ("BDT", "Ban Dân tộc tỉnh", CBCS, NHOM_NHA_NUOC),
    ("TCT", "Trường Chính trị tỉnh", DBCS, NHOM_SU_NGHIEP),
    ("BVDK", "Bệnh viện Đa khoa tỉnh", DBCS, NHOM_SU_NGHIEP),
    ("HND", "Hội Nông dân tỉnh", CBCS, NHOM_DANG),
    ("VPTU", "Văn phòng Tỉnh ủy", DBCS, NHOM_DANG),
    ("SNV", "Sở Nội vụ", DBCS, NHOM_NHA_NUOC),
    ("SXD", "Sở Xây dựng", DBCS, NHOM_NHA_NUOC),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", CBCS, NHOM_DANG),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", DBCS, NHOM_NHA_NUOC),
    ("SKHCN", "Sở Khoa học và Công nghệ", DBCS, NHOM_NHA_NUOC),
    ("TD", "Tỉnh đoàn", CBCS, NHOM_DANG),
    ("SVHTT", "Sở Văn hóa, Thể thao và Du lịch", DBCS, NHOM_NHA_NUOC),
    ("SYT", "Sở Y tế", DBCS, NHOM_NHA_NUOC),
    ("DLQN", "Công ty Điện lực Quảng Ninh", DBCS, NHOM_DOANH_NGHIEP),
    ("SGDDT", "Sở Giáo dục và Đào tạo", DBCS, NHOM_NHA_NUOC),
    ("LDLD", "Liên đoàn Lao động tỉnh", CBCS, NHOM_DANG),
    ("SCT", "Sở Công Thương", DBCS, NHOM_NHA_NUOC),
    ("BVSN", "Bệnh viện Sản Nhi tỉnh", DBCS, NHOM_SU_NGHIEP),
    ("STP", "Sở Tư pháp", CBCS, NHOM_NHA_NUOC),
    ("NSQN", "Công ty Cổ phần Nước sạch Quảng Ninh", DBCS, NHOM_DOANH_NGHIEP),
    ("HCCB", "Hội Cựu chiến binh tỉnh", CBCS, NHOM_DANG),
    ("TTT", "Thanh tra tỉnh", CBCS, NHOM_NHA_NUOC),
    ("VPUB", "Văn phòng Ủy ban nhân dân tỉnh", DBCS, NHOM_NHA_NUOC),
    ("CDC", "Trung tâm Kiểm soát bệnh tật tỉnh", DBCS, NHOM_SU_NGHIEP),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", CBCS, NHOM_DANG),
    ("DHHL", "Trường Đại học Hạ Long", DBCS, NHOM_SU_NGHIEP),
    ("CQN", "Công ty Cổ phần Cảng Quảng Ninh", DBCS, NHOM_DOANH_NGHIEP),
    ("SNGV", "Sở Ngoại vụ", CBCS, NHOM_NHA_NUOC),
    ("BQLKKT", "Ban Quản lý Khu kinh tế tỉnh", DBCS, NHOM_NHA_NUOC),
    ("TTTT", "Trung tâm Truyền thông tỉnh", DBCS, NHOM_SU_NGHIEP),
    ("VNPT", "Viễn thông Quảng Ninh", DBCS, NHOM_DOANH_NGHIEP),
    ("VPDBQH", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", CBCS, NHOM_NHA_NUOC),
    ("BQLVHL", "Ban Quản lý vịnh Hạ Long", DBCS, NHOM_SU_NGHIEP),
    ("CDYT", "Trường Cao đẳng Y tế Quảng Ninh", CBCS, NHOM_SU_NGHIEP),
    ("AGRQN", "Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh Quảng Ninh", DBCS, NHOM_DOANH_NGHIEP),
    ("TTHCC", "Trung tâm Phục vụ hành chính công tỉnh", CBCS, NHOM_NHA_NUOC),
    ("BHXH", "Bảo hiểm xã hội tỉnh", DBCS, NHOM_NHA_NUOC),
    ("XSKT", "Công ty TNHH MTV Xổ số kiến thiết Quảng Ninh", CBCS, NHOM_DOANH_NGHIEP),
    ("QDTPT", "Quỹ Đầu tư phát triển tỉnh", CBCS, NHOM_SU_NGHIEP),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", CBCS, NHOM_SU_NGHIEP),
    ("TVT", "Thư viện tỉnh", CBCS, NHOM_SU_NGHIEP),
    ("LMHTX", "Liên minh Hợp tác xã tỉnh", CBCS, NHOM_DANG),
    ("HCTD", "Hội Chữ thập đỏ tỉnh", CBCS, NHOM_DANG),
    ("TKT", "Thống kê tỉnh", CBCS, NHOM_NHA_NUOC),
    ("THPTC", "Trường Trung học phổ thông chuyên Hạ Long", CBCS, NHOM_SU_NGHIEP),
    ("MTDT", "Công ty Cổ phần Môi trường đô thị Hạ Long", CBCS, NHOM_DOANH_NGHIEP),
    ("TLQN", "Công ty TNHH MTV Thủy lợi Quảng Ninh", CBCS, NHOM_DOANH_NGHIEP),
    ("BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam chi nhánh Quảng Ninh", CBCS, NHOM_DOANH_NGHIEP),
    ("BTQN", "Bảo tàng Quảng Ninh", CBCS, NHOM_SU_NGHIEP),
)

# Patterns combined with place names when more units are needed than the curated list holds.
PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("Trung tâm Y tế khu vực {p}", DBCS, NHOM_SU_NGHIEP),
    ("Trường Trung học phổ thông {p}", CBCS, NHOM_SU_NGHIEP),
    ("Chi cục Thuế khu vực {p}", CBCS, NHOM_NHA_NUOC),
    ("Kho bạc Nhà nước {p}", CBCS, NHOM_NHA_NUOC),
    ("Bảo hiểm xã hội cơ sở {p}", CBCS, NHOM_NHA_NUOC),
    ("Trung tâm Giáo dục nghề nghiệp {p}", CBCS, NHOM_SU_NGHIEP),
    ("Ban Quản lý rừng phòng hộ {p}", CBCS, NHOM_SU_NGHIEP),
    ("Hạt Kiểm lâm {p}", CBCS, NHOM_NHA_NUOC),
    ("Công ty Cổ phần Xây dựng {p}", CBCS, NHOM_DOANH_NGHIEP),
    ("Điện lực {p}", CBCS, NHOM_DOANH_NGHIEP),
    ("Phòng giao dịch Ngân hàng Chính sách xã hội {p}", CBCS, NHOM_NHA_NUOC),
    ("Công ty Cổ phần Vận tải {p}", CBCS, NHOM_DOANH_NGHIEP),
    ("Trung tâm Văn hóa - Thể thao {p}", CBCS, NHOM_SU_NGHIEP),
    ("Bệnh viện Đa khoa khu vực {p}", DBCS, NHOM_SU_NGHIEP),
    ("Trạm Quản lý hạ tầng giao thông {p}", CBCS, NHOM_NHA_NUOC),
    ("Trung tâm Dịch vụ nông nghiệp {p}", CBCS, NHOM_SU_NGHIEP),
)

PLACES: tuple[str, ...] = (
    "Hạ Long", "Cẩm Phả", "Uông Bí", "Móng Cái", "Đông Triều", "Quảng Yên", "Vân Đồn", "Tiên Yên",
    "Đầm Hà", "Hải Hà", "Bình Liêu", "Ba Chẽ", "Cô Tô", "Hoành Bồ", "Bãi Cháy", "Hồng Gai",
    "Cửa Ông", "Mạo Khê", "Quang Hanh", "Hà Tu", "Hà Lầm", "Cao Xanh", "Tuần Châu", "Mông Dương",
    "Vàng Danh", "Yên Tử", "An Sinh", "Bình Khê", "Đông Mai", "Hiệp Hòa", "Phong Cốc", "Hà An",
    "Liên Hòa", "Quảng Hà", "Đường Hoa", "Trà Cổ", "Hải Ninh", "Hoành Mô", "Thống Nhất", "Giếng Đáy",
)  # fmt: skip


def _ascii(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _initials(organ: str) -> str:
    words = [w for w in _ascii(organ).replace("-", " ").replace(",", " ").split() if w[0].isalnum()]
    return "".join(w[0].upper() for w in words)[:16]


def _unit(code: str, organ: str, loai: str, nhom: str) -> Unit:
    prefix = "Đảng bộ " if loai == DBCS else "Chi bộ "
    return Unit(code, prefix + organ, loai, nhom)


def make_units(n: int, rng: random.Random) -> list[Unit]:
    """`n` units with unique codes: a sample of the curated list, then pattern x place combinations."""
    if n <= len(CURATED):
        picked = sorted(rng.sample(range(len(CURATED)), n))
        return [_unit(*CURATED[i]) for i in picked]
    units = [_unit(*row) for row in CURATED]
    used = {u.code for u in units}
    combos = [(pat, place) for place in PLACES for pat in PATTERNS]
    round_no = 1
    while len(units) < n:
        for (pattern, loai, nhom), place in combos:
            if len(units) == n:
                break
            organ = pattern.format(p=place) + ("" if round_no == 1 else f" số {round_no}")
            code = _unique_code(_initials(organ), used)
            units.append(_unit(code, organ, loai, nhom))
        round_no += 1
    return units


def _unique_code(base: str, used: set[str]) -> str:
    code, k = base, 2
    while code in used:
        code = f"{base}{k}"
        k += 1
    used.add(code)
    return code


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@dataclass
class Profile:
    """What stays stable about a unit from one year to the next."""

    members: int
    dbbp: int
    cbtt: int
    female: float
    minority: float
    young: float
    committee: int
    sloppiness: float  # share of optional indicators this unit leaves blank


def make_profile(unit: Unit, rng: random.Random) -> Profile:
    if unit.is_dang_bo:
        members = int(min(600, max(60, rng.lognormvariate(math.log(150), 0.6))))
        cbtt = max(3, min(30, round(members / rng.uniform(12, 25))))
        dbbp = rng.choice((0, 0, 0, 1, 2, 3)) if members > 200 else 0
        committee = rng.choice((7, 9, 9, 11, 13)) if members < 300 else rng.choice((13, 15))
    else:
        members = rng.randint(8, 58)
        cbtt, dbbp = 0, 0
        committee = 3 if members >= 9 else 2
    female = rng.uniform(0.25, 0.7) if unit.nhom != NHOM_DOANH_NGHIEP else rng.uniform(0.15, 0.45)
    sloppy = 0.0 if rng.random() < 0.6 else rng.uniform(0.1, 0.35)
    return Profile(members, dbbp, cbtt, female, rng.uniform(0.0, 0.08), rng.uniform(0.05, 0.22), committee, sloppy)


def _about(rng: random.Random, n: float, p: float) -> int:
    """A binomial-like draw (random.binomialvariate needs Python 3.12)."""
    mean = n * p
    return max(0, round(rng.gauss(mean, math.sqrt(max(mean * (1 - p), 0.0)))))


def _share(rng: random.Random, whole: int, p: float) -> int:
    return min(whole, _about(rng, whole, p))


def _levels(rng: random.Random, total: int, ht_share: float, kht: int) -> dict[str, int]:
    """Split `total` into the four levels with "xuất sắc" at most ~19 % of "tốt"."""
    kht = min(kht, total)
    ht = min(total - kht, _about(rng, total, ht_share))
    rest = total - kht - ht
    ratio = rng.uniform(0.06, 0.19)
    htxs = math.floor(rest * ratio / (1 + ratio))
    return {"htxs": htxs, "htt": rest - htxs, "ht": ht, "kht": kht}


def make_figures(unit: Unit, prof: Profile, rng: random.Random, dau_ky: int, prev_ket_nap: int | None) -> Figures:
    """One year of figures for one unit, consistent under every rule of contract section 6."""
    f: dict[str, int] = {"so_dang_bo_bo_phan": prof.dbbp, "so_chi_bo_truc_thuoc": prof.cbtt}
    _membership(f, rng, dau_ky, prev_ket_nap)
    _profile_parts(f, prof, rng)
    _evaluation(f, prof, rng)
    _committee(f, prof, rng)
    _cadres(f, unit, rng)
    _inspection(f, rng)
    figures: Figures = dict(f)
    for code in _blank_codes(f, unit, prof, rng):
        figures[code] = None
    figures.update(_narratives(unit, rng))
    return figures


def _membership(f: dict[str, int], rng: random.Random, dau_ky: int, prev_ket_nap: int | None) -> None:
    f["dv_dau_ky"] = dau_ky
    f["dv_ket_nap"] = _about(rng, dau_ky, rng.uniform(0.01, 0.05))
    f["dv_chuyen_den"] = _about(rng, dau_ky, rng.uniform(0.0, 0.03))
    f["dv_phuc_hoi"] = 1 if rng.random() < 0.02 else 0
    f["dv_tu_tran"] = _about(rng, dau_ky, 0.003)
    f["dv_khai_tru"] = 1 if dau_ky > 80 and rng.random() < 0.05 else 0
    f["dv_xoa_ten"] = 1 if dau_ky > 30 and rng.random() < 0.05 else 0
    f["dv_xin_ra"] = 1 if rng.random() < 0.01 else 0
    f["dv_chuyen_di"] = min(dau_ky // 3, _about(rng, dau_ky, rng.uniform(0.0, 0.035)))
    up = sum(f[c] for c in ind.MEMBERSHIP_INCREASES)
    down = sum(f[c] for c in ind.MEMBERSHIP_DECREASES)
    f["dv_cuoi_ky"] = dau_ky + up - down
    prev = prev_ket_nap if prev_ket_nap is not None else round(f["dv_ket_nap"] * rng.uniform(0.7, 1.3))
    still_probationary = round(prev * rng.uniform(0.0, 0.4))
    f["dv_cong_nhan_chinh_thuc"] = prev - still_probationary
    f["dv_du_bi"] = min(f["dv_cuoi_ky"], f["dv_ket_nap"] + still_probationary)
    f["chi_tieu_ket_nap"] = max(1, round(f["dv_ket_nap"] * rng.uniform(0.8, 1.25)))


def _profile_parts(f: dict[str, int], prof: Profile, rng: random.Random) -> None:
    end = f["dv_cuoi_ky"]
    f["dv_nu"] = _share(rng, end, prof.female)
    f["dv_dan_toc_thieu_so"] = _share(rng, end, prof.minority)
    f["dv_tuoi_18_30"] = _share(rng, end, prof.young)


def _evaluation(f: dict[str, int], prof: Profile, rng: random.Random) -> None:
    end = f["dv_cuoi_ky"]
    f["dv_chua_danh_gia"] = min(f["dv_ket_nap"], rng.choice((0, 0, 0, 1, 2)))
    f["dv_mien_danh_gia"] = min(end - f["dv_chua_danh_gia"], _about(rng, end, rng.uniform(0.01, 0.06)))
    evaluated = end - f["dv_mien_danh_gia"] - f["dv_chua_danh_gia"]
    f["dv_duoc_danh_gia"] = evaluated
    kht = _about(rng, evaluated, 0.003)
    for level, n in _levels(rng, evaluated, rng.uniform(0.01, 0.07), kht).items():
        f[f"dv_{level}"] = n
    orgs = 1 + prof.dbbp + prof.cbtt
    if orgs > 4 and rng.random() < 0.2:
        orgs -= 1  # a chi bộ set up late in the year is not yet evaluated
    f["tcd_duoc_danh_gia"] = orgs
    if orgs == 1:
        level = rng.choices(ind.LEVELS, weights=(12, 80, 8, 0))[0]
        org_levels = {lv: int(lv == level) for lv in ind.LEVELS}
    else:
        org_levels = _levels(rng, orgs, rng.uniform(0.0, 0.12), 0)
    for level, n in org_levels.items():
        f[f"tcd_{level}"] = n


def _committee(f: dict[str, int], prof: Profile, rng: random.Random) -> None:
    size = min(prof.committee, f["dv_cuoi_ky"])
    f["cu_tong"] = size
    f["cu_nu"] = _share(rng, size, prof.female * 0.7)
    f["cu_duoi_40"] = _share(rng, size, 0.2)
    f["cu_dai_hoc_tro_len"] = size - (1 if size > 3 and rng.random() < 0.15 else 0)
    f["cu_llct_trung_cap_tro_len"] = size - _share(rng, size, 0.12)


def _cadres(f: dict[str, int], unit: Unit, rng: random.Random) -> None:
    scale = f["dv_cuoi_ky"] / 100
    qh = round(scale * rng.uniform(3, 8)) + rng.randint(0, 3) if unit.is_dang_bo else rng.randint(0, 6)
    f["qh_luot"] = qh
    f["qh_nu"] = _share(rng, qh, 0.35)
    f["qh_duoi_40"] = _share(rng, qh, 0.3)
    f["bo_nhiem"] = rng.randint(0, max(1, round(scale * 3)))
    f["bo_nhiem_lai"] = rng.randint(0, f["bo_nhiem"])
    f["gioi_thieu_ung_cu"] = rng.choice((0, 0, 0, 1, 2))
    f["luan_chuyen"] = rng.choice((0, 0, 0, 0, 1, 2))
    f["dieu_dong"] = rng.randint(0, 1 + round(scale * 2))
    f["llct_cao_cap"] = rng.choice((0, 0, 0, 1, 1, 2))
    f["llct_trung_cap"] = rng.randint(0, 1 + round(scale * 3))
    f["llct_so_cap"] = min(f["dv_cuoi_ky"], f["dv_ket_nap"] + rng.randint(0, 3))
    f["cm_tien_si"] = 1 if rng.random() < 0.08 else 0
    f["cm_thac_si"] = rng.choice((0, 0, 1, 1, 2))
    f["cm_dai_hoc"] = rng.choice((0, 0, 0, 1))
    classes = rng.randint(1, 2 + round(scale * 2))
    f["bd_so_lop"] = classes
    size = f["dv_cuoi_ky"]
    f["bd_luot_hoc_vien"] = sum(rng.randint(max(5, size // 4), max(10, size)) for _ in range(classes))


def _inspection(f: dict[str, int], rng: random.Random) -> None:
    end = f["dv_cuoi_ky"]
    orgs = 1 + f["so_dang_bo_bo_phan"] + f["so_chi_bo_truc_thuoc"]
    f["kt_to_chuc_dang"] = rng.randint(0, max(1, orgs // 2))
    f["kt_dang_vien"] = _about(rng, end, rng.uniform(0.03, 0.12))
    f["gs_to_chuc_dang"] = rng.randint(0, max(1, orgs // 2))
    f["gs_dang_vien"] = _about(rng, end, rng.uniform(0.03, 0.12))
    f["kl_to_chuc_dang"] = 1 if orgs > 10 and rng.random() < 0.02 else 0
    if orgs == 1:  # a chi bộ cơ sở has no tổ chức đảng under it (drawn anyway: the same random stream)
        f["kt_to_chuc_dang"] = f["gs_to_chuc_dang"] = 0
    f["kl_khien_trach"] = _about(rng, end, 0.004)
    f["kl_canh_cao"] = 1 if end > 100 and rng.random() < 0.1 else 0
    f["kl_cach_chuc"] = 1 if end > 300 and rng.random() < 0.05 else 0
    f["kl_khai_tru"] = f["dv_khai_tru"]


_WHOLE_OF = {part: whole for part, whole in ind.PART_OF}
_NEVER_BLANK = {"dv_mien_danh_gia", "kl_khai_tru"}


def _blank_codes(f: dict[str, int], unit: Unit, prof: Profile, rng: random.Random) -> set[str]:
    """Optional indicators this unit leaves blank ("not reported"), never a required one.

    A blank whole takes its parts with it; a blank is only allowed where the rules of section 6
    would still hold if the reader took it as 0 (so_dang_bo_bo_phan, dv_chua_danh_gia).
    """
    blank: set[str] = set()
    if not unit.is_dang_bo and rng.random() < 0.6:
        blank.add("so_dang_bo_bo_phan")
    for code in ind.COUNT_CODES:
        if ind.BY_CODE[code].required or code in _NEVER_BLANK or rng.random() >= prof.sloppiness:
            continue
        if code in ("so_dang_bo_bo_phan", "dv_chua_danh_gia") and f[code] != 0:
            continue
        blank.add(code)
    blank |= {part for part, whole in _WHOLE_OF.items() if whole in blank}
    return blank


# --------------------------------------------------------------------------------------------
# Narrative texts (group H)
# --------------------------------------------------------------------------------------------

NARRATIVES: dict[str, tuple[str, ...]] = {
    "nd_ket_qua_noi_bat": (
        "Lãnh đạo cơ quan, đơn vị hoàn thành toàn diện nhiệm vụ chính trị được giao, nhiều chỉ tiêu "
        "chuyên môn vượt kế hoạch năm.",
        "Tổ chức học tập, quán triệt các nghị quyết, chỉ thị, kết luận của Trung ương và của Tỉnh ủy cho "
        "100% cán bộ, đảng viên; mỗi đảng viên xây dựng kế hoạch làm theo gắn với nhiệm vụ được giao.",
        "Công tác phát triển đảng viên được chú trọng; 100% đảng viên dự bị đủ điều kiện được xét "
        "công nhận đảng viên chính thức đúng thời hạn.",
        "Duy trì nền nếp sinh hoạt chi bộ định kỳ, nâng cao chất lượng sinh hoạt chuyên đề, gắn nội dung "
        "sinh hoạt với nhiệm vụ chính trị của cơ quan, đơn vị.",
        "Hoàn thành việc sắp xếp, kiện toàn tổ chức bộ máy theo chủ trương của Trung ương và của Tỉnh ủy; "
        "cơ quan hoạt động ổn định, thông suốt.",
        "Đẩy mạnh chuyển đổi số trong hoạt động của cấp ủy; dữ liệu đảng viên được cập nhật đầy đủ, kịp "
        "thời trên phần mềm cơ sở dữ liệu đảng viên.",
        "Lãnh đạo cán bộ, đảng viên, người lao động tham gia tích cực các sự kiện chính trị quan trọng "
        "của tỉnh, tạo sự đồng thuận cao trong cơ quan, đơn vị.",
    ),
    "nd_mo_hinh": (
        "Duy trì mô hình “Mỗi tháng một việc làm theo gương Bác”, mỗi chi bộ đăng ký ít nhất một việc "
        "làm cụ thể, thiết thực.",
        "Xây dựng mô hình “Chi bộ số”, sử dụng Sổ tay đảng viên điện tử trong sinh hoạt chi bộ, giảm phần "
        "lớn tài liệu giấy.",
        "Phân công đảng viên chính thức kèm cặp, giúp đỡ quần chúng ưu tú trong thời gian phấn đấu vào Đảng.",
        "Tổ chức “Diễn đàn đảng viên trẻ” hằng quý để đảng viên trẻ đề xuất sáng kiến cải cách hành chính.",
        "Thực hiện “Ngày thứ Bảy văn minh” hằng tháng, cán bộ, đảng viên chỉnh trang khuôn viên cơ quan, "
        "tham gia bảo vệ môi trường vịnh Hạ Long.",
    ),
    "nd_han_che": (
        "Chất lượng sinh hoạt chuyên đề ở một số chi bộ chưa cao, nội dung còn chung chung, chưa sát với "
        "nhiệm vụ chuyên môn.",
        "Công tác tạo nguồn phát triển đảng viên còn khó khăn do số quần chúng trẻ trong cơ quan ít.",
        "Việc cập nhật thông tin đảng viên trên phần mềm cơ sở dữ liệu có lúc còn chậm so với yêu cầu.",
        "Một số đảng viên chưa thực sự phát huy vai trò tiên phong, gương mẫu; tự phê bình và phê bình "
        "có lúc còn nể nang.",
        "Công tác kiểm tra, giám sát chuyên đề của cấp ủy còn ít, chủ yếu là kiểm tra, giám sát thường xuyên.",
    ),
    "nd_kien_nghi": (
        "Đề nghị Đảng ủy Khối tiếp tục mở các lớp bồi dưỡng nghiệp vụ công tác đảng cho bí thư, phó bí "
        "thư chi bộ mới được bầu.",
        "Đề nghị cấp trên sớm ban hành hướng dẫn thống nhất về biểu mẫu thống kê sau khi sắp xếp tổ chức bộ máy.",
        "Đề nghị Đảng ủy Khối tăng cường tập huấn sử dụng phần mềm cơ sở dữ liệu đảng viên cho cán bộ làm "
        "công tác đảng vụ.",
        "Đề nghị tổ chức hội nghị trao đổi kinh nghiệm nâng cao chất lượng sinh hoạt chi bộ giữa các đơn "
        "vị trong Khối.",
    ),
}


def _narratives(unit: Unit, rng: random.Random) -> Figures:
    if rng.random() >= 0.4:
        return {code: None for code in ind.TEXT_CODES}
    texts: Figures = {}
    for code in ind.TEXT_CODES:
        pool = NARRATIVES[code]
        if rng.random() < 0.7:
            texts[code] = " ".join(rng.sample(pool, rng.randint(1, min(3, len(pool)))))
        else:
            texts[code] = None
    return texts


# --------------------------------------------------------------------------------------------
# Submitter details (ThongTin)
# --------------------------------------------------------------------------------------------

HO = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Phan", "Đinh", "Lương")
DEM_NAM = ("Văn", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Xuân")
DEM_NU = ("Thị", "Thu", "Hồng", "Ngọc", "Thanh", "Phương", "Mai")
TEN_NAM = ("An", "Bình", "Cường", "Dũng", "Hùng", "Long", "Nam", "Quân", "Sơn", "Tuấn", "Thắng", "Hải")
TEN_NU = ("Hà", "Hạnh", "Hương", "Lan", "Mai", "Nga", "Phương", "Thảo", "Trang", "Yến", "Linh", "Huyền")


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.55:
        return f"{rng.choice(HO)} {rng.choice(DEM_NU)} {rng.choice(TEN_NU)}"
    return f"{rng.choice(HO)} {rng.choice(DEM_NAM)} {rng.choice(TEN_NAM)}"


def phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"0203 {rng.randint(3500, 3899)} {rng.randint(100, 999)}"
    return f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


@dataclass
class Submission:
    unit: Unit
    figures: Figures
    nguoi_lap: str
    ngay_lap: dt.date
    so_dien_thoai: str
    title_rows: int = 3
    blank_before_header: bool = False
    first_col: int = 1


# --------------------------------------------------------------------------------------------
# Workbook writing
# --------------------------------------------------------------------------------------------


def write_unit_workbook(path: Path, sub: Submission, nam: int, issuer: str) -> None:
    """One unit's workbook: sheets SoLieu and ThongTin as contract section 4a lays them out."""
    wb = Workbook(write_only=True)
    _write_solieu(wb.create_sheet(SOLIEU), sub, nam, issuer)
    _write_thongtin(wb.create_sheet(THONGTIN), sub)
    save_workbook(wb, path, creator="genfolder")


def _write_solieu(ws: WriteOnlyWorksheet, sub: Submission, nam: int, issuer: str) -> None:
    c0 = sub.first_col
    set_widths(ws, c0, SOLIEU_WIDTHS)
    lines = title_lines(sub.unit.name, nam, issuer, sub.title_rows)
    header_row = len(lines) + 1 + int(sub.blank_before_header)
    ws.freeze_panes = f"A{header_row + 1}"
    for i, line in enumerate(lines):
        ws.append(_row(ws, c0, [line], font=_ITALIC if line.startswith("(") else _TITLE if i else _BOLD))
    if sub.blank_before_header:
        ws.append([])
    ws.append(_row(ws, c0, SOLIEU_HEADER, font=_BOLD, box=True))
    for stt, label, unit, code, value, note in indicator_rows(sub.figures):
        if code is None:
            ws.append(_row(ws, c0, [stt, label], font=_BOLD))
        else:
            ws.append([None] * (c0 - 1) + [_cell(ws, v, box=True) for v in (stt, label, unit, code, value, note)])
    ws.append([])
    role = "T/M ĐẢNG ỦY" if sub.unit.is_dang_bo else "T/M CHI BỘ"
    ws.append(_row(ws, c0, [None, "NGƯỜI LẬP BIỂU", None, None, None, role], font=_BOLD))
    ws.append([])
    ws.append([])
    ws.append(_row(ws, c0, [None, sub.nguoi_lap]))


def _write_thongtin(ws: WriteOnlyWorksheet, sub: Submission) -> None:
    set_widths(ws, 1, THONGTIN_WIDTHS)
    ws.append([_cell(ws, "THÔNG TIN ĐƠN VỊ NỘP BIỂU", font=_TITLE)])
    ws.append([])
    ws.append([_cell(ws, h, font=_BOLD, box=True) for h in THONGTIN_HEADER])
    values = {
        "ma_don_vi": sub.unit.code,
        "ten_don_vi": sub.unit.name,
        "nguoi_lap": sub.nguoi_lap,
        "ngay_lap": sub.ngay_lap,
        "so_dien_thoai": sub.so_dien_thoai,
    }
    for key, label in THONGTIN_FIELDS:
        cell = _cell(ws, values[key], box=True)
        if key == "ngay_lap":
            cell.number_format = "DD/MM/YYYY"
        ws.append([_cell(ws, key, box=True), _cell(ws, label, box=True), cell])


def write_combined_csv(path: Path, subs: Sequence[Submission]) -> None:
    """A combined table as Excel in a Vietnamese locale saves "CSV UTF-8": BOM, ';', CRLF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    codes = [i.code for i in ind.CATALOGUE]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(["ma_don_vi", *codes])
        for sub in subs:
            writer.writerow([sub.unit.code, *("" if sub.figures[c] is None else sub.figures[c] for c in codes)])


def write_combined_xlsx(path: Path, subs: Sequence[Submission]) -> None:
    """A combined table as a workbook with no SoLieu sheet: header in row 1 of the first sheet."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("TongHop")
    codes = [i.code for i in ind.CATALOGUE]
    ws.freeze_panes = "B2"
    ws.append([_cell(ws, h, font=_BOLD) for h in ("ma_don_vi", *codes)])
    for sub in subs:
        ws.append([sub.unit.code, *(sub.figures[c] for c in codes)])
    save_workbook(wb, path, creator="genfolder")


# --------------------------------------------------------------------------------------------
# Folder
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    cap_tren: str = "ĐẢNG BỘ TỈNH QUẢNG NINH"
    ten: str = "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"
    ky_hieu: str = "ĐUK"
    dia_danh: str = "Hạ Long"
    so: str = "125"
    ngay: dt.date | None = None  # default: 18 December of the year
    ho_ten: str = "Nguyễn Văn An"


@dataclass
class GeneratedYear:
    nam: int
    folder: Path
    units: list[Unit]
    figures: dict[str, Figures]
    files: dict[str, Path] = field(default_factory=dict)  # unit code -> file holding its submission


def generate_folder(
    out: Path,
    units: int,
    seed: int = 1,
    nam: int = 2026,
    last_year: bool = False,
    combined: int = 0,
    issuer: Issuer | None = None,
    last_year_combined: bool = False,
    older_years: int = 0,
) -> GeneratedYear:
    """Write a complete data folder into `out` and return what was written.

    `combined` units go into combined tables (about 5/8 in a ';' CSV, the rest in one workbook with
    no SoLieu sheet); the others get one workbook each. With `last_year`, `out/nam-truoc/` holds
    year nam-1 with the same split, or, with `last_year_combined`, one CSV for every unit (smaller).
    """
    issuer = issuer or Issuer()
    rng = random.Random(seed)
    unit_list = make_units(units, rng)
    profiles = {u.code: make_profile(u, rng) for u in unit_list}
    prev: dict[str, Figures] | None = None
    if last_year:
        prev = {}
        for u in unit_list:
            prev_figs = make_figures(u, profiles[u.code], rng, profiles[u.code].members, None)
            prev[u.code] = prev_figs
    current: dict[str, Figures] = {}
    for u in unit_list:
        prof = profiles[u.code]
        if prev is None:
            current[u.code] = make_figures(u, prof, rng, prof.members, None)
            continue
        last = prev[u.code]
        figs = make_figures(u, prof, rng, _int(last["dv_cuoi_ky"]), _int(last["dv_ket_nap"]))
        current[u.code] = _differ_from(figs, last)
    combined_codes = _pick_combined(unit_list, combined, rng)
    result = _write_year(out, nam, unit_list, current, combined_codes, issuer, rng)
    if prev is not None:
        prev_combined = [u.code for u in unit_list] if last_year_combined else combined_codes
        prev_issuer = Issuer(**{**issuer.__dict__, "so": _earlier_number(issuer.so), "ngay": None})
        split = (len(prev_combined), 0) if last_year_combined else None
        _write_year(out / "nam-truoc", nam - 1, unit_list, prev, prev_combined, prev_issuer, rng, split)
        if older_years:
            _write_older_years(out / "nam-truoc", nam - 1, unit_list, profiles, prev, prev_issuer, seed, older_years)
    return result


def _write_older_years(
    last_folder: Path,
    last_nam: int,
    units: Sequence[Unit],
    profiles: Mapping[str, Profile],
    last: dict[str, Figures],
    issuer: Issuer,
    seed: int,
    count: int,
) -> None:
    """nam-truoc/nam-truoc/... (contract section 11): `count` earlier years, one combined CSV each.

    Drawn from their own random streams after everything else, so the years written before keep their
    bytes. Membership shrinks going back about 2 % a year; each year checks clean on its own (the checks
    never compare two years before last year).
    """
    folder, later = last_folder, last
    for depth in range(1, count + 1):
        rng = random.Random(seed * 1000 + depth)
        nam = last_nam - depth
        folder = folder / "nam-truoc"
        figures = {
            u.code: make_figures(u, profiles[u.code], rng, max(1, round(_int(later[u.code]["dv_dau_ky"]) * 0.98)), None)
            for u in units
        }
        older = Issuer(**{**issuer.__dict__, "so": _earlier_number(issuer.so), "ngay": None})
        _write_year(folder, nam, units, figures, [u.code for u in units], older, rng, (len(units), 0))
        later, issuer = figures, older


def _earlier_number(so: str) -> str:
    """Last year's report carried a smaller document number."""
    return str(int(so) - 7) if so.isdigit() and int(so) > 7 else ""


def _int(value: Value) -> int:
    assert isinstance(value, int)
    return value


def _differ_from(figs: Figures, last: Figures) -> Figures:
    """Guarantee the "all figures identical to last year" warning cannot fire."""
    same = all(figs[c] == last[c] for c in ind.COUNT_CODES)
    if same:
        figs = {**figs, "kt_dang_vien": _int(figs["kt_dang_vien"] or 0) + 1}
    return figs


def _pick_combined(units: Sequence[Unit], k: int, rng: random.Random) -> list[str]:
    k = max(0, min(k, len(units)))
    picked = sorted(rng.sample(range(len(units)), k))
    return [units[i].code for i in picked]


def _split_combined(k: int) -> tuple[int, int]:
    n_csv = k - (k * 3) // 8
    return n_csv, k - n_csv


def _write_year(
    out: Path,
    nam: int,
    units: Sequence[Unit],
    figures: dict[str, Figures],
    combined_codes: Sequence[str],
    issuer: Issuer,
    rng: random.Random,
    split: tuple[int, int] | None = None,
) -> GeneratedYear:
    nop = out / "nop"
    nop.mkdir(parents=True, exist_ok=True)
    write_settings(out / "bao-cao.toml", nam, issuer, figures)
    write_units_csv(out / "don-vi.csv", units, figures)
    result = GeneratedYear(nam, out, list(units), figures)
    subs = {u.code: _submission(u, figures[u.code], nam, rng) for u in units}
    combined = set(combined_codes)
    for u in units:
        if u.code in combined:
            continue
        path = nop / f"{u.code}-bieu-so-lieu-{nam}.xlsx"
        write_unit_workbook(path, subs[u.code], nam, issuer.ten)
        result.files[u.code] = path
    n_csv, n_xlsx = split or _split_combined(len(combined_codes))
    csv_subs = [subs[c] for c in combined_codes[:n_csv]]
    xlsx_subs = [subs[c] for c in combined_codes[n_csv : n_csv + n_xlsx]]
    if csv_subs:
        path = nop / f"tong-hop-so-lieu-{nam}.csv"
        write_combined_csv(path, csv_subs)
        result.files.update({s.unit.code: path for s in csv_subs})
    if xlsx_subs:
        path = nop / f"tong-hop-cac-chi-bo-{nam}.xlsx"
        write_combined_xlsx(path, xlsx_subs)
        result.files.update({s.unit.code: path for s in xlsx_subs})
    return result


def _submission(unit: Unit, figures: Figures, nam: int, rng: random.Random) -> Submission:
    return Submission(
        unit=unit,
        figures=figures,
        nguoi_lap=person_name(rng),
        ngay_lap=dt.date(nam, 12, rng.randint(3, 15)),
        so_dien_thoai=phone(rng),
        title_rows=rng.choice((2, 3, 3, 4)),
        blank_before_header=rng.random() < 0.5,
        first_col=2 if rng.random() < 0.15 else 1,
    )


def write_units_csv(path: Path, units: Sequence[Unit], figures: Mapping[str, Figures] | None = None) -> None:
    """don-vi.csv: plain UTF-8, ',' separated, quoted where a field has a comma; with `figures`, the
    column xep_loai (each unit's own level, one of its tcd_* levels)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["ma_don_vi", "ten_don_vi", "loai", "nhom", *(["xep_loai"] if figures else [])])
        for u in units:
            level = [own_level(figures[u.code])] if figures else []
            writer.writerow([u.code, u.name, u.loai, u.nhom, *level])


def own_level(f: Figures) -> str:
    """The level the superior decided for the unit itself, from its figures (no random draw, so every
    other figure stays as it was): a chi bộ cơ sở its only level; a đảng bộ "xuất sắc" when it has
    such an organisation and no member failing, "hoàn thành" when several organisations are, else "tốt"."""
    counts = {lv: _int(f[f"tcd_{lv}"]) for lv in ind.LEVELS}
    present = [lv for lv, n in counts.items() if n]
    if f["tcd_duoc_danh_gia"] == 1:
        return present[0]
    if counts["htxs"] and not f["dv_kht"]:
        return "htxs"
    if counts["ht"] >= 3:
        return "ht"
    return "htt" if counts["htt"] else present[0]


# --------------------------------------------------------------------------------------------
# bao-cao.toml
# --------------------------------------------------------------------------------------------


def _toml_str(text: str) -> str:
    if "\n" in text:
        body = text.replace("\\", "\\\\").replace('"""', '\\"""')
        return f'"""\n{body}"""'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def noi_dung_texts(nam: int) -> dict[str, str]:
    """The drafter's narrative texts; paragraphs are separated by a blank line, "- " starts an item."""
    sau = nam + 1
    congress = "XIV" if nam >= 2026 else "XIII"
    return {
        "thuan_loi": (
            f"{_term_sentence(nam)} Đảng bộ Khối luôn nhận được sự lãnh đạo, chỉ đạo sát sao của Ban Thường "
            "vụ Tỉnh ủy, sự phối hợp chặt chẽ của các ban, sở, ngành của tỉnh.\n\n"
            "Tổ chức bộ máy sau sắp xếp đã đi vào hoạt động ổn định; đội ngũ cán bộ, đảng viên có bản lĩnh "
            "chính trị vững vàng, trình độ chuyên môn cao, đoàn kết, tâm huyết với công việc."
        ),
        "kho_khan": (
            "Khối lượng công việc sau sắp xếp tổ chức bộ máy tăng nhiều, trong khi biên chế giảm; một "
            "số tổ chức cơ sở đảng thay đổi cấp ủy, cán bộ làm công tác đảng kiêm nhiệm nên thời gian "
            "dành cho công tác xây dựng Đảng còn hạn chế.\n\n"
            "Nguồn phát triển đảng viên trong các cơ quan hành chính ngày càng thu hẹp; một số doanh "
            "nghiệp gặp khó khăn trong sản xuất, kinh doanh, ảnh hưởng đến hoạt động của tổ chức đảng."
        ),
        "chinh_tri_tu_tuong": (
            "Ban Thường vụ Đảng ủy Khối đã lãnh đạo, chỉ đạo các tổ chức cơ sở đảng tổ chức học tập, quán "
            f"triệt, triển khai thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ {congress} của Đảng "
            "bảo đảm nghiêm túc, đạt 98% cán bộ, đảng viên tham gia. Việc học tập và làm theo tư tưởng, "
            "đạo đức, phong cách Hồ Chí Minh được gắn với thực hiện Kết luận số 21-KL/TW của Ban Chấp hành "
            "Trung ương về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị.\n\n"
            "Công tác nắm bắt tư tưởng, dư luận xã hội được duy trì thường xuyên; công tác bảo vệ nền tảng "
            "tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch được đẩy mạnh, nhất là "
            "trên không gian mạng."
        ),
        "dan_van": (
            "Các cấp ủy tiếp tục lãnh đạo thực hiện tốt Quy chế dân chủ ở cơ sở, gắn với phong trào thi "
            "đua “Dân vận khéo”; trong năm có 46 mô hình “Dân vận khéo” được công nhận. Lãnh đạo công đoàn, "
            "đoàn thanh niên, hội cựu chiến binh, ban nữ công trong các cơ quan, đơn vị hoạt động hiệu quả, "
            "chăm lo tốt đời sống vật chất, tinh thần của người lao động."
        ),
        "uu_diem": (
            "Ban Chấp hành, Ban Thường vụ Đảng ủy Khối đã lãnh đạo toàn diện các mặt công tác xây dựng Đảng; "
            "các chỉ tiêu chủ yếu của năm đều đạt và vượt.\n\n"
            "Công tác chính trị, tư tưởng được tiến hành chủ động; công tác tổ chức, cán bộ được thực hiện "
            "chặt chẽ, đúng quy trình; chất lượng sinh hoạt chi bộ có chuyển biến rõ nét; công tác kiểm tra, "
            "giám sát được tăng cường, góp phần giữ vững kỷ luật, kỷ cương trong Đảng."
        ),
        "han_che": (
            "Chất lượng sinh hoạt chi bộ ở một số nơi chưa đồng đều, nội dung sinh hoạt chuyên đề còn "
            "chung chung. Công tác phát triển đảng viên ở khối doanh nghiệp ngoài nhà nước còn khó khăn.\n\n"
            "Việc cập nhật, khai thác cơ sở dữ liệu đảng viên ở một số tổ chức cơ sở đảng chưa kịp thời; "
            "công tác kiểm tra, giám sát chuyên đề của một số cấp ủy cơ sở còn ít."
        ),
        "nguyen_nhan": (
            "Nguyên nhân khách quan: tổ chức bộ máy có nhiều thay đổi sau sắp xếp; khối lượng nhiệm vụ "
            "chuyên môn lớn, thời gian thực hiện gấp.\n\n"
            "Nguyên nhân chủ quan: một số cấp ủy, người đứng đầu chưa thật sự quan tâm đến công tác xây dựng "
            "Đảng; cán bộ làm công tác đảng ở cơ sở chủ yếu kiêm nhiệm, ít được bồi dưỡng nghiệp vụ."
        ),
        "bai_hoc": (
            "- Phải thường xuyên giữ vững sự đoàn kết, thống nhất trong cấp ủy; phát huy vai trò nêu gương "
            "của người đứng đầu.\n"
            "- Bám sát sự lãnh đạo, chỉ đạo của cấp trên, cụ thể hóa kịp thời bằng chương trình, kế hoạch "
            "sát với thực tiễn của từng cơ quan, đơn vị.\n"
            "- Coi trọng công tác kiểm tra, giám sát, kịp thời phát hiện, chấn chỉnh những hạn chế ngay "
            "từ cơ sở."
        ),
        "phuong_huong": (
            f"Năm {sau}, Đảng bộ Khối tiếp tục nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở "
            "đảng và chất lượng đội ngũ đảng viên; xây dựng Đảng bộ Khối trong sạch, vững mạnh toàn diện, "
            "góp phần thực hiện thắng lợi Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVI."
        ),
        "nhiem_vu": (
            "- Tiếp tục học tập, quán triệt và tổ chức thực hiện có hiệu quả các nghị quyết, chỉ thị, kết "
            "luận của Trung ương, của Tỉnh ủy.\n"
            "- Nâng cao chất lượng sinh hoạt chi bộ; thực hiện nghiêm Quy định số 366-QĐ/TW về kiểm điểm, "
            "đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên.\n"
            "- Làm tốt công tác tạo nguồn, phát triển đảng viên, nhất là trong doanh nghiệp.\n"
            "- Đẩy mạnh chuyển đổi số trong công tác đảng; bảo đảm dữ liệu đảng viên đầy đủ, chính xác.\n"
            "- Tăng cường kiểm tra, giám sát, kịp thời phát hiện và xử lý nghiêm các trường hợp vi phạm."
        ),
        "kien_nghi": (
            "Đề nghị Ban Thường vụ Tỉnh ủy quan tâm bố trí biên chế chuyên trách công tác đảng cho các "
            "đảng bộ cơ sở có từ 300 đảng viên trở lên.\n\n"
            "Đề nghị Ban Tổ chức Tỉnh ủy sớm ban hành hướng dẫn thống nhất về biểu mẫu thống kê sau khi "
            "sắp xếp tổ chức bộ máy và tiếp tục mở lớp bồi dưỡng nghiệp vụ cho cán bộ làm công tác đảng vụ."
        ),
    }


def _term_sentence(nam: int) -> str:
    """The opening of "thuận lợi": where the year stands in the congress term."""
    if nam <= 2025:
        return (
            f"Năm {nam} là năm cuối thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng, "
            "năm tổ chức đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng."
        )
    order = "đầu" if nam == 2026 else f"thứ {nam - 2025}"
    return (
        f"Năm {nam} là năm {order} triển khai thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV "
        "của Đảng và Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVI, nhiệm kỳ 2025 - 2030."
    )


def write_settings(path: Path, nam: int, issuer: Issuer, figures: dict[str, Figures]) -> None:
    """bao-cao.toml with every table of reports/settings.py filled in the way a văn phòng would."""
    ngay = issuer.ngay or dt.date(nam, 12, 18)
    ket_nap = sum(_int(f["dv_ket_nap"]) for f in figures.values())
    target = max(1, round(ket_nap * 1.05))
    noi_nhan = [
        "Ban Thường vụ Tỉnh ủy (để b/c)",
        "Ban Tổ chức Tỉnh ủy (để b/c)",
        "Văn phòng Tỉnh ủy (để b/c)",
        "Các đảng bộ, chi bộ cơ sở",
        "Lưu Văn phòng Đảng ủy Khối",
    ]
    lines = [
        f"# Thiết lập báo cáo tổng kết công tác xây dựng Đảng năm {nam} (tạo bởi bench/genfolder.py)",
        f"nam = {nam}",
        "",
        "[co_quan]",
        f"cap_tren = {_toml_str(issuer.cap_tren)}",
        f"ten = {_toml_str(issuer.ten)}",
        f"ky_hieu = {_toml_str(issuer.ky_hieu)}",
        f"dia_danh = {_toml_str(issuer.dia_danh)}",
        "",
        "[van_ban]",
        f"so = {_toml_str(issuer.so)}",
        f"ngay = {ngay.isoformat()}",
        "trich_yeu = " + _toml_str(f"Tổng kết công tác xây dựng Đảng năm {nam}; phương hướng, nhiệm vụ năm {nam + 1}"),
        "can_cu = "
        + _toml_str(
            f"Thực hiện Hướng dẫn số 38-HD/BTCTU ngày 10/11/{nam} của Ban Tổ chức Tỉnh ủy về tổng kết công "
            f"tác xây dựng Đảng năm {nam}, Ban Thường vụ Đảng ủy Khối báo cáo kết quả như sau:"
        ),
        'dau_ket = "./."',
        'the_thuc = "HD36-2018"',
        "",
        "[ky]",
        'quyen_han = "T/M BAN THƯỜNG VỤ"',
        'chuc_vu = "BÍ THƯ"',
        f"ho_ten = {_toml_str(issuer.ho_ten)}",
        "noi_nhan = [\n" + "".join(f"    {_toml_str(n)},\n" for n in noi_nhan) + "]",
        "",
        "[noi_dung]",
        *(f"{key} = {_toml_str(text)}" for key, text in noi_dung_texts(nam).items()),
        "",
        "[chi_tieu_nam_sau]",
        f"ket_nap = {target}",
        "tcd_htt_tro_len_pct = 90.0",
        "dv_htt_tro_len_pct = 92.0",
        "",
        "[kiem_tra]",
        "ty_le_xuat_sac_toi_da = 20.0",
        "",
        "[trinh_bay]",
        "le_tren_mm = 20.0",
        "le_duoi_mm = 20.0",
        "le_trai_mm = 30.0",
        "le_phai_mm = 15.0",
        "co_chu = 14.0",
        "thut_dau_dong_mm = 10.0",
        "gian_dong_pt = 18.0",
        "cach_doan_pt = 6.0",
        "so_le_thap_phan = 2",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


HOI_NGHI_SETTINGS = """
[hoi_nghi]
ten = "HỘI NGHỊ TỔNG KẾT CÔNG TÁC XÂY DỰNG ĐẢNG NĂM {nam}"
dia_diem = "Hội trường Trung tâm Chính trị tỉnh"
ngay = {nam}-12-27
chuong_trinh = [
    "Khai mạc hội nghị, giới thiệu đại biểu",
    "Báo cáo tổng kết công tác xây dựng Đảng năm {nam}, phương hướng, nhiệm vụ năm {nam1}",
    "Tham luận của các đảng bộ, chi bộ cơ sở",
    "Khen thưởng tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ",
    "Phát biểu chỉ đạo; bế mạc hội nghị",
]
"""


def add_conference(folder: Path, nam: int) -> None:
    """[hoi_nghi] in bao-cao.toml and one paper in hoi-nghi/ (a PDF laid out with the bundled font)."""
    from reports.render.pdf import render_pdf

    settings = folder / "bao-cao.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + HOI_NGHI_SETTINGS.format(nam=nam, nam1=nam + 1), encoding="utf-8"
    )
    paragraphs = (
        "Năm qua, Đảng ủy Sở Tài chính tập trung lãnh đạo nâng cao chất lượng sinh hoạt chi bộ, gắn với "
        "thực hiện nhiệm vụ chuyên môn, lấy kết quả công tác làm thước đo đánh giá đảng viên.",
        "Từ kinh nghiệm thực tiễn, chúng tôi đề xuất tiếp tục đổi mới nội dung sinh hoạt chuyên đề, tăng "
        "cường kiểm tra, giám sát và chú trọng phát triển đảng viên trong đoàn viên thanh niên.",
    )
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    html = (
        '<!DOCTYPE html><html lang="vi"><head><title>Tham luận: nâng cao chất lượng sinh hoạt chi bộ</title>'
        '<link rel="stylesheet" href="style.css"></head><body><section class="portrait">'
        '<p class="doc-type">THAM LUẬN</p><p class="trich-yeu">Nâng cao chất lượng sinh hoạt chi bộ '
        f'gắn với thực hiện nhiệm vụ chính trị</p><p class="center"><i>Đảng ủy Sở Tài chính</i></p>{body}'
        "</section></body></html>"
    )
    (folder / "hoi-nghi").mkdir(parents=True, exist_ok=True)
    (folder / "hoi-nghi" / "01-tham-luan-dang-uy-so-tai-chinh.pdf").write_bytes(render_pdf(html))


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sinh một bộ dữ liệu mẫu theo hợp đồng dữ liệu.")
    parser.add_argument("out", type=Path, help="thư mục đích")
    parser.add_argument("--units", type=int, required=True, help="số đơn vị")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nam", type=int, default=2026)
    parser.add_argument("--last-year", action="store_true", help="thêm thư mục nam-truoc/ (năm nam-1)")
    parser.add_argument(
        "--last-year-combined", action="store_true", help="nam-truoc/ gồm một tệp CSV tổng hợp mọi đơn vị"
    )
    parser.add_argument("--combined", type=int, default=0, metavar="K", help="số đơn vị nộp qua bảng tổng hợp")
    parser.add_argument("--blank-form", type=Path, help="ghi thêm biểu mẫu trống vào tệp này")
    parser.add_argument("--hoi-nghi", action="store_true", help="thêm [hoi_nghi] và một tệp PDF trong hoi-nghi/")
    parser.add_argument(
        "--older-years", type=int, default=0, metavar="K", help="thêm K năm trước nữa: nam-truoc/nam-truoc/..."
    )
    args = parser.parse_args(argv)
    if args.units < 1:
        parser.error("--units phải ≥ 1")
    started = time.perf_counter()
    generate_folder(
        args.out,
        args.units,
        seed=args.seed,
        nam=args.nam,
        last_year=args.last_year,
        combined=args.combined,
        last_year_combined=args.last_year_combined,
        older_years=args.older_years if args.last_year else 0,
    )
    if args.hoi_nghi:
        add_conference(args.out, args.nam)
    if args.blank_form:
        write_blank_form(args.blank_form, args.nam)
    print(f"Đã sinh {args.units} đơn vị vào {args.out} trong {time.perf_counter() - started:.1f} giây.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
