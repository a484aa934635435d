"""Template context shared by every page: navigation, region switcher, demo flag."""

from __future__ import annotations

from html import escape

from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from countyworks.core.navigation import nav_for
from countyworks.core.selectors import region_switch_choices, role_labels


def _region_options(choices: list[tuple[str, str]], active: str | None) -> SafeString:
    """The switcher's ``<option>``s, escaped as the template would (``html.escape``), built in
    Python: a province's shell lists 137 regions on every page, which the template loop and
    ``format_html`` rendered several times slower."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<option value="{escape(code)}"{" selected" if code == active else ""}>{escape(label)}</option>'
            for code, label in choices
        )
    )


def shell(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {"demo_mode": settings.DEMO_MODE, "site_title": settings.SITE_TITLE}
    choices = region_switch_choices(user)
    active = getattr(request, "active_region", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "site_title": settings.SITE_TITLE,
        "nav_items": nav_for(user, request.path),
        "user_roles": role_labels(user),
        "region_choices": choices,
        "region_options": _region_options(choices, active),
        "active_region": active,
        # Set by the access gate on a program's pages (core/permissions.py): hide write actions.
        "can_write": getattr(request, "can_write", False),
    }
