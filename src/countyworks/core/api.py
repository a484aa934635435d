"""Core API: regions, organisations and the indicators' pivot, scoped like the pages."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from countyworks.core import profiles, selectors
from countyworks.core.api_params import ObjectId, Pagination, RegionCode
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.indicator_selectors import MAX_SPAN, PivotRow, pivot, visible_indicators
from countyworks.core.indicators import Indicator
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


# --- profiles (企业画像, 村情画像: docs/profiles.md) ----------------------------------------------------


class CellOutProfile(Schema):
    text: str
    url: str
    tag: str


class FactOut(Schema):
    label: str
    value: str
    url: str
    tag: str


class TableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list[CellOutProfile]]


class EventOut(Schema):
    day: date
    program: str
    text: str
    url: str


class SectionOut(Schema):
    title: str
    program: str
    program_label: str
    url: str
    facts: list[FactOut]
    tables: list[TableOut]
    events: list[EventOut]


class ProfileOut(Schema):
    kind: str
    name: str
    key: str
    region: str
    page: str
    sections: list[SectionOut]
    timeline: list[EventOut]


def _event_out(event: profiles.Event) -> dict[str, object]:
    return {
        "day": profiles.event_day(event),
        "program": str(event.program),
        "text": str(event.text),
        "url": event.url,
    }


def _profile_out(profile: profiles.Profile) -> dict[str, object]:
    subject = profile.subject
    if isinstance(subject, Organisation):
        key, region, page = str(subject.pk), subject.region_id, reverse("org-profile", args=[subject.pk])
    else:
        key, region, page = subject.code, subject.code, reverse("village-profile", args=[subject.code])
    return {
        "kind": profile.kind,
        "name": subject.name,
        "key": key,
        "region": region,
        "page": page,
        "sections": [
            {
                "title": str(section.title),
                "program": section.program,
                "program_label": str(section.program_label),
                "url": section.url,
                "facts": [
                    {"label": str(f.label), "value": str(f.value), "url": f.url, "tag": f.tag}
                    for f in section.facts
                ],
                "tables": [
                    {
                        "title": str(t.title),
                        "columns": [str(c) for c in t.columns],
                        "rows": [
                            [{"text": str(c.text), "url": c.url, "tag": c.tag} for c in row] for row in t.rows
                        ],
                    }
                    for t in section.tables
                ],
                "events": [_event_out(e) for e in section.events],
            }
            for section in profile.sections
        ],
        "timeline": [_event_out(e) for e in profile.timeline],
    }


@router.get("/organisations/{org_id}/profile", response=ProfileOut)
def organisation_profile(request: AuthenticatedHttpRequest, org_id: ObjectId):
    """The enterprise profile (企业画像): every program's section about the organisation, and the timeline."""
    return _profile_out(profiles.organisation_profile(user=request.user, organisation_id=org_id))


@router.get("/villages/{code}/profile", response=ProfileOut)
def village_profile(request: AuthenticatedHttpRequest, code: RegionCode):
    """The village profile (村情画像): every program's section about the village, and the timeline."""
    return _profile_out(profiles.village_profile(user=request.user, code=code))


# --- indicators (the province's view, docs/indicators.md) ------------------------------------------


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    period_type: str
    aggregation: str
    source: str
    key: bool


class CellOut(Schema):
    period: str
    value: float | None
    numerator: float
    denominator: float
    complete: bool
    change: float | None


class PivotRowOut(Schema):
    code: str
    name: str
    own: bool
    cells: list[CellOut | None]


class PivotOut(Schema):
    indicator: IndicatorOut
    region: str
    region_name: str
    periods: list[str]
    complete: list[bool]
    total: PivotRowOut
    rows: list[PivotRowOut]


def _indicator_out(indicator: Indicator) -> dict[str, object]:
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "unit": str(indicator.unit),
        "period_type": indicator.period_type,
        "aggregation": indicator.aggregation,
        "source": indicator.source,
        "key": indicator.key,
    }


def _row_out(row: PivotRow, periods: list[str]) -> dict[str, object]:
    cells = [
        None
        if cell is None
        else {
            "period": period,
            "value": None if cell.value is None else float(cell.value),
            "numerator": float(cell.numerator),
            "denominator": float(cell.denominator),
            "complete": cell.complete,
            "change": None if cell.change is None else float(cell.change),
        }
        for cell, period in zip(row.cells, periods, strict=True)
    ]
    return {"code": row.code, "name": row.name, "own": row.own, "cells": cells}


@router.get("/indicators", response=list[IndicatorOut])
def indicators(request: AuthenticatedHttpRequest):
    """The indicators the caller may read (those of the programs their grants reach)."""
    return [_indicator_out(i) for i in visible_indicators(request.user)]


@router.get("/indicators/{code}/pivot", response=PivotOut)
def indicator_pivot(
    request: AuthenticatedHttpRequest,
    code: str,
    region: Annotated[str | None, Query(max_length=16, pattern=r"^\d*$")] = None,
    until: Annotated[str | None, Query(max_length=8)] = None,
    span: Annotated[int | None, Query(ge=1, le=MAX_SPAN)] = None,
):
    """The page's pivot: the total, one row per child region with values and the region's own
    records, over contiguous periods; 404 for an indicator or region outside the caller's reach."""
    table = pivot(user=request.user, code=code, region=region, until=until, span=span)
    periods = [str(p) for p in table.periods]
    return {
        "indicator": _indicator_out(table.indicator),
        "region": table.node,
        "region_name": table.node_name,
        "periods": periods,
        "complete": table.complete,
        "total": _row_out(table.total, periods),
        "rows": [_row_out(row, periods) for row in table.rows],
    }
