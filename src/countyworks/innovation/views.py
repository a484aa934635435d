"""Pages of program 2. Thin: parse (forms), call (selectors and services), render.

The access gate (:mod:`countyworks.core.permissions`) guards every view: the program not theirs →
404; every object is fetched through a selector that scopes it to the viewer (404 outside their
area); a POST from a read-only account → 403 只读账号, and every write goes through a service
that checks the viewer's write reach on the object (403).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countyworks.core.audit import AUDIT_ROLES
from countyworks.core.feedback import flash_errors, flash_outcome
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.import_jobs import staged_path
from countyworks.core.importing import template_filename, template_xlsx
from countyworks.core.middleware import active_region
from countyworks.core.periods import Period
from countyworks.core.permissions import program_required, require_write
from countyworks.core.scoping import can_reach_region, has_role
from countyworks.core.tabular import XLSX_CONTENT_TYPE as XLSX
from countyworks.core.tabular import RowError, xlsx_bytes
from countyworks.innovation import forms, presenters, selectors, services
from countyworks.innovation.models import (
    PROGRAM,
    TIER_SPECS,
    TIERS,
    Achievement,
    Challenge,
    EvaluationCampaign,
    EvaluationResult,
    InnovationPlatform,
    RosterEnterprise,
)
from countyworks.innovation.rule_words import condition_labels, rule_word
from countyworks.rules.engine import RuleSet
from countyworks.rules.registry import UnknownRuleSet, get_ruleset, known_codes


def _xlsx(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    """A one-sheet download through the platform's xlsx writer (formula cells neutralised)."""
    response = HttpResponse(xlsx_bytes("data", header, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# --- home ----------------------------------------------------------------------------------------------


@program_required(PROGRAM)
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    headline = selectors.pool_headline(user=request.user, within=within)
    year = _year(request) or headline.year
    ladder = selectors.ladder(user=request.user, within=within, year=year)
    context = {
        "year": year,
        "partial": headline.is_partial(year),
        "progress_note": headline.progress_note(),
        "progress_year": headline.headline.in_progress,
        "years": range(year - 4, year + 2),
        "stages": selectors.stage_totals(ladder),
        "ladder": ladder,
        "chart": presenters.ladder_chart(ladder, year),
        "campaigns": selectors.campaign_list(user=request.user, within=within)[:5],
        "challenges": presenters.challenge_summary_rows(
            selectors.challenge_summary(user=request.user, within=within)
        ),
    }
    return render(request, "innovation/home.html", context)


def _query(request: AuthenticatedHttpRequest) -> str:
    """The current filters without the page number (for the pager's links)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _year(request: AuthenticatedHttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


# --- enterprises ------------------------------------------------------------------------------------------


@program_required(PROGRAM)
def enterprise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    year = _year(request) or selectors.pool_headline(user=request.user, within=within).year
    tier = request.GET.get("tier", "")
    tier = tier if tier in TIERS else ""
    q = request.GET.get("q", "").strip()[:64]
    organisations = selectors.enterprise_list(user=request.user, within=within, tier=tier, year=year, q=q)
    if request.GET.get("export") == "xlsx":
        return _enterprises_xlsx(organisations, year)
    page = Paginator(organisations, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    tiers = selectors.tiers_of([o.pk for o in page], selectors.year_end(year))
    rows = presenters.enterprise_rows(page, tiers)
    context = {
        "page": page,
        "rows": rows,
        "year": year,
        "tier": tier,
        "q": q,
        "tier_specs": TIER_SPECS,
        "query": _query(request),
    }
    return render(request, "innovation/enterprise_list.html", context)


def _enterprises_xlsx(organisations: QuerySet[RosterEnterprise], year: int) -> HttpResponse:
    rows = list(organisations[:100_000])
    tiers = selectors.tiers_of([o.pk for o in rows], selectors.year_end(year))
    return _xlsx(f"enterprises-{year}.xlsx", *presenters.enterprise_sheet(rows, tiers, year))


@program_required(PROGRAM)
def enterprise_detail(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    data = selectors.enterprise_page(user=request.user, organisation_id=org_id)
    try:
        context = presenters.enterprise_detail(data, today=timezone.localdate(), rulesets=_rulesets())
    except UnknownRuleSet as exc:  # a result of a rule-set version no longer registered
        raise Http404 from exc
    context |= {
        "can_audit": has_role(request.user, AUDIT_ROLES),
        "can_write": can_reach_region(request.user, PROGRAM, data.profile.organisation.region_id, "write"),
        "plan_form": forms.PlanForm(officers=data.officers, initial={"year": context["standing_year"]}),
        "milestone_form": forms.MilestoneForm(),
        "problem_form": forms.ProblemForm(),
    }
    return render(request, "innovation/enterprise_detail.html", context)


def _rulesets() -> list[RuleSet]:
    """Every registered rule set (newest version of each code)."""
    return [get_ruleset(code) for code in known_codes()]


def _campaign_ruleset(campaign: EvaluationCampaign) -> RuleSet:
    """The campaign's pinned rule-set version (404 if it is not registered)."""
    try:
        return campaign.ruleset()
    except UnknownRuleSet as exc:
        raise Http404 from exc


@program_required(PROGRAM)
def result_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    result = selectors.result_get(user=request.user, pk=pk)
    ruleset = _campaign_ruleset(result.campaign)
    return render(request, "innovation/result_detail.html", {"e": presenters.breakdown(result, ruleset)})


# --- 一企一策 ---------------------------------------------------------------------------------------------


@require_write(PROGRAM)
@require_POST
def plan_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    profile = selectors.enterprise_get(user=request.user, organisation_id=org_id)
    form = forms.PlanForm(request.POST, officers=selectors.officers(user=request.user))
    target = reverse("innovation:enterprise-detail", args=[org_id])
    if not form.is_valid():
        messages.error(
            request, _("一企一策未保存：") + "；".join(str(e) for errs in form.errors.values() for e in errs)
        )
        return redirect(target)
    data = form.cleaned_data
    flash_outcome(
        request,
        lambda: services.plan_create(
            organisation=profile.organisation,
            year=data["year"],
            target_tier=data["target_tier"],
            tech_needs=data["tech_needs"],
            bottlenecks=data["bottlenecks"],
            measures=data["measures"],
            officer=data["officer"],
            acting_user=request.user,
        ),
        _("已建立一企一策"),
    )
    return redirect(target)


def _plan(request: AuthenticatedHttpRequest, pk: int):
    return selectors.plan_get(user=request.user, pk=pk)


@require_write(PROGRAM)
@require_POST
def plan_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    status = request.POST.get("status", "")
    if status in dict(plan.Status.choices):
        services.plan_update(plan=plan, status=status, acting_user=request.user)
        messages.success(request, _("已更新状态"))
    return redirect("innovation:enterprise-detail", plan.organisation_id)


@require_write(PROGRAM)
@require_POST
def plan_milestone_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        services.plan_milestone_add(plan=plan, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("已添加节点"))
    else:
        messages.error(request, _("节点未保存，请填写名称和日期"))
    return redirect("innovation:enterprise-detail", plan.organisation_id)


@require_write(PROGRAM)
@require_POST
def plan_milestone_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.plan_milestone_get(user=request.user, pk=pk)
    try:
        services.plan_milestone_complete(
            milestone=milestone, done_on=timezone.localdate(), acting_user=request.user
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("innovation:enterprise-detail", milestone.plan.organisation_id)


@require_write(PROGRAM)
@require_POST
def plan_problem(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = forms.ProblemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写问题并选择问题类别"))
        return redirect("innovation:enterprise-detail", plan.organisation_id)
    try:
        ticket = services.plan_problem_raise(plan=plan, acting_user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        due = timezone.localtime(ticket.resolution_due).strftime("%Y-%m-%d %H:%M")
        messages.success(request, _("已转为工单 #%(id)s，办理时限 %(due)s") % {"id": ticket.pk, "due": due})
    return redirect("innovation:enterprise-detail", plan.organisation_id)


# --- campaigns --------------------------------------------------------------------------------------------


@require_write(PROGRAM)
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    regions = selectors.writable_regions(user=request.user)
    form = forms.CampaignForm(request.POST or None, regions=regions)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    region=data["region"],
                    year=data["year"],
                    ruleset_code=data["ruleset_code"],
                    title=data["title"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                return redirect("innovation:campaign-detail", campaign.pk)
    campaigns = selectors.campaign_list(user=request.user, within=active_region(request))
    page = Paginator(campaigns, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": presenters.campaign_rows(page),
        "form": form,
        "can_create": regions.exists(),
    }
    return render(request, "innovation/campaign_list.html", context)


@program_required(PROGRAM)
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    ruleset = _campaign_ruleset(campaign)
    conditions = condition_labels(ruleset)
    filters = forms.ResultFilterForm(request.GET or None, conditions=conditions)
    results = None
    if campaign.status in (EvaluationCampaign.Status.EVALUATED, EvaluationCampaign.Status.CONFIRMED):
        valid = filters.is_valid() if request.GET else True
        data = filters.cleaned_data if request.GET and valid else {}
        results = selectors.campaign_results(
            user=request.user,
            campaign=campaign,
            qualified=filters.qualified_value() if data else None,
            failed=data.get("failed", ""),
            q=data.get("q", ""),
            order=data.get("order") or "row",
        )
        if request.GET.get("export") == "xlsx":
            return _results_xlsx(campaign, ruleset, results)
    page = (
        Paginator(results, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        if results is not None
        else None
    )
    if page is not None:
        presenters.attach_point_values(page, ruleset, dict(conditions))
    context = {
        "campaign": campaign,
        "ruleset": ruleset,
        "indicators": ruleset.indicators,
        "page": page,
        "filters": filters,
        "query": _query(request),
        "failure_counts": (
            presenters.failure_rows(
                selectors.campaign_failure_counts(user=request.user, campaign=campaign), conditions
            )
            if results is not None
            else []
        ),
        "can_write": can_reach_region(request.user, PROGRAM, campaign.region_id, "write"),
        "upload_form": forms.UploadForm(),
        "confirm_form": forms.ConfirmForm(initial={"entered_on": services.default_entry_date(campaign.year)}),
        "upload_errors": request.session.pop(f"campaign-{pk}-errors", None),
        "fields": ruleset.fields,
    }
    return render(request, "innovation/campaign_detail.html", context)


@program_required(PROGRAM)
def campaign_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The campaign's upload template: Chinese headers, a 填写说明 sheet, drop-down lists."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    ruleset = _campaign_ruleset(campaign)
    content = template_xlsx(
        presenters.campaign_template_columns(ruleset),
        title=f"{campaign.title}：{ruleset.title}（{ruleset.document}）",
        notes=["每行一家企业；平台中已有的企业只需统一社会信用代码，新企业另填企业名称和区划代码。"],
        mark_required=False,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, template_filename(campaign.title))
    return response


def _results_xlsx(
    campaign: EvaluationCampaign, ruleset: RuleSet, results: QuerySet[EvaluationResult]
) -> HttpResponse:
    filename = f"campaign-{campaign.pk}-{campaign.ruleset_code}-{campaign.year}.xlsx"
    return _xlsx(filename, *presenters.results_sheet(ruleset, results.iterator(chunk_size=2000)))


@require_write(PROGRAM)
@require_POST
def campaign_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件"))
        return redirect("innovation:campaign-detail", pk)
    try:
        errors = services.campaign_upload(
            campaign=campaign, upload=form.cleaned_data["file"], acting_user=request.user
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("innovation:campaign-detail", pk)
    if errors:
        labels = services.column_labels(_campaign_ruleset(campaign))
        request.session[_report_key(pk)] = _stage_error_report(campaign, form.cleaned_data["file"], errors)
        request.session[f"campaign-{pk}-errors"] = [
            services.row_error_zh(e, labels) for e in errors[:500]
        ] + ([_("……共 %(n)d 处错误") % {"n": len(errors)}] if len(errors) > 500 else [])
        messages.error(
            request, _("文件有 %(n)d 处错误，未保存任何数据，请修改后重新上传") % {"n": len(errors)}
        )
    else:
        request.session.pop(_report_key(pk), None)
        messages.success(
            request, _("文件校验通过，共 %(n)d 家企业，可以开始评价") % {"n": campaign.row_count}
        )
    return redirect("innovation:campaign-detail", pk)


def _report_key(pk: int) -> str:
    return f"campaign-{pk}-report"


def _stage_error_report(
    campaign: EvaluationCampaign, upload: UploadedFile, errors: list[RowError]
) -> dict[str, str]:
    """Write the marked error report of a refused upload to the staging area; the session keeps
    its token (only this session can download it)."""
    name = Path(upload.name or "upload").name
    upload.seek(0)
    report = services.campaign_error_report(campaign=campaign, data=upload.read(), name=name, errors=errors)
    token = secrets.token_urlsafe(16)
    staged_path(token, "xlsx").write_bytes(report)
    return {"token": token, "name": name}


@program_required(PROGRAM)
def campaign_upload_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The last refused upload of this campaign, its bad cells marked red (this session's only)."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    entry = request.session.get(_report_key(campaign.pk))
    path = staged_path(entry["token"], "xlsx") if entry else None
    if entry is None or path is None or not path.is_file():
        raise Http404
    response = HttpResponse(path.read_bytes(), content_type=XLSX)
    filename = f"{Path(entry['name']).stem}-{_('错误标记')}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_write(PROGRAM)
@require_POST
def campaign_run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    try:
        job = services.campaign_run(campaign=campaign, acting_user=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("innovation:campaign-detail", pk)
    return redirect("job-detail", job.pk)


@require_write(PROGRAM)
@require_POST
def campaign_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    form = forms.ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写入库日期"))
        return redirect("innovation:campaign-detail", pk)
    try:
        entries = services.campaign_confirm(
            campaign=campaign,
            entered_on=form.cleaned_data["entered_on"],
            closes_year=form.cleaned_data["closes_year"],
            acting_user=request.user,
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        # Translators: the separator between the pools listed in the confirmation message.
        summary = _("，").join(
            _("%(tier)s %(n)d 家") % {"tier": TIERS[t].tier.label, "n": n} for t, n in entries.items() if n
        )
        messages.success(request, _("已确认入库：%(summary)s") % {"summary": summary or _("无")})
    return redirect("innovation:campaign-detail", pk)


# --- self-assessment --------------------------------------------------------------------------------------


@program_required(PROGRAM)
def self_assess(request: AuthenticatedHttpRequest) -> HttpResponse:
    codes = dict(forms.ruleset_choices())
    code = request.POST.get("ruleset") or request.GET.get("ruleset") or next(iter(codes))
    if code not in codes:
        raise Http404
    ruleset = get_ruleset(code)
    assessment = None
    if request.method == "POST":
        form = forms.self_assessment_form(ruleset, data=request.POST)
        form.is_valid()
        figures = {name: request.POST.get(name, "") for name in form.fields}
        assessment = services.self_assess(
            ruleset_code=code, figures=figures, translate=rule_word, codes=False
        )
        for error in assessment.errors:
            if error.column in form.fields:
                form.add_error(error.column, error.reason_zh)
    else:
        form = forms.self_assessment_form(ruleset, initial=_own_figures(request, ruleset))
    context = {
        "codes": codes,
        "code": code,
        "ruleset": ruleset,
        "form": form,
        "assessment": assessment,
        "indicators": presenters.assessment_bars(ruleset, assessment),
    }
    return render(request, "innovation/self_assess.html", context)


def _own_figures(request: AuthenticatedHttpRequest, ruleset: RuleSet) -> dict[str, Any]:
    """An enterprise user's latest declared figures, to start from."""
    latest = selectors.own_latest_year_data(user=request.user)
    names = {f.name for f in ruleset.fields}
    return {k: v for k, v in latest.data.items() if k in names} if latest else {}


# --- 揭榜挂帅 ---------------------------------------------------------------------------------------------


@require_write(PROGRAM)
def challenge_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    regions = selectors.writable_regions(user=request.user)
    issuers = selectors.enterprises(user=request.user, within=within)
    form = forms.ChallengeForm(request.POST or None, regions=regions, issuers=issuers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            challenge = services.challenge_create(acting_user=request.user, **data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            return redirect("innovation:challenge-detail", challenge.pk)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    challenges = selectors.challenge_list(
        user=request.user,
        within=within,
        kind=kind if kind in Challenge.Kind.values else "",
        status=status if status in Challenge.Status.values else "",
    )
    context = {
        "challenges": challenges,
        "form": form,
        "can_create": regions.exists(),
        "kind": kind,
        "status": status,
        "kinds": Challenge.Kind.choices,
        "statuses": Challenge.Status.choices,
    }
    return render(request, "innovation/challenge_list.html", context)


@program_required(PROGRAM)
def challenge_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    challenge = selectors.challenge_get(user=request.user, pk=pk)
    applications = list(challenge.applications.all())
    application_qs = selectors.challenge_applications(challenge=challenge)
    today = timezone.localdate()
    context = {
        "challenge": challenge,
        "applications": applications,
        "can_write": can_reach_region(request.user, PROGRAM, challenge.region_id, "write"),
        "next_statuses": [
            (s, Challenge.Status(s).label)
            for s in challenge.PIPELINE[challenge.status]
            if s not in (Challenge.Status.AWARDED, Challenge.Status.ACCEPTED)
        ],
        "transition_form": forms.TransitionForm(),
        "application_form": forms.ApplicationForm(
            organisations=selectors.team_organisations(user=request.user), initial={"submitted_on": today}
        ),
        "review_form": forms.ReviewForm(applications=application_qs, initial={"reviewed_on": today}),
        "award_form": forms.AwardForm(applications=application_qs, initial={"awarded_on": today}),
        "milestone_form": forms.MilestoneForm(),
        "tranche_form": forms.TrancheForm(),
        "accept_form": forms.AcceptForm(initial={"accepted_on": today}),
        "paid": presenters.paid(challenge),
    }
    return render(request, "innovation/challenge_detail.html", context)


def _transition(request: AuthenticatedHttpRequest, challenge: Challenge) -> object:
    form = _valid(forms.TransitionForm(request.POST))
    return services.challenge_transition(
        challenge=challenge, to_status=form["to_status"], comment=form["comment"], acting_user=request.user
    )


def _apply(request: AuthenticatedHttpRequest, challenge: Challenge) -> object:
    organisations = selectors.team_organisations(user=request.user)
    form = _valid(forms.ApplicationForm(request.POST, organisations=organisations))
    return services.challenge_application_submit(challenge=challenge, acting_user=request.user, **form)


def _review(request: AuthenticatedHttpRequest, challenge: Challenge) -> object:
    applications = selectors.challenge_applications(challenge=challenge)
    form = _valid(forms.ReviewForm(request.POST, applications=applications))
    return services.challenge_review_record(acting_user=request.user, **form)


def _award(request: AuthenticatedHttpRequest, challenge: Challenge) -> object:
    applications = selectors.challenge_applications(challenge=challenge)
    form = _valid(forms.AwardForm(request.POST, applications=applications))
    return services.challenge_award(
        challenge=challenge, application=form["application"], on=form["awarded_on"], acting_user=request.user
    )


ChallengeAction = Callable[[AuthenticatedHttpRequest, Challenge], object]


def _adds(form_class: type[Form], service: Callable[..., object]) -> ChallengeAction:
    """A step that adds a row to the challenge (a milestone, a tranche) from its form."""

    def action(request: AuthenticatedHttpRequest, challenge: Challenge) -> object:
        return service(challenge=challenge, acting_user=request.user, **_valid(form_class(request.POST)))

    return action


def _dates_today(
    item: str, day: str, get: Callable[..., Any], service: Callable[..., object]
) -> ChallengeAction:
    """A step that dates one of the challenge's rows today (a milestone done, a tranche paid): the
    row named by the POST field ``item`` is passed to ``service`` as ``item``, today as ``day``."""

    def action(request: AuthenticatedHttpRequest, challenge: Challenge) -> object:
        row = get(challenge=challenge, pk=request.POST.get(item))
        return service(**{item: row, day: timezone.localdate()}, acting_user=request.user)

    return action


_milestone = _adds(forms.MilestoneForm, services.challenge_milestone_add)
_milestone_done = _dates_today(
    "milestone", "done_on", selectors.challenge_milestone_get, services.challenge_milestone_complete
)
_tranche = _adds(forms.TrancheForm, services.challenge_tranche_add)
_pay = _dates_today("tranche", "paid_on", selectors.challenge_tranche_get, services.challenge_tranche_pay)


def _accept(request: AuthenticatedHttpRequest, challenge: Challenge) -> object:
    form = _valid(forms.AcceptForm(request.POST))
    return services.challenge_accept(
        challenge=challenge,
        passed=form["passed"],
        notes=form["notes"],
        on=form["accepted_on"],
        acting_user=request.user,
    )


#: One handler per step of the 揭榜挂帅 pipeline: each parses its form and calls its service.
CHALLENGE_ACTIONS: dict[str, ChallengeAction] = {
    "transition": _transition,
    "apply": _apply,
    "review": _review,
    "award": _award,
    "milestone": _milestone,
    "milestone-done": _milestone_done,
    "tranche": _tranche,
    "pay": _pay,
    "accept": _accept,
}


@require_write(PROGRAM)
@require_POST
def challenge_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST endpoint per step of the pipeline (:data:`CHALLENGE_ACTIONS`)."""
    challenge = selectors.challenge_get(user=request.user, pk=pk)
    handler = CHALLENGE_ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        handler(request, challenge)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("已保存"))
    return HttpResponseRedirect(reverse("innovation:challenge-detail", args=[pk]))


def _valid(form) -> dict[str, Any]:
    """The cleaned data, or a ValidationError carrying every field's messages."""
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[f].label if f in form.fields else ''}：{e}".lstrip("：")
                for f, errs in form.errors.items()
                for e in errs
            ]
        )
    return form.cleaned_data


# --- platforms and achievements -------------------------------------------------------------------------


@require_write(PROGRAM)
def platform_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    regions = selectors.writable_regions(user=request.user)
    hosts = selectors.platform_hosts(user=request.user, within=within)
    platforms = selectors.platform_list(user=request.user, within=within)
    achievement_form = forms.AchievementForm(regions=regions, organisations=hosts, platforms=platforms)
    platform_form = forms.PlatformForm(hosts=hosts)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "platform":
                platform_form = forms.PlatformForm(request.POST, hosts=hosts)
                services.platform_create(acting_user=request.user, **_valid(platform_form))
            else:
                achievement_form = forms.AchievementForm(
                    request.POST, regions=regions, organisations=hosts, platforms=platforms
                )
                services.achievement_create(acting_user=request.user, **_valid(achievement_form))
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("已登记"))
            return redirect("innovation:platforms")
    year = _year(request) or timezone.localdate().year
    years = list(range(year - 2, year + 1))
    counts = selectors.achievement_counts(user=request.user, within=within, years=years)
    kind = request.GET.get("kind", "")
    achievements = selectors.achievement_list(
        user=request.user, within=within, kind=kind if kind in Achievement.Kind.values else ""
    )
    page = Paginator(achievements, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    count_rows, chart = presenters.achievement_table(counts, years)
    context = {
        "platforms": platforms,
        "kinds": InnovationPlatform.Kind.choices,
        "year": year,
        "years": years,
        "count_rows": count_rows,
        "chart": chart,
        "page": page,
        "kind": kind,
        "achievement_kinds": Achievement.Kind.choices,
        "achievement_form": achievement_form,
        "platform_form": platform_form,
        "can_write": regions.exists(),
    }
    return render(request, "innovation/platform_list.html", context)


# --- brief --------------------------------------------------------------------------------------------------


@program_required(PROGRAM)
def brief(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The statistical brief of the active region (or the user's area) for a year."""
    from countyworks.core.errors import BriefUnavailable
    from countyworks.innovation.brief import brief_text

    within = active_region(request)
    region = selectors.brief_region(user=request.user, within=within)
    if region is None:
        raise Http404
    headline = selectors.pool_headline(user=request.user, within=within)
    year = _year(request) or headline.year
    try:
        text = brief_text(region, Period(year, "year"))
    except BriefUnavailable:  # the page says so in words ("该区域该年度暂无科技创新数据")
        text = ""
    context = {
        "text": text,
        "year": year,
        "years": range(year - 4, year + 2),
        "partial": headline.is_partial(year),
        "progress_note": headline.progress_note(),
    }
    return render(request, "innovation/brief.html", context)
