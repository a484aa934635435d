"""tech-sme-2022 (国科发区〔2022〕67号) against the spec's worked examples, band edges,
properties and the row-by-row implementation of bench/tech_sme_rowwise.py."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest
import tech_sme_rowwise
from hypothesis import given, settings
from hypothesis import strategies as st

from countyworks.rules.engine import apply_gap
from countyworks.rules.tech_sme_2022 import RULESET as TECH

from .conftest import codes, evaluate, one

#: The spec's worked examples: employees 100, revenue 3000, total_assets 2500, total_cost 2600.
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
    (5, 10, {"ip_class2": 2, "led_standard": True, "major_incident": True}, (0, 0, 12), False, False, ["c4_compliance"]),
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


@pytest.mark.parametrize(("threshold", "points", "below"), [(30, 20, 16), (25, 16, 12), (20, 12, 8), (15, 8, 4), (10, 4, 0)])
def test_staff_band_edges(threshold, points, below):
    assert one(TECH, BASE, tech_staff=threshold)["pts_tech_staff"] == points
    assert one(TECH, BASE, tech_staff=threshold - 1)["pts_tech_staff"] == below


@pytest.mark.parametrize(("percent", "points", "below"), [(6, 50, 40), (5, 40, 30), (4, 30, 20), (3, 20, 10), (2, 10, 0)])
def test_rd_revenue_band_edges_are_exact(percent, points, below):
    rd = 3000 * percent / 100  # 180, 150, …: exactly on the edge
    high_cost = {"total_cost": 100_000}  # keeps the cost ratio out of the way
    assert one(TECH, BASE, rd_expense=rd, **high_cost)["pts_rd"] == points
    assert one(TECH, BASE, rd_expense=rd - 0.0001, **high_cost)["pts_rd"] == below


def test_thirty_of_five_hundred_is_six_percent():
    assert one(TECH, BASE, revenue=500, rd_expense=30, total_cost=100_000)["pts_rd"] == 50
    assert one(TECH, BASE, revenue=0.5, rd_expense=0.03, total_cost=100_000)["pts_rd"] == 50


@pytest.mark.parametrize(("percent", "points", "below"), [(30, 50, 40), (25, 40, 30), (20, 30, 20), (15, 20, 10), (10, 10, 0)])
def test_rd_cost_band_edges(percent, points, below):
    rd = 2000 * percent / 100
    assert one(TECH, BASE, revenue=0, total_cost=2000, rd_expense=rd)["pts_rd"] == points
    assert one(TECH, BASE, revenue=0, total_cost=2000, rd_expense=rd - 0.0001)["pts_rd"] == below


def test_rd_takes_the_better_ratio():
    # 3 % of revenue (20) but 30 % of cost (50)
    assert one(TECH, BASE, revenue=3000, total_cost=300, rd_expense=90)["pts_rd"] == 50


def test_zero_denominators_give_zero_rd_points():
    assert one(TECH, BASE, revenue=0, total_cost=0, rd_expense=50)["pts_rd"] == 0


@pytest.mark.parametrize(("ip1", "ip2", "points"), [(1, 0, 30), (2, 9, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)])
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
    assert codes(result) == [{"resident": "c1_resident", "prohibited_industry": "c3_industry"}.get(flag, "c4_compliance")]


def test_score_exactly_sixty_passes_and_fifty_nine_fails():
    assert one(TECH, BASE, tech_staff=10, rd_expense=180, ip_class2=1)["qualified"]  # 4 + 50 + 6
    assert codes(one(TECH, BASE, tech_staff=30, rd_expense=60, ip_class2=4)) == []  # 20 + 10 + 24 = 54?
