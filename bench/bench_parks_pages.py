"""Benchmark: program 4's park dashboard and project list on PostgreSQL, 16 concurrent users.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python
bench/bench_parks_pages.py [--small] [--projects N] [--parcels N] [--tickets N] [--users U]``.
A scratch database is created on that server, migrated, and dropped afterwards.

The generator (:func:`generate`) writes one county, 娄星区 431302, with eight towns and its zone
娄星经济开发区: ``N`` key projects (default 10,000), each from an investment lead at one of the seven
stages 洽谈 … 达产 (the stage dates are the lead's stage history), each with the six milestones
场平 … 投产 (done, late or pending as its stage has it); ``N`` parcels (default 100,000) of the three
categories 批而未供/闲置/低效, about two thirds with one or two disposals of a kind their category
allows; ``N`` workflow tickets (default 100,000) on the projects under 问题不过夜 (15 % open, most of
those overdue); 2,000 enterprises, two industry chains with their link enterprises, idle factories
revitalised with the enterprises brought in, two years of 亩均 results and 五好园区 results.
``--small`` divides the three counts by ten (a quick run).

Then a park officer (项目主管 of 431302, program 4) is logged in twice — once on the county, once with
the region switcher on one town — and ``U`` users (default 16), each a client thread, open in turn
through a threaded WSGI server in this process:

- ``bare``: a bare Django view (``HttpResponse("ok")``) behind the same middleware — the floor;
- ``dashboard``: ``/parks/`` (the headline year's figures and charts);
- ``list``: ``/parks/projects/`` (first page of 50);
- ``list, town``: ``/parks/projects/?page=2`` with the switcher on a town (a filtered page);

all in the same run under the same load, three times: one user alone (each page's own latency);
``U`` users who each pause between pages (``--think``, default a uniform 0.5–1.5 s, as Locust's
``between``: 16 people at work); and ``U`` users who never pause (the server saturated: every
request waits for the ones ahead of it, so the bare view's p95 is already far from its own cost).
Printed: median and p95 per page and run, queries and size per page, the dataset and the load
average; budget: p95 < 150 ms for the dashboard and the list pages in the think-time run (exit
code 1 if one is missed).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
import types
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

PAGE_BUDGET_MS = 150.0
COUNTY = "431302"
TOWNS = [f"{COUNTY}{n:03d}" for n in range(101, 109)]
ENTERPRISES = 2000
BATCH = 5000
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2026, 11, 30)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _http_load import Request, load, median_ms, p95_ms  # noqa: E402
from bench_indicators_province import _serve  # noqa: E402
from bench_workflow import _drop_postgres, _setup  # noqa: E402


def _scratch_postgres(url: str, name: str) -> str:
    """Create the scratch database ``name`` on the server of ``url``; returns its url."""
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{url.rsplit('/', 1)[0]}/{name}"


def _day(rng: random.Random, start: date = FIRST_DAY, end: date = LAST_DAY) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _world(rng: random.Random) -> list[int]:
    """Towns, enterprises, chains and their link enterprises, factories, 亩均 and 五好 results."""
    from countyworks.core.models import Organisation, Region
    from countyworks.parks.models import (
        Chain,
        ChainEnterprise,
        ChainLink,
        FactoryRevitalisation,
        MujunClass,
        MujunResult,
        ParkAssessment,
    )

    Region.objects.bulk_create(
        [Region(code=t, name=f"镇{t[-3:]}", level="town", parent_id=COUNTY) for t in TOWNS],
        ignore_conflicts=True,
    )
    Organisation.objects.bulk_create(
        Organisation(name=f"园区企业{i:05d}", region_id=TOWNS[i % len(TOWNS)]) for i in range(ENTERPRISES)
    )
    orgs = list(Organisation.objects.filter(region__code__startswith=COUNTY).values_list("pk", flat=True))
    members = []
    for number, name in enumerate(("钢铁新材", "节能环保")):
        chain = Chain.objects.create(region_id=COUNTY, name=name, lead_industry=number == 0)
        for k in range(10):
            link = ChainLink.objects.create(
                chain=chain, position=("up", "mid", "down")[k % 3], name=f"{name}环节{k}", order=k
            )
            for j in range(0 if k == 9 else 30):  # the last link of each chain is a gap
                members.append(
                    ChainEnterprise(
                        link=link,
                        organisation_id=orgs[(number * 300 + k * 30 + j) % len(orgs)],
                        above_scale=j % 3 != 0,
                    )
                )
    ChainEnterprise.objects.bulk_create(members, batch_size=BATCH)
    factories = FactoryRevitalisation.objects.bulk_create(
        FactoryRevitalisation(
            region_id=TOWNS[i % len(TOWNS)],
            name=f"闲置厂房{i:03d}",
            floor_m2=Decimal(2000 + 37 * i),
            revitalised_on=_day(rng),
        )
        for i in range(200)
    )
    through = FactoryRevitalisation.enterprises.through
    through.objects.bulk_create(
        through(factoryrevitalisation_id=f.pk, organisation_id=orgs[(i * 3 + j) % len(orgs)])
        for i, f in enumerate(factories)
        for j in range(3)
    )
    classes = [MujunClass.A, MujunClass.B, MujunClass.B, MujunClass.C, MujunClass.C, MujunClass.D]
    MujunResult.objects.bulk_create(
        (
            MujunResult(
                region_id=TOWNS[i % len(TOWNS)],
                organisation_id=org,
                year=year,
                ruleset="huaian",
                group="above" if i % 4 else "below",
                score=Decimal(40 + (i * 7 + year) % 60),
                rank=i // 2 + 1,
                group_size=len(orgs) // 2,
                klass=classes[(i + year) % len(classes)],
                inputs={"land_mu": 30 + i % 50},
                reasons=[],
            )
            for year in (2024, 2025)
            for i, org in enumerate(orgs)
        ),
        batch_size=BATCH,
    )
    ParkAssessment.objects.bulk_create(
        ParkAssessment(
            region_id=COUNTY,
            park="娄星经济开发区",
            year=year,
            park_class="provincial",
            score=Decimal(80),
            rank=90 - 6 * (year - 2019),
            parks_in_class=120,
        )
        for year in range(2019, 2026)
    )
    return orgs


def _projects(rng: random.Random, n: int, orgs: list[int]) -> list[tuple[int, str]]:
    """``n`` leads at stages spread over 洽谈 … 达产, a project each with six milestones."""
    from countyworks.parks.models import STAGE_DATES, ChainLink, InvestmentLead, Milestone, Project

    links = list(ChainLink.objects.values_list("pk", flat=True))
    leads = []
    for i in range(n):
        reached = i % len(STAGE_DATES)  # 0 = 洽谈 … 6 = 达产
        first = _day(rng, FIRST_DAY, LAST_DAY - timedelta(days=40 * reached))
        dates = {
            attr: first + timedelta(days=40 * s) for s, (_, attr) in enumerate(STAGE_DATES) if s <= reached
        }
        contracted = Decimal(rng.choice((1, 3, 8, 15, 35, 60, 120))) + Decimal(i % 100) / 100
        leads.append(
            InvestmentLead(
                region_id=TOWNS[i % len(TOWNS)],
                name=f"招商项目{i:05d}",
                company_id=orgs[i % len(orgs)],
                tags=["leader"] if i % 5 == 0 else [],
                chain_link_id=links[i % len(links)] if i % 3 else None,
                contracted_yi=contracted,
                funds_fixed_yi=contracted * Decimal("0.3") if reached >= 2 else Decimal(0),
                funds_working_yi=contracted * Decimal("0.1") if reached >= 2 else Decimal(0),
                **dates,
            )
        )
    leads = InvestmentLead.objects.bulk_create(leads, batch_size=BATCH)
    projects = Project.objects.bulk_create(
        (
            Project(
                region_id=lead.region_id,
                name=f"重点项目{i:05d}",
                kind="infrastructure" if i % 6 == 0 else "industrial",
                lead=lead,
                owner_id=lead.company_id,
                total_investment_yi=lead.contracted_yi,
                provincial_key=i % 10 == 0,
                city_key=i % 4 == 0,
            )
            for i, lead in enumerate(leads)
        ),
        batch_size=BATCH,
    )
    kinds = [k for k, _ in Milestone.Kind.choices]
    today = date(2026, 12, 7)
    milestones = []
    for project, lead in zip(projects, leads, strict=True):
        start = lead.negotiating_on
        assert start is not None
        done = min(len(kinds), sum(1 for _, attr in STAGE_DATES if getattr(lead, attr)) - 1)
        for m, kind in enumerate(kinds):
            planned = start + timedelta(days=60 * (m + 1))
            actual = planned + timedelta(days=rng.choice((-5, 0, 0, 10, 30))) if m < done else None
            if actual is not None and actual > today:
                actual = None
            milestones.append(Milestone(project=project, kind=kind, planned_on=planned, actual_on=actual))
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    return [(p.pk, p.region_id) for p in projects]


def _land(rng: random.Random, n: int, orgs: list[int]) -> None:
    """``n`` parcels over the three categories; two thirds with one or two disposals allowed for it."""
    from countyworks.parks.models import DisposalAction, LandCategory, Parcel
    from countyworks.parks.services.land import DISPOSAL_KINDS

    categories = [c.value for c in LandCategory]
    parcels = []
    for i in range(n):
        category = categories[i % 3]
        parcels.append(
            Parcel(
                region_id=TOWNS[i % len(TOWNS)],
                code=f"LX-{i:06d}",
                category=category,
                area_mu=Decimal(rng.randrange(100, 20000)) / 100,
                location=f"地块{i}",
                planned_use="工业",
                identified_on=_day(rng, date(2014, 1, 1), LAST_DAY),
                holder_id=orgs[i % len(orgs)] if category != "unsupplied" else None,
                delay_cause="enterprise" if category == "idle" else "",
            )
        )
    parcels = Parcel.objects.bulk_create(parcels, batch_size=BATCH)
    actions = []
    for i, parcel in enumerate(parcels):
        if i % 3 == 2:
            continue
        kinds = sorted(DISPOSAL_KINDS[parcel.category])
        parts = 2 if i % 5 == 0 else 1
        for part in range(parts):
            actions.append(
                DisposalAction(
                    parcel=parcel,
                    kind=kinds[(i + part) % len(kinds)],
                    area_mu=(parcel.area_mu / 3).quantize(Decimal("0.01")) or Decimal("0.01"),
                    disposed_on=_day(rng, parcel.identified_on, LAST_DAY),
                )
            )
    DisposalAction.objects.bulk_create(actions, batch_size=BATCH)


def _tickets(rng: random.Random, n: int, projects: list[tuple[int, str]]) -> None:
    """``n`` 问题不过夜 tickets on the projects: 85 % resolved, the open ones mostly overdue."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from countyworks.core.models import Person
    from countyworks.parks.models import Project
    from countyworks.workflow.models import SlaPolicy, Status, Ticket

    policy = SlaPolicy.objects.get(code="overnight")
    subject = ContentType.objects.get_for_model(Project)
    owner = Person.objects.create(name="工作专班", region_id=COUNTY)
    first = timezone.make_aware(datetime(2019, 1, 1))
    span = (timezone.make_aware(datetime(2026, 12, 6)) - first).total_seconds()
    batch: list[Ticket] = []
    for i in range(n):
        pk, region = projects[(i * 7919) % len(projects)]
        opened = first + timedelta(seconds=span * rng.random())
        resolved = None if i % 20 < 3 else opened + timedelta(hours=rng.choice((4, 12, 20, 40)))
        batch.append(
            Ticket(
                subject_type=subject,
                subject_id=str(pk),
                region_id=region,
                program="parks",
                category="construction",
                title=f"项目问题{i:06d}",
                status=Status.RESOLVED if resolved else Status.IN_PROGRESS,
                owner_person=owner,
                policy=policy,
                created_at=opened,
                updated_at=resolved or opened,
                resolution_due=opened + timedelta(days=1),
                resolved_at=resolved,
                closed_at=resolved,
            )
        )
        if len(batch) == BATCH:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)


