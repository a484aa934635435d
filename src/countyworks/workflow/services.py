"""Workflow writes: one function per use case, keyword-only, transactional and audited.

The public interface other apps call (see docs/workflow.md):

- :func:`ticket_open` — raise a ticket against a saved object of a registered type (:mod:`.subjects`);
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

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from countyworks.core.actors import SYSTEM, Actor, recorded_user
from countyworks.core.models import Organisation, Person, Region
from countyworks.core.permissions import access_write_object, access_write_region
from countyworks.core.scoping import SHARED
from countyworks.core.services import audited_delete, audited_save
from countyworks.workflow import notify
from countyworks.workflow.milestones import milestones_between
from countyworks.workflow.models import (
    OPEN_STATUSES,
    REASON_REQUIRED,
    ActionItem,
    AgendaItem,
    Attachment,
    Category,
    Comment,
    Decision,
    Escalation,
    EscalationChain,
    EscalationStep,
    HolidayNotice,
    Meeting,
    MeetingSeries,
    Notification,
    OfficeHours,
    Post,
    Priority,
    SlaPolicy,
    Status,
    StatusChange,
    Ticket,
    cap_response,
    holiday_notice_days,
)
from countyworks.workflow.subjects import subject_type_of
from countyworks.workflow.working_calendar import DayTable, WorkingCalendar, notices_changed, working_day

logger = logging.getLogger(__name__)
User = get_user_model()

#: The SLA policy for action items of meeting minutes (their due date comes from the minutes).
MEETING_ACTION_POLICY = "meeting-action"


# --- Permissions and owners --------------------------------------------------------------------------


def _require_write_at(user: Actor, region_code: str, organisation_id: int | None = None) -> None:
    """Raise PermissionDenied unless ``user`` may write workflow records at ``region_code``."""
    access_write_region(
        user, SHARED, region_code, organisation_id=organisation_id, message=_("无权在该区域处理工单")
    )


def _require_write_ticket(user: Actor, ticket: Ticket) -> None:
    access_write_object(user, SHARED, ticket, message=_("无权处理该工单"))


def owner_user_ids(*, person_id: int | None, post_id: int | None) -> set[int]:
    """The platform accounts behind an owner: the person's, or every holder's of the post."""
    ids: set[int] = set()
    if person_id is not None:
        ids.update(Person.objects.filter(pk=person_id, user__isnull=False).values_list("user_id", flat=True))
    if post_id is not None:
        ids.update(
            Person.objects.filter(workflow_posts__pk=post_id, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
    return ids


def _owner_unit_id(person: Person | None, post: Post | None) -> int | None:
    if post is not None and post.organisation_id is not None:
        return post.organisation_id
    return person.organisation_id if person is not None else None


def chain_for(region_code: str, program: str = "") -> EscalationChain | None:
    """The default chain of a ticket: the active chain of the nearest enclosing region, same program first.

    A ticket of a program takes that program's chains or program-less ones; a ticket without a
    program takes any.
    """
    prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12, 14) if n <= len(region_code)]
    chains = EscalationChain.objects.filter(active=True, region_id__in=prefixes)
    if program:
        chains = chains.filter(program__in=[program, ""])
    candidates = list(chains)
    if not candidates:
        return None
    return max(candidates, key=lambda c: (len(c.region_id), c.program == program, -c.pk))


def _steps(chain_id: int | None) -> dict[int, EscalationStep]:
    if chain_id is None:
        return {}
    return {step.level: step for step in EscalationStep.objects.filter(chain_id=chain_id)}


# --- Notifications -----------------------------------------------------------------------------------


def _ticket_url(ticket_id: int) -> str:
    return reverse("workflow:ticket", args=[ticket_id])


def _outbound(user_ids: Iterable[int], title: str, body: str, url: str) -> list[notify.OutboundMessage]:
    ids = list(user_ids)
    phones = dict(Person.objects.filter(user_id__in=ids).values_list("user_id", "phone"))
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    return [
        notify.OutboundMessage(
            user_id=uid,
            username=names.get(uid, ""),
            phone=phones.get(uid, ""),
            title=title,
            body=body,
            url=url,
        )
        for uid in ids
    ]


def _notify(
    *,
    user_ids: Iterable[int],
    ticket: Ticket | None,
    kind: str,
    text: str,
    url: str = "",
    exclude: object = None,
    at: datetime | None = None,
) -> int:
    """In-app notifications now, outbound messages after commit; ``exclude`` is the acting user."""
    excluded = getattr(exclude, "pk", None)
    ids = sorted({uid for uid in user_ids if uid != excluded})
    if not ids:
        return 0
    when = at or timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(user_id=uid, ticket=ticket, kind=kind, text=text[:255], url=url, created_at=when)
            for uid in ids
        ]
    )
    link = url or (_ticket_url(ticket.pk) if ticket is not None else "")
    notify.deliver_on_commit(_outbound(ids, str(Notification.Kind(kind).label), text, link))
    return len(ids)


def _interested_user_ids(ticket: Ticket) -> set[int]:
    """Reporter, owner(s) and watchers of a ticket."""
    ids = owner_user_ids(person_id=ticket.owner_person_id, post_id=ticket.owner_post_id)
    if ticket.reporter_id is not None:
        ids.add(ticket.reporter_id)
    ids.update(ticket.watchers.values_list("pk", flat=True))
    return ids


@transaction.atomic
def notifications_mark_read(*, user, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# --- Tickets -----------------------------------------------------------------------------------------


def _check_subject(subject: models.Model, acting_user) -> ContentType:
    """The subject's content type, if tickets may be raised against its type (:mod:`.subjects`) and
    ``acting_user`` (None = the platform) can read it."""
    if subject.pk is None:
        raise ValidationError(_("工单对象须先保存"))
    kind = subject_type_of(subject)
    if acting_user is not None and not kind.visible(acting_user).filter(pk=subject.pk).exists():
        raise PermissionDenied(_("无权对该对象提出工单"))
    return ContentType.objects.get_for_model(subject)


@transaction.atomic
def ticket_open(
    *,
    subject: models.Model,
    title: str,
    category: str,
    region: Region | str,
    policy_code: str,
    acting_user: Actor,
    description: str = "",
    priority: str = Priority.NORMAL,
    reporter=None,
    owner_person: Person | None = None,
    owner_post: Post | None = None,
    chain: EscalationChain | None = None,
    organisation: Organisation | None = None,
    program: str = "",
    watchers: Iterable = (),
    due_at: datetime | None = None,
    opened_at: datetime | None = None,
) -> Ticket:
    """Raise a ticket against ``subject`` (any saved model instance) and notify its owner.

    Deadlines come from the SLA policy ``policy_code`` on the working calendar, from
    ``opened_at`` (default now; set it when importing tickets raised earlier); ``due_at``
    overrides the resolution deadline (a meeting's action item). Without an owner, the ticket
    goes to level 0 of ``chain`` — by default the chain of the nearest enclosing region for the
    program (:func:`chain_for`). ``reporter`` defaults to ``acting_user``.
    """
    region_code = region.code if isinstance(region, Region) else region
    _require_write_at(acting_user, region_code, organisation.pk if organisation else None)
    subject_type = _check_subject(subject, acting_user)
    try:
        policy = SlaPolicy.objects.select_related("office_hours").get(code=policy_code, active=True)
    except SlaPolicy.DoesNotExist as exc:
        raise ValidationError(_("时限规则 %(code)s 不存在或已停用"), params={"code": policy_code}) from exc
    if chain is None:
        chain = chain_for(region_code, program)
    steps = _steps(chain.pk if chain else None)
    if owner_person is None and owner_post is None:
        first = steps.get(0)
        if first is None:
            raise ValidationError(_("工单须指定责任人或责任岗位（或所在区域配置了升级链）"))
        owner_person, owner_post = first.person, first.post
    opened = opened_at or timezone.now()
    response, resolution = policy.deadlines(opened)
    resolution_due = due_at or resolution.at
    response = cap_response(response, resolution_due)
    ticket = Ticket(
        subject_type=subject_type,
        subject_id=str(subject.pk),
        region_id=region_code,
        organisation=organisation,
        program=program,
        title=title,
        description=description,
        category=category,
        priority=priority,
        reporter=reporter if reporter is not None else recorded_user(acting_user),
        owner_person=owner_person,
        owner_post=owner_post,
        unit_id=_owner_unit_id(owner_person, owner_post),
        policy=policy,
        chain=chain,
        created_at=opened,
        updated_at=opened,
        response_due=response.at if response else None,
        resolution_due=resolution_due,
        due_provisional=(resolution.provisional and due_at is None)
        or bool(response and response.provisional),
        escalate_at=resolution_due if any(level > 0 for level in steps) else None,
    )
    audited_save(ticket, acting_user=acting_user, reason=_("提出工单"))
    watcher_list = list(watchers)
    if watcher_list:
        ticket.watchers.add(*watcher_list)
    StatusChange.objects.create(
        ticket=ticket, from_status="", to_status=Status.NEW, actor=recorded_user(acting_user), at=opened
    )
    _notify(
        user_ids=owner_user_ids(person_id=ticket.owner_person_id, post_id=ticket.owner_post_id),
        ticket=ticket,
        kind=Notification.Kind.ASSIGNED,
        text=_("新工单：%(title)s（%(due)s 前办结）")
        % {"title": title, "due": f"{timezone.localtime(resolution_due):%m-%d %H:%M}"},
        exclude=acting_user,
        at=opened,
    )
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


@transaction.atomic
def ticket_transition(
    *, ticket: Ticket, to_status: str, acting_user: Actor, comment: str = "", at: datetime | None = None
) -> Ticket:
    """Move ``ticket`` to ``to_status`` if :data:`PIPELINE` allows it; returning or closing needs a reason.

    Raises :class:`~countyworks.workflow.models.InvalidStatus` for a transition the pipeline
    does not allow and :class:`ValidationError` when a required reason is missing.
    """
    ticket = _locked(ticket)
    _require_write_ticket(acting_user, ticket)
    when = at or timezone.now()
    if (ticket.status, to_status) in REASON_REQUIRED and not comment.strip():
        raise ValidationError(_("退回、关闭或驳回工单须填写理由"), code="reason_required")
    old = ticket.set_status(to_status, when)
    audited_save(ticket, acting_user=acting_user, reason=comment or _("状态变更"))
    StatusChange.objects.create(
        ticket=ticket,
        from_status=old,
        to_status=to_status,
        actor=recorded_user(acting_user),
        at=when,
        comment=comment,
    )
    _notify(
        user_ids=_interested_user_ids(ticket),
        ticket=ticket,
        kind=Notification.Kind.STATUS,
        text=_("「%(title)s」%(old)s → %(new)s")
        % {"title": ticket.title, "old": Status(old).label, "new": Status(to_status).label},
        exclude=acting_user,
        at=when,
    )
    return ticket


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    acting_user: Actor,
    owner_person: Person | None = None,
    owner_post: Post | None = None,
    comment: str = "",
) -> Ticket:
    """Hand the ticket to another person or post (its escalation level and deadlines stay)."""
    if owner_person is None and owner_post is None:
        raise ValidationError(_("须指定责任人或责任岗位"))
    ticket = _locked(ticket)
    _require_write_ticket(acting_user, ticket)
    if not ticket.is_open:
        raise ValidationError(_("已办结或已关闭的工单不能转办"))
    for owner in (owner_person, owner_post):
        if owner is not None and not ticket.region_id.startswith(
            owner.region_id[: min(6, len(owner.region_id))]
        ):
            raise ValidationError(_("责任人或岗位不在工单所在县（市、区）"))
    ticket.owner_person, ticket.owner_post = owner_person, owner_post
    ticket.unit_id = _owner_unit_id(owner_person, owner_post)
    ticket.updated_at = timezone.now()
    audited_save(ticket, acting_user=acting_user, reason=comment or _("转办"))
    _notify(
        user_ids=owner_user_ids(person_id=ticket.owner_person_id, post_id=ticket.owner_post_id),
        ticket=ticket,
        kind=Notification.Kind.ASSIGNED,
        text=_("转办给您：%(title)s") % {"title": ticket.title},
        exclude=acting_user,
    )
    return ticket


@transaction.atomic
def ticket_comment_add(*, ticket: Ticket, body: str, acting_user: Actor) -> Comment:
    """Add a comment; the reporter, the owner and the watchers are notified."""
    if not body.strip():
        raise ValidationError(_("留言不能为空"))
    _require_write_ticket(acting_user, ticket)
    comment = audited_save(
        Comment(ticket=ticket, author=recorded_user(acting_user), body=body.strip()), acting_user=acting_user
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=comment.created_at)
    _notify(
        user_ids=_interested_user_ids(ticket),
        ticket=ticket,
        kind=Notification.Kind.COMMENT,
        text=_("「%(title)s」有新留言") % {"title": ticket.title},
        exclude=acting_user,
    )
    return comment


@transaction.atomic
def ticket_watch_set(*, ticket: Ticket, acting_user: AbstractBaseUser, watching: bool) -> None:
    """Follow or unfollow a ticket the user can read (read reach is checked by the caller's selector)."""
    if watching:
        ticket.watchers.add(acting_user)
    else:
        ticket.watchers.remove(acting_user)


# --- Attachments -------------------------------------------------------------------------------------

#: extension → (MIME type, accepted leading bytes). Types are checked by content, not only by name.
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
}


def attachment_max_bytes() -> int:
    return int(getattr(settings, "WORKFLOW_ATTACHMENT_MAX_BYTES", settings.UPLOAD_MAX_BYTES))


def _sniff(upload: UploadedFile) -> str:
    """The MIME type of ``upload`` if its extension is accepted and its content matches, else raise."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("不支持的附件类型 .%(ext)s；可上传：%(allowed)s"),
            params={"ext": extension or "?", "allowed": "、".join(sorted(ATTACHMENT_TYPES))},
            code="attachment_type",
        )
    mime, signatures = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            _("附件「%(name)s」的内容与扩展名 .%(ext)s 不符"),
            params={"name": name, "ext": extension},
            code="attachment_content",
        )
    return mime


@transaction.atomic
def ticket_attachment_add(*, ticket: Ticket, upload: UploadedFile, acting_user: Actor) -> Attachment:
    """Attach a file: PDF, image or Office document, checked by content, at most the configured size."""
    _require_write_ticket(acting_user, ticket)
    limit = attachment_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("附件不能超过 %(mb)s MB"), params={"mb": f"{limit / 1024 / 1024:g}"}, code="attachment_size"
        )
    mime = _sniff(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        ticket=ticket,
        file=upload,
        name=(upload.name or "")[-128:],
        content_type=mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=recorded_user(acting_user),
    )
    return audited_save(attachment, acting_user=acting_user)


# --- Escalation --------------------------------------------------------------------------------------


@dataclass
class EscalationReport:
    """What one run of the escalation job did."""

    escalated: int = 0
    batches: int = 0
    by_level: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class _Group:
    chain_id: int
    level: int
    step: EscalationStep
    next_escalate_at: datetime | None
    recipients: tuple[int, ...]
    digest: bool


#: Above this many tickets escalating to the same level of a chain in one run, each recipient gets
#: one in-app line per batch ("N 张工单…") instead of one per ticket.
ESCALATION_DIGEST_OVER = 50


def _history_snapshot_sql(member: str, reason: str, at: datetime) -> tuple[str, list[object]]:
    """INSERT … SELECT writing one simple-history row per ticket ``id {member}`` (set-based audit)."""
    historical = Ticket.history.model
    qn = connection.ops.quote_name
    ticket_columns = {f.attname: f.column for f in Ticket._meta.concrete_fields}
    columns: list[str] = []
    values: list[str] = []
    params: list[object] = []
    constants: dict[str, object] = {
        "history_date": connection.ops.adapt_datetimefield_value(at),
        "history_type": "~",
        "history_change_reason": reason,
    }
    for fld in historical._meta.concrete_fields:
        if fld.primary_key:
            continue
        columns.append(qn(fld.column))
        if fld.attname in constants:
            values.append("%s")
            params.append(constants[fld.attname])
        elif fld.attname == "history_user_id":
            values.append("NULL")
        elif fld.attname in ticket_columns:
            values.append(qn(ticket_columns[fld.attname]))
        else:
            raise RuntimeError(f"unexpected history column {fld.column}")
    sql = (
        f"INSERT INTO {qn(historical._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - _meta names, bound values
        f"SELECT {', '.join(values)} FROM {qn(Ticket._meta.db_table)} WHERE {qn('id')} {member}"
    )
    return sql, params


def _ids_in(ids: Sequence[int]) -> tuple[str, list[object]]:
    """``id`` membership as SQL and parameters: one array parameter on PostgreSQL, a list elsewhere."""
    if connection.vendor == "postgresql":  # an array literal: one short string to bind, not 20,000 values
        return "= ANY(%s::bigint[])", ["{" + ",".join(str(int(i)) for i in ids) + "}"]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _db_datetime(value: datetime | None) -> object:
    """A datetime as the backend stores it (raw SQL bypasses the ORM's conversion: UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def _escalate_chunk(cursor, group: _Group, ids: list[int], now: datetime) -> list[int]:
    """Escalate one chunk of one (chain, level) group: a handful of set-based statements.

    Rows are re-read (under lock where the database has row locks) with the breach condition, so
    a ticket resolved or escalated meanwhile — by a user, by another worker — is skipped; the
    unique (ticket, to_level) constraint is the backstop that makes a second escalation of the
    same breach impossible.
    """
    qn = connection.ops.quote_name
    ticket_table = qn(Ticket._meta.db_table)
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    member, id_params = _ids_in(ids)
    cursor.execute(
        f"SELECT id FROM {ticket_table} WHERE id {member} AND chain_id = %s "  # noqa: S608 - _meta names
        f"AND escalation_level = %s AND active_escalate_at IS NOT NULL AND active_escalate_at <= %s{lock}",
        [*id_params, group.chain_id, group.level, _db_datetime(now)],
    )
    ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    member, id_params = _ids_in(ids)
    step = group.step
    cursor.execute(
        f"INSERT INTO {qn(Escalation._meta.db_table)} "  # noqa: S608 - _meta names, bound values
        "(ticket_id, to_level, from_person_id, from_post_id, to_person_id, to_post_id, breached_due, escalated_at) "
        f"SELECT id, %s, owner_person_id, owner_post_id, %s, %s, escalate_at, %s FROM {ticket_table} "
        f"WHERE id {member}",
        [step.level, step.person_id, step.post_id, _db_datetime(now), *id_params],
    )
    cursor.execute(
        f"UPDATE {ticket_table} SET escalation_level = %s, owner_person_id = %s, owner_post_id = %s, "  # noqa: S608
        f"escalate_at = %s, updated_at = %s WHERE id {member}",
        [
            step.level,
            step.person_id,
            step.post_id,
            _db_datetime(group.next_escalate_at),
            _db_datetime(now),
            *id_params,
        ],
    )
    reason = _("逾期升级至第%(level)d级：%(title)s") % {"level": step.level, "title": step.title}
    sql, params = _history_snapshot_sql(member, reason, timezone.now())  # audit time is wall-clock
    cursor.execute(sql, [*params, *id_params])
    if group.digest:  # a mass escalation: one line per recipient, not thousands
        text = _("%(n)d 张工单逾期，已升级至第%(level)d级（%(title)s）由您处理") % {
            "n": len(ids),
            "level": step.level,
            "title": step.title,
        }
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=user_id,
                    kind=Notification.Kind.ESCALATED,
                    text=text[:255],
                    url=reverse("workflow:mine"),
                    created_at=now,
                )
                for user_id in group.recipients
            ]
        )
        return ids
    text = _("工单逾期，已升级至第%(level)d级（%(title)s）由您处理") % {
        "level": step.level,
        "title": step.title,
    }
    for user_id in group.recipients:
        cursor.execute(
            f"INSERT INTO {qn(Notification._meta.db_table)} (user_id, ticket_id, kind, text, url, created_at) "  # noqa: S608
            f"SELECT %s, id, %s, %s, '', %s FROM {ticket_table} WHERE id {member}",
            [user_id, Notification.Kind.ESCALATED, text, _db_datetime(now), *id_params],
        )
    return ids


