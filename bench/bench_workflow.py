"""Benchmark: the workflow at 100,000 tickets — the overdue list and the escalation job.

Run: ``.venv/bin/python bench/bench_workflow.py [--tickets N] [--requests R]`` (or ``countyworks bench
workflow``). A fresh temporary SQLite database is migrated and loaded with the national regions;
with ``DATABASE_URL`` set (a PostgreSQL server), a temporary database is created on that server
instead and dropped afterwards.

100,000 open tickets are bulk-created over 20 Hunan counties (5,000 each, each county with its
own three-level chain whose posts are held by a user), all past their deadline — the worst case
for both figures:

- **overdue list** (budget p95 < 150 ms): the page a county officer (娄星区) and a provincial
  leader (湖南省) open, through the Django test client (``/workflow/overdue/``: first page, its
  count and both summaries), and the same selector alone; ``R`` requests each;
- **escalation job** (budget < 5 s): ``tickets_escalate_overdue`` over all of them (every one is
  escalated: escalation rows, owner updates, a history row and a notification each), then a
  second run, which must escalate nothing.

Baseline, in the same run: the naive job — for each ticket, ``audited_save`` (full_clean + a
simple-history row), ``Escalation.objects.create`` and ``Notification.objects.create`` — over a
2,000-ticket sample in a rolled-back transaction, extrapolated to all tickets.
Exit code 1 if a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

LIST_BUDGET_MS = 150.0
ESCALATION_BUDGET_S = 5.0
COUNTIES = 20
BASELINE_SAMPLE = 2000


def _temporary_postgres(url: str) -> tuple[str, str]:
    """Create a scratch database on the server of ``url``; returns (its url, its name)."""
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    name = f"countyworks_bench_{os.getpid()}"
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}", name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _setup(data_dir: Path) -> None:
    os.environ["COUNTYWORKS_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "countyworks.settings"
    os.environ["COUNTYWORKS_DEMO"] = (
        "true"  # static files from the finders: the page renders without collectstatic
    )
    import django

    django.setup()
    import logging

    logging.getLogger("countyworks.workflow").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _world(counties: list[str]):
    """Per county: a chain 专班 → 分管领导 → 县领导 whose posts each have one user."""
    from django.contrib.auth import get_user_model

    from countyworks.core.models import Organisation, Person, Role, RoleGrant
    from countyworks.workflow.models import EscalationChain, EscalationStep, Post, SlaKind

    User = get_user_model()
    chains = {}
    for code in counties:
        unit = Organisation.objects.create(name=f"{code}项目办", region_id=code, kind="government")
        posts = []
        for level, title in enumerate(("工作专班", "分管领导", "县领导")):
            user = User.objects.create(username=f"u{code}_{level}")
            person = Person.objects.create(
                name=f"{title}{code}", region_id=code, organisation=unit, user=user
            )
            post = Post.objects.create(name=f"{code}{title}", region_id=code, organisation=unit)
            post.holders.add(person)
            posts.append(post)
        chain = EscalationChain.objects.create(code=f"bench-{code}", name=f"{code} chain", region_id=code)
        for level, post in enumerate(posts):
            EscalationStep.objects.create(
                chain=chain,
                level=level,
                title=post.name,
                post=post,
                window_kind=SlaKind.WORKING_DAYS if level else "",
                window_amount=level or None,
            )
        chains[code] = (chain, posts[0], unit)
    officer = User.objects.create(username="bench_louxing")
    RoleGrant.objects.create(user=officer, role=Role.OFFICER, region_id="431302")
    leader = User.objects.create(username="bench_hunan")
    RoleGrant.objects.create(user=leader, role=Role.LEADER, region_id="43")
    return chains, officer, leader


def _tickets(n: int, chains: dict) -> None:
    """Bulk-create ``n`` open tickets, every one past its 问题不过夜 deadline (deadlines on the calendar)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from countyworks.core.models import Organisation
    from countyworks.workflow.models import SlaPolicy, Status, Ticket

    policy = SlaPolicy.objects.select_related("office_hours").get(code="overnight")
    subject_type = ContentType.objects.get_for_model(Organisation)
    now = timezone.now()
    codes = list(chains)
    batch: list[Ticket] = []
    for i in range(n):
        code = codes[i % len(codes)]
        chain, post, unit = chains[code]
        opened = now - timedelta(days=3 + (i % 200), minutes=i % 480)
        response, resolution = policy.deadlines(opened)
        batch.append(
            Ticket(
                subject_type=subject_type,
                subject_id=str(unit.pk),
                region_id=code,
                title=f"工单{i:06d}",
                category="other",
                status=Status.IN_PROGRESS if i % 3 else Status.NEW,
                owner_post=post,
                unit=unit,
                policy=policy,
                chain=chain,
                created_at=opened,
                updated_at=opened,
                response_due=response.at,
                resolution_due=resolution.at,
                escalate_at=resolution.at,
            )
        )
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _time_list(user, requests: int) -> dict[str, float]:
    from django.test import Client
    from django.utils import timezone

    from countyworks.workflow.selectors import PAGE_SIZE, ticket_overdue

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/workflow/overdue/").status_code == 200  # warm-up (templates, connections)
    page_ms = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get("/workflow/overdue/")
        page_ms.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    selector_ms = []
    for _ in range(requests):
        start = time.perf_counter()
        query = ticket_overdue(user=user, now=timezone.now())
        rows = list(query[:PAGE_SIZE])
        total = query.count()
        selector_ms.append((time.perf_counter() - start) * 1000)
    return {
        "page_p50": statistics.median(page_ms),
        "page_p95": _percentile(page_ms, 95),
        "selector_p50": statistics.median(selector_ms),
        "selector_p95": _percentile(selector_ms, 95),
        "rows": len(rows),
        "total": total,
    }


