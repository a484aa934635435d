"""innovation app: program 2, tech-enterprise gradient cultivation (科技创新)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from countyworks.core.programs import NavItem, ProgramConfig


class InnovationConfig(ProgramConfig):
    name = "countyworks.innovation"
    label = "innovation"
    verbose_name = _("科技创新")
    default_auto_field = "django.db.models.BigAutoField"

    url_prefix = "innovation/"
    urls = "countyworks.innovation.urls"
    api_router = "countyworks.innovation.api.router"
    cli_commands = None
    brief = "countyworks.innovation.brief.brief_text"
    nav_items = (NavItem(_("科技创新"), "innovation:home", "innovation", "🔬"),)
    demo_loader = "countyworks.innovation.demo.load_demo"
    demo_services = None
    #: Due 一企一策 and 揭榜挂帅 milestones on the workflow's weekly meeting agendas.
    milestones = ("countyworks.innovation.selectors.workflow_milestones",)
    import_kinds = None
    tasks = "countyworks.innovation.tasks"
    ticket_subjects = ("innovation.EnterprisePlan",)  # a problem met carrying out a plan
    jobs = {"innovation.evaluate": "countyworks.innovation.tasks.campaign_evaluate_job"}
    backup_notes = None
    before_restore = None
    indicators = "countyworks.innovation.indicators.INDICATORS"
    organisation_profile = "countyworks.innovation.profile.organisation_profile"
    village_profile = None

    def home_tiles(self, user, within: str | None) -> list[dict[str, object]]:
        """Tech-SME and 高企 pool sizes of the latest complete year, with the change on the year
        before; a later year in progress is named with how many enterprises it has evaluated."""
        from django.urls import reverse

        from countyworks.core.charts import bar_chart
        from countyworks.core.scoping import reaches
        from countyworks.innovation import selectors
        from countyworks.innovation.models import PROGRAM, Tier

        if not reaches(user, PROGRAM):
            return []
        headline = selectors.pool_headline(user=user, within=within)
        year = headline.year
        ladder = {c.tier: c for c in selectors.ladder(user=user, within=within, year=year)}
        url = reverse("innovation:home")
        tiles: list[dict[str, object]] = []
        for tier in (Tier.TECH_SME, Tier.HIGH_TECH):
            count = ladder[tier]
            if headline.is_partial(year):
                note = headline.progress_note()
            else:
                note = gettext("%(year)d年末") % {"year": year}
                if count.yoy is not None:
                    yoy = f"{'+' if count.yoy >= 0 else ''}{count.yoy}"
                    note = gettext("%(note)s，同比%(yoy)s%%") % {"note": note, "yoy": yoy}
                if headline.headline.in_progress and tier == Tier.TECH_SME:
                    note = gettext("%(note)s；%(progress)s") % {
                        "note": note,
                        "progress": headline.progress_note(),
                    }
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
