"""Gap advice against a brute force (docs/rules/gap.md): on small generated rows of every rule
set, every combination of changes on a discrete grid of the levers is evaluated; the engine's
plan must cost no more than the cheapest qualifying grid plan, must be complete whenever some
grid plan qualifies (a reachable target is never called unreachable), and must qualify when
applied (it never proposes an impossible change).  Then the issue's cases, one by one."""

from __future__ import annotations

import random
from fractions import Fraction

import polars as pl
import pytest

from countyworks.rules.engine import RuleSet
from countyworks.rules.gap import DEFAULT_COSTS, apply_gap
from countyworks.rules.high_tech_2016 import RULESET as HT
from countyworks.rules.innovative_sme_2022 import RULESET as INNO
from countyworks.rules.little_giant_2022 import RULESET as LG
from countyworks.rules.specialized_sme_2022 import RULESET as SPEC
from countyworks.rules.tech_sme_2017 import RULESET as TECH17
from countyworks.rules.tech_sme_2022 import RULESET as TECH

from . import test_high_tech_2016, test_innovative_sme_2022, test_little_giant_2022, test_specialized_sme_2022
from .test_tech_sme_2022 import BASE as TECH_BASE

#: A lever of the cost model: (name, grid of additions, fields each addition raises, unit cost).
Lever = tuple[str, list[int], tuple[str, ...], Fraction]
C = DEFAULT_COSTS.per_field


def staff_levers(field: str, staff: int, employees: int, hires: int) -> list[Lever]:
    return [
        ("reassign", list(range(employees - staff + 1)), (field,), DEFAULT_COSTS.reassign),
        ("hire", list(range(hires + 1)), (field, "employees"), C[field]),
    ]


def brute_force(rs: RuleSet, row: dict, levers: list[Lever]) -> Fraction | None:
    """The cheapest grid plan that qualifies, or None."""
    frame = pl.DataFrame([row], strict=False)
    for name, grid, _fields, _cost in levers:
        frame = frame.join(pl.DataFrame({f"__{name}": grid}), how="cross")
    raised: dict[str, pl.Expr] = {}
    for name, _grid, fields, _cost in levers:
        for f in fields:
            raised[f] = raised.get(f, pl.col(f)) + pl.col(f"__{name}")
    cost = pl.sum_horizontal(
        pl.col(f"__{name}").cast(pl.Float64) * float(cost) for name, _g, _f, cost in levers
    )
    frame = frame.with_columns(**raised, __cost=cost)
    qualified = rs.evaluate(frame)["qualified"]
    costs = frame.filter(qualified)["__cost"]
    return None if costs.is_empty() else Fraction(costs.min()).limit_denominator(1000)


def check(rs: RuleSet, row: dict, levers: list[Lever]) -> None:
    if rs.result(row)["qualified"]:
        return
    plan = rs.gap_plan(rs.values(row), rs.result(row), DEFAULT_COSTS)
    best = brute_force(rs, row, levers)
    if plan.complete:
        assert rs.result(apply_gap(row, plan.items))["qualified"], (row, plan)
    if best is not None:
        assert plan.complete, (row, plan, best)
        assert DEFAULT_COSTS.total(plan.items) <= best, (row, plan, best)


