"""The peer's context: the sentence-building context code of our reports before wording moved to Jinja.

Vendored from `reports/context.py` as it was at the parent of commit 4a0e62b ("Document layer: wording
in per-topic Jinja templates ..."), which replaced it with the typed contexts of `reports/context/`.
The peer pipeline (peer_build.py, make_templates.py) fills its Word templates with docxtpl, and a Word
template cannot reasonably say our Jinja topics' sentences itself, so the peer keeps Python building
display-ready sentences, as a committee office writing its own docxtpl pipeline would. Only the imports
were adapted to today's modules (figures from `reports.aggregate`, the document frame's formatting from
`reports.document`), plus `make_doc`, `default_trich_yeu` and `issuing_body`, which lived in
`reports.render.html` and `reports.context` then. The text is what our reports said at that commit; the
bench README lists where our reports have moved on since.

Templates never see a DataFrame or a raw number: every figure is formatted here with the functions of
`reports.vietnamese` ("1.234", "92,1%", "35/38 đồng chí (92,11%)") and set into a Vietnamese sentence.
Body content is a list of *blocks*, each a dict rendered as one paragraph by the templates:

    {"cls": "" | "dash" | "quote" | "placeholder" | "note", "lead": "bold lead-in or ''", "text": "..."}

Shapes:
    consolidated_context(...) -> {"doc": make_doc(...), "report": {...}}   (keys: see `_report_body`)
    unit_context(...)         -> {"doc": make_doc(...), "report": {...}}   (keys: see `unit_context`)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from reports import vietnamese as vn
from reports.aggregate import (
    STATUS_EXCLUDED,
    STATUS_INCLUDED,
    Aggregates,
    Change,
    Share,
    Total,
)
from reports.context.appendix import column_index
from reports.context.values import coverage_notes, paragraphs
from reports.document import issuing_body as _issuing_body
from reports.document import make_frame
from reports.figures import ShareChange, SummaryRow
from reports.indicators import (
    BY_CODE,
    LEVEL_LABELS,
    LEVELS,
    MEMBERSHIP_DECREASES,
    MEMBERSHIP_INCREASES,
    UNIT_TYPES,
)
from reports.model import Dataset
from reports.settings import NoiDung, Settings

Block = dict[str, str]

# Since commit 4a0e62b our reports no longer write "(38/40 đơn vị báo cáo)" after a figure: they say it
# once, in "Ghi chú về số liệu" at the end (`data_notes`). The peer does the same.
INLINE_COVERAGE = False

MEMBER = "đồng chí"
STATUS_NOTES = {
    STATUS_EXCLUDED: "Không tổng hợp (có lỗi)",
    "missing": "Chưa báo cáo",
}
NO_GROUP = "Đơn vị khác"

# What the drafter should write where a settings text is missing.
PLACEHOLDER_HINTS: dict[str, str] = {
    "thuan_loi": "những thuận lợi trong năm",
    "kho_khan": "những khó khăn trong năm",
    "chinh_tri_tu_tuong": (
        "kết quả học tập, quán triệt nghị quyết; học tập và làm theo tư tưởng, đạo đức, phong cách "
        "Hồ Chí Minh; nắm bắt dư luận; bảo vệ nền tảng tư tưởng của Đảng"
    ),
    "dan_van": "kết quả công tác dân vận, lãnh đạo Mặt trận, đoàn thể, thực hiện quy chế dân chủ ở cơ sở",
    "uu_diem": "những ưu điểm nổi bật trong năm",
    "han_che": "những hạn chế, khuyết điểm trong năm",
    "nguyen_nhan": "nguyên nhân khách quan và chủ quan của hạn chế, khuyết điểm",
    "bai_hoc": "những bài học kinh nghiệm",
    "phuong_huong": "phương hướng, mục tiêu chung của năm tới",
    "nhiem_vu": "các nhiệm vụ, giải pháp trọng tâm của năm tới",
    "kien_nghi": "đề xuất, kiến nghị với cấp trên",
    "muc_tieu": "các chỉ tiêu chủ yếu của năm tới (kết nạp đảng viên, tỷ lệ hoàn thành tốt nhiệm vụ trở lên)",
}


# --- the document frame (was reports.render.html.make_doc) ----------------------------------------

DOC_TYPE = "BÁO CÁO"


def default_trich_yeu(nam: int) -> str:
    return f"tổng kết công tác xây dựng Đảng năm {nam} và phương hướng, nhiệm vụ năm {nam + 1}"


def make_doc(
    settings: Settings, *, trich_yeu: str | None = None, draft: bool = False, so: str | None = None
) -> dict[str, Any]:
    """The `doc` dict of the header and signature blocks, formatted by today's `reports.document`.

    `trich_yeu` overrides the subject line (a unit's own report); otherwise `[van_ban].trich_yeu`,
    otherwise the standard year-end wording. `so` overrides the number ("" leaves the blank).
    """
    frame = make_frame(settings, draft=draft, so=so, trich_yeu=trich_yeu or "")
    return {
        "draft": "DỰ THẢO" if draft else "",
        "cap_tren": frame.cap_tren,
        "co_quan": frame.co_quan,
        "so_ky_hieu": frame.so_ky_hieu,
        "dia_danh_ngay": frame.dia_danh_ngay,
        "doc_type": DOC_TYPE,
        "trich_yeu": frame.trich_yeu or default_trich_yeu(settings.nam),
        "ky": {"quyen_han": frame.ky.quyen_han, "chuc_vu": frame.ky.chuc_vu, "ho_ten": frame.ky.ho_ten},
        "noi_nhan": list(frame.noi_nhan),
    }


# --- blocks -------------------------------------------------------------------------------------


def block(text: str, cls: str = "", lead: str = "") -> Block:
    return {"cls": cls, "lead": lead, "text": text}


def placeholder(hint: str) -> Block:
    return block(f"[Phần do người soạn thảo viết: {hint}]", "placeholder")


def text_blocks(text: str, hint: str = "") -> list[Block]:
    """A settings text as paragraphs (the project's `paragraphs`), each a block; a blank text becomes a
    placeholder for the drafter when `hint` is given, else nothing."""
    blocks = [block(p.text, "dash" if p.dash else "") for p in paragraphs(text)]
    if not blocks and hint:
        blocks.append(placeholder(hint))
    return blocks


def setting_blocks(noi_dung: NoiDung, name: str) -> list[Block]:
    return text_blocks(getattr(noi_dung, name), PLACEHOLDER_HINTS[name])


def quote_blocks(entries: Iterable[tuple[str, str, str]]) -> list[Block]:
    """Units' own texts, each quoted under the unit's name (never reworded)."""
    return [block(" ".join(line.strip() for line in text.splitlines() if line.strip()), "quote", f"{name}:")
            for _, name, text in entries]  # fmt: skip


TEXT_TOPICS: dict[str, tuple[str, str]] = {
    # code -> (what the units gave, heading of its part of the appendix)
    "nd_ket_qua_noi_bat": ("nêu kết quả nổi bật", "Kết quả nổi bật"),
    "nd_mo_hinh": ("nêu mô hình, cách làm hay", "Mô hình, cách làm hay"),
    "nd_han_che": ("tự nêu hạn chế, khuyết điểm", "Hạn chế, khuyết điểm"),
    "nd_kien_nghi": ("có đề xuất, kiến nghị", "Đề xuất, kiến nghị"),
}
TEXTS_APPENDIX = 3  # the number of the appendix that carries every unit's texts in full


def unit_quotes(a: Aggregates, code: str, limit: int) -> dict[str, Any]:
    """Units' own texts for the body: an introducing sentence and at most `limit` quotes.

    With hundreds of units the texts would fill dozens of pages, so the body quotes the first few (in
    don-vi.csv order) and the appendix carries all of them; the drafter picks what to keep.
    """
    entries = a.texts[code]
    if not entries:
        return {"intro": "", "blocks": []}
    what = TEXT_TOPICS[code][0]
    intro = f"Có {vn.fmt_int(len(entries))} tổ chức cơ sở đảng {what}"
    if len(entries) > limit:
        intro += f" (toàn văn tại Phụ lục {TEXTS_APPENDIX}); trích một số ý kiến:"
    else:
        intro += ":"
    return {"intro": intro, "blocks": quote_blocks(entries[:limit])}


def texts_appendix(a: Aggregates) -> list[dict[str, Any]]:
    """Every unit's texts, by topic, for the last appendix; empty when no unit wrote any."""
    return [
        {"title": TEXT_TOPICS[code][1], "blocks": quote_blocks(a.texts[code])} for code in TEXT_TOPICS if a.texts[code]
    ]


def close_body(blocks: list[Block], mark: str) -> None:
    """End the last paragraph with the closing mark ("./."), merged with its final full stop."""
    if blocks and mark:
        last = blocks[-1]
        last["text"] = last["text"].rstrip().rstrip(".") + mark


# --- figures ------------------------------------------------------------------------------------


def coverage(item: Total | Share) -> str:
    """ " (38/40 đơn vị báo cáo)" when only part of the units reported the figure."""
    note = coverage_note(item)
    return f" ({note})" if note else ""


def coverage_note(item: Total | Share) -> str:
    if not INLINE_COVERAGE or item.complete or item.units <= 1:
        return ""
    return f"{vn.fmt_int(item.reported)}/{vn.fmt_int(item.units)} đơn vị báo cáo"


def count(a: Aggregates, code: str, noun: str = "", *, note: bool = True) -> str | None:
    """ "1.234 đồng chí" (+ coverage unless `note` is False), or None when no unit reported it."""
    total = a.totals[code]
    if total.value is None:
        return None
    text = vn.fmt_int(total.value) + (f" {noun}" if noun else "")
    return text + (coverage(total) if note else "")


def shared_coverage(a: Aggregates, codes: Sequence[str], topic: str) -> str:
    """One closing note instead of a note after every figure, when the same units reported them all.

    Returns "" when every unit reported, or when the figures come from different sets of units (each
    figure then carries its own note).
    """
    totals = [a.totals[c] for c in codes if a.totals[c].value is not None]
    notes = {coverage_note(t) for t in totals}
    if len(notes) != 1 or not next(iter(notes)):
        return ""
    return f" Số liệu {topic} do {next(iter(notes))}."


def share_pct(share: Share) -> str | None:
    return None if share.pct is None else vn.fmt_pct(share.pct, share.decimals)


def part_with_share(a: Aggregates, key: str, noun: str, *, label: bool = False) -> str | None:
    """ "172 đồng chí (chiếm 45,03% tổng số đảng viên)"; None when nobody reported the part.

    A coverage note shares the parentheses: "5 đồng chí (2,38%; 1/3 đơn vị báo cáo)".
    """
    share = a.shares[key]
    if share.reported == 0:
        return None
    text = vn.fmt_int(share.part) + (f" {noun}" if noun else "")
    pct = share_pct(share)
    notes = []
    if pct is not None:
        notes.append(f"chiếm {pct} {share.denominator_label}" if label else pct)
    notes.append(coverage_note(share))
    inside = "; ".join(n for n in notes if n)
    return f"{text} ({inside})" if inside else text


def ratio(share: Share, noun: str) -> str:
    """ "17/21 tổ chức đảng (80,95%)" with its coverage note."""
    return vn.fmt_share(share.part, share.whole, noun, share.decimals) + coverage(share)


def join_clauses(clauses: Iterable[str | None], sep: str = ", ") -> str:
    return sep.join(c for c in clauses if c)


def labelled(clauses: Sequence[tuple[str, str | None]]) -> list[str]:
    """ "kết nạp 17" style clauses, skipping the figures nobody reported."""
    return [f"{label} {value}" for label, value in clauses if value is not None]


def change_phrase(change: Change | None, noun: str, year: int) -> str | None:
    """ "tăng 12 đảng viên (3,24%) so với năm 2023"; None without a comparable last-year figure."""
    if change is None or change.delta is None:
        return None
    text = vn.fmt_change(change.delta, noun)
    if change.delta and change.pct is not None:
        text += f" ({vn.fmt_pct(abs(change.pct), change.decimals)})"
    return f"{text} so với năm {year - 1}"


def level_label(level: str) -> str:
    text = LEVEL_LABELS[level]
    return text[0].lower() + text[1:]


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", ":", "!", "?")) else text + "."


# --- sentences shared by both reports -------------------------------------------------------------


def members_stock(a: Aggregates) -> list[Block]:
    """Members at the start and end of the year, women, probationary (and optional profile shares)."""
    start, end = a.value("dv_dau_ky"), a.value("dv_cuoi_ky")
    if start is None or end is None:
        return [block("Chưa có số liệu về số lượng đảng viên.")]
    parts = [
        f"tổng số đảng viên đầu năm {a.year} là {vn.fmt_int(start)} {MEMBER}",
        f"đến cuối năm có {vn.fmt_int(end)} {MEMBER} ({vn.fmt_change(end - start, 'đảng viên')} so với đầu năm)",
    ]
    text = sentence("; ".join(parts))
    profile = labelled(
        [
            ("nữ", part_with_share(a, "dv_nu", MEMBER, label=True)),
            ("đảng viên dự bị", part_with_share(a, "dv_du_bi", MEMBER, label=True)),
            ("người dân tộc thiểu số", part_with_share(a, "dv_dan_toc_thieu_so", MEMBER)),
            ("từ 18 đến 30 tuổi", part_with_share(a, "dv_tuoi_18_30", MEMBER)),
        ]
    )
    if profile:
        text += " " + sentence("Trong đó, " + join_clauses(profile, "; "))
    versus = change_phrase(a.changes.get("dv_cuoi_ky"), "đảng viên", a.year)
    if versus:
        text += " " + sentence(f"Tổng số đảng viên cuối năm {versus}")
    return [block(text)]


def membership_movement(a: Aggregates) -> list[Block]:
    if a.value("dv_cuoi_ky") is None:
        return [block("Chưa có số liệu về tăng, giảm đảng viên.")]
    increases = labelled([(_movement_label(c), count(a, c)) for c in MEMBERSHIP_INCREASES])
    decreases = labelled([(_movement_label(c), count(a, c)) for c in MEMBERSHIP_DECREASES])
    text = sentence(
        f"Trong năm, số đảng viên tăng do {join_clauses(increases)} {MEMBER}; "
        f"giảm do {join_clauses(decreases)} {MEMBER}"
    )
    total_in = sum(a.value(c) or 0 for c in MEMBERSHIP_INCREASES)
    total_out = sum(a.value(c) or 0 for c in MEMBERSHIP_DECREASES)
    text += " " + sentence(
        f"Tổng cộng tăng {vn.fmt_int(total_in)}, giảm {vn.fmt_int(total_out)} {MEMBER}; "
        f"số đảng viên cuối năm là {count(a, 'dv_cuoi_ky', MEMBER)}"
    )
    return [block(text)]


def _movement_label(code: str) -> str:
    label = BY_CODE[code].label
    return label[0].lower() + label[1:]


def admissions(a: Aggregates) -> list[Block]:
    admitted = a.value("dv_ket_nap")
    if admitted is None:
        return [block("Chưa có số liệu về kết nạp đảng viên.")]
    clauses = [f"kết nạp {vn.fmt_int(admitted)} đảng viên mới"]
    start = a.shares["ket_nap_dau_ky"]
    if start.pct is not None:
        clauses.append(f"bằng {share_pct(start)} so với {start.denominator_label}")
    text = sentence("Trong năm, " + join_clauses(clauses))
    target = a.shares["ket_nap_chi_tieu"]
    if target.reported and target.pct is not None:
        if target.complete:
            text += " " + sentence(
                f"So với chỉ tiêu kết nạp {vn.fmt_int(target.whole)} đảng viên, đạt {share_pct(target)}"
            )
        else:
            text += " " + sentence(
                f"Ở {vn.fmt_int(target.reported)}/{vn.fmt_int(target.units)} đơn vị có báo cáo chỉ tiêu, "
                f"kết nạp được {vn.fmt_int(target.part)}/{vn.fmt_int(target.whole)} đảng viên theo chỉ tiêu, "
                f"đạt {share_pct(target)}"
            )
    elif target.reported == 0:
        text += " Chưa có đơn vị báo cáo chỉ tiêu kết nạp trong năm."
    versus = change_phrase(a.changes.get("dv_ket_nap"), "đảng viên", a.year)
    if versus:
        text += " " + sentence(f"Số đảng viên mới kết nạp {versus}")
    confirmed = count(a, "dv_cong_nhan_chinh_thuc", MEMBER)
    if confirmed:
        text += " " + sentence(f"Công nhận đảng viên chính thức cho {confirmed}")
    return [block(text)]


def organisation_rating(a: Aggregates, *, name_units: bool = True) -> list[Block]:
    rated = a.value("tcd_duoc_danh_gia")
    if rated is None:
        return [block("Chưa có số liệu đánh giá, xếp loại tổ chức đảng.")]
    levels = [f"{vn.fmt_int(a.shares[f'tcd_{lv}'].part)} {level_label(lv)} {_level_pct(a, f'tcd_{lv}')}"
              for lv in LEVELS]  # fmt: skip
    text = sentence(
        f"Có {vn.fmt_int(rated)} tổ chức đảng được đánh giá, xếp loại chất lượng; kết quả: "
        + join_clauses(levels, "; ")
        + " (tỷ lệ tính trên số tổ chức đảng được đánh giá, xếp loại)"
    )
    good = a.shares["tcd_htt_tro_len"]
    text += " " + sentence(f"Có {ratio(good, 'tổ chức đảng')} hoàn thành tốt nhiệm vụ trở lên")
    versus = change_phrase(a.changes.get("tcd_htt_tro_len"), "tổ chức", a.year)
    if versus:
        text += " " + sentence(f"Số tổ chức đảng hoàn thành tốt nhiệm vụ trở lên {versus}")
    blocks = [block(text)]
    failing = a.units_by_level["kht"]
    if failing and name_units:
        names = ", ".join(f"{u.name} ({vn.fmt_int(u.count)})" for u in failing)
        blocks.append(block(sentence(f"Các tổ chức đảng không hoàn thành nhiệm vụ thuộc: {names}")))
    return blocks


def _level_pct(a: Aggregates, key: str) -> str:
    return f"({share_pct(a.shares[key]) or '0%'})"


def member_rating(a: Aggregates) -> list[Block]:
    rated = a.value("dv_duoc_danh_gia")
    if rated is None:
        return [block("Chưa có số liệu đánh giá, xếp loại đảng viên.")]
    coverage_clauses = [
        f"có {part_with_share(a, 'dv_duoc_danh_gia', MEMBER, label=True)} được đánh giá, xếp loại",
    ]
    exempt = part_with_share(a, "dv_mien_danh_gia", MEMBER)
    if exempt:
        coverage_clauses.append(f"{exempt} được miễn đánh giá")
    pending = part_with_share(a, "dv_chua_danh_gia", MEMBER)
    if pending:
        coverage_clauses.append(f"{pending} chưa được đánh giá")
    text = sentence(join_clauses(coverage_clauses, "; "))
    levels = [
        f"{vn.fmt_int(a.shares[key].part)} {MEMBER} {level_label(lv)} {_level_pct(a, key)}"
        for lv, key in ((lv, f"dv_{lv}") for lv in LEVELS)
    ]
    text += " " + sentence(
        "Kết quả: " + join_clauses(levels, "; ") + " (tỷ lệ tính trên số đảng viên được đánh giá, xếp loại)"
    )
    good = a.shares["dv_htt_tro_len"]
    text += " " + sentence(f"Có {ratio(good, MEMBER)} hoàn thành tốt nhiệm vụ trở lên")
    excellent = a.shares["dv_htxs_so_htt"]
    if excellent.pct is not None:
        text += " " + sentence(
            f"Số đảng viên hoàn thành xuất sắc nhiệm vụ bằng {share_pct(excellent)} {excellent.denominator_label}"
        )
    versus = change_phrase(a.changes.get("dv_htt_tro_len"), "đảng viên", a.year)
    if versus:
        text += " " + sentence(f"Số đảng viên hoàn thành tốt nhiệm vụ trở lên {versus}")
    return [block(text)]


def committee(a: Aggregates) -> list[Block]:
    members = count(a, "cu_tong", MEMBER)
    if members is None:
        return [block("Chưa có đơn vị báo cáo số liệu về cấp ủy viên.")]
    parts = labelled(
        [
            ("nữ", part_with_share(a, "cu_nu", MEMBER, label=True)),
            ("từ 40 tuổi trở xuống", part_with_share(a, "cu_duoi_40", MEMBER)),
            ("có trình độ chuyên môn đại học trở lên", part_with_share(a, "cu_dai_hoc_tro_len", MEMBER)),
            ("có trình độ lý luận chính trị trung cấp trở lên",
             part_with_share(a, "cu_llct_trung_cap_tro_len", MEMBER)),
        ]
    )  # fmt: skip
    text = f"Tổng số cấp ủy viên là {members}"
    if parts:
        text += "; trong đó " + join_clauses(parts, "; ")
    return [block(sentence(text))]


def planning(a: Aggregates) -> list[Block]:
    total = count(a, "qh_luot", "lượt cán bộ")
    if total is None:
        return [block("Chưa có đơn vị báo cáo số liệu về quy hoạch cán bộ.")]
    parts = labelled(
        [
            ("nữ", part_with_share(a, "qh_nu", "lượt", label=True)),
            ("từ 40 tuổi trở xuống", part_with_share(a, "qh_duoi_40", "lượt")),
        ]
    )
    text = f"Trong năm, quy hoạch {total}"
    if parts:
        text += "; trong đó " + join_clauses(parts, "; ")
    return [block(sentence(text))]


TRAINING_CODES = ("llct_cao_cap", "llct_trung_cap", "llct_so_cap", "cm_tien_si", "cm_thac_si", "cm_dai_hoc",
                  "bd_so_lop", "bd_luot_hoc_vien")  # fmt: skip


def training(a: Aggregates) -> list[Block]:
    shared = shared_coverage(a, TRAINING_CODES, "đào tạo, bồi dưỡng")

    def n(code: str, noun: str) -> str | None:
        return count(a, code, noun, note=not shared)

    political = labelled(
        [
            ("cao cấp lý luận chính trị", n("llct_cao_cap", MEMBER)),
            ("trung cấp lý luận chính trị", n("llct_trung_cap", MEMBER)),
            ("sơ cấp lý luận chính trị", n("llct_so_cap", MEMBER)),
        ]
    )
    professional = labelled(
        [
            ("tiến sĩ", n("cm_tien_si", MEMBER)),
            ("thạc sĩ", n("cm_thac_si", MEMBER)),
            ("đại học", n("cm_dai_hoc", MEMBER)),
        ]
    )
    sentences = []
    if political:
        sentences.append(sentence("Cử cán bộ đi học lý luận chính trị: " + join_clauses(political, "; ")))
    if professional:
        sentences.append(sentence("Cử cán bộ đi đào tạo chuyên môn: " + join_clauses(professional, "; ")))
    classes, learners = n("bd_so_lop", "lớp bồi dưỡng"), n("bd_luot_hoc_vien", "lượt học viên")
    if classes:
        sentences.append(sentence(f"Mở {classes}" + (f" với {learners}" if learners else "")))
    elif learners:
        sentences.append(sentence(f"Bồi dưỡng {learners}"))
    if not sentences:
        return [block("Chưa có đơn vị báo cáo số liệu về đào tạo, bồi dưỡng cán bộ.")]
    return [block(" ".join(sentences) + shared)]


def rotation(a: Aggregates) -> list[Block]:
    shared = shared_coverage(a, ("luan_chuyen", "dieu_dong"), "luân chuyển, điều động")
    parts = labelled(
        [
            ("luân chuyển", count(a, "luan_chuyen", "lượt cán bộ", note=not shared)),
            ("điều động", count(a, "dieu_dong", "lượt cán bộ", note=not shared)),
        ]
    )
    if not parts:
        return [block("Chưa có đơn vị báo cáo số liệu về luân chuyển, điều động cán bộ.")]
    return [block(sentence("Trong năm, " + join_clauses(parts, "; ")) + shared)]


def appointment(a: Aggregates) -> list[Block]:
    shared = shared_coverage(a, ("bo_nhiem", "bo_nhiem_lai", "gioi_thieu_ung_cu"), "bổ nhiệm, giới thiệu ứng cử")
    appointed = count(a, "bo_nhiem", "lượt cán bộ", note=not shared)
    clauses = []
    if appointed:
        clause = f"bổ nhiệm, bổ nhiệm lại {appointed}"
        again = a.shares["bo_nhiem_lai"]
        if again.reported:
            clause += f", trong đó bổ nhiệm lại {vn.fmt_int(again.part)} lượt"
            pct = share_pct(again)
            notes = [
                f"chiếm {pct} {again.denominator_label}" if pct else "",
                "" if shared else coverage_note(again),
            ]
            inside = "; ".join(x for x in notes if x)
            clause += f" ({inside})" if inside else ""
        clauses.append(clause)
    nominated = count(a, "gioi_thieu_ung_cu", "lượt cán bộ", note=not shared)
    if nominated:
        clauses.append(f"giới thiệu ứng cử {nominated}")
    if not clauses:
        return [block("Chưa có đơn vị báo cáo số liệu về bổ nhiệm, giới thiệu cán bộ ứng cử.")]
    return [block(sentence("Trong năm, " + join_clauses(clauses, "; ")) + shared)]


INSPECTION_CODES = ("kt_to_chuc_dang", "kt_dang_vien", "gs_to_chuc_dang", "gs_dang_vien")


def inspection(a: Aggregates) -> list[Block]:
    shared = shared_coverage(a, INSPECTION_CODES, "kiểm tra, giám sát")

    def n(code: str, noun: str) -> str | None:
        return count(a, code, noun, note=not shared)

    checked = labelled(
        [
            ("kiểm tra", _pair(n("kt_to_chuc_dang", "tổ chức đảng"), n("kt_dang_vien", "đảng viên"))),
            ("giám sát", _pair(n("gs_to_chuc_dang", "tổ chức đảng"), n("gs_dang_vien", "đảng viên"))),
        ]
    )
    sentences = []
    if checked:
        sentences.append(sentence("Cấp ủy, ủy ban kiểm tra các cấp đã " + join_clauses(checked, "; ")) + shared)
    sentences.append(_discipline(a))
    return [block(" ".join(s for s in sentences if s))]


def _pair(first: str | None, second: str | None) -> str | None:
    return join_clauses([first, second], " và ") or None


DISCIPLINE_FORMS = (
    ("kl_khien_trach", "khiển trách"),
    ("kl_canh_cao", "cảnh cáo"),
    ("kl_cach_chuc", "cách chức"),
    ("kl_khai_tru", "khai trừ"),
)


def _discipline(a: Aggregates) -> str:
    orgs = a.totals["kl_to_chuc_dang"]
    members = a.totals["kl_dang_vien"]
    sentences = []
    if members.value == 0:
        sentences.append(f"Không có đảng viên bị kỷ luật{coverage(members)}.")
    elif members.value is not None:
        parts = a.derived_parts["kl_dang_vien"]
        forms = [f"{label} {vn.fmt_int(parts[code])}" for code, label in DISCIPLINE_FORMS]
        notes = "; ".join(n for n in (", ".join(forms), coverage_note(members)) if n)
        sentences.append(f"Thi hành kỷ luật {vn.fmt_int(members.value)} đảng viên ({notes}).")
    versus = change_phrase(a.changes.get("kl_dang_vien"), "đảng viên", a.year)
    if versus and members.value is not None:
        sentences.append(sentence(f"Số đảng viên bị kỷ luật {versus}"))
    if orgs.value:
        sentences.append(f"Thi hành kỷ luật {vn.fmt_int(orgs.value)} tổ chức đảng{coverage(orgs)}.")
    elif orgs.value == 0:
        sentences.append(f"Không có tổ chức đảng bị kỷ luật{coverage(orgs)}.")
    if not sentences:
        return "Chưa có đơn vị báo cáo số liệu về thi hành kỷ luật đảng."
    return " ".join(sentences)


# --- the consolidated report --------------------------------------------------------------------


def consolidated_context(dataset: Dataset, aggregates: Aggregates) -> dict[str, Any]:
    """The context of templates/bao-cao-tong-hop.html.j2: {"doc": ..., "report": ...}."""
    settings = dataset.settings
    return {
        "doc": make_doc(settings, draft=dataset.draft),
        "report": _report_body(dataset, aggregates),
    }


def _report_body(dataset: Dataset, a: Aggregates) -> dict[str, Any]:
    settings = dataset.settings
    nd = settings.noi_dung
    quote_limit = settings.trinh_bay.trich_dan_toi_da
    report: dict[str, Any] = {
        "nam": a.year,
        "nam_sau": a.year + 1,
        "mo_dau": opening(settings),
        "pham_vi": coverage_blocks(dataset, a),
        "dac_diem": organisation_structure(a) + members_stock(a),
        "thuan_loi": setting_blocks(nd, "thuan_loi"),
        "kho_khan": setting_blocks(nd, "kho_khan"),
        "chinh_tri_tu_tuong": setting_blocks(nd, "chinh_tri_tu_tuong"),
        "cap_uy": committee(a),
        "quy_hoach": planning(a),
        "dao_tao": training(a),
        "luan_chuyen": rotation(a),
        "bo_nhiem": appointment(a),
        "ket_nap": admissions(a),
        "tang_giam": membership_movement(a),
        "xep_loai_to_chuc": organisation_rating(a),
        "xep_loai_dang_vien": member_rating(a),
        "theo_nhom": group_blocks(a),
        "kiem_tra": inspection(a),
        "dan_van": setting_blocks(nd, "dan_van"),
        "noi_bat": unit_quotes(a, "nd_ket_qua_noi_bat", quote_limit),
        "mo_hinh": unit_quotes(a, "nd_mo_hinh", quote_limit),
        "uu_diem": setting_blocks(nd, "uu_diem"),
        "han_che": setting_blocks(nd, "han_che"),
        "han_che_don_vi": unit_quotes(a, "nd_han_che", quote_limit),
        "nguyen_nhan": setting_blocks(nd, "nguyen_nhan"),
        "bai_hoc": setting_blocks(nd, "bai_hoc"),
        "muc_tieu": targets(settings),
        "phuong_huong": setting_blocks(nd, "phuong_huong"),
        "nhiem_vu": setting_blocks(nd, "nhiem_vu"),
        "kien_nghi": setting_blocks(nd, "kien_nghi"),
        "kien_nghi_don_vi": unit_quotes(a, "nd_kien_nghi", quote_limit),
        "phu_luc": appendix(dataset, a),
        "chi_tieu": summary_table(a),
        "ghi_chu": data_notes(a),
    }
    last = report["kien_nghi_don_vi"]["blocks"] or report["kien_nghi"]
    close_body(last, settings.van_ban.dau_ket)
    return report


def issuing_body(settings: Settings) -> str:
    """ "Ban Thường vụ" from "T/M BAN THƯỜNG VỤ": the collective that reports, for the opening."""
    return _issuing_body(settings.ky.quyen_han)


def opening(settings: Settings) -> list[Block]:
    subject = default_trich_yeu(settings.nam)
    body = issuing_body(settings)
    base = settings.van_ban.can_cu.strip()
    if base.endswith(":"):
        return text_blocks(base)
    if base:
        return [block(f"{base.rstrip(' .,;')}, {body} báo cáo {subject} như sau:")]
    return [
        block(
            f"Căn cứ kết quả thực hiện nhiệm vụ năm {settings.nam} và số liệu báo cáo của các tổ chức cơ sở "
            f"đảng trực thuộc, {body} báo cáo {subject} như sau:"
        )
    ]


def coverage_blocks(dataset: Dataset, a: Aggregates) -> list[Block]:
    """ "tổng hợp từ X/Y đơn vị" and the units left out, when not every unit's figures are in."""
    if a.complete:
        return []
    names = dataset.units["ten_don_vi"].astype(str)
    text = (
        f"Số liệu trong báo cáo này được tổng hợp từ {vn.fmt_int(a.included_count)}/"
        f"{vn.fmt_int(a.expected_count)} đơn vị."
    )
    if a.excluded:
        text += " Không tổng hợp (số liệu có lỗi): " + _names(names, a.excluded) + "."
    if a.missing:
        text += " Chưa báo cáo: " + _names(names, a.missing) + "."
    return [block(text)]


def _names(names: pd.Series, codes: Iterable[str]) -> str:
    return ", ".join(str(names.get(code, code)) for code in codes)


def organisation_structure(a: Aggregates) -> list[Block]:
    orgs = a.orgs
    dbcs, cbcs = (UNIT_TYPES[k].lower() for k in UNIT_TYPES)
    text = (
        f"Đến cuối năm {a.year}, toàn Đảng bộ có {vn.fmt_int(orgs.expected_tccs)} tổ chức cơ sở đảng "
        f"trực thuộc, gồm {vn.fmt_int(orgs.expected_dang_bo_co_so)} {dbcs} và "
        f"{vn.fmt_int(orgs.expected_chi_bo_co_so)} {cbcs}"
    )
    if not a.complete:
        text += (
            f"; số liệu dưới đây tổng hợp từ {vn.fmt_int(a.included_count)}/{vn.fmt_int(a.expected_count)} "
            f"đơn vị ({vn.fmt_int(orgs.dang_bo_co_so)} {dbcs}, {vn.fmt_int(orgs.chi_bo_co_so)} {cbcs})"
        )
    sub = labelled(
        [
            ("", count(a, "so_dang_bo_bo_phan", "đảng bộ bộ phận")),
            ("", count(a, "so_chi_bo_truc_thuoc", "chi bộ trực thuộc")),
        ]
    )
    text = sentence(text)
    if sub:
        text += " " + sentence("Các tổ chức cơ sở đảng có " + join_clauses([s.strip() for s in sub], " và "))
    return [block(text)]


def group_blocks(a: Aggregates) -> list[Block]:
    """One dash item per group of units: members, admissions, classification."""
    blocks = []
    for values in a.groups.to_dict("records"):
        name = values["nhom"] or NO_GROUP
        text = (
            f"- {name} ({vn.fmt_int(values['so_don_vi'])} đơn vị): {_opt(values['dv_cuoi_ky'])} đảng viên, "
            f"kết nạp {_opt(values['dv_ket_nap'])} đảng viên mới; "
            f"{_opt_share(values['tcd_htt_tro_len'], values['tcd_duoc_danh_gia'], 'tổ chức đảng', a)} và "
            f"{_opt_share(values['dv_htt_tro_len'], values['dv_duoc_danh_gia'], 'đảng viên', a)} "
            "hoàn thành tốt nhiệm vụ trở lên."
        )
        blocks.append(block(text, "dash"))
    return blocks


def _opt(value: Any) -> str:
    return "chưa có số liệu" if value is None or pd.isna(value) else vn.fmt_int(int(value))


def _opt_share(part: Any, whole: Any, noun: str, a: Aggregates) -> str:
    if pd.isna(part) or pd.isna(whole):
        return f"chưa có số liệu {noun}"
    return vn.fmt_share(int(part), int(whole), noun, a.decimals)


def targets(settings: Settings) -> list[Block]:
    goals = settings.chi_tieu_nam_sau
    items = []
    if goals.ket_nap:
        items.append(f"- Kết nạp từ {vn.fmt_int(goals.ket_nap)} đảng viên mới trở lên;")
    if goals.tcd_htt_tro_len_pct:
        items.append(
            f"- Có từ {vn.fmt_pct(goals.tcd_htt_tro_len_pct)} tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên;"
        )
    if goals.dv_htt_tro_len_pct:
        items.append(f"- Có từ {vn.fmt_pct(goals.dv_htt_tro_len_pct)} đảng viên hoàn thành tốt nhiệm vụ trở lên;")
    if not items:
        return [placeholder(PLACEHOLDER_HINTS["muc_tieu"])]
    items[-1] = items[-1].rstrip(";") + "."
    return [block(f"Phấn đấu trong năm {settings.nam + 1}:")] + [block(item, "dash") for item in items]


# --- appendix -----------------------------------------------------------------------------------

MOVEMENT_CODES: tuple[str, ...] = ("dv_dau_ky", *MEMBERSHIP_INCREASES, *MEMBERSHIP_DECREASES, "dv_cuoi_ky")
RATING_CODES: tuple[str, ...] = (
    "tcd_duoc_danh_gia",
    *(f"tcd_{lv}" for lv in LEVELS),
    "dv_duoc_danh_gia",
    *(f"dv_{lv}" for lv in LEVELS),
)


def _table(a: Aggregates, codes: Sequence[str], title: str, unit: str, head: Any) -> dict[str, Any]:
    return {
        "ncols": 2 + len(codes),
        "title": title,
        "dvt": f"Đvt: {unit}",
        "head": head,
        "index": list(column_index(codes)),
        "rows": table_rows(a, codes),
    }


def appendix(dataset: Dataset, a: Aggregates) -> dict[str, Any]:
    """Rows of Phụ lục 1 (membership movement) and Phụ lục 2 (classification), display-ready."""
    settings = dataset.settings
    so = make_doc(settings)["so_ky_hieu"]
    reference = f"(Kèm theo Báo cáo {so[:1].lower()}{so[1:]}, ngày {vn.fmt_date_body(settings.build_date)})"
    return {
        "ref": reference,
        "nam": a.year,
        "movement": _table(a, MOVEMENT_CODES, f"TÌNH HÌNH TĂNG, GIẢM ĐẢNG VIÊN NĂM {a.year}", "người", movement_head()),
        "rating": _table(
            a,
            RATING_CODES,
            f"KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN NĂM {a.year}",
            "tổ chức đảng; người",
            rating_head(),
        ),
        "note": coverage_blocks(dataset, a),
        "texts": texts_appendix(a),
        "texts_number": TEXTS_APPENDIX,
    }


def _th(text: str, colspan: int = 1, rowspan: int = 1) -> dict[str, Any]:
    return {"text": text, "colspan": colspan, "rowspan": rowspan}


def movement_head() -> list[list[dict[str, Any]]]:
    """Two header rows as in Biểu 1-BTCTW: A | B (increases) | C (decreases) | D."""
    return [
        [
            _th("STT", rowspan=2),
            _th("Tên đơn vị", rowspan=2),
            _th(BY_CODE["dv_dau_ky"].label, rowspan=2),
            _th("Tăng trong kỳ (B)", colspan=len(MEMBERSHIP_INCREASES)),
            _th("Giảm trong kỳ (C)", colspan=len(MEMBERSHIP_DECREASES)),
            _th(BY_CODE["dv_cuoi_ky"].label, rowspan=2),
        ],
        [_th(BY_CODE[c].label) for c in (*MEMBERSHIP_INCREASES, *MEMBERSHIP_DECREASES)],
    ]


def rating_head() -> list[list[dict[str, Any]]]:
    levels = ["Được đánh giá, xếp loại", *(LEVEL_LABELS[lv] for lv in LEVELS)]
    return [
        [
            _th("STT", rowspan=2),
            _th("Tên đơn vị", rowspan=2),
            _th("Tổ chức đảng", colspan=len(levels)),
            _th("Đảng viên", colspan=len(levels)),
        ],
        [_th(text) for text in levels * 2],
    ]


def table_rows(a: Aggregates, codes: Sequence[str]) -> list[dict[str, Any]]:
    """Unit rows (group heading rows when units have groups) and the total row.

    A unit that is not included keeps its row, with "Chưa báo cáo" / "Không tổng hợp (có lỗi)"
    across the figure columns instead of zeros.
    """
    table = a.unit_table
    grouped = bool((table["nhom"] != "").any())
    order = list(dict.fromkeys(table["nhom"])) if grouped else [""]
    rows: list[dict[str, Any]] = []
    number = 0
    for group_no, group in enumerate(order, start=1):
        members = table[table["nhom"] == group] if grouped else table
        if grouped:
            rows.append(_row("group", vn.roman(group_no), group or NO_GROUP, []))
        for code, unit in members.iterrows():
            number += 1
            if unit["status"] == STATUS_INCLUDED:
                cells = [_cell(unit[c]) for c in codes]
                rows.append(_row("unit", str(number), str(unit["ten_don_vi"]), cells, code=str(code)))
            else:
                note = STATUS_NOTES.get(str(unit["status"]), STATUS_NOTES["missing"])
                rows.append(_row("unit", str(number), str(unit["ten_don_vi"]), [], note=note, code=str(code)))
    label = "Tổng cộng"
    if not a.complete:
        label += f" ({vn.fmt_int(a.included_count)}/{vn.fmt_int(a.expected_count)} đơn vị)"
    totals = [_cell(a.totals[c].value) for c in codes]
    rows.append(_row("total", "", label, totals))
    return rows


def _row(kind: str, stt: str, name: str, cells: list[str], *, note: str = "", code: str = "") -> dict[str, Any]:
    return {"kind": kind, "stt": stt, "ten": name, "cells": cells, "note": note, "code": code}


def _cell(value: Any) -> str:
    return "" if value is None or pd.isna(value) else vn.fmt_int(int(value))


# --- a unit's own report ------------------------------------------------------------------------


def unit_context(dataset: Dataset, code: str, aggregates: Aggregates) -> dict[str, Any]:
    """The context of templates/bao-cao-don-vi.html.j2 for unit `code`.

    `aggregates` is `aggregate(unit_dataset(dataset, code))`; `dataset` is the full data set (for the
    unit's name, type and the settings).
    """
    settings = dataset.settings
    unit = dataset.units.loc[code]
    name = str(unit["ten_don_vi"])
    a = aggregates
    report: dict[str, Any] = {
        "nam": a.year,
        "ma_don_vi": code,
        "ten_don_vi": name,
        "mo_dau": [
            block(
                f"Căn cứ số liệu do {name} báo cáo, {issuing_body(settings)} tổng hợp số liệu "
                f"công tác xây dựng Đảng năm {a.year} của đơn vị như sau:"
            )
        ],
        "to_chuc": merged(unit_structure(a, name, str(unit["loai"])) + members_stock(a)),
        "tang_giam": merged(membership_movement(a) + admissions(a)),
        "xep_loai": organisation_rating(a, name_units=False) + member_rating(a),
        "can_bo": merged(committee(a) + planning(a)) + merged(training(a) + rotation(a) + appointment(a)),
        "kiem_tra": inspection(a),
        "y_kien": unit_texts(a),
        "so_sanh": comparison_rows(a),
    }
    close_body(report["y_kien"] or report["kiem_tra"], settings.van_ban.dau_ket)
    return {
        "doc": make_doc(
            settings,
            trich_yeu=f"số liệu công tác xây dựng Đảng năm {a.year} của {name}",
            draft=dataset.draft,
            # Each unit's report is a document of its own: the consolidated report's number is not its.
            so="",
        ),
        "report": report,
    }


def merged(blocks: list[Block]) -> list[Block]:
    """Plain paragraphs joined into one, so that a unit's report stays about two pages long."""
    return [block(" ".join(b["text"] for b in blocks))] if blocks else []


def unit_structure(a: Aggregates, name: str, loai: str) -> list[Block]:
    kind = UNIT_TYPES.get(loai, "").lower()
    text = f"{name} là {kind}" if kind else name
    if loai == "dang_bo_co_so":
        sub = [
            count(a, "so_dang_bo_bo_phan", "đảng bộ bộ phận"),
            count(a, "so_chi_bo_truc_thuoc", "chi bộ trực thuộc"),
        ]
        if any(sub):
            text += ", có " + join_clauses(sub, " và ")
    return [block(sentence(text))]


def unit_texts(a: Aggregates) -> list[Block]:
    """The unit's own texts, quoted; empty when it wrote none (the report then has no such section)."""
    blocks = []
    for code, entries in a.texts.items():
        for _, _, text in entries:
            blocks.append(block(" ".join(text.split()), "quote", BY_CODE[code].label + ":"))
    return blocks


COMPARED: tuple[tuple[str, str], ...] = (
    ("dv_cuoi_ky", "Đảng viên cuối năm"),
    ("dv_ket_nap", "Kết nạp đảng viên mới"),
    ("tcd_htt_tro_len", "Tổ chức đảng hoàn thành tốt nhiệm vụ trở lên"),
    ("dv_htt_tro_len", "Đảng viên hoàn thành tốt nhiệm vụ trở lên"),
    ("kl_dang_vien", "Đảng viên bị kỷ luật"),
)


def comparison_rows(a: Aggregates) -> list[dict[str, str]]:
    """The compact "this year vs last year" table; empty without last year's figures."""
    rows = []
    for key, label in COMPARED:
        change = a.changes.get(key)
        if change is None or change.previous is None or change.current is None:
            continue
        delta = change.delta or 0
        rows.append(
            {
                "label": label,
                "truoc": vn.fmt_int(change.previous),
                "nay": vn.fmt_int(change.current),
                "chenh_lech": ("+" if delta > 0 else "") + vn.fmt_int(delta),
            }
        )
    return rows


# --- added for the peer after 4a0e62b: what our consolidated report has said since ----------------
# The table of the main indicators ("Kết quả thực hiện các chỉ tiêu chủ yếu") and the data notes
# ("Ghi chú về số liệu"), from today's aggregation (a.summary, a.targets, coverage_notes), worded as
# templates/partials/chi-tieu-chu-yeu.html.j2 and templates/partials/appendix.html.j2 word them.

TARGET_STATUS = {"dat": "Đạt", "vuot": "Vượt", "khong_dat": "Không đạt"}
SUMMARY_LABELS = {
    "dv_cuoi_ky": "Đảng viên cuối năm",
    "dv_ket_nap": "Kết nạp đảng viên mới",
    "tcd_htt_tro_len": "Tổ chức đảng hoàn thành tốt nhiệm vụ trở lên",
    "dv_htt_tro_len": "Đảng viên hoàn thành tốt nhiệm vụ trở lên",
    "kl_dang_vien": "Đảng viên bị kỷ luật",
    "kl_to_chuc_dang": "Tổ chức đảng bị kỷ luật",
}


def summary_table(a: Aggregates) -> dict[str, Any]:
    """The main indicators: last year, this year's target, this year, change, result against target."""
    year = a.year
    intro = ""
    if a.targets.count:
        met = f"{vn.fmt_int(a.targets.met)}/{vn.fmt_int(a.targets.count)}"
        intro = f"Năm {year}, Đảng bộ đạt và vượt {met} chỉ tiêu chủ yếu"
        if a.targets.source == "chi_tieu_nam_sau":
            intro += f" đề ra cho năm {year} tại báo cáo tổng kết năm {year - 1}"
        intro += "."
    rows = [_summary_row(i, row) for i, row in enumerate(a.summary, start=1)]
    return {"intro": intro, "rows": rows, "head": _summary_head(year)}


def _summary_head(year: int) -> list[str]:
    return ["STT", "Chỉ tiêu", f"Năm {year - 1}", f"Chỉ tiêu năm {year}", f"Năm {year}",
            f"Tăng (+), giảm (-) so với năm {year - 1}", "Đánh giá so với chỉ tiêu"]  # fmt: skip


def _summary_row(number: int, row: SummaryRow) -> dict[str, str]:
    share = row.measure == "share"
    target = row.target
    if target is None:
        goal = status = "-"
    else:
        goal = vn.fmt_pct(target.target.value) if share else vn.fmt_int(int(target.target.value))
        status = "-" if target.status is None else TARGET_STATUS[target.status]
        if target.status is not None and share and target.points:
            status += f" ({_signed_points(target.points)})"
        elif target.status is not None and not share and target.pct_of_target is not None:
            status += f" ({vn.fmt_pct(target.pct_of_target)})"
    return {
        "stt": str(number),
        "label": SUMMARY_LABELS.get(row.key, row.label),
        "truoc": _summary_value(share, row.previous),
        "chi_tieu": goal,
        "nay": _summary_value(share, row.current),
        "chenh_lech": _summary_change(row),
        "danh_gia": status,
    }


def _summary_value(share: bool, value: Any) -> str:
    if value is None:
        return "-"
    return vn.fmt_pct(value) if share else vn.fmt_int(int(value))


def _signed_points(points: Any) -> str:
    return ("+" if points > 0 else "") + vn.fmt_pct(points).replace("%", "") + " điểm phần trăm"


def _summary_change(row: SummaryRow) -> str:
    change = row.change
    if change is None:
        return "-"
    if isinstance(change, ShareChange):
        return "-" if change.points is None else _signed_points(change.points)
    if change.delta is None:
        return "-"
    text = ("+" if change.delta > 0 else "") + vn.fmt_int(change.delta)
    if change.pct is not None and change.delta:
        text += f" ({'+' if change.pct > 0 else ''}{vn.fmt_pct(change.pct)})"
    return text


def data_notes(a: Aggregates) -> list[Block]:
    """ "Ghi chú về số liệu": each set of figures not every unit reported, with the units that did not."""
    notes = coverage_notes(a)
    blocks = []
    for i, note in enumerate(notes):
        end = "." if i == len(notes) - 1 else ";"
        what = ", ".join(note.chi_tieu)
        text = (
            f"- {what[:1].upper()}{what[1:]}: {vn.fmt_int(note.so_don_vi)}/{vn.fmt_int(note.tren)} đơn vị báo cáo; "
            f"chưa báo cáo: {', '.join(note.chua_bao_cao)}{end}"
        )
        blocks.append(block(text, "dash"))
    return blocks
