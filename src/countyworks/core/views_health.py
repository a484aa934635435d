"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: see :mod:`countyworks.core.health`).

Both are open to anyone, as JSON, and never cached; a load balancer drops a node whose
``/healthz`` stops answering, a monitor pages when ``/readyz`` says 503.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from countyworks.core.health import readiness


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    ready, report = readiness()
    return JsonResponse(report, status=200 if ready else 503)
