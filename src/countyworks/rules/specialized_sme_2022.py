"""专精特新中小企业认定标准 (specialized-sme-2022), 工信部企业〔2022〕63号 附件2.

docs/rules/specialized-sme-2022.md §3–§4 explains annex 2: the four conditions (一)–(四), the direct
alternatives to the score of (四), and the 专精特新中小企业评价指标 (专业化 25, 精细化 25,
特色化 15, 创新能力 35).

References
----------
.. [1] 工业和信息化部, 《优质中小企业梯度培育管理暂行办法》, 工信部企业〔2022〕63号, 2022,
   附件2《专精特新中小企业认定标准》.
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
    banded,
    mean_growth,
    ratio_at_least,
    ratio_bands,
    ratio_bands_low,
    value_bands,
)
from countyworks.rules.gap import (
    Costs,
    GapItem,
    GapPlan,
    Option,
    amount_needed,
    amount_options,
    cheapest,
    choose_route,
    merge_items,
    staff_options,
)
from countyworks.rules.innovative_sme_2022 import IP_FIELDS, ip_options
from countyworks.rules.numbers import SCALE

DOCUMENT = "工信部企业〔2022〕63号"
ANNEX = f"{DOCUMENT} 附件2"

#: 专业化 主营业务收入占营业收入比重 (threshold %, points).
SHARE_BANDS: tuple[tuple[int, int], ...] = ((80, 5), (70, 3), (60, 1))
#: 专业化 近2年主营业务收入平均增长率 (threshold %, points); 0 % earns 2.
GROWTH_BANDS: tuple[tuple[int, int], ...] = ((10, 10), (8, 8), (6, 6), (4, 4), (0, 2))
#: 专业化 从事特定细分市场年限: 1 point per full 2 years, at most 5.
NICHE_YEARS_PER_POINT, NICHE_MAX = 2, 5
#: 专业化 产业链配套.
CHAIN_POINTS = {"key": 5, "basic": 3, "none": 0}
#: 精细化 数字化水平 (level at least, points).
DIGITAL_BANDS: tuple[tuple[int, int], ...] = ((3, 5), (2, 3))
#: 精细化 质量管理: 3 points per item held, at most 5.
QUALITY_ITEMS = ("quality_award", "iso9001", "own_brand", "standard_drafting")
QUALITY_EACH, QUALITY_MAX = 3, 5
#: 精细化 净利率 (threshold %, points).
MARGIN_BANDS: tuple[tuple[int, int], ...] = ((10, 10), (8, 8), (6, 6), (4, 4), (2, 2))
#: 精细化 资产负债率, lower is better (at most %, points).
DEBT_BANDS: tuple[tuple[int, int], ...] = ((50, 5), (60, 3), (70, 1))
#: 创新能力 知识产权: (count field, points), best first.
IP_BANDS: tuple[tuple[str, int], ...] = (
    ("ip_class1_high_value", 10),
    ("ip_class1_own", 8),
    ("ip_class1", 6),
    ("ip_class2", 2),
)
#: 创新能力 研发费用: amount [万元] and ratio to revenue [%], (threshold, points).
RD_AMOUNT_BANDS: tuple[tuple[int, int], ...] = ((500, 10), (400, 8), (300, 6), (200, 4), (100, 2))
RD_RATIO_BANDS: tuple[tuple[int, int], ...] = ((10, 10), (8, 8), (6, 6), (4, 4), (3, 2))
#: 创新能力 研发人员占比 (threshold %, points).
RD_STAFF_BANDS: tuple[tuple[int, int], ...] = ((20, 5), (10, 3), (5, 1))
#: 创新能力 研发机构.
INSTITUTION_POINTS = {"national": 10, "provincial": 8, "municipal": 4, "below": 2, "none": 0}
#: Conditions (一)–(四) [年, 万元, %].
MIN_NICHE_YEARS, MIN_RD, MIN_RD_RATIO = 2, 100, 3
MIN_REVENUE, EQUITY_SMALL = 1000, 2000
PASS_SCORE, RD_MEAN_DIRECT, EQUITY_DIRECT = 60, 1000, 6000


def _flag(name: str, label: str, *, required: bool = True) -> Field:
    return Field(name, label, "bool", required=required, default=None if required else False)


def _amount(name: str, label: str, **kw: Any) -> Field:
    return Field(name, label, "amount", "万元", **kw)


#: The fields of annex 2, shared with annex 3 (little-giant) which reads most of them.
FIELDS: tuple[Field, ...] = (
    Field("id", "企业编号", "id", aliases=("统一社会信用代码",)),
    _flag("is_sme", "符合《中小企业划型标准规定》"),
    _flag("abnormal_listed", "经营异常名录或严重失信主体名单"),
    _flag("prohibited_industry", "禁止/限制/淘汰类"),
    _flag("major_incident", "近三年重大安全、质量、环境事故或偷漏税"),
    Field("niche_years", "从事特定细分市场年限", "count", "年"),
    _amount("rd_expense", "研发费用总额"),
    _amount("rd_expense_prev", "上年研发费用总额"),
    _amount("revenue", "营业收入"),
    *(_amount(f"main_revenue_y{y}", f"第{y}年主营业务收入") for y in (1, 2, 3)),
    _amount("equity_financing_2y", "近两年新增股权融资", required=False, default=0),
    _amount("net_profit", "净利润", signed=True),
    _amount("total_assets", "资产总额"),
    _amount("total_liabilities", "负债总额"),
    Field("employees", "职工总数", "count", "人", minimum=1),
    Field("rd_staff", "研发人员数", "count", "人"),
    Field("chain_role", "产业链配套", "enum", choices=tuple(CHAIN_POINTS)),
    Field("digital_level", "数字化水平", "count", "级", minimum=1),
    *(
        _flag(name, label)
        for name, label in zip(
            QUALITY_ITEMS, ("省级以上质量奖", "质量管理体系认证", "自主品牌", "参与制修订标准"), strict=True
        )
    ),
    Field("local_pts", "特色化指标得分", "score", "分", minimum=0, maximum=15),
    *IP_FIELDS,
    Field("rd_institution", "研发机构", "enum", choices=tuple(INSTITUTION_POINTS)),
    _flag("sci_award_top", "近三年省级科技奖励前三或国家级前五", required=False),
    _flag("maker_china_top500", "近三年创客中国全国500强", required=False),
)
PARTS: tuple[tuple[str, str], ...] = (
    ("rd_staff", "employees"),
    ("ip_class1_own", "ip_class1"),
    ("ip_class1_high_value", "ip_class1"),
    ("main_revenue_y3", "revenue"),
)


def compliance() -> pl.Expr:
    """Not listed, not prohibited, no major incident (63号 附件2/附件3 基本条件)."""
    return ~(pl.col("abnormal_listed") | pl.col("prohibited_industry") | pl.col("major_incident"))


def main_growth_at_least(rate: int) -> pl.Expr:
    """Mean of the two yearly growth rates of main revenue ≥ rate % (y1, y2 > 0).

    References
    ----------
    .. [1] 工信部企业〔2022〕63号, 附件2 专业化指标; 附件3 专业化指标.
    """
    y1, y2, y3 = (pl.col(f"main_revenue_y{y}") for y in (1, 2, 3))
    return mean_growth(y1, y2, y3, rate)


class SpecializedSme2022(RuleSet):
    """专精特新中小企业认定 (specialized-sme-2022).

    ``local_pts`` (set by the province) may carry decimals, so ``score`` and the point columns
    are Float64.  Equity financing and the two direct flags are optional (blank = none).
    ``c4_score`` is listed only when no direct alternative of (四) holds; ``direct`` is true
    when the row qualifies with a score below 60.  A zero main revenue in year 1 or 2 gives
    0 growth points (zero denominator).

    References
    ----------
    .. [1] 工信部企业〔2022〕63号, 附件2《专精特新中小企业认定标准》.
    """

    code = "specialized-sme-2022"
    title = "专精特新中小企业认定标准"
    document = ANNEX
    effective = date(2022, 8, 1)  # 暂行办法 第三十条: 自2022年8月1日起施行
    fractional_points = True
    fields = FIELDS
    parts = PARTS
    indicators = (
        Indicator(
            "main_share",
            "主营业务收入占比",
            5,
            "专业化",
            (("main_revenue_y3", "revenue", "主营业务收入占比"),),
        ),
        Indicator("main_growth", "主营业务收入平均增长率", 10, "专业化"),
        Indicator("niche_years", "从事特定细分市场年限", 5, "专业化"),
        Indicator("chain_role", "产业链配套", 5, "专业化"),
        Indicator("digital", "数字化水平", 5, "精细化"),
        Indicator("quality", "质量管理水平", 5, "精细化"),
        Indicator("net_margin", "净利率", 10, "精细化", (("net_profit", "revenue", "净利率"),)),
        Indicator("debt", "资产负债率", 5, "精细化", (("total_liabilities", "total_assets", "资产负债率"),)),
        Indicator("local", "特色化指标", 15, "特色化"),
        Indicator("ip", "知识产权", 10, "创新能力"),
        Indicator("rd", "研发费用", 10, "创新能力", (("rd_expense", "revenue", "研发费用占营业收入"),)),
        Indicator("rd_staff", "研发人员占比", 5, "创新能力", (("rd_staff", "employees", "研发人员占比"),)),
        Indicator("rd_institution", "研发机构", 10, "创新能力"),
    )
    conditions = (
        Condition("b_sme", "属于中小企业", f"{ANNEX} 基本条件"),
        Condition("b_compliance", "未列入异常名录、不属于禁止类、近三年无重大事故", f"{ANNEX} 基本条件"),
        Condition("c1_niche", "从事特定细分市场2年以上", f"{ANNEX} （一）"),
        Condition("c2_rd", "研发费用不低于100万元且占营业收入不低于3%", f"{ANNEX} （二）"),
        Condition("c3_revenue", "营业收入1000万元以上或股权融资2000万元以上", f"{ANNEX} （三）"),
        Condition("c4_score", "评价得分达到60分", f"{ANNEX} （四）", "满足（四）所列条件之一"),
    )

    def compute(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        """The thirteen indicators (points scaled by SCALE) and conditions (一)–(四).

        References
        ----------
        .. [1] 工信部企业〔2022〕63号, 附件2《专精特新中小企业认定标准》, 评价指标.
        """
        rd, revenue = pl.col("rd_expense"), pl.col("revenue")
        quality = pl.sum_horizontal(pl.col(n).cast(pl.Int64) for n in QUALITY_ITEMS) * QUALITY_EACH
        points = {
            "main_share": ratio_bands(pl.col("main_revenue_y3"), revenue, SHARE_BANDS),
            "main_growth": banded((main_growth_at_least(r), p) for r, p in GROWTH_BANDS),
            "niche_years": (pl.col("niche_years") // NICHE_YEARS_PER_POINT).clip(0, NICHE_MAX),
            "chain_role": pl.col("chain_role").replace_strict(CHAIN_POINTS, return_dtype=pl.Int64),
            "digital": value_bands(pl.col("digital_level"), DIGITAL_BANDS),
            "quality": quality.clip(0, QUALITY_MAX),
            "net_margin": ratio_bands(pl.col("net_profit"), revenue, MARGIN_BANDS),
            "debt": ratio_bands_low(pl.col("total_liabilities"), pl.col("total_assets"), DEBT_BANDS),
            "ip": banded((pl.col(name) >= 1, pts) for name, pts in IP_BANDS),
            "rd": pl.max_horizontal(
                value_bands(rd, RD_AMOUNT_BANDS, SCALE), ratio_bands(rd, revenue, RD_RATIO_BANDS)
            ),
            "rd_staff": ratio_bands(pl.col("rd_staff"), pl.col("employees"), RD_STAFF_BANDS),
            "rd_institution": pl.col("rd_institution").replace_strict(
                INSTITUTION_POINTS, return_dtype=pl.Int64
            ),
        }
        scaled = [(expr * SCALE).alias(f"pts_{name}") for name, expr in points.items()]
        alternative = any_of(
            [
                pl.col("sci_award_top"),
                pl.col("rd_expense") + pl.col("rd_expense_prev") >= 2 * RD_MEAN_DIRECT * SCALE,
                pl.col("equity_financing_2y") >= EQUITY_DIRECT * SCALE,
                pl.col("maker_china_top500"),
            ]
        )
        return (
            lf.with_columns(*scaled, pl.col("local_pts").alias("pts_local"))
            .with_columns(score=pl.sum_horizontal(f"pts_{i.name}" for i in self.indicators))
            .with_columns(
                ok_b_sme=pl.col("is_sme"),
                ok_b_compliance=compliance(),
                ok_c1_niche=pl.col("niche_years") >= MIN_NICHE_YEARS,
                ok_c2_rd=all_of([rd >= MIN_RD * SCALE, ratio_at_least(rd, revenue, MIN_RD_RATIO)]),
                ok_c3_revenue=(revenue >= MIN_REVENUE * SCALE)
                | (pl.col("equity_financing_2y") >= EQUITY_SMALL * SCALE),
                ok_c4_score=pl.col("score") >= PASS_SCORE * SCALE,
                alt_c4_score=alternative,
                direct_rule=pl.col("score") < PASS_SCORE * SCALE,
            )
        )

    def gap_plan(self, values: Mapping[str, Any], result: Mapping[str, Any], costs: Costs) -> GapPlan:
        """R&D for (二) and equity for (三) in every route, then three routes for (四): the
        score (R&D, 研发人员 reassigned or hired, IP), R&D raised until the two-year mean
        reaches 1000 万元, or equity financing of 6000 万元; the cheapest complete route is
        proposed and the others kept as alternatives.

        References
        ----------
        .. [1] 工信部企业〔2022〕63号, 附件2（二）、（三）、（四）, 评价指标.
        """
        rd, revenue = values["rd_expense"], values["revenue"]
        f_rd, f_eq = self.field("rd_expense"), self.field("equity_financing_2y")
        equity = values["equity_financing_2y"]
        required: list[GapItem] = []
        if result["fail_c2_rd"] and revenue > 0:
            need = max(Fraction(MIN_RD) - rd, amount_needed(rd, revenue, MIN_RD_RATIO, in_whole=False))
            required.append(GapItem(f_rd.name, f_rd.label, f_rd.unit, rd, rd + need))
        if result["fail_c3_revenue"]:
            required.append(GapItem(f_eq.name, f_eq.label, f_eq.unit, equity, Fraction(EQUITY_SMALL)))
        fixable = {"c4_score", "c3_revenue"} | ({"c2_rd"} if revenue > 0 else set())
        blockers = tuple(c.label for c in self._failed(result) if c.code not in fixable)
        if not result["fail_c4_score"]:
            return GapPlan(merge_items(required), blockers, "认定条件")
        pts = {i.name: Fraction(str(result[f"pts_{i.name}"])) for i in self.indicators}
        targets = {p: Fraction(t) for t, p in RD_AMOUNT_BANDS}
        for t, p in RD_RATIO_BANDS:
            if revenue > 0:
                targets[p] = min(targets[p], revenue * t / 100)
        # R&D already required by (二) earns its band for free: options start from there.
        rd_floor = max((i.required for i in required if i.field == "rd_expense"), default=rd)
        floor = max([p for p, t in targets.items() if t <= rd_floor], default=pts["rd"])
        options: dict[str, list[Option]] = {
            "ip": ip_options(self, values, pts["ip"], IP_BANDS),
            "rd": amount_options("rd", max(floor, pts["rd"]), f_rd, rd, ((t, p) for p, t in targets.items())),
            "rd_staff": staff_options(
                "rd_staff",
                pts["rd_staff"],
                self.field("rd_staff"),
                values["rd_staff"],
                values["employees"],
                RD_STAFF_BANDS,
            ),
        }
        rest = sum(v for k, v in pts.items() if k not in options)
        plan = cheapest(options, lambda p: rest + sum(p.values()) >= PASS_SCORE, costs, required)
        score_blockers = () if plan is not None else (self.conditions[-1].label,)
        routes = [GapPlan(plan or merge_items(required), blockers + score_blockers, "评价得分")]
        mean_need = 2 * RD_MEAN_DIRECT - values["rd_expense_prev"]
        direct_rd = GapItem(f_rd.name, f_rd.label, f_rd.unit, rd, max(rd, mean_need), kind="direct")
        routes.append(
            GapPlan(
                merge_items([*required, direct_rd]),
                blockers,
                "直接认定：近两年研发费用平均1000万元以上",
            )
        )
        direct_eq = GapItem(
            f_eq.name, f_eq.label, f_eq.unit, equity, max(equity, Fraction(EQUITY_DIRECT)), kind="direct"
        )
        routes.append(
            GapPlan(merge_items([*required, direct_eq]), blockers, "直接认定：近两年新增股权融资6000万元以上")
        )
        return choose_route(routes, costs)


RULESET = SpecializedSme2022()
