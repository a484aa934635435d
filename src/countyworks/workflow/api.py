"""Workflow API (/api/v1/workflow/): the same selectors and services as the pages, the same scoping."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as Reply

from countyworks.core.api_params import ObjectId, Pagination
from countyworks.core.http import api_user
from countyworks.core.models import Organisation, Person
from countyworks.core.periods import InvalidPeriod, Period
from countyworks.core.scoping import SHARED, scope
from countyworks.workflow import selectors, services
from countyworks.workflow.models import Category, Priority, Status, Ticket

router = Router(tags=["workflow"])


class TicketOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    category: str
    priority: str
    program: str
    region_id: str
    subject_type: str
    subject_id: str
    owner: str
    owner_post_id: int | None
    owner_person_id: int | None
    unit: str | None
    created_at: datetime
    response_due: datetime | None
    resolution_due: datetime
    due_provisional: bool
    resolved_at: datetime | None
    closed_at: datetime | None
    escalation_level: int
    overdue: bool
    sla: str
    url: str

    @staticmethod
    def resolve_status_label(obj: Ticket) -> str:
        return str(Status(obj.status).label)

    @staticmethod
    def resolve_subject_type(obj: Ticket) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"

    @staticmethod
    def resolve_owner(obj: Ticket) -> str:
        return obj.owner_label

    @staticmethod
    def resolve_unit(obj: Ticket) -> str | None:
        return obj.unit.name if obj.unit is not None else None

    @staticmethod
    def resolve_overdue(obj: Ticket) -> bool:
        return selectors.sla_state(obj).overdue

    @staticmethod
    def resolve_sla(obj: Ticket) -> str:
        return selectors.sla_state(obj).label

    @staticmethod
    def resolve_url(obj: Ticket) -> str:
        return reverse("workflow:ticket", args=[obj.pk])


class TimelineOut(Schema):
    at: datetime
    kind: str
    who: str
    text: str
    detail: str


class TicketDetailOut(TicketOut):
    description: str
    policy: str
    timeline: list[TimelineOut]

    @staticmethod
    def resolve_policy(obj: Ticket) -> str:
        return obj.policy.code

    @staticmethod
    def resolve_timeline(obj: Ticket) -> list[selectors.TimelineEntry]:
        return selectors.ticket_timeline(obj)


class TicketIn(Schema):
    subject_type: str  # "app_label.model", e.g. "core.organisation"
    subject_id: str
    title: str
    category: Category = Category.OTHER
    priority: Priority = Priority.NORMAL
    description: str = ""
    region: str
    policy_code: str
    organisation_id: ObjectId | None = None
    owner_post_id: ObjectId | None = None
    owner_person_id: ObjectId | None = None
    program: str = ""


class TransitionIn(Schema):
    to_status: Status
    comment: str = ""


class CommentIn(Schema):
    body: str


class CommentOut(Schema):
    id: int
    body: str
    created_at: datetime


class GroupOut(Schema):
    key: str
    label: str
    count: int
    oldest_due: datetime


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    ticket_id: int | None
    created_at: datetime
    read_at: datetime | None


class ReadIn(Schema):
    ids: list[ObjectId] | None = None


class UnitStatsOut(Schema):
    label: str
    opened: int
    closed: int
    overdue: int
    resolved: int
    median_hours: float | None
    within_sla_percent: float | None


class StatsOut(Schema):
    period: str
    total: UnitStatsOut
    rows: list[UnitStatsOut]


class AgendaItemOut(Schema):
    position: int
    section: str
    title: str
    ticket_id: int | None
    due_at: datetime | None
    owner_label: str
    source: str


class MeetingOut(Schema):
    id: int
    title: str
    region_id: str
    scheduled_at: datetime
    state: str
    agenda_generated_at: datetime | None


class MeetingDetailOut(MeetingOut):
    summary: str
    agenda: list[AgendaItemOut]
    decisions: list[str]
    action_ticket_ids: list[int]

    @staticmethod
    def resolve_agenda(obj) -> list:
        return list(obj.agenda_items.all())

    @staticmethod
    def resolve_decisions(obj) -> list[str]:
        return [d.text for d in obj.decisions.all()]

    @staticmethod
    def resolve_action_ticket_ids(obj) -> list[int]:
        return list(obj.action_items.values_list("ticket_id", flat=True))


def _raise_http(exc: ValidationError) -> None:
    """A refused input is a 400; a refused write (PermissionDenied) propagates: the API answers 403."""
    raise HttpError(400, "；".join(exc.messages)) from exc


@router.get("/tickets", response=list[TicketOut])
@paginate(Pagination)
def tickets(request: HttpRequest, view: str = "mine", status: str = "", within: str | None = None):
    """Tickets in reach: ``view`` is mine, team, reported, watching or all; open ones unless ``status``."""
    if view not in selectors.VIEWS:
        raise HttpError(400, f"view must be one of {', '.join(selectors.VIEWS)}")
    if status and status not in Status.values:
        raise HttpError(400, f"status must be one of {', '.join(Status.values)}")
    return selectors.ticket_list(
        user=request.user, view=view, within=within, status=status, open_only=not status and view != "all"
    )


@router.get("/tickets/overdue", response=list[TicketOut])
@paginate(Pagination)
def overdue(request: HttpRequest, owner: str = "", unit: str = "", within: str | None = None):
    """Active tickets past their resolution deadline, most overdue first."""
    return selectors.ticket_overdue(user=request.user, within=within, owner=owner, unit=unit)


@router.get("/tickets/overdue/summary", response=list[GroupOut])
def overdue_summary(request: HttpRequest, by: str = "owner", within: str | None = None):
    """Overdue counts by ``owner`` or by ``unit``."""
    if by not in ("owner", "unit"):
        raise HttpError(400, "by must be owner or unit")
    overview = selectors.overdue_overview(user=request.user, within=within)
    return overview.by_owner if by == "owner" else overview.by_unit


@router.get("/tickets/{ticket_id}", response=TicketDetailOut)
def ticket(request: HttpRequest, ticket_id: ObjectId):
    return selectors.ticket_get(user=request.user, pk=ticket_id)


@router.post("/tickets", response={201: TicketOut})
def ticket_create(request: HttpRequest, payload: TicketIn):
    """Raise a ticket against an object the caller can see, of a registered type (``subject_type``
    is ``app_label.model``; an unlisted type is refused with 400, an object outside the area is 404)."""
    try:
        subject = selectors.ticket_subject_get(
            user=request.user, subject_type=payload.subject_type, subject_id=payload.subject_id
        )
    except ValidationError as exc:
        _raise_http(exc)
    organisation = (
        scope(Organisation.objects.all(), request.user, SHARED).filter(pk=payload.organisation_id).first()
        if payload.organisation_id
        else None
    )
    if payload.organisation_id and organisation is None:
        raise Http404
    owner_post = None
    if payload.owner_post_id is not None:
        owner_post = (
            selectors.post_choices(user=request.user, region_code=payload.region)
            .filter(pk=payload.owner_post_id)
            .first()
        )
        if owner_post is None:
            raise HttpError(400, "owner_post_id is not a post of this county in your reach")
    owner_person = None
    if payload.owner_person_id is not None:
        owner_person = (
            scope(Person.objects.all(), request.user, SHARED).filter(pk=payload.owner_person_id).first()
        )
        if owner_person is None:
            raise HttpError(400, "owner_person_id is not a person in your reach")
    try:
        created = services.ticket_open(
            subject=subject,
            title=payload.title,
            category=payload.category,
            priority=payload.priority,
            description=payload.description,
            region=payload.region,
            policy_code=payload.policy_code,
            organisation=organisation,
            owner_post=owner_post,
            owner_person=owner_person,
            program=payload.program,
            acting_user=api_user(request),
        )
    except ValidationError as exc:
        _raise_http(exc)
    return Reply(201, selectors.ticket_get(user=request.user, pk=created.pk))


@router.post("/tickets/{ticket_id}/transition", response=TicketOut)
def ticket_transition(request: HttpRequest, ticket_id: ObjectId, payload: TransitionIn):
    """Move a ticket along the pipeline (新建 → 处理中 → 待确认 → 已解决; 已退回, 已关闭)."""
    current = selectors.ticket_get(user=request.user, pk=ticket_id)
    try:
        services.ticket_transition(
            ticket=current,
            to_status=payload.to_status,
            comment=payload.comment,
            acting_user=api_user(request),
        )
    except ValidationError as exc:
        _raise_http(exc)
    return selectors.ticket_get(user=request.user, pk=ticket_id)


@router.post("/tickets/{ticket_id}/comments", response={201: CommentOut})
def ticket_comment(request: HttpRequest, ticket_id: ObjectId, payload: CommentIn):
    current = selectors.ticket_get(user=request.user, pk=ticket_id)
    try:
        comment = services.ticket_comment_add(
            ticket=current, body=payload.body, acting_user=api_user(request)
        )
    except ValidationError as exc:
        _raise_http(exc)
    return Reply(201, comment)


@router.get("/notifications", response=list[NotificationOut])
@paginate(Pagination)
def notifications(request: HttpRequest, unread: bool = False):
    items = selectors.notification_list(request.user)
    return items.filter(read_at__isnull=True) if unread else items


@router.post("/notifications/read", response=dict)
def notifications_read(request: HttpRequest, payload: ReadIn):
    return {"marked": services.notifications_mark_read(user=api_user(request), ids=payload.ids)}


@router.get("/stats", response=StatsOut)
def stats(request: HttpRequest, period: str = "", within: str | None = None):
    """Opened, closed, overdue, median time to resolve and share within SLA, by unit, for a period."""
    try:
        parsed = Period.parse(period or str(timezone.localdate().year))
    except InvalidPeriod as exc:
        raise HttpError(400, str(exc)) from exc
    report = selectors.ticket_stats(user=request.user, period=parsed, within=within)

    def row(unit: selectors.UnitStats) -> dict[str, object]:
        return {
            "label": unit.label,
            "opened": unit.opened,
            "closed": unit.closed,
            "overdue": unit.overdue,
            "resolved": unit.resolved,
            "median_hours": float(unit.median_hours) if unit.median_hours is not None else None,
            "within_sla_percent": float(unit.within_sla_percent)
            if unit.within_sla_percent is not None
            else None,
        }

    return {"period": str(parsed), "total": row(report.total), "rows": [row(r) for r in report.rows]}


@router.get("/meetings", response=list[MeetingOut])
@paginate(Pagination)
def meetings(request: HttpRequest, within: str | None = None):
    return selectors.meeting_list(user=request.user, within=within)


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def meeting(request: HttpRequest, meeting_id: ObjectId):
    return selectors.meeting_get(user=request.user, pk=meeting_id)
