"""Templates a committee can edit (contract 9): copy them out, reword, build; errors are the user's.

Built end to end on the clean three-unit folder of tests/folders.py, DOCX and PDF, through the command
line (exit codes and messages as the clerk sees them).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from folders import clean_folder

from reports.aggregate import aggregate, unit_dataset
from reports.cli import main
from reports.context import consolidated, unit
from reports.intake import load_folder
from reports.render.html import TemplateSet, _QuietBytecodeCache, get_environment, render_html
from reports.template_copy import bundled_template_files, copy_templates
from tests.docs_text import docx_text, pdf_text

ROOT = Path(__file__).resolve().parents[1]
NAM = 2026


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build_reports.py"), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line in this process (no interpreter start-up): exit code, stdout, stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A folder whose copied templates say "người" instead of "đồng chí" everywhere, built once.

    Through `main` in this process (the command line as build_reports.py calls it, without a new
    interpreter); the `templates` command's own process run is the test below.
    """
    folder = clean_folder(tmp_path_factory.mktemp("mau") / "bo-du-lieu")
    assert main(["templates", str(folder)]) == 0
    for path in (folder / "templates").rglob("*.j2"):
        path.write_text(path.read_text(encoding="utf-8").replace("đồng chí", "người"), encoding="utf-8")
    out = folder.parent / "out"
    assert main(["build", str(folder), "--out", str(out), "--jobs", "1"]) == 0
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


def test_an_untouched_copy_renders_the_same_html_as_the_bundled_templates(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "bo-du-lieu")
    dataset = load_folder(folder).dataset()
    contexts = {
        "bao-cao-tong-hop.html.j2": consolidated.build(dataset, aggregate(dataset)),
        "bao-cao-don-vi.html.j2": unit.build(dataset, "DB1", aggregate(unit_dataset(dataset, "DB1"), tables=False)),
    }
    bundled = {name: render_html(name, context) for name, context in contexts.items()}
    copy_templates(folder)
    copied = TemplateSet.for_folder(folder)
    assert copied.user_dir == str((folder / "templates").resolve())
    assert {name: render_html(name, context, copied) for name, context in contexts.items()} == bundled


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("{{ admitted | so }}", "{{ admited | so }}"), "'admited' is undefined"),
        (("{{ admitted | so }}", "{{ admitted | so }"), "sai cú pháp"),
        (("{{ admitted | so }}", "{{ admitted | khong_co }}"), "bộ lọc không tồn tại"),
    ],
)
def test_an_error_in_the_committees_template_is_a_user_error_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str], words: str
) -> None:
    folder = clean_folder(tmp_path / "bo-du-lieu")
    copy_templates(folder)
    path = folder / "templates" / "chu-de" / "ket-nap.html.j2"
    source = path.read_text(encoding="utf-8")
    assert edit[0] in source
    path.write_text(source.replace(edit[0], edit[1]), encoding="utf-8")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if edit[1] in text)
    code, _, err = run_main(
        capsys, "build", str(folder), "--out", str(tmp_path / "o"), "--formats", "docx", "--jobs", "1"
    )
    assert code == 2
    assert "Traceback" not in err
    assert f"ket-nap.html.j2, dòng {line}" in err and words in err
    assert not list((tmp_path / "o").rglob("*.docx"))


def test_a_template_cannot_reach_outside_its_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = clean_folder(tmp_path / "bo-du-lieu")
    secret = tmp_path / "secret.txt"
    secret.write_text("BÍ MẬT", encoding="utf-8")
    (folder / "templates").mkdir()
    body = '{% extends "base.html.j2" %}{% block body %}{% include "../../secret.txt" %}{% endblock %}'
    (folder / "templates" / "bao-cao-tong-hop.html.j2").write_text(body, encoding="utf-8")
    code, _, err = run_main(
        capsys, "build", str(folder), "--out", str(tmp_path / "o"), "--formats", "docx", "--jobs", "1"
    )
    assert code == 2 and "Traceback" not in err
    assert "secret.txt" in err


# --- Jinja's bytecode cache ---------------------------------------------------------------------------


def _fresh_render(folder: Path, name: str) -> str:
    """`name` rendered by a new environment, as a new process would (the environment is cached per process)."""
    get_environment.cache_clear()
    return render_html(name, {}, TemplateSet.for_folder(folder))


def test_a_template_changed_between_runs_is_compiled_again_not_taken_from_the_cache(tmp_path: Path) -> None:
    """Compiled templates are kept between runs (reports/render/html.py); an entry is used only for the
    same source, so a committee's edit shows on the next build."""
    folder = tmp_path / "bo-du-lieu"
    (folder / "templates").mkdir(parents=True)
    page = folder / "templates" / "thu.html.j2"
    page.write_text("<p>Lần một</p>", encoding="utf-8")
    assert _fresh_render(folder, "thu.html.j2") == "<p>Lần một</p>"
    assert _fresh_render(folder, "thu.html.j2") == "<p>Lần một</p>"  # the second from the cache
    page.write_text("<p>Lần hai, đã sửa</p>", encoding="utf-8")
    assert _fresh_render(folder, "thu.html.j2") == "<p>Lần hai, đã sửa</p>"


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    cache = _QuietBytecodeCache(str(tmp_path / "bo-nho"))
    (tmp_path / "bo-nho").mkdir()
    env = jinja2.Environment(loader=jinja2.DictLoader({"a.j2": "{{ 1 + 1 }}"}), bytecode_cache=cache)
    (tmp_path / "bo-nho").rmdir()  # gone between runs: writing fails, rendering goes on
    assert env.get_template("a.j2").render() == "2"
