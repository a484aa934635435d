"""specialized-sme-2022 (工信部企业〔2022〕63号 附件2) against the worked example, band edges,
conditions (一)–(四), properties and a row-by-row oracle in Fractions."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from countyworks.rules.gap import apply_gap
from countyworks.rules.specialized_sme_2022 import RULESET as SPEC

from .conftest import codes, evaluate, one

BASE = {
    "id": "S1",
    "is_sme": True,
    "abnormal_listed": False,
    "prohibited_industry": False,
    "major_incident": False,
    "niche_years": 5,
    "rd_expense": 320,
    "rd_expense_prev": 300,
    "revenue": 6000,
    "main_revenue_y1": 4000,
    "main_revenue_y2": 4500,
    "main_revenue_y3": 5100,
    "net_profit": 540,
    "total_assets": 10000,
    "total_liabilities": 4500,
    "employees": 100,
    "rd_staff": 12,
    "chain_role": "basic",
    "digital_level": 2,
    "quality_award": False,
    "iso9001": True,
    "own_brand": True,
    "standard_drafting": False,
    "local_pts": 10,
    "ip_class1": 1,
    "ip_class1_own": 1,
    "ip_class1_high_value": 0,
    "ip_class2": 0,
    "rd_institution": "provincial",
}
GROUPS = {
    "专业化": ("main_share", "main_growth", "niche_years", "chain_role"),
    "精细化": ("digital", "quality", "net_margin", "debt"),
    "特色化": ("local",),
    "创新能力": ("ip", "rd", "rd_staff", "rd_institution"),
}


def test_worked_example():
    r = one(SPEC, BASE)
    assert [r[f"pts_{n}"] for g in GROUPS.values() for n in g] == [5, 10, 2, 3, 3, 5, 8, 5, 10, 8, 6, 3, 8]
    assert {g: sum(r[f"pts_{n}"] for n in names) for g, names in GROUPS.items()} == {
        "专业化": 20,
        "精细化": 21,
        "特色化": 10,
        "创新能力": 25,
    }
    assert (r["score"], r["qualified"], r["direct"], r["failed_conditions"]) == (76, True, False, "")


@pytest.mark.parametrize(
    ("field", "value", "points", "below_value", "below"),
    [
        ("main_revenue_y3", 4800, 5, 4799.9999, 3),
        ("main_revenue_y3", 4200, 3, 4199.9999, 1),
        ("main_revenue_y3", 3600, 1, 3599.9999, 0),
        ("net_profit", 600, 10, 599.9999, 8),
        ("net_profit", 120, 2, 119.9999, 0),
        ("net_profit", -50, 0, -50, 0),
        ("rd_staff", 20, 5, 19, 3),
        ("rd_staff", 10, 3, 9, 1),
        ("rd_staff", 5, 1, 4, 0),
        ("niche_years", 10, 5, 9, 4),
        ("niche_years", 2, 1, 1, 0),
        ("digital_level", 3, 5, 2, 3),
        ("digital_level", 2, 3, 1, 0),
    ],
)
def test_band_edges(field, value, points, below_value, below):
    name = {"main_revenue_y3": "main_share", "net_profit": "net_margin", "digital_level": "digital"}.get(
        field, field
    )
    assert one(SPEC, BASE, **{field: value})[f"pts_{name}"] == points
    assert one(SPEC, BASE, **{field: below_value})[f"pts_{name}"] == below


@pytest.mark.parametrize(("pct", "points", "above"), [(50, 5, 3), (60, 3, 1), (70, 1, 0)])
def test_debt_edges(pct, points, above):
    assert one(SPEC, BASE, total_liabilities=100 * pct)["pts_debt"] == points
    assert one(SPEC, BASE, total_liabilities=100 * pct + 0.0001)["pts_debt"] == above


@pytest.mark.parametrize(
    ("rate", "points", "below"), [(10, 10, 8), (8, 8, 6), (6, 6, 4), (4, 4, 2), (0, 2, 0)]
)
def test_main_growth_edges(rate, points, below):
    """y1 = y2 = 4000: mean growth = ½ (y3/4000 − 1), so y3 = 4000 (1 + 2 rate)."""
    y3 = 4000 * (100 + 2 * rate) / 100
    row = {**BASE, "main_revenue_y2": 4000, "revenue": 9000}
    assert one(SPEC, row, main_revenue_y3=y3)["pts_main_growth"] == points
    assert one(SPEC, row, main_revenue_y3=y3 - 0.0001)["pts_main_growth"] == below


@pytest.mark.parametrize(
    ("rd", "revenue", "points"),
    [
        (500, 100000, 10),
        (499.9999, 100000, 8),
        (100, 100000, 2),
        (99.9999, 100000, 0),
        (80, 800, 10),
        (79.9999, 800, 8),
        (24, 800, 2),
        (23.9999, 800, 0),
    ],
)
def test_rd_takes_the_better_of_amount_and_ratio(rd, revenue, points):
    row = {**BASE, "revenue": revenue, "main_revenue_y3": min(5100, revenue)}
    assert one(SPEC, row, rd_expense=rd)["pts_rd"] == points


@pytest.mark.parametrize(
    ("items", "points"),
    [
        ({}, 0),
        ({"iso9001": True}, 3),
        ({"iso9001": True, "own_brand": True}, 5),
        ({k: True for k in ("quality_award", "iso9001", "own_brand", "standard_drafting")}, 5),
    ],
)
def test_quality_points_are_capped(items, points):
    none = dict.fromkeys(("quality_award", "iso9001", "own_brand", "standard_drafting"), False)
    assert one(SPEC, {**BASE, **none}, **items)["pts_quality"] == points


@pytest.mark.parametrize(
    ("level", "points"), [("national", 10), ("provincial", 8), ("municipal", 4), ("below", 2), ("none", 0)]
)
def test_rd_institution(level, points):
    assert one(SPEC, BASE, rd_institution=level)["pts_rd_institution"] == points


@pytest.mark.parametrize(
    ("changes", "code", "holds"),
    [
        ({"niche_years": 2}, "c1_niche", True),
        ({"niche_years": 1}, "c1_niche", False),
        ({"rd_expense": 100, "revenue": 3000, "main_revenue_y3": 3000}, "c2_rd", True),
        ({"rd_expense": 99.9999, "revenue": 3000, "main_revenue_y3": 3000}, "c2_rd", False),
        ({"rd_expense": 180}, "c2_rd", True),
        ({"rd_expense": 179.9999}, "c2_rd", False),
        ({"revenue": 1000, "main_revenue_y3": 900, "rd_expense": 100}, "c3_revenue", True),
        ({"revenue": 999.9999, "main_revenue_y3": 900, "rd_expense": 100}, "c3_revenue", False),
        (
            {"revenue": 999.9999, "main_revenue_y3": 900, "rd_expense": 100, "equity_financing_2y": 2000},
            "c3_revenue",
            True,
        ),
    ],
)
def test_conditions(changes, code, holds):
    assert (code not in codes(one(SPEC, BASE, **changes))) is holds


@pytest.mark.parametrize(
    "alternative",
    [
        {"sci_award_top": True},
        {"rd_expense": 1100, "rd_expense_prev": 900},
        {"equity_financing_2y": 6000},
        {"maker_china_top500": True},
    ],
)
def test_direct_alternatives_to_the_score(alternative):
    weak = {**BASE, "local_pts": 0, "rd_institution": "none", "chain_role": "none", "digital_level": 1}
    assert codes(one(SPEC, weak, local_pts=0, rd_staff=0, ip_class1=0, ip_class1_own=0)) == ["c4_score"]
    r = one(SPEC, weak, local_pts=0, rd_staff=0, ip_class1=0, ip_class1_own=0, **alternative)
    assert (r["qualified"], r["direct"], r["failed_conditions"]) == (True, r["score"] < 60, "")


def test_mean_rd_just_below_1000_is_no_alternative():
    weak = {
        **BASE,
        "local_pts": 0,
        "rd_institution": "none",
        "rd_staff": 0,
        "ip_class1": 0,
        "ip_class1_own": 0,
    }
    r = one(SPEC, weak, rd_expense=1000, rd_expense_prev=999.9999, digital_level=1, chain_role="none")
    assert "c4_score" in codes(r)


def test_local_points_may_have_decimals():
    assert one(SPEC, BASE, local_pts=10.5)["score"] == 76.5


def test_validation_of_enums_and_ranges():
    import polars as pl

    frame = pl.DataFrame(
        [{**BASE, "chain_role": "maybe", "local_pts": 16, "rd_staff": 101, "ip_class1_own": 2}]
    )
    assert [(e.column, e.reason_en) for e in SPEC.validate(frame)] == [
        ("rd_staff", "rd_staff above employees"),
        ("chain_role", "not one of key, basic, none"),
        ("local_pts", "outside the range 0–15"),
        ("ip_class1_own", "ip_class1_own above ip_class1"),
    ]


def test_gap_reaches_qualification():
    row = {**BASE, "local_pts": 0, "rd_institution": "none", "rd_expense": 90}
    items = SPEC.gap_items(row)
    assert items[0].field == "rd_expense" and items[0].required >= 180  # (二): 3 % of 6000
    assert SPEC.result(apply_gap(row, items))["qualified"]


# --- oracle and properties -------------------------------------------------------------------


def _band(value, bands):
    return next((p for t, p in bands if value >= t), 0)


def _pct(*pairs):
    return [(F(t, 100), p) for t, p in pairs]


def oracle(row):
    n = {k: F(str(v)) for k, v in row.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    rev = n["revenue"]
    y1, y2, y3 = (n[f"main_revenue_y{y}"] for y in (1, 2, 3))
    pts = {
        "main_share": _band(y3 / rev, _pct((80, 5), (70, 3), (60, 1))) if rev else 0,
        "main_growth": _band((y2 / y1 - 1 + y3 / y2 - 1) / 2, _pct((10, 10), (8, 8), (6, 6), (4, 4), (0, 2)))
        if y1 and y2
        else 0,
        "niche_years": min(row["niche_years"] // 2, 5),
        "chain_role": {"key": 5, "basic": 3, "none": 0}[row["chain_role"]],
        "digital": 5 if row["digital_level"] >= 3 else 3 if row["digital_level"] == 2 else 0,
        "quality": min(
            5, 3 * sum(bool(row[k]) for k in ("quality_award", "iso9001", "own_brand", "standard_drafting"))
        ),
        "net_margin": _band(n["net_profit"] / rev, _pct((10, 10), (8, 8), (6, 6), (4, 4), (2, 2)))
        if rev
        else 0,
        "debt": 0,
        "local": n["local_pts"],
        "ip": next(
            (
                p
                for k, p in (
                    ("ip_class1_high_value", 10),
                    ("ip_class1_own", 8),
                    ("ip_class1", 6),
                    ("ip_class2", 2),
                )
                if n[k] >= 1
            ),
            0,
        ),
        "rd": max(
            _band(n["rd_expense"], [(500, 10), (400, 8), (300, 6), (200, 4), (100, 2)]),
            _band(n["rd_expense"] / rev, _pct((10, 10), (8, 8), (6, 6), (4, 4), (3, 2))) if rev else 0,
        ),
        "rd_staff": _band(F(row["rd_staff"], row["employees"]), _pct((20, 5), (10, 3), (5, 1))),
        "rd_institution": {"national": 10, "provincial": 8, "municipal": 4, "below": 2, "none": 0}[
            row["rd_institution"]
        ],
    }
    if n["total_assets"]:
        debt = n["total_liabilities"] / n["total_assets"]
        pts["debt"] = 5 if debt <= F(1, 2) else 3 if debt <= F(6, 10) else 1 if debt <= F(7, 10) else 0
    score = sum(pts.values())
    equity = n.get("equity_financing_2y", 0)
    alternative = (
        row.get("sci_award_top")
        or n["rd_expense"] + n["rd_expense_prev"] >= 2000
        or equity >= 6000
        or row.get("maker_china_top500")
    )
    checks = {
        "b_sme": row["is_sme"],
        "b_compliance": not (row["abnormal_listed"] or row["prohibited_industry"] or row["major_incident"]),
        "c1_niche": row["niche_years"] >= 2,
        "c2_rd": n["rd_expense"] >= 100 and rev > 0 and n["rd_expense"] / rev >= F(3, 100),
        "c3_revenue": rev >= 1000 or equity >= 2000,
        "c4_score": score >= 60 or alternative,
    }
    failed = [c for c, ok in checks.items() if not ok]
    return {
        "score": float(score),
        "qualified": not failed,
        "direct": not failed and score < 60,
        "failed_conditions": ";".join(failed),
    }


money = st.integers(0, 2_000_000).map(lambda c: c / 100)


@st.composite
def smes(draw):
    employees = draw(st.integers(1, 300))
    ip1 = draw(st.integers(0, 2))
    revenue = draw(money)
    flags = (
        "abnormal_listed",
        "prohibited_industry",
        "major_incident",
        "sci_award_top",
        "maker_china_top500",
    )
    return {
        "id": "R",
        "is_sme": draw(st.sampled_from([True, True, True, False])),
        **{k: draw(st.sampled_from([True, False, False, False, False])) for k in flags},
        "niche_years": draw(st.integers(0, 15)),
        "rd_expense": draw(money),
        "rd_expense_prev": draw(money),
        "revenue": revenue,
        "main_revenue_y1": draw(money),
        "main_revenue_y2": draw(money),
        "main_revenue_y3": float(F(str(revenue)) * draw(st.integers(0, 100)) / 100),
        "equity_financing_2y": draw(st.sampled_from([0, 1999.99, 2000, 6000])),
        "net_profit": draw(st.integers(-200_000, 500_000).map(lambda c: c / 100)),
        "total_assets": draw(money),
        "total_liabilities": draw(money),
        "employees": employees,
        "rd_staff": draw(st.integers(0, employees)),
        "chain_role": draw(st.sampled_from(["key", "basic", "none"])),
        "digital_level": draw(st.integers(1, 4)),
        **{k: draw(st.booleans()) for k in ("quality_award", "iso9001", "own_brand", "standard_drafting")},
        "local_pts": draw(st.integers(0, 30).map(lambda h: h / 2)),
        "ip_class1": ip1,
        "ip_class1_own": draw(st.integers(0, ip1)),
        "ip_class1_high_value": draw(st.integers(0, ip1)),
        "ip_class2": draw(st.integers(0, 2)),
        "rd_institution": draw(st.sampled_from(["national", "provincial", "municipal", "below", "none"])),
    }


@settings(max_examples=80, deadline=None)
@given(st.lists(smes(), min_size=1, max_size=20))
def test_agrees_with_the_oracle(rows):
    results = evaluate(SPEC, rows)
    keys = ("score", "qualified", "direct", "failed_conditions")
    assert [{k: r[k] for k in keys} for r in results] == [oracle(r) for r in rows]


@settings(max_examples=50, deadline=None)
@given(smes(), st.integers(0, 100_000), st.integers(0, 100))
def test_more_rd_or_rd_staff_never_lowers_the_score(row, extra_rd, extra_staff):
    staff = min(row["rd_staff"] + extra_staff, row["employees"])
    base, more_rd, more_staff = evaluate(
        SPEC, [row, {**row, "rd_expense": row["rd_expense"] + extra_rd}, {**row, "rd_staff": staff}]
    )
    assert 0 <= base["score"] <= 100
    assert more_rd["score"] >= base["score"] and more_staff["score"] >= base["score"]
    assert more_rd["qualified"] >= base["qualified"]
