"""Benefit-linkage contracts of the two alliances ("就业带动、保底分红", "订单收购、土地流转、固定分红"),
their 2021 and 2022 inputs, and the settlement of both years into the ledger.

Households and their heads are invented; the village collectives (股份经济合作社) are the demo
villages'. The first contract is the worked example of docs/rules/benefit-linkage.md (a 5 % floor
on 100万 plus 29 % of the profit, shared by 138 people).
"""

from __future__ import annotations

import random
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from countyworks.alliances import services
from countyworks.alliances.models import Alliance, Contract, ContractParty, ContractType, SettlementInput
from countyworks.core.actors import SYSTEM
from countyworks.core.models import Household, Organisation, Region

from .alliances import _name

YEARS = (2021, 2022)


def _collective(village: Region) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        name=f"{village.name}股份经济合作社", region=village, defaults={"kind": Organisation.Kind.COLLECTIVE}
    )
    return org


def _households(village: Region, count: int, rng: random.Random) -> list[Household]:
    rows = [
        Household(
            region=village,
            head_name=_name(rng),
            members=rng.randint(2, 6),
            house_label=f"{village.name[:-1]}{i + 1}号",
        )
        for i in range(count)
    ]
    return bulk_create_with_history(rows, Household)


def _payer(alliance: Alliance, name: str) -> Organisation:
    return alliance.members.select_related("organisation").get(organisation__name=name).organisation


def _contract(
    code: str, kind: str, alliance: Alliance, payer: Organisation, village: Region, **terms: object
) -> Contract:
    contract = Contract(
        alliance=alliance,
        region=village,
        code=code,
        kind=kind,
        payer=payer,
        collective=_collective(village),
        start_year=int(terms.pop("start_year", 2020)),  # type: ignore[call-overload]
        **terms,
    )
    contract.full_clean()
    contract.save()
    return contract


def _parties(contract: Contract, rows: list[dict[str, object]]) -> list[ContractParty]:
    return bulk_create_with_history([ContractParty(contract=contract, **row) for row in rows], ContractParty)


def _home(household: Household, **share: object) -> dict[str, object]:
    return {
        "name": f"{household.head_name}户",
        "kind": ContractParty.Kind.HOUSEHOLD,
        "household": household,
        **share,
    }


def _inputs(contract: Contract, per_year: dict[int, dict[str, object]]) -> list[SettlementInput]:
    return [SettlementInput(contract=contract, year=year, **values) for year, values in per_year.items()]


