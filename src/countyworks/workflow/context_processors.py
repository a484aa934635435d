"""The notification bell in the top bar: ``bell_url`` and ``bell_unread`` for ``core/_bell.html``."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from countyworks.workflow.selectors import notification_unread_count


def bell(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell_url": reverse("workflow:notifications"), "bell_unread": notification_unread_count(user)}
