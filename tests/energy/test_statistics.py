"""Statistics from telemetry (docs/rules/energy-statistics.md §3): energy, capacity, full-load hours, share, storage, series."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from countyworks.core.actors import SYSTEM
from countyworks.core.periods import Period
from countyworks.energy import services, statistics
from countyworks.energy.ingest import ingest_messages
from tests.energy.conftest import message

SH = ZoneInfo("Asia/Shanghai")


def _hourly(station: str, day: date, powers_mw: list[float], device: str = "meter", point: str = "P_kW"):
    start = datetime(day.year, day.month, day.day, tzinfo=SH)
    return [
        message(
            station,
            device,
            start + timedelta(hours=h),
            {point: p * (1000 if point == "P_kW" else 1)},
            period_s=3600,
        )
        for h, p in enumerate(powers_mw)
    ]


@pytest.fixture
def rooftop(xinwan):
    return services.station_create(
        acting_user=SYSTEM,
        code="dpv",
        name="分布式光伏",
        kind="pv_rooftop",
        region=xinwan,
        capacity_mw=Decimal("20"),
        commissioned_on=date(2023, 7, 16),
    )


def test_generation_capacity_full_load_hours_and_share(wind, rooftop):
    # wind 50 MW: 25 MW for 24 h on each of 2 days; rooftop 20 MW: 10 MW for 6 h on one day
    for day in (date(2023, 7, 20), date(2023, 7, 21)):
        ingest_messages(_hourly("yj-wind-1", day, [25.0] * 24))
    ingest_messages(_hourly("dpv", date(2023, 7, 20), [0.0] * 9 + [10.0] * 6 + [0.0] * 9))
    summary = statistics.area_summary([wind, rooftop], Period.parse("2023-07"), with_previous=False)
    assert summary.centralised.energy_mwh == pytest.approx(1200.0)
    assert summary.generation.energy_mwh == pytest.approx(1260.0)
    assert summary.share_percent == pytest.approx(100 * 1200 / 1260)
    assert summary.centralised.grid_capacity_mw == 50.0
    assert summary.generation.grid_capacity_mw == 70.0  # both in service at the period's end
    # full-load hours weight capacity by days in service: rooftop from 16 July = 16 of 31 days
    assert summary.by_kind["wind"].full_load_hours == pytest.approx(1200 / 50)
    assert summary.by_kind["pv_rooftop"].full_load_hours == pytest.approx(60 / (20 * 16 / 31))


def test_year_over_year(wind):
    ingest_messages(_hourly("yj-wind-1", date(2022, 7, 20), [10.0] * 24))
    ingest_messages(_hourly("yj-wind-1", date(2023, 7, 20), [15.0] * 24))
    summary = statistics.area_summary([wind], Period.parse("2023-07"))
    assert summary.centralised.yoy_percent == Decimal("50.0")


def test_storage_figures_and_best_day(storage):
    day = date(2023, 7, 24)
    power = [0.0] * 24
    power[0:2] = [-100.0, -100.0]
    power[2] = -27.27272727
    power[19:21] = [100.0, 100.0]
    ingest_messages(_hourly("xinwan-ess", day, power))
    ingest_messages(_hourly("xinwan-ess", day + timedelta(days=1), [0.0] * 19 + [60.0] + [0.0] * 4))
    soc = [0.0] + [50.0] * 20 + [0.0] * 3
    ingest_messages(_hourly("xinwan-ess", day, soc, device="ems", point="SOC_pct"))
    figures = statistics.storage_figures(storage, date(2023, 7, 24), date(2023, 7, 26))
    assert figures.discharged_mwh == pytest.approx(260.0)
    assert figures.charged_mwh == pytest.approx(227.27272727)
    assert figures.cycles == pytest.approx(1.3)
    assert figures.round_trip == pytest.approx(260 / 227.27272727)
    assert (figures.best_day, figures.best_day_mwh, figures.best_day_count) == (day, pytest.approx(200.0), 1)
    assert (figures.best_day_peak_mw, figures.best_day_hours_at_peak) == (pytest.approx(100.0), 2.0)
    assert figures.soc_start == 0.0


def test_generation_series_by_day_and_kind(wind, rooftop):
    ingest_messages(_hourly("yj-wind-1", date(2023, 7, 20), [25.0] * 24))
    ingest_messages(_hourly("dpv", date(2023, 7, 21), [10.0] * 3))
    labels, series = statistics.generation_series(
        [wind, rooftop], date(2023, 7, 20), date(2023, 7, 23), "day", "kind"
    )
    assert labels == ["2023-07-20", "2023-07-21", "2023-07-22"]
    assert series == {"分布式光伏": [0.0, 30.0, 0.0], "风电场": [600.0, 0.0, 0.0]}
    labels, series = statistics.generation_series(
        [wind, rooftop], date(2023, 1, 1), date(2024, 1, 1), "month", "station"
    )
    assert len(labels) == 12 and series["沅江风电场一期"][6] == 600.0


def test_storage_is_not_generation(storage, wind):
    ingest_messages(_hourly("xinwan-ess", date(2023, 7, 24), [100.0] * 2))
    summary = statistics.area_summary([storage, wind], Period.parse("2023"), with_previous=False)
    assert summary.generation.energy_mwh == 0
    assert summary.share_percent is None
    assert [s.discharged_mwh for s in summary.storage] == [pytest.approx(200.0)]
