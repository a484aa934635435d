"""Program 5 API under /api/v1/courtyards/: courtyards, results, and the inspection submission the
offline phone form posts to when its connection returns.

The same selectors and services as the pages, so the same scoping: a courtyard or household outside
the caller's area is a 404; a refused inspection is a 400 whose ``errors`` map each field to its
messages (in the caller's language), and nothing is written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from countyworks.core.http import api_user
from countyworks.core.permissions import access_program_or_404, access_write_program
from countyworks.courtyards import forms, selectors, services
from countyworks.courtyards.models import PROGRAM, first_of_month

router = Router(tags=["courtyards"])


class CourtyardOut(Schema):
    code: str
    name: str
    village: str
    status: str = Field(description="planned, building or demonstration")
    households: int


class MonthRow(Schema):
    household: int
    name: str
    total: float
    stars: int
    rank_courtyard: int
    rank_village: int
    rank_town: int
    assisted: bool


class AnnualRow(Schema):
    household: int
    name: str
    months_scored: int
    annual_score: float
    ranked: bool
    rank_courtyard: int | None
    top_ten: bool
    assisted: bool


class InspectionOut(Schema):
    id: int
    household: int
    month: str
    total: float
    stars: int


class MonthQuery(Schema):
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")


class YearQuery(Schema):
    year: int = Field(ge=2000, le=2100)


@router.get("/courtyards", response=list[CourtyardOut])
def courtyard_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request)
    access_program_or_404(user, PROGRAM)
    courtyards = selectors.courtyard_list(user=user)
    counts = selectors.household_counts([c.region_id for c in courtyards])
    return [
        {
            "code": c.region_id,
            "name": c.region.name,
            "village": c.region.parent.name if c.region.parent else "",
            "status": c.status,
            "households": counts.get(c.region_id, 0),
        }
        for c in courtyards
    ]


@router.get("/courtyards/{code}/results", response=list[MonthRow])
def monthly_results(request: HttpRequest, code: str, query: Query[MonthQuery]) -> list[dict[str, Any]]:
    """One month's totals, stars and competition ranks within courtyard, village and town."""
    user = api_user(request)
    access_program_or_404(user, PROGRAM)
    courtyard = selectors.courtyard_get(user=user, code=code)
    board = selectors.monthly_board(
        user=user, prefix=courtyard.region_id, month=date.fromisoformat(f"{query.month}-01")
    )
    return _named(board.to_dicts())


@router.get("/courtyards/{code}/annual", response=list[AnnualRow])
def annual_results(request: HttpRequest, code: str, query: Query[YearQuery]) -> list[dict[str, Any]]:
    """The annual overall evaluation: mean of the months scored, ranked from 10 months, top ten."""
    user = api_user(request)
    access_program_or_404(user, PROGRAM)
    courtyard = selectors.courtyard_get(user=user, code=code)
    return _named(selectors.annual_board(user=user, prefix=courtyard.region_id, year=query.year).to_dicts())


def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [row["household"] for row in rows]
    names, assisted = selectors.household_names(ids), selectors.assisted_ids(ids)
    return [
        row | {"name": names[row["household"]].head_name, "assisted": row["household"] in assisted}
        for row in rows
    ]


@router.post(
    "/inspections",
    response={201: InspectionOut, 200: InspectionOut, 400: dict[str, Any]},
    url_name="courtyards_inspection_submit",
)
def inspection_submit(request: HttpRequest) -> Status:
    """Submit one household's monthly inspection (multipart: ``household``, ``month`` YYYY-MM,
    ``item_<code>`` for each item of the sheet, ``violations``, ``notes``, ``correction``,
    ``client_key``, ``photos`` with ``photo_items``). A re-sent entry (same ``client_key``) answers
    200 with the stored inspection; a refused one 400 ``{"errors": {field: [messages]}}``."""
    user = api_user(request)
    access_program_or_404(user, PROGRAM)
    access_write_program(user, PROGRAM)
    raw = request.POST.get("household", "")
    household = selectors.household_get(user=user, pk=int(raw) if raw.isdigit() else 0)
    try:
        fields = forms.inspection_fields(request.POST, request.FILES)
        known = selectors.inspection_exists(fields["client_key"])
        inspection = services.inspection_submit(household=household, acting_user=user, **fields)
    except ValidationError as exc:
        return Status(400, {"errors": forms.error_fields(exc)})
    body = {
        "id": inspection.pk,
        "household": household.pk,
        "month": f"{first_of_month(inspection.month):%Y-%m}",
        "total": float(inspection.total),
        "stars": inspection.stars,
    }
    return Status(200 if known else 201, body)
