"""Campaign-sized inserts (100,000 rows) with their audit history, on PostgreSQL and SQLite.

Django's ``bulk_create`` prepares every value through the field API, and simple-history's
``bulk_create_with_history`` builds a model instance per history row; at campaign scale that
is most of the run (benchmarks in docs/benchmarks.md). Here the caller hands over rows already in
database form — ids for foreign keys, JSON as text, dates, Decimals or numeric text, booleans —
and :func:`insert_with_history` reserves the primary keys from the table's own sequence, writes
the rows with ``COPY`` on PostgreSQL (``executemany`` on SQLite) and writes one ``+`` history row
per row, exactly as ``bulk_create_with_history`` records a creation (same user, same moment).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection, models
from django.utils import timezone

from countyworks.core.actors import Actor


def insert_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    user: Actor,
    reason: str | None = None,
) -> list[int]:
    """Insert ``rows`` (values for the fields named in ``columns``, by attname) and their history.

    Must run inside ``transaction.atomic()``: the ids are reserved for this transaction. Returns
    the new primary keys in row order.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("insert_with_history must run inside transaction.atomic()")
    if not rows:
        return []
    ids = _reserve_ids(model, len(rows))
    fields = [_concrete(model, name) for name in columns]
    _insert(
        model._meta.db_table,
        ["id", *(_column(f) for f in fields)],
        [(pk, *row) for pk, row in zip(ids, rows, strict=True)],
        [None, *(_adapter(f) for f in fields)],
    )
    history = model.history.model  # type: ignore[attr-defined]
    moment = _adapter(history._meta.get_field("history_date"))
    when = moment(timezone.now()) if moment else timezone.now()  # adapted once for every row
    user_id = getattr(user, "pk", None)
    history_columns = ["id", *(_column(f) for f in fields)]
    history_columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    adapters = [None, *(_adapter(f) for f in fields), None, None, None, None]
    _insert(
        history._meta.db_table,
        history_columns,
        [(pk, *row, when, reason, "+", user_id) for pk, row in zip(ids, rows, strict=True)],
        adapters,
    )
    return ids


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's column field ``name`` (a reverse relation has no column to insert)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _column(field: models.Field[Any, Any]) -> str:
    if field.column is None:
        raise TypeError(f"{field} has no column")
    return field.column


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # The transaction holds SQLite's write lock (BEGIN IMMEDIATE), so nobody else allocates.
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608 - a model's table name
            top = cursor.fetchone()[0]
            cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
            start = max(top, cursor.fetchone()[0]) + 1
            return list(range(start, start + count))
    raise NotImplementedError(f"bulk inserts support PostgreSQL and SQLite, not {connection.vendor}")


Adapter = Callable[[Any], Any] | None


def _adapter(field: models.Field) -> Adapter:
    """How a value reaches the driver: SQLite stores dates and datetimes as text."""
    if connection.vendor != "sqlite":
        return None
    if isinstance(field, models.DateTimeField):
        return lambda v: connection.ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if isinstance(v, date) else v
    return None


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]], adapters: list[Adapter]) -> None:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        active = [(i, a) for i, a in enumerate(adapters) if a is not None]
        if active:
            converted = []
            for row in rows:
                values = list(row)
                for i, adapt in active:
                    values[i] = adapt(values[i])
                converted.append(values)
            rows = converted  # type: ignore[assignment]
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quoted} ({names}) VALUES ({placeholders})", rows)  # noqa: S608
