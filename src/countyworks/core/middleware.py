"""Per-request active region: the sub-area the user picked with the region switcher."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from countyworks.core.scoping import grants_of

SESSION_KEY = "active_region"


class ActiveRegionMiddleware:
    """Set ``request.active_region`` to the chosen prefix if it lies inside one of the user's grants."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""
        prefixes = [g.prefix for g in grants_of(request.user)]
        request.active_region = chosen if chosen and any(chosen.startswith(p) for p in prefixes) else None  # type: ignore[attr-defined]
        return self.get_response(request)


def active_region(request: HttpRequest) -> str | None:
    """The sub-area the user switched to (None: all of their grants); what every list page narrows by."""
    return getattr(request, "active_region", None)
