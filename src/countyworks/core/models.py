"""Core data: regions, organisations, people and households, role grants, API tokens, jobs.

Regions are keyed by their significant division-code prefix (see :mod:`countyworks.core.regions`),
so every domain object's ``region_id`` *is* a code and area scoping is a prefix filter.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.cn import uscc

from countyworks.core.regions import official_code


class Region(models.Model):
    """An administrative division (行政区划) from province down to a courtyard (院落)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县/区")
        TOWN = "town", _("乡镇")
        VILLAGE = "village", _("村/社区")
        COURTYARD = "courtyard", _("院落")

    code = models.CharField(_("区划代码前缀"), max_length=16, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    history = HistoricalRecords()

    SCOPE_REGION = "code"

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """A village's profile (村情画像, docs/profiles.md); other levels have no page of their own."""
        from django.urls import reverse

        return reverse("village-profile", args=[self.code]) if self.level == self.Level.VILLAGE else ""

    @property
    def official_code(self) -> str:
        """The published 6-digit (GB/T 2260) or 12-digit (统计用区划代码) code."""
        return official_code(self.code)

    def full_name(self) -> str:
        """Name with its ancestors, e.g. 湖南省衡阳市常宁市新河镇."""
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 check (GB 32100-2015) via python-stdnum."""
    if value and not uscc.is_valid(value):
        raise ValidationError(
            _("统一社会信用代码 %(value)s 无效（GB 32100-2015 校验失败）"), params={"value": value}
        )


class Organisation(models.Model):
    """An enterprise, cooperative, institute, party branch or government unit."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        COOPERATIVE = "cooperative", _("合作社")
        FAMILY_FARM = "family_farm", _("家庭农场")
        INDIVIDUAL = "individual", _("个体户")
        INSTITUTE = "institute", _("科研院所")
        UNIVERSITY = "university", _("高校")
        PARTY_BRANCH = "party_branch", _("党支部")
        GOVERNMENT = "government", _("政府部门")
        COLLECTIVE = "collective", _("村集体经济组织")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=128)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.ENTERPRISE)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    industry_code = models.CharField(_("行业代码(GB/T 4754)"), max_length=8, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="organisation_credit_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The organisation's profile (企业画像, docs/profiles.md)."""
        from django.urls import reverse

        return reverse("org-profile", args=[self.pk])


class Person(models.Model):
    """A person a program needs by name (a guide, a secretary, a task-force member): no ID numbers (PIPL)."""

    name = models.CharField(_("姓名"), max_length=32)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(_("职务"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("平台账号"), null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """A rural household (农户): the head's name, size and house label only."""

    region = models.ForeignKey(Region, verbose_name=_("所在村/院落"), on_delete=models.PROTECT)
    head_name = models.CharField(_("户主"), max_length=32)
    members = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    house_label = models.CharField(_("门牌"), max_length=32, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["region_id", "house_label", "head_name"]

    def __str__(self) -> str:
        return f"{self.head_name}（{self.house_label}）" if self.house_label else self.head_name


class Role(models.TextChoices):
    """Platform roles; what each may read and write is :data:`countyworks.core.scoping.ROLE_PERMISSIONS`."""

    ADMIN = "admin", _("系统管理员")
    LEADER = "leader", _("县/市领导")
    OFFICER = "officer", _("项目主管")
    TOWN = "town", _("乡镇干部")
    VILLAGE = "village", _("村干部")
    ENTERPRISE = "enterprise", _("企业用户")
    OPERATOR = "operator", _("电站运维")
    AUDITOR = "auditor", _("审计员")


class Program(models.TextChoices):
    """The five programs of the seed article, plus the shared workflow."""

    ALLIANCES = "alliances", _("产业联盟")
    INNOVATION = "innovation", _("科技创新")
    ENERGY = "energy", _("新能源")
    PARKS = "parks", _("园区建设")
    COURTYARDS = "courtyards", _("美丽庭院")


class RoleGrant(models.Model):
    """(user, role, area, optional organisation, optional program): the unit of authorisation.

    ``region`` null means nationwide (only a nationwide administrator can create one).
    ``program`` blank means every program the role may touch.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("管辖区域"), null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("限定单位"), null=True, blank=True, on_delete=models.CASCADE
    )
    program = models.CharField(_("限定项目"), max_length=16, choices=Program.choices, blank=True)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "role"]

    def __str__(self) -> str:
        area = self.region.name if self.region is not None else _("全国")
        return f"{self.user} · {self.get_role_display()} · {area}"

    @property
    def prefix(self) -> str:
        return self.region_id or ""


class RegionProgram(models.Model):
    """A program a region runs (开通的项目): its pages, navigation and tiles show in that area.

    An area for which no region in its line (an ancestor, itself or a descendant) has any row is
    *unconfigured* and runs every installed program, so a fresh single-county installation shows
    everything until the administrator chooses (docs/permissions.md#programs-per-region).
    """

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT)
    program = models.CharField(_("项目"), max_length=16, choices=Program.choices)
    created_at = models.DateTimeField(_("开通时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("开通项目")
        verbose_name_plural = _("开通项目")
        ordering = ["region_id", "program"]
        constraints = [models.UniqueConstraint(fields=["region", "program"], name="region_program_unique")]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_program_display()}"


class ApiToken(models.Model):
    """A per-user API token; only its SHA-256 hash is stored. It expires (``API_TOKEN_TTL_DAYS``)
    and can be revoked; creating one with the name of a live one rotates it (the old one is revoked)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=64, blank=True)
    key_prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.key_prefix}…"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Job(models.Model):
    """A background job (import, evaluation, report) with progress shown on a page and in the CLI."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=32)
    title = models.CharField(_("标题"), max_length=128)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.CharField(max_length=255, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        return (
            int(100 * self.done / self.total)
            if self.total
            else (100 if self.status == self.Status.DONE else 0)
        )


class IndicatorValue(models.Model):
    """One indicator's materialised value for one region and period (docs/indicators.md).

    ``own_*`` are the amounts of the records placed exactly at this region (a city's 市本级
    records sit at the city's own code); ``numerator``/``denominator`` those of every record under
    it, own included. A machine-derived table like the telemetry rollups: rebuilt from the
    programs' records by ``countyworks indicators rebuild``, so it keeps no history.
    """

    indicator = models.CharField(_("指标"), max_length=64)
    period = models.CharField(_("期间"), max_length=8)
    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+")
    own_numerator = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    own_denominator = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    numerator = models.DecimalField(_("分子"), max_digits=24, decimal_places=4, default=0)
    denominator = models.DecimalField(_("分母"), max_digits=24, decimal_places=4, default=0)
    value = models.DecimalField(_("值"), max_digits=24, decimal_places=4, null=True)
    complete = models.BooleanField(_("数据完整"), default=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "region"], name="indicator_value_unique")
        ]
        indexes = [models.Index(fields=["indicator", "region", "period"], name="indicator_value_region")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.region_id} · {self.period} = {self.value}"


class IndicatorDirty(models.Model):
    """A (indicator, period, area) whose materialised values a source record changed: the
    refresh job recomputes it and its ancestors, then deletes the mark. Marks may repeat."""

    indicator = models.CharField(max_length=64)
    period = models.CharField(max_length=8)
    region_code = models.CharField(max_length=16)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("待刷新指标")
        verbose_name_plural = _("待刷新指标")

    def __str__(self) -> str:
        return f"{self.indicator} · {self.region_code} · {self.period}"


class IndicatorReport(models.Model):
    """A monthly provincial report (省级指标月报): a snapshot of the key indicators, the laggards and
    the biggest movers of an area, produced by the periodic job and kept as history."""

    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT)
    month = models.CharField(_("月份"), max_length=8)
    title = models.CharField(_("标题"), max_length=128)
    content = models.JSONField(_("内容"), default=dict)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    SCOPE_REGION = "region__code"

    class Meta:
        verbose_name = _("指标月报")
        verbose_name_plural = _("指标月报")
        ordering = ["-month", "region_id"]
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="indicator_report_unique")]

    def __str__(self) -> str:
        return self.title
