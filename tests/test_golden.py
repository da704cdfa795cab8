"""The golden pair: tests/data/bad/ (made by tests/data/make_bad.py) and every problem it must give.

tests/data/bad-expected.txt lists every problem, notes included, one per line in report order:
    severity | rule | unit | file | sheet | cell | indicator | value
The whole list is compared, so a problem that appears, disappears or moves is a failure. After a
deliberate change, rewrite the list with `pytest --update-golden` and read the diff line by line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Golden
from folders import rows

from reports.intake import Intake, load_folder

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
EXPECTED = DATA / "bad-expected.txt"

# Contract section 6, as rule ids: the bad folder must plant every one of them.
SECTION_6 = {
    "khong_phai_so_nguyen",
    "thieu_chi_tieu_bat_buoc",
    "can_doi_dang_vien",
    "tong_xep_loai",
    "trong_do_lon_hon_tong",
    "vuot_so_to_chuc",
    "don_vi_khong_co_trong_danh_sach",
    "tep_khong_doc_duoc",
    "nop_trung_khac_nhau",
    "nop_trung_giong_nhau",
    "chua_nop",
    "chi_tieu_khong_ro",
    "tong_danh_gia_dang_vien",
    "ty_le_xuat_sac",
    "khai_tru_khong_khop",
    "dau_ky_khac_nam_truoc",
    "giong_nam_truoc",
    "chua_bao_cao",
}


def lines(intake: Intake) -> list[str]:
    return [" | ".join(row) for row in rows(intake, notes=True)]


@pytest.fixture(scope="module")
def bad() -> Intake:
    return load_folder(BAD)


def test_bad_folder_gives_exactly_the_expected_problems(bad: Intake, golden: Golden) -> None:
    golden(EXPECTED, "\n".join(lines(bad)) + "\n")


def test_bad_folder_plants_every_rule_of_section_6() -> None:
    planted = {line.split(" | ")[1] for line in EXPECTED.read_text(encoding="utf-8").splitlines()}
    assert planted >= SECTION_6, SECTION_6 - planted


def test_bad_folder_status(bad: Intake) -> None:
    status = bad.status()
    assert len(status) == 24
    assert status["CDYT"] == "chua_nop"
    assert {u for u, s in status.items() if s == "co_loi"} == {
        "STC",
        "HCCB",
        "BVDK",
        "VPTU",
        "SVHTT",
        "SYT",
        "DLQN",
        "SGDDT",
        "BVSN",
        "STP",
        "VPUB",
        "TVT",
        "CDC",
        "VNPT",
    }
    dataset = bad.dataset(draft=True)
    assert dataset.missing == ["CDYT"]
    assert len(dataset.figures) == 24 - 1 - 14
