"""常宁市's towns and villages for the demo.

Town names are the real towns of 常宁市; their codes and the village names are the demo's own
(the 12-digit 统计用区划代码 of each village is not reproduced). 新河镇 keeps the code the workflow
demo and the test fixtures use (430482100).
"""

from __future__ import annotations

import random

from simple_history.utils import bulk_create_with_history

from countyworks.core.models import Region

COUNTY = "430482"
XINHE = "430482100"
TASHAN = "430482200"

#: (code, name, number of villages): 262 villages in all.
TOWNS: tuple[tuple[str, str, int], ...] = (
    (XINHE, "新河镇", 16),
    ("430482101", "柏坊镇", 18),
    ("430482102", "烟洲镇", 16),
    ("430482103", "荫田镇", 17),
    ("430482104", "白沙镇", 15),
    ("430482105", "西岭镇", 17),
    ("430482106", "胜桥镇", 16),
    ("430482107", "三角塘镇", 15),
    ("430482108", "洋泉镇", 16),
    ("430482109", "罗桥镇", 15),
    ("430482110", "庙前镇", 15),
    ("430482111", "松柏镇", 14),
    ("430482112", "水口山镇", 14),
    ("430482201", "兰江乡", 14),
    ("430482202", "蓬塘乡", 15),
    ("430482203", "大堡乡", 14),
    (TASHAN, "塔山瑶族乡", 15),
)

_FIRST = "石塘新茶桥松枫竹龙凤黄清金银和兴旺宜群联江泉岭田湾坪源柏桐杉荷梅兰菊樟"
_SECOND = "山冲岭湾塘坪田桥源湖江口坳垅岗洲铺井"


def village_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct invented village names (two characters + 村)."""
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(_FIRST) + rng.choice(_SECOND) + "村"
        if name not in names:
            names.append(name)
    return names


def load_regions() -> list[Region]:
    """Create the towns and villages that are missing (idempotent); returns every demo village."""
    rng = random.Random(430482)
    existing = set(Region.objects.filter(code__startswith=COUNTY).values_list("code", flat=True))
    new: list[Region] = []
    villages: list[Region] = []
    for code, name, count in TOWNS:
        if code not in existing:
            new.append(Region(code=code, name=name, level=Region.Level.TOWN, parent_id=COUNTY))
        for index, village in enumerate(village_names(rng, count)):
            row = Region(
                code=f"{code}{201 + index:03d}", name=village, level=Region.Level.VILLAGE, parent_id=code
            )
            villages.append(row)
            if row.code not in existing:
                new.append(row)
    bulk_create_with_history(new, Region, batch_size=1000)
    return list(Region.objects.filter(code__in=[v.code for v in villages]).order_by("code"))
