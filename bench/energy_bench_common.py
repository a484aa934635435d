"""Shared set-up of the telemetry benchmarks (bench_ingest.py, bench_live_page.py).

A throwaway PostgreSQL database on 127.0.0.1:5432 (user postgres, dropped afterwards), a private
Mosquitto configured as docs/telemetry.md asks of a production broker (unlimited queue for a
persistent session, so a consumer that falls behind loses nothing), stations with a 50-point
gateway device each, a publisher, and ``countyworks ingest`` subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
POINTS_PER_MESSAGE = 50
T0 = datetime(2023, 7, 24, 0, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway_database(prefix: str):
    """Create a database and yield its URL; drop it afterwards."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def private_broker():
    """A private Mosquitto on a free port; yields its URL."""
    if shutil.which("mosquitto") is None:
        raise SystemExit("the mosquitto binary is needed (apt-get install mosquitto)")
    port = free_port()
    # mosquitto started as root drops to its own user: its directory must be reachable.
    workdir = Path(tempfile.mkdtemp(prefix="countyworks-bench-broker-"))
    workdir.chmod(0o777)
    conf = workdir / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 0\nmax_inflight_messages 0\nmax_queued_bytes 0\n"
    )
    process = subprocess.Popen(
        ["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )  # noqa: S603,S607
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"mqtt://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def setup_django(database_url: str, data_dir: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["COUNTYWORKS_DATA_DIR"] = str(data_dir)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "countyworks.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_stations(count: int) -> list[tuple[str, list[str]]]:
    """``count`` PV stations in 沅江市, each with a gateway device of 50 points; returns (code, point codes)."""
    from datetime import date
    from decimal import Decimal

    from countyworks.core.actors import SYSTEM
    from countyworks.core.models import Region
    from countyworks.core.region_data import load_national_regions
    from countyworks.energy import services
    from countyworks.energy.models import Device, DeviceKind, Point, Quantity

    load_national_regions()
    region = Region.objects.get(code="430981")
    codes = [f"P{i:02d}_kW" for i in range(1, POINTS_PER_MESSAGE + 1)]
    out = []
    for i in range(count):
        station = services.station_create(
            acting_user=SYSTEM,
            code=f"bench-{i:03d}",
            name=f"基准电站 {i:03d}",
            kind="pv_ground",
            region=region,
            capacity_mw=Decimal("50"),
            commissioned_on=date(2021, 1, 1),
            device_counts={"inv": 1},
        )
        gateway = Device.objects.create(station=station, code="gw", name="汇集网关", kind=DeviceKind.INVERTER)
        Point.objects.bulk_create(
            [Point(device=gateway, code=c, name=c, quantity=Quantity.ACTIVE_POWER, unit="kW") for c in codes]
        )
        out.append((station.code, codes))
    return out


def messages(stations: list[tuple[str, list[str]]], seconds: int) -> list[tuple[str, bytes]]:
    """One 50-point message per station per second of telemetry, interleaved by time."""
    out = []
    for s in range(seconds):
        stamp = (T0 + timedelta(seconds=s)).isoformat()
        for code, points in stations:
            body = {
                "ts": stamp,
                "seq": s,
                "points": {p: 1000.0 + (s * 7 + j) % 500 for j, p in enumerate(points)},
            }
            out.append(
                (f"countyworks/430981/{code}/gw/telemetry", json.dumps(body, separators=(",", ":")).encode())
            )
    return out


def start_consumers(
    n: int, url: str, database_url: str, data_dir: Path, group: str
) -> list[subprocess.Popen]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PYTEST_VERSION"}}
    env.update(DATABASE_URL=database_url, COUNTYWORKS_DATA_DIR=str(data_dir))
    processes = []
    for i in range(n):
        log = data_dir / f"consumer-{i}.log"
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own CLI
                [
                    sys.executable,
                    "-m",
                    "countyworks.cli",
                    "ingest",
                    "--url",
                    url,
                    "--client-id",
                    f"{group}-{i}",
                    "--group",
                    group,
                ],
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                env=env,
                cwd=ROOT,
            )
        )
    for i in range(n):
        log = data_dir / f"consumer-{i}.log"
        deadline = time.monotonic() + 60
        while "subscribed to" not in log.read_text(errors="replace"):
            if processes[i].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text())
            time.sleep(0.1)
    return processes


def stop_consumers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def stored_readings(database_url: str) -> int:
    """Readings stored so far, cheaply: every reading lands in exactly one daily rollup bucket."""
    with psycopg.connect(database_url, autocommit=True) as db:
        return int(
            db.execute("SELECT coalesce(sum(count), 0) FROM energy_rollup WHERE step = 86400").fetchone()[0]
        )


def publisher(url: str):
    import paho.mqtt.client as paho

    from countyworks.energy.mqtt import BrokerAddress

    broker = BrokerAddress.parse(url)
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}", protocol=paho.MQTTv5
    )
    client.max_inflight_messages_set(2000)
    client.max_queued_messages_set(0)
    client.connect(broker.host, broker.port)
    client.loop_start()
    return client
