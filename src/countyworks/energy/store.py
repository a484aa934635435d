"""Batched, idempotent writes of readings and their rollups; PostgreSQL monthly partitions.

One call of :func:`write_readings` stores a batch of readings and, in the same transaction, folds
the readings that were *new* into the 1-min / 15-min / hourly / daily rollups and the latest-value
table. Idempotency is ``INSERT … ON CONFLICT (point_id, ts) DO NOTHING``: a redelivered message
changes nothing, and the rollups add each reading exactly once (a conflicting row is not returned
by ``RETURNING`` and so is never aggregated).

**Corrections.** A reading whose (point, ts) is stored with a *different* value (a gateway or an
operator re-sending a corrected figure) is a correction, handled in the same transaction only when
a batch had conflicting rows (so the ordinary path costs nothing more): the stored value is copied
to ``energy_measurementversion`` with the moment it was superseded, the row takes the new value,
the latest value follows if it was that reading, and every rollup level of the local days concerned
is rebuilt from the raw readings (:func:`rebuild_rollups`). The same value again is still a no-op.
Corrections do not re-evaluate alarms: those fire on live data.

:func:`rebuild_rollups` recomputes every level of a set of points over whole local days from the
raw readings (delete, then aggregate): idempotent, and the way to make late or deleted raw data
count (``countyworks rollup --rebuild``, and the nightly task for yesterday).

- PostgreSQL: the batch is COPYed (binary) into a session temp table, then one statement inserts
  the new rows and upserts the four rollup levels and the latest values from its ``RETURNING``
  set (data-modifying CTEs). ``energy_measurement`` is partitioned by month on ``ts`` with a BRIN
  index on ``ts``; partitions are created ahead by a periodic task and on demand for any month a
  batch touches (under an advisory lock, so several consumers may race safely).
- SQLite (and any other backend): chunked multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING``,
  aggregation in Python, ``executemany`` upserts.

A reading counts in the rollup levels whose bucket is at least as long as its sampling period
(an hourly reading is not put into a 1-minute bucket). Its time integral is value × period
(zero-order hold), split into positive and negative parts: for a kW point, kWh delivered and drawn.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

#: Rollup steps in seconds; the day bucket starts at local (settings.TIME_ZONE) midnight.
STEPS: tuple[int, ...] = (60, 900, 3600, 86400)
DAY = 86400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Upper bound on rows per SQLite statement (3 parameters each, SQLITE_MAX_VARIABLE_NUMBER 32766).
_SQLITE_CHUNK = 5000
_PARTITION_LOCK = 0x656E6572  # "ener": advisory lock key for partition DDL


@dataclass(frozen=True, slots=True)
class Reading:
    """One validated reading: point id, aware timestamp, value, and the sampling period it represents [s]."""

    point_id: int
    ts: datetime
    value: float
    period_s: int


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """What a batch changed: new readings stored, the new readings of the watched points, corrections."""

    stored: int
    watched: list[tuple[int, datetime, float]]
    corrected: int = 0


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@functools.lru_cache(maxsize=4096)
def _day_start_epoch(hour_epoch: int) -> int:
    """Epoch second of the local midnight starting the day that contains the hour ``hour_epoch``."""
    local = datetime.fromtimestamp(hour_epoch, local_tz())
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.timestamp())


def bucket_epoch(epoch: float, step: int) -> int:
    """Start of the bucket of length ``step`` [s] containing ``epoch``; days start at local midnight."""
    whole = int(epoch // 1)
    if step == DAY:
        return _day_start_epoch(whole - whole % 3600)
    return whole - whole % step


def bucket_start(moment: datetime, step: int) -> datetime:
    """Aware UTC start of the bucket of ``step`` seconds containing ``moment``."""
    return datetime.fromtimestamp(bucket_epoch(moment.timestamp(), step), UTC)


# --- partitions (PostgreSQL) ---------------------------------------------------------------------

_known_partitions: set[date] = set()
_known_lock = threading.Lock()


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def month_start(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC).date()
    return moment.replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"energy_measurement_{month:%Y%m}"


def existing_partitions() -> set[date]:
    """Months that have a partition (PostgreSQL), read from the catalogue."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'energy_measurement'"
        )
        names = [row[0] for row in cursor.fetchall()]
    months = set()
    for name in names:
        suffix = name.rsplit("_", 1)[-1]
        if len(suffix) == 6 and suffix.isdigit():
            months.add(date(int(suffix[:4]), int(suffix[4:]), 1))
    return months


