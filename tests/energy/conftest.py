"""Energy fixtures: stations in 沅江市 (430981) and in 娄星区 (431302), and message builders."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Region, Role
from countyworks.energy import services, store
from countyworks.energy.ingest import invalidate_registry
from tests.conftest import make_user

XINWAN = "430981100"


@pytest.fixture(autouse=True)
def _fresh_registry():
    """Each test sees its own stations: drop the per-process caches (the database is rolled back)."""
    invalidate_registry()
    store.forget_partitions()
    cache.clear()  # the control room caches today's finished 15-minute slots by point ids
    yield
    invalidate_registry()
    store.forget_partitions()


@pytest.fixture
def xinwan(db) -> Region:
    region, _ = Region.objects.get_or_create(
        code=XINWAN, defaults={"name": "新湾镇", "level": "town", "parent_id": "430981"}
    )
    return region


@pytest.fixture
def storage(xinwan):
    return services.station_create(
        acting_user=SYSTEM,
        code="xinwan-ess",
        name="新湾镇储能电站",
        kind="storage",
        region=xinwan,
        capacity_mw=Decimal("100"),
        commissioned_on=date(2021, 12, 30),
        energy_mwh=Decimal("200"),
        eta_charge=Decimal("0.88"),
        eta_discharge=Decimal("1"),
        soc_min=Decimal("0"),
        soc_max=Decimal("1"),
        chemistry="LFP",
        device_counts={"pcs": 2, "bms": 2},
    )


@pytest.fixture
def wind(xinwan):
    return services.station_create(
        acting_user=SYSTEM,
        code="yj-wind-1",
        name="沅江风电场一期",
        kind="wind",
        region=xinwan,
        capacity_mw=Decimal("50"),
        commissioned_on=date(2020, 6, 30),
        hub_height_m=Decimal("140"),
        mean_wind_speed_ms=Decimal("2.44"),
        wind_speed_height_m=Decimal("10"),
        device_counts={"wtg": 2},
    )


@pytest.fixture
def louxing_station(db):
    return services.station_create(
        acting_user=SYSTEM,
        code="lx-pv",
        name="娄星光伏电站",
        kind="pv_ground",
        region=Region.objects.get(code="431302"),
        capacity_mw=Decimal("20"),
        commissioned_on=date(2021, 1, 1),
        device_counts={"inv": 1},
    )


@pytest.fixture
def yuanjiang_officer(db):
    return make_user("yuanjiang", Role.OFFICER, "430981")


@pytest.fixture
def operator_xinwan(db, xinwan):
    return make_user("operator", Role.OPERATOR, XINWAN)


def message(
    station: str,
    device: str,
    ts: datetime | str,
    points: dict,
    *,
    region: str = "430981",
    kind: str = "telemetry",
    period_s: int | None = None,
    seq: int | None = None,
) -> tuple[str, bytes]:
    """One telemetry message as a gateway publishes it."""
    body: dict[str, object] = {"ts": ts if isinstance(ts, str) else ts.isoformat(), "points": points}
    if period_s is not None:
        body["period_s"] = period_s
    if seq is not None:
        body["seq"] = seq
    return f"countyworks/{region}/{station}/{device}/{kind}", json.dumps(body).encode()


def alarm_message(
    station: str, device: str, ts: datetime, code: str, level: str, state: str, region: str = "430981"
):
    body = {"ts": ts.isoformat(), "code": code, "level": level, "state": state, "message": f"{code} {state}"}
    return f"countyworks/{region}/{station}/{device}/alarm", json.dumps(body, ensure_ascii=False).encode()
