from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shell: regions, people, scoping, import/export, jobs. Programs plug in through
    :class:`countyworks.core.programs.ProgramConfig`."""

    name = "countyworks.core"
    label = "core"
    verbose_name = _("基础数据")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Core's own importers (countyworks.core.importing.IMPORTERS); programs add theirs through
        # their ``import_kinds`` hook.
        # Saves of the models indicators declare as sources mark their values for refresh
        # (docs/indicators.md §3); the refresh and monthly-report tasks register.
        from countyworks.core import (
            import_kinds,  # noqa: F401
            tasks,  # noqa: F401
        )
        from countyworks.core.indicator_store import connect_signals

        connect_signals()