def ensure_partitions(months: Iterable[date]) -> list[date]:
    """Create the monthly partitions that do not exist yet (UTC month boundaries); returns those created.

    Safe to call concurrently from several consumers: the DDL runs under a transaction-level
    advisory lock and re-reads the catalogue inside it. A no-op on backends without partitions.
    """
    if not is_partitioned():
        return []
    wanted = {month_start(m) for m in months}
    with _known_lock:
        missing = wanted - _known_partitions
    if not missing:
        return []
    created: list[date] = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PARTITION_LOCK])
            present = existing_partitions()
            for month in sorted(missing - present):
                cursor.execute(
                    f"CREATE TABLE {partition_name(month)} PARTITION OF energy_measurement "  # noqa: S608 - names from dates
                    f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{_next_month(month).isoformat()} 00:00:00+00')"
                )
                created.append(month)
    # Remember them only once committed: a rolled-back transaction takes its DDL with it.
    transaction.on_commit(functools.partial(_remember, wanted | present))
    return created


def _remember(months: set[date]) -> None:
    with _known_lock:
        _known_partitions.update(months)


def measurement_months() -> list[date]:
    """The UTC months that have telemetry (for a backup: the partitions a restore must create)."""
    from countyworks.energy.models import Measurement

    return sorted({month_start(ts) for ts in Measurement.objects.datetimes("ts", "month", tzinfo=UTC)})


def backup_notes() -> dict[str, list[str]]:
    """For the backup manifest (program hook): the months of telemetry, whose partitions a restore
    must create before it loads them."""
    return {"measurement_months": [month.isoformat() for month in measurement_months()]}


def before_restore(notes: dict[str, list[str]]) -> None:
    """Program hook run by a restore after the flush: on PostgreSQL a measurement only inserts into
    its month's partition, so create the archive's months."""
    ensure_partitions(date.fromisoformat(month) for month in notes.get("measurement_months", []))


def ensure_partitions_ahead(today: date, months_ahead: int = 2) -> list[date]:
    """Create this month's partition and the next ``months_ahead`` ones (periodic task)."""
    months = [today.replace(day=1)]
    for _ in range(months_ahead):
        months.append(_next_month(months[-1]))
    return ensure_partitions(months)


def forget_partitions() -> None:
    """Drop the in-process partition cache (after partitions were dropped, and in tests)."""
    with _known_lock:
        _known_partitions.clear()


# --- writes ----------------------------------------------------------------------------------------


def dedupe(readings: Iterable[Reading]) -> list[Reading]:
    """One reading per (point, ts): the last of the batch, the later word (a correction sent right after)."""
    seen: dict[tuple[int, datetime], Reading] = {}
    for reading in readings:
        seen[(reading.point_id, reading.ts)] = reading
    return list(seen.values())


def write_readings(
    readings: Sequence[Reading], *, received_at: datetime, watched: frozenset[int] = frozenset()
) -> StoredBatch:
    """Store a batch (call inside a transaction), update rollups and latest values for the new rows.

    ``readings`` must be unique on (point_id, ts) (see :func:`dedupe`). ``watched`` are point ids
    whose new readings the caller wants back (the alarm rules' points).
    """
    if not readings:
        return StoredBatch(0, [])
    if connection.vendor == "postgresql":
        return _write_postgresql(readings, received_at, watched)
    return _write_generic(readings, received_at, watched)


_PG_BUFFER = (
    "CREATE TEMP TABLE IF NOT EXISTS energy_ingest_buffer "
    "(point_id bigint NOT NULL, ts timestamptz NOT NULL, value float8 NOT NULL, period_s int4 NOT NULL) "
    "ON COMMIT DELETE ROWS"
)


def _pg_rollup_cte(name: str, step: int, bucket_sql: str) -> str:
    # Each level groups the per-minute aggregate ``agg`` (not the readings), so the time-zone
    # arithmetic of the day bucket runs once per point-minute rather than once per reading.
    return f"""{name} AS (
    INSERT INTO energy_rollup AS r (point_id, step, bucket, count, total, minimum, maximum, integral_pos, integral_neg)
    SELECT point_id, {step}, {bucket_sql}, sum(n), sum(total), min(lo), max(hi), sum(pos), sum(neg)
    FROM agg WHERE period_s <= {step} GROUP BY point_id, {bucket_sql}
    ON CONFLICT (point_id, step, bucket) DO UPDATE SET
        count = r.count + EXCLUDED.count, total = r.total + EXCLUDED.total,
        minimum = least(r.minimum, EXCLUDED.minimum), maximum = greatest(r.maximum, EXCLUDED.maximum),
        integral_pos = r.integral_pos + EXCLUDED.integral_pos, integral_neg = r.integral_neg + EXCLUDED.integral_neg
    RETURNING 1)"""  # noqa: S608


