"""项目开通: the administrator's page choosing which programs each county (or town, city) runs.

Thin: :mod:`countyworks.core.program_regions` holds the rule and the audited writes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from countyworks.core import program_regions
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.models import Region
from countyworks.core.regions import InvalidRegionCode, significant_prefix


def _region_in_reach(request: AuthenticatedHttpRequest, code: str) -> Region | None:
    """The region of the official ``code`` if the user administers it; a message on the page if not."""
    try:
        prefix = significant_prefix(code)
    except InvalidRegionCode:
        messages.error(request, _("区划代码 %(code)s 无效：应为 6 位或 12 位数字") % {"code": code})
        return None
    region = Region.objects.filter(code=prefix).first()
    administered = program_regions.admin_prefixes(request.user)
    if region is None or not any(prefix.startswith(p) for p in administered):
        messages.error(request, _("区划代码 %(code)s 不在您管理的区域内") % {"code": code})
        return None
    return region


@login_required
def region_programs(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not program_regions.admin_prefixes(request.user):
        raise Http404
    if request.method == "POST":
        region = _region_in_reach(request, request.POST.get("region", ""))
        if region is not None:
            chosen = set(request.POST.getlist("program"))
            program_regions.region_programs_replace(acting_user=request.user, region=region, programs=chosen)
            messages.success(request, _("已保存 %(region)s 开通的项目") % {"region": region.full_name()})
        return redirect("region-programs")
    context = {
        "rows": program_regions.program_table(request.user),
        "programs": program_regions.takeable_programs(),
    }
    return render(request, "core/region_programs.html", context)
