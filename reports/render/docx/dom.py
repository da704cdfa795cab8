"""Reading the HTML tree: parsing, the selector of an element, and the writer's error."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from lxml import etree
from lxml import html as lxml_html

HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")


class DocxWriterError(Exception):
    """The HTML uses an element or class outside docs/html-subset.md (a template bug)."""

    def __init__(self, message: str, element: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.element = element
        self.line = line


def parse_html(html: str) -> Any:
    cleaned = _XML_INVALID.sub("", unicodedata.normalize("NFC", html))
    if not cleaned.strip():
        raise DocxWriterError("HTML rỗng: không có gì để ghi ra DOCX.")
    try:
        return lxml_html.document_fromstring(cleaned)
    except (etree.ParserError, ValueError) as exc:
        raise DocxWriterError(f"Không đọc được HTML: {exc}") from None


def classes(el: Any) -> str:
    return " ".join((el.get("class") or "").split())


def selector(el: Any) -> str:
    """The key of an element in the handler table: `tag`, `tag.class`, or an attribute for <meta>/<link>.

    `<meta>` and `<link>` carry no class; what they mean is in `charset`, `name` or `rel`.
    """
    tag = el.tag
    if tag == "meta":
        if el.get("charset") is not None:
            return "meta[charset]"
        return f"meta[name={(el.get('name') or '').strip().lower()}]"
    if tag == "link":
        return f"link[rel={(el.get('rel') or '').strip().lower()}]"
    cls = classes(el)
    return f"{tag}.{cls}" if cls else tag


def describe(el: Any) -> str:
    cls = el.get("class")
    return f'<{el.tag} class="{cls}">' if cls is not None else f"<{el.tag}>"


def unsupported(el: Any, where: str = "") -> DocxWriterError:
    described = describe(el)
    place = f" trong {where}" if where else ""
    return DocxWriterError(
        f"Bộ ghi DOCX không hỗ trợ phần tử {described}{place} (dòng {el.sourceline} của HTML); "
        "mẫu chỉ được dùng các phần tử trong docs/html-subset.md.",
        element=described,
        line=el.sourceline,
    )


def invalid(el: Any, message: str) -> DocxWriterError:
    """An element of the subset used with a wrong attribute value."""
    described = describe(el)
    return DocxWriterError(
        f"{described} (dòng {el.sourceline} của HTML): {message}", element=described, line=el.sourceline
    )


def children(el: Any) -> Iterator[Any]:
    """Element children, skipping comments and processing instructions."""
    for child in el:
        if isinstance(child.tag, str):
            yield child


def require_blank(text: str | None, el: Any) -> None:
    if text and text.strip(" \t\n\f\r"):
        raise DocxWriterError(
            f"Văn bản '{text.strip()[:40]}' nằm trực tiếp trong {describe(el)} (dòng {el.sourceline} "
            "của HTML), ngoài mọi đoạn văn.",
            element=describe(el),
            line=el.sourceline,
        )


def require_blank_content(el: Any) -> None:
    """Only whitespace (and elements handled by the caller) may sit directly in `el`."""
    require_blank(el.text, el)
    for child in el:
        require_blank(child.tail, el)


def require_empty(el: Any, where: str) -> None:
    if len(el) or (el.text or "").strip():
        raise unsupported(el, f"{where} (phải rỗng)")
