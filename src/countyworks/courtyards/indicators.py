"""The figures program 5 feeds into the province's indicators (core/indicators.py).

Each is a sum over inspections or works under a region prefix in a period, so a town's value is
the sum of its villages' (a share or a mean is a sum over a sum, never a mean of means).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator
from countyworks.core.periods import Period

_SOURCE = "docs/rules/courtyard-hygiene.md"


def _inspections(prefix: str, period: Period):  # type: ignore[no-untyped-def]
    from countyworks.courtyards.models import Inspection

    return Inspection.objects.filter(
        household__region__code__startswith=prefix, month__gte=period.start, month__lt=period.end
    )


def five_star_inspections(prefix: str, period: Period) -> int:
    """Household-months rated ★5 (星级文明户)."""
    return _inspections(prefix, period).filter(stars=5).count()


def inspections(prefix: str, period: Period) -> int:
    """Household-months inspected."""
    return _inspections(prefix, period).count()


def score_sum(prefix: str, period: Period) -> Decimal | None:
    """Σ monthly totals [分] (over :func:`inspections`: the mean score)."""
    total = _inspections(prefix, period).aggregate(s=Sum("total"))["s"]
    return total


def works_completed(prefix: str, period: Period) -> int:
    """Improvement works completed in the period (旱厕 and 空心房 removed, facilities built)."""
    from countyworks.courtyards.models import Work

    return Work.objects.filter(
        courtyard__region__code__startswith=prefix,
        status=Work.Status.DONE,
        completed_on__gte=period.start,
        completed_on__lt=period.end,
    ).aggregate(n=Count("id"))["n"]


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="courtyards.star_household_share",
        name=_("星级文明户占比（户次）"),
        unit="%",
        period_type="month",
        aggregation="weighted_mean",
        numerator=five_star_inspections,
        denominator=inspections,
        scale=100,
        source=_SOURCE,
    ),
    Indicator(
        code="courtyards.average_score",
        name=_("月度卫生评比平均分"),
        unit=_("分"),
        period_type="month",
        aggregation="weighted_mean",
        numerator=score_sum,
        denominator=inspections,
        source=_SOURCE,
    ),
    Indicator(
        code="courtyards.works_completed",
        name=_("完成改造工程"),
        unit=_("项"),
        period_type="year",
        aggregation="sum",
        numerator=works_completed,
        source=_SOURCE,
    ),
)
