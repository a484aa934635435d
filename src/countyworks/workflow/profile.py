"""The workflow's section of the enterprise and village profiles (docs/profiles.md): the tickets
about the organisation or the village — open ones first, the overdue marked, the latest finished —
and the scheduling meetings whose agenda carried one of them. Four queries."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.models import Organisation, Region
from countyworks.core.profiles import Cell, Event, Fact, ProfileSection, Table
from countyworks.core.scoping import SHARED, Viewer, scope
from countyworks.workflow.models import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    AgendaItem,
    Meeting,
    Ticket,
)

#: Rows of each table: the ticket list and the meeting pages have the rest.
OPEN_SHOWN = 20
FINISHED_SHOWN = 10
MEETINGS_SHOWN = 10


def _stamp(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else "—"


def _section(user: Viewer, tickets: QuerySet[Ticket]) -> list[ProfileSection]:
    now = timezone.now()
    counts = tickets.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=ACTIVE_STATUSES, resolution_due__lt=now)),
        finished=Count("pk", filter=Q(status__in=TERMINAL_STATUSES)),
    )
    if not any(counts.values()):
        return []
    # The lists are read only when the counts say they hold a row (most subjects have few tickets).
    open_tickets = (
        list(
            tickets.filter(status__in=OPEN_STATUSES)
            .select_related("owner_person", "owner_post")
            .order_by("resolution_due", "pk")[:OPEN_SHOWN]
        )
        if counts["open"]
        else []
    )
    finished = (
        list(tickets.filter(status__in=TERMINAL_STATUSES).order_by("-updated_at", "-pk")[:FINISHED_SHOWN])
        if counts["finished"]
        else []
    )
    items = list(
        AgendaItem.objects.filter(
            meeting__in=scope(Meeting.objects.all(), user, SHARED), ticket__in=tickets.values("pk")
        )
        .select_related("meeting")
        .order_by("-meeting__scheduled_at", "position")[:MEETINGS_SHOWN]
    )
    events: list[Event] = []
    open_rows = []
    for ticket in open_tickets:
        url = reverse("workflow:ticket", args=[ticket.pk])
        late = ticket.status in ACTIVE_STATUSES and ticket.resolution_due < now
        owner = ticket.owner_post or ticket.owner_person
        open_rows.append(
            [
                Cell(ticket.title, url),
                Cell(ticket.get_status_display()),
                Cell(str(owner) if owner else "—"),
                Cell(_stamp(ticket.resolution_due)),
                Cell(_("已逾期") if late else _("未逾期"), tag="bad" if late else "ok"),
            ]
        )
        events.append(Event(ticket.created_at, _("提出工单：%(title)s") % {"title": ticket.title}, url))
    finished_rows = []
    for ticket in finished:
        url = reverse("workflow:ticket", args=[ticket.pk])
        done = ticket.resolved_at or ticket.closed_at or ticket.updated_at
        finished_rows.append([Cell(ticket.title, url), Cell(ticket.get_status_display()), Cell(_stamp(done))])
        events.append(
            Event(
                done,
                _("工单%(status)s：%(title)s")
                % {"status": ticket.get_status_display(), "title": ticket.title},
                url,
            )
        )
    meeting_rows = []
    for item in items:
        url = reverse("workflow:meeting", args=[item.meeting_id])
        meeting_rows.append(
            [
                Cell(str(item.meeting.title), url),
                Cell(_stamp(item.meeting.scheduled_at)),
                Cell(item.meeting.get_state_display()),
                Cell(item.title),
            ]
        )
        events.append(
            Event(
                item.meeting.scheduled_at,
                _("%(meeting)s议题：%(title)s") % {"meeting": item.meeting.title, "title": item.title},
                url,
            )
        )
    home = reverse("workflow:mine")
    facts = [
        Fact(_("在办工单"), str(counts["open"]), home),
        Fact(
            _("逾期工单"),
            str(counts["overdue"]),
            reverse("workflow:overdue"),
            "bad" if counts["overdue"] else "ok",
        ),
        Fact(_("已办结工单"), str(counts["finished"])),
        Fact(_("上会议题"), str(len(items)), reverse("workflow:meetings")),
    ]
    tables = [
        Table(
            _("在办工单"),
            [_("标题"), _("状态"), _("责任人"), _("办结时限"), _("是否逾期")],
            open_rows,
            _("无在办工单"),
        ),
        Table(_("最近办结"), [_("标题"), _("状态"), _("办结时间")], finished_rows, _("无")),
        Table(_("调度会议题"), [_("会议"), _("召开时间"), _("状态"), _("议题")], meeting_rows, _("未上会")),
    ]
    return [ProfileSection(_("工单与调度"), "workflow", "", home, facts, tables, events)]


def organisation_profile(user: Viewer, organisation: Organisation) -> list[ProfileSection]:
    """Tickets raised against the organisation or naming it as the unit concerned (涉及单位)."""
    kind = ContentType.objects.get_for_model(Organisation)
    tickets = scope(Ticket.objects.all(), user, SHARED).filter(
        Q(subject_type=kind, subject_id=str(organisation.pk)) | Q(organisation=organisation)
    )
    return _section(user, tickets)


def village_profile(user: Viewer, village: Region) -> list[ProfileSection]:
    """Tickets placed in the village (or one of its courtyards)."""
    tickets = scope(Ticket.objects.all(), user, SHARED).filter(region__code__startswith=village.code)
    return _section(user, tickets)
