"""bao-cao.toml -> typed settings. Unknown keys are errors that name the key.

Contract section 2 fixes `nam`, `[co_quan]`, `[van_ban]` and `[ky]`. This module extends it with
optional tables, all with documented defaults:

- `[van_ban]` also takes `trich_yeu` (subject line override), `can_cu` (the opening "Thực hiện ..."
  sentence), `dau_ket` (the closing mark, "./." by default) and `the_thuc` (formatting profile name).
- `[noi_dung]`: the texts only a person can write (thuận lợi, khó khăn, ưu điểm, hạn chế, nguyên nhân,
  bài học, phương hướng, nhiệm vụ, giải pháp, kiến nghị, chính trị tư tưởng, dân vận). A missing text
  becomes a marked placeholder for the drafter.
- `[chi_tieu_nam_sau]`: next year's targets for the "phương hướng" section.
- `[chi_tieu]`: this year's targets (contract section 10); without it, last year's `[chi_tieu_nam_sau]`
  from `nam-truoc/bao-cao.toml`. Keys: see `indicators.target_subject`; `bang_chi_tieu_la_dat` (default
  true) says whether a result exactly equal to its target is "đạt" (false: the target must be exceeded).
- `[kiem_tra]`: validation thresholds that domain.md marks unconfirmed ([T]/[U]).
- `[trinh_bay]`: page layout values (36-HD defaults; [T] in domain.md, hence settings).
- `[hoi_nghi]`: the conference handout (contract section 12): its name, place, date, programme, whether
  each part starts on an odd page (two-sided printing), and whether the consolidated report carries the
  handout's charts too (off by default).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from reports.errors import SettingsError
from reports.indicators import target_subject
from reports.values import clean_xml_text

SETTINGS_FILE = "bao-cao.toml"


@dataclass(frozen=True)
class CoQuan:
    cap_tren: str
    ten: str
    ky_hieu: str
    dia_danh: str


# Formatting profiles (domain.md 0.2): 36-HD/VPTW (2018) and its reported successor 05-HD/VPTW (2026, unconfirmed).
# Both lay pages out the same way as far as is known; templates can tell them apart through `doc.the_thuc`.
FORMAT_PROFILES: tuple[str, ...] = ("HD36-2018", "HD05-2026")


@dataclass(frozen=True)
class VanBan:
    so: str = ""
    ngay: dt.date | None = None
    trich_yeu: str = ""
    can_cu: str = ""
    dau_ket: str = "./."
    the_thuc: str = "HD36-2018"
    # The cut-off of the figures ("số liệu tính đến ngày ..."); never after the report's date.
    ngay_so_lieu: dt.date | None = None


@dataclass(frozen=True)
class Ky:
    quyen_han: str = "T/M BAN THƯỜNG VỤ"
    chuc_vu: str = "BÍ THƯ"
    ho_ten: str = ""
    noi_nhan: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoiDung:
    """Narrative texts written by the drafter; blank means "show a placeholder"."""

    thuan_loi: str = ""
    kho_khan: str = ""
    chinh_tri_tu_tuong: str = ""
    dan_van: str = ""
    uu_diem: str = ""
    han_che: str = ""
    nguyen_nhan: str = ""
    bai_hoc: str = ""
    phuong_huong: str = ""
    nhiem_vu: str = ""
    kien_nghi: str = ""


@dataclass(frozen=True)
class ChiTieuNamSau:
    """Targets for next year; 0 or blank means "not set" and the sentence is left to the drafter.

    `khac`: the other target keys given (any count code or `<share>_pct`), in file order.
    """

    ket_nap: int = 0
    tcd_htt_tro_len_pct: float = 0.0
    dv_htt_tro_len_pct: float = 0.0
    khac: tuple[tuple[str, float], ...] = ()

    @property
    def muc_tieu(self) -> tuple[tuple[str, float], ...]:
        """Every target set (non-zero), as (key, value)."""
        named = (
            ("ket_nap", float(self.ket_nap)),
            ("tcd_htt_tro_len_pct", self.tcd_htt_tro_len_pct),
            ("dv_htt_tro_len_pct", self.dv_htt_tro_len_pct),
        )
        return tuple((k, v) for k, v in (*named, *self.khac) if v)


TARGETS_THIS_YEAR = "chi_tieu"
TARGETS_NEXT_YEAR = "chi_tieu_nam_sau"
EQUAL_IS_MET = "bang_chi_tieu_la_dat"
LAST_YEAR_SETTINGS = Path("nam-truoc") / SETTINGS_FILE


@dataclass(frozen=True)
class ChiTieu:
    """This year's targets: (key, value) pairs, a count or a percentage (contract section 10).

    `nguon` is where they come from: "chi_tieu" (this year's settings), "chi_tieu_nam_sau" (last year's
    settings, nam-truoc/bao-cao.toml) or "" (none). `canh_bao`: problems met in last year's settings,
    which never block this year's report (intake turns them into warnings).
    """

    muc_tieu: tuple[tuple[str, float], ...] = ()
    bang_la_dat: bool = True
    nguon: str = ""
    canh_bao: tuple[str, ...] = ()


@dataclass(frozen=True)
class KiemTra:
    # 21-HD/BTCTW (2019): "xuất sắc" at most 20 % of "tốt"; unconfirmed for later rules, so a warning.
    ty_le_xuat_sac_toi_da: float = 20.0
    # A count above this is a typing error (an error naming the cell); far below 2^63.
    so_luong_toi_da: int = 10_000_000


@dataclass(frozen=True)
class TrinhBay:
    le_tren_mm: float = 20.0
    le_duoi_mm: float = 20.0
    le_trai_mm: float = 30.0
    le_phai_mm: float = 15.0
    co_chu: float = 14.0
    thut_dau_dong_mm: float = 10.0
    gian_dong_pt: float = 18.0
    cach_doan_pt: float = 6.0
    so_le_thap_phan: int = 2
    # Counts below 10 written "07" in sentences (domain.md 4: "03 TCCS", "tăng 08"; common practice).
    so_0_duoi_10: bool = True
    # Units' own texts quoted in the body of the consolidated report, per topic; all are in the appendix.
    trich_dan_toi_da: int = 5
    # Each appendix numbers its own pages from 1 (none on its first page), as NĐ 30/2020 prescribes for
    # state documents' appendices ([T]; Party practice unconfirmed). False: one run through the report.
    # The separate runs also let the report's parts be laid out side by side (reports.render.pdf_parts).
    trang_phu_luc_rieng: bool = True


@dataclass(frozen=True)
class HoiNghi:
    """The year-end conference (tài liệu hội nghị); every key is optional."""

    ten: str = ""  # default: "HỘI NGHỊ TỔNG KẾT CÔNG TÁC XÂY DỰNG ĐẢNG NĂM <nam>"
    dia_diem: str = ""
    ngay: dt.date | None = None
    chuong_trinh: tuple[str, ...] = ()
    bat_dau_trang_le: bool = False  # each part starts on an odd (right-hand) page
    bieu_do_trong_bao_cao: bool = False  # put the charts into the consolidated report too

    def ten_hoi_nghi(self, nam: int) -> str:
        return self.ten or f"HỘI NGHỊ TỔNG KẾT CÔNG TÁC XÂY DỰNG ĐẢNG NĂM {nam}"


@dataclass(frozen=True)
class Settings:
    nam: int
    co_quan: CoQuan
    van_ban: VanBan = field(default_factory=VanBan)
    ky: Ky = field(default_factory=Ky)
    noi_dung: NoiDung = field(default_factory=NoiDung)
    chi_tieu_nam_sau: ChiTieuNamSau = field(default_factory=ChiTieuNamSau)
    chi_tieu: ChiTieu = field(default_factory=ChiTieu)
    kiem_tra: KiemTra = field(default_factory=KiemTra)
    trinh_bay: TrinhBay = field(default_factory=TrinhBay)
    hoi_nghi: HoiNghi = field(default_factory=HoiNghi)
    source: Path | None = None

    @property
    def build_date(self) -> dt.date:
        """The date printed in the report: settings, then SOURCE_DATE_EPOCH, then today."""
        if self.van_ban.ngay:
            return self.van_ban.ngay
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        return dt.date.today()


# The sensible range of every numeric setting, (lowest, highest), both allowed. A value outside it is
# an error naming the key: nan, inf, 1e308 or a negative margin would crash the build or give a PDF of
# seventy unreadable pages. Margins and indents in mm, spacing in points, percentages 0-100.
RANGES: dict[str, tuple[float, float]] = {
    "chi_tieu_nam_sau.ket_nap": (0, 10_000_000),
    "chi_tieu_nam_sau.tcd_htt_tro_len_pct": (0, 100),
    "chi_tieu_nam_sau.dv_htt_tro_len_pct": (0, 100),
    "kiem_tra.ty_le_xuat_sac_toi_da": (0, 100),
    "kiem_tra.so_luong_toi_da": (1, 1_000_000_000),
    "trinh_bay.le_tren_mm": (0, 50),
    "trinh_bay.le_duoi_mm": (0, 50),
    "trinh_bay.le_trai_mm": (0, 50),
    "trinh_bay.le_phai_mm": (0, 50),
    "trinh_bay.co_chu": (8, 28),
    "trinh_bay.thut_dau_dong_mm": (0, 50),
    "trinh_bay.gian_dong_pt": (0, 72),
    "trinh_bay.cach_doan_pt": (0, 72),
    "trinh_bay.so_le_thap_phan": (0, 4),
    "trinh_bay.trich_dan_toi_da": (0, 1000),
}
# `nam` from this many years before today to next year; `ngay` from the year before `nam` to two after.
YEARS_BACK = 30
DATE_YEARS = (-1, 2)

_TABLES: dict[str, type] = {
    "co_quan": CoQuan,
    "van_ban": VanBan,
    "ky": Ky,
    "noi_dung": NoiDung,
    "chi_tieu_nam_sau": ChiTieuNamSau,
    "kiem_tra": KiemTra,
    "trinh_bay": TrinhBay,
    "hoi_nghi": HoiNghi,
}


def load_settings(folder: Path) -> Settings:
    """Read and check `<folder>/bao-cao.toml`; every problem is collected into one SettingsError."""
    path = folder / SETTINGS_FILE
    if not path.is_file():
        raise SettingsError(f"Không tìm thấy tệp thiết lập {path}. Mỗi bộ dữ liệu cần có tệp {SETTINGS_FILE}.")
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: tệp không được lưu theo mã UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: sai cú pháp TOML ({exc}).") from None
    problems: list[str] = []
    settings = _build(raw, problems)
    if problems or settings is None:
        detail = "\n".join(f"  - {p}" for p in problems)
        raise SettingsError(f"Tệp thiết lập {path} có lỗi:\n{detail}")
    targets = _this_years_targets(raw.get(TARGETS_THIS_YEAR, {}), folder / LAST_YEAR_SETTINGS)
    return Settings(**{**settings.__dict__, "chi_tieu": targets, "source": path})


def _build(raw: Mapping[str, Any], problems: list[str]) -> Settings | None:
    known = {"nam", TARGETS_THIS_YEAR, *_TABLES}
    for key in raw:
        if key not in known:
            problems.append(f"khóa không hợp lệ '{key}' (các khóa được dùng: {', '.join(sorted(known))})")
    nam = raw.get("nam")
    this_year = dt.date.today().year
    if not isinstance(nam, int) or isinstance(nam, bool):
        problems.append("thiếu 'nam' (năm báo cáo) hoặc 'nam' không phải là một năm, ví dụ: nam = 2024")
    elif not this_year - YEARS_BACK <= nam <= this_year + 1:
        problems.append(
            f"khóa 'nam' = {nam} không phải năm báo cáo hợp lý (từ {this_year - YEARS_BACK} đến {this_year + 1})"
        )
    if "co_quan" not in raw:
        problems.append("thiếu bảng [co_quan] (cap_tren, ten, ky_hieu, dia_danh)")
    tables: dict[str, Any] = {}
    for name, cls in _TABLES.items():
        value = raw.get(name, {})
        if not isinstance(value, dict):
            problems.append(f"'{name}' phải là một bảng [{name}]")
            continue
        if name == TARGETS_NEXT_YEAR:
            tables[name] = _next_years_targets(_targets(name, value, problems))
        else:
            tables[name] = _build_table(name, cls, value, problems)
    this_year = raw.get(TARGETS_THIS_YEAR, {})
    if not isinstance(this_year, dict):
        problems.append(f"'{TARGETS_THIS_YEAR}' phải là một bảng [{TARGETS_THIS_YEAR}]")
    else:
        _targets(TARGETS_THIS_YEAR, this_year, problems)
    van_ban = tables.get("van_ban")
    if van_ban is not None and van_ban.the_thuc not in FORMAT_PROFILES:
        problems.append(
            f"'van_ban.the_thuc' = '{van_ban.the_thuc}' không có; "
            f"các thể thức được hỗ trợ: {', '.join(FORMAT_PROFILES)}"
        )
    if van_ban is not None and van_ban.ngay_so_lieu and van_ban.ngay and van_ban.ngay_so_lieu > van_ban.ngay:
        problems.append(
            f"'van_ban.ngay_so_lieu' ({van_ban.ngay_so_lieu:%d/%m/%Y}) không được sau ngày của báo cáo "
            f"'van_ban.ngay' ({van_ban.ngay:%d/%m/%Y})"
        )
    van_ban = tables.get("van_ban")
    if isinstance(nam, int) and van_ban is not None and van_ban.ngay is not None:
        low, high = nam + DATE_YEARS[0], nam + DATE_YEARS[1]
        if not low <= van_ban.ngay.year <= high:
            problems.append(
                f"khóa 'van_ban.ngay' = {van_ban.ngay.isoformat()} không hợp lý với năm báo cáo {nam} (năm của "
                f"ngày phải từ {low} đến {high})"
            )
    if problems:
        return None
    return Settings(nam=nam, **tables)  # type: ignore[arg-type]


# --- targets ----------------------------------------------------------------------------------


TARGET_MAX = 10_000_000  # no committee admits or counts more; larger is a typo


def _targets(name: str, raw: Mapping[str, Any], problems: list[str]) -> tuple[tuple[str, float], ...]:
    """The (key, value) targets of table `name`; 0 means "not set". Bad keys and values are problems."""
    result: list[tuple[str, float]] = []
    for key, value in raw.items():
        where = f"{name}.{key}"
        if key == EQUAL_IS_MET and name == TARGETS_THIS_YEAR:
            if not isinstance(value, bool):
                problems.append(f"khóa '{where}' phải là true hoặc false")
            continue
        subject = target_subject(key)
        if subject is None:
            problems.append(
                f"khóa không hợp lệ '{where}' (chỉ tiêu là ket_nap, tcd_htt_tro_len_pct, dv_htt_tro_len_pct, "
                "một mã chỉ tiêu số, hoặc tên một tỷ lệ kèm đuôi _pct; xem docs/du-lieu.md)"
            )
        elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            problems.append(f"khóa '{where}' phải là một số không âm")
        elif value > TARGET_MAX:
            problems.append(f"khóa '{where}' = {value} quá lớn cho một chỉ tiêu (tối đa {TARGET_MAX:,})")
        elif key.endswith("_pct") and value > 100:
            problems.append(f"khóa '{where}' là tỷ lệ phần trăm, không được lớn hơn 100")
        elif value:
            result.append((key, float(value)))
    return tuple(result)


def _next_years_targets(items: tuple[tuple[str, float], ...]) -> ChiTieuNamSau:
    named = {"ket_nap", "tcd_htt_tro_len_pct", "dv_htt_tro_len_pct"}
    values = dict(items)
    return ChiTieuNamSau(
        ket_nap=int(values.get("ket_nap", 0)),
        tcd_htt_tro_len_pct=values.get("tcd_htt_tro_len_pct", 0.0),
        dv_htt_tro_len_pct=values.get("dv_htt_tro_len_pct", 0.0),
        khac=tuple((k, v) for k, v in items if k not in named),
    )


def _this_years_targets(raw: Mapping[str, Any], last_year_path: Path) -> ChiTieu:
    """[chi_tieu] when it sets a target, else last year's [chi_tieu_nam_sau] (contract section 10)."""
    equal_is_met = bool(raw.get(EQUAL_IS_MET, True))
    own = _targets(TARGETS_THIS_YEAR, raw, [])  # already checked by _build
    if own:
        return ChiTieu(own, equal_is_met, TARGETS_THIS_YEAR)
    if not last_year_path.is_file():
        return ChiTieu((), equal_is_met)
    problems: list[str] = []
    try:
        last = tomllib.loads(last_year_path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return ChiTieu((), equal_is_met, "", (f"{last_year_path}: không đọc được tệp ({exc}).",))
    table = last.get(TARGETS_NEXT_YEAR, {})
    if not isinstance(table, dict):
        problems.append(f"'{TARGETS_NEXT_YEAR}' phải là một bảng [{TARGETS_NEXT_YEAR}]")
        table = {}
    items = _targets(TARGETS_NEXT_YEAR, table, problems)
    notes = tuple(f"{last_year_path}: {p}; chỉ tiêu này không được dùng." for p in problems)
    return ChiTieu(items, equal_is_met, TARGETS_NEXT_YEAR if items else "", notes)


def _build_table(name: str, cls: type, raw: Mapping[str, Any], problems: list[str]) -> Any:
    specs = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in specs:
            problems.append(f"khóa không hợp lệ '{name}.{key}' (các khóa được dùng: {', '.join(specs)})")
            continue
        converted = _convert(f"{name}.{key}", specs[key].type, value, problems)
        if converted is not None:
            values[key] = converted
    required = [k for k, f in specs.items() if f.default is MISSING and f.default_factory is MISSING]
    for key in required:
        if key not in values and key not in raw:
            problems.append(f"thiếu '{name}.{key}'")
    if any(k not in values for k in required):
        return None
    return cls(**values)


def _convert(key: str, annotation: Any, value: Any, problems: list[str]) -> Any:
    kind = str(annotation)
    if "date" in kind:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and not value.strip():
            return None
        problems.append(f"khóa '{key}' phải là một ngày, ví dụ {key.split('.')[-1]} = 2024-12-20")
        return None
    if "tuple" in kind:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f'khóa \'{key}\' phải là một danh sách chuỗi, ví dụ ["...", "..."]')
            return None
        return tuple(_nfc(v) for v in value)
    if kind == "bool":
        if not isinstance(value, bool):
            problems.append(f"khóa '{key}' phải là true hoặc false")
            return None
        return value
    if kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"khóa '{key}' phải là một số")
            return None
        return _in_range(key, int(value) if kind == "int" and float(value).is_integer() else value, kind, problems)
    if kind == "str":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            problems.append(f"khóa '{key}' phải là một chuỗi")
            return None
        return _nfc(value)
    return value


def _in_range(key: str, value: float, kind: str, problems: list[str]) -> Any:
    """A number within its range (RANGES); else None and a problem naming the key."""
    if not math.isfinite(value):
        problems.append(f"khóa '{key}' = {value} không phải là một số hữu hạn")
        return None
    if kind == "int" and not float(value).is_integer():
        problems.append(f"khóa '{key}' phải là một số nguyên (nhận được {value})")
        return None
    low, high = RANGES.get(key, (0, 1e9))
    if not low <= value <= high:
        problems.append(f"khóa '{key}' = {value:g} nằm ngoài khoảng cho phép ({low:g} đến {high:g})")
        return None
    return int(value) if kind == "int" else float(value)


def _nfc(text: str) -> str:
    """Text as written, NFC, without the characters XML cannot hold (Word's line and page breaks)."""
    return clean_xml_text(unicodedata.normalize("NFC", text))
