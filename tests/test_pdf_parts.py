"""Appendices that number their own pages: the report is laid out in parts and joined (reports.render.pdf_parts).

Checked on a small hand-written document (body of two pages, two appendices) and on a real build whose
setting asks for one run of page numbers instead.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from conftest import make_small_folder
from docx.oxml.ns import qn
from pypdf import PdfReader

from reports.aggregate import aggregate
from reports.context import consolidated
from reports.documents import CONSOLIDATED
from reports.intake import load_folder
from reports.render.batch import RenderJob, render_all
from reports.render.docx import render_docx
from reports.render.html import BUNDLED, TemplateSet, render_html
from reports.render.pdf import render_pdf
from reports.render.pdf_parts import own_page_numbers, split_parts
from tests.docs_text import pdf_page_numbers

FILLER = "<p>Nội dung báo cáo, đủ dài để sang trang mới khi lặp lại nhiều lần trong phần thân văn bản.</p>" * 40
ROWS = "".join(f"<tr><td>{i}</td><td>Chi bộ số {i}</td><td>{i * 7}</td></tr>" for i in range(1, 60))
HTML = f"""<!DOCTYPE html>
<html lang="vi"><head><title>Báo cáo thử</title><meta name="author" content="Đảng ủy Khối">
<link rel="stylesheet" href="style.css"></head>
<body>
<section class="portrait"><h1>PHẦN THÂN</h1>{FILLER}</section>
<section class="landscape" data-danh-so-lai="PL1-"><p class="appendix-title">Phụ lục 1</p>
<table class="data"><thead><tr><th>STT</th><th>Tên</th><th>Số</th></tr></thead><tbody>{ROWS}</tbody></table>
</section>
<section class="portrait" data-danh-so-lai="PL2-"><p class="appendix-title">Phụ lục 2</p>{FILLER}</section>
</body></html>"""


@pytest.fixture(scope="module")
def joined() -> bytes:
    return render_pdf(HTML)


def _lines(page: object) -> list[str]:
    return [line.strip() for line in page.extract_text().splitlines()]  # type: ignore[attr-defined]


def test_each_appendix_numbers_its_own_pages_from_one(joined: bytes) -> None:
    reader = PdfReader(io.BytesIO(joined))
    labels = reader.page_labels
    assert labels[0] == "1" and labels[1] == "2"
    first_pl1, first_pl2 = labels.index("PL1-1"), labels.index("PL2-1")
    assert labels[first_pl1 + 1] == "PL1-2" and labels[first_pl2 + 1] == "PL2-2"
    assert "1" not in _lines(reader.pages[0])  # page 1 of the report: no number
    assert "2" in _lines(reader.pages[1])
    assert _lines(reader.pages[first_pl1])[0] == "Phụ lục 1"  # its first page shows no number
    assert "2" in _lines(reader.pages[first_pl1 + 1])  # its second page shows 2, not the running count
    assert str(first_pl1 + 2) not in _lines(reader.pages[first_pl1 + 1])
    assert own_page_numbers(joined) == [label.split("-")[-1] for label in labels]


def test_joined_file_keeps_every_part_its_bookmarks_and_the_reports_metadata(joined: bytes) -> None:
    reader = PdfReader(io.BytesIO(joined))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["PHẦN THÂN", "Phụ lục 1", "Phụ lục 2"]
    assert reader.metadata is not None and reader.metadata.title == "Báo cáo thử"
    assert reader.trailer["/Root"]["/Lang"] == "vi"
    widths = {round(float(page.mediabox.width)) for page in reader.pages}
    assert widths == {595, 842}  # portrait body, landscape appendix 1


def test_a_document_without_a_restart_is_one_part() -> None:
    plain = HTML.replace(' data-danh-so-lai="PL1-"', "").replace(' data-danh-so-lai="PL2-"', "")
    assert len(split_parts(plain)) == 1
    reader = PdfReader(io.BytesIO(render_pdf(plain)))
    assert "/PageLabels" not in reader.trailer["/Root"]
    assert str(len(reader.pages)) in _lines(reader.pages[-1])  # one run through to the last page


def test_docx_restarts_the_numbering_in_each_appendix_section() -> None:
    document = docx.Document(io.BytesIO(render_docx(HTML)))
    sections = document.sections
    assert len(sections) == 3
    starts = [s._sectPr.find(qn("w:pgNumType")) for s in sections]
    assert starts[0] is None
    assert all(st is not None and st.get(qn("w:start")) == "1" for st in starts[1:])
    assert all(s.different_first_page_header_footer for s in sections)
    assert all("PAGE" not in s.first_page_header._element.xml for s in sections)


def test_one_run_of_page_numbers_when_the_setting_asks(tmp_path: Path) -> None:
    """The consolidated report alone, from the setting in bao-cao.toml to both formats (the rest of a
    build does not read it)."""
    folder = make_small_folder(tmp_path / "data", units=("STC", "BDT"))  # two units: the report is what counts
    settings = folder / "bao-cao.toml"
    text = settings.read_text(encoding="utf-8")
    assert "trang_phu_luc_rieng" not in text and text.count("[trinh_bay]\n") == 1
    settings.write_text(text.replace("[trinh_bay]\n", "[trinh_bay]\ntrang_phu_luc_rieng = false\n"), encoding="utf-8")
    dataset = load_folder(folder).dataset()
    html = render_html(CONSOLIDATED.template, consolidated.build(dataset, aggregate(dataset)))
    assert len(split_parts(html)) == 1
    report = render_pdf(html)
    numbers = pdf_page_numbers(report)
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    reader = PdfReader(io.BytesIO(report))
    assert str(len(numbers)) in _lines(reader.pages[-1])
    document = docx.Document(io.BytesIO(render_docx(html)))
    assert all(s._sectPr.find(qn("w:pgNumType")) is None for s in document.sections)


class _Recording(ThreadPoolExecutor):
    """A thread pool that notes which function each task runs, and for which document."""

    def __init__(self) -> None:
        super().__init__(2)
        self.tasks: list[tuple[str, str]] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        key = args[0].key if args and isinstance(args[0], RenderJob) else ""
        self.tasks.append((fn.__name__, key))
        return super().submit(fn, *args, **kwargs)


def test_parts_laid_out_on_several_workers_give_the_same_bytes(tmp_path: Path, joined: bytes) -> None:
    """The same bytes as one process, whether the HTML is rendered in a task ("b") or by the caller, which
    then sends the parts out at once ("a", `parts_here`: no first task whose only work is the HTML)."""
    (tmp_path / "thu.html.j2").write_text(HTML, encoding="utf-8")
    templates = TemplateSet(str(tmp_path), BUNDLED.bundled_dir)
    jobs = [RenderJob("a", "thu.html.j2", {}, parts_here=True), RenderJob("b", "thu.html.j2", {})]
    with _Recording() as pool:
        results = {r.key: r for r in render_all(jobs, ("pdf",), templates, executor=pool)}
    assert set(results) == {"a", "b"}
    assert results["a"].files["pdf"] == joined and results["b"].files["pdf"] == joined
    assert pool.tasks[:3] == [("lay_out_part", "")] * 3  # a's three parts, before anything else
    assert ("render_one", "a") not in pool.tasks and ("render_one", "b") in pool.tasks


def test_documents_finished_while_the_next_jobs_are_planned_are_taken_at_a_pause(tmp_path: Path) -> None:
    """A caller planning many kept units yields PAUSE between them: a document done meanwhile is
    handed back then (a report's parts start as soon as its HTML is in), not after the planning."""
    import time

    from reports.render.batch import PAUSE

    tiny = '<html><body><section class="portrait"><p>Một đoạn.</p></section></body></html>'
    (tmp_path / "nho.html.j2").write_text(tiny, encoding="utf-8")
    templates = TemplateSet(str(tmp_path), BUNDLED.bundled_dir)
    taken: list[str] = []
    planned_after: list[int] = []

    def jobs():  # type: ignore[no-untyped-def]
        yield RenderJob("a", "nho.html.j2", {})
        for pauses in range(400):  # at most 4 s of "planning"
            if taken:
                planned_after.append(pauses)
                return
            time.sleep(0.01)
            yield PAUSE

    with ThreadPoolExecutor(1) as pool:
        for rendered in render_all(jobs(), ("docx",), templates, executor=pool, on_done=lambda r: None):
            taken.append(rendered.key)
    assert taken == ["a"]
    assert planned_after, "the document was handed back only after every pause"
