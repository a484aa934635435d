"""Reads of the energy program, always through the viewer's grants (core.scoping.scope).

Telemetry tables have no region of their own: they are reached through stations the viewer may
see, so a user of 常宁市 never reads a reading of 娄星区 (404, never data).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.core.actors import Actor
from countyworks.core.charts import bar_chart, line_chart, pie_chart
from countyworks.core.periods import Period
from countyworks.core.scoping import Action, can_write_object, get_scoped_or_404, reaches, scope, scope_q
from countyworks.energy import formatting as fmt
from countyworks.energy import presenters
from countyworks.energy.carbon import CarbonFigures
from countyworks.energy.models import (
    GENERATION_KINDS,
    Alarm,
    AlarmRule,
    ApprovalStep,
    BoilerReplacement,
    DayAheadSchedule,
    DeviceKind,
    DispatchScenario,
    Point,
    PointLatest,
    Project,
    QuarantinedMessage,
    Rollup,
    Station,
    StationKind,
)
from countyworks.energy.resource import PowerCurve, PVYield
from countyworks.energy.statistics import AreaSummary, area_summary, generation_series
from countyworks.energy.store import DAY, bucket_start, local_tz

PROGRAM = "energy"
#: Without a communication-loss rule, a station is shown as offline after this many seconds.
DEFAULT_COMM_TIMEOUT_S = 60.0
#: History resolution by the span shown: (longest span, rollup step).
HISTORY_STEPS: tuple[tuple[timedelta, int], ...] = (
    (timedelta(hours=6), 60),
    (timedelta(days=3), 900),
    (timedelta(days=62), 3600),
)


def can_write(user: Actor, obj) -> bool:
    return can_write_object(user, PROGRAM, obj)


def station_list(
    *, user: Actor, within: str | None = None, kinds: Sequence[str] | None = None
) -> QuerySet[Station]:
    stations = scope(Station.objects.select_related("region", "organisation"), user, PROGRAM, within=within)
    if kinds:
        stations = stations.filter(kind__in=kinds)
    return stations.order_by("kind", "region_id", "name")


def writable_station_list(
    *, user: Actor, within: str | None = None, kinds: Sequence[str] | None = None
) -> QuerySet[Station]:
    """The stations of :func:`station_list` that ``user`` may also write: one query, whatever their number.

    The write reach of the access gate (:func:`countyworks.core.scoping.scope_q` with ``"write"``) as
    one more filter, instead of asking :func:`can_write` station by station.
    """
    return station_list(user=user, within=within, kinds=kinds).filter(
        scope_q(Station, user, PROGRAM, "write")
    )


def station_get(*, user: Actor, code: str, action: Action = "read") -> Station:
    return get_scoped_or_404(
        Station.objects.select_related("region", "organisation", "contact"), user, PROGRAM, action, code=code
    )


@dataclass
class LiveStation:
    """What the control room shows of one station now."""

    station: Station
    power_mw: float | None = None
    reactive_mvar: float | None = None
    soc_pct: float | None = None
    ts: datetime | None = None
    received_at: datetime | None = None
    comm_ok: bool = False
    today_delivered_mwh: float = 0.0
    today_drawn_mwh: float = 0.0
    active_alarms: int = 0
    unacked_alarms: int = 0

    @property
    def load_percent(self) -> float | None:
        capacity = float(self.station.capacity_mw)
        return None if self.power_mw is None or capacity <= 0 else 100.0 * abs(self.power_mw) / capacity

    @property
    def state(self) -> str:
        if not self.comm_ok:
            return "offline"
        if self.power_mw is None:
            return "unknown"
        if self.station.is_storage:
            return (
                "discharging" if self.power_mw > 0.5 else ("charging" if self.power_mw < -0.5 else "standby")
            )
        return "generating" if self.power_mw > 0.05 else "idle"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


STATE_LABELS = {
    "offline": gettext_lazy("通信中断"),
    "unknown": gettext_lazy("无数据"),
    "discharging": gettext_lazy("放电"),
    "charging": gettext_lazy("充电"),
    "standby": gettext_lazy("待机"),
    "generating": gettext_lazy("发电"),
    "idle": gettext_lazy("停机"),
}


def live_stations(
    stations: Sequence[Station], now: datetime | None = None, *, reactive: bool = False
) -> list[LiveStation]:
    """Live figures of several stations in four indexed queries (latest values, comm-loss timeouts,
    today's rollups, alarm counts); ``reactive`` adds the grid meter's reactive power (station page)."""
    now = now or timezone.now()
    rows = {s.pk: LiveStation(s) for s in stations}
    if not rows:
        return []
    output = {s.output_point_id: s.pk for s in stations if s.output_point_id}
    soc = {s.soc_point_id: s.pk for s in stations if s.soc_point_id}
    for point_id, value, ts, received in PointLatest.objects.filter(point_id__in=[*output, *soc]).values_list(
        "point_id", "value", "ts", "received_at"
    ):
        if point_id in output:
            live = rows[output[point_id]]
            live.power_mw, live.ts, live.received_at = value / 1000.0, ts, received
        else:
            rows[soc[point_id]].soc_pct = value
    if reactive:
        for station_id, value in PointLatest.objects.filter(
            point__device__station__in=list(rows),
            point__device__kind=DeviceKind.GRID_METER,
            point__code="Q_kvar",
        ).values_list("point__device__station_id", "value"):
            rows[station_id].reactive_mvar = value / 1000.0
    timeouts = {
        output[point_id]: threshold
        for point_id, threshold in AlarmRule.objects.filter(
            kind=AlarmRule.Kind.COMM_LOSS, enabled=True, point_id__in=list(output)
        ).values_list("point_id", "threshold")
    }
    for live in rows.values():
        timeout = timeouts.get(live.station.pk, DEFAULT_COMM_TIMEOUT_S)
        live.comm_ok = live.received_at is not None and (now - live.received_at).total_seconds() <= timeout
    midnight = now.astimezone(local_tz()).replace(hour=0, minute=0, second=0, microsecond=0)
    for point_id, pos, neg in Rollup.objects.filter(
        point_id__in=list(output), step=DAY, bucket=midnight
    ).values_list("point_id", "integral_pos", "integral_neg"):
        live = rows[output[point_id]]
        live.today_delivered_mwh, live.today_drawn_mwh = pos / 1000.0, neg / 1000.0
    counts = (
        Alarm.objects.filter(station__in=list(rows))
        .filter(Q(cleared_at__isnull=True) | Q(acknowledged_at__isnull=True))
        .values("station_id")
        .annotate(
            active=Count("id", filter=Q(cleared_at__isnull=True)),
            unacked=Count("id", filter=Q(acknowledged_at__isnull=True)),
        )
    )
    for row in counts:
        rows[row["station_id"]].active_alarms, rows[row["station_id"]].unacked_alarms = (
            row["active"],
            row["unacked"],
        )
    return [rows[s.pk] for s in stations]


@dataclass
class KindTotals:
    """One kind's line of the control room."""

    label: str
    stations: int = 0
    capacity_mw: float = 0.0
    power_mw: float = 0.0
    today_mwh: float = 0.0


@dataclass
class RoomTotals:
    """Sums of the control room, by kind: stations, capacity, output now, today's energy."""

    by_kind: dict[str, KindTotals] = field(default_factory=dict)
    generation_mw: float = 0.0
    storage_mw: float = 0.0
    today_generation_mwh: float = 0.0
    capacity_mw: float = 0.0
    offline: int = 0
    active_alarms: int = 0
    unacked_alarms: int = 0


def room_totals(live: Sequence[LiveStation]) -> RoomTotals:
    totals = RoomTotals()
    kinds = {value: str(label) for value, label in StationKind.choices}
    for row in live:
        kind = row.station.kind
        entry = totals.by_kind.setdefault(kind, KindTotals(label=kinds[kind]))
        entry.stations += 1
        entry.capacity_mw += float(row.station.capacity_mw)
        entry.power_mw += row.power_mw or 0.0
        entry.today_mwh += row.today_delivered_mwh
        totals.offline += not row.comm_ok
        totals.active_alarms += row.active_alarms
        totals.unacked_alarms += row.unacked_alarms
        if kind == StationKind.STORAGE:
            totals.storage_mw += row.power_mw or 0.0
        else:
            totals.generation_mw += row.power_mw or 0.0
            totals.today_generation_mwh += row.today_delivered_mwh
            totals.capacity_mw += float(row.station.capacity_mw)
    return totals


def room_rows(live: Sequence[LiveStation]) -> list[dict[str, object]]:
    """The control room's table, one dict of display values per station (the page polls it every 2 s,
    so the template only prints: no lookups through related objects, no filters per cell)."""
    rows = []
    kinds = {value: str(label) for value, label in StationKind.choices}
    station_url = reverse("energy:station", args=["-"]).removesuffix("-/")
    for row in live:
        station = row.station
        load = row.load_percent
        rows.append(
            {
                "url": f"{station_url}{station.code}/",
                "name": station.name,
                "kind": kinds[station.kind],
                "region": station.region.name,
                "capacity": fmt.number(float(station.capacity_mw), 1),
                "power": fmt.number(row.power_mw, 2),
                "negative": row.power_mw is not None and row.power_mw < 0,
                "load": None if load is None else min(100, round(load)),
                "soc": "" if row.soc_pct is None else f"{fmt.number(row.soc_pct, 1)}%",
                "energy": fmt.number(row.today_delivered_mwh, 1)
                + (f" / {fmt.number(row.today_drawn_mwh, 1)}" if station.is_storage else ""),
                "state": row.state,
                "state_label": row.state_label,
                "alarms": f"{row.active_alarms}/{row.unacked_alarms}"
                if row.active_alarms or row.unacked_alarms
                else "",
                "ts": timezone.localtime(row.ts).strftime("%m-%d %H:%M:%S") if row.ts else "—",
            }
        )
    return rows


def room_chart(stations: Sequence[Station], now: datetime | None = None) -> dict[str, object] | None:
    """Today's output of the control room's stations by type, every 15 min [MW], with the storage SOC.

    One series per station type (the sum of the stations' 15-minute mean output; storage is negative
    while charging) and, when the room has storage, its SOC [%] (mean weighted by rated energy) on a
    second axis. None without stations. Read from the 15-minute rollups in one query.
    """
    if not stations:
        return None
    now = now or timezone.now()
    midnight = now.astimezone(local_tz()).replace(hour=0, minute=0, second=0, microsecond=0)
    slots = [midnight + timedelta(minutes=15 * i) for i in range(96)]
    index = {slot: i for i, slot in enumerate(slots)}
    kinds = {value: str(label) for value, label in StationKind.choices}
    output = {s.output_point_id: s for s in stations if s.output_point_id}
    soc = {s.soc_point_id: s for s in stations if s.soc_point_id}
    power: dict[str, list[float | None]] = {}
    for kind in dict.fromkeys(s.kind for s in output.values()):
        power[kinds[kind]] = [None] * 96
    soc_sum, soc_weight = [0.0] * 96, [0.0] * 96
    for point_id, i, total, count in _room_chart_rows([*output, *soc], midnight, now, index):
        if not count:
            continue
        if point_id in output:
            values = power[kinds[output[point_id].kind]]
            values[i] = (values[i] or 0.0) + total / count / 1000.0
        else:
            weight = float(soc[point_id].energy_mwh or 1)
            soc_sum[i] += weight * total / count
            soc_weight[i] += weight
    series = {name: [None if v is None else round(v, 2) for v in values] for name, values in power.items()}
    labels = [f"{slot:%H:%M}" for slot in slots]
    option = line_chart(str(_("今日各类型出力")), labels, series, unit="MW")
    option["animation"] = False  # redrawn at every refresh of the room
    option["legend"] = {"bottom": 0, "itemWidth": 14}  # wraps: every type stays named
    option["grid"] = {"left": 10, "right": 10, "top": 40, "bottom": 80, "containLabel": True}
    option["yAxis"] = [{"type": "value"}]
    if soc:
        option["yAxis"].append({"type": "value", "min": 0, "max": 100, "splitLine": {"show": False}})
        option["series"].append(
            {
                "name": str(_("储能 SOC (%)")),
                "type": "line",
                "yAxisIndex": 1,
                "showSymbol": False,
                "lineStyle": {"type": "dashed"},
                "data": [round(t / w, 1) if w else None for t, w in zip(soc_sum, soc_weight, strict=True)],
            }
        )
    return option


def _room_chart_rows(
    point_ids: list[int], midnight: datetime, now: datetime, index: dict[datetime, int]
) -> list[tuple[int, int, float, int]]:
    """(point, slot, total, count) of today's 15-minute rollups of ``point_ids``.

    The room polls every 2 s: the slots before the current one are cached until the next slot
    starts (data arriving late for a past slot shows within 15 min); only the current slot is read
    on every refresh.
    """
    current = bucket_start(now, 900)
    points = hashlib.sha256(",".join(map(str, sorted(point_ids))).encode()).hexdigest()[:16]
    key = f"energy:room-chart:{points}:{int(current.timestamp())}"
    rollups = Rollup.objects.filter(point_id__in=point_ids, step=900)

    def rows(**bounds: datetime) -> list[tuple[int, int, float, int]]:
        return [
            (point_id, index[bucket], total, count)
            for point_id, bucket, total, count in rollups.filter(**bounds).values_list(
                "point_id", "bucket", "total", "count"
            )
            if bucket in index
        ]

    past = cache.get(key)
    if past is None:
        past = rows(bucket__gte=midnight, bucket__lt=current)
        cache.set(key, past, timeout=900)
    return past + rows(bucket__gte=max(current, midnight), bucket__lt=midnight + timedelta(days=1))


def device_points(station: Station) -> list[dict[str, object]]:
    """Every point of a station with its latest value, grouped by device (station page)."""
    points = (
        Point.objects.filter(device__station=station, is_active=True)
        .select_related("device", "latest")
        .order_by("device__kind", "device__code", "code")
    )
    devices: dict[int, dict[str, Any]] = {}
    for point in points:
        entry = devices.setdefault(point.device_id, {"device": point.device, "points": []})
        latest = getattr(point, "latest", None)
        entry["points"].append(
            {"point": point, "value": latest.value if latest else None, "ts": latest.ts if latest else None}
        )
    return list(devices.values())


def _step_for(span: timedelta) -> int:
    for longest, step in HISTORY_STEPS:
        if span <= longest:
            return step
    return DAY


def _label(moment: datetime, step: int) -> str:
    local = moment.astimezone(local_tz())
    if step >= DAY:
        return f"{local:%Y-%m-%d}"
    return f"{local:%m-%d %H:%M}"


def history_values(
    station: Station, start: datetime, end: datetime, step: int | None = None
) -> tuple[int, list[datetime], list[float | None], list[float | None] | None]:
    """Mean output [MW] and SOC [%] per bucket over [start, end): (step, buckets, power, soc or None).

    The step follows the span (1 min up to 6 h, 15 min up to 3 days, 1 h up to 2 months, then days),
    falling back to a coarser level where the finer one holds no data (hourly history).
    """
    chosen = step or _step_for(end - start)
    ids = [pid for pid in (station.output_point_id, station.soc_point_id) if pid]
    rows: list[tuple[int, datetime, float, int]] = []
    for candidate in (60, 900, 3600, DAY):
        if candidate < chosen:
            continue
        rows = list(
            Rollup.objects.filter(point_id__in=ids, step=candidate, bucket__gte=start, bucket__lt=end)
            .values_list("point_id", "bucket", "total", "count")
            .order_by("bucket")
        )
        if rows:
            chosen = candidate
            break
    buckets = sorted({bucket for _p, bucket, _t, _c in rows})
    index = {b: i for i, b in enumerate(buckets)}
    power: list[float | None] = [None] * len(buckets)
    soc: list[float | None] | None = [None] * len(buckets) if station.soc_point_id else None
    for point_id, bucket, total, count in rows:
        if not count:
            continue
        if point_id == station.output_point_id:
            power[index[bucket]] = round(total / count / 1000.0, 3)
        elif soc is not None:
            soc[index[bucket]] = round(total / count, 2)
    return chosen, buckets, power, soc


def history(
    station: Station, start: datetime, end: datetime, step: int | None = None
) -> tuple[int, dict[str, object]]:
    """:func:`history_values` as an ECharts line option with zoom."""
    chosen, buckets, power, soc = history_values(station, start, end, step)
    axis = _buckets_between(start, end, chosen)
    at = {b: i for i, b in enumerate(buckets)}
    series: dict[str, list[float | None]] = {
        str(_("有功功率 (MW)")): [power[at[b]] if b in at else None for b in axis]
    }
    if soc is not None:
        series[str(_("SOC (%)"))] = [soc[at[b]] if b in at else None for b in axis]
    labels = [_label(b, chosen) for b in axis]
    title = _("%(name)s 历史曲线（%(step)s）") % {"name": station.name, "step": Rollup.Step(chosen).label}
    option = line_chart(str(title), labels, series, unit="", zoom=True)
    for entry in option["series"]:
        # A value without a neighbour (today alone in a year of days) is a point, not a line: mark it.
        # ECharts thins symbols out on a crowded category axis ("auto"): show them all then.
        entry["showSymbol"] = entry["showAllSymbol"] = _has_isolated(entry["data"])
    return chosen, option


def _buckets_between(start: datetime, end: datetime, step: int) -> list[datetime]:
    """Every bucket start of ``step`` covering [start, end): the whole span is on the axis, data or not."""
    if step == DAY:
        tz = local_tz()
        day, last = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
        days = []
        while day <= last:
            days.append(datetime.combine(day, datetime.min.time(), tz))
            day += timedelta(days=1)
        return days
    first = int(start.timestamp()) // step * step
    return [
        datetime.fromtimestamp(epoch, start.tzinfo or local_tz())
        for epoch in range(first, int(end.timestamp()), step)
    ]


def _has_isolated(values: Sequence[float | None]) -> bool:
    """Whether some value has no value beside it (a line through it would not be drawn)."""
    return any(
        v is not None
        and (i == 0 or values[i - 1] is None)
        and (i == len(values) - 1 or values[i + 1] is None)
        for i, v in enumerate(values)
    )


def today_chart(station: Station, now: datetime | None = None) -> dict[str, object]:
    """Today's output at 15-minute resolution (with the day-ahead plan for storage)."""
    now = now or timezone.now()
    midnight = now.astimezone(local_tz()).replace(hour=0, minute=0, second=0, microsecond=0)
    rollups = Rollup.objects.none()
    if station.output_point_id is not None:
        rollups = Rollup.objects.filter(
            point_id=station.output_point_id,
            step=900,
            bucket__gte=midnight,
            bucket__lt=midnight + timedelta(days=1),
        )
    rows = {
        bucket: total / count / 1000.0
        for bucket, total, count in rollups.values_list("bucket", "total", "count")
        if count
    }
    labels = [f"{(midnight + timedelta(minutes=15 * i)):%H:%M}" for i in range(96)]
    actual = [
        round(rows[b], 2) if (b := midnight + timedelta(minutes=15 * i)) in rows else None for i in range(96)
    ]
    series: dict[str, list[float | None]] = {str(_("实际 (MW)")): actual}
    if station.is_storage:
        plan = DayAheadSchedule.objects.filter(station=station, day=midnight.date()).first()
        if plan is not None:
            per = max(1, 15 // plan.step_minutes) if plan.step_minutes < 15 else 1
            repeat = max(1, plan.step_minutes // 15)
            planned: list[float | None] = []
            for i in range(0, len(plan.steps["charge_mw"]), per):
                planned.extend([round(plan.power_at(i), 2)] * repeat)
            series[str(_("日前计划 (MW)"))] = planned[:96]
    return line_chart(str(_("今日出力")), labels, series, unit="MW")


def alarm_list(*, user: Actor, within: str | None = None, state: str = "open") -> QuerySet[Alarm]:
    """Alarms the user may see: ``open`` (active or unacknowledged), ``active``, ``unacked`` or ``all``."""
    alarms = scope(
        Alarm.objects.select_related("station", "device", "acknowledged_by"), user, PROGRAM, within=within
    )
    if state == "active":
        alarms = alarms.filter(cleared_at__isnull=True)
    elif state == "unacked":
        alarms = alarms.filter(acknowledged_at__isnull=True)
    elif state == "open":
        alarms = alarms.filter(Q(cleared_at__isnull=True) | Q(acknowledged_at__isnull=True))
    return alarms.order_by("-raised_at")


def alarm_list_for_station(station: Station) -> QuerySet[Alarm]:
    """A station's open alarms, newest first (the station was fetched through scope)."""
    return (
        Alarm.objects.filter(station=station)
        .filter(Q(cleared_at__isnull=True) | Q(acknowledged_at__isnull=True))
        .select_related("device")
        .order_by("-raised_at")
    )


def alarm_get(*, user: Actor, pk: int, action: Action = "read") -> Alarm:
    return get_scoped_or_404(
        Alarm.objects.select_related("station", "station__region"), user, PROGRAM, action, pk=pk
    )


def alarm_rules(station: Station) -> QuerySet[AlarmRule]:
    return (
        AlarmRule.objects.filter(point__device__station=station)
        .select_related("point__device")
        .order_by("point__device__code", "point__code")
    )


def alarm_rule_get(*, user: Actor, pk: int) -> AlarmRule:
    """A rule the user may change (write reach over its station), else 404."""
    return get_scoped_or_404(
        AlarmRule.objects.select_related("point__device__station"), user, PROGRAM, "write", pk=pk
    )


def quarantine_list(*, user: Actor, within: str | None = None) -> QuerySet[QuarantinedMessage]:
    return scope(QuarantinedMessage.objects.select_related("station"), user, PROGRAM, within=within).order_by(
        "-received_at"
    )


def latest_year_with_data(stations: Iterable[Station], today: date) -> Period:
    """The year the statistics page opens on: the latest past calendar year holding generation data.

    Only the current year holds data (a new station): that year so far. No data at all: last year.
    """
    points = [s.output_point_id for s in stations if s.output_point_id and s.kind in GENERATION_KINDS]
    this_year = datetime(today.year, 1, 1, tzinfo=local_tz())
    daily = Rollup.objects.filter(point_id__in=points, step=DAY, integral_pos__gt=0)
    latest = daily.filter(bucket__lt=this_year).aggregate(last=Max("bucket"))["last"]
    if latest is None:
        year = today.year if daily.filter(bucket__gte=this_year).exists() else today.year - 1
    else:
        year = latest.astimezone(local_tz()).year
    return Period.parse(str(year))


def carbon_rows(figures: Sequence[CarbonFigures]) -> list[dict[str, object]]:
    """The carbon table: each set's figures with its name, status, scope and source in words."""
    return [{"figures": f, **presenters.factor_set_row(f.factors)} for f in figures]


def summary(*, user: Actor, within: str | None, period: Period) -> tuple[list[Station], AreaSummary]:
    stations = list(station_list(user=user, within=within))
    return stations, area_summary(stations, period)


def statistics_charts(
    stations: Sequence[Station], period: Period, granularity: str, group_by: str
) -> dict[str, dict]:
    labels, series = generation_series(stations, period.start, period.end, granularity, group_by)
    if granularity == "month" and len({label[:4] for label in labels}) == 1:
        # Translators: a date format (Django's date filter) for the month axis: 1月 … 12月.
        month_format = _("n月")
        labels = [date_format(date(int(label[:4]), int(label[5:7]), 1), month_format) for label in labels]
    charts = {"generation": bar_chart(str(_("发电量")), labels, series, unit="MWh")}
    totals = {name: round(sum(values), 1) for name, values in series.items() if sum(values) > 0}
    if totals:
        mix = pie_chart(str(_("发电量构成（MWh）")), totals)
        # Labels outside a donut need room the card has not got: the legend names the parts, the
        # slices carry their percentage and the tooltip the figure.
        mix["series"][0]["label"] = {"show": True, "position": "inside", "formatter": "{d}%"}
        mix["series"][0]["radius"] = ["30%", "60%"]
        mix["legend"] = {"bottom": 0, "itemWidth": 14}
        mix["series"][0]["center"] = ["50%", "42%"]
        charts["mix"] = mix
    return charts


def scenario_list(*, user: Actor, within: str | None = None) -> QuerySet[DispatchScenario]:
    return scope(
        DispatchScenario.objects.select_related("station", "created_by"), user, PROGRAM, within=within
    )


def scenario_get(*, user: Actor, pk: int) -> DispatchScenario:
    return get_scoped_or_404(DispatchScenario.objects.select_related("station"), user, PROGRAM, pk=pk)


def scenario_chart(scenario: DispatchScenario) -> dict[str, object]:
    chart = scenario.chart
    discharge = chart["discharge_mw"]
    net = [round(d - c, 3) for d, c in zip(discharge, chart["charge_mw"], strict=True)]
    option = line_chart(
        scenario.name,
        chart["x"],
        {str(_("净放电功率 (MW)")): net, str(_("SOC (%)")): chart["soc"]},
        zoom=True,
    )
    return option


class ProjectRow(TypedDict):
    """A project with its steps in :attr:`ApprovalStep.ORDER` (None: not started)."""

    project: Project
    steps: list[ApprovalStep | None]


def project_list(*, user: Actor, within: str | None = None) -> list[ProjectRow]:
    """Projects with their steps in the fixed order (立项 → 并网) for the plan page."""
    projects = list(
        scope(
            Project.objects.select_related("region", "owner", "developer"), user, PROGRAM, within=within
        ).order_by("region_id", "id")
    )
    steps: dict[int, dict[str, ApprovalStep]] = defaultdict(dict)
    for step in ApprovalStep.objects.filter(project__in=projects).select_related("owner"):
        steps[step.project_id][step.step] = step
    return [{"project": p, "steps": [steps[p.pk].get(s) for s in ApprovalStep.ORDER]} for p in projects]


def approval_step_get(*, user: Actor, pk: int) -> ApprovalStep:
    return get_scoped_or_404(ApprovalStep.objects.select_related("project"), user, PROGRAM, "write", pk=pk)


def boiler_list(*, user: Actor, within: str | None = None) -> QuerySet[BoilerReplacement]:
    return scope(
        BoilerReplacement.objects.select_related("region", "fuel_supplier"), user, PROGRAM, within=within
    )


def home_tiles(*, user: Actor, within: str | None) -> list[dict[str, object]]:
    """Home tiles: grid-connected capacity in service, today's new-energy generation, open alarms."""
    if not reaches(user, PROGRAM):
        return []
    stations = list(station_list(user=user, within=within))
    if not stations:
        return []
    today = timezone.localdate()
    generating = [
        s
        for s in stations
        if s.kind in GENERATION_KINDS and s.commissioned_on <= today and not s.decommissioned_on
    ]
    capacity_kw = sum(float(s.grid_capacity_mw) for s in generating) * 1000
    live = live_stations(generating)
    today_kwh = sum(row.today_delivered_mwh for row in live) * 1000
    open_alarms = alarm_list(user=user, within=within, state="unacked").count()
    url = reverse("energy:room")
    return [
        {
            "label": _("新能源并网容量"),
            "value": fmt.wan(capacity_kw).removesuffix("万"),
            "unit": _("万 kW"),
            "note": _("%(n)d 座电站") % {"n": len(generating)},
            "url": url,
            "chart": None,
        },
        {
            "label": _("今日新能源发电"),
            "value": fmt.number(today_kwh / 1e4, 2),
            "unit": _("万 kWh"),
            "note": "",
            "url": url,
            "chart": None,
        },
        {
            "label": _("未确认电站告警"),
            "value": open_alarms,
            "unit": _("条"),
            "note": "",
            "url": reverse("energy:alarms"),
            "chart": None,
        },
    ]


def scenario_compare_chart(scenarios: Sequence[DispatchScenario]) -> dict[str, object] | None:
    """Revenue and cycles of saved scenarios side by side."""
    if not scenarios:
        return None
    names = [f"{s.name}" for s in reversed(scenarios)]
    revenue = [round(float(s.figures.get("revenue_yuan", 0)) / 1e4, 2) for s in reversed(scenarios)]
    # The unit is in the title already: no ``unit`` (it would print it twice).
    return bar_chart(str(_("方案收益对比 (万元)")), names, {str(_("收益")): revenue})


def resource_charts(result: dict[str, object]) -> dict[str, dict]:
    """Charts of a resource assessment: the turbine curve, or the monthly PV yield."""
    charts: dict[str, dict] = {}
    curve = result.get("wind_curve")
    if isinstance(curve, PowerCurve):
        speeds = [f"{v:g}" for v in curve.wind_speed_ms]
        charts["curve"] = line_chart(
            str(_("功率曲线 %(t)s (kW)") % {"t": curve.turbine_type}),
            speeds,
            {str(_("功率")): [round(float(p), 1) for p in curve.power_kw]},
        )
    pv = result.get("pv")
    if isinstance(pv, PVYield):
        # Translators: a date format (Django's date filter) for the month axis: 1月 … 12月.
        month_format = _("n月")
        months = [date_format(date(2001, m, 1), month_format) for m in range(1, 13)]
        charts["pv"] = bar_chart(
            str(_("逐月发电量 (kWh/kWp)")),
            months,
            {str(_("发电量")): [round(float(v), 1) for v in pv.monthly_ac_kwh_per_kwp]},
        )
    return charts


def project_totals(projects: Sequence[Project]) -> dict[str, object]:
    return {
        "count": len(projects),
        "capacity_mw": sum(float(p.capacity_mw) for p in projects),
        "investment_yuan": sum(float(p.investment_yuan) for p in projects),
        "eco": sum(1 for p in projects if p.eco_constraints),
        "connected": sum(1 for p in projects if p.status == Project.Status.CONNECTED),
    }


def boiler_totals(boilers: QuerySet[BoilerReplacement]) -> dict[str, object]:
    """Coal boilers under 10 t/h (10蒸吨以下) and how many were replaced."""
    small = [b for b in boilers if b.capacity_t_per_h < 10]
    replaced = [b for b in small if b.replaced_by]
    return {
        "small": len(small),
        "replaced": len(replaced),
        "percent": 100.0 * len(replaced) / len(small) if small else None,
        "steam_t_per_h": sum(float(b.capacity_t_per_h) for b in replaced),
    }
