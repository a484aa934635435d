"""The navigation: core's own entries, then each installed program's ``nav_items``; shown by program reach."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from countyworks.core.actors import Actor
from countyworks.core.programs import NavItem, installed_programs
from countyworks.core.scoping import SHARED, reaches

#: The shell's own entries, before the programs'.
CORE_NAV_ITEMS = (NavItem(_("数据导入"), "data-import", SHARED, "📥"),)


def nav_for(user: Actor) -> list[dict[str, str]]:
    """The entries ``user`` may open, in app order, with resolved URLs."""
    items: list[dict[str, str]] = []
    entries = [
        *CORE_NAV_ITEMS,
        *(item for config in installed_programs() for item in config.hook("nav_items")),
    ]
    for item in entries:
        if not reaches(user, item.program):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": str(item.label), "url": url, "icon": item.icon, "program": item.program})
    return items
