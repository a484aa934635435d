"""THE ingestion path: MQTT consumers, the demo's in-process simulator, the demo history loader and
the tests all call :func:`ingest_messages` with ``(topic, payload bytes)`` pairs.

Topics and payloads are documented in docs/telemetry.md::

    countyworks/<region_code>/<station_code>/<device_code>/telemetry
    {"ts": "2023-07-24T19:00:00+08:00", "seq": 42, "period_s": 1, "points": {"P_kW": 100000.0}}
    countyworks/<region_code>/<station_code>/<device_code>/alarm
    {"ts": "...", "code": "T_HIGH", "level": "越限", "state": "raise", "message": "..."}

A message that cannot be used (bad topic, bad JSON, unknown station or device, missing or bad or
far-future timestamp) is quarantined whole with the reason. Readings that fail (unknown point,
wrong type, NaN or infinite, outside the point's physical range) are left out and listed in one
quarantine row for the message, while its good readings are stored (``partial``). A batch is one
transaction: readings, rollups, latest values, quarantine rows and alarms commit together, so a
caller that acknowledges messages only after this function returns never loses one.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from countyworks.core.regions import InvalidRegionCode, significant_prefix
from countyworks.energy import alarms, store
from countyworks.energy.models import AlarmLevel, AlarmRule, Point, QuarantinedMessage, ValueType
from countyworks.energy.store import Reading

logger = logging.getLogger(__name__)

TOPIC_ROOT = "countyworks"
KIND_TELEMETRY = "telemetry"
KIND_ALARM = "alarm"
#: Readings stamped later than now + this are refused (a gateway clock gone wrong).
MAX_CLOCK_SKEW = timedelta(minutes=5)
#: Readings before this are refused as implausible (a gateway clock reset to its epoch).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MAX_PERIOD_S = 86400
#: The registry is re-read at most this often on a miss, and at least this often anyway.
REFRESH_ON_MISS = 5.0
REFRESH_EVERY = 60.0


@dataclass(frozen=True, slots=True)
class PointInfo:
    id: int
    value_type: str
    valid_min: float | None
    valid_max: float | None
    sample_seconds: int


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    station_id: int
    region_code: str
    device_id: int
    points: dict[str, PointInfo]


@dataclass(frozen=True, slots=True)
class RuleInfo:
    id: int
    point_id: int
    station_id: int
    device_id: int
    kind: str
    threshold: float
    deadband: float
    level: str


class Registry:
    """Station, device and point lookup for validation, and the alarm rules, cached per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._devices: dict[tuple[str, str], DeviceInfo] = {}
        self._rules: dict[int, list[RuleInfo]] = {}
        self._loaded_at = -math.inf

    def _load(self) -> None:
        devices: dict[tuple[str, str], DeviceInfo] = {}
        rows = Point.objects.filter(is_active=True).values_list(
            "id",
            "code",
            "value_type",
            "valid_min",
            "valid_max",
            "sample_seconds",
            "device_id",
            "device__code",
            "device__station_id",
            "device__station__code",
            "device__station__region_id",
        )
        points_by_device: dict[tuple[str, str], tuple[int, int, str, dict[str, PointInfo]]] = {}
        for (
            pid,
            code,
            vtype,
            vmin,
            vmax,
            sample,
            device_id,
            device_code,
            station_id,
            station_code,
            region,
        ) in rows:
            entry = points_by_device.setdefault(
                (station_code, device_code), (station_id, device_id, region, {})
            )
            entry[3][code] = PointInfo(pid, vtype, vmin, vmax, sample)
        for key, (station_id, device_id, region, points) in points_by_device.items():
            devices[key] = DeviceInfo(station_id, region, device_id, points)
        rules: dict[int, list[RuleInfo]] = {}
        for rule in AlarmRule.objects.filter(enabled=True, point__is_active=True).values_list(
            "id",
            "point_id",
            "point__device__station_id",
            "point__device_id",
            "kind",
            "threshold",
            "deadband",
            "level",
        ):
            info = RuleInfo(*rule)
            rules.setdefault(info.point_id, []).append(info)
        self._devices, self._rules = devices, rules
        self._loaded_at = time.monotonic()

    def refresh(self, *, force: bool = False, min_age: float = 0.0) -> None:
        with self._lock:
            if force or time.monotonic() - self._loaded_at >= min_age:
                self._load()

    def _ensure_fresh(self) -> None:
        if time.monotonic() - self._loaded_at >= REFRESH_EVERY:
            self.refresh(min_age=REFRESH_EVERY)

    def device(self, station_code: str, device_code: str) -> DeviceInfo | None:
        self._ensure_fresh()
        found = self._devices.get((station_code, device_code))
        if found is None:
            self.refresh(min_age=REFRESH_ON_MISS)
            found = self._devices.get((station_code, device_code))
        return found

    def point(self, device: DeviceInfo, code: str) -> PointInfo | None:
        found = device.points.get(code)
        if found is None and time.monotonic() - self._loaded_at >= REFRESH_ON_MISS:
            self.refresh(min_age=REFRESH_ON_MISS)
            fresh = next((d for d in self._devices.values() if d.device_id == device.device_id), None)
            found = fresh.points.get(code) if fresh else None
        return found

    def rules_for(self, point_ids: Iterable[int]) -> dict[int, list[RuleInfo]]:
        self._ensure_fresh()
        return {pid: self._rules[pid] for pid in point_ids if pid in self._rules}

    @property
    def watched(self) -> frozenset[int]:
        self._ensure_fresh()
        return frozenset(self._rules)

    def invalidate(self) -> None:
        with self._lock:
            self._loaded_at = -math.inf


