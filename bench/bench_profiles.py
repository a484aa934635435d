"""Benchmark: the enterprise and village profiles (docs/profiles.md) at province scale on PostgreSQL.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python
bench/bench_profiles.py [--enterprises N] [--tickets N] [--stations N] [--users U] [--rounds R] [--think S]``.
A scratch database ``cw_profiles_bench_<pid>`` is created on that server and dropped afterwards.

The dataset is the province generator of ``bench_indicators_province.generate`` (Hunan's 122
counties, 1,952 towns, 23,424 villages; ``N`` enterprises with five years of pools, ``N`` tickets,
``N`` stations with a year of rollups), imported rather than copied, plus what a profile reads
from the other programs, in bulk: every fifth ticket names an enterprise as the unit concerned
(organisation), the stations are operated by enterprises, one enterprise in twenty holds a park
parcel with a 亩均 result of two years and a 一企一策 plan with three milestones, and every village
has five years of collective income from two sources.

Figure: the profile pages of random enterprises and villages at p95 < 300 ms with ``U`` (default
16) concurrent users, against a bare Django endpoint in the same run under the same load (WSGI
server in threads, one client thread per user, requests through the network), as the pivot of
``bench_indicators_province``. Enterprise 1 is left out of the sample: the generator raises every
ticket against it (1,000,000 on one subject), no county's enterprise looks like that.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import types
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_indicators_province import YEARS, _admin, _load, _serve, generate  # noqa: E402
from bench_workflow import _setup  # noqa: E402

PROFILE_BUDGET_MS = 300.0
BATCH = 5000


def _scratch(url: str) -> tuple[str, str]:
    """A scratch database named for this engineer's benchmarks on the server of ``url``."""
    name = f"cw_profiles_bench_{os.getpid()}"
    with _admin(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{url.rsplit('/', 1)[0]}/{name}", name


def _drop(url: str, name: str) -> None:
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _profile_facts(rng: random.Random) -> dict[str, float]:
    """The other programs' rows a profile reads, on top of the province generator (bulk)."""
    from django.db import connection

    from countyworks.alliances.models import VillageIncome
    from countyworks.core.models import Organisation, Person, Region
    from countyworks.energy.models import Station
    from countyworks.innovation.models import EnterprisePlan, PlanMilestone
    from countyworks.parks.models import MujunResult, Parcel

    timings = {}
    started = time.perf_counter()
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cursor:  # every fifth ticket names an enterprise (set-based)
        cursor.execute(
            "UPDATE workflow_ticket SET organisation_id = %s + (id * 7919) %% %s WHERE id %% 5 = 0",
            [ids[0], len(ids)],
        )
        cursor.execute(
            "UPDATE energy_station SET organisation_id = %s + (id * 104729) %% %s", [ids[0], len(ids)]
        )
    timings["tickets and stations linked"] = time.perf_counter() - started
    started = time.perf_counter()
    regions = dict(Organisation.objects.values_list("pk", "region_id"))
    holders = ids[::20]
    Parcel.objects.bulk_create(
        (
            Parcel(
                region_id=regions[org][:6],
                code=f"DK{org}",
                category=("unsupplied", "idle", "inefficient")[org % 3],
                area_mu=Decimal(5 + org % 60),
                identified_on=date(2021, 1 + org % 12, 1),
                holder_id=org,
            )
            for org in holders
        ),
        batch_size=BATCH,
    )
    MujunResult.objects.bulk_create(
        (
            MujunResult(
                region_id=regions[org][:6],
                organisation_id=org,
                year=year,
                ruleset="mujun-huaian-2023",
                group="above",
                score=Decimal(rng.randint(200, 1000)) / 10,
                rank=1 + org % 50,
                group_size=50,
                klass="ABCD"[org % 4],
            )
            for org in holders
            for year in (2023, 2024)
        ),
        batch_size=BATCH,
    )
    officer = Person.objects.create(name="科技局干部", region_id="43")
    plans = EnterprisePlan.objects.bulk_create(
        (
            EnterprisePlan(
                organisation_id=org,
                year=2024,
                target_tier="high_tech",
                tech_needs="工艺改进",
                measures="对接高校院所",
                officer=officer,
            )
            for org in holders
        ),
        batch_size=BATCH,
    )
    PlanMilestone.objects.bulk_create(
        (
            PlanMilestone(plan=plan, title=f"节点{n}", due_on=date(2024, 3 * n, 28))
            for plan in plans
            for n in (1, 2, 3)
        ),
        batch_size=BATCH,
    )
    timings["parcels, 亩均 and plans"] = time.perf_counter() - started
    started = time.perf_counter()
    villages = list(
        Region.objects.filter(code__startswith="43", level="village").values_list("code", flat=True)
    )
    VillageIncome.objects.bulk_create(
        (
            VillageIncome(region_id=code, year=year, source=source, amount_fen=rng.randint(0, 40_000_000))
            for code in villages
            for year in YEARS
            for source in ("operating", "subsidy")
        ),
        batch_size=BATCH,
    )
    timings["village incomes"] = time.perf_counter() - started
    assert Station.objects.filter(organisation__isnull=False).exists()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=150_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="a user's mean pause between pages in seconds (the budget's run); a saturated run without pauses is reported beside it",
    )
    parser.add_argument("--pages", type=int, default=20, help="random enterprises and villages, each")
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL")
    if not database or not database.startswith("postgres"):
        print("set DATABASE_URL to a PostgreSQL server (a scratch database is created there)")
        return 2
    os.environ["DATABASE_URL"], scratch = _scratch(database)
    rng = random.Random(20261207)
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            _setup(Path(data_dir))
            import logging

            logging.getLogger("countyworks").setLevel(logging.WARNING)
            logging.getLogger("django").setLevel(logging.ERROR)
            from django.contrib.auth import get_user_model
            from django.db import connection
            from django.http import HttpResponse
            from django.test import Client
            from django.test.utils import CaptureQueriesContext
            from django.urls import path

            import countyworks.urls
            from countyworks.core.models import Organisation, Region, Role, RoleGrant
            from countyworks.core.profiles import organisation_profile
            from countyworks.core.region_data import load_national_regions

            load_national_regions()
            generated = generate(args.enterprises, args.tickets, args.stations)
            generated |= _profile_facts(rng)
            leader = get_user_model().objects.create(username="bench_hunan")
            RoleGrant.objects.create(user=leader, role=Role.LEADER, region_id="43")
            ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))[1:]
            villages = list(
                Region.objects.filter(code__startswith="43", level="village").values_list("code", flat=True)
            )
            holders = set(ids[19::20])
            sample = rng.sample(ids, args.pages // 2) + rng.sample(
                sorted(holders), args.pages - args.pages // 2
            )
            with CaptureQueriesContext(connection) as queries:
                full = organisation_profile(
                    user=get_user_model().objects.get(pk=leader.pk), organisation_id=sample[-1]
                )
            shown = ", ".join(s.program for s in full.sections)
            profile_queries = len(queries.captured_queries)
            slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
            client = Client()
            client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
            single: dict[str, list[float]] = {}
            viewer = get_user_model().objects.get(pk=leader.pk)
            for pk, code in zip(sample, rng.sample(villages, len(sample)), strict=True):
                for name, call in (
                    (
                        "enterprise selector",
                        lambda pk=pk: organisation_profile(user=viewer, organisation_id=pk),
                    ),
                    ("enterprise page", lambda pk=pk: client.get(f"/orgs/{pk}/")),
                    ("village page", lambda code=code: client.get(f"/villages/{code}/")),
                    (
                        "innovation's enterprise page",
                        lambda pk=pk: client.get(f"/innovation/enterprises/{pk}/"),
                    ),
                ):
                    started = time.perf_counter()
                    call()
                    single.setdefault(name, []).append(time.perf_counter() - started)
            cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
            urls = types.ModuleType("bench_profiles_urls")
            urls.urlpatterns = [
                path("bare/", lambda request: HttpResponse("ok")),
                *countyworks.urls.urlpatterns,
            ]  # type: ignore[attr-defined]
            base, _thread = _serve(urls)
            orgs = [f"/orgs/{pk}/" for pk in sample]
            village_pages = [f"/villages/{code}/" for code in rng.sample(villages, args.pages)]
            _load(base, cookie, orgs[:1] + village_pages[:1] + ["/bare/"], 1, 1)  # warm-up
            bare = _load(base, cookie, ["/bare/"], args.users, args.rounds * len(orgs), args.think)
            enterprise = _load(base, cookie, orgs, args.users, args.rounds, args.think)
            village = _load(base, cookie, village_pages, args.users, args.rounds, args.think)
            saturated = {
                "bare endpoint": _load(base, cookie, ["/bare/"], args.users, args.rounds * len(orgs)),
                "enterprise profile": _load(base, cookie, orgs, args.users, args.rounds),
                "village profile": _load(base, cookie, village_pages, args.users, args.rounds),
            }
    finally:
        _drop(database, scratch)

    def p95(samples: list[float]) -> float:
        return statistics.quantiles(samples, n=20)[-1] * 1000

    load = os.getloadavg()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL; "
        f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print("generated: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in generated.items()))
    print(f"one enterprise profile with a parcel: {profile_queries} queries, sections: {shown}")
    print(
        "slowest queries: " + "; ".join(f"{float(q['time']) * 1000:.1f} ms {q['sql'][:90]}" for q in slowest)
    )
    print(
        "one user, in process: "
        + ", ".join(f"{name} median {statistics.median(v) * 1000:.1f} ms" for name, v in single.items() if v)
    )
    for label, samples in (
        ("bare endpoint", bare),
        ("enterprise profile", enterprise),
        ("village profile", village),
    ):
        print(
            f"{label}, {args.users} users pausing {args.think:g} s: median {statistics.median(samples) * 1000:.1f} ms, "
            f"p95 {p95(samples):.1f} ms ({len(samples)} requests); without pause: median "
            f"{statistics.median(saturated[label]) * 1000:.1f} ms, p95 {p95(saturated[label]):.1f} ms"
        )
    failed = p95(enterprise) >= PROFILE_BUDGET_MS
    print(
        f"budget: enterprise profile p95 < 300 ms, {args.users} users pausing {args.think:g} s:",
        "MISSED" if failed else "met",
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
