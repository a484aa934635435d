"""Workflow reads: every query takes the viewer and goes through :func:`countyworks.core.scoping.scope`.

Tickets are shared records (``SHARED``): a grant on 常宁市 reaches the tickets placed under
430482 and nothing else; organisation-bound grants reach their organisation's tickets only.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from countyworks.core.charts import bar_chart, line_chart
from countyworks.core.models import Organisation, Person
from countyworks.core.periods import Period
from countyworks.core.scoping import SHARED, Action, get_scoped_or_404, scope
from countyworks.core.selectors import person_label
from countyworks.workflow.models import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    ActionItem,
    AgendaItem,
    Attachment,
    Comment,
    Decision,
    Escalation,
    EscalationChain,
    EscalationStep,
    Meeting,
    MeetingSeries,
    Notification,
    Post,
    Status,
    StatusChange,
    Ticket,
)
from countyworks.workflow.subjects import subject_type_get, ticket_subject_types

#: Rows per page on ticket lists.
PAGE_SIZE = 50


def ticket_queryset(*, user, within: str | None = None, action: Action = "read") -> QuerySet[Ticket]:
    """Every ticket ``user`` may read (or write), optionally narrowed to the sub-area ``within``."""
    return scope(Ticket.objects.all(), user, SHARED, action, within)


def _for_list(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return queryset.select_related("region", "owner_person", "owner_post", "unit", "policy")


def posts_held(user) -> QuerySet[Post]:
    return Post.objects.filter(holders__user=user)


def units_of(user) -> set[int]:
    """The organisations the user works for: their person's, and those of the posts they hold."""
    units = set(
        Person.objects.filter(user=user, organisation__isnull=False).values_list("organisation_id", flat=True)
    )
    units.update(
        posts_held(user).filter(organisation__isnull=False).values_list("organisation_id", flat=True)
    )
    return units


#: The list views of the ticket page.
VIEWS = ("mine", "team", "reported", "watching", "all")


def ticket_list(
    *,
    user,
    view: str = "mine",
    within: str | None = None,
    status: str = "",
    open_only: bool = False,
    search: str = "",
) -> QuerySet[Ticket]:
    """Tickets for a list page: ``mine`` (owned by me or a post I hold), ``team`` (my units and posts),
    ``reported``, ``watching`` or ``all`` in reach; newest first."""
    tickets = ticket_queryset(user=user, within=within)
    if view == "mine":
        tickets = tickets.filter(Q(owner_person__user=user) | Q(owner_post__in=posts_held(user)))
    elif view == "team":
        tickets = tickets.filter(Q(owner_post__in=posts_held(user)) | Q(unit__in=units_of(user)))
    elif view == "reported":
        tickets = tickets.filter(reporter=user)
    elif view == "watching":
        tickets = tickets.filter(watchers=user)
    if status:
        tickets = tickets.filter(status=status)
    elif open_only:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    if search:
        tickets = tickets.filter(title__icontains=search)
    return _for_list(tickets).order_by("-created_at", "-pk")


def ticket_get(*, user, pk: int, action: Action = "read") -> Ticket:
    """One ticket the user may reach, else 404."""
    return get_scoped_or_404(
        Ticket.objects.select_related(
            "region",
            "owner_person",
            "owner_post",
            "unit",
            "policy",
            "chain",
            "reporter",
            "organisation",
            "subject_type",
        ),
        user,
        SHARED,
        action,
        pk=pk,
    )


def ticket_subject_get(*, user, subject_type: str, subject_id: str) -> models.Model:
    """The object a new ticket is raised against: a registered type (else ValidationError, whatever
    the id) that ``user`` can read (else 404, like any object outside the area)."""
    kind = subject_type_get(subject_type)
    try:
        return kind.visible(user).get(pk=subject_id)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def ticket_subject_shown(*, user, ticket: Ticket) -> models.Model | None:
    """The ticket's subject if ``user`` may read it (a ticket is shared; its subject may not be)."""
    kind = ticket_subject_types().get(f"{ticket.subject_type.app_label}.{ticket.subject_type.model}")
    if kind is None:
        return None
    return kind.visible(user).filter(pk=ticket.subject_id).first()


