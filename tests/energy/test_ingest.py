"""The ingestion path: validation, idempotent storage, rollups, quarantine (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from countyworks.energy.ingest import ingest_messages
from countyworks.energy.models import Measurement, PointLatest, QuarantinedMessage, Rollup
from tests.energy.conftest import message

T0 = datetime(2023, 7, 24, 19, 0, tzinfo=UTC)


def test_readings_are_stored_once_and_rolled_up(storage):
    msgs = [
        message("xinwan-ess", "meter", T0 + timedelta(seconds=i), {"P_kW": 100000.0, "f_Hz": 50.0})
        for i in range(120)
    ]
    report = ingest_messages(msgs)
    assert (report.messages, report.readings, report.stored, report.quarantined) == (120, 240, 240, 0)
    again = ingest_messages(msgs)
    assert (again.stored, again.duplicates) == (0, 240)
    point = storage.output_point
    assert Measurement.objects.filter(point=point).count() == 120
    minutes = Rollup.objects.filter(point=point, step=60).order_by("bucket")
    assert [m.count for m in minutes] == [60, 60]
    hour = Rollup.objects.get(point=point, step=3600)
    assert hour.count == 120
    assert hour.integral_pos == pytest.approx(100000.0 * 120 / 3600)  # kWh: 100 MW for two minutes
    assert hour.integral_neg == 0
    day = Rollup.objects.get(point=point, step=86400)
    assert day.bucket == datetime(2023, 7, 24, 16, 0, tzinfo=UTC)  # 2023-07-25 00:00 Asia/Shanghai
    latest = PointLatest.objects.get(point=point)
    assert latest.ts == T0 + timedelta(seconds=119)


def test_out_of_order_and_late_readings_are_accepted(storage):
    late = [
        message("xinwan-ess", "meter", T0 + timedelta(seconds=s), {"P_kW": -50000.0}) for s in (30, 10, 20)
    ]
    ingest_messages(late[:1])
    report = ingest_messages(late[1:])
    assert report.stored == 2
    hour = Rollup.objects.get(point=storage.output_point, step=3600)
    assert (hour.count, hour.minimum, hour.integral_neg) == (3, -50000.0, pytest.approx(50000.0 * 3 / 3600))
    assert PointLatest.objects.get(point=storage.output_point).ts == T0 + timedelta(seconds=30)


def test_duplicate_inside_one_batch_counts_once(storage):
    one = message("xinwan-ess", "meter", T0, {"P_kW": 1.0})
    report = ingest_messages([one, one])
    assert (report.stored, report.duplicates) == (1, 1)
    assert Rollup.objects.get(point=storage.output_point, step=60).count == 1


def test_period_decides_energy_and_levels(storage):
    ingest_messages([message("xinwan-ess", "meter", T0, {"P_kW": 100000.0}, period_s=3600)])
    levels = set(Rollup.objects.filter(point=storage.output_point).values_list("step", flat=True))
    assert levels == {3600, 86400}  # an hourly reading is not put in minute buckets
    assert Rollup.objects.get(point=storage.output_point, step=86400).integral_pos == pytest.approx(100000.0)


MALFORMED = [
    ("countyworks/430981/xinwan-ess/meter/telemetry", b"{not json", "JSON"),
    ("countyworks/430981/xinwan-ess/meter/telemetry", b"[1, 2]", "JSON 对象"),
    (
        "countyworks/430981/nowhere/meter/telemetry",
        b'{"ts": "2023-07-24T19:00:00+08:00", "points": {"P_kW": 1}}',
        "未登记",
    ),
    (
        "countyworks/431302/xinwan-ess/meter/telemetry",
        b'{"ts": "2023-07-24T19:00:00+08:00", "points": {"P_kW": 1}}',
        "不属于",
    ),
    ("countyworks/430981/xinwan-ess/meter/status", b"{}", "主题格式"),
    ("countyworks/430981/xinwan-ess/meter/telemetry", b'{"points": {"P_kW": 1}}', "ts"),
    (
        "countyworks/430981/xinwan-ess/meter/telemetry",
        b'{"ts": "2023-07-24 19:00", "points": {"P_kW": 1}}',
        "时区",
    ),
    (
        "countyworks/430981/xinwan-ess/meter/telemetry",
        b'{"ts": "2999-01-01T00:00:00+08:00", "points": {"P_kW": 1}}',
        "晚于",
    ),
    (
        "countyworks/430981/xinwan-ess/meter/telemetry",
        b'{"ts": "1970-01-01T00:00:00Z", "points": {"P_kW": 1}}',
        "早于",
    ),
    (
        "countyworks/430981/xinwan-ess/meter/telemetry",
        b'{"ts": "2023-07-24T19:00:00+08:00", "points": {}}',
        "points",
    ),
    (
        "countyworks/430981/xinwan-ess/meter/telemetry",
        b'{"ts": "2023-07-24T19:00:00+08:00", "period_s": 0, "points": {"P_kW": 1}}',
        "period_s",
    ),
    ("countyworks/430981/xinwan-ess/meter/telemetry", b"\xff\xfe", "JSON"),
]


@pytest.mark.parametrize(("topic", "payload", "reason"), MALFORMED)
def test_malformed_messages_are_quarantined_with_reason(storage, topic, payload, reason):
    report = ingest_messages([(topic, payload), message("xinwan-ess", "meter", T0, {"P_kW": 5.0})])
    assert (report.quarantined, report.stored) == (1, 1)
    row = QuarantinedMessage.objects.get()
    assert reason in row.reason
    assert bytes(row.payload) == payload
    assert not row.partial


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ({"P_kW": "12"}, "类型错误"),
        ({"P_kW": True}, "布尔"),
        ({"P_kW": float("nan")}, "非有限"),
        ({"P_kW": float("inf")}, "非有限"),
        ({"P_kW": 1e12}, "有效上限"),
        ({"nope": 1.0}, "未登记的测点"),
    ],
)
def test_bad_readings_are_quarantined_and_the_rest_stored(storage, points, reason):
    body = {"ts": "2023-07-24T19:00:00+08:00", "points": {**points, "f_Hz": 50.0}}
    payload = json.dumps(body).encode()  # json.dumps writes NaN/Infinity as Python does
    report = ingest_messages([("countyworks/430981/xinwan-ess/meter/telemetry", payload)])
    assert (report.stored, report.quarantined, report.rejected_readings) == (1, 1, 1)
    row = QuarantinedMessage.objects.get()
    assert reason in row.reason and row.partial
    assert row.station_id == storage.pk


def test_value_types_of_integer_and_switch_points(storage):
    ts = "2023-07-24T19:00:00+08:00"
    ok = ingest_messages([message("xinwan-ess", "aux", ts, {"fire_alarm": False, "door_open": 1})])
    assert ok.stored == 2
    bad = ingest_messages(
        [message("xinwan-ess", "pcs01", ts, {"state": 1.5}), message("xinwan-ess", "aux", ts, {"hvac_on": 2})]
    )
    assert bad.rejected_readings == 2


def test_quarantine_keeps_the_consumer_going_for_a_corpus(storage):
    corpus = [(t, p) for t, p, _r in MALFORMED] * 20
    good = [message("xinwan-ess", "meter", T0 + timedelta(seconds=i), {"P_kW": 1.0}) for i in range(50)]
    report = ingest_messages(corpus + good)
    assert report.quarantined == len(corpus)
    assert report.stored == 50


def test_far_future_uses_the_clock_of_the_call(storage):
    now = timezone.now()
    report = ingest_messages(
        [message("xinwan-ess", "meter", now + timedelta(minutes=4), {"P_kW": 1.0})], now=now
    )
    assert report.stored == 1
    report = ingest_messages(
        [message("xinwan-ess", "meter", now + timedelta(minutes=6), {"P_kW": 1.0})], now=now
    )
    assert report.quarantined == 1
