"""Statistics computed from telemetry rollups, never typed in (docs/rules/energy-statistics.md §3).

Every function takes stations already restricted to what the reader may see (selectors do the
scoping) and a period of local (Asia/Shanghai) calendar days. A station's generation is the time
integral of the positive part of its grid-connection active power (``Station.output_point``), from
the daily rollups; a storage station's charge is the integral of the negative part.

- Installed / grid-connected capacity: Σ capacity of the stations in service at the period's end.
- Full-load hours = energy / capacity in service, capacity weighted by the days each station was
  in service during the period.
- Share = energy of the selected kinds / energy of every generating kind in the same stations.
- Storage: charged, discharged, equivalent cycles = discharged / E, realised round-trip
  efficiency = discharged / charged (meaningful over a period with equal start and end SOC; both
  SOCs are reported beside it).
- Year-over-year = (this − last) / last in %, one decimal (core.periods.yoy_percent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext

from countyworks.core.periods import Period, yoy_percent
from countyworks.energy.carbon import CarbonFigures, carbon_figures
from countyworks.energy.models import CENTRALISED_KINDS, GENERATION_KINDS, Rollup, Station, StationKind
from countyworks.energy.store import DAY, local_tz

KWH_PER_MWH = 1000.0


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), local_tz())


def in_service(station: Station, day: date) -> bool:
    """Whether the station is in service on ``day``."""
    return station.commissioned_on <= day and (
        station.decommissioned_on is None or day < station.decommissioned_on
    )


def service_days(station: Station, start: date, end: date) -> int:
    """Days of [start, end) the station was in service."""
    first = max(start, station.commissioned_on)
    last = min(end, station.decommissioned_on or end)
    return max((last - first).days, 0)


def energy_by_station(stations: Iterable[Station], start: date, end: date) -> dict[int, tuple[float, float]]:
    """{station id: (delivered MWh, drawn MWh)} over local days [start, end), from daily rollups."""
    by_point = {s.output_point_id: s.pk for s in stations if s.output_point_id}
    if not by_point:
        return {}
    rows = (
        Rollup.objects.filter(
            point_id__in=list(by_point),
            step=DAY,
            bucket__gte=local_midnight(start),
            bucket__lt=local_midnight(end),
        )
        .values("point_id")
        .annotate(pos=Sum("integral_pos"), neg=Sum("integral_neg"))
    )
    out = {pk: (0.0, 0.0) for pk in by_point.values()}
    for row in rows:
        out[by_point[row["point_id"]]] = (row["pos"] / KWH_PER_MWH, row["neg"] / KWH_PER_MWH)
    return out


def daily_energy(
    stations: Iterable[Station], start: date, end: date
) -> dict[int, dict[date, tuple[float, float]]]:
    """{station id: {local day: (delivered MWh, drawn MWh)}} over [start, end)."""
    by_point = {s.output_point_id: s.pk for s in stations if s.output_point_id}
    out: dict[int, dict[date, tuple[float, float]]] = {pk: {} for pk in by_point.values()}
    rows = Rollup.objects.filter(
        point_id__in=list(by_point),
        step=DAY,
        bucket__gte=local_midnight(start),
        bucket__lt=local_midnight(end),
    ).values_list("point_id", "bucket", "integral_pos", "integral_neg")
    tz = local_tz()
    for point_id, bucket, pos, neg in rows:
        out[by_point[point_id]][bucket.astimezone(tz).date()] = (pos / KWH_PER_MWH, neg / KWH_PER_MWH)
    return out


@dataclass
class GroupFigures:
    """Capacity and generation of a group of stations (a kind, a town, the whole area)."""

    label: str
    stations: int = 0
    capacity_mw: float = 0.0
    grid_capacity_mw: float = 0.0
    energy_mwh: float = 0.0
    capacity_days_mw: float = 0.0
    previous_mwh: float | None = None
    period_days: int = 1

    @property
    def energy_kwh(self) -> float:
        return self.energy_mwh * KWH_PER_MWH

    @property
    def grid_capacity_kw(self) -> float:
        return self.grid_capacity_mw * 1000.0

    @property
    def full_load_hours(self) -> float | None:
        """Energy / capacity in service (weighted by days in service) [h]."""
        mean_capacity = self.capacity_days_mw / self.period_days
        return self.energy_mwh / mean_capacity if mean_capacity > 0 else None

    @property
    def yoy_percent(self) -> Decimal | None:
        return None if not self.previous_mwh else yoy_percent(self.energy_mwh, self.previous_mwh)


@dataclass
class StorageFigures:
    """A storage station over a period (docs/rules/energy-statistics.md §3)."""

    station: Station
    charged_mwh: float
    discharged_mwh: float
    soc_start: float | None
    soc_end: float | None
    best_day: date | None = None
    best_day_mwh: float = 0.0
    best_day_count: int = 0
    best_day_peak_mw: float = 0.0
    best_day_hours_at_peak: float = 0.0

    @property
    def cycles(self) -> float:
        energy = float(self.station.energy_mwh or 0)
        return self.discharged_mwh / energy if energy else 0.0

    @property
    def round_trip(self) -> float | None:
        return self.discharged_mwh / self.charged_mwh if self.charged_mwh > 0 else None

    @property
    def round_trip_percent(self) -> float | None:
        return None if self.round_trip is None else 100.0 * self.round_trip

    @property
    def soc_balanced(self) -> bool:
        """Start and end SOC within 2 points of each other (the efficiency is then meaningful)."""
        return (
            self.soc_start is not None
            and self.soc_end is not None
            and abs(self.soc_start - self.soc_end) <= 2.0
        )


@dataclass
class AreaSummary:
    """The figures of an area for a period: by kind, centralised (wind + 集中式光伏), total, storage."""

    period: Period
    by_kind: dict[str, GroupFigures] = field(default_factory=dict)
    by_station: dict[int, GroupFigures] = field(default_factory=dict)
    centralised: GroupFigures = field(default_factory=lambda: GroupFigures(gettext("风电、集中式光伏")))
    generation: GroupFigures = field(default_factory=lambda: GroupFigures(gettext("新能源合计")))
    storage: list[StorageFigures] = field(default_factory=list)

    @property
    def share_percent(self) -> float | None:
        """Share of wind + centralised PV in the area's new-energy generation [%]."""
        if self.generation.energy_mwh <= 0:
            return None
        return 100.0 * self.centralised.energy_mwh / self.generation.energy_mwh

    def carbon(self, factor_sets: Sequence[str]) -> list[CarbonFigures]:
        """Coal saved and CO2 avoided by the centralised generation, one entry per factor set."""
        return [carbon_figures(self.centralised.energy_mwh * KWH_PER_MWH, code) for code in factor_sets]