def tickets_on(*, user, subjects: Iterable[models.Model]) -> dict[str, list[Ticket]]:
    """The tickets ``user`` may read raised against each of ``subjects`` (all of one model), by the
    subject's key as text, newest first: what another app lists beside its own objects (a plan's
    problems on the plan)."""
    items = list(subjects)
    if not items:
        return {}
    kind = ContentType.objects.get_for_model(items[0])
    found: dict[str, list[Ticket]] = {}
    for ticket in (
        _for_list(ticket_queryset(user=user))
        .filter(subject_type=kind, subject_id__in=[str(o.pk) for o in items])
        .order_by("-created_at", "-pk")
    ):
        found.setdefault(ticket.subject_id, []).append(ticket)
    return found


def ticket_can_write(*, user, ticket: Ticket) -> bool:
    return ticket_queryset(user=user, action="write").filter(pk=ticket.pk).exists()


def ticket_overdue(
    *, user, within: str | None = None, now: datetime | None = None, owner: str = "", unit: str = ""
) -> QuerySet[Ticket]:
    """Active tickets past their resolution deadline, most overdue first.

    ``owner`` filters by ``post:<id>`` or ``person:<id>``; ``unit`` by organisation id (``none``
    for tickets whose owner has no unit). Reads the ``workflow_ticket_overdue`` covering index.
    """
    now = now or timezone.now()
    # "not null" is implied by "< now", but it is the two-sided range that makes SQLite's planner pick
    # the covering index without statistics (ANALYZE) rather than an index that saves a GROUP BY sort.
    tickets = ticket_queryset(user=user, within=within).filter(active_due__isnull=False, active_due__lt=now)
    kind, _sep, key = owner.partition(":")
    if kind == "post" and key.isdigit():
        tickets = tickets.filter(owner_post_id=int(key))
    elif kind == "person" and key.isdigit():
        tickets = tickets.filter(owner_post__isnull=True, owner_person_id=int(key))
    if unit == "none":
        tickets = tickets.filter(unit__isnull=True)
    elif unit.isdigit():
        tickets = tickets.filter(unit_id=int(unit))
    return _for_list(tickets).order_by("active_due", "pk")


@dataclass(frozen=True)
class OverdueGroup:
    key: str
    label: str
    count: int
    oldest_due: datetime


@dataclass(frozen=True)
class OverdueOverview:
    """The overdue total and its breakdowns by owner and by unit, from one grouped query."""

    total: int
    by_owner: list[OverdueGroup]
    by_unit: list[OverdueGroup]

    def count_for(self, *, owner: str = "", unit: str = "") -> int | None:
        """The rows :func:`ticket_overdue` returns with one of these filters (None for both at once)."""
        if owner and unit:
            return None
        if owner:
            return next((g.count for g in self.by_owner if g.key == owner), 0)
        if unit:
            return next((g.count for g in self.by_unit if g.key == unit), 0)
        return self.total


def _groups(counts: dict[str, list], labels: dict[str, str]) -> list[OverdueGroup]:
    groups = [OverdueGroup(key, labels.get(key, "?"), n, oldest) for key, (n, oldest) in counts.items()]
    return sorted(groups, key=lambda g: (-g.count, g.oldest_due))


def _add(counts: dict[str, list], key: str, n: int, oldest: datetime) -> None:
    entry = counts.setdefault(key, [0, oldest])
    entry[0] += n
    entry[1] = min(entry[1], oldest)


def overdue_overview(*, user, within: str | None = None, now: datetime | None = None) -> OverdueOverview:
    """Overdue counts in reach: in all, per owner (a post, or a person without one) and per unit."""
    rows = (
        ticket_overdue(user=user, within=within, now=now)
        .order_by()
        .values("owner_post_id", "owner_person_id", "unit_id")
        .annotate(n=Count("pk"), oldest=Min("active_due"))
    )
    owners: dict[str, list] = {}
    units: dict[str, list] = {}
    total = 0
    for row in rows:
        total += row["n"]
        owner = f"post:{row['owner_post_id']}" if row["owner_post_id"] else f"person:{row['owner_person_id']}"
        _add(owners, owner, row["n"], row["oldest"])
        _add(units, str(row["unit_id"]) if row["unit_id"] else "none", row["n"], row["oldest"])
    ids = {
        kind: [int(k.split(":")[1]) for k in owners if k.startswith(kind + ":")]
        for kind in ("post", "person")
    }
    labels = {
        f"post:{pk}": name for pk, name in Post.objects.filter(pk__in=ids["post"]).values_list("pk", "name")
    }
    labels |= {
        f"person:{pk}": name
        for pk, name in Person.objects.filter(pk__in=ids["person"]).values_list("pk", "name")
    }
    unit_labels = {
        str(pk): name
        for pk, name in Organisation.objects.filter(
            pk__in=[int(k) for k in units if k != "none"]
        ).values_list("pk", "name")
    }
    unit_labels["none"] = _("未指定单位")
    return OverdueOverview(total, _groups(owners, labels), _groups(units, unit_labels))


