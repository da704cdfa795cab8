"""Write the peer pipeline's two Word templates (docxtpl syntax) with python-docx.

The peer is what a committee office would otherwise build: Word templates with Jinja tags filled by
docxtpl, then LibreOffice converting DOCX to PDF. Its templates say about the same text as ours, from
the sentences our reports said before their wording moved to Jinja (legacy_context.py), laid out
about the same way: the 36-HD/VPTW header block, title and subject, the body as one paragraph per
block, the signature block, and for the consolidated report the two landscape appendix tables (one
row per unit, group and total rows) and the units' texts.
Times New Roman 14 pt (LibreOffice substitutes Liberation Serif), A4, the margins of our defaults.

The templates are generated at bench time (nothing binary is committed):

    .venv/bin/python bench/peer/make_templates.py [OUT_DIR]      # default: bench/_work/peer-templates
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for _path in (ROOT, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from legacy_context import MOVEMENT_CODES, RATING_CODES, movement_head, rating_head  # noqa: E402

from reports.settings import TrinhBay  # noqa: E402

DEFAULT_OUT = ROOT / "bench" / "_work" / "peer-templates"
CONSOLIDATED = "bao-cao-tong-hop.docx"
UNIT = "bao-cao-don-vi.docx"
FONT = "Times New Roman"
LAYOUT = TrinhBay()
# Columns of the two appendix tables: STT, the unit's name, one per figure.
MOVEMENT_COLUMNS = 2 + len(MOVEMENT_CODES)
RATING_COLUMNS = 2 + len(RATING_CODES)


# --------------------------------------------------------------------------------------------
# Page, styles, paragraphs
# --------------------------------------------------------------------------------------------


def new_document() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    _margins(section)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(LAYOUT.co_chu)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LAYOUT.gian_dong_pt)
    pf.space_before = Pt(0)
    pf.space_after = Pt(LAYOUT.cach_doan_pt)
    _page_number_footer(section)
    return doc


def _margins(section: Any) -> None:
    section.top_margin = Mm(LAYOUT.le_tren_mm)
    section.bottom_margin = Mm(LAYOUT.le_duoi_mm)
    section.left_margin = Mm(LAYOUT.le_trai_mm)
    section.right_margin = Mm(LAYOUT.le_phai_mm)


def _page_number_footer(section: Any) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def para(
    container: Any,
    *runs: str | tuple[str, str],
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    size: float | None = None,
    after: float | None = None,
) -> Paragraph:
    """A paragraph of runs; a run is text or (style, text) with style among "b", "i", "bi", "u", "bu"."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(LAYOUT.thut_dau_dong_mm)
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    for item in runs:
        style, text = item if isinstance(item, tuple) else ("", item)
        run = paragraph.add_run(text)
        run.bold = "b" in style or None
        run.italic = "i" in style or None
        run.underline = "u" in style or None
        if size:
            run.font.size = Pt(size)
    return paragraph


def tag(container: Any, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); docxtpl removes the paragraph."""
    container.add_paragraph(text)


def blocks(container: Any, expr: str) -> None:
    """One paragraph per block {cls, lead, text} of the list `expr`, the lead-in in bold."""
    tag(container, "{%p for b in " + expr + " %}")
    para(
        container,
        ("b", "{{ b.lead }}"),
        "{{ ' ' if b.lead else '' }}{{ b.text }}",
    )
    tag(container, "{%p endfor %}")


def quotes(container: Any, expr: str) -> None:
    tag(container, "{%p if " + expr + ".blocks %}")
    para(container, "{{ " + expr + ".intro }}")
    blocks(container, expr + ".blocks")
    tag(container, "{%p endif %}")


def heading(container: Any, text: str, *, level: int) -> None:
    """h1: centred bold capitals; h2 and h3: bold; h4: bold italic (as our stylesheet)."""
    if level == 1:
        para(container, ("b", text), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    else:
        para(container, ("bi" if level == 4 else "b", text))


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def cell_text(
    cell: _Cell,
    *lines: str | tuple[str, str],
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    size: float | None = None,
) -> None:
    """Put `lines` into `cell`, one paragraph each, replacing its empty first paragraph."""
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        paragraph = para(cell, line, align=align, indent=False, size=size, after=0)
        if i == 0:
            first._p.addnext(paragraph._p)
            first._p.getparent().remove(first._p)


def set_widths(table: Table, widths: Sequence[Any]) -> None:
    """Fixed column widths, in the grid (which LibreOffice follows) and in every cell (which Word does)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def repeat_as_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    trpr.append(element)


