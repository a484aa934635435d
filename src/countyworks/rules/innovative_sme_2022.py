"""创新型中小企业评价标准 (innovative-sme-2022), 工信部企业〔2022〕63号 附件1.

docs/rules/innovative-sme-2022.md §3–§5 explains annex 1 of the 优质中小企业梯度培育管理暂行办法:
the basic conditions, the six indicators in three groups and the four direct conditions.

References
----------
.. [1] 工业和信息化部, 《优质中小企业梯度培育管理暂行办法》, 工信部企业〔2022〕63号, 2022,
   附件1《创新型中小企业评价标准》.
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
    any_of,
    banded,
    growth,
    ratio_bands,
    ratio_bands_low,
)
from countyworks.rules.gap import Costs, GapItem, GapPlan, Option, amount_options, cheapest, choose_route
from countyworks.rules.numbers import SCALE

DOCUMENT = "工信部企业〔2022〕63号"
ANNEX = f"{DOCUMENT} 附件1"

#: 创新能力 知识产权: (count field, points), best first.
IP_BANDS: tuple[tuple[str, int], ...] = (
    ("ip_class1_high_value", 20),
    ("ip_class1_own", 15),
    ("ip_class1", 10),
    ("ip_class2", 5),
)
#: 创新能力 研发费用占营业收入比重 (threshold %, points).
RD_BANDS: tuple[tuple[int, int], ...] = ((5, 20), (3, 15), (2, 10), (1, 5))
#: 成长性 主营业务收入增长率 (threshold %, points).
GROWTH_BANDS: tuple[tuple[int, int], ...] = ((15, 20), (10, 15), (5, 10), (0, 5))
#: 成长性 资产负债率, lower is better (at most %, points).
DEBT_BANDS: tuple[tuple[int, int], ...] = ((55, 10), (75, 5))
#: 专业化 主导产品所属领域: strategic emerging 10, else 5.
FIELD_POINTS = (10, 5)
#: 专业化 主营业务收入占营业收入比重 (threshold %, points).
SHARE_BANDS: tuple[tuple[int, int], ...] = ((70, 20), (60, 15), (55, 10), (50, 5))
#: Pass mark and group minimums.
PASS_SCORE, MIN_INNOVATION, MIN_GROWTH, MIN_SPECIALISATION = 60, 20, 15, 15
#: Direct condition: 近三年新增股权融资 at least 500 万元.
EQUITY_DIRECT = 500
GROUPS = {"创新能力": ("ip", "rd"), "成长性": ("growth", "debt"), "专业化": ("field", "main_share")}


#: The IP counts of 63号 (Ⅰ类, of which self-developed and high-value; Ⅱ类).
IP_FIELDS: tuple[Field, ...] = (
    Field("ip_class1", "Ⅰ类知识产权数", "count", "项"),
    Field("ip_class1_own", "自主研发Ⅰ类知识产权数", "count", "项"),
    Field("ip_class1_high_value", "高价值Ⅰ类知识产权数", "count", "项"),
    Field("ip_class2", "Ⅱ类知识产权数", "count", "项"),
)


def ip_options(
    rs: RuleSet, values: Mapping[str, Any], points: int | Fraction, bands: tuple[tuple[str, int], ...]
) -> list[Option]:
    """One more right of the kind each better band asks for; a self-developed or high-value
    Ⅰ类 right is also a Ⅰ类 right.

    References
    ----------
    .. [1] 工信部企业〔2022〕63号, 附件1, 附件2: 知识产权 indicators.
    """
    options = [Option("ip", points)]
    for name, pts in bands:
        if pts > points:
            f, current = rs.field(name), Fraction(values[name])
            also = ("ip_class1",) if name in ("ip_class1_own", "ip_class1_high_value") else ()
            options.append(Option("ip", pts, (GapItem(name, f.label, f.unit, current, current + 1, also),)))
    return options


def _flag(name: str, label: str, *, required: bool = True) -> Field:
    return Field(name, label, "bool", required=required, default=None if required else False)


class InnovativeSme2022(RuleSet):
    """创新型中小企业评价 (innovative-sme-2022).

    The direct flags and ``equity_financing_3y`` are optional (blank = none).  When a direct
    condition holds, the score conditions are not listed as failed (the direct path stands in
    for them).  A previous main revenue of 0 counts as growth ≥ 15 % when this year's is
    positive; both 0 is a zero denominator: 0 points.

    References
    ----------
    .. [1] 工信部企业〔2022〕63号, 附件1《创新型中小企业评价标准》.
    """

    code = "innovative-sme-2022"
    title = "创新型中小企业评价标准"
    document = ANNEX
    effective = date(2022, 8, 1)  # 暂行办法 第三十条: 自2022年8月1日起施行
    fields = (
        Field("id", "企业编号", "id", aliases=("统一社会信用代码",)),
        _flag("is_sme", "符合《中小企业划型标准规定》"),
        _flag("abnormal_listed", "经营异常名录或严重失信主体名单"),
        _flag("prohibited_industry", "禁止/限制/淘汰类"),
        _flag("major_incident", "近三年重大安全、质量、环境事故或偷漏税"),
        *IP_FIELDS,
        Field("rd_expense", "研发费用总额", "amount", "万元"),
        Field("revenue", "营业收入", "amount", "万元"),
        Field("main_revenue", "主营业务收入", "amount", "万元"),
        Field("main_revenue_prev", "上年主营业务收入", "amount", "万元"),
        Field("total_assets", "资产总额", "amount", "万元"),
        Field("total_liabilities", "负债总额", "amount", "万元"),
        _flag("strategic_emerging", "主导产品属《战略性新兴产业分类》"),
        _flag("sci_award_3y", "近三年国家级或省级科技奖励", required=False),
        _flag("honour_valid", "有效期内的高企等荣誉", required=False),
        _flag("provincial_rd_institution", "省部级以上研发机构", required=False),
        Field("equity_financing_3y", "近三年新增股权融资", "amount", "万元", required=False, default=0),
    )
    parts = (
        ("ip_class1_own", "ip_class1"),
        ("ip_class1_high_value", "ip_class1"),
        ("main_revenue", "revenue"),
    )
    indicators = (
        Indicator("ip", "知识产权", 20, "创新能力"),
        Indicator(
            "rd", "研发费用占营业收入比重", 20, "创新能力", (("rd_expense", "revenue", "研发费用占营业收入"),)
        ),
        Indicator("growth", "主营业务收入增长率", 20, "成长性"),
        Indicator("debt", "资产负债率", 10, "成长性", (("total_liabilities", "total_assets", "资产负债率"),)),
        Indicator("field", "主导产品所属领域", 10, "专业化"),
        Indicator(
            "main_share",
            "主营业务收入占营业收入比重",
            20,
            "专业化",
            (("main_revenue", "revenue", "主营业务收入占比"),),
        ),
    )
    _ALT = "符合直接认定条件"
    conditions = (
        Condition("b_sme", "属于中小企业", f"{ANNEX} 评价标准"),
        Condition("b_compliance", "未列入异常名录、不属于禁止类、近三年无重大事故", f"{ANNEX} 评价标准"),
        Condition("c_score", "评价得分达到60分", f"{ANNEX} 评价标准", _ALT),
        Condition("c_group_innovation", "创新能力得分不低于20分", f"{ANNEX} 评价标准", _ALT),
        Condition("c_group_growth", "成长性得分不低于15分", f"{ANNEX} 评价标准", _ALT),
        Condition("c_group_specialisation", "专业化得分不低于15分", f"{ANNEX} 评价标准", _ALT),
    )

    def compute(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        """Six indicators, three group minimums, the pass mark and the direct conditions.

        References
        ----------
        .. [1] 工信部企业〔2022〕63号, 附件1《创新型中小企业评价标准》.
        """
        rd, revenue = pl.col("rd_expense"), pl.col("revenue")
        main, prev = pl.col("main_revenue"), pl.col("main_revenue_prev")
        lf = lf.with_columns(
            pts_ip=banded((pl.col(name) >= 1, pts) for name, pts in IP_BANDS),
            pts_rd=ratio_bands(rd, revenue, RD_BANDS),
            pts_growth=pl.when((prev == 0) & (main > 0))
            .then(pl.lit(GROWTH_BANDS[0][1], pl.Int64))
            .otherwise(banded((growth(prev, main, rate), pts) for rate, pts in GROWTH_BANDS)),
            pts_debt=ratio_bands_low(pl.col("total_liabilities"), pl.col("total_assets"), DEBT_BANDS),
            pts_field=pl.when(pl.col("strategic_emerging"))
            .then(pl.lit(FIELD_POINTS[0], pl.Int64))
            .otherwise(pl.lit(FIELD_POINTS[1], pl.Int64)),
            pts_main_share=ratio_bands(main, revenue, SHARE_BANDS),
        )
        groups = {g: pl.sum_horizontal(f"pts_{n}" for n in names) for g, names in GROUPS.items()}
        direct = any_of(
            [
                pl.col("sci_award_3y"),
                pl.col("honour_valid"),
                pl.col("provincial_rd_institution"),
                pl.col("equity_financing_3y") >= EQUITY_DIRECT * SCALE,
            ]
        )
        return lf.with_columns(
            score=pl.sum_horizontal(f"pts_{i.name}" for i in self.indicators),
            ok_b_sme=pl.col("is_sme"),
            ok_b_compliance=~(
                pl.col("abnormal_listed") | pl.col("prohibited_industry") | pl.col("major_incident")
            ),
            ok_c_group_innovation=groups["创新能力"] >= MIN_INNOVATION,
            ok_c_group_growth=groups["成长性"] >= MIN_GROWTH,
            ok_c_group_specialisation=groups["专业化"] >= MIN_SPECIALISATION,
            direct_rule=direct,
            alt_c_score=direct,
            alt_c_group_innovation=direct,
            alt_c_group_growth=direct,
            alt_c_group_specialisation=direct,
        ).with_columns(ok_c_score=pl.col("score") >= PASS_SCORE)

    def gap_plan(self, values: Mapping[str, Any], result: Mapping[str, Any], costs: Costs) -> GapPlan:
        """Two routes, the cheaper complete one proposed and the other kept as an alternative.

        * 评价得分: more IP and more R&D (revenue unchanged) towards 60 and the group minimums;
          growth, debt, field and share are not levers.  Only the score conditions that even
          the best IP and R&D bands cannot meet are blockers; the plan meets all the others.
        * 直接认定: equity financing raised to 500 万元 (近三年新增股权融资).

        References
        ----------
        .. [1] 工信部企业〔2022〕63号, 附件1《创新型中小企业评价标准》.
        """
        score_codes = {"c_score", "c_group_innovation", "c_group_growth", "c_group_specialisation"}
        basic = tuple(c.label for c in self._failed(result) if c.code not in score_codes)
        revenue = values["revenue"]
        targets = [(revenue * t / 100, p) for t, p in RD_BANDS] if revenue > 0 else []
        rd_opts = amount_options(
            "rd", result["pts_rd"], self.field("rd_expense"), values["rd_expense"], targets
        )
        fixed = {n: result[f"pts_{n}"] for n in ("growth", "debt", "field", "main_share")}
        options = {
            "ip": ip_options(self, values, result["pts_ip"], IP_BANDS),
            "rd": rd_opts,
            **{n: [Option(n, pts)] for n, pts in fixed.items()},
        }

        def held(points: Mapping[str, int | Fraction]) -> dict[str, bool]:
            sums = {g: sum(points[n] for n in names) for g, names in GROUPS.items()}
            return {
                "c_score": sum(points.values()) >= PASS_SCORE,
                "c_group_innovation": sums["创新能力"] >= MIN_INNOVATION,
                "c_group_growth": sums["成长性"] >= MIN_GROWTH,
                "c_group_specialisation": sums["专业化"] >= MIN_SPECIALISATION,
            }

        best = held({n: max(o.points for o in opts) for n, opts in options.items()})
        reachable = {code for code, ok in best.items() if ok}
        plan = cheapest(options, lambda p: all(held(p)[c] for c in reachable), costs) or ()
        unreachable = tuple(c.label for c in self._failed(result) if c.code in score_codes - reachable)
        routes = [GapPlan(plan, basic + unreachable, "评价得分")]
        f, equity = self.field("equity_financing_3y"), values["equity_financing_3y"]
        if equity < EQUITY_DIRECT:
            item = GapItem(f.name, f.label, f.unit, equity, Fraction(EQUITY_DIRECT), kind="direct")
            routes.append(GapPlan((item,), basic, "直接认定：近三年新增股权融资500万元以上"))
        return choose_route(routes, costs)


RULESET = InnovativeSme2022()
