"""innovation app: program 2, tech-enterprise gradient cultivation (科技创新)."""

from __future__ import annotations

from django.apps import AppConfig
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
            note = f"{year}年末" + (
                f"，同比{'+' if count.yoy >= 0 else ''}{count.yoy}%" if count.yoy is not None else ""
            )
            tiles.append(
                {
                    "label": count.label,
                    "value": count.count,
                    "unit": "家",
                    "note": note,
                    "url": url,
                    "chart": None,
                }
            )
        shown = [c for c in ladder.values() if c.count or c.previous]
        if shown:
            tiles[0]["chart"] = bar_chart(
                f"科技型企业梯度培育（{year}年末）",
                [c.label for c in shown],
                {f"{year - 1}年": [c.previous for c in shown], f"{year}年": [c.count for c in shown]},
                unit="家",
            )
        return tiles

    def load_demo(self) -> None:
        from countyworks.innovation.demo import load_demo

        load_demo()
