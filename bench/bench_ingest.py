"""Benchmark: telemetry ingestion through Mosquitto into PostgreSQL, beside raw COPY in the same run.

100 stations publish 50-point messages (QoS 1) to a private Mosquitto; ``countyworks ingest``
(one process, or ``--consumers N`` sharing the stream) validates, stores idempotently (COPY into a
temp table, insert-select ON CONFLICT DO NOTHING into the monthly partitions), folds the new readings
into the 1-min/15-min/hour/day rollups and the latest values, and acknowledges each batch after its
commit. The publisher sends everything at once; the broker queues what the consumer has not taken
yet, so the figure is what the consumer sustains. Budget: ≥ 20,000 points/s.

Baseline, same run, same database: plain ``COPY`` of the same readings (binary, from Python) into
(a) an unindexed heap and (b) a table with the measurement's primary key — what PostgreSQL itself
takes in on this machine, without MQTT, validation, idempotency or rollups.

Run: ``.venv/bin/python bench/bench_ingest.py [--stations 100] [--seconds 300] [--consumers 1]``
(needs PostgreSQL on 127.0.0.1:5432 as user postgres, and the mosquitto binary; the database is dropped afterwards).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import energy_bench_common as common  # noqa: E402

BUDGET = 20_000.0


def copy_rate(database_url: str, rows: list[tuple[int, object, float]], indexed: bool) -> float:
    """Readings per second of a binary COPY of ``rows`` into a fresh table."""
    name = f"bench_copy_{'pk' if indexed else 'heap'}"
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute(f"DROP TABLE IF EXISTS {name}")
        key = ", PRIMARY KEY (point_id, ts)" if indexed else ""
        db.execute(
            f"CREATE TABLE {name} (point_id bigint NOT NULL, ts timestamptz NOT NULL, value float8 NOT NULL{key})"
        )
        started = time.perf_counter()
        with db.transaction(), db.cursor() as cursor:
            with cursor.copy(f"COPY {name} (point_id, ts, value) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "timestamptz", "float8"])
                for row in rows:
                    copy.write_row(row)
        elapsed = time.perf_counter() - started
        db.execute(f"DROP TABLE {name}")
    return len(rows) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=300, help="seconds of 1 Hz telemetry per station")
    parser.add_argument("--consumers", type=int, default=1)
    args = parser.parse_args()
    total_messages = args.stations * args.seconds
    total = total_messages * common.POINTS_PER_MESSAGE
    print(
        f"ingestion benchmark: {args.stations} stations × {args.seconds} s × {common.POINTS_PER_MESSAGE} points "
        f"= {total:,} readings in {total_messages:,} messages; {args.consumers} consumer(s)"
    )
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    with common.throwaway_database("cw_bench_ingest") as database_url, tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        common.setup_django(database_url, data_dir)
        from countyworks.energy.models import Point

        stations = common.create_stations(args.stations)
        messages = common.messages(stations, args.seconds)

        # Baseline: the same readings, COPYed straight in.
        ids = {
            (station, code): pid
            for station, code, pid in Point.objects.filter(device__code="gw").values_list(
                "device__station__code", "code", "id"
            )
        }
        rows = []
        for s in range(args.seconds):
            ts = common.T0 + timedelta(seconds=s)
            for code, points in stations:
                rows.extend((ids[(code, p)], ts, 1000.0 + (s * 7 + j) % 500) for j, p in enumerate(points))
        heap = copy_rate(database_url, rows, indexed=False)
        keyed = copy_rate(database_url, rows, indexed=True)
        del rows

        with common.private_broker() as url:
            group = f"bench{uuid.uuid4().hex[:6]}"
            consumers = common.start_consumers(args.consumers, url, database_url, data_dir, group)
            client = common.publisher(url)
            samples: list[tuple[float, int]] = []
            started = time.perf_counter()
            infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
            published_at = None
            try:
                while True:
                    stored = common.stored_readings(database_url)
                    now = time.perf_counter()
                    samples.append((now, stored))
                    if published_at is None and all(info.is_published() for info in infos[-100:]):
                        published_at = now - started
                    if stored >= total or now - started > 1800:
                        break
                    time.sleep(0.5)
            finally:
                client.disconnect()
                client.loop_stop()
                common.stop_consumers(consumers)
            elapsed = samples[-1][0] - started
        with psycopg.connect(database_url) as db:
            raw = db.execute("SELECT count(*) FROM energy_measurement").fetchone()[0]
            minutes = db.execute("SELECT sum(count) FROM energy_rollup WHERE step = 60").fetchone()[0]
            partitions = db.execute(
                "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'energy_measurement'"
            ).fetchone()[0]
    # Sustained rate: the slope between 10 % and 90 % of the readings stored.
    low = next(s for s in samples if s[1] >= 0.1 * total)
    high = next((s for s in samples if s[1] >= 0.9 * total), samples[-1])
    sustained = (high[1] - low[1]) / (high[0] - low[0]) if high[0] > low[0] else float("nan")
    end_to_end = total / elapsed
    ok = raw == total and minutes == total
    print(
        f"stored {raw:,} readings (expected {total:,}; minute rollups count {minutes:,}) in {partitions} monthly partition(s): "
        f"{'exactly once' if ok else 'MISMATCH'}"
    )
    print(
        f"publisher done after {published_at or float('nan'):.1f} s; last reading stored after {elapsed:.1f} s"
    )
    print(
        f"ingestion sustained (10 %→90 %): {sustained:,.0f} readings/s   end to end: {end_to_end:,.0f} readings/s"
        f"   budget ≥ {BUDGET:,.0f}: {'PASS' if sustained >= BUDGET else 'FAIL'}"
    )
    print(
        f"baseline raw COPY, same readings: {heap:,.0f} readings/s into a heap, {keyed:,.0f} readings/s with the primary key"
    )
    print(f"ingestion / raw COPY with key: {sustained / keyed:.2f}")
    return 0 if ok and sustained >= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
