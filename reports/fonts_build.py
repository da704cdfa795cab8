"""Build the bundled PDF fonts (templates/fonts/BaoCaoSerif-*.ttf) from the pinned Liberation Serif 2 files.

Run `python -m reports.fonts_build` after changing the repertoire or the source fonts, and commit the
result; `--check` only verifies that the committed files are what this script makes.

Why: every PDF embeds a subset of these fonts, made per document by HarfBuzz
(`reports.render.pdf_fonts`). The smaller the font WeasyPrint and HarfBuzz load, shape with and subset,
the faster each document: this script keeps the Latin + Vietnamese repertoire below (about 800 glyphs
of 2 600, 48 KB a face instead of 380 KB) and drops the TrueType hinting, which PDF viewers do not
need (WeasyPrint drops it from the embedded subset anyway).

- Layout features kept: `kern` (pair kerning, as before) and `mark` (a stray combining accent
  still sits on its letter). GSUB features (`ccmp`, `dlig`, `subs`, `sups`, `locl`) are dropped, so every
  glyph in the font is reached from the cmap (or is part of a composite glyph): extracted text stays
  exact even if a PDF embeds the font whole (WeasyPrint's `full_fonts` builds ToUnicode from the cmap).
- The SIL OFL 1.1 (templates/fonts/LICENSE-LiberationSerif.txt) allows subsetting, but a Modified
  Version may not use a Reserved Font Name ("Liberation"; "Tinos", "Arimo", "Cousine" for Google's
  part) as its primary name: the fonts are renamed "BaoCao Serif". The copyright, trademark, designer
  and licence records are kept, and the description says what the font is derived from.
- Reproducible: the source's `head.modified` is kept (no current time), so the same sources and the
  same fontTools give the same bytes.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from reports.render.html import TEMPLATES_DIR

FONTS_DIR = TEMPLATES_DIR / "fonts"
SOURCE_DIR = FONTS_DIR / "source"
FAMILY = "BaoCao Serif"
POSTSCRIPT_FAMILY = "BaoCaoSerif"
SOURCE_NAME = "Liberation Serif 2.1.5"
# face file suffix -> style name in the name table
FACES = {"Regular": "Regular", "Bold": "Bold", "Italic": "Italic", "BoldItalic": "Bold Italic"}
LAYOUT_FEATURES = ("kern", "mark")
FONTTOOLS_VERSION = "4.68.0"  # the version the committed files were made with (see `--check`)

VIETNAMESE_LETTERS = "ƠơƯư"  # the Vietnamese letters of Latin Extended-B
SYMBOLS = "№₫€™−±×÷≤≥≠≈←→↑↓●■□◦∙\ufffd"  # numbering, currency, arithmetic, arrows, bullets
BLOCKS = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A (Ă ă Đ đ Ĩ ĩ Ũ ũ, and other Latin names)
    (0x0300, 0x036F),  # Combining Diacritical Marks (the five tone marks among them)
    (0x1E00, 0x1EFF),  # Latin Extended Additional (every precomposed Vietnamese letter: U+1EA0-U+1EF9)
    (0x2000, 0x206F),  # General Punctuation (– — ‘ ’ “ ” • … ‰, thin and narrow spaces)
)


def repertoire() -> set[int]:
    """The code points kept: the Latin blocks above, cp1252 and cp1258 (Windows' Vietnamese code
    page), and the symbols a report or a clerk's text uses. A character outside it is drawn from a
    fallback system font, as a character missing from Liberation Serif always was."""
    codes = {code for first, last in BLOCKS for code in range(first, last + 1)}
    for codec in ("cp1252", "cp1258"):
        codes |= {ord(c) for c in bytes(range(0x80, 0x100)).decode(codec, errors="ignore")}
    codes |= {ord(c) for c in VIETNAMESE_LETTERS + SYMBOLS}
    return codes


def build_face(source: Path, face: str) -> bytes:
    """The subset, renamed font made from one source face."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options(
        layout_features=list(LAYOUT_FEATURES),
        hinting=False,
        notdef_outline=True,
        recommended_glyphs=True,
        glyph_names=False,
        name_IDs=["*"],
        name_languages=["*"],
        name_legacy=True,
        ignore_missing_unicodes=True,
    )
    options.drop_tables += ["FFTM", "kern"]  # FontForge's timestamps; the old kern table (GPOS has it)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(repertoire()))
    subsetter.subset(font)
    _rename(font, FACES[face])
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


# Name records that name the font (family, unique id, full, PostScript, typographic and WWS names).
NAME_IDS = (1, 3, 4, 6, 16, 17, 18, 21)


def _rename(font: object, style: str) -> None:
    """Replace every name built on the Reserved Font Name; keep copyright, trademark and licence."""
    name_table = font["name"]  # type: ignore[index]
    full = FAMILY if style == "Regular" else f"{FAMILY} {style}"
    postscript = f"{POSTSCRIPT_FAMILY}-{style.replace(' ', '')}"
    replaced = {
        1: FAMILY,
        3: f"{full}; 2.1.5-vi",
        4: full,
        6: postscript,
    }
    for record in name_table.names:
        if record.nameID in replaced:
            record.string = replaced[record.nameID]
        elif record.nameID == 10:
            record.string = (
                f"Latin and Vietnamese subset of {SOURCE_NAME}, renamed as the SIL Open Font License 1.1 "
                f"requires of a Modified Version. {record.toUnicode()}"
            )
    leftover = [r.nameID for r in name_table.names if r.nameID in NAME_IDS and "Liberation" in r.toUnicode()]
    if leftover:
        raise RuntimeError(f"name records still carry the reserved name: {leftover}")


def target_path(face: str) -> Path:
    return FONTS_DIR / f"{POSTSCRIPT_FAMILY}-{face}.ttf"


def source_path(face: str) -> Path:
    return SOURCE_DIR / f"LiberationSerif-{face}.ttf"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    import fontTools

    if fontTools.version != FONTTOOLS_VERSION:
        print(f"note: fontTools {fontTools.version}, the committed fonts were made with {FONTTOOLS_VERSION}")
    differ = []
    for face in FACES:
        data = build_face(source_path(face), face)
        target = target_path(face)
        if args.check:
            if not target.is_file() or target.read_bytes() != data:
                differ.append(target.name)
        else:
            target.write_bytes(data)
            print(f"{target.relative_to(FONTS_DIR.parent.parent)}: {len(data)} bytes")
    if differ:
        print("differ from what this script makes: " + ", ".join(differ))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
