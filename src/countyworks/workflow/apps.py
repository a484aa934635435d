from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countyworks.core.programs import NavItem, ProgramConfig


class WorkflowConfig(ProgramConfig):
    """The shared workflow (工单与调度), plugged in as a program without a brief of its own.

    It is not one of the five programs of the seed article (its items are reached by every program,
    ``shared`` scope), but it has pages, an API, navigation, home tiles, demo data, milestones and
    periodic tasks exactly like one, so it declares them through the same contract.
    """

    name = "countyworks.workflow"
    label = "workflow"
    verbose_name = gettext_lazy("工单与调度")
    default_auto_field = "django.db.models.BigAutoField"

    url_prefix = "workflow/"
    urls = "countyworks.workflow.urls"
    api_router = "countyworks.workflow.api.router"
    cli_commands = None
    brief = None
    #: One entry: the workflow's own tabs (_tabs.html) lead to 逾期督办, 调度会, 工单统计, 通知.
    nav_items = (NavItem(gettext_lazy("工单与调度"), "workflow:mine", icon="📋"),)
    demo_loader = "countyworks.workflow.demo.load_workflow_demo"
    demo_services = None

    #: Milestone providers for meeting agendas (see :mod:`countyworks.workflow.milestones`).
    milestones = ("countyworks.workflow.milestones.ticket_due_milestones",)
    #: The State Council's yearly holiday notice, imported as data.
    import_kinds = "countyworks.workflow.import_kinds"
    tasks = "countyworks.workflow.tasks"
    jobs = {}
    backup_notes = None
    before_restore = None
    indicators = "countyworks.workflow.indicators.INDICATORS"
    organisation_profile = "countyworks.workflow.profile.organisation_profile"
    village_profile = "countyworks.workflow.profile.village_profile"
    #: The shared subjects: the ticket form's organisation or area, and a meeting's own actions.
    ticket_subjects = ("core.Organisation", "core.Region", "workflow.Meeting")
    #: Its subjects and pages are reached by every program (scoping's ``shared``).
    scope_program = "shared"

    def ready(self) -> None:
        super().ready()
        # The working calendar reads the State Council's notices entered as data (HolidayNotice).
        from countyworks.workflow.models import holiday_notice_days
        from countyworks.workflow.working_calendar import set_notice_loader

        set_notice_loader(holiday_notice_days)

    def home_tiles(self, user, within: str | None) -> list[dict[str, object]]:
        from django.urls import reverse

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