def generate(projects: int, parcels: int, tickets: int) -> dict[str, float]:
    """Write the county's dataset (seeded); seconds per part."""
    from django.db import connection

    rng = random.Random(12)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    orgs = _world(rng)
    timings["enterprises, chains, 亩均"] = time.perf_counter() - started
    started = time.perf_counter()
    made = _projects(rng, projects, orgs)
    timings["projects"] = time.perf_counter() - started
    started = time.perf_counter()
    _land(rng, parcels, orgs)
    timings["parcels"] = time.perf_counter() - started
    started = time.perf_counter()
    _tickets(rng, tickets, made)
    timings["tickets"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return timings


def _cookie(user: object, region: str | None) -> str:
    from django.test import Client

    from countyworks.core.middleware import SESSION_KEY

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    if region:
        session = client.session
        session[SESSION_KEY] = region
        session.save()
    return "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())


def _profile(cookie: str, path: str, repeats: int = 10) -> tuple[int, int, float]:
    """Queries, bytes and CPU milliseconds (this process: the request's Python work, not the
    database's) of one request through the test client, after the warm-up; the CPU is the
    median of ``repeats`` requests, the figure least moved by the other engineers' load."""
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_COOKIE=cookie)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    count = len(queries)  # now: the next request starts a new query log
    cpu = []
    for _ in range(repeats):
        started = time.thread_time()
        client.get(path)
        cpu.append(time.thread_time() - started)
    return count, len(response.content), statistics.median(cpu) * 1000


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="a tenth of the data (a quick run)")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause of a user between pages, s (uniform 0.5–1.5×; the budget's run)",
    )
    parser.add_argument(
        "--database-name",
        default=f"countyworks_bench_parks_{os.getpid()}",
        help="the scratch database's name",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch database (to EXPLAIN its queries)"
    )
    args = parser.parse_args()
    if args.small:
        args.projects, args.parcels, args.tickets = (
            args.projects // 10,
            args.parcels // 10,
            args.tickets // 10,
        )
    database = os.environ.get("DATABASE_URL")
    if not database or not database.startswith("postgres"):
        print("set DATABASE_URL to a PostgreSQL server (a scratch database is created there)")
        return 2
    load_before = _loadavg()
    scratch = args.database_name
    os.environ["DATABASE_URL"] = _scratch_postgres(database, scratch)
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            _setup(Path(data_dir))
            import logging

            logging.getLogger("countyworks").setLevel(logging.WARNING)
            logging.getLogger("django").setLevel(logging.ERROR)
            from django.contrib.auth import get_user_model
            from django.http import HttpResponse
            from django.urls import path

            import countyworks.urls
            from countyworks.core.models import Role, RoleGrant
            from countyworks.core.region_data import load_national_regions

            load_national_regions()
            generated = generate(args.projects, args.parcels, args.tickets)
            officer = get_user_model().objects.create(username="bench_parks")
            RoleGrant.objects.create(user=officer, role=Role.OFFICER, region_id=COUNTY, program="parks")
            county, town = _cookie(officer, None), _cookie(officer, TOWNS[2])
            urls = types.ModuleType("bench_parks_urls")
            urls.urlpatterns = [  # type: ignore[attr-defined]
                path("bare/", lambda request: HttpResponse("ok")),
                *countyworks.urls.urlpatterns,
            ]
            base, _thread = _serve(urls)
            requests = [
                Request("bare", "/bare/", county),
                Request("dashboard", "/parks/", county),
                Request("list", "/parks/projects/", county),
                Request("list, town", "/parks/projects/?page=2", town),
            ]
            load(base, requests, 1, 1)  # warm-up: templates, translations, connections
            profile = {r.label: _profile(r.cookie, r.path) for r in requests}
            alone = load(base, requests, 1, args.rounds)  # one user: each page's own latency
            load_at_start = _loadavg()
            started = time.perf_counter()
            saturated = load(base, requests, args.users, args.rounds)
            saturated_wall = time.perf_counter() - started
            started = time.perf_counter()
            timings = load(base, requests, args.users, args.rounds, think=args.think)
            wall = time.perf_counter() - started
            load_at_end = _loadavg()
    finally:
        if not args.keep:
            _drop_postgres(database, scratch)

    print("=" * 78)
    print(
        f"bench_parks_pages — {platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, PostgreSQL, {date.today().isoformat()}"
    )
    print(
        f"data: county {COUNTY}, {args.projects:,} projects (×6 milestones), {args.parcels:,} parcels, "
        f"{args.tickets:,} tickets, {ENTERPRISES:,} enterprises"
    )
    print("generated in: " + ", ".join(f"{name} {s:.0f} s" for name, s in generated.items()))
    print(f"load average (1/5/15 min): before {load_before}, at start {load_at_start}, at end {load_at_end}")
    total = args.users * args.rounds * len(requests)
    print(
        f"runs: one user alone; {args.users} users with a {args.think:g} s think time (uniform "
        f"{args.think / 2:g}–{args.think * 1.5:g} s; the budget's run, {wall:.0f} s, {total / wall:.0f} req/s); "
        f"{args.users} users without pause (saturated: {saturated_wall:.0f} s, {total / saturated_wall:.0f} req/s)"
    )
    print(f"{'':<37} {'alone':>7} {'think time':>17} {'no pause':>17}")
    print(
        f"{'page':<12} {'path':<24} {'median':>7} {'median':>8} {'p95':>8} {'median':>8} {'p95':>8}"
        f" {'CPU':>6} {'queries':>7} {'bytes':>7}"
    )
    failed = []
    for r in requests:
        queries, size, cpu = profile[r.label]
        p95 = p95_ms(timings[r.label])
        budget = r.label != "bare"
        if budget and p95 >= PAGE_BUDGET_MS:
            failed.append(r.label)
        print(
            f"{r.label:<12} {r.path:<24} {median_ms(alone[r.label]):>7.1f} "
            f"{median_ms(timings[r.label]):>8.1f} {p95:>8.1f} "
            f"{median_ms(saturated[r.label]):>8.1f} {p95_ms(saturated[r.label]):>8.1f} {cpu:>6.1f} {queries:>7}"
            f" {size:>7}" + ("" if budget else "  (floor)")
        )
    print(
        "times in ms; CPU: this process's CPU per request (median of 10, test client), the least load-bound"
    )
    print(
        f"budget: p95 < {PAGE_BUDGET_MS:.0f} ms for the dashboard and the list pages, {args.users} users "
        f"with think time:",
        f"MISSED ({', '.join(failed)})" if failed else "met",
    )
    print("=" * 78)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
