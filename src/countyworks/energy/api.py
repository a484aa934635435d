"""Energy API under /api/v1/energy/: stations, live figures, history, alarms, statistics — scoped like the pages.

The same access gate as the pages (:mod:`countyworks.core.permissions`): energy not open to the
caller → 404, an object outside their area → 404, a write they may not make → 403.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from countyworks.core.api_params import ObjectId, Pagination
from countyworks.core.http import api_user
from countyworks.core.periods import InvalidPeriod, Period
from countyworks.core.permissions import access_program_or_404
from countyworks.energy import selectors, services
from countyworks.energy.carbon import carbon_figures, default_factor_set
from countyworks.energy.store import DAY

router = Router(tags=["energy"])


def _member(request: HttpRequest) -> None:
    access_program_or_404(api_user(request), selectors.PROGRAM)


class StationOut(Schema):
    code: str
    name: str
    kind: str
    region_id: str
    organisation_id: int | None
    capacity_mw: float
    grid_capacity_mw: float
    commissioned_on: date
    decommissioned_on: date | None
    energy_mwh: float | None


class LiveOut(Schema):
    code: str
    power_mw: float | None
    reactive_mvar: float | None
    soc_pct: float | None
    ts: datetime | None
    comm_ok: bool
    state: str
    today_delivered_mwh: float
    today_drawn_mwh: float
    active_alarms: int
    unacked_alarms: int


class SeriesOut(Schema):
    code: str
    step_s: int
    buckets: list[datetime]
    power_mw: list[float | None]
    soc_pct: list[float | None] | None


class AlarmOut(Schema):
    id: int
    station: str
    level: str
    code: str
    message: str
    value: float | None
    raised_at: datetime
    cleared_at: datetime | None
    acknowledged_at: datetime | None
    ticket_id: int | None


class GroupOut(Schema):
    label: str
    stations: int
    capacity_mw: float
    grid_capacity_mw: float
    energy_mwh: float
    full_load_hours: float | None


class StorageOut(Schema):
    code: str
    charged_mwh: float
    discharged_mwh: float
    cycles: float
    round_trip: float | None
    soc_start: float | None
    soc_end: float | None


class CarbonOut(Schema):
    factors: str
    kwh: float
    coal_t: float | None
    co2_t: float


class StatisticsOut(Schema):
    period: str
    centralised: GroupOut
    generation: GroupOut
    share_percent: float | None
    by_kind: dict[str, GroupOut]
    storage: list[StorageOut]
    carbon: list[CarbonOut]


def _station_out(s) -> dict:
    return {
        "code": s.code,
        "name": s.name,
        "kind": s.kind,
        "region_id": s.region_id,
        "organisation_id": s.organisation_id,
        "capacity_mw": float(s.capacity_mw),
        "grid_capacity_mw": float(s.grid_capacity_mw),
        "commissioned_on": s.commissioned_on,
        "decommissioned_on": s.decommissioned_on,
        "energy_mwh": float(s.energy_mwh) if s.energy_mwh is not None else None,
    }


def _live_out(row) -> dict:
    return {
        "code": row.station.code,
        "power_mw": row.power_mw,
        "reactive_mvar": row.reactive_mvar,
        "soc_pct": row.soc_pct,
        "ts": row.ts,
        "comm_ok": row.comm_ok,
        "state": row.state,
        "today_delivered_mwh": row.today_delivered_mwh,
        "today_drawn_mwh": row.today_drawn_mwh,
        "active_alarms": row.active_alarms,
        "unacked_alarms": row.unacked_alarms,
    }


def _alarm_out(a) -> dict:
    return {
        "id": a.pk,
        "station": a.station.code,
        "level": a.level,
        "code": a.code,
        "message": a.message,
        "value": a.value,
        "raised_at": a.raised_at,
        "cleared_at": a.cleared_at,
        "acknowledged_at": a.acknowledged_at,
        "ticket_id": a.ticket_id,
    }


def _group_out(g) -> dict:
    return {
        "label": g.label,
        "stations": g.stations,
        "capacity_mw": g.capacity_mw,
        "grid_capacity_mw": g.grid_capacity_mw,
        "energy_mwh": g.energy_mwh,
        "full_load_hours": g.full_load_hours,
    }


@router.get("/stations", response=list[StationOut])
@paginate(Pagination)
def stations(request: HttpRequest, within: str | None = None):
    _member(request)
    return [_station_out(s) for s in selectors.station_list(user=api_user(request), within=within)]


@router.get("/stations/{code}", response=StationOut)
def station(request: HttpRequest, code: str):
    _member(request)
    return _station_out(selectors.station_get(user=api_user(request), code=code))


@router.get("/live", response=list[LiveOut])
def live(request: HttpRequest, within: str | None = None):
    """Live figures of every station the caller may see (the control room's data)."""
    _member(request)
    rows = selectors.live_stations(list(selectors.station_list(user=api_user(request), within=within)))
    return [_live_out(row) for row in rows]


@router.get("/stations/{code}/live", response=LiveOut)
def station_live(request: HttpRequest, code: str):
    _member(request)
    return _live_out(
        selectors.live_stations([selectors.station_get(user=api_user(request), code=code)], reactive=True)[0]
    )


@router.get("/stations/{code}/series", response=SeriesOut)
def station_series(
    request: HttpRequest,
    code: str,
    start: datetime | None = None,
    end: datetime | None = None,
    step: int | None = None,
):
    """Mean output [MW] (and SOC [%]) per rollup bucket; ``step`` is 60, 900, 3600 or 86400 s (default by span)."""
    _member(request)
    obj = selectors.station_get(user=api_user(request), code=code)
    end = end or timezone.now()
    start = start or end - timedelta(hours=24)
    if start.tzinfo is None or end.tzinfo is None:
        raise HttpError(422, "start and end need a UTC offset")
    if end <= start or end - start > timedelta(days=3660):
        raise HttpError(422, "end must be after start, within ten years")
    if step is not None and step not in (60, 900, 3600, DAY):
        raise HttpError(422, "step must be 60, 900, 3600 or 86400")
    chosen, buckets, power, soc = selectors.history_values(obj, start, end, step)
    return {"code": obj.code, "step_s": chosen, "buckets": buckets, "power_mw": power, "soc_pct": soc}


@router.get("/alarms", response=list[AlarmOut])
@paginate(Pagination)
def alarms(request: HttpRequest, state: str = "open", within: str | None = None):
    _member(request)
    if state not in ("open", "active", "unacked", "all"):
        raise HttpError(422, "state must be open, active, unacked or all")
    return [_alarm_out(a) for a in selectors.alarm_list(user=api_user(request), within=within, state=state)]


@router.post("/alarms/{alarm_id}/ack", response=AlarmOut)
def alarm_ack(request: HttpRequest, alarm_id: ObjectId):
    _member(request)
    alarm = selectors.alarm_get(user=api_user(request), pk=alarm_id)
    return _alarm_out(services.alarm_acknowledge(acting_user=api_user(request), alarm=alarm))


@router.get("/statistics", response=StatisticsOut)
def statistics(request: HttpRequest, period: str, within: str | None = None, factors: str | None = None):
    """Capacity, generation, full-load hours, share, storage and carbon (factor sets named) for a period."""
    _member(request)
    try:
        parsed = Period.parse(period)
    except InvalidPeriod as exc:
        raise HttpError(422, str(exc)) from exc
    _stations, summary = selectors.summary(user=api_user(request), within=within, period=parsed)
    codes = ["article-2023", factors or default_factor_set().code]
    kwh = summary.centralised.energy_mwh * 1000
    try:
        carbon = [carbon_figures(kwh, code) for code in dict.fromkeys(codes)]
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return {
        "period": str(parsed),
        "centralised": _group_out(summary.centralised),
        "generation": _group_out(summary.generation),
        "share_percent": summary.share_percent,
        "by_kind": {kind: _group_out(g) for kind, g in summary.by_kind.items()},
        "storage": [
            {
                "code": s.station.code,
                "charged_mwh": s.charged_mwh,
                "discharged_mwh": s.discharged_mwh,
                "cycles": s.cycles,
                "round_trip": s.round_trip,
                "soc_start": s.soc_start,
                "soc_end": s.soc_end,
            }
            for s in summary.storage
        ],
        "carbon": [
            {"factors": c.factors.code, "kwh": c.kwh, "coal_t": c.coal_t, "co2_t": c.co2_t} for c in carbon
        ],
    }
