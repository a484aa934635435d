"""The simulator: plausible physics, and every reading it makes passes the ingestion's validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from countyworks.core.actors import SYSTEM
from countyworks.energy import services, simulate
from countyworks.energy.ingest import ingest_messages
from countyworks.energy.models import DayAheadSchedule


def test_wind_speeds_are_weibull_with_the_mean_asked():
    rng = np.random.default_rng(1)
    z = simulate.ou_path(200_000, 1.0, 6.0, rng)
    speed = simulate.latent_to_speed(z, 6.3)
    assert speed.mean() == pytest.approx(6.3, rel=0.03)
    assert np.corrcoef(z[:-1], z[1:])[0, 1] == pytest.approx(np.exp(-1 / 6), abs=0.02)  # persistence


def test_wind_farm_output_follows_the_curve():
    out = simulate.wind_farm_mw(np.array([0.0, 2.0, 7.0, 13.0, 30.0]), 50.0)
    assert out[0] == 0 and out[-1] == 0  # below cut-in, above cut-out
    assert 0 < out[2] < out[3] <= 50.0


def test_pv_is_zero_at_night_and_peaks_near_noon():
    times = pd.date_range("2023-06-21 00:00", periods=24, freq="h", tz="Asia/Shanghai")
    poa = simulate.clear_sky_poa(times, 28.8, 112.4)
    power = simulate.pv_mw(poa, np.ones(24), 10.0)
    assert power[0] == 0 and power[23] == 0
    assert int(np.argmax(power)) in (11, 12, 13) and power.max() <= 10.0


def test_calibration_hits_the_target_exactly():
    base = np.linspace(0, 1, 100)
    series = simulate.calibrate(lambda s: np.clip(base * s, 0, 0.8), 40.0)
    assert series.sum() == pytest.approx(40.0, rel=1e-12)
    assert series.max() <= 0.8 + 1e-6


@pytest.mark.parametrize("kind", ["storage", "wind", "pv"])
def test_every_simulated_reading_is_accepted(kind, storage, wind, louxing_station):
    station = {"storage": storage, "wind": wind, "pv": louxing_station}[kind]
    day = date(2023, 7, 24)
    if kind == "storage":
        services.day_ahead_schedule_plan(
            acting_user=SYSTEM, station=storage, day=day, step_minutes=15, soc_initial=0.0
        )
        plans = {
            (p.station_id, p.day.isoformat()): {**p.steps, "step_minutes": p.step_minutes}
            for p in DayAheadSchedule.objects.all()
        }
        lookup = simulate.planned_power(plans)
    else:
        lookup = None
    sim = simulate.StationSimulator(
        station, simulate.device_map(station), np.random.default_rng(3), schedule=lookup
    )
    start = datetime(2023, 7, 24, 11, 0, tzinfo=UTC)  # 19:00 in Asia/Shanghai: the tip hours
    messages = []
    for i in range(30):
        when = start + timedelta(seconds=2 * i)
        messages += simulate.to_messages(station, when, sim.readings(when, 2, all_devices=True), 2, i)
    report = ingest_messages(messages)
    assert report.quarantined == 0 and report.stored == report.readings > 0
    if kind == "storage":
        assert sim.readings(start, 2)["meter"]["P_kW"] == pytest.approx(
            100_000, rel=0.02
        )  # the plan discharges at 19:00


def test_day_ahead_plan_runs_at_full_power_in_one_block(storage):
    plan = services.day_ahead_schedule_plan(
        acting_user=SYSTEM, station=storage, day=date(2023, 7, 24), step_minutes=60, soc_initial=0.0
    )
    discharge = plan.steps["discharge_mw"]
    assert sum(discharge) == pytest.approx(200.0)
    assert [i for i, d in enumerate(discharge) if d > 0] == [19, 20]  # 100 MW for 2 h from the tip's start
    assert min(plan.steps["soc"]) >= -1e-6 and max(plan.steps["soc"]) <= 1 + 1e-6


def test_simulate_command_refuses_unknown_stations(storage, capsys):
    from countyworks.cli import main

    assert main(["simulate", "--station", "nowhere"]) == 1
    assert "unknown station(s): nowhere" in capsys.readouterr().err
    assert main(["simulate", "--station", "xinwan-ess", "--interval", "0"]) == 1


def test_ingest_command_reports_an_unreachable_broker(db, capsys):
    import socket

    from countyworks.cli import main

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["ingest", "--url", f"mqtt://127.0.0.1:{port}", "--client-id", "x", "--forget-session"]) == 1
    assert "cannot reach the broker" in capsys.readouterr().err
