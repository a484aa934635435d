"""parks app: program 4, development-zone management (园区建设, 娄星经济开发区)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from countyworks.core.programs import NavItem, ProgramConfig


class ParksConfig(ProgramConfig):
    name = "countyworks.parks"
    label = "parks"
    verbose_name = _("园区建设")
    default_auto_field = "django.db.models.BigAutoField"

    url_prefix = "parks/"
    urls = "countyworks.parks.urls"
    api_router = "countyworks.parks.api.router"
    cli_commands = "countyworks.parks.cli"
    brief = "countyworks.parks.brief.brief_text"
    nav_items = (NavItem(_("园区建设"), "parks:home", "parks", "🏗"),)
    home_tiles = "countyworks.parks.presenters.home_tiles"
    demo_after = ("workflow", "innovation")
    demo_loader = "countyworks.parks.demo.load_demo"
    demo_services = None
    #: Milestones of key projects due on the weekly 调度会's agenda (overdue ones included).
    milestones = ("countyworks.parks.selectors.project_milestones",)
    import_kinds = "countyworks.parks.import_kinds"
    tasks = None
    jobs = {}  # type: ignore[var-annotated]
    ticket_subjects = ("parks.Project", "parks.Parcel")
    backup_notes = None
    before_restore = None
    indicators = "countyworks.parks.indicators.INDICATORS"
    organisation_profile = "countyworks.parks.profile.organisation_profile"
    village_profile = None

    def ready(self) -> None:
        super().ready()
        from countyworks.parks.caching import connect_signals

        connect_signals()
