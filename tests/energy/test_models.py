"""Stations, devices, points and plans: invariants and the station template."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from countyworks.core.actors import SYSTEM
from countyworks.energy import services
from countyworks.energy.models import AlarmRule, ApprovalStep, Device, Point, Station, StationKind


def _station(xinwan, **overrides) -> Station:
    values = dict(
        code="s1",
        name="s1",
        kind=StationKind.WIND,
        region=xinwan,
        capacity_mw=Decimal("10"),
        grid_capacity_mw=Decimal("10"),
        commissioned_on=date(2022, 1, 1),
    )
    values.update(overrides)
    return Station(**values)


def test_storage_station_needs_its_rating_and_window(xinwan):
    with pytest.raises(ValidationError) as exc:
        _station(xinwan, kind=StationKind.STORAGE).full_clean()
    assert {"energy_mwh", "eta_charge", "soc_min"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        _station(
            xinwan,
            kind=StationKind.STORAGE,
            energy_mwh=Decimal(20),
            eta_charge=Decimal("0.9"),
            eta_discharge=Decimal("0.9"),
            soc_min=Decimal("0.9"),
            soc_max=Decimal("0.1"),
        ).full_clean()
    assert "soc_max" in exc.value.message_dict


def test_grid_capacity_cannot_exceed_installed(xinwan):
    with pytest.raises(ValidationError) as exc:
        _station(xinwan, grid_capacity_mw=Decimal("11")).full_clean()
    assert "grid_capacity_mw" in exc.value.message_dict


def test_fishery_pv_needs_water_area_and_wind_speed_its_height(xinwan):
    with pytest.raises(ValidationError) as exc:
        _station(xinwan, kind=StationKind.PV_FISHERY).full_clean()
    assert "water_area_mu" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _station(xinwan, mean_wind_speed_ms=Decimal("2.44")).full_clean()
    assert "wind_speed_height_m" in exc.value.message_dict


def test_station_template_creates_devices_points_and_rules(storage):
    codes = set(Device.objects.filter(station=storage).values_list("code", flat=True))
    assert codes == {"meter", "ems", "pcs01", "pcs02", "bms01", "bms02", "cells", "aux"}
    assert storage.output_point.code == "P_kW" and storage.output_point.device.code == "meter"
    assert storage.soc_point.code == "SOC_pct" and storage.soc_point.device.code == "ems"
    # valid range of P scales with the rating: ±1.5 × 100 MW at the meter, per PCS half of it
    assert storage.output_point.valid_max == pytest.approx(150_000)
    assert Point.objects.get(device__code="pcs01", code="P_kW").valid_max == pytest.approx(75_000)
    kinds = set(AlarmRule.objects.filter(point__device__station=storage).values_list("point__code", "kind"))
    assert ("P_kW", "comm_loss") in kinds and ("T_max_C", "high") in kinds and ("fire_alarm", "high") in kinds
    # a SOC window starting at 0 needs no "below the window" rule
    assert not AlarmRule.objects.filter(point=storage.soc_point).exists()


def test_station_creation_is_audited(storage):
    assert storage.history.first().history_change_reason
    assert Point.history.filter(id=storage.output_point_id).exists()


def test_operator_outside_the_area_cannot_create_a_station(louxing, xinwan):
    with pytest.raises(Exception) as exc:
        services.station_create(
            acting_user=louxing,
            code="x",
            name="x",
            kind="wind",
            region=xinwan,
            capacity_mw=Decimal(1),
            commissioned_on=date(2022, 1, 1),
        )
    assert "无权" in str(exc.value)


def test_approval_step_done_needs_a_date(storage):
    project = services.project_create(
        acting_user=SYSTEM,
        name="黄茅洲风电项目",
        kind="wind",
        region=storage.region,
        capacity_mw=Decimal(100),
        investment_yuan=Decimal(620_000_000),
    )
    assert [s.step for s in project.steps.order_by("id")] == list(ApprovalStep.ORDER)
    step = project.steps.get(step="approval")
    with pytest.raises(ValidationError):
        services.approval_step_update(acting_user=SYSTEM, step=step, status="done")
    services.approval_step_update(acting_user=SYSTEM, step=step, status="done", done_on=date(2023, 3, 1))
    project.refresh_from_db()
    assert project.status == "approving"
    for name in ("land", "eia", "grid_access", "connection"):
        services.approval_step_update(
            acting_user=SYSTEM, step=project.steps.get(step=name), status="done", done_on=date(2024, 1, 1)
        )
    project.refresh_from_db()
    assert project.status == "connected"
