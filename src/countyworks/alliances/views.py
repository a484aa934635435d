"""Pages of program 1 under /alliances/. Thin: parse, call one selector or service, render.

The access gate (:mod:`countyworks.core.permissions`) guards every view: the program not theirs →
404; objects are fetched through scoped selectors (404 outside the area); a POST from a read-only
account → 403; every write goes through a service that checks the write reach.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countyworks.alliances import benefit, presenters, selectors, services
from countyworks.alliances.forms import RateForm, RequestForm, YearForm
from countyworks.alliances.models import PROGRAM, Capacity, Member
from countyworks.core.feedback import flash_errors
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.middleware import active_region
from countyworks.core.permissions import program_required, require_write
from countyworks.core.scoping import scope
from countyworks.core.tabular import XLSX_CONTENT_TYPE, xlsx_bytes


@program_required(PROGRAM)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Alliances of the area and the village economy's headline figures."""
    within = active_region(request)
    prefix = selectors.region_prefix_for(request.user, within)
    year, partial = selectors.latest_complete_year(prefix) if prefix is not None else (None, False)
    context: dict[str, object] = {"alliances": selectors.alliance_list(user=request.user, within=within)}
    if year is not None and prefix is not None:
        figures = selectors.village_year(prefix, year)
        context |= {"year": year, "headlines": presenters.village_headlines(figures, partial)}
    return render(request, "alliances/home.html", context)


@program_required(PROGRAM)
def alliance_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, pk=pk)
    capacities = Capacity.objects.filter(member__alliance=alliance).select_related(
        "member__organisation", "product"
    )
    context = {
        "alliance": alliance,
        "links": selectors.members_by_link(alliance),
        "departments": alliance.departments.select_related("post"),
        "branch": alliance.branch_members.select_related("person"),
        "activities": selectors.activities(alliance),
        "rating": selectors.rating_mean(alliance),
        "villages": alliance.villages.all(),
        "supporting": presenters.supporting_rows(
            selectors.local_supporting(alliance), {c.pk: c for c in capacities}
        ),
    }
    return render(request, "alliances/alliance_detail.html", context)


@program_required(PROGRAM)
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    members = scope(
        Member.objects.select_related("organisation", "alliance"), request.user, PROGRAM, "write", within
    )
    context = {
        "requests": selectors.request_list(user=request.user, within=within),
        "form": RequestForm(members=members),
        "rate_form": RateForm(),
    }
    return render(request, "alliances/request_list.html", context)


@require_POST
@require_write(PROGRAM)
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    members = scope(Member.objects.all(), request.user, PROGRAM, "write")
    form = RequestForm(request.POST, members=members)
    if form.is_valid():
        try:
            created = services.service_request_open(acting_user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("服务请求已提交，由%(dept)s受理") % {"dept": created.department})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("alliances:requests")


@require_POST
@require_write(PROGRAM)
def request_rate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service_request = selectors.request_get(user=request.user, pk=pk, action="write")
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.service_request_rate(
                request=service_request, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("评价已记录"))
    return redirect("alliances:requests")


@program_required(PROGRAM)
def guide(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What waits on the viewer as an alliance's guide or secretary."""
    return render(request, "alliances/guide.html", {"waiting": selectors.waiting_on(user=request.user)})


@program_required(PROGRAM)
def order_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    orders = list(selectors.order_list(user=request.user, within=within))
    rows = [
        (o, presenters.premium(o.price_fen, o.local_price_fen), presenters.yuan(o.price_fen)) for o in orders
    ]
    context = {"rows": rows, "alliances": selectors.alliance_list(user=request.user, within=within)}
    return render(request, "alliances/order_list.html", context)


@require_POST
@require_write(PROGRAM)
def orders_allocate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, pk=pk, action="write")
    result = services.orders_allocate(
        alliance=alliance, acting_user=request.user, fair_share="fair_share" in request.POST
    )
    messages.success(
        request,
        _("已分配：满足 %(share).1f%%，运费 %(cost)s 元，%(n)d 笔订单未能足额供货")
        % {
            "share": 100 * result.filled_share,
            "cost": presenters.yuan(round(result.cost)),
            "n": len(result.flags),
        },
    )
    return redirect("alliances:orders")


