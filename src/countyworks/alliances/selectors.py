"""Every read of program 1, scoped by the viewer (``core/scoping.py``).

The village figures (:func:`village_year`) are the one place operating income is counted: booked
income by source plus the ledger's inflows to each village collective, so the pages, the brief,
the indicators and the API give the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from countyworks.alliances import collective
from countyworks.alliances.allocation import Result, allocate
from countyworks.alliances.models import (
    PROGRAM,
    Activity,
    Alliance,
    Allocation,
    BuyerOrder,
    ChainLink,
    Contract,
    LedgerEntry,
    Member,
    ServiceRequest,
    VillageIncome,
)
from countyworks.alliances.supply import needs, supplies, used_by_capacity
from countyworks.core.models import Region
from countyworks.core.scoping import (
    Action,
    Viewer,
    can_reach_region,
    get_scoped_or_404,
    scope,
    visible_prefixes,
)

#: Which income source a ledger component is booked under in the village collective's accounts.
LEDGER_SOURCE = {
    LedgerEntry.Component.FLOOR: "investment",
    LedgerEntry.Component.SHARE: "investment",
    LedgerEntry.Component.REBATE: "investment",
    LedgerEntry.Component.RETENTION: "investment",
    LedgerEntry.Component.ROUNDING: "investment",
    LedgerEntry.Component.RENT: "contracting",
    LedgerEntry.Component.FEE: "contracting",
    LedgerEntry.Component.PURCHASE: "operating",
    LedgerEntry.Component.WAGES: "operating",
}


def alliance_list(*, user: Viewer, within: str | None = None) -> QuerySet[Alliance]:
    return (
        scope(Alliance.objects.all(), user, PROGRAM, within=within)
        .select_related("region", "secretary", "guide")
        .annotate(
            member_count=Count("members", distinct=True),
            village_count=Count("villages", distinct=True),
        )
    )


def alliance_get(*, user: Viewer, pk: int, action: Action = "read") -> Alliance:
    return get_scoped_or_404(
        Alliance.objects.select_related("region", "secretary", "guide"),
        user,
        PROGRAM,
        action,
        pk=pk,
    )


def members_by_link(alliance: Alliance) -> list[tuple[str, list[Member]]]:
    """The members grouped by chain link, in the chain's order."""
    groups: dict[str, list[Member]] = defaultdict(list)
    rows = alliance.members.select_related("organisation", "village").prefetch_related("products")
    for member in rows:
        groups[member.get_chain_link_display()].append(member)
    order = {str(label): i for i, label in enumerate(ChainLink.labels)}
    return sorted(groups.items(), key=lambda item: order.get(item[0], 99))


def activities(alliance: Alliance, limit: int = 30) -> QuerySet[Activity]:
    return alliance.activities.all()[:limit]


def request_list(
    *, user: Viewer, within: str | None = None, alliance: Alliance | None = None
) -> QuerySet[ServiceRequest]:
    rows = scope(ServiceRequest.objects.all(), user, PROGRAM, within=within)
    if alliance is not None:
        rows = rows.filter(member__alliance=alliance)
    return rows.select_related("member__organisation", "member__alliance", "department", "ticket")


def request_get(*, user: Viewer, pk: int, action: Action = "read") -> ServiceRequest:
    return get_scoped_or_404(
        ServiceRequest.objects.select_related(
            "member__alliance", "member__organisation", "ticket", "department"
        ),
        user,
        PROGRAM,
        action,
        pk=pk,
    )


def order_list(
    *, user: Viewer, within: str | None = None, alliance: Alliance | None = None
) -> QuerySet[BuyerOrder]:
    rows = scope(BuyerOrder.objects.all(), user, PROGRAM, within=within)
    if alliance is not None:
        rows = rows.filter(alliance=alliance)
    return rows.select_related("alliance", "product").prefetch_related("allocations__member__organisation")


def order_get(*, user: Viewer, pk: int, action: Action = "read") -> BuyerOrder:
    return get_scoped_or_404(
        BuyerOrder.objects.select_related("alliance", "product"),
        user,
        PROGRAM,
        action,
        pk=pk,
    )


def allocation_get(*, user: Viewer, pk: int) -> Allocation:
    return get_scoped_or_404(
        Allocation.objects.select_related("order__alliance"), user, PROGRAM, "write", pk=pk
    )


def local_supporting(alliance: Alliance) -> Result:
    """Members' input needs matched to other members' remaining outputs (本地配套), without writing."""
    return allocate(needs(alliance), supplies(alliance, used_by_capacity(alliance)))


def contract_list(*, user: Viewer, within: str | None = None) -> QuerySet[Contract]:
    return (
        scope(Contract.objects.all(), user, PROGRAM, within=within)
        .select_related("payer", "collective", "region")
        .annotate(party_count=Count("parties"))
    )


def contract_get(*, user: Viewer, pk: int, action: Action = "read") -> Contract:
    return get_scoped_or_404(
        Contract.objects.select_related("payer", "collective", "region"),
        user,
        PROGRAM,
        action,
        pk=pk,
    )


def ledger(*, user: Viewer, year: int, within: str | None = None) -> QuerySet[LedgerEntry]:
    return (
        scope(LedgerEntry.objects.filter(year=year), user, PROGRAM, within=within)
        .select_related("contract", "party")
        .order_by("contract__code", "pk")
    )


