"""Program 4 API under /api/v1/parks/: leads, projects, land rates and disposals, 亩均 results.

The same selectors and services as the pages, so the same scoping (404 outside the caller's area)
and the same checks; refusals come back in English (400 with every message).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as Reply

from countyworks.core.api_params import ObjectId, Pagination
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.periods import InvalidPeriod, Period
from countyworks.core.permissions import access_program_or_404
from countyworks.core.scoping import reaches
from countyworks.parks import selectors, services
from countyworks.parks.models import PROGRAM, DisposalKind, InvestmentLead

router = Router(tags=["parks"])


def _member(request: AuthenticatedHttpRequest) -> None:
    access_program_or_404(request.user, PROGRAM)


def _bad_input(exc: ValidationError) -> HttpError:
    """A service's refusal as a 400 with its messages in English."""
    with translation.override("en"):
        return HttpError(400, "; ".join(str(m) for m in exc.messages))


class LeadOut(Schema):
    id: int
    name: str
    company: str = Field(alias="company.name")
    region: str = Field(alias="region_id")
    tags: list[str]
    chain_link_id: int | None
    contracted_yi: Decimal
    funds_in_place_yi: Decimal
    stage: str
    signed_on: date | None
    started_on: date | None

    @staticmethod
    def resolve_stage(obj: InvestmentLead) -> str:
        return obj.stage.value


class MilestoneOut(Schema):
    kind: str
    planned_on: date
    actual_on: date | None


class ProjectOut(Schema):
    id: int
    name: str
    region: str = Field(alias="region_id")
    kind: str
    provincial_key: bool
    city_key: bool
    total_investment_yi: Decimal
    milestones: list[MilestoneOut]


class RateOut(Schema):
    category: str
    numerator_mu: Decimal
    denominator_mu: Decimal
    percent: Decimal | None


class DisposalIn(Schema):
    parcel_id: ObjectId
    kind: DisposalKind
    area_mu: Decimal = Field(max_digits=12, decimal_places=2)
    disposed_on: date
    note: str = Field("", max_length=200)


class DisposalOut(Schema):
    id: int
    parcel_id: int
    kind: str
    area_mu: Decimal
    disposed_on: date


class MujunOut(Schema):
    id: int
    organisation_id: int
    year: int
    ruleset: str
    group: str
    score: Decimal | None
    rank: int | None
    group_size: int | None
    klass: str = Field(description="A, B, C, D or T (not rated)")
    reasons: list[str]


@router.get("/leads", response=list[LeadOut])
@paginate(Pagination)
def leads(request: AuthenticatedHttpRequest, within: str | None = None):
    _member(request)
    return selectors.leads(user=request.user, within=within).order_by("pk")


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def projects(request: AuthenticatedHttpRequest, within: str | None = None):
    _member(request)
    return selectors.projects(user=request.user, within=within).order_by("pk")


@router.get("/land/rates", response=list[RateOut])
def land_rates(request: AuthenticatedHttpRequest, region: str, period: str):
    """The three disposal rates of a region in the caller's reach, with numerators and denominators [亩]."""
    _member(request)
    if not any(region.startswith(r.prefix) for r in reaches(request.user, PROGRAM)):
        raise HttpError(404, "Not Found")
    try:
        window = Period.parse(period)
    except InvalidPeriod as exc:
        raise HttpError(400, str(exc)) from exc
    return [
        {
            "category": r.category,
            "numerator_mu": r.rate.numerator,
            "denominator_mu": r.rate.denominator,
            "percent": r.rate.percent,
        }
        for r in services.category_rates(region_prefix=region, period=window)
    ]


@router.post("/land/disposals", response={201: DisposalOut})
def disposal_create(request: AuthenticatedHttpRequest, payload: DisposalIn):
    """Record a disposal; beyond the parcel, a kind its category does not allow or a non-positive
    area → 400 (nothing written)."""
    _member(request)
    parcel = selectors.parcel_get(user=request.user, pk=payload.parcel_id)
    try:
        action = services.disposal_record(
            parcel=parcel,
            kind=payload.kind.value,
            area_mu=payload.area_mu,
            disposed_on=payload.disposed_on,
            note=payload.note,
            acting_user=request.user,
        )
    except ValidationError as exc:
        raise _bad_input(exc) from exc
    return Reply(201, action)


@router.get("/mujun", response=list[MujunOut])
@paginate(Pagination)
def mujun(request: AuthenticatedHttpRequest, within: str | None = None):
    _member(request)
    return selectors.mujun_results(user=request.user, within=within)
