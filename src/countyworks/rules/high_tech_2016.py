"""高新技术企业认定 (high-tech-2016), 国科发火〔2016〕32号 and its 工作指引 国科发火〔2016〕195号.

docs/rules/high-tech-2016.md §3–§4 explains 第十一条 of the 管理办法 (conditions (一)–(八)) and
the 企业成长性 part of the 工作指引's 企业创新能力评价.

References
----------
.. [1] 科技部、财政部、国家税务总局, 《高新技术企业认定管理办法》, 国科发火〔2016〕32号, 2016.
.. [2] 科技部、财政部、国家税务总局, 《高新技术企业认定管理工作指引》, 国科发火〔2016〕195号, 2016.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Any

import polars as pl

from countyworks.rules.engine import (
    Check,
    Condition,
    Field,
    Indicator,
    RuleSet,
    banded,
    growth,
    mean_growth,
    ratio_at_least,
)
from countyworks.rules.gap import Costs, GapItem, GapPlan, amount_needed, staff_options
from countyworks.rules.numbers import SCALE

DOCUMENT = "国科发火〔2016〕32号"
GUIDE = "国科发火〔2016〕195号"
YEARS = (1, 2, 3)

#: 第十一条（四）: tech staff at least 10 % of employees.
TECH_STAFF_MIN = 10
#: 第十一条（五）: R&D intensity by the latest revenue [万元]: (revenue up to, threshold %).
RD_THRESHOLDS: tuple[tuple[int | None, int], ...] = ((5000, 5), (20000, 4), (None, 3))
#: 第十一条（五）: domestic R&D at least 60 % of all R&D.
DOMESTIC_MIN = 60
#: 第十一条（六）: high-tech income at least 60 % of total income.
HIGHTECH_INCOME_MIN = 60
#: 第十一条（七）: innovation score at least 71.
INNOVATION_MIN = 71
#: 工作指引 企业成长性: (growth rate at least %, points, lowest points of the guideline's range),
#: best first; the last band is "> 0" (strict), below it 0 points.
GROWTH_BANDS: tuple[tuple[int, int, int], ...] = ((35, 10, 9), (25, 8, 7), (15, 6, 5), (5, 4, 3), (0, 2, 1))


def _amount(name: str, label: str, *, required: bool = True, signed: bool = False) -> Field:
    return Field(name, label, "amount", "万元", required=required, signed=signed)


class HighTech2016(RuleSet):
    """高新技术企业认定条件 (high-tech-2016).

    ``score`` is the innovation score (expert scores may carry decimals, so every point
    column is Float64); ``direct`` is always false.  The years 1 and 2 are optional (an
    enterprise younger than three years); a year counts when its revenue is given.

    References
    ----------
    .. [1] 国科发火〔2016〕32号, 第十一条.
    .. [2] 国科发火〔2016〕195号, 企业创新能力评价.
    """

    code = "high-tech-2016"
    title = "高新技术企业认定管理办法"
    document = f"{DOCUMENT}、{GUIDE}"
    effective = date(2016, 1, 1)  # 第二十三条: 自2016年1月1日起实施
    scored = True
    fractional_points = True
    fields = (
        Field("id", "企业编号", "id", aliases=("统一社会信用代码",)),
        Field("registration_date", "注册日期", "date"),
        Field("application_date", "申请日期", "date"),
        Field("core_ip_owned", "拥有核心支持作用的知识产权所有权", "bool"),
        Field("in_supported_field", "属于《国家重点支持的高新技术领域》", "bool"),
        Field("major_incident", "申请前一年内重大安全/质量事故或严重环境违法", "bool"),
        Field("employees", "职工总数", "count", "人", minimum=1),
        Field("tech_staff", "科技人员数", "count", "人"),
        *(_amount(f"revenue_y{y}", f"第{y}年销售收入", required=y == 3) for y in YEARS),
        *(_amount(f"rd_y{y}", f"第{y}年研究开发费用", required=y == 3) for y in YEARS),
        _amount("rd_domestic", "境内研发费用"),
        _amount("hightech_income", "近一年高新技术产品(服务)收入"),
        _amount("total_income", "近一年总收入"),
        *(_amount(f"net_assets_y{y}", f"第{y}年净资产", required=y == 3, signed=True) for y in YEARS),
        Field("ip_pts", "知识产权得分", "score", "分", minimum=0, maximum=30),
        Field("conversion_pts", "科技成果转化能力得分", "score", "分", minimum=0, maximum=30),
        Field("rd_mgmt_pts", "研究开发组织管理水平得分", "score", "分", minimum=0, maximum=20),
        Field(
            "growth_net_assets_pts", "净资产增长率得分", "score", "分", required=False, minimum=0, maximum=10
        ),
        Field(
            "growth_revenue_pts", "销售收入增长率得分", "score", "分", required=False, minimum=0, maximum=10
        ),
    )
    parts = (("tech_staff", "employees"), ("hightech_income", "total_income"))
    indicators = (
        Indicator("ip", "知识产权", 30, "创新能力"),
        Indicator("conversion", "科技成果转化能力", 30, "创新能力"),
        Indicator("rd_mgmt", "研究开发组织管理水平", 20, "创新能力"),
        Indicator("growth_net_assets", "净资产增长率", 10, "企业成长性"),
        Indicator("growth_revenue", "销售收入增长率", 10, "企业成长性"),
    )
    conditions = (
        Condition("c1_age", "注册成立一年以上", f"{DOCUMENT} 第十一条（一）"),
        Condition("c2_ip", "拥有核心支持作用的知识产权所有权", f"{DOCUMENT} 第十一条（二）"),
        Condition("c3_field", "属于国家重点支持的高新技术领域", f"{DOCUMENT} 第十一条（三）"),
        Condition("c4_tech_staff", "科技人员占职工总数不低于10%", f"{DOCUMENT} 第十一条（四）"),
        Condition("c5_rd_ratio", "近三年研发费用占销售收入比例达标", f"{DOCUMENT} 第十一条（五）"),
        Condition("c5_rd_domestic", "境内研发费用占比不低于60%", f"{DOCUMENT} 第十一条（五）"),
        Condition("c6_hightech_income", "高新技术产品(服务)收入占比不低于60%", f"{DOCUMENT} 第十一条（六）"),
        Condition("c7_innovation", "创新能力评价不低于71分", f"{DOCUMENT} 第十一条（七）"),
        Condition("c8_incident", "申请前一年内无重大事故或严重环境违法", f"{DOCUMENT} 第十一条（八）"),
    )

    def compute(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        """Conditions (一)–(八) and the innovation score, points scaled by SCALE.

        References
        ----------
        .. [1] 国科发火〔2016〕32号, 第十一条.
        .. [2] 国科发火〔2016〕195号, 企业创新能力评价, 企业成长性.
        """
        rev_sum, rd_sum = _sum_years("revenue"), _sum_years("rd")
        growth_pts = [growth_points(base).alias(f"pts_growth_{base}") for base in ("net_assets", "revenue")]
        return (
            lf.with_columns(
                pl.col("ip_pts").alias("pts_ip"),
                pl.col("conversion_pts").alias("pts_conversion"),
                pl.col("rd_mgmt_pts").alias("pts_rd_mgmt"),
                *growth_pts,
            )
            .with_columns(score=pl.sum_horizontal(f"pts_{i.name}" for i in self.indicators))
            .with_columns(
                ok_c1_age=pl.col("application_date") >= pl.col("registration_date").dt.offset_by("1y"),
                ok_c2_ip=pl.col("core_ip_owned"),
                ok_c3_field=pl.col("in_supported_field"),
                ok_c4_tech_staff=ratio_at_least(pl.col("tech_staff"), pl.col("employees"), TECH_STAFF_MIN),
                ok_c5_rd_ratio=rd_intensity_ok(rd_sum, rev_sum, pl.col("revenue_y3")),
                ok_c5_rd_domestic=ratio_at_least(pl.col("rd_domestic"), rd_sum, DOMESTIC_MIN),
                ok_c6_hightech_income=ratio_at_least(
                    pl.col("hightech_income"), pl.col("total_income"), HIGHTECH_INCOME_MIN
                ),
                ok_c7_innovation=pl.col("score") >= INNOVATION_MIN * SCALE,
                ok_c8_incident=~pl.col("major_incident"),
                direct_rule=pl.lit(False),
            )
        )

    def extra_checks(self) -> list[Check]:
        """The year rules of 第十一条（五） as docs/rules/high-tech-2016.md §5 reads them, and expert growth values
        inside their band's range (工作指引 企业成长性)."""
        checks = []
        for y in YEARS:
            rev, rd, na = (pl.col(f"{n}_y{y}__blank") for n in ("revenue", "rd", "net_assets"))
            checks += [
                Check(
                    f"rd_y{y}",
                    ~rev & rd,
                    "R&D blank for a year with revenue",
                    f"第{y}年有销售收入但研究开发费用为空",
                ),
                Check(
                    f"rd_y{y}",
                    rev & ~rd,
                    "R&D given for a year without revenue",
                    f"第{y}年无销售收入却填写了研究开发费用",
                ),
                Check(
                    f"net_assets_y{y}",
                    ~rev & na,
                    "net assets blank for a year with revenue",
                    f"第{y}年有销售收入但净资产为空",
                ),
                Check(
                    f"net_assets_y{y}",
                    rev & ~na,
                    "net assets given for a year without revenue",
                    f"第{y}年无销售收入却填写了净资产",
                ),
            ]
        checks.append(
            Check(
                "revenue_y2",
                pl.col("revenue_y2__blank") & ~pl.col("revenue_y1__blank"),
                "revenue_y2 blank while revenue_y1 is given",
                "第1年销售收入已填写而第2年为空",
            )
        )
        checks.append(
            Check(
                "rd_domestic",
                pl.col("rd_domestic") > _sum_years("rd"),
                "rd_domestic above all R&D",
                "境内研发费用大于研究开发费用总额",
            )
        )
        for base in ("net_assets", "revenue"):
            top, given = growth_top(base), pl.col(f"growth_{base}_pts")
            checks.append(
                Check(
                    f"growth_{base}_pts",
                    (given < growth_floor(top)) | (given > top),
                    "expert growth points outside the band's range",
                    "专家成长性评分不在对应档次的分值范围内",
                )
            )
        return checks

    def gap_plan(self, values: Mapping[str, Any], result: Mapping[str, Any], costs: Costs) -> GapPlan:
        """Staff for (四) (reassigned or hired, the cheaper), and, as next year's filing, 境内 R&D
        for (五) (domestic, so both ratios rise) and high-tech income for (六) (also income) —
        past-year figures that cannot change now — and the innovation points still missing
        for (七).

        References
        ----------
        .. [1] 国科发火〔2016〕32号, 第十一条（四）–（七）.
        """
        items: list[GapItem] = []
        fixable = {"c4_tech_staff", "c5_rd_ratio", "c5_rd_domestic", "c6_hightech_income", "c7_innovation"}
        if result["fail_c4_tech_staff"]:
            f = self.field("tech_staff")
            options = staff_options(
                "staff", 0, f, values["tech_staff"], values["employees"], ((TECH_STAFF_MIN, 1),)
            )
            items += min(options[1:], key=lambda o: (costs.total(o.items), len(o.items))).items
        if result["fail_c5_rd_ratio"] or result["fail_c5_rd_domestic"]:
            rd = sum((values[f"rd_y{y}"] or Fraction(0) for y in YEARS), Fraction(0))
            rev = sum((values[f"revenue_y{y}"] or Fraction(0) for y in YEARS), Fraction(0))
            need = max(
                amount_needed(rd, rev, rd_threshold(values["revenue_y3"]), in_whole=False),
                amount_needed(values["rd_domestic"], rd, DOMESTIC_MIN, in_whole=True),
            )
            f = self.field("rd_y3")
            label = f.label.replace("研究开发费用", "境内研究开发费用")
            items.append(
                GapItem(
                    f.name,
                    label,
                    f.unit,
                    values["rd_y3"],
                    values["rd_y3"] + need,
                    ("rd_domestic",),
                    "next_year",
                )
            )
        if result["fail_c6_hightech_income"]:
            f, income = self.field("hightech_income"), values["hightech_income"]
            need = amount_needed(income, values["total_income"], HIGHTECH_INCOME_MIN, in_whole=True)
            items.append(
                GapItem(f.name, f.label, f.unit, income, income + need, ("total_income",), "next_year")
            )
        if result["fail_c7_innovation"]:
            score = Fraction(str(result["score"]))
            items.append(GapItem("score", "创新能力评价得分", "分", score, Fraction(INNOVATION_MIN)))
        blockers = tuple(c.label for c in self._failed(result) if c.code not in fixable)
        return GapPlan(tuple(items), blockers, "认定条件")


