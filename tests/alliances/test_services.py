"""The write services on the demo: settlement into the ledger, requests on the workflow, orders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from countyworks.alliances import benefit, selectors, services
from countyworks.alliances.models import (
    Alliance,
    Allocation,
    BuyerOrder,
    Contract,
    LedgerEntry,
    ServiceCategory,
    SettlementInput,
)
from countyworks.core.actors import SYSTEM
from countyworks.workflow.models import Status


def test_demo_settlement_pays_the_worked_example(demo):
    """XH-BD-2020-01 is the worked example of docs/rules/benefit-linkage.md: 572.46 元 for each of 138 people, 0.52 元 to the collective."""
    entries = LedgerEntry.objects.filter(contract__code="XH-BD-2020-01", year=2022)
    per_party: dict[int, int] = {}
    for entry in entries.exclude(party=None):
        per_party[entry.party_id] = per_party.get(entry.party_id, 0) + entry.amount_fen
    assert set(per_party.values()) == {57246} and len(per_party) == 138
    rounding = entries.get(component="rounding")
    assert rounding.amount_fen == 52 and rounding.village_id == rounding.contract.collective.region_id


def test_a_bad_contract_stops_the_whole_settlement(demo):
    SettlementInput.objects.filter(contract__code="TS-AG-2021-01", year=2022).update(profit_fen=None)
    before = LedgerEntry.objects.filter(year=2022).count()
    with pytest.raises(benefit.SettlementError) as caught:
        services.settlement_run(year=2022, contracts=Contract.objects.all(), acting_user=SYSTEM)
    assert [p.contract for p in caught.value.problems] == ["TS-AG-2021-01"]
    assert "missing inputs for 2022: profit_fen" in str(caught.value)
    assert LedgerEntry.objects.filter(year=2022).count() == before


def test_resettlement_replaces_the_year(demo):
    contracts = Contract.objects.filter(code="XH-LZ-2018-01")
    services.settlement_run(year=2022, contracts=contracts, acting_user=SYSTEM)
    total = sum(
        LedgerEntry.objects.filter(contract__code="XH-LZ-2018-01", year=2022).values_list(
            "amount_fen", flat=True
        )
    )
    assert total == int(Decimal("312.5") * 60_000)  # 600 元/亩 until 2022 (stepped from 2023)


def test_outsider_cannot_settle(demo):
    louxing = get_user_model().objects.get(username="louxing")
    with pytest.raises(PermissionDenied):
        services.settlement_run(year=2022, contracts=Contract.objects.all(), acting_user=louxing)


def test_request_is_routed_and_escalates_to_the_guide(demo):
    alliance = Alliance.objects.get(name="新河鱼产业联盟")
    member = alliance.members.order_by("pk")[3]
    request = services.service_request_open(
        member=member, category=ServiceCategory.SALES, title="直播带货对接", acting_user=SYSTEM
    )
    assert request.department.name == "品牌销售"
    assert request.ticket is not None and request.ticket.owner_post == request.department.post
    assert request.ticket.policy.code == "service-3d" and request.ticket.chain == alliance.chain
    escalated = selectors.waiting_on(user=alliance.guide.user)
    assert any(r.ticket.escalation_level == 2 for r in escalated.requests)
    assert alliance in escalated.alliances


def test_rating_confirms_a_pending_request(demo):
    request = selectors.request_list(user=SYSTEM).filter(ticket__status=Status.PENDING).first()
    services.service_request_rate(request=request, rating=4, comment="满意", acting_user=SYSTEM)
    request.refresh_from_db()
    assert request.rating == 4 and request.ticket.status == Status.RESOLVED


def test_allocation_flags_and_keeps_confirmed_lines(demo):
    alliance = Alliance.objects.get(name="新河鱼产业联盟")
    confirmed = Allocation.objects.filter(order__alliance=alliance, confirmed_at__isnull=False).count()
    result = services.orders_allocate(alliance=alliance, acting_user=SYSTEM, fair_share=True)
    assert (
        Allocation.objects.filter(order__alliance=alliance, confirmed_at__isnull=False).count() == confirmed
    )
    mandarin = BuyerOrder.objects.get(code="XH-2023-082")
    assert mandarin.status == BuyerOrder.Status.UNFILLABLE and mandarin.flag == "没有成员生产“鳜鱼”"
    assert 0 < result.filled_share < 1
