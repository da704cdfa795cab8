"""Settings, unit list and checks behind issue 8: [chi_tieu] and last year's targets, the xep_loai
column, and the warnings on figures a chi bộ cơ sở cannot have, on a unit's own level and on
probationary members that do not balance with last year."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.errors import DataFolderError, SettingsError
from reports.intake import load_folder
from reports.problems import Severity
from reports.settings import load_settings
from reports.units import load_units
from tests.folders import CLEAN, clean_folder, last_year_of, only, write_settings

LAST_YEAR_TARGETS = "[chi_tieu_nam_sau]\nket_nap = 12\ndv_htt_tro_len_pct = 92.5\nbd_so_lop = 3\n"


def _with_last_year_settings(folder: Path, text: str) -> Path:
    write_settings(folder)
    write_settings(folder / "nam-truoc", nam=2025, extra=text)
    return folder


def test_this_years_targets_come_from_last_years_settings(tmp_path: Path) -> None:
    settings = load_settings(_with_last_year_settings(tmp_path, LAST_YEAR_TARGETS))
    assert settings.chi_tieu.nguon == "chi_tieu_nam_sau"
    assert settings.chi_tieu.muc_tieu == (("ket_nap", 12.0), ("dv_htt_tro_len_pct", 92.5), ("bd_so_lop", 3.0))
    assert settings.chi_tieu.bang_la_dat and settings.chi_tieu.canh_bao == ()


def test_chi_tieu_replaces_last_years_targets(tmp_path: Path) -> None:
    _with_last_year_settings(tmp_path, LAST_YEAR_TARGETS)
    write_settings(
        tmp_path, extra="[chi_tieu]\nket_nap = 20\ntccs_htt_tro_len_pct = 85\nbang_chi_tieu_la_dat = false\n"
    )
    targets = load_settings(tmp_path).chi_tieu
    assert (targets.nguon, targets.muc_tieu) == ("chi_tieu", (("ket_nap", 20.0), ("tccs_htt_tro_len_pct", 85.0)))
    assert targets.bang_la_dat is False


def test_only_the_equal_rule_in_chi_tieu_keeps_last_years_targets(tmp_path: Path) -> None:
    _with_last_year_settings(tmp_path, LAST_YEAR_TARGETS)
    write_settings(tmp_path, extra="[chi_tieu]\nbang_chi_tieu_la_dat = false\n")
    targets = load_settings(tmp_path).chi_tieu
    assert (targets.nguon, targets.bang_la_dat, len(targets.muc_tieu)) == ("chi_tieu_nam_sau", False, 3)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ("[chi_tieu]\nket_nao = 20\n", "chi_tieu.ket_nao"),
        ("[chi_tieu]\ndv_htt_tro_len_pct = 120\n", "chi_tieu.dv_htt_tro_len_pct"),
        ("[chi_tieu]\nket_nap = -1\n", "chi_tieu.ket_nap"),
        ("[chi_tieu_nam_sau]\nkhac = 3\n", "chi_tieu_nam_sau.khac"),
    ],
)
def test_a_wrong_target_is_an_error_naming_the_key(tmp_path: Path, extra: str, named: str) -> None:
    write_settings(tmp_path, extra=extra)
    with pytest.raises(SettingsError, match=named.replace(".", r"\.")):
        load_settings(tmp_path)


def test_a_wrong_target_in_last_years_settings_is_a_warning(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "f")
    write_settings(folder / "nam-truoc", nam=2025, extra="[chi_tieu_nam_sau]\nket_nao = 12\n")
    intake = load_folder(folder)
    assert intake.settings.chi_tieu.muc_tieu == ()
    problem = only(intake, "du_lieu_nam_truoc")
    assert problem.severity is Severity.WARNING and "ket_nao" in problem.message


def _units_file(folder: Path, levels: dict[str, str]) -> None:
    lines = ["ma_don_vi,ten_don_vi,loai,nhom,xep_loai"]
    names = {"DB1": "Đảng bộ Sở Tài chính,dang_bo_co_so", "CB2": "Chi bộ Hội Nông dân tỉnh,chi_bo_co_so"}
    names["CB3"] = "Chi bộ Thư viện tỉnh,chi_bo_co_so"
    lines += [f"{code},{names[code]},,{levels.get(code, '')}" for code in ("DB1", "CB2", "CB3")]
    (folder / "don-vi.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_xep_loai_accepts_codes_and_vietnamese_names(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    _units_file(tmp_path, {"DB1": "htxs", "CB2": "Hoàn thành tốt nhiệm vụ"})
    units = load_units(tmp_path)
    assert list(units["xep_loai"]) == ["htxs", "htt", ""]


def test_a_wrong_xep_loai_names_its_line(tmp_path: Path) -> None:
    _units_file(tmp_path, {"CB2": "tot"})
    with pytest.raises(DataFolderError, match="dòng 3: xếp loại 'tot' không hợp lệ"):
        load_units(tmp_path)


def test_a_chi_bo_co_so_inspecting_party_organisations_is_warned(tmp_path: Path) -> None:
    intake = load_folder(clean_folder(tmp_path / "f", {"CB2": {"kt_to_chuc_dang": 1}}))
    problem = only(intake, "khong_ap_dung_loai_don_vi")
    assert (problem.unit, problem.indicator, problem.severity) == ("CB2", "kt_to_chuc_dang", Severity.WARNING)
    assert "chi bộ cơ sở" in problem.message
    # A đảng bộ cơ sở inspecting its own organisations is the normal case.
    assert not [p for p in load_folder(clean_folder(tmp_path / "g")).problems if p.rule == "khong_ap_dung_loai_don_vi"]


def test_a_units_own_level_missing_from_its_counts_is_warned(tmp_path: Path) -> None:
    folder = clean_folder(tmp_path / "f")
    _units_file(folder, {"DB1": "ht", "CB2": "kht"})  # DB1 has tcd_ht = 1; CB2 has tcd_kht = 0
    problem = only(load_folder(folder), "xep_loai_khong_khop")
    assert (problem.unit, problem.indicator) == ("CB2", "tcd_kht")


def _last_year(changes: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {unit: {**last_year_of(figures), **changes.get(unit, {})} for unit, figures in CLEAN.items()}


def test_probationary_members_that_do_not_balance_with_last_year_are_warned(tmp_path: Path) -> None:
    # DB1: dự bị 8 now; last year 20 + kết nạp 5 − công nhận 4 = 21; 13 more than the moves explain.
    folder = clean_folder(tmp_path / "f", last_year=_last_year({"DB1": {"dv_du_bi": 20}}))
    problem = only(load_folder(folder), "du_bi_khong_khop")
    assert (problem.unit, problem.indicator, problem.value) == ("DB1", "dv_du_bi", "8")
    assert "= 21" in problem.message


def test_probationary_gap_within_the_transfers_is_not_warned(tmp_path: Path) -> None:
    # DB1: last year 9 + 5 − 4 = 10 against 8 now: 2 may have moved (3 in, 2 out).
    folder = clean_folder(tmp_path / "f", last_year=_last_year({"DB1": {"dv_du_bi": 9}}))
    assert not [p for p in load_folder(folder).problems if p.rule == "du_bi_khong_khop"]
