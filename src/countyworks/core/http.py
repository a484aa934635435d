"""Typed requests: what the access gate guarantees a view, typed once so mypy can check views.

A view behind :func:`countyworks.core.permissions.program_required` (or ``login_required``) takes
an :class:`AuthenticatedHttpRequest`: ``request.user`` is a real account, never anonymous.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request of a signed-in user, after the middleware and the access gate ran."""

    user: User  # type: ignore[assignment]  # narrowed: the gate turned anonymous users away
    #: The sub-area picked with the region switcher (None: all of the user's grants); set by
    #: :class:`countyworks.core.middleware.ActiveRegionMiddleware`.
    active_region: str | None
    #: Whether the user may write the view's program anywhere; set by the gate's decorators and
    #: shown to templates as ``can_write`` (read-only roles see no write action).
    can_write: bool


def api_user(request: HttpRequest) -> User:
    """``request.user`` in an API route: the routers' authentication (``API_AUTH``: a bearer token
    or the session) admitted signed-in accounts only, which ninja's ``HttpRequest`` cannot say."""
    return cast("User", request.user)