# --- Time left / overdue -------------------------------------------------------------------------------


def duration_label(delta: timedelta) -> str:
    """A short Chinese duration: 2天3小时, 3小时20分, 45分."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d小时%(m)d分") % {"h": hours, "m": mins}
    return _("%(m)d分") % {"m": mins}


@dataclass(frozen=True)
class SlaState:
    """What a ticket shows about its deadline: a label and a tag class (ok, warn, bad, info)."""

    label: str
    css: str
    overdue: bool


#: Less time left than this shows as a warning.
WARN_BEFORE = timedelta(hours=4)


def sla_state(ticket: Ticket, now: datetime | None = None) -> SlaState:
    """Time left or time overdue on the resolution deadline (wall-clock), or how the ticket ended."""
    now = now or timezone.now()
    if ticket.status in TERMINAL_STATUSES:
        stop = ticket.resolved_at or ticket.closed_at
        if ticket.status == Status.RESOLVED and stop is not None and stop > ticket.resolution_due:
            return SlaState(
                _("超时 %(d)s 办结") % {"d": duration_label(stop - ticket.resolution_due)}, "warn", False
            )
        return SlaState(_("按时办结") if ticket.status == Status.RESOLVED else _("已关闭"), "ok", False)
    if ticket.status == Status.PENDING:
        return SlaState(_("已办理，待确认"), "info", False)
    if ticket.status == Status.RETURNED:
        return SlaState(_("已退回提出人"), "info", False)
    left = ticket.resolution_due - now
    if left <= timedelta(0):
        return SlaState(_("逾期 %(d)s") % {"d": duration_label(left)}, "bad", True)
    return SlaState(
        _("剩余 %(d)s") % {"d": duration_label(left)}, "warn" if left < WARN_BEFORE else "ok", False
    )


def with_sla(tickets, now: datetime | None = None) -> list[Ticket]:
    """Attach ``ticket.sla`` (:class:`SlaState`) to each ticket of a page."""
    now = now or timezone.now()
    rows = list(tickets)
    for ticket in rows:
        ticket.sla = sla_state(ticket, now)  # type: ignore[attr-defined]
    return rows


# --- Timeline -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    who: str
    text: str
    detail: str = ""
    url: str = ""


def user_label(user) -> str:
    """A user's name with their role beside it; ``None`` is the platform itself."""
    if user is None:
        return _("系统")
    return person_label(user)


def ticket_timeline(ticket: Ticket) -> list[TimelineEntry]:
    """Everything that happened to a ticket, oldest first: status changes, comments, files, escalations."""
    entries: list[TimelineEntry] = []
    labels: dict[int | None, str] = {}

    def who(user) -> str:  # one grants query per person, not per entry
        key = user.pk if user is not None else None
        if key not in labels:
            labels[key] = user_label(user)
        return labels[key]

    for change in StatusChange.objects.filter(ticket=ticket).select_related("actor"):
        text = (
            pgettext("ticket timeline", "提出工单")
            if not change.from_status
            else _("%(old)s → %(new)s")
            % {"old": Status(change.from_status).label, "new": Status(change.to_status).label}
        )
        entries.append(TimelineEntry(change.at, "status", who(change.actor), text, change.comment))
    for comment in Comment.objects.filter(ticket=ticket).select_related("author"):
        entries.append(
            TimelineEntry(comment.created_at, "comment", who(comment.author), _("留言"), comment.body)
        )
    for attachment in Attachment.objects.filter(ticket=ticket).select_related("uploaded_by"):
        entries.append(
            TimelineEntry(
                attachment.uploaded_at,
                "attachment",
                who(attachment.uploaded_by),
                _("上传附件"),
                attachment.name,
                reverse("workflow:attachment", args=[ticket.pk, attachment.pk]),
            )
        )
    steps = {s.level: s.title for s in ticket_chain_steps(ticket)}
    for escalation in Escalation.objects.filter(ticket=ticket).select_related(
        "from_post", "from_person", "to_post", "to_person"
    ):
        before = escalation.from_post or escalation.from_person
        after = escalation.to_post or escalation.to_person
        entries.append(
            TimelineEntry(
                escalation.escalated_at,
                "escalation",
                _("系统"),
                _("逾期升级至第%(level)d级：%(title)s")
                % {"level": escalation.to_level, "title": steps.get(escalation.to_level, "")},
                _("%(before)s → %(after)s（突破时限 %(due)s）")
                % {
                    "before": before,
                    "after": after,
                    "due": f"{timezone.localtime(escalation.breached_due):%Y-%m-%d %H:%M}",
                },
            )
        )
    return sorted(entries, key=lambda e: e.at)


