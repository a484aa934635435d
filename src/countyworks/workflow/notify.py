"""Outbound notifications: a :class:`Sender` protocol that SMS or 企业微信 gateways implement.

In-app notifications (the bell) are rows of :class:`~countyworks.workflow.models.Notification`;
this module delivers the same events outside the platform. ``settings.WORKFLOW_SENDERS`` lists
the senders as dotted paths to classes (instantiated once, without arguments); the demo and the
tests use :class:`LogSender`, which only logs. A gateway plugs in by implementing ``send`` — for
example an ``SmsSender`` posting to the county's SMS platform with the recipient's phone from
their :class:`~countyworks.core.models.Person` row.

Delivery runs after the transaction commits (never for a rolled-back change), and a failing
sender is logged and skipped: an SMS outage never blocks a ticket or the escalation job.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboundMessage:
    """One message to one person: short enough for an SMS, with a link for 企业微信 cards."""

    user_id: int
    username: str
    phone: str
    title: str
    body: str
    url: str = ""


@runtime_checkable
class Sender(Protocol):
    """A delivery channel. ``send`` may raise; the dispatcher logs and carries on."""

    name: str

    def send(self, message: OutboundMessage) -> None: ...


class LogSender:
    """Writes each message to the ``countyworks.workflow.notify`` log (demo and tests)."""

    name = "log"

    def send(self, message: OutboundMessage) -> None:
        logger.info(
            "notify %s (%s): %s — %s %s",
            message.username,
            message.phone or "-",
            message.title,
            message.body,
            message.url,
        )


@functools.cache
def configured_senders() -> tuple[Sender, ...]:
    """The senders of ``settings.WORKFLOW_SENDERS``, imported and instantiated once."""
    senders: list[Sender] = []
    for dotted in getattr(settings, "WORKFLOW_SENDERS", ["countyworks.workflow.notify.LogSender"]):
        module_name, _, attr = dotted.rpartition(".")
        sender = getattr(importlib.import_module(module_name), attr)()
        if not isinstance(sender, Sender):
            raise TypeError(f"{dotted} does not implement workflow.notify.Sender (name, send)")
        senders.append(sender)
    return tuple(senders)


def deliver(messages: Iterable[OutboundMessage]) -> int:
    """Send every message through every configured sender now; returns the deliveries that succeeded."""
    delivered = 0
    for message in messages:
        for sender in configured_senders():
            try:
                sender.send(message)
            except Exception:
                logger.exception("sender %s failed for user %s", sender.name, message.user_id)
            else:
                delivered += 1
    return delivered


def deliver_on_commit(messages: list[OutboundMessage]) -> None:
    """Deliver once the current transaction commits (immediately outside a transaction)."""
    if messages:
        transaction.on_commit(functools.partial(deliver, messages))
