"""Benchmark: the indicators at province scale on PostgreSQL — generator, rebuild, refresh, pivot.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python
bench/bench_indicators_province.py [--enterprises N] [--tickets N] [--stations N] [--users U]``
(or ``countyworks bench indicators_province``). A scratch database is created on that server and
dropped afterwards.

The generator (:func:`generate`) writes, over Hunan's 14 cities and 122 counties of the national
tree: 16 towns per county (1,952) and 12 villages per town (23,424); ``N`` enterprises (default
150,000) in the towns with five years (2021–2025) of pool memberships (a quarter in the
科技型中小企业 pool each year, 3 % newly certified 高企 a year, three years valid); ``N`` tickets
(default 1,000,000) spread over the five years, 85 % resolved, one in six of them late; and
``N`` stations (default 300) with a year (2025) of daily rollups of their output point.

Figures, each against its budget (exit code 1 if one is missed):

- **full rebuild** of every indicator (budget < 5 min);
- **incremental refresh** after one new ticket (budget < 1 s);
- **pivot page** — 逾期工单率 over all 122 counties (by city: the province's 14 cities, then
  each city's counties) and 5 years of months — at p95 < 300 ms with ``U`` (default 16)
  concurrent users, against a bare Django endpoint in the same run under the same load (WSGI
  server in threads, one client thread per user, requests through the network).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import types
from datetime import date, datetime, timedelta
from pathlib import Path

REBUILD_BUDGET_S = 300.0
REFRESH_BUDGET_S = 1.0
PIVOT_BUDGET_MS = 300.0
TOWNS_PER_COUNTY = 16
VILLAGES_PER_TOWN = 12
YEARS = (2021, 2022, 2023, 2024, 2025)
BATCH = 5000

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_workflow import _drop_postgres, _setup, _temporary_postgres  # noqa: E402


def _regions() -> list[str]:
    from countyworks.core.models import Region

    counties = list(
        Region.objects.filter(code__startswith="43", level="county").values_list("code", flat=True)
    )
    towns, villages = [], []
    for county in counties:
        for t in range(TOWNS_PER_COUNTY):
            town = f"{county}{100 + t:03d}"
            towns.append(Region(code=town, name=f"镇{town[-5:]}", level="town", parent_id=county))
            for v in range(VILLAGES_PER_TOWN):
                code = f"{town}{201 + v:03d}"
                villages.append(Region(code=code, name=f"村{code[-6:]}", level="village", parent_id=town))
    Region.objects.bulk_create(towns, batch_size=BATCH)
    Region.objects.bulk_create(villages, batch_size=BATCH)
    return [t.code for t in towns]


def _enterprises(n: int, towns: list[str]) -> None:
    from countyworks.core.models import Organisation
    from countyworks.innovation.models import PoolMembership, Tier

    Organisation.objects.bulk_create(
        (Organisation(name=f"企业{i:06d}", region_id=towns[i % len(towns)]) for i in range(n)),
        batch_size=BATCH,
    )
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    rows = []
    for number, year in enumerate(YEARS):
        for i, org in enumerate(ids):
            if (i + number) % 4 == 0:
                rows.append(
                    PoolMembership(
                        organisation_id=org,
                        tier=Tier.TECH_SME,
                        year=year,
                        entered_on=date(year, 6, 30),
                        valid_until=date(year, 12, 31),
                    )
                )
            if (i * 7 + number) % 100 < 3:
                rows.append(
                    PoolMembership(
                        organisation_id=org,
                        tier=Tier.HIGH_TECH,
                        year=year,
                        entered_on=date(year, 9, 1),
                        valid_until=date(year + 3, 8, 31),
                    )
                )
    PoolMembership.objects.bulk_create(rows, batch_size=BATCH)


def _tickets(n: int, towns: list[str]) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from countyworks.core.models import Organisation, Person
    from countyworks.workflow.models import SlaPolicy, Status, Ticket

    policy = SlaPolicy.objects.get(code="overnight")
    subject = ContentType.objects.get_for_model(Organisation)
    owner = Person.objects.create(name="专班", region_id="43")
    first = timezone.make_aware(datetime(YEARS[0], 1, 1))
    span = (timezone.make_aware(datetime(YEARS[-1] + 1, 1, 1)) - first).total_seconds()
    batch: list[Ticket] = []
    for i in range(n):
        opened = first + timedelta(seconds=span * i / n)
        due = opened + timedelta(days=2)
        resolved = None if i % 20 < 3 else opened + timedelta(days=3 if i % 6 == 0 else 1)
        batch.append(
            Ticket(
                subject_type=subject,
                subject_id="1",
                region_id=towns[(i * 31) % len(towns)],
                title=f"工单{i:07d}",
                status=Status.RESOLVED if resolved else Status.IN_PROGRESS,
                owner_person=owner,
                policy=policy,
                created_at=opened,
                updated_at=opened,
                resolution_due=due,
                resolved_at=resolved,
                closed_at=resolved,
            )
        )
        if len(batch) == BATCH:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)


def _stations(n: int, towns: list[str]) -> None:
    """Stations with a grid meter's active-power point each and a year of daily rollups (bulk:
    no save signal, the rebuild measures them)."""
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
    rollups = []
    for i, point in enumerate(points):
        day = date(YEARS[-1], 1, 1)
        while day.year == YEARS[-1]:
            kwh = 200_000.0 + (i * 37 + day.toordinal()) % 100_000
            rollups.append(
                Rollup(
                    point=point,
                    step=DAY,
                    bucket=datetime(day.year, day.month, day.day, tzinfo=tz),
                    count=24,
                    total=kwh,
                    minimum=0.0,
                    maximum=kwh / 10,
                    integral_pos=kwh,
                    integral_neg=0.0,
                )
            )
            day += timedelta(days=1)
    Rollup.objects.bulk_create(rollups, batch_size=BATCH)


def generate(enterprises: int, tickets: int, stations: int) -> dict[str, float]:
    """Write the province-size dataset; seconds per part."""
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

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return timings


def _serve(urls: types.ModuleType) -> tuple[str, threading.Thread]:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.test.utils import override_settings

    override_settings(ROOT_URLCONF=urls, ALLOWED_HOSTS=["*"]).enable()

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}", thread


def _load(base: str, cookie: str, paths: list[str], users: int, rounds: int) -> list[float]:
    import urllib.request

    timings: list[float] = []
    lock = threading.Lock()

    def user() -> None:
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", cookie)]
        for _ in range(rounds):
            for path in paths:
                started = time.perf_counter()
                with opener.open(base + path) as response:
                    response.read()
                with lock:
                    timings.append(time.perf_counter() - started)

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=150_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL")
    if not database or not database.startswith("postgres"):
        print("set DATABASE_URL to a PostgreSQL server (a scratch database is created there)")
        return 2
    os.environ["DATABASE_URL"], scratch = _temporary_postgres(database)
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
            from countyworks.core.models import IndicatorValue, Role, RoleGrant
            from countyworks.core.region_data import load_national_regions
            from countyworks.workflow.models import Ticket

            load_national_regions()
            generated = generate(args.enterprises, args.tickets, args.stations)
            started = time.perf_counter()
            report = indicators_rebuild()
            rebuild_s = time.perf_counter() - started
            values = IndicatorValue.objects.count()
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
            leader = get_user_model().objects.create(username="bench_hunan")
            RoleGrant.objects.create(user=leader, role=Role.LEADER, region_id="43")
            client = Client()
            client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
            cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
            urls = types.ModuleType("bench_province_urls")
            urls.urlpatterns = [
                path("bare/", lambda request: HttpResponse("ok")),
                *countyworks.urls.urlpatterns,
            ]  # type: ignore[attr-defined]
            base, _thread = _serve(urls)
            cities = ["4301", "4304", "4305", "4307", "4309", "4311", "4312", "4313"]
            pivots = ["/indicators/?indicator=workflow.overdue_rate&span=60&region=43"] + [
                f"/indicators/?indicator=workflow.overdue_rate&span=60&region={c}" for c in cities
            ]
            _load(base, cookie, pivots[:1] + ["/bare/"], 1, 1)  # warm-up
            bare = _load(base, cookie, ["/bare/"], args.users, args.rounds * len(pivots))
            pivot = _load(base, cookie, pivots, args.users, args.rounds)
    finally:
        _drop_postgres(database, scratch)

    def p95(samples: list[float]) -> float:
        return statistics.quantiles(samples, n=20)[-1] * 1000

    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL"
    )
    print("generated: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in generated.items()))
    print(
        f"full rebuild: {rebuild_s:.1f} s ({report.indicators} indicators, {report.periods} periods, {values} values)"
    )
    print(
        f"refresh after one new ticket: median {statistics.median(refresh) * 1000:.0f} ms, max {max(refresh) * 1000:.0f} ms"
    )
    print(
        f"bare endpoint, {args.users} users: median {statistics.median(bare) * 1000:.1f} ms, p95 {p95(bare):.1f} ms"
    )
    print(
        f"pivot 60 months, {args.users} users: median {statistics.median(pivot) * 1000:.1f} ms, p95 {p95(pivot):.1f} ms"
    )
    failed = (
        rebuild_s >= REBUILD_BUDGET_S or max(refresh) >= REFRESH_BUDGET_S or p95(pivot) >= PIVOT_BUDGET_MS
    )
    print("budgets: rebuild < 5 min, refresh < 1 s, pivot p95 < 300 ms:", "MISSED" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
