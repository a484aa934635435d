"""Program 1's indicators (docs/indicators.md): the village collective economy, by year and by village.

Each village's operating income of a year is the one the program's pages and brief use
(:func:`countyworks.alliances.selectors.village_year`: booked operating income plus ledger inflows,
reporting villages only), classified with :mod:`countyworks.alliances.collective`
(docs/rules/village-collective-economy.md): villages at or over 10万元, villages below 5万元 (薄弱村,
shells included), their total income [万元] and the mean over reporting villages. Every amount
sits at the village's own code, so a town, county or city adds up its villages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from countyworks.alliances import collective
from countyworks.alliances.models import LedgerEntry, VillageIncome
from countyworks.alliances.selectors import village_year
from countyworks.core.indicators import Indicator, Measure, Source, Touch
from countyworks.core.periods import Period

SOURCE = "docs/rules/village-collective-economy.md"


def _villages(test: Callable[[int], bool]) -> Measure:
    """Reporting villages whose operating income [fen] passes ``test``: 1 at each village's code."""

    def measure(prefix: str, period: Period) -> dict[str, int]:
        return {code: 1 for code, fen in village_year(prefix, period.year).income.items() if test(fen)}

    return measure


villages_over_100k = _villages(lambda fen: fen >= collective.HUNAN.headline_from)
weak_villages = _villages(lambda fen: fen < collective.HUNAN.weak_below)
reporting_villages = _villages(lambda fen: True)


def collective_income(prefix: str, period: Period) -> dict[str, Decimal]:
    """Operating income [万元] of each reporting village."""
    income = village_year(prefix, period.year).income
    return {code: Decimal(fen) / collective.WAN for code, fen in income.items()}


def first_income_day() -> date | None:
    first = VillageIncome.objects.aggregate(first=Min("year"))["first"]
    return date(first, 1, 1) if first else None


def _year(region: str | None, year: int) -> Iterable[Touch]:
    if region is not None:
        yield Touch(region, date(year, 1, 1), date(year, 12, 31))


def income_touches(income: VillageIncome) -> Iterable[Touch]:
    """A booked income counts for its village in its year."""
    return _year(income.region_id, income.year)


def ledger_touches(entry: LedgerEntry) -> Iterable[Touch]:
    """A settlement payout to a village collective adds to that village's income of its year."""
    return _year(entry.village_id, entry.year)


SOURCES = (
    Source("alliances.VillageIncome", income_touches),
    Source("alliances.LedgerEntry", ledger_touches),
)


INDICATORS = (
    Indicator(
        code="alliances.villages_over_100k",
        name=_("村集体经营性收入10万元以上的村"),
        unit=_("个"),
        period_type="year",
        aggregation="sum",
        numerator=villages_over_100k,
        source=SOURCE,
        since=first_income_day,
        sources=SOURCES,
        key=True,
    ),
    Indicator(
        code="alliances.weak_villages",
        name=_("村集体经济薄弱村（含空壳村）"),
        unit=_("个"),
        period_type="year",
        aggregation="sum",
        numerator=weak_villages,
        source=SOURCE,
        since=first_income_day,
        sources=SOURCES,
        key=True,
        higher_is_better=False,
    ),
    Indicator(
        code="alliances.collective_income",
        name=_("村集体经营性收入"),
        unit=_("万元"),
        period_type="year",
        aggregation="sum",
        numerator=collective_income,
        source=SOURCE,
        since=first_income_day,
        sources=SOURCES,
        decimals=2,
    ),
    Indicator(
        code="alliances.mean_collective_income",
        name=_("村均集体经营性收入"),
        unit=_("万元"),
        period_type="year",
        aggregation="weighted_mean",
        numerator=collective_income,
        denominator=reporting_villages,
        source=SOURCE,
        since=first_income_day,
        sources=SOURCES,
        decimals=2,
    ),
)
