"""Writes of the energy program: one function per use case, transactional, audited, scope-checked.

``acting_user`` is :data:`~countyworks.core.actors.SYSTEM` for the platform itself (the demo
loader, the ingestion path); a user must reach the record's region (and organisation) with write
access to the energy program (the access gate, :mod:`countyworks.core.permissions`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import Organisation, Program, Region
from countyworks.core.permissions import access_write_object, access_write_region
from countyworks.core.services import audited_save
from countyworks.energy import catalogue, store
from countyworks.energy.dispatch import DispatchResult, PeakShaving, StorageParams, solve_dispatch
from countyworks.energy.ingest import invalidate_registry
from countyworks.energy.models import (
    Alarm,
    AlarmLevel,
    AlarmRule,
    ApprovalStep,
    BoilerReplacement,
    DayAheadSchedule,
    Device,
    DeviceKind,
    DispatchScenario,
    Point,
    Project,
    Station,
    StationKind,
)
from countyworks.energy.tariffs import tariff_prices
from countyworks.energy.timeseries import LOCAL_TZ, TimeSeries

logger = logging.getLogger(__name__)

PROGRAM = Program.ENERGY
#: The workflow SLA policy of station alarms: round the clock, 1 natural hour to respond, 4 to resolve.
ALARM_TICKET_POLICY = "alarm-24x7"

#: Default alarm rules a station gets with its points: (device kind, point code, kind, threshold, deadband, level).
DEFAULT_RULES: tuple[tuple[str, str, str, float, float, str], ...] = (
    (DeviceKind.GRID_METER, "P_kW", AlarmRule.Kind.COMM_LOSS, 60, 0, AlarmLevel.ABNORMAL),
    (DeviceKind.GRID_METER, "f_Hz", AlarmRule.Kind.HIGH, 50.5, 0.1, AlarmLevel.LIMIT),
    (DeviceKind.GRID_METER, "f_Hz", AlarmRule.Kind.LOW, 49.5, 0.1, AlarmLevel.LIMIT),
    (DeviceKind.CELLS, "T_max_C", AlarmRule.Kind.HIGH, 45, 2, AlarmLevel.LIMIT),
    (DeviceKind.CELLS, "T_max_C", AlarmRule.Kind.RATE, 1.0, 0.5, AlarmLevel.ABNORMAL),
    (DeviceKind.CELLS, "V_max_V", AlarmRule.Kind.HIGH, 3.65, 0.02, AlarmLevel.LIMIT),
    (DeviceKind.PCS, "T_igbt_C", AlarmRule.Kind.HIGH, 85, 3, AlarmLevel.LIMIT),
    (DeviceKind.AUXILIARY, "fire_alarm", AlarmRule.Kind.HIGH, 0.5, 0, AlarmLevel.ACCIDENT),
)


def _registry_changed() -> None:
    """Make ingestion in this process see the change now, and again once it is committed."""
    invalidate_registry()
    transaction.on_commit(invalidate_registry)


def _require_region(user: Actor, region_code: str) -> None:
    access_write_region(user, PROGRAM, region_code, message=_("无权在该区域维护新能源数据"))


def _require_object(user: Actor, obj) -> None:
    access_write_object(user, PROGRAM, obj, message=_("无权修改该记录"))


#: Device kinds with one device for the whole station: it carries the station's full rating.
_STATION_WIDE_KINDS = (DeviceKind.GRID_METER, DeviceKind.EMS)
#: Device kinds that measure, not convert: no rated power.
_UNRATED_KINDS = (DeviceKind.CELLS, DeviceKind.AUXILIARY, DeviceKind.MET_MAST)

#: (device kind, device code, point code) → the station's point.
_PointKey = tuple[str, str, str]


@transaction.atomic
def station_create(
    *,
    acting_user: Actor,
    code: str,
    name: str,
    kind: str,
    region: Region,
    capacity_mw: Decimal,
    commissioned_on: date,
    grid_capacity_mw: Decimal | None = None,
    organisation: Organisation | None = None,
    device_counts: dict[str, int] | None = None,
    **attributes: object,
) -> Station:
    """Create a station with the standard devices and points of its kind, and its default alarm rules.

    ``device_counts`` overrides how many devices of a template are created (e.g. ``{"wtg": 10}``).
    The grid meter's ``P_kW`` becomes the station's output point; a storage station's EMS
    ``SOC_pct`` its SOC point.
    """
    _require_region(acting_user, region.code)
    station = Station(
        code=code,
        name=name,
        kind=kind,
        region=region,
        organisation=organisation,
        capacity_mw=capacity_mw,
        grid_capacity_mw=capacity_mw if grid_capacity_mw is None else grid_capacity_mw,
        commissioned_on=commissioned_on,
        **attributes,
    )
    audited_save(station, acting_user=acting_user, reason=_("新建电站"))
    points = _station_devices_create(station, device_counts or {}, acting_user=acting_user)
    _points_create(points, acting_user=acting_user)
    by_key = {
        (p.device.kind, p.device.code, p.code): p
        for p in Point.objects.filter(device__station=station).select_related("device")
    }
    _station_points_set(station, by_key, acting_user=acting_user)
    _station_default_rules_create(station, by_key, acting_user=acting_user)
    _registry_changed()
    return station


def _device_rated_kw(template: catalogue.DeviceTemplate, count: int, station_kw: float) -> float:
    """A device's share of the station's rating: all of it for a station-wide device, none for a sensor."""
    if template.kind in _UNRATED_KINDS:
        return 0.0
    if template.kind in _STATION_WIDE_KINDS or count == 0:
        return station_kw
    return station_kw / count


def _device_points(device: Device, template: catalogue.DeviceTemplate, rated_kw: float) -> list[Point]:
    """The (unsaved) points of the device's kind, valid ranges scaled to its rating where the template says."""
    points = []
    for pt in catalogue.POINTS[template.kind]:
        scale = rated_kw if pt.per_rated_kw else 1.0
        points.append(
            Point(
                device=device,
                code=pt.code,
                name=pt.name,
                quantity=pt.quantity,
                unit=pt.unit,
                value_type=pt.value_type,
                valid_min=None if pt.valid_min is None else pt.valid_min * scale,
                valid_max=None if pt.valid_max is None else pt.valid_max * scale,
                sample_seconds=template.sample_seconds,
            )
        )
    return points


