"""little-giant-2022 (工信部企业〔2022〕63号 附件3): each condition at its edge, the innovation
paths, the listing rule for c_rd/c_rd_institution/c_ip, and a row-by-row oracle."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from countyworks.rules.gap import apply_gap
from countyworks.rules.little_giant_2022 import RULESET as LG

from .conftest import codes, evaluate, one

BASE = {
    "id": "L1",
    "is_sme": True,
    "abnormal_listed": False,
    "prohibited_industry": False,
    "major_incident": False,
    "specialized_sme": True,
    "niche_years": 3,
    "revenue": 12000,
    "main_revenue_y1": 10000,
    "main_revenue_y2": 10000,
    "main_revenue_y3": 11000,
    "total_assets": 10000,
    "total_liabilities": 5000,
    "employees": 100,
    "rd_staff": 20,
    "own_brand": True,
    "rd_institution": "municipal",
    "rd_ratio_y2": 3,
    "rd_ratio_y3": 3.5,
    "rd_total_2y": 700,
    "market_share_pct": 12,
    "ip_class1_applied": 2,
    "info_system": True,
    "mgmt_certification": True,
    "key_chain_position": True,
    "priority_field": True,
}


def test_all_conditions_hold():
    r = one(LG, BASE)
    assert (r["score"], r["qualified"], r["direct"], r["failed_conditions"]) == (None, True, False, "")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"is_sme": False}, "b_sme"),
        ({"major_incident": True}, "b_compliance"),
        ({"specialized_sme": False}, "b_specialized"),
        ({"niche_years": 2}, "c_niche"),
        ({"revenue": 15714.2858}, "c_main_share"),  # 11000 / 15714.2858 < 70 % ≤ 11000 / 15714.2857
        ({"main_revenue_y3": 10999.9999}, "c_main_growth"),
        ({"info_system": False}, "c_info_system"),
        ({"mgmt_certification": False}, "c_certification"),
        ({"total_liabilities": 7000.0001}, "c_debt"),
        ({"market_share_pct": 9.9999}, "c_market_share"),
        ({"own_brand": False}, "c_brand"),
        ({"key_chain_position": False}, "c_chain"),
        ({"priority_field": False}, "c_field"),
    ],
)
def test_each_condition_fails_one_unit_beside_its_edge(changes, code):
    assert codes(one(LG, BASE, **changes)) == [code]


@pytest.mark.parametrize(
    "changes",
    [
        {"niche_years": 3},
        {"revenue": 15714.2857},
        {"main_revenue_y3": 8400, "main_revenue_y1": 7600, "main_revenue_y2": 8000},
        {"total_liabilities": 7000},
        {"market_share_pct": 10},
        {"main_revenue_y3": 11000},
    ],
)
def test_edges_hold(changes):
    assert one(LG, BASE, **changes)["qualified"]


@pytest.mark.parametrize(
    ("changes", "ok"),
    [
        (
            {"revenue": 10000, "main_revenue_y3": 10000, "main_revenue_y1": 9000, "main_revenue_y2": 9500},
            True,
        ),
        ({"rd_ratio_y2": 2.9999}, False),
        ({"rd_ratio_y3": 2.9999}, False),
        # 5000 ≤ revenue < 10000: both ratios ≥ 6 %
        (
            {"revenue": 9999.9999, "main_revenue_y3": 9000, "main_revenue_y1": 8000, "main_revenue_y2": 8500},
            False,
        ),
        (
            {
                "revenue": 5000,
                "main_revenue_y3": 4000,
                "main_revenue_y1": 3600,
                "main_revenue_y2": 3800,
                "rd_ratio_y2": 6,
                "rd_ratio_y3": 6,
            },
            True,
        ),
        (
            {
                "revenue": 5000,
                "main_revenue_y3": 4000,
                "main_revenue_y1": 3600,
                "main_revenue_y2": 3800,
                "rd_ratio_y2": 6,
                "rd_ratio_y3": 5.9999,
            },
            False,
        ),
    ],
)
def test_rd_condition_by_revenue(changes, ok):
    assert ("c_rd" not in codes(one(LG, BASE, **changes))) is ok


SMALL = {"revenue": 4999.9999, "main_revenue_y3": 4000, "main_revenue_y1": 3600, "main_revenue_y2": 3800}
SMALL_OK = {**SMALL, "equity_financing_2y": 8000, "rd_total_2y": 3000, "rd_staff": 50}


@pytest.mark.parametrize(
    ("changes", "ok"),
    [
        ({}, True),
        ({"equity_financing_2y": 7999.9999}, False),
        ({"rd_total_2y": 2999.9999}, False),
        ({"rd_staff": 49}, False),
    ],
)
def test_rd_condition_below_5000(changes, ok):
    assert ("c_rd" not in codes(one(LG, BASE, **{**SMALL_OK, **changes}))) is ok


def test_general_innovation_failures_are_listed_with_c_innovation():
    r = one(LG, BASE, ip_class1_applied=1, rd_institution="none")
    assert codes(r) == ["c_innovation", "c_rd_institution", "c_ip"]


@pytest.mark.parametrize("flag", ["national_award_top3_3y", "maker_china_top50"])
def test_innovation_direct_path(flag):
    r = one(LG, BASE, ip_class1_applied=0, rd_institution="none", rd_ratio_y3=1, **{flag: True})
    assert (r["qualified"], r["direct"], r["failed_conditions"]) == (True, True, "")
    # the direct path does not excuse the other groups
    r = one(LG, BASE, ip_class1_applied=0, own_brand=False, **{flag: True})
    assert (r["qualified"], r["direct"], codes(r)) == (False, False, ["c_brand"])


def test_direct_is_false_when_the_general_conditions_hold_anyway():
    assert not one(LG, BASE, maker_china_top50=True)["direct"]


def test_gap_for_a_small_enterprise():
    row = {**BASE, **SMALL, "ip_class1_applied": 1}
    assert LG.gap(row) == [
        "主导产品相关Ⅰ类知识产权（实际应用并产生收入）需再增加 1 项",
        "下一年度申报：近两年研发费用总额需再增加 2300 万元（往年数据，本次已无法更改）",
        "研发人员数需再增加 30 人（由现有职工转岗，职工总数不变）",
        "近两年新增股权融资需再增加 8000 万元",
        "调整后：符合条件",
    ]
    assert LG.result(apply_gap(row, LG.gap_items(row)))["qualified"]


def test_gap_blockers():
    assert LG.gap({**BASE, "priority_field": False}) == [
        "主导产品属重点领域：不满足，须先解决（无法通过增加投入达到）"
    ]


# --- oracle ----------------------------------------------------------------------------------


def oracle(row):
    n = {k: F(str(v)) for k, v in row.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    y1, y2, y3 = (n[f"main_revenue_y{y}"] for y in (1, 2, 3))
    rev = n["revenue"]
    if rev >= 10000:
        rd = n["rd_ratio_y2"] >= 3 and n["rd_ratio_y3"] >= 3
    elif rev >= 5000:
        rd = n["rd_ratio_y2"] >= 6 and n["rd_ratio_y3"] >= 6
    else:
        rd = (
            n.get("equity_financing_2y", 0) >= 8000
            and n["rd_total_2y"] >= 3000
            and F(row["rd_staff"], row["employees"]) >= F(1, 2)
        )
    general = {
        "c_rd": rd,
        "c_rd_institution": row["rd_institution"] != "none",
        "c_ip": row["ip_class1_applied"] >= 2,
    }
    innovation = all(general.values()) or row.get("national_award_top3_3y") or row.get("maker_china_top50")
    checks = {
        "b_sme": row["is_sme"],
        "b_compliance": not (row["abnormal_listed"] or row["prohibited_industry"] or row["major_incident"]),
        "b_specialized": row["specialized_sme"],
        "c_niche": row["niche_years"] >= 3,
        "c_main_share": rev > 0 and y3 / rev >= F(7, 10),
        "c_main_growth": bool(y1 and y2) and (y2 / y1 + y3 / y2 - 2) / 2 >= F(5, 100),
        "c_info_system": row["info_system"],
        "c_certification": row["mgmt_certification"],
        "c_debt": n["total_assets"] > 0 and n["total_liabilities"] / n["total_assets"] <= F(7, 10),
        "c_market_share": n["market_share_pct"] >= 10,
        "c_brand": row["own_brand"],
        "c_innovation": innovation,
        **{k: v or innovation for k, v in general.items()},
        "c_chain": row["key_chain_position"],
        "c_field": row["priority_field"],
    }
    failed = [c for c, ok in checks.items() if not ok]
    return {
        "qualified": not failed,
        "direct": not failed and not all(general.values()),
        "failed_conditions": ";".join(failed),
    }


money = st.integers(0, 3_000_000).map(lambda c: c / 100)
maybe = st.sampled_from([True, True, True, False])


@st.composite
def giants(draw):
    employees = draw(st.integers(1, 300))
    revenue = draw(money)
    return {
        "id": "R",
        **{
            k: draw(maybe)
            for k in (
                "is_sme",
                "specialized_sme",
                "own_brand",
                "info_system",
                "mgmt_certification",
                "key_chain_position",
                "priority_field",
            )
        },
        **{
            k: not draw(maybe)
            for k in (
                "abnormal_listed",
                "prohibited_industry",
                "major_incident",
                "national_award_top3_3y",
                "maker_china_top50",
            )
        },
        "niche_years": draw(st.integers(0, 10)),
        "revenue": revenue,
        "main_revenue_y1": draw(money),
        "main_revenue_y2": draw(money),
        "main_revenue_y3": float(F(str(revenue)) * draw(st.integers(50, 100)) / 100),
        "total_assets": draw(money),
        "total_liabilities": draw(money),
        "employees": employees,
        "rd_staff": draw(st.integers(0, employees)),
        "rd_institution": draw(st.sampled_from(["national", "provincial", "municipal", "below", "none"])),
        "rd_ratio_y2": draw(st.integers(0, 1000).map(lambda c: c / 100)),
        "rd_ratio_y3": draw(st.integers(0, 1000).map(lambda c: c / 100)),
        "rd_total_2y": draw(money),
        "equity_financing_2y": draw(st.sampled_from([0, 7999.99, 8000, 9000])),
        "market_share_pct": draw(st.integers(0, 3000).map(lambda c: c / 100)),
        "ip_class1_applied": draw(st.integers(0, 3)),
    }


@settings(max_examples=80, deadline=None)
@given(st.lists(giants(), min_size=1, max_size=20))
def test_agrees_with_the_oracle(rows):
    results = evaluate(LG, rows)
    keys = ("qualified", "direct", "failed_conditions")
    assert [{k: r[k] for k in keys} for r in results] == [oracle(r) for r in rows]


@settings(max_examples=40, deadline=None)
@given(giants(), st.integers(0, 100), st.integers(0, 1_000_000))
def test_more_rd_or_rd_staff_never_hurts(row, extra_staff, extra_rd):
    staff = min(row["rd_staff"] + extra_staff, row["employees"])
    base, hired, spent = evaluate(
        LG, [row, {**row, "rd_staff": staff}, {**row, "rd_total_2y": row["rd_total_2y"] + extra_rd / 100}]
    )
    assert hired["qualified"] >= base["qualified"] and spent["qualified"] >= base["qualified"]
    assert base["score"] is None
