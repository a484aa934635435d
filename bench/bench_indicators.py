"""Benchmark: materialised indicators at demo scale — incremental refresh, full rebuild, the pivot page.

Run: ``.venv/bin/python bench/bench_indicators.py [--requests R] [--records N]`` (or ``countyworks
bench indicators``). A fresh temporary SQLite database is migrated and loaded with the demo; with
``DATABASE_URL`` set (a PostgreSQL server), a temporary database is created on that server instead
and dropped afterwards.

- **incremental refresh** (budget < 1 s): one new ticket saved (its signal marks the cells it
  counts in) and ``indicators_refresh()`` run, ``N`` times; the baseline in the same run is what
  refreshing without marks costs, a full ``indicators_rebuild()``;
- **full rebuild**: every indicator, every period from its first record to today;
- **pivot page** (budget p95 < 300 ms): ``/indicators/`` as the provincial leader through the Django
  test client — 逾期工单率 drilled to 娄底市 over 12 months, and 新能源发电量 of 沅江市 over 60
  months — against a bare Django endpoint (a view returning two bytes, same client, same
  middleware) in the same run.

Exit code 1 if a budget is missed. The province-size generator of docs/indicators.md is not part of
this run: the figures are at demo scale.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

REFRESH_BUDGET_S = 1.0
PIVOT_BUDGET_MS = 300.0

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_workflow import _drop_postgres, _setup, _temporary_postgres  # noqa: E402


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else samples[0]


def _refresh(records: int) -> list[float]:
    from countyworks.core.indicator_store import indicators_refresh
    from countyworks.workflow.models import Ticket

    template = Ticket.objects.filter(region__code__startswith="431302").order_by("pk").first()
    assert template is not None
    timings = []
    for _ in range(records):
        started = time.perf_counter()
        template.pk = None
        template.id = None
        template._state.adding = True
        template.save()
        indicators_refresh()
        timings.append(time.perf_counter() - started)
    return timings


def _client_timings(requests: int) -> dict[str, list[float]]:
    from django.contrib.auth import get_user_model
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    import countyworks.urls

    urls = types.ModuleType("bench_indicator_urls")
    urls.urlpatterns = [path("bare/", lambda request: HttpResponse("ok")), *countyworks.urls.urlpatterns]  # type: ignore[attr-defined]
    client = Client()
    client.force_login(get_user_model().objects.get(username="hunan"))
    targets = {
        "bare": "/bare/",
        "pivot overdue 娄底市 12 months": "/indicators/?indicator=workflow.overdue_rate&region=4313&span=12",
        "pivot generation 沅江市 60 months": "/indicators/?indicator=energy.generation&region=430981&span=60",
        "pivot 科技型中小企业 province 5 years": "/indicators/?indicator=innovation.tech_sme&region=43",
    }
    timings: dict[str, list[float]] = {name: [] for name in targets}
    with override_settings(ROOT_URLCONF=urls):
        for url in targets.values():
            assert client.get(url).status_code == 200, url
        for _ in range(requests):
            for name, url in targets.items():
                started = time.perf_counter()
                client.get(url)
                timings[name].append(time.perf_counter() - started)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--records", type=int, default=20)
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL")
    scratch = None
    if database:
        os.environ["DATABASE_URL"], scratch = _temporary_postgres(database)
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            _setup(Path(data_dir))
            import logging

            logging.getLogger("countyworks").setLevel(logging.WARNING)
            from django.db import connection

            from countyworks.core.demo import load_demo
            from countyworks.core.indicator_store import indicators_rebuild
            from countyworks.core.models import IndicatorValue

            started = time.perf_counter()
            load_demo()
            print(f"demo loaded in {time.perf_counter() - started:.1f} s on {connection.vendor}", flush=True)
            rebuilds = []
            for _ in range(3):
                started = time.perf_counter()
                report = indicators_rebuild()
                rebuilds.append(time.perf_counter() - started)
            refresh = _refresh(args.records)
            pages = _client_timings(args.requests)
            values = IndicatorValue.objects.count()
    finally:
        if scratch:
            _drop_postgres(database or "", scratch)
    rebuild_s = statistics.median(rebuilds)
    refresh_p95 = _p95(refresh)
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"values: {values} ({report.indicators} indicators, {report.periods} periods)")
    print(
        f"full rebuild (baseline for one change): median {rebuild_s:.2f} s of {[round(r, 2) for r in rebuilds]}"
    )
    print(
        f"incremental refresh after one new ticket: median {statistics.median(refresh) * 1000:.0f} ms,"
        f" p95 {refresh_p95 * 1000:.0f} ms ({rebuild_s / statistics.median(refresh):.0f}x faster than a rebuild)"
    )
    failed = refresh_p95 >= REFRESH_BUDGET_S
    for name, samples in pages.items():
        p95 = _p95(samples) * 1000
        print(f"{name}: median {statistics.median(samples) * 1000:.1f} ms, p95 {p95:.1f} ms")
        failed |= name != "bare" and p95 >= PIVOT_BUDGET_MS
    print("budgets: refresh p95 < 1 s, pivot p95 < 300 ms:", "MISSED" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
