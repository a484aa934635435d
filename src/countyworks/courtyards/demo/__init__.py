"""Demo data of program 5: 邵阳县金称市镇三星村 and its courtyards, from raw records.

The report (湖南日报 2023-07-27, 邵阳县) gives 下南冲院落 54 households, an elected courtyard
management committee, 门前三包, monthly hygiene evaluations naming 星级文明户, a year-end overall
evaluation rewarding the top ten, a household in difficulty (a sick wife, five children and an
elderly parent) helped by the village, 12 dry toilets and 2 hollow houses removed, a pavilion and
flower beds built, and the next demonstration courtyards (南冲, 响联, 青联). The loader creates
those records — households, the committee, every monthly item score of 2023, the works, the help,
the 积分超市 — and nothing else: totals, stars, ranks, the top ten and the brief's figures are
computed from them by the platform, as for any county.

Households and committee members have invented names (the villagers named in the report are not
used). The town and village codes are illustrative 统计用区划代码; the courtyards extend the village
code by two digits. Scores come from a seeded generator, so every load is identical.
"""

from __future__ import annotations

from countyworks.courtyards.demo.loading import load_demo

__all__ = ["load_demo"]
