"""Benchmark: the indicators at province scale on PostgreSQL — generator, rebuild, refresh, pivot.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_province .venv/bin/python
bench/bench_indicators_province.py [--enterprises N] [--tickets N] [--stations N] [--users U]
[--rounds R]`` or ``countyworks bench indicators_province [options]``. A scratch database
``<database>_bench_<pid>`` is created on that server and dropped afterwards (``--keep`` keeps it,
``--generate-only`` stops after the generator, ``--reuse NAME`` skips it on a kept one).

The generator (:func:`generate`, PostgreSQL COPY) writes, over Hunan's 14 cities and 122 counties
of the national tree: 16 towns per county (1,952) and 12 villages per town (23,424); ``N``
enterprises (default 150,000) in the towns with five years (2021–2025) of pool memberships (a
quarter in the 科技型中小企业 pool each year, 3 % newly certified 高企 a year, three years valid);
``N`` tickets (default 1,000,000) spread over the five years, 85 % resolved, one in six of them
late; and ``N`` stations (default 300) with a year (2025) of daily rollups of their output point.

Figures, each against its budget (a summary at the end; exit code 1 if one is missed):

- **full rebuild** of every indicator (budget < 5 min);
- **incremental refresh** after one new ticket (budget < 1 s);
- **pivot page** — 逾期工单率 over 60 months: the province by city, and each of the 14 cities by
  county (all 122 counties) — at p95 < 300 ms with ``U`` (default 16) concurrent users, each
  pausing about ``--think`` seconds (default 1) between pages as a person does (Locust's
  ``between(0.5, 1.5)``; the same without pauses, the server saturated, is reported beside it),
  against a bare Django endpoint in the same run under the same load (a threaded WSGI server in its own process, one client thread
  per user, requests through the network). Each page is viewed once first (computed, then
  cached until its values change); that first view's time is printed too.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import sys
import tempfile
import threading
import time
import types
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

REBUILD_BUDGET_S = 300.0
REFRESH_BUDGET_S = 1.0
PIVOT_BUDGET_MS = 300.0
TOWNS_PER_COUNTY = 16
VILLAGES_PER_TOWN = 12
YEARS = (2021, 2022, 2023, 2024, 2025)
BATCH = 5000

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _http_load  # noqa: E402
from bench_workflow import _setup  # noqa: E402


def _copy(model: type[Any], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``rows`` (values of ``fields``, in that order) into ``model``'s table with PostgreSQL's
    COPY; every other column takes its field's default. No save signal: the rebuild measures them."""
    from django.db import connection

    given = [model._meta.get_field(name) for name in fields]
    rest = [
        f
        for f in model._meta.concrete_fields
        if f not in given and not f.primary_key and not getattr(f, "generated", False)
    ]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*given, *rest])
    table = connection.ops.quote_name(model._meta.db_table)
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *defaults))
            written += 1
    return written


def _regions() -> list[str]:
    from countyworks.core.models import Region

    counties = list(
        Region.objects.filter(code__startswith="43", level="county").values_list("code", flat=True)
    )
    towns = [(f"{county}{100 + t:03d}", county) for county in counties for t in range(TOWNS_PER_COUNTY)]
    _copy(
        Region,
        ["code", "name", "level", "parent"],
        ((town, f"镇{town[-5:]}", "town", county) for town, county in towns),
    )
    _copy(
        Region,
        ["code", "name", "level", "parent"],
        (
            (f"{town}{201 + v:03d}", f"村{town[-3:]}{201 + v:03d}", "village", town)
            for town, _county in towns
            for v in range(VILLAGES_PER_TOWN)
        ),
    )
    return [town for town, _county in towns]


def _enterprises(n: int, towns: list[str]) -> None:
    from countyworks.core.models import Organisation
    from countyworks.innovation.models import PoolMembership, Tier

    _copy(Organisation, ["name", "region"], ((f"企业{i:06d}", towns[i % len(towns)]) for i in range(n)))
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))

    def memberships() -> Iterator[tuple[Any, ...]]:
        for number, year in enumerate(YEARS):
            for i, org in enumerate(ids):
                if (i + number) % 4 == 0:
                    yield org, Tier.TECH_SME.value, year, date(year, 6, 30), date(year, 12, 31)
                if (i * 7 + number) % 100 < 3:
                    yield org, Tier.HIGH_TECH.value, year, date(year, 9, 1), date(year + 3, 8, 31)

    _copy(PoolMembership, ["organisation", "tier", "year", "entered_on", "valid_until"], memberships())


