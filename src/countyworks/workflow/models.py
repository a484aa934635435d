"""Workflow data: tickets with SLA deadlines, escalation chains, notifications, meetings (调度会).

Rules that vary by county — office hours, SLA policies, escalation chains — are rows, not code.
A ticket is raised against any object (a generic relation), carries the region it is scoped by
(:mod:`countyworks.core.scoping`), and moves through :data:`PIPELINE`.

Append-only logs (:class:`StatusChange`, :class:`Escalation`, :class:`Notification`) and the
agenda snapshot (:class:`AgendaItem`) are records of events themselves and keep no separate
history; every other model keeps one (django-simple-history).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countyworks.core.models import Organisation, Person, Program, Region
from countyworks.core.scoping import SHARED
from countyworks.workflow.working_calendar import Deadline, WorkingCalendar


class OfficeHours(models.Model):
    """The office-hour sessions deadlines in working hours are counted in (作息时间)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    morning_start = models.TimeField(_("上午上班"), default=time(8, 30))
    morning_end = models.TimeField(_("上午下班"), default=time(12, 0))
    afternoon_start = models.TimeField(_("下午上班"), null=True, blank=True, default=time(14, 30))
    afternoon_end = models.TimeField(_("下午下班"), null=True, blank=True, default=time(17, 30))
    history = HistoricalRecords()

    #: Reference data for every region (see :mod:`countyworks.core.scoping`): readable with any grant,
    #: edited by administrators in the back office.
    SCOPE_REGION = None

    class Meta:
        verbose_name = _("作息时间")
        verbose_name_plural = _("作息时间")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def sessions(self) -> tuple[tuple[time, time], ...]:
        morning = (self.morning_start, self.morning_end)
        if self.afternoon_start is None or self.afternoon_end is None:
            return (morning,)
        return (morning, (self.afternoon_start, self.afternoon_end))

    def clean(self) -> None:
        if (self.afternoon_start is None) != (self.afternoon_end is None):
            raise ValidationError(_("下午上班与下班时间须同时填写或同时留空"))
        try:
            WorkingCalendar(self.sessions())
        except ValueError as exc:
            raise ValidationError(_("作息时间无效：%(error)s"), params={"error": exc}) from exc

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(self.sessions())


class SlaKind(models.TextChoices):
    """How an SLA target is counted on the working calendar."""

    WORKING_HOURS = "working_hours", _("工作小时")
    WORKING_DAYS = "working_days", _("工作日")
    SAME_WORKING_DAY = "same_working_day", _("当日办结（问题不过夜）")
    #: Round-the-clock duties (a station's alarms are handled at night and on holidays): wall-clock hours.
    NATURAL_HOURS = "natural_hours", _("自然小时（全天候）")


def _target_deadline(
    calendar: WorkingCalendar, kind: str, amount: Decimal | None, cutoff: time | None, start: datetime
) -> Deadline:
    if kind == SlaKind.WORKING_HOURS:
        return calendar.add_working_hours(start, amount or Decimal(0))
    if kind == SlaKind.WORKING_DAYS:
        return calendar.add_working_days(start, int(amount or 0))
    if kind == SlaKind.SAME_WORKING_DAY:
        if cutoff is None:
            raise ValueError("a same-working-day target needs a cut-off time")
        return calendar.same_working_day(start, cutoff)
    if kind == SlaKind.NATURAL_HOURS:
        if amount is None or amount <= 0:
            raise ValueError("natural hours must be positive")
        return Deadline(start + timedelta(hours=float(amount)))
    raise ValueError(f"unknown SLA kind {kind!r}")


def _validate_target(kind: str, amount: Decimal | None, field: str) -> dict[str, ValidationError]:
    if kind in (SlaKind.WORKING_HOURS, SlaKind.WORKING_DAYS, SlaKind.NATURAL_HOURS) and (
        amount is None or amount <= 0
    ):
        return {field: ValidationError(_("按工作小时、工作日或自然小时计时须填写大于 0 的时限"))}
    if kind == SlaKind.WORKING_DAYS and amount is not None and amount != int(amount):
        return {field: ValidationError(_("工作日时限须为整数"))}
    return {}


