"""Pages of program 5. Thin: parse, call one selector or service, render.

The access gate guards every view: the program not theirs → 404; every courtyard, household,
work and photo is fetched through a selector scoped to the viewer (404 outside their area); a
POST from a read-only account → 403, and every service checks the write reach again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.middleware import active_region
from countyworks.core.permissions import program_required, require_write
from countyworks.core.scoping import get_scoped_or_404
from countyworks.courtyards import forms, presenters, selectors, services
from countyworks.courtyards.models import PROGRAM, Courtyard, Photo, ShopItem, first_of_month
from countyworks.courtyards.scoring import MIN_SCORED_MONTHS


def _year(request: AuthenticatedHttpRequest, default: int) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default


def _month(request: AuthenticatedHttpRequest, default: date) -> date:
    raw = request.GET.get("month", "")
    try:
        return first_of_month(date.fromisoformat(f"{raw}-01"))
    except ValueError:
        return default


def _latest(request: AuthenticatedHttpRequest, within: str | None) -> date:
    return selectors.latest_month(user=request.user, within=within) or first_of_month(timezone.localdate())


# --- courtyards compared ---------------------------------------------------------------------------


@program_required(PROGRAM)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    year = _year(request, _latest(request, within).year)
    summaries = selectors.comparison(user=request.user, within=within, year=year)
    months = summaries[0].months if summaries else []
    chart = (
        presenters.progress_chart(months, {s.courtyard.region.name: s.monthly_average for s in summaries})
        if summaries
        else None
    )
    context = {"year": year, "years": range(year - 3, year + 2), "summaries": summaries, "chart": chart}
    return render(request, "courtyards/home.html", context)


# --- one courtyard ----------------------------------------------------------------------------------


@program_required(PROGRAM)
def courtyard_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    courtyard = selectors.courtyard_get(user=request.user, code=code)
    month = _month(request, _latest(request, code))
    households = selectors.households_of(courtyard)
    frame = selectors.results_frame(
        user=request.user, prefix=code, start=date(month.year, 1, 1), end=date(month.year + 1, 1, 1)
    )
    this_month = frame.filter(pl.col("month") == f"{month:%Y-%m}")
    latest = {row["household"]: row["stars"] for row in this_month.iter_rows(named=True)}
    months = [f"{month.year}-{m:02d}" for m in range(1, 13)]
    averages = dict(frame.group_by("month").agg(pl.col("total").mean()).iter_rows())
    balances = selectors.balances(h.pk for h in households)
    context = {
        "courtyard": courtyard,
        "month": month,
        "households": [
            (h, presenters.stars_label(latest[h.pk]) if h.pk in latest else None, balances.get(h.pk, 0))
            for h in households
        ],
        "committee": courtyard.committee.select_related("household"),
        "works": selectors.work_list(user=request.user, within=code),
        "progress": presenters.progress_chart(
            months,
            {courtyard.region.name: [round(averages[m], 1) if m in averages else None for m in months]},
        ),
        "stars_chart": presenters.stars_chart(frame, months),
    }
    return render(request, "courtyards/courtyard.html", context)


@program_required(PROGRAM)
def results(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    courtyard = selectors.courtyard_get(user=request.user, code=code)
    month = _month(request, _latest(request, code))
    year = _year(request, month.year)
    monthly = selectors.monthly_board(user=request.user, prefix=code, month=month)
    annual = selectors.annual_board(user=request.user, prefix=code, year=year)
    ids = set(monthly["household"].to_list()) | set(annual["household"].to_list())
    names, assisted = selectors.household_names(ids), selectors.assisted_ids(ids)
    prizes = selectors.prizes(user=request.user, prefix=code, year=year)
    context = {
        "courtyard": courtyard,
        "month": month,
        "year": year,
        "months": [date(month.year, m, 1) for m in range(1, 13)],
        "monthly": presenters.board(
            monthly, rank_column="rank_courtyard", score_column="total", names=names, assisted=assisted
        ),
        "annual": presenters.board(
            annual,
            rank_column="rank_courtyard",
            score_column="annual_score",
            names=names,
            assisted=assisted,
            prizes=prizes,
        ),
        "min_months": MIN_SCORED_MONTHS,
    }
    return render(request, "courtyards/results.html", context)


@program_required(PROGRAM)
def notice(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    """The 公示 notice of the annual overall evaluation (A4, printable)."""
    courtyard = selectors.courtyard_get(user=request.user, code=code)
    annual = selectors.annual_board(user=request.user, prefix=code, year=year)
    ids = annual["household"].to_list()
    names, assisted = selectors.household_names(ids), selectors.assisted_ids(ids)
    context = {
        "courtyard": courtyard,
        "year": year,
        "board": presenters.board(
            annual,
            rank_column="rank_courtyard",
            score_column="annual_score",
            names=names,
            assisted=assisted,
            prizes=selectors.prizes(user=request.user, prefix=code, year=year),
            public=True,
        ),
        "committee": courtyard.committee.all(),
    }
    return render(request, "courtyards/notice.html", context)


# --- the inspection on a phone ---------------------------------------------------------------------


@program_required(PROGRAM)
def inspect_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    courtyards = selectors.courtyard_list(user=request.user, within=active_region(request))
    return render(request, "courtyards/inspect_pick.html", {"courtyards": courtyards})


def _recent_months(last: date, count: int = 24) -> list[date]:
    """``last`` and the months before it, newest first (an inspection is never for a future month)."""
    months, year, number = [], last.year, last.month
    for _step in range(count):
        months.append(date(year, number, 1))
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return months


def _inspection_context(
    courtyard: Courtyard, month: date, entered: Any = None, errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """The phone form: households (done this month or not), the sheet's items with what was entered
    and the messages of a refused entry beside their fields, and the offline form's settings."""
    sheet = services.sheet_for(courtyard.region_id, month)
    done = selectors.inspected_ids(courtyard, month)
    entered = entered or {}
    errors = {
        ("all" if field == "__all__" else field): messages for field, messages in (errors or {}).items()
    }
    items = [
        {
            "code": item.code,
            "label": item.label,
            "max": item.max_points.normalize(),
            "rule": item.deduction_rule,
            "value": entered.get(f"item_{item.code}", ""),
            "errors": errors.get(item.code, []),
        }
        for item in (sheet.items.all() if sheet else [])
    ]
    return {
        "courtyard": courtyard,
        "month": month,
        "months": _recent_months(first_of_month(timezone.localdate())),
        "sheet": sheet,
        "items": items,
        "households": [(h, h.pk in done) for h in selectors.households_of(courtyard)],
        "entered": entered,
        "errors": errors,
        "selected": _int(entered.get("household")) if entered else None,
        "config": {"courtyard": courtyard.region_id, "maxPhotoSide": 1280, "done": sorted(done)},
    }


