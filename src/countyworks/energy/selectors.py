"""Reads of the energy program, always through the viewer's grants (core.scoping.scope).

Telemetry tables have no region of their own: they are reached through stations the viewer may
see, so a user of 常宁市 never reads a reading of 娄星区 (404, never data).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.core.actors import Actor
from countyworks.core.charts import bar_chart, line_chart, pie_chart
from countyworks.core.periods import Period
from countyworks.core.scoping import can_write_object, get_scoped_or_404, reaches, scope, scope_q
from countyworks.energy import formatting as fmt
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
)
from countyworks.energy.statistics import AreaSummary, area_summary, generation_series
from countyworks.energy.store import DAY, local_tz

PROGRAM = "energy"
#: Without a communication-loss rule, a station is shown as offline after this many seconds.
DEFAULT_COMM_TIMEOUT_S = 60.0
#: History resolution by the span shown: (longest span, rollup step).
HISTORY_STEPS: tuple[tuple[timedelta, int], ...] = (
    (timedelta(hours=6), 60),
    (timedelta(days=3), 900),
    (timedelta(days=62), 3600),
)


def can_write(user, obj) -> bool:
    return can_write_object(user, PROGRAM, obj)


def station_list(*, user, within: str | None = None, kinds: Sequence[str] | None = None) -> QuerySet[Station]:
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


def station_get(*, user, code: str, action: str = "read") -> Station:
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


def device_points(station: Station) -> list[dict[str, object]]:
    """Every point of a station with its latest value, grouped by device (station page)."""
    points = (
        Point.objects.filter(device__station=station, is_active=True)
        .select_related("device", "latest")
        .order_by("device__kind", "device__code", "code")
    )
    devices: dict[int, dict[str, object]] = {}
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
    series: dict[str, list[float | None]] = {str(_("有功功率 (MW)")): power}
    if soc is not None:
        series[str(_("SOC (%)"))] = soc
    labels = [_label(b, chosen) for b in buckets]
    title = _("%(name)s 历史曲线（%(step)s）") % {"name": station.name, "step": Rollup.Step(chosen).label}
    return chosen, line_chart(str(title), labels, series, unit="", zoom=True)


def today_chart(station: Station, now: datetime | None = None) -> dict[str, object]:
    """Today's output at 15-minute resolution (with the day-ahead plan for storage)."""
    now = now or timezone.now()
    midnight = now.astimezone(local_tz()).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = dict(
        (bucket, total / count / 1000.0)
        for bucket, total, count in Rollup.objects.filter(
            point_id=station.output_point_id,
            step=900,
            bucket__gte=midnight,
            bucket__lt=midnight + timedelta(days=1),
        ).values_list("bucket", "total", "count")
        if count
    )
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
            planned = []
            for i in range(0, len(plan.steps["charge_mw"]), per):
                planned.extend([round(plan.power_at(i), 2)] * repeat)
            series[str(_("日前计划 (MW)"))] = planned[:96]
    return line_chart(str(_("今日出力")), labels, series, unit="MW")


def alarm_list(*, user, within: str | None = None, state: str = "open") -> QuerySet[Alarm]:
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


def alarm_get(*, user, pk: int, action: str = "read") -> Alarm:
    return get_scoped_or_404(
        Alarm.objects.select_related("station", "station__region"), user, PROGRAM, action, pk=pk
    )


def alarm_rules(station: Station) -> QuerySet[AlarmRule]:
    return (
        AlarmRule.objects.filter(point__device__station=station)
        .select_related("point__device")
        .order_by("point__device__code", "point__code")
    )


def alarm_rule_get(*, user, pk: int) -> AlarmRule:
    """A rule the user may change (write reach over its station), else 404."""
    return get_scoped_or_404(
        AlarmRule.objects.select_related("point__device__station"), user, PROGRAM, "write", pk=pk
    )


def quarantine_list(*, user, within: str | None = None) -> QuerySet[QuarantinedMessage]:
    return scope(QuarantinedMessage.objects.select_related("station"), user, PROGRAM, within=within).order_by(
        "-received_at"
    )


def summary(*, user, within: str | None, period: Period) -> tuple[list[Station], AreaSummary]:
    stations = list(station_list(user=user, within=within))
    return stations, area_summary(stations, period)


def statistics_charts(
    stations: Sequence[Station], period: Period, granularity: str, group_by: str
) -> dict[str, dict]:
    labels, series = generation_series(stations, period.start, period.end, granularity, group_by)
    mwh_series = {name: values for name, values in series.items()}
    charts = {"generation": bar_chart(str(_("发电量 (MWh)")), labels, mwh_series, unit="MWh")}
    totals = {name: round(sum(values), 1) for name, values in series.items() if sum(values) > 0}
    if totals:
        charts["mix"] = pie_chart(str(_("发电量构成 (MWh)")), totals)
    return charts


def scenario_list(*, user, within: str | None = None) -> QuerySet[DispatchScenario]:
    return scope(
        DispatchScenario.objects.select_related("station", "created_by"), user, PROGRAM, within=within
    )


def scenario_get(*, user, pk: int) -> DispatchScenario:
    return get_scoped_or_404(DispatchScenario.objects.select_related("station"), user, PROGRAM, pk=pk)


def project_list(*, user, within: str | None = None) -> list[dict[str, object]]:
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


def approval_step_get(*, user, pk: int) -> ApprovalStep:
    return get_scoped_or_404(ApprovalStep.objects.select_related("project"), user, PROGRAM, "write", pk=pk)


def boiler_list(*, user, within: str | None = None) -> QuerySet[BoilerReplacement]:
    return scope(
        BoilerReplacement.objects.select_related("region", "fuel_supplier"), user, PROGRAM, within=within
    )


def home_tiles(*, user, within: str | None) -> list[dict[str, object]]:
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
