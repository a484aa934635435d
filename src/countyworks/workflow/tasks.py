"""Periodic jobs of the workflow (huey): escalation every minute, meeting preparation hourly.

Both call idempotent services whose whole state lives in the database, so a restart of the
consumer (or two consumers) never escalates a breach twice or duplicates a meeting.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from countyworks.workflow.services import meetings_prepare, tickets_escalate_overdue


@db_periodic_task(crontab(minute="*"))
def escalate_overdue_tickets() -> int:
    """Escalate overdue tickets one level; returns how many were escalated."""
    return tickets_escalate_overdue().escalated


@db_periodic_task(crontab(minute="5"))
def prepare_meetings() -> int:
    """Schedule the next meeting of each series and generate agendas due within a day."""
    return len(meetings_prepare())
