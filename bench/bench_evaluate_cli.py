"""Benchmark: ``countyworks evaluate tech-sme-2022`` on a 1,000,000-row csv as a whole process,
against a plain csv-module row loop doing the same work (``evaluate_rowloop.py``) in the same run.

Both are timed as separate processes (wall and CPU time of the child, from ``resource``), in
turn, ``--repeats`` times each; the budget is a row loop at least 8× slower than the command, by
the medians, with the progress bar kept.  The outputs are compared row by row.

Run: ``.venv/bin/python bench/bench_evaluate_cli.py [--rows N] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
BUDGET_RATIO = 8.0


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    countyworks = shutil.which("countyworks") or str(Path(sys.executable).with_name("countyworks"))
    with tempfile.TemporaryDirectory() as tmp:
        source, fast_out, slow_out = Path(tmp, "in.csv"), Path(tmp, "out.csv"), Path(tmp, "loop.csv")
        subprocess.run(
            [sys.executable, str(HERE / "make_evaluate_csv.py"), str(source), "--rows", str(args.rows)],
            check=True,
        )
        fast_cmd = [countyworks, "evaluate", "tech-sme-2022", str(source), "-o", str(fast_out)]
        slow_cmd = [sys.executable, str(HERE / "evaluate_rowloop.py"), str(source), str(slow_out)]
        fast, slow = [], []
        for _ in range(args.repeats):
            fast.append(timed(fast_cmd))
            slow.append(timed(slow_cmd))
        a = pl.read_csv(fast_out)
        b = pl.read_csv(slow_out).with_columns(pl.col("failed_conditions").fill_null(""))
        a = a.with_columns(pl.col("failed_conditions").fill_null(""))
        mismatches = a.height - a.join(b, on=a.columns, how="semi", nulls_equal=True).height
    fast_wall, slow_wall = statistics.median(w for w, _ in fast), statistics.median(w for w, _ in slow)
    fast_cpu, slow_cpu = statistics.median(c for _, c in fast), statistics.median(c for _, c in slow)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, polars {pl.__version__}"
    )
    print(f"countyworks evaluate: wall {fast_wall:.2f} s, cpu {fast_cpu:.2f} s (median of {args.repeats})")
    print(f"csv-module row loop:  wall {slow_wall:.2f} s, cpu {slow_cpu:.2f} s")
    ratio = slow_wall / fast_wall
    print(
        f"row loop / command: {ratio:.1f}x wall, {slow_cpu / fast_cpu:.1f}x cpu (budget >= {BUDGET_RATIO:.0f}x)"
    )
    print(f"rows disagreeing: {mismatches}")
    ok = mismatches == 0 and ratio >= BUDGET_RATIO
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
