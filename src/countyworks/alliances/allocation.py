"""Orders over members' supply as a linear programme solved with HiGHS (docs/alliances.md, "Allocation").

Pure functions, free of Django: the orders page, ``countyworks allocate``, local supporting
(本地配套: members' input needs matched to other members' outputs) and the benchmark call the same
:func:`allocate`.

The model, for each product separately (an order is only ever filled with its own product):

* a variable ``x[s, o] ≥ 0`` for every *eligible* pair of supply ``s`` and order ``o``: same product,
  a grade as good as the order's or better, the supply's period overlapping the delivery window,
  and not the ordering member's own supply;
* ``Σ_o x[s, o] ≤ available(s)`` and ``Σ_s x[s, o] ≤ quantity(o)``;
* stage 1 maximises the filled quantity ``F = Σ x``;
* with ``fair_share``, stage 2 keeps ``F`` and maximises ``t``, the smallest share of any member's
  eligible supply that is used (``Σ x[s∈m, ·] ≥ t · available(m)`` for every member ``m``), so no
  member is left out while others sell;
* the last stage keeps ``F`` (and ``t``) and minimises the transport cost
  ``Σ x[s, o] · freight(o) · distance(s, o)``.

Each stage restarts HiGHS from the previous stage's basis. An order nobody can fill, or fill
completely, is flagged with the reason.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import highspy
import numpy as np

from countyworks.core.highs import QuietHighs

#: Stages keep the filled quantity (and the fair share) of the stage before up to this relative slack,
#: so that the next stage's restart is never infeasible by rounding.
_KEEP = 1e-9
#: Quantities are reported to the hundredth of a unit (the precision they are stored with).
_DIGITS = 2


@dataclass(frozen=True)
class Order:
    """A demand: a buyer's order, or a member's input need (``member`` then names that member)."""

    key: str
    product: str
    grade_rank: int
    quantity: float
    window_start: date
    window_end: date
    x_km: float = 0.0
    y_km: float = 0.0
    freight_per_km: float = 0.0
    member: str | None = None


@dataclass(frozen=True)
class Supply:
    """What one member can supply of a product at a grade over a period."""

    key: str
    member: str
    product: str
    grade_rank: int
    quantity: float
    starts_on: date
    ends_on: date
    x_km: float = 0.0
    y_km: float = 0.0


@dataclass(frozen=True)
class Line:
    order: str
    supply: str
    member: str
    quantity: float
    cost: float


@dataclass
class Result:
    """The allocation: its lines, what each order got, the totals and the flags."""

    lines: list[Line] = field(default_factory=list)
    filled: dict[str, float] = field(default_factory=dict)
    requested: float = 0.0
    cost: float = 0.0
    fair_share: dict[str, float] = field(default_factory=dict)
    #: order key → (English, Chinese) reason it is not (completely) filled.
    flags: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def filled_total(self) -> float:
        return sum(self.filled.values())

    @property
    def filled_share(self) -> float:
        return self.filled_total / self.requested if self.requested else 1.0


def eligible(supply: Supply, order: Order) -> bool:
    """Whether ``supply`` may fill ``order``: product, grade as good or better, period, not its own."""
    return (
        supply.product == order.product
        and supply.grade_rank <= order.grade_rank
        and supply.starts_on <= order.window_end
        and supply.ends_on >= order.window_start
        and supply.member != order.member
    )


def unit_cost(supply: Supply, order: Order) -> float:
    """Transport cost of one unit: the order's freight rate × the straight-line distance (km)."""
    return order.freight_per_km * math.hypot(supply.x_km - order.x_km, supply.y_km - order.y_km)


def allocate(orders: Sequence[Order], supplies: Sequence[Supply], *, fair_share: bool = False) -> Result:
    """Allocate ``orders`` over ``supplies``: most filled, then (fair share, then) least transport cost.

    References: docs/alliances.md, "Allocation" (the model above); the alliance's 品牌销售 and
    本地配套 services of the 常宁 report (湖南日报 2023-07-27).
    """
    result = Result(requested=sum(o.quantity for o in orders))
    orders_by_product: dict[str, list[Order]] = defaultdict(list)
    supplies_by_product: dict[str, list[Supply]] = defaultdict(list)
    for order in orders:
        orders_by_product[order.product].append(order)
    for supply in supplies:
        if supply.quantity > 0:
            supplies_by_product[supply.product].append(supply)
    for product, group in orders_by_product.items():
        _allocate_product(group, supplies_by_product.get(product, []), fair_share, result)
    for order in orders:
        result.filled.setdefault(order.key, 0.0)
        got = result.filled[order.key]
        if got + 10**-_DIGITS / 2 < order.quantity and order.key not in result.flags:
            result.flags[order.key] = _reason(order, supplies_by_product.get(order.product, []), got)
    result.cost = sum(line.cost for line in result.lines)
    return result


def _reason(order: Order, supplies: Sequence[Supply], got: float) -> tuple[str, str]:
    """Why an order is not filled: nobody makes it, not at its grade, not in its window, or taken."""
    if not supplies:
        return (f"no member makes {order.product}", f"没有成员生产“{order.product}”")
    graded = [s for s in supplies if s.grade_rank <= order.grade_rank]
    if not graded:
        return (
            f"no member supplies {order.product} at this grade or better",
            f"没有成员能供应该等级及以上的“{order.product}”",
        )
    timed = [s for s in graded if s.starts_on <= order.window_end and s.ends_on >= order.window_start]
    if not timed:
        return (
            "no member's supply falls in the delivery window",
            "交货期内没有成员可供货",
        )
    if got <= 0:
        return ("the eligible supply is taken by other orders", "符合条件的货源已分配给其他订单")
    return (
        f"only {got:g} of {order.quantity:g} can be supplied; the rest of the eligible supply is taken",
        f"仅能供应 {got:g}（订单 {order.quantity:g}），其余符合条件的货源已分配给其他订单",
    )


