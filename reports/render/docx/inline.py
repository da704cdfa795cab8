"""Inline content of a block: text with formatting flags, whitespace collapsed as HTML does, as runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reports.render.docx.dom import HTML_SPACE
from reports.render.docx.rules import INLINE, Rule, lookup
from reports.render.docx.wml import text as xml_text


@dataclass
class Segment:
    text: str  # "\n" for a line break
    fmt: frozenset[str]
    is_break: bool = False


def inline_segments(el: Any, table: Mapping[str, Rule], where: str = INLINE) -> list[Segment]:
    """The text of `el` and its inline children; each child is looked up in the table in `where`."""
    segments: list[Segment] = []
    _collect_inline(el, frozenset(), segments, table, where)
    return _collapse(segments)


def _collect_inline(el: Any, fmt: frozenset[str], out: list[Segment], table: Mapping[str, Rule], where: str) -> None:
    if el.text:
        out.append(Segment(el.text, fmt))
    for child in el:
        if isinstance(child.tag, str):
            flag = lookup(table, child, where).flag
            if flag == "br":
                out.append(Segment("\n", fmt, is_break=True))
            else:
                _collect_inline(child, fmt | {flag} if flag else fmt, out, table, where)
        if child.tail:
            out.append(Segment(child.tail, fmt))


def _collapse(segments: list[Segment]) -> list[Segment]:
    """Collapse whitespace as HTML does: one space inside a line, none at line starts and ends."""
    out: list[Segment] = []
    drop_space = True
    for seg in segments:
        if seg.is_break:
            _strip_trailing(out)
            out.append(seg)
            drop_space = True
            continue
        text = HTML_SPACE.sub(" ", seg.text)
        if drop_space:
            text = text.lstrip(" ")
        if text:
            out.append(Segment(text, seg.fmt))
            drop_space = text.endswith(" ")
    _strip_trailing(out)
    return out


def _strip_trailing(out: list[Segment]) -> None:
    while out and not out[-1].is_break:
        stripped = out[-1].text.rstrip(" ")
        if stripped:
            out[-1] = Segment(stripped, out[-1].fmt)
            return
        out.pop()


def _run_rpr(fmt: frozenset[str]) -> str:
    if not fmt - {"nowrap"}:
        return ""
    parts = []
    if "b" in fmt:
        parts.append("<w:b/><w:bCs/>")
    if "i" in fmt:
        parts.append("<w:i/><w:iCs/>")
    if "hl" in fmt:
        parts.append('<w:highlight w:val="yellow"/>')
    if "u" in fmt:
        parts.append('<w:u w:val="single"/>')
    if "sup" in fmt:
        parts.append('<w:vertAlign w:val="superscript"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def _run_text(text: str, fmt: frozenset[str]) -> str:
    escaped = xml_text(text)
    if "nowrap" in fmt:
        # No line break inside: non-breaking spaces and Word's non-breaking hyphen.
        escaped = escaped.replace(" ", "\u00a0").replace("-", '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">')
    return f'<w:t xml:space="preserve">{escaped}</w:t>'


def runs_xml(segments: list[Segment]) -> str:
    """Adjacent segments with the same formatting become one run."""
    parts: list[str] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if seg.is_break:
            parts.append(f"<w:r>{_run_rpr(seg.fmt)}<w:br/></w:r>")
            i += 1
            continue
        text = seg.text
        j = i + 1
        while j < len(segments) and not segments[j].is_break and segments[j].fmt == seg.fmt:
            text += segments[j].text
            j += 1
        parts.append(f"<w:r>{_run_rpr(seg.fmt)}{_run_text(text, seg.fmt)}</w:r>")
        i = j
    return "".join(parts)
