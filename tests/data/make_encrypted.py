"""Make tests/data/encrypted.xlsx: a real password-protected workbook (Excel "Encrypt with Password").

The file is committed; this script only documents how it was made. It needs msoffcrypto-tool, which is
not a project dependency, so install it aside and put it on the path:

    .venv/bin/pip install --target /tmp/msoffsite msoffcrypto-tool
    PYTHONPATH=/tmp/msoffsite .venv/bin/python tests/data/make_encrypted.py

The workbook inside is a valid unit workbook for DB1 (tests/folders.py); the password is "matkhau".
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE.parents[1], HERE.parent):
    sys.path.insert(0, str(path))

from folders import DB1, write_unit_workbook  # noqa: E402
from msoffcrypto.format.ooxml import OOXMLFile  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "DB1.xlsx"
        write_unit_workbook(plain, "DB1", DB1)
        encrypted = io.BytesIO()
        with plain.open("rb") as fh:
            office = OOXMLFile(fh)
            office.encrypt("matkhau", encrypted)
    (HERE / "encrypted.xlsx").write_bytes(encrypted.getvalue())


if __name__ == "__main__":
    main()
