"""Weekly scheduling meetings (每周固定调度): slots on the working calendar, agendas from tickets and
milestones, minutes whose action items become tickets."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from countyworks.core.actors import SYSTEM
from countyworks.workflow import milestones, services
from countyworks.workflow.milestones import Milestone, ticket_due_milestones
from countyworks.workflow.models import (
    ActionItem,
    AgendaItem,
    Category,
    Decision,
    Meeting,
    MeetingSeries,
    Notification,
    Ticket,
)
from countyworks.workflow.services import meetings

from .helpers import at


@pytest.fixture
def series(world):
    return MeetingSeries.objects.create(
        title="重点项目周调度会",
        region_id="431302",
        chain=world.lx.chain,
        weekday=MeetingSeries.Weekday.MONDAY,
        start_time=time(9, 0),
        chair=world.lx.posts[1].holders.first(),
    )


def test_next_slot_is_monday_nine(series):
    assert services.meeting_next_slot(series, at(2023, 9, 20, 10, 0)) == at(2023, 9, 25, 9, 0)
    assert services.meeting_next_slot(series, at(2023, 9, 25, 8, 59)) == at(2023, 9, 25, 9, 0)
    assert services.meeting_next_slot(series, at(2023, 9, 11, 9, 0)) == at(2023, 9, 18, 9, 0)


def test_a_holiday_monday_moves_to_the_next_working_day(series):
    # Monday 2023-10-02 is 国庆; the next working day is the 调休 Saturday 10-07.
    assert services.meeting_next_slot(series, at(2023, 9, 26, 10, 0)) == at(2023, 10, 7, 9, 0)
    series.move_off_holidays = False
    assert services.meeting_next_slot(series, at(2023, 9, 26, 10, 0)) == at(2023, 10, 2, 9, 0)


def test_scheduling_is_idempotent(series):
    first = services.meeting_schedule_next(series=series, now=at(2023, 9, 20, 10, 0))
    again = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 10, 0))
    assert first == again and Meeting.objects.count() == 1
    assert first.region_id == "431302" and first.title == series.title


def _ticket(world, title, opened, policy="overnight", region="431302", subject=None):
    return services.ticket_open(
        subject=subject or world.lx.subject,
        title=title,
        category=Category.OTHER,
        region=region,
        policy_code=policy,
        opened_at=opened,
        acting_user=SYSTEM,
    )


def test_agenda_lists_overdue_due_and_open_tickets_and_milestones_in_scope(world, series, monkeypatch):
    overdue = _ticket(world, "用电增容", at(2023, 9, 20, 10, 0))  # due 09-20 17:30
    due_soon = _ticket(world, "占道审批", at(2023, 9, 22, 10, 0))  # due 09-22 17:30
    later = _ticket(
        world, "规划变更", at(2023, 9, 21, 9, 0), policy="bottleneck-10d"
    )  # due in 10 working days
    _ticket(
        world,
        "常宁的请求",
        at(2023, 9, 20, 10, 0),
        policy="service-3d",
        region="430482",
        subject=world.cn.subject,
    )

    def project_milestones(*, region_prefix, start, end):
        yield Milestone(
            title="爱派尔项目地质详勘完成",
            due_at=at(2023, 9, 26, 17, 30),
            region_code="431302",
            source="园区项目节点",
        )
        yield Milestone(title="常宁的节点", due_at=at(2023, 9, 26, 17, 30), region_code="430482", source="x")

    monkeypatch.setattr(
        milestones, "milestone_providers", lambda: [ticket_due_milestones, project_milestones]
    )
    meeting = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 8, 0))  # Monday 09-25
    items = services.meeting_generate_agenda(meeting=meeting, acting_user=SYSTEM, now=at(2023, 9, 22, 12, 0))
    by_section = {key: [i.title for i in items if i.section == key] for key in AgendaItem.Section.values}
    assert by_section["overdue"] == ["用电增容"]
    assert by_section["due"] == ["占道审批", "爱派尔项目地质详勘完成"]
    assert by_section["open"] == ["规划变更"]
    assert {i.ticket_id for i in items if i.ticket_id} == {overdue.pk, due_soon.pk, later.pk}
    meeting.refresh_from_db()
    assert meeting.agenda_generated_at == at(2023, 9, 22, 12, 0)
    # Regenerating replaces the snapshot.
    services.meeting_generate_agenda(meeting=meeting, acting_user=SYSTEM, now=at(2023, 9, 22, 12, 0))
    assert AgendaItem.objects.filter(meeting=meeting).count() == len(items)


def test_the_workflow_registers_its_own_milestone_provider():
    assert ticket_due_milestones in milestones.milestone_providers()


def test_agenda_sections_are_capped(world, series, monkeypatch):
    monkeypatch.setattr(meetings, "AGENDA_SECTION_LIMIT", 3)
    for i in range(5):
        _ticket(world, f"逾期{i}", at(2023, 9, 20, 10, 0))
    meeting = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 8, 0))
    items = services.meeting_generate_agenda(meeting=meeting, acting_user=SYSTEM, now=at(2023, 9, 22, 8, 0))
    overdue = [i for i in items if i.section == "overdue"]
    assert len(overdue) == 4 and "另有 2 项" in overdue[-1].title


def test_minutes_record_decisions_and_turn_actions_into_tickets(world, series, louxing):
    meeting = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 8, 0))
    created = services.meeting_minutes_record(
        meeting=meeting,
        summary="听取各项目汇报",
        decisions=["爱派尔项目场平与详勘同步推进", "  "],
        actions=[
            services.ActionSpec(
                title="协调供电公司增容",
                owner_post=world.lx.posts[0],
                due_at=services.end_of_office_day(at(2023, 9, 27, 0, 0).date()),
            )
        ],
        acting_user=louxing,
    )
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD and meeting.summary == "听取各项目汇报"
    assert list(Decision.objects.filter(meeting=meeting).values_list("text", flat=True)) == [
        "爱派尔项目场平与详勘同步推进"
    ]
    (ticket,) = created
    assert ticket.subject == meeting and ticket.category == Category.MEETING
    assert ticket.resolution_due == at(2023, 9, 27, 17, 30)
    assert ticket.owner_post == world.lx.posts[0] and ticket.chain == world.lx.chain
    assert ActionItem.objects.get(meeting=meeting).ticket == ticket
    # Recording again with one more line adds a decision.
    services.meeting_minutes_record(
        meeting=meeting,
        summary="补充",
        decisions=["爱派尔项目场平与详勘同步推进", "第二条"],
        actions=[],
        acting_user=louxing,
    )
    assert Decision.objects.filter(meeting=meeting).count() == 2


def test_a_wrong_decision_is_corrected_or_withdrawn_with_history(world, series, louxing):
    meeting = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 8, 0))
    record = dict(meeting=meeting, summary="纪要", actions=[], acting_user=louxing)
    services.meeting_minutes_record(decisions=["用地一月内出意见", "暂缓供电增容"], **record)
    first = Decision.objects.get(meeting=meeting, position=1)
    services.meeting_minutes_record(decisions=["用地一周内出意见"], **record)
    assert list(Decision.objects.filter(meeting=meeting).values_list("pk", "text")) == [
        (first.pk, "用地一周内出意见")
    ]
    corrected = first.history.order_by("-history_id").first()
    assert corrected.history_change_reason == "更正决定事项" and corrected.history_user == louxing
    assert corrected.prev_record.text == "用地一月内出意见"
    withdrawn = Decision.history.filter(history_type="-").get()
    assert withdrawn.text == "暂缓供电增容" and withdrawn.history_change_reason == "撤回决定事项"


def test_minutes_name_the_chair_attendees_and_recorder(world, series, louxing):
    meeting = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 8, 0))
    services.meeting_minutes_record(
        meeting=meeting,
        summary="纪要",
        decisions=[],
        actions=[],
        acting_user=louxing,
        chair=" 王副县长 ",
        attendees="发改局、自然资源局、供电公司",
    )
    meeting.refresh_from_db()
    assert meeting.chair == "王副县长" and meeting.attendees == "发改局、自然资源局、供电公司"
    assert meeting.minutes_recorded_by == louxing


def test_a_meeting_that_has_not_begun_has_no_minutes(world, series, louxing):
    meeting = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 8, 0))  # 2023-09-25 09:00
    with pytest.raises(ValidationError, match="尚未召开"):
        services.meeting_minutes_record(
            meeting=meeting,
            summary="x",
            decisions=[],
            actions=[],
            acting_user=louxing,
            now=at(2023, 9, 25, 8, 59),
        )
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PLANNED


def test_minutes_need_write_reach_and_owners(world, series, changning, louxing):
    meeting = services.meeting_schedule_next(series=series, now=at(2023, 9, 21, 8, 0))
    with pytest.raises(PermissionDenied):
        services.meeting_minutes_record(
            meeting=meeting, summary="x", decisions=[], actions=[], acting_user=changning
        )
    with pytest.raises(ValidationError, match="须指定责任岗位"):
        services.meeting_minutes_record(
            meeting=meeting,
            summary="x",
            decisions=[],
            actions=[services.ActionSpec(title="无人负责", due_at=at(2023, 9, 27, 17, 30))],
            acting_user=louxing,
        )
    assert not Ticket.objects.exists()


def test_prepare_schedules_and_generates_agendas_only_when_near(world, series):
    prepared = services.meetings_prepare(now=at(2023, 9, 21, 10, 0))  # the meeting is four days away
    assert prepared == [] and Meeting.objects.count() == 1
    assert Meeting.objects.get().agenda_generated_at is None
    prepared = services.meetings_prepare(now=at(2023, 9, 24, 10, 0))  # Sunday: within a day
    assert len(prepared) == 1 and prepared[0].agenda_generated_at is not None
    chair = series.chair.user
    assert Notification.objects.filter(user=chair, kind=Notification.Kind.MEETING).count() == 1
    assert services.meetings_prepare(now=at(2023, 9, 24, 11, 0)) == []  # idempotent
