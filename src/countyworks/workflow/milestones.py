"""Milestones for meeting agendas: a small registry other apps contribute to.

A provider is a callable ``provider(*, region_prefix: str, start: datetime, end: datetime)``
returning :class:`Milestone` items due in ``[start, end)`` under the region prefix. An app
contributes one through the ``milestones`` hook of its ``ProgramConfig`` (docs/adding-a-program.md)::

    class ParksConfig(ProgramConfig):
        milestones = ("countyworks.parks.selectors.project_milestones",)

The workflow app contributes the due dates of open tickets itself
(:func:`ticket_due_milestones`); parks (场平, 地勘, 主体, 竣工 …) and innovation can add theirs later
without the workflow knowing their models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext

from countyworks.core.programs import installed_programs


@dataclass(frozen=True)
class Milestone:
    """A dated item an agenda lists under "近期到期与节点"."""

    title: str
    due_at: datetime
    region_code: str
    source: str
    owner_label: str = ""
    url: str = ""
    ticket_id: int | None = None


MilestoneProvider = Callable[..., Iterable[Milestone]]


def milestone_providers() -> list[MilestoneProvider]:
    """Every installed program's ``milestones`` providers, in app order."""
    return [provider for config in installed_programs() for provider in config.hook("milestones")]


def milestones_between(*, region_prefix: str, start: datetime, end: datetime) -> list[Milestone]:
    """All providers' milestones in ``[start, end)`` under ``region_prefix``, by due time."""
    items: list[Milestone] = []
    for provider in milestone_providers():
        items.extend(
            m
            for m in provider(region_prefix=region_prefix, start=start, end=end)
            if m.region_code.startswith(region_prefix) and start <= m.due_at < end
        )
    return sorted(items, key=lambda m: (m.due_at, m.title))


def ticket_due_milestones(*, region_prefix: str, start: datetime, end: datetime) -> Iterable[Milestone]:
    """The workflow's own milestones: open tickets whose resolution deadline falls in the window."""
    from countyworks.workflow.models import Ticket

    tickets = (
        Ticket.objects.filter(
            region__code__startswith=region_prefix,
            created_at__lte=start,
            active_due__isnull=False,
            active_due__gte=start,
            active_due__lt=end,
        )
        .select_related("owner_person", "owner_post")
        .order_by("resolution_due")
    )
    for ticket in tickets:
        yield Milestone(
            title=ticket.title,
            due_at=ticket.resolution_due,
            region_code=ticket.region_id,
            source=gettext("工单到期"),
            owner_label=ticket.owner_label,
            url=reverse("workflow:ticket", args=[ticket.pk]),
            ticket_id=ticket.pk,
        )
