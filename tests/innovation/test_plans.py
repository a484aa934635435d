"""一企一策: plans, milestones, and problems that become workflow tickets."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from countyworks.core.models import Person
from countyworks.innovation import selectors, services
from countyworks.innovation.models import Tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return Person.objects.create(name="陈立新", region_id="4308", title="高新科科长")


@pytest.fixture
def plan(zjj, enterprise, officer):
    return services.plan_create(
        organisation=enterprise,
        year=2022,
        target_tier=Tier.HIGH_TECH,
        tech_needs="莓茶速溶粉生产线自动化改造",
        bottlenecks="研发投入不足",
        measures="对接高校院所联合攻关",
        officer=officer,
        acting_user=zjj,
    )


def test_plan_needs_a_need_or_a_bottleneck(zjj, enterprise):
    with pytest.raises(ValidationError):
        services.plan_create(organisation=enterprise, year=2022, measures="措施", acting_user=zjj)


def test_plan_milestones_and_status(zjj, plan, louxing):
    milestone = services.plan_milestone_add(
        plan=plan, title="研发费用专账归集", due_on=date(2022, 12, 31), acting_user=zjj
    )
    services.plan_milestone_complete(milestone=milestone, done_on=date(2022, 12, 20), acting_user=zjj)
    with pytest.raises(ValidationError):
        services.plan_milestone_complete(milestone=milestone, done_on=date(2022, 12, 21), acting_user=zjj)
    services.plan_update(plan=plan, status=plan.Status.DONE, acting_user=zjj)
    assert plan.history.first().status == "done"
    with pytest.raises(ValueError):
        services.plan_update(plan=plan, organisation=None, acting_user=zjj)
    with pytest.raises(PermissionDenied):
        services.plan_update(plan=plan, status=plan.Status.ACTIVE, acting_user=louxing)


def test_problem_becomes_a_ticket_owned_by_the_plans_officer(zjj, plan, officer):
    ticket = services.plan_problem_raise(
        plan=plan, title="中试资金缺口", category="funding", description="需对接科技贷款", acting_user=zjj
    )
    assert ticket.subject == plan and ticket.owner_person == officer
    assert ticket.policy.code == services.PLAN_TICKET_POLICY and ticket.program == "innovation"
    assert ticket.region_id == plan.organisation.region_id
    assert ticket.category == "funding"
    with pytest.raises(ValidationError):
        services.plan_problem_raise(plan=plan, title=" ", category="funding", description="", acting_user=zjj)


def test_a_problem_is_filed_in_the_category_chosen_never_a_platform_one(zjj, plan):
    staffing = services.plan_problem_raise(
        plan=plan, title="研发人员招聘困难", category="talent", description="", acting_user=zjj
    )
    assert staffing.get_category_display() == "人才用工"
    for category in ("", "meeting", "equipment", "nope"):
        with pytest.raises(ValidationError):
            services.plan_problem_raise(
                plan=plan, title="研发人员招聘困难", category=category, description="", acting_user=zjj
            )


def test_due_milestones_appear_on_workflow_agendas(zjj, plan):
    services.plan_milestone_add(
        plan=plan, title="提交高企认定申请", due_on=date(2023, 7, 31), acting_user=zjj
    )
    start = timezone.make_aware(datetime(2023, 7, 24))
    end = timezone.make_aware(datetime(2023, 8, 7))
    items = list(selectors.workflow_milestones(region_prefix="4308", start=start, end=end))
    assert [(i.source, i.owner_label) for i in items] == [("一企一策", "陈立新")]
    assert "提交高企认定申请" in items[0].title
    assert list(selectors.workflow_milestones(region_prefix="431302", start=start, end=end)) == []
