"""Alarm rules (threshold with deadband, rate of change, communication loss), device alarms, acknowledgement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404

from countyworks.core.actors import SYSTEM
from countyworks.energy import alarms, selectors, services
from countyworks.energy.ingest import ingest_messages
from countyworks.energy.models import Alarm, AlarmRule, Point
from tests.energy.conftest import alarm_message, message

T0 = datetime(2023, 7, 24, 11, 0, tzinfo=UTC)


def _temps(*values: float, start: datetime = T0, step: int = 600):
    """Cell temperatures every ``step`` seconds (10 min by default: slow enough for the rate rule)."""
    return [
        message("xinwan-ess", "cells", start + timedelta(seconds=step * i), {"T_max_C": v})
        for i, v in enumerate(values)
    ]


def test_threshold_raises_once_and_clears_below_the_deadband(storage):
    # rule: T_max_C > 45 °C with a 2 °C deadband (越限)
    report = ingest_messages(_temps(40, 46, 47, 44))  # 44 is inside the deadband: still active
    assert report.alarms_raised == 1
    alarm = Alarm.objects.get(code="T_MAX_C_HIGH")
    assert (alarm.level, alarm.value, alarm.cleared_at) == ("越限", 46.0, None)
    assert alarm.raised_at == T0 + timedelta(minutes=10)
    report = ingest_messages(_temps(42.5, start=T0 + timedelta(minutes=40)))
    assert report.alarms_cleared == 1
    alarm.refresh_from_db()
    assert alarm.cleared_at == T0 + timedelta(minutes=40)
    assert "超过上限 45" in alarm.message


def test_raise_and_clear_in_one_batch_leaves_a_cleared_alarm_to_acknowledge(storage):
    ingest_messages(_temps(46, 30, step=1200))
    alarm = Alarm.objects.get(code="T_MAX_C_HIGH")
    assert alarm.cleared_at is not None and alarm.acknowledged_at is None


def test_late_readings_do_not_move_the_state(storage):
    ingest_messages(_temps(30, start=T0 + timedelta(minutes=10)))
    report = ingest_messages(_temps(60))  # from before the latest reading
    assert report.stored == 1 and report.alarms_raised == 0


def test_rate_of_change(storage):
    # rule: T_max_C changing faster than 1 °C/min (异常)
    report = ingest_messages(_temps(30.0, 30.05, 30.1, step=5))  # 0.6 °C/min
    assert report.alarms_raised == 0
    report = ingest_messages(_temps(31.0, start=T0 + timedelta(seconds=40)))  # 0.9 °C in 30 s = 1.8 °C/min
    assert report.alarms_raised == 1
    assert Alarm.objects.get().code == "T_MAX_C_RATE"
    ingest_messages(_temps(31.05, start=T0 + timedelta(seconds=100)))  # 0.05 °C/min: back under 1 − 0.5
    assert Alarm.objects.get().cleared_at is not None


def test_communication_loss_is_raised_by_the_check_and_cleared_by_data(storage):
    now = datetime.now(UTC)
    ingest_messages(
        [message("xinwan-ess", "meter", now - timedelta(seconds=120), {"P_kW": 1.0})],
        now=now - timedelta(seconds=120),
    )
    assert alarms.check_communication_loss(now).raised == 1
    assert alarms.check_communication_loss(now).raised == 0  # one open alarm per rule
    alarm = Alarm.objects.get(code="P_KW_COMM_LOSS")
    assert alarm.level == "异常" and "通信中断" in alarm.message
    report = ingest_messages([message("xinwan-ess", "meter", now, {"P_kW": 1.0})], now=now)
    assert report.alarms_cleared == 1
    alarm.refresh_from_db()
    assert alarm.cleared_at == now


def test_station_without_any_data_is_reported_silent(storage):
    assert alarms.check_communication_loss().raised == 1


def test_device_alarms_from_the_gateway(storage):
    report = ingest_messages([alarm_message("xinwan-ess", "aux", T0, "DOOR_OPEN", "变位", "raise")])
    assert report.device_alarms == 1 and report.alarms_raised == 1
    ingest_messages([alarm_message("xinwan-ess", "aux", T0, "DOOR_OPEN", "变位", "raise")])  # redelivery
    assert Alarm.objects.filter(code="DOOR_OPEN").count() == 1
    ingest_messages(
        [alarm_message("xinwan-ess", "aux", T0 + timedelta(minutes=3), "DOOR_OPEN", "变位", "clear")]
    )
    alarm = Alarm.objects.get(code="DOOR_OPEN")
    assert alarm.source == "device" and alarm.cleared_at == T0 + timedelta(minutes=3)


def test_bad_alarm_message_is_quarantined(storage):
    report = ingest_messages([alarm_message("xinwan-ess", "aux", T0, "X", "严重", "raise")])
    assert report.quarantined == 1 and not Alarm.objects.exists()


def test_rule_changes_take_effect_at_once(storage):
    point = Point.objects.get(device__station=storage, device__code="meter", code="U_kV")
    services.alarm_rule_create(
        acting_user=SYSTEM, point=point, kind=AlarmRule.Kind.HIGH, threshold=121.0, deadband=1.0
    )
    report = ingest_messages([message("xinwan-ess", "meter", T0, {"U_kV": 122.0})])
    assert report.alarms_raised == 1


def test_acknowledge_is_audited_and_scoped(storage, yuanjiang_officer, louxing):
    ingest_messages(_temps(50))
    alarm = Alarm.objects.get()
    with pytest.raises(Http404):
        selectors.alarm_get(user=louxing, pk=alarm.pk, action="write")
    services.alarm_acknowledge(acting_user=yuanjiang_officer, alarm=alarm)
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == yuanjiang_officer
    assert alarm.history.first().history_user == yuanjiang_officer
    first = alarm.acknowledged_at
    services.alarm_acknowledge(acting_user=yuanjiang_officer, alarm=alarm)
    alarm.refresh_from_db()
    assert alarm.acknowledged_at == first


def test_alarm_opens_a_workflow_ticket(storage, yuanjiang_officer):
    from countyworks.core.models import Person

    storage.contact = Person.objects.create(name="刘鹏", region=storage.region)
    storage.save()
    ingest_messages(_temps(50))
    alarm = Alarm.objects.get()
    ticket = services.alarm_open_ticket(acting_user=yuanjiang_officer, alarm=alarm)
    alarm.refresh_from_db()
    assert alarm.ticket_id == ticket.pk
    assert ticket.subject == alarm and ticket.program == "energy"
    # Round the clock: 4 natural hours, nights and holidays included.
    assert ticket.policy.code == "alarm-24x7"
    assert ticket.resolution_due - ticket.created_at == timedelta(hours=4)
    with pytest.raises(Exception, match="已关联工单"):
        services.alarm_open_ticket(acting_user=yuanjiang_officer, alarm=alarm)
