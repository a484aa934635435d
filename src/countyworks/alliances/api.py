"""Program 1 API under /api/v1/alliances/: alliances, orders, the ledger, village figures, settlement.

The same selectors and services as the pages, so the same scoping: an object outside the caller's
area is a 404, never data; a settlement with bad contracts answers 422 with every problem.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from countyworks.alliances import benefit, selectors, services
from countyworks.alliances.models import PROGRAM, LedgerEntry
from countyworks.core.api_params import FIRST_YEAR, LAST_YEAR, ObjectId, Pagination, Year
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.permissions import access_program_or_404
from countyworks.core.regions import InvalidRegionCode, significant_prefix

router = Router(tags=["alliances"])


def _member(request: AuthenticatedHttpRequest) -> None:
    access_program_or_404(request.user, PROGRAM)


class AllianceOut(Schema):
    id: int
    name: str
    town: str = Field(alias="region_id")
    industry: str
    members: int = Field(alias="member_count")
    villages: int = Field(alias="village_count")


class AllocationOut(Schema):
    member_id: int
    quantity: float
    confirmed: bool

    @staticmethod
    def resolve_confirmed(obj: Any) -> bool:
        return obj.confirmed_at is not None


class OrderOut(Schema):
    id: int
    alliance_id: int
    code: str
    buyer: str
    product: str
    grade: str
    quantity: float
    price_fen: int
    status: str
    flag: str
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_product(obj: Any) -> str:
        return obj.product.name

    @staticmethod
    def resolve_allocations(obj: Any) -> list[Any]:
        return list(obj.allocations.all())


class LedgerOut(Schema):
    contract: str
    year: int
    payee: str
    payee_kind: str
    component: str
    amount_fen: int

    @staticmethod
    def resolve_contract(obj: LedgerEntry) -> str:
        return obj.contract.code


class VillageFiguresOut(Schema):
    region: str
    year: int
    villages: int
    reported: int
    complete: bool
    by_class: dict[str, int]
    below_weak: int
    over_100k: int
    operating_income_fen: int


class SettleIn(Schema):
    year: Year


class SettleOut(Schema):
    year: int
    entries: int
    total_fen: int


@router.get("/alliances", response=list[AllianceOut])
def alliance_list(request: AuthenticatedHttpRequest) -> Any:
    _member(request)
    return selectors.alliance_list(user=request.user)


@router.get("/orders", response=list[OrderOut])
@paginate(Pagination)
def order_list(request: AuthenticatedHttpRequest) -> Any:
    _member(request)
    return selectors.order_list(user=request.user)


@router.get("/orders/{order_id}", response=OrderOut)
def order_detail(request: AuthenticatedHttpRequest, order_id: ObjectId) -> Any:
    _member(request)
    return selectors.order_get(user=request.user, pk=order_id)


@router.get("/ledger", response=list[LedgerOut])
@paginate(Pagination)
def ledger(
    request: AuthenticatedHttpRequest,
    # A bound of its own: @paginate resolves annotations in ninja's module, where Year is unknown.
    year: int = Query(..., ge=FIRST_YEAR, le=LAST_YEAR),
) -> Any:
    _member(request)
    return selectors.ledger(user=request.user, year=year)


@router.post("/settlement", response=SettleOut)
def settle(request: AuthenticatedHttpRequest, payload: SettleIn) -> Any:
    """Settle every contract the caller may write for the year (all or nothing)."""
    _member(request)
    contracts = selectors.contract_list(user=request.user)
    try:
        entries = services.settlement_run(year=payload.year, contracts=contracts, acting_user=request.user)
    except benefit.SettlementError as exc:
        raise HttpError(422, "; ".join(str(p) for p in exc.problems)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, "read-only or outside your area") from exc
    return {"year": payload.year, "entries": len(entries), "total_fen": sum(e.amount_fen for e in entries)}


@router.get("/villages/{region}/{year}", response=VillageFiguresOut)
def village_figures(request: AuthenticatedHttpRequest, region: str, year: Year) -> Any:
    """Village collective economy of an area (a division code inside the caller's reach) in a year."""
    _member(request)
    try:
        prefix = significant_prefix(region)
    except InvalidRegionCode as exc:
        raise HttpError(422, str(exc)) from exc
    if not selectors.reaches_region(request.user, prefix):
        raise HttpError(404, "Not Found")
    figures = selectors.village_year(prefix, year)
    summary = figures.summary
    return {
        "region": prefix,
        "year": year,
        "villages": figures.villages,
        "reported": figures.reported,
        "complete": figures.complete,
        "by_class": summary.by_class,
        "below_weak": summary.below_weak,
        "over_100k": summary.over_headline,
        "operating_income_fen": summary.total_fen,
    }
