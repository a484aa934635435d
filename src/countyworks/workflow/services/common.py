"""What the workflow use cases share: the write gate, the owners of a ticket, escalation chains, the calendar."""

from __future__ import annotations

from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Person
from countyworks.core.permissions import access_write_object, access_write_region
from countyworks.core.scoping import SHARED
from countyworks.workflow.models import (
    EscalationChain,
    EscalationStep,
    OfficeHours,
    Post,
    Ticket,
)
from countyworks.workflow.working_calendar import WorkingCalendar


def require_write_at(user: Actor, region_code: str, organisation_id: int | None = None) -> None:
    """Raise PermissionDenied unless ``user`` may write workflow records at ``region_code``."""
    access_write_region(
        user, SHARED, region_code, organisation_id=organisation_id, message=_("无权在该区域处理工单")
    )


def require_write_ticket(user: Actor, ticket: Ticket) -> None:
    access_write_object(user, SHARED, ticket, message=_("无权处理该工单"))


def owner_user_ids(*, person_id: int | None, post_id: int | None) -> set[int]:
    """The platform accounts behind an owner: the person's, or every holder's of the post."""
    ids: set[int] = set()
    if person_id is not None:
        ids.update(Person.objects.filter(pk=person_id, user__isnull=False).values_list("user_id", flat=True))
    if post_id is not None:
        ids.update(
            Person.objects.filter(workflow_posts__pk=post_id, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
    return ids


def owner_unit_id(person: Person | None, post: Post | None) -> int | None:
    if post is not None and post.organisation_id is not None:
        return post.organisation_id
    return person.organisation_id if person is not None else None


def chain_for(region_code: str, program: str = "") -> EscalationChain | None:
    """The default chain of a ticket: the active chain of the nearest enclosing region, same program first.

    A ticket of a program takes that program's chains or program-less ones; a ticket without a
    program takes any.
    """
    prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12, 14) if n <= len(region_code)]
    chains = EscalationChain.objects.filter(active=True, region_id__in=prefixes)
    if program:
        chains = chains.filter(program__in=[program, ""])
    candidates = list(chains)
    if not candidates:
        return None
    return max(candidates, key=lambda c: (len(c.region_id), c.program == program, -c.pk))


def chain_steps(chain_id: int | None) -> dict[int, EscalationStep]:
    if chain_id is None:
        return {}
    return {step.level: step for step in EscalationStep.objects.filter(chain_id=chain_id)}


def default_calendar() -> WorkingCalendar:
    """The working calendar of the first office hours configured (the built-in one if none)."""
    hours = OfficeHours.objects.order_by("pk").first()
    return hours.calendar() if hours is not None else WorkingCalendar()