def _tickets(n: int, towns: list[str]) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from countyworks.core.models import Organisation, Person
    from countyworks.workflow.models import SlaPolicy, Status, Ticket

    policy = SlaPolicy.objects.get(code="overnight").pk
    subject = ContentType.objects.get_for_model(Organisation).pk
    owner = Person.objects.create(name="专班", region_id="43").pk
    first = timezone.make_aware(datetime(YEARS[0], 1, 1))
    span = (timezone.make_aware(datetime(YEARS[-1] + 1, 1, 1)) - first).total_seconds()
    step = span / n
    resolved_status, open_status = Status.RESOLVED.value, Status.IN_PROGRESS.value
    one, two, three = timedelta(days=1), timedelta(days=2), timedelta(days=3)

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(n):
            opened = first + timedelta(seconds=step * i)
            resolved = None if i % 20 < 3 else opened + (three if i % 6 == 0 else one)
            yield (
                subject,
                "1",
                towns[(i * 31) % len(towns)],
                f"工单{i:07d}",
                resolved_status if resolved else open_status,
                owner,
                policy,
                opened,
                opened,
                opened + two,
                resolved,
                resolved,
            )

    _copy(
        Ticket,
        [
            "subject_type",
            "subject_id",
            "region",
            "title",
            "status",
            "owner_person",
            "policy",
            "created_at",
            "updated_at",
            "resolution_due",
            "resolved_at",
            "closed_at",
        ],
        rows(),
    )


def _stations(n: int, towns: list[str]) -> None:
    """Stations with a grid meter's active-power point each and a year of daily rollups."""
    from countyworks.energy.models import Device, Point, Rollup, Station
    from countyworks.energy.store import DAY, local_tz

    kinds = ("wind", "pv_ground", "pv_fishery", "pv_rooftop", "biomass")
    stations = Station.objects.bulk_create(
        Station(
            code=f"s{i:04d}",
            name=f"电站{i:04d}",
            kind=kinds[i % len(kinds)],
            region_id=towns[(i * 7) % len(towns)],
            capacity_mw=50,
            grid_capacity_mw=50,
            commissioned_on=date(2020, 1, 1),
        )
        for i in range(n)
    )
    devices = Device.objects.bulk_create(
        Device(station=station, code="meter", name="关口表", kind="grid_meter") for station in stations
    )
    points = Point.objects.bulk_create(
        Point(device=device, code="P_kW", name="有功功率", quantity="active_power") for device in devices
    )
    for station, point in zip(stations, points, strict=True):
        station.output_point = point
    Station.objects.bulk_update(stations, ["output_point"], batch_size=BATCH)
    tz = local_tz()
    days = [date(YEARS[-1], 1, 1) + timedelta(days=d) for d in range(366)]
    days = [day for day in days if day.year == YEARS[-1]]

    def rows() -> Iterator[tuple[Any, ...]]:
        for i, point in enumerate(points):
            for day in days:
                kwh = 200_000.0 + (i * 37 + day.toordinal()) % 100_000
                bucket = datetime(day.year, day.month, day.day, tzinfo=tz)
                yield point.pk, DAY, bucket, 24, kwh, 0.0, kwh / 10, kwh, 0.0

    _copy(
        Rollup,
        ["point", "step", "bucket", "count", "total", "minimum", "maximum", "integral_pos", "integral_neg"],
        rows(),
    )


def generate(enterprises: int = 150_000, tickets: int = 1_000_000, stations: int = 300) -> dict[str, float]:
    """Write the province-size dataset into the configured PostgreSQL database (the national
    regions loaded, migrations applied); seconds per part. The defaults are the issue's sizes."""
    timings = {}
    started = time.perf_counter()
    towns = _regions()
    timings["regions"] = time.perf_counter() - started
    for name, step in (
        ("enterprises and pools", lambda: _enterprises(enterprises, towns)),
        ("tickets", lambda: _tickets(tickets, towns)),
        ("stations and rollups", lambda: _stations(stations, towns)),
    ):
        started = time.perf_counter()
        step()
        timings[name] = time.perf_counter() - started
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze"] = time.perf_counter() - started
    return timings


