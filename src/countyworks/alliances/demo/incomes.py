"""Booked village collective income 2020–2022 for 常宁市's demo villages.

Each village gets an operating income for the year split over the four operating sources, plus
补助收入 (which the classes ignore). The demo is built so that the records — these rows plus the
ledger inflows of the benefit contracts — give the report's figures for 2022 (湖南日报 2023-07-27):
no village below 5万 ("薄弱村全面清零") and 206 villages at or over 10万. Earlier years show the way
there. Nothing here states a count: the brief counts the rows.
"""

from __future__ import annotations

import random

from simple_history.utils import bulk_create_with_history

from countyworks.alliances.collective import WAN
from countyworks.alliances.models import IncomeSource, VillageIncome
from countyworks.core.models import Region

#: Per year: how many villages at or over 10万, and how many below 5万 (of which with no income at all).
PLAN: dict[int, tuple[int, int, int]] = {2020: (121, 38, 3), 2021: (168, 9, 0), 2022: (206, 0, 0)}
_SPLIT = (
    (IncomeSource.OPERATING, 50),
    (IncomeSource.CONTRACTING, 25),
    (IncomeSource.INVESTMENT, 15),
    (IncomeSource.OTHER_OPERATING, 10),
)


def _operating(rng: random.Random, band: str) -> int:
    if band == "shell":
        return 0
    if band == "weak":
        return rng.randint(15, 48) * WAN // 10
    if band == "middle":
        return rng.randint(52, 96) * WAN // 10
    return rng.randint(105, 600) * WAN // 10


def _bands(villages: list[Region], year: int, strong: set[str], rng: random.Random) -> dict[str, str]:
    """Which band each village falls in: the ``strong`` ones (ledger recipients) always over 10万."""
    over, below, shells = PLAN[year]
    others = [v.code for v in villages if v.code not in strong]
    rng.shuffle(others)
    ranked = sorted(strong) + others
    bands = {}
    for index, code in enumerate(ranked):
        if index < over:
            bands[code] = "over"
        elif index >= len(ranked) - shells:
            bands[code] = "shell"
        elif index >= len(ranked) - below:
            bands[code] = "weak"
        else:
            bands[code] = "middle"
    return bands


def load_incomes(villages: list[Region], strong: set[str]) -> None:
    """Book 2020–2022 income for every village (skipped for a year already booked)."""
    rng = random.Random(2022)
    booked = set(VillageIncome.objects.filter(region__in=villages).values_list("year", flat=True))
    rows: list[VillageIncome] = []
    for year in PLAN:
        if year in booked:
            continue
        for code, band in _bands(villages, year, strong, rng).items():
            total = _operating(rng, band)
            left = total
            for index, (source, percent) in enumerate(_SPLIT):
                amount = left if index == len(_SPLIT) - 1 else total * percent // 100
                left -= amount
                rows.append(VillageIncome(region_id=code, year=year, source=source, amount_fen=amount))
            rows.append(
                VillageIncome(
                    region_id=code, year=year, source=IncomeSource.SUBSIDY, amount_fen=rng.randint(2, 8) * WAN
                )
            )
    bulk_create_with_history(rows, VillageIncome, batch_size=2000)
