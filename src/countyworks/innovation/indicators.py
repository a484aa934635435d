"""The innovation program's indicators (docs/indicators.md): pool sizes at the end of each year.

科技型中小企业数 and 高新技术企业数 are counted as the program's pages and brief count them
(:mod:`countyworks.innovation.selectors`): enterprises with a membership of that pool in force at
the end of the year (``PoolMembership.active_on_q`` on ``selectors.year_end``), by the region of
the enterprise. A 高企 certificate lasts three years, a 科技型中小企业 entry its evaluation year
(docs/rules/enterprise-ladder.md §3). Their growth is the pivot's change against the year before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import Count, Min
from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator, Source, Touch
from countyworks.core.models import Organisation
from countyworks.core.periods import Period
from countyworks.innovation.models import EvaluationCampaign, PoolMembership, Tier
from countyworks.innovation.selectors import year_end

DOCUMENT = "docs/rules/enterprise-ladder.md §3"


def pool_size(tier: str) -> Callable[[str, Period], dict[str, int]]:
    """Enterprises in the ``tier`` pool at the end of the period's year, by region."""

    def measure(prefix: str, period: Period) -> dict[str, int]:
        rows = (
            PoolMembership.objects.filter(
                PoolMembership.active_on_q(year_end(period.year)),
                tier=tier,
                organisation__region__code__startswith=prefix,
            )
            .order_by()
            .values_list("organisation__region_id")
            .annotate(n=Count("organisation", distinct=True))
        )
        return dict(rows)

    return measure


def first_entry_day() -> date | None:
    return PoolMembership.objects.aggregate(first=Min("entered_on"))["first"]


def membership_touches(membership: PoolMembership) -> Iterable[Touch]:
    """A membership counts from its entry on (until its validity ends, or for ever when changed)."""
    region = Organisation.objects.filter(pk=membership.organisation_id).values_list("region_id", flat=True)
    for code in region:
        yield Touch(code, membership.entered_on)


def campaign_touches(campaign: EvaluationCampaign) -> Iterable[Touch]:
    """A confirmed campaign enters its area's enterprises in bulk (no save of each membership):
    its area counts again from the campaign's year on."""
    if campaign.status == EvaluationCampaign.Status.CONFIRMED:
        yield Touch(campaign.region_id, date(campaign.year, 1, 1))


SOURCES = (
    Source("innovation.PoolMembership", membership_touches),
    Source("innovation.EvaluationCampaign", campaign_touches),
)

INDICATORS = (
    Indicator(
        code="innovation.tech_sme",
        name=_("科技型中小企业数"),
        unit=_("家"),
        period_type="year",
        aggregation="latest",
        numerator=pool_size(Tier.TECH_SME),
        source=DOCUMENT,
        since=first_entry_day,
        sources=SOURCES,
        key=True,
    ),
    Indicator(
        code="innovation.high_tech",
        name=_("高新技术企业数"),
        unit=_("家"),
        period_type="year",
        aggregation="latest",
        numerator=pool_size(Tier.HIGH_TECH),
        source=DOCUMENT,
        since=first_entry_day,
        sources=SOURCES,
        key=True,
    ),
)
