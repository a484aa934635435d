"""The working calendar as data: the State Council's yearly holiday notice, and the deadlines it moves."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from countyworks.core.actors import SYSTEM, Actor
from countyworks.core.services import audited_delete, audited_save
from countyworks.workflow.models import (
    OPEN_STATUSES,
    Escalation,
    HolidayNotice,
    Ticket,
    cap_response,
    holiday_notice_days,
)
from countyworks.workflow.services.common import chain_steps
from countyworks.workflow.working_calendar import DayTable, WorkingCalendar, notices_changed

logger = logging.getLogger(__name__)


def _require_superuser(user: Actor) -> None:
    """National reference data: only the platform itself (``SYSTEM``) or a superuser changes it."""
    if user is not SYSTEM and not getattr(user, "is_superuser", False):
        raise PermissionDenied(_("只有系统管理员可以维护节假日安排"))


@transaction.atomic
def holiday_notice_save(*, notice: HolidayNotice, acting_user: Actor) -> int:
    """Enter or correct one day of a State Council holiday notice; returns the tickets recomputed.

    国务院办公厅关于安排节假日的通知 (yearly): once a year has notice data, its days decide the
    calendar over chinese-calendar and the computed fallback, and deadlines stop being provisional.
    """
    _require_superuser(acting_user)
    before = DayTable(holiday_notice_days())
    audited_save(notice, acting_user=acting_user, reason=_("录入国务院节假日安排"))
    return calendar_changed(before=before, acting_user=acting_user)


@transaction.atomic
def holiday_notice_delete(*, notice: HolidayNotice, acting_user: Actor) -> int:
    """Remove one day of notice data; returns the tickets recomputed."""
    _require_superuser(acting_user)
    before = DayTable(holiday_notice_days())
    audited_delete(notice, acting_user=acting_user, reason=_("删除节假日安排"))
    return calendar_changed(before=before, acting_user=acting_user)


def calendar_changed(*, before: DayTable, acting_user: Actor) -> int:
    """After the notice data changed (inside the writing transaction): recompute open tickets.

    Every process forgets the notice data it read (this one once the change commits, the others
    within :data:`~countyworks.workflow.working_calendar.NOTICE_TTL_SECONDS`).
    """
    transaction.on_commit(notices_changed)
    return tickets_recompute_due(
        before=before, after=DayTable(holiday_notice_days()), acting_user=acting_user
    )


def _changed_days(before: DayTable, after: DayTable) -> list[date]:
    days: list[date] = []
    for year in sorted(before.years | after.years):
        day = date(year, 1, 1)
        while day.year == year:
            if before.working_day(day) != after.working_day(day):
                days.append(day)
            day += timedelta(days=1)
    return days


@transaction.atomic
def tickets_recompute_due(*, before: DayTable, after: DayTable, acting_user: Actor) -> int:
    """Recompute the deadlines of open tickets from ``before`` to ``after`` working days (audited).

    Only deadlines that came from the rules move: a resolution deadline equal to the policy's on
    the old calendar (not one a meeting's minutes set), a response deadline, and the escalation
    deadline of the current level when it equals that level's window on the old calendar. Tickets
    whose deadlines cannot reach a changed day are not touched. Returns the tickets changed.
    """
    changed = _changed_days(before, after)
    if not changed:
        return 0
    first = datetime.combine(changed[0], datetime.min.time(), tzinfo=timezone.get_default_timezone())
    last = datetime.combine(changed[-1] + timedelta(days=1), datetime.min.time(), tzinfo=first.tzinfo)
    candidates = (
        Ticket.objects.filter(status__in=OPEN_STATUSES, created_at__lt=last)
        .filter(
            models.Q(resolution_due__gte=first)
            | models.Q(response_due__gte=first)
            | models.Q(escalate_at__gte=first)
        )
        .select_related("policy__office_hours")
        .order_by("pk")
    )
    updated: list[Ticket] = []
    for ticket in candidates.iterator(chunk_size=2000):
        sessions = ticket.policy.office_hours.sessions()
        old_calendar = WorkingCalendar(sessions, days=before)
        new_calendar = WorkingCalendar(sessions, days=after)
        _old_response, old_resolution = ticket.policy.deadlines(ticket.created_at, old_calendar)
        response, resolution = ticket.policy.deadlines(ticket.created_at, new_calendar)
        from_policy = ticket.resolution_due == old_resolution.at
        resolution_due = resolution.at if from_policy else ticket.resolution_due
        response = cap_response(response, resolution_due)
        escalate_at = _recomputed_escalate_at(ticket, old_calendar, new_calendar, resolution_due)
        values = {
            "resolution_due": resolution_due,
            "response_due": response.at if response else ticket.response_due,
            "due_provisional": (resolution.provisional and from_policy)
            or bool(response and response.provisional),
            "escalate_at": escalate_at,
        }
        if any(getattr(ticket, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(ticket, name, value)
            ticket.updated_at = timezone.now()
            updated.append(ticket)
    if updated:
        bulk_update_with_history(
            updated,
            Ticket,
            fields=["resolution_due", "response_due", "due_provisional", "escalate_at", "updated_at"],
            batch_size=1000,
            default_user=acting_user,
            default_change_reason=_("节假日安排变更，重新计算时限"),
        )
        logger.info("recomputed the deadlines of %d open tickets after a holiday notice change", len(updated))
    return len(updated)


def _recomputed_escalate_at(
    ticket: Ticket, old_calendar: WorkingCalendar, new_calendar: WorkingCalendar, resolution_due: datetime
) -> datetime | None:
    if ticket.escalate_at is None:
        return None
    if ticket.escalation_level == 0:
        return resolution_due if ticket.escalate_at == ticket.resolution_due else ticket.escalate_at
    step = chain_steps(ticket.chain_id).get(ticket.escalation_level)
    reached = (
        Escalation.objects.filter(ticket=ticket, to_level=ticket.escalation_level)
        .values_list("escalated_at", flat=True)
        .first()
    )
    if step is None or reached is None or not step.window_kind:
        return ticket.escalate_at
    if ticket.escalate_at != step.window_deadline(reached, old_calendar).at:
        return ticket.escalate_at
    return step.window_deadline(reached, new_calendar).at