def _pg_rollup_ctes() -> list[str]:
    """The rollups of the readings in a CTE named ``fresh`` (point_id, ts, value, period_s): their
    per-minute aggregate ``agg``, then one upsert per step. The ingest and the rebuild share them."""
    # The time zone name comes from settings, never from input; it is passed as a literal because
    # GROUP BY must repeat the exact bucket expression.
    tz = settings.TIME_ZONE.replace("'", "")
    return [
        """agg AS (
    SELECT point_id, date_trunc('minute', ts) AS minute, period_s, count(*) AS n, sum(value) AS total,
           min(value) AS lo, max(value) AS hi,
           sum(greatest(value, 0) * period_s) / 3600.0 AS pos, sum(greatest(-value, 0) * period_s) / 3600.0 AS neg
    FROM fresh GROUP BY point_id, date_trunc('minute', ts), period_s)""",
        _pg_rollup_cte("r1", 60, "minute"),
        _pg_rollup_cte("r2", 900, "date_bin('15 minutes', minute, TIMESTAMPTZ '2000-01-01 00:00:00+00')"),
        _pg_rollup_cte("r3", 3600, "date_trunc('hour', minute)"),
        _pg_rollup_cte("r4", 86400, f"date_trunc('day', minute, '{tz}')"),
    ]


@functools.cache
def _pg_statement() -> str:
    ctes = [
        """new AS (
    INSERT INTO energy_measurement (point_id, ts, value, period_s)
    SELECT point_id, ts, value, period_s FROM energy_ingest_buffer
    ON CONFLICT (point_id, ts) DO NOTHING
    RETURNING point_id, ts, value)""",
        """fresh AS (
    SELECT n.point_id, n.ts, n.value, b.period_s FROM new n
    JOIN energy_ingest_buffer b ON b.point_id = n.point_id AND b.ts = n.ts)""",
        *_pg_rollup_ctes(),
        """latest AS (
    INSERT INTO energy_pointlatest AS l (point_id, ts, value, received_at)
    SELECT DISTINCT ON (point_id) point_id, ts, value, %(received_at)s FROM fresh ORDER BY point_id, ts DESC
    ON CONFLICT (point_id) DO UPDATE SET
        ts = CASE WHEN EXCLUDED.ts >= l.ts THEN EXCLUDED.ts ELSE l.ts END,
        value = CASE WHEN EXCLUDED.ts >= l.ts THEN EXCLUDED.value ELSE l.value END,
        received_at = EXCLUDED.received_at
    RETURNING 1)""",
    ]
    tail = (
        "SELECT 0, NULL::timestamptz, (SELECT count(*) FROM fresh)::float8\n"
        "UNION ALL SELECT point_id, ts, value FROM fresh WHERE point_id = ANY(%(watched)s)"
    )
    return "WITH " + ",\n".join(ctes) + "\n" + tail


def months_of(readings: Iterable[Reading]) -> set[date]:
    """The UTC months a batch touches (computed per distinct timestamp)."""
    return {month_start(ts) for ts in {r.ts for r in readings}}


def _write_postgresql(
    readings: Sequence[Reading], received_at: datetime, watched: frozenset[int]
) -> StoredBatch:
    ensure_partitions(months_of(readings))
    with connection.cursor() as cursor:
        cursor.execute(_PG_BUFFER)
        raw = cursor.cursor
        with raw.copy(
            "COPY energy_ingest_buffer (point_id, ts, value, period_s) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int8", "timestamptz", "float8", "int4"])
            for r in readings:
                copy.write_row((r.point_id, r.ts, r.value, r.period_s))
        cursor.execute(_pg_statement(), {"received_at": received_at, "watched": sorted(watched)})
        rows = cursor.fetchall()
        stored = int(rows[0][2])
        corrected: list[tuple[int, datetime]] = []
        if stored < len(readings):  # some rows were already stored: are any of them corrections?
            cursor.execute(_PG_CORRECT, {"received_at": received_at})
            corrected = [(int(p), ts) for p, ts in cursor.fetchall()]
        cursor.execute("TRUNCATE energy_ingest_buffer")
    _rebuild_corrected(corrected)
    return StoredBatch(stored, [(int(p), ts, float(v)) for p, ts, v in rows[1:]], len(corrected))


