"""Pages of program 4. Thin: parse (forms), call (selectors and services), render.

Every view is behind :func:`~countyworks.core.permissions.program_required` (404 for users without
the program); objects come through scoped selectors (404 outside the viewer's area); every write
goes through a service that checks the write reach (403) and validates (messages in Chinese).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.feedback import flash_errors
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.middleware import active_region
from countyworks.core.periods import InvalidPeriod, Period
from countyworks.core.permissions import program_required, require_write
from countyworks.parks import forms, presenters, selectors, services
from countyworks.parks.models import PROGRAM, MujunClass


def _period(request: AuthenticatedHttpRequest, within: str | None) -> Period:
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            return Period.parse(raw)
        except InvalidPeriod:
            messages.error(request, _("统计期格式应为 2023、2023Q2 或 2023-06"))
    return presenters.headline_period(selectors.record_years(user=request.user, within=within))


def _figures_context(request: AuthenticatedHttpRequest) -> dict[str, object]:
    within = active_region(request)
    region = selectors.brief_region(user=request.user, within=within)
    period = _period(request, within)
    context: dict[str, object] = {"region": region, "period": period}
    if region is not None:
        figures = selectors.park_figures_cached(region_prefix=region, period=period)
        context.update(figures=figures, period_label=presenters.period_label(figures))
    return context


@program_required(PROGRAM)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _figures_context(request)
    figures = context.get("figures")
    if isinstance(figures, selectors.ParkFigures):
        context.update(
            cards=presenters.key_figures(figures),
            bands=selectors.band_rows(figures.bands),
            bands_chart=presenters.bands_chart(figures),
            rates_chart=presenters.rates_chart(figures),
            chains_chart=presenters.chains_chart(figures),
        )
    return render(request, "parks/home.html", context)


@program_required(PROGRAM)
def leads(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = list(selectors.leads(user=request.user, within=active_region(request)))
    funnel = presenters.stage_funnel(rows)
    context = {"rows": presenters.lead_rows(rows), "funnel": funnel, "chart": presenters.funnel_chart(funnel)}
    return render(request, "parks/leads.html", context)


@program_required(PROGRAM)
def chains(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    region = selectors.brief_region(user=request.user, within=within)
    counts = selectors.chain_counts(region) if region else []
    return render(request, "parks/chains.html", {"counts": counts})


@program_required(PROGRAM)
def chain_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    chain = selectors.chain_get(user=request.user, pk=pk)
    rows = presenters.link_rows(chain)
    gaps = [r for r in rows if r.gap]
    context = {"chain": chain, "rows": rows, "gaps": gaps, "graph": presenters.chain_graph(chain, rows)}
    return render(request, "parks/chain_detail.html", context)


@program_required(PROGRAM)
def projects(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(
        selectors.project_list(user=request.user, today=today, within=active_region(request)),
        selectors.PAGE_SIZE,
    )
    current = page.get_page(request.GET.get("page"))
    rows = presenters.project_list_rows(list(current))
    return render(request, "parks/projects.html", {"rows": rows, "page": current})


@program_required(PROGRAM)
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    today = timezone.localdate()
    milestones = list(project.milestones.order_by("planned_on", "pk"))
    context = {
        "project": project,
        "milestones": presenters.milestone_rows(milestones, today),
        "chart": presenters.timeline_chart(project, milestones, today),
        "tickets": selectors.project_tickets(user=request.user, project=project)[:20],
        "form": forms.ProblemForm(),
    }
    return render(request, "parks/project_detail.html", context)


@require_write(PROGRAM)
def project_problem(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    form = forms.ProblemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写问题"))
        return redirect("parks:project-detail", pk)
    try:
        ticket = services.project_problem_raise(
            project=project, acting_user=request.user, **form.cleaned_data
        )
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        due = timezone.localtime(ticket.resolution_due).strftime("%Y-%m-%d %H:%M")
        messages.success(
            request, _("已转为工单 #%(id)s，问题不过夜：%(due)s 前办结") % {"id": ticket.pk, "due": due}
        )
    return redirect("parks:project-detail", pk)


@program_required(PROGRAM)
def land(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _figures_context(request)
    within = active_region(request)
    parcels = selectors.parcels(user=request.user, within=within)
    form = forms.DisposalForm(
        request.POST or None, parcels=selectors.parcels(user=request.user, within=within, action="write")
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.disposal_record(acting_user=request.user, **data)
            except (ValidationError, PermissionDenied) as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("已登记处置 %(area)s 亩") % {"area": data["area_mu"]})
                return redirect("parks:land")
        else:
            flash_errors(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    context.update(
        parcels=Paginator(parcels, selectors.PAGE_SIZE).get_page(request.GET.get("page")),
        disposals=selectors.disposals(user=request.user, within=within)[:20],
        factories=selectors.factories(user=request.user, within=within),
        form=form,
    )
    return render(request, "parks/land.html", context)


@program_required(PROGRAM)
def mujun(request: AuthenticatedHttpRequest) -> HttpResponse:
    results = selectors.mujun_results(user=request.user, within=active_region(request))
    page = Paginator(results, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {c.value: 0 for c in MujunClass}
    for klass in results.values_list("klass", flat=True):
        counts[klass] += 1
    classes = [(MujunClass(k).label, n) for k, n in counts.items()]
    return render(request, "parks/mujun.html", {"page": page, "classes": classes})


@program_required(PROGRAM)
def mujun_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    result = selectors.mujun_result_get(user=request.user, pk=pk)
    policies = selectors.mujun_policies(user=request.user, region_code=result.region_id, klass=result.klass)
    history = selectors.mujun_history(organisation_id=result.organisation_id, ruleset=result.ruleset)
    context = {
        "result": result,
        "policies": policies,
        "surcharge": services.d_surcharge(history, result.year),
        "d_years": services.consecutive_d_years(history, result.year),
    }
    return render(request, "parks/mujun_detail.html", context)


@program_required(PROGRAM)
def wuhao(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    items = list(selectors.assessments(user=request.user, within=within))
    parks: dict[str, list[object]] = {}
    for item in items:
        parks.setdefault(item.park, []).append(item)
    trends = {park: services.assessment_trend(rows) for park, rows in parks.items()}  # type: ignore[arg-type]
    context = {
        "trends": [
            (park, presenters.assessment_rows(rows), presenters.rank_chart(rows), f"rank-chart-{i}")
            for i, (park, rows) in enumerate(trends.items())
        ],
        "values": presenters.weighted_rows(
            list(selectors.indicator_values(user=request.user, within=within))
        ),
    }
    return render(request, "parks/wuhao.html", context)


@program_required(PROGRAM)
def infrastructure(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = selectors.infrastructure(user=request.user, within=active_region(request))
    return render(request, "parks/infrastructure.html", {"items": items})
