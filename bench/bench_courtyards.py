"""Benchmark: one month of hygiene inspections for 1,000,000 households — totals after deductions,
stars and competition ranks within courtyard, village and town — vectorised against a row loop.

Generates seeded households (about 50 to a courtyard, 8 courtyards to a village, 20 villages to a
town), times ``scoring.monthly_results`` (budget < 3 s, median of 3 runs) and a plain Python loop
computing the same figures (run once), checks that both agree on every row and prints the figures.
Also times the annual evaluation (mean over the months scored, ranks, top ten) of 100,000
households × 12 months.

Run: ``.venv/bin/python bench/bench_courtyards.py [--households N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections import defaultdict

import numpy as np
import polars as pl

from countyworks.courtyards.scoring import DEFAULT_SHEET, annual_results, monthly_results, tenths

BUDGET_SECONDS = 3.0
REPEATS = 3
CODES = [code for code, _max in DEFAULT_SHEET.items]


def synthetic(households: int, months: int = 1, seed: int = 2023) -> pl.DataFrame:
    """Seeded inspections: item scores 0–20 in steps of 0.5, 0–3 violations, 14-digit courtyard codes."""
    rng = np.random.default_rng(seed)
    ids = np.arange(households)
    courtyard = ids // 50
    village = courtyard // 8
    town = village // 20
    codes = np.char.add(
        np.char.add(
            np.char.zfill((430000000 + town).astype(str), 9), np.char.zfill((village % 1000).astype(str), 3)
        ),
        np.char.zfill((courtyard % 100).astype(str), 2),
    )
    rows = households * months
    frame = {
        "household": np.tile(ids, months),
        "courtyard": np.tile(codes, months),
        "month": np.repeat([f"2023-{m:02d}" for m in range(1, months + 1)], households),
        **{code: rng.integers(20, 41, rows) / 2 for code in CODES},
        "violations": rng.choice([0, 0, 0, 0, 1, 1, 2, 3], rows),
    }
    return pl.DataFrame(frame)


def row_loop(rows: list[dict[str, object]]) -> list[tuple[float, int, int, int, int]]:
    """The baseline: the same figures one row at a time, ranks by sorting each group."""
    cuts = sorted(DEFAULT_SHEET.star_cuts, reverse=True)
    totals: list[int] = []
    for row in rows:
        points = sum(tenths(row[code]) for code in CODES)  # type: ignore[arg-type]
        totals.append(max(0, points - int(row["violations"]) * DEFAULT_SHEET.violation_deduction))  # type: ignore[call-overload]
    ranks: dict[int, list[int]] = {}
    for length in (14, 12, 9):
        groups: dict[tuple[object, str], list[int]] = defaultdict(list)
        for index, row in enumerate(rows):
            groups[(row["month"], str(row["courtyard"])[:length])].append(index)
        rank = [0] * len(rows)
        for members in groups.values():
            ordered = sorted(members, key=lambda i: -totals[i])
            for position, index in enumerate(ordered):
                if position and totals[index] == totals[ordered[position - 1]]:
                    rank[index] = rank[ordered[position - 1]]
                else:
                    rank[index] = position + 1
        ranks[len(ranks)] = rank
    result = []
    for index, total in enumerate(totals):
        stars = next((s for minimum, s in cuts if total >= minimum), 0)
        result.append((total / 10, stars, ranks[0][index], ranks[1][index], ranks[2][index]))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    frame = synthetic(args.households, seed=args.seed)

    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = monthly_results(frame)
        timings.append(time.perf_counter() - start)
    vectorised = statistics.median(timings)

    rows = frame.to_dicts()
    start = time.perf_counter()
    baseline = row_loop(rows)
    loop_seconds = time.perf_counter() - start
    got = list(result.select("total", "stars", "rank_courtyard", "rank_village", "rank_town").iter_rows())
    mismatches = sum(1 for a, b in zip(got, baseline, strict=True) if a != b)

    annual_frame = monthly_results(synthetic(100_000, months=12, seed=args.seed))
    start = time.perf_counter()
    annual = annual_results(annual_frame)
    annual_seconds = time.perf_counter() - start

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, polars {pl.__version__}"
    )
    print(f"households: {args.households:,} (one month), courtyards: {frame['courtyard'].n_unique():,}")
    print(
        f"vectorised monthly totals, stars, 3 levels of ranks: {vectorised:.2f} s (median of {REPEATS}; runs {', '.join(f'{t:.2f}' for t in timings)})"
    )
    print(f"row loop baseline, same rows: {loop_seconds:.2f} s → {loop_seconds / vectorised:.1f}× slower")
    print(f"rows disagreeing with the baseline: {mismatches}")
    print(
        f"annual evaluation, 100,000 households × 12 months: {annual_seconds:.2f} s ({annual['top_ten'].sum():,} in top tens)"
    )
    ok = vectorised < BUDGET_SECONDS and mismatches == 0
    print("budget < 3 s:", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
