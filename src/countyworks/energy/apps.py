from django.utils.translation import gettext_lazy as _

from countyworks.core.programs import NavItem, ProgramConfig


class EnergyConfig(ProgramConfig):
    """Program 3: new-energy monitoring, storage dispatch and carbon accounting."""

    name = "countyworks.energy"
    label = "energy"
    verbose_name = _("新能源")

    url_prefix = "energy/"
    urls = "countyworks.energy.urls"
    api_router = "countyworks.energy.api.router"
    cli_commands = "countyworks.energy.cli"
    brief = "countyworks.energy.brief.brief_text"
    nav_items = (NavItem(_("新能源"), "energy:room", "energy", "⚡"),)
    home_tiles = "countyworks.energy.selectors.home_tiles"
    demo_after = ("innovation",)  # the profiles' showcase enterprise (core/demo_showcase.py)
    demo_loader = "countyworks.energy.demo.load_demo"
    demo_services = "countyworks.energy.demo.start_live_simulator"
    milestones = ()
    ticket_subjects = ("energy.Alarm",)  # an alarm handled as a ticket
    import_kinds = None
    tasks = "countyworks.energy.tasks"
    jobs = {}
    #: The months of telemetry go into the backup manifest; a restore creates their partitions first.
    backup_notes = "countyworks.energy.store.backup_notes"
    before_restore = "countyworks.energy.store.before_restore"
    indicators = "countyworks.energy.indicators.INDICATORS"
    organisation_profile = "countyworks.energy.profile.organisation_profile"
    village_profile = None
