from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "countyworks.core"
    label = "core"
    verbose_name = _("基础数据")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from countyworks.core.audit import AUDIT_ROLES
        from countyworks.core.navigation import NavItem
        from countyworks.core.scoping import SHARED

        self.nav_items = (
            NavItem(_("数据导入"), "data-import", SHARED, "📥"),
            NavItem(pgettext_lazy("menu", "后台任务"), "jobs", SHARED, "⚙"),
            NavItem(_("审计日志"), "audit-log", SHARED, "🔎", roles=AUDIT_ROLES),
        )
        # Each app's ``import_kinds`` module registers its importers (countyworks.core.importing.IMPORTERS).
        autodiscover_modules("import_kinds")
