"""Program 1's indicators on the 常宁 demo agree with the brief's figures, village by village."""

from __future__ import annotations

from decimal import Decimal

from countyworks.alliances.selectors import village_year
from countyworks.core.indicators import all_indicators
from countyworks.core.periods import Period

CHANGNING, YEAR = "430482", Period.parse("2022")


def test_each_indicator_is_the_briefs_figure(demo):
    indicators = all_indicators()
    figures = village_year(CHANGNING, 2022)
    summary = figures.summary
    assert indicators["alliances.villages_over_100k"].value(CHANGNING, YEAR) == summary.over_headline == 206
    assert indicators["alliances.villages_over_100k"].value(CHANGNING, Period.parse("2021")) == 168
    assert indicators["alliances.weak_villages"].value(CHANGNING, YEAR) is None  # 全面清零: no village
    income = indicators["alliances.collective_income"].value(CHANGNING, YEAR)
    assert income is not None and abs(income - Decimal(summary.total_fen) / 1_000_000) < Decimal("0.01")
    mean = indicators["alliances.mean_collective_income"].value(CHANGNING, YEAR)
    assert mean is not None and abs(mean - income / figures.reported) < Decimal("0.0001")


def test_amounts_sit_at_each_village_and_add_up_to_the_towns(demo):
    indicator = all_indicators()["alliances.villages_over_100k"]
    top, _bottom = indicator.amounts(CHANGNING, YEAR)
    assert all(len(code) == 12 for code in top)
    towns = {code[:9] for code in top}
    assert sum(sum(indicator.amounts(town, YEAR)[0].values()) for town in towns) == 206


def test_weak_villages_are_counted_and_ranked_lowest_first(demo):
    indicator = all_indicators()["alliances.weak_villages"]
    assert indicator.key and not indicator.higher_is_better
    previous = village_year(CHANGNING, 2021).summary.below_weak
    assert previous > 0 and indicator.value(CHANGNING, Period.parse("2021")) == previous
