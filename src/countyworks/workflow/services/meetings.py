"""Meetings: scheduling, agendas from open tickets and milestones, minutes whose actions become tickets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.actors import SYSTEM, Actor, recorded_user
from countyworks.core.models import Person
from countyworks.core.services import audited_delete, audited_save
from countyworks.workflow.milestones import Milestone, milestones_between
from countyworks.workflow.models import (
    OPEN_STATUSES,
    ActionItem,
    AgendaItem,
    Category,
    Decision,
    Meeting,
    MeetingSeries,
    Notification,
    Post,
    Ticket,
)
from countyworks.workflow.services.common import default_calendar, require_write_at
from countyworks.workflow.services.notifications import notify_users, ticket_url
from countyworks.workflow.services.tickets import ticket_open
from countyworks.workflow.working_calendar import working_day

#: The SLA policy for action items of meeting minutes (their due date comes from the minutes).
MEETING_ACTION_POLICY = "meeting-action"


# --- Meetings ----------------------------------------------------------------------------------------


def meeting_next_slot(series: MeetingSeries, after: datetime) -> datetime:
    """The series' next slot strictly after ``after``; on a holiday, the next working day (if configured)."""
    calendar = default_calendar()
    local = after.astimezone(calendar.tz)
    days_ahead = (series.weekday - local.weekday()) % 7
    slot = datetime.combine(local.date() + timedelta(days=days_ahead), series.start_time, tzinfo=calendar.tz)
    if slot <= after:
        slot += timedelta(days=7)
    if series.move_off_holidays and not working_day(slot.date())[0]:
        day, _provisional = calendar.next_working_day(slot.date())
        slot = datetime.combine(day, series.start_time, tzinfo=calendar.tz)
    return slot


@transaction.atomic
def meeting_schedule_next(*, series: MeetingSeries, now: datetime | None = None) -> Meeting:
    """The next meeting of a series, created if missing (idempotent)."""
    slot = meeting_next_slot(series, now or timezone.now())
    meeting = Meeting.objects.filter(series=series, scheduled_at=slot).first()
    if meeting is None:
        meeting = audited_save(
            Meeting(
                series=series,
                title=series.title,
                region_id=series.region_id,
                scheduled_at=slot,
                location=series.location,
            ),
            acting_user=SYSTEM,
            reason=_("按例会规则排期"),
        )
    return meeting


#: An agenda lists at most this many items per section, then a line pointing to the full list.
AGENDA_SECTION_LIMIT = 60


@dataclass
class _Agenda:
    """The items of one agenda, numbered in the order they are added; each ticket at most once."""

    meeting: Meeting
    items: list[AgendaItem] = field(default_factory=list)
    listed: set[int] = field(default_factory=set)

    def add(
        self,
        section: str,
        title: str,
        *,
        ticket_id: int | None = None,
        due_at: datetime | None = None,
        owner: str = "",
        source: str = "",
        url: str = "",
    ) -> None:
        self.items.append(
            AgendaItem(
                meeting=self.meeting,
                position=len(self.items) + 1,
                section=section,
                ticket_id=ticket_id,
                title=title[:255],
                due_at=due_at,
                owner_label=owner[:128],
                source=source,
                url=url,
            )
        )
        if ticket_id is not None:
            self.listed.add(ticket_id)

    def add_tickets(self, section: str, queryset: models.QuerySet[Ticket], source: str) -> None:
        """Up to :data:`AGENDA_SECTION_LIMIT` tickets, then a line pointing to the overdue list."""
        total = queryset.count()
        for ticket in queryset[:AGENDA_SECTION_LIMIT]:
            self.add(
                section,
                ticket.title,
                ticket_id=ticket.pk,
                due_at=ticket.resolution_due,
                owner=ticket.owner_label,
                source=source,
                url=ticket_url(ticket.pk),
            )
        if total > AGENDA_SECTION_LIMIT:
            self.add(
                section,
                _("……另有 %(n)d 项，见逾期督办清单") % {"n": total - AGENDA_SECTION_LIMIT},
                url=reverse("workflow:overdue"),
            )

    def add_milestones(self, milestones: Sequence[Milestone]) -> None:
        """The due section: up to :data:`AGENDA_SECTION_LIMIT` milestones, then a count of the rest."""
        for milestone in milestones[:AGENDA_SECTION_LIMIT]:
            self.add(
                AgendaItem.Section.DUE,
                milestone.title,
                ticket_id=milestone.ticket_id,
                due_at=milestone.due_at,
                owner=milestone.owner_label,
                source=milestone.source,
                url=milestone.url,
            )
        if len(milestones) > AGENDA_SECTION_LIMIT:
            self.add(
                AgendaItem.Section.DUE,
                _("……另有 %(n)d 个节点") % {"n": len(milestones) - AGENDA_SECTION_LIMIT},
            )