def load_contracts(xinhe: Alliance, tashan: Alliance, rng: random.Random) -> set[str]:
    """Create the contracts and inputs and settle 2021 and 2022; returns the villages paid into."""
    v = list(xinhe.villages.order_by("code"))
    t = list(tashan.villages.order_by("code"))
    coop = _payer(xinhe, "常宁市渔丰水产养殖专业合作社")
    plant = _payer(xinhe, "常宁市新河鱼食品加工厂")
    cold = _payer(xinhe, "常宁市顺达冷链物流有限公司")
    feed = _payer(xinhe, "常宁市丰源饲料有限公司")
    tour = _payer(tashan, "常宁市塔山瑶乡文化旅游开发有限公司")
    inputs: list[SettlementInput] = []

    floor = _contract(
        "XH-BD-2020-01",
        ContractType.FLOOR_DIVIDEND,
        xinhe,
        coop,
        v[0],
        principal_fen=100_000_000,
        rate_pct=Decimal(5),
        profit_share_pct=Decimal(29),
    )
    _parties(floor, [_home(h, units=1) for h in _households(v[0], 138, rng)])
    inputs += _inputs(floor, {2021: {"profit_fen": 8_000_000}, 2022: {"profit_fen": 10_000_000}})

    rent = _contract(
        "XH-LZ-2018-01",
        ContractType.LAND_RENT,
        xinhe,
        coop,
        v[1],
        start_year=2018,
        per_mu_fen=60_000,
        step_pct=Decimal(10),
        step_years=5,
        area_mu=Decimal(300),
    )
    homes = _households(v[1], 5, rng)
    _parties(rent, [_home(h, share_pct=Decimal(s)) for h, s in zip(homes, (30, 25, 20, 15, 10), strict=True)])
    inputs += _inputs(rent, {2021: {"land_area_mu": Decimal(300)}, 2022: {"land_area_mu": Decimal("312.5")}})

    rebate = _contract(
        "XH-FH-2020-01",
        ContractType.SECOND_REBATE,
        xinhe,
        plant,
        v[2],
        area_mu=Decimal(300),
        per_mu_fen=80_000,
    )
    _parties(
        rebate,
        [
            {
                "name": "流转土地农户（32户）",
                "kind": ContractParty.Kind.HOUSEHOLD,
                "share_pct": Decimal(40),
                "floor_share_pct": Decimal(100),
            },
            {
                "name": rebate.collective.name,
                "kind": ContractParty.Kind.COLLECTIVE,
                "organisation": rebate.collective,
                "share_pct": Decimal(30),
                "floor_share_pct": Decimal(0),
            },
            {
                "name": plant.name,
                "kind": ContractParty.Kind.ENTERPRISE,
                "organisation": plant,
                "share_pct": Decimal(30),
                "floor_share_pct": Decimal(0),
            },
        ],
    )
    inputs += _inputs(rebate, {2021: {"profit_fen": 42_000_000}, 2022: {"profit_fen": 50_000_000}})

    purchase = _contract(
        "XH-DG-2021-01",
        ContractType.ORDER_PURCHASE,
        xinhe,
        plant,
        v[3],
        start_year=2021,
        protective_price_fen=600,
    )
    homes = _households(v[3], 3, rng)
    _parties(purchase, [_home(h, share_pct=Decimal(s)) for h, s in zip(homes, (50, 30, 20), strict=True)])
    inputs += _inputs(
        purchase,
        {
            2021: {"volume": Decimal(52_000), "market_price_fen": 560},
            2022: {"volume": Decimal(61_000), "market_price_fen": 650},
        },
    )

    jobs = _contract(
        "XH-JY-2021-01", ContractType.EMPLOYMENT, xinhe, cold, v[4], start_year=2021, daily_wage_fen=13_000
    )
    workers = _parties(jobs, [_home(h) for h in _households(v[4], 6, rng)])
    for year in YEARS:
        inputs += [
            SettlementInput(contract=jobs, year=year, party=w, days_worked=Decimal(rng.randint(120, 260)))
            for w in workers
        ]

    fixed = _contract(
        "XH-GD-2020-01",
        ContractType.FIXED_DIVIDEND,
        xinhe,
        feed,
        v[5],
        principal_fen=50_000_000,
        rate_pct=Decimal(6),
    )
    homes = _households(v[5], 3, rng)
    _parties(
        fixed,
        [
            {
                "name": fixed.collective.name,
                "kind": ContractParty.Kind.COLLECTIVE,
                "organisation": fixed.collective,
                "share_pct": Decimal(40),
            },
            *(_home(h, share_pct=Decimal(20)) for h in homes),
        ],
    )

    shares = _contract(
        "TS-AG-2021-01",
        ContractType.SHARE_DIVIDEND,
        tashan,
        tour,
        t[0],
        start_year=2021,
        profit_share_pct=Decimal(20),
    )
    homes = _households(t[0], 3, rng)
    _parties(
        shares,
        [
            {
                "name": shares.collective.name,
                "kind": ContractParty.Kind.COLLECTIVE,
                "organisation": shares.collective,
                "share_pct": Decimal(40),
            },
            *(_home(h, share_pct=Decimal(20)) for h in homes),
        ],
    )
    inputs += _inputs(shares, {2021: {"profit_fen": 35_000_000}, 2022: {"profit_fen": 62_000_000}})

    _contract(
        "TS-FW-2021-01",
        ContractType.COLLECTIVE_FEE,
        tashan,
        tour,
        t[1],
        start_year=2021,
        per_mu_fen=2_000,
        area_mu=Decimal(300),
    )

    split = _contract(
        "TS-TL-2021-01",
        ContractType.RETENTION_SPLIT,
        tashan,
        _collective(t[2]),
        t[2],
        start_year=2021,
        distributed_pct=Decimal(60),
    )
    _parties(split, [_home(h, units=h.members) for h in _households(t[2], 12, rng)])
    inputs += _inputs(split, {2021: {"profit_fen": 15_000_000}, 2022: {"profit_fen": 21_000_000}})

    bulk_create_with_history(inputs, SettlementInput, batch_size=1000)
    contracts = Contract.objects.filter(alliance__in=[xinhe, tashan])
    for year in YEARS:
        services.settlement_run(year=year, contracts=contracts, acting_user=SYSTEM)
    return {c.collective.region_id for c in contracts.select_related("collective")}
