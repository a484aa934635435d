"""``countyworks ingest`` (the MQTT consumer) and ``countyworks simulate`` (station telemetry publisher).

Both follow docs/telemetry.md. ``ingest`` runs until SIGTERM or SIGINT, finishing the batch in hand
(its messages are acknowledged only once committed). ``simulate`` publishes the live readings of
registered stations, in real time or replaying a period faster than real time.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from datetime import UTC, datetime, timedelta

from countyworks.cli import setup_django
from countyworks.core.errors import InputError


def _url(args: argparse.Namespace) -> str:
    from django.conf import settings

    from countyworks.energy.mqtt import DEFAULT_URL

    return args.url or settings.MQTT_URL or DEFAULT_URL


def register(subparsers: argparse._SubParsersAction) -> None:
    ingest = subparsers.add_parser(
        "ingest", help="MQTT consumer: store station telemetry (docs/telemetry.md)"
    )
    ingest.add_argument(
        "--url", help="broker, mqtt://host:port or mqtts://user:pass@host:port (default MQTT_URL)"
    )
    ingest.add_argument(
        "--client-id",
        help="stable id of this consumer's persistent session (default countyworks-ingest-<host>)",
    )
    ingest.add_argument("--group", default="countyworks", help="shared-subscription group ($share/<group>/…)")
    ingest.add_argument(
        "--no-share",
        action="store_true",
        help="plain subscriptions instead of the shared group (one consumer; survives broker restarts)",
    )
    ingest.add_argument("--batch-size", type=int, default=2000, help="messages per transaction at most")
    ingest.add_argument("--linger", type=float, default=0.05, help="seconds to wait for a batch to fill")
    ingest.add_argument(
        "--receive-maximum", type=int, default=5000, help="unacknowledged messages the broker may send"
    )
    ingest.add_argument(
        "--forget-session",
        action="store_true",
        help="end this client id's persistent session on the broker and exit (retiring a consumer)",
    )
    ingest.set_defaults(func=cmd_ingest)

    sim = subparsers.add_parser(
        "simulate", help="publish realistic telemetry of registered stations over MQTT"
    )
    sim.add_argument("--url", help="broker URL (default MQTT_URL)")
    sim.add_argument(
        "--station", action="append", default=[], help="station code (repeat; default every station)"
    )
    sim.add_argument("--region", help="only stations of this division code")
    sim.add_argument(
        "--interval", type=int, default=1, help="whole seconds of telemetry between readings (≥ 1)"
    )
    sim.add_argument(
        "--duration", type=float, help="seconds of telemetry to publish (default: until stopped)"
    )
    sim.add_argument("--start", help="ISO timestamp to replay from (default: now, in real time)")
    sim.add_argument(
        "--speed", type=float, default=1.0, help="replay speed: telemetry seconds per wall second"
    )
    sim.add_argument(
        "--meters-only", action="store_true", help="publish only grid meters and EMS (station-level points)"
    )
    sim.add_argument("--seed", type=int, default=1)
    sim.set_defaults(func=cmd_simulate)


def cmd_ingest(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    from countyworks.energy.mqtt import Consumer, ConsumerConfig, default_client_id, forget_session

    logging.getLogger("countyworks").setLevel(logging.INFO)
    if args.forget_session:
        client_id = args.client_id or default_client_id()
        try:
            forget_session(_url(args), client_id)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"cannot reach the broker: {exc}") from exc
        print(f"countyworks ingest: session of {client_id} ended", flush=True)
        return 0
    config = ConsumerConfig(
        url=_url(args),
        client_id=args.client_id or default_client_id(),
        group="" if args.no_share else args.group,
        batch_size=args.batch_size,
        linger=args.linger,
        receive_maximum=args.receive_maximum,
    )
    try:
        consumer = Consumer(config)
    except ValueError as exc:
        raise InputError(str(exc)) from exc

    def stop(signum, _frame) -> None:
        logging.getLogger(__name__).info("signal %s: finishing the current batch", signum)
        consumer.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"countyworks ingest: {config.client_id} consuming {', '.join(consumer.filters)} from {config.url}",
        flush=True,
    )
    totals = consumer.run()
    print(
        f"countyworks ingest: stopped; {totals.messages} messages, {totals.stored} readings stored, "
        f"{totals.duplicates} duplicates, {totals.quarantined} quarantined",
        flush=True,
    )
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    setup_django(args.data_dir)
    import numpy as np

    from countyworks.core.regions import InvalidRegionCode, significant_prefix
    from countyworks.energy import simulate
    from countyworks.energy.models import DayAheadSchedule, Station
    from countyworks.energy.mqtt import Publisher

    stations = Station.objects.filter(decommissioned_on__isnull=True).select_related("region")
    if args.station:
        stations = stations.filter(code__in=args.station)
        missing = set(args.station) - set(stations.values_list("code", flat=True))
        if missing:
            raise InputError(f"unknown station(s): {', '.join(sorted(missing))}")
    if args.region:
        try:
            stations = stations.filter(region__code__startswith=significant_prefix(args.region))
        except InvalidRegionCode as exc:
            raise InputError(str(exc)) from exc
    chosen = list(stations)
    if not chosen:
        raise InputError("no station to simulate")
    if args.interval < 1 or args.speed <= 0:
        raise InputError("--interval must be ≥ 1 s and --speed > 0")
    start = datetime.now(UTC)
    if args.start:
        try:
            start = datetime.fromisoformat(args.start)
        except ValueError as exc:
            raise InputError(f"--start {args.start!r} is not an ISO timestamp") from exc
        if start.tzinfo is None:
            raise InputError("--start needs a UTC offset, e.g. 2023-07-24T19:00:00+08:00")
    plans = {
        (p.station_id, p.day.isoformat()): {**p.steps, "step_minutes": p.step_minutes}
        for p in DayAheadSchedule.objects.filter(
            station__in=chosen, day__gte=(start - timedelta(days=1)).date()
        )
    }
    rng = np.random.default_rng(args.seed)
    lookup = simulate.planned_power(plans)
    sims = [simulate.StationSimulator(s, simulate.device_map(s), rng, schedule=lookup) for s in chosen]
    publisher = Publisher(_url(args), client_id=f"countyworks-sim-{os.getpid()}")
    stop = {"now": False}

    def on_signal(_signum, _frame) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    step = timedelta(seconds=args.interval)
    telemetry_time, wall_start, sent, seq = start, time.monotonic(), 0, 0
    print(
        f"countyworks simulate: {len(sims)} station(s) from {start.isoformat()} every {args.interval:g} s",
        flush=True,
    )
    while not stop["now"]:
        elapsed = (telemetry_time - start).total_seconds()
        if args.duration is not None and elapsed >= args.duration:
            break
        delay = wall_start + elapsed / args.speed - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        seq += 1
        for sim in sims:
            readings = sim.readings(telemetry_time, args.interval, all_devices=not args.meters_only)
            for topic, payload in simulate.to_messages(
                sim.station, telemetry_time, readings, args.interval, seq
            ):
                publisher.publish(topic, payload)
                sent += 1
        telemetry_time += step
    publisher.close()
    print(f"countyworks simulate: {sent} messages published", file=sys.stderr, flush=True)
    return 0
