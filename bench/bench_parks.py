"""Benchmark: ``countyworks evaluate mujun-huaian`` on 100,000 enterprises (budget < 2 s, the whole
command as a user runs it), against a plain Python row loop doing the same scoring, ranking and
classing (exact fractions, one row at a time) in the same run. The two outputs are compared.

The input is generated (seeded): 70 % 规上, 25 % 规下, 5 % leased, some utilities and young
enterprises (class T); benchmarks by group in a separate file (``--benchmarks``).

Run: ``.venv/bin/python bench/bench_parks.py [--rows N] [--repeats R]``. Exit code 1 if the budget
is missed or the outputs disagree.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import polars as pl

BUDGET_S = 2.0
#: (weight, numerator column, denominator column, benchmark column) per group: the rule set's defaults.
ABOVE = (
    (45, "tax", "land_mu", "bench_tax_per_mu"),
    (35, "revenue", "land_mu", "bench_revenue_per_mu"),
    (20, "tax", "energy_tce", "bench_tax_per_energy"),
)
WEIGHTS = {"above": ABOVE, "leased": ABOVE, "below": ((100, "tax", "land_mu", "bench_tax_per_mu"),)}
BENCHMARKS = {"above": ("60", "1500", "3"), "leased": ("40", "1000", "2"), "below": ("30", "800", "2")}


def make_input(path: Path, rows: int) -> None:
    rng = random.Random(20230725)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["id", "group", "land_mu", "tax", "revenue", "energy_tce", "production_years", "utility"]
        )
        for i in range(rows):
            group = rng.choices(("above", "below", "leased"), (70, 25, 5))[0]
            land = rng.randint(300, 20000) / 100
            writer.writerow(
                [
                    f"E{i:06d}",
                    group,
                    f"{land:.2f}",
                    f"{land * rng.randint(1, 900) / 10:.2f}",
                    f"{land * rng.randint(50, 30000) / 10:.2f}",
                    str(rng.randint(10, 90000)),
                    str(rng.choice((1, 2, 3, 5, 8, 12))),
                    "是" if rng.random() < 0.01 else "否",
                ]
            )


def make_benchmarks(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["group", "bench_tax_per_mu", "bench_revenue_per_mu", "bench_tax_per_energy"])
        for group, values in BENCHMARKS.items():
            writer.writerow([group, *values])


def row_loop(source: Path) -> dict[str, tuple[str, str]]:
    """id → (score to 4 decimals, class): the rule set's rules, one row at a time, exact fractions."""
    scores: dict[str, Fraction | None] = {}
    groups: dict[str, list[tuple[Fraction, str]]] = defaultdict(list)
    with open(source, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            group = row["group"]
            rated = row["utility"] != "是" and int(row["production_years"]) >= 2
            rated = rated and (group != "below" or Fraction(row["land_mu"]) >= 3)
            if not rated:
                scores[row["id"]] = None
                continue
            bench = dict(
                zip(
                    ("bench_tax_per_mu", "bench_revenue_per_mu", "bench_tax_per_energy"),
                    map(Fraction, BENCHMARKS[group]),
                    strict=True,
                )
            )
            total = Fraction(0)
            for weight, num, den, b in WEIGHTS[group]:
                points = weight * max(Fraction(row[num]), Fraction(0)) / Fraction(row[den]) / bench[b]
                total += Fraction(int(points * 20000 + 1) // 2, 10000)  # half up to 0.0001
            scores[row["id"]] = total
            groups[group].append((total, row["id"]))
    result = {key: ("", "T") for key, value in scores.items() if value is None}
    for members in groups.values():
        members.sort(key=lambda item: -item[0])
        n = len(members)
        rank = 0
        for position, (score, key) in enumerate(members, start=1):
            if position == 1 or score != members[position - 2][0]:
                rank = position
            klass = (
                "A"
                if rank * 100 <= 20 * n
                else "B"
                if rank * 100 <= 60 * n
                else "C"
                if rank * 100 <= 95 * n
                else "D"
            )
            result[key] = (f"{float(score):.4f}", klass)
    return result


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    countyworks = shutil.which("countyworks") or str(Path(sys.executable).with_name("countyworks"))
    with tempfile.TemporaryDirectory() as tmp:
        source, bench, target = Path(tmp, "in.csv"), Path(tmp, "bench.csv"), Path(tmp, "out.csv")
        make_input(source, args.rows)
        make_benchmarks(bench)
        command = [
            countyworks,
            "evaluate",
            "mujun-huaian",
            str(source),
            "-o",
            str(target),
            "--benchmarks",
            str(bench),
        ]
        walls, loops = [], []
        for _ in range(args.repeats):
            walls.append(timed(command))
            before, cpu_before = time.perf_counter(), time.process_time()
            expected = row_loop(source)
            loops.append((time.perf_counter() - before, time.process_time() - cpu_before))
        out = pl.read_csv(target, schema_overrides={"score": pl.Float64})
        got = {
            key: ("" if score is None else f"{score:.4f}", klass)
            for key, score, klass in out.select("id", "score", "class").iter_rows()
        }
        mismatches = sum(1 for key, value in expected.items() if got.get(key) != value)
        classes = out["class"].value_counts().sort("class").rows()
    wall, cpu = statistics.median(w for w, _ in walls), statistics.median(c for _, c in walls)
    loop, loop_cpu = statistics.median(w for w, _ in loops), statistics.median(c for _, c in loops)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, polars {pl.__version__}"
    )
    print(
        f"countyworks evaluate mujun-huaian, {args.rows:,} rows: wall {wall:.2f} s, cpu {cpu:.2f} s "
        f"(medians of {args.repeats}) — budget: wall < {BUDGET_S:.0f} s"
    )
    print(
        f"python row loop (exact fractions): wall {loop:.2f} s, cpu {loop_cpu:.2f} s — {loop / wall:.1f}x wall, "
        f"{loop_cpu / cpu:.1f}x cpu"
    )
    print(f"classes: {classes}")
    print(f"rows disagreeing: {mismatches}")
    ok = mismatches == 0 and wall < BUDGET_S
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
