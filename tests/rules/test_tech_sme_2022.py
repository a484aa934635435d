"""tech-sme-2022 (国科发区〔2022〕67号) against the worked examples of docs/rules/tech-sme-2022.md §7, band edges,
properties and the row-by-row implementation of bench/tech_sme_rowwise.py."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tech_sme_rowwise
from countyworks.rules.gap import DEFAULT_COSTS, Costs, apply_gap
from countyworks.rules.tech_sme_2022 import RULESET as TECH

from .conftest import codes, evaluate, one

#: The worked examples of docs/rules/tech-sme-2022.md §7: employees 100, revenue 3000, total_assets 2500, total_cost 2600.
BASE = {
    "id": "E1",
    "employees": 100,
    "tech_staff": 25,
    "revenue": 3000,
    "total_assets": 2500,
    "rd_expense": 120,
    "total_cost": 2600,
    "ip_class1": 0,
    "ip_class2": 3,
    "resident": True,
    "prohibited_industry": False,
    "major_incident": False,
    "abnormal_listed": False,
}

EXAMPLES = [
    # tech_staff, rd, changes, (staff, rd, ip), qualified, direct, failed
    (25, 120, {"ip_class2": 3}, (16, 30, 18), True, False, []),
    (10, 180, {"ip_class2": 1}, (4, 50, 6), True, False, []),
    (9, 180, {"ip_class1": 1, "ip_class2": 0}, (0, 50, 30), False, False, ["c5_staff_zero"]),
    (12, 90, {"ip_class2": 4}, (4, 20, 24), False, False, ["c5_score"]),
    (5, 10, {"ip_class2": 2, "high_tech_cert": True}, (0, 0, 12), True, True, []),
    (
        5,
        10,
        {"ip_class2": 2, "led_standard": True, "major_incident": True},
        (0, 0, 12),
        False,
        False,
        ["c4_compliance"],
    ),
]


@pytest.mark.parametrize(("staff", "rd", "changes", "points", "qualified", "direct", "failed"), EXAMPLES)
def test_worked_examples(staff, rd, changes, points, qualified, direct, failed):
    result = one(TECH, BASE, tech_staff=staff, rd_expense=rd, **changes)
    assert (result["pts_tech_staff"], result["pts_rd"], result["pts_ip"]) == points
    assert result["score"] == sum(points)
    assert (result["qualified"], result["direct"], codes(result)) == (qualified, direct, failed)


def test_zero_revenue_uses_the_cost_ratio_alone():
    result = one(TECH, BASE, revenue=0, rd_expense=60, total_cost=200)
    assert result["pts_rd"] == 50


def test_direct_flag_lists_c4_but_not_c5_when_compliance_fails():
    """Spec's last example: a direct flag stands in for C5, not for C1–C4."""
    result = one(TECH, BASE, tech_staff=5, rd_expense=10, ip_class2=2, led_standard=True, major_incident=True)
    assert result["failed_conditions"] == "c4_compliance"
    without_flag = one(TECH, BASE, tech_staff=5, rd_expense=10, ip_class2=2, major_incident=True)
    assert without_flag["failed_conditions"] == "c4_compliance;c5_score;c5_staff_zero"


@pytest.mark.parametrize(
    ("threshold", "points", "below"), [(30, 20, 16), (25, 16, 12), (20, 12, 8), (15, 8, 4), (10, 4, 0)]
)
def test_staff_band_edges(threshold, points, below):
    assert one(TECH, BASE, tech_staff=threshold)["pts_tech_staff"] == points
    assert one(TECH, BASE, tech_staff=threshold - 1)["pts_tech_staff"] == below


@pytest.mark.parametrize(
    ("percent", "points", "below"), [(6, 50, 40), (5, 40, 30), (4, 30, 20), (3, 20, 10), (2, 10, 0)]
)
def test_rd_revenue_band_edges_are_exact(percent, points, below):
    rd = 3000 * percent / 100  # 180, 150, …: exactly on the edge
    high_cost = {"total_cost": 100_000}  # keeps the cost ratio out of the way
    assert one(TECH, BASE, rd_expense=rd, **high_cost)["pts_rd"] == points
    assert one(TECH, BASE, rd_expense=rd - 0.0001, **high_cost)["pts_rd"] == below


