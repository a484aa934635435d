"""The province's view (指标透视) and the monthly reports (指标月报). Thin: parse, call, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy

from countyworks.core import indicator_presenters as present
from countyworks.core import indicator_report
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.indicator_selectors import DEFAULT_SPAN, MAX_SPAN, pivot, ranking, visible_indicators
from countyworks.core.middleware import active_region
from countyworks.core.tabular import XLSX_CONTENT_TYPE

SHOW_CHOICES = (("value", gettext_lazy("数值")), ("change", gettext_lazy("较上期变化")))


def _span(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and 1 <= int(text) <= MAX_SPAN else None


def _xlsx(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
    return response


@login_required
def indicators(request: AuthenticatedHttpRequest) -> HttpResponse:
    """指标透视: one indicator × the regions under the chosen one × periods, with ranking and charts."""
    choices = visible_indicators(request.user)
    if not choices:
        raise Http404
    code = request.GET.get("indicator") or next((i.code for i in choices if i.key), choices[0].code)
    region = request.GET.get("region", active_region(request))
    show = "change" if request.GET.get("show") == "change" else "value"
    table = pivot(
        user=request.user,
        code=code,
        region=region,
        until=request.GET.get("until"),
        span=_span(request.GET.get("span")),
    )
    ranked = ranking(table)
    if request.GET.get("format") == "xlsx":
        return _xlsx(present.pivot_xlsx(table, ranked, show), f"{table.indicator.name}-{table.node_name}")
    context = {
        "table": table,
        "indicator": table.indicator,
        "choices": choices,
        "show": show,
        "show_choices": SHOW_CHOICES,
        "span": _span(request.GET.get("span")) or DEFAULT_SPAN[table.indicator.period_type],
        "headers": present.period_headers(table),
        "last_label": present.period_headers(table)[-1]["label"] if table.periods else "",
        "rows": present.table_rows(table, show),
        "ranking": present.rank_rows(table, ranked),
        "charts": present.pivot_charts(table),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "core/indicators.html", context)


@login_required
def indicator_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """指标月报: the monthly reports of the user's areas, newest first."""
    reports = indicator_report.report_list(user=request.user)
    return render(request, "core/indicator_reports.html", {"reports": reports})


@login_required
def indicator_report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One monthly report as a printable page, or its xlsx."""
    report = indicator_report.report_get(user=request.user, pk=pk)
    if request.GET.get("format") == "xlsx":
        return _xlsx(indicator_report.report_xlsx(report), report.title)
    return render(request, "core/indicator_report.html", {"report": report, "content": report.content})