#: Run after the batch's insert: every buffered reading whose stored value differs is a correction.
#: (The rows just inserted hold the buffer's values, so they never match.)
_PG_CORRECT = """WITH changed AS (
    SELECT m.point_id, m.ts, m.value AS old_value, m.period_s AS old_period, b.value, b.period_s
    FROM energy_ingest_buffer b JOIN energy_measurement m ON m.point_id = b.point_id AND m.ts = b.ts
    WHERE m.value IS DISTINCT FROM b.value
), archived AS (
    INSERT INTO energy_measurementversion (point_id, ts, value, period_s, superseded_at)
    SELECT point_id, ts, old_value, old_period, %(received_at)s FROM changed
    RETURNING 1
), latest AS (
    UPDATE energy_pointlatest l SET value = c.value FROM changed c
    WHERE l.point_id = c.point_id AND l.ts = c.ts
    RETURNING 1
)
UPDATE energy_measurement m SET value = c.value, period_s = c.period_s FROM changed c
WHERE m.point_id = c.point_id AND m.ts = c.ts
RETURNING m.point_id, m.ts"""


def _sqlite_text(moment: datetime) -> str:
    """The text Django's SQLite backend stores for an aware datetime (naive UTC, ``str()``)."""
    return str(moment.astimezone(UTC).replace(tzinfo=None))


def _write_generic(
    readings: Sequence[Reading], received_at: datetime, watched: frozenset[int]
) -> StoredBatch:
    adapt = connection.ops.adapt_datetimefield_value
    by_key: dict[tuple[int, str], Reading] = {}
    for r in readings:
        # A datetime adapts to its text (only None adapts to None).
        by_key[(r.point_id, str(adapt(r.ts)))] = r
    keys = list(by_key)
    new: list[Reading] = []
    with connection.cursor() as cursor:
        for start in range(0, len(keys), _SQLITE_CHUNK):
            chunk = keys[start : start + _SQLITE_CHUNK]
            params: list[int | float | str | None] = []
            for point_id, ts_text in chunk:
                reading = by_key[(point_id, ts_text)]
                params.extend((point_id, ts_text, reading.value, reading.period_s))
            values = ",".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO energy_measurement (point_id, ts, value, period_s) VALUES {values} "  # noqa: S608 - placeholders only
                "ON CONFLICT (point_id, ts) DO NOTHING RETURNING point_id, ts",
                params,
            )
            new.extend(by_key[(int(p), str(t))] for p, t in cursor.fetchall())
        inserted = {(r.point_id, adapt(r.ts)) for r in new}
        conflicting = [key for key in keys if key not in inserted]
        corrected = _correct_generic(cursor, conflicting, by_key, received_at, adapt) if conflicting else []
        if new:
            _upsert_rollups_generic(cursor, new, adapt)
            _upsert_latest_generic(cursor, new, received_at, adapt)
    _rebuild_corrected(corrected)
    watched_rows = [(r.point_id, r.ts, r.value) for r in new if r.point_id in watched]
    return StoredBatch(len(new), watched_rows, len(corrected))