def _serve(urls: types.ModuleType) -> tuple[str, int]:
    """A threaded WSGI server in a child process (the clients' threads do not take its CPU);
    returns its address and process id."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connections
    from django.test.utils import override_settings

    override_settings(ROOT_URLCONF=urls, ALLOWED_HOSTS=["*"]).enable()

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    connections.close_all()  # the child opens its own
    pid = os.fork()
    if pid == 0:
        try:
            server.serve_forever()
        finally:
            os._exit(0)
    server.socket.close()
    return f"http://127.0.0.1:{server.server_address[1]}", pid


def _load(
    base: str, cookie: str, paths: list[str], users: int, rounds: int, think: float = 0.0
) -> list[float]:
    """``users`` threads each open every path ``rounds`` times (``_http_load.load``: ``think`` is a
    user's mean pause between pages, 0 the server saturated); seconds per request, every page
    checked to answer 200 at its own address."""
    requests = [_http_load.Request("page", path, cookie) for path in paths]
    return _http_load.load(base, requests, users, rounds, think)["page"]


def _month(moment: datetime) -> str:
    from django.utils import timezone

    local = timezone.localtime(moment)
    return f"{local.year}-{local.month:02d}"


def recompute_row_by_row() -> dict[str, int]:
    """Compare the stored own amounts of the workflow, innovation and generation indicators with a
    recomputation one record at a time in Python (not the indicators' queries); disagreeing
    (region, period) cells per indicator."""
    from collections import defaultdict

    from django.utils import timezone

    from countyworks.core.models import IndicatorValue
    from countyworks.energy.models import Rollup, Station
    from countyworks.energy.store import DAY
    from countyworks.innovation.models import PoolMembership
    from countyworks.workflow.models import Status, Ticket

    def cells() -> defaultdict[tuple[str, str], list[float]]:
        return defaultdict(lambda: [0.0, 0.0])

    expected: dict[str, defaultdict[tuple[str, str], list[float]]] = defaultdict(cells)
    now = timezone.now()
    tickets = Ticket.objects.values_list("region_id", "resolution_due", "resolved_at", "closed_at", "status")
    for region, due, resolved, closed, status in tickets.iterator(chunk_size=20_000):
        if due < now:
            cell = expected["workflow.overdue_rate"][(region, _month(due))]
            stop = resolved or closed
            cell[0] += stop is None or stop > due
            cell[1] += 1
        if status == Status.RESOLVED and resolved is not None:
            cell = expected["workflow.on_time_rate"][(region, _month(resolved))]
            cell[0] += resolved <= due
            cell[1] += 1
    today = timezone.localdate()
    members: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    memberships = PoolMembership.objects.values_list(
        "tier", "organisation_id", "organisation__region_id", "entered_on", "valid_until", "exited_on"
    )
    for tier, organisation, region, entered, valid, exited in memberships.iterator(chunk_size=20_000):
        for year in YEARS + (YEARS[-1] + 1,):
            day = min(date(year, 12, 31), today)
            if entered <= day and (valid is None or valid >= day) and (exited is None or exited > day):
                members[(tier, str(year))].add((region, organisation))
    for (tier, pool_year), found in members.items():
        code = {"tech_sme": "innovation.tech_sme", "high_tech": "innovation.high_tech"}.get(tier)
        if code:
            for region, _organisation in found:
                expected[code][(region, pool_year)][0] += 1
    stations = {
        s.output_point_id: s.region_id
        for s in Station.objects.exclude(kind="storage").exclude(output_point=None)
    }
    for point, bucket, energy in Rollup.objects.filter(step=DAY).values_list(
        "point_id", "bucket", "integral_pos"
    ):
        if point in stations:
            expected["energy.generation"][(stations[point], _month(bucket))][0] += energy / 1000.0
    disagree = {}
    for code, wanted in expected.items():
        stored = {
            (region, period): (float(top), float(bottom))
            for region, period, top, bottom in IndicatorValue.objects.filter(indicator=code).values_list(
                "region_id", "period", "own_numerator", "own_denominator"
            )
            if top or bottom
        }
        keys = set(stored) | {k for k, v in wanted.items() if v[0] or v[1]}
        disagree[code] = sum(
            1
            for key in keys
            if any(
                abs(a - b) > 0.001
                for a, b in zip(stored.get(key, (0.0, 0.0)), wanted.get(key, [0.0, 0.0]), strict=True)
            )
        )
    return disagree


def _admin(url: str) -> Any:
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _scratch_database(url: str) -> tuple[str, str]:
    """Create ``<database of url>_bench_<pid>`` on the server of ``url``; (its url, its name)."""
    base, database = url.rsplit("/", 1)
    name = f"{database.split('?')[0]}_bench_{os.getpid()}"
    with _admin(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", name


def _drop_database(url: str, name: str) -> None:
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class LoadSampler(threading.Thread):
    """The 1-minute load average every few seconds while the benchmark runs (the machine is shared)."""

    def __init__(self, every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.every, self.samples, self.stopped = every, [os.getloadavg()[0]], threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> str:
        return f"{min(self.samples):.1f}–{max(self.samples):.1f} (mean {statistics.fmean(self.samples):.1f})"


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def _median(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=150_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="a user's mean pause between pages in seconds (the budget's run); a saturated run without pauses is reported beside it",
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="skip the row-by-row recomputation of the indicators"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (its name is printed)")
    parser.add_argument(
        "--generate-only", action="store_true", help="generate and keep the database, then stop"
    )
    parser.add_argument("--reuse", metavar="NAME", help="a database kept by --keep: skip the generator")
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL")
    if not database or not database.startswith("postgres"):
        print("set DATABASE_URL to a PostgreSQL server (a scratch database is created there)")
        return 2
    if args.reuse:
        os.environ["DATABASE_URL"], scratch = database.rsplit("/", 1)[0] + "/" + args.reuse, args.reuse
    else:
        os.environ["DATABASE_URL"], scratch = _scratch_database(database)
    load = LoadSampler()
    load.start()
    generated: dict[str, float] = {}
    server_pid = 0
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            _setup(Path(data_dir))
            import logging

            logging.getLogger("countyworks").setLevel(logging.WARNING)
            logging.getLogger("django").setLevel(logging.ERROR)
            from django.contrib.auth import get_user_model
            from django.http import HttpResponse
            from django.test import Client
            from django.urls import path

            import countyworks.urls
            from countyworks.core.indicator_store import indicators_rebuild, indicators_refresh
            from countyworks.core.models import IndicatorValue, Organisation, Region, Role, RoleGrant
            from countyworks.core.region_data import load_national_regions
            from countyworks.workflow.models import Ticket

            if not args.reuse:
                started = time.perf_counter()
                load_national_regions()
                generated["national regions"] = time.perf_counter() - started
                generated.update(generate(args.enterprises, args.tickets, args.stations))
                print("generated: " + ", ".join(f"{k} {v:.0f} s" for k, v in generated.items()), flush=True)
                if args.generate_only:
                    args.keep = True
                    return 0
            counts = {
                "tickets": Ticket.objects.count(),
                "enterprises": Organisation.objects.count(),
            }
            started = time.perf_counter()
            report = indicators_rebuild()
            rebuild_s = time.perf_counter() - started
            values = IndicatorValue.objects.count()
            print(f"full rebuild: {rebuild_s:.1f} s, {values:,} values", flush=True)
            disagree: dict[str, int] = {}
            if not args.no_verify:
                started = time.perf_counter()
                disagree = recompute_row_by_row()
                print(
                    f"row-by-row recomputation ({time.perf_counter() - started:.0f} s): {disagree}",
                    flush=True,
                )
            template = Ticket.objects.order_by("-pk").first()
            assert template is not None
            refresh = []
            for _ in range(10):
                started = time.perf_counter()
                template.pk = None
                template._state.adding = True
                template.save()
                indicators_refresh()
                refresh.append(time.perf_counter() - started)
            leader, _new = get_user_model().objects.get_or_create(username="bench_hunan")
            RoleGrant.objects.get_or_create(user=leader, role=Role.LEADER, region_id="43")
            client = Client()
            client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
            cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
            urls = types.ModuleType("bench_province_urls")
            urls.urlpatterns = [  # type: ignore[attr-defined]
                path("bare/", lambda request: HttpResponse("ok")),
                *countyworks.urls.urlpatterns,
            ]
            base, server_pid = _serve(urls)
            cities = list(
                Region.objects.filter(code__startswith="43", level="city").values_list("code", flat=True)
            )
            pivots = ["/indicators/?indicator=workflow.overdue_rate&span=60&region=43"] + [
                f"/indicators/?indicator=workflow.overdue_rate&span=60&region={c}" for c in cities
            ]
            first_view = _load(base, cookie, pivots, 1, 1)  # each page computed once, then cached
            _load(base, cookie, ["/bare/"], 1, 1)
            bare = _load(base, cookie, ["/bare/"], args.users, args.rounds * len(pivots), args.think)
            pivot = _load(base, cookie, pivots, args.users, args.rounds, args.think)
            bare_saturated = _load(base, cookie, ["/bare/"], args.users, args.rounds * len(pivots))
            pivot_saturated = _load(base, cookie, pivots, args.users, args.rounds)
    finally:
        load.stopped.set()
        if server_pid:
            os.kill(server_pid, signal.SIGTERM)
            os.waitpid(server_pid, 0)
        if args.keep or args.reuse:
            print(f"database kept: {scratch}")
        else:
            _drop_database(database, scratch)

    refresh_ms = max(refresh) * 1000
    checks = [
        (
            "indicators equal a row-by-row recomputation",
            f"{sum(disagree.values())} cells disagree ({', '.join(disagree)})" if disagree else "skipped",
            "0",
            not any(disagree.values()),
        ),
        ("full rebuild", f"{rebuild_s:.1f} s", "< 300 s", rebuild_s < REBUILD_BUDGET_S),
        (
            "refresh after one new ticket (max of 10)",
            f"{refresh_ms:.0f} ms",
            "< 1,000 ms",
            max(refresh) < REFRESH_BUDGET_S,
        ),
        (
            f"pivot p95, {args.users} users pausing {args.think:g} s",
            f"{_p95(pivot):.0f} ms",
            "< 300 ms",
            _p95(pivot) < PIVOT_BUDGET_MS,
        ),
    ]
    print()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL"
    )
    print(f"load average (1 min) during the run: {load.summary()}")
    print(f"data: {counts['tickets']:,} tickets, {counts['enterprises']:,} enterprises")
    if generated:
        print(
            f"generator: {sum(generated.values()):.0f} s ("
            + ", ".join(f"{k} {v:.0f} s" for k, v in generated.items())
            + ")"
        )
    print(f"values: {values:,} ({report.indicators} indicators, {report.periods} periods)")
    print(f"refresh after one new ticket: median {_median(refresh):.0f} ms, max {refresh_ms:.0f} ms")
    print(
        f"bare endpoint, {args.users} users pausing {args.think:g} s: median {_median(bare):.1f} ms, p95 {_p95(bare):.1f} ms"
    )
    print(
        f"bare endpoint, {args.users} users without pause: median {_median(bare_saturated):.1f} ms, "
        f"p95 {_p95(bare_saturated):.1f} ms"
    )
    print(
        f"pivot first view (computed, one user): median {_median(first_view):.0f} ms, max {max(first_view) * 1000:.0f} ms"
    )
    print(
        f"pivot 60 months, {args.users} users pausing {args.think:g} s: median {_median(pivot):.1f} ms, "
        f"p95 {_p95(pivot):.1f} ms"
    )
    print(
        f"pivot 60 months, {args.users} users without pause: median {_median(pivot_saturated):.1f} ms, "
        f"p95 {_p95(pivot_saturated):.1f} ms"
    )
    print()
    for name, figure, budget, met in checks:
        print(f"{'ok    ' if met else 'MISSED'} {name}: {figure} (budget {budget})")
    failed = not all(met for *_rest, met in checks)
    print("budgets:", "MISSED" if failed else "all met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
