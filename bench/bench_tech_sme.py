"""Benchmark: tech-sme-2022 on 1,000,000 synthetic enterprises, vectorised against row by row.

Generates seeded enterprises (a share of them placed exactly on band edges), times
``RuleSet.evaluate`` (budget < 2 s) and the plain Python loop of ``tech_sme_rowwise`` on the
same rows (budget: ≥ 50× slower), checks that both agree on every row and prints the figures.

Run: ``.venv/bin/python bench/bench_tech_sme.py [--rows N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tech_sme_rowwise  # noqa: E402 - the baseline lives beside this file
from countyworks.rules.registry import get_ruleset  # noqa: E402

BUDGET_SECONDS, BUDGET_RATIO = 2.0, 50.0
#: The vectorised figure is the median of this many runs (the baseline runs once).
REPEATS = 5


def synthetic(rows: int, seed: int = 2022) -> pl.DataFrame:
    """Seeded synthetic enterprises in natural units (amounts in 万元 with 2–4 decimals).

    One row in ten has its R&D placed exactly on a revenue-ratio band edge (e.g. 6 % of
    revenue), to exercise the exact comparisons.
    """
    rng = np.random.default_rng(seed)
    employees = rng.integers(1, 600, rows)
    revenue = np.round(rng.gamma(1.5, 3000, rows), 2)
    revenue[rng.random(rows) < 0.02] = 0
    edge = rng.random(rows) < 0.1
    rd = np.round(revenue * rng.uniform(0, 0.09, rows), 4)
    rd[edge] = np.round(revenue[edge] * rng.choice([0.02, 0.03, 0.04, 0.05, 0.06], edge.sum()), 4)
    flags = {
        name: rng.random(rows) < p
        for name, p in (
            ("resident", 0.98),
            ("prohibited_industry", 0.02),
            ("major_incident", 0.02),
            ("abnormal_listed", 0.03),
            ("high_tech_cert", 0.05),
            ("national_award_top3", 0.01),
            ("provincial_rd_institution", 0.03),
            ("led_standard", 0.02),
        )
    }
    return pl.DataFrame(
        {
            "id": [f"E{i:07d}" for i in range(rows)],
            "employees": employees,
            "tech_staff": (employees * rng.uniform(0, 0.45, rows)).astype(np.int64),
            "revenue": revenue,
            "total_assets": np.round(rng.gamma(1.5, 3000, rows), 2),
            "rd_expense": rd,
            "total_cost": np.round(revenue * rng.uniform(0.3, 1.1, rows), 2),
            "ip_class1": rng.poisson(0.3, rows),
            "ip_class2": rng.poisson(1.5, rows),
            **flags,
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    ruleset = get_ruleset("tech-sme-2022")
    frame = synthetic(args.rows, args.seed)
    ruleset.evaluate(frame.head(1000))  # warm-up: thread pool and expression caches

    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fast = ruleset.evaluate(frame)
        times.append(time.perf_counter() - start)
    vectorised = statistics.median(times)

    start = time.perf_counter()
    slow = pl.DataFrame(list(tech_sme_rowwise.evaluate_rows(frame.iter_rows(named=True))), schema=fast.schema)
    baseline = time.perf_counter() - start

    mismatches = fast.height - fast.join(slow, on=fast.columns, how="semi", nulls_equal=True).height
    ratio = baseline / vectorised
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, polars {pl.__version__}"
    )
    print(f"rows: {frame.height:,} ({fast['qualified'].sum():,} qualified, {fast['direct'].sum():,} direct)")
    print(
        f"vectorised evaluate: {vectorised:.3f} s median of {REPEATS} (min {min(times):.3f} s, "
        f"max {max(times):.3f} s; budget < {BUDGET_SECONDS} s)"
    )
    print(f"row-by-row baseline: {baseline:.3f} s")
    print(f"speed-up: {ratio:.1f}x (budget >= {BUDGET_RATIO:.0f}x)")
    print(f"rows disagreeing: {mismatches}")
    ok = mismatches == 0 and vectorised < BUDGET_SECONDS and ratio >= BUDGET_RATIO
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
