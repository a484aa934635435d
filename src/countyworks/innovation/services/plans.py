"""一企一策: plans, their milestones, and problems raised as workflow tickets."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Organisation, Person
from countyworks.core.services import audited_save
from countyworks.innovation.models import PROGRAM, EnterprisePlan, PlanMilestone
from countyworks.innovation.services._common import milestone_complete, require_write, save_checked


@transaction.atomic
def plan_create(
    *,
    organisation: Organisation,
    year: int,
    measures: str,
    tech_needs: str = "",
    bottlenecks: str = "",
    target_tier: str = "",
    officer: Person | None = None,
    acting_user: Actor,
) -> EnterprisePlan:
    """Open a 一企一策 plan for an enterprise."""
    plan = EnterprisePlan(
        organisation=organisation,
        year=year,
        target_tier=target_tier,
        tech_needs=tech_needs,
        bottlenecks=bottlenecks,
        measures=measures,
        officer=officer,
    )
    return save_checked(plan, region_code=organisation.region_id, acting_user=acting_user)


@transaction.atomic
def plan_update(*, plan: EnterprisePlan, acting_user: Actor, **changes: Any) -> EnterprisePlan:
    """Change a plan's needs, bottlenecks, measures, officer, target or status."""
    require_write(acting_user, plan.organisation.region_id)
    allowed = {"tech_needs", "bottlenecks", "measures", "officer", "target_tier", "status"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"plan_update cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(plan, name, value)
    return audited_save(plan, acting_user=acting_user)


@transaction.atomic
def plan_milestone_add(
    *, plan: EnterprisePlan, title: str, due_on: date, acting_user: Actor
) -> PlanMilestone:
    milestone = PlanMilestone(plan=plan, title=title, due_on=due_on)
    return save_checked(milestone, region_code=plan.organisation.region_id, acting_user=acting_user)


@transaction.atomic
def plan_milestone_complete(*, milestone: PlanMilestone, done_on: date, acting_user: Actor) -> PlanMilestone:
    return milestone_complete(
        milestone, region_code=milestone.plan.organisation.region_id, done_on=done_on, acting_user=acting_user
    )


#: How a plan's problem is filed in the workflow: under the workflow's SLA policy for 一企一策
#: bottlenecks (respond in 2 working days, resolve in 10), in the category the officer chooses.
PLAN_TICKET_POLICY = "bottleneck-10d"


def plan_ticket_categories() -> list[tuple[str, str]]:
    """The ticket categories a plan's problem may be filed under: every category except those the
    platform assigns itself (meeting actions, equipment alarms)."""
    from countyworks.workflow.models import Category

    return [(c.value, str(c.label)) for c in Category if c not in (Category.MEETING, Category.EQUIPMENT)]


@transaction.atomic
def plan_problem_raise(
    *, plan: EnterprisePlan, title: str, category: str, description: str, acting_user: Actor
):
    """A problem met while carrying out a plan becomes a workflow ticket on the plan, in the
    ``category`` chosen (人才用工 for a staffing problem, 技术服务 for a technical one), owned by the
    plan's officer (or by the first level of the region's escalation chain when it has none)."""
    from countyworks.workflow.services import ticket_open

    require_write(acting_user, plan.organisation.region_id)
    if not title.strip():
        raise ValidationError({"title": _("请填写问题")})
    if category not in dict(plan_ticket_categories()):
        raise ValidationError({"category": _("请选择问题类别")})
    return ticket_open(
        subject=plan,
        title=title,
        description=description,
        category=category,
        region=plan.organisation.region_id,
        policy_code=PLAN_TICKET_POLICY,
        owner_person=plan.officer,
        organisation=plan.organisation,
        program=PROGRAM,
        acting_user=acting_user,
    )