@require_POST
@require_write(PROGRAM)
def allocation_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    allocation = selectors.allocation_get(user=request.user, pk=pk)
    try:
        services.allocation_confirm(allocation=allocation, acting_user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("alliances:orders")


def _year(request: AuthenticatedHttpRequest, default: int | None) -> int | None:
    form = YearForm(request.GET or request.POST)
    return form.cleaned_data["year"] if form.is_valid() else default


@program_required(PROGRAM)
def settlement(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The contracts and one year's settlement by contract."""
    within = active_region(request)
    years = selectors.settled_years(user=request.user, within=within)
    year = _year(request, years[0] if years else None)
    entries = list(selectors.ledger(user=request.user, year=year, within=within)) if year else []
    context = {
        "year": year,
        "years": years,
        "contracts": selectors.contract_list(user=request.user, within=within),
        "totals": presenters.ledger_by_contract(entries),
        "payees": [(p, k, presenters.yuan(t)) for p, k, t in selectors.payees(entries)],
    }
    return render(request, "alliances/settlement.html", context)


@require_POST
@require_write(PROGRAM)
def settlement_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _year(request, None)
    if year is None:
        messages.error(request, _("请填写结算年度"))
        return redirect("alliances:settlement")
    contracts = selectors.contract_list(user=request.user, within=active_region(request))
    try:
        entries = services.settlement_run(year=year, contracts=contracts, acting_user=request.user)
    except benefit.SettlementError as exc:
        chinese = not (get_language() or "").startswith("en")
        for problem in exc.problems:
            reason = problem.zh if chinese else problem.en
            messages.error(
                request, _("合同 %(code)s：%(reason)s") % {"code": problem.contract, "reason": reason}
            )
    else:
        messages.success(
            request, _("%(year)d年度结算完成，生成台账 %(n)d 条") % {"year": year, "n": len(entries)}
        )
    return redirect(f"{reverse('alliances:settlement')}?year={year}")


@program_required(PROGRAM)
def statement(request: AuthenticatedHttpRequest, year: int, payee: str) -> HttpResponse:
    """A printable statement of one payee's payouts in a year."""
    entries = list(
        selectors.ledger(user=request.user, year=year, within=active_region(request)).filter(payee=payee)
    )
    if not entries:
        raise Http404
    lines, total = presenters.statement(entries)
    return render(
        request, "alliances/statement.html", {"year": year, "payee": payee, "lines": lines, "total": total}
    )


@program_required(PROGRAM)
def settlement_export(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    entries = selectors.ledger(user=request.user, year=year, within=active_region(request))
    header = [_("合同编号"), _("联结方式"), _("年度"), _("收款方"), _("收款方类型"), _("款项"), _("金额(元)")]
    rows = [
        [
            e.contract.code,
            e.contract.get_kind_display(),
            e.year,
            e.payee,
            e.get_payee_kind_display(),
            e.get_component_display(),
            e.amount_fen / 100,
        ]
        for e in entries
    ]
    response = HttpResponse(xlsx_bytes(_("结算台账"), header, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''ledger-{year}.xlsx"
    return response


@program_required(PROGRAM)
def villages(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Village collective economy: classes, the trend, each town and each village."""
    prefix = selectors.region_prefix_for(request.user, active_region(request))
    years = selectors.income_years(prefix) if prefix is not None else []
    latest, partial = selectors.latest_complete_year(prefix) if prefix is not None else (None, False)
    year = _year(request, latest)
    context: dict[str, object] = {"years": years, "year": year}
    if prefix is not None and year is not None:
        figures = selectors.village_year(prefix, year)
        trend = [selectors.village_year(prefix, y) for y in years]
        context |= {
            "headlines": presenters.village_headlines(figures, not figures.complete),
            "classes": presenters.class_rows(figures.summary),
            "sources": presenters.source_rows(figures),
            "towns": [(t, s, presenters.wan(s.total_fen)) for t, s in selectors.town_summaries(prefix, year)],
            "rows": [
                (village, presenters.wan(fen), presenters.CLASS_LABELS[cls], presenters.CLASS_TAGS[cls])
                for village, fen, cls in selectors.village_rows(prefix, year)
            ],
            "trend_chart": presenters.trend_chart(trend),
            "against_province": (
                presenters.against_province(figures, selectors.village_year(prefix[:2], year))
                if len(prefix) > 2
                else None
            ),
            "class_chart": presenters.class_chart(figures.summary, year),
        }
    return render(request, "alliances/villages.html", context)