class SlaPolicy(models.Model):
    """Response and resolution targets of a kind of ticket (服务时限), counted on the working calendar."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    description = models.TextField(_("说明与依据"), blank=True)
    response_kind = models.CharField(_("响应时限计法"), max_length=20, choices=SlaKind.choices, blank=True)
    response_amount = models.DecimalField(
        _("响应时限"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    resolution_kind = models.CharField(_("办结时限计法"), max_length=20, choices=SlaKind.choices)
    resolution_amount = models.DecimalField(
        _("办结时限"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    cutoff = models.TimeField(
        _("当日办结截止受理时间"),
        null=True,
        blank=True,
        help_text=_("此时间之前受理的当日办结，之后的次个工作日办结"),
    )
    office_hours = models.ForeignKey(OfficeHours, verbose_name=_("作息时间"), on_delete=models.PROTECT)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    SCOPE_REGION = None  # reference data, like OfficeHours

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.response_kind:
            errors |= _validate_target(self.response_kind, self.response_amount, "response_amount")
        errors |= _validate_target(self.resolution_kind, self.resolution_amount, "resolution_amount")
        if SlaKind.SAME_WORKING_DAY in (self.response_kind, self.resolution_kind) and self.cutoff is None:
            errors["cutoff"] = ValidationError(_("当日办结须设置截止受理时间"))
        if errors:
            raise ValidationError(errors)

    def deadlines(
        self, opened_at: datetime, calendar: WorkingCalendar | None = None
    ) -> tuple[Deadline | None, Deadline]:
        """(response deadline or None, resolution deadline) for a ticket raised at ``opened_at``.

        The response deadline is never later than the resolution deadline: a ticket raised just
        before the 问题不过夜 cut-off (2 working hours to respond, due at today's close) must be
        answered by today's close, not after the next holiday (:func:`cap_response`).
        ``calendar`` defaults to the policy's office hours on the day table in force.
        """
        calendar = calendar or self.office_hours.calendar()
        response = (
            _target_deadline(calendar, self.response_kind, self.response_amount, self.cutoff, opened_at)
            if self.response_kind
            else None
        )
        resolution = _target_deadline(
            calendar, self.resolution_kind, self.resolution_amount, self.cutoff, opened_at
        )
        return cap_response(response, resolution.at), resolution

    def describe(self) -> str:
        """Human-readable targets, e.g. "响应 2 工作小时；办结 当日办结（问题不过夜）"."""

        def part(kind: str, amount: Decimal | None) -> str:
            if kind == SlaKind.SAME_WORKING_DAY:
                return _("%(label)s，%(cutoff)s 前受理") % {
                    "label": SlaKind(kind).label,
                    "cutoff": f"{self.cutoff:%H:%M}",
                }
            return f"{_plain(amount) if amount is not None else ''} {SlaKind(kind).label}"

        parts = []
        if self.response_kind:
            parts.append(_("响应 %(target)s") % {"target": part(self.response_kind, self.response_amount)})
        parts.append(_("办结 %(target)s") % {"target": part(self.resolution_kind, self.resolution_amount)})
        return _("；").join(parts)


def cap_response(response: Deadline | None, resolution_at: datetime) -> Deadline | None:
    """The response deadline, brought forward to ``resolution_at`` when it would fall after it."""
    if response is None or response.at <= resolution_at:
        return response
    return Deadline(resolution_at, provisional=False)


def _plain(amount: Decimal) -> str:
    """``10`` for Decimal("10.00"), ``1.5`` for Decimal("1.50"): never exponent notation (1E+1)."""
    return f"{amount.normalize():f}"


class HolidayNotice(models.Model):
    """One day of the State Council's yearly holiday notice (国务院办公厅关于安排节假日的通知).

    The notice lists the holidays of the year (放假) and the weekend days worked instead (调休上班);
    an administrator enters them here or imports them (import kind ``holiday-notices``) once the
    notice is published, typically in November for the next year. A listed day takes precedence over
    chinese-calendar and over the computed fallback, and a year with any row is no longer provisional
    (:mod:`countyworks.workflow.working_calendar`).
    Changes go through :func:`countyworks.workflow.services.holiday_notice_save`, which recomputes the
    deadlines of open tickets.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("安排"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=32, help_text=_("如 春节、国庆节"))
    document = models.CharField(
        _("通知文号"), max_length=64, blank=True, help_text=_("如 国办发明电〔2025〕7号")
    )
    history = HistoricalRecords()

    SCOPE_REGION = None  # national reference data, like SlaPolicy

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"

    @property
    def working(self) -> bool:
        return self.kind == self.Kind.WORKDAY


def holiday_notice_days() -> dict:
    """All notice data as ``date → is_working_day`` (the loader of the working calendar)."""
    return {
        day: kind == HolidayNotice.Kind.WORKDAY
        for day, kind in HolidayNotice.objects.values_list("day", "kind")
    }


class Post(models.Model):
    """A role within a region (岗位): a task force, a 分管领导, an alliance's 支部书记. Held by persons."""

    name = models.CharField(_("岗位名称"), max_length=64)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    holders = models.ManyToManyField(
        Person, verbose_name=_("在岗人员"), blank=True, related_name="workflow_posts"
    )
    history = HistoricalRecords(m2m_fields=[holders])

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class EscalationChain(models.Model):
    """Who a ticket escalates to, level by level (e.g. 工作专班 → 分管领导 → 县领导)."""

    code = models.SlugField(_("代码"), max_length=48, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    region = models.ForeignKey(Region, verbose_name=_("适用区划"), on_delete=models.PROTECT)
    program = models.CharField(_("适用项目"), max_length=16, choices=Program.choices, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("升级链")
        verbose_name_plural = _("升级链")
        ordering = ["region_id", "code"]

    def __str__(self) -> str:
        return self.name


class EscalationStep(models.Model):
    """One level of a chain; level 0 is the first owner, each higher level gets ``window`` to act."""

    chain = models.ForeignKey(
        EscalationChain, verbose_name=_("升级链"), on_delete=models.CASCADE, related_name="steps"
    )
    level = models.PositiveSmallIntegerField(_("层级"), validators=[MaxValueValidator(9)])
    title = models.CharField(_("层级名称"), max_length=64)
    post = models.ForeignKey(Post, verbose_name=_("岗位"), null=True, blank=True, on_delete=models.PROTECT)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT
    )
    window_kind = models.CharField(_("本级处理时限计法"), max_length=20, choices=SlaKind.choices, blank=True)
    window_amount = models.DecimalField(
        _("本级处理时限"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    window_cutoff = models.TimeField(_("当日办结截止受理时间"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "chain__region__code"

    class Meta:
        verbose_name = _("升级层级")
        verbose_name_plural = _("升级层级")
        ordering = ["chain_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "level"], name="workflow_step_chain_level_unique"),
            models.CheckConstraint(
                condition=Q(post__isnull=False) | Q(person__isnull=False), name="workflow_step_has_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain} · {self.level} · {self.title}"

    def clean(self) -> None:
        if self.post_id is None and self.person_id is None:
            raise ValidationError(_("升级层级须指定岗位或人员"))
        if self.level > 0:
            if not self.window_kind:
                raise ValidationError({"window_kind": _("升级后的层级须设置本级处理时限")})
            errors = _validate_target(self.window_kind, self.window_amount, "window_amount")
            if self.window_kind == SlaKind.SAME_WORKING_DAY and self.window_cutoff is None:
                errors["window_cutoff"] = ValidationError(_("当日办结须设置截止受理时间"))
            if errors:
                raise ValidationError(errors)

    def window_deadline(self, start: datetime, calendar: WorkingCalendar) -> Deadline:
        """When this level, reached at ``start``, is itself overdue."""
        return _target_deadline(calendar, self.window_kind, self.window_amount, self.window_cutoff, start)

    @property
    def owner_label(self) -> str:
        return str(self.post or self.person)


class Status(models.TextChoices):
    NEW = "new", _("新建")
    IN_PROGRESS = "in_progress", _("处理中")
    PENDING = "pending", _("待确认")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已关闭")
    RETURNED = "returned", _("已退回")


#: The status pipeline (django-oscar style): status → the statuses it may move to.
#: 待确认 waits for the reporter to confirm the fix (→ 已解决) or reject it (→ 处理中);
#: 已退回 sends the ticket back to the reporter, who resubmits (→ 新建) or withdraws (→ 已关闭).
PIPELINE: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.IN_PROGRESS, Status.RETURNED, Status.CLOSED),
    Status.IN_PROGRESS: (Status.PENDING, Status.RETURNED, Status.CLOSED),
    Status.PENDING: (Status.RESOLVED, Status.IN_PROGRESS),
    Status.RETURNED: (Status.NEW, Status.CLOSED),
    Status.RESOLVED: (),
    Status.CLOSED: (),
}

#: Transitions that need a reason written down.
REASON_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.NEW, Status.RETURNED),
        (Status.IN_PROGRESS, Status.RETURNED),
        (Status.NEW, Status.CLOSED),
        (Status.IN_PROGRESS, Status.CLOSED),
        (Status.RETURNED, Status.CLOSED),
        (Status.PENDING, Status.IN_PROGRESS),
    }
)

#: Not finished: listed on agendas and in "my tickets".
OPEN_STATUSES: tuple[str, ...] = (Status.NEW, Status.IN_PROGRESS, Status.PENDING, Status.RETURNED)
#: The owner's clock runs (overdue and escalation apply); 待确认 and 已退回 wait for the reporter.
ACTIVE_STATUSES: tuple[str, ...] = (Status.NEW, Status.IN_PROGRESS)
TERMINAL_STATUSES: tuple[str, ...] = (Status.RESOLVED, Status.CLOSED)


class InvalidStatus(ValidationError):
    """A transition the pipeline does not allow."""


class Priority(models.TextChoices):
    URGENT = "urgent", _("紧急")
    HIGH = "high", _("高")
    NORMAL = "normal", _("中")
    LOW = "low", _("低")


class Category(models.TextChoices):
    APPROVAL = "approval", _("审批手续")
    LAND = "land", _("用地保障")
    UTILITIES = "utilities", _("水电气路")
    CONSTRUCTION = "construction", _("建设施工")
    FUNDING = "funding", _("资金融资")
    TECHNICAL = "technical", _("技术服务")
    MARKET = "market", _("品牌销售")
    TALENT = "talent", _("人才用工")
    EQUIPMENT = "equipment", _("设备告警")
    POLICY = "policy", _("政策咨询")
    MEETING = "meeting", _("会议交办")
    OTHER = "other", _("其他")


class Ticket(models.Model):
    """A problem raised against any object, with an owner, SLA deadlines and an escalation level."""

    # Foreign keys nobody searches by carry no index of their own (db_index=False): on PostgreSQL every
    # index is rewritten by each escalation (a non-HOT update), so the table keeps only those the
    # pages and the job read — see Meta.indexes.
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, db_index=False
    )
    subject_id = models.CharField(_("对象编号"), max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    # Indexed below once, for the prefix filter of scoping (varchar_pattern_ops on PostgreSQL).
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, db_index=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("涉及单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    program = models.CharField(_("所属项目"), max_length=16, choices=Program.choices, blank=True)

    title = models.CharField(_("标题"), max_length=128)
    description = models.TextField(_("问题描述"), blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, default=Category.OTHER)
    priority = models.CharField(_("优先级"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NEW)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    owner_person = models.ForeignKey(
        Person, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_post = models.ForeignKey(
        Post, verbose_name=_("责任岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("办理单位：提出或转办时按责任人/岗位所在单位确定，逾期升级不改变"),
        db_index=False,
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("关注人"), blank=True, related_name="watched_tickets"
    )

    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("时限规则"), on_delete=models.PROTECT, db_index=False
    )
    chain = models.ForeignKey(
        EscalationChain,
        verbose_name=_("升级链"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    escalate_at = models.DateTimeField(_("下次升级时间"), null=True, blank=True)

    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    response_due = models.DateTimeField(_("响应时限"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("办结时限"))
    due_provisional = models.BooleanField(
        _("时限待定"),
        default=False,
        help_text=_("时限越过了节假日数据的年份，按法定节假日和周一至周五估算，待国务院放假通知确定"),
    )
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    #: The resolution deadline while the owner's clock runs, else NULL; the escalation deadline
    #: likewise. Kept by the database itself, so the overdue list and the escalation job read a small
    #: index (NULLs for the mass of finished tickets) whatever writes the status — a service or a
    #: set-based update.
    active_due = models.GeneratedField(
        expression=Case(When(status__in=ACTIVE_STATUSES, then=F("resolution_due")), default=None),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )
    active_escalate_at = models.GeneratedField(
        expression=Case(When(status__in=ACTIVE_STATUSES, then=F("escalate_at")), default=None),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )

    #: The history keeps its lookup by ticket id and date; foreign keys there are never searched, so
    #: they carry no index (the escalation job writes one history row per escalated ticket).
    history = HistoricalRecords(
        excluded_fields=["updated_at", "active_due", "active_escalate_at"],
        no_db_index=[
            "subject_type",
            "region",
            "organisation",
            "reporter",
            "owner_person",
            "owner_post",
            "unit",
            "policy",
            "chain",
        ],
    )

    SCOPE_ORGANISATION = "organisation"
    SCOPE_PROGRAM = SHARED

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-created_at"]
        indexes = [
            # Partial indexes over the tickets whose clock runs (a small share of all tickets). Queries
            # repeat the literal "IS NOT NULL" condition so that SQLite can use them.
            # The overdue list's first page, in due order:
            models.Index(
                fields=["active_due", "region"],
                condition=Q(active_due__isnull=False),
                name="workflow_ticket_overdue",
            ),
            # Its summaries by owner and unit, read in group order (no sort, no table access):
            models.Index(
                fields=["owner_post", "owner_person", "unit", "active_due", "region"],
                condition=Q(active_due__isnull=False),
                name="workflow_ticket_overdue_owner",
            ),
            # The escalation job's scan (covering: it reads the chain and the level).
            models.Index(
                fields=["active_escalate_at", "chain", "escalation_level"],
                condition=Q(active_escalate_at__isnull=False),
                name="workflow_ticket_escalate",
            ),
            # Scoping's "region code starts with" (LIKE 'prefix%'), and equality.
            models.Index(fields=["region"], name="workflow_ticket_region", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["created_at"], name="workflow_ticket_created"),
            models.Index(fields=["subject_type", "subject_id"], name="workflow_ticket_subject"),
            # The enterprise profile's tickets naming the organisation concerned (docs/profiles.md);
            # partial: most tickets name none, and escalation never changes the column.
            models.Index(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="workflow_ticket_organisation",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_person__isnull=False) | Q(owner_post__isnull=False),
                name="workflow_ticket_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def owner_label(self) -> str:
        if self.owner_post_id and self.owner_person_id:
            return f"{self.owner_post}（{self.owner_person}）"
        return str(self.owner_post or self.owner_person)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def available_statuses(self) -> tuple[str, ...]:
        return PIPELINE[self.status]

    def set_status(self, new_status: str, at: datetime) -> str:
        """Move to ``new_status`` if the pipeline allows it, stamping the SLA times; returns the old status.

        Raises :class:`InvalidStatus` otherwise. Does not save (the service does, audited).
        """
        if new_status not in PIPELINE.get(self.status, ()):
            raise InvalidStatus(
                _("工单状态不能从「%(old)s」改为「%(new)s」"),
                params={
                    "old": Status(self.status).label,
                    "new": Status(new_status).label if new_status in Status.values else new_status,
                },
                code="invalid_status",
            )
        old = self.status
        if new_status == Status.IN_PROGRESS and self.responded_at is None:
            self.responded_at = at
        if new_status == Status.PENDING:
            self.resolved_at = at
        if old == Status.PENDING and new_status == Status.IN_PROGRESS:
            self.resolved_at = None
        if new_status in TERMINAL_STATUSES:
            self.closed_at = at
        self.status = new_status
        self.updated_at = at
        return old


class StatusChange(models.Model):
    """One transition of a ticket (the pipeline's history row)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.from_status or '∅'} → {self.to_status}"


class Comment(models.Model):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("留言人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    history = HistoricalRecords()

    SCOPE_REGION = "ticket__region__code"
    SCOPE_ORGANISATION = "ticket__organisation"

    class Meta:
        verbose_name = _("留言")
        verbose_name_plural = _("留言")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class Attachment(models.Model):
    """A file on a ticket; its type is checked by content and its size capped (see services)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="workflow/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=128)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    history = HistoricalRecords()

    SCOPE_REGION = "ticket__region__code"
    SCOPE_ORGANISATION = "ticket__organisation"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """One escalation step taken. Unique per (ticket, level): a breach is never escalated twice."""

    # An append-only log, keyed like simple-history's tables: its foreign keys are not enforced by the
    # database (Django still cascades and sets null), because the job inserts one row per escalated
    # ticket and each enforced key is a check per row at commit. The rows are inserted from the ticket
    # table in the same transaction, so the ticket exists by construction. The unique
    # (ticket, to_level) index serves lookups by ticket; the owners are never searched.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="escalations", db_index=False, db_constraint=False
    )
    to_level = models.PositiveSmallIntegerField(_("升至层级"))
    from_person = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False
    )
    from_post = models.ForeignKey(
        Post, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False
    )
    to_person = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False
    )
    to_post = models.ForeignKey(
        Post, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False
    )
    breached_due = models.DateTimeField(_("被突破的时限"))
    escalated_at = models.DateTimeField(_("升级时间"))

    class Meta:
        verbose_name = _("升级记录")
        verbose_name_plural = _("升级记录")
        ordering = ["escalated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "to_level"], name="workflow_escalation_once_per_level")
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.to_level}"


class Notification(models.Model):
    """An in-app notification (the bell)."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("新工单")
        ESCALATED = "escalated", _("逾期升级")
        STATUS = "status", _("状态变更")
        COMMENT = "comment", _("新留言")
        MEETING = "meeting", _("调度会")

    # Read by (user, read_at) — the composite index below; tickets are never deleted in normal use, so
    # the ticket key carries no index of its own (the escalation job inserts one row per escalation).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("内容"), max_length=255)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="workflow_notification_unread")]

    def __str__(self) -> str:
        return self.text


class MeetingSeries(models.Model):
    """A recurring scheduling meeting (每周固定调度), e.g. every Monday 09:00."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("周一")
        TUESDAY = 1, _("周二")
        WEDNESDAY = 2, _("周三")
        THURSDAY = 3, _("周四")
        FRIDAY = 4, _("周五")
        SATURDAY = 5, _("周六")
        SUNDAY = 6, _("周日")

    title = models.CharField(_("会议名称"), max_length=128)
    region = models.ForeignKey(Region, verbose_name=_("调度范围"), on_delete=models.PROTECT)
    program = models.CharField(_("所属项目"), max_length=16, choices=Program.choices, blank=True)
    chain = models.ForeignKey(
        EscalationChain,
        verbose_name=_("限定升级链"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("留空则调度范围内全部工单"),
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices, default=Weekday.MONDAY)
    start_time = models.TimeField(_("开始时间"), default=time(9, 0))
    duration_minutes = models.PositiveSmallIntegerField(
        _("时长(分钟)"), default=90, validators=[MinValueValidator(15)]
    )
    location = models.CharField(_("地点"), max_length=128, blank=True)
    chair = models.ForeignKey(
        Person, verbose_name=_("主持人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    lookahead_days = models.PositiveSmallIntegerField(_("节点前瞻天数"), default=7)
    move_off_holidays = models.BooleanField(_("遇节假日顺延至下一工作日"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("例会")
        verbose_name_plural = _("例会")
        ordering = ["region_id", "title"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """One occurrence of a scheduling meeting: its agenda snapshot, minutes, decisions and actions."""

    class State(models.TextChoices):
        PLANNED = "planned", _("待召开")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("例会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("会议名称"), max_length=128)
    region = models.ForeignKey(Region, verbose_name=_("调度范围"), on_delete=models.PROTECT)
    scheduled_at = models.DateTimeField(_("召开时间"))
    location = models.CharField(_("地点"), max_length=128, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PLANNED)
    agenda_generated_at = models.DateTimeField(_("议程生成时间"), null=True, blank=True)
    summary = models.TextField(_("会议纪要"), blank=True)
    chair = models.CharField(_("主持人"), max_length=64, blank=True)
    attendees = models.TextField(_("参会人员"), blank=True)
    minutes_recorded_at = models.DateTimeField(_("纪要记录时间"), null=True, blank=True)
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调度会")
        verbose_name_plural = _("调度会")
        ordering = ["-scheduled_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "scheduled_at"], name="workflow_meeting_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.title}（{timezone.localtime(self.scheduled_at):%Y-%m-%d %H:%M}）"


class AgendaItem(models.Model):
    """A line of a generated agenda (a snapshot: the printed agenda does not move under the meeting)."""

    class Section(models.TextChoices):
        OVERDUE = "overdue", _("逾期未办结")
        DUE = "due", _("近期到期与节点")
        OPEN = "open", _("其他在办事项")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField()
    section = models.CharField(max_length=16, choices=Section.choices)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=255)
    due_at = models.DateTimeField(null=True, blank=True)
    owner_label = models.CharField(max_length=128, blank=True)
    source = models.CharField(max_length=64, blank=True)
    url = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["meeting_id", "position"]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A decision recorded in the minutes (会议决定)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("调度会"), on_delete=models.CASCADE, related_name="decisions"
    )
    position = models.PositiveIntegerField(_("序号"))
    text = models.TextField(_("决定事项"))
    history = HistoricalRecords()

    SCOPE_REGION = "meeting__region__code"

    class Meta:
        verbose_name = _("决定事项")
        verbose_name_plural = _("决定事项")
        ordering = ["meeting_id", "position"]

    def __str__(self) -> str:
        return self.text[:40]


class ActionItem(models.Model):
    """An action assigned in the minutes (交办事项); it becomes a ticket with its owner and due date."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("调度会"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("交办事项"), max_length=128)
    owner_post = models.ForeignKey(
        Post, verbose_name=_("责任岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_person = models.ForeignKey(
        Person, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("完成时限"))
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="action_item"
    )
    history = HistoricalRecords()

    SCOPE_REGION = "meeting__region__code"

    class Meta:
        verbose_name = _("交办事项")
        verbose_name_plural = _("交办事项")
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.title
