"""Program 4's indicators for the province's view (the ``indicators`` hook).

Sums over records in an area and period, so a city's value is the sum of its counties' (a rate is
Σ numerators ÷ Σ denominators). Definitions: docs/rules/investment-attraction.md and
docs/rules/land-disposal.md. Imports no model at module level (``apps.py`` reaches this module
lazily through a dotted path, but keep it light anyway).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator

if TYPE_CHECKING:
    from countyworks.core.periods import Period


def _signed(region: str, period: Period):  # type: ignore[no-untyped-def]
    from countyworks.parks.selectors import signed_leads

    return signed_leads(region, period)


def contracted(region: str, period: Period) -> Decimal:
    return sum((lead.contracted_yi for lead in _signed(region, period)), Decimal(0))


def signed_count(region: str, period: Period) -> int:
    return _signed(region, period).count()


def _rate(category: str, part: str):  # type: ignore[no-untyped-def]
    def measure(region: str, period: Period) -> Decimal:
        from countyworks.parks.services import category_rates

        rate = next(
            r.rate for r in category_rates(region_prefix=region, period=period) if r.category == category
        )
        return rate.numerator if part == "numerator" else rate.denominator

    return measure


def disposed(region: str, period: Period) -> Decimal:
    from countyworks.parks.services import disposed_area

    return disposed_area(region_prefix=region, period=period)


def wuhao_rank(region: str, period: Period) -> int | None:
    from countyworks.parks.models import ParkAssessment

    found = (
        ParkAssessment.objects.filter(region__code=region, year__lt=period.end.year)
        .order_by("-year")
        .values_list("rank", flat=True)
        .first()
    )
    return found


_LAND = "docs/rules/land-disposal.md"
_INVEST = "docs/rules/investment-attraction.md"

INDICATORS: tuple[Indicator, ...] = (
    Indicator("parks.signed_projects", _("签约项目数"), _("个"), "year", "sum", signed_count, source=_INVEST),
    Indicator(
        "parks.contracted_investment", _("合同引资"), _("亿元"), "year", "sum", contracted, source=_INVEST
    ),
    Indicator("parks.disposed_land", _("处置三类用地"), _("亩"), "year", "sum", disposed, source=_LAND),
    *(
        Indicator(
            f"parks.{category}_disposal_rate",
            name,
            "%",
            "year",
            "weighted_mean",
            _rate(category, "numerator"),
            _rate(category, "denominator"),
            scale=100,
            source=_LAND,
        )
        for category, name in (
            ("unsupplied", _("批而未供处置率")),
            ("idle", _("闲置土地处置率")),
            ("inefficient", _("低效用地处置率")),
        )
    ),
    Indicator(
        "parks.wuhao_rank",
        _("五好园区综合排名"),
        _("名"),
        "year",
        "latest",
        wuhao_rank,
        source="docs/rules/wuhao-parks.md",
    ),
)
