"""tech-sme-2017 (国科发政〔2017〕115号): worked examples, band edges, its own row-by-row oracle,
agreement with tech-sme-2022 (docs/rules/tech-sme-2017.md: no difference in the evaluation) and
the choice of version by date."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest
from hypothesis import given, settings

from countyworks.rules.registry import UnknownRuleSet, get_ruleset, in_force_until, ruleset_in_force
from countyworks.rules.tech_sme_2017 import RULESET as TECH17
from countyworks.rules.tech_sme_2022 import RULESET as TECH22

from .conftest import codes, evaluate, one
from .test_tech_sme_2022 import BASE, EXAMPLES, enterprises


def oracle(row):
    """第六条–第八条 of 115号 as docs/rules/tech-sme-2017.md tabulates them, one row, Fractions."""

    def share(num, den):
        return None if not den else F(str(num)) / F(str(den)) * 100

    def band(value, bands):
        return 0 if value is None else next((p for t, p in bands if value >= t), 0)

    staff = band(share(row["tech_staff"], row["employees"]), ((30, 20), (25, 16), (20, 12), (15, 8), (10, 4)))
    rd = max(
        band(share(row["rd_expense"], row["revenue"]), ((6, 50), (5, 40), (4, 30), (3, 20), (2, 10))),
        band(share(row["rd_expense"], row["total_cost"]), ((30, 50), (25, 40), (20, 30), (15, 20), (10, 10))),
    )
    ip = 30 if row["ip_class1"] >= 1 else (0, 6, 12, 18, 24)[min(row["ip_class2"], 4)]
    score = staff + rd + ip
    direct = any(
        row.get(k)
        for k in ("high_tech_cert", "national_award_top3", "provincial_rd_institution", "led_standard")
    )
    basic = {
        "c1_resident": row["resident"],
        "c2_size": row["employees"] <= 500
        and F(str(row["revenue"])) <= 20000
        and F(str(row["total_assets"])) <= 20000,
        "c3_industry": not row["prohibited_industry"],
        "c4_compliance": not (row["major_incident"] or row["abnormal_listed"]),
    }
    failed = [c for c, ok in basic.items() if not ok]
    if not direct:
        failed += [c for c, ok in (("c5_score", score >= 60), ("c5_staff_zero", staff > 0)) if not ok]
    return {
        "id": row["id"],
        "score": score,
        "qualified": not failed,
        "direct": not failed and direct,
        "failed_conditions": ";".join(failed),
        "pts_tech_staff": staff,
        "pts_rd": rd,
        "pts_ip": ip,
    }


@pytest.mark.parametrize(("staff", "rd", "changes", "points", "qualified", "direct", "failed"), EXAMPLES)
def test_worked_examples(staff, rd, changes, points, qualified, direct, failed):
    result = one(TECH17, BASE, tech_staff=staff, rd_expense=rd, **changes)
    assert (result["pts_tech_staff"], result["pts_rd"], result["pts_ip"]) == points
    assert (result["qualified"], result["direct"], codes(result)) == (qualified, direct, failed)


@pytest.mark.parametrize(
    ("field", "edge", "below", "points", "points_below", "changes"),
    [
        ("tech_staff", 30, 29, 20, 16, {}),
        ("tech_staff", 10, 9, 4, 0, {}),
        ("rd_expense", 180, 179.9999, 50, 40, {"total_cost": 100_000}),  # 6 % of revenue 3000
        ("rd_expense", 60, 59.9999, 10, 0, {"total_cost": 100_000}),  # 2 %
        ("rd_expense", 600, 599.9999, 50, 40, {"revenue": 0, "total_cost": 2000}),  # 30 % of cost
        ("rd_expense", 200, 199.9999, 10, 0, {"revenue": 0, "total_cost": 2000}),  # 10 %
        ("ip_class2", 4, 3, 24, 18, {}),
        ("ip_class2", 1, 0, 6, 0, {}),
    ],
)
def test_band_edges(field, edge, below, points, points_below, changes):
    column = {"tech_staff": "pts_tech_staff", "rd_expense": "pts_rd", "ip_class2": "pts_ip"}[field]
    assert one(TECH17, BASE, **changes, **{field: edge})[column] == points
    assert one(TECH17, BASE, **changes, **{field: below})[column] == points_below


@pytest.mark.parametrize(
    ("changes", "ok"),
    [
        ({"employees": 500, "tech_staff": 125}, True),
        ({"employees": 501, "tech_staff": 126}, False),
        ({"revenue": 20000.0001, "rd_expense": 1200}, False),
        ({"total_assets": 20000}, True),
    ],
)
def test_size_edges(changes, ok):
    assert ("c2_size" not in codes(one(TECH17, BASE, **changes))) is ok


@settings(max_examples=60, deadline=None)
@given(enterprises())
def test_agrees_with_its_oracle_and_with_the_2022_method(row):
    (result,) = evaluate(TECH17, [row])
    assert result == oracle(row)
    assert result == evaluate(TECH22, [row])[0]


def test_explanations_cite_the_2017_document():
    lines = TECH17.explain({**BASE, "tech_staff": 12, "rd_expense": 90, "ip_class2": 4})
    assert lines[0] == "评价依据：《科技型中小企业评价办法》（国科发政〔2017〕115号）"
    assert "评价得分不低于60分（国科发政〔2017〕115号 第六条（五），c5_score）：不满足" in lines


def test_version_in_force_by_date():
    assert in_force_until(TECH17) == date(2022, 6, 1) and in_force_until(TECH22) is None
    assert ruleset_in_force("tech-sme", date(2017, 5, 3)) is TECH17
    assert ruleset_in_force("tech-sme-2022", date(2021, 12, 31)) is TECH17
    assert ruleset_in_force("tech-sme-2017", date(2022, 6, 1)) is TECH17
    assert ruleset_in_force("tech-sme", date(2022, 6, 2)) is TECH22
    with pytest.raises(UnknownRuleSet, match=r"no version of rule set 'tech-sme' is in force on 2017-05-02"):
        ruleset_in_force("tech-sme", date(2017, 5, 2))
    with pytest.raises(UnknownRuleSet, match=r"not in force on 2022-06-02 .*; in force then: tech-sme-2022"):
        get_ruleset("tech-sme-2017", date(2022, 6, 2))
    assert get_ruleset("tech-sme") is TECH22
