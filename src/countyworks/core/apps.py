from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "countyworks.core"
    label = "core"
    verbose_name = _("基础数据")
    default_auto_field = "django.db.models.BigAutoField"
