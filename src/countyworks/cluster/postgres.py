"""PostgreSQL with automatic failover by pg_auto_failover (Debian: postgresql-15-auto-failover).

A monitor (a small PostgreSQL with the ``pgautofailover`` extension) watches two nodes, each run
by a ``pg_autoctl`` keeper that starts, stops, promotes and demotes its postgres as the monitor
asks. The nodes replicate synchronously while both are up (a commit returns once the standby has
it), so a write acknowledged to a client survives the loss of the primary; when the standby is
lost the primary goes on alone (``wait_primary``). The monitor's timings are shortened for a
one-machine demonstration (:data:`MONITOR_SETTINGS`), the keeper's network-partition timeout with
them, so that a failover takes seconds rather than the defaults' 30 s or more.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

from countyworks.cluster.layout import Layout
from countyworks.cluster.processes import Part

DBNAME = "countyworks"
NODES = ("node1", "node2")
#: pg_auto_failover monitor settings (pg_auto_failover manual, "Configuring pg_auto_failover"):
#: the defaults wait 20 s before calling a node unhealthy and give an old primary 30 s to demote.
#: The old primary's keeper demotes itself after ``network_partition_timeout`` without the monitor
#: (:data:`KEEPER_PARTITION_TIMEOUT_S`), which must stay shorter than ``primary_demote_timeout``.
MONITOR_SETTINGS = {
    "pgautofailover.health_check_period": "1000",
    "pgautofailover.health_check_timeout": "1000",
    "pgautofailover.health_check_max_retries": "1",
    "pgautofailover.health_check_retry_delay": "500",
    "pgautofailover.node_considered_unhealthy_timeout": "5000",
    "pgautofailover.primary_demote_timeout": "8000",
}
KEEPER_PARTITION_TIMEOUT_S = 5
NODE_STATES_SQL = "SELECT nodename, nodehost, nodeport, reportedstate, goalstate, health FROM pgautofailover.node ORDER BY nodeid"


class ClusterError(RuntimeError):
    """A part of the cluster could not be started."""


def pg_autoctl() -> str | None:
    return shutil.which("pg_autoctl")


def pg_bindir() -> Path:
    """The newest installed PostgreSQL's programs (pg_ctl, postgres)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise ClusterError("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(pg_ctl).parent


def pg_user() -> str:
    """PostgreSQL refuses to run as root: as root the cluster uses ``postgres``, else the caller."""
    return "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name


def autoctl_env(layout: Layout, user: str) -> dict[str, str]:
    """pg_autoctl keeps its configuration and state under XDG directories: inside the cluster's."""
    home = str(layout.pg_dir)
    return {
        "PATH": f"{pg_bindir()}:/usr/bin:/bin",
        "HOME": home,
        "USER": user,
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": f"{home}/config",
        "XDG_DATA_HOME": f"{home}/share",
        "XDG_RUNTIME_DIR": f"{home}/runtime",
    }


def prepare(layout: Layout, user: str) -> None:
    """The database directory and pg_autoctl's XDG directories, owned by the database's user
    (what pg_autoctl creates inside them is its own)."""
    directories = [layout.pg_dir, *(layout.pg_dir / sub for sub in ("config", "share", "runtime"))]
    for directory in directories:
        directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        for directory in directories:
            os.chown(directory, entry.pw_uid, entry.pw_gid)
        for parent in layout.pg_dir.parents:  # the user must reach its directory
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o011)


def monitor_uri(layout: Layout) -> str:
    return f"postgres://autoctl_node@127.0.0.1:{layout.monitor_port}/pg_auto_failover"


def _superuser_dsn(port: int, dbname: str, user: str) -> str:
    return f"host=127.0.0.1 port={port} dbname={dbname} user={user} connect_timeout=2"


def create_monitor(layout: Layout, user: str) -> None:
    """``pg_autoctl create monitor`` once (initdb, the extension), then tuned on its first start."""
    pgdata = layout.pgdata("monitor")
    if (pgdata / "PG_VERSION").exists():
        return
    subprocess.run(  # noqa: S603 - fixed argv
        [
            pg_autoctl() or "pg_autoctl",
            "create",
            "monitor",
            "--pgdata",
            str(pgdata),
            "--pgport",
            str(layout.monitor_port),
            "--hostname",
            "127.0.0.1",
            "--auth",
            "trust",
            "--no-ssl",
        ],
        env=autoctl_env(layout, user),
        user=user,
        group=user,
        cwd=layout.pg_dir,
        stdout=layout.log("pg-monitor").open("ab"),
        stderr=subprocess.STDOUT,
        check=True,
        timeout=120,
    )