def _escalate_batch(work: list[tuple[_Group, list[int]]], now: datetime) -> list[tuple[_Group, list[int]]]:
    """One transaction over several chunks: all of them escalate, or none (a crash rolls the batch back).

    On PostgreSQL the commit does not wait for the WAL flush (``synchronous_commit = off`` for this
    transaction only): a server crash may lose the last batches, never half of one, and the next
    run escalates them again — the job is idempotent, so durability can wait for the next flush.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL synchronous_commit = off")
        return [(group, _escalate_chunk(cursor, group, ids, now)) for group, ids in work]


def _escalation_groups(now: datetime) -> dict[tuple[int, int], list[int]]:
    """(chain id, current level) → ids of the tickets whose current deadline has passed."""
    rows = (
        # The covering index; the "not null" half of the range steers SQLite's planner to it (see selectors).
        Ticket.objects.filter(
            active_escalate_at__isnull=False, active_escalate_at__lte=now, chain__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "chain_id", "escalation_level")
    )
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, chain_id, level in rows.iterator(chunk_size=10_000):
        groups[(chain_id, level)].append(pk)
    return groups


def _default_calendar() -> WorkingCalendar:
    hours = OfficeHours.objects.order_by("pk").first()
    return hours.calendar() if hours is not None else WorkingCalendar()


def _max_chunk() -> int:
    """Ids per statement: within the database's bound-parameter limit (SQLite's is compiled in)."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return max(100, min(5000, limit - 16))
    return 20_000  # PostgreSQL: one array parameter, no limit


