"""Indicators as data: what a program declares it can measure, for any area and period.

Each program lists its :class:`Indicator` objects in its ``indicators`` hook (the program contract,
docs/adding-a-program.md). An indicator is a numerator — and, for a rate or a mean, a denominator —
computed over the program's records in one area (a region-code prefix) and one period. Because both
are sums over records, the value of a parent region is always the sum of its parts (a rate is the
sum of numerators over the sum of denominators: a weighted mean, never a mean of rates), and a city's
own districts are counted once. ``latest`` indicators (a rank, a stock at the end of the period)
are not summed: their ``numerator`` returns the value for the area as of the period's end.

This module imports no model: ``apps.py`` files may import it at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.utils.functional import Promise as StrPromise

if TYPE_CHECKING:
    from countyworks.core.periods import Period

PeriodType = Literal["month", "quarter", "year"]
Aggregation = Literal["sum", "weighted_mean", "latest"]
#: ``(region_prefix, period) -> value`` over the records of that area and period.
Measure = Callable[[str, "Period"], Decimal | int | float | None]


@dataclass(frozen=True)
class Indicator:
    """One measurable figure of a program: how it is computed and how it adds up the region tree.

    ``code`` is unique across programs (``<program>.<name>``). ``scale`` multiplies a ratio
    (100 for a percentage). ``source`` is the repo document that defines it (docs/rules/…).
    """

    code: str
    name: str | StrPromise
    unit: str | StrPromise
    period_type: PeriodType
    aggregation: Aggregation
    numerator: Measure
    denominator: Measure | None = None
    scale: int = 1
    source: str = ""

    def value(self, region_prefix: str, period: Period) -> Decimal | None:
        """The indicator for one area and period; ``None`` when there is nothing to measure."""
        top = self.numerator(region_prefix, period)
        if top is None:
            return None
        if self.denominator is None:
            return Decimal(str(top))
        bottom = self.denominator(region_prefix, period)
        if not bottom:
            return None
        return Decimal(str(top)) * self.scale / Decimal(str(bottom))


def all_indicators() -> dict[str, Indicator]:
    """Every installed program's indicators by code (duplicates stop the process at startup)."""
    from countyworks.core.programs import installed_programs

    found: dict[str, Indicator] = {}
    for config in installed_programs():
        for indicator in config.hook("indicators"):
            found[indicator.code] = indicator
    return found