def _naive_escalation(sample: int) -> float:
    """The per-ticket loop a first version would write; seconds per ticket (rolled back)."""
    from django.db import transaction
    from django.utils import timezone

    from countyworks.core.actors import SYSTEM
    from countyworks.core.services import audited_save
    from countyworks.workflow.models import ACTIVE_STATUSES, Escalation, EscalationStep, Notification, Ticket
    from countyworks.workflow.services import owner_user_ids

    now = timezone.now()
    with transaction.atomic():
        tickets = list(Ticket.objects.filter(status__in=ACTIVE_STATUSES, escalate_at__lte=now)[:sample])
        start = time.perf_counter()
        for ticket in tickets:
            step = EscalationStep.objects.get(chain_id=ticket.chain_id, level=ticket.escalation_level + 1)
            Escalation.objects.create(
                ticket=ticket,
                to_level=step.level,
                from_post_id=ticket.owner_post_id,
                to_post_id=step.post_id,
                breached_due=ticket.escalate_at,
                escalated_at=now,
            )
            ticket.escalation_level = step.level
            ticket.owner_post_id = step.post_id
            ticket.escalate_at = now + timedelta(days=1)
            audited_save(ticket, acting_user=SYSTEM, reason="escalated")
            for user_id in owner_user_ids(person_id=None, post_id=step.post_id):
                Notification.objects.create(
                    user_id=user_id, ticket=ticket, kind="escalated", text="escalated"
                )
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed / len(tickets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    pg_url = os.environ.get("DATABASE_URL", "")
    pg_name = ""
    if pg_url:
        scratch, pg_name = _temporary_postgres(pg_url)
        os.environ["DATABASE_URL"] = scratch
    try:
        with tempfile.TemporaryDirectory(prefix="cw-bench-workflow-") as tmp:
            _setup(Path(tmp))
            return _run(args)
    finally:
        if pg_name:
            from django.db import connections

            connections.close_all()
            _drop_postgres(pg_url, pg_name)


def _run(args: argparse.Namespace) -> int:
    from django.db import connection

    from countyworks.core.models import Region
    from countyworks.core.region_data import load_national_regions
    from countyworks.workflow.models import Escalation, Notification, Ticket
    from countyworks.workflow.services import tickets_escalate_overdue

    load_national_regions()
    counties = [
        "431302",
        *Region.objects.filter(code__startswith="43", level="county")
        .exclude(code="431302")
        .order_by("code")
        .values_list("code", flat=True)[: COUNTIES - 1],
    ]
    chains, officer, leader = _world(counties)
    start = time.perf_counter()
    _tickets(args.tickets, chains)
    setup_s = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    engine = (
        f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
    )
    print(
        f"workflow benchmark · {args.tickets:,} tickets over {len(counties)} counties · {engine.strip()} · "
        f"Python {platform.python_version()} · {os.cpu_count()} CPU · setup {setup_s:.1f} s"
    )

    county = _time_list(officer, args.requests)
    province = _time_list(leader, args.requests)
    for label, figures in (("county officer (娄星区)", county), ("provincial leader (湖南省)", province)):
        print(
            f"overdue list, {label}: {figures['total']:,} overdue · page p50 {figures['page_p50']:.1f} ms, "
            f"p95 {figures['page_p95']:.1f} ms · selector p50 {figures['selector_p50']:.1f} ms, "
            f"p95 {figures['selector_p95']:.1f} ms  (budget p95 < {LIST_BUDGET_MS:.0f} ms)"
        )

    per_ticket = _naive_escalation(BASELINE_SAMPLE)
    print(
        f"baseline: naive per-ticket escalation {per_ticket * 1000:.2f} ms/ticket over {BASELINE_SAMPLE:,} "
        f"→ {per_ticket * args.tickets:.1f} s extrapolated to {args.tickets:,}"
    )

    start = time.perf_counter()
    report = tickets_escalate_overdue()
    job_s = time.perf_counter() - start
    start = time.perf_counter()
    again = tickets_escalate_overdue()
    rerun_s = time.perf_counter() - start
    history = Ticket.history.filter(history_type="~").count()
    print(
        f"escalation job: {report.escalated:,} escalated in {report.batches} batches, {job_s:.2f} s "
        f"(budget < {ESCALATION_BUDGET_S:.0f} s; {per_ticket * args.tickets / job_s:.0f}× the baseline) · "
        f"second run {again.escalated} escalated in {rerun_s * 1000:.0f} ms"
    )
    print(
        f"  rows written: {Escalation.objects.count():,} escalations, {history:,} history rows, "
        f"{Notification.objects.count():,} notifications"
    )

    failures = []
    for label, figures in (("county", county), ("province", province)):
        if figures["page_p95"] > LIST_BUDGET_MS:
            failures.append(
                f"overdue list p95 ({label}) {figures['page_p95']:.1f} ms > {LIST_BUDGET_MS:.0f} ms"
            )
    if job_s > ESCALATION_BUDGET_S:
        failures.append(f"escalation job {job_s:.2f} s > {ESCALATION_BUDGET_S:.0f} s")
    if report.escalated != args.tickets or again.escalated != 0:
        failures.append("escalation counts are wrong")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
