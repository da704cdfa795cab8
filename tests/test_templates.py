"""Templates a committee can edit (contract 9): copy them out, reword, build; errors are the user's.

Built end to end on the clean three-unit folder of tests/folders.py, DOCX and PDF, through the command
line (exit codes and messages as the clerk sees them).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from folders import clean_folder

from reports.template_copy import bundled_template_files
from tests.docs_text import docx_text, pdf_text

ROOT = Path(__file__).resolve().parents[1]
NAM = 2026


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build_reports.py"), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A folder whose copied templates say "người" instead of "đồng chí" everywhere, built once."""
    folder = clean_folder(tmp_path_factory.mktemp("mau") / "bo-du-lieu")
    copied = run_cli("templates", str(folder), cwd=folder)
    assert copied.returncode == 0, copied.stderr
    for path in (folder / "templates").rglob("*.j2"):
        path.write_text(path.read_text(encoding="utf-8").replace("đồng chí", "người"), encoding="utf-8")
    out = folder.parent / "out"
    built = run_cli("build", str(folder), "--out", str(out), "--jobs", "1", cwd=folder)
    assert built.returncode == 0, built.stderr
    return folder, out / str(NAM)


def test_templates_command_copies_every_bundled_template_and_never_overwrites(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo-du-lieu")
    mine = folder / "templates" / "chu-de" / "ket-nap.html.j2"
    mine.parent.mkdir(parents=True)
    mine.write_text("{# của đơn vị #}", encoding="utf-8")
    result = run_cli("templates", str(folder), cwd=tmp_path)
    assert result.returncode == 0
    copied = sorted(p.relative_to(folder / "templates") for p in (folder / "templates").rglob("*") if p.is_file())
    assert copied == bundled_template_files()
    assert mine.read_text(encoding="utf-8") == "{# của đơn vị #}"
    assert "Bỏ qua (đã có, giữ nguyên)" in result.stdout and "ket-nap.html.j2" in result.stdout
    assert Path("chu-de/dang-vien.html.j2") in bundled_template_files()
    assert not any(p.parts[0] == "fonts" for p in bundled_template_files())


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_reworded_template_changes_the_sentences_with_figures(edited: tuple[Path, Path], fmt: str) -> None:
    _, root = edited
    read = docx_text if fmt == "docx" else pdf_text
    consolidated = read(root / f"bao-cao-tong-hop-{NAM}.{fmt}")
    unit = read(root / f"don-vi/DB1.{fmt}")
    for text in (consolidated, unit):
        assert "đồng chí" not in text
        assert re.search(r"đến cuối năm có [\d.]+ người", text)
    assert re.search(r"\d+/\d+ người \([\d,]+%\) hoàn thành tốt nhiệm vụ trở lên", consolidated)


def test_an_untouched_copy_builds_the_same_text_as_the_bundled_templates(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo-du-lieu")
    plain = run_cli("build", str(folder), "--out", str(tmp_path / "a"), "--formats", "docx", cwd=tmp_path)
    run_cli("templates", str(folder), cwd=tmp_path)
    copied = run_cli("build", str(folder), "--out", str(tmp_path / "b"), "--formats", "docx", cwd=tmp_path)
    assert plain.returncode == copied.returncode == 0
    name = f"{NAM}/bao-cao-tong-hop-{NAM}.docx"
    assert docx_text(tmp_path / "a" / name) == docx_text(tmp_path / "b" / name)


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("{{ admitted | so }}", "{{ admited | so }}"), "'admited' is undefined"),
        (("{{ admitted | so }}", "{{ admitted | so }"), "sai cú pháp"),
        (("{{ admitted | so }}", "{{ admitted | khong_co }}"), "bộ lọc không tồn tại"),
    ],
)
def test_an_error_in_the_committees_template_is_a_user_error_with_file_and_line(
    tmp_path: Path, edit: tuple[str, str], words: str
) -> None:
    folder = clean_folder(tmp_path / "bo-du-lieu")
    run_cli("templates", str(folder), cwd=tmp_path)
    path = folder / "templates" / "chu-de" / "ket-nap.html.j2"
    source = path.read_text(encoding="utf-8")
    assert edit[0] in source
    path.write_text(source.replace(edit[0], edit[1]), encoding="utf-8")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if edit[1] in text)
    result = run_cli("build", str(folder), "--out", str(tmp_path / "o"), "--formats", "docx", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"ket-nap.html.j2, dòng {line}" in result.stderr and words in result.stderr
    assert not list((tmp_path / "o").rglob("*.docx"))


def test_a_template_cannot_reach_outside_its_folders(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo-du-lieu")
    secret = tmp_path / "secret.txt"
    secret.write_text("BÍ MẬT", encoding="utf-8")
    (folder / "templates").mkdir()
    body = '{% extends "base.html.j2" %}{% block body %}{% include "../../secret.txt" %}{% endblock %}'
    (folder / "templates" / "bao-cao-tong-hop.html.j2").write_text(body, encoding="utf-8")
    result = run_cli("build", str(folder), "--out", str(tmp_path / "o"), "--formats", "docx", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "secret.txt" in result.stderr
