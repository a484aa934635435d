"""Start, find and stop the cluster's processes through pid files (what systemd does for a node).

Each part runs in its own session (process group), so stopping it reaches its children too:
pg_autoctl's postgres, gunicorn's workers. ``start`` of a part that is running does nothing, so
``countyworks cluster up`` run again restarts exactly the parts that died.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Part:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    user: str | None = None  # run as this operating-system user (the database's)
    cwd: Path | None = None


def pid_file(run_dir: Path, name: str) -> Path:
    return run_dir / f"{name}.pid"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead


def running_pid(run_dir: Path, name: str) -> int | None:
    """The pid of a running part, or None (no pid file, or the process is gone)."""
    path = pid_file(run_dir, name)
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def start(part: Part, run_dir: Path, log: Path) -> tuple[int, bool]:
    """Start ``part`` unless it runs; returns (pid, started now)."""
    pid = running_pid(run_dir, part.name)
    if pid is not None:
        return pid, False
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - argv built by the cluster, no shell
            part.argv,
            env=part.env or None,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=part.cwd,
            user=part.user,
            group=part.user,
            start_new_session=True,
        )
    pid_file(run_dir, part.name).write_text(str(process.pid))
    return process.pid, True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Only zombies left (their parent is gone with them): nothing runs any more.
    return any(
        _alive(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit() and _in_group(p, pgid)
    )


def _in_group(proc: Path, pgid: int) -> bool:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid
    except (OSError, ValueError, IndexError):
        return False


def stop(run_dir: Path, name: str, *, timeout: float = 30.0) -> bool:
    """SIGTERM the part's process group, SIGKILL after ``timeout``; True if it was running."""
    pid = running_pid(run_dir, name)
    pid_file(run_dir, name).unlink(missing_ok=True)
    if pid is None:
        return False
    signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _group_alive(pid):
        if time.monotonic() > deadline:
            signal_group(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
        time.sleep(0.1)
    return True


def signal_group(pid: int, signum: int) -> None:
    """Send ``signum`` to the part started as ``pid`` and every process of its group."""
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass
