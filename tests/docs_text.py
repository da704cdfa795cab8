"""Text of generated documents, for comparing what the DOCX and the PDF of one report say.

DOCX: every paragraph of the body, table cells included (in document order), and the headers. A run's
text is python-docx's (`w:br` is a line break, `w:tab` a tab, `w:noBreakHyphen` a hyphen), so a line
broken inside a paragraph keeps its break ("ĐẢNG ỦY KHỐI" / "CÁC CƠ QUAN TỈNH").
PDF: pypdf's text of every page. Both are normalised to NFC, runs of white space collapsed (line breaks
inside a DOCX paragraph are kept by `docx_paragraphs`, one line each, for the golden files).
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

# Figures as the reports write them: 1.234 (thousands), 92,11% (percentages), 35/38 (x/y shares).
THOUSANDS = re.compile(r"(?<![\d.,/])\d{1,3}(?:\.\d{3})+(?![\d/])")
PERCENT = re.compile(r"(?<![\d.,])\d+(?:,\d+)?%")
RATIO = re.compile(r"(?<![\d.,/])\d+(?:\.\d{3})*/\d+(?:\.\d{3})*(?![\d/])")


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _clean_lines(text: str) -> str:
    """Each line cleaned on its own; blank lines dropped; the line breaks kept."""
    return "\n".join(line for line in (clean(part) for part in text.split("\n")) if line)


def _stamp(path: Path) -> tuple[str, int, int]:
    """A file's identity for the caches below: the same path rewritten is read again."""
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def docx_paragraphs(source: Path | bytes) -> list[str]:
    """Every w:p of the document body in order (table cells included), as text; a `w:br` is a newline."""
    if isinstance(source, bytes):
        return _docx_paragraphs(source)
    return list(_docx_paragraphs_of_file(_stamp(source)))


@functools.lru_cache(maxsize=32)
def _docx_paragraphs_of_file(stamp: tuple[str, int, int]) -> tuple[str, ...]:
    return tuple(_docx_paragraphs(Path(stamp[0]).read_bytes()))


def _docx_paragraphs(source: bytes) -> list[str]:
    document = Document(io.BytesIO(source))
    texts = []
    for paragraph in document.element.body.iter(qn("w:p")):
        text = _clean_lines("".join(run.text for run in paragraph.iter(qn("w:r"))))
        if text:
            texts.append(text)
    return texts


def docx_text(source: Path | bytes) -> str:
    return clean(" ".join(docx_paragraphs(source)))


def docx_headers(source: Path | bytes) -> list[str]:
    document = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    out = []
    for section in document.sections:
        for header in (section.header, section.first_page_header):
            out.append(clean(" ".join(p.text for p in header.paragraphs)))
    return out


def _without_page_number(text: str, number: int | str) -> str:
    """The page's text without its page number, drawn at the top of the page (first or last token)."""
    words = text.split(" ")
    if words and words[0] == str(number):
        words = words[1:]
    elif words and words[-1] == str(number):
        words = words[:-1]
    return " ".join(words)


def pdf_page_numbers(source: Path | bytes) -> list[str]:
    """The number printed on each page: its PDF page label without the run's prefix ("PL1-2" -> "2"),
    so an appendix that numbers its own pages is read right."""
    data = source if isinstance(source, bytes) else source.read_bytes()
    return [re.sub(r"^.*\D", "", label) for label in PdfReader(io.BytesIO(data)).page_labels]


def pdf_raw_pages(source: Path | bytes) -> list[str]:
    """pypdf's text of each page as it extracts it (line breaks kept). A file is read once per session
    (several tests read the same sample report; pypdf takes seconds on it)."""
    if isinstance(source, bytes):
        return _pdf_raw_pages(source)
    return list(_pdf_raw_pages_of_file(_stamp(source)))


@functools.lru_cache(maxsize=32)
def _pdf_raw_pages_of_file(stamp: tuple[str, int, int]) -> tuple[str, ...]:
    return tuple(_pdf_raw_pages(Path(stamp[0]).read_bytes()))


def _pdf_raw_pages(source: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(source)).pages]


def pdf_pages(source: Path | bytes, *, drop_page_numbers: bool = False) -> list[str]:
    """Cleaned text of each page; with `drop_page_numbers`, the number of pages 2+ is taken out."""
    pages = [clean(text) for text in pdf_raw_pages(source)]
    if drop_page_numbers:
        numbers = pdf_page_numbers(source)
        pages = [pages[0], *(_without_page_number(text, n) for text, n in zip(pages[1:], numbers[1:], strict=True))]
    return pages


def pdf_text(source: Path | bytes, *, drop_page_numbers: bool = False) -> str:
    return " ".join(pdf_pages(source, drop_page_numbers=drop_page_numbers))


# A line broken after a hyphen ("366-" / "QĐ/TW") reads "366- QĐ/TW" in the PDF text: the space after a
# hyphen that follows a letter or digit is not part of what the document says, on either side.
_AFTER_HYPHEN = re.compile(r"(?<=\w-) ")


def _parity_form(text: str) -> str:
    return _AFTER_HYPHEN.sub("", clean(text))


def text_in_order(paragraphs: Sequence[str], pages: Sequence[str], numbers: Sequence[str] | None = None) -> str | None:
    """None when every paragraph (whitespace normalised) occurs in the pages' text, one after the other;
    else a message naming the first paragraph not found and where the search stood.

    The page numbers (`numbers`, by default 1, 2, ...) are taken out first (a paragraph running over a
    page break is one string again),
    and a space after a word's hyphen is dropped on both sides (a line may break there). The PDF may
    say more than the DOCX (a table head repeated on each page), never less or otherwise.
    """
    text = _parity_form(
        " ".join(
            _without_page_number(page, number) if index > 0 else page
            for index, (page, number) in enumerate(zip(pages, numbers or range(1, len(pages) + 1), strict=True))
        )
    )
    position = 0
    for index, paragraph in enumerate(paragraphs):
        wanted = _parity_form(paragraph)
        found = text.find(wanted, position)
        if found < 0:
            anywhere = text.find(wanted)
            where = f"found earlier, at {anywhere}" if anywhere >= 0 else "not in the PDF at all"
            return (
                f"paragraph {index} {wanted!r} ({where}); the PDF after the previous paragraph reads "
                f"{text[position : position + 300]!r}"
            )
        position = found + len(wanted)
    return None


def figures(text: str) -> Counter[str]:
    """Every formatted figure in `text`: numbers with a thousands separator, percentages, x/y shares."""
    found: Counter[str] = Counter()
    for pattern in (THOUSANDS, PERCENT, RATIO):
        found.update(pattern.findall(text))
    return found
