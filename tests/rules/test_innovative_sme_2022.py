"""innovative-sme-2022 (工信部企业〔2022〕63号 附件1) against the worked example, band edges,
direct conditions, properties and a row-by-row oracle in Fractions."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from countyworks.rules.gap import apply_gap
from countyworks.rules.innovative_sme_2022 import RULESET as INNO

from .conftest import codes, evaluate, one

BASE = {
    "id": "I1",
    "is_sme": True,
    "abnormal_listed": False,
    "prohibited_industry": False,
    "major_incident": False,
    "ip_class1": 1,
    "ip_class1_own": 1,
    "ip_class1_high_value": 0,
    "ip_class2": 0,
    "rd_expense": 150,
    "revenue": 4000,
    "main_revenue": 3600,
    "main_revenue_prev": 3200,
    "total_assets": 4000,
    "total_liabilities": 2400,
    "strategic_emerging": True,
}


def test_worked_example():
    r = one(INNO, BASE)
    assert [r[f"pts_{n}"] for n in ("ip", "rd", "growth", "debt", "field", "main_share")] == [
        15,
        15,
        15,
        5,
        10,
        20,
    ]
    assert (r["score"], r["qualified"], r["direct"], r["failed_conditions"]) == (80, True, False, "")


def test_growth_exactly_zero_and_debt_exactly_55():
    assert one(INNO, BASE, main_revenue_prev=3600)["pts_growth"] == 5
    assert one(INNO, BASE, total_liabilities=2200)["pts_debt"] == 10


@pytest.mark.parametrize(
    ("changes", "points"),
    [
        ({"ip_class1_high_value": 1}, 20),
        ({"ip_class1_own": 1}, 15),
        ({"ip_class1_own": 0}, 10),
        ({"ip_class1": 0, "ip_class1_own": 0, "ip_class2": 1}, 5),
        ({"ip_class1": 0, "ip_class1_own": 0, "ip_class2": 0}, 0),
    ],
)
def test_ip_points(changes, points):
    assert one(INNO, BASE, **changes)["pts_ip"] == points


@pytest.mark.parametrize(("pct", "points", "below"), [(5, 20, 15), (3, 15, 10), (2, 10, 5), (1, 5, 0)])
def test_rd_edges(pct, points, below):
    assert one(INNO, BASE, rd_expense=40 * pct)["pts_rd"] == points
    assert one(INNO, BASE, rd_expense=40 * pct - 0.0001)["pts_rd"] == below


@pytest.mark.parametrize(("pct", "points", "below"), [(15, 20, 15), (10, 15, 10), (5, 10, 5), (0, 5, 0)])
def test_growth_edges(pct, points, below):
    main = 3200 * (100 + pct) / 100
    assert one(INNO, BASE, main_revenue=main)["pts_growth"] == points
    assert one(INNO, BASE, main_revenue=main - 0.0001)["pts_growth"] == below


def test_previous_year_of_zero():
    assert one(INNO, BASE, main_revenue_prev=0)["pts_growth"] == 20
    assert one(INNO, BASE, main_revenue_prev=0, main_revenue=0)["pts_growth"] == 0


@pytest.mark.parametrize(("pct", "points", "above"), [(55, 10, 5), (75, 5, 0)])
def test_debt_edges(pct, points, above):
    assert one(INNO, BASE, total_liabilities=40 * pct)["pts_debt"] == points
    assert one(INNO, BASE, total_liabilities=40 * pct + 0.0001)["pts_debt"] == above


def test_zero_assets_give_zero_debt_points():
    assert one(INNO, BASE, total_assets=0, total_liabilities=0)["pts_debt"] == 0


@pytest.mark.parametrize(("pct", "points", "below"), [(70, 20, 15), (60, 15, 10), (55, 10, 5), (50, 5, 0)])
def test_main_share_edges(pct, points, below):
    main = 4000 * pct / 100
    row = {**BASE, "main_revenue_prev": main}
    assert one(INNO, row, main_revenue=main)["pts_main_share"] == points
    assert one(INNO, row, main_revenue=main - 0.0001)["pts_main_share"] == below


def test_field_points():
    assert one(INNO, BASE, strategic_emerging=False)["pts_field"] == 5


def test_group_minimums():
    # innovation 0 + 5 = 5 < 20
    r = one(INNO, BASE, ip_class1=0, ip_class1_own=0, rd_expense=40)
    assert "c_group_innovation" in codes(r)
    r = one(INNO, BASE, main_revenue_prev=3600, total_liabilities=3200)  # growth 5 + 0
    assert codes(r) == ["c_group_growth"]


@pytest.mark.parametrize(
    "direct",
    [
        {"sci_award_3y": True},
        {"honour_valid": "是"},
        {"provincial_rd_institution": "yes"},
        {"equity_financing_3y": 500},
    ],
)
def test_direct_conditions_override_the_score(direct):
    weak = {**BASE, "ip_class1": 0, "ip_class1_own": 0, "rd_expense": 0, "strategic_emerging": False}
    assert not one(INNO, weak)["qualified"]
    r = one(INNO, weak, **direct)
    assert (r["qualified"], r["direct"], r["failed_conditions"]) == (True, True, "")


def test_equity_just_below_500_is_not_direct():
    assert not one(INNO, BASE, equity_financing_3y=499.9999)["direct"]


def test_basic_conditions_block_the_direct_path():
    r = one(INNO, BASE, sci_award_3y=True, is_sme=False)
    assert (r["qualified"], r["direct"], codes(r)) == (False, False, ["b_sme"])


def test_gap_reaches_the_score_and_group_minimums():
    row = {**BASE, "ip_class1": 0, "ip_class1_own": 0, "rd_expense": 40}
    items = INNO.gap_items(row)
    assert INNO.result(apply_gap(row, items))["qualified"]
    assert INNO.gap(row)[len(items)].startswith("调整后：总分")


# --- oracle and properties -------------------------------------------------------------------


def _band(value, bands):
    return next((p for t, p in bands if value >= t), 0)


def oracle(row):
    n = {k: F(str(v)) for k, v in row.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    ip_bands = (("ip_class1_high_value", 20), ("ip_class1_own", 15), ("ip_class1", 10), ("ip_class2", 5))
    ip = next((p for k, p in ip_bands if n[k] >= 1), 0)
    rd = (
        _band(
            n["rd_expense"] / n["revenue"],
            [(F(5, 100), 20), (F(3, 100), 15), (F(2, 100), 10), (F(1, 100), 5)],
        )
        if n["revenue"]
        else 0
    )
    if n["main_revenue_prev"]:
        growth = _band(
            n["main_revenue"] / n["main_revenue_prev"] - 1,
            [(F(15, 100), 20), (F(1, 10), 15), (F(5, 100), 10), (0, 5)],
        )
    else:
        growth = 20 if n["main_revenue"] > 0 else 0
    debt = 0
    if n["total_assets"]:
        ratio = n["total_liabilities"] / n["total_assets"]
        debt = 10 if ratio <= F(55, 100) else 5 if ratio <= F(75, 100) else 0
    field = 10 if row["strategic_emerging"] else 5
    share = (
        _band(
            n["main_revenue"] / n["revenue"],
            [(F(7, 10), 20), (F(6, 10), 15), (F(55, 100), 10), (F(5, 10), 5)],
        )
        if n["revenue"]
        else 0
    )
    score = ip + rd + growth + debt + field + share
    direct = (
        row.get("sci_award_3y")
        or row.get("honour_valid")
        or row.get("provincial_rd_institution")
        or n.get("equity_financing_3y", 0) >= 500
    )
    basic = {
        "b_sme": row["is_sme"],
        "b_compliance": not (row["abnormal_listed"] or row["prohibited_industry"] or row["major_incident"]),
    }
    path = {
        "c_score": score >= 60,
        "c_group_innovation": ip + rd >= 20,
        "c_group_growth": growth + debt >= 15,
        "c_group_specialisation": field + share >= 15,
    }
    failed = [c for c, ok in basic.items() if not ok] + (
        [] if direct else [c for c, ok in path.items() if not ok]
    )
    return {
        "score": score,
        "qualified": not failed,
        "direct": not failed and bool(direct),
        "failed_conditions": ";".join(failed),
    }


money = st.integers(0, 500_000).map(lambda c: c / 100)


@st.composite
def smes(draw):
    ip1 = draw(st.integers(0, 3))
    revenue = draw(money)
    return {
        "id": "R",
        **{
            k: draw(st.sampled_from([True, False, False, False]))
            for k in (
                "abnormal_listed",
                "prohibited_industry",
                "major_incident",
                "sci_award_3y",
                "honour_valid",
                "provincial_rd_institution",
            )
        },
        "is_sme": draw(st.sampled_from([True, True, True, False])),
        "ip_class1": ip1,
        "ip_class1_own": draw(st.integers(0, ip1)),
        "ip_class1_high_value": draw(st.integers(0, ip1)),
        "ip_class2": draw(st.integers(0, 3)),
        "rd_expense": draw(money),
        "revenue": revenue,
        "main_revenue": float(F(str(revenue)) * draw(st.integers(0, 100)) / 100),
        "main_revenue_prev": draw(money),
        "total_assets": draw(money),
        "total_liabilities": draw(money),
        "strategic_emerging": draw(st.booleans()),
        "equity_financing_3y": draw(st.sampled_from([0, 499.99, 500, 800])),
    }


@settings(max_examples=80, deadline=None)
@given(st.lists(smes(), min_size=1, max_size=20))
def test_agrees_with_the_oracle(rows):
    results = evaluate(INNO, rows)
    keys = ("score", "qualified", "direct", "failed_conditions")
    assert [{k: r[k] for k in keys} for r in results] == [oracle(r) for r in rows]


@settings(max_examples=50, deadline=None)
@given(smes(), st.integers(0, 100_000))
def test_more_rd_never_lowers_the_score(row, extra):
    base, more = evaluate(INNO, [row, {**row, "rd_expense": row["rd_expense"] + extra}])
    assert 0 <= base["score"] <= 100 and more["score"] >= base["score"]
    assert more["qualified"] >= base["qualified"]
