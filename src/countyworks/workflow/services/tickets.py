"""Tickets: raise, move along the pipeline, hand over, comment, follow."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import Organisation, Person, Region
from countyworks.core.services import audited_save
from countyworks.workflow.models import (
    REASON_REQUIRED,
    Comment,
    EscalationChain,
    Notification,
    Post,
    Priority,
    SlaPolicy,
    Status,
    StatusChange,
    Ticket,
    cap_response,
)
from countyworks.workflow.services.common import (
    chain_for,
    chain_steps,
    owner_unit_id,
    owner_user_ids,
    require_write_at,
    require_write_ticket,
)
from countyworks.workflow.services.notifications import interested_user_ids, notify_users
from countyworks.workflow.subjects import subject_type_of

M = TypeVar("M", bound=models.Model)


def _check_subject(subject: models.Model, acting_user: Actor) -> ContentType:
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
    reporter: User | None = None,
    owner_person: Person | None = None,
    owner_post: Post | None = None,
    chain: EscalationChain | None = None,
    organisation: Organisation | None = None,
    program: str = "",
    watchers: Iterable[User] = (),
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
    require_write_at(acting_user, region_code, organisation.pk if organisation else None)
    subject_type = _check_subject(subject, acting_user)
    try:
        policy = SlaPolicy.objects.select_related("office_hours").get(code=policy_code, active=True)
    except SlaPolicy.DoesNotExist as exc:
        raise ValidationError(_("时限规则 %(code)s 不存在或已停用"), params={"code": policy_code}) from exc
    if chain is None:
        chain = chain_for(region_code, program)
    steps = chain_steps(chain.pk if chain else None)
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
        unit_id=owner_unit_id(owner_person, owner_post),
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
    notify_users(
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


def _save_and_tell(
    obj: M,
    *,
    ticket: Ticket,
    acting_user: Actor,
    told: Iterable[int],
    kind: str,
    text: str,
    reason: str = "",
) -> M:
    """Save ``obj`` (the ticket or a record on it) with its audit record, then notify the users
    ``told`` about ``ticket``, never the one who acted."""
    audited_save(obj, acting_user=acting_user, reason=reason)
    notify_users(user_ids=told, ticket=ticket, kind=kind, text=text, exclude=acting_user)
    return obj


@transaction.atomic
def ticket_transition(
    *, ticket: Ticket, to_status: str, acting_user: Actor, comment: str = "", at: datetime | None = None
) -> Ticket:
    """Move ``ticket`` to ``to_status`` if :data:`PIPELINE` allows it; returning or closing needs a reason.

    Raises :class:`~countyworks.workflow.models.InvalidStatus` for a transition the pipeline
    does not allow and :class:`ValidationError` when a required reason is missing.
    """
    ticket = _locked(ticket)
    require_write_ticket(acting_user, ticket)
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
    notify_users(
        user_ids=interested_user_ids(ticket),
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
    require_write_ticket(acting_user, ticket)
    if not ticket.is_open:
        raise ValidationError(_("已办结或已关闭的工单不能转办"))
    for owner in (owner_person, owner_post):
        if owner is not None and not ticket.region_id.startswith(
            owner.region_id[: min(6, len(owner.region_id))]
        ):
            raise ValidationError(_("责任人或岗位不在工单所在县（市、区）"))
    ticket.owner_person, ticket.owner_post = owner_person, owner_post
    ticket.unit_id = owner_unit_id(owner_person, owner_post)
    ticket.updated_at = timezone.now()
    return _save_and_tell(
        ticket,
        ticket=ticket,
        acting_user=acting_user,
        reason=comment or _("转办"),
        told=owner_user_ids(person_id=ticket.owner_person_id, post_id=ticket.owner_post_id),
        kind=Notification.Kind.ASSIGNED,
        text=_("转办给您：%(title)s") % {"title": ticket.title},
    )


@transaction.atomic
def ticket_comment_add(*, ticket: Ticket, body: str, acting_user: Actor) -> Comment:
    """Add a comment; the reporter, the owner and the watchers are notified."""
    if not body.strip():
        raise ValidationError(_("留言不能为空"))
    require_write_ticket(acting_user, ticket)
    comment = _save_and_tell(
        Comment(ticket=ticket, author=recorded_user(acting_user), body=body.strip()),
        ticket=ticket,
        acting_user=acting_user,
        told=interested_user_ids(ticket),
        kind=Notification.Kind.COMMENT,
        text=_("「%(title)s」有新留言") % {"title": ticket.title},
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=comment.created_at)
    return comment


@transaction.atomic
def ticket_watch_set(*, ticket: Ticket, acting_user: User, watching: bool) -> None:
    """Follow or unfollow a ticket the user can read (read reach is checked by the caller's selector)."""
    if watching:
        ticket.watchers.add(acting_user)
    else:
        ticket.watchers.remove(acting_user)