def _agenda_tickets(meeting: Meeting, now: datetime) -> models.QuerySet[Ticket]:
    """Open tickets of the meeting's region raised by ``now``, of the series' chain if it has one."""
    tickets = Ticket.objects.filter(
        region__code__startswith=meeting.region_id, status__in=OPEN_STATUSES, created_at__lte=now
    )
    series = meeting.series
    if series is not None and series.chain_id is not None:
        tickets = tickets.filter(chain_id=series.chain_id)
    return tickets.select_related("owner_person", "owner_post")


def _due_milestones(
    meeting: Meeting, tickets: models.QuerySet[Ticket], listed: set[int], start: datetime, end: datetime
) -> list[Milestone]:
    """Milestones due in the window; a ticket's only if it is of this meeting's scope and not listed yet."""
    milestones = milestones_between(region_prefix=meeting.region_id, start=start, end=end)
    in_scope = set(
        tickets.filter(pk__in=[m.ticket_id for m in milestones if m.ticket_id is not None]).values_list(
            "pk", flat=True
        )
    )
    return [
        m
        for m in milestones
        if m.ticket_id is None or (m.ticket_id in in_scope and m.ticket_id not in listed)
    ]


@transaction.atomic
def meeting_generate_agenda(
    *, meeting: Meeting, acting_user: Actor, now: datetime | None = None
) -> list[AgendaItem]:
    """(Re)build the agenda from open and overdue tickets and the milestones in the meeting's scope.

    Sections: tickets already overdue; tickets and milestones due before the meeting plus the
    series' look-ahead (the milestone registry, :mod:`countyworks.workflow.milestones`); other
    open tickets. Each ticket appears once.
    """
    require_write_at(acting_user, meeting.region_id)
    now = now or timezone.now()
    series = meeting.series
    lookahead = timedelta(days=series.lookahead_days if series else 7)
    window_end = max(meeting.scheduled_at, now) + lookahead
    tickets = _agenda_tickets(meeting, now)
    agenda = _Agenda(meeting)
    agenda.add_tickets(
        AgendaItem.Section.OVERDUE,
        tickets.filter(active_due__isnull=False, active_due__lt=now).order_by("active_due", "pk"),
        _("逾期工单"),
    )
    agenda.add_milestones(_due_milestones(meeting, tickets, agenda.listed, now, window_end))
    agenda.add_tickets(
        AgendaItem.Section.OPEN,
        tickets.exclude(pk__in=agenda.listed).order_by("resolution_due", "pk"),
        _("在办工单"),
    )
    AgendaItem.objects.filter(meeting=meeting).delete()
    AgendaItem.objects.bulk_create(agenda.items)
    meeting.agenda_generated_at = now
    audited_save(meeting, acting_user=acting_user, reason=_("生成议程"))
    return agenda.items


@dataclass(frozen=True)
class ActionSpec:
    """An action item of the minutes: it becomes a ticket owned by ``owner_post``/``owner_person``."""

    title: str
    due_at: datetime
    owner_post: Post | None = None
    owner_person: Person | None = None
    description: str = ""


