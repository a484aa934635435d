"""Members' service requests: a workflow ticket routed to the department, rated by the member.

The ticket runs on the alliance's escalation chain (联盟部门 → 支部书记 → 指导员) under the
``service-3d`` SLA policy (docs/workflow.md); the service is free of charge.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.alliances.models import PROGRAM, Department, Member, ServiceCategory, ServiceRequest
from countyworks.alliances.services._common import require_write
from countyworks.core.actors import Actor
from countyworks.core.services import audited_save
from countyworks.workflow import services as workflow
from countyworks.workflow.models import Category, Status

#: The SLA policy of service requests (seeded by the workflow's data migration).
SLA_POLICY = "service-3d"

#: The workflow's category for each kind of request.
TICKET_CATEGORY = {
    ServiceCategory.TECHNOLOGY: Category.TECHNICAL,
    ServiceCategory.RESOURCES: Category.OTHER,
    ServiceCategory.SALES: Category.MARKET,
    ServiceCategory.FINANCE: Category.FUNDING,
}


def route(member: Member, category: str) -> Department:
    """The department that handles ``category`` in the member's alliance (else its first department)."""
    departments = list(member.alliance.departments.all())
    if not departments:
        raise ValidationError(_("该联盟尚未设立部门，无法受理服务请求"))
    return next((d for d in departments if category in d.categories), departments[0])


@transaction.atomic
def service_request_open(
    *,
    member: Member,
    category: str,
    title: str,
    acting_user: Actor,
    description: str = "",
    opened_at: datetime | None = None,
) -> ServiceRequest:
    """Record the request and raise its ticket, owned by the department's post on the alliance's chain.

    ``opened_at`` (default now) dates a request taken in earlier (an import, the demo).
    """
    require_write(acting_user, member.alliance.region_id)
    department = route(member, category)
    request = audited_save(
        ServiceRequest(
            member=member,
            category=category,
            title=title,
            description=description,
            department=department,
            created_at=opened_at or timezone.now(),
        ),
        acting_user=acting_user,
    )
    request.ticket = workflow.ticket_open(
        subject=request,
        title=title,
        category=TICKET_CATEGORY[ServiceCategory(category)],
        region=member.village_id,
        policy_code=SLA_POLICY,
        acting_user=acting_user,
        description=description,
        owner_post=department.post,
        chain=member.alliance.chain,
        organisation=member.organisation,
        program=PROGRAM,
        opened_at=opened_at,
    )
    return audited_save(request, acting_user=acting_user)


@transaction.atomic
def service_request_rate(
    *, request: ServiceRequest, rating: int, acting_user: Actor, comment: str = ""
) -> ServiceRequest:
    """The member rates the outcome (1–5); a solution waiting for confirmation is thereby confirmed."""
    require_write(acting_user, request.member.alliance.region_id)
    ticket = request.ticket
    if ticket is None or ticket.status not in (Status.PENDING, Status.RESOLVED):
        raise ValidationError(_("服务办结后方可评价"))
    if ticket.status == Status.PENDING:
        workflow.ticket_transition(
            ticket=ticket, to_status=Status.RESOLVED, acting_user=acting_user, comment=_("成员评价并确认办结")
        )
    request.rating = rating
    request.rating_comment = comment
    return audited_save(request, acting_user=acting_user)
