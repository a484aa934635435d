"""科技型中小企业评价办法 (tech-sme-2022), 国科发区〔2022〕67号.

Fields, conditions and bands follow docs/rules/tech-sme-2022.md §3–§5, which explains 第六条
(conditions), 第七条 (indicators) and 第八条 (direct confirmation) of the document.

References
----------
.. [1] 科技部、财政部、国家税务总局, 《科技型中小企业评价办法》, 国科发区〔2022〕67号, 2022.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Any

import polars as pl

from countyworks.rules.engine import (
    Condition,
    Field,
    Indicator,
    RuleSet,
    all_of,
    any_of,
    ratio_bands,
    value_bands,
)
from countyworks.rules.gap import (
    Costs,
    GapItem,
    GapPlan,
    Option,
    amount_needed,
    cheapest,
    count_options,
    staff_options,
)
from countyworks.rules.numbers import SCALE

DOCUMENT = "国科发区〔2022〕67号"

#: 第七条 (一): tech_staff / employees, (threshold %, points), best first.
STAFF_BANDS: tuple[tuple[int, int], ...] = ((30, 20), (25, 16), (20, 12), (15, 8), (10, 4))
#: 第七条 (二): rd_expense / revenue.
RD_REVENUE_BANDS: tuple[tuple[int, int], ...] = ((6, 50), (5, 40), (4, 30), (3, 20), (2, 10))
#: 第七条 (二): rd_expense / total_cost.
RD_COST_BANDS: tuple[tuple[int, int], ...] = ((30, 50), (25, 40), (20, 30), (15, 20), (10, 10))
#: 第七条 (三): any Ⅰ类 right earns 30 points.
IP1_POINTS = 30
#: 第七条 (三): number of Ⅱ类 rights, (at least, points).
IP2_BANDS: tuple[tuple[int, int], ...] = ((4, 24), (3, 18), (2, 12), (1, 6))
#: 第六条 (二): at most 500 employees, 2亿元 revenue and 2亿元 total assets [万元].
MAX_EMPLOYEES, MAX_REVENUE, MAX_ASSETS = 500, 20000, 20000
#: 第六条 (五): pass mark.
PASS_SCORE = 60
#: 第八条: the direct-confirmation flags.
DIRECT_FLAGS = ("high_tech_cert", "national_award_top3", "provincial_rd_institution", "led_standard")


def conditions_of(document: str) -> tuple[Condition, ...]:
    """C1–C5 of 第六条 with their clauses in ``document`` (the 2017 and 2022 methods number
    them alike)."""
    return (
        Condition("c1_resident", "境内注册的居民企业", f"{document} 第六条（一）"),
        Condition("c2_size", "职工≤500人、销售收入≤2亿元、资产总额≤2亿元", f"{document} 第六条（二）"),
        Condition("c3_industry", "不属于禁止、限制和淘汰类", f"{document} 第六条（三）"),
        Condition("c4_compliance", "无重大事故或严重失信、未列入异常名录", f"{document} 第六条（四）"),
        Condition("c5_score", "评价得分不低于60分", f"{document} 第六条（五）", "符合第八条直接确认条件"),
        Condition(
            "c5_staff_zero", "科技人员指标得分不为0分", f"{document} 第六条（五）", "符合第八条直接确认条件"
        ),
    )


def _flag(name: str, label: str, *, required: bool = True) -> Field:
    return Field(name, label, "bool", required=required, default=None if required else False)


class TechSme2022(RuleSet):
    """科技型中小企业评价 (tech-sme-2022).

    Direct-confirmation flags are optional (blank or absent = not held); every other field is
    required.  ``failed_conditions`` lists C5 only when no direct flag is set: a direct flag
    stands in for C5, so a flagged row failing C4 lists ``c4_compliance`` alone (the last worked example
    of docs/rules/tech-sme-2022.md §7).  A gap is closed by hiring 科技人员 (each also an employee, within
    the 500-employee limit), by adding R&D (which is also a cost, so it raises both ratios) and
    by adding IP rights.

    References
    ----------
    .. [1] 国科发区〔2022〕67号, 第六条, 第七条, 第八条.
    """

    code = "tech-sme-2022"
    title = "科技型中小企业评价办法"
    document = DOCUMENT
    # Issued 2022 and effective on issue (印发之日); the day is taken as 2022-06-02.
    effective = date(2022, 6, 2)
    fields = (
        Field("id", "企业编号", "id", aliases=("统一社会信用代码",)),
        Field("employees", "职工总数", "count", "人", minimum=1),
        Field("tech_staff", "科技人员数", "count", "人"),
        Field("revenue", "销售收入", "amount", "万元"),
        Field("total_assets", "资产总额", "amount", "万元"),
        Field("rd_expense", "研发费用总额", "amount", "万元", aliases=("研发费用",)),
        Field("total_cost", "成本费用支出总额", "amount", "万元"),
        Field("ip_class1", "Ⅰ类知识产权数", "count", "项"),
        Field("ip_class2", "Ⅱ类知识产权数", "count", "项"),
        _flag("resident", "境内注册居民企业"),
        _flag("prohibited_industry", "禁止/限制/淘汰类"),
        _flag("major_incident", "重大安全/质量事故、严重环境违法或科研严重失信"),
        _flag("abnormal_listed", "经营异常名录或严重违法失信名单"),
        _flag("high_tech_cert", "有效高企证书", required=False),
        _flag("national_award_top3", "近五年国家级科技奖励前三", required=False),
        _flag("provincial_rd_institution", "省部级以上研发机构", required=False),
        _flag("led_standard", "近五年主导制定国际/国家/行业标准", required=False),
    )
    parts = (("tech_staff", "employees"),)
    indicators = (
        Indicator(
            "tech_staff", "科技人员指标", 20, basis=(("tech_staff", "employees", "科技人员占职工总数"),)
        ),
        Indicator(
            "rd",
            "研发投入指标",
            50,
            basis=(
                ("rd_expense", "revenue", "研发费用占销售收入"),
                ("rd_expense", "total_cost", "研发费用占成本费用支出"),
            ),
        ),
        Indicator("ip", "科技成果指标", 30),
    )
    conditions = conditions_of(DOCUMENT)

    def compute(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        """Points (第七条), conditions (第六条) and the direct rule (第八条).

        References
        ----------
        .. [1] 国科发区〔2022〕67号, 第六条, 第七条, 第八条.
        """
        return (
            lf.with_columns(
                pts_tech_staff_points(pl.col("tech_staff"), pl.col("employees")),
                pts_rd_points(pl.col("rd_expense"), pl.col("revenue"), pl.col("total_cost")),
                pts_ip_points(pl.col("ip_class1"), pl.col("ip_class2")),
            )
            .with_columns(score=pl.col("pts_tech_staff") + pl.col("pts_rd") + pl.col("pts_ip"))
            .with_columns(
                ok_c1_resident=pl.col("resident"),
                ok_c2_size=all_of(
                    [
                        pl.col("employees") <= MAX_EMPLOYEES,
                        pl.col("revenue") <= MAX_REVENUE * SCALE,
                        pl.col("total_assets") <= MAX_ASSETS * SCALE,
                    ]
                ),
                ok_c3_industry=~pl.col("prohibited_industry"),
                ok_c4_compliance=~pl.col("major_incident") & ~pl.col("abnormal_listed"),
                ok_c5_score=pl.col("score") >= PASS_SCORE,
                ok_c5_staff_zero=pl.col("pts_tech_staff") > 0,
                direct_rule=direct_flag(),
            )
            .with_columns(alt_c5_score=pl.col("direct_rule"), alt_c5_staff_zero=pl.col("direct_rule"))
        )

    def gap_plan(self, values: Mapping[str, Any], result: Mapping[str, Any], costs: Costs) -> GapPlan:
        """The cheapest combination of indicator bands reaching 60 with staff points > 0.

        C1–C4 cannot be reached by adding staff, R&D or IP and are returned as blockers.  Staff
        bands are reached by reassigning existing employees or by hiring (never past 500
        employees, 第六条（二））; the direct confirmation of 第八条 rests on flags only, so it
        is no route with a figure.

        References
        ----------
        .. [1] 国科发区〔2022〕67号, 第六条（五）, 第七条.
        """
        blockers = tuple(c.label for c in self.conditions[:4] if result[f"fail_{c.code}"])
        f = self.field("tech_staff")
        options = {
            "tech_staff": staff_options(
                "tech_staff",
                result["pts_tech_staff"],
                f,
                values["tech_staff"],
                values["employees"],
                STAFF_BANDS,
                MAX_EMPLOYEES,
            ),
            "rd": rd_options(self, values, result["pts_rd"]),
            "ip": ip_options(self, values, result["pts_ip"]),
        }

        def accept(points: Mapping[str, int | Fraction]) -> bool:
            return points["tech_staff"] > 0 and sum(points.values()) >= PASS_SCORE

        items = cheapest(options, accept, costs)
        if items is None:
            blockers += tuple(c.label for c in self.conditions[4:] if result[f"fail_{c.code}"])
        return GapPlan(items or (), blockers, "评价得分")


def pts_tech_staff_points(tech_staff: pl.Expr, employees: pl.Expr) -> pl.Expr:
    """科技人员指标 [分]: tech_staff / employees ≥ 30 % → 20 … ≥ 10 % → 4, else 0.

    References
    ----------
    .. [1] 国科发区〔2022〕67号, 第七条（一）.
    """
    return ratio_bands(tech_staff, employees, STAFF_BANDS).alias("pts_tech_staff")


def pts_rd_points(rd: pl.Expr, revenue: pl.Expr, total_cost: pl.Expr) -> pl.Expr:
    """研发投入指标 [分]: the better of rd/revenue and rd/total_cost bands; the enterprise
    chooses either, and a zero denominator gives that ratio 0 points.

    References
    ----------
    .. [1] 国科发区〔2022〕67号, 第七条（二）.
    """
    return pl.max_horizontal(
        ratio_bands(rd, revenue, RD_REVENUE_BANDS), ratio_bands(rd, total_cost, RD_COST_BANDS)
    ).alias("pts_rd")


def pts_ip_points(ip_class1: pl.Expr, ip_class2: pl.Expr) -> pl.Expr:
    """科技成果指标 [分]: any Ⅰ类 → 30, else Ⅱ类 4+ → 24, 3 → 18, 2 → 12, 1 → 6, 0 → 0.

    References
    ----------
    .. [1] 国科发区〔2022〕67号, 第七条（三）.
    """
    return (
        pl.when(ip_class1 >= 1)
        .then(pl.lit(IP1_POINTS, pl.Int64))
        .otherwise(value_bands(ip_class2, IP2_BANDS))
        .alias("pts_ip")
    )


def direct_flag() -> pl.Expr:
    """Any of the four flags of 第八条 (with C1–C4 it confirms the enterprise directly).

    References
    ----------
    .. [1] 国科发区〔2022〕67号, 第八条.
    """
    return any_of(pl.col(name) for name in DIRECT_FLAGS)


def rd_options(rs: RuleSet, values: Mapping[str, Any], points: int) -> list[Option]:
    """R&D options: each better band by the cheaper of the two ratios (added R&D is a cost)."""
    rd, revenue, cost = values["rd_expense"], values["revenue"], values["total_cost"]
    by_band: dict[int, Fraction] = {}
    for threshold, pts in RD_REVENUE_BANDS:
        if revenue > 0:
            by_band[pts] = amount_needed(rd, revenue, threshold, in_whole=False)
    for threshold, pts in RD_COST_BANDS:
        need = amount_needed(rd, cost, threshold, in_whole=True)
        by_band[pts] = min(need, by_band.get(pts, need))
    f = rs.field("rd_expense")
    options = [Option("rd", points)]
    for pts, need in sorted(by_band.items()):
        if pts > points:
            item = GapItem(f.name, f.label, f.unit, rd, rd + need, ("total_cost",))
            options.append(Option("rd", pts, (item,)))
    return options


def ip_options(rs: RuleSet, values: Mapping[str, Any], points: int) -> list[Option]:
    """IP options: more Ⅱ类 rights up to each band, or one Ⅰ类 right for 30 points."""
    options = count_options("ip", points, rs.field("ip_class2"), values["ip_class2"], IP2_BANDS)
    if points < IP1_POINTS:
        options += count_options(
            "ip", points, rs.field("ip_class1"), values["ip_class1"], ((1, IP1_POINTS),)
        )[1:]
    return options


RULESET = TechSme2022()