# --- Notifications ------------------------------------------------------------------------------------


def notification_unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("ticket")


# --- Meetings and people ------------------------------------------------------------------------------


def meeting_list(*, user, within: str | None = None) -> QuerySet[Meeting]:
    meetings = scope(Meeting.objects.select_related("series", "region"), user, SHARED, within=within)
    return meetings.annotate(
        agenda_count=Count("agenda_items", distinct=True), action_count=Count("action_items", distinct=True)
    ).order_by("-scheduled_at")


def meeting_get(*, user, pk: int, action: Action = "read") -> Meeting:
    return get_scoped_or_404(
        Meeting.objects.select_related("series__chair", "region", "minutes_recorded_by"),
        user,
        SHARED,
        action,
        pk=pk,
    )


def series_list(*, user, within: str | None = None) -> QuerySet[MeetingSeries]:
    return scope(MeetingSeries.objects.select_related("region", "chair"), user, SHARED, within=within)


def series_get(*, user: User, pk: int) -> MeetingSeries:
    """A meeting series in the user's read reach, else 404."""
    return get_scoped_or_404(MeetingSeries.objects.select_related("region", "chair"), user, SHARED, pk=pk)


def meeting_agenda_sections(meeting: Meeting) -> list[tuple[str, list[AgendaItem]]]:
    """The agenda by section, in the order of :class:`AgendaItem.Section` (one query)."""
    items = list(meeting.agenda_items.all())
    return [(str(label), [i for i in items if i.section == key]) for key, label in AgendaItem.Section.choices]


def meeting_decisions(meeting: Meeting) -> QuerySet[Decision]:
    return meeting.decisions.all()


def meeting_action_items(meeting: Meeting) -> QuerySet[ActionItem]:
    return meeting.action_items.select_related("ticket", "owner_post", "owner_person")


def ticket_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    return ticket.attachments.all()


def ticket_watching(*, user: User, ticket: Ticket) -> bool:
    """Whether ``user`` follows ``ticket``."""
    return ticket.watchers.filter(pk=user.pk).exists()


def ticket_chain_steps(ticket: Ticket) -> list[EscalationStep]:
    """The levels of the ticket's escalation chain (none without a chain)."""
    if ticket.chain_id is None:
        return []
    return list(EscalationStep.objects.filter(chain_id=ticket.chain_id))


def post_choices(*, user, region_code: str) -> QuerySet[Post]:
    """Posts a ticket at ``region_code`` can be assigned to: in the same county, in the user's reach."""
    return (
        scope(Post.objects.all(), user, SHARED)
        .filter(region__code__startswith=region_code[:6])
        .order_by("name")
    )


def chain_list(*, user) -> QuerySet[EscalationChain]:
    return scope(EscalationChain.objects.prefetch_related("steps"), user, SHARED)


# --- Statistics ---------------------------------------------------------------------------------------


