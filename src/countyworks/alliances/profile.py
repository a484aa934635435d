"""Program 1's sections of the profiles (docs/profiles.md).

Enterprise profile: the alliances the organisation is a member of, the benefit-linkage contracts it
pays or shares in, the buyer orders allocated to it, and what the settlements paid under its
contracts. Village profile: the collective's income of each year by source with its class
(docs/rules/village-collective-economy.md: booked operating income plus ledger inflows), the
contracts whose collective is the village's, the benefit inflows of each year, the alliances that
cover the village and their members there.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from countyworks.alliances import collective
from countyworks.alliances.models import (
    PROGRAM,
    Alliance,
    Allocation,
    Contract,
    ContractParty,
    IncomeSource,
    LedgerEntry,
    Member,
    VillageIncome,
)
from countyworks.alliances.presenters import CLASS_LABELS, CLASS_TAGS, SOURCE_LABELS, wan, yuan
from countyworks.core.models import Organisation, Region
from countyworks.core.profiles import Cell, Event, Fact, ProfileSection, Table
from countyworks.core.scoping import Viewer, scope

#: Orders listed on a profile (the latest delivery windows).
ORDERS_SHOWN = 10


def _contract_row(contract: Contract) -> list[Cell]:
    settlement = reverse("alliances:settlement")
    years = f"{contract.start_year}–{contract.end_year or ''}"
    return [
        Cell(contract.code, settlement),
        Cell(contract.get_kind_display()),
        Cell(contract.payer.name),
        Cell(contract.collective.name),
        Cell(years),
    ]


def organisation_profile(user: Viewer, organisation: Organisation) -> list[ProfileSection]:
    """Memberships, contracts, orders and settlements of ``organisation`` the viewer may read."""
    members = list(
        scope(Member.objects.filter(organisation=organisation), user, PROGRAM).select_related(
            "alliance", "village"
        )
    )
    contracts = list(
        scope(
            Contract.objects.filter(
                Q(payer=organisation)
                | Q(pk__in=ContractParty.objects.filter(organisation=organisation).values("contract"))
            ),
            user,
            PROGRAM,
        )
        .select_related("payer", "collective")
        .order_by("code")
    )
    allocations = list(
        scope(Allocation.objects.filter(member__organisation=organisation), user, PROGRAM)
        .select_related("order__product")
        .order_by("-order__window_start")[:ORDERS_SHOWN]
    )
    paid = (
        list(
            scope(LedgerEntry.objects.filter(contract__in=contracts), user, PROGRAM)
            .values_list("year")
            .annotate(total=Sum("amount_fen"))
            .order_by("-year")
        )
        if contracts
        else []
    )
    if not (members or contracts or allocations):
        return []
    home = reverse("alliances:home")
    events: list[Event] = []
    member_rows = []
    for member in members:
        url = reverse("alliances:alliance", args=[member.alliance_id])
        member_rows.append(
            [
                Cell(member.alliance.name, url),
                Cell(member.get_chain_link_display()),
                Cell(member.village.name),
                Cell(f"{member.joined_on:%Y-%m-%d}" if member.joined_on else "—"),
            ]
        )
        if member.joined_on:
            events.append(
                Event(member.joined_on, _("加入%(alliance)s") % {"alliance": member.alliance.name}, url)
            )
    for contract in contracts:
        events.append(
            Event(
                date(contract.start_year, 1, 1),
                _("利益联结合同%(code)s（%(kind)s）起始")
                % {"code": contract.code, "kind": contract.get_kind_display()},
                reverse("alliances:settlement"),
            )
        )
    orders = reverse("alliances:orders")
    order_rows = []
    for allocation in allocations:
        order = allocation.order
        order_rows.append(
            [
                Cell(order.code, orders),
                Cell(order.buyer),
                Cell(order.product.name),
                Cell(f"{allocation.quantity:,.2f}"),
                Cell(f"{order.window_start:%Y-%m-%d}—{order.window_end:%Y-%m-%d}"),
                Cell(order.get_status_display()),
            ]
        )
        events.append(
            Event(
                order.window_start,
                _("订单%(code)s分配%(quantity)s") % {"code": order.code, "quantity": allocation.quantity},
                orders,
            )
        )
    facts = [
        Fact(_("所在联盟"), "、".join(m.alliance.name for m in members) or _("无"), home),
        Fact(_("利益联结合同"), str(len(contracts)), reverse("alliances:settlement")),
    ]
    if paid:
        facts.append(Fact(_("%(year)d年结算兑付（元）") % {"year": paid[0][0]}, yuan(paid[0][1])))
    tables = [
        Table(
            _("联盟成员身份"),
            [_("联盟"), _("产业链环节"), _("所在村"), _("入盟日期")],
            member_rows,
            _("未入盟"),
        ),
        Table(
            _("利益联结合同"),
            [_("合同编号"), _("联结方式"), _("经营主体"), _("村集体经济组织"), _("年度")],
            [_contract_row(c) for c in contracts],
            _("无"),
        ),
        Table(
            _("采购订单分配"),
            [_("订单号"), _("采购方"), _("产品"), _("分配数量"), _("交货期"), _("状态")],
            order_rows,
            _("无"),
        ),
        Table(
            _("合同结算兑付"),
            [_("年度"), _("金额（元）")],
            [[Cell(str(y)), Cell(yuan(t))] for y, t in paid],
            _("未结算"),
        ),
    ]
    return [ProfileSection(_("产业联盟"), PROGRAM, "", home, facts, tables, events)]


def village_profile(user: Viewer, village: Region) -> list[ProfileSection]:
    """The collective economy and benefit linkage of ``village`` the viewer may read."""
    booked = list(
        scope(VillageIncome.objects.filter(region=village), user, PROGRAM).values_list(
            "year", "source", "amount_fen"
        )
    )
    inflows = list(
        scope(LedgerEntry.objects.filter(village=village), user, PROGRAM)
        .values_list("year", "component")
        .annotate(total=Sum("amount_fen"))
    )
    contracts = list(
        scope(Contract.objects.filter(collective__region=village), user, PROGRAM)
        .select_related("payer", "collective")
        .order_by("code")
    )
    alliances = list(
        scope(
            Alliance.objects.filter(
                Q(pk__in=Alliance.villages.through.objects.filter(region=village).values("alliance"))
                | Q(pk__in=Member.objects.filter(village=village).values("alliance"))
            ),
            user,
            PROGRAM,
        ).order_by("name")
    )
    members = list(
        scope(Member.objects.filter(village=village), user, PROGRAM)
        .select_related("organisation", "alliance")
        .order_by("alliance_id", "chain_link")
    )
    if not (booked or inflows or contracts or alliances):
        return []
    page = reverse("alliances:villages")
    by_year: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for year, source, amount in booked:
        by_year[year][source] += amount
    inflow_by_year: dict[int, int] = defaultdict(int)
    inflow_rows = []
    for year, component, total in sorted(inflows, reverse=True):
        inflow_by_year[year] += total
        inflow_rows.append([Cell(str(year)), Cell(LedgerEntry.Component(component).label), Cell(yuan(total))])
    events: list[Event] = []
    income_rows = []
    years = sorted(set(by_year) | set(inflow_by_year), reverse=True)
    sources = [s.value for s in IncomeSource]
    for year in years:
        amounts = by_year.get(year, {})
        reported = year in by_year
        operating = collective.operating_income(amounts) + inflow_by_year.get(year, 0)
        klass = collective.classify(operating) if reported else None
        income_rows.append(
            [
                Cell(str(year), f"{page}?year={year}"),
                *[Cell(wan(amounts.get(s, 0))) for s in sources],
                Cell(wan(inflow_by_year.get(year, 0))),
                Cell(wan(operating)),
                Cell(CLASS_LABELS[klass], tag=CLASS_TAGS[klass]) if klass else Cell(_("未报送")),
            ]
        )
        if klass:
            events.append(
                Event(
                    date(year, 12, 31),
                    _("%(year)d年村集体经营性收入%(amount)s万元（%(class)s）")
                    % {"year": year, "amount": wan(operating), "class": CLASS_LABELS[klass]},
                    f"{page}?year={year}",
                )
            )
    for contract in contracts:
        events.append(
            Event(
                date(contract.start_year, 1, 1),
                _("利益联结合同%(code)s（%(kind)s）起始")
                % {"code": contract.code, "kind": contract.get_kind_display()},
                reverse("alliances:settlement"),
            )
        )
    facts = []
    if income_rows:
        facts.append(
            Fact(_("%(year)s年经营性收入（万元）") % {"year": years[0]}, income_rows[0][-2].text, page)
        )
        facts.append(Fact(_("村集体经济类别"), income_rows[0][-1].text, page, income_rows[0][-1].tag))
    facts.append(
        Fact(_("覆盖的产业联盟"), "、".join(a.name for a in alliances) or _("无"), reverse("alliances:home"))
    )
    facts.append(Fact(_("利益联结合同"), str(len(contracts))))
    tables = [
        Table(
            _("村集体收入（万元）"),
            [
                _("年度"),
                *[SOURCE_LABELS[s] for s in sources],
                SOURCE_LABELS["ledger"],
                _("经营性收入"),
                _("类别"),
            ],
            income_rows,
            _("未报送"),
        ),
        Table(
            _("利益联结合同"),
            [_("合同编号"), _("联结方式"), _("经营主体"), _("村集体经济组织"), _("年度")],
            [_contract_row(c) for c in contracts],
            _("无"),
        ),
        Table(_("利益联结收入流入"), [_("年度"), _("款项"), _("金额（元）")], inflow_rows, _("无")),
        Table(
            _("本村联盟成员"),
            [_("成员单位"), _("联盟"), _("产业链环节")],
            [
                [
                    Cell(m.organisation.name, reverse("org-profile", args=[m.organisation_id])),
                    Cell(m.alliance.name, reverse("alliances:alliance", args=[m.alliance_id])),
                    Cell(m.get_chain_link_display()),
                ]
                for m in members
            ],
            _("无"),
        ),
    ]
    return [ProfileSection(_("村集体经济与利益联结"), PROGRAM, "", page, facts, tables, events)]