def payees(entries: list[LedgerEntry]) -> list[tuple[str, str, int]]:
    """(payee, kind label, total fen) of a year's ledger, for the statements' index."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for entry in entries:
        totals[(entry.payee, entry.get_payee_kind_display())] += entry.amount_fen
    return [(payee, kind, total) for (payee, kind), total in sorted(totals.items())]


def settled_years(*, user: Viewer, within: str | None = None) -> list[int]:
    rows = scope(LedgerEntry.objects.all(), user, PROGRAM, within=within)
    return sorted(set(rows.values_list("year", flat=True)), reverse=True)


@dataclass
class VillageYear:
    """Operating income of every village of an area in one year (fen), and who has not reported."""

    year: int
    villages: int  # villages in the area
    income: dict[str, int] = field(default_factory=dict)  # village code → operating income (reported ones)
    by_source: dict[str, int] = field(default_factory=dict)  # source → total over the area
    subsidy_fen: int = 0

    @property
    def reported(self) -> int:
        return len(self.income)

    @property
    def complete(self) -> bool:
        return self.villages > 0 and self.reported == self.villages

    @property
    def summary(self) -> collective.Summary:
        return collective.summarise(self.income.values())


def village_year(prefix: str, year: int) -> VillageYear:
    """Operating income per village under ``prefix`` for ``year``: booked income + ledger inflows.

    A village counts as reported when it has a booked income row for the year (a zero row for a
    village without income); ledger inflows alone do not make a report.
    """
    villages = Region.objects.filter(code__startswith=prefix, level=Region.Level.VILLAGE).count()
    figures = VillageYear(year=year, villages=villages)
    booked = (
        VillageIncome.objects.filter(region__code__startswith=prefix, year=year)
        .values_list("region_id", "source")
        .annotate(total=Sum("amount_fen"))
    )
    sources: dict[str, int] = defaultdict(int)
    for village, source, total in booked:
        figures.income.setdefault(village, 0)
        if source in collective.OPERATING_SOURCES:
            figures.income[village] += total
            sources[source] += total
        else:
            figures.subsidy_fen += total
    inflows = (
        LedgerEntry.objects.filter(village__code__startswith=prefix, year=year)
        .values_list("village_id", "component")
        .annotate(total=Sum("amount_fen"))
    )
    for village, _component, total in inflows:
        if village in figures.income:  # a village that has not reported is not counted
            figures.income[village] += total
            sources["ledger"] += total
    figures.by_source = dict(sources)
    return figures


def income_years(prefix: str) -> list[int]:
    """Years with booked village income under ``prefix``, newest first."""
    rows = (
        VillageIncome.objects.filter(region__code__startswith=prefix)
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(rows), reverse=True)


def latest_complete_year(prefix: str) -> tuple[int | None, bool]:
    """The newest year every village reported, else the newest year at all with ``partial=True``."""
    years = income_years(prefix)
    for year in years:
        if village_year(prefix, year).complete:
            return year, False
    return (years[0], True) if years else (None, False)


def region_prefix_for(user: Viewer, within: str | None) -> str | None:
    """The area the village pages cover: ``within`` if picked, else the user's widest reach."""
    if within:
        return within
    prefixes = visible_prefixes(user)
    return prefixes[0] if prefixes else None


def reaches_region(user: Viewer, prefix: str) -> bool:
    """Whether the viewer may read program 1 figures of the area ``prefix`` (their grant covers it)."""
    return can_reach_region(user, PROGRAM, prefix)


def village_rows(prefix: str, year: int) -> list[tuple[Region, int, str]]:
    """(village, operating income, class) of every reporting village under ``prefix``, by income."""
    figures = village_year(prefix, year)
    names = {r.code: r for r in Region.objects.filter(code__in=list(figures.income)).select_related("parent")}
    return sorted(
        ((names[code], fen, collective.classify(fen)) for code, fen in figures.income.items()),
        key=lambda row: (row[1], row[0].code),
    )


def town_summaries(prefix: str, year: int) -> list[tuple[Region, collective.Summary]]:
    """The class counts of each town under ``prefix``."""
    figures = village_year(prefix, year)
    by_town: dict[str, list[int]] = defaultdict(list)
    for code, fen in figures.income.items():
        by_town[code[:9]].append(fen)
    towns = Region.objects.in_bulk(list(by_town))
    return [(towns[code], collective.summarise(values)) for code, values in sorted(by_town.items())]


@dataclass(frozen=True)
class Waiting:
    """What waits on a guide or secretary: escalated service requests, in due order."""

    requests: list[ServiceRequest]
    alliances: list[Alliance]


def waiting_on(*, user: Viewer) -> Waiting:
    """Service requests whose ticket now sits with the viewer (their post or themselves), and the
    alliances they guide or lead."""
    person = getattr(user, "person", None)
    if person is None:
        return Waiting([], [])
    posts = list(person.workflow_posts.values_list("pk", flat=True))
    mine = Q(ticket__owner_person=person) | Q(ticket__owner_post__in=posts)
    requests = list(
        request_list(user=user)
        .filter(mine, ticket__status__in=("new", "in_progress"))
        .order_by("ticket__resolution_due")
    )
    alliances = list(alliance_list(user=user).filter(Q(guide=person) | Q(secretary=person)))
    return Waiting(requests, alliances)


def rating_mean(alliance: Alliance) -> float | None:
    got = ServiceRequest.objects.filter(member__alliance=alliance, rating__isnull=False).aggregate(
        n=Count("pk"), total=Sum("rating")
    )
    return round(got["total"] / got["n"], 1) if got["n"] else None