@contextmanager
def _sqlite_bulk_cache(kib: int = 65536) -> Iterator[None]:
    """On SQLite, a 64 MB page cache for the job's connection (the default 2 MB thrashes on the indexes)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def tickets_escalate_overdue(*, now: datetime | None = None, batch_size: int = 20_000) -> EscalationReport:
    """Escalate every active ticket whose current deadline has passed by one level (the periodic job).

    Set-based: tickets are grouped by (chain, level), since the next owner and the next
    deadline are the same for a whole group; a chunk of a group is a handful of statements, and a
    batch of up to ``batch_size`` tickets is one transaction. Idempotent: an escalated ticket moves
    to the next level with a new deadline (or none at the top), so a second run finds nothing; a
    crash mid-run leaves whole batches committed or not at all, and the next run carries on.
    Outbound messages go out per recipient as one digest per run, after the batches commit.
    """
    now = now or timezone.now()
    report = EscalationReport()
    delivered: Counter[int] = Counter()
    first_ticket: dict[int, int] = {}
    calendar = _default_calendar()
    chunk = min(_max_chunk(), batch_size)
    work: list[tuple[_Group, list[int]]] = []
    for (chain_id, level), ids in sorted(_escalation_groups(now).items()):
        steps = _steps(chain_id)
        step = steps.get(level + 1)
        if step is None:  # the chain was shortened: nothing above this level any more
            for start in range(0, len(ids), chunk):
                Ticket.objects.filter(pk__in=ids[start : start + chunk], escalation_level=level).update(
                    escalate_at=None
                )
            continue
        group = _Group(
            chain_id=chain_id,
            level=level,
            step=step,
            next_escalate_at=step.window_deadline(now, calendar).at if (level + 2) in steps else None,
            recipients=tuple(sorted(owner_user_ids(person_id=step.person_id, post_id=step.post_id))),
            digest=len(ids) > ESCALATION_DIGEST_OVER,
        )
        work.extend((group, ids[start : start + chunk]) for start in range(0, len(ids), chunk))
    batches: list[list[tuple[_Group, list[int]]]] = []
    size = batch_size
    for item in work:
        if size + len(item[1]) > batch_size:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += len(item[1])
    try:
        with _sqlite_bulk_cache():
            for batch in batches:
                for group, done in _escalate_batch(batch, now):
                    report.escalated += len(done)
                    report.by_level[group.step.level] += len(done)
                    for user_id in group.recipients:
                        delivered[user_id] += len(done)
                        if done:
                            first_ticket.setdefault(user_id, done[0])
                report.batches += 1
    finally:
        _deliver_escalation_digests(delivered, first_ticket)
    if report.escalated:
        logger.info("escalated %d overdue tickets in %d batches", report.escalated, report.batches)
    return report


def _deliver_escalation_digests(counts: Counter[int], first_ticket: dict[int, int]) -> None:
    messages: list[notify.OutboundMessage] = []
    for user_id, count in counts.items():
        if not count:
            continue
        if count == 1:
            ticket = Ticket.objects.only("title").get(pk=first_ticket[user_id])
            body = _("「%(title)s」已逾期，升级至您处理。") % {"title": ticket.title}
            url = _ticket_url(ticket.pk)
        else:
            body = _("%(n)d 张工单已逾期，升级至您处理。") % {"n": count}
            url = reverse("workflow:mine")
        messages.extend(_outbound([user_id], str(Notification.Kind.ESCALATED.label), body, url))
    notify.deliver(messages)


# --- Meetings ----------------------------------------------------------------------------------------


def meeting_next_slot(series: MeetingSeries, after: datetime) -> datetime:
    """The series' next slot strictly after ``after``; on a holiday, the next working day (if configured)."""
    calendar = _default_calendar()
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


