"""亩均效益 evaluation (正向激励 + 反向倒逼): what every 亩均 rule set shares.

An enterprise's per-mu figures are scored, summed with a bonus and a penalty, ranked within its
group over the whole file (规上, 规下, leased) and classed A/B/C/D by its rank share; utilities,
enterprises less than two years in production and 规下 enterprises on less than 3 亩 are not
rated (T). The two scoring forms (benchmark ratio, min–max) are the subclasses
:mod:`countyworks.rules.mujun_huaian_2023` and :mod:`countyworks.rules.mujun_jingde_2023`;
docs/rules/mujun-huaian-2023.md explains the rules.

Exact arithmetic: values are held in 1/SCALE of their unit (the engine's convention); a ratio
x = num/den enters every formula as the exact fraction, points are rounded half up to
0.0001 分 once, and ranks compare those rounded points (equal to 0.0001 分 = a tie, sharing the
better rank).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import polars as pl

from countyworks.rules.engine import SCALE, Check, Condition, Field, Indicator, RuleSet, format_number
from countyworks.rules.translate import Translate, as_declared

#: The groups ranked separately; Chinese values are accepted as aliases.
GROUPS: dict[str, str] = {"above": "规上", "below": "规下", "leased": "租赁"}
GROUP_ALIASES = {"规上": "above", "规下": "below", "租赁": "leased"}
#: Class cut-offs on p = rank / N, inclusive [%]: A ≤ 20, B ≤ 60, C ≤ 95, else D.
CLASS_CUTS: tuple[tuple[str, int], ...] = (("A", 20), ("B", 60), ("C", 95))
#: 规下 enterprises on less land than this [亩] are not rated.
MIN_LAND_BELOW = 3
#: Years in production below which an enterprise is not rated (T).
MIN_PRODUCTION_YEARS = 2


@dataclass(frozen=True)
class Ratio:
    """A per-unit indicator x = numerator ÷ denominator, named for its ``pts_`` column."""

    name: str
    label: str
    unit: str
    numerator: str
    denominator: str


#: The indicators of the default rule sets (亩均税收, 亩均营业收入, 单位能耗税收: docs/rules/mujun-huaian-2023.md §2).
TAX_PER_MU = Ratio("tax_per_mu", "亩均税收", "万元/亩", "tax", "land_mu")
REVENUE_PER_MU = Ratio("revenue_per_mu", "亩均营业收入", "万元/亩", "revenue", "land_mu")
TAX_PER_ENERGY = Ratio("tax_per_energy", "单位能耗税收", "万元/吨标煤", "tax", "energy_tce")
VALUE_ADDED_PER_MU = Ratio("value_added_per_mu", "亩均增加值", "万元/亩", "value_added", "land_mu")

FIELDS: tuple[Field, ...] = (
    Field("id", "企业编号", "id", aliases=("统一社会信用代码",)),
    Field("group", "分组", "enum", choices=(*GROUPS, *GROUP_ALIASES)),
    Field("land_mu", "用地面积", "amount", "亩", aliases=("用地面积（亩）",)),
    Field("tax", "实缴税收", "amount", "万元", aliases=("税收",)),
    Field("revenue", "营业收入", "amount", "万元"),
    Field("value_added", "工业增加值", "amount", "万元", required=False, signed=True, default=0),
    Field("energy_tce", "综合能耗", "amount", "吨标煤", required=False, default=0),
    Field("employees", "年平均职工人数", "count", "人", required=False, default=0),
    Field("rd_expense", "研发费用", "amount", "万元", required=False, default=0),
    Field("production_years", "投产年限", "count", "年"),
    Field("utility", "公用事业企业", "bool", required=False, default=False),
    Field("bonus", "加分", "score", "分", required=False, default=0),
    Field("penalty", "减分", "score", "分", required=False, default=0),
)

CONDITIONS: tuple[Condition, ...] = (
    Condition("t_utility", "非公用事业企业", "亩均评价 参评范围（T类：公用事业）"),
    Condition("t_new", "投产满2年", "亩均评价 参评范围（T类：投产不满2年）"),
    Condition("t_small_land", "规下企业用地不少于3亩", "亩均评价 参评范围（规下企业用地3亩以上）"),
)


def group_expr() -> pl.Expr:
    return pl.col("group").replace(GROUP_ALIASES)


def rated_expr() -> pl.Expr:
    return pl.all_horizontal(pl.col(f"ok_{c.code}").fill_null(False) for c in CONDITIONS)


def rank_and_class(score: pl.Expr) -> list[pl.Expr]:
    """``rank`` (1 the best, ties share the better rank), ``group_size`` N and ``class`` within each
    group over the rated rows: A if rank/N ≤ 20 %, B ≤ 60 %, C ≤ 95 %, else D; T when not rated.

    References
    ----------
    .. [1] 淮安市 亩均效益评价 分类办法 (A 前20%, B 20–60%, C 60–95%, D 后5%), the confirmed
       form; docs/rules/mujun-huaian-2023.md §3.
    """
    rated = rated_expr()
    keyed = pl.when(rated).then(score)
    rank = keyed.rank("min", descending=True).over("group").cast(pl.Int64)
    size = rated.cast(pl.Int64).sum().over("group")
    chain: Any = pl.when(~rated).then(pl.lit("T"))
    for klass, cut in CLASS_CUTS:
        chain = chain.when(rank * 100 <= size * cut).then(pl.lit(klass))
    return [
        rank.alias("rank"),
        pl.when(rated).then(size).alias("group_size"),
        chain.otherwise(pl.lit("D")).alias("class"),
    ]


def scope_conditions() -> list[pl.Expr]:
    """``ok_`` columns of the T conditions and the (unused) ``direct_rule``."""
    return [
        (~pl.col("utility").fill_null(False)).alias("ok_t_utility"),
        (pl.col("production_years") >= MIN_PRODUCTION_YEARS).alias("ok_t_new"),
        ((pl.col("group") != "below") | (pl.col("land_mu") >= MIN_LAND_BELOW * SCALE)).alias(
            "ok_t_small_land"
        ),
        pl.lit(False).alias("direct_rule"),
    ]


class MujunRuleSet(RuleSet):
    """Base of the 亩均 rule sets: fields, T conditions, ranks and classes; subclasses score.

    ``weights`` maps a group to its (indicator, weight) pairs; a group's other indicators score 0.
    """

    fields: ClassVar[tuple[Field, ...]] = FIELDS
    conditions: ClassVar[tuple[Condition, ...]] = CONDITIONS
    fractional_points = True
    ranks_over_file = True
    weights: ClassVar[dict[str, tuple[tuple[Ratio, int], ...]]]

    @classmethod
    def ratios(cls) -> tuple[Ratio, ...]:
        """Every indicator used by some group, in first-use order."""
        seen: dict[str, Ratio] = {}
        for pairs in cls.weights.values():
            for ratio, _w in pairs:
                seen.setdefault(ratio.name, ratio)
        return tuple(seen.values())

    def output_columns(self) -> list[str]:
        """The engine's first five (``qualified`` = rated, ``failed_conditions`` = the T reasons), then
        the group, rank, group size and class, then the points."""
        return [
            "id",
            "score",
            "qualified",
            "direct",
            "failed_conditions",
            "group",
            "rank",
            "group_size",
            "class",
        ] + [f"pts_{i.name}" for i in self.indicators]

    def weight(self, ratio: Ratio) -> pl.Expr:
        """The weight of ``ratio`` in each row's group (0 where the group does not use it)."""
        chain: Any = None
        for group, pairs in self.weights.items():
            w = dict((r.name, weight) for r, weight in pairs).get(ratio.name, 0)
            test = pl.col("group") == group
            chain = pl.when(test).then(pl.lit(w)) if chain is None else chain.when(test).then(pl.lit(w))
        return chain.otherwise(pl.lit(0))

    def points(self, ratio: Ratio) -> pl.Expr:
        """The scaled points of one indicator (SCALE × 分, Int128); implemented by the scoring form."""
        raise NotImplementedError

    def extra_checks(self) -> list[Check]:
        """Land must be positive; a rated row whose group uses 单位能耗税收 needs a positive energy use."""
        checks = [Check("land_mu", pl.col("land_mu") <= 0, "land must be positive", "用地面积必须大于0")]
        if any(r.name == TAX_PER_ENERGY.name for r in self.ratios()):
            uses = pl.lit(False)
            for group, pairs in self.weights.items():
                if any(r.name == TAX_PER_ENERGY.name for r, _w in pairs):
                    uses = uses | (group_expr() == group)
            checks.append(
                Check(
                    "energy_tce",
                    uses & (pl.col("energy_tce").fill_null(0) <= 0) & ~pl.col("utility").fill_null(False),
                    "energy use must be positive for this group (单位能耗税收)",
                    "综合能耗必须大于0（计算单位能耗税收）",
                )
            )
        return checks

    def compute(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        """Scores Σ points + bonus − penalty (scaled; null when not rated), the T conditions, ranks
        and classes.

        References
        ----------
        .. [1] docs/rules/mujun-huaian-2023.md §2 (score), §3 (ranks, classes, T).
        """
        lf = lf.with_columns(group_expr().alias("group")).with_columns(scope_conditions())
        pts = [self.points(r).alias(f"pts_{r.name}") for r in self.ratios()]
        lf = lf.with_columns(pts)
        total = pl.sum_horizontal(pl.col(f"pts_{r.name}") for r in self.ratios())
        total = total + pl.col("bonus").fill_null(0) - pl.col("penalty").fill_null(0)
        lf = lf.with_columns(pl.when(rated_expr()).then(total).cast(pl.Int64).alias("score"))
        lf = lf.with_columns(pl.col(f"pts_{r.name}").cast(pl.Int64) for r in self.ratios())
        return lf.with_columns(rank_and_class(pl.col("score")))

    def reasons(
        self,
        values: Mapping[str, Any],
        res: Mapping[str, Any],
        tr: Translate = as_declared,
        codes: bool = True,
    ) -> list[str]:
        """The engine's reasons, each indicator's value, and the class with its rank share, in the
        language of ``tr`` (``codes``: unused, 亩均 conditions carry no code worth showing)."""
        group = res["group"]
        lines = [
            tr("评价依据：《{title}》（{document}）").format(title=tr(self.title), document=self.document),
            tr("分组：{group}").format(group=tr(GROUPS[group]) if group in GROUPS else group),
        ]
        for ratio in self.ratios():
            num, den = values.get(ratio.numerator), values.get(ratio.denominator)
            shown = format_number(Fraction(num) / Fraction(den)) if num is not None and den else "—"
            pts = format_number(Fraction(res[f"pts_{ratio.name}"]))
            lines.append(
                tr("{indicator} {value} {unit}：{points} 分").format(
                    indicator=tr(ratio.label), value=shown, unit=tr(ratio.unit), points=pts
                )
            )
        for name, label in (("bonus", "加分"), ("penalty", "减分")):
            if values.get(name):
                lines.append(
                    tr("{label}：{points} 分").format(
                        label=tr(label), points=format_number(Fraction(values[name]))
                    )
                )
        if res["score"] is not None:
            lines.append(tr("综合得分：{score} 分").format(score=format_number(Fraction(res["score"]))))
        failed = [tr(c.label) for c in self.conditions if res.get(f"fail_{c.code}")]
        if failed:
            lines.append(tr("不参评（T类）：不满足{conditions}").format(conditions=tr("、").join(failed)))
        else:
            share = Fraction(res["rank"], res["group_size"]) * 100
            lines.append(
                tr("组内排名：第 {rank} 名 / {size} 家（前 {share}%），评为 {grade} 类").format(
                    rank=res["rank"], size=res["group_size"], share=format_number(share), grade=res["class"]
                )
            )
        return lines


def indicators_of(ratios: tuple[Ratio, ...], max_points: int) -> tuple[Indicator, ...]:
    """The engine's indicator declarations (``pts_`` columns) for the ratios."""
    return tuple(Indicator(r.name, r.label, max_points) for r in ratios)


def round_div(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator ÷ denominator rounded half up, for non-negative Int128 numerator and positive denominator."""
    return (numerator * 2 + denominator) // (denominator * 2)