def header_block(doc: DocxDocument) -> None:
    """The 36-HD/VPTW header: issuing body left, the Party's name right; number and place-date level."""
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    set_widths(table, [Mm(82.5), Mm(82.5)])
    cell_text(table.cell(0, 0), "{{ doc.cap_tren }}", ("b", "{{ doc.co_quan }}"), "*")
    cell_text(table.cell(0, 1), ("bu", "ĐẢNG CỘNG SẢN VIỆT NAM"))
    cell_text(table.cell(1, 0), "{{ doc.so_ky_hieu }}")
    cell_text(table.cell(1, 1), ("i", "{{ doc.dia_danh_ngay }}"))
    para(doc, ("b", "{{ doc.doc_type }}"), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, size=16)
    para(doc, ("b", "{{ doc.trich_yeu }}"), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def signature_block(doc: DocxDocument) -> None:
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, [Mm(72.6), Mm(92.4)])
    left, right = table.cell(0, 0), table.cell(0, 1)
    cell_text(left, ("bi", "Nơi nhận:"), align=WD_ALIGN_PARAGRAPH.LEFT, size=12)
    tag(left, "{%p for item in doc.noi_nhan %}")
    para(left, "{{ item }}", align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, size=11, after=0)
    tag(left, "{%p endfor %}")
    cell_text(right, ("b", "{{ doc.ky.quyen_han }}"), ("b", "{{ doc.ky.chuc_vu }}"), "", "", "")
    para(right, ("b", "{{ doc.ky.ho_ten }}"), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def data_table(doc: DocxDocument, expr: str, head: Sequence[Sequence[dict[str, Any]]], ncols: int) -> None:
    """A bordered table: the header rows (merged as in Biểu 1-BTCTW, repeated on every page), the
    column-index row, then one row per entry of `expr`.rows (docxtpl row loop)."""
    table = doc.add_table(rows=len(head) + 4, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _header_rows(table, head)
    index_row = table.rows[len(head)]
    for i, cell in enumerate(index_row.cells):
        cell_text(cell, ("i", "{{ " + expr + ".index[" + str(i) + "] }}"), size=10)
    for row in table.rows[: len(head) + 1]:
        repeat_as_header(row)
    loop, body, end = table.rows[len(head) + 1 :]
    cell_text(loop.cells[0], "{%tr for row in " + expr + ".rows %}", size=10)
    cell_text(body.cells[0], "{{ row.stt }}", size=11)
    cell_text(body.cells[1], "{{ row.ten }}", align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    cell_text(body.cells[2], "{{ row.note }}{{ row.cells[0] }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=11)
    for i in range(3, ncols):
        cell_text(body.cells[i], "{{ row.cells[" + str(i - 2) + "] }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=11)
    cell_text(end.cells[0], "{%tr endfor %}", size=10)
    set_widths(table, [Mm(11), Mm(80)] + [Mm(160 / (ncols - 2))] * (ncols - 2))


def _header_rows(table: Table, head: Sequence[Sequence[dict[str, Any]]]) -> None:
    """Lay out header rows given as {text, colspan, rowspan} the way HTML does, merging cells."""
    taken: set[tuple[int, int]] = set()
    for r, header_row in enumerate(head):
        c = 0
        for h in header_row:
            while (r, c) in taken:
                c += 1
            last_row, last_col = r + h["rowspan"] - 1, c + h["colspan"] - 1
            cell = table.cell(r, c)
            if (last_row, last_col) != (r, c):
                cell = cell.merge(table.cell(last_row, last_col))
            cell_text(cell, ("b", h["text"]), size=11)
            taken.update((rr, cc) for rr in range(r, last_row + 1) for cc in range(c, last_col + 1))
            c = last_col + 1


def new_section(doc: DocxDocument, *, landscape: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    _margins(section)


# --------------------------------------------------------------------------------------------
# The two templates
# --------------------------------------------------------------------------------------------


def consolidated_template() -> DocxDocument:
    """The consolidated report: the sections of templates/bao-cao-tong-hop.html.j2, same order."""
    doc = new_document()
    header_block(doc)
    for expr in ("r.mo_dau", "r.pham_vi"):
        blocks(doc, expr)
    heading(doc, "PHẦN THỨ NHẤT", level=1)
    heading(doc, "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM {{ r.nam }}", level=1)
    heading(doc, "I- ĐẶC ĐIỂM TÌNH HÌNH", level=2)
    blocks(doc, "r.dac_diem")
    para(doc, ("bi", "Thuận lợi:"))
    blocks(doc, "r.thuan_loi")
    para(doc, ("bi", "Khó khăn:"))
    blocks(doc, "r.kho_khan")
    heading(doc, "II- KẾT QUẢ THỰC HIỆN", level=2)
    _sections(
        doc,
        [
            (3, "1. Công tác chính trị, tư tưởng", "r.chinh_tri_tu_tuong"),
            (3, "2. Công tác tổ chức, cán bộ", None),
            (4, "a) Kiện toàn tổ chức bộ máy, cấp ủy", "r.cap_uy"),
            (4, "b) Công tác quy hoạch cán bộ", "r.quy_hoach"),
            (4, "c) Công tác đào tạo, bồi dưỡng cán bộ", "r.dao_tao"),
            (4, "d) Công tác luân chuyển, điều động cán bộ", "r.luan_chuyen"),
            (4, "đ) Công tác bổ nhiệm, bổ nhiệm lại, giới thiệu cán bộ ứng cử", "r.bo_nhiem"),
            (3, "3. Công tác xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đảng viên", None),
            (4, "a) Kết nạp đảng viên, công nhận đảng viên chính thức", "r.ket_nap"),
            (4, "b) Tình hình tăng, giảm đảng viên", "r.tang_giam"),
            (4, "c) Đánh giá, xếp loại chất lượng tổ chức đảng", "r.xep_loai_to_chuc"),
            (4, "d) Đánh giá, xếp loại chất lượng đảng viên", "r.xep_loai_dang_vien"),
        ],
    )
    tag(doc, "{%p if r.theo_nhom %}")
    para(doc, "Kết quả theo từng khối đơn vị:")
    blocks(doc, "r.theo_nhom")
    tag(doc, "{%p endif %}")
    _sections(
        doc,
        [
            (3, "4. Công tác kiểm tra, giám sát và thi hành kỷ luật đảng", "r.kiem_tra"),
            (3, "5. Công tác dân vận", "r.dan_van"),
        ],
    )
    tag(doc, "{%p if r.noi_bat.blocks or r.mo_hinh.blocks %}")
    heading(doc, "6. Kết quả nổi bật, mô hình, cách làm hay ở cơ sở", level=3)
    quotes(doc, "r.noi_bat")
    quotes(doc, "r.mo_hinh")
    tag(doc, "{%p endif %}")
    _targets(doc)
    heading(doc, "III- ĐÁNH GIÁ CHUNG", level=2)
    _sections(doc, [(3, "1. Ưu điểm", "r.uu_diem"), (3, "2. Hạn chế, khuyết điểm", "r.han_che")])
    quotes(doc, "r.han_che_don_vi")
    _sections(doc, [(3, "3. Nguyên nhân", "r.nguyen_nhan"), (3, "4. Bài học kinh nghiệm", "r.bai_hoc")])
    heading(doc, "PHẦN THỨ HAI", level=1)
    heading(doc, "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ r.nam_sau }}", level=1)
    _sections(
        doc,
        [
            (2, "I- PHƯƠNG HƯỚNG, MỤC TIÊU", "r.phuong_huong"),
            (3, "Các chỉ tiêu chủ yếu", "r.muc_tieu"),
            (2, "II- NHIỆM VỤ, GIẢI PHÁP", "r.nhiem_vu"),
            (2, "III- ĐỀ XUẤT, KIẾN NGHỊ", "r.kien_nghi"),
        ],
    )
    quotes(doc, "r.kien_nghi_don_vi")
    signature_block(doc)
    _appendix(doc, 1, "r.phu_luc.movement", movement_head(), MOVEMENT_COLUMNS)
    _appendix(doc, 2, "r.phu_luc.rating", rating_head(), RATING_COLUMNS)
    _texts_appendix(doc)
    _data_notes(doc)
    return doc


def _targets(doc: DocxDocument) -> None:
    """ "Kết quả thực hiện các chỉ tiêu chủ yếu": a sentence and the table of the main indicators."""
    tag(doc, "{%p if r.chi_tieu.rows %}")
    number = "{{ 7 if (r.noi_bat.blocks or r.mo_hinh.blocks) else 6 }}"
    heading(doc, number + ". Kết quả thực hiện các chỉ tiêu chủ yếu", level=3)
    tag(doc, "{%p if r.chi_tieu.intro %}")
    para(doc, "{{ r.chi_tieu.intro }}")
    tag(doc, "{%p endif %}")
    table = doc.add_table(rows=4, cols=7)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, cell in enumerate(table.rows[0].cells):
        cell_text(cell, ("b", "{{ r.chi_tieu.head[" + str(i) + "] }}"), size=12)
    repeat_as_header(table.rows[0])
    cell_text(table.cell(1, 0), "{%tr for row in r.chi_tieu.rows %}", size=10)
    keys = ("stt", "label", "truoc", "chi_tieu", "nay", "chenh_lech", "danh_gia")
    aligns = ("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "CENTER", "CENTER")
    for col, (key, align) in enumerate(zip(keys, aligns, strict=True)):
        cell_text(table.cell(2, col), "{{ row." + key + " }}", align=WD_ALIGN_PARAGRAPH[align], size=12)
    cell_text(table.cell(3, 0), "{%tr endfor %}", size=10)
    set_widths(table, [Mm(165 * share / 100) for share in (6, 30, 12, 12, 12, 14, 14)])
    tag(doc, "{%p endif %}")


def note(paragraph: Paragraph) -> None:
    """Our `p.note`: 12 pt italic at single line spacing (set by the caller's runs and here)."""
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _data_notes(doc: DocxDocument) -> None:
    """ "Ghi chú về số liệu" on a page of its own after the last appendix, when some unit left a figure out."""
    tag(doc, "{%p if r.ghi_chu %}")
    title = para(doc, ("b", "Ghi chú về số liệu"), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    title.paragraph_format.page_break_before = True
    intro = (
        "Các chỉ tiêu dưới đây chưa được tất cả các đơn vị báo cáo; số liệu là tổng của các đơn vị có báo cáo, "
        "tỷ lệ tính trên số liệu của chính các đơn vị đó."
    )
    note(para(doc, ("i", intro), size=12))
    tag(doc, "{%p for b in r.ghi_chu %}")
    note(para(doc, ("i", "{{ b.text }}"), size=12))
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def _sections(doc: DocxDocument, items: Sequence[tuple[int, str, str | None]]) -> None:
    for level, title, expr in items:
        heading(doc, title, level=level)
        if expr:
            blocks(doc, expr)


def _appendix(doc: DocxDocument, number: int, expr: str, head: Sequence[Sequence[dict[str, Any]]], ncols: int) -> None:
    new_section(doc, landscape=True)
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, ("b", f"Phụ lục {number}"), align=center, indent=False, after=0)
    para(doc, ("b", "{{ " + expr + ".title }}"), align=center, indent=False, after=0)
    para(doc, ("i", "{{ r.phu_luc.ref }}"), align=center, indent=False)
    para(doc, ("i", "{{ " + expr + ".dvt }}"), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, size=12)
    data_table(doc, expr, head, ncols)
    tag(doc, "{%p for b in r.phu_luc.note %}")
    para(doc, ("i", "{{ b.text }}"), indent=False, size=12)
    tag(doc, "{%p endfor %}")


def _texts_appendix(doc: DocxDocument) -> None:
    new_section(doc, landscape=False)
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, ("b", "Phụ lục {{ r.phu_luc.texts_number }}"), align=center, indent=False, after=0)
    para(doc, ("b", "Ý KIẾN CỦA CÁC TỔ CHỨC CƠ SỞ ĐẢNG"), align=center, indent=False, after=0)
    para(doc, ("i", "{{ r.phu_luc.ref }}"), align=center, indent=False)
    tag(doc, "{%p for topic in r.phu_luc.texts %}")
    heading(doc, "{{ loop.index }}. {{ topic.title }}", level=3)
    blocks(doc, "topic.blocks")
    tag(doc, "{%p endfor %}")


def unit_template() -> DocxDocument:
    """A unit's own report: the sections of templates/bao-cao-don-vi.html.j2 (about two pages)."""
    doc = new_document()
    header_block(doc)
    blocks(doc, "r.mo_dau")
    roman = "['I','II','III','IV','V','VI','VII'][{} + (1 if r.so_sanh else 0)]"
    tag(doc, "{%p if r.so_sanh %}")
    heading(doc, "I- MỘT SỐ CHỈ TIÊU CHỦ YẾU SO VỚI NĂM {{ r.nam - 1 }}", level=2)
    _comparison_table(doc)
    tag(doc, "{%p endif %}")
    titles = ["TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN", "ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", "CẤP ỦY VÀ CÔNG TÁC CÁN BỘ"]
    exprs: list[Sequence[str]] = [("r.to_chuc", "r.tang_giam"), ("r.xep_loai",), ("r.can_bo",)]
    titles.append("KIỂM TRA, GIÁM SÁT, KỶ LUẬT ĐẢNG")
    exprs.append(("r.kiem_tra",))
    for i, (title, parts) in enumerate(zip(titles, exprs, strict=True)):
        heading(doc, "{{ " + roman.format(i) + " }}- " + title, level=2)
        for expr in parts:
            blocks(doc, expr)
    tag(doc, "{%p if r.y_kien %}")
    heading(doc, "{{ " + roman.format(len(titles)) + " }}- Ý KIẾN CỦA ĐƠN VỊ", level=2)
    blocks(doc, "r.y_kien")
    tag(doc, "{%p endif %}")
    signature_block(doc)
    return doc


def _comparison_table(doc: DocxDocument) -> None:
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    heads = ["Chỉ tiêu", "Năm {{ r.nam - 1 }}", "Năm {{ r.nam }}", "Tăng (+), giảm (-)"]
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell_text(cell, ("b", text), size=12)
    cell_text(table.cell(1, 0), "{%tr for row in r.so_sanh %}", size=10)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    cell_text(table.cell(2, 0), "{{ row.label }}", align=WD_ALIGN_PARAGRAPH.LEFT, size=12)
    for col, key in ((1, "truoc"), (2, "nay"), (3, "chenh_lech")):
        cell_text(table.cell(2, col), "{{ row." + key + " }}", align=right, size=12)
    cell_text(table.cell(3, 0), "{%tr endfor %}", size=10)
    set_widths(table, [Mm(81), Mm(28), Mm(28), Mm(28)])


def write_templates(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"consolidated": out / CONSOLIDATED, "unit": out / UNIT}
    consolidated_template().save(str(paths["consolidated"]))
    unit_template().save(str(paths["unit"]))
    return paths


def main(argv: Sequence[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    for path in write_templates(out).values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
