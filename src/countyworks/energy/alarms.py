"""Alarm rules: thresholds and rate of change evaluated on each ingested batch, communication loss
checked periodically, and the alarms gateways send on the ``…/alarm`` topic.

An alarm is raised when its condition starts and cleared (复归) when it ends, with a deadband
(回差) against chattering; it stays listed until someone acknowledges it, and can open a workflow
ticket (:func:`countyworks.energy.services.alarm_open_ticket`). At most one alarm per rule (and per
device alarm code) is open at a time; a partial unique index enforces it when consumers race.

Only readings newer than a point's latest stored reading move a rule's state: a late reading
from the past is stored and rolled up, but does not re-raise an alarm that has already ended.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from countyworks.core.actors import SYSTEM
from countyworks.core.services import audited_save
from countyworks.energy.models import Alarm, AlarmRule, PointLatest

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeviceAlarm:
    """An alarm message from a gateway: raise (``active``) or clear (复归) of ``code`` at ``ts``."""

    station_id: int
    device_id: int
    code: str
    level: str
    active: bool
    message: str
    ts: datetime


@dataclass
class Outcome:
    raised: int = 0
    cleared: int = 0


def previous_values(point_ids: Iterable[int]) -> dict[int, tuple[datetime, float]]:
    """The latest stored (ts, value) of each point, before a batch is written."""
    ids = list(point_ids)
    if not ids:
        return {}
    return {
        pid: (ts, value)
        for pid, ts, value in PointLatest.objects.filter(point_id__in=ids).values_list(
            "point_id", "ts", "value"
        )
    }


def _violates(kind: str, threshold: float, value: float) -> bool:
    if kind == AlarmRule.Kind.HIGH:
        return value > threshold
    if kind == AlarmRule.Kind.LOW:
        return value < threshold
    return value > threshold  # RATE: value is the absolute rate [unit/min]


def _back_to_normal(kind: str, threshold: float, deadband: float, value: float) -> bool:
    if kind == AlarmRule.Kind.HIGH:
        return value <= threshold - deadband
    if kind == AlarmRule.Kind.LOW:
        return value >= threshold + deadband
    return value <= max(threshold - deadband, 0.0)


@dataclass(frozen=True)
class Transition:
    """A rule's state change found in a batch: raise (with the triggering value) or clear, at ``ts``."""

    rule_id: int
    raise_: bool
    ts: datetime
    value: float


def rule_transitions(
    rule, is_open: bool, previous: tuple[datetime, float] | None, readings: Sequence[tuple[datetime, float]]
) -> list[Transition]:
    """Walk a point's new readings (sorted by time) through one threshold or rate rule.

    ``rule`` has ``id``, ``kind``, ``threshold`` [unit, or unit/min for rates] and ``deadband``.
    Readings at or before ``previous`` (the latest already stored) are ignored.
    """
    transitions: list[Transition] = []
    state = is_open
    last = previous
    for ts, value in readings:
        if last is not None and ts <= last[0]:
            continue
        if rule.kind == AlarmRule.Kind.RATE:
            if last is None:
                last = (ts, value)
                continue
            minutes = (ts - last[0]).total_seconds() / 60.0
            measure = abs(value - last[1]) / minutes
        else:
            measure = value
        if not state and _violates(rule.kind, rule.threshold, measure):
            transitions.append(Transition(rule.id, True, ts, value))
            state = True
        elif state and _back_to_normal(rule.kind, rule.threshold, rule.deadband, measure):
            transitions.append(Transition(rule.id, False, ts, value))
            state = False
        last = (ts, value)
    return transitions


def _describe(rule: AlarmRule, value: float) -> str:
    point = rule.point
    unit = point.unit
    if rule.kind == AlarmRule.Kind.HIGH:
        return f"{point.device.name} {point.name} {value:g}{unit} 超过上限 {rule.threshold:g}{unit}"
    if rule.kind == AlarmRule.Kind.LOW:
        return f"{point.device.name} {point.name} {value:g}{unit} 低于下限 {rule.threshold:g}{unit}"
    if rule.kind == AlarmRule.Kind.RATE:
        return f"{point.device.name} {point.name} 变化率超过 {rule.threshold:g}{unit}/分钟（当前 {value:g}{unit}）"
    return f"{point.device.name} {point.name} 通信中断超过 {rule.threshold:g} 秒"


def _save_new(alarm: Alarm) -> bool:
    """Create an alarm unless an open one for the same rule/device code exists (a racing consumer)."""
    try:
        with transaction.atomic():
            audited_save(alarm, acting_user=SYSTEM, reason="告警触发")
    except (IntegrityError, ValidationError):
        return False
    return True


def _raise_rule(rule: AlarmRule, ts: datetime, value: float | None, cleared_at: datetime | None) -> bool:
    alarm = Alarm(
        station_id=rule.point.device.station_id,
        device_id=rule.point.device_id,
        point_id=rule.point_id,
        rule=rule,
        source=Alarm.Source.RULE,
        code=f"{rule.point.code}_{rule.kind}".upper()[:40],
        level=rule.level,
        message=_describe(rule, value if value is not None else rule.threshold)[:255],
        value=value,
        raised_at=ts,
        cleared_at=cleared_at,
    )
    return _save_new(alarm)


