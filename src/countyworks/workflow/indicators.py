"""The workflow's indicators (docs/indicators.md): 逾期工单率 and 按时办结率 by month.

Both follow the definitions of the ticket statistics (docs/workflow.md#statistics,
:func:`countyworks.workflow.selectors.ticket_stats`), counted per region the ticket is placed in:

- **逾期工单率** = tickets whose resolution deadline falls in the month (up to now) and was not
  met — still open, or delivered/closed after it — over all tickets due in the month;
- **按时办结率** = tickets confirmed 已解决 whose solution was delivered in the month by their
  deadline, over all tickets confirmed 已解决 with delivery in the month.

Each measure is a :class:`~countyworks.core.indicators.Series`: one query grouped by (month,
region) over a range of months, so a rebuild scans the tickets once per measure rather than once
per month, and the refresh runs the same query for one month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyworks.core.indicators import Indicator, Series, Source, Touch, period_of
from countyworks.core.periods import Period
from countyworks.workflow.models import Status, Ticket

DOCUMENT = "docs/workflow.md#statistics"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


_TRUNC = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def _by_period(tickets: QuerySet[Ticket], field: str, periods: Sequence[Period]) -> dict[str, dict[str, int]]:
    """Count ``tickets`` by (the period of ``field``, region) for the periods asked."""
    if not periods:
        return {}
    kind = periods[0].kind
    wanted = {str(p) for p in periods}
    rows = (
        tickets.order_by()
        .annotate(bucket=_TRUNC[kind](field))
        .values_list("bucket", "region_id")
        .annotate(n=Count("id"))
    )
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for bucket, region, n in rows:
        key = str(period_of(kind, timezone.localtime(bucket).date()))
        if key in wanted:
            found[key][region] = found[key].get(region, 0) + n
    return dict(found)


def _span(periods: Sequence[Period]) -> tuple[datetime, datetime]:
    return _aware(min(p.start for p in periods)), _aware(max(p.end for p in periods))


def _due(prefix: str, periods: Sequence[Period]) -> QuerySet[Ticket]:
    start, end = _span(periods)
    return Ticket.objects.filter(
        region__code__startswith=prefix,
        resolution_due__gte=start,
        resolution_due__lt=min(end, timezone.now()),
    )


def _due_over(prefix: str, periods: Sequence[Period]) -> dict[str, dict[str, int]]:
    """Tickets whose resolution deadline fell in each period (up to now), by region."""
    return _by_period(_due(prefix, periods), "resolution_due", periods)


def _overdue_over(prefix: str, periods: Sequence[Period]) -> dict[str, dict[str, int]]:
    """Of those, the tickets not delivered or closed by their deadline, by region."""
    late = (
        _due(prefix, periods)
        .annotate(stop=Coalesce("resolved_at", "closed_at"))
        .filter(Q(stop__isnull=True) | Q(stop__gt=F("resolution_due")))
    )
    return _by_period(late, "resolution_due", periods)


def _resolved(prefix: str, periods: Sequence[Period]) -> QuerySet[Ticket]:
    start, end = _span(periods)
    return Ticket.objects.filter(
        region__code__startswith=prefix,
        status=Status.RESOLVED,
        resolved_at__gte=start,
        resolved_at__lt=end,
    )


def _resolved_over(prefix: str, periods: Sequence[Period]) -> dict[str, dict[str, int]]:
    """Tickets confirmed 已解决 whose solution was delivered in each period, by region."""
    return _by_period(_resolved(prefix, periods), "resolved_at", periods)


def _on_time_over(prefix: str, periods: Sequence[Period]) -> dict[str, dict[str, int]]:
    """Of those, the ones delivered by their resolution deadline, by region."""
    on_time = _resolved(prefix, periods).filter(resolved_at__lte=F("resolution_due"))
    return _by_period(on_time, "resolved_at", periods)


#: The measures, each callable with one period (``due_tickets(prefix, period)``) or set-wise.
due_tickets = Series(_due_over)
overdue_tickets = Series(_overdue_over)
resolved_tickets = Series(_resolved_over)
resolved_on_time = Series(_on_time_over)


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
