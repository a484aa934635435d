"""亩均效益评价, benchmark-ratio form (mujun-huaian-2023): Σ (x_i / B_i) × w_i + bonus − penalty.

The default 亩均 rule set of the platform, in the form of 淮安市's published 亩均效益评价 (the
nearest published local method; its weights are the platform's shipped defaults and are labelled
local defaults in docs/rules/mujun-huaian-2023.md §2): 规上 and leased enterprises 亩均税收 45, 亩均营业收入
35, 单位能耗税收 20; 规下 enterprises (3 亩 or more) 亩均税收 100. B_i is twice the county's prior-year
average of the indicator, given per group with ``--benchmarks FILE`` or per row in the
``bench_<indicator>`` columns.

References
----------
.. [1] 淮安市 工业企业亩均效益综合评价办法 (评价指标、权重、基准值 = 上年全县平均值的2倍、A/B/C/D 分类),
   as summarised in docs/rules/mujun-huaian-2023.md §1–§3; 湖南日报 2023-07-27 (娄星经济开发区 "正向激励+反向倒逼").
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import polars as pl

from countyworks.core.tabular import RowError
from countyworks.rules.engine import SCALE, Check, Field
from countyworks.rules.mujun import (
    FIELDS,
    GROUP_ALIASES,
    REVENUE_PER_MU,
    TAX_PER_ENERGY,
    TAX_PER_MU,
    MujunRuleSet,
    Ratio,
    group_expr,
    indicators_of,
    round_div,
)

DOCUMENT = "淮安市亩均效益评价（本地默认）"
#: Benchmark columns, one per indicator.
BENCH_PREFIX = "bench_"


class MujunHuaian2023(MujunRuleSet):
    """亩均效益 with benchmarks (mujun-huaian-2023).

    References
    ----------
    .. [1] docs/rules/mujun-huaian-2023.md §2 (score form Σ (x/B)·w + bonus − penalty, x floored at 0,
       B = 2 × prior-year county average, no cap) and §3 (classes).
    """

    code = "mujun-huaian-2023"
    title = "工业企业亩均效益综合评价（淮安形式，基准值法）"
    document = DOCUMENT
    effective = date(2023, 1, 1)
    weights: ClassVar[dict[str, tuple[tuple[Ratio, int], ...]]] = {
        "above": ((TAX_PER_MU, 45), (REVENUE_PER_MU, 35), (TAX_PER_ENERGY, 20)),
        "leased": ((TAX_PER_MU, 45), (REVENUE_PER_MU, 35), (TAX_PER_ENERGY, 20)),
        "below": ((TAX_PER_MU, 100),),
    }
    fields = (
        *FIELDS,
        *(
            Field(f"{BENCH_PREFIX}{r.name}", f"{r.label}基准值", "amount", r.unit, required=False)
            for r in (TAX_PER_MU, REVENUE_PER_MU, TAX_PER_ENERGY)
        ),
    )
    indicators = indicators_of((TAX_PER_MU, REVENUE_PER_MU, TAX_PER_ENERGY), 100)

    def points(self, ratio: Ratio) -> pl.Expr:
        """w × (x / B) in 1/SCALE 分, x = max(num, 0) / den exactly: w·num·SCALE² / (den·B), half up.

        References
        ----------
        .. [1] docs/rules/mujun-huaian-2023.md §2 (worked example: B 40/800/2.0, x 20/500/1.5, w 45/35/20
           → 22.5 + 21.875 + 15 = 59.375).
        """
        num = pl.max_horizontal(pl.col(ratio.numerator), pl.lit(0)).cast(pl.Int128)
        den = pl.col(ratio.denominator).cast(pl.Int128)
        bench = pl.col(f"{BENCH_PREFIX}{ratio.name}").cast(pl.Int128)
        weight = self.weight(ratio).cast(pl.Int128)
        value = round_div(weight * num * SCALE * SCALE, den * bench)
        return pl.when(weight == 0).then(pl.lit(0, pl.Int128)).when((den > 0) & (bench > 0)).then(value)

    def extra_checks(self) -> list[Check]:
        """As the base, and every rated row has a positive benchmark for each indicator its group uses."""
        checks = super().extra_checks()
        rated_guess = ~pl.col("utility").fill_null(False) & (pl.col("production_years") >= 2)
        for ratio in self.ratios():
            uses = pl.lit(False)
            for group, pairs in self.weights.items():
                if any(r.name == ratio.name for r, _w in pairs):
                    uses = uses | (group_expr() == group)
            column = f"{BENCH_PREFIX}{ratio.name}"
            checks.append(
                Check(
                    column,
                    uses & rated_guess & (pl.col(column).fill_null(0) <= 0),
                    f"no positive benchmark for {ratio.name}: give --benchmarks FILE or the column {column}",
                    f"缺少{ratio.label}基准值（须大于0）：请提供基准值文件或填写该列",
                )
            )
        return checks

    def with_benchmarks(self, frame: pl.DataFrame, benchmarks: pl.DataFrame) -> pl.DataFrame:
        """Fill each row's blank ``bench_`` columns from a table of benchmarks by group.

        ``benchmarks`` has a ``group`` (or 分组) column and one ``bench_<indicator>`` column (or its
        Chinese label) per indicator; a row's own non-blank value wins.

        Raises
        ------
        ValueError
            A missing group column, an unknown or repeated group, or a benchmark that is not a
            positive number (message in English, with the benchmark file's row number).
        """
        names = {h: f.name for f in self.fields for h in (f.name, f.label) if f.name.startswith(BENCH_PREFIX)}
        names.update({"group": "group", "分组": "group"})
        table = benchmarks.rename({c: names[c] for c in benchmarks.columns if c in names})
        if "group" not in table.columns:
            raise ValueError("benchmarks file: missing column group (分组)")
        errors: list[RowError] = []
        groups = [str(g).strip() for g in table["group"].to_list()]
        seen: set[str] = set()
        for row, group in enumerate(groups, start=2):
            key = GROUP_ALIASES.get(group, group)
            if key not in self.weights or key in seen:
                errors.append(RowError(row, "group", group, "unknown or repeated group", "分组未知或重复"))
            seen.add(key)
        bench_columns = [c for c in table.columns if c.startswith(BENCH_PREFIX)]
        for column in bench_columns:
            values = table[column].cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
            for row, value in enumerate(values.to_list(), start=2):
                if value is None or not value > 0:
                    errors.append(RowError(row, column, "", "not a positive number", "不是正数"))
        if errors:
            raise ValueError(
                "; ".join(f"benchmarks file row {e.row}, {e.column}: {e.reason_en}" for e in errors)
            )
        table = table.with_columns(
            pl.Series("group", [GROUP_ALIASES.get(g, g) for g in groups]),
            *(pl.col(c).cast(pl.String).str.strip_chars() for c in bench_columns),
        ).select("group", *bench_columns)
        joined = frame.with_columns(
            pl.col("group").cast(pl.String).str.strip_chars().replace(GROUP_ALIASES).alias("__group")
        ).join(
            table.rename({"group": "__group", **{c: f"{c}__file" for c in bench_columns}}),
            on="__group",
            how="left",
        )
        fills = []
        for column in bench_columns:
            own = pl.col(column).cast(pl.String) if column in frame.columns else pl.lit(None, pl.String)
            blank = own.is_null() | (own.str.strip_chars() == "")
            fills.append(pl.when(blank).then(pl.col(f"{column}__file")).otherwise(own).alias(column))
        out = joined.with_columns(fills)
        return out.drop("__group", *(f"{c}__file" for c in bench_columns))


RULESET = MujunHuaian2023()
