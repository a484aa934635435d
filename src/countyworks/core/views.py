"""Core pages: home, region switch, audit trail and log, jobs, API tokens. Thin: parse, call, render."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from countyworks.core import audit, profiles, selectors, services
from countyworks.core.charts import bar_chart
from countyworks.core.demo_accounts import DEMO_ACCOUNTS
from countyworks.core.feedback import flash_errors
from countyworks.core.home import collect_tiles
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.middleware import SESSION_KEY, active_region
from countyworks.core.scoping import visible_prefixes
from countyworks.core.tabular import XLSX_CONTENT_TYPE, xlsx_bytes


class LoginView(auth_views.LoginView):
    """Django's login, with the demo accounts listed in demo mode."""

    extra_context = {"demo_accounts": DEMO_ACCOUNTS}


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    within = active_region(request)
    parts = selectors.organisations_by_region(user=request.user, within=within)
    chart = bar_chart(
        _("下辖各地区登记组织数"),
        [part.name for part in parts],
        {_("组织数"): [part.amount for part in parts]},
        unit=pgettext("unit of organisations", "家"),
    )
    context = {
        "area_label": selectors.user_area_label(request.user, within),
        "tiles": collect_tiles(request.user, within),
        "org_chart": chart,
        "has_grants": bool(visible_prefixes(request.user)),
    }
    return render(request, "core/home.html", context)


@login_required
@require_POST
def region_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    code = request.POST.get("region", "")
    if code and not any(code.startswith(p) for p in visible_prefixes(request.user)):
        messages.error(request, _("无权切换到该区域"))
    else:
        request.session[SESSION_KEY] = code
    target = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return HttpResponseRedirect(target)


@login_required
def audit_object(request: AuthenticatedHttpRequest, label: str, pk: str) -> HttpResponse:
    obj, entries = audit.audit_trail(user=request.user, label=label, pk=pk)
    context = {"object": obj, "entries": entries, "kind": obj._meta.verbose_name}
    return render(request, "core/audit.html", context)


class AuditLogFilterForm(forms.Form):
    """The audit log's filters: person, kind of record, region (inside the viewer's reach), dates."""

    user = forms.CharField(label=gettext_lazy("操作人"), required=False, max_length=64)
    model = forms.ChoiceField(label=gettext_lazy("对象类型"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("区域"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, region_choices: list[tuple[str, str]]) -> None:
        super().__init__(data)
        model_field, region_field = self.fields["model"], self.fields["region"]
        assert isinstance(model_field, forms.ChoiceField) and isinstance(region_field, forms.ChoiceField)
        model_field.choices = [("", _("全部")), *audit.audited_model_choices()]
        region_field.choices = [("", _("我的全部区域")), *region_choices]

    def filters(self) -> audit.AuditFilters:
        """The valid filters (an invalid one is dropped and shown with its error)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return audit.AuditFilters(**data)


def _audit_log_xlsx(entries) -> bytes:
    """The filtered log as a spreadsheet, one row per changed field (the only xlsx writer call)."""
    headers = [
        _("时间"),
        _("操作人"),
        _("操作"),
        _("对象类型"),
        _("对象"),
        _("字段"),
        _("修改前"),
        _("修改后"),
        _("原因"),
    ]
    rows = (
        [
            f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}",
            e.who,
            e.action,
            e.model_label,
            e.object_label,
            c.field,
            c.before,
            c.after,
            e.reason,
        ]
        for e in entries
        for c in (e.changes or [audit.FieldChange("", "", "")])
    )
    return xlsx_bytes(_("审计日志"), headers, rows)


@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """审计日志: the searchable audit log for auditors and administrators, with its Excel export."""
    region_choices = selectors.region_switch_choices(request.user)
    data = request.GET.copy()
    if "region" not in data:
        data["region"] = active_region(request) or ""
    form = AuditLogFilterForm(data, region_choices=region_choices)
    filters = form.filters()
    if request.GET.get("format") == "xlsx":
        body = _audit_log_xlsx(audit.audit_log_all(user=request.user, filters=filters))
        response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{_('审计日志')}.xlsx")
        return response
    page, entries = audit.audit_log_page(user=request.user, filters=filters, page=request.GET.get("page"))
    return render(request, "core/audit_log.html", {"form": form, "page": page, "entries": entries})


@login_required
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    jobs = selectors.job_list(user=request.user).distinct()[:100]
    return render(request, "core/jobs.html", {"jobs": jobs})


@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.job_list(user=request.user).distinct(), pk=pk)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job})


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    created = raw = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(selectors.api_token_list(user=user), pk=request.POST["revoke"])
            services.api_token_revoke(token=token)
            messages.success(request, _("令牌已吊销"))
            return redirect("tokens")
        try:
            created, raw = services.api_token_create(user=user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            flash_errors(request, exc)
    context = {
        "tokens": selectors.api_token_list(user=user),
        "new_token": raw,
        "new_token_expires": created.expires_at if created else None,
        "ttl_days": settings.API_TOKEN_TTL_DAYS,
    }
    return render(request, "core/tokens.html", context)


@login_required
def org_profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The enterprise profile (企业画像): every program's facts about one organisation (docs/profiles.md)."""
    profile = profiles.organisation_profile(user=request.user, organisation_id=pk)
    return render(request, "core/profile.html", {"profile": profile, "subject": profile.subject})


@login_required
def village_profile(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The village profile (村情画像): every program's facts about one village (docs/profiles.md)."""
    profile = profiles.village_profile(user=request.user, code=code)
    return render(request, "core/profile.html", {"profile": profile, "subject": profile.subject})
