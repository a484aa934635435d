"""Notifications: in-app lines now, outbound messages after commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from countyworks.core.models import Person
from countyworks.workflow import notify
from countyworks.workflow.models import (
    Notification,
    Ticket,
)
from countyworks.workflow.services.common import owner_user_ids


def ticket_url(ticket_id: int) -> str:
    return reverse("workflow:ticket", args=[ticket_id])


def outbound_messages(
    user_ids: Iterable[int], title: str, body: str, url: str
) -> list[notify.OutboundMessage]:
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


def notify_users(
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
    link = url or (ticket_url(ticket.pk) if ticket is not None else "")
    notify.deliver_on_commit(outbound_messages(ids, str(Notification.Kind(kind).label), text, link))
    return len(ids)


def interested_user_ids(ticket: Ticket) -> set[int]:
    """Reporter, owner(s) and watchers of a ticket."""
    ids = owner_user_ids(person_id=ticket.owner_person_id, post_id=ticket.owner_post_id)
    if ticket.reporter_id is not None:
        ids.add(ticket.reporter_id)
    ids.update(ticket.watchers.values_list("pk", flat=True))
    return ids


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
