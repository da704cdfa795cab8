"""Error cells of .ods and .xls workbooks, which python-calamine reads as blanks.

The contract says an Excel error value (#REF!, #DIV/0!) in a figure is an error, never "not reported";
for Open XML files reports.sheetscan finds them, these two functions do the same for the two other
formats units send. Both run in the worker process (reports.isolated), like the read itself.

- .ods: content.xml is streamed (iterparse, elements cleared as they end); a cell whose
  `calcext:value-type` is "error" holds the error text in its paragraph. Repeated rows and columns
  are counted, never expanded.
- .xls: xlrd (the reference reader of the BIFF format) reports error cells as such.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

Errors = dict[str, dict[tuple[int, int], str]]

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_T = f"{{{_TABLE}}}"
_MAX_REPEAT = 1 << 20


def ods_errors(path: Path) -> Errors:
    found: Errors = {}
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as fh:
            _walk_ods(fh, found)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError):
        return found
    return found


def _walk_ods(fh: IO[bytes], found: Errors) -> None:
    sheet, row, col = "", -1, 0
    for event, elem in ElementTree.iterparse(fh, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            if tag == f"{_T}table":
                sheet, row = elem.get(f"{_T}name", ""), -1
            elif tag == f"{_T}table-row":
                row, col = row + 1, 0
            continue
        if tag in (f"{_T}table-cell", f"{_T}covered-table-cell"):
            repeat = _repeat(elem.get(f"{_T}number-columns-repeated"))
            if elem.get(f"{{{_CALCEXT}}}value-type") == "error" or elem.get(f"{{{_OFFICE}}}value-type") == "error":
                text = "".join(elem.itertext()).strip() or "#ERROR"
                for offset in range(min(repeat, 16384)):
                    found.setdefault(sheet, {})[(row, col + offset)] = text
            col += repeat
            elem.clear()
        elif tag == f"{_T}table-row":
            row += _repeat(elem.get(f"{_T}number-rows-repeated")) - 1
            elem.clear()


def _repeat(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), _MAX_REPEAT))
    except ValueError:
        return 1


def xls_errors(path: Path) -> Errors:
    try:
        import xlrd
    except ImportError:  # an install without it: .xls files are read, their error cells are not restored
        return {}
    found: Errors = {}
    with open(os.devnull, "w") as quiet:
        try:
            book = xlrd.open_workbook(
                file_contents=path.read_bytes(), on_demand=True, logfile=quiet, verbosity=0, ragged_rows=True
            )
        except Exception:  # xlrd's errors on a strange file are of many kinds; calamine has read it already
            return found
        try:
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                for r in range(sheet.nrows):
                    for c, kind in enumerate(sheet.row_types(r)):
                        if kind == xlrd.XL_CELL_ERROR:
                            code = xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#ERROR")
                            found.setdefault(sheet.name, {})[(r, c)] = code
        except Exception:
            return found
        finally:
            book.release_resources()
    return found
