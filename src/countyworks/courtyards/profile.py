"""Program 5's section of the village profile (村情画像, docs/profiles.md): the village's courtyards
with their participation, average score and five-star households in the latest year inspected
(the same comparison as the courtyards' page), their improvement works and the year's awards."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from countyworks.core.models import Region
from countyworks.core.profiles import Cell, Event, Fact, ProfileSection, Table
from countyworks.core.scoping import Viewer, scope
from countyworks.courtyards.models import PROGRAM, Award
from countyworks.courtyards.selectors import comparison, latest_month, work_list

#: Tags of a work's status.
WORK_TAGS = {"done": "ok", "in_progress": "warn", "planned": ""}


def village_profile(user: Viewer, village: Region) -> list[ProfileSection]:
    """Courtyards, scores, works and awards under ``village`` the viewer may read (empty: no section)."""
    month = latest_month(user=user, within=village.code)
    works = list(work_list(user=user, within=village.code).order_by("status", "-completed_on", "pk"))
    summaries = comparison(user=user, within=village.code, year=month.year) if month else []
    if not (summaries or works):
        return []
    awards = list(
        scope(Award.objects.filter(courtyard__region__code__startswith=village.code), user, PROGRAM)
        .select_related("courtyard__region", "household")
        .order_by("-year", "courtyard_id", "rank")[:30]
    )
    home = reverse("courtyards:home")
    events = []
    courtyard_rows = []
    for summary in summaries:
        yard = summary.courtyard
        url = reverse("courtyards:courtyard", args=[yard.region_id])
        courtyard_rows.append(
            [
                Cell(yard.region.name, url),
                Cell(yard.get_status_display()),
                Cell(str(summary.households)),
                Cell("—" if summary.participation is None else f"{summary.participation}%"),
                Cell("—" if summary.average is None else str(summary.average)),
                Cell(str(summary.five_star)),
                Cell(str(summary.works_done)),
            ]
        )
        if yard.started_on:
            events.append(
                Event(yard.started_on, _("%(name)s开始创建美丽庭院") % {"name": yard.region.name}, url)
            )
    work_rows = []
    for work in works:
        url = reverse("courtyards:works")
        work_rows.append(
            [
                Cell(work.title, url),
                Cell(
                    work.courtyard.region.name,
                    reverse("courtyards:courtyard", args=[work.courtyard.region_id]),
                ),
                Cell(work.get_kind_display()),
                Cell(work.get_status_display(), tag=WORK_TAGS.get(work.status, "")),
                Cell(f"{work.completed_on:%Y-%m-%d}" if work.completed_on else "—"),
                Cell(f"{work.cost_yuan:,.2f}"),
            ]
        )
        if work.completed_on:
            events.append(Event(work.completed_on, _("改造完成：%(title)s") % {"title": work.title}, url))
    award_rows = [
        [
            Cell(str(a.year)),
            Cell(a.courtyard.region.name, reverse("courtyards:courtyard", args=[a.courtyard.region_id])),
            Cell(str(a.rank)),
            Cell(str(a.household)),
            Cell(f"{a.annual_score:.1f}"),
            Cell(a.prize),
        ]
        for a in awards
    ]
    households = sum(s.households for s in summaries)
    inspected = sum(s.inspected for s in summaries)
    facts = [
        Fact(_("院落"), _("%(n)d 个") % {"n": len(summaries)}, home),
        Fact(
            _("%(month)s参评率") % {"month": f"{month:%Y-%m}"} if month else _("参评率"),
            f"{inspected * 100 / households:.1f}%" if households else "—",
        ),
        Fact(_("五星户"), str(sum(s.five_star for s in summaries))),
        Fact(_("完成改造"), str(sum(1 for w in works if w.status == "done"))),
    ]
    year = f"{month:%Y}" if month else ""
    tables = [
        Table(
            _("%(year)s年院落评比") % {"year": year},
            [_("院落"), _("创建状态"), _("农户"), _("参评率"), _("平均分"), _("五星户"), _("完成改造")],
            courtyard_rows,
            _("无"),
        ),
        Table(
            _("改造工程"),
            [_("名称"), _("院落"), _("类别"), _("状态"), _("完成日期"), _("费用（元）")],
            work_rows,
            _("无"),
        ),
        Table(
            _("年度奖励"),
            [_("年度"), _("院落"), _("名次"), _("农户"), _("年度平均分"), _("奖励")],
            award_rows,
            _("无"),
        ),
    ]
    return [ProfileSection(_("美丽庭院"), PROGRAM, "", home, facts, tables, events)]