REGISTRY = Registry()


def invalidate_registry() -> None:
    """Make this process re-read stations, points and rules (services call it after a change)."""
    REGISTRY.invalidate()


@dataclass
class IngestReport:
    """What one call did. ``duplicates`` are valid readings already stored with the same value
    (redeliveries); ``corrected`` are readings already stored with another value (corrections)."""

    messages: int = 0
    readings: int = 0
    stored: int = 0
    duplicates: int = 0
    corrected: int = 0
    quarantined: int = 0
    rejected_readings: int = 0
    device_alarms: int = 0
    alarms_raised: int = 0
    alarms_cleared: int = 0

    def __iadd__(self, other: IngestReport) -> IngestReport:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class _Quarantine:
    topic: str
    payload: bytes
    reasons: list[str]
    partial: bool = False
    station_id: int | None = None
    region_code: str = ""


@dataclass
class _Parsed:
    readings: list[Reading] = field(default_factory=list)
    device_alarms: list[alarms.DeviceAlarm] = field(default_factory=list)
    quarantine: list[_Quarantine] = field(default_factory=list)
    rejected_readings: int = 0


class _Refused(Exception):
    """The whole message is refused; the argument is the reason, ``station_id`` the station if known."""

    station_id: int | None = None


def _reject_constant(name: str) -> float:
    # JSON has no NaN/Infinity; Python's json accepts them. Keep them as floats so the reading is
    # refused with a precise reason instead of the whole message.
    return float(name.replace("Infinity", "inf"))


def _parse_ts(raw: object, now: datetime) -> datetime:
    if not isinstance(raw, str):
        raise _Refused("ts 缺失或不是 ISO 8601 字符串（如 2023-07-24T19:00:00+08:00）")
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise _Refused(f"ts {raw!r} 不是 ISO 8601 时间") from exc
    if moment.tzinfo is None:
        raise _Refused(f"ts {raw!r} 缺少时区偏移（如 +08:00 或 Z）")
    moment = moment.astimezone(UTC)
    if moment > now + MAX_CLOCK_SKEW:
        raise _Refused(
            f"ts {raw} 晚于当前时间 {int(MAX_CLOCK_SKEW.total_seconds())} 秒以上（网关时钟错误？）"
        )
    if moment < EARLIEST:
        raise _Refused(f"ts {raw} 早于 {EARLIEST:%Y-%m-%d}，不可信")
    return moment