@transaction.atomic
def meeting_minutes_record(
    *,
    meeting: Meeting,
    summary: str,
    decisions: Sequence[str],
    actions: Sequence[ActionSpec],
    acting_user: Actor,
    chair: str = "",
    attendees: str = "",
    now: datetime | None = None,
) -> list[Ticket]:
    """Record the minutes: who chaired and attended, summary, decisions, and action items that
    each become a ticket. A meeting that has not begun has no minutes yet.

    Recording again replaces the summary, the chair and attendees, and the decisions: a changed
    line corrects the decision in its place, a removed line withdraws it, each with its history
    record (who, when, before → after). Action items are appended (tickets cannot be unsaid).
    Returns the tickets created.
    """
    require_write_at(acting_user, meeting.region_id)
    now = now or timezone.now()
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("已取消的会议不能记录纪要"))
    if meeting.scheduled_at > now:
        raise ValidationError(_("会议尚未召开，不能记录纪要"))
    for action in actions:
        if action.owner_post is None and action.owner_person is None:
            raise ValidationError(
                _("交办事项「%(title)s」须指定责任岗位或责任人"), params={"title": action.title}
            )
    meeting.summary = summary
    meeting.chair = chair.strip()
    meeting.attendees = attendees.strip()
    meeting.state = Meeting.State.HELD
    meeting.minutes_recorded_at = now
    meeting.minutes_recorded_by = recorded_user(acting_user)
    audited_save(meeting, acting_user=acting_user, reason=_("记录会议纪要"))
    _decisions_replace(meeting, [t.strip() for t in decisions if t.strip()], acting_user)
    series = meeting.series
    created: list[Ticket] = []
    for action in actions:
        ticket = ticket_open(
            subject=meeting,
            title=action.title,
            description=action.description or _("%(meeting)s交办事项") % {"meeting": meeting},
            category=Category.MEETING,
            region=meeting.region_id,
            policy_code=MEETING_ACTION_POLICY,
            acting_user=acting_user,
            owner_person=action.owner_person,
            owner_post=action.owner_post,
            chain=series.chain if series else None,
            program=series.program if series else "",
            due_at=action.due_at,
        )
        audited_save(
            ActionItem(
                meeting=meeting,
                title=action.title,
                owner_post=action.owner_post,
                owner_person=action.owner_person,
                due_at=action.due_at,
                ticket=ticket,
            ),
            acting_user=acting_user,
        )
        created.append(ticket)
    return created


def _decisions_replace(meeting: Meeting, texts: list[str], acting_user: Actor) -> None:
    """Make the meeting's decisions ``texts``, in order: the n-th decision is corrected in place
    when its text changed, extra ones are added, missing ones withdrawn (deleted, with history)."""
    existing = list(meeting.decisions.order_by("position"))
    for position, text in enumerate(texts, start=1):
        if position <= len(existing):
            decision = existing[position - 1]
            if decision.text != text:
                decision.text = text
                audited_save(decision, acting_user=acting_user, reason=_("更正决定事项"))
        else:
            audited_save(Decision(meeting=meeting, position=position, text=text), acting_user=acting_user)
    for decision in existing[len(texts) :]:
        audited_delete(decision, acting_user=acting_user, reason=_("撤回决定事项"))


def meetings_prepare(*, now: datetime | None = None, hours_ahead: int = 24) -> list[Meeting]:
    """For every active series: schedule the next meeting, and generate its agenda once it is near.

    Idempotent (the periodic job runs it hourly); the chair is notified when an agenda is ready.
    """
    now = now or timezone.now()
    prepared: list[Meeting] = []
    for series in MeetingSeries.objects.filter(active=True).select_related("chair"):
        meeting = meeting_schedule_next(series=series, now=now)
        if meeting.agenda_generated_at is None and meeting.scheduled_at - now <= timedelta(hours=hours_ahead):
            with transaction.atomic():
                items = meeting_generate_agenda(meeting=meeting, acting_user=SYSTEM, now=now)
                chair_user = series.chair.user_id if series.chair else None
                notify_users(
                    user_ids=[chair_user] if chair_user else [],
                    ticket=None,
                    kind=Notification.Kind.MEETING,
                    text=_("%(meeting)s 议程已生成（%(n)d 项）") % {"meeting": meeting, "n": len(items)},
                    url=reverse("workflow:meeting", args=[meeting.pk]),
                )
            prepared.append(meeting)
    return prepared


def end_of_office_day(day: date) -> datetime:
    """Close of office on ``day`` (a due date written in minutes means "by the end of that day")."""
    calendar = default_calendar()
    return datetime.combine(day, calendar.close, tzinfo=calendar.tz)
