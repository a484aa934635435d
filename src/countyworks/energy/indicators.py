"""The new-energy indicators (docs/indicators.md): generation, the share of wind and centralised PV,
and the CO2 they avoid with each factor set, by month and by the region each station sits in.

All come from the daily telemetry rollups through :func:`countyworks.energy.statistics.energy_by_station`,
with the definitions of docs/rules/energy-statistics.md §3 (generation = time integral of the
positive grid-connection power; share = wind + centralised PV over every generating kind) and
docs/rules/carbon-factors.md §2 (CO2 = kWh × factor, the centralised generation as the article
counts it, :meth:`countyworks.energy.statistics.AreaSummary.carbon`).

The stations' delivered energy of a (prefix, month) is measured once for all of them in a rebuild
(:func:`countyworks.core.indicators.shared`): generation, the share and every CO2 set read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Min
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator, Measure, Source, Touch, shared
from countyworks.core.periods import Period
from countyworks.energy.carbon import load_factor_sets
from countyworks.energy.models import CENTRALISED_KINDS, GENERATION_KINDS, Rollup, Station
from countyworks.energy.presenters import FACTOR_SETS
from countyworks.energy.statistics import energy_by_station
from countyworks.energy.store import DAY

STATISTICS = "docs/rules/energy-statistics.md §3"
CARBON = "docs/rules/carbon-factors.md §2"
#: Telemetry of a day may arrive late (a gateway's backlog): a month settles two days after its end.
SETTLE_DAYS = 2


@shared
def _delivered(prefix: str, period: Period) -> tuple[tuple[str, str, float], ...]:
    """(region, kind, delivered MWh) of every generating station under ``prefix`` in ``period``."""
    stations = list(Station.objects.filter(region__code__startswith=prefix, kind__in=list(GENERATION_KINDS)))
    delivered = energy_by_station(stations, period.start, period.end)
    return tuple((s.region_id, s.kind, delivered.get(s.pk, (0.0, 0.0))[0]) for s in stations)


def generation_by_region(
    prefix: str, period: Period, kinds: Iterable[str] = GENERATION_KINDS
) -> dict[str, float]:
    """Energy delivered [MWh] by the stations of ``kinds`` under ``prefix`` in ``period``, by region."""
    wanted = set(kinds)
    by_region: dict[str, float] = defaultdict(float)
    for region, kind, mwh in _delivered(prefix, period):
        if kind in wanted:
            by_region[region] += mwh
    return dict(by_region)


def centralised_generation(prefix: str, period: Period) -> dict[str, float]:
    """Energy delivered [MWh] by wind and centralised PV (``CENTRALISED_KINDS``), by region."""
    return generation_by_region(prefix, period, CENTRALISED_KINDS)


def co2_avoided(co2_kg_per_kwh: float) -> Measure:
    """CO2 avoided [t] by the centralised generation: MWh × 1000 kWh × kg/kWh / 1000 kg."""

    def measure(prefix: str, period: Period) -> dict[str, float]:
        return {code: mwh * co2_kg_per_kwh for code, mwh in centralised_generation(prefix, period).items()}

    return measure


def first_rollup_day() -> date | None:
    first = Rollup.objects.filter(step=DAY).aggregate(first=Min("bucket"))["first"]
    return timezone.localtime(first).date() if first else None


def station_touches(station: Station) -> Iterable[Touch]:
    """A station counts from its commissioning (a new one, or a changed kind, moves every month since)."""
    yield Touch(station.region_id, station.commissioned_on)


STATIONS = Source("energy.Station", station_touches)


def _co2_indicators() -> tuple[Indicator, ...]:
    found = []
    for code, factors in sorted(load_factor_sets().items()):
        label = FACTOR_SETS.get(code, (code, ""))[0]
        found.append(
            Indicator(
                code=f"energy.co2_{code.replace('-', '_')}",
                name=format_lazy("{}（{}）", _("二氧化碳减排量"), label),
                unit=_("吨"),
                period_type="month",
                aggregation="sum",
                numerator=co2_avoided(factors.co2_kg_per_kwh),
                source=CARBON,
                since=first_rollup_day,
                sources=(STATIONS,),
                settle_days=SETTLE_DAYS,
                key=factors.is_default,
            )
        )
    return tuple(found)


INDICATORS = (
    Indicator(
        code="energy.generation",
        name=_("新能源发电量"),
        unit="MWh",
        period_type="month",
        aggregation="sum",
        numerator=generation_by_region,
        source=STATISTICS,
        since=first_rollup_day,
        sources=(STATIONS,),
        settle_days=SETTLE_DAYS,
        key=True,
    ),
    Indicator(
        code="energy.centralised_share",
        name=_("风电、集中式光伏发电量占比"),
        unit="%",
        period_type="month",
        aggregation="weighted_mean",
        numerator=centralised_generation,
        denominator=generation_by_region,
        scale=100,
        source=STATISTICS,
        since=first_rollup_day,
        sources=(STATIONS,),
        settle_days=SETTLE_DAYS,
        decimals=1,
    ),
    *_co2_indicators(),
)
