"""The 常宁市 (430482) demo of program 1: towns and villages, the two alliances of the report,
their members, orders, requests and benefit contracts, and the villages' collective income.

Idempotent: the regions and incomes fill in what is missing; the rest is skipped once the
新河鱼产业联盟 exists. Everything goes through the services (audited), in bulk where it is large.
"""

from __future__ import annotations

import random

from django.db import transaction

from countyworks.alliances.demo.alliances import load_products, load_requests, load_tashan, load_xinhe
from countyworks.alliances.demo.contracts import load_contracts
from countyworks.alliances.demo.incomes import load_incomes
from countyworks.alliances.demo.regions import COUNTY, TASHAN, XINHE, load_regions
from countyworks.alliances.models import Alliance, Contract
from countyworks.core.actors import SYSTEM
from countyworks.core.models import Program, Region
from countyworks.core.program_regions import region_program_set


@transaction.atomic
def load_demo() -> None:
    """Load the 常宁市 demo (safe to run again)."""
    villages = load_regions()
    county = Region.objects.get(code=COUNTY)
    region_program_set(acting_user=SYSTEM, region=county, program=Program.ALLIANCES, enabled=True)
    if not Alliance.objects.filter(name="新河鱼产业联盟").exists():
        rng = random.Random(20230725)
        products = load_products()
        xinhe = load_xinhe([v for v in villages if v.parent_id == XINHE], products, rng)
        tashan = load_tashan([v for v in villages if v.parent_id == TASHAN], products, rng)
        load_contracts(xinhe, tashan, rng)
        load_requests([xinhe, tashan])
    strong = set(
        Contract.objects.filter(region__code__startswith="430482").values_list(
            "collective__region_id", flat=True
        )
    )
    load_incomes(villages, strong)
    _showcase_ticket()


def _showcase_ticket() -> None:
    """清岭村's problem raised to the 新河鱼 alliance's chain (the village profile, docs/profiles.md)."""
    from countyworks.core.demo_showcase import SHOWCASE_VILLAGE_CHANGNING
    from countyworks.workflow.models import Ticket
    from countyworks.workflow.services import ticket_open

    village = Region.objects.filter(code=SHOWCASE_VILLAGE_CHANGNING).first()
    if village is None or Ticket.objects.filter(region=village).exists():
        return
    ticket_open(
        subject=village,
        title="清岭村鱼塘尾水处理设施用电报装",
        category="utilities",
        region=village,
        policy_code="service-3d",
        program=Program.ALLIANCES,
        acting_user=SYSTEM,
        description="村集体入股的尾水处理池已建成，需协调供电所报装。",
    )
