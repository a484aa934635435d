"""Program 2 API under /api/v1/innovation/: enterprises, evaluations, pool counts, challenges.

The same selectors as the pages, so the same scoping: an object outside the caller's area is a
404, never data.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from countyworks.core.api_params import MAX_BIGINT, ObjectId, Pagination, Year
from countyworks.core.http import api_user
from countyworks.core.permissions import access_program_or_404
from countyworks.innovation import selectors, services
from countyworks.innovation.models import PROGRAM, TIERS, Challenge, EvaluationResult, profile_of
from countyworks.rules.registry import known_codes

router = Router(tags=["innovation"])


def _member(request: HttpRequest) -> None:
    access_program_or_404(api_user(request), PROGRAM)


class EnterpriseOut(Schema):
    id: int = Field(description="organisation id")
    name: str
    credit_code: str
    region: str
    park: str
    tiers: list[str] = Field(description="pools at the end of the requested year")


class ResultOut(Schema):
    id: int
    campaign_id: int
    organisation_id: int
    year: int
    ruleset_code: str
    score: Decimal | None
    qualified: bool
    direct: bool
    failed_conditions: list[str]
    points: dict[str, float | int | None]

    @staticmethod
    def resolve_failed_conditions(obj: EvaluationResult) -> list[str]:
        return obj.failed_codes


class MembershipOut(Schema):
    tier: str
    year: int
    entered_on: date
    valid_until: date | None
    exited_on: date | None
    result_id: int | None


class EnterpriseDetailOut(EnterpriseOut):
    memberships: list[MembershipOut]
    results: list[ResultOut]


class CampaignOut(Schema):
    id: int
    title: str
    region: str = Field(alias="region_id")
    year: int
    ruleset_code: str
    ruleset_version: str
    status: str
    row_count: int
    qualified_count: int


class TierCountOut(Schema):
    tier: str
    label: str
    stage: str
    count: int
    previous: int
    yoy_percent: Decimal | None


class ChallengeOut(Schema):
    id: int
    kind: str
    title: str
    region: str = Field(alias="region_id")
    budget: Decimal
    deadline: date
    status: str
    published_on: date | None
    awarded_on: date | None
    accepted_on: date | None
    team: str | None
    target_indicators: list[str]

    @staticmethod
    def resolve_team(obj: Challenge) -> str | None:
        return obj.awarded_application.team_name if obj.awarded_application else None

    @staticmethod
    def resolve_target_indicators(obj: Challenge) -> list[str]:
        return obj.indicator_lines


class EnterprisePage(Schema):
    count: int
    items: list[EnterpriseOut]


class SelfAssessmentIn(Schema):
    ruleset: str = Field(description="rule set code, e.g. tech-sme-2022")
    figures: dict[str, Any] = Field(description="the rule set's input fields by English name")


class RowErrorOut(Schema):
    column: str
    value: str
    message: str


class SelfAssessmentOut(Schema):
    errors: list[RowErrorOut]
    result: dict[str, Any] | None
    reasons: list[str]
    gap: list[str]


def _enterprise(profile, tiers: list[str]) -> dict[str, Any]:
    org = profile.organisation
    return {
        "id": org.pk,
        "name": org.name,
        "credit_code": org.credit_code,
        "region": org.region_id,
        "park": profile.park,
        "tiers": tiers,
    }


@router.get("/enterprises", response=EnterprisePage)
def enterprises(
    request: HttpRequest,
    within: str | None = None,
    tier: str = "",
    year: Year | None = None,
    q: str = "",
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
):
    """Enterprises on the roster; ``tier`` keeps those in that pool at the end of ``year``
    (default: the latest complete evaluation year); ``tiers`` lists each one's pools at that date."""
    _member(request)
    if tier and tier not in TIERS:
        raise HttpError(422, f"unknown tier {tier!r}; known: {', '.join(TIERS)}")
    user = api_user(request)
    year = year or selectors.pool_headline(user=user, within=within).year
    organisations = selectors.enterprise_list(user=user, within=within, tier=tier, year=year, q=q)
    page = list(organisations[offset : offset + limit])
    pools = selectors.tiers_of([o.pk for o in page], selectors.year_end(year))
    return {
        "count": organisations.count(),
        "items": [_enterprise(profile_of(o), [s.tier.value for s in pools.get(o.pk, [])]) for o in page],
    }


