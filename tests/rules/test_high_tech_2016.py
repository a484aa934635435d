"""high-tech-2016 (国科发火〔2016〕32号, 195号) against the worked example of docs/rules/high-tech-2016.md §6, the date rule,
band edges, validation, properties and a plain row-by-row oracle in Fractions."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from countyworks.rules.high_tech_2016 import RULESET as HT

from .conftest import codes, evaluate, one

BASE = {
    "id": "H1",
    "registration_date": "2015-06-01",
    "application_date": "2023-05-01",
    "core_ip_owned": True,
    "in_supported_field": True,
    "major_incident": False,
    "employees": 50,
    "tech_staff": 6,
    "revenue_y1": 2000,
    "revenue_y2": 2600,
    "revenue_y3": 3200,
    "rd_y1": 100,
    "rd_y2": 140,
    "rd_y3": 180,
    "rd_domestic": 420,
    "hightech_income": 2100,
    "total_income": 3300,
    "net_assets_y1": 1000,
    "net_assets_y2": 1300,
    "net_assets_y3": 1800,
    "ip_pts": 24,
    "conversion_pts": 22,
    "rd_mgmt_pts": 14,
}


def test_worked_example():
    result = one(HT, BASE)
    assert result["pts_growth_net_assets"] == 8  # ½(1.3 + 1.3846) − 1 = 34.23 %
    assert result["pts_growth_revenue"] == 8  # ½(1.3 + 1.2308) − 1 = 26.54 %
    assert (result["score"], result["qualified"], result["direct"]) == (76, True, False)
    low = one(HT, BASE, rd_mgmt_pts=8)
    assert (low["score"], codes(low)) == (70, ["c7_innovation"])


def test_rd_threshold_follows_the_latest_revenue():
    # Σrd 420: with revenue_y3 5200 (Σ 9800, 4.29 %) the threshold is 4 % and the ratio passes;
    # at 5000 (Σ 9600, 4.375 %) the threshold is 5 % and it fails.
    assert "c5_rd_ratio" not in codes(one(HT, BASE, revenue_y3=5200))
    assert "c5_rd_ratio" in codes(one(HT, BASE, revenue_y3=5000))


@pytest.mark.parametrize(
    ("revenue_y3", "ratio", "passes"),
    [(5000, "4.5", False), (5000.0001, "4.5", True), (20000, "3.5", False), (20000.0001, "3.5", True)],
)
def test_rd_threshold_edges(revenue_y3, ratio, passes):
    """Up to 5000 万元 the threshold is 5 %, up to 20000 4 %, above 3 %: a ratio between two
    thresholds passes only on the far side of the revenue edge."""
    rev = F(2000 + 2600) + F(str(revenue_y3))
    rd3 = rev * F(ratio) / 100 - 240
    row = {**BASE, "revenue_y3": revenue_y3, "rd_y3": float(rd3), "rd_domestic": float(rd3 + 240)}
    assert ("c5_rd_ratio" not in codes(one(HT, row))) is passes


@pytest.mark.parametrize(
    ("registered", "applied", "ok"),
    [
        ("2020-02-29", "2021-02-28", True),  # 29 Feb + 1 year = 28 Feb
        ("2020-02-29", "2021-02-27", False),
        ("2020-03-01", "2021-03-01", True),
        ("2020-03-01", "2021-02-28", False),
        ("2021-02-28", "2022-02-28", True),
    ],
)
def test_registered_one_year(registered, applied, ok):
    assert (
        "c1_age" not in codes(one(HT, BASE, registration_date=registered, application_date=applied))
    ) is ok


def test_dates_as_date_objects_and_excel_datetimes():
    assert "c1_age" not in codes(
        one(HT, BASE, registration_date=date(2020, 2, 29), application_date=date(2021, 2, 28))
    )
    assert "c1_age" in codes(
        one(HT, BASE, registration_date="2020-02-29 00:00:00", application_date="2021-02-27")
    )


@pytest.mark.parametrize(
    ("field", "edge", "below", "code"),
    [
        ("tech_staff", {"tech_staff": 5}, {"tech_staff": 4}, "c4_tech_staff"),
        ("rd_domestic", {"rd_domestic": 252}, {"rd_domestic": 251.9999}, "c5_rd_domestic"),
        ("hightech_income", {"hightech_income": 1980}, {"hightech_income": 1979.9999}, "c6_hightech_income"),
        ("rd_mgmt_pts", {"rd_mgmt_pts": 9}, {"rd_mgmt_pts": 8.9999}, "c7_innovation"),
    ],
)
def test_condition_edges(field, edge, below, code):
    assert code not in codes(one(HT, BASE, **edge))
    assert code in codes(one(HT, BASE, **below))


GROWTH_EDGES = [(35, 10, 8), (25, 8, 6), (15, 6, 4), (5, 4, 2)]


@pytest.mark.parametrize(("rate", "points", "below"), GROWTH_EDGES)
def test_growth_band_edges_single_year(rate, points, below):
    """y1 blank: rate = y3/y2 − 1."""
    y3 = 1000 * (100 + rate) / 100
    row = {**BASE, "revenue_y1": None, "rd_y1": None, "net_assets_y1": None, "rd_domestic": 320}
    row |= {"revenue_y2": 1000, "revenue_y3": y3}
    assert one(HT, row)["pts_growth_revenue"] == points
    assert one(HT, row, revenue_y3=y3 - 0.0001)["pts_growth_revenue"] == below


@pytest.mark.parametrize(("rate", "points", "below"), GROWTH_EDGES)
def test_growth_band_edges_mean_of_two(rate, points, below):
    """y1 = y2 = 1000: rate = ½(1 + y3/1000) − 1, so y3 = 1000 (1 + 2 rate)."""
    y3 = 1000 * (100 + 2 * rate) / 100
    row = {**BASE, "net_assets_y1": 1000, "net_assets_y2": 1000, "net_assets_y3": y3}
    assert one(HT, row)["pts_growth_net_assets"] == points
    assert one(HT, row, net_assets_y3=y3 - 0.0001)["pts_growth_net_assets"] == below


@pytest.mark.parametrize(
    ("years", "points"),
    [
        ((1000, 1000, 1000), 0),  # exactly 0 earns 0
        ((1000, 1000, 1000.0001), 2),  # just above 0
        ((1000, 1000, 900), 0),
        ((0, 1000, 1100), 4),  # y1 of 0: y3/y2 − 1 = 10 %
        ((1000, 0, 1100), 0),  # y2 of 0
        ((-10, 1000, 2000), 0),  # a negative year of net assets
    ],
)
def test_growth_special_cases(years, points):
    row = dict(zip(("net_assets_y1", "net_assets_y2", "net_assets_y3"), years, strict=True))
    assert one(HT, BASE, **row)["pts_growth_net_assets"] == points


def test_expert_growth_value_inside_the_band():
    assert one(HT, BASE, growth_revenue_pts=7)["pts_growth_revenue"] == 7
    assert one(HT, BASE, growth_revenue_pts=7.5)["score"] == 75.5
    errors = HT.validate(pl.DataFrame([{**BASE, "growth_revenue_pts": 9}]))
    assert [(e.row, e.column, e.reason_en) for e in errors] == [
        (2, "growth_revenue_pts", "expert growth points outside the band's range")
    ]


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"rd_y1": None}, "rd_y1", "R&D blank for a year with revenue"),
        ({"revenue_y1": None, "net_assets_y1": None}, "rd_y1", "R&D given for a year without revenue"),
        (
            {"revenue_y2": None, "rd_y2": None, "net_assets_y2": None},
            "revenue_y2",
            "revenue_y2 blank while revenue_y1 is given",
        ),
        ({"net_assets_y2": None}, "net_assets_y2", "net assets blank for a year with revenue"),
        ({"rd_domestic": 421}, "rd_domestic", "rd_domestic above all R&D"),
        ({"hightech_income": 3301}, "hightech_income", "hightech_income above total_income"),
        ({"ip_pts": 31}, "ip_pts", "outside the range 0–30"),
        ({"rd_mgmt_pts": -1}, "rd_mgmt_pts", "negative value not allowed"),
        ({"net_assets_y3": -5}, None, None),
        ({"revenue_y3": None, "rd_y3": None, "net_assets_y3": None}, "revenue_y3", "blank required field"),
    ],
)
def test_year_validation(changes, column, reason):
    errors = HT.validate(pl.DataFrame([{**BASE, **changes}], strict=False))
    assert [(e.column, e.reason_en) for e in errors][:1] == ([(column, reason)] if column else [])


def test_young_enterprise_with_one_year():
    row = {**BASE, "revenue_y1": None, "revenue_y2": None, "rd_y1": None, "rd_y2": None}
    row |= {"net_assets_y1": None, "net_assets_y2": None, "rd_domestic": 180, "rd_y3": 180}
    result = one(HT, row)
    assert (result["pts_growth_revenue"], result["pts_growth_net_assets"]) == (0, 0)
    assert "c5_rd_ratio" not in codes(result)  # 180 / 3200 = 5.6 %


def test_gap_names_each_fixable_condition():
    row = {
        **BASE,
        "tech_staff": 4,
        "rd_y3": 100,
        "rd_domestic": 340,
        "hightech_income": 1000,
        "rd_mgmt_pts": 8,
    }
    # 4 of 50 → 5 (10 %): one employee moved into R&D; R&D (境内) and income are past-year
    # figures, advised for next year's filing
    assert HT.gap(row) == [
        "科技人员数需再增加 1 人（由现有职工转岗，职工总数不变）",
        "下一年度申报：第3年境内研究开发费用需再增加 50 万元（往年数据，本次已无法更改）",
        "下一年度申报：近一年高新技术产品(服务)收入需再增加 2450 万元（往年数据，本次已无法更改）",
        "创新能力评价得分需再增加 1 分",
    ]
    assert HT.gap({**BASE, "core_ip_owned": False}) == [
        "拥有核心支持作用的知识产权所有权：不满足，须先解决（无法通过增加投入达到）"
    ]


# --- oracle and properties -------------------------------------------------------------------


def _rate(y1, y2, y3):
    if y2 in (None, 0):
        return None
    if y1 in (None, 0):
        return y3 / y2 - 1
    return (y2 / y1 + y3 / y2) / 2 - 1


def _growth(values):
    ys = [None if v is None else F(str(v)) for v in values]
    if any(y is not None and y < 0 for y in ys):
        return 0
    rate = _rate(*ys)
    if rate is None or rate <= 0:
        return 0
    return next(
        p
        for r, p in ((F(35, 100), 10), (F(25, 100), 8), (F(15, 100), 6), (F(5, 100), 4), (0, 2))
        if rate >= r
    )


def oracle(row):
    """Plain Fractions, one row at a time, straight from docs/rules/high-tech-2016.md §3–§5."""
    num = {k: F(str(v)) for k, v in row.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    revs = [num.get(f"revenue_y{y}") for y in (1, 2, 3)]
    rds = [num.get(f"rd_y{y}") for y in (1, 2, 3)]
    rev_sum, rd_sum = sum(r for r in revs if r is not None), sum(r for r in rds if r is not None)
    threshold = F(5, 100) if revs[2] <= 5000 else F(4, 100) if revs[2] <= 20000 else F(3, 100)
    g_na = _growth([row.get(f"net_assets_y{y}") for y in (1, 2, 3)])
    g_rev = _growth([row.get(f"revenue_y{y}") for y in (1, 2, 3)])
    score = num["ip_pts"] + num["conversion_pts"] + num["rd_mgmt_pts"] + g_na + g_rev
    reg, app = date.fromisoformat(row["registration_date"]), date.fromisoformat(row["application_date"])
    anniversary = date(reg.year + 1, reg.month, 28 if (reg.month, reg.day) == (2, 29) else reg.day)
    checks = {
        "c1_age": app >= anniversary,
        "c2_ip": row["core_ip_owned"],
        "c3_field": row["in_supported_field"],
        "c4_tech_staff": F(row["tech_staff"], row["employees"]) >= F(1, 10),
        "c5_rd_ratio": rev_sum > 0 and rd_sum / rev_sum >= threshold,
        "c5_rd_domestic": rd_sum > 0 and num["rd_domestic"] / rd_sum >= F(6, 10),
        "c6_hightech_income": num["total_income"] > 0
        and num["hightech_income"] / num["total_income"] >= F(6, 10),
        "c7_innovation": score >= 71,
        "c8_incident": not row["major_incident"],
    }
    failed = [c for c, ok in checks.items() if not ok]
    return {"score": float(score), "failed_conditions": ";".join(failed), "qualified": not failed}


money = st.integers(0, 1_000_000).map(lambda c: c / 100)


@st.composite
def applicants(draw):
    years = draw(st.integers(1, 3))
    employees = draw(st.integers(1, 300))
    row = {
        "id": "R",
        "registration_date": draw(st.dates(date(2010, 1, 1), date(2022, 12, 31))).isoformat(),
        "application_date": draw(st.dates(date(2011, 1, 1), date(2023, 12, 31))).isoformat(),
        "core_ip_owned": draw(st.booleans()),
        "in_supported_field": draw(st.booleans()),
        "major_incident": draw(st.sampled_from([False, False, True])),
        "employees": employees,
        "tech_staff": draw(st.integers(0, employees)),
        "ip_pts": draw(st.integers(0, 30)),
        "conversion_pts": draw(st.integers(0, 30)),
        "rd_mgmt_pts": draw(st.integers(0, 20)),
    }
    for y in (1, 2, 3):
        present = y > 3 - years
        row[f"revenue_y{y}"] = draw(money) if present else None
        row[f"rd_y{y}"] = draw(st.integers(0, 100_000).map(lambda c: c / 100)) if present else None
        row[f"net_assets_y{y}"] = (
            draw(st.integers(-100_000, 1_000_000).map(lambda c: c / 100)) if present else None
        )
    rd_sum = sum(F(str(row[f"rd_y{y}"])) for y in (1, 2, 3) if row[f"rd_y{y}"] is not None)
    row["rd_domestic"] = float(rd_sum * draw(st.integers(0, 100)) / 100)
    row["total_income"] = draw(money)
    row["hightech_income"] = float(F(str(row["total_income"])) * draw(st.integers(0, 100)) / 100)
    return row


@settings(max_examples=80, deadline=None)
@given(st.lists(applicants(), min_size=1, max_size=20))
def test_agrees_with_the_oracle(rows):
    results = evaluate(HT, rows)
    assert [{k: r[k] for k in ("score", "failed_conditions", "qualified")} for r in results] == [
        oracle(r) for r in rows
    ]


@settings(max_examples=50, deadline=None)
@given(applicants(), st.integers(0, 50), st.integers(0, 10_000))
def test_more_staff_or_rd_never_hurts(row, extra_staff, extra_rd):
    staff = min(row["tech_staff"] + extra_staff, row["employees"])
    more_rd = {**row, "rd_y3": row["rd_y3"] + extra_rd, "rd_domestic": row["rd_domestic"] + extra_rd}
    base, hired, spent = evaluate(HT, [row, {**row, "tech_staff": staff}, more_rd])
    assert 0 <= base["score"] <= 100
    assert hired["qualified"] >= base["qualified"] and hired["score"] >= base["score"]
    assert "c4_tech_staff" not in codes(hired) or "c4_tech_staff" in codes(base)
    assert spent["score"] == base["score"] and spent["qualified"] >= base["qualified"]