def _allocate_product(orders: list[Order], supplies: list[Supply], fair_share: bool, result: Result) -> None:
    pairs = [(si, oi) for oi, o in enumerate(orders) for si, s in enumerate(supplies) if eligible(s, o)]
    if not pairs:
        return
    n = len(pairs)
    sup_idx = np.fromiter((p[0] for p in pairs), dtype=np.int32, count=n)
    ord_idx = np.fromiter((p[1] for p in pairs), dtype=np.int32, count=n)
    costs = np.fromiter((unit_cost(supplies[s], orders[o]) for s, o in pairs), dtype=np.float64, count=n)
    members = sorted({supplies[s].member for s in set(sup_idx.tolist())})

    n_sup, n_ord = len(supplies), len(orders)
    # Rows: supplies (≤ available), orders (≤ quantity), the fill-keeping row; fair-share rows later.
    # Columns are the pairs; each appears in its supply's row, its order's row and the fill row.
    rows = np.concatenate((sup_idx, n_sup + ord_idx, np.full(n, n_sup + n_ord, dtype=np.int32)))
    cols = np.tile(np.arange(n, dtype=np.int32), 3)
    vals = np.ones(3 * n)
    order_by_col = np.argsort(cols, kind="stable")
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = n_sup + n_ord + 1
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.ones(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.row_lower_ = np.concatenate((np.zeros(n_sup + n_ord), [-highspy.kHighsInf]))
    lp.row_upper_ = np.concatenate(
        ([s.quantity for s in supplies], [o.quantity for o in orders], [highspy.kHighsInf])
    )
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = np.arange(0, 3 * n + 1, 3, dtype=np.int32)
    lp.a_matrix_.index_ = rows[order_by_col].astype(np.int32)
    lp.a_matrix_.value_ = vals[order_by_col]
    highs = QuietHighs()
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    _run(highs)
    filled = highs.getInfo().objective_function_value
    fill_row = n_sup + n_ord
    highs.changeRowBounds(fill_row, filled * (1 - _KEEP), highspy.kHighsInf)

    if fair_share:
        # t is the last column; one row per member: Σ x[s∈m, ·] − t · available(m) ≥ 0.
        available: defaultdict[str, float] = defaultdict(float)
        for s in set(sup_idx.tolist()):
            available[supplies[s].member] += supplies[s].quantity
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
        highs.addCol(1.0, 0.0, 1.0, 0, np.array([], dtype=np.int32), np.array([]))
        by_member: dict[str, list[int]] = defaultdict(list)
        for col in range(n):
            by_member[supplies[int(sup_idx[col])].member].append(col)
        for m in members:
            idx = np.array([*by_member[m], n], dtype=np.int32)
            val = np.concatenate((np.ones(len(by_member[m])), [-available[m]]))
            highs.addRow(0.0, highspy.kHighsInf, len(idx), idx, val)
        _run(highs)
        share = highs.getInfo().objective_function_value
        highs.changeColBounds(n, share * (1 - _KEEP), 1.0)
        highs.changeColCost(n, 0.0)
        result.fair_share[orders[0].product] = share

    highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    _run(highs)
    x = np.asarray(highs.getSolution().col_value)[:n]
    _collect(x, pairs, costs, orders, supplies, result)


def _run(highs: highspy.Highs) -> None:
    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS did not find an optimum: {highs.modelStatusToString(status)}")


def _collect(
    x: np.ndarray,
    pairs: list[tuple[int, int]],
    costs: np.ndarray,
    orders: list[Order],
    supplies: list[Supply],
    result: Result,
) -> None:
    """Lines in hundredths of a unit: each order's total rounded to the nearest hundredth, shared over
    its lines by largest remainder, never over an order's quantity or a supply's availability."""
    scale = 10**_DIGITS
    left_supply = {s.key: round(s.quantity * scale) for s in supplies}
    by_order: dict[int, list[int]] = defaultdict(list)
    for found in np.flatnonzero(x > 1e-9):
        by_order[pairs[int(found)][1]].append(int(found))
    for o, cols in by_order.items():
        order = orders[o]
        exact = {col: float(x[col]) * scale for col in cols}
        share = {col: math.floor(value + 1e-6) for col, value in exact.items()}
        target = min(round(sum(exact.values())), round(order.quantity * scale))
        for col in sorted(cols, key=lambda c: exact[c] - share[c], reverse=True)[
            : max(target - sum(share.values()), 0)
        ]:
            share[col] += 1
        for col in cols:
            supply = supplies[pairs[col][0]]
            hundredths = min(share[col], left_supply[supply.key])
            if hundredths <= 0:
                continue
            left_supply[supply.key] -= hundredths
            quantity = hundredths / scale
            result.lines.append(
                Line(order.key, supply.key, supply.member, quantity, quantity * float(costs[col]))
            )
            result.filled[order.key] = round(result.filled.get(order.key, 0.0) + quantity, _DIGITS)
