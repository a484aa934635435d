"""The escalation job: one level per breach, never twice, set-based, and safe across a crash/restart."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from countyworks.core.actors import SYSTEM
from countyworks.workflow import services, tasks
from countyworks.workflow.models import Category, Escalation, Notification, Status, Ticket
from countyworks.workflow.services import escalation

from .helpers import at


def raise_tickets(world, n: int = 1, opened=None, **extra) -> list[Ticket]:
    return [
        services.ticket_open(
            subject=world.lx.subject,
            title=f"问题{i}",
            category=Category.OTHER,
            region="431302",
            policy_code="overnight",
            opened_at=opened or at(2023, 9, 28, 15, 0),
            acting_user=SYSTEM,
            **extra,
        )
        for i in range(n)
    ]


def test_nothing_escalates_before_the_deadline(world):
    raise_tickets(world)
    report = services.tickets_escalate_overdue(now=at(2023, 9, 28, 17, 29))
    assert report.escalated == 0 and not Escalation.objects.exists()


def test_a_breach_escalates_one_level_and_notifies_the_new_owner(world):
    (ticket,) = raise_tickets(world)  # due 2023-09-28 17:30 (问题不过夜, before the cut-off)
    report = services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0))
    assert report.escalated == 1 and report.by_level[1] == 1
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    assert ticket.owner_post == world.lx.posts[1]
    assert ticket.unit == world.lx.unit  # the responsible unit stays; the leader now drives it
    # Level 1 has one working day from the escalation: 国庆 intervenes, so the Saturday 调休 day.
    assert ticket.escalate_at == at(2023, 10, 7, 17, 30)
    step = Escalation.objects.get(ticket=ticket)
    assert (step.to_level, step.from_post, step.to_post) == (1, world.lx.posts[0], world.lx.posts[1])
    assert step.breached_due == at(2023, 9, 28, 17, 30)
    deputy = world.lx.users["deputy"]
    assert (
        Notification.objects.filter(user=deputy, ticket=ticket, kind=Notification.Kind.ESCALATED).count() == 1
    )
    latest = ticket.history.first()  # the bulk update is audited row by row
    assert latest.escalation_level == 1 and latest.owner_post_id == world.lx.posts[1].pk
    assert "逾期升级至第1级" in latest.history_change_reason


def test_a_second_run_never_escalates_the_same_breach(world):
    raise_tickets(world, 3)
    assert services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0)).escalated == 3
    assert services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0)).escalated == 0
    assert (
        services.tickets_escalate_overdue(now=at(2023, 9, 30, 10, 0)).escalated == 0
    )  # holiday, level 1 still in time
    assert Escalation.objects.count() == 3
    assert Notification.objects.filter(kind=Notification.Kind.ESCALATED).count() == 3


def test_each_level_gets_its_own_window_then_the_top_stops(world):
    (ticket,) = raise_tickets(world)
    services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0))
    assert services.tickets_escalate_overdue(now=at(2023, 10, 7, 17, 29)).escalated == 0
    assert services.tickets_escalate_overdue(now=at(2023, 10, 7, 17, 31)).escalated == 1
    ticket.refresh_from_db()
    assert ticket.escalation_level == 2 and ticket.owner_post == world.lx.posts[2]
    assert ticket.escalate_at is None  # nothing above the county leadership
    assert services.tickets_escalate_overdue(now=at(2023, 12, 1, 9, 0)).escalated == 0
    assert list(Escalation.objects.filter(ticket=ticket).values_list("to_level", flat=True)) == [1, 2]


def test_waiting_and_finished_tickets_do_not_escalate(world, louxing):
    pending, returned, resolved = raise_tickets(world, 3)
    services.ticket_transition(ticket=pending, to_status=Status.IN_PROGRESS, acting_user=louxing)
    services.ticket_transition(ticket=pending, to_status=Status.PENDING, acting_user=louxing)
    services.ticket_transition(
        ticket=returned, to_status=Status.RETURNED, comment="补充材料", acting_user=louxing
    )
    services.ticket_transition(ticket=resolved, to_status=Status.IN_PROGRESS, acting_user=louxing)
    services.ticket_transition(ticket=resolved, to_status=Status.PENDING, acting_user=louxing)
    services.ticket_transition(ticket=resolved, to_status=Status.RESOLVED, acting_user=louxing)
    assert services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0)).escalated == 0
    # The reporter rejects the fix: the clock was never stopped, so the breach escalates now.
    services.ticket_transition(
        ticket=pending, to_status=Status.IN_PROGRESS, comment="仍未通电", acting_user=louxing
    )
    assert services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 5)).escalated == 1


def test_tickets_of_both_counties_escalate_along_their_own_chains(world):
    (lx,) = raise_tickets(world)
    cn = services.ticket_open(
        subject=world.cn.subject,
        title="鱼苗检测",
        category=Category.TECHNICAL,
        region="430482",
        policy_code="service-3d",
        opened_at=at(2023, 9, 25, 10, 0),
        acting_user=SYSTEM,
    )
    assert cn.resolution_due == at(2023, 9, 28, 17, 30)  # 3 working days
    services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0))
    lx.refresh_from_db()
    cn.refresh_from_db()
    assert lx.owner_post == world.lx.posts[1] and cn.owner_post == world.cn.posts[1]
    assert Notification.objects.filter(user=world.cn.users["deputy"], ticket=cn).exists()


def test_the_unique_constraint_is_the_backstop(world):
    (ticket,) = raise_tickets(world)
    services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            ticket=ticket, to_level=1, breached_due=ticket.resolution_due, escalated_at=at(2023, 9, 28, 18, 1)
        )


def test_a_crash_mid_run_keeps_committed_batches_and_the_rerun_finishes_without_duplicates(
    world, monkeypatch
):
    raise_tickets(world, 25)
    original = escalation._escalate_batch
    calls = {"n": 0}

    def crash_on_second_batch(work, now):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("consumer killed")
        return original(work, now)

    monkeypatch.setattr(escalation, "_escalate_batch", crash_on_second_batch)
    with pytest.raises(RuntimeError, match="consumer killed"):
        services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0), batch_size=10)
    assert Escalation.objects.count() == 10  # the first batch committed, the second never started
    assert Ticket.objects.filter(escalation_level=1).count() == 10

    monkeypatch.setattr(escalation, "_escalate_batch", original)  # the consumer restarts
    report = services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 1), batch_size=10)
    assert report.escalated == 15
    assert Escalation.objects.count() == 25
    assert set(Ticket.objects.values_list("escalation_level", flat=True)) == {1}
    assert Notification.objects.filter(kind=Notification.Kind.ESCALATED).count() == 25


def test_a_crash_inside_a_batch_rolls_the_whole_batch_back(world, monkeypatch):
    raise_tickets(world, 5)
    real = escalation._history_snapshot_sql

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(escalation, "_history_snapshot_sql", broken)
    with pytest.raises(RuntimeError):
        services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0))
    assert not Escalation.objects.exists()
    assert set(Ticket.objects.values_list("escalation_level", flat=True)) == {0}
    monkeypatch.setattr(escalation, "_history_snapshot_sql", real)
    assert services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0)).escalated == 5


def test_the_periodic_task_runs_the_service(world, monkeypatch):
    raise_tickets(world, 2)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(2023, 9, 28, 18, 0))
    assert tasks.escalate_overdue_tickets.call_local() == 2
    assert tasks.escalate_overdue_tickets.call_local() == 0  # the next minute's run: nothing new
    assert Escalation.objects.count() == 2


def test_outbound_digest_per_recipient(world, caplog):
    import logging

    raise_tickets(world, 3)
    with caplog.at_level(logging.INFO, logger="countyworks.workflow.notify"):
        services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0))
    lines = [r.getMessage() for r in caplog.records if "notify lx_deputy" in r.getMessage()]
    assert len(lines) == 1 and "3 张工单已逾期" in lines[0]


def test_raw_writes_store_datetimes_like_the_orm(world):
    (ticket,) = raise_tickets(world)
    services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0))
    step = Escalation.objects.get(ticket=ticket)
    assert step.escalated_at == at(2023, 9, 28, 18, 0)
    assert Escalation.objects.filter(escalated_at__gte=at(2023, 9, 28, 18, 0)).count() == 1  # compared in SQL
    assert Notification.objects.filter(ticket=ticket, created_at=at(2023, 9, 28, 18, 0)).count() == 1
    assert Ticket.objects.filter(
        pk=ticket.pk, updated_at=at(2023, 9, 28, 18, 0), active_escalate_at=at(2023, 10, 7, 17, 30)
    ).exists()


def test_a_mass_escalation_notifies_each_recipient_once_per_batch(world, monkeypatch):
    monkeypatch.setattr(escalation, "ESCALATION_DIGEST_OVER", 5)
    raise_tickets(world, 8)
    assert services.tickets_escalate_overdue(now=at(2023, 9, 28, 18, 0)).escalated == 8
    (note,) = Notification.objects.filter(kind=Notification.Kind.ESCALATED)
    assert (
        note.user == world.lx.users["deputy"] and note.ticket is None and note.text.startswith("8 张工单逾期")
    )
    assert Escalation.objects.count() == 8  # every ticket still gets its escalation row and history
