"""The validated data set handed from intake (read + validate) to aggregation and rendering.

Aggregation and templates depend only on this shape, never on how the files were read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reports.settings import Settings

if TYPE_CHECKING:  # not at run time: the rendering workers unpickle contexts without importing pandas
    import pandas as pd


@dataclass
class Dataset:
    """Everything a report needs, after validation.

    - `units`: every expected unit from don-vi.csv, in file order; index `ma_don_vi`, columns
      `ten_don_vi`, `loai` ("dang_bo_co_so" | "chi_bo_co_so"), `nhom` ("" when not given), and
      `xep_loai` (the unit's own level, "htxs" | "htt" | "ht" | "kht" | "" not rated; may be absent).
    - `figures`: one row per unit whose figures are usable (submitted, no errors); index `ma_don_vi`,
      one column per catalogue code. Counts are pandas `Int64` with `<NA>` for "not reported" (never 0);
      texts are `object` holding `str` or `None`.
    - `excluded`: submitted units left out because their figures have errors (draft mode only).
    - `missing`: expected units with no submission ("chưa nộp").
    - `last_year`: the same shape as `figures` for last year's units, or None without `nam-truoc/`.
    - `draft`: True when built with `--draft` (the reports carry "DỰ THẢO").
    - `history`: the earlier years of the `nam-truoc/` chain (contract section 11), year -> totals of the
      trend indicators (`intake.TREND_CODES`); a year whose folder gave no usable figure maps to None
      values (a gap, never a zero). Empty without a chain.
    """

    settings: Settings
    units: pd.DataFrame
    figures: pd.DataFrame
    excluded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    last_year: pd.DataFrame | None = None
    draft: bool = False
    history: dict[int, dict[str, int | None]] = field(default_factory=dict)

    @property
    def expected_count(self) -> int:
        return len(self.units)

    @property
    def included_count(self) -> int:
        return len(self.figures)
