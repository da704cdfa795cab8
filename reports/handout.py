"""Bind the conference handout: front matter + the consolidated report + the PDFs of hoi-nghi/.

PDF, laid out once: the consolidated report's PDF (already rendered for bao-cao-tong-hop-<nam>.pdf) is
reused page for page, never laid out again. Only the front matter (cover, programme, contents, main
indicators, charts) is laid out here, together with one "number page" per bound page that carries only
the handout's running page number in the report's header position; pypdf then binds the pages and
stamps each number page onto its bound page, after removing the report's own page number from the
header of that page (`_strip_own_number`). The contents' page numbers are computed from the known page
counts (front matter, report, each bound PDF); the front matter is laid out again only when its own
page count turns out different from the first estimate. Bookmarks: one per part, and every heading of
the report (its own outline) under the report's part. The front matter's PDF is kept by its HTML with
the report's parts (`reports.part_cache`): a rebuild whose front matter says the same (same figures,
same page counts) takes it from there instead of laying it out (1,2 s of the handout's 1,4 s at 60
units).

DOCX: the handout HTML with the report's body sections appended goes through the DOCX writer, whose
handler table turns `nav.toc` into a TOC field (entries and the PDF's page numbers filled in) and each
`figure.chart` into a native Word chart made by `chart_builder` (reports.charts).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from reports.context.handout import HandoutContext, NumberPage, PageSize, TocEntry
from reports.errors import UserError
from reports.render.html import TemplateSet, render_html
from reports.render.pdf_parts import own_page_numbers

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader, PdfWriter

    from reports.render.batch import PartCache

TEMPLATE = "tai-lieu-hoi-nghi.html.j2"
FRONT_PARTS = (
    ("chuong-trinh", "Chương trình hội nghị"),
    ("chi-tieu", "Một số chỉ tiêu chủ yếu"),
    ("bieu-do", "Biểu đồ"),
)
ANCHORS = ("chuong-trinh", "muc-luc", "chi-tieu", "bieu-do")  # the ids of the front matter's parts
# "Phần thứ nhất<br>KẾT QUẢ ..." reaches the outline without the line break: "Phần thứ nhấtKẾT QUẢ".
PART_OF_REPORT = re.compile(r"^((?i:phần thứ) (?:NHẤT|HAI|BA|TƯ|NĂM|SÁU|nhất|hai|ba|tư|năm|sáu))(?=\S)")


class HandoutError(UserError):
    """A PDF of hoi-nghi/ cannot be bound (unreadable, encrypted, empty)."""


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    page: int  # 0-based within its PDF


# --- PDF --------------------------------------------------------------------------------------------


def handout_pdf(ctx: HandoutContext, report_pdf: bytes, templates: TemplateSet) -> bytes:
    return bind_pdf(ctx, report_pdf, templates)[0]


@dataclass
class _Front:
    """The front matter with its number pages, for one guess of its page numbers: laid out here
    (`laid`), or its PDF taken from an earlier build (`pdf`)."""

    html: str
    pages: int
    anchors: dict[str, int]
    laid: Any = None
    pdf: bytes | None = None


def bind_pdf(
    ctx: HandoutContext, report_pdf: bytes, templates: TemplateSet, parts: PartCache | None = None
) -> tuple[bytes, tuple[TocEntry, ...]]:
    """The handout's PDF and the contents it prints (for the DOCX's TOC)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    plan = _plan(ctx, report_pdf, templates, parts)
    bound, starts, report = plan.bound, plan.starts, plan.bound[0][1]
    front = PdfReader(io.BytesIO(_front_pdf(plan.front, parts)))
    writer = PdfWriter()
    for index in range(plan.front_count):
        writer.add_page(front.pages[index])
    number_page = plan.front_count
    own_numbers = own_page_numbers(report_pdf)  # an appendix may number its own pages from 1
    for (_, reader), start in zip(bound, starts, strict=True):
        _pad_to(writer, start, reader.pages[0])
        for index, page in enumerate(reader.pages):
            added = writer.add_page(page)
            if reader is report and own_numbers[index] not in ("", "1"):
                _strip_own_number(added, own_numbers[index])
            _stamp(writer, added, front.pages[number_page], number_page)
            number_page += 1
    _bookmarks(writer, ctx, plan.front.anchors, bound, starts, plan.headings)
    digest = hashlib.sha256(out_of(front) + report_pdf).digest()[:16]
    writer._ID = ArrayObject((ByteStringObject(digest), ByteStringObject(digest)))  # reproducible, not random
    writer.add_metadata({"/Title": f"Tài liệu {ctx.ten_hoi_nghi}", "/Author": ctx.doc.author, "/Producer": "pypdf"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), plan.contents(ctx)


def contents_of(
    ctx: HandoutContext, report_pdf: bytes, templates: TemplateSet, parts: PartCache | None = None
) -> tuple[TocEntry, ...]:
    """The contents `bind_pdf` prints, without binding: for the DOCX made beside the PDF, in another task."""
    return _plan(ctx, report_pdf, templates, parts).contents(ctx)


@dataclass
class _Plan:
    """Where everything goes: the bound PDFs, the report's headings, where each part starts, the front
    matter laid out for those numbers and its page count."""

    bound: list[tuple[str, PdfReader]]
    headings: list[Heading]
    starts: list[int]
    front: _Front
    front_count: int

    def contents(self, ctx: HandoutContext) -> tuple[TocEntry, ...]:
        return _contents(ctx, self.front.anchors, self.bound, self.headings, self.starts)


def _plan(ctx: HandoutContext, report_pdf: bytes, templates: TemplateSet, parts: PartCache | None) -> _Plan:
    from pypdf import PdfReader

    report = PdfReader(io.BytesIO(report_pdf))
    bound: list[tuple[str, PdfReader]] = [(ctx.tieu_de_bao_cao, report)]
    bound.extend((a.tieu_de, _read_attachment(a.path)) for a in ctx.tai_lieu)
    headings = _outline(report)
    sizes = _page_sizes([r for _, r in bound])
    front_count = _front_estimate(ctx)
    anchors: dict[str, int] = {}
    for _ in range(4):  # converges in one or two layouts; the contents never grows with its numbers
        starts = _starts(front_count, [len(r.pages) for _, r in bound], ctx.trang_le)
        guess = anchors or _guess_anchors(ctx)
        laid = _lay_out_front(ctx, templates, guess, bound, headings, starts, sizes, parts)
        actual = laid.pages - sum(len(r.pages) for _, r in bound)
        if actual == front_count and laid.anchors == guess:
            break
        front_count, anchors = actual, laid.anchors
    return _Plan(bound, headings, starts, laid, front_count)


def out_of(reader: PdfReader) -> bytes:
    """The bytes a reader was opened on."""
    stream = reader.stream
    stream.seek(0)
    return bytes(stream.read())


def _read_attachment(path: Any) -> PdfReader:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise HandoutError(f"{path}: tệp PDF có mật khẩu, không đóng vào tài liệu hội nghị được.")
        if not reader.pages:
            raise HandoutError(f"{path}: tệp PDF không có trang nào.")
    except (PdfReadError, OSError, ValueError) as exc:
        raise HandoutError(f"{path}: không đọc được tệp PDF để đóng vào tài liệu hội nghị ({exc}).") from None
    return reader


def _outline(reader: PdfReader) -> list[Heading]:
    """Every bookmark of the report's own outline (its headings), in order, with its level."""
    result: list[Heading] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                title = PART_OF_REPORT.sub(r"\1. ", str(item.title))
                result.append(Heading(level, title, reader.get_destination_page_number(item) or 0))

    walk(reader.outline, 1)
    return result


def _page_sizes(readers: Sequence[PdfReader]) -> dict[tuple[float, float], PageSize]:
    sizes: dict[tuple[float, float], PageSize] = {}
    for reader in readers:
        for page in reader.pages:
            key = _size(page)
            if key not in sizes:
                sizes[key] = PageSize(f"so-{len(sizes) + 1}", *key)
    return sizes


def _size(page: PageObject) -> tuple[float, float]:
    box = page.mediabox
    width, height = round(float(box.width), 2), round(float(box.height), 2)
    return (height, width) if (page.get("/Rotate") or 0) % 180 else (width, height)


def _front_estimate(ctx: HandoutContext) -> int:
    """Cover, programme, contents, main indicators, charts (two a page); corrected after layout."""
    return 3 + bool(ctx.chuong_trinh) + max(1, (len(ctx.bieu_do) + 1) // 2)


def _guess_anchors(ctx: HandoutContext) -> dict[str, int]:
    keys = [k for k in ANCHORS if k != "chuong-trinh" or ctx.chuong_trinh]
    return {key: page for page, key in enumerate(keys, start=2)}


def _starts(front: int, counts: Sequence[int], odd: bool) -> list[int]:
    """The 1-based page where each bound part starts, after `front` pages (odd pages when asked)."""
    starts, page = [], front + 1
    for count in counts:
        if odd and page % 2 == 0:
            page += 1
        starts.append(page)
        page += count
    return starts


def _contents(
    ctx: HandoutContext,
    anchors: dict[str, int],
    bound: Sequence[tuple[str, PdfReader]],
    headings: Sequence[Heading],
    starts: Sequence[int],
) -> tuple[TocEntry, ...]:
    entries = [TocEntry(title, anchors[key]) for key, title in FRONT_PARTS if key in anchors]
    entries.append(TocEntry(bound[0][0], starts[0]))
    entries.extend(TocEntry(h.title, starts[0] + h.page, 2) for h in headings if h.level == 1)
    entries.extend(TocEntry(title, start) for (title, _), start in zip(bound[1:], starts[1:], strict=True))
    return tuple(entries)


def _lay_out_front(
    ctx: HandoutContext,
    templates: TemplateSet,
    anchors: dict[str, int],
    bound: Sequence[tuple[str, PdfReader]],
    headings: Sequence[Heading],
    starts: Sequence[int],
    sizes: dict[tuple[float, float], PageSize],
    parts: PartCache | None,
) -> _Front:
    numbers = [
        NumberPage(start + index, sizes[_size(page)].ten)
        for (_, reader), start in zip(bound, starts, strict=True)
        for index, page in enumerate(reader.pages)
    ]
    filled = replace(
        ctx,
        muc_luc=_contents(ctx, anchors, bound, headings, starts),
        trang_danh_so=tuple(numbers),
        kho_giay=tuple(sizes.values()),
        che_do="pdf",
    )
    html = render_html(TEMPLATE, filled, templates)
    cached = parts.get(html) if parts is not None else None
    if cached is not None:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(cached))
        return _Front(html, len(reader.pages), _named_anchors(reader), pdf=cached)
    from reports.render.pdf import lay_out

    laid = lay_out(html, templates.dirs)
    return _Front(html, len(laid.pages), _anchors_of(laid), laid=laid)


def _front_pdf(front: _Front, parts: PartCache | None) -> bytes:
    """The front matter's PDF: the one taken from an earlier build, or written now (and kept)."""
    if front.pdf is not None:
        return front.pdf
    from reports.render.pdf import write

    pdf = write(front.laid, front.html)  # the same bytes for the same HTML
    if parts is not None:
        parts.put(front.html, pdf)
    return pdf


def _named_anchors(reader: PdfReader) -> dict[str, int]:
    """`_anchors_of` read back from a written front matter: WeasyPrint names a destination after each id."""
    found: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        page = reader.get_destination_page_number(destination) if name in ANCHORS else None
        if page is not None:
            found[name] = page + 1
    return found


def _anchors_of(laid: Any) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, page in enumerate(laid.pages):
        for anchor in page.anchors:
            if anchor in ANCHORS and anchor not in found:
                found[anchor] = index + 1
    return found


def _pad_to(writer: PdfWriter, start: int, like: PageObject) -> None:
    """Blank pages (unnumbered) until the next page added is page `start` (odd-page option)."""
    while len(writer.pages) + 1 < start:
        width, height = _size(like)
        writer.add_blank_page(width, height)


# WeasyPrint draws the margin boxes last; the page number is one text object in the top margin.
_MARGIN_TEXT = re.compile(
    rb"q\nq\n/[^\n]+ gs\n[^\n]+ rg\nBT\n1 0 0 -1 [\d.]+ ([\d.]+) Tm\n"
    rb"/\S+ [\d.]+ Tf\n\[((?:<[0-9a-f]+>)+)\] TJ\nET\nQ\nQ\n"
)


def _strip_own_number(page: PageObject, number: str) -> None:
    """Remove the report's own page number (top centre) so the handout's running number replaces it.

    Only a text object drawn in the top margin with exactly as many glyphs as the number has digits
    is removed; anything else (the DỰ THẢO mark, a page whose header a committee changed) is left.
    """
    from pypdf.generic import NameObject, StreamObject

    contents = page.get_contents()
    if contents is None:
        return
    data = contents.get_data()
    for match in _MARGIN_TEXT.finditer(data):
        top_px = float(match.group(1))
        glyphs = sum(len(g) - 2 for g in re.findall(rb"<[0-9a-f]*>", match.group(2))) // 4
        if top_px < 80 and glyphs == len(number):
            stream = StreamObject()
            stream.set_data(data[: match.start()] + data[match.end() :])
            page[NameObject("/Contents")] = stream
            return


def _stamp(writer: PdfWriter, page: PageObject, overlay: PageObject, index: int) -> None:
    """Draw `overlay` (a number page) over `page` as a form XObject.

    pypdf's merge_page parses both content streams (two thirds of the handout's time); a form XObject
    only appends "q /HNn Do Q" after the page's own content, wrapped in q/Q so its transformations
    (WeasyPrint flips the y axis) do not apply to the number.
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    form = DecodedStreamObject()
    form.set_data(overlay.get_contents().get_data())  # type: ignore[union-attr]
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(overlay.mediabox)
    overlay_resources: Any = overlay["/Resources"].get_object()
    form[NameObject("/Resources")] = overlay_resources.clone(writer)
    name = NameObject(f"/HNso{index}")
    own: Any = page["/Resources"].get_object()
    resources = DictionaryObject(own)  # a copy: pages may share theirs
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[name] = writer._add_object(form)
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    contents: Any = page["/Contents"]
    old = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
    parts = [_stream(writer, b"q\n"), *old, _stream(writer, b"\nQ\nq " + name.encode() + b" Do Q\n")]
    page[NameObject("/Contents")] = ArrayObject(parts)


def _stream(writer: PdfWriter, data: bytes) -> Any:
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _bookmarks(
    writer: PdfWriter,
    ctx: HandoutContext,
    anchors: dict[str, int],
    bound: Sequence[tuple[str, PdfReader]],
    starts: Sequence[int],
    headings: Sequence[Heading],
) -> None:
    writer.add_outline_item(title="Bìa", page_number=0)
    writer.add_outline_item(title="Mục lục", page_number=anchors["muc-luc"] - 1)
    for key, title in FRONT_PARTS:
        if key in anchors:
            writer.add_outline_item(title=title, page_number=anchors[key] - 1)
    report = writer.add_outline_item(title=bound[0][0], page_number=starts[0] - 1)
    parents: dict[int, Any] = {0: report}
    for h in headings:
        parent = parents.get(h.level - 1, report)
        parents[h.level] = writer.add_outline_item(title=h.title, page_number=starts[0] - 1 + h.page, parent=parent)
    for (title, _), start in zip(bound[1:], starts[1:], strict=True):
        writer.add_outline_item(title=title, page_number=start - 1)


# --- DOCX -------------------------------------------------------------------------------------------


def handout_docx(ctx: HandoutContext, report_html: str, templates: TemplateSet) -> bytes:
    """The handout as DOCX: front matter + the report's sections, through the DOCX writer.

    The contents is the writer's `nav.toc` (a TOC field with the entries and the PDF's page numbers
    filled in); each `figure.chart` becomes a native Word chart through the builder registered here.
    """
    from reports.render.docx import register_figure_builder, render_docx

    register_figure_builder("chart", chart_builder)
    entries = ctx.muc_luc or _contents_without_pages(ctx)
    body = _body_sections(report_html)
    html = render_html(TEMPLATE, replace(ctx, che_do="docx", bao_cao_html=body, muc_luc=entries), templates)
    return render_docx(html)


def chart_builder(request: Any) -> Any:
    """A `figure.chart`'s ChartSpec (its data-chart JSON) -> the native chart part and its workbook."""
    from reports.charts import ChartSpec
    from reports.charts.word import CHART_PARTNAME, CT_CHART, CT_XLSX, RT_CHART, RT_PACKAGE, XLSX_PARTNAME, chart_part
    from reports.render.docx import Graphic, NewPart

    xml, xlsx = chart_part(ChartSpec.from_dict(request.spec))
    workbook = NewPart(XLSX_PARTNAME, CT_XLSX, RT_PACKAGE, xlsx)
    return Graphic(NewPart(CHART_PARTNAME, CT_CHART, RT_CHART, xml, (workbook,)), "chart")