def monitor_part(layout: Layout, user: str) -> Part:
    return Part(
        "pg-monitor",
        [pg_autoctl() or "pg_autoctl", "run", "--pgdata", str(layout.pgdata("monitor"))],
        env=autoctl_env(layout, user),
        user=user,
        cwd=layout.pg_dir,
    )


def node_part(layout: Layout, user: str, index: int) -> Part:
    """Node ``index``: created on the first start (as primary if first, else as standby), then run."""
    name = NODES[index - 1]
    pgdata = layout.pgdata(name)
    if (pgdata / "PG_VERSION").exists():
        argv = [pg_autoctl() or "pg_autoctl", "run", "--pgdata", str(pgdata)]
    else:
        argv = [
            pg_autoctl() or "pg_autoctl",
            "create",
            "postgres",
            "--pgdata",
            str(pgdata),
            "--pgport",
            str(layout.node_port(index)),
            "--hostname",
            "127.0.0.1",
            "--name",
            name,
            "--auth",
            "trust",
            "--no-ssl",
            "--dbname",
            DBNAME,
            "--monitor",
            monitor_uri(layout),
            "--run",
        ]
    return Part(f"pg-{name}", argv, env=autoctl_env(layout, user), user=user, cwd=layout.pg_dir)


def wait_monitor(layout: Layout, user: str, timeout: float = 60) -> None:
    """Wait for the monitor, then apply :data:`MONITOR_SETTINGS` (idempotent)."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(
                _superuser_dsn(layout.monitor_port, "pg_auto_failover", user), autocommit=True
            ) as conn:
                for name, value in MONITOR_SETTINGS.items():
                    conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
                conn.execute("SELECT pg_reload_conf()")
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise ClusterError(f"the monitor did not start; see {layout.log('pg-monitor')}") from None
            time.sleep(0.5)


def node_states(layout: Layout, user: str) -> list[dict[str, object]]:
    """The monitor's view of the nodes: name, host, port, reported and assigned state, health
    (1 answers the monitor's checks, 0 does not, -1 not checked yet)."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(
        _superuser_dsn(layout.monitor_port, "pg_auto_failover", user), row_factory=dict_row
    ) as conn:
        return list(conn.execute(NODE_STATES_SQL).fetchall())


def wait_node(layout: Layout, user: str, name: str, states: set[str], timeout: float = 180) -> None:
    """Wait until node ``name`` reports one of ``states``. A new standby's base backup waits for a
    checkpoint of the primary (spread over minutes by default): the primary is asked for one."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            nodes = {str(n["nodename"]): n for n in node_states(layout, user)}
        except psycopg.OperationalError:
            nodes = {}
        node = nodes.get(name)
        if node and node["reportedstate"] in states and node["goalstate"] in states:
            return
        for other in nodes.values():
            if other["reportedstate"] in ("wait_primary", "primary") and node is not None:
                try:
                    with psycopg.connect(
                        _superuser_dsn(int(str(other["nodeport"])), "postgres", user), autocommit=True
                    ) as conn:
                        conn.execute("CHECKPOINT")
                except psycopg.OperationalError:
                    pass
        if time.monotonic() > deadline:
            raise ClusterError(
                f"PostgreSQL {name} did not reach {sorted(states)}; see {layout.log('pg-' + name)}"
            )
        time.sleep(2)


def tune_keeper(layout: Layout, user: str, name: str) -> None:
    """Shorten the keeper's network-partition timeout (see :data:`MONITOR_SETTINGS`) and reload it."""
    env = autoctl_env(layout, user)
    pgdata = str(layout.pgdata(name))
    for argv in (
        [
            "config",
            "set",
            "--pgdata",
            pgdata,
            "timeout.network_partition_timeout",
            str(KEEPER_PARTITION_TIMEOUT_S),
        ],
        ["reload", "--pgdata", pgdata],
    ):
        subprocess.run(  # noqa: S603 - fixed argv
            [pg_autoctl() or "pg_autoctl", *argv],
            env=env,
            user=user,
            group=user,
            cwd=layout.pg_dir,
            capture_output=True,
            check=False,
            timeout=30,
        )


def formation_uri(layout: Layout, user: str, attrs: str = "read-write") -> str:
    """The libpq multi-host URI of the formation, as ``pg_autoctl show uri --formation default``
    prints it, for ``user``; ``attrs`` is libpq's ``target_session_attrs``."""
    hosts = ",".join(f"127.0.0.1:{layout.node_port(i)}" for i in range(1, len(NODES) + 1))
    return f"postgres://{user}@{hosts}/{DBNAME}?target_session_attrs={attrs}"
