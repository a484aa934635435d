"""courtyards app: program 5, beautiful courtyards (美丽庭院, 邵阳县)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from countyworks.core.programs import NavItem, ProgramConfig


class CourtyardsConfig(ProgramConfig):
    name = "countyworks.courtyards"
    label = "courtyards"
    verbose_name = _("美丽庭院")
    default_auto_field = "django.db.models.BigAutoField"

    url_prefix = "courtyards/"
    urls = "countyworks.courtyards.urls"
    api_router = "countyworks.courtyards.api.router"
    cli_commands = "countyworks.courtyards.cli"
    brief = "countyworks.courtyards.brief.brief_text"
    nav_items = (NavItem(_("美丽庭院"), "courtyards:home", "courtyards", "🏡"),)
    home_tiles = "countyworks.courtyards.selectors.home_tiles"
    demo_after = ()
    demo_loader = "countyworks.courtyards.demo.load_demo"
    demo_services = None
    milestones = ()
    import_kinds = "countyworks.courtyards.import_kinds"
    tasks = None
    jobs = {}
    #: A problem found in a courtyard (a work stalled, a household needing help) can become a ticket.
    ticket_subjects = ("courtyards.Work",)
    backup_notes = None
    before_restore = None
    indicators = "countyworks.courtyards.indicators.INDICATORS"
    organisation_profile = None
    village_profile = "countyworks.courtyards.profile.village_profile"
