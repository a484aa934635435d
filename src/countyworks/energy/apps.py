from datetime import date

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

    def home_tiles(self, user, within: str | None) -> list[dict[str, object]]:
        from countyworks.energy.selectors import home_tiles

        return home_tiles(user=user, within=within)

    def load_demo(self) -> None:
        from countyworks.energy.demo import load_demo

        load_demo()

    def backup_notes(self) -> dict[str, list[str]]:
        """For the backup manifest: the months of telemetry, whose partitions a restore creates first."""
        from countyworks.energy.store import measurement_months

        return {"measurement_months": [month.isoformat() for month in measurement_months()]}

    def before_restore(self, notes: dict[str, list[str]]) -> None:
        """On PostgreSQL a measurement only inserts into its month's partition: create them."""
        from countyworks.energy.store import ensure_partitions

        ensure_partitions(date.fromisoformat(month) for month in notes.get("measurement_months", []))

    def start_demo_services(self) -> None:
        from countyworks.energy.demo import start_live_simulator

        start_live_simulator()
