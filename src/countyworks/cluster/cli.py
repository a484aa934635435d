"""``countyworks cluster up|down|status`` (see :mod:`countyworks.cluster.topology`).

Only argparse is imported when the parser is built; the topology, psycopg and Django load when a
cluster command runs.
"""

from __future__ import annotations

import argparse

from countyworks.core.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    cluster = subparsers.add_parser(
        "cluster",
        help="start, stop or inspect the replicated topology on this machine (tests, demonstrations)",
    )
    cluster.add_argument("action", choices=("up", "down", "status"))
    cluster.add_argument(
        "--dir", help="where the cluster lives (default $COUNTYWORKS_CLUSTER_DIR or <data dir>/cluster)"
    )
    cluster.add_argument(
        "--base-port", type=int, help="first of its ports (default 55400; uses base … base+11)"
    )
    cluster.add_argument("--no-demo", action="store_true", help="migrate only, without the demo data")
    cluster.add_argument("--no-simulator", action="store_true", help="do not start the station simulator")
    cluster.add_argument("--app-workers", type=int, default=2, help="gunicorn workers per app node")
    cluster.set_defaults(func=cmd_cluster)


def cmd_cluster(args: argparse.Namespace) -> int:
    from pathlib import Path

    from countyworks.cluster import topology
    from countyworks.cluster.layout import DEFAULT_BASE_PORT, Layout, State, default_root
    from countyworks.cluster.postgres import ClusterError

    root = Path(args.dir).resolve() if args.dir else default_root()
    base_port = args.base_port
    if base_port is None:
        state = State.load(Layout(root))
        base_port = state.base_port if state else DEFAULT_BASE_PORT
    layout = Layout(root, base_port)

    def say(line: str) -> None:
        print(line, flush=True)

    if args.action == "status":
        for line in topology.status(layout):
            print(line)
        return 0
    if args.action == "down":
        topology.down(layout, say)
        return 0
    try:
        topology.up(
            layout,
            demo=not args.no_demo,
            simulator=not args.no_simulator,
            app_workers=args.app_workers,
            say=say,
        )
    except ClusterError as exc:
        raise InputError(
            [
                f"countyworks cluster up: {exc}",
                "the parts already started keep running: countyworks cluster down stops them",
            ]
        ) from exc
    return 0
