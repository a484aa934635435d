"""The navigation: core's own entries, then each installed program's ``nav_items``; shown by program reach
and by the programs the user's area runs (core/program_regions.py)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from countyworks.core.actors import Actor
from countyworks.core.audit import AUDIT_ROLES
from countyworks.core.models import Role
from countyworks.core.program_regions import runs_for
from countyworks.core.programs import NavItem, installed_programs
from countyworks.core.scoping import SHARED, has_role, reaches

#: The shell's own entries, before the programs'.
CORE_NAV_ITEMS = (
    NavItem(
        _("指标透视"), "indicators", SHARED, "📊", roles=(Role.ADMIN, Role.LEADER, Role.OFFICER, Role.AUDITOR)
    ),
    NavItem(_("数据导入"), "data-import", SHARED, "📥"),
    NavItem(pgettext_lazy("menu", "后台任务"), "jobs", SHARED, "⚙"),
    NavItem(_("审计日志"), "audit-log", SHARED, "🔎", roles=AUDIT_ROLES),
    NavItem(_("项目开通"), "region-programs", SHARED, "🧩", roles=(Role.ADMIN,)),
)


def _section(url: str) -> str:
    """The first path segment of ``url`` (``/workflow/tickets/`` → ``/workflow/``): an entry is
    highlighted on every page of its section, so one entry per app stands for all its tabs."""
    head = url.strip("/").split("/", 1)[0]
    return f"/{head}/" if head else "/"


def nav_for(user: Actor, path: str = "") -> list[dict[str, object]]:
    """The entries ``user`` may open, in app order, with resolved URLs; ``active`` for ``path``'s section."""
    items: list[dict[str, object]] = []
    entries = [
        *CORE_NAV_ITEMS,
        *(item for config in installed_programs() for item in config.hook("nav_items")),
    ]
    for item in entries:
        if not reaches(user, item.program) or not runs_for(user, item.program):
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