def _add(
    group: GroupFigures,
    station: Station,
    energy: float,
    capacity_days: float,
    at_end: bool,
    previous: float | None,
) -> None:
    group.energy_mwh += energy
    group.capacity_days_mw += capacity_days
    if previous is not None:
        group.previous_mwh = (group.previous_mwh or 0.0) + previous
    if at_end:
        group.stations += 1
        group.capacity_mw += float(station.capacity_mw)
        group.grid_capacity_mw += float(station.grid_capacity_mw)


def area_summary(stations: Sequence[Station], period: Period, *, with_previous: bool = True) -> AreaSummary:
    """Capacity, generation, full-load hours, share, year-over-year and storage figures of ``stations``."""
    start, end = period.start, period.end
    last_day = end - timedelta(days=1)
    days = (end - start).days
    energy = energy_by_station(stations, start, end)
    previous: dict[int, tuple[float, float]] = {}
    if with_previous:
        before = period.previous_year()
        previous = energy_by_station(stations, before.start, before.end)
    summary = AreaSummary(period)
    summary.centralised.period_days = summary.generation.period_days = days
    for station in stations:
        delivered, _drawn = energy.get(station.pk, (0.0, 0.0))
        cap_days = float(station.grid_capacity_mw) * service_days(station, start, end)
        at_end = in_service(station, last_day)
        prev = previous.get(station.pk, (0.0, 0.0))[0] if with_previous and previous else None
        if station.kind not in GENERATION_KINDS:
            continue
        kind = summary.by_kind.setdefault(
            station.kind, GroupFigures(str(StationKind(station.kind).label), period_days=days)
        )
        own = summary.by_station.setdefault(station.pk, GroupFigures(station.name, period_days=days))
        for group in (kind, own, summary.generation):
            _add(group, station, delivered, cap_days, at_end, prev)
        if station.kind in CENTRALISED_KINDS:
            _add(summary.centralised, station, delivered, cap_days, at_end, prev)
    summary.storage = [
        storage_figures(s, start, end, energy.get(s.pk, (0.0, 0.0)))
        for s in stations
        if s.kind == StationKind.STORAGE
    ]
    return summary


