"""The province's view (指标透视) and the monthly reports (指标月报). Thin: parse, call, render."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy

from countyworks.core import indicator_presenters as present
from countyworks.core import indicator_report
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.indicator_selectors import (
    DEFAULT_SPAN,
    MAX_SPAN,
    pivot,
    pivot_node,
    ranking,
    values_stamp,
    visible_indicators,
)
from countyworks.core.middleware import active_region
from countyworks.core.tabular import XLSX_CONTENT_TYPE

SHOW_CHOICES = (("value", gettext_lazy("数值")), ("change", gettext_lazy("较上期变化")))
#: A computed pivot is kept this long at most (the key changes with every write of its values).
PIVOT_CACHE_SECONDS = 3600


def _span(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and 1 <= int(text) <= MAX_SPAN else None


def _xlsx(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
    return response


def _pivot_key(code: str, node: str, roots: list[str], stamp: str, options: tuple[Any, ...]) -> str:
    """The cache key of a computed pivot: the indicator, the area, the viewer's roots (the trail),
    the periods and display asked, the language, today (complete periods) and the values' stamp."""
    parts = (code, node, "|".join(roots), stamp, *options, get_language(), timezone.localdate().isoformat())
    return "indicators:pivot:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@login_required
def indicators(request: AuthenticatedHttpRequest) -> HttpResponse:
    """指标透视: one indicator × the regions under the chosen one × periods, with ranking and charts.

    The table, ranking and charts are rendered once per version of the values shown
    (:func:`~countyworks.core.indicator_selectors.values_stamp`) and then served from the cache."""
    choices = visible_indicators(request.user)
    if not choices:
        raise Http404
    code = request.GET.get("indicator") or next((i.code for i in choices if i.key), choices[0].code)
    region = request.GET.get("region", active_region(request))
    show = "change" if request.GET.get("show") == "change" else "value"
    until, span = request.GET.get("until"), _span(request.GET.get("span"))
    if request.GET.get("format") == "xlsx":
        table = pivot(user=request.user, code=code, region=region, until=until, span=span)
        body = present.pivot_xlsx(table, ranking(table), show)
        return _xlsx(body, f"{table.indicator.name}-{table.node_name}")
    indicator, node, roots = pivot_node(request.user, code, region)
    key = _pivot_key(indicator.code, node, roots, values_stamp(indicator, node), (until, span, show))
    page = cache.get(key)
    if page is None:
        page = _pivot_page(request, code, region, until, span, show)
        cache.set(key, page, PIVOT_CACHE_SECONDS)
    context = {
        "indicator": indicator,
        "choices": choices,
        "show": show,
        "show_choices": SHOW_CHOICES,
        "span": span or DEFAULT_SPAN[indicator.period_type],
        "export_query": request.GET.urlencode(),
        "node": page["node"],
        "node_name": page["node_name"],
        "pivot_html": mark_safe(page["html"]),  # noqa: S308 - our own template's output
    }
    return render(request, "core/indicators.html", context)


def _pivot_page(
    request: AuthenticatedHttpRequest,
    code: str,
    region: str | None,
    until: str | None,
    span: int | None,
    show: str,
) -> dict[str, str]:
    """The computed part of the page: the pivot, its ranking and charts, rendered."""
    table = pivot(user=request.user, code=code, region=region, until=until, span=span)
    headers = present.period_headers(table)
    context = {
        "table": table,
        "indicator": table.indicator,
        "show": show,
        "span": span or DEFAULT_SPAN[table.indicator.period_type],
        "headers": headers,
        "last_label": headers[-1]["label"] if headers else "",
        "rows": present.table_rows(table, show),
        "ranking": present.rank_rows(table, ranking(table)),
        "charts": present.pivot_charts(table),
    }
    html = render_to_string("core/_indicator_pivot.html", context)  # no request: nothing per user in it
    return {"node": table.node, "node_name": table.node_name, "html": str(html)}


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
