"""The replicated topology survives the loss of its primary database, an app node and a consumer.

``countyworks cluster up`` starts PostgreSQL (pg_auto_failover: monitor, primary, standby), two
app nodes behind the balancer, two workers and two telemetry consumers. Under a steady bounded
load — tickets written through the balancer with an API token, and station telemetry at QoS 1 from
``countyworks simulate`` (``CLUSTER_FAULT_STATIONS`` stations, default the design's 100 × 58 points
at 1 Hz) — the primary's keeper and postgres are killed with SIGKILL (a lost machine: killing only
postgres makes its keeper restart it in place). The standby is promoted; then one app node and one
consumer are killed too, and ``cluster up`` restarts what died, as systemd would. Afterwards every
ticket acknowledged with 201 is in the database, every published reading is stored once (and
counted once in the rollups), no periodic task ran twice in a period, and the time without
acknowledged writes stays under the 30 s budget.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.cluster

MISSING = [tool for tool in ("pg_autoctl", "redis-server", "mosquitto") if shutil.which(tool) is None]
if MISSING:
    pytest.skip(
        f"{', '.join(MISSING)} not installed (apt-get install postgresql-15-auto-failover "
        "pg-auto-failover-cli redis-server mosquitto)",
        allow_module_level=True,
    )

STATIONS = int(os.environ.get("CLUSTER_FAULT_STATIONS", "100"))
BASE_PORT = int(os.environ.get("CLUSTER_FAULT_BASE_PORT", "27600"))
WRITE_THREADS = 4
WRITE_PAUSE_S = 0.2  # per thread: at most ~20 ticket writes a second in all
KILL_PRIMARY_AT_S = 10
KILL_NODE_AT_S = 35
LOAD_SECONDS = 60
WRITE_GAP_BUDGET_S = 30
PASSWORD = "fault-test-password-1"  # noqa: S105
ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Cluster:
    root: Path
    env: dict[str, str]

    def cli(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "countyworks.cli",
                "cluster",
                *args,
                "--dir",
                str(self.root),
                "--base-port",
                str(BASE_PORT),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_clean_env(),
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def pid(self, part: str) -> int:
        return int((self.root / "run" / f"{part}.pid").read_text())

    def kill(self, part: str) -> None:
        """SIGKILL the part and every process of its group (pg_autoctl's postgres, gunicorn's workers)."""
        os.killpg(self.pid(part), signal.SIGKILL)

    def log(self, part: str) -> str:
        return (self.root / "log" / f"{part}.log").read_text(errors="replace")

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        from countyworks.core.dburl import parse_database_url

        entry = parse_database_url(self.env["DATABASE_URL"])
        with psycopg.connect(
            host=entry["HOST"],
            port=entry["PORT"],
            dbname=entry["NAME"],
            user=entry["USER"],
            **entry["OPTIONS"],
        ) as conn:
            return list(conn.execute(query, params).fetchall())


def _clean_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "MQTT_URL", "PYTEST_VERSION"}
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    return env


@pytest.fixture(scope="module")
def cluster():
    root = Path(tempfile.mkdtemp(prefix="cw-cluster-fault-"))
    root.chmod(0o755)
    handle = Cluster(root, {})
    try:
        handle.cli("up", "--no-demo", "--no-simulator", timeout=600)
        handle.env = {**_clean_env(), **json.loads((root / "cluster.json").read_text())["env"]}
        yield handle
    finally:
        handle.cli("down", timeout=300)
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Writes:
    """Tickets written through the balancer: acknowledged ids with their times, and failures."""

    acked: list[tuple[float, int, str]] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _write_loop(url: str, token: str, owner: int, stop: threading.Event, writes: Writes, thread: int) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        title = f"故障测试工单 {thread}-{n}"
        body = json.dumps(
            {
                "subject_type": "core.region",
                "subject_id": "430981",
                "title": title,
                "region": "430981",
                "policy_code": "service-3d",
                "owner_person_id": owner,
            }
        ).encode()
        request = urllib.request.Request(
            f"{url}api/v1/workflow/tickets",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                created = json.loads(response.read())
                if response.status == 201:
                    with writes.lock:
                        writes.acked.append((time.monotonic(), int(created["id"]), title))
        except urllib.error.HTTPError as exc:
            with writes.lock:
                writes.failures[f"HTTP {exc.code}"] += 1
        except (OSError, ValueError) as exc:
            with writes.lock:
                writes.failures[type(exc).__name__] += 1
        stop.wait(WRITE_PAUSE_S)


def _token(url: str) -> str:
    request = urllib.request.Request(
        f"{url}api/v1/auth/token",
        data=json.dumps({"username": "fault-admin", "password": PASSWORD, "name": "fault"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())["token"]


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(1)


def _roles(cluster: Cluster) -> dict[str, str]:
    out = cluster.cli("status")
    return {m.group(1): m.group(2) for m in re.finditer(r"^(node\d)\s+\S+ (\w+)", out, re.M)}


def _periodic_ran_after(cluster: Cluster, moment: datetime) -> bool:
    """A periodic task finished without error after ``moment`` (worker logs are in Django's TIME_ZONE)."""
    logs = cluster.log("worker-1") + cluster.log("worker-2")
    finished = re.finditer(
        r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ INFO huey: countyworks\.\w+\.tasks\.\w+: [\w-]+ executed in",
        logs,
        re.M,
    )
    return any(
        datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI) > moment for m in finished
    )


