"""Benchmark: storage dispatch of 8,760 hourly steps, our HiGHS LP against PyPSA's StorageUnit.

Cases D3 and D4 of docs/rules/storage-dispatch.md §6 in cyclic mode (SOC window 0–1: PyPSA's StorageUnit has no SOC
floor): 100 MW / 200 MWh on the hunan-tou-a tariff at 0.5 元/kWh flat over 2023. Times
``solve_dispatch`` (median of several runs, budget < 1 s) and, when PyPSA is importable (the ``bench``
extra), ``StorageUnit(cyclic_state_of_charge=True)`` with a market generator on the same prices (build + solve,
median of three); prints
both objectives, their relative difference (budget ≤ 1e-6) and the time ratio.

Run: ``.venv/bin/python bench/bench_dispatch.py``.
"""

from __future__ import annotations

import logging
import math
import platform
import statistics
import sys
import time
import warnings
from datetime import date

from countyworks.energy.dispatch import StorageParams, solve_dispatch
from countyworks.energy.tariffs import tariff_prices
from countyworks.energy.timeseries import TimeSeries

BUDGET_SECONDS, BUDGET_REL = 1.0, 1e-6
REPEATS = 5
PYPSA_REPEATS = 3
POWER_MW, ENERGY_MWH = 100.0, 200.0
CASES = {"D3": 1.0, "D4": math.sqrt(0.88)}  # η_c = η_d
EXPECTED = {"D3": 77_380_000.0, "D4": 66_052_140.34}  # PyPSA's optimum, docs/rules/storage-dispatch.md §6


def ours(prices: TimeSeries, eta: float) -> tuple[float, float]:
    storage = StorageParams(POWER_MW, ENERGY_MWH, eta, eta, 0.0, 1.0, "cyclic")
    times, revenue = [], 0.0
    for _ in range(REPEATS):
        started = time.perf_counter()
        revenue = solve_dispatch(prices, storage).revenue_yuan
        times.append(time.perf_counter() - started)
    return revenue, statistics.median(times)


def pypsa_revenue(prices: TimeSeries, eta: float) -> tuple[float, float]:
    """Revenue [元] and wall time [s] (build + solve) of PyPSA's cyclic StorageUnit on the same prices."""
    import pandas as pd
    import pypsa

    started = time.perf_counter()
    network = pypsa.Network()
    network.set_snapshots(pd.RangeIndex(len(prices)))
    network.snapshot_weightings.loc[:, :] = prices.step_h
    network.add("Bus", "grid")
    network.add(
        "Generator",
        "market",
        bus="grid",
        p_nom=POWER_MW,
        p_min_pu=-1.0,
        marginal_cost=pd.Series(1000.0 * prices.values, index=network.snapshots),
    )
    network.add(
        "StorageUnit",
        "battery",
        bus="grid",
        p_nom=POWER_MW,
        max_hours=ENERGY_MWH / POWER_MW,
        efficiency_store=eta,
        efficiency_dispatch=eta,
        cyclic_state_of_charge=True,
    )
    status, condition = network.optimize(
        solver_name="highs",
        solver_options={"output_flag": False},
        include_objective_constant=False,
        progress=False,
    )
    elapsed = time.perf_counter() - started
    if status != "ok":
        raise RuntimeError(f"PyPSA: {status} {condition}")
    return -float(network.objective), elapsed


def main() -> int:
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore", FutureWarning)  # PyPSA's notices about its 2.0 defaults
    prices = tariff_prices("hunan-tou-a", 0.5, date(2023, 1, 1), date(2024, 1, 1))
    try:
        import pypsa

        pypsa_version: str | None = pypsa.__version__
    except ImportError:
        pypsa_version = None
    print(
        f"python {platform.python_version()} on {platform.machine()}; steps: {len(prices):,} hourly, cyclic"
    )
    print(f"pypsa: {pypsa_version or 'not importable (pip install -e .[bench]) - comparison skipped'}")
    ok = True
    for case, eta in CASES.items():
        revenue, seconds = ours(prices, eta)
        line = f"{case}: ours {revenue:,.2f} 元 in {seconds:.3f} s (median of {REPEATS})"
        ok &= seconds < BUDGET_SECONDS and math.isclose(revenue, EXPECTED[case], rel_tol=BUDGET_REL)
        if pypsa_version:
            runs = [pypsa_revenue(prices, eta) for _ in range(PYPSA_REPEATS)]
            theirs, their_seconds = runs[-1][0], statistics.median(t for _, t in runs)
            rel = abs(revenue - theirs) / abs(theirs)
            ok &= rel <= BUDGET_REL
            line += f"; pypsa {theirs:,.2f} 元 in {their_seconds:.3f} s (median of {PYPSA_REPEATS}); rel diff {rel:.2e}; time ratio {their_seconds / seconds:.1f}x"
        print(line)
    print(f"budgets: < {BUDGET_SECONDS} s per solve, relative difference ≤ {BUDGET_REL:g}")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
