from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "countyworks.innovation"
    label = "innovation"
    verbose_name = _("科技创新")
