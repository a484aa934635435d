"""The escalation job: overdue tickets move up their chain, set-based and idempotent."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.workflow import notify
from countyworks.workflow.models import (
    Escalation,
    EscalationStep,
    Notification,
    Ticket,
)
from countyworks.workflow.services.common import chain_steps, default_calendar, owner_user_ids
from countyworks.workflow.services.notifications import outbound_messages, ticket_url

logger = logging.getLogger(__name__)


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
    ticket_columns = {f.attname: f.column for f in Ticket._meta.concrete_fields if f.column}
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


def _batches(work: list[tuple[_Group, list[int]]], batch_size: int) -> list[list[tuple[_Group, list[int]]]]:
    """The chunks packed, in order, into batches of at most ``batch_size`` tickets (one transaction each)."""
    batches: list[list[tuple[_Group, list[int]]]] = []
    size = batch_size
    for item in work:
        if size + len(item[1]) > batch_size:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += len(item[1])
    return batches


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
    calendar = default_calendar()
    chunk = min(_max_chunk(), batch_size)
    work: list[tuple[_Group, list[int]]] = []
    for (chain_id, level), ids in sorted(_escalation_groups(now).items()):
        steps = chain_steps(chain_id)
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
    try:
        with _sqlite_bulk_cache():
            for batch in _batches(work, batch_size):
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
            url = ticket_url(ticket.pk)
        else:
            body = _("%(n)d 张工单已逾期，升级至您处理。") % {"n": count}
            url = reverse("workflow:mine")
        messages.extend(outbound_messages([user_id], str(Notification.Kind.ESCALATED.label), body, url))
    notify.deliver(messages)