def _contents_without_pages(ctx: HandoutContext) -> tuple[TocEntry, ...]:
    """The parts without page numbers (a DOCX-only build has no layout to take them from)."""
    titles = [title for key, title in FRONT_PARTS if key != "chuong-trinh" or ctx.chuong_trinh]
    titles += [ctx.tieu_de_bao_cao, *(a.tieu_de for a in ctx.tai_lieu)]
    return tuple(TocEntry(title, 0) for title in titles)


def _body_sections(report_html: str) -> str:
    start = report_html.index("<body>") + len("<body>")
    return report_html[start : report_html.rindex("</body>")]


# --- the document kind's renderer ------------------------------------------------------------------


def render_handout(
    ctx: HandoutContext,
    report_files: Mapping[str, bytes],
    formats: Sequence[str],
    templates: TemplateSet,
    parts: PartCache | None = None,
) -> dict[str, bytes]:
    """Both formats of the handout from the consolidated report's already rendered files."""
    files: dict[str, bytes] = {}
    if "pdf" in formats:
        files["pdf"], contents = bind_pdf(ctx, report_files["pdf"], templates, parts)
        ctx = replace(ctx, muc_luc=contents)
    elif "pdf" in report_files:  # the DOCX alone (its PDF bound in another task, or kept): the same contents
        ctx = replace(ctx, muc_luc=contents_of(ctx, report_files["pdf"], templates, parts))
    if "docx" in formats:
        report_html = render_html("bao-cao-tong-hop.html.j2", ctx.bao_cao, templates)
        files["docx"] = handout_docx(ctx, report_html, templates)
    return files


__all__ = ["HandoutError", "handout_docx", "handout_pdf", "render_handout"]