def tech_rows(rng: random.Random, n: int) -> list[tuple[dict, list[Lever]]]:
    cases = []
    for i in range(n):
        big = i % 4 == 0
        employees = rng.randint(495, 500) if big else rng.randint(1, 20)
        staff = rng.randint(40, 50) if big else rng.randint(0, employees // 3)
        row = {
            **TECH_BASE,
            "employees": employees,
            "tech_staff": staff,
            "revenue": rng.choice([0, 50, 100]),
            "total_cost": rng.choice([0, 50, 100, 200]),
            "rd_expense": rng.randint(0, 10),
            "ip_class1": rng.choice([0, 0, 1]),
            "ip_class2": rng.randint(0, 4),
            "resident": rng.random() > 0.1,
        }
        levers = [
            *staff_levers("tech_staff", staff, employees, 6 if big else 10),
            ("rd", list(range(91)), ("rd_expense", "total_cost"), Fraction(1)),
            ("ip1", [0, 1], ("ip_class1",), C["ip_class1"]),
            ("ip2", list(range(5)), ("ip_class2",), C["ip_class2"]),
        ]
        if big:  # a full staff grid would be large: the bands need at most 30 % of 500
            levers[0] = ("reassign", list(range(0, 151 - staff)), ("tech_staff",), DEFAULT_COSTS.reassign)
            levers[2] = ("rd", list(range(0, 91, 10)), ("rd_expense", "total_cost"), Fraction(1))
        cases.append((row, levers))
    return cases


def innovative_rows(rng: random.Random, n: int) -> list[tuple[dict, list[Lever]]]:
    cases = []
    for _ in range(n):
        own = rng.choice([0, 1])
        row = {
            **test_innovative_sme_2022.BASE,
            "ip_class1": own,
            "ip_class1_own": own,
            "ip_class2": rng.choice([0, 1]),
            "rd_expense": rng.randint(0, 10),
            "revenue": 200,
            "main_revenue": rng.choice([100, 150, 180]),
            "main_revenue_prev": rng.choice([100, 150, 200]),
            "total_assets": 100,
            "total_liabilities": rng.choice([50, 60, 80]),
            "strategic_emerging": rng.choice([True, False]),
            "equity_financing_3y": rng.choice([0, 300, 450]),
        }
        cases.append(
            (
                row,
                [
                    ("hv", [0, 1], ("ip_class1_high_value", "ip_class1"), C["ip_class1_high_value"]),
                    ("own", [0, 1], ("ip_class1_own", "ip_class1"), C["ip_class1_own"]),
                    ("ip1", [0, 1], ("ip_class1",), C["ip_class1"]),
                    ("ip2", [0, 1], ("ip_class2",), C["ip_class2"]),
                    ("rd", list(range(11)), ("rd_expense",), Fraction(1)),
                    ("equity", list(range(0, 501, 50)), ("equity_financing_3y",), C["equity_financing_3y"]),
                ],
            )
        )
    return cases


def specialized_rows(rng: random.Random, n: int) -> list[tuple[dict, list[Lever]]]:
    cases = []
    for _ in range(n):
        employees = rng.randint(5, 20)
        staff = rng.randint(0, employees // 4)
        row = {
            **test_specialized_sme_2022.BASE,
            "rd_expense": rng.choice([0, 50, 80, 150]),
            "rd_expense_prev": rng.choice([100, 150, 900]),
            "revenue": rng.choice([1000, 2000]),
            "main_revenue_y3": 900,
            "employees": employees,
            "rd_staff": staff,
            "local_pts": rng.choice([0, 5, 10]),
            "rd_institution": rng.choice(["none", "municipal", "provincial"]),
            "chain_role": rng.choice(["none", "basic"]),
            "ip_class1": 0,
            "ip_class1_own": 0,
            "ip_class2": rng.choice([0, 1]),
            "equity_financing_2y": rng.choice([0, 1000, 5500]),
            "niche_years": rng.choice([1, 2, 5]),
        }
        cases.append(
            (
                row,
                [
                    *staff_levers("rd_staff", staff, employees, 4),
                    ("hv", [0, 1], ("ip_class1_high_value", "ip_class1"), C["ip_class1_high_value"]),
                    ("ip2", [0, 1], ("ip_class2",), C["ip_class2"]),
                    ("rd", list(range(0, 2001, 10)), ("rd_expense",), Fraction(1)),
                    ("equity", list(range(0, 6001, 500)), ("equity_financing_2y",), C["equity_financing_2y"]),
                ],
            )
        )
    return cases


def high_tech_rows(rng: random.Random, n: int) -> list[tuple[dict, list[Lever]]]:
    cases = []
    for _ in range(n):
        employees = rng.randint(5, 30)
        staff = rng.randint(0, employees // 5)
        rd = [rng.randint(0, 20) for _ in range(3)]
        row = {
            **test_high_tech_2016.BASE,
            "employees": employees,
            "tech_staff": staff,
            "revenue_y1": 200,
            "revenue_y2": 300,
            "revenue_y3": 400,
            "rd_y1": rd[0],
            "rd_y2": rd[1],
            "rd_y3": rd[2],
            "rd_domestic": rng.randint(0, sum(rd)),
            "total_income": 100,
            "hightech_income": rng.choice([20, 50, 70]),
            "core_ip_owned": rng.random() > 0.1,
        }
        cases.append(
            (
                row,
                [
                    *staff_levers("tech_staff", staff, employees, 5),
                    ("rd", list(range(61)), ("rd_y3", "rd_domestic"), Fraction(1)),
                    ("income", list(range(0, 201, 5)), ("hightech_income", "total_income"), Fraction(1)),
                ],
            )
        )
    return cases


def little_giant_rows(rng: random.Random, n: int) -> list[tuple[dict, list[Lever]]]:
    cases = []
    for _ in range(n):
        employees = rng.randint(2, 10)
        staff = rng.randint(0, employees)
        row = {
            **test_little_giant_2022.BASE,
            **test_little_giant_2022.SMALL,
            "employees": employees,
            "rd_staff": staff,
            "rd_total_2y": rng.choice([500, 2000, 3000]),
            "equity_financing_2y": rng.choice([0, 4000, 8000]),
            "ip_class1_applied": rng.randint(0, 2),
            "priority_field": rng.random() > 0.2,
        }
        cases.append(
            (
                row,
                [
                    *staff_levers("rd_staff", staff, employees, 10),
                    ("ip", [0, 1, 2], ("ip_class1_applied",), C["ip_class1_applied"]),
                    ("rd", list(range(0, 3001, 100)), ("rd_total_2y",), Fraction(1)),
                    ("equity", list(range(0, 8001, 500)), ("equity_financing_2y",), C["equity_financing_2y"]),
                ],
            )
        )
    return cases


@pytest.mark.parametrize(
    ("ruleset", "cases"),
    [
        (TECH, tech_rows),
        (TECH17, tech_rows),
        (INNO, innovative_rows),
        (SPEC, specialized_rows),
        (HT, high_tech_rows),
        (LG, little_giant_rows),
    ],
    ids=lambda x: getattr(x, "code", ""),
)
def test_engine_plan_is_the_cheapest_grid_plan(ruleset, cases):
    rng = random.Random(ruleset.code)
    for row, levers in cases(rng, 12):
        check(ruleset, row, levers)


# --- the cases -------------------------------------------------------------------------


def test_specialized_rd_mean_route_and_the_c2_item_survive():
    """rd 80, rd_prev 150, score 25: raising R&D to 1850 qualifies through the two-year mean."""
    row = {
        **test_specialized_sme_2022.BASE,
        "rd_expense": 80,
        "rd_expense_prev": 150,
        "local_pts": 0,
        "rd_institution": "none",
        "chain_role": "none",
        "digital_level": 1,
        "iso9001": False,
        "own_brand": False,
        "net_profit": 0,
        "ip_class1": 0,
        "ip_class1_own": 0,
    }
    assert (SPEC.result(row)["score"], SPEC.result(row)["failed_conditions"]) == (25, "c2_rd;c4_score")
    plan = SPEC.gap_plan(SPEC.values(row), SPEC.result(row), DEFAULT_COSTS)
    routes = {p.route: p for p in (plan, *plan.alternatives)}
    mean = routes["直接认定：近两年研发费用平均1000万元以上"]
    assert mean.complete and [(i.field, i.required) for i in mean.items] == [("rd_expense", 1850)]
    assert SPEC.result(apply_gap(row, mean.items))["qualified"]
    assert plan.complete and SPEC.result(apply_gap(row, plan.items))["qualified"]
    # every route keeps (二): at least 3 % of revenue 6000 = 180
    assert all(any(i.field == "rd_expense" and i.required >= 180 for i in p.items) for p in routes.values())
    assert not any("研发费用不低于100万元" in line and "无法" in line for line in SPEC.gap(row))


def test_innovative_unreachable_growth_does_not_block_the_score_items():
    row = {
        **test_innovative_sme_2022.BASE,
        "ip_class1": 0,
        "ip_class1_own": 0,
        "rd_expense": 0,
        "main_revenue_prev": 4000,  # growth −10 %: 0
        "total_liabilities": 2000,  # 50 %: 10
    }
    result = INNO.result(row)
    assert result["score"] == 40 and result["failed_conditions"] == (
        "c_score;c_group_innovation;c_group_growth"
    )
    plan = INNO.gap_plan(INNO.values(row), result, DEFAULT_COSTS)
    score = next(p for p in (plan, *plan.alternatives) if p.route == "评价得分")
    assert score.blockers == ("成长性得分不低于15分",)
    after = INNO.result(apply_gap(row, score.items))
    assert after["score"] >= 60 and after["failed_conditions"] == "c_group_growth"
    lines = INNO.gap(row)
    assert not any(("60分" in line or "创新能力" in line) and "无法" in line for line in lines)


def test_innovative_equity_direct_route_is_proposed():
    """The issue's case: equity 450 → 500 qualifies directly; the plan proposed a Ⅰ类 patent."""
    row = {**test_innovative_sme_2022.BASE, "ip_class1": 0, "ip_class1_own": 0, "ip_class2": 1}
    row |= {"rd_expense": 40, "equity_financing_3y": 450}  # 创新能力 5 + 5 = 10 < 20
    assert INNO.result(row)["failed_conditions"] == "c_group_innovation"
    (item,) = INNO.gap_items(row)
    assert (item.field, item.delta, item.kind) == ("equity_financing_3y", 50, "direct")
    assert INNO.gap(row)[0] == "近三年新增股权融资需再增加 50 万元（直接认定途径）"
    assert INNO.gap(row)[2].startswith("另一途径（评价得分）")