def _clear(alarm: Alarm, ts: datetime) -> None:
    alarm.cleared_at = max(ts, alarm.raised_at)
    audited_save(alarm, acting_user=SYSTEM, reason="告警复归")


def process_batch(
    *,
    rules: Mapping[int, Sequence],
    previous: Mapping[int, tuple[datetime, float]],
    new_readings: Sequence[tuple[int, datetime, float]],
    device_alarms: Sequence[DeviceAlarm],
    now: datetime,
) -> Outcome:
    """Apply one batch to the alarm state (inside the batch's transaction).

    ``rules`` maps point id → its enabled rules (threshold, rate, communication loss) for the points
    that received readings; ``new_readings`` are the (point, ts, value) rows this batch stored for
    those points. Communication-loss alarms of points that received data are cleared.
    """
    outcome = Outcome()
    by_point: dict[int, list[tuple[datetime, float]]] = {}
    for pid, ts, value in new_readings:
        by_point.setdefault(pid, []).append((ts, value))
    all_rules = [rule for point_rules in rules.values() for rule in point_rules]
    if all_rules:
        open_alarms: dict[int, Alarm] = {
            a.rule_id: a
            for a in Alarm.objects.filter(rule_id__in=[r.id for r in all_rules], cleared_at__isnull=True)
            if a.rule_id is not None
        }
        transitions: list[Transition] = []
        comm_restored: list[int] = []
        for rule in all_rules:
            if rule.kind == AlarmRule.Kind.COMM_LOSS:
                if rule.id in open_alarms:
                    comm_restored.append(rule.id)
                continue
            readings = sorted(by_point.get(rule.point_id, ()))
            if readings:
                transitions.extend(
                    rule_transitions(rule, rule.id in open_alarms, previous.get(rule.point_id), readings)
                )
        if transitions or comm_restored:
            _apply(transitions, comm_restored, open_alarms, now, outcome)
    for message in device_alarms:
        _apply_device_alarm(message, outcome)
    return outcome


def _apply(
    transitions: list[Transition],
    comm_restored: list[int],
    open_alarms: dict[int, Alarm],
    now: datetime,
    outcome: Outcome,
) -> None:
    ids = {t.rule_id for t in transitions}
    rules = {r.id: r for r in AlarmRule.objects.filter(id__in=ids).select_related("point__device")}
    by_rule: dict[int, list[Transition]] = {}
    for t in transitions:
        by_rule.setdefault(t.rule_id, []).append(t)
    for rule_id, steps in by_rule.items():
        rule = rules[rule_id]
        i = 0
        if not steps[0].raise_:  # the open alarm ends
            _clear(open_alarms[rule_id], steps[0].ts)
            outcome.cleared += 1
            i = 1
        while i < len(steps):
            raised = steps[i]
            cleared = steps[i + 1] if i + 1 < len(steps) else None
            if _raise_rule(rule, raised.ts, raised.value, cleared.ts if cleared else None):
                outcome.raised += 1
                outcome.cleared += cleared is not None
            i += 2
    for rule_id in comm_restored:
        _clear(open_alarms[rule_id], now)
        outcome.cleared += 1


def _apply_device_alarm(message: DeviceAlarm, outcome: Outcome) -> None:
    current = Alarm.objects.filter(
        device_id=message.device_id, code=message.code, source=Alarm.Source.DEVICE, cleared_at__isnull=True
    ).first()
    if message.active:
        if current is None and _save_new(
            Alarm(
                station_id=message.station_id,
                device_id=message.device_id,
                source=Alarm.Source.DEVICE,
                code=message.code,
                level=message.level,
                message=message.message or message.code,
                raised_at=message.ts,
            )
        ):
            outcome.raised += 1
    elif current is not None:
        _clear(current, message.ts)
        outcome.cleared += 1


def check_communication_loss(now: datetime | None = None) -> Outcome:
    """Raise a communication-loss alarm for every rule whose point has been silent longer than its threshold.

    Run periodically (the huey task, and every consumer's loop); clearing happens on ingestion, as
    soon as the point reports again.
    """
    now = now or timezone.now()
    outcome = Outcome()
    rules = list(
        AlarmRule.objects.filter(
            kind=AlarmRule.Kind.COMM_LOSS,
            enabled=True,
            point__is_active=True,
            point__device__station__decommissioned_on__isnull=True,
        ).select_related("point__device")
    )
    if not rules:
        return outcome
    latest = dict(
        PointLatest.objects.filter(point_id__in=[r.point_id for r in rules]).values_list(
            "point_id", "received_at"
        )
    )
    open_ids = set(
        Alarm.objects.filter(rule__in=rules, cleared_at__isnull=True).values_list("rule_id", flat=True)
    )
    for rule in rules:
        if rule.id in open_ids:
            continue
        seen = latest.get(rule.point_id)
        if seen is not None and (now - seen).total_seconds() <= rule.threshold:
            continue
        with transaction.atomic():
            if _raise_rule(rule, now, None, None):
                outcome.raised += 1
    if outcome.raised:
        logger.warning("communication loss: %d alarm(s) raised", outcome.raised)
    return outcome
