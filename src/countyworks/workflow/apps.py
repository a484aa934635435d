from __future__ import annotations

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class WorkflowConfig(AppConfig):
    name = "countyworks.workflow"
    label = "workflow"
    verbose_name = gettext_lazy("工单与调度")
    default_auto_field = "django.db.models.BigAutoField"

    @property
    def nav_items(self) -> tuple:
        # Imported here: core.navigation needs the models, which are not loaded when apps.py is.
        from countyworks.core.navigation import NavItem

        # One entry: the workflow's own tabs (_tabs.html) lead to 逾期督办, 调度会, 工单统计, 通知.
        return (NavItem(gettext_lazy("工单与调度"), "workflow:mine", icon="📋"),)

    def ready(self) -> None:
        # The working calendar reads the State Council's notices entered as data (HolidayNotice).
        from countyworks.workflow.models import holiday_notice_days
        from countyworks.workflow.working_calendar import set_notice_loader

        set_notice_loader(holiday_notice_days)
        from countyworks.core.models import Organisation, Region
        from countyworks.workflow.models import Meeting
        from countyworks.workflow.subjects import register_ticket_subject

        # The shared subjects: the ticket form's organisation or area, and a meeting's own actions.
        for model in (Organisation, Region, Meeting):
            register_ticket_subject(model)

    #: Milestone providers for meeting agendas (see :mod:`countyworks.workflow.milestones`).
    workflow_milestones = ("countyworks.workflow.milestones.ticket_due_milestones",)

    def home_tiles(self, user, within: str | None) -> list[dict[str, object]]:
        from countyworks.core.scoping import SHARED, reaches
        from countyworks.workflow.selectors import home_figures

        if not reaches(user, SHARED):
            return []
        figures = home_figures(user=user, within=within)
        return [
            {
                "label": _("在办工单"),
                "value": figures["open"],
                "unit": _("件"),
                "note": _("其中我的待办 %(n)d 件") % {"n": figures["mine"]},
                "url": reverse("workflow:mine"),
                "chart": None,
            },
            {
                "label": _("逾期工单"),
                "value": figures["overdue"],
                "unit": _("件"),
                "note": _("超过办结时限仍未办结"),
                "url": reverse("workflow:overdue"),
                "chart": None,
            },
        ]

    def load_demo(self) -> None:
        from countyworks.workflow.demo import load_workflow_demo

        load_workflow_demo()