@dataclass
class UnitStats:
    """Figures of one responsible unit over a period (see docs/workflow.md for the definitions)."""

    label: str
    opened: int = 0
    closed: int = 0
    overdue: int = 0
    resolved: int = 0
    resolved_in_sla: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def median_hours(self) -> Decimal | None:
        if not self.hours:
            return None
        return Decimal(str(statistics.median(self.hours))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def within_sla_percent(self) -> Decimal | None:
        if not self.resolved:
            return None
        share = Decimal(self.resolved_in_sla) / Decimal(self.resolved) * 100
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class StatsReport:
    period: Period
    rows: list[UnitStats]
    total: UnitStats
    unit_chart: dict[str, object]
    trend_chart: dict[str, object]


def _aware(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def ticket_stats(
    *, user, period: Period, within: str | None = None, now: datetime | None = None
) -> StatsReport:
    """Opened, closed, overdue, median time to resolve and share resolved within SLA, by unit.

    - opened: raised in the period; closed: reached 已解决 or 已关闭 in the period;
    - overdue: resolution deadline in the period (up to now) and not resolved by it;
    - median time to resolve (wall-clock hours, raised → solution delivered) and the share resolved
      within SLA, over tickets confirmed resolved whose solution was delivered in the period.
    """
    now = now or timezone.now()
    start, end = _aware(period.start), _aware(period.end)
    base = ticket_queryset(user=user, within=within).order_by()
    units: dict[int | None, UnitStats] = {}

    def unit(unit_id: int | None) -> UnitStats:
        if unit_id not in units:
            units[unit_id] = UnitStats(label="")
        return units[unit_id]

    for row in (
        base.filter(created_at__gte=start, created_at__lt=end).values("unit_id").annotate(n=Count("id"))
    ):
        unit(row["unit_id"]).opened = row["n"]
    for row in base.filter(closed_at__gte=start, closed_at__lt=end).values("unit_id").annotate(n=Count("id")):
        unit(row["unit_id"]).closed = row["n"]
    overdue = (
        base.filter(resolution_due__gte=start, resolution_due__lt=min(end, now))
        .annotate(stop=Coalesce("resolved_at", "closed_at"))
        .filter(Q(stop__isnull=True) | Q(stop__gt=F("resolution_due")))
    )
    for row in overdue.values("unit_id").annotate(n=Count("id")):
        unit(row["unit_id"]).overdue = row["n"]
    resolved = base.filter(status=Status.RESOLVED, resolved_at__gte=start, resolved_at__lt=end).values_list(
        "unit_id", "created_at", "resolved_at", "resolution_due"
    )
    total = UnitStats(label=_("合计"))
    for unit_id, created, solved, due in resolved.iterator(chunk_size=5000):
        assert solved is not None  # resolved_at__gte above leaves no open ticket
        entry = unit(unit_id)
        hours = (solved - created).total_seconds() / 3600
        for target in (entry, total):
            target.resolved += 1
            target.resolved_in_sla += solved <= due
            target.hours.append(hours)
    names = dict(Organisation.objects.filter(pk__in=[k for k in units if k]).values_list("pk", "name"))
    for unit_key, entry in units.items():
        entry.label = names.get(unit_key, "?") if unit_key else _("未指定单位")
        total.opened += entry.opened
        total.closed += entry.closed
        total.overdue += entry.overdue
    rows = sorted(units.values(), key=lambda u: (-u.opened, u.label))
    unit_chart = bar_chart(
        _("%(period)s 各责任单位工单") % {"period": period.label()},
        [r.label for r in rows],
        {
            _("新增"): [r.opened for r in rows],
            _("办结"): [r.closed for r in rows],
            _("逾期"): [r.overdue for r in rows],
        },
        unit=_("件"),
    )
    unit_chart["xAxis"]["axisLabel"].update({"width": 96, "overflow": "break"})
    return StatsReport(period, rows, total, unit_chart, _trend_chart(base, period.year))


def _trend_chart(base: QuerySet[Ticket], year: int) -> dict[str, object]:
    """Opened and closed per month of ``year``."""
    start, end = _aware(Period(year, "year").start), _aware(Period(year, "year").end)
    tz = timezone.get_current_timezone()
    opened = defaultdict(int)
    closed = defaultdict(int)
    for row in (
        base.filter(created_at__gte=start, created_at__lt=end)
        .annotate(m=TruncMonth("created_at", tzinfo=tz))
        .values("m")
        .annotate(n=Count("id"))
    ):
        opened[row["m"].month] = row["n"]
    for row in (
        base.filter(closed_at__gte=start, closed_at__lt=end)
        .annotate(m=TruncMonth("closed_at", tzinfo=tz))
        .values("m")
        .annotate(n=Count("id"))
    ):
        closed[row["m"].month] = row["n"]
    months = range(1, 13)
    # Translators: a date format (Django's date filter) for the month axis: 1月 … 12月.
    month_format = _("n月")
    return line_chart(
        _("%(year)d年工单月度走势") % {"year": year},
        [date_format(date(2001, m, 1), month_format) for m in months],
        {_("新增"): [opened[m] for m in months], _("办结"): [closed[m] for m in months]},
        unit=_("件"),
    )


# --- Home tiles ---------------------------------------------------------------------------------------


def home_figures(*, user, within: str | None = None, now: datetime | None = None) -> dict[str, int]:
    """Open, overdue and "mine" counts for the home page tiles."""
    now = now or timezone.now()
    tickets = ticket_queryset(user=user, within=within).order_by()
    return {
        "open": tickets.filter(status__in=OPEN_STATUSES).count(),
        "overdue": tickets.filter(active_due__isnull=False, active_due__lt=now).count(),
        "mine": ticket_list(user=user, view="mine", within=within, open_only=True).count(),
    }
