"""Benchmark: the replicated topology of ``countyworks cluster`` on one machine.

Run: ``.venv/bin/python bench/bench_cluster.py [--seconds 15] [--clients 8] [--failover-runs 1]``
(or ``countyworks bench cluster``). Needs pg_auto_failover, redis-server and mosquitto (Debian:
``apt-get install postgresql-15-auto-failover pg-auto-failover-cli redis-server mosquitto``).

1. **Web throughput, two app nodes against one, same run**: a cluster is started, ``--clients``
   threads request for ``--seconds`` through the balancer (a) the ticket list of the API
   (``GET /api/v1/workflow/tickets?view=all``, a read served by the standby) and (b) ticket creation
   (``POST /api/v1/workflow/tickets``, a write on the primary, synchronously replicated), first with
   both app nodes up, then with app-2 stopped (the balancer drops it), then both again; with the
   CPU time each kind of process spent per request (from /proc), which says where it stops scaling.
2. **Failover**: the fault test (tests/cluster/test_failover.py) ``--failover-runs`` times, each on
   a fresh cluster at the design rate (100 stations × 58 points at 1 Hz, ``CLUSTER_FAULT_STATIONS``):
   the write gap (time without an acknowledged ticket, budget < 30 s), when the standby was
   promoted, and the readings published and stored (loss must be zero).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_PORT = 27800
PASSWORD = "bench-cluster-password-1"  # noqa: S105
GAP_BUDGET_S = 30.0


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "MQTT_URL"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    return env


def _cluster(root: Path, *args: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "countyworks.cli",
            "cluster",
            *args,
            "--dir",
            str(root),
            "--base-port",
            str(BASE_PORT),
        ],
        env=_env(),
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=900,
    )


def _post(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own cluster
        return json.loads(response.read())


def _load(url: str, token: str, owner: int, clients: int, seconds: float, write: bool) -> tuple[float, int]:
    """(requests per second answered 2xx, errors) with ``clients`` threads for ``seconds``."""
    done = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds
    ticket = {
        "subject_type": "core.region",
        "subject_id": "430981",
        "title": "吞吐测试",
        "region": "430981",
        "policy_code": "service-3d",
        "owner_person_id": owner,
    }

    def client(i: int) -> None:
        while time.monotonic() < stop:
            try:
                if write:
                    _post(f"{url}api/v1/workflow/tickets", ticket, token)
                else:
                    request = urllib.request.Request(
                        f"{url}api/v1/workflow/tickets?view=all&limit=20",
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                        response.read()
                done[i] += 1
            except (OSError, ValueError):
                errors[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - began), sum(errors)


def cpu_seconds(root: Path) -> dict[str, float]:
    """CPU time (user + system) used so far by each running part's process group, and by this client."""
    tick = os.sysconf("SC_CLK_TCK")
    groups = {int(p.read_text()): p.stem for p in (root / "run").glob("*.pid")}
    used: dict[str, float] = {"client (this process)": sum(os.times()[:2])}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        part = groups.get(int(fields[2]))
        if part is not None:
            used[part] = used.get(part, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


def _cost(before: dict[str, float], after: dict[str, float], requests: float) -> str:
    """Milliseconds of CPU per request, by kind of part."""
    kinds = {"app": "app-", "postgres": "pg-node", "balancer": "balancer", "client": "client"}
    spent = {
        kind: sum(after.get(k, 0.0) - before.get(k, 0.0) for k in after if k.startswith(prefix))
        for kind, prefix in kinds.items()
    }
    return ", ".join(f"{kind} {1000 * cpu / max(requests, 1):.0f}" for kind, cpu in spent.items())


def throughput(seconds: float, clients: int) -> list[tuple[str, str, float, int]]:
    root = Path(tempfile.mkdtemp(prefix="cw-cluster-bench-"))
    root.chmod(0o755)
    url = f"http://127.0.0.1:{BASE_PORT}/"
    rows = []
    try:
        _cluster(root, "up", "--no-demo", "--no-simulator")
        env = {**_env(), **json.loads((root / "cluster.json").read_text())["env"]}
        prepared = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "cluster" / "setup_fault.py"), "0", PASSWORD],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        owner = json.loads(prepared.stdout.strip().splitlines()[-1])["owner_person_id"]
        token = _post(
            f"{url}api/v1/auth/token", {"username": "fault-admin", "password": PASSWORD, "name": "bench"}
        )["token"]
        _load(url, token, owner, clients, 3, write=True)  # warm-up, and tickets to list
        from countyworks.cluster.processes import stop

        for label in ("2 nodes", "1 node", "2 nodes again"):
            if label == "1 node":
                stop(root / "run", "app-2")
                time.sleep(2)  # the balancer's health check drops it
            if label == "2 nodes again":
                _cluster(root, "up", "--no-demo", "--no-simulator")
            for kind, write in (("read (standby)", False), ("write (primary)", True)):
                before = cpu_seconds(root)
                rate, errors = _load(url, token, owner, clients, seconds, write)
                cost = _cost(before, cpu_seconds(root), rate * seconds)
                rows.append((label, kind, rate, errors))
                print(
                    f"  {label:<14} {kind:<16} {rate:7.1f} req/s  ({errors} errors); CPU ms/request: {cost}",
                    flush=True,
                )
    finally:
        _cluster(root, "down")
        shutil.rmtree(root, ignore_errors=True)
    return rows


def failover(runs: int) -> list[dict]:
    report = Path(tempfile.mkstemp(prefix="cw-cluster-fault-", suffix=".jsonl")[1])
    results = []
    try:
        for _ in range(runs):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-p",
                    "no:xdist",
                    "-q",
                    "-m",
                    "cluster",
                    "tests/cluster/test_failover.py",
                ],
                env={**_env(), "CLUSTER_FAULT_REPORT": str(report)},
                cwd=ROOT,
                check=False,
            )
        results = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    finally:
        report.unlink(missing_ok=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--failover-runs", type=int, default=1)
    args = parser.parse_args()
    print(
        f"cluster benchmark on {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"1. web throughput through the balancer, {args.clients} clients, {args.seconds:g} s each:")
    rows = throughput(args.seconds, args.clients)
    by = {(label, kind): rate for label, kind, rate, _ in rows}
    for kind in ("read (standby)", "write (primary)"):
        print(f"  two nodes / one node, {kind}: {by[('2 nodes', kind)] / by[('1 node', kind)]:.2f}×")
    print(f"2. failover, {args.failover_runs} run(s) of the fault test:")
    results = failover(args.failover_runs)
    for result in results:
        lost = result["readings_published"] - result["readings_stored"]
        print(
            f"  promoted after {result['standby_promoted_after_s']} s, write gap {result['write_gap_s']} s, "
            f"{result['tickets_acknowledged']} tickets acknowledged, {result['readings_published']} readings "
            f"published, {lost} lost, {result['periodic_runs']} periodic runs"
        )
    ok = len(results) == args.failover_runs and all(
        r["write_gap_s"] < GAP_BUDGET_S and r["readings_published"] == r["readings_stored"] for r in results
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
