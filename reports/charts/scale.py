"""A value axis with round tick values (0, 50, 100 ... rather than 0, 47, 94 ...)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Scale:
    """Maps values in [low, high] to [0, 1]; `ticks` are exact decimals for the axis labels."""

    low: Decimal
    high: Decimal
    ticks: tuple[Decimal, ...]

    def frac(self, value: float) -> float:
        span = float(self.high - self.low)
        return (value - float(self.low)) / span if span else 0.0


def nice_scale(values: list[float], max_ticks: int = 6, whole: bool = True) -> Scale:
    """An axis from min(0, values) to a round number above the largest value, with at most `max_ticks` steps.

    `whole`: counts never get a step below 1 (no "0,5 đảng viên").
    """
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high == low:
        high = low + 1
    step = _nice_step((high - low) / max_ticks, whole)
    start = Decimal(math.floor(Decimal(str(low)) / step)) * step
    stop = Decimal(math.ceil(Decimal(str(high)) / step)) * step
    if stop == Decimal(str(high)) and high > 0:
        stop += step  # leave room above the tallest bar for its label
    count = int((stop - start) / step)
    ticks = tuple(start + i * step for i in range(count + 1))
    return Scale(start, stop, ticks)


def _nice_step(raw: float, whole: bool) -> Decimal:
    exponent = math.floor(math.log10(raw)) if raw > 0 else 0
    magnitude = Decimal(10) ** exponent
    for base in _STEPS:
        step = base * magnitude
        if step >= Decimal(str(raw)) and (not whole or step >= 1) and (not whole or step == int(step)):
            return step
    return Decimal(10) * magnitude