def _station_devices_create(station: Station, counts: dict[str, int], *, acting_user: Actor) -> list[Point]:
    """Save the standard devices of the station's kind; return their points, not yet saved."""
    station_kw = float(station.capacity_mw) * 1000.0
    points: list[Point] = []
    for template in catalogue.STATION_DEVICES[station.kind]:
        n = counts.get(template.code, template.count)
        rated_kw = _device_rated_kw(template, n, station_kw)
        for device_code, device_name in catalogue.device_codes(template, n):
            device = Device(
                station=station,
                code=device_code,
                name=device_name,
                kind=template.kind,
                rated_kw=Decimal(str(round(rated_kw, 3))) if rated_kw else None,
            )
            audited_save(device, acting_user=acting_user)
            points.extend(_device_points(device, template, rated_kw))
    return points


def _points_create(points: list[Point], *, acting_user: Actor) -> None:
    """Validate and save the points in one statement, with their history rows."""
    for point in points:
        point.full_clean()
    Point.objects.bulk_create(points)
    # bulk_create skips simple-history: record the creation explicitly.
    Point.history.bulk_history_create(
        points, default_user=recorded_user(acting_user), default_change_reason=_("新建电站")
    )


def _find_point(by_key: dict[_PointKey, Point], device_kind: str, point_code: str) -> Point:
    return next(p for (dk, _dc, pc), p in by_key.items() if dk == device_kind and pc == point_code)


