"""A plain row-by-row tech-sme-2022 evaluation: the benchmark's baseline and the tests' oracle.

Written independently of ``countyworks.rules`` (its own tables, a Python loop, one dict per
row) so that agreement between the two is evidence, not tautology.  Amounts are compared
exactly as integers of 0.0001 万元, like the vectorised engine.

References
----------
.. [1] 科技部、财政部、国家税务总局, 《科技型中小企业评价办法》, 国科发区〔2022〕67号, 2022,
   第六条, 第七条, 第八条.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

STAFF = ((30, 20), (25, 16), (20, 12), (15, 8), (10, 4))
RD_REVENUE = ((6, 50), (5, 40), (4, 30), (3, 20), (2, 10))
RD_COST = ((30, 50), (25, 40), (20, 30), (15, 20), (10, 10))
DIRECT = ("high_tech_cert", "national_award_top3", "provincial_rd_institution", "led_standard")


def _cents(value: float) -> int:
    return round(value * 10_000)


def _band(num: int, den: int, bands: tuple[tuple[int, int], ...]) -> int:
    if den <= 0:
        return 0
    for threshold, points in bands:
        if num * 100 >= threshold * den:
            return points
    return 0


def evaluate_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One enterprise: ``id, score, qualified, direct, failed_conditions, pts_*``."""
    rd, revenue, cost = _cents(row["rd_expense"]), _cents(row["revenue"]), _cents(row["total_cost"])
    staff = _band(row["tech_staff"], row["employees"], STAFF)
    rd_pts = max(_band(rd, revenue, RD_REVENUE), _band(rd, cost, RD_COST))
    if row["ip_class1"] >= 1:
        ip = 30
    else:
        ip = 6 * min(row["ip_class2"], 4)
    score = staff + rd_pts + ip
    flag = any(bool(row.get(name)) for name in DIRECT)
    checks = [
        ("c1_resident", row["resident"]),
        (
            "c2_size",
            row["employees"] <= 500 and revenue <= 200_000_000 and _cents(row["total_assets"]) <= 200_000_000,
        ),
        ("c3_industry", not row["prohibited_industry"]),
        ("c4_compliance", not row["major_incident"] and not row["abnormal_listed"]),
        ("c5_score", score >= 60 or flag),
        ("c5_staff_zero", staff > 0 or flag),
    ]
    failed = [code for code, ok in checks if not ok]
    return {
        "id": row["id"],
        "score": score,
        "qualified": not failed,
        "direct": not failed and flag,
        "failed_conditions": ";".join(failed),
        "pts_tech_staff": staff,
        "pts_rd": rd_pts,
        "pts_ip": ip,
    }


def evaluate_rows(rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Evaluate each row in turn."""
    for row in rows:
        yield evaluate_row(row)
