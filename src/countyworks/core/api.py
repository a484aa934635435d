"""Core API: regions and organisations, scoped like the pages."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.pagination import paginate

from countyworks.core import selectors
from countyworks.core.api_params import ObjectId, Pagination
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.models import Organisation
from countyworks.core.scoping import SHARED, get_scoped_or_404

router = Router(tags=["core"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None


class OrganisationOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: str
    region_id: str
    industry_code: str


@router.get("/regions", response=list[RegionOut])
@paginate(Pagination)
def regions(request: AuthenticatedHttpRequest, within: str | None = None):
    return selectors.region_list(user=request.user, within=within)


@router.get("/organisations", response=list[OrganisationOut])
@paginate(Pagination)
def organisations(request: AuthenticatedHttpRequest, within: str | None = None):
    return selectors.organisation_list(user=request.user, within=within)


@router.get("/organisations/{org_id}", response=OrganisationOut)
def organisation(request: AuthenticatedHttpRequest, org_id: ObjectId):
    return get_scoped_or_404(Organisation.objects.all(), request.user, SHARED, pk=org_id)