def _station_points_set(station: Station, by_key: dict[_PointKey, Point], *, acting_user: Actor) -> None:
    """The grid meter's active power is the station's output; a storage station's EMS SOC its SOC point."""
    station.output_point = _find_point(by_key, DeviceKind.GRID_METER, "P_kW")
    if station.kind == StationKind.STORAGE:
        station.soc_point = _find_point(by_key, DeviceKind.EMS, "SOC_pct")
    audited_save(station, acting_user=acting_user, reason=_("设置并网点测点"))


def _station_default_rules_create(
    station: Station, by_key: dict[_PointKey, Point], *, acting_user: Actor
) -> None:
    """:data:`DEFAULT_RULES` on every matching point, and a low-SOC rule below the storage SOC window."""
    for device_kind, point_code, rule_kind, threshold, deadband, level in DEFAULT_RULES:
        for (dk, _dc, pc), point in by_key.items():
            if dk == device_kind and pc == point_code:
                audited_save(
                    AlarmRule(
                        point=point, kind=rule_kind, threshold=threshold, deadband=deadband, level=level
                    ),
                    acting_user=acting_user,
                )
    if station.soc_point is not None and station.soc_min and station.soc_min > 0:
        # Below the SOC window: the BMS should never let it happen.
        audited_save(
            AlarmRule(
                point=station.soc_point,
                kind=AlarmRule.Kind.LOW,
                threshold=float(station.soc_min) * 100 - 1,
                deadband=1,
                level=AlarmLevel.ABNORMAL,
            ),
            acting_user=acting_user,
        )


@transaction.atomic
def alarm_rule_create(
    *,
    acting_user: Actor,
    point: Point,
    kind: str,
    threshold: float,
    deadband: float = 0.0,
    level: str = AlarmLevel.LIMIT,
) -> AlarmRule:
    _require_object(acting_user, point)
    rule = audited_save(
        AlarmRule(point=point, kind=kind, threshold=threshold, deadband=deadband, level=level),
        acting_user=acting_user,
    )
    _registry_changed()
    return rule


@transaction.atomic
def alarm_rule_update(
    *, acting_user: Actor, rule: AlarmRule, threshold: float, deadband: float, enabled: bool
) -> AlarmRule:
    _require_object(acting_user, rule)
    rule.threshold, rule.deadband, rule.enabled = threshold, deadband, enabled
    audited_save(rule, acting_user=acting_user, reason=_("修改告警规则"))
    _registry_changed()
    return rule


@transaction.atomic
def alarm_acknowledge(*, acting_user: Actor, alarm: Alarm) -> Alarm:
    """Acknowledge an alarm (确认); acknowledging twice keeps the first acknowledgement."""
    _require_object(acting_user, alarm)
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = timezone.now()
        alarm.acknowledged_by = recorded_user(acting_user)
        audited_save(alarm, acting_user=acting_user, reason=_("确认告警"))
    return alarm


@transaction.atomic
def alarm_open_ticket(*, acting_user: Actor, alarm: Alarm):
    """Open a workflow ticket for an alarm (once) and link it; returns the ticket."""
    _require_object(acting_user, alarm)
    from countyworks.workflow import services as workflow_services

    alarm = Alarm.objects.select_for_update().select_related("station").get(pk=alarm.pk)
    if alarm.ticket_id:
        raise ValidationError(_("该告警已关联工单"))
    station = alarm.station
    ticket = workflow_services.ticket_open(
        subject=alarm,
        title=f"{station.name}：{alarm.message}"[:128],
        category="equipment",
        region=station.region,
        policy_code=ALARM_TICKET_POLICY,
        acting_user=acting_user,
        description=_("%(level)s告警，发生于 %(at)s。")
        % {"level": alarm.level, "at": f"{timezone.localtime(alarm.raised_at):%Y-%m-%d %H:%M:%S}"},
        priority="high" if alarm.level == AlarmLevel.ACCIDENT else "normal",
        owner_person=station.contact,
        organisation=station.organisation,
        program=PROGRAM,
    )
    alarm.ticket_id = ticket.pk
    audited_save(alarm, acting_user=acting_user, reason=_("告警转工单"))
    return ticket


