"""科技型中小企业评价办法 (tech-sme-2017), 国科发政〔2017〕115号, and its 评价指标.

The method in force from 2017-05-03 (印发之日) until it was replaced by 国科发区〔2022〕67号
(tech-sme-2022, taken as effective 2022-06-02).  The 2021 and earlier evaluation years are
evaluated with it.  ``docs/rules/tech-sme-2017.md`` compares it with the 2022 method clause by
clause: the conditions (第六条), the three indicators and their bands (第七条 and the 评价指标)
and the direct confirmation (第八条) read alike, so the evaluation reuses the expressions of
:mod:`countyworks.rules.tech_sme_2022`; only the document, the clauses cited and the period
in force differ.

References
----------
.. [1] 科技部、财政部、国家税务总局, 《科技型中小企业评价办法》, 国科发政〔2017〕115号, 2017.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl

from countyworks.rules.gap import Costs, GapPlan
from countyworks.rules.tech_sme_2022 import TechSme2022, conditions_of

DOCUMENT = "国科发政〔2017〕115号"


class TechSme2017(TechSme2022):
    """科技型中小企业评价 (tech-sme-2017): the fields, bands and conditions of 115号.

    Same input fields as tech-sme-2022 (the 2017 评价指标 defines 科技人员, 职工总数, 研发费用,
    销售收入, 成本费用支出 and the Ⅰ/Ⅱ类 rights as the 2022 method does).

    References
    ----------
    .. [1] 国科发政〔2017〕115号, 第六条, 第七条, 第八条, 附件 科技型中小企业评价指标.
    """

    code = "tech-sme-2017"
    title = "科技型中小企业评价办法"
    document = DOCUMENT
    # 第二十一条 (as we read it): 自印发之日起施行 — issued 2017-05-03.
    effective = date(2017, 5, 3)
    conditions = conditions_of(DOCUMENT)

    def compute(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        """Points (第七条: 科技人员 20, 研发投入 50 — the better of the revenue and the cost ratio
        — and 科技成果 30), conditions C1–C5 (第六条) and the direct rule (第八条).

        References
        ----------
        .. [1] 国科发政〔2017〕115号, 第六条, 第七条, 第八条.
        """
        return super().compute(lf)

    def gap_plan(self, values: Mapping[str, Any], result: Mapping[str, Any], costs: Costs) -> GapPlan:
        """The cheapest plan reaching 60 with staff points > 0 (staff reassigned or hired within
        500 employees, R&D, IP); 第八条's direct confirmation rests on flags, not figures.

        References
        ----------
        .. [1] 国科发政〔2017〕115号, 第六条（五）, 第七条, 第八条.
        """
        return super().gap_plan(values, result, costs)


RULESET = TechSme2017()
