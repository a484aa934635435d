"""innovation app: program 2, tech-enterprise gradient cultivation (科技创新)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "countyworks.innovation"
    label = "innovation"
    verbose_name = _("科技创新")
    default_auto_field = "django.db.models.BigAutoField"

    @property
    def nav_items(self) -> tuple:
        # Imported here: core.navigation needs the models, which are not loaded when apps.py is.
        from countyworks.core.navigation import NavItem

        return (NavItem(_("科技创新"), "innovation:home", "innovation", "🔬"),)

    def ready(self) -> None:
        from countyworks.innovation.models import PROGRAM, EnterprisePlan
        from countyworks.workflow.subjects import register_ticket_subject

        register_ticket_subject(EnterprisePlan, program=PROGRAM)  # a problem met carrying out a plan

    #: Due 一企一策 and 揭榜挂帅 milestones on the workflow's weekly meeting agendas.
    workflow_milestones = ("countyworks.innovation.selectors.workflow_milestones",)

    def home_tiles(self, user, within: str | None) -> list[dict[str, object]]:
        """Tech-SME and 高企 pool sizes of the latest year, with the change on the year before."""
        from django.urls import reverse

        from countyworks.core.charts import bar_chart
        from countyworks.core.scoping import reaches
        from countyworks.innovation import selectors
        from countyworks.innovation.models import PROGRAM, Tier

        if not reaches(user, PROGRAM):
            return []
        year = selectors.latest_year(user=user, within=within)
        ladder = {c.tier: c for c in selectors.ladder(user=user, within=within, year=year)}
        url = reverse("innovation:home")
        tiles: list[dict[str, object]] = []
        for tier in (Tier.TECH_SME, Tier.HIGH_TECH):
            count = ladder[tier]
            note = gettext("%(year)d年末") % {"year": year}
            if count.yoy is not None:
                yoy = f"{'+' if count.yoy >= 0 else ''}{count.yoy}"
                note = gettext("%(note)s，同比%(yoy)s%%") % {"note": note, "yoy": yoy}
            tiles.append(
                {
                    "label": count.label,
                    "value": count.count,
                    "unit": gettext("家"),
                    "note": note,
                    "url": url,
                    "chart": None,
                }
            )
        shown = [c for c in ladder.values() if c.count or c.previous]
        if shown:
            tiles[0]["chart"] = bar_chart(
                gettext("科技型企业梯度培育（%(year)d年末）") % {"year": year},
                [c.label for c in shown],
                {
                    gettext("%(year)d年") % {"year": year - 1}: [c.previous for c in shown],
                    gettext("%(year)d年") % {"year": year}: [c.count for c in shown],
                },
                unit=gettext("家"),
            )
        return tiles

    def load_demo(self) -> None:
        from countyworks.innovation.demo import load_demo

        load_demo()
