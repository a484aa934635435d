"""专精特新"小巨人"企业认定标准 (little-giant-2022), 工信部企业〔2022〕63号 附件3.

docs/rules/little-giant-2022.md §3 explains annex 3: conditions only (no score), in six groups
专、精、特、新、链、品, all required, with an innovation-direct path for 新.

References
----------
.. [1] 工业和信息化部, 《优质中小企业梯度培育管理暂行办法》, 工信部企业〔2022〕63号, 2022,
   附件3《专精特新"小巨人"企业认定标准》.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Any

import polars as pl

from countyworks.rules.engine import Condition, Field, RuleSet, all_of, any_of, ratio_at_least, ratio_at_most
from countyworks.rules.gap import Costs, GapItem, GapPlan, staff_options
from countyworks.rules.numbers import SCALE
from countyworks.rules.specialized_sme_2022 import FIELDS as SPECIALIZED_FIELDS
from countyworks.rules.specialized_sme_2022 import compliance, main_growth_at_least

DOCUMENT = "工信部企业〔2022〕63号"
ANNEX = f"{DOCUMENT} 附件3"

#: 专 [年, %, %]; 精 资产负债率 [%]; 特 市场占有率 [%].
MIN_NICHE_YEARS, MIN_MAIN_SHARE, MIN_MAIN_GROWTH, MAX_DEBT, MIN_MARKET_SHARE = 3, 70, 5, 70, 10
#: 新 general 1, by last year's revenue [万元]: (revenue at least, both R&D ratios at least %).
RD_RATIO_RULES: tuple[tuple[int, int], ...] = ((10000, 3), (5000, 6))
#: 新 general 1 below 5000 万元: equity [万元], two-year R&D [万元], R&D staff share [%].
SMALL_EQUITY, SMALL_RD_TOTAL, SMALL_RD_STAFF = 8000, 3000, 50
#: 新 general 3: Ⅰ类 rights applied to the main product.
MIN_IP_APPLIED = 2

#: The specialized-sme-2022 fields this rule set reads (the others are accepted and ignored).
_USED = {
    "id", "is_sme", "abnormal_listed", "prohibited_industry", "major_incident", "niche_years", "revenue",
    "main_revenue_y1", "main_revenue_y2", "main_revenue_y3", "equity_financing_2y", "total_assets",
    "total_liabilities", "employees", "rd_staff", "own_brand", "rd_institution",
}  # fmt: skip


def _flag(name: str, label: str, *, required: bool = True) -> Field:
    return Field(name, label, "bool", required=required, default=None if required else False)


class LittleGiant2022(RuleSet):
    """专精特新"小巨人"企业认定 (little-giant-2022).

    Reads only the specialized-sme-2022 fields its conditions use; the two innovation-direct flags and equity
    financing are optional.  ``c_rd``, ``c_rd_institution`` and ``c_ip`` are listed only when
    ``c_innovation`` fails; ``direct`` is true when the row qualifies without all three
    general innovation conditions.

    References
    ----------
    .. [1] 工信部企业〔2022〕63号, 附件3《专精特新"小巨人"企业认定标准》.
    """

    code = "little-giant-2022"
    title = '专精特新"小巨人"企业认定标准'
    document = ANNEX
    effective = date(2022, 8, 1)  # 暂行办法 第三十条: 自2022年8月1日起施行
    scored = False
    fields = (
        *(f for f in SPECIALIZED_FIELDS if f.name in _USED),
        _flag("specialized_sme", "已认定专精特新中小企业"),
        Field("rd_ratio_y2", "上上年研发费用占营业收入比重", "ratio", "%"),
        Field("rd_ratio_y3", "上年研发费用占营业收入比重", "ratio", "%"),
        Field("rd_total_2y", "近两年研发费用总额", "amount", "万元"),
        Field("market_share_pct", "主导产品全国细分市场占有率", "ratio", "%", maximum=100),
        Field("ip_class1_applied", "主导产品相关Ⅰ类知识产权（实际应用并产生收入）", "count", "项"),
        _flag("info_system", "至少1项核心业务采用信息系统支撑"),
        _flag("mgmt_certification", "管理体系认证或发达国家和地区产品认证"),
        _flag("national_award_top3_3y", "近三年国家级科技奖励且排名前三", required=False),
        _flag("maker_china_top50", "近三年创客中国全国50强企业组", required=False),
        _flag("key_chain_position", "位于产业链关键环节"),
        _flag("priority_field", "主导产品属重点领域"),
    )
    parts = (("rd_staff", "employees"), ("main_revenue_y3", "revenue"))
    _ALT = "已满足创新能力条件（直通）"
    conditions = (
        Condition("b_sme", "属于中小企业", f"{ANNEX} 基本条件"),
        Condition("b_compliance", "未列入异常名录、不属于禁止类、近三年无重大事故", f"{ANNEX} 基本条件"),
        Condition("b_specialized", "已是专精特新中小企业", f"{ANNEX} 基本条件"),
        Condition("c_niche", "从事特定细分市场3年以上", f"{ANNEX} 专业化指标"),
        Condition("c_main_share", "主营业务收入占营业收入70%以上", f"{ANNEX} 专业化指标"),
        Condition("c_main_growth", "近2年主营业务收入平均增长率5%以上", f"{ANNEX} 专业化指标"),
        Condition("c_info_system", "至少1项核心业务采用信息系统支撑", f"{ANNEX} 精细化指标"),
        Condition("c_certification", "取得管理体系认证或产品认证", f"{ANNEX} 精细化指标"),
        Condition("c_debt", "资产负债率不高于70%", f"{ANNEX} 精细化指标"),
        Condition("c_market_share", "主导产品全国细分市场占有率10%以上", f"{ANNEX} 特色化指标"),
        Condition("c_brand", "拥有自主品牌", f"{ANNEX} 特色化指标"),
        Condition("c_innovation", "创新能力指标（一般条件或直通条件）", f"{ANNEX} 创新能力指标"),
        Condition("c_rd", "研发投入达标", f"{ANNEX} 创新能力指标 一般条件（一）", _ALT),
        Condition("c_rd_institution", "自建或共建研发机构", f"{ANNEX} 创新能力指标 一般条件（二）", _ALT),
        Condition("c_ip", "主导产品相关Ⅰ类知识产权2项以上", f"{ANNEX} 创新能力指标 一般条件（三）", _ALT),
        Condition("c_chain", "位于产业链关键环节", f"{ANNEX} 产业链配套指标"),
        Condition("c_field", "主导产品属重点领域", f"{ANNEX} 主导产品所属领域"),
    )

    def compute(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        """The conditions of the six groups.

        References
        ----------
        .. [1] 工信部企业〔2022〕63号, 附件3《专精特新"小巨人"企业认定标准》.
        """
        revenue = pl.col("revenue")
        small = all_of(
            [
                pl.col("equity_financing_2y") >= SMALL_EQUITY * SCALE,
                pl.col("rd_total_2y") >= SMALL_RD_TOTAL * SCALE,
                ratio_at_least(pl.col("rd_staff"), pl.col("employees"), SMALL_RD_STAFF),
            ]
        )
        rd: Any = pl
        for floor, ratio in RD_RATIO_RULES:
            both = (pl.col("rd_ratio_y2") >= ratio * SCALE) & (pl.col("rd_ratio_y3") >= ratio * SCALE)
            rd = rd.when(revenue >= floor * SCALE).then(both)
        lf = lf.with_columns(
            ok_b_sme=pl.col("is_sme"),
            ok_b_compliance=compliance(),
            ok_b_specialized=pl.col("specialized_sme"),
            ok_c_niche=pl.col("niche_years") >= MIN_NICHE_YEARS,
            ok_c_main_share=ratio_at_least(pl.col("main_revenue_y3"), revenue, MIN_MAIN_SHARE),
            ok_c_main_growth=main_growth_at_least(MIN_MAIN_GROWTH),
            ok_c_info_system=pl.col("info_system"),
            ok_c_certification=pl.col("mgmt_certification"),
            ok_c_debt=ratio_at_most(pl.col("total_liabilities"), pl.col("total_assets"), MAX_DEBT),
            ok_c_market_share=pl.col("market_share_pct") >= MIN_MARKET_SHARE * SCALE,
            ok_c_brand=pl.col("own_brand"),
            ok_c_rd=rd.otherwise(small),
            ok_c_rd_institution=pl.col("rd_institution") != "none",
            ok_c_ip=pl.col("ip_class1_applied") >= MIN_IP_APPLIED,
            ok_c_chain=pl.col("key_chain_position"),
            ok_c_field=pl.col("priority_field"),
        )
        general = all_of([pl.col("ok_c_rd"), pl.col("ok_c_rd_institution"), pl.col("ok_c_ip")])
        innovation = general | any_of([pl.col("national_award_top3_3y"), pl.col("maker_china_top50")])
        return lf.with_columns(ok_c_innovation=innovation, direct_rule=~general).with_columns(
            alt_c_rd=pl.col("ok_c_innovation"),
            alt_c_rd_institution=pl.col("ok_c_innovation"),
            alt_c_ip=pl.col("ok_c_innovation"),
        )

    def gap_plan(self, values: Mapping[str, Any], result: Mapping[str, Any], costs: Costs) -> GapPlan:
        """Rights for general (三) and, below 5000 万元 of revenue, for general (一): the two-year
        R&D total (a past-year figure: next year's filing), 研发人员 (reassigned or hired, the
        cheaper) and equity; every other failed condition is a blocker (``c_innovation`` is shown
        through its parts).

        References
        ----------
        .. [1] 工信部企业〔2022〕63号, 附件3 创新能力指标.
        """
        items: list[GapItem] = []
        fixed = {"c_innovation", "c_ip"}
        if result["fail_c_ip"]:
            f, n = self.field("ip_class1_applied"), values["ip_class1_applied"]
            items.append(GapItem(f.name, f.label, f.unit, Fraction(n), Fraction(MIN_IP_APPLIED)))
        small = values["revenue"] < RD_RATIO_RULES[-1][0]
        if result["fail_c_rd"] and small:
            fixed.add("c_rd")
            f, rd = self.field("rd_total_2y"), values["rd_total_2y"]
            items.append(
                GapItem(f.name, f.label, f.unit, rd, max(rd, Fraction(SMALL_RD_TOTAL)), kind="next_year")
            )
            f = self.field("rd_staff")
            options = staff_options(
                "rd_staff", 0, f, values["rd_staff"], values["employees"], ((SMALL_RD_STAFF, 1),)
            )
            items += min(options[1:], key=lambda o: (costs.total(o.items), len(o.items))).items
            f, equity = self.field("equity_financing_2y"), values["equity_financing_2y"]
            items.append(GapItem(f.name, f.label, f.unit, equity, max(equity, Fraction(SMALL_EQUITY))))
        blockers = tuple(c.label for c in self._failed(result) if c.code not in fixed)
        return GapPlan(tuple(i for i in items if i.delta > 0), blockers, "认定条件")


RULESET = LittleGiant2022()
