from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnergyConfig(AppConfig):
    """Program 3: new-energy monitoring, storage dispatch and carbon accounting."""

    name = "countyworks.energy"
    label = "energy"
    verbose_name = _("新能源")

    @property
    def nav_items(self) -> tuple:
        # Imported here: core.navigation needs the models, which are not loaded when apps.py is.
        from countyworks.core.navigation import NavItem

        return (NavItem(_("新能源"), "energy:room", "energy", "⚡"),)

    def ready(self) -> None:
        from countyworks.core.models import Program
        from countyworks.energy.models import Alarm
        from countyworks.workflow.subjects import register_ticket_subject

        register_ticket_subject(Alarm, program=Program.ENERGY)  # an alarm handled as a ticket

    def home_tiles(self, user, within: str | None) -> list[dict[str, object]]:
        from countyworks.energy.selectors import home_tiles

        return home_tiles(user=user, within=within)

    def load_demo(self) -> None:
        from countyworks.energy.demo import load_demo

        load_demo()

    def start_demo_services(self) -> None:
        from countyworks.energy.demo import start_live_simulator

        start_live_simulator()
