"""The workflow's indicators (docs/indicators.md): 逾期工单率 and 按时办结率 by month.

Both follow the definitions of the ticket statistics (docs/workflow.md#statistics,
:func:`countyworks.workflow.selectors.ticket_stats`), counted per region the ticket is placed in:

- **逾期工单率** = tickets whose resolution deadline falls in the month (up to now) and was not
  met — still open, or delivered/closed after it — over all tickets due in the month;
- **按时办结率** = tickets confirmed 已解决 whose solution was delivered in the month by their
  deadline, over all tickets confirmed 已解决 with delivery in the month.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator, Source, Touch
from countyworks.core.periods import Period
from countyworks.workflow.models import Status, Ticket

DOCUMENT = "docs/workflow.md#statistics"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _by_region(tickets: QuerySet[Ticket]) -> dict[str, int]:
    return dict(tickets.order_by().values_list("region_id").annotate(n=Count("id")))


def _due(prefix: str, period: Period) -> QuerySet[Ticket]:
    start, end = _aware(period.start), min(_aware(period.end), timezone.now())
    return Ticket.objects.filter(
        region__code__startswith=prefix, resolution_due__gte=start, resolution_due__lt=end
    )


def due_tickets(prefix: str, period: Period) -> dict[str, int]:
    """Tickets whose resolution deadline fell in the period (up to now), by region."""
    return _by_region(_due(prefix, period))


def overdue_tickets(prefix: str, period: Period) -> dict[str, int]:
    """Of those, the tickets not delivered or closed by their deadline, by region."""
    late = (
        _due(prefix, period)
        .annotate(stop=Coalesce("resolved_at", "closed_at"))
        .filter(Q(stop__isnull=True) | Q(stop__gt=F("resolution_due")))
    )
    return _by_region(late)


def _resolved(prefix: str, period: Period) -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        region__code__startswith=prefix,
        status=Status.RESOLVED,
        resolved_at__gte=_aware(period.start),
        resolved_at__lt=_aware(period.end),
    )


def resolved_tickets(prefix: str, period: Period) -> dict[str, int]:
    """Tickets confirmed 已解决 whose solution was delivered in the period, by region."""
    return _by_region(_resolved(prefix, period))


def resolved_on_time(prefix: str, period: Period) -> dict[str, int]:
    """Of those, the ones delivered by their resolution deadline, by region."""
    return _by_region(_resolved(prefix, period).filter(resolved_at__lte=F("resolution_due")))


def first_ticket_day() -> date | None:
    first = Ticket.objects.aggregate(first=Min("resolution_due"))["first"]
    return timezone.localtime(first).date() if first else None


def ticket_touches(ticket: Ticket) -> Iterable[Touch]:
    """A ticket counts in the month of its deadline and in the month its solution was delivered."""
    due = timezone.localtime(ticket.resolution_due).date()
    yield Touch(ticket.region_id, due, due)
    if ticket.resolved_at is not None:
        day = timezone.localtime(ticket.resolved_at).date()
        yield Touch(ticket.region_id, day, day)


TICKETS = Source("workflow.Ticket", ticket_touches)

INDICATORS = (
    Indicator(
        code="workflow.overdue_rate",
        name=_("逾期工单率"),
        unit="%",
        period_type="month",
        aggregation="weighted_mean",
        numerator=overdue_tickets,
        denominator=due_tickets,
        scale=100,
        source=DOCUMENT,
        since=first_ticket_day,
        sources=(TICKETS,),
        key=True,
        higher_is_better=False,
        decimals=1,
    ),
    Indicator(
        code="workflow.on_time_rate",
        name=_("按时办结率"),
        unit="%",
        period_type="month",
        aggregation="weighted_mean",
        numerator=resolved_on_time,
        denominator=resolved_tickets,
        scale=100,
        source=DOCUMENT,
        since=first_ticket_day,
        sources=(TICKETS,),
        key=True,
        decimals=1,
    ),
)
