"""`build_reports.py templates FOLDER`: copy the bundled templates out for a committee to edit.

A file already in `FOLDER/templates/` is never overwritten (it may hold the committee's own wording):
it is skipped and named. Fonts are not copied: they are bundled and embedded as they are.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from reports.errors import DataFolderError
from reports.render.html import TEMPLATES_DIR, USER_TEMPLATES

SKIPPED_FOLDERS = ("fonts",)


@dataclass
class CopyResult:
    target: Path
    copied: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def bundled_template_files() -> list[Path]:
    """Every bundled template file, relative to templates/, fonts left out."""
    return sorted(
        path.relative_to(TEMPLATES_DIR)
        for path in TEMPLATES_DIR.rglob("*")
        if path.is_file() and path.relative_to(TEMPLATES_DIR).parts[0] not in SKIPPED_FOLDERS
    )


def copy_templates(folder: Path) -> CopyResult:
    if not folder.is_dir():
        raise DataFolderError(f"Không tìm thấy thư mục {folder}.")
    target = folder / USER_TEMPLATES
    result = CopyResult(target)
    try:
        for relative in bundled_template_files():
            destination = target / relative
            if destination.exists():
                result.skipped.append(destination)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(TEMPLATES_DIR / relative, destination)
            result.copied.append(destination)
    except OSError as exc:
        raise DataFolderError(f"Không chép được các mẫu văn bản vào {target}: {exc.strerror or exc}.") from exc
    return result
