"""Small generators of hostile input: workbooks of the same shape as the bombs found in review, made small.

Each writes a minimal Open XML workbook (or .ods) by hand, so that the test controls every byte the
readers see: a value in XFD1048576, a reference beyond Excel's limits, a sharedStrings part claiming
four billion strings, a sheet that inflates past the member limit, 30.000 unclosed cells.
"""

from __future__ import annotations

# ruff: noqa: E501
import zipfile
from pathlib import Path

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def write_xlsx(path: Path, rows_xml: str, *, extra: dict[str, bytes] | None = None) -> Path:
    """A one-sheet workbook ("Data") whose <sheetData> holds `rows_xml` as given."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows_xml}</sheetData></worksheet>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def last_cell(path: Path) -> Path:
    """One value in the last cell of a sheet: python-calamine would allocate 17 billion cells."""
    return write_xlsx(path, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def beyond_limits(path: Path) -> Path:
    """A reference beyond Excel's limits (20-digit row): the measure cannot vouch for it."""
    return write_xlsx(path, '<row r="1"><c r="A1"><v>1</v></c><c r="A99999999999999999999"><v>2</v></c></row>')


def shared_strings_bomb(path: Path) -> Path:
    sst = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>'
    return write_xlsx(path, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', extra={"xl/sharedStrings.xml": sst})


def inflating_sheet(path: Path, megabytes: int = 101) -> Path:
    """A sheet part that inflates past the member limit from a file of about 100 KB."""
    filler = "<row/>" * (megabytes * (1 << 20) // 6 + 1)
    return write_xlsx(path, filler)


def unclosed_cells(path: Path, count: int = 30_000) -> Path:
    """Malformed XML: error cells never closed (quadratic for a regex scan that looks for </c>)."""
    return write_xlsx(
        path, '<row r="1">' + "".join(f'<c r="A{i}" t="e"><v>#N/A</v>' for i in range(1, count)) + "</row>"
    )


def ods(path: Path, rows_xml: str) -> Path:
    """A minimal OpenDocument spreadsheet with one table "Data"."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Data">{rows_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path
