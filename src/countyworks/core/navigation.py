"""The navigation: each app's AppConfig lists its entries as ``nav_items``; shown by program reach."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise as StrPromise

from countyworks.core.scoping import SHARED, reaches


@dataclass(frozen=True)
class NavItem:
    label: str | StrPromise
    url_name: str
    program: str = SHARED
    icon: str = "•"


def nav_for(user) -> list[dict[str, str]]:
    """The entries ``user`` may open, in app order, with resolved URLs."""
    items: list[dict[str, str]] = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if not reaches(user, item.program):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": str(item.label), "url": url, "icon": item.icon, "program": item.program})
    return items
