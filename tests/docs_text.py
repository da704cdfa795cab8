"""Text of generated documents, for comparing what the DOCX and the PDF of one report say.

DOCX: every paragraph of the body, table cells included (in document order), and the headers.
PDF: pypdf's text of every page. Both are normalised to NFC with runs of white space collapsed.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
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


def docx_paragraphs(source: Path | bytes) -> list[str]:
    """Every w:p of the document body in order (table cells included), as text."""
    document = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    texts = []
    for paragraph in document.element.body.iter(qn("w:p")):
        text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
        if text.strip():
            texts.append(clean(text))
    return texts


def docx_text(source: Path | bytes) -> str:
    return " ".join(docx_paragraphs(source))


def docx_headers(source: Path | bytes) -> list[str]:
    document = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    out = []
    for section in document.sections:
        for header in (section.header, section.first_page_header):
            out.append(clean(" ".join(p.text for p in header.paragraphs)))
    return out


def pdf_pages(source: Path | bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    return [clean(page.extract_text() or "") for page in reader.pages]


def pdf_text(source: Path | bytes) -> str:
    return " ".join(pdf_pages(source))


def figures(text: str) -> Counter[str]:
    """Every formatted figure in `text`: numbers with a thousands separator, percentages, x/y shares."""
    found: Counter[str] = Counter()
    for pattern in (THOUSANDS, PERCENT, RATIO):
        found.update(pattern.findall(text))
    return found