def _soc_at_edges(station: Station, start: date, end: date) -> tuple[float | None, float | None]:
    if not station.soc_point_id:
        return None, None
    rows = Rollup.objects.filter(
        point_id=station.soc_point_id,
        step=3600,
        bucket__gte=local_midnight(start),
        bucket__lt=local_midnight(end),
    )
    first = rows.order_by("bucket").values_list("total", "count").first()
    last = rows.order_by("-bucket").values_list("total", "count").first()
    return (first[0] / first[1] if first else None), (last[0] / last[1] if last else None)


def storage_figures(
    station: Station, start: date, end: date, energy: tuple[float, float] | None = None
) -> StorageFigures:
    """Charged, discharged, cycles, round trip and the day it delivered most (with its peak and duration)."""
    delivered, drawn = (
        energy if energy is not None else energy_by_station([station], start, end).get(station.pk, (0.0, 0.0))
    )
    soc_start, soc_end = _soc_at_edges(station, start, end)
    figures = StorageFigures(
        station, charged_mwh=drawn, discharged_mwh=delivered, soc_start=soc_start, soc_end=soc_end
    )
    days = daily_energy([station], start, end).get(station.pk, {})
    if days:
        best = max(value[0] for value in days.values())
        if best > 0:
            tied = sorted(day for day, value in days.items() if value[0] >= best - 1e-6)
            figures.best_day, figures.best_day_mwh, figures.best_day_count = tied[0], best, len(tied)
            figures.best_day_peak_mw, figures.best_day_hours_at_peak = peak_and_duration(station, tied[0])
    return figures


def peak_and_duration(station: Station, day: date, tolerance: float = 0.02) -> tuple[float, float]:
    """The day's highest mean delivered power [MW] and how long it was held within ``tolerance`` [h].

    Uses the finest rollup level the day has (15 min for live telemetry, hourly for hourly data).
    """
    start, end = local_midnight(day), local_midnight(day + timedelta(days=1))
    if station.output_point_id is None:
        return 0.0, 0.0
    for step in (900, 3600):
        rows = list(
            Rollup.objects.filter(
                point_id=station.output_point_id, step=step, bucket__gte=start, bucket__lt=end
            ).values_list("total", "count")
        )
        if rows:
            means = [total / count / KWH_PER_MWH for total, count in rows if count]
            peak = max(means)
            if peak <= 0:
                return 0.0, 0.0
            held = sum(1 for m in means if m >= peak * (1 - tolerance))
            return peak, held * step / 3600.0
    return 0.0, 0.0


def generation_series(
    stations: Sequence[Station], start: date, end: date, granularity: str, group_by: str
) -> tuple[list[str], dict[str, list[float]]]:
    """Generation [MWh] per day, month or year, grouped by station, kind or town.

    Returns the period labels and {group label: values aligned with the labels}.
    """
    daily = daily_energy([s for s in stations if s.kind in GENERATION_KINDS], start, end)
    by_id = {s.pk: s for s in stations}

    def label(day: date) -> str:
        if granularity == "day":
            return day.isoformat()
        if granularity == "month":
            return f"{day:%Y-%m}"
        return str(day.year)

    def group_of(station: Station) -> str:
        if group_by == "kind":
            return str(StationKind(station.kind).label)
        if group_by == "region":
            return station.region.name
        return station.name

    labels: list[str] = []
    day = start
    while day < end:
        key = label(day)
        if not labels or labels[-1] != key:
            labels.append(key)
        day += timedelta(days=1)
    index = {key: i for i, key in enumerate(labels)}
    series: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(labels))
    for station_id, days in daily.items():
        name = group_of(by_id[station_id])
        for day, (delivered, _drawn) in days.items():
            series[name][index[label(day)]] += delivered
    return labels, {name: [round(v, 3) for v in values] for name, values in sorted(series.items())}
