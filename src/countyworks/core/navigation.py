"""The navigation: each app's AppConfig lists its entries as ``nav_items``; shown by program reach."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise as StrPromise

from countyworks.core.scoping import SHARED, has_role, reaches


@dataclass(frozen=True)
class NavItem:
    label: str | StrPromise
    url_name: str
    program: str = SHARED
    icon: str = "•"
    #: Only users holding one of these roles see the entry (empty: everyone who reaches ``program``).
    roles: tuple[str, ...] = ()


def _section(url: str) -> str:
    """The first path segment of ``url`` (``/workflow/tickets/`` → ``/workflow/``): an entry is
    highlighted on every page of its section, so one entry per app stands for all its tabs."""
    head = url.strip("/").split("/", 1)[0]
    return f"/{head}/" if head else "/"


def nav_for(user, path: str = "") -> list[dict[str, object]]:
    """The entries ``user`` may open, in app order, with resolved URLs; ``active`` for ``path``'s section."""
    items: list[dict[str, object]] = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if not reaches(user, item.program):
                continue
            if item.roles and not has_role(user, item.roles):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append(
                {
                    "label": str(item.label),
                    "url": url,
                    "icon": item.icon,
                    "program": item.program,
                    "active": bool(path) and path.startswith(_section(url)),
                }
            )
    return items
