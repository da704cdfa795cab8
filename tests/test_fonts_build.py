"""The bundled PDF fonts (templates/fonts/BaoCaoSerif-*.ttf): what reports.fonts_build makes of the pinned
Liberation Serif 2 files, renamed as the SIL OFL requires, covering Vietnamese."""

from __future__ import annotations

import fontTools
import pytest
from fontTools.ttLib import TTFont

from reports import fonts_build
from reports.fonts_build import FACES, build_face, repertoire, source_path, target_path

VIETNAMESE = "ĂăÂâĐđÊêÔôƠơƯư" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)) + "ÀÁÃÈÉÌÍÒÓÕÙÚÝàáãèéìíòóõùúýĨĩŨũ"


@pytest.fixture(scope="module", params=list(FACES))
def face(request: pytest.FixtureRequest) -> tuple[str, TTFont]:
    return request.param, TTFont(target_path(request.param))


def names(font: TTFont, name_id: int) -> set[str]:
    return {record.toUnicode() for record in font["name"].names if record.nameID == name_id}


def test_faces_are_renamed_and_keep_the_licence(face: tuple[str, TTFont]) -> None:
    style, font = face
    source = TTFont(source_path(style))
    assert names(font, 1) == {"BaoCao Serif"}
    assert names(font, 6) == {f"BaoCaoSerif-{style}"}
    for name_id in fonts_build.NAME_IDS:
        assert not any("Liberation" in name for name in names(font, name_id)), name_id
    for name_id in (0, 7, 13, 14):  # copyright, trademark, licence and its URL, as in the source
        assert names(font, name_id) == names(source, name_id)
    assert "Liberation Serif 2.1.5" in next(iter(names(font, 10)))
    assert font["head"].modified == source["head"].modified  # no build time in the file


def test_faces_cover_vietnamese_and_every_glyph_is_reachable(face: tuple[str, TTFont]) -> None:
    _, font = face
    cmap = font.getBestCmap()
    assert not [c for c in VIETNAMESE if ord(c) not in cmap]
    assert set(cmap) <= repertoire()
    # Every glyph is drawn from the cmap or as part of another glyph: no GSUB substitution can put a
    # glyph in the PDF that its ToUnicode map would not name.
    glyf = font["glyf"]
    components = {c.glyphName for g in font.getGlyphOrder() if glyf[g].isComposite() for c in glyf[g].components}
    unreachable = set(font.getGlyphOrder()) - set(cmap.values()) - components
    assert unreachable == {".notdef", "glyph00001", "glyph00002"}
    assert "GSUB" not in font or not font["GSUB"].table.FeatureList.FeatureRecord
    assert {r.FeatureTag for r in font["GPOS"].table.FeatureList.FeatureRecord} == {"kern", "mark"}
    assert not {"fpgm", "prep", "cvt ", "kern", "FFTM"} & set(font.keys())


@pytest.mark.skipif(
    fontTools.version != fonts_build.FONTTOOLS_VERSION,
    reason=f"the committed fonts were made with fontTools {fonts_build.FONTTOOLS_VERSION}",
)
def test_committed_face_is_what_the_script_makes() -> None:
    assert build_face(source_path("Regular"), "Regular") == target_path("Regular").read_bytes()
