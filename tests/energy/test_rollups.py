"""Rollups kept up to date incrementally must equal a recomputation from the raw readings."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from countyworks.energy import store
from countyworks.energy.ingest import ingest_messages
from countyworks.energy.models import Measurement, Rollup
from tests.energy.conftest import message

T0 = datetime(2023, 7, 24, 15, 50, tzinfo=UTC)  # 23:50 in Asia/Shanghai: the batch crosses local midnight


def test_bucket_boundaries():
    moment = datetime(2023, 7, 24, 16, 7, 31, tzinfo=UTC)  # 2023-07-25 00:07:31 +08:00
    assert store.bucket_start(moment, 60) == datetime(2023, 7, 24, 16, 7, tzinfo=UTC)
    assert store.bucket_start(moment, 900) == datetime(2023, 7, 24, 16, 0, tzinfo=UTC)
    assert store.bucket_start(moment, 3600) == datetime(2023, 7, 24, 16, 0, tzinfo=UTC)
    assert store.bucket_start(moment, 86400) == datetime(2023, 7, 24, 16, 0, tzinfo=UTC)
    assert store.bucket_start(moment - timedelta(minutes=10), 86400) == datetime(
        2023, 7, 23, 16, 0, tzinfo=UTC
    )


def test_aggregate_splits_positive_and_negative_energy():
    readings = [store.Reading(1, T0, 100.0, 60), store.Reading(1, T0 + timedelta(seconds=1), -50.0, 60)]
    cell = store.aggregate(readings)[(1, 60, int(T0.timestamp()) // 60 * 60)]
    assert cell == [2, 50.0, -50.0, 100.0, pytest.approx(100 / 60), pytest.approx(50 / 60)]


def test_incremental_rollups_equal_recomputation(storage):
    """Random batches, out of order, with redeliveries, across a local day boundary."""
    rng = random.Random(42)
    seconds = list(range(0, 1800, 3))
    rng.shuffle(seconds)
    values = {s: rng.uniform(-100_000, 100_000) for s in seconds}
    msgs = [
        message("xinwan-ess", "meter", T0 + timedelta(seconds=s), {"P_kW": values[s]}, period_s=3)
        for s in seconds
    ]
    batches = [msgs[i : i + 97] for i in range(0, len(msgs), 97)]
    for batch in batches:
        ingest_messages(batch + rng.sample(msgs, 10))  # redeliveries of anything, any time
    assert Measurement.objects.filter(point=storage.output_point).count() == len(seconds)
    expected: dict[tuple[int, datetime], list[float]] = defaultdict(
        lambda: [0, 0.0, float("inf"), float("-inf"), 0.0, 0.0]
    )
    for s, v in values.items():
        ts = T0 + timedelta(seconds=s)
        for step in store.STEPS:
            cell = expected[(step, store.bucket_start(ts, step))]
            cell[0] += 1
            cell[1] += v
            cell[2], cell[3] = min(cell[2], v), max(cell[3], v)
            cell[4] += max(v, 0) * 3 / 3600
            cell[5] += max(-v, 0) * 3 / 3600
    actual = {
        (r.step, r.bucket): [r.count, r.total, r.minimum, r.maximum, r.integral_pos, r.integral_neg]
        for r in Rollup.objects.filter(point=storage.output_point)
    }
    assert set(actual) == set(expected)
    for key, cell in expected.items():
        assert actual[key][0] == cell[0]
        assert actual[key][1:] == pytest.approx(cell[1:], rel=1e-9, abs=1e-6)
    days = Rollup.objects.filter(point=storage.output_point, step=86400).order_by("bucket")
    assert [d.bucket for d in days] == [
        datetime(2023, 7, 23, 16, tzinfo=UTC),
        datetime(2023, 7, 24, 16, tzinfo=UTC),
    ]


def test_retention_deletes_raw_and_fine_rollups_but_keeps_hours_and_days(storage):
    old = datetime(2022, 1, 10, tzinfo=UTC)
    ingest_messages(
        [message("xinwan-ess", "meter", old + timedelta(seconds=i), {"P_kW": 1.0}) for i in range(10)]
    )
    recent = datetime.now(UTC) - timedelta(minutes=5)
    ingest_messages([message("xinwan-ess", "meter", recent, {"P_kW": 1.0})])
    report = store.apply_retention(datetime.now(UTC), raw_days=90, rollup_days={60: 35, 900: 400})
    assert report.raw_deleted == 10 or report.partitions_dropped
    assert Measurement.objects.count() == 1
    steps = set(
        Rollup.objects.filter(bucket__lt=datetime(2022, 2, 1, tzinfo=UTC)).values_list("step", flat=True)
    )
    assert steps == {3600, 86400}
    assert Rollup.objects.filter(bucket__gte=recent - timedelta(hours=1), step=60).exists()


@pytest.mark.postgres
@pytest.mark.skipif("not __import__('django').db.connection.vendor == 'postgresql'")
def test_postgresql_partitions_are_created_on_demand(storage):
    from django.db import connection

    ingest_messages([message("xinwan-ess", "meter", datetime(2021, 3, 5, tzinfo=UTC), {"P_kW": 1.0})])
    assert datetime(2021, 3, 1).date() in store.existing_partitions()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'energy_measurement' AND indexname LIKE '%brin%'"
        )
        assert "brin" in cursor.fetchone()[0]
