"""Workflow writes: one function per use case, keyword-only, transactional and audited.

One module per group of use cases (``tickets``, ``attachments``, ``escalation``, ``meetings``,
``holiday_notices``, ``notifications``; what they share — the write gate, owners, escalation
chains, the office calendar — is in ``common``). This package re-exports the public interface other
apps call (see docs/workflow.md), so ``from countyworks.workflow import services`` keeps working:

- :func:`ticket_open` — raise a ticket against a saved object of a registered type (:mod:`..subjects`);
- :func:`ticket_transition` — move it along :data:`~countyworks.workflow.models.PIPELINE`;
- :func:`ticket_assign`, :func:`ticket_comment_add`, :func:`ticket_attachment_add`, :func:`ticket_watch_set`;
- :func:`tickets_escalate_overdue` — the escalation job (idempotent, set-based);
- :func:`meeting_schedule_next`, :func:`meeting_generate_agenda`, :func:`meeting_minutes_record`;
- :func:`holiday_notice_save`, :func:`holiday_notice_delete` — the State Council's yearly notice as
  data; :func:`tickets_recompute_due` then recomputes the deadlines of open tickets.

``acting_user`` is a user, checked against their write reach by the access gate
(:mod:`countyworks.core.permissions`), or :data:`~countyworks.core.actors.SYSTEM` — the platform
itself (an alarm from the telemetry ingest, the periodic job), which reaches everywhere.
"""

from countyworks.workflow.services.attachments import (
    ATTACHMENT_TYPES,
    attachment_max_bytes,
    ticket_attachment_add,
)
from countyworks.workflow.services.common import chain_for, owner_user_ids
from countyworks.workflow.services.escalation import EscalationReport, tickets_escalate_overdue
from countyworks.workflow.services.holiday_notices import (
    calendar_changed,
    holiday_notice_delete,
    holiday_notice_save,
    tickets_recompute_due,
)
from countyworks.workflow.services.meetings import (
    MEETING_ACTION_POLICY,
    ActionSpec,
    end_of_office_day,
    meeting_generate_agenda,
    meeting_minutes_record,
    meeting_next_slot,
    meeting_schedule_next,
    meetings_prepare,
)
from countyworks.workflow.services.notifications import notifications_mark_read
from countyworks.workflow.services.tickets import (
    ticket_assign,
    ticket_comment_add,
    ticket_open,
    ticket_transition,
    ticket_watch_set,
)

__all__ = [
    "ATTACHMENT_TYPES",
    "MEETING_ACTION_POLICY",
    "ActionSpec",
    "EscalationReport",
    "attachment_max_bytes",
    "calendar_changed",
    "chain_for",
    "end_of_office_day",
    "holiday_notice_delete",
    "holiday_notice_save",
    "meeting_generate_agenda",
    "meeting_minutes_record",
    "meeting_next_slot",
    "meeting_schedule_next",
    "meetings_prepare",
    "notifications_mark_read",
    "owner_user_ids",
    "ticket_assign",
    "ticket_attachment_add",
    "ticket_comment_add",
    "ticket_open",
    "ticket_transition",
    "ticket_watch_set",
    "tickets_escalate_overdue",
    "tickets_recompute_due",
]
