"""Program 5's indicators on the 邵阳县 demo agree with the brief's figures (下南冲院落, 2023)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from countyworks.core.actors import SYSTEM
from countyworks.core.indicators import all_indicators, combine_over_time
from countyworks.core.periods import Period
from countyworks.courtyards.demo.loading import XIANANCHONG
from countyworks.courtyards.selectors import area_figures

COUNTY = "430523"


def _year(code: str, region: str) -> tuple[Decimal, Decimal]:
    indicator = all_indicators()[code]
    cells = []
    for month in range(1, 13):
        top, bottom = indicator.amounts(region, Period.parse(f"2023-{month:02d}"))
        cells.append((sum(top.values(), Decimal(0)), sum(bottom.values(), Decimal(0))))
    span = combine_over_time(indicator, cells)
    assert span is not None
    return span


def test_each_indicator_is_the_briefs_figure(demo):
    figures = area_figures(user=SYSTEM, prefix=XIANANCHONG, year=2023)
    assert figures.inspections == 640
    stars, inspected = _year("courtyards.star_household_share", XIANANCHONG)
    assert (stars, inspected) == (figures.five_star, 640)
    scores, inspected = _year("courtyards.average_score", XIANANCHONG)
    assert inspected == 640 and (scores / inspected).quantize(Decimal("0.1")) == figures.average
    # The brief counts every work done by the year's end (旱厕12, 空心房2, 凉亭1, 花圃4): the years' sum.
    works = all_indicators()["courtyards.works_completed"]
    years = works.periods(date(2023, 12, 31))
    assert sum(works.value(XIANANCHONG, year) or 0 for year in years) == sum(figures.works.values()) == 19


def test_the_county_adds_up_its_courtyards(demo):
    indicator = all_indicators()["courtyards.star_household_share"]
    top, bottom = indicator.amounts(COUNTY, Period.parse("2023-06"))
    assert top and all(code.startswith(COUNTY) for code in bottom)
    assert indicator.key and indicator.higher_is_better and indicator.since is not None
