"""What a node reports about itself: alive (``/healthz``) and ready to serve (``/readyz``).

Readiness answers for this node only: whether the primary database is reachable and writable,
the role of each configured database (``primary``, ``standby`` or ``single`` for SQLite) with the
standby's replication lag, the queue's depth and whether the MQTT broker accepts a connection. It
names no host, version or user: a load balancer or a monitor may ask without signing in.
"""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections

from countyworks.core.replicas import PRIMARY_ALIAS, REPLICA_ALIAS

#: Lag of a standby: 0 when it has replayed all it received, else the age of the last replayed commit.
STANDBY_LAG_SQL = """
SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""
BROKER_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class DatabaseState:
    reachable: bool
    role: str | None = None  # primary, standby, single (SQLite)
    lag_seconds: float | None = None  # a standby's replay lag


def database_state(alias: str) -> DatabaseState:
    """Reachability and role of one configured database; a failed probe drops the connection."""
    connection = connections[alias]
    try:
        if connection.vendor != "postgresql":
            connection.ensure_connection()
            return DatabaseState(reachable=True, role="single")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            if not cursor.fetchone()[0]:
                return DatabaseState(reachable=True, role="primary")
            cursor.execute(STANDBY_LAG_SQL)
            lag = cursor.fetchone()[0]
            return DatabaseState(reachable=True, role="standby", lag_seconds=round(float(lag or 0), 3))
    except DatabaseError:
        connection.close()  # the next request connects again (libpq picks the node that now fits)
        return DatabaseState(reachable=False)


def queue_state() -> dict[str, Any]:
    """Tasks waiting in the queue (None when the queue cannot be reached)."""
    from huey.contrib.djhuey import HUEY

    try:
        return {"reachable": True, "pending": HUEY.pending_count()}
    except Exception:  # redis-py and sqlite raise their own errors; either way the queue is away
        return {"reachable": False, "pending": None}


def broker_state() -> dict[str, Any]:
    """Whether the MQTT broker of ``MQTT_URL`` accepts a TCP connection (None: no broker configured)."""
    if not settings.MQTT_URL:
        return {"configured": False, "reachable": None}
    from countyworks.energy.mqtt import BrokerAddress

    broker = BrokerAddress.parse(settings.MQTT_URL)
    try:
        with socket.create_connection((broker.host, broker.port), timeout=BROKER_TIMEOUT_S):
            return {"configured": True, "reachable": True}
    except OSError:
        return {"configured": True, "reachable": False}


def readiness() -> tuple[bool, dict[str, Any]]:
    """(ready, report): ready when the primary accepts writes and the queue answers."""
    primary = database_state(PRIMARY_ALIAS)
    databases = {PRIMARY_ALIAS: asdict(primary)}
    if REPLICA_ALIAS in settings.DATABASES:
        databases[REPLICA_ALIAS] = asdict(database_state(REPLICA_ALIAS))
    queue = queue_state()
    ready = primary.reachable and primary.role in ("primary", "single") and queue["reachable"]
    report = {
        "status": "ready" if ready else "unready",
        "databases": databases,
        "queue": queue,
        "broker": broker_state(),
    }
    return ready, report
