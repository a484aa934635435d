"""Program 1's indicators for the province's view (core/indicators.py): village collective economy.

Each is a sum over the villages of an area in a year, so a parent region's value is the sum of its
parts (docs/rules/village-collective-economy.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator

if TYPE_CHECKING:
    from countyworks.core.periods import Period

SOURCE = "docs/rules/village-collective-economy.md"


def _figures(prefix: str, period: Period):
    from countyworks.alliances.selectors import village_year

    figures = village_year(prefix, period.year)
    return figures if figures.reported else None


def villages_over_100k(prefix: str, period: Period) -> int | None:
    figures = _figures(prefix, period)
    return figures.summary.over_headline if figures else None


def weak_villages(prefix: str, period: Period) -> int | None:
    figures = _figures(prefix, period)
    return figures.summary.below_weak if figures else None


def collective_income(prefix: str, period: Period) -> float | None:
    """Operating income of the area's village collectives, in 万元."""
    figures = _figures(prefix, period)
    return figures.summary.total_fen / 1_000_000 if figures else None


def reporting_villages(prefix: str, period: Period) -> int | None:
    figures = _figures(prefix, period)
    return figures.reported if figures else None


INDICATORS = (
    Indicator(
        "alliances.villages_over_100k",
        _("村集体经营性收入10万元以上的村"),
        _("个"),
        "year",
        "sum",
        villages_over_100k,
        source=SOURCE,
    ),
    Indicator(
        "alliances.weak_villages",
        _("村集体经济薄弱村（含空壳村）"),
        _("个"),
        "year",
        "sum",
        weak_villages,
        source=SOURCE,
    ),
    Indicator(
        "alliances.collective_income",
        _("村集体经营性收入"),
        _("万元"),
        "year",
        "sum",
        collective_income,
        source=SOURCE,
    ),
    Indicator(
        "alliances.mean_collective_income",
        _("村均集体经营性收入"),
        _("万元"),
        "year",
        "weighted_mean",
        collective_income,
        denominator=reporting_villages,
        source=SOURCE,
    ),
)
