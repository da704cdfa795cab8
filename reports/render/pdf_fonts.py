"""Subset the fonts embedded in each PDF with HarfBuzz from PyPI (uharfbuzz) instead of fontTools.

WeasyPrint 70 subsets every embedded font for every document. It does it with the system's
libharfbuzz-subset when it finds one (Debian's `libharfbuzz-subset0`, not on a plain machine) and
with fontTools otherwise: measured on a unit report, fontTools took about two thirds of the PDF's time
(0,85 s of CPU per PDF before, 0,34 s with this module; `bench/bench_fonts.py`), and it stamps the
current time into each subset, so the same report rendered twice had different bytes unless SOURCE_DATE_EPOCH was set in
`os.environ` around the write, which is not thread-safe. WeasyPrint does not use uharfbuzz by itself:
it loads libharfbuzz-subset through cffi only.

`install()` replaces `weasyprint.pdf.fonts.Font.subset` with `harfbuzz_subset`: the same two passes as
WeasyPrint's own `_harfbuzz_subset` (same flags, same dropped tables), through uharfbuzz's bundled
HarfBuzz. It is used on every machine, with or without libharfbuzz-subset, so the PDF bytes do not
depend on what the system has. HarfBuzz writes no timestamp: the same HTML gives the same bytes with
nothing set in the environment. The replaced method is private to WeasyPrint, hence the pinned
version check (a WeasyPrint upgrade must read `weasyprint/pdf/fonts.py` again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

WEASYPRINT_VERSION = "70.0"
# The tables WeasyPrint's HarfBuzz path drops (layout and bitmap tables a PDF viewer never reads).
DROP_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")

LOGGER = logging.getLogger(__name__)


def install() -> None:
    """Make WeasyPrint subset embedded fonts with `harfbuzz_subset` (idempotent)."""
    from reports.render.weasy_import import load

    load()
    import weasyprint
    from weasyprint.pdf.fonts import Font

    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise RuntimeError(
            f"reports.render.pdf_fonts replaces a private method of WeasyPrint {WEASYPRINT_VERSION}; "
            f"WeasyPrint {weasyprint.__version__} is installed: check weasyprint/pdf/fonts.py again"
        )
    Font.subset = harfbuzz_subset


def harfbuzz_subset(font: Any, to_unicode: dict[int, str], hinting: bool) -> None:
    """Keep only the glyphs `to_unicode` names (glyph ids kept), as `Font._harfbuzz_subset` does.

    First pass: empty every unused glyph, keeping glyph ids (the PDF's text refers to them). Second
    pass: drop the glyphs after the last one used, and the hinting unless asked for. On failure the
    font is embedded whole, as WeasyPrint does.
    """
    if not to_unicode:
        return
    import uharfbuzz as hb

    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    if font.missing:
        flags |= hb.SubsetFlags.NOTDEF_OUTLINE
    try:
        face = hb.Face(hb.Blob(font.file_content), font.index)
        face = hb.subset(face, _subset_input(hb, sorted(to_unicode), flags | hb.SubsetFlags.RETAIN_GIDS))
        if not hinting:
            flags |= hb.SubsetFlags.NO_HINTING
        face = hb.subset(face, _subset_input(hb, range(max(to_unicode) + 1), flags))
        data = face.blob.data
    except RuntimeError as exc:
        LOGGER.warning("Không rút gọn được phông chữ %s (%s); phông được nhúng nguyên vẹn.", font.family, exc)
        return
    if data:
        font.file_content = data


def _subset_input(hb: Any, glyphs: Iterable[int], flags: Any) -> Any:
    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update(glyphs)
    subset_input.flags = flags
    drop = subset_input.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    drop.update(int.from_bytes(tag.encode("ascii"), "big") for tag in DROP_TABLES)
    return subset_input
