"""``countyworks cluster up|down|status``: start, stop and report the one-machine topology.

Order of ``up``: Redis and Mosquitto (private instances with the settings the topology relies on),
the pg_auto_failover monitor, the primary, the standby (synchronous once it caught up), the
schema (and the demo data), then two app nodes, two workers, two telemetry consumers, the
simulator and the balancer. Every step is skipped when its part already runs, so ``up`` run again
restarts what died. ``down`` stops the parts in the reverse order.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from countyworks.cluster import postgres
from countyworks.cluster.layout import APP_NODES, CONSUMERS, PARTS, WORKERS, Layout, State
from countyworks.cluster.processes import Part, running_pid, start, stop

#: Variables of the caller's environment the cluster's processes must not inherit.
CLEARED = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "MQTT_URL", "SECRET_KEY", "PYTEST_VERSION")

#: Mosquitto as docs/telemetry.md asks of a production broker: nothing dropped for a consumer away.
MOSQUITTO_CONF = """listener {port} 127.0.0.1
allow_anonymous true
persistence true
persistence_location {dir}/
autosave_interval 5
max_queued_messages 0
max_queued_bytes 0
max_inflight_messages 0
"""

Say = Callable[[str], None]
#: pg_auto_failover's reported states, as roles (the last state a dead node reported stays shown).
ROLES = {
    "primary": "primary",
    "wait_primary": "primary (alone)",
    "single": "primary (alone)",
    "secondary": "standby",
    "catchingup": "standby (catching up)",
}


def _python() -> list[str]:
    return [sys.executable]


def app_env(layout: Layout, database_url: str, replica_url: str, demo: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    secret = layout.root / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
        secret.chmod(0o600)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "countyworks.settings",
            "COUNTYWORKS_DATA_DIR": str(layout.data_dir),
            "DATABASE_URL": database_url,
            "DATABASE_REPLICA_URL": replica_url,
            "REDIS_URL": f"redis://127.0.0.1:{layout.redis_port}/0",
            "MQTT_URL": f"mqtt://127.0.0.1:{layout.mqtt_port}",
            "SECRET_KEY_FILE": str(secret),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_COOKIES": "false",
            "COUNTYWORKS_DEMO": "true" if demo else "false",
        }
    )
    return env


def _wait_port(port: int, what: str, log: Path, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise postgres.ClusterError(f"{what} did not listen on port {port}; see {log}") from None
            time.sleep(0.2)


def _wait_http(layout: Layout, part: str, url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if running_pid(layout.run_dir, part) is None:
            raise postgres.ClusterError(f"{part} exited; see {layout.log(part)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own node
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise postgres.ClusterError(f"{part} did not answer {url}; see {layout.log(part)}")
        time.sleep(0.3)


def _start(layout: Layout, part: Part, say: Say) -> None:
    pid, started = start(part, layout.run_dir, layout.log(part.name))
    say(f"{part.name:<14} {'started' if started else 'running'} (pid {pid})")


def infrastructure(layout: Layout, say: Say) -> None:
    """Redis (queue, cache, sessions, periodic claims) and Mosquitto, private to the cluster."""
    redis_dir = layout.root / "redis"
    redis_dir.mkdir(exist_ok=True)
    _start(
        layout,
        Part(
            "redis",
            [
                "redis-server",
                "--port",
                str(layout.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(redis_dir),
            ],
        ),
        say,
    )
    mqtt_dir = layout.root / "mosquitto"
    mqtt_dir.mkdir(exist_ok=True)
    mqtt_dir.chmod(0o777)  # mosquitto started as root drops to its own user
    conf = mqtt_dir / "mosquitto.conf"
    conf.write_text(MOSQUITTO_CONF.format(port=layout.mqtt_port, dir=mqtt_dir))
    _start(layout, Part("mosquitto", ["mosquitto", "-c", str(conf)]), say)
    _wait_port(layout.redis_port, "Redis", layout.log("redis"))
    _wait_port(layout.mqtt_port, "Mosquitto", layout.log("mosquitto"))


def database(layout: Layout, user: str, say: Say) -> tuple[str, str]:
    """Monitor, primary, standby; returns (DATABASE_URL, DATABASE_REPLICA_URL)."""
    postgres.prepare(layout, user)
    postgres.create_monitor(layout, user)
    _start(layout, postgres.monitor_part(layout, user), say)
    postgres.wait_monitor(layout, user)
    if (layout.pgdata("node2") / "PG_VERSION").exists():
        # Created before: start the keepers that died. A former primary rejoins as a standby
        # (pg_auto_failover rewinds it); nothing waits for it, the formation serves meanwhile.
        for index in (1, 2):
            _start(layout, postgres.node_part(layout, user, index), say)
        return postgres.formation_uri(layout, user), postgres.formation_uri(layout, user, "prefer-standby")
    _start(layout, postgres.node_part(layout, user, 1), say)
    postgres.wait_node(layout, user, "node1", {"single", "wait_primary", "primary"})
    _start(layout, postgres.node_part(layout, user, 2), say)  # cloned while the schema is created
    return postgres.formation_uri(layout, user), postgres.formation_uri(layout, user, "prefer-standby")


def wait_standby(layout: Layout, user: str) -> None:
    """Wait for the new standby to catch up (synchronous replication from then on)."""
    postgres.wait_node(layout, user, "node2", {"secondary"})
    postgres.wait_node(layout, user, "node1", {"primary"})
    for name in postgres.NODES:
        postgres.tune_keeper(layout, user, name)


def schema(layout: Layout, env: dict[str, str], demo: bool, say: Say) -> bool:
    """Migrate (and load the demo data) once, from one process, before any node starts; True if it
    did (a new cluster)."""
    marker = layout.root / ("demo-loaded" if demo else "migrated")
    if marker.exists():
        return False
    command = ["demo", "--load-only"] if demo else ["migrate"]
    say(f"{'schema':<14} countyworks {' '.join(command)} …")
    with layout.log("schema").open("ab") as log:
        subprocess.run(  # noqa: S603 - our own CLI
            [*_python(), "-m", "countyworks.cli", *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
        if not demo:
            code = "from django.core.management import call_command; call_command('collectstatic', interactive=False, verbosity=0)"
            subprocess.run(  # noqa: S603
                [*_python(), "-m", "countyworks.cli", "shell", "-c", code],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
    marker.touch()
    return True


def app_parts(layout: Layout, env: dict[str, str], app_workers: int, simulator: bool) -> list[Part]:
    parts = [
        Part(
            f"app-{i}",
            [
                *_python(),
                "-m",
                "gunicorn",
                "countyworks.wsgi:application",
                "--bind",
                f"127.0.0.1:{layout.app_port(i)}",
                "--workers",
                str(app_workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
            ],
            env=env,
        )
        for i in range(1, APP_NODES + 1)
    ]
    parts += [
        Part(f"worker-{i}", [*_python(), "-m", "countyworks.cli", "worker", "--workers", "2"], env=env)
        for i in range(1, WORKERS + 1)
    ]
    parts += [
        Part(
            f"ingest-{i}",
            [*_python(), "-m", "countyworks.cli", "ingest", "--client-id", f"countyworks-cluster-ingest-{i}"],
            env=env,
        )
        for i in range(1, CONSUMERS + 1)
    ]
    if simulator:
        parts.append(
            Part("simulator", [*_python(), "-m", "countyworks.cli", "simulate", "--meters-only"], env=env)
        )
    return parts


def balancer_part(layout: Layout, env: dict[str, str]) -> Part:
    backends = [
        arg for i in range(1, APP_NODES + 1) for arg in ("--backend", f"127.0.0.1:{layout.app_port(i)}")
    ]
    return Part(
        "balancer",
        [
            *_python(),
            "-m",
            "countyworks.cluster.balancer",
            "--listen",
            f"127.0.0.1:{layout.balancer_port}",
            *backends,
        ],
        env=env,
    )


def up(layout: Layout, *, demo: bool, simulator: bool, app_workers: int, say: Say) -> State:
    missing = [tool for tool in ("redis-server", "mosquitto") if shutil.which(tool) is None]
    if postgres.pg_autoctl() is None:
        missing.append("pg_autoctl (apt-get install postgresql-15-auto-failover pg-auto-failover-cli)")
    if missing:
        raise postgres.ClusterError(f"missing: {', '.join(missing)}")
    for directory in (layout.root, layout.run_dir, layout.log_dir, layout.data_dir):
        directory.mkdir(parents=True, exist_ok=True)
    user = postgres.pg_user()
    infrastructure(layout, say)
    database_url, replica_url = database(layout, user, say)
    env = app_env(layout, database_url, replica_url, demo)
    keys = (
        "DATABASE_URL",
        "DATABASE_REPLICA_URL",
        "REDIS_URL",
        "MQTT_URL",
        "COUNTYWORKS_DATA_DIR",
        "SECRET_KEY_FILE",
    )
    state = State(base_port=layout.base_port, pg_user=user, env={k: env[k] for k in keys})
    state.save(layout)
    if schema(layout, env, demo, say):
        wait_standby(layout, user)
    parts = [*app_parts(layout, env, app_workers, simulator and demo), balancer_part(layout, env)]
    for part in parts:
        _start(layout, part, say)
    for i in range(1, APP_NODES + 1):
        _wait_http(layout, f"app-{i}", f"http://127.0.0.1:{layout.app_port(i)}/healthz")
    _wait_http(layout, "balancer", f"{layout.url}healthz")
    say(f"countyworks cluster is serving at {layout.url} (DATABASE_URL={database_url})")
    return state


def down(layout: Layout, say: Say) -> None:
    """Stop every part whose pid file this cluster wrote, in the reverse order of ``up``."""
    for name in reversed(PARTS):
        if stop(layout.run_dir, name, timeout=60 if name.startswith("pg-") else 20):
            say(f"{name:<14} stopped")


def status(layout: Layout) -> list[str]:
    """One line per part (running with its pid, or stopped), then the database nodes' roles."""
    state = State.load(layout)
    if state is None:
        return [f"no cluster in {layout.root}"]
    lines = []
    for name in PARTS:
        pid = running_pid(layout.run_dir, name)
        lines.append(f"{name:<14} {'running (pid ' + str(pid) + ')' if pid else 'stopped'}")
    try:
        for node in postgres.node_states(layout, state.pg_user):
            role = ROLES.get(str(node["reportedstate"]), str(node["reportedstate"]))
            health = "" if node["health"] != 0 else ", unreachable"
            lines.append(
                f"{node['nodename']:<14} {node['nodehost']}:{node['nodeport']} {role}"
                f" (monitor assigns {node['goalstate']}{health})"
            )
    except Exception as exc:  # the monitor is part of what status reports on
        lines.append(f"database roles unknown: the monitor does not answer ({type(exc).__name__})")
    lines.append(f"entry point    {layout.url}")
    return lines
