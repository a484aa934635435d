"""alliances app: program 1, industry alliances under party building (党建+产业联盟, 常宁)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from countyworks.core.programs import NavItem, ProgramConfig


class AlliancesConfig(ProgramConfig):
    name = "countyworks.alliances"
    label = "alliances"
    verbose_name = _("产业联盟")
    default_auto_field = "django.db.models.BigAutoField"

    url_prefix = "alliances/"
    urls = "countyworks.alliances.urls"
    api_router = None
    cli_commands = "countyworks.alliances.cli"
    brief = "countyworks.alliances.brief.brief_text"
    nav_items = (NavItem(_("产业联盟"), "alliances:home", "alliances", "🐟"),)
    home_tiles = None
    demo_after = ("workflow",)
    demo_loader = "countyworks.alliances.demo.load_demo"
    demo_services = None
    milestones = ()
    import_kinds = None
    tasks = None
    jobs = {}
    ticket_subjects = ("alliances.ServiceRequest",)
    backup_notes = None
    before_restore = None
    indicators = ()
