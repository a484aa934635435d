"""Per-request active region (the sub-area the user picked with the region switcher), and 503 while
the database is unreachable."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from countyworks.core.scoping import grants_of

logger = logging.getLogger(__name__)

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


class DatabaseUnavailableMiddleware:
    """Answer 503 with ``Retry-After`` when the database cannot be reached (a failover in progress).

    The request was not carried out: a client retrying after a few seconds reaches the new primary.
    Errors in the data or the SQL stay 500; only lost or refused connections are turned into 503.
    """

    RETRY_AFTER_S = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
        response = HttpResponse(
            "database unavailable, retry shortly", status=503, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = str(self.RETRY_AFTER_S)
        return response
