"""Program 5's indicators (docs/indicators.md): 星级文明户 share and the mean monthly hygiene score by
month, improvement works completed by year, by the region of the household or courtyard.

They count what the program's figures and brief count (:func:`countyworks.courtyards.selectors.area_figures`,
docs/rules/courtyard-hygiene.md §3): every monthly inspection is one 户次; a ★5 rating is a
星级文明户; the mean score is Σ totals over the inspections (a sum over a sum, never a mean of
means); a work counts in the year it was completed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator, Source, Touch
from countyworks.core.models import Household
from countyworks.core.periods import Period
from countyworks.courtyards.models import Courtyard, Inspection, Work

STARS = "docs/rules/courtyard-hygiene.md §3"
SCORES = "docs/rules/courtyard-hygiene.md §2"
WORKS = "docs/courtyards.md#data"
#: The rating of a 星级文明户 (docs/rules/courtyard-hygiene.md §3).
FIVE_STARS = 5


def _inspections(prefix: str, period: Period) -> QuerySet[Inspection]:
    return Inspection.objects.filter(
        household__region__code__startswith=prefix, month__gte=period.start, month__lt=period.end
    ).order_by()


def _count(inspections: QuerySet[Inspection]) -> dict[str, int]:
    return dict(inspections.values_list("household__region_id").annotate(n=Count("id")))


def five_star_inspections(prefix: str, period: Period) -> dict[str, int]:
    """Household-months rated ★5 (星级文明户), by the household's region."""
    return _count(_inspections(prefix, period).filter(stars=FIVE_STARS))


def inspections(prefix: str, period: Period) -> dict[str, int]:
    """Household-months inspected, by the household's region."""
    return _count(_inspections(prefix, period))


def score_sum(prefix: str, period: Period) -> dict[str, Decimal]:
    """Σ monthly totals [分] (over :func:`inspections`: the mean score), by the household's region."""
    rows = _inspections(prefix, period).values_list("household__region_id").annotate(s=Sum("total"))
    return {code: total for code, total in rows if total is not None}


def works_completed(prefix: str, period: Period) -> dict[str, int]:
    """Improvement works completed in the period (旱厕 and 空心房 removed, facilities built), by courtyard."""
    rows = (
        Work.objects.filter(
            courtyard__region__code__startswith=prefix,
            status=Work.Status.DONE,
            completed_on__gte=period.start,
            completed_on__lt=period.end,
        )
        .order_by()
        .values_list("courtyard__region_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def first_inspection_day() -> date | None:
    return Inspection.objects.aggregate(first=Min("month"))["first"]


def first_completion_day() -> date | None:
    return Work.objects.filter(status=Work.Status.DONE).aggregate(first=Min("completed_on"))["first"]


def inspection_touches(inspection: Inspection) -> Iterable[Touch]:
    """An inspection counts in its month, for its household's region."""
    region = Household.objects.filter(pk=inspection.household_id).values_list("region_id", flat=True)
    for code in region:
        yield Touch(code, inspection.month, inspection.month)


def household_touches(household: Household) -> Iterable[Touch]:
    """A household moving region moves its inspections: from its first inspected month on."""
    first = Inspection.objects.filter(household=household).aggregate(first=Min("month"))["first"]
    if first is not None:
        yield Touch(household.region_id, first)


def work_touches(work: Work) -> Iterable[Touch]:
    """A work counts on the day it was completed, for its courtyard."""
    if work.completed_on is not None:
        region = Courtyard.objects.filter(pk=work.courtyard_id).values_list("region_id", flat=True)
        for code in region:
            yield Touch(code, work.completed_on, work.completed_on)


INSPECTIONS = (
    Source("courtyards.Inspection", inspection_touches),
    Source("core.Household", household_touches),
)

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
        source=STARS,
        since=first_inspection_day,
        sources=INSPECTIONS,
        key=True,
        decimals=1,
    ),
    Indicator(
        code="courtyards.average_score",
        name=_("月度卫生评比平均分"),
        unit=_("分"),
        period_type="month",
        aggregation="weighted_mean",
        numerator=score_sum,
        denominator=inspections,
        source=SCORES,
        since=first_inspection_day,
        sources=INSPECTIONS,
        decimals=1,
    ),
    Indicator(
        code="courtyards.works_completed",
        name=_("完成改造工程"),
        unit=_("项"),
        period_type="year",
        aggregation="sum",
        numerator=works_completed,
        source=WORKS,
        since=first_completion_day,
        sources=(Source("courtyards.Work", work_touches),),
    ),
)
