"""Benchmark: ``countyworks demo`` on a fresh data directory until it serves (budget < 60 s: the
README's "after that the demo is serving within a minute"), the whole process as a user runs it,
against the same start with the database migrated first (``countyworks migrate``, then ``demo``:
the demo's own start before the database was built from the models, ``core/schema.py``).

Run: ``.venv/bin/python bench/bench_demo_start.py [--repeats R]``. Exit code 1 if the budget is
missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BUDGET_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "MQTT_URL"}}


def _countyworks(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "countyworks.cli", "--data-dir", str(data_dir), *args]


def serve_time(*, migrate_first: bool) -> float:
    """Seconds from the first command to the login page answering 200 (fresh data directory)."""
    with tempfile.TemporaryDirectory(prefix="cw-demo-start-") as tmp:
        data_dir, port = Path(tmp), _free_port()
        started = time.monotonic()
        if migrate_first:
            subprocess.run(_countyworks(data_dir, "migrate"), env=_env(), check=True)
        process = subprocess.Popen(
            _countyworks(data_dir, "demo", "--port", str(port)),
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                if process.poll() is not None:
                    raise RuntimeError("countyworks demo exited before serving")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
                        if r.status == 200:
                            return time.monotonic() - started
                except OSError:
                    time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    built = [serve_time(migrate_first=False) for _ in range(args.repeats)]
    migrated = [serve_time(migrate_first=True) for _ in range(args.repeats)]
    print(
        f"countyworks demo, fresh directory:       {statistics.median(built):6.1f} s median ({min(built):.1f}–{max(built):.1f})"
    )
    print(
        f"baseline: countyworks migrate, then demo: {statistics.median(migrated):6.1f} s median ({min(migrated):.1f}–{max(migrated):.1f})"
    )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    ok = statistics.median(built) < BUDGET_S
    print(f"budget < {BUDGET_S:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