def test_thirty_of_five_hundred_is_six_percent():
    assert one(TECH, BASE, revenue=500, rd_expense=30, total_cost=100_000)["pts_rd"] == 50
    assert one(TECH, BASE, revenue=0.5, rd_expense=0.03, total_cost=100_000)["pts_rd"] == 50


@pytest.mark.parametrize(
    ("percent", "points", "below"), [(30, 50, 40), (25, 40, 30), (20, 30, 20), (15, 20, 10), (10, 10, 0)]
)
def test_rd_cost_band_edges(percent, points, below):
    rd = 2000 * percent / 100
    assert one(TECH, BASE, revenue=0, total_cost=2000, rd_expense=rd)["pts_rd"] == points
    assert one(TECH, BASE, revenue=0, total_cost=2000, rd_expense=rd - 0.0001)["pts_rd"] == below


def test_rd_takes_the_better_ratio():
    # 3 % of revenue (20) but 30 % of cost (50)
    assert one(TECH, BASE, revenue=3000, total_cost=300, rd_expense=90)["pts_rd"] == 50


def test_zero_denominators_give_zero_rd_points():
    assert one(TECH, BASE, revenue=0, total_cost=0, rd_expense=50)["pts_rd"] == 0


@pytest.mark.parametrize(
    ("ip1", "ip2", "points"),
    [(1, 0, 30), (2, 9, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_ip_bands(ip1, ip2, points):
    assert one(TECH, BASE, ip_class1=ip1, ip_class2=ip2)["pts_ip"] == points


@pytest.mark.parametrize(
    ("changes", "ok"),
    [
        ({"employees": 500, "tech_staff": 125}, True),
        ({"employees": 501, "tech_staff": 126}, False),
        ({"revenue": 20000, "rd_expense": 1200}, True),
        ({"revenue": 20000.0001, "rd_expense": 1200}, False),
        ({"total_assets": 20000}, True),
        ({"total_assets": 20000.0001}, False),
    ],
)
def test_size_condition_edges(changes, ok):
    assert ("c2_size" not in codes(one(TECH, BASE, **changes))) is ok


@pytest.mark.parametrize("flag", ["resident", "prohibited_industry", "major_incident", "abnormal_listed"])
def test_each_basic_condition_blocks(flag):
    result = one(TECH, BASE, **{flag: flag != "resident"})
    assert not result["qualified"]
    assert codes(result) == [
        {"resident": "c1_resident", "prohibited_industry": "c3_industry"}.get(flag, "c4_compliance")
    ]


def test_score_sixty_passes_and_fifty_eight_fails():
    assert one(TECH, BASE, tech_staff=10, rd_expense=180, ip_class2=1)["qualified"]  # 4 + 50 + 6
    below = one(TECH, BASE, tech_staff=15, rd_expense=180, ip_class2=0)  # 8 + 50 + 0
    assert (below["score"], codes(below)) == (58, ["c5_score"])


# --- properties and agreement with the row-by-row implementation ---------------------------

amounts = st.integers(0, 3_000_000).map(lambda cents: cents / 100)


@st.composite
def enterprises(draw):
    employees = draw(st.integers(1, 700))
    return {
        "id": "R",
        "employees": employees,
        "tech_staff": draw(st.integers(0, employees)),
        "revenue": draw(amounts),
        "total_assets": draw(amounts),
        "rd_expense": draw(st.integers(0, 300_000).map(lambda c: c / 100)),
        "total_cost": draw(amounts),
        "ip_class1": draw(st.integers(0, 2)),
        "ip_class2": draw(st.integers(0, 6)),
        **{
            flag: draw(st.booleans())
            for flag in ("resident", "prohibited_industry", "major_incident", "abnormal_listed")
        },
        **{
            flag: draw(st.sampled_from([False, False, False, True]))
            for flag in ("high_tech_cert", "national_award_top3", "provincial_rd_institution", "led_standard")
        },
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(enterprises(), min_size=1, max_size=40))
def test_agrees_with_row_by_row(rows):
    assert evaluate(TECH, rows) == [tech_sme_rowwise.evaluate_row(r) for r in rows]


def test_agrees_with_row_by_row_on_synthetic_edges():
    from bench_tech_sme import synthetic

    frame = synthetic(20_000, seed=7)
    expected = pl.DataFrame(list(tech_sme_rowwise.evaluate_rows(frame.iter_rows(named=True))))
    assert TECH.evaluate(frame).equals(expected)


@settings(max_examples=60, deadline=None)
@given(enterprises(), st.integers(0, 100_000).map(lambda c: c / 100), st.integers(0, 50))
def test_more_rd_or_staff_never_lowers_the_score(row, extra_rd, extra_staff):
    staff = min(row["tech_staff"] + extra_staff, row["employees"])
    base, more_rd, more_staff = evaluate(
        TECH, [row, {**row, "rd_expense": row["rd_expense"] + extra_rd}, {**row, "tech_staff": staff}]
    )
    assert more_rd["score"] >= base["score"] and more_staff["score"] >= base["score"]
    assert more_rd["qualified"] >= base["qualified"] and more_staff["qualified"] >= base["qualified"]
    assert 0 <= base["score"] <= 100


# --- gap, explain ----------------------------------------------------------------------------


def test_gap_for_the_fifty_eight_point_example():
    row = {**BASE, "tech_staff": 12, "rd_expense": 90, "ip_class2": 4}  # 4 + 20 + 24 = 48
    items = TECH.gap_items(row)
    # moving 8 employees into R&D (8 × 2) and one Ⅰ类 right (5) beat 30 万元 of R&D and the right
    assert [(i.field, i.delta, i.kind) for i in items] == [
        ("tech_staff", 8, "reassign"),
        ("ip_class1", 1, "increase"),
    ]
    assert TECH.gap(row) == [
        "科技人员数需再增加 8 人（由现有职工转岗，职工总数不变）",
        "Ⅰ类知识产权数需再增加 1 项",
        "调整后：总分 62 分，符合条件",
    ]
    no_staff = Costs(
        reassign=Fraction(1000), per_field={**DEFAULT_COSTS.per_field, "tech_staff": Fraction(1000)}
    )
    items = TECH.gap_items(row, no_staff)
    assert [(i.field, i.delta) for i in items] == [("rd_expense", 30), ("ip_class1", 1)]
    assert items[0].to_dict() == {
        "field": "rd_expense",
        "label": "研发费用总额",
        "unit": "万元",
        "current": "90",
        "required": "120",
        "delta": "30",
        "also": ["total_cost"],
        "kind": "increase",
        "message": "研发费用总额需再增加 30 万元",
    }


def test_gap_reassigns_or_hires_staff():
    row = {**BASE, "tech_staff": 9, "rd_expense": 180, "ip_class1": 1, "ip_class2": 0}  # staff 0 points
    (item,) = TECH.gap_items(row)
    assert (item.field, item.current, item.required, item.also, item.kind) == (
        "tech_staff",
        9,
        10,
        (),
        "reassign",
    )
    (item,) = TECH.gap_items(row, Costs(reassign=Fraction(100)))
    # hiring: 10 % of 100 + d employees needs (10 − 9)/0.9 → 2 more people: 11/102 ≥ 10 %
    assert (item.field, item.current, item.required, item.also) == ("tech_staff", 9, 11, ("employees",))


def test_a_company_of_five_hundred_reaches_ten_percent_by_reassignment():
    """Issue: 500 employees and 49 科技人员 was called unreachable (a hire breaks the limit)."""
    row = {**BASE, "employees": 500, "tech_staff": 49, "rd_expense": 180, "ip_class1": 1, "ip_class2": 0}
    assert TECH.result(row)["failed_conditions"] == "c5_staff_zero"
    assert TECH.gap(row) == [
        "科技人员数需再增加 1 人（由现有职工转岗，职工总数不变）",
        "调整后：总分 84 分，符合条件",
    ]


def test_gap_with_decimal_rd_and_costs_that_favour_money():
    row = {**BASE, "tech_staff": 12, "rd_expense": 90, "ip_class2": 4}
    money_only = Costs(
        {name: Fraction(1000) for name in ("tech_staff", "ip_class1", "ip_class2")}, Fraction(1000)
    )
    (item,) = TECH.gap_items(row, money_only)  # 4 + 40 + 24 ≥ 60: 5 % of revenue = 150
    assert (item.field, item.required) == ("rd_expense", 150)
    row = {**row, "revenue": 3001.5}
    (item,) = TECH.gap_items(row, money_only)
    assert item.required == Fraction("150.075")


def test_gap_blockers_and_qualified_rows():
    assert TECH.gap(BASE) == [] and TECH.gap_items(BASE) == []
    lines = TECH.gap({**BASE, "resident": False})
    assert lines == ["境内注册的居民企业：不满足，须先解决（无法通过增加投入达到）"]


def test_gap_never_hires_past_five_hundred_employees():
    row = {**BASE, "employees": 499, "tech_staff": 0, "rd_expense": 0, "ip_class2": 0}
    hiring_only = Costs(reassign=Fraction(10**6))
    # 10 % by hiring needs 56 new 科技人员: 555 employees breaks C2, so even when hiring is far
    # cheaper the plan moves existing employees …
    items = TECH.gap_items(row, hiring_only)
    assert [(i.field, i.kind) for i in items if i.field == "tech_staff"] == [("tech_staff", "reassign")]
    # … and no plan ever leaves more than 500 employees
    assert "c2_size" not in codes(TECH.result(apply_gap(row, TECH.gap_items(row))))
    items = TECH.gap_items({**row, "employees": 450}, Costs(reassign=Fraction(10**6)))
    assert ("tech_staff", 50) in [(i.field, i.delta) for i in items]  # 50 hires: 500 employees, within C2


@settings(max_examples=40, deadline=None)
@given(enterprises())
def test_gap_items_reach_qualification_and_are_minimal(row):
    row = {
        **row,
        "resident": True,
        "prohibited_industry": False,
        "major_incident": False,
        "abnormal_listed": False,
    }
    row = {**row, "employees": min(row["employees"], 400), "revenue": 3000, "total_assets": 2000}
    row["tech_staff"] = min(row["tech_staff"], row["employees"])
    items = TECH.gap_items(row)
    if TECH.result(row)["qualified"]:
        assert items == []
        return
    assert TECH.result(apply_gap(row, items))["qualified"]
    for item in items:  # one unit less of any change falls short
        unit = Fraction(1, 10_000) if item.unit == "万元" else Fraction(1)
        shorter = [
            i if i is not item else type(i)(**{**i.__dict__, "required": i.required - unit}) for i in items
        ]
        assert not TECH.result(apply_gap(row, shorter))["qualified"]


def test_explain_in_chinese():
    lines = TECH.explain({**BASE, "tech_staff": 12, "rd_expense": 90, "ip_class2": 4})
    assert lines[0] == "评价依据：《科技型中小企业评价办法》（国科发区〔2022〕67号）"
    assert "科技人员指标：4 分（满分 20），科技人员占职工总数 12.00%" in lines
    assert "研发投入指标：20 分（满分 50），研发费用占销售收入 3.00%；研发费用占成本费用支出 3.46%" in lines
    assert "总分：48 分" in lines
    assert lines[-1] == "结论：不符合条件，未满足 评价得分不低于60分"
    direct = TECH.explain({**BASE, "tech_staff": 5, "rd_expense": 10, "high_tech_cert": True})
    assert direct[-1] == "结论：符合条件（直接认定）"
    assert (
        "评价得分不低于60分（国科发区〔2022〕67号 第六条（五），c5_score）：不满足，但符合第八条直接确认条件，不影响结论"
        in direct
    )
