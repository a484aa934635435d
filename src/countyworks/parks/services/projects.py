"""Project construction (重点项目建设): milestone dates and problems under 问题不过夜.

A problem on a project is a workflow ticket with the ``overnight`` policy (same working day,
China working calendar) and the county's escalation chain (docs/workflow.md).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyworks.core.actors import Actor
from countyworks.core.models import Person
from countyworks.core.services import audited_save
from countyworks.parks.models import PROGRAM, Milestone, Project
from countyworks.parks.services._common import require_write

if TYPE_CHECKING:
    from countyworks.workflow.models import Ticket

#: The 问题不过夜 SLA policy of the workflow (same working day, cut-off 16:00).
OVERNIGHT = "overnight"


@transaction.atomic
def milestone_actual_record(*, milestone: Milestone, actual_on: date, acting_user: Actor) -> Milestone:
    """Record the day a milestone was reached (not in the future)."""
    require_write(acting_user, milestone.project.region_id)
    if actual_on > timezone.localdate():
        raise ValidationError({"actual_on": _("实际完成日期不能晚于今天")})
    milestone.actual_on = actual_on
    return audited_save(milestone, acting_user=acting_user)


@transaction.atomic
def project_problem_raise(
    *,
    project: Project,
    title: str,
    description: str = "",
    category: str = "construction",
    owner_person: Person | None = None,
    acting_user: Actor,
) -> Ticket:
    """Raise a problem on a project as a ticket under 问题不过夜; owner: the person given, else the
    project's first task-force member, else level 0 of the county's escalation chain. None of the
    three → ValidationError (nothing written)."""
    from countyworks.workflow import services as workflow

    require_write(acting_user, project.region_id)
    if owner_person is None:
        owner_person = project.task_force.order_by("pk").first()
    return workflow.ticket_open(
        subject=project,
        title=title,
        description=description,
        category=category,
        region=project.region_id,
        policy_code=OVERNIGHT,
        acting_user=acting_user,
        owner_person=owner_person,
        organisation=project.owner,
        program=PROGRAM,
    )