def _reading_value(info: PointInfo, code: str, raw: object) -> tuple[float | None, str]:
    """The value as float, or None and the reason it is refused."""
    vtype = info.value_type
    if isinstance(raw, bool):
        if vtype == ValueType.BOOL:
            return float(raw), ""
        return None, f"{code}: 类型错误，应为数值，收到布尔值"
    if not isinstance(raw, int | float):
        return None, f"{code}: 类型错误，应为数值，收到 {type(raw).__name__}"
    value = float(raw)
    if not math.isfinite(value):
        return None, f"{code}: 非有限数值 {raw!r}"
    if vtype in (ValueType.INT, ValueType.BITS) and not value.is_integer():
        return None, f"{code}: 类型错误，应为整数，收到 {raw!r}"
    if vtype == ValueType.BOOL and value not in (0.0, 1.0):
        return None, f"{code}: 类型错误，应为开关量 0/1，收到 {raw!r}"
    if vtype == ValueType.BITS and value < 0:
        return None, f"{code}: 位掩码不能为负数"
    if info.valid_min is not None and value < info.valid_min:
        return None, f"{code}: {value:g} 低于有效下限 {info.valid_min:g}"
    if info.valid_max is not None and value > info.valid_max:
        return None, f"{code}: {value:g} 高于有效上限 {info.valid_max:g}"
    return value, ""


def _parse_one(topic: str, payload: bytes, now: datetime, out: _Parsed) -> None:
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != TOPIC_ROOT or parts[4] not in (KIND_TELEMETRY, KIND_ALARM):
        raise _Refused(f"主题格式应为 {TOPIC_ROOT}/<区划代码>/<电站>/<设备>/telemetry|alarm")
    _root, region_raw, station_code, device_code, kind = parts
    try:
        region = significant_prefix(region_raw)
    except InvalidRegionCode as exc:
        raise _Refused(f"主题中的区划代码 {region_raw!r} 无效") from exc
    device = REGISTRY.device(station_code, device_code)
    if device is None:
        raise _Refused(f"未登记的电站/设备 {station_code}/{device_code}")
    if not device.region_code.startswith(region):
        raise _Refused(f"电站 {station_code} 不属于主题中的区划 {region_raw}")
    try:
        _parse_payload(topic, payload, kind, device, region, now, out)
    except _Refused as exc:
        exc.station_id = device.station_id
        raise


def _parse_payload(
    topic: str, payload: bytes, kind: str, device: DeviceInfo, region: str, now: datetime, out: _Parsed
) -> None:
    try:
        body = json.loads(payload, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _Refused(f"JSON 无法解析：{exc}") from exc
    if not isinstance(body, dict):
        raise _Refused("载荷应为 JSON 对象")
    ts = _parse_ts(body.get("ts"), now)
    if kind == KIND_ALARM:
        out.device_alarms.append(_parse_alarm(body, ts, device))
        return
    seq = body.get("seq")
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 0):
        raise _Refused("seq 应为非负整数")
    period = body.get("period_s")
    if period is not None and (
        isinstance(period, bool)
        or not isinstance(period, int | float)
        or not 0 < period <= MAX_PERIOD_S
        or not float(period).is_integer()
    ):
        raise _Refused(f"period_s 应为 1–{MAX_PERIOD_S} 的整数秒")
    points = body.get("points")
    if not isinstance(points, dict) or not points:
        raise _Refused("points 应为非空对象 {测点编码: 数值}")
    reasons: list[str] = []
    accepted = 0
    for code, raw in points.items():
        info = REGISTRY.point(device, code)
        if info is None:
            reasons.append(f"{code}: 未登记的测点")
            continue
        value, reason = _reading_value(info, code, raw)
        if value is None:
            reasons.append(reason)
            continue
        out.readings.append(
            Reading(info.id, ts, value, int(period) if period is not None else info.sample_seconds)
        )
        accepted += 1
    if reasons:
        out.rejected_readings += len(reasons)
        out.quarantine.append(
            _Quarantine(
                topic,
                payload,
                reasons,
                partial=accepted > 0,
                station_id=device.station_id,
                region_code=region,
            )
        )