def _correct_generic(
    cursor, keys: list[tuple[int, str]], by_key: dict[tuple[int, str], Reading], received_at: datetime, adapt
) -> list[tuple[int, datetime]]:
    """Apply the corrections among already stored ``keys``; returns the corrected (point, ts)."""
    changed: list[tuple[Reading, float, int | None]] = []
    for start in range(0, len(keys), _SQLITE_CHUNK):
        chunk = keys[start : start + _SQLITE_CHUNK]
        wanted = " OR ".join(["(point_id = %s AND ts = %s)"] * len(chunk))
        cursor.execute(
            f"SELECT point_id, ts, value, period_s FROM energy_measurement WHERE {wanted}",  # noqa: S608 - placeholders only
            [part for key in chunk for part in key],
        )
        for point_id, ts_text, value, period in cursor.fetchall():
            reading = by_key[(int(point_id), str(ts_text))]
            if value != reading.value:
                changed.append((reading, value, period))
    if not changed:
        return []
    superseded = adapt(received_at)
    cursor.executemany(
        "INSERT INTO energy_measurementversion (point_id, ts, value, period_s, superseded_at) "
        "VALUES (%s, %s, %s, %s, %s)",
        [(r.point_id, adapt(r.ts), old, period, superseded) for r, old, period in changed],
    )
    cursor.executemany(
        "UPDATE energy_measurement SET value = %s, period_s = %s WHERE point_id = %s AND ts = %s",
        [(r.value, r.period_s, r.point_id, adapt(r.ts)) for r, _old, _period in changed],
    )
    cursor.executemany(
        "UPDATE energy_pointlatest SET value = %s WHERE point_id = %s AND ts = %s",
        [(r.value, r.point_id, adapt(r.ts)) for r, _old, _period in changed],
    )
    return [(r.point_id, r.ts) for r, _old, _period in changed]


def raw_kept_from(today: date) -> date:
    """The first local day whose raw readings are all still kept under the retention policy."""
    from countyworks.energy.tasks import retention_policy

    raw_days, _rollup_days = retention_policy()
    return today - timedelta(days=raw_days - 1)


def _rebuild_corrected(corrected: Sequence[tuple[int, datetime]]) -> None:
    """Rebuild every rollup level of the local days the corrected readings fall in.

    A day whose raw readings the retention policy has begun deleting is not rebuilt (its rollups
    are all that is left of it); the correction is stored and logged.
    """
    by_day: dict[date, set[int]] = {}
    for point_id, ts in corrected:
        by_day.setdefault(ts.astimezone(local_tz()).date(), set()).add(point_id)
    kept_from = raw_kept_from(datetime.now(local_tz()).date())
    for day, point_ids in sorted(by_day.items()):
        if day < kept_from:
            logger.warning("correction on %s: raw readings no longer kept, rollups not rebuilt", day)
            continue
        rebuild_rollups(sorted(point_ids), day, day)


def local_day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """[local midnight starting ``first``, local midnight after ``last``)."""
    tz = local_tz()
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def rebuild_rollups(point_ids: Sequence[int], first: date, last: date) -> int:
    """Recompute every rollup level of ``point_ids`` over local days ``first``..``last`` from raw data.

    Deletes the buckets in the range and aggregates the stored readings again (each counts for its
    ``period_s``, or its point's ``sample_seconds`` when it has none): running it twice gives the
    same rows. Call it inside a transaction; returns the readings aggregated.
    """
    if not point_ids:
        return 0
    start, end = local_day_range(first, last)
    ids = sorted(point_ids)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "DELETE FROM energy_rollup WHERE point_id = ANY(%s) AND bucket >= %s AND bucket < %s",
                [ids, start, end],
            )
            cursor.execute(_pg_rebuild_statement(), {"ids": ids, "start": start, "end": end})
            return int(cursor.fetchone()[0])
        adapt = connection.ops.adapt_datetimefield_value
        marks = ",".join(["%s"] * len(ids))
        cursor.execute(
            f"DELETE FROM energy_rollup WHERE point_id IN ({marks}) AND bucket >= %s AND bucket < %s",  # noqa: S608
            [*ids, adapt(start), adapt(end)],
        )
        from countyworks.energy.models import Measurement, Point

        periods = dict(Point.objects.filter(pk__in=ids).values_list("pk", "sample_seconds"))
        readings = [
            Reading(point_id, ts, value, period or periods[point_id])
            for point_id, ts, value, period in Measurement.objects.filter(
                point_id__in=ids, ts__gte=start, ts__lt=end
            ).values_list("point_id", "ts", "value", "period_s")
        ]
        if readings:
            _upsert_rollups_generic(cursor, readings, adapt)
    return len(readings)


@functools.cache
def _pg_rebuild_statement() -> str:
    ctes = [
        """fresh AS (
    SELECT m.point_id, m.ts, m.value, coalesce(m.period_s, p.sample_seconds) AS period_s
    FROM energy_measurement m JOIN energy_point p ON p.id = m.point_id
    WHERE m.point_id = ANY(%(ids)s) AND m.ts >= %(start)s AND m.ts < %(end)s)""",
        *_pg_rollup_ctes(),
    ]
    return "WITH " + ",\n".join(ctes) + "\nSELECT count(*) FROM fresh"


