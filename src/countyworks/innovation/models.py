"""Program 2 — tech-enterprise gradient cultivation (科技型企业梯度培育), 揭榜挂帅, platforms.

Enterprises are :class:`~countyworks.core.models.Organisation` rows (kind ``enterprise``). Their
raw yearly figures, named by the rule sets' English input fields, live in
:class:`EnterpriseYearData`; an :class:`EvaluationCampaign` evaluates an uploaded file with one
official rule set (``countyworks.rules``) into :class:`EvaluationResult` rows, and confirming it
puts enterprises into the pools of the ladder (:class:`PoolMembership`). Pool counts are always
counted from memberships, which always point at the evaluation that created them.

The ladder (docs/rules/enterprise-ladder.md §2):
储备 → 科技型中小企业 → 高企培育库 → 高新技术企业 → 壮大 (创新型中小企业, 专精特新中小企业,
专精特新"小巨人", 上市后备).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countyworks.core.models import Job, Organisation, Person, Program, Region
from countyworks.rules.engine import RuleSet
from countyworks.rules.registry import UnknownRuleSet, get_ruleset

PROGRAM = Program.INNOVATION


# --- the ladder ---------------------------------------------------------------------------------


class Tier(models.TextChoices):
    """The pools of the gradient mechanism (微成长、小升高、高壮大)."""

    RESERVE = "reserve", _("储备企业")
    TECH_SME = "tech_sme", _("科技型中小企业")
    HIGH_TECH_CULTIVATION = "high_tech_cultivation", _("高企培育库")
    HIGH_TECH = "high_tech", _("高新技术企业")
    INNOVATIVE_SME = "innovative_sme", _("创新型中小企业")
    SPECIALIZED_SME = "specialized_sme", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”企业")
    LISTING_RESERVE = "listing_reserve", _("上市后备企业")


class Stage(models.TextChoices):
    """The four rungs of the ladder; 壮大 groups several pools."""

    MICRO = "micro", _("微成长")
    SMALL = "small", _("小升高")
    HIGH = "high", _("高新")
    STRONG = "strong", _("高壮大")


@dataclass(frozen=True)
class TierSpec:
    """How a pool is entered and how long membership lasts.

    ``ruleset_family`` is the rule-set code without its year (``tech-sme`` for
    ``tech-sme-2022``): a campaign with a rule set of that family confirms entries into the
    pool. ``valid_years`` 0 means "until the end of the evaluation year"; None means "until
    exited" (pools entered by decision, not by certificate).
    """

    tier: Tier
    stage: Stage
    rank: int
    ruleset_family: str | None
    valid_years: int | None

    def valid_until(self, entered_on: date, year: int) -> date | None:
        """Last day of validity of a membership entered on ``entered_on`` for ``year``."""
        if self.valid_years is None:
            return None
        if self.valid_years == 0:
            return date(year, 12, 31)
        try:
            anniversary = entered_on.replace(year=entered_on.year + self.valid_years)
        except ValueError:  # 29 February
            anniversary = entered_on.replace(year=entered_on.year + self.valid_years, day=28)
        return anniversary - timedelta(days=1)


#: The ladder as data, lowest rung first. Validity periods as docs/rules/enterprise-ladder.md §3
#: gives them: 高企 3 years (国科发火〔2016〕32号), 科技型中小企业 one
#: evaluation year (国科发区〔2022〕67号: the 入库登记编号 is for the year), 创新型中小企业, 专精特新
#: and 小巨人 3 years (工信部企业〔2022〕63号). 储备 and 高企培育库 are local pools renewed with each
#: year's evaluation; 上市后备 is entered by decision and lasts until exited.
TIER_SPECS: tuple[TierSpec, ...] = (
    TierSpec(Tier.RESERVE, Stage.MICRO, 0, None, 0),
    TierSpec(Tier.TECH_SME, Stage.SMALL, 1, "tech-sme", 0),
    TierSpec(Tier.HIGH_TECH_CULTIVATION, Stage.SMALL, 2, None, 0),
    TierSpec(Tier.HIGH_TECH, Stage.HIGH, 3, "high-tech", 3),
    TierSpec(Tier.INNOVATIVE_SME, Stage.STRONG, 4, "innovative-sme", 3),
    TierSpec(Tier.SPECIALIZED_SME, Stage.STRONG, 5, "specialized-sme", 3),
    TierSpec(Tier.LITTLE_GIANT, Stage.STRONG, 6, "little-giant", 3),
    TierSpec(Tier.LISTING_RESERVE, Stage.STRONG, 7, None, None),
)
TIERS: dict[str, TierSpec] = {spec.tier.value: spec for spec in TIER_SPECS}


def ruleset_family(code: str) -> str:
    """``tech-sme-2022`` → ``tech-sme`` (rule-set codes end in their document's year)."""
    head, _sep, tail = code.rpartition("-")
    return head if tail.isdigit() else code


def tier_for_ruleset(code: str) -> TierSpec | None:
    """The pool a campaign with rule set ``code`` confirms entries into."""
    family = ruleset_family(code)
    return next((spec for spec in TIER_SPECS if spec.ruleset_family == family), None)


# --- enterprises and their raw figures ----------------------------------------------------------


class EnterpriseProfile(models.Model):
    """An enterprise on the program's roster: what the officers know beyond the organisation row."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="innovation_profile"
    )
    registration_date = models.DateField(_("注册日期"), null=True, blank=True)
    park = models.CharField(_("所在园区"), max_length=64, blank=True)
    main_products = models.CharField(_("主导产品"), max_length=200, blank=True)
    officer = models.ForeignKey(
        Person, verbose_name=_("联系干部"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    SCOPE_REGION = "organisation__region__code"
    SCOPE_ORGANISATION = "organisation"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("企业档案")
        verbose_name_plural = _("企业档案")

    def __str__(self) -> str:
        return str(self.organisation)


#: The kinds of organisation program 2 works with: every organisation of these kinds is on its
#: roster as soon as it exists, however it came in (数据导入 › 组织, a campaign file, the admin).
ROSTER_KINDS: tuple[str, ...] = (Organisation.Kind.ENTERPRISE,)


class RosterEnterprise(Organisation):
    """An organisation as program 2's roster sees it (no table of its own: a proxy).

    Scoped as the program's records are: officers reach the organisations of their area, an
    enterprise account its own. Its :class:`EnterpriseProfile` (park, officer …) exists once an
    officer or a campaign has added something; until then :func:`profile_of` gives an empty one.
    """

    SCOPE_REGION = "region__code"
    SCOPE_ORGANISATION = "pk"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        proxy = True
        verbose_name = _("企业")
        verbose_name_plural = _("企业")


def profile_of(organisation: Organisation) -> EnterpriseProfile:
    """The organisation's profile, or an unsaved empty one (read with ``innovation_profile``
    selected, this makes no query)."""
    try:
        return organisation.innovation_profile
    except EnterpriseProfile.DoesNotExist:
        return EnterpriseProfile(organisation=organisation)


class EnterpriseYearData(models.Model):
    """The raw figures an enterprise declared in one evaluation year, keyed by the rule sets' fields.

    ``data`` maps English field names (``employees``, ``rd_expense`` …) to the values as read
    from the uploaded file (strings, exactly as declared); every campaign of that year merges its
    columns in, so one row holds what the tech-sme, high-tech and 专精特新 evaluations read.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="innovation_years"
    )
    year = models.PositiveSmallIntegerField(_("申报年度"))
    data = models.JSONField(_("申报数据"), default=dict)
    source_campaign = models.ForeignKey(
        "EvaluationCampaign", verbose_name=_("最近来源"), null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    SCOPE_REGION = "organisation__region__code"
    SCOPE_ORGANISATION = "organisation"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")
        ordering = ["organisation_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="innovation_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year}"


# --- evaluation campaigns -----------------------------------------------------------------------


class InvalidStatus(ValidationError):
    """A status transition the pipeline does not allow."""


class EvaluationCampaign(models.Model):
    """One year's evaluation of an uploaded enterprise file with one official rule set."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待上传")
        UPLOADED = "uploaded", _("已上传")
        RUNNING = "running", _("评价中")
        EVALUATED = "evaluated", _("待确认")
        CONFIRMED = "confirmed", _("已入库")
        FAILED = "failed", _("评价失败")

    #: status → statuses it may move to (docs/design.md#workflows-as-data: tested directly).
    PIPELINE: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.UPLOADED,),
        Status.UPLOADED: (Status.UPLOADED, Status.RUNNING),
        Status.RUNNING: (Status.EVALUATED, Status.FAILED),
        Status.FAILED: (Status.RUNNING, Status.UPLOADED),
        Status.EVALUATED: (Status.CONFIRMED,),
        Status.CONFIRMED: (),
    }

    title = models.CharField(_("名称"), max_length=128)
    region = models.ForeignKey(Region, verbose_name=_("评价区域"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("评价年度"))
    #: The version pinned at creation (the one in force at the end of ``year``).
    ruleset_code = models.CharField(_("评价规则"), max_length=32)
    ruleset_version = models.CharField(_("规则版本"), max_length=160, blank=True)
    #: Effective date of the pinned version: evaluation and explanations use that version.
    ruleset_effective = models.DateField(_("规则生效日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    source_file = models.FileField(_("数据文件"), upload_to="innovation/campaigns/", blank=True)
    source_name = models.CharField(_("原始文件名"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("企业数"), default=0)
    qualified_count = models.PositiveIntegerField(_("符合条件"), default=0)
    job = models.ForeignKey(Job, verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    entered_on = models.DateField(_("入库日期"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Said when confirming: with this campaign the year's evaluation is complete, so headlines
    #: (home, program page, brief) may show the year; before, they show the last complete year
    #: and label this one as in progress (countyworks.core.periods.headline_period).
    closes_year = models.BooleanField(_("年度评价已完成"), default=False)
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("评价批次")
        verbose_name_plural = _("评价批次")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, status: str) -> bool:
        return status in self.PIPELINE.get(self.status, ())

    def ruleset(self) -> RuleSet:
        """The rule-set version pinned when the campaign was created: every check, evaluation
        and explanation of the campaign uses it.

        Raises
        ------
        UnknownRuleSet
            The campaign was never pinned (its year has no version in force) or the pinned
            version is no longer registered.
        """
        if self.ruleset_effective is None:
            raise UnknownRuleSet(f"campaign {self.pk}: rule set {self.ruleset_code!r} is not pinned")
        return get_ruleset(self.ruleset_code, self.ruleset_effective)


class EvaluationResult(models.Model):
    """One enterprise's result in a campaign, with the exact row that was evaluated.

    Written once by the evaluation job and never changed: a correction is a new campaign.
    ``inputs`` keeps the evaluated row (the rule set's fields, as declared) so that the
    explanation and the gap shown later are those of this evaluation, whatever changes after.
    """

    campaign = models.ForeignKey(
        EvaluationCampaign, verbose_name=_("评价批次"), on_delete=models.CASCADE, related_name="results"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="innovation_results"
    )
    row_number = models.PositiveIntegerField(_("文件行号"))
    year = models.PositiveSmallIntegerField(_("评价年度"))
    ruleset_code = models.CharField(_("评价规则"), max_length=32)
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=4, null=True, blank=True)
    qualified = models.BooleanField(_("符合条件"))
    direct = models.BooleanField(_("直接认定"), default=False)
    failed_conditions = models.CharField(_("未满足条件"), max_length=300, blank=True)
    points = models.JSONField(_("各项得分"), default=dict)
    inputs = models.JSONField(_("评价数据"), default=dict)
    history = HistoricalRecords()

    SCOPE_REGION = "organisation__region__code"
    SCOPE_ORGANISATION = "organisation"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ["campaign_id", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="innovation_result_unique")
        ]
        indexes = [models.Index(fields=["organisation", "ruleset_code", "year"])]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.ruleset_code} · {self.year}"

    @property
    def failed_codes(self) -> list[str]:
        return [c for c in self.failed_conditions.split(";") if c]


class PoolMembership(models.Model):
    """An enterprise in one pool from ``entered_on`` until ``valid_until`` (or an earlier exit).

    ``result`` is the evaluation that put it there (null only for pools entered by decision,
    such as 上市后备).
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="innovation_pools"
    )
    tier = models.CharField(_("库别"), max_length=24, choices=Tier.choices)
    year = models.PositiveSmallIntegerField(_("入库年度"))
    entered_on = models.DateField(_("入库日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    exited_on = models.DateField(_("出库日期"), null=True, blank=True)
    exit_reason = models.CharField(_("出库原因"), max_length=200, blank=True)
    result = models.ForeignKey(
        EvaluationResult,
        verbose_name=_("依据的评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "organisation__region__code"
    SCOPE_ORGANISATION = "organisation"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("入库记录")
        verbose_name_plural = _("入库记录")
        ordering = ["organisation_id", "entered_on"]
        indexes = [models.Index(fields=["tier", "entered_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "tier", "year"], name="innovation_pool_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_tier_display()} · {self.entered_on}"

    def clean(self) -> None:
        if self.valid_until and self.valid_until < self.entered_on:
            raise ValidationError({"valid_until": _("有效期不能早于入库日期")})
        if self.exited_on and self.exited_on < self.entered_on:
            raise ValidationError({"exited_on": _("出库日期不能早于入库日期")})

    @staticmethod
    def active_on_q(day: date, prefix: str = "") -> Q:
        """Memberships in force on ``day``."""
        return (
            Q(**{f"{prefix}entered_on__lte": day})
            & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))
            & (Q(**{f"{prefix}exited_on__isnull": True}) | Q(**{f"{prefix}exited_on__gt": day}))
        )

    def is_active_on(self, day: date) -> bool:
        return (
            self.entered_on <= day
            and (self.valid_until is None or self.valid_until >= day)
            and (self.exited_on is None or self.exited_on > day)
        )


# --- 一企一策 ---------------------------------------------------------------------------------


class EnterprisePlan(models.Model):
    """一企一策: one enterprise's needs and bottlenecks, the measures, the officer, the milestones."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("实施中")
        DONE = "done", _("已完成")
        SUSPENDED = "suspended", _("已暂停")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="innovation_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    target_tier = models.CharField(_("培育目标"), max_length=24, choices=Tier.choices, blank=True)
    tech_needs = models.TextField(_("技术需求"), blank=True)
    bottlenecks = models.TextField(_("发展瓶颈"), blank=True)
    measures = models.TextField(_("帮扶措施"))
    officer = models.ForeignKey(
        Person, verbose_name=_("责任干部"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    history = HistoricalRecords()

    SCOPE_REGION = "organisation__region__code"
    SCOPE_ORGANISATION = "organisation"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("一企一策")
        verbose_name_plural = _("一企一策")
        ordering = ["-year", "organisation_id"]

    def __str__(self) -> str:
        return _("%(organisation)s · %(year)d年一企一策") % {
            "organisation": self.organisation,
            "year": self.year,
        }

    def get_absolute_url(self) -> str:
        """The plan on its enterprise's page (a ticket raised against the plan links here)."""
        from django.urls import reverse

        return reverse("innovation:enterprise-detail", args=[self.organisation_id]) + f"#plan-{self.pk}"

    def clean(self) -> None:
        if not (self.tech_needs.strip() or self.bottlenecks.strip()):
            raise ValidationError(_("请至少填写技术需求或发展瓶颈之一"))


class PlanMilestone(models.Model):
    """A dated step of a plan."""

    plan = models.ForeignKey(EnterprisePlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=128)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "plan__organisation__region__code"
    SCOPE_ORGANISATION = "plan__organisation"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("帮扶节点")
        verbose_name_plural = _("帮扶节点")
        ordering = ["plan_id", "due_on"]

    def __str__(self) -> str:
        return self.title


# --- 揭榜挂帅 -----------------------------------------------------------------------------------


class Challenge(models.Model):
    """A 揭榜挂帅 project: a need published with target indicators, budget and deadline."""

    class Kind(models.TextChoices):
        TECHNICAL = "technical", _("技术攻关类")
        BASIC = "basic", _("基础研究类")

    class Status(models.TextChoices):
        DRAFT = "draft", _("拟发榜")
        PUBLISHED = "published", _("已发榜")
        REVIEWING = "reviewing", _("专家评审")
        AWARDED = "awarded", _("已揭榜")
        IN_PROGRESS = "in_progress", _("攻关实施")
        ACCEPTANCE = "acceptance", _("验收中")
        ACCEPTED = "accepted", _("已验收")
        WITHDRAWN = "withdrawn", _("已撤榜")

    #: status → statuses it may move to. A review that finds no suitable team publishes again;
    #: a failed acceptance sends the team back to work (整改).
    PIPELINE: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.PUBLISHED, Status.WITHDRAWN),
        Status.PUBLISHED: (Status.REVIEWING, Status.WITHDRAWN),
        Status.REVIEWING: (Status.AWARDED, Status.PUBLISHED),
        Status.AWARDED: (Status.IN_PROGRESS,),
        Status.IN_PROGRESS: (Status.ACCEPTANCE,),
        Status.ACCEPTANCE: (Status.ACCEPTED, Status.IN_PROGRESS),
        Status.ACCEPTED: (),
        Status.WITHDRAWN: (),
    }

    region = models.ForeignKey(Region, verbose_name=_("发榜区域"), on_delete=models.PROTECT)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("榜单名称"), max_length=160)
    need = models.TextField(_("需求描述"))
    target_indicators = models.TextField(_("目标指标"), help_text=_("每行一项"))
    budget = models.DecimalField(_("资助金额（万元）"), max_digits=12, decimal_places=2)
    deadline = models.DateField(_("揭榜截止"))
    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("需求单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_challenges",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(_("发榜日期"), null=True, blank=True)
    awarded_application = models.OneToOneField(
        "ChallengeApplication",
        verbose_name=_("揭榜团队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    awarded_on = models.DateField(_("揭榜日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    acceptance_notes = models.TextField(_("验收意见"), blank=True)
    history = HistoricalRecords()

    SCOPE_ORGANISATION = "issuer"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("揭榜挂帅项目")
        verbose_name_plural = _("揭榜挂帅项目")
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.budget is not None and self.budget <= 0:
            raise ValidationError({"budget": _("资助金额必须大于0")})

    @property
    def indicator_lines(self) -> list[str]:
        return [line.strip() for line in self.target_indicators.splitlines() if line.strip()]

    def can_move_to(self, status: str) -> bool:
        return status in self.PIPELINE.get(self.status, ())


class ChallengeStatusChange(models.Model):
    """One transition of a challenge (who, when, from, to, why): the page's timeline.

    It is itself an append-only audit row (docs/design.md#workflows-as-data), so it keeps no history of its own.
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=16, choices=Challenge.Status.choices, blank=True)
    new_status = models.CharField(max_length=16, choices=Challenge.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(max_length=300, blank=True)

    SCOPE_REGION = "challenge__region__code"
    SCOPE_ORGANISATION = "challenge__issuer"

    class Meta:
        ordering = ["challenge_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.old_status or '—'} → {self.new_status}"


class ChallengeApplication(models.Model):
    """A team's application (揭榜申请): universities, institutes and their members."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="applications")
    team_name = models.CharField(_("团队名称"), max_length=128)
    lead_organisation = models.ForeignKey(
        Organisation, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    partners = models.CharField(_("合作单位"), max_length=300, blank=True)
    members = models.TextField(_("团队成员"), help_text=_("每行一人：姓名、职称、分工"))
    proposal = models.TextField(_("技术方案"))
    requested_budget = models.DecimalField(_("申请经费（万元）"), max_digits=12, decimal_places=2)
    submitted_on = models.DateField(_("申请日期"))
    history = HistoricalRecords()

    SCOPE_REGION = "challenge__region__code"
    SCOPE_ORGANISATION = "challenge__issuer"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("揭榜申请")
        verbose_name_plural = _("揭榜申请")
        ordering = ["challenge_id", "submitted_on", "id"]

    def __str__(self) -> str:
        return self.team_name


class ExpertReview(models.Model):
    """One expert's score of an application (0–100)."""

    application = models.ForeignKey(ChallengeApplication, on_delete=models.CASCADE, related_name="reviews")
    expert_name = models.CharField(_("评审专家"), max_length=32)
    score = models.DecimalField(
        _("评分"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    comment = models.CharField(_("评审意见"), max_length=300, blank=True)
    reviewed_on = models.DateField(_("评审日期"))
    history = HistoricalRecords()

    SCOPE_REGION = "application__challenge__region__code"
    SCOPE_ORGANISATION = "application__challenge__issuer"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        constraints = [
            models.UniqueConstraint(fields=["application", "expert_name"], name="innovation_review_once")
        ]

    def __str__(self) -> str:
        return f"{self.expert_name}: {self.score}"


class ChallengeMilestone(models.Model):
    """A milestone of an awarded challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=128)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "challenge__region__code"
    SCOPE_ORGANISATION = "challenge__issuer"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("攻关节点")
        verbose_name_plural = _("攻关节点")
        ordering = ["challenge_id", "due_on"]

    def __str__(self) -> str:
        return self.title


class FundingTranche(models.Model):
    """One instalment of a challenge's funding (分期拨付), released when paid."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="tranches")
    seq = models.PositiveSmallIntegerField(_("期次"))
    amount = models.DecimalField(_("金额（万元）"), max_digits=12, decimal_places=2)
    condition = models.CharField(_("拨付条件"), max_length=200)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "challenge__region__code"
    SCOPE_ORGANISATION = "challenge__issuer"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("经费拨付")
        verbose_name_plural = _("经费拨付")
        ordering = ["challenge_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["challenge", "seq"], name="innovation_tranche_seq")]

    def __str__(self) -> str:
        return _("第%(seq)d期 %(amount)s 万元") % {"seq": self.seq, "amount": self.amount}


# --- platforms and achievements -----------------------------------------------------------------


class InnovationPlatform(models.Model):
    """An innovation platform (创新平台) with its host and level."""

    class Kind(models.TextChoices):
        ENGINEERING_CENTRE = "engineering_centre", _("工程技术研究中心")
        KEY_LAB = "key_lab", _("重点实验室")
        ENTERPRISE_TECH_CENTRE = "enterprise_tech_centre", _("企业技术中心")
        NEW_RD_INSTITUTION = "new_rd_institution", _("新型研发机构")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        MUNICIPAL = "municipal", _("市级")

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    batch = models.PositiveSmallIntegerField(_("批次"), null=True, blank=True)
    recognised_on = models.DateField(_("认定/备案日期"))
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("依托单位"),
        on_delete=models.PROTECT,
        related_name="innovation_platforms",
    )
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    field = models.CharField(_("研究领域"), max_length=128, blank=True)
    history = HistoricalRecords()

    SCOPE_ORGANISATION = "host"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("创新平台")
        verbose_name_plural = _("创新平台")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class PlatformExpert(models.Model):
    """A lead expert of a platform (领衔专家): 院士, 长江学者 …"""

    class Honour(models.TextChoices):
        ACADEMICIAN = "academician", _("院士")
        CHANGJIANG = "changjiang", _("长江学者")
        OTHER = "other", _("其他专家")

    platform = models.ForeignKey(InnovationPlatform, on_delete=models.CASCADE, related_name="experts")
    person = models.ForeignKey(Person, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="+")
    honour = models.CharField(_("称号"), max_length=16, choices=Honour.choices)
    history = HistoricalRecords()

    SCOPE_REGION = "platform__region__code"
    SCOPE_ORGANISATION = "platform__host"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("领衔专家")
        verbose_name_plural = _("领衔专家")
        constraints = [models.UniqueConstraint(fields=["platform", "person"], name="innovation_expert_once")]

    def __str__(self) -> str:
        return f"{self.person}（{self.get_honour_display()}）"


class Achievement(models.Model):
    """A registered achievement: 科技成果登记, a standard led, a new product or device."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("科技成果登记")
        STANDARD = "standard", _("主导制定标准")
        PRODUCT = "product", _("新产品")
        DEVICE = "device", _("新设备")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    achieved_on = models.DateField(_("登记/发布日期"))
    reference = models.CharField(_("登记号/标准号"), max_length=64, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("完成单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    platform = models.ForeignKey(
        InnovationPlatform,
        verbose_name=_("所属平台"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="achievements",
    )
    history = HistoricalRecords()

    SCOPE_ORGANISATION = "organisation"
    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        ordering = ["-achieved_on", "title"]
        indexes = [models.Index(fields=["kind", "achieved_on"])]

    def __str__(self) -> str:
        return self.title
