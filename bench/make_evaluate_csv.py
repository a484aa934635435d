"""Write the seeded 1,000,000-enterprise csv of ``bench_tech_sme`` for the whole-process benchmark.

Run: ``python bench/make_evaluate_csv.py OUTPUT.csv [--rows N]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tech_sme import synthetic  # noqa: E402 - beside this file

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    synthetic(args.rows).write_csv(args.output)
