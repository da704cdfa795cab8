"""Incremental builds (contract 13): a build into a folder that holds an earlier build renders only the
documents whose inputs changed; the others are kept byte for byte. Real builds of the three-unit folder
of tests/folders.py, nothing mocked; the first builds are made once (`builds`) and each test restores a
snapshot of them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from docx import Document

from reports import cli
from reports.fingerprint import INPUTS_KEY, SOURCE_KEY
from reports.output import MANIFEST
from reports.part_cache import PdfPartCache
from reports.pipeline import BuildResult, build
from tests.docs_text import docx_text, pdf_text
from tests.folders import NAM, clean_folder

CONSOLIDATED = f"bao-cao-tong-hop-{NAM}"
HANDOUT = f"tai-lieu-hoi-nghi-{NAM}"
UNIT_STEMS = ("don-vi/DB1", "don-vi/CB2", "don-vi/CB3")
ALL_STEMS = {CONSOLIDATED, HANDOUT, *UNIT_STEMS}
BOTH = ("docx", "pdf")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(root: Path) -> dict[str, str]:
    """The report files (not the check report, manifest or lock) with their hashes."""
    return {
        p.relative_to(root).as_posix(): sha(p)
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".docx", ".pdf") and not p.relative_to(root).as_posix().startswith(".")
    }


def recorded(root: Path) -> dict[str, dict[str, object]]:
    entries: dict[str, dict[str, object]] = json.loads((root / MANIFEST).read_text(encoding="utf-8"))["outputs"]
    return entries


def text(path: Path) -> str:
    return docx_text(path) if path.suffix == ".docx" else pdf_text(path)


class Builds(NamedTuple):
    """Snapshots of one work folder (bo-du-lieu/ and out/ side by side), to restore, never to change."""

    work: Path  # where the folder was built, and where a test restores a snapshot
    docx: Path  # after a first build, DOCX only
    both: Path  # after a second build into the same out/ with both formats: it added the PDFs
    docx_hashes: dict[str, str]  # the DOCX files of the first build
    second: BuildResult  # the second build


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """The three-unit folder built once as DOCX, then again as DOCX + PDF; each test restores a snapshot."""
    base = tmp_path_factory.mktemp("incremental")
    work = base / "work"
    folder, out = clean_folder(work / "bo-du-lieu"), work / "out"
    first_build(folder, out, formats=("docx",))
    shutil.copytree(work, base / "docx")
    docx_hashes = outputs(out / str(NAM))
    second = build(folder, out, jobs=1, formats=BOTH)
    shutil.copytree(work, base / "both")
    return Builds(work, base / "docx", base / "both", docx_hashes, second)


def restore(builds: Builds, snapshot: Path) -> tuple[Path, Path]:
    """`snapshot` put back where it was built: its data folder and its output folder.

    At the same place, as a clerk's folder stays where it is (a moved folder is its own test below).
    """
    shutil.rmtree(builds.work, ignore_errors=True)
    shutil.copytree(snapshot, builds.work)
    return builds.work / "bo-du-lieu", builds.work / "out"


def first_build(folder: Path, out: Path, formats: tuple[str, ...] = BOTH) -> BuildResult:
    result = build(folder, out, jobs=1, formats=formats)
    assert result.built and set(result.rendered) == ALL_STEMS and not result.kept
    return result


def same_document(a: Path, b: Path) -> bool:
    """The same bytes, or else the same text (python-docx, pypdf): bytes are compared first because
    reading the text of a PDF takes pypdf most of a second."""
    return sha(a) == sha(b) or text(a) == text(b)


def test_second_build_of_an_unchanged_folder_renders_nothing(
    builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, out = restore(builds, builds.both)
    root = out / str(NAM)
    before = outputs(root)
    assert len(before) == 10
    fingerprints = {rel: entry[INPUTS_KEY] for rel, entry in recorded(root).items() if rel in before}
    assert len(fingerprints) == 10 and len(set(fingerprints.values())) == 10, "one fingerprint per output"

    code = cli.main(["build", str(folder), "--out", str(out), "--jobs", "1"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "giữ nguyên cả 5 văn bản" in printed, printed
    assert outputs(root) == before
    again = build(folder, out, jobs=1)
    assert again.rendered == [] and set(again.kept) == ALL_STEMS and not again.diverted
    assert len(again.documents) == 10 and all(path.is_file() for path in again.documents)


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_one_unit_changed_renders_that_unit_and_the_consolidated_report(
    builds: Builds, tmp_path: Path, jobs: int
) -> None:
    """In this process (`jobs=1`); the slow tier renders the changed documents in a pool of two."""
    folder, out = restore(builds, builds.both)
    root = out / str(NAM)
    before, entries = outputs(root), recorded(root)

    clean_folder(folder, {"DB1": {"dv_nu": 49}})  # the same folder, one figure of one workbook changed
    second = build(folder, out, jobs=jobs)
    assert sorted(second.rendered) == sorted([CONSOLIDATED, HANDOUT, "don-vi/DB1"])
    assert sorted(second.kept) == ["don-vi/CB2", "don-vi/CB3"]
    after, new_entries = outputs(root), recorded(root)
    changed = {rel for rel in after if after[rel] != before[rel]}
    assert changed == {f"{stem}.{fmt}" for stem in (CONSOLIDATED, HANDOUT, "don-vi/DB1") for fmt in BOTH}
    refingered = {rel for rel in after if new_entries[rel][INPUTS_KEY] != entries[rel][INPUTS_KEY]}
    assert refingered == changed, "the manifest records new fingerprints exactly for the rendered files"
    sources = {rel for rel in after if new_entries[rel].get(SOURCE_KEY) != entries[rel].get(SOURCE_KEY)}
    assert sources == {"don-vi/DB1.docx", "don-vi/DB1.pdf"}, "a unit's own inputs: only DB1's changed"
    # The report's appendices without the changed figure are taken from the first build's parts
    # (reports/part_cache.py); the PDF is still the bytes of a full build (below).
    assert second.parts_reused >= 1 and second.parts_laid_out >= 1, (second.parts_reused, second.parts_laid_out)

    fresh = tmp_path / "fresh"
    first_build(folder, fresh)
    for rel in after:
        assert same_document(root / rel, fresh / str(NAM) / rel), rel
    for stem in (CONSOLIDATED, HANDOUT):
        assert sha(root / f"{stem}.pdf") == sha(fresh / str(NAM) / f"{stem}.pdf"), stem
    assert "49" in text(root / "don-vi/DB1.docx")


def test_full_renders_everything_again(builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, out = restore(builds, builds.docx)
    assert cli.main(["build", str(folder), "--out", str(out), "--jobs", "1", "--formats", "docx", "--full"]) == 0
    assert "Dựng lại toàn bộ 5 văn bản (--full)" in capsys.readouterr().out
    full = build(folder, out, jobs=1, formats=("docx",), full=True)
    assert set(full.rendered) == ALL_STEMS and not full.kept and not full.diverted


def test_a_new_format_renders_only_that_format(builds: Builds) -> None:
    """The fixture's second build: PDF asked for in a folder built as DOCX."""
    assert set(builds.second.rendered) == ALL_STEMS
    after = outputs(builds.both / "out" / str(NAM))
    assert {rel: h for rel, h in after.items() if rel.endswith(".docx")} == builds.docx_hashes
    assert len([rel for rel in after if rel.endswith(".pdf")]) == 5


