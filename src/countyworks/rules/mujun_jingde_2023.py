"""亩均效益评价, min–max form (mujun-jingde-2023): w × (20 + 80 × (x − min)/(max − min)) / 100.

The alternative form, as 旌德县 publishes it: each indicator is normalised between the lowest and
the highest value of the enterprise's group in the same evaluation (the rated rows of the file),
so no benchmark is needed; when every enterprise has the same value, each gets the full weight.
Indicators and weights are those of mujun-huaian-2023 (local defaults).

References
----------
.. [1] 旌德县 工业企业亩均效益评价办法 (min–max 标准化, 20 + 80 × 比例), docs/rules/mujun-jingde-2023.md §1.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import polars as pl

from countyworks.rules.engine import SCALE
from countyworks.rules.mujun import (
    REVENUE_PER_MU,
    TAX_PER_ENERGY,
    TAX_PER_MU,
    MujunRuleSet,
    Ratio,
    indicators_of,
    rated_expr,
    round_div,
)

DOCUMENT = "旌德县亩均效益评价（本地默认）"


class MujunJingde2023(MujunRuleSet):
    """亩均效益 with min–max normalisation within each group (mujun-jingde-2023).

    References
    ----------
    .. [1] docs/rules/mujun-jingde-2023.md §1 (min–max form; max = min gives the full weight).
    """

    code = "mujun-jingde-2023"
    title = "工业企业亩均效益综合评价（旌德形式，极值标准化）"
    document = DOCUMENT
    effective = date(2023, 1, 1)
    weights: ClassVar[dict[str, tuple[tuple[Ratio, int], ...]]] = {
        "above": ((TAX_PER_MU, 45), (REVENUE_PER_MU, 35), (TAX_PER_ENERGY, 20)),
        "leased": ((TAX_PER_MU, 45), (REVENUE_PER_MU, 35), (TAX_PER_ENERGY, 20)),
        "below": ((TAX_PER_MU, 100),),
    }
    indicators = indicators_of((TAX_PER_MU, REVENUE_PER_MU, TAX_PER_ENERGY), 100)

    def points(self, ratio: Ratio) -> pl.Expr:
        """w·SCALE·(20·(max − min) + 80·(x − min)) / (100·(max − min)), x to 1/SCALE² of its unit.

        References
        ----------
        .. [1] docs/rules/mujun-jingde-2023.md §1 (旌德 form).
        """
        num = pl.max_horizontal(pl.col(ratio.numerator), pl.lit(0)).cast(pl.Int128)
        den = pl.col(ratio.denominator).cast(pl.Int128)
        x = pl.when(den > 0).then(num * SCALE * SCALE // den)
        weight = self.weight(ratio).cast(pl.Int128)
        pool = pl.when(rated_expr() & (weight > 0)).then(x)
        low, high = pool.min().over("group"), pool.max().over("group")
        span = high - low
        value = round_div(weight * SCALE * (span * 20 + (x - low) * 80), span * 100)
        full = weight * SCALE
        return (
            pl.when(weight == 0)
            .then(pl.lit(0, pl.Int128))
            .when(x.is_null() | ~rated_expr())
            .then(None)
            .when(span == 0)
            .then(full)
            .otherwise(value)
        )


RULESET = MujunJingde2023()
