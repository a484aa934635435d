"""Program 3's section of the enterprise profile (企业画像, docs/profiles.md): the stations the
organisation owns or operates, with their alarms still active, and the projects it develops.
Three queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.models import Organisation
from countyworks.core.profiles import Cell, Event, Fact, ProfileSection, Table
from countyworks.core.scoping import Viewer, scope
from countyworks.energy.models import Alarm, Project, Station

PROGRAM = "energy"
#: Alarms listed per profile (the newest); the station page has them all.
ALARMS_SHOWN = 10


def organisation_profile(user: Viewer, organisation: Organisation) -> list[ProfileSection]:
    """Stations and projects of ``organisation`` the viewer may read (empty: no section)."""
    stations = list(
        scope(Station.objects.filter(organisation=organisation), user, PROGRAM)
        .select_related("region")
        .annotate(active_alarms=Count("alarms", filter=Q(alarms__cleared_at__isnull=True)))
        .order_by("code")
    )
    projects = list(scope(Project.objects.filter(developer=organisation), user, PROGRAM).order_by("name"))
    if not (stations or projects):
        return []
    alarms = list(
        scope(Alarm.objects.filter(station__in=stations), user, PROGRAM)
        .select_related("station")
        .order_by("-raised_at")[:ALARMS_SHOWN]
        if stations
        else []
    )
    home = reverse("energy:room")
    events: list[Event] = []
    station_rows = []
    for station in stations:
        url = reverse("energy:station", args=[station.code])
        station_rows.append(
            [
                Cell(station.name, url),
                Cell(station.get_kind_display()),
                Cell(station.region.name),
                Cell(f"{station.capacity_mw:,.2f}"),
                Cell(f"{station.commissioned_on:%Y-%m-%d}"),
                Cell(str(station.active_alarms), tag="bad" if station.active_alarms else "ok"),
            ]
        )
        events.append(Event(station.commissioned_on, _("%(name)s并网投运") % {"name": station.name}, url))
    alarm_rows = []
    for alarm in alarms:
        url = reverse("energy:station", args=[alarm.station.code])
        alarm_rows.append(
            [
                Cell(f"{timezone.localtime(alarm.raised_at):%Y-%m-%d %H:%M}"),
                Cell(alarm.station.name, url),
                Cell(alarm.get_level_display()),
                Cell(alarm.message),
                Cell(_("已复归") if alarm.cleared_at else _("未复归"), tag="" if alarm.cleared_at else "bad"),
            ]
        )
        events.append(
            Event(
                alarm.raised_at,
                _("%(station)s告警：%(message)s") % {"station": alarm.station.name, "message": alarm.message},
                url,
            )
        )
    projects_url = reverse("energy:projects")
    project_rows = [
        [
            Cell(p.name, projects_url),
            Cell(p.get_kind_display()),
            Cell(f"{p.capacity_mw:,.2f}"),
            Cell(p.get_status_display()),
            Cell(f"{p.planned_connection:%Y-%m-%d}" if p.planned_connection else "—"),
        ]
        for p in projects
    ]
    capacity = sum((s.capacity_mw for s in stations), start=0)
    facts = [
        Fact(_("运营电站"), _("%(n)d 座") % {"n": len(stations)}, home),
        Fact(_("装机容量"), f"{capacity:,.2f} MW"),
        Fact(
            _("未复归告警"),
            str(sum(s.active_alarms for s in stations)),
            tag="bad" if any(s.active_alarms for s in stations) else "ok",
        ),
    ]
    tables = [
        Table(
            _("运营的电站"),
            [_("电站"), _("类型"), _("所在区划"), _("装机容量(MW)"), _("并网投运日期"), _("未复归告警")],
            station_rows,
            _("无"),
        ),
        Table(
            _("最近告警"),
            [_("发生时间"), _("电站"), _("级别"), _("描述"), _("状态")],
            alarm_rows,
            _("无告警"),
        ),
        Table(
            _("开发的新能源项目"),
            [_("项目名称"), _("类型"), _("规划容量(MW)"), _("状态"), _("计划并网")],
            project_rows,
            _("无"),
        ),
    ]
    return [ProfileSection(_("新能源电站"), PROGRAM, "", home, facts, tables, events)]
