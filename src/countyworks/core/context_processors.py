"""Template context shared by every page: navigation, region switcher, demo flag."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from countyworks.core.navigation import nav_for
from countyworks.core.selectors import region_switch_choices, role_labels


def shell(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {"demo_mode": settings.DEMO_MODE, "site_title": settings.SITE_TITLE}
    return {
        "demo_mode": settings.DEMO_MODE,
        "site_title": settings.SITE_TITLE,
        "nav_items": nav_for(user, request.path),
        "user_roles": role_labels(user),
        "region_choices": region_switch_choices(user),
        "active_region": getattr(request, "active_region", None),
        # Set by the access gate on a program's pages (core/permissions.py): hide write actions.
        "can_write": getattr(request, "can_write", False),
    }
