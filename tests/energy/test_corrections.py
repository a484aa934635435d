"""Corrected readings and rollups rebuilt from raw data (SQLite and PostgreSQL).

A wind farm (50 MW) reports one hourly reading (period 3600 s) for each hour of 2023-07-24
(Asia/Shanghai): 50 000 kW → 24 × 50 MWh = 1 200 MWh that day. Hand-computed after a correction
of 10:00 to 20 000 kW: 23 × 50 + 20 = 1 170 MWh; after the raw reading of 11:00 is deleted and
the day rebuilt: 1 170 − 50 = 1 120 MWh. The brief, which covers whole periods only, is checked on
the whole of July at 50 MW: 37 200 MWh, and 37 170 MWh after the correction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from countyworks.cli import main
from countyworks.core.briefs import brief_text
from countyworks.core.periods import Period
from countyworks.energy import statistics, store
from countyworks.energy.ingest import ingest_messages
from countyworks.energy.models import Measurement, MeasurementVersion, PointLatest, Rollup
from tests.energy.conftest import message

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2023, 7, 24)
HOURS = [datetime(2023, 7, 24, h, tzinfo=SH) for h in range(24)]


@pytest.fixture(autouse=True)
def keep_raw_readings(settings):
    """The test day is years back: keep its raw readings under the retention policy."""
    settings.ENERGY_RAW_RETENTION_DAYS = 36500


def _hourly(value_at):
    return [message("yj-wind-1", "meter", ts, {"P_kW": value_at(ts)}, period_s=3600) for ts in HOURS]


def _day_mwh(wind) -> float:
    return statistics.area_summary([wind], Period.parse("2023-07")).centralised.energy_mwh


def _rollups(point):
    return sorted(
        Rollup.objects.filter(point=point).values_list(
            "step", "bucket", "count", "total", "minimum", "maximum", "integral_pos", "integral_neg"
        )
    )


@pytest.fixture
def day_of_wind(wind):
    report = ingest_messages(_hourly(lambda ts: 50000.0))
    assert report.stored == 24
    return wind


def test_redelivery_of_the_same_value_is_still_a_noop(day_of_wind):
    before = _rollups(day_of_wind.output_point)
    again = ingest_messages(_hourly(lambda ts: 50000.0))
    assert (again.stored, again.duplicates, again.corrected) == (0, 24, 0)
    assert not MeasurementVersion.objects.exists()
    assert _rollups(day_of_wind.output_point) == before


def test_a_correction_is_versioned_and_moves_the_brief(day_of_wind):
    wind = day_of_wind
    assert _day_mwh(wind) == pytest.approx(1200)
    corrected_at = HOURS[10]
    report = ingest_messages([message("yj-wind-1", "meter", corrected_at, {"P_kW": 20000.0}, period_s=3600)])
    assert (report.stored, report.duplicates, report.corrected) == (0, 0, 1)
    assert Measurement.objects.get(point=wind.output_point, ts=corrected_at).value == 20000.0
    (version,) = MeasurementVersion.objects.all()
    assert (version.point_id, version.ts, version.value, version.period_s) == (
        wind.output_point_id,
        corrected_at,
        50000.0,
        3600,
    )
    assert _day_mwh(wind) == pytest.approx(1170)  # 23 × 50 + 20
    hour = Rollup.objects.get(point=wind.output_point, step=3600, bucket=corrected_at)
    assert (hour.count, hour.total, hour.minimum, hour.maximum) == (1, 20000.0, 20000.0, 20000.0)
    day = Rollup.objects.get(point=wind.output_point, step=86400)
    assert (day.count, day.minimum, day.maximum) == (24, 20000.0, 50000.0)
    # the same corrected value again: a no-op
    again = ingest_messages([message("yj-wind-1", "meter", corrected_at, {"P_kW": 20000.0}, period_s=3600)])
    assert (again.duplicates, again.corrected) == (1, 0)
    assert MeasurementVersion.objects.count() == 1


def test_the_month_brief_moves_with_a_correction(day_of_wind):
    """The brief covers whole periods only: the rest of July at 50 MW too, 31 × 1 200 = 37 200 MWh;
    10:00 of the 24th corrected to 20 MW gives 37 200 − 30 = 37 170 MWh."""
    month = [
        datetime(2023, 7, day, hour, tzinfo=SH)
        for day in range(1, 32)
        if day != DAY.day
        for hour in range(24)
    ]
    ingest_messages([message("yj-wind-1", "meter", ts, {"P_kW": 50000.0}, period_s=3600) for ts in month])
    assert "发电 3,720万 kWh" in brief_text("energy", "430981", Period.parse("2023-07"))
    ingest_messages([message("yj-wind-1", "meter", HOURS[10], {"P_kW": 20000.0}, period_s=3600)])
    assert "发电 3,717万 kWh" in brief_text("energy", "430981", Period.parse("2023-07"))


def test_a_correction_of_the_latest_reading_updates_the_latest_value(day_of_wind):
    ingest_messages([message("yj-wind-1", "meter", HOURS[-1], {"P_kW": 1.0}, period_s=3600)])
    assert PointLatest.objects.get(point=day_of_wind.output_point).value == 1.0


def test_rebuild_from_raw_is_idempotent_and_counts_deleted_raw_rows(day_of_wind, capsys):
    wind = day_of_wind
    ingest_messages([message("yj-wind-1", "meter", HOURS[10], {"P_kW": 20000.0}, period_s=3600)])
    incremental = _rollups(wind.output_point)
    argv = ["rollup", "--rebuild", "--station", "yj-wind-1", "--from", "2023-07-24", "--to", "2023-07-24"]
    assert main(argv) == 0
    assert "rebuilt from 24 readings" in capsys.readouterr().out
    rebuilt = _rollups(wind.output_point)
    assert len(rebuilt) == len(incremental)  # 24 hourly + 96 quarter (empty ones absent) + day
    for a, b in zip(rebuilt, incremental, strict=True):
        assert a[:6] == b[:6] and a[6:] == pytest.approx(b[6:])
    assert main(argv) == 0
    assert _rollups(wind.output_point) == rebuilt
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM energy_measurement WHERE point_id = %s AND ts = %s",
            [wind.output_point_id, connection.ops.adapt_datetimefield_value(HOURS[11])],
        )
    assert _day_mwh(wind) == pytest.approx(1170)  # rollups were written at ingestion only…
    assert main(argv) == 0
    assert _day_mwh(wind) == pytest.approx(1120)  # …until rebuilt from raw
    assert not Rollup.objects.filter(point=wind.output_point, step=3600, bucket=HOURS[11]).exists()


def test_rebuild_refuses_days_whose_raw_readings_are_gone(day_of_wind, settings, capsys):
    settings.ENERGY_RAW_RETENTION_DAYS = 90
    argv = ["rollup", "--rebuild", "--station", "yj-wind-1", "--from", "2023-07-24", "--to", "2023-07-24"]
    assert main(argv) == 1
    assert "原始读数已按保留期限删除" in capsys.readouterr().err
    assert Rollup.objects.filter(point=day_of_wind.output_point).exists()
    assert main([*argv[:3], "nowhere", *argv[4:]]) == 1


def test_rebuild_recomputes_every_level_of_days_without_period(day_of_wind):
    """Rows stored before periods were recorded count for the point's sampling period."""
    point = day_of_wind.output_point
    Measurement.objects.filter(point=point).update(period_s=None)
    point.sample_seconds = 3600
    point.save()
    before = _rollups(point)
    with store.transaction.atomic():
        assert store.rebuild_rollups([point.pk], DAY, DAY + timedelta(days=1)) == 24
    after = _rollups(point)
    assert [r[:6] for r in after] == [r[:6] for r in before]


def test_the_nightly_task_rebuilds_yesterday(wind):
    from django.utils import timezone

    from countyworks.energy.tasks import energy_rollups_rebuild

    yesterday = timezone.localdate() - timedelta(days=1)
    hours = [datetime(yesterday.year, yesterday.month, yesterday.day, h, tzinfo=SH) for h in (8, 9)]
    ingest_messages([message("yj-wind-1", "meter", ts, {"P_kW": 50000.0}, period_s=3600) for ts in hours])
    Measurement.objects.filter(point=wind.output_point, ts=hours[1]).delete()
    assert Rollup.objects.get(point=wind.output_point, step=86400).integral_pos == pytest.approx(100000)
    assert energy_rollups_rebuild.call_local() == 1
    assert Rollup.objects.get(point=wind.output_point, step=86400).integral_pos == pytest.approx(50000)
