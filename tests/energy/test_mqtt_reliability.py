"""Reliability of ``countyworks ingest`` against a real Mosquitto (MQTT_URL; CI: mqtt://127.0.0.1:1883).

The consumers run as real subprocesses on their own SQLite data directory; the test publishes
like a gateway and reads the database file directly. Mosquitto keeps at most 1,000 queued
messages per offline session by default (``max_queued_messages``) and drops the rest, so the
publisher keeps at most :data:`WINDOW` messages ahead of what is stored — the steady rate of real
stations — and the test measures storage, not the broker's queue limit (docs/telemetry.md).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as paho
import pytest

pytestmark = pytest.mark.mqtt

MQTT_URL = os.environ.get("MQTT_URL", "")
if not MQTT_URL:
    pytest.skip("MQTT_URL is not set (CI sets mqtt://127.0.0.1:1883)", allow_module_level=True)

STATION = "rel-ess"
POINTS = ("P_kW", "Q_kvar", "U_kV", "f_Hz", "I_A")
WINDOW = 800
T0 = datetime(2023, 7, 24, tzinfo=UTC)

SETUP = """
from datetime import date
from decimal import Decimal
from django.core.management import call_command
call_command("migrate", verbosity=0)
from countyworks.core.actors import SYSTEM
from countyworks.core.models import Region
from countyworks.core.region_data import load_national_regions
from countyworks.energy import services
load_national_regions()
services.station_create(
    acting_user=SYSTEM, code="rel-ess", name="可靠性测试储能站", kind="storage", region=Region.objects.get(code="430981"),
    capacity_mw=Decimal("100"), commissioned_on=date(2021, 1, 1), energy_mwh=Decimal("200"), eta_charge=Decimal("0.9"),
    eta_discharge=Decimal("0.95"), soc_min=Decimal("0.1"), soc_max=Decimal("0.9"), device_counts={"pcs": 1, "bms": 1},
)
"""


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PYTEST_VERSION"}}
    env["COUNTYWORKS_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture(scope="module")
def data_template(tmp_path_factory) -> Path:
    """A migrated data directory with one station, copied for each test."""
    template = tmp_path_factory.mktemp("energy-mqtt-template")
    code = "import django; django.setup()\n" + SETUP
    env = {**_env(template), "DJANGO_SETTINGS_MODULE": "countyworks.settings"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)
    return template


@pytest.fixture
def data_dir(data_template, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_template, target)
    return target


class Consumers:
    """``countyworks ingest`` subprocesses of one shared-subscription group, forgotten afterwards."""

    def __init__(self, data_dir: Path, url: str, shared: bool = True) -> None:
        self.data_dir, self.url, self.shared = data_dir, url, shared
        self.group = f"t{uuid.uuid4().hex[:10]}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.ids: set[str] = set()

    def start(self, name: str) -> subprocess.Popen:
        client_id = f"{self.group}-{name}"
        self.ids.add(client_id)
        log = self.data_dir / f"{name}-{len(self.logs)}.log"
        self.logs[name] = log
        process = subprocess.Popen(  # noqa: S603 - our own CLI
            [
                sys.executable,
                "-m",
                "countyworks.cli",
                "ingest",
                "--url",
                self.url,
                "--client-id",
                client_id,
                *(["--group", self.group] if self.shared else ["--no-share"]),
                "--linger",
                "0.05",
            ],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            env=_env(self.data_dir),
        )
        self.processes[name] = process
        deadline = time.monotonic() + 60
        while "subscribed to" not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"consumer {name} did not subscribe: {log.read_text()}"
            time.sleep(0.1)
        return process

    def kill(self, name: str) -> None:
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop(self, name: str) -> str:
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        return self.logs[name].read_text()

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        for client_id in self.ids:  # a dead member of the group would keep receiving its share
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "countyworks.cli",
                    "ingest",
                    "--url",
                    self.url,
                    "--client-id",
                    client_id,
                    "--forget-session",
                ],
                env=_env(self.data_dir),
                check=False,
                timeout=60,
                capture_output=True,
            )


@pytest.fixture
def consumers(data_dir) -> Iterator[Consumers]:
    group = Consumers(data_dir, MQTT_URL)
    yield group
    group.close()


def _publisher(url: str) -> paho.Client:
    from countyworks.energy.mqtt import BrokerAddress

    broker = BrokerAddress.parse(url)
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=f"test-pub-{uuid.uuid4().hex[:8]}", protocol=paho.MQTTv5
    )
    client.max_inflight_messages_set(200)
    client.connect(broker.host, broker.port)
    client.loop_start()
    return client


def _count(data_dir: Path, sql: str = "SELECT count(*) FROM energy_measurement") -> int:
    with sqlite3.connect(data_dir / "countyworks.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchone()[0]


def _telemetry(i: int) -> tuple[str, bytes]:
    ts = (T0 + timedelta(seconds=i)).isoformat()
    points = {"P_kW": 1000.0 + i % 97, "Q_kvar": 10.0, "U_kV": 110.0, "f_Hz": 50.0, "I_A": 100.0}
    return f"countyworks/430981/{STATION}/meter/telemetry", json.dumps(
        {"ts": ts, "seq": i, "points": points}
    ).encode()


def _publish_windowed(
    client: paho.Client,
    data_dir: Path,
    messages: list[tuple[str, bytes]],
    per_message: int,
    on_progress=None,
    timeout: float = 300,
) -> None:
    """Publish at QoS 1, never more than WINDOW messages ahead of what the database holds."""
    deadline = time.monotonic() + timeout
    sent = 0
    infos = []
    while sent < len(messages):
        stored = _count(data_dir) // per_message
        if on_progress:
            on_progress(stored)
        room = WINDOW - (sent - stored)
        if room <= 0:
            assert time.monotonic() < deadline, f"stalled at {stored} of {len(messages)} messages"
            time.sleep(0.05)
            continue
        for topic, payload in messages[sent : sent + min(room, 200)]:
            infos.append(client.publish(topic, payload, qos=1))
        sent = min(len(messages), sent + min(room, 200))
    for info in infos:
        info.wait_for_publish(60)


def _wait_for(data_dir: Path, expected: int, timeout: float = 180) -> int:
    deadline = time.monotonic() + timeout
    count = _count(data_dir)
    while count < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        count = _count(data_dir)
    time.sleep(1.0)  # anything extra (a duplicate) would show up now
    return _count(data_dir)


def test_sigkill_mid_stream_stores_every_point_exactly_once(data_dir, consumers):
    total = 50_000
    messages = [_telemetry(i) for i in range(total)]
    consumers.start("a")
    client = _publisher(MQTT_URL)
    state = {"killed": False, "restarted": False}

    def chaos(stored: int) -> None:
        if not state["killed"] and stored >= total * 2 // 5:
            consumers.kill("a")  # SIGKILL: no chance to finish the batch or acknowledge it
            state["killed"] = True
        elif state["killed"] and not state["restarted"]:
            time.sleep(0.5)
            consumers.start("a")  # same client id: the broker resumes the session and redelivers
            state["restarted"] = True

    try:
        _publish_windowed(client, data_dir, messages, len(POINTS), on_progress=chaos)
    finally:
        client.disconnect()
        client.loop_stop()
    assert state["killed"] and state["restarted"]
    assert _wait_for(data_dir, total * len(POINTS)) == total * len(POINTS)
    # Rollups added each reading once: the minute buckets of P count every message exactly once.
    minutes = _count(
        data_dir,
        "SELECT sum(r.count) FROM energy_rollup r JOIN energy_point p ON p.id = r.point_id "
        "JOIN energy_device d ON d.id = p.device_id WHERE r.step = 60 AND p.code = 'P_kW' AND d.code = 'meter'",
    )
    assert minutes == total


def test_two_consumers_share_the_stream_and_store_each_point_once(data_dir, consumers):
    total = 20_000
    messages = [_telemetry(i) for i in range(total)]
    consumers.start("a")
    consumers.start("b")
    client = _publisher(MQTT_URL)
    try:
        _publish_windowed(client, data_dir, messages, len(POINTS))
    finally:
        client.disconnect()
        client.loop_stop()
    assert _wait_for(data_dir, total * len(POINTS)) == total * len(POINTS)
    shares = []
    for name in ("a", "b"):
        log = consumers.stop(name)
        line = next(line for line in log.splitlines() if "stopped;" in line)
        shares.append(int(line.split("stopped;")[1].split("messages")[0]))
    assert all(share > 0 for share in shares), shares  # both members of the group did work
    assert sum(shares) >= total


def test_malformed_corpus_is_quarantined_and_the_consumer_keeps_running(data_dir, consumers):
    base = f"countyworks/430981/{STATION}/meter/telemetry"
    good_ts = "2023-07-24T10:00:00+08:00"
    corpus = [
        (base, b"{not json"),
        (base, b"\xff\xfe\x00"),
        (base, json.dumps({"ts": good_ts, "points": {"nope": 1.0}}).encode()),
        (base, json.dumps({"ts": good_ts, "points": {"P_kW": "high"}}).encode()),
        (base, b'{"ts": "2023-07-24T10:00:01+08:00", "points": {"P_kW": NaN}}'),
        (base, json.dumps({"ts": "2999-01-01T00:00:00+08:00", "points": {"P_kW": 1.0}}).encode()),
        (base, json.dumps({"points": {"P_kW": 1.0}}).encode()),
        (
            f"countyworks/430981/{STATION}/ghost/telemetry",
            json.dumps({"ts": good_ts, "points": {"P_kW": 1.0}}).encode(),
        ),
        ("countyworks/oops/telemetry", b"{}"),
    ] * 10
    process = consumers.start("a")
    client = _publisher(MQTT_URL)
    try:
        infos = [client.publish(t, p, qos=1) for t, p in corpus]
        infos += [client.publish(*_telemetry(i), qos=1) for i in range(100)]
        for info in infos:
            info.wait_for_publish(30)
    finally:
        client.disconnect()
        client.loop_stop()
    assert _wait_for(data_dir, 100 * len(POINTS), timeout=60) == 100 * len(POINTS)
    # The last topic does not match the subscription filter at all, so the broker never delivers it.
    delivered = len(corpus) - 10
    deadline = time.monotonic() + 30
    while (
        _count(data_dir, "SELECT count(*) FROM energy_quarantinedmessage") < delivered
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert _count(data_dir, "SELECT count(*) FROM energy_quarantinedmessage") == delivered
    assert process.poll() is None  # still consuming


def test_simulate_command_feeds_the_consumer(data_dir, consumers):
    """``countyworks simulate`` publishes what ``countyworks ingest`` stores, without a single refusal."""
    consumers.start("a")
    run = subprocess.run(  # noqa: S603 - our own CLI
        [
            sys.executable,
            "-m",
            "countyworks.cli",
            "simulate",
            "--url",
            MQTT_URL,
            "--station",
            STATION,
            "--duration",
            "10",
            "--start",
            "2023-07-24T19:00:00+08:00",
            "--speed",
            "20",
            "--meters-only",
        ],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    expected = 10 * (8 + 5)  # grid meter and EMS points, once a second for 10 s
    assert _wait_for(data_dir, expected, timeout=60) == expected
    assert _count(data_dir, "SELECT count(*) FROM energy_quarantinedmessage") == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(
    shutil.which("mosquitto") is None, reason="needs the mosquitto binary to run a private broker"
)
@pytest.mark.parametrize("shared", [False, True], ids=["plain", "shared"])
def test_consumer_reconnects_when_the_broker_restarts(data_dir, shared):
    """The consumer reconnects with back-off and resumes its persistent session.

    With plain subscriptions the broker restores the session's subscriptions from its persistence
    file, so messages published before the consumer is back are queued for it. Mosquitto 2.0 does
    not restore shared subscriptions: in that mode the test publishes once the consumer has
    subscribed again (docs/telemetry.md, "Broker restarts").
    """
    port = _free_port()
    # mosquitto started as root drops to its own user before writing its database: give it a
    # directory it can reach (pytest's own temporary directories are private to the test user).
    store = Path(tempfile.mkdtemp(prefix="countyworks-broker-"))
    store.chmod(0o777)
    conf = store / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {store}/\n"
    )

    def broker() -> subprocess.Popen:
        process = subprocess.Popen(
            ["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )  # noqa: S603,S607
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return process
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("private mosquitto did not start")

    def publish(start: int, stop: int) -> None:
        client = _publisher(url)
        for i in range(start, stop):
            client.publish(*_telemetry(i), qos=1).wait_for_publish(10)
        client.disconnect()
        client.loop_stop()

    url = f"mqtt://127.0.0.1:{port}"
    mosquitto = broker()
    group = Consumers(data_dir, url, shared=shared)
    try:
        group.start("a")
        publish(0, 50)
        assert _wait_for(data_dir, 50 * len(POINTS), timeout=30) == 50 * len(POINTS)
        mosquitto.send_signal(signal.SIGTERM)
        mosquitto.wait(10)
        time.sleep(2)  # the consumer is now retrying with back-off
        mosquitto = broker()
        if shared:
            deadline = time.monotonic() + 60
            while group.logs["a"].read_text().count("subscribed to") < 2:
                assert time.monotonic() < deadline, group.logs["a"].read_text()
                time.sleep(0.1)
        publish(50, 100)
        assert _wait_for(data_dir, 100 * len(POINTS), timeout=90) == 100 * len(POINTS)
        log = group.logs["a"].read_text()
        assert "reconnecting with back-off" in log
        assert "session present: True" in log
    finally:
        group.close()
        mosquitto.send_signal(signal.SIGTERM)
        mosquitto.wait(10)
        shutil.rmtree(store, ignore_errors=True)