def test_a_changed_template_renders_every_document(builds: Builds, tmp_path: Path) -> None:
    folder, out = restore(builds, builds.docx)
    templates = folder / "templates"
    templates.mkdir()
    bundled = Path(__file__).resolve().parents[1] / "templates" / "style.css"
    shutil.copy(bundled, templates / "style.css")
    (templates / "style.css").write_text(bundled.read_text(encoding="utf-8") + "\n/* sửa */\n", encoding="utf-8")
    again = build(folder, out, jobs=1, formats=("docx",))
    assert set(again.rendered) == ALL_STEMS and not again.kept


def test_a_hand_edited_output_is_still_protected(builds: Builds, tmp_path: Path) -> None:
    folder, out = restore(builds, builds.docx)
    root = out / str(NAM)
    edited = root / "don-vi" / "CB2.docx"
    document = Document(str(edited))
    document.add_paragraph("Ý kiến bổ sung của văn phòng.")
    document.save(str(edited))
    edited_hash = sha(edited)

    again = build(folder, out, jobs=1, formats=("docx",))
    assert again.rendered == ["don-vi/CB2"], "an edited file is not intact: its document is rendered again"
    beside = root / "don-vi" / "CB2 (2).docx"
    assert [(d.wanted, d.written) for d in again.diverted] == [(edited, beside)]
    assert sha(edited) == edited_hash, "the edited file is kept as it is"
    assert "Ý kiến bổ sung" not in text(beside)
    assert beside in again.documents and edited not in again.documents


