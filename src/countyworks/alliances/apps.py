"""alliances app: program 1, industry alliances under party building (党建+产业联盟, 常宁)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from countyworks.core.programs import NavItem, ProgramConfig


class AlliancesConfig(ProgramConfig):
    name = "countyworks.alliances"
    label = "alliances"
    verbose_name = _("产业联盟")
    default_auto_field = "django.db.models.BigAutoField"

    url_prefix = "alliances/"
    urls = "countyworks.alliances.urls"
    api_router = "countyworks.alliances.api.router"
    cli_commands = "countyworks.alliances.cli"
    brief = "countyworks.alliances.brief.brief_text"
    nav_items = (NavItem(_("产业联盟"), "alliances:home", "alliances", "🐟"),)
    demo_after = ("workflow",)
    demo_loader = "countyworks.alliances.demo.load_demo"
    demo_services = None
    milestones = ()
    import_kinds = "countyworks.alliances.import_kinds"
    tasks = None
    jobs = {}
    ticket_subjects = ("alliances.ServiceRequest",)
    backup_notes = None
    before_restore = None
    indicators = "countyworks.alliances.indicators.INDICATORS"
    organisation_profile = "countyworks.alliances.profile.organisation_profile"
    village_profile = "countyworks.alliances.profile.village_profile"

    def home_tiles(self, user, within: str | None) -> list[dict[str, object]]:
        """Villages over 10万 and below 5万 in the latest complete year, with the trend chart."""
        from django.urls import reverse

        from countyworks.alliances import presenters, selectors
        from countyworks.core.scoping import reaches

        if not reaches(user, self.label):
            return []
        prefix = selectors.region_prefix_for(user, within)
        if prefix is None:
            return []
        year, partial = selectors.latest_complete_year(prefix)
        if year is None:
            return []
        figures = selectors.village_year(prefix, year)
        headlines = presenters.village_headlines(figures, partial)
        url = reverse("alliances:villages")
        tiles: list[dict[str, object]] = [
            {"label": h.label, "value": h.value, "unit": h.unit, "note": h.note, "url": url, "chart": None}
            for h in headlines[:2]
        ]
        years = selectors.income_years(prefix)
        tiles[0]["chart"] = presenters.trend_chart([selectors.village_year(prefix, y) for y in years])
        return tiles