@router.get("/enterprises/{org_id}", response=EnterpriseDetailOut)
def enterprise(request: HttpRequest, org_id: ObjectId, year: Year | None = None):
    """One enterprise: its pools, every membership and every evaluation result."""
    _member(request)
    profile = selectors.enterprise_get(user=api_user(request), organisation_id=org_id)
    org = profile.organisation
    memberships = list(selectors.enterprise_memberships(user=api_user(request), organisation=org))
    year = year or max((m.year for m in memberships), default=selectors.latest_year(user=api_user(request)))
    day = selectors.year_end(year)
    return {
        **_enterprise(
            profile, sorted({m.tier for m in memberships if m.is_active_on(day)}, key=lambda t: TIERS[t].rank)
        ),
        "memberships": [
            {
                "tier": m.tier,
                "year": m.year,
                "entered_on": m.entered_on,
                "valid_until": m.valid_until,
                "exited_on": m.exited_on,
                "result_id": m.result_id,
            }
            for m in memberships
        ],
        "results": list(selectors.enterprise_results(user=api_user(request), organisation=org)),
    }


@router.get("/campaigns", response=list[CampaignOut])
@paginate(Pagination)
def campaigns(request: HttpRequest, within: str | None = None):
    _member(request)
    return selectors.campaign_list(user=api_user(request), within=within)


@router.get("/evaluations", response=list[ResultOut])
@paginate(Pagination)
def evaluations(
    request: HttpRequest,
    # A bound of its own: @paginate resolves annotations in ninja's module, where ObjectId is unknown.
    campaign: int = Query(..., ge=1, le=MAX_BIGINT),
    qualified: bool | None = None,
    failed: str = "",
):
    """A campaign's results, filtered like the results table."""
    _member(request)
    found = selectors.campaign_get(user=api_user(request), pk=campaign)
    return selectors.campaign_results(
        user=api_user(request), campaign=found, qualified=qualified, failed=failed
    )


@router.get("/pools/counts", response=list[TierCountOut])
def pool_counts(request: HttpRequest, year: Year | None = None, within: str | None = None):
    """Every pool's size at the end of ``year`` (default: the latest complete evaluation year) and
    the year before, with the change in %."""
    _member(request)
    year = year or selectors.pool_headline(user=api_user(request), within=within).year
    return [
        {
            "tier": c.tier,
            "label": c.label,
            "stage": c.stage,
            "count": c.count,
            "previous": c.previous,
            "yoy_percent": c.yoy,
        }
        for c in selectors.ladder(user=api_user(request), within=within, year=year)
    ]


@router.get("/challenges", response=list[ChallengeOut])
@paginate(Pagination)
def challenges(request: HttpRequest, within: str | None = None, kind: str = "", status: str = ""):
    _member(request)
    return selectors.challenge_list(user=api_user(request), within=within, kind=kind, status=status)


@router.get("/challenges/{challenge_id}", response=ChallengeOut)
def challenge(request: HttpRequest, challenge_id: ObjectId):
    _member(request)
    return selectors.challenge_get(user=api_user(request), pk=challenge_id)


@router.post("/self-assessment", response=SelfAssessmentOut)
def self_assessment(request: HttpRequest, payload: SelfAssessmentIn):
    """Evaluate figures with an official rule set (nothing is stored)."""
    _member(request)
    if payload.ruleset not in known_codes():
        raise HttpError(422, f"unknown rule set {payload.ruleset!r}; known: {', '.join(known_codes())}")
    assessment = services.self_assess(ruleset_code=payload.ruleset, figures=payload.figures)
    return {
        "errors": [{"column": e.column, "value": e.value, "message": e.reason_zh} for e in assessment.errors],
        "result": assessment.result,
        "reasons": assessment.reasons,
        "gap": assessment.gap,
    }
