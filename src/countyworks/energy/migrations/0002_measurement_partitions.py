"""On PostgreSQL, make ``energy_measurement`` a table partitioned by month on ``ts``, with a BRIN index,
and leave free space in the pages of the tables every batch updates (rollups, latest values).

The monthly partitions of the current month and the next two are created here; later ones are
created ahead by the periodic task and on demand by the ingestion path
(:func:`countyworks.energy.store.ensure_partitions`). Other backends keep the plain table of 0001,
which has the same columns and primary key.
"""

from datetime import UTC, date, datetime

from django.db import migrations


def _months_from_now(count: int) -> list[date]:
    month = datetime.now(UTC).date().replace(day=1)
    months = [month]
    for _ in range(count - 1):
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        months.append(month)
    return months


def partition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TABLE energy_measurement")
    schema_editor.execute(
        "CREATE TABLE energy_measurement ("
        " point_id bigint NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL,"
        " PRIMARY KEY (point_id, ts)"
        ") PARTITION BY RANGE (ts)"
    )
    schema_editor.execute("CREATE INDEX energy_measurement_ts_brin ON energy_measurement USING brin (ts)")
    # Rollups and latest values are updated in place by every batch: leave room in each page so
    # the updates are HOT (no index maintenance, less bloat).
    schema_editor.execute("ALTER TABLE energy_rollup SET (fillfactor = 70)")
    schema_editor.execute("ALTER TABLE energy_pointlatest SET (fillfactor = 50)")
    for month in _months_from_now(3):
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        schema_editor.execute(
            f"CREATE TABLE energy_measurement_{month:%Y%m} PARTITION OF energy_measurement "
            f"FOR VALUES FROM ('{month.isoformat()} 00:00:00+00') TO ('{following.isoformat()} 00:00:00+00')"
        )


def unpartition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE energy_rollup RESET (fillfactor)")
    schema_editor.execute("ALTER TABLE energy_pointlatest RESET (fillfactor)")
    schema_editor.execute("DROP TABLE energy_measurement CASCADE")
    schema_editor.execute(
        "CREATE TABLE energy_measurement ("
        " point_id bigint NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL,"
        " PRIMARY KEY (point_id, ts))"
    )


class Migration(migrations.Migration):
    dependencies = [("energy", "0001_initial")]

    operations = [migrations.RunPython(partition, unpartition)]