def _sum_years(name: str) -> pl.Expr:
    return pl.sum_horizontal(pl.col(f"{name}_y{y}").fill_null(0) for y in YEARS)


def rd_threshold(revenue_y3: Fraction) -> int:
    """R&D intensity threshold [%] by the latest year's revenue [万元]: ≤5000 → 5, ≤20000 → 4,
    above → 3.

    References
    ----------
    .. [1] 国科发火〔2016〕32号, 第十一条（五）.
    """
    return next(t for limit, t in RD_THRESHOLDS if limit is None or revenue_y3 <= limit)


def rd_intensity_ok(rd_sum: pl.Expr, rev_sum: pl.Expr, revenue_y3: pl.Expr) -> pl.Expr:
    """Σ rd / Σ revenue over the years present ≥ the threshold of :func:`rd_threshold`.

    References
    ----------
    .. [1] 国科发火〔2016〕32号, 第十一条（五）.
    """
    tests: Any = pl
    for limit, threshold in RD_THRESHOLDS:
        ok = ratio_at_least(rd_sum, rev_sum, threshold)
        tests = tests.when(revenue_y3 <= limit * SCALE).then(ok) if limit is not None else tests.otherwise(ok)
    return tests


def growth_top(base: str) -> pl.Expr:
    """成长性 points [分 × SCALE] of ``<base>_y1..y3`` at the top of the guideline's range.

    rate = ½ (y2/y1 + y3/y2) − 1, or y3/y2 − 1 when y1 is 0 or blank; a y2 of 0 or blank
    gives 0 points, and so does any negative year (净资产为负).  Bands ≥35 % → 10, ≥25 % → 8,
    ≥15 % → 6, ≥5 % → 4, > 0 → 2, else 0 (the top of 9–10 … 1–2).  A rate of exactly 0
    earns 0: the guideline's "为负的，按0分计算" read together with "F ≤ 0".

    References
    ----------
    .. [1] 国科发火〔2016〕195号, 企业创新能力评价, 企业成长性.
    """
    y1, y2, y3 = (pl.col(f"{base}_y{y}") for y in YEARS)
    single = y1.is_null() | (y1 == 0)
    tests = []
    for rate, points, _ in GROWTH_BANDS:
        strict = rate == 0
        test = pl.when(single).then(growth(y2, y3, rate, strict=strict))
        tests.append((test.otherwise(mean_growth(y1, y2, y3, rate, strict=strict)), points * SCALE))
    negative = pl.any_horizontal(pl.col(f"{base}_y{y}") < 0 for y in YEARS).fill_null(False)
    return pl.when(negative).then(pl.lit(0, pl.Int64)).otherwise(banded(tests))


def growth_points(base: str) -> pl.Expr:
    """The expert's value from ``growth_<base>_pts`` when given, else :func:`growth_top`.

    References
    ----------
    .. [1] 国科发火〔2016〕195号, 企业创新能力评价, 企业成长性.
    """
    expert = pl.col(f"growth_{base}_pts")
    return pl.when(expert.is_not_null()).then(expert).otherwise(growth_top(base))


def growth_floor(top: pl.Expr) -> pl.Expr:
    """The lowest points of the guideline's range whose top is ``top`` [× SCALE]."""
    floor: Any = pl
    for _, points, low in GROWTH_BANDS:
        floor = floor.when(top == points * SCALE).then(pl.lit(low * SCALE, pl.Int64))
    return floor.otherwise(pl.lit(0, pl.Int64))


RULESET = HighTech2016()
