"""Program 4's indicators (docs/indicators.md): projects signed, investment contracted, 三类用地
disposed and the three disposal rates, by year and by the region each record sits in.

They count what the program's figures count (:func:`countyworks.parks.selectors.park_figures`):

- **签约项目数 / 合同引资** — leads signed in the year and their contracted amount [亿元]
  (:func:`~countyworks.parks.selectors.signed_leads`, docs/rules/investment-attraction.md);
- **处置三类用地** — the area of every disposal action dated in the year [亩]
  (:func:`~countyworks.parks.services.land.disposed_area`);
- **处置率** of each category — area disposed in the year of the parcels identified before it ÷
  their area still undisposed at the year's start [亩] (:func:`~countyworks.parks.services.land.category_rates`,
  docs/rules/land-disposal.md §1–§2), by the region of the parcel.

The province's 五好园区 rank is not an indicator: a rank does not add up the region tree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator, Measure, Source, Touch
from countyworks.core.periods import Period
from countyworks.parks.models import DisposalAction, InvestmentLead, LandCategory, Parcel
from countyworks.parks.selectors import signed_leads

LAND = "docs/rules/land-disposal.md §1"
INVEST = "docs/rules/investment-attraction.md"
#: Area sums as exact hundredths of a 亩, as the program's own rates keep them (SQLite sums floats).
HUNDREDTH = Decimal("0.01")


def _mu(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(HUNDREDTH)


def signed_projects(prefix: str, period: Period) -> dict[str, int]:
    """Leads signed in the period, by region."""
    return dict(signed_leads(prefix, period).order_by().values_list("region_id").annotate(n=Count("id")))


def contracted_investment(prefix: str, period: Period) -> dict[str, Decimal]:
    """Contracted amount [亿元] of the leads signed in the period, by region."""
    rows = signed_leads(prefix, period).order_by().values_list("region_id").annotate(s=Sum("contracted_yi"))
    return {code: total for code, total in rows if total is not None}


def disposed_land(prefix: str, period: Period) -> dict[str, Decimal]:
    """Area [亩] of every disposal action dated in the period, by the region of its parcel."""
    rows = (
        DisposalAction.objects.filter(
            parcel__region__code__startswith=prefix,
            disposed_on__gte=period.start,
            disposed_on__lt=period.end,
        )
        .order_by()
        .values_list("parcel__region_id")
        .annotate(s=Sum("area_mu"))
    )
    return {code: _mu(total) for code, total in rows}


def _parcels(category: str, prefix: str, period: Period):  # type: ignore[no-untyped-def]
    return Parcel.objects.filter(
        region__code__startswith=prefix, category=category, identified_on__lt=period.start
    ).order_by()


def _disposed_of(category: str, prefix: str, period: Period, q: Q) -> dict[str, Decimal]:
    rows = (
        DisposalAction.objects.filter(
            q,
            parcel__region__code__startswith=prefix,
            parcel__category=category,
            parcel__identified_on__lt=period.start,
        )
        .order_by()
        .values_list("parcel__region_id")
        .annotate(s=Sum("area_mu"))
    )
    return {code: _mu(total) for code, total in rows}


def disposed_in_period(category: str) -> Measure:
    """Area [亩] disposed in the period of the ``category`` parcels identified before it, by region."""

    def measure(prefix: str, period: Period) -> dict[str, Decimal]:
        within = Q(disposed_on__gte=period.start, disposed_on__lt=period.end)
        return _disposed_of(category, prefix, period, within)

    return measure


def stock_at_start(category: str) -> Measure:
    """Area [亩] of the ``category`` parcels identified before the period, less what was disposed
    of them before it, by region."""

    def measure(prefix: str, period: Period) -> dict[str, Decimal]:
        areas = _parcels(category, prefix, period).values_list("region_id").annotate(a=Sum("area_mu"))
        before = _disposed_of(category, prefix, period, Q(disposed_on__lt=period.start))
        return {code: _mu(area) - before.get(code, Decimal(0)) for code, area in areas}

    return measure


def first_signing_day() -> date | None:
    return InvestmentLead.objects.aggregate(first=Min("signed_on"))["first"]


def first_disposal_day() -> date | None:
    return DisposalAction.objects.aggregate(first=Min("disposed_on"))["first"]


def first_identification_day() -> date | None:
    return Parcel.objects.aggregate(first=Min("identified_on"))["first"]


def lead_touches(lead: InvestmentLead) -> Iterable[Touch]:
    """A lead counts on the day it was signed."""
    if lead.signed_on is not None:
        yield Touch(lead.region_id, lead.signed_on, lead.signed_on)


def parcel_touches(parcel: Parcel) -> Iterable[Touch]:
    """A parcel is in the stock of every year after its identification."""
    yield Touch(parcel.region_id, parcel.identified_on)


def action_touches(action: DisposalAction) -> Iterable[Touch]:
    """A disposal counts in its year and lowers the stock of every year after it."""
    region = Parcel.objects.filter(pk=action.parcel_id).values_list("region_id", flat=True)
    for code in region:
        yield Touch(code, action.disposed_on)


LEADS = Source("parks.InvestmentLead", lead_touches)
PARCELS = Source("parks.Parcel", parcel_touches)
ACTIONS = Source("parks.DisposalAction", action_touches)

_RATES = (
    (LandCategory.UNSUPPLIED, _("批而未供处置率")),
    (LandCategory.IDLE, _("闲置土地处置率")),
    (LandCategory.INEFFICIENT, _("低效用地处置率")),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="parks.signed_projects",
        name=_("签约项目数"),
        unit=_("个"),
        period_type="year",
        aggregation="sum",
        numerator=signed_projects,
        source=INVEST,
        since=first_signing_day,
        sources=(LEADS,),
    ),
    Indicator(
        code="parks.contracted_investment",
        name=_("合同引资"),
        unit=_("亿元"),
        period_type="year",
        aggregation="sum",
        numerator=contracted_investment,
        source=INVEST,
        since=first_signing_day,
        sources=(LEADS,),
        key=True,
        decimals=2,
    ),
    Indicator(
        code="parks.disposed_land",
        name=_("处置三类用地"),
        unit=_("亩"),
        period_type="year",
        aggregation="sum",
        numerator=disposed_land,
        source="docs/rules/land-disposal.md §2",
        since=first_disposal_day,
        sources=(ACTIONS,),
        decimals=2,
    ),
    *(
        Indicator(
            code=f"parks.{category}_disposal_rate",
            name=name,
            unit="%",
            period_type="year",
            aggregation="weighted_mean",
            numerator=disposed_in_period(category),
            denominator=stock_at_start(category),
            scale=100,
            source=LAND,
            since=first_identification_day,
            sources=(PARCELS, ACTIONS),
            key=True,
            decimals=2,
        )
        for category, name in _RATES
    ),
)