def test_failover_keeps_every_acknowledged_write_and_every_reading(cluster):
    url = f"http://127.0.0.1:{BASE_PORT}/"
    setup = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("setup_fault.py")), str(STATIONS), PASSWORD],
        env={**cluster.env, "PYTHONSTARTUP": ""},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    prepared = json.loads(setup.stdout.strip().splitlines()[-1])
    points_per_second, owner = prepared["points_per_second"], prepared["owner_person_id"]
    token = _token(url)
    assert _roles(cluster) == {"node1": "primary", "node2": "standby"}

    start = datetime.now(UTC).replace(microsecond=0)
    simulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "countyworks.cli",
            "simulate",
            "--region",
            "430981",
            "--start",
            start.isoformat(),
            "--duration",
            str(LOAD_SECONDS),
        ],
        env=cluster.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # It reads its stations from the database first; the clock starts when it publishes.
    banner = simulator.stdout.readline() if simulator.stdout else ""
    assert "station(s) from" in banner, banner
    writes, stop = Writes(), threading.Event()
    threads = [
        threading.Thread(target=_write_loop, args=(url, token, owner, stop, writes, i))
        for i in range(WRITE_THREADS)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()

    time.sleep(KILL_PRIMARY_AT_S)
    killed_at = time.monotonic()
    cluster.kill("pg-node1")
    _wait(lambda: _roles(cluster).get("node2") == "primary", 90, "the standby was not promoted")
    promoted_after = time.monotonic() - killed_at
    promoted_at = datetime.now(UTC)

    time.sleep(max(0.0, began + KILL_NODE_AT_S - time.monotonic()))
    cluster.kill("app-1")
    cluster.kill("ingest-1")
    time.sleep(5)
    cluster.cli(
        "up", "--no-demo", "--no-simulator"
    )  # restarts what died: app-1, ingest-1, node1 as a standby

    out, _ = simulator.communicate(timeout=LOAD_SECONDS + 120)
    assert simulator.returncode == 0, out
    published_in = time.monotonic() - began  # LOAD_SECONDS when the simulator kept real time
    stop.set()
    for thread in threads:
        thread.join(30)

    # Every acknowledged ticket is in the database.
    acked_ids = [ticket_id for _, ticket_id, _ in writes.acked]
    found = cluster.sql("SELECT id, title FROM workflow_ticket WHERE id = ANY(%s)", (acked_ids,))
    assert dict(found) == {ticket_id: title for _, ticket_id, title in writes.acked}

    # Every published reading is stored once, and counted once in the 1-minute rollups.
    expected = points_per_second * LOAD_SECONDS
    window = (start, start + timedelta(seconds=LOAD_SECONDS))
    count_sql = (
        "SELECT count(*) FROM energy_measurement m JOIN energy_point p ON p.id = m.point_id "
        "JOIN energy_device d ON d.id = p.device_id JOIN energy_station s ON s.id = d.station_id "
        "WHERE s.code LIKE 'fault-%%' AND m.ts >= %s AND m.ts < %s"
    )
    _wait(lambda: cluster.sql(count_sql, window)[0][0] >= expected, 180, "readings are missing")
    time.sleep(3)
    stored = cluster.sql(count_sql, window)[0][0]
    rolled = cluster.sql(
        "SELECT coalesce(sum(r.count), 0) FROM energy_rollup r JOIN energy_point p ON p.id = r.point_id "
        "JOIN energy_device d ON d.id = p.device_id JOIN energy_station s ON s.id = d.station_id "
        "WHERE s.code LIKE 'fault-%%' AND r.step = 60",
    )[0][0]
    assert stored == expected
    assert rolled == expected

    # No periodic task ran twice in a period, with two workers and a failover.
    logs = cluster.log("worker-1") + cluster.log("worker-2")
    claims = Counter(re.findall(r"periodic task (\w+) claimed for ([\d: -]+)", logs))
    assert claims and max(claims.values()) == 1
    runs = Counter(
        name for name, _ in set(re.findall(r"Executing countyworks\.\w+\.tasks\.(\w+): ([\w-]+)", logs))
    )
    assert runs
    for name, count in runs.items():
        assert count <= sum(1 for task, _ in claims if task == name)
    # ... and the workers reconnected by themselves: a periodic task succeeded on the new primary.
    _wait(lambda: _periodic_ran_after(cluster, promoted_at), 75, "no periodic task ran after the failover")

    # The time without acknowledged writes.
    times = sorted(t for t, _, _ in writes.acked)
    gap = max(b - a for a, b in zip(times, times[1:], strict=False))
    assert gap < WRITE_GAP_BUDGET_S
    assert times[-1] > killed_at + promoted_after  # writes resumed through the app nodes
    assert _roles(cluster)["node2"] == "primary"
    report = {
        "stations": STATIONS,
        "points_per_second": points_per_second,
        "readings_published": expected,
        "readings_stored": stored,
        "published_in_s": round(published_in, 1),
        "tickets_acknowledged": len(writes.acked),
        "ticket_failures": dict(writes.failures),
        "standby_promoted_after_s": round(promoted_after, 1),
        "write_gap_s": round(gap, 1),
        "periodic_runs": sum(runs.values()),
    }
    print(f"\ncluster fault test: {json.dumps(report, ensure_ascii=False)}", flush=True)
    report_path = os.environ.get("CLUSTER_FAULT_REPORT")
    if report_path:
        with open(report_path, "a", encoding="utf-8") as out_file:
            out_file.write(json.dumps(report) + "\n")
