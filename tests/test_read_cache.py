"""The reading cache (reports.read_cache): a file read before with the same bytes is not opened again,
and what comes back is exactly what reading it gives."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

from reports.intake import load_folder
from reports.pipeline import build
from reports.problems import Place, Problem, Severity
from reports.read_cache import CACHE_DIR, ReadCache
from reports.submissions import ReadResult, Submission, Value, read_submissions
from tests.folders import clean_folder


def _signature(read: ReadResult) -> tuple[object, ...]:
    return ([(s.id, s.unit, s.file, s.shape, s.values, s.info) for s in read.submissions], read.problems)


def test_a_second_reading_takes_every_file_from_the_cache_and_gives_the_same(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "data", {"DB1": {"dv_nu": " 49 "}})  # a value with spaces: a warning
    plain = read_submissions(folder)
    first = ReadCache(tmp_path / "cache")
    assert _signature(read_submissions(folder, first)) == _signature(plain) and first.hits == 0
    second = ReadCache(tmp_path / "cache")
    assert _signature(read_submissions(folder, second)) == _signature(plain)
    assert second.hits == len(plain.files) >= 2


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "data")
    read_submissions(folder, ReadCache(tmp_path / "cache"))
    clean_folder(folder, {"DB1": {"dv_nu": 49}})
    again = ReadCache(tmp_path / "cache")
    read = read_submissions(folder, again)
    assert again.hits == len(read.files) - 1
    assert _signature(read) == _signature(read_submissions(folder))
    assert len(list((tmp_path / "cache").glob("*.json"))) == len(read.files), "the old entry is pruned"


def test_a_damaged_or_foreign_entry_is_read_from_the_file_instead(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "data")
    read_submissions(folder, ReadCache(tmp_path / "cache"))
    entries = sorted((tmp_path / "cache").glob("*.json"))
    entries[0].write_text("{not json", encoding="utf-8")
    entries[1].write_text('{"submissions": [{"unit": "X"}], "problems": []}', encoding="utf-8")
    again = ReadCache(tmp_path / "cache")
    assert _signature(read_submissions(folder, again)) == _signature(read_submissions(folder))
    assert again.hits == len(entries) - 2


def test_every_cell_value_type_comes_back_as_it_was(tmp_path: Path) -> None:
    raws = [None, True, 0, 7, 1.5, math.inf, "chữ", dt.datetime(2026, 12, 1, 8, 30), dt.date(2026, 1, 2)]
    raws += [dt.time(7, 45), dt.timedelta(days=1, seconds=5)]
    place = Place("nop/A.xlsx", "SoLieu", "E12")
    values = [Value(f"c{i}", raw, place) for i, raw in enumerate(raws)]
    submission = Submission(0, "A", "nop/A.xlsx", "workbook", place, place, values, {"nguoi_lap": "Lê Văn B"})
    problem = Problem(Severity.WARNING, "quy_tac", "Thông báo", "A", place, "dv_nu", " 49 ", "Chi bộ A")
    cache = ReadCache(tmp_path / "cache")
    cache.save("k", [submission], [problem])
    (back,), (problem_back,) = ReadCache(tmp_path / "cache").load("k") or ([], [])
    assert [v.raw for v in back.values] == raws and [type(v.raw) for v in back.values] == [type(r) for r in raws]
    assert back.info == submission.info and back.unit_place == place and problem_back == problem
    nan = Submission(0, "A", "f", "s", place, place, [Value("x", math.nan, place)])
    cache.save("n", [nan], [])
    (nan_back,), _ = cache.load("n") or ([], [])
    assert math.isnan(nan_back.values[0].raw)


def test_a_build_keeps_its_cache_beside_the_year_folders_and_reads_the_same(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "data", {"CB2": {"dv_nu": 3}})
    out = tmp_path / "out"
    assert build(folder, out, formats=("docx",)).built
    assert len(list((out / CACHE_DIR / "nam-nay").glob("*.json"))) >= 2
    renamed = tmp_path / "data2"
    shutil.copytree(folder, renamed)
    cached = load_folder(renamed, cache_dir=out / CACHE_DIR)
    fresh = load_folder(renamed)
    assert cached.dataset(draft=False).figures.equals(fresh.dataset(draft=False).figures)
    assert cached.validation.problems == fresh.validation.problems