def test_a_moved_data_folder_keeps_every_unit_document(small_folder: Path, tmp_path: Path) -> None:
    """The data folder's own path is not an input of a unit's document: renaming the folder re-renders
    only what reads its path (the handout names the hoi-nghi/ files), never the unit reports."""
    first = tmp_path / "du-lieu-cu"
    shutil.copytree(small_folder, first)
    out = tmp_path / "out"
    assert build(first, out, formats=("docx",)).built
    moved = tmp_path / "du-lieu-moi"
    first.rename(moved)
    again = build(moved, out, formats=("docx",))
    assert again.built
    assert not [stem for stem in again.rendered if stem.startswith("don-vi/")], again.rendered
    assert len([stem for stem in again.kept if stem.startswith("don-vi/")]) == again.units_rendered == 5


def test_a_change_that_moves_a_compared_committee_rate_renders_every_unit(builds: Builds, tmp_path: Path) -> None:
    """Each unit's notice compares the unit with the committee's admission rate: one unit admitting one
    more member moves that rate, so every notice is rendered again, and all equal a full build's.

    In DOCX alone: which documents are rendered does not depend on the format (the PDF case is the
    one-unit test above)."""
    folder, out = restore(builds, builds.docx)
    root = out / str(NAM)
    clean_folder(folder, {"DB1": {"dv_ket_nap": 6, "dv_cuoi_ky": 125}})
    second = build(folder, out, jobs=1, formats=("docx",))
    assert second.built, second.refused_reason
    assert set(second.rendered) == ALL_STEMS and not second.kept
    fresh = tmp_path / "fresh"
    first_build(folder, fresh, formats=("docx",))
    for rel in outputs(root):
        assert same_document(root / rel, fresh / str(NAM) / rel), rel


# --- the consolidated report's PDF parts (reports/part_cache.py) ---------------------------------------


def _retrain(builds: Builds) -> tuple[Path, Path]:
    """The both-formats snapshot with one unit's training figure changed: the report's body changes,
    its appendices of members, ratings and cadres do not."""
    folder, out = restore(builds, builds.both)
    clean_folder(folder, {"DB1": {"bd_luot_hoc_vien": 201}})
    return folder, out


def test_a_damaged_part_is_laid_out_again(builds: Builds) -> None:
    folder, out = _retrain(builds)
    stored = sorted((out / ".bo-nho-dem").glob("phan-pdf-*/*.pdf"))
    assert stored, "the first builds stored the report's parts"
    for path in stored:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # cut short, as by a full disk
    again = build(folder, out, jobs=1, formats=("pdf",))
    assert again.parts_reused == 0 and again.parts_laid_out >= 2
    assert pdf_text(out / str(NAM) / f"{CONSOLIDATED}.pdf").lower().count("phụ lục") >= 2


def test_full_reads_no_part_but_stores_them(tmp_path: Path) -> None:
    cache = PdfPartCache(tmp_path / "phan", "muoi", read=False)
    cache.put("<p>a</p>", b"%PDF-1.7 a")
    assert cache.get("<p>a</p>") is None and cache.misses == 1
    assert PdfPartCache(tmp_path / "phan", "muoi").get("<p>a</p>") == b"%PDF-1.7 a"
