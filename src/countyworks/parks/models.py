"""Program 4 — development-zone management (园区建设): investment, chains, projects, land, 五好园区.

Every record sits in a region (the zone's county, 431302 for 娄星经济开发区) and is audited
(simple-history). Figures the brief and the pages show are counted from these records by the
services and selectors; nothing stores a total. The rules are explained in
docs/rules/investment-attraction.md, docs/rules/land-disposal.md, docs/rules/mujun-huaian-2023.md and
docs/rules/wuhao-parks.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countyworks.core.models import Organisation, Person, Program, Region

PROGRAM = Program.PARKS
_POSITIVE = MinValueValidator(Decimal("0.01"))
_NON_NEGATIVE = MinValueValidator(Decimal("0"))


# --- industry chains ----------------------------------------------------------------------------


class Chain(models.Model):
    """An industry chain of the zone (钢铁新材, 节能环保 …), made of links."""

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    name = models.CharField(_("产业链"), max_length=64)
    lead_industry = models.BooleanField(_("主导产业"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["region_id", "-lead_industry", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="parks_chain_unique")]

    def __str__(self) -> str:
        return self.name


class ChainLink(models.Model):
    """One link (环节) of a chain, upstream, midstream or downstream."""

    class Position(models.TextChoices):
        UPSTREAM = "up", _("上游")
        MIDSTREAM = "mid", _("中游")
        DOWNSTREAM = "down", _("下游")

    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.CASCADE, related_name="links")
    position = models.CharField(_("位置"), max_length=4, choices=Position.choices)
    name = models.CharField(_("环节"), max_length=64)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    history = HistoricalRecords()

    SCOPE_REGION = "chain__region__code"

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["chain_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="parks_link_unique")]

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}"


class ChainEnterprise(models.Model):
    """An enterprise working in a chain link, with its 规上 (above designated size) flag."""

    link = models.ForeignKey(
        ChainLink, verbose_name=_("环节"), on_delete=models.CASCADE, related_name="enterprises"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="parks_links"
    )
    above_scale = models.BooleanField(_("规模以上"), default=False)
    history = HistoricalRecords()

    SCOPE_REGION = "link__chain__region__code"

    class Meta:
        verbose_name = _("链上企业")
        verbose_name_plural = _("链上企业")
        ordering = ["link_id", "-above_scale", "organisation_id"]
        constraints = [
            models.UniqueConstraint(fields=["link", "organisation"], name="parks_link_enterprise_unique")
        ]

    def __str__(self) -> str:
        return f"{self.link} · {self.organisation}"


# --- investment attraction ----------------------------------------------------------------------


class LeadTag(models.TextChoices):
    """Kinds of target investor (三类500强, 行业领军, 湘商回归)."""

    WORLD_500 = "world500", _("世界500强")
    CHINA_500 = "china500", _("中国500强")
    PRIVATE_500 = "private500", _("中国民营企业500强")
    INDUSTRY_LEADER = "leader", _("行业领军")
    XIANG_RETURN = "xiang", _("湘商回归")


class Stage(models.TextChoices):
    """Project stages in order (docs/rules/investment-attraction.md §1)."""

    NEGOTIATING = "negotiating", _("洽谈")
    SIGNED = "signed", _("签约")
    PERFORMING = "performing", _("履约")
    LANDED = "landed", _("落地")
    STARTED = "started", _("开工")
    PRODUCING = "producing", _("投产")
    FULL = "full", _("达产")


#: The date field of each stage, in stage order.
STAGE_DATES: tuple[tuple[Stage, str], ...] = (
    (Stage.NEGOTIATING, "negotiating_on"),
    (Stage.SIGNED, "signed_on"),
    (Stage.PERFORMING, "performing_on"),
    (Stage.LANDED, "landed_on"),
    (Stage.STARTED, "started_on"),
    (Stage.PRODUCING, "producing_on"),
    (Stage.FULL, "full_production_on"),
)


class InvestmentLead(models.Model):
    """A target company's project, from 洽谈 to 达产, with contracted and arrived funds (亿元)."""

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    name = models.CharField(_("项目名称"), max_length=128)
    company = models.ForeignKey(
        Organisation, verbose_name=_("投资方"), on_delete=models.PROTECT, related_name="parks_leads"
    )
    tags = models.JSONField(_("企业类别"), default=list, blank=True)
    chain_link = models.ForeignKey(
        ChainLink,
        verbose_name=_("补链环节"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    contracted_yi = models.DecimalField(
        _("合同引资（亿元）"), max_digits=12, decimal_places=4, default=Decimal(0), validators=[_NON_NEGATIVE]
    )
    funds_fixed_yi = models.DecimalField(
        _("到位资金·固定资产（亿元）"),
        max_digits=12,
        decimal_places=4,
        default=Decimal(0),
        validators=[_NON_NEGATIVE],
    )
    funds_working_yi = models.DecimalField(
        _("到位资金·流动资金（亿元）"),
        max_digits=12,
        decimal_places=4,
        default=Decimal(0),
        validators=[_NON_NEGATIVE],
    )
    negotiating_on = models.DateField(_("洽谈日期"), null=True, blank=True)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    performing_on = models.DateField(_("履约日期"), null=True, blank=True)
    landed_on = models.DateField(_("落地日期"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    producing_on = models.DateField(_("投产日期"), null=True, blank=True)
    full_production_on = models.DateField(_("达产日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["region_id", "-signed_on", "name"]
        indexes = [models.Index(fields=["region", "signed_on"], name="parks_lead_signed")]

    def __str__(self) -> str:
        return self.name

    @property
    def funds_in_place_yi(self) -> Decimal:
        """实际到位资金 = fixed assets + working capital."""
        return self.funds_fixed_yi + self.funds_working_yi

    @property
    def stage(self) -> Stage:
        """The furthest stage with a date."""
        reached = [stage for stage, attr in STAGE_DATES if getattr(self, attr) is not None]
        return reached[-1] if reached else Stage.NEGOTIATING

    def tag_labels(self) -> list[str]:
        return [str(LeadTag(t).label) for t in self.tags if t in LeadTag.values]

    def clean(self) -> None:
        from countyworks.parks.services.investment import check_lead

        check_lead(self)


# --- project construction -----------------------------------------------------------------------


class Project(models.Model):
    """A key construction project (重点项目) with its milestone plan and task force (工作专班)."""

    class Kind(models.TextChoices):
        INDUSTRIAL = "industrial", _("产业项目")
        INFRASTRUCTURE = "infrastructure", _("基础设施项目")

    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="parks_projects"
    )
    name = models.CharField(_("项目名称"), max_length=128)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.INDUSTRIAL)
    lead = models.OneToOneField(
        InvestmentLead,
        verbose_name=_("招商项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project",
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("业主单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    total_investment_yi = models.DecimalField(
        _("总投资（亿元）"), max_digits=12, decimal_places=4, default=Decimal(0), validators=[_NON_NEGATIVE]
    )
    provincial_key = models.BooleanField(_("省重点项目"), default=False)
    city_key = models.BooleanField(_("市重点项目"), default=False)
    task_force = models.ManyToManyField(Person, verbose_name=_("工作专班成员"), blank=True, related_name="+")
    history = HistoricalRecords(m2m_fields=[task_force])

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["region_id", "-provincial_key", "-city_key", "name"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """One node of a project's plan (场平, 地勘, 地下室/基础, 主体, 竣工, 投产): planned vs actual."""

    class Kind(models.TextChoices):
        LEVELLING = "levelling", _("场平")
        SURVEY = "survey", _("地勘")
        FOUNDATION = "foundation", _("地下室/基础")
        STRUCTURE = "structure", _("主体")
        COMPLETION = "completion", _("竣工")
        PRODUCTION = "production", _("投产")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("节点"), max_length=16, choices=Kind.choices)
    planned_on = models.DateField(_("计划日期"))
    actual_on = models.DateField(_("实际日期"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "project__region__code"

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project_id", "planned_on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="parks_milestone_unique")]
        indexes = [models.Index(fields=["planned_on"], name="parks_milestone_planned")]

    def __str__(self) -> str:
        return f"{self.project.name} · {self.get_kind_display()}"

    def delayed(self, today: date) -> bool:
        """Late: done after the planned date, or not done and the planned date has passed."""
        if self.actual_on is not None:
            return self.actual_on > self.planned_on
        return self.planned_on < today

    def delay_days(self, today: date) -> int:
        end = self.actual_on or today
        return max(0, (end - self.planned_on).days)


# --- land ---------------------------------------------------------------------------------------


class LandCategory(models.TextChoices):
    """The three kinds of land under clean-up (三类用地)."""

    UNSUPPLIED = "unsupplied", _("批而未供")
    IDLE = "idle", _("闲置土地")
    INEFFICIENT = "inefficient", _("低效用地")


class Parcel(models.Model):
    """A parcel in one of the three clean-up categories, as identified (认定) on a day."""

    class DelayCause(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业原因")
        GOVERNMENT = "government", _("政府原因")

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    code = models.CharField(_("地块编号"), max_length=32)
    category = models.CharField(_("类别"), max_length=16, choices=LandCategory.choices)
    area_mu = models.DecimalField(_("面积（亩）"), max_digits=12, decimal_places=2, validators=[_POSITIVE])
    location = models.CharField(_("坐落"), max_length=128, blank=True)
    planned_use = models.CharField(_("规划用途"), max_length=32, blank=True)
    identified_on = models.DateField(_("认定日期"))
    holder = models.ForeignKey(
        Organisation,
        verbose_name=_("使用权人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delay_cause = models.CharField(_("闲置原因"), max_length=16, choices=DelayCause.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("三类用地地块")
        verbose_name_plural = _("三类用地地块")
        ordering = ["region_id", "category", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="parks_parcel_unique")]
        indexes = [models.Index(fields=["region", "category", "identified_on"], name="parks_parcel_cat")]

    def __str__(self) -> str:
        return self.code


class DisposalKind(models.TextChoices):
    """Ways a parcel is disposed of; which count for which category: docs/rules/land-disposal.md §2."""

    SUPPLIED = "supplied", _("供地（划拨/出让）")
    WITHDRAWN = "withdrawn", _("撤回用地批准")
    FEE_RESTARTED = "fee_restarted", _("征缴闲置费后动工")
    RECOVERED = "recovered", _("收回")
    REVITALISED = "revitalised", _("盘活利用")
    REDEVELOPED = "redeveloped", _("再开发")
    TRANSFERRED = "transferred", _("转让")
    OTHER = "other", _("其他依法处置")


class DisposalAction(models.Model):
    """A disposal of (part of) a parcel on a day; the areas of a parcel's actions never exceed it."""

    parcel = models.ForeignKey(
        Parcel, verbose_name=_("地块"), on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField(_("处置方式"), max_length=16, choices=DisposalKind.choices)
    area_mu = models.DecimalField(
        _("处置面积（亩）"), max_digits=12, decimal_places=2, validators=[_POSITIVE]
    )
    disposed_on = models.DateField(_("处置日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "parcel__region__code"

    class Meta:
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")
        ordering = ["parcel_id", "disposed_on", "id"]
        indexes = [models.Index(fields=["disposed_on"], name="parks_disposal_on")]

    def __str__(self) -> str:
        return f"{self.parcel.code} · {self.get_kind_display()} {self.area_mu}亩"


class FactoryRevitalisation(models.Model):
    """Idle factory floor (闲置厂房, ㎡) put back to use, and the enterprises brought in."""

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    name = models.CharField(_("厂房"), max_length=128)
    floor_m2 = models.DecimalField(
        _("盘活面积（㎡）"), max_digits=12, decimal_places=2, validators=[_POSITIVE]
    )
    revitalised_on = models.DateField(_("盘活日期"))
    enterprises = models.ManyToManyField(
        Organisation, verbose_name=_("引进企业"), blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[enterprises])

    class Meta:
        verbose_name = _("闲置厂房盘活")
        verbose_name_plural = _("闲置厂房盘活")
        ordering = ["region_id", "revitalised_on"]

    def __str__(self) -> str:
        return self.name


# --- 亩均效益 -------------------------------------------------------------------------------------


class MujunClass(models.TextChoices):
    """The 亩均 classes; their local labels (优先发展类 …) are :class:`MujunPolicy` data."""

    A = "A", _("A类")
    B = "B", _("B类")
    C = "C", _("C类")
    D = "D", _("D类")
    T = "T", _("T类（不参评）")


class MujunPolicy(models.Model):
    """A differentiated measure for one class in one region (正向激励 + 反向倒逼), as data."""

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    klass = models.CharField(_("类别"), max_length=1, choices=MujunClass.choices)
    class_label = models.CharField(_("类别名称"), max_length=32)
    measure = models.CharField(_("政策措施"), max_length=200)
    local_default = models.BooleanField(_("本地默认值"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("亩均差别化政策")
        verbose_name_plural = _("亩均差别化政策")
        ordering = ["region_id", "klass", "id"]

    def __str__(self) -> str:
        return f"{self.klass} · {self.measure}"


class MujunResult(models.Model):
    """One enterprise's 亩均 evaluation of a year, as the rule set returned it."""

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="mujun_results"
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    ruleset = models.CharField(_("规则集"), max_length=32)
    group = models.CharField(_("分组"), max_length=16)
    score = models.DecimalField(_("综合得分"), max_digits=10, decimal_places=4, null=True, blank=True)
    rank = models.PositiveIntegerField(_("组内排名"), null=True, blank=True)
    group_size = models.PositiveIntegerField(_("组内参评数"), null=True, blank=True)
    klass = models.CharField(_("类别"), max_length=1, choices=MujunClass.choices)
    inputs = models.JSONField(_("评价数据"), default=dict)
    reasons = models.JSONField(_("评价依据"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("亩均评价结果")
        verbose_name_plural = _("亩均评价结果")
        ordering = ["region_id", "-year", "group", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "ruleset"], name="parks_mujun_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year} · {self.klass}"


# --- 五好园区 ------------------------------------------------------------------------------------


class ParkAssessment(models.Model):
    """The province's published 五好园区 result for a park and year (imported, never computed)."""

    class ParkClass(models.TextChoices):
        NATIONAL = "national", _("国家级园区")
        PROVINCIAL = "provincial", _("省级园区")

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    park = models.CharField(_("园区"), max_length=64)
    year = models.PositiveSmallIntegerField(_("考核年度"))
    park_class = models.CharField(_("园区类别"), max_length=16, choices=ParkClass.choices)
    score = models.DecimalField(_("综合得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("排名"), validators=[MinValueValidator(1)])
    parks_in_class = models.PositiveSmallIntegerField(_("同类园区数"), validators=[MinValueValidator(1)])
    title = models.CharField(_("称号"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("五好园区考核结果")
        verbose_name_plural = _("五好园区考核结果")
        ordering = ["region_id", "park", "year"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="parks_assessment_unique")]

    def __str__(self) -> str:
        return f"{self.park} {self.year}"

    def clean(self) -> None:
        if self.rank and self.parks_in_class and self.rank > self.parks_in_class:
            raise ValidationError({"rank": _("排名不能大于同类园区数")})


class AssessmentIndicator(models.Model):
    """A 五好 dimension indicator or a park-economy indicator, with its weight as data.

    The official weights are not published: every weight is a local default, editable.
    """

    class Group(models.TextChoices):
        FIVE_GOOD = "five_good", _("五好指标")
        ECONOMY = "economy", _("园区经济指标")

    code = models.CharField(_("代码"), max_length=32, unique=True)
    group = models.CharField(_("指标组"), max_length=16, choices=Group.choices)
    dimension = models.CharField(_("维度"), max_length=16, blank=True)
    name = models.CharField(_("指标"), max_length=64)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, validators=[_NON_NEGATIVE])
    history = HistoricalRecords()

    SCOPE_REGION = None

    class Meta:
        verbose_name = _("五好园区指标")
        verbose_name_plural = _("五好园区指标")
        ordering = ["group", "code"]

    def __str__(self) -> str:
        return self.name


class ParkIndicatorValue(models.Model):
    """The park's own value of an indicator for a year, against its target."""

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    indicator = models.ForeignKey(AssessmentIndicator, verbose_name=_("指标"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("完成值"), max_digits=14, decimal_places=4)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4, validators=[_POSITIVE])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("园区指标值")
        verbose_name_plural = _("园区指标值")
        ordering = ["region_id", "year", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator", "year"], name="parks_indicator_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"


# --- infrastructure (产城融合) -------------------------------------------------------------------


class Infrastructure(models.Model):
    """An infrastructure indicator with its target and the progress reached on a day."""

    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    name = models.CharField(_("指标"), max_length=64)
    unit = models.CharField(_("单位"), max_length=16)
    target = models.DecimalField(_("目标"), max_digits=14, decimal_places=2, validators=[_POSITIVE])
    actual = models.DecimalField(_("完成"), max_digits=14, decimal_places=2, validators=[_NON_NEGATIVE])
    as_of = models.DateField(_("截至日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("基础设施指标")
        verbose_name_plural = _("基础设施指标")
        ordering = ["region_id", "name", "-as_of"]

    def __str__(self) -> str:
        return self.name

    @property
    def progress_percent(self) -> Decimal:
        return (self.actual * 100 / self.target).quantize(Decimal("0.01"))

    @property
    def progress_class(self) -> int:
        """The progress bar's width class (whole percent, 0–100: the stylesheet has one per step)."""
        return int(min(Decimal(100), self.progress_percent).to_integral_value())