@transaction.atomic
def meeting_generate_agenda(
    *, meeting: Meeting, acting_user: Actor, now: datetime | None = None
) -> list[AgendaItem]:
    """(Re)build the agenda from open and overdue tickets and the milestones in the meeting's scope.

    Sections: tickets already overdue; tickets and milestones due before the meeting plus the
    series' look-ahead (the milestone registry, :mod:`countyworks.workflow.milestones`); other
    open tickets. Each ticket appears once.
    """
    _require_write_at(acting_user, meeting.region_id)
    now = now or timezone.now()
    series = meeting.series
    lookahead = timedelta(days=series.lookahead_days if series else 7)
    window_end = max(meeting.scheduled_at, now) + lookahead
    tickets = Ticket.objects.filter(
        region__code__startswith=meeting.region_id, status__in=OPEN_STATUSES, created_at__lte=now
    )
    if series is not None and series.chain_id is not None:
        tickets = tickets.filter(chain_id=series.chain_id)
    tickets = tickets.select_related("owner_person", "owner_post")

    items: list[AgendaItem] = []
    listed: set[int] = set()

    def add(
        section: str,
        title: str,
        *,
        ticket_id: int | None = None,
        due_at: datetime | None = None,
        owner: str = "",
        source: str = "",
        url: str = "",
    ) -> None:
        items.append(
            AgendaItem(
                meeting=meeting,
                position=len(items) + 1,
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
            listed.add(ticket_id)

    def add_tickets(section: str, queryset: models.QuerySet[Ticket], source: str) -> None:
        total = queryset.count()
        for ticket in queryset[:AGENDA_SECTION_LIMIT]:
            add(
                section,
                ticket.title,
                ticket_id=ticket.pk,
                due_at=ticket.resolution_due,
                owner=ticket.owner_label,
                source=source,
                url=_ticket_url(ticket.pk),
            )
        if total > AGENDA_SECTION_LIMIT:
            add(
                section,
                _("……另有 %(n)d 项，见逾期督办清单") % {"n": total - AGENDA_SECTION_LIMIT},
                url=reverse("workflow:overdue"),
            )

    add_tickets(
        AgendaItem.Section.OVERDUE,
        tickets.filter(active_due__isnull=False, active_due__lt=now).order_by("active_due", "pk"),
        _("逾期工单"),
    )
    milestones = milestones_between(region_prefix=meeting.region_id, start=now, end=window_end)
    # Ticket milestones count only for tickets of this meeting's scope (its chain, if it has one).
    in_scope = set(
        tickets.filter(pk__in=[m.ticket_id for m in milestones if m.ticket_id is not None]).values_list(
            "pk", flat=True
        )
    )
    due = [
        m
        for m in milestones
        if m.ticket_id is None or (m.ticket_id in in_scope and m.ticket_id not in listed)
    ]
    for milestone in due[:AGENDA_SECTION_LIMIT]:
        add(
            AgendaItem.Section.DUE,
            milestone.title,
            ticket_id=milestone.ticket_id,
            due_at=milestone.due_at,
            owner=milestone.owner_label,
            source=milestone.source,
            url=milestone.url,
        )
    if len(due) > AGENDA_SECTION_LIMIT:
        add(AgendaItem.Section.DUE, _("……另有 %(n)d 个节点") % {"n": len(due) - AGENDA_SECTION_LIMIT})
    add_tickets(
        AgendaItem.Section.OPEN,
        tickets.exclude(pk__in=listed).order_by("resolution_due", "pk"),
        _("在办工单"),
    )
    AgendaItem.objects.filter(meeting=meeting).delete()
    AgendaItem.objects.bulk_create(items)
    meeting.agenda_generated_at = now
    audited_save(meeting, acting_user=acting_user, reason=_("生成议程"))
    return items


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
    _require_write_at(acting_user, meeting.region_id)
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
                _notify(
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
    calendar = _default_calendar()
    return datetime.combine(day, calendar.close, tzinfo=calendar.tz)


# --- The working calendar as data: the State Council's yearly holiday notice --------------------------


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
    step = _steps(ticket.chain_id).get(ticket.escalation_level)
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
