"""Problems on projects: 问题不过夜 tickets, escalation across a weekend and a 调休 Saturday, agendas."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Organisation, Person
from countyworks.parks.models import Milestone, Project
from countyworks.parks.selectors import project_milestones
from countyworks.parks.services import project_problem_raise
from countyworks.workflow import services as workflow
from countyworks.workflow.models import EscalationChain, EscalationStep, Post, SlaKind, Status, Ticket

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def project(db) -> Project:
    return Project.objects.create(region_id="431302", name="爱派尔工业互联网+数字化智能制造产业园")


@pytest.fixture
def chain(db) -> EscalationChain:
    zone = Organisation.objects.create(name="娄星经济开发区管理委员会", region_id="431302", kind="government")
    posts = []
    for name in ("重点项目工作专班", "分管副区长", "区主要领导"):
        post = Post.objects.create(name=name, region_id="431302", organisation=zone)
        post.holders.add(Person.objects.create(name=f"{name}甲", region_id="431302"))
        posts.append(post)
    chain = EscalationChain.objects.create(code="lx", name="娄星", region_id="431302", program="parks")
    for level, (post, kind, amount) in enumerate(
        [(posts[0], "", 0), (posts[1], SlaKind.WORKING_DAYS, 1), (posts[2], SlaKind.WORKING_DAYS, 2)]
    ):
        EscalationStep.objects.create(
            chain=chain,
            level=level,
            title=post.name,
            post=post,
            window_kind=kind,
            window_amount=amount or None,
        )
    return chain


def test_a_ticket_without_owner_is_refused_and_nothing_written(project):
    with pytest.raises(ValidationError) as caught:
        project_problem_raise(project=project, title="临时用电增容", acting_user=SYSTEM)
    assert "责任人" in caught.value.messages[0]
    assert not Ticket.objects.exists()


def test_task_force_member_owns_the_problem_without_a_chain(project):
    leader = Person.objects.create(name="刘建军", region_id="431302")
    project.task_force.add(leader)
    ticket = project_problem_raise(project=project, title="临时用电增容", acting_user=SYSTEM)
    assert ticket.owner_person == leader and ticket.policy.code == "overnight"


def _open_at(project: Project, at: datetime) -> Ticket:
    return workflow.ticket_open(
        subject=project,
        title="临时用电增容",
        category="utilities",
        region="431302",
        policy_code="overnight",
        acting_user=SYSTEM,
        program="parks",
        opened_at=at,
    )


def test_overnight_friday_after_cutoff_escalates_on_monday_evening(project, chain):
    # Friday 2023-06-09 16:30 (after the 16:00 cut-off): due at the close of the next working day,
    # Monday 06-12 17:30 — the weekend does not count.
    ticket = _open_at(project, datetime(2023, 6, 9, 16, 30, tzinfo=CST))
    assert ticket.resolution_due == datetime(2023, 6, 12, 17, 30, tzinfo=CST)
    workflow.tickets_escalate_overdue(now=datetime(2023, 6, 12, 17, 29, tzinfo=CST))
    ticket.refresh_from_db()
    assert ticket.escalation_level == 0
    workflow.tickets_escalate_overdue(now=datetime(2023, 6, 12, 17, 31, tzinfo=CST))
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1 and ticket.owner_post.name == "分管副区长"
    # the deputy's window is one working day: Tuesday 06-13 17:30
    assert ticket.escalate_at == datetime(2023, 6, 13, 17, 30, tzinfo=CST)


def test_overnight_before_a_holiday_is_due_on_the_tiaoxiu_saturday(project, chain):
    # Thursday 2023-09-28 16:30: 9-29 to 10-06 off (中秋、国庆); Saturday 10-07 is a 调休 working day.
    ticket = _open_at(project, datetime(2023, 9, 28, 16, 30, tzinfo=CST))
    assert ticket.resolution_due == datetime(2023, 10, 7, 17, 30, tzinfo=CST)
    workflow.tickets_escalate_overdue(now=datetime(2023, 10, 6, 12, 0, tzinfo=CST))
    ticket.refresh_from_db()
    assert ticket.escalation_level == 0  # not during the holiday
    workflow.tickets_escalate_overdue(now=datetime(2023, 10, 7, 17, 31, tzinfo=CST))
    ticket.refresh_from_db()
    assert ticket.escalation_level == 1
    # next window: 1 working day from Saturday 10-07 → Sunday 10-08 (also 调休) 17:30
    assert ticket.escalate_at == datetime(2023, 10, 8, 17, 30, tzinfo=CST)
    assert ticket.status in (Status.NEW, Status.IN_PROGRESS)


def test_agenda_lists_overdue_and_due_milestones_not_done(project):
    Milestone.objects.create(
        project=project, kind="survey", planned_on=date(2023, 7, 31), actual_on=date(2023, 8, 5)
    )
    Milestone.objects.create(project=project, kind="structure", planned_on=date(2023, 9, 1))
    Milestone.objects.create(project=project, kind="completion", planned_on=date(2024, 5, 31))
    start = datetime(2023, 9, 11, 9, tzinfo=CST)
    items = list(project_milestones(region_prefix="4313", start=start, end=start + timedelta(days=7)))
    assert [i.title for i in items] == [f"{project.name}：主体"]
    assert items[0].url.endswith(f"/parks/projects/{project.pk}/")