def storage_params(station: Station, **overrides: object) -> StorageParams:
    """The dispatch LP's parameters of a storage station (its rating, efficiencies and SOC window)."""
    values: dict[str, object] = {
        "power_mw": float(station.capacity_mw),
        "energy_mwh": float(station.energy_mwh or 0),
        "eta_charge": float(station.eta_charge or 0),
        "eta_discharge": float(station.eta_discharge or 0),
        "soc_min": float(station.soc_min or 0),
        "soc_max": float(station.soc_max or 0),
    }
    values.update(overrides)
    return StorageParams(**values)  # type: ignore[arg-type]


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL_TZ)


def _front_loaded(values: np.ndarray, prices: np.ndarray, power: float) -> np.ndarray:
    """Re-spread one direction's energy over each run of equal prices from the run's start at full power."""
    out = np.zeros_like(values)
    start = 0
    n = len(values)
    while start < n:
        end = start
        while end + 1 < n and prices[end + 1] == prices[start]:
            end += 1
        total = float(values[start : end + 1].sum())
        i = start
        while total > 1e-9 and i <= end:
            out[i] = min(power, total)
            total -= out[i]
            i += 1
        start = end + 1
    return out


def contiguous_schedule(
    charge: np.ndarray,
    discharge: np.ndarray,
    prices: np.ndarray,
    params: StorageParams,
    soc_start: float,
    step_h: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """An equally optimal schedule that runs at full power from the start of each equal-price run.

    LP optima are degenerate inside a run of equal prices (any split of the same energy earns the
    same); operators run a storage plant continuously instead of switching it on and off. Moving
    charge (or discharge) earlier inside a run where the plant only charges (or only discharges)
    keeps the SOC between its values at the run's ends, so the window still holds; the SOC is
    recomputed and checked, and None is returned when a run mixes directions or a bound would break.
    """
    if np.any((charge > 1e-9) & (discharge > 1e-9)):
        return None
    new_c = _front_loaded(charge, prices, params.power_mw)
    new_d = _front_loaded(discharge, prices, params.power_mw)
    if np.any((new_c > 1e-9) & (new_d > 1e-9)):
        return None
    energy = params.energy_mwh
    soc = (
        soc_start
        + np.cumsum(params.eta_charge * new_c * step_h - new_d * step_h / params.eta_discharge) / energy
    )
    if soc.min() < params.soc_min - 1e-7 or soc.max() > params.soc_max + 1e-7:
        return None
    return new_c, new_d, np.clip(soc, params.soc_min, params.soc_max)


def plan_day(
    station: Station,
    day: date,
    *,
    tariff: str,
    base_price: Decimal,
    step_minutes: int,
    soc_initial: float,
    max_cycles_per_day: float | None,
) -> tuple[dict[str, object], float]:
    """Solve one day's arbitrage schedule on a time-of-use tariff: (steps, revenue [元]).

    ``steps`` holds ``charge_mw``, ``discharge_mw``, ``soc`` (end of each step, fraction of E) and
    ``soc_start``, one entry per step from local midnight (see :func:`contiguous_schedule`).
    """
    prices = tariff_prices(
        tariff, float(base_price), day, day + timedelta(days=1), timedelta(minutes=step_minutes)
    )
    params = storage_params(station, soc_initial=soc_initial, max_cycles_per_day=max_cycles_per_day)
    result = solve_dispatch(prices, params)
    charge, discharge, soc = result.schedule.charge_mw, result.schedule.discharge_mw, result.schedule.soc
    tidy = contiguous_schedule(charge, discharge, prices.values, params, result.soc_start, prices.step_h)
    if tidy is not None:
        charge, discharge, soc = tidy
    steps = {
        "charge_mw": np.round(charge, 6).tolist(),
        "discharge_mw": np.round(discharge, 6).tolist(),
        "soc": np.round(soc, 6).tolist(),
        "soc_start": round(result.soc_start, 6),
    }
    return steps, round(result.revenue_yuan, 2)


@transaction.atomic
def day_ahead_schedule_plan(
    *,
    acting_user: Actor,
    station: Station,
    day: date,
    tariff: str = "hunan-tou-a",
    base_price: Decimal = Decimal("0.5"),
    step_minutes: int = 15,
    soc_initial: float | None = None,
    max_cycles_per_day: float | None = 1.0,
) -> DayAheadSchedule:
    """Solve a day's arbitrage schedule on the time-of-use tariff and store it (replacing any).

    The station starts and ends the day at ``soc_initial`` (default its SOC floor), and makes at most
    ``max_cycles_per_day`` equivalent cycles (一充一放 by default).
    """
    _require_object(acting_user, station)
    if not station.is_storage:
        raise ValidationError(_("只有储能电站有日前计划"))
    if soc_initial is None:
        assert station.soc_min is not None, "Station.clean requires a storage station's SOC window"
        soc_initial = float(station.soc_min)
    steps, revenue = plan_day(
        station,
        day,
        tariff=tariff,
        base_price=base_price,
        step_minutes=step_minutes,
        soc_initial=soc_initial,
        max_cycles_per_day=max_cycles_per_day,
    )
    schedule = DayAheadSchedule.objects.filter(station=station, day=day).first() or DayAheadSchedule(
        station=station, day=day
    )
    schedule.tariff, schedule.base_price, schedule.step_minutes = tariff, base_price, step_minutes
    schedule.revenue_yuan = revenue
    schedule.steps = steps
    return audited_save(schedule, acting_user=acting_user, reason=_("日前计划"))


def _chart_of(result: DispatchResult, prices: TimeSeries, max_points: int = 2000) -> dict[str, list]:
    """The schedule down-sampled to at most ``max_points`` steps (means per group) for charts."""
    n = len(prices)
    group = max(1, -(-n // max_points))
    labels = prices.local_iso()[::group]

    def pooled(values: np.ndarray) -> list[float]:
        pad = (-len(values)) % group
        padded = np.concatenate((values, np.full(pad, np.nan)))
        means = np.asarray(np.nanmean(padded.reshape(-1, group), axis=1))  # an array, not a scalar
        return np.round(means, 3).tolist()

    return {
        "x": [label[:16].replace("T", " ") for label in labels],
        "charge_mw": pooled(result.schedule.charge_mw),
        "discharge_mw": pooled(result.schedule.discharge_mw),
        "soc": pooled(result.schedule.soc * 100),
        "price": pooled(prices.values),
    }


@transaction.atomic
def dispatch_scenario_run(
    *,
    acting_user: Actor,
    station: Station,
    name: str,
    prices: TimeSeries,
    params: StorageParams,
    inputs: dict[str, object],
    peak_shaving: PeakShaving | None = None,
) -> DispatchScenario:
    """Solve a dispatch scenario with HiGHS and save its inputs, figures and a chart of the schedule.

    Raises :class:`~countyworks.energy.timeseries.EnergyInputError` for inputs the LP refuses.
    """
    _require_object(acting_user, station)
    result = solve_dispatch(prices, params, peak_shaving=peak_shaving)
    figures = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.figures().items()}
    figures["steps"] = len(prices)
    figures["step_minutes"] = round(prices.step_h * 60)
    scenario = DispatchScenario(
        name=name[:80],
        station=station,
        inputs={**inputs, "params": asdict(params)},
        figures=figures,
        chart=_chart_of(result, prices),
        created_by=recorded_user(acting_user),
    )
    return audited_save(scenario, acting_user=acting_user, reason=_("调度测算"))


@transaction.atomic
def approval_step_update(
    *, acting_user: Actor, step: ApprovalStep, status: str, done_on: date | None = None, note: str = ""
) -> ApprovalStep:
    """Record the progress of one approval step; the project status follows its steps."""
    _require_object(acting_user, step)
    step.status, step.done_on, step.note = status, done_on, note
    audited_save(step, acting_user=acting_user, reason=_("审批进度"))
    project = step.project
    statuses = dict(project.steps.values_list("step", "status"))
    done = {name for name, value in statuses.items() if value == ApprovalStep.Status.DONE}
    if ApprovalStep.Step.CONNECTION in done:
        new_status: str = Project.Status.CONNECTED
    elif project.status == Project.Status.SUSPENDED:
        new_status = project.status
    elif ApprovalStep.Step.GRID_ACCESS in done:
        new_status = Project.Status.BUILDING
    elif any(value != ApprovalStep.Status.PENDING for value in statuses.values()):
        new_status = Project.Status.APPROVING
    else:
        new_status = Project.Status.PLANNED
    if project.status != new_status:
        project.status = new_status
        audited_save(project, acting_user=acting_user, reason=_("审批进度"))
    return step


@transaction.atomic
def project_create(
    *,
    acting_user: Actor,
    name: str,
    kind: str,
    region: Region,
    capacity_mw: Decimal,
    investment_yuan: Decimal,
    eco_constraints: list[str] | None = None,
    green_channel: bool = False,
    owner=None,
    developer: Organisation | None = None,
    planned_connection: date | None = None,
    note: str = "",
) -> Project:
    """Add a project to the plan with its five approval steps (立项, 用地, 环评, 接入, 并网), all pending."""
    _require_region(acting_user, region.code)
    project = audited_save(
        Project(
            name=name,
            kind=kind,
            region=region,
            capacity_mw=capacity_mw,
            investment_yuan=investment_yuan,
            eco_constraints=eco_constraints or [],
            green_channel=green_channel,
            owner=owner,
            developer=developer,
            planned_connection=planned_connection,
            note=note,
        ),
        acting_user=acting_user,
    )
    for step in ApprovalStep.ORDER:
        audited_save(ApprovalStep(project=project, step=step, owner=owner), acting_user=acting_user)
    return project


@transaction.atomic
def boiler_replacement_record(
    *, acting_user: Actor, boiler: BoilerReplacement, replaced_by: str, replaced_on: date, fuel_supplier=None
) -> BoilerReplacement:
    """Record that a coal boiler was replaced (by biomass, gas or electricity) on a date."""
    _require_object(acting_user, boiler)
    boiler.replaced_by, boiler.replaced_on, boiler.fuel_supplier = replaced_by, replaced_on, fuel_supplier
    return audited_save(boiler, acting_user=acting_user, reason=_("锅炉替代"))


def rollups_rebuild(*, station: Station, first: date, last: date, now: datetime | None = None) -> int:
    """Recompute every rollup level of ``station``'s points over local days ``first``..``last`` from raw data.

    Idempotent (:func:`countyworks.energy.store.rebuild_rollups`), one transaction. Refused for days
    whose raw readings the retention policy has already deleted (their rollups are all that is
    left). Returns the readings aggregated. The platform's own operation (CLI, periodic task).
    """
    if last < first:
        raise ValidationError(_("结束日期早于开始日期"))
    horizon = store.raw_kept_from(timezone.localtime(now or timezone.now()).date())
    if first < horizon:
        raise ValidationError(
            _("%(day)s 之前的原始读数已按保留期限删除，不能重算") % {"day": horizon.isoformat()}
        )
    point_ids = list(Point.objects.filter(device__station=station).values_list("pk", flat=True))
    with transaction.atomic():
        count = store.rebuild_rollups(point_ids, first, last)
    logger.info(
        "rebuilt the rollups of station %s from %s to %s: %d readings", station.code, first, last, count
    )
    return count
