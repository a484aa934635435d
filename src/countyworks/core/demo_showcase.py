"""The demo's showcase subjects of the profiles (docs/profiles.md): one 娄星 enterprise that every
program of 娄星 knows about, and the villages of 常宁 and 邵阳县 with the richest village data.

The innovation demo generates the enterprise (the first high-tech applicant of 娄星, names being
seeded); the other programs' demo loaders add their facts about it through :func:`showcase_enterprise`,
so core still names no program. ``tests/core/test_profiles.py`` checks the demo keeps its promise.
"""

from __future__ import annotations

from countyworks.core.models import Organisation

LOUXING = "431302"
#: The 娄星 enterprise in every program 娄星 runs (innovation pools, a park parcel and 亩均 class, a
#: rooftop station, tickets and meetings).
SHOWCASE_ENTERPRISE = "乐坪长青汽车零部件有限责任公司"
#: 清岭村 of 新河镇, 常宁: collective income of three years, a 保底分红 contract, inflows, members.
SHOWCASE_VILLAGE_CHANGNING = "430482100201"
#: 三星村 of 金称市镇, 邵阳县: four courtyards with their inspections, works and awards.
SHOWCASE_VILLAGE_SHAOYANG = "430523104201"


def showcase_enterprise() -> Organisation | None:
    """The showcase enterprise once the innovation demo has created it (None before)."""
    return Organisation.objects.filter(region_id=LOUXING, name=SHOWCASE_ENTERPRISE).first()
