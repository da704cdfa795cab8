"""The document frame: header, number, date, signature and recipients of one Party document.

This is context-side data (settings -> plain values), shared by every document kind. The words around
it (the document type's name, the subject line's default wording, the draft mark) are the templates'
(templates/base.html.j2 and its partials); Python only formats what the formatting rules fix: the
"Số 125-BC/ĐUK" line, the place-and-date line and the Party style of the recipients list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reports import vietnamese as vn
from reports.settings import Settings, TrinhBay

DOC_TYPE_ABBR = "BC"  # the default document type: a báo cáo (domain.md 1.4 lists the others)
NOTICE_TYPE_ABBR = "TB"  # a thông báo
DEFAULT_FILING_LINE = "Lưu VP"


@dataclass(frozen=True)
class Signature:
    quyen_han: str  # "T/M BAN THƯỜNG VỤ"
    chuc_vu: str  # "BÍ THƯ"
    ho_ten: str  # "Nguyễn Văn An"


@dataclass(frozen=True)
class DocumentFrame:
    """What templates/base.html.j2 and its partials read as `doc` (docs/mau-van-ban.md lists it)."""

    author: str  # <meta name="author">: the issuing body
    date_iso: str  # <meta name="date">: "2026-12-18"
    draft: bool  # True: every page carries the draft mark
    cap_tren: str  # superior body, capitals
    co_quan: str  # issuing body, capitals
    ky_hieu: str  # issuer abbreviation: "ĐUK"
    loai: str  # the document type's abbreviation in the number: "BC", "TB"
    so_ky_hieu: str  # "Số 125-BC/ĐUK", or a gap to fill by hand
    dia_danh_ngay: str  # "Hạ Long, ngày 18 tháng 12 năm 2026"
    ngay: str  # the date inside sentences: "18/12/2026"
    ngay_so_lieu: str  # the figures' cut-off ([van_ban].ngay_so_lieu): "15/12/2026"; "" when not set
    trich_yeu: str  # the subject line from the settings; "" means the template's own wording
    can_cu: str  # the opening's basis from the settings ("Thực hiện Hướng dẫn số ..."); "" when not given
    dau_ket: str  # the closing mark of the body, "./." by default
    ky: Signature
    noi_nhan: tuple[str, ...]  # "- X;" ... "- Lưu VP."
    layout: TrinhBay  # page and paragraph values ([trinh_bay])
    co_quan_bao_cao: str  # the collective that reports, from ky.quyen_han: "Ban Thường vụ"
    the_thuc: str  # the formatting profile ([van_ban].the_thuc): "HD36-2018" or "HD05-2026"


def make_frame(
    settings: Settings,
    *,
    draft: bool = False,
    so: str | None = None,
    trich_yeu: str = "",
    loai: str = DOC_TYPE_ABBR,
    noi_nhan: Iterable[str] | None = None,
) -> DocumentFrame:
    """The frame of a document issued under `settings`.

    `so` overrides the document number ("" leaves the blank the văn thư fills in); `trich_yeu`
    overrides the subject line of the settings; `loai` is the type abbreviation of the number ("TB" for
    a thông báo, numbered in its own series); `noi_nhan` replaces the settings' recipients.
    """
    co_quan = settings.co_quan
    date = settings.build_date
    cut_off = settings.van_ban.ngay_so_lieu
    return DocumentFrame(
        author=co_quan.ten,
        date_iso=date.isoformat(),
        draft=draft,
        cap_tren=co_quan.cap_tren,
        co_quan=co_quan.ten,
        ky_hieu=co_quan.ky_hieu,
        loai=loai,
        so_ky_hieu=vn.doc_number(settings.van_ban.so if so is None else so, loai, co_quan.ky_hieu),
        dia_danh_ngay=vn.fmt_date_header(co_quan.dia_danh, date),
        ngay=vn.fmt_date_body(date),
        ngay_so_lieu=vn.fmt_date_body(cut_off) if cut_off else "",
        trich_yeu=lower_first((trich_yeu or settings.van_ban.trich_yeu).strip()),
        can_cu=settings.van_ban.can_cu.strip(),
        dau_ket=settings.van_ban.dau_ket,
        ky=Signature(settings.ky.quyen_han, settings.ky.chuc_vu, settings.ky.ho_ten),
        noi_nhan=tuple(format_noi_nhan(settings.ky.noi_nhan if noi_nhan is None else noi_nhan)),
        layout=settings.trinh_bay,
        co_quan_bao_cao=issuing_body(settings.ky.quyen_han),
        the_thuc=settings.van_ban.the_thuc,
    )


def lower_first(text: str) -> str:
    """The trích yếu starts in lower case (domain.md 1.5): "Tổng kết ..." -> "tổng kết ...".

    A first word in capitals ("HĐND", "UBND") or a name ("Đảng ủy Khối", two capitals running) is kept.
    """
    words = text.split(" ", 2)
    first = words[0]
    if not first or (first.isupper() and len(first) > 1) or first == "Đảng":
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return first[:1].lower() + text[1:]


_COLLECTIVES = {
    "BAN THƯỜNG VỤ": "Ban Thường vụ",
    "BAN CHẤP HÀNH": "Ban Chấp hành",
    "ĐẢNG ỦY": "Đảng ủy",
    "ĐẢNG UỶ": "Đảng ủy",
    "CHI BỘ": "Chi bộ",
    "CHI ỦY": "Chi ủy",
}


def issuing_body(quyen_han: str) -> str:
    """ "Ban Thường vụ" from "T/M BAN THƯỜNG VỤ": the collective that reports, for the opening."""
    authority = quyen_han.strip()
    for prefix in ("T/M ", "K/T ", "T/L "):
        if authority.upper().startswith(prefix):
            authority = authority[len(prefix) :]
    upper = authority.upper()
    if upper in _COLLECTIVES:
        return _COLLECTIVES[upper]
    return authority[:1].upper() + authority[1:].lower() if authority else "Ban Thường vụ"


def filing_lines(items: Iterable[str]) -> list[str]:
    """The filing lines ("Lưu ...") of a recipients list: a notice to a unit is filed the same way."""
    return [item for item in items if item.strip().lstrip("-–+ ").casefold().startswith("lưu")]


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
