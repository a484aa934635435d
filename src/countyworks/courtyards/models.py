"""Program 5 — beautiful courtyards (美丽庭院): courtyards, households, monthly hygiene inspections.

A courtyard (院落) is a core :class:`~countyworks.core.models.Region` of level ``courtyard`` whose
14-digit code extends its village's 12 (docs/design.md#core-model); :class:`Courtyard` adds what
the program knows about it. Households are core :class:`~countyworks.core.models.Household` rows
placed in the courtyard; :class:`HouseholdProfile` adds their special circumstances and the
village's assistance flag. Every inspection is scored on a versioned :class:`ScoreSheet`
(docs/rules/courtyard-hygiene.md); totals and stars are stored with the inspection so a later
sheet version never rewrites last year's results. Every model keeps its history (who changed
what, before → after), so a corrected inspection keeps the version it replaced.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countyworks.core.models import Household, Program, Region

PROGRAM = Program.COURTYARDS


# --- courtyards, households, committee --------------------------------------------------------------


class Courtyard(models.Model):
    """What the program records about one courtyard region (下南冲院落 …)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划创建")
        BUILDING = "building", _("创建中")
        DEMONSTRATION = "demonstration", _("示范院落")

    region = models.OneToOneField(
        Region, verbose_name=_("院落"), on_delete=models.PROTECT, related_name="courtyard"
    )
    status = models.CharField(_("创建状态"), max_length=16, choices=Status.choices, default=Status.BUILDING)
    started_on = models.DateField(_("开始创建"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("院落")
        verbose_name_plural = _("院落")
        ordering = ["region_id"]

    def __str__(self) -> str:
        return self.region.name

    @property
    def village_code(self) -> str:
        return self.region_id[:12]


class HouseholdProfile(models.Model):
    """A household's special circumstances and whether the village flags it for assistance."""

    household = models.OneToOneField(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="courtyard_profile"
    )
    circumstances = models.CharField(_("特殊情况"), max_length=200, blank=True)
    needs_assistance = models.BooleanField(_("帮扶户"), default=False)
    flagged_on = models.DateField(_("列为帮扶户日期"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "household__region__code"

    class Meta:
        verbose_name = _("农户情况")
        verbose_name_plural = _("农户情况")

    def __str__(self) -> str:
        return str(self.household)


class CommitteeMember(models.Model):
    """A member of the courtyard management committee (院落管理委员会), elected by the villagers."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("主任")
        VICE_CHAIR = "vice_chair", _("副主任")
        INSPECTOR = "inspector", _("卫生监督员")
        MEMBER = "member", _("委员")

    courtyard = models.ForeignKey(
        Courtyard, verbose_name=_("院落"), on_delete=models.CASCADE, related_name="committee"
    )
    name = models.CharField(_("姓名"), max_length=32)
    role = models.CharField(_("职务"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    household = models.ForeignKey(
        Household, verbose_name=_("所在农户"), null=True, blank=True, on_delete=models.SET_NULL
    )
    elected_on = models.DateField(_("推选日期"))
    history = HistoricalRecords()

    SCOPE_REGION = "courtyard__region__code"

    class Meta:
        verbose_name = _("院落管理委员会成员")
        verbose_name_plural = _("院落管理委员会成员")
        ordering = ["courtyard_id", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class Duty(models.Model):
    """One of a household's 门前三包 responsibilities, with the stretch it covers."""

    class Kind(models.TextChoices):
        HYGIENE = "hygiene", _("包卫生")
        GREENERY = "greenery", _("包绿化")
        ORDER = "order", _("包秩序")

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="courtyard_duties"
    )
    kind = models.CharField(_("责任"), max_length=16, choices=Kind.choices)
    area = models.CharField(_("责任区域"), max_length=100)
    history = HistoricalRecords()

    SCOPE_REGION = "household__region__code"

    class Meta:
        verbose_name = _("门前三包责任")
        verbose_name_plural = _("门前三包责任")
        ordering = ["household_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["household", "kind"], name="courtyards_duty_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.area}"


# --- score sheets --------------------------------------------------------------------------------------


class ScoreSheet(models.Model):
    """A versioned monthly hygiene sheet of an area (a county's default, or a village's own).

    The sheet that applies to a household in a month is the latest version, effective by then,
    of the most specific area containing it (docs/rules/courtyard-hygiene.md §1).
    """

    region = models.ForeignKey(Region, verbose_name=_("适用区域"), on_delete=models.PROTECT)
    version = models.PositiveSmallIntegerField(_("版本"))
    effective_from = models.DateField(_("生效月份"))
    title = models.CharField(_("名称"), max_length=100)
    violation_deduction = models.DecimalField(
        _("每处门前三包违规扣分"),
        default=Decimal(5),
        validators=[MinValueValidator(0)],
        max_digits=5,
        decimal_places=1,
    )
    is_local_default = models.BooleanField(_("本地默认标准"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["region_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="courtyards_sheet_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class ScoreItem(models.Model):
    """One line of a sheet: what is checked, its maximum and how points are deducted."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("评分表"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.SlugField(_("代码"), max_length=32)
    label = models.CharField(_("评分项"), max_length=40)
    max_points = models.DecimalField(
        _("满分"), validators=[MinValueValidator(0)], max_digits=5, decimal_places=1
    )
    deduction_rule = models.CharField(_("扣分标准"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    history = HistoricalRecords()

    SCOPE_REGION = "sheet__region__code"

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["sheet_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["sheet", "code"], name="courtyards_item_once")]

    def __str__(self) -> str:
        return self.label


class StarRule(models.Model):
    """A star cut of a sheet: a total of at least ``min_score`` earns ``stars`` (以上 includes the cut)."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("评分表"), on_delete=models.CASCADE, related_name="stars"
    )
    stars = models.PositiveSmallIntegerField(
        _("星级"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    min_score = models.DecimalField(_("最低分"), max_digits=5, decimal_places=1)
    history = HistoricalRecords()

    SCOPE_REGION = "sheet__region__code"

    class Meta:
        verbose_name = _("星级标准")
        verbose_name_plural = _("星级标准")
        ordering = ["sheet_id", "-stars"]
        constraints = [models.UniqueConstraint(fields=["sheet", "stars"], name="courtyards_star_once")]

    def __str__(self) -> str:
        return f"★{self.stars} ≥ {self.min_score}"


# --- inspections -----------------------------------------------------------------------------------------


def first_of_month(day: date) -> date:
    return day.replace(day=1)


class Inspection(models.Model):
    """One household's monthly hygiene inspection: one per household and month (a correction edits it,
    and its history keeps the version it replaced)."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="courtyard_inspections"
    )
    month = models.DateField(_("评比月份"))
    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("评分表"), on_delete=models.PROTECT)
    inspected_on = models.DateField(_("检查日期"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    violations = models.PositiveSmallIntegerField(_("门前三包违规（处）"), default=0)
    notes = models.TextField(_("备注"), blank=True)
    total = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    stars = models.PositiveSmallIntegerField(_("星级"), default=0)
    #: The offline form's own id for the entry, so a re-sent entry is recognised, not duplicated.
    client_key = models.CharField(_("表单编号"), max_length=64, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "household__region__code"

    class Meta:
        verbose_name = _("月度卫生评比")
        verbose_name_plural = _("月度卫生评比")
        ordering = ["-month", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "month"], name="courtyards_inspection_once_a_month"),
            models.UniqueConstraint(
                fields=["client_key"], condition=~Q(client_key=""), name="courtyards_inspection_client_key"
            ),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.household} · {self.month:%Y-%m}"


class ItemScore(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("评比"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(ScoreItem, verbose_name=_("评分项"), on_delete=models.PROTECT)
    points = models.DecimalField(_("得分"), validators=[MinValueValidator(0)], max_digits=5, decimal_places=1)
    history = HistoricalRecords()

    SCOPE_REGION = "inspection__household__region__code"

    class Meta:
        verbose_name = _("评分项得分")
        verbose_name_plural = _("评分项得分")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="courtyards_score_once")]

    def __str__(self) -> str:
        return f"{self.item} {self.points}"


class Photo(models.Model):
    """A photo of an inspection (one per deduction) or of a work before/after; checked by content."""

    class Stage(models.TextChoices):
        INSPECTION = "inspection", _("检查")
        BEFORE = "before", _("改造前")
        AFTER = "after", _("改造后")

    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    item = models.ForeignKey(
        ScoreItem, verbose_name=_("评分项"), null=True, blank=True, on_delete=models.SET_NULL
    )
    work = models.ForeignKey("Work", null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("类别"), max_length=16, choices=Stage.choices, default=Stage.INSPECTION)
    file = models.FileField(_("照片"), upload_to="courtyards/%Y/%m/")
    content_type = models.CharField(_("类型"), max_length=32)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    #: The courtyard's code (an inspection's household or a work's courtyard), copied for scoping.
    region_code = models.CharField(max_length=16, db_index=True, editable=False)
    history = HistoricalRecords()

    SCOPE_REGION = "region_code"

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False, work__isnull=True)
                | Q(inspection__isnull=True, work__isnull=False),
                name="courtyards_photo_one_owner",
            )
        ]

    def __str__(self) -> str:
        """The file's own name, not its storage path (``courtyards/2023/06/…``)."""
        return gettext("文件 %(name)s") % {"name": PurePosixPath(self.file.name or "").name}


# --- points and the 积分超市 ------------------------------------------------------------------------------


class PointsRule(models.Model):
    """How an area credits inspections to the points ledger (文明积分): points per star earned in a
    month, and the bonus of an annual top-ten award. Local defaults, editable per village."""

    region = models.ForeignKey(Region, verbose_name=_("适用区域"), on_delete=models.PROTECT)
    effective_from = models.DateField(_("生效月份"))
    points_per_star = models.PositiveSmallIntegerField(_("每颗星积分"), default=2)
    top_ten_bonus = models.PositiveSmallIntegerField(_("年度前十名奖励积分"), default=20)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["region_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="courtyards_points_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.effective_from:%Y-%m}"


class ShopItem(models.Model):
    """Goods of a village's 积分超市: their price in points and the stock on the shelf."""

    region = models.ForeignKey(Region, verbose_name=_("所属村"), on_delete=models.PROTECT)
    name = models.CharField(_("商品"), max_length=40)
    points_price = models.PositiveIntegerField(_("兑换积分"), validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(_("库存"), default=0)
    active = models.BooleanField(_("上架"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("积分超市商品")
        verbose_name_plural = _("积分超市商品")
        ordering = ["region_id", "points_price", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="courtyards_shop_item_once")]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ShopItem, verbose_name=_("商品"), on_delete=models.PROTECT, related_name="redemptions"
    )
    quantity = models.PositiveSmallIntegerField(_("数量"), validators=[MinValueValidator(1)])
    points = models.PositiveIntegerField(_("扣减积分"))
    redeemed_on = models.DateField(_("兑换日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    SCOPE_REGION = "household__region__code"

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-redeemed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.household} · {self.item} × {self.quantity}"


class Award(models.Model):
    """A top-ten award of the annual overall evaluation (年底总评比)."""

    courtyard = models.ForeignKey(
        Courtyard, verbose_name=_("院落"), on_delete=models.PROTECT, related_name="awards"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("名次"))
    annual_score = models.DecimalField(_("年度平均分"), max_digits=7, decimal_places=3)
    prize = models.CharField(_("奖励"), max_length=100)
    history = HistoricalRecords()

    SCOPE_REGION = "courtyard__region__code"

    class Meta:
        verbose_name = _("年度奖励")
        verbose_name_plural = _("年度奖励")
        ordering = ["courtyard_id", "-year", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["courtyard", "year", "household"], name="courtyards_award_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.rank} {self.household}"


class PointsEntry(models.Model):
    """One line of a household's points ledger; the running balance never goes below zero."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("月度评比")
        AWARD = "award", _("年度奖励")
        REDEMPTION = "redemption", _("积分兑换")

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="courtyard_points"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    points = models.IntegerField(_("积分变动"))
    balance = models.PositiveIntegerField(_("余额"))
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    redemption = models.ForeignKey(
        Redemption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    SCOPE_REGION = "household__region__code"

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = _("积分明细")
        ordering = ["household_id", "id"]

    def __str__(self) -> str:
        return f"{self.household} {self.points:+d}"


# --- assistance and works ------------------------------------------------------------------------------


class Assistance(models.Model):
    """Help given to a household in difficulty: what was done, by whom, when, and what it cost."""

    class Kind(models.TextChoices):
        LABOUR = "labour", _("投工投劳")
        MATERIALS = "materials", _("物资")
        MONEY = "money", _("资金")
        REPAIR = "repair", _("修缮")
        CLEANING = "cleaning", _("清扫整治")

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="courtyard_assistance"
    )
    helped_on = models.DateField(_("日期"))
    kind = models.CharField(_("帮扶方式"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("帮扶内容"), max_length=200)
    helpers = models.CharField(_("帮扶人"), max_length=100)
    labour_days = models.DecimalField(_("投工（工日）"), default=Decimal(0), max_digits=5, decimal_places=1)
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, default=Decimal(0))
    history = HistoricalRecords()

    SCOPE_REGION = "household__region__code"

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["-helped_on", "-id"]

    def __str__(self) -> str:
        return self.description


class Work(models.Model):
    """An improvement work of a courtyard: a removal (旱厕, 空心房) or a new facility."""

    class Kind(models.TextChoices):
        DRY_TOILET = "dry_toilet", _("拆除旱厕")
        HOLLOW_HOUSE = "hollow_house", _("拆除空心房")
        PAVILION = "pavilion", _("修建凉亭")
        FLOWER_BED = "flower_bed", _("增建花圃")
        FENCE = "fence", _("菜园围栏")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        IN_PROGRESS = "in_progress", _("施工中")
        DONE = "done", _("已完成")

    courtyard = models.ForeignKey(
        Courtyard, verbose_name=_("院落"), on_delete=models.PROTECT, related_name="works"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=100)
    household = models.ForeignKey(
        Household,
        verbose_name=_("涉及农户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    cost_yuan = models.DecimalField(_("费用（元）"), max_digits=12, decimal_places=2, default=Decimal(0))
    labour_days = models.DecimalField(_("投工（工日）"), default=Decimal(0), max_digits=5, decimal_places=1)
    history = HistoricalRecords()

    SCOPE_REGION = "courtyard__region__code"

    class Meta:
        verbose_name = _("改造工程")
        verbose_name_plural = _("改造工程")
        ordering = ["courtyard_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False) | ~Q(status="done"),
                name="courtyards_work_done_dated",
            )
        ]

    def __str__(self) -> str:
        return self.title
