"""Where a cluster lives: its directory, its ports, and the state file ``status`` and ``down`` read.

Everything of one cluster sits under one directory (databases, logs, pid files, broker and queue
data), and its ports follow from one base port, so two clusters on one machine differ in both.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

#: Below Linux's ephemeral range (32768-60999), where an outgoing connection could hold a port first.
DEFAULT_BASE_PORT = 27400
APP_NODES = 2
WORKERS = 2
CONSUMERS = 2


#: Every part in start order; ``down`` stops them in the reverse order.
PARTS = (
    "redis",
    "mosquitto",
    "pg-monitor",
    "pg-node1",
    "pg-node2",
    *(f"app-{i}" for i in range(1, APP_NODES + 1)),
    *(f"worker-{i}" for i in range(1, WORKERS + 1)),
    *(f"ingest-{i}" for i in range(1, CONSUMERS + 1)),
    "simulator",
    "balancer",
)


@dataclass(frozen=True)
class Layout:
    root: Path
    base_port: int = DEFAULT_BASE_PORT

    # ports --------------------------------------------------------------------------------------
    @property
    def balancer_port(self) -> int:
        return self.base_port

    @property
    def monitor_port(self) -> int:
        return self.base_port + 1

    def node_port(self, i: int) -> int:
        """PostgreSQL node ``i`` (1 or 2)."""
        return self.base_port + 1 + i

    @property
    def redis_port(self) -> int:
        return self.base_port + 5

    @property
    def mqtt_port(self) -> int:
        return self.base_port + 6

    def app_port(self, i: int) -> int:
        return self.base_port + 9 + i

    # paths --------------------------------------------------------------------------------------
    @property
    def pg_dir(self) -> Path:
        """Owned by the database's operating-system user (PostgreSQL refuses to run as root)."""
        return self.root / "pg"

    def pgdata(self, name: str) -> Path:
        return self.pg_dir / name

    @property
    def run_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_dir(self) -> Path:
        return self.root / "log"

    @property
    def data_dir(self) -> Path:
        """The app's COUNTYWORKS_DATA_DIR, shared by every node (uploads, static files)."""
        return self.root / "data"

    @property
    def state_file(self) -> Path:
        return self.root / "cluster.json"

    def log(self, part: str) -> Path:
        return self.log_dir / f"{part}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.balancer_port}/"


def default_root() -> Path:
    """``$COUNTYWORKS_CLUSTER_DIR``, else ``cluster/`` under the data directory."""
    explicit = os.environ.get("COUNTYWORKS_CLUSTER_DIR")
    if explicit:
        return Path(explicit).resolve()
    return Path(os.environ.get("COUNTYWORKS_DATA_DIR", "var")).resolve() / "cluster"


@dataclass
class State:
    """What ``up`` wrote for ``status``, ``down`` and the tests: ports and the app's environment."""

    base_port: int
    pg_user: str
    env: dict[str, str]

    def save(self, layout: Layout) -> None:
        layout.state_file.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, layout: Layout) -> State | None:
        if not layout.state_file.exists():
            return None
        return cls(**json.loads(layout.state_file.read_text(encoding="utf-8")))