def _parse_alarm(body: dict, ts: datetime, device: DeviceInfo) -> alarms.DeviceAlarm:
    code, level, state = body.get("code"), body.get("level"), body.get("state")
    if not isinstance(code, str) or not 0 < len(code) <= 40:
        raise _Refused("告警 code 应为 1–40 个字符")
    if level not in AlarmLevel.values:
        raise _Refused(f"告警 level 应为 {'、'.join(AlarmLevel.values)} 之一")
    if state not in ("raise", "clear"):
        raise _Refused("告警 state 应为 raise 或 clear")
    message = body.get("message", "")
    if not isinstance(message, str):
        raise _Refused("告警 message 应为字符串")
    return alarms.DeviceAlarm(
        device.station_id, device.device_id, code, level, state == "raise", message[:255], ts
    )


def parse_messages(messages: Sequence[tuple[str, bytes]], now: datetime) -> _Parsed:
    """Validate messages into readings, device alarms and quarantine records (no database writes)."""
    out = _Parsed()
    for topic, payload in messages:
        payload = bytes(payload)
        try:
            _parse_one(topic, payload, now, out)
        except _Refused as exc:
            out.quarantine.append(
                _Quarantine(
                    topic, payload, [str(exc)], station_id=exc.station_id, region_code=_region_of(topic)
                )
            )
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the stream
            logger.exception("unexpected error validating a message on %s", topic)
            out.quarantine.append(
                _Quarantine(topic, payload, [f"内部错误：{exc!r}"], region_code=_region_of(topic))
            )
    return out


def _region_of(topic: str) -> str:
    parts = topic.split("/")
    if len(parts) >= 2:
        try:
            return significant_prefix(parts[1])
        except InvalidRegionCode:
            return ""
    return ""


def ingest_messages(messages: Sequence[tuple[str, bytes]], *, now: datetime | None = None) -> IngestReport:
    """Validate and store a batch of MQTT messages in one transaction; returns what happened.

    Idempotent: ingesting the same messages again stores nothing new (``duplicates``), and leaves
    rollups unchanged. A different value for a stored (point, ts) is a correction (``corrected``):
    the earlier value is kept as a version and the rollups of its day are rebuilt
    (:mod:`countyworks.energy.store`). Out-of-order and late readings are accepted (rollups are additive); readings
    stamped more than :data:`MAX_CLOCK_SKEW` in the future are quarantined. Raises only for
    database errors, so the caller can retry the batch and acknowledge nothing meanwhile.
    """
    received_at = now or timezone.now()
    parsed = parse_messages(messages, received_at)
    readings = store.dedupe(parsed.readings)
    report = IngestReport(
        messages=len(messages),
        readings=len(parsed.readings),
        quarantined=len(parsed.quarantine),
        rejected_readings=parsed.rejected_readings,
        device_alarms=len(parsed.device_alarms),
    )
    if store.is_partitioned() and readings:
        store.ensure_partitions(store.months_of(readings))
    watched = REGISTRY.watched
    with transaction.atomic():
        previous = alarms.previous_values({r.point_id for r in readings} & watched)
        batch = store.write_readings(readings, received_at=received_at, watched=watched)
        if parsed.quarantine:
            QuarantinedMessage.objects.bulk_create(
                [
                    QuarantinedMessage(
                        topic=q.topic[:255],
                        payload=q.payload,
                        reason="\n".join(q.reasons),
                        partial=q.partial,
                        station_id=q.station_id,
                        region_code=q.region_code,
                        received_at=received_at,
                    )
                    for q in parsed.quarantine
                ]
            )
        outcome = alarms.process_batch(
            rules=REGISTRY.rules_for({r.point_id for r in readings}),
            previous=previous,
            new_readings=batch.watched,
            device_alarms=parsed.device_alarms,
            now=received_at,
        )
    report.stored = batch.stored
    report.corrected = batch.corrected
    report.duplicates = (
        len(readings) - batch.stored - batch.corrected + (len(parsed.readings) - len(readings))
    )
    report.alarms_raised = outcome.raised
    report.alarms_cleared = outcome.cleared
    return report
