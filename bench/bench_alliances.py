"""Benchmark: the alliances' allocation LP and annual settlement, against their baselines in the same run.

* Allocation of 1,000 orders over 5,000 members' supply (10 products × 3 grades, monthly supply over
  a year, delivery windows of 11 days; destinations up to 500 km away): ``allocation.allocate``
  (budget < 2 s, median of 3) against a greedy first-come allocation (orders by delivery date, each
  taking the nearest eligible supply first), reporting both filled shares and transport costs.
* Settlement of 100,000 contracts of every type with 2–5 parties: ``benefit.settle`` (budget < 10 s).

Run: ``.venv/bin/python bench/bench_alliances.py``. Exit code 1 if a budget is missed.
"""

from __future__ import annotations

import math
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from countyworks.alliances import benefit as b
from countyworks.alliances.allocation import Order, Supply, allocate, eligible, unit_cost

ALLOCATION_BUDGET, SETTLEMENT_BUDGET = 2.0, 10.0
ORDERS, MEMBERS, CONTRACTS = 1_000, 5_000, 100_000


def allocation_case(seed: int = 1) -> tuple[list[Order], list[Supply]]:
    rng = random.Random(seed)
    products = [f"p{i}" for i in range(10)]
    start = date(2023, 1, 1)
    supplies = []
    for i in range(MEMBERS):
        month = start + timedelta(days=30 * rng.randrange(12))
        supplies.append(
            Supply(
                f"s{i}",
                f"m{i}",
                rng.choice(products),
                rng.randint(0, 2),
                rng.randint(5, 50),
                month,
                month + timedelta(days=29),
                rng.uniform(0, 60),
                rng.uniform(0, 60),
            )  # fmt: skip
        )
    orders = []
    for i in range(ORDERS):
        opens = start + timedelta(days=30 * rng.randrange(12) + rng.randrange(20))
        orders.append(
            Order(
                f"o{i}",
                rng.choice(products),
                rng.randint(0, 2),
                rng.randint(20, 200),
                opens,
                opens + timedelta(days=10),
                rng.uniform(-500, 500),
                rng.uniform(-500, 500),
                0.06,
            )  # fmt: skip
        )
    return orders, supplies


def greedy(orders: list[Order], supplies: list[Supply]) -> tuple[float, float]:
    """First come, first served: orders by delivery date, each from its nearest eligible supplies."""
    left = {s.key: s.quantity for s in supplies}
    by_product: dict[str, list[Supply]] = {}
    for s in supplies:
        by_product.setdefault(s.product, []).append(s)
    filled = cost = 0.0
    for order in sorted(orders, key=lambda o: (o.window_start, o.key)):
        need = order.quantity
        candidates = [s for s in by_product.get(order.product, []) if eligible(s, order) and left[s.key] > 0]
        for s in sorted(candidates, key=lambda s: unit_cost(s, order)):
            take = min(need, left[s.key])
            left[s.key] -= take
            need -= take
            filled += take
            cost += take * unit_cost(s, order)
            if need <= 0:
                break
    return filled, cost


def settlement_case(seed: int = 2) -> tuple[list[b.Terms], dict[str, b.Inputs]]:
    rng = random.Random(seed)
    contracts: list[b.Terms] = []
    inputs: dict[str, b.Inputs] = {}
    for i in range(CONTRACTS):
        kind = b.CONTRACT_TYPES[i % len(b.CONTRACT_TYPES)]
        n = rng.randint(2, 5)
        shares = [Decimal(100 // n)] * (n - 1)
        shares.append(Decimal(100) - sum(shares))
        parties = tuple(
            b.Party(f"p{j}", f"户{j}", "household", share_pct=shares[j], floor_share_pct=None)
            for j in range(n)
        )
        code = f"C{i}"
        terms = b.Terms(
            code, kind, "村集体", 2020, parties,
            principal_fen=rng.randint(1, 100) * 1_000_000, rate_pct=Decimal(rng.randint(3, 8)),
            area_mu=Decimal(rng.randint(10, 500)), per_mu_fen=rng.randint(300, 900) * 100,
            profit_share_pct=Decimal(rng.randint(10, 40)), protective_price_fen=rng.randint(500, 1500),
            step_pct=Decimal(10), step_years=5, daily_wage_fen=rng.randint(100, 200) * 100,
            distributed_pct=Decimal(60),
        )  # fmt: skip
        contracts.append(terms)
        inputs[code] = b.Inputs(
            profit_fen=rng.randint(-1_000_000, 50_000_000),
            volume=Decimal(rng.randint(100, 100_000)),
            market_price_fen=rng.randint(400, 1600),
            land_area_mu=Decimal(rng.randint(10, 500)),
            days_worked={p.key: Decimal(rng.randint(10, 300)) for p in parties},
        )
    return contracts, inputs


def main() -> int:
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    orders, supplies = allocation_case()
    requested = sum(o.quantity for o in orders)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = allocate(orders, supplies)
        times.append(time.perf_counter() - started)
    lp_time = statistics.median(times)
    started = time.perf_counter()
    g_filled, g_cost = greedy(orders, supplies)
    g_time = time.perf_counter() - started
    started = time.perf_counter()
    fair = allocate(orders, supplies, fair_share=True)
    fair_time = time.perf_counter() - started
    print(f"allocation of {ORDERS} orders over {MEMBERS} members ({requested:,.0f} units requested):")
    print(
        f"  LP          {lp_time:6.2f} s  filled {100 * result.filled_share:5.1f}%  cost {result.cost / 100:,.0f} 元"
    )
    print(
        f"  LP fair     {fair_time:6.2f} s  filled {100 * fair.filled_share:5.1f}%  cost {fair.cost / 100:,.0f} 元"
    )
    print(
        f"  greedy FCFS {g_time:6.2f} s  filled {100 * g_filled / requested:5.1f}%  cost {g_cost / 100:,.0f} 元"
    )

    contracts, inputs = settlement_case()
    started = time.perf_counter()
    payouts = b.settle(contracts, inputs, 2023)
    s_time = time.perf_counter() - started
    total = sum(p.amount_fen for p in payouts)
    print(
        f"settlement of {CONTRACTS:,} contracts: {s_time:.2f} s, {len(payouts):,} payouts, {total / 100:,.2f} 元"
    )

    ok = lp_time < ALLOCATION_BUDGET and s_time < SETTLEMENT_BUDGET and not math.isnan(result.cost)
    print(
        "budgets:",
        "met" if ok else "MISSED",
        f"(allocation < {ALLOCATION_BUDGET} s, settlement < {SETTLEMENT_BUDGET} s)",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
