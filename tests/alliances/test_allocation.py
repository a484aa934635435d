"""The allocation LP against brute force on small cases, and its flags."""

from __future__ import annotations

import itertools
import math
import random
from datetime import date

import pytest

from countyworks.alliances.allocation import Order, Supply, allocate, eligible, unit_cost

D1, D2, D3, D4 = date(2023, 6, 1), date(2023, 6, 30), date(2023, 7, 1), date(2023, 7, 31)


def _brute(orders: list[Order], supplies: list[Supply]) -> tuple[int, float]:
    """Every integer allocation: the largest fill, then the least cost at that fill."""
    pairs = [(s, o) for s in supplies for o in orders if eligible(s, o)]
    best = (0, 0.0)
    ranges = [range(int(min(s.quantity, o.quantity)) + 1) for s, o in pairs]
    for amounts in itertools.product(*ranges):
        used_s: dict[str, int] = {}
        used_o: dict[str, int] = {}
        for (s, o), q in zip(pairs, amounts, strict=True):
            used_s[s.key] = used_s.get(s.key, 0) + q
            used_o[o.key] = used_o.get(o.key, 0) + q
        if any(used_s[s.key] > s.quantity for s in supplies if s.key in used_s):
            continue
        if any(used_o[o.key] > o.quantity for o in orders if o.key in used_o):
            continue
        fill = sum(amounts)
        cost = sum(q * unit_cost(s, o) for (s, o), q in zip(pairs, amounts, strict=True))
        if fill > best[0] or (fill == best[0] and cost < best[1] - 1e-9):
            best = (fill, cost)
    return best


def _random_case(rng: random.Random) -> tuple[list[Order], list[Supply]]:
    orders = [
        Order(
            f"o{i}",
            "fish",
            rng.randint(0, 2),
            rng.randint(1, 4),
            *rng.choice([(D1, D2), (D3, D4), (D1, D4)]),
            x_km=rng.randint(0, 9),
            y_km=rng.randint(0, 9),
            freight_per_km=1.0,
        )
        for i in range(2)
    ]
    supplies = [
        Supply(
            f"s{i}",
            f"m{i}",
            "fish",
            rng.randint(0, 2),
            rng.randint(0, 3),
            *rng.choice([(D1, D2), (D3, D4)]),
            x_km=rng.randint(0, 9),
            y_km=rng.randint(0, 9),
        )
        for i in range(3)
    ]
    return orders, supplies


@pytest.mark.parametrize("seed", range(40))
def test_lp_matches_brute_force(seed: int) -> None:
    orders, supplies = _random_case(random.Random(seed))
    result = allocate(orders, supplies)
    fill, cost = _brute(orders, supplies)
    assert result.filled_total == pytest.approx(fill)
    assert result.cost == pytest.approx(cost, abs=1e-6)


def test_grade_and_window_and_capacity_respected() -> None:
    orders = [
        Order("A", "fish", 1, 10, D1, D2, freight_per_km=1),
        Order("B", "fish", 0, 5, D1, D2, freight_per_km=1),
    ]
    supplies = [
        Supply("best", "m1", "fish", 0, 6, D1, D2, x_km=10),
        Supply("first", "m2", "fish", 1, 8, D1, D2, x_km=1),
        Supply("late", "m3", "fish", 0, 50, D3, D4),
    ]
    result = allocate(orders, supplies)
    got = {(line.order, line.supply): line.quantity for line in result.lines}
    # B needs 特级: only "best" qualifies; A takes the near "first" and the rest of "best".
    assert got == {("B", "best"): 5, ("A", "first"): 8, ("A", "best"): 1}
    assert result.filled == {"A": 9, "B": 5}
    assert result.flags["A"][0].startswith("only 9 of 10")
    assert result.cost == pytest.approx(5 * 10 + 8 * 1 + 1 * 10)


def test_unfillable_orders_are_flagged_with_the_reason() -> None:
    orders = [
        Order("none", "eel", 1, 1, D1, D2),
        Order("grade", "fish", 0, 1, D1, D2),
        Order("window", "fish", 2, 1, D3, D4),
    ]
    supplies = [Supply("s", "m", "fish", 1, 5, D1, D2)]
    flags = allocate(orders, supplies).flags
    assert flags["none"][0] == "no member makes eel"
    assert flags["grade"][0] == "no member supplies fish at this grade or better"
    assert flags["window"][0] == "no member's supply falls in the delivery window"


def test_fair_share_leaves_no_member_out() -> None:
    """Demand 10 over two members of 10 each: least cost takes all from the near one; fair share 5 + 5."""
    orders = [Order("A", "fish", 1, 10, D1, D2, freight_per_km=1)]
    supplies = [
        Supply("near", "m1", "fish", 1, 10, D1, D2, x_km=1),
        Supply("far", "m2", "fish", 1, 10, D1, D2, x_km=3),
    ]
    plain = {line.member: line.quantity for line in allocate(orders, supplies).lines}
    fair = allocate(orders, supplies, fair_share=True)
    assert plain == {"m1": 10}
    assert {line.member: line.quantity for line in fair.lines} == {"m1": 5, "m2": 5}
    assert fair.fair_share["fish"] == pytest.approx(0.5)
    assert fair.filled_share == 1.0


def test_local_supporting_never_matches_a_member_with_itself() -> None:
    need = Order("need", "feed", 1, 4, D1, D2, member="m1")
    supplies = [
        Supply("own", "m1", "feed", 1, 9, D1, D2),
        Supply("other", "m2", "feed", 1, 3, D1, D2, x_km=5),
    ]
    result = allocate([need], supplies)
    assert [(line.supply, line.quantity) for line in result.lines] == [("other", 3)]
    assert math.isclose(result.filled_share, 0.75)