def aggregate(readings: Iterable[Reading]) -> dict[tuple[int, int, int], list[float]]:
    """Rollup deltas of ``readings``: (point, step, bucket epoch) → [count, total, min, max, pos, neg]."""
    acc: dict[tuple[int, int, int], list[float]] = {}
    for r in readings:
        epoch = r.ts.timestamp()
        pos = max(r.value, 0.0) * r.period_s / 3600.0
        neg = max(-r.value, 0.0) * r.period_s / 3600.0
        for step in STEPS:
            if r.period_s > step:
                continue
            key = (r.point_id, step, bucket_epoch(epoch, step))
            cell = acc.get(key)
            if cell is None:
                acc[key] = [1, r.value, r.value, r.value, pos, neg]
            else:
                cell[0] += 1
                cell[1] += r.value
                cell[2] = min(cell[2], r.value)
                cell[3] = max(cell[3], r.value)
                cell[4] += pos
                cell[5] += neg
    return acc


def _upsert_rollups_generic(cursor, new: Sequence[Reading], adapt) -> None:
    rows = [
        (point_id, step, adapt(datetime.fromtimestamp(bucket, UTC)), int(c[0]), c[1], c[2], c[3], c[4], c[5])
        for (point_id, step, bucket), c in aggregate(new).items()
    ]
    cursor.executemany(
        "INSERT INTO energy_rollup (point_id, step, bucket, count, total, minimum, maximum, integral_pos, integral_neg) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (point_id, step, bucket) DO UPDATE SET "
        "count = energy_rollup.count + excluded.count, total = energy_rollup.total + excluded.total, "
        "minimum = min(energy_rollup.minimum, excluded.minimum), maximum = max(energy_rollup.maximum, excluded.maximum), "
        "integral_pos = energy_rollup.integral_pos + excluded.integral_pos, "
        "integral_neg = energy_rollup.integral_neg + excluded.integral_neg",
        rows,
    )


def _upsert_latest_generic(cursor, new: Sequence[Reading], received_at: datetime, adapt) -> None:
    newest: dict[int, Reading] = {}
    for r in new:
        current = newest.get(r.point_id)
        if current is None or r.ts > current.ts:
            newest[r.point_id] = r
    received = adapt(received_at)
    cursor.executemany(
        "INSERT INTO energy_pointlatest (point_id, ts, value, received_at) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (point_id) DO UPDATE SET "
        "value = CASE WHEN excluded.ts >= energy_pointlatest.ts THEN excluded.value ELSE energy_pointlatest.value END, "
        "ts = CASE WHEN excluded.ts >= energy_pointlatest.ts THEN excluded.ts ELSE energy_pointlatest.ts END, "
        "received_at = excluded.received_at",
        [(r.point_id, adapt(r.ts), r.value, received) for r in newest.values()],
    )


# --- retention -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionReport:
    raw_deleted: int
    partitions_dropped: list[str]
    rollups_deleted: dict[int, int]


def apply_retention(now: datetime, raw_days: int, rollup_days: dict[int, int]) -> RetentionReport:
    """Delete raw readings older than ``raw_days`` and rollups older than their level's days.

    On PostgreSQL whole monthly partitions that end before the cut-off are dropped (instant, no
    bloat); rows before the cut-off in the partition that straddles it are deleted. Rollup levels
    absent from ``rollup_days`` are kept for ever (hourly and daily by default: statistics need them).
    """
    cutoff = now - timedelta(days=raw_days)
    dropped: list[str] = []
    raw_deleted = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            if is_partitioned():
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PARTITION_LOCK])
                for month in sorted(existing_partitions()):
                    if datetime.combine(_next_month(month), datetime.min.time(), UTC) <= cutoff:
                        cursor.execute(f"DROP TABLE {partition_name(month)}")  # noqa: S608 - name from a date
                        dropped.append(partition_name(month))
            cursor.execute("DELETE FROM energy_measurement WHERE ts < %s", [cutoff])
            raw_deleted = cursor.rowcount
            deleted: dict[int, int] = {}
            for step, days in sorted(rollup_days.items()):
                cursor.execute(
                    "DELETE FROM energy_rollup WHERE step = %s AND bucket < %s",
                    [step, now - timedelta(days=days)],
                )
                deleted[step] = cursor.rowcount
    if dropped:
        forget_partitions()
    return RetentionReport(raw_deleted, dropped, deleted)