@require_write(PROGRAM)
def inspect(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Score the courtyard's households one by one. With JavaScript the form is kept on the phone
    and sent to the API when online (static/courtyards/inspect.js); without it, this view takes the POST."""
    courtyard = selectors.courtyard_get(user=request.user, code=code)
    month = _month(request, first_of_month(timezone.localdate()))
    if request.method == "POST":
        household = selectors.household_get(user=request.user, pk=_int(request.POST.get("household")))
        if household.region_id != courtyard.region_id:
            raise Http404
        try:
            fields = forms.inspection_fields(request.POST, request.FILES)
            services.inspection_submit(household=household, acting_user=request.user, **fields)
        except ValidationError as exc:
            context = _inspection_context(courtyard, month, request.POST, forms.error_fields(exc))
            return render(request, "courtyards/inspect.html", context, status=400)
        messages.success(request, _("已保存 %(name)s 的评比") % {"name": household.head_name})
        return redirect(f"{request.path}?month={fields['month']:%Y-%m}")
    return render(request, "courtyards/inspect.html", _inspection_context(courtyard, month))


def _int(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 0


# --- households, help, points -------------------------------------------------------------------------


@program_required(PROGRAM)
def household_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    context = {
        "household": household,
        "profile": getattr(household, "courtyard_profile", None),
        "duties": household.courtyard_duties.all(),
        "inspections": selectors.household_inspections(household),
        "ledger": selectors.ledger(household)[:50],
        "balance": services.balance_of(household),
        "assistance": selectors.assistance_of(household),
        "form": forms.AssistanceForm(),
    }
    return render(request, "courtyards/household.html", context)


@require_POST
@require_write(PROGRAM)
def assistance_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    household = selectors.household_get(user=request.user, pk=pk)
    form = forms.AssistanceForm(request.POST)
    if form.is_valid():
        try:
            services.assistance_record(household=household, acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("已登记帮扶记录"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("帮扶记录未保存：%(errors)s") % {"errors": form.errors.as_text()})
    return redirect("courtyards:household", pk=pk)


@program_required(PROGRAM)
def assistance_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    records = selectors.assistance_list(user=request.user, within=active_region(request))[:200]
    return render(request, "courtyards/assistance.html", {"records": records})


@program_required(PROGRAM)
def shop(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    items = selectors.shop_items(user=request.user, within=within)
    households = selectors.household_choices(user=request.user, within=within)
    balances = selectors.balances(h.pk for h in households)
    context = {
        "items": items,
        "households": [(h, balances.get(h.pk, 0)) for h in households],
        "redemptions": selectors.redemptions(user=request.user, within=within)[:30],
    }
    return render(request, "courtyards/shop.html", context)


@require_POST
@require_write(PROGRAM)
def redeem(request: AuthenticatedHttpRequest) -> HttpResponseRedirect:
    form = forms.RedeemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("兑换未完成：%(errors)s") % {"errors": form.errors.as_text()})
        return redirect("courtyards:shop")
    household = selectors.household_get(user=request.user, pk=form.cleaned_data["household"])
    item = get_scoped_or_404(ShopItem.objects.all(), request.user, PROGRAM, pk=form.cleaned_data["item"])
    try:
        services.points_redeem(
            household=household, item=item, quantity=form.cleaned_data["quantity"], acting_user=request.user
        )
        messages.success(request, _("%(name)s 兑换成功") % {"name": household.head_name})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("courtyards:shop")


# --- works and photos ------------------------------------------------------------------------------------


@program_required(PROGRAM)
def work_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    works = selectors.work_list(user=request.user, within=active_region(request))
    context = {
        "works": works,
        "totals": selectors.work_totals(works),
        "status_form": forms.WorkStatusForm(auto_id=False),
        "photo_form": forms.WorkPhotoForm(auto_id=False),
    }
    return render(request, "courtyards/works.html", context)


@require_POST
@require_write(PROGRAM)
def work_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    work = selectors.work_get(user=request.user, pk=pk)
    form = forms.WorkStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.work_set_status(work=work, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("已更新「%(title)s」") % {"title": work.title})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("courtyards:works")


@require_POST
@require_write(PROGRAM)
def work_photo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseRedirect:
    work = selectors.work_get(user=request.user, pk=pk)
    form = forms.WorkPhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.work_photo_add(
            work=work,
            stage=form.cleaned_data["stage"],
            upload=form.cleaned_data["photo"],
            acting_user=request.user,
        )
        messages.success(request, _("照片已上传"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("courtyards:works")


@program_required(PROGRAM)
def photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A photo, to users who reach its courtyard (404 otherwise)."""
    found = get_scoped_or_404(Photo.objects.all(), request.user, PROGRAM, pk=pk)
    return FileResponse(found.file.open("rb"), content_type=found.content_type)
