"""Alliances data: the alliance and its branch, members and their supply, service requests, orders,
benefit-linkage contracts with their ledger, and village collective income.

Money is stored in fen (integers); rates and shares are percentages as ``Decimal`` (``5`` = 5 %).
Every model keeps simple-history records, so each change says who made it and what it was before.
Scoping (``core/scoping.py``): an alliance and everything hanging from it lie in the alliance's town;
a village's income lies in the village.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countyworks.core.models import Household, Organisation, Person, Program, Region

PROGRAM = Program.ALLIANCES
_ZERO = Decimal(0)


class ChainLink(models.TextChoices):
    """Where a member sits on the industry chain (产业链环节)."""

    BREEDING = "breeding", _("养殖")
    PLANTING = "planting", _("种植")
    INPUTS = "inputs", _("苗种农资")
    PROCESSING = "processing", _("加工")
    LOGISTICS = "logistics", _("物流")
    SALES = "sales", _("销售")
    CATERING = "catering", _("餐饮")
    LODGING = "lodging", _("住宿")


class ServiceCategory(models.TextChoices):
    """What a member asks the alliance for (技术、资源、销路、融资)."""

    TECHNOLOGY = "technology", _("技术")
    RESOURCES = "resources", _("资源")
    SALES = "sales", _("销路")
    FINANCE = "finance", _("融资")


#: The departments a new alliance gets, with the request categories each handles.
DEFAULT_DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("技术服务", (ServiceCategory.TECHNOLOGY, ServiceCategory.RESOURCES)),
    ("品牌销售", (ServiceCategory.SALES, ServiceCategory.FINANCE)),
)

#: Member kinds an alliance takes in: enterprises, cooperatives, family farms, individual households.
MEMBER_KINDS = (
    Organisation.Kind.ENTERPRISE,
    Organisation.Kind.COOPERATIVE,
    Organisation.Kind.FAMILY_FARM,
    Organisation.Kind.INDIVIDUAL,
)


class Alliance(models.Model):
    """An industry alliance of one town spanning its villages, with its 两新党支部."""

    name = models.CharField(_("联盟名称"), max_length=64)
    region = models.ForeignKey(Region, verbose_name=_("所在乡镇"), on_delete=models.PROTECT)
    industry = models.CharField(_("主导产业"), max_length=64)
    villages = models.ManyToManyField(Region, verbose_name=_("覆盖村"), blank=True, related_name="+")
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    branch_name = models.CharField(_("联盟党支部"), max_length=64, blank=True)
    secretary = models.ForeignKey(
        Person,
        verbose_name=_("专职党支部书记"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    guide = models.ForeignKey(
        Person,
        verbose_name=_("联盟指导员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chain = models.ForeignKey(
        "workflow.EscalationChain",
        verbose_name=_("服务请求升级链"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[villages])

    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("产业联盟")
        verbose_name_plural = _("产业联盟")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department of an alliance (技术服务, 品牌销售 …): handles requests of its categories for free."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("部门名称"), max_length=32)
    categories = models.JSONField(_("受理类别"), default=list, blank=True)
    post = models.ForeignKey(
        "workflow.Post",
        verbose_name=_("受理岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "alliance__region__code"

    class Meta:
        verbose_name = _("联盟部门")
        verbose_name_plural = _("联盟部门")
        ordering = ["alliance_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "name"], name="alliances_department_unique")
        ]

    def __str__(self) -> str:
        return f"{self.alliance.name}{self.name}部"

    def clean(self) -> None:
        unknown = [c for c in self.categories if c not in ServiceCategory.values]
        if unknown:
            raise ValidationError({"categories": _("未知的受理类别：%(c)s") % {"c": "、".join(unknown)}})


class BranchMember(models.Model):
    """A party member of the alliance's branch (支部党员)."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="branch_members"
    )
    person = models.ForeignKey(Person, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("支部职务"), max_length=32, blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "alliance__region__code"

    class Meta:
        verbose_name = _("支部党员")
        verbose_name_plural = _("支部党员")
        ordering = ["alliance_id", "pk"]

    def __str__(self) -> str:
        return str(self.person)


class Activity(models.Model):
    """One entry of an alliance's activity log: a meeting, a training, a visit, a service given."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("支部会议")
        TRAINING = "training", _("技术培训")
        VISIT = "visit", _("走访调研")
        SERVICE = "service", _("上门服务")

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=128)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    notes = models.TextField(_("记录"), blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "alliance__region__code"

    class Meta:
        verbose_name = _("联盟活动")
        verbose_name_plural = _("联盟活动")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Product(models.Model):
    """A product the alliances trade (新河鱼 草鱼, 民宿客房 …) with its unit; reference data."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("产品"), max_length=32, unique=True)
    unit = models.CharField(_("计量单位"), max_length=8)
    history = HistoricalRecords()

    SCOPE_REGION = None

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Grade(models.TextChoices):
    """Product grades, best first: a better grade may fill an order for a lower one."""

    PREMIUM = "premium", _("特级")
    FIRST = "first", _("一级")
    SECOND = "second", _("二级")


#: Grade rank, 0 = best.
GRADE_RANK = {grade: rank for rank, grade in enumerate(Grade.values)}


class Member(models.Model):
    """An enterprise, cooperative, family farm or individual household in an alliance, at one chain link."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="+"
    )
    chain_link = models.CharField(_("产业链环节"), max_length=16, choices=ChainLink.choices)
    village = models.ForeignKey(Region, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+")
    products = models.ManyToManyField(Product, verbose_name=_("产品"), blank=True, related_name="+")
    joined_on = models.DateField(_("入盟日期"), null=True, blank=True)
    x_km = models.DecimalField(_("位置东向(km)"), max_digits=8, decimal_places=2, default=_ZERO)
    y_km = models.DecimalField(_("位置北向(km)"), max_digits=8, decimal_places=2, default=_ZERO)
    history = HistoricalRecords(m2m_fields=[products])

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "alliance__region__code"

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering = ["alliance_id", "chain_link", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "organisation"], name="alliances_member_unique")
        ]

    def __str__(self) -> str:
        return self.organisation.name

    def clean(self) -> None:
        if self.organisation_id and self.organisation.kind not in MEMBER_KINDS:
            raise ValidationError({"organisation": _("联盟成员须为企业、合作社、家庭农场或个体户")})
        if self.alliance_id and self.village_id and not self.village_id.startswith(self.alliance.region_id):
            raise ValidationError({"village": _("成员所在村须在联盟所在乡镇内")})


class Capacity(models.Model):
    """What a member can supply (or needs as input, 本地配套) of a product and grade in a period."""

    class Direction(models.TextChoices):
        SUPPLY = "supply", _("可供")
        NEED = "need", _("需求")

    member = models.ForeignKey(
        Member, verbose_name=_("成员"), on_delete=models.CASCADE, related_name="capacities"
    )
    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("等级"), max_length=8, choices=Grade.choices, default=Grade.FIRST)
    direction = models.CharField(_("供需"), max_length=8, choices=Direction.choices, default=Direction.SUPPLY)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    quantity = models.DecimalField(
        _("数量"), max_digits=14, decimal_places=2, validators=[MinValueValidator(_ZERO)]
    )
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "member__alliance__region__code"

    class Meta:
        verbose_name = _("产能与需求")
        verbose_name_plural = _("产能与需求")
        ordering = ["member_id", "starts_on"]

    def __str__(self) -> str:
        return f"{self.member} {self.product} {self.quantity}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("截止日期不能早于起始日期")})


class ServiceRequest(models.Model):
    """A member's request for a free service, handled as a workflow ticket routed to a department."""

    member = models.ForeignKey(
        Member, verbose_name=_("成员"), on_delete=models.CASCADE, related_name="requests"
    )
    category = models.CharField(_("类别"), max_length=16, choices=ServiceCategory.choices)
    title = models.CharField(_("事项"), max_length=128)
    description = models.TextField(_("说明"), blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("受理部门"), on_delete=models.PROTECT, related_name="+"
    )
    ticket = models.OneToOneField(
        "workflow.Ticket",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    rating = models.PositiveSmallIntegerField(
        _("成员评价"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("评价意见"), max_length=200, blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "member__alliance__region__code"

    class Meta:
        verbose_name = _("服务请求")
        verbose_name_plural = _("服务请求")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class BuyerOrder(models.Model):
    """A buyer's order (e.g. from Guangdong) for a product and grade, allocated over members' supply."""

    class Status(models.TextChoices):
        OPEN = "open", _("待分配")
        ALLOCATED = "allocated", _("已分配")
        CONFIRMED = "confirmed", _("成员已确认")
        DELIVERED = "delivered", _("已交付")
        UNFILLABLE = "unfillable", _("无法供货")

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="orders"
    )
    code = models.CharField(_("订单号"), max_length=32)
    buyer = models.CharField(_("采购方"), max_length=64)
    destination = models.CharField(_("收货地"), max_length=64)
    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("等级"), max_length=8, choices=Grade.choices, default=Grade.FIRST)
    quantity = models.DecimalField(
        _("数量"), max_digits=14, decimal_places=2, validators=[MinValueValidator(_ZERO)]
    )
    price_fen = models.BigIntegerField(_("单价(分)"), validators=[MinValueValidator(0)])
    local_price_fen = models.BigIntegerField(_("本地同日市价(分)"), null=True, blank=True)
    window_start = models.DateField(_("交货起始"))
    window_end = models.DateField(_("交货截止"))
    x_km = models.DecimalField(_("收货地东向(km)"), max_digits=8, decimal_places=2, default=_ZERO)
    y_km = models.DecimalField(_("收货地北向(km)"), max_digits=8, decimal_places=2, default=_ZERO)
    freight_fen_per_km = models.DecimalField(
        _("运费(分/单位·km)"), max_digits=8, decimal_places=4, default=_ZERO
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    flag = models.CharField(_("无法供货原因"), max_length=200, blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "alliance__region__code"

    class Meta:
        verbose_name = _("采购订单")
        verbose_name_plural = _("采购订单")
        ordering = ["window_start", "code"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "code"], name="alliances_order_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.buyer}"

    def clean(self) -> None:
        if self.window_start and self.window_end and self.window_end < self.window_start:
            raise ValidationError({"window_end": _("交货截止日期不能早于起始日期")})


class Allocation(models.Model):
    """The quantity one member supplies to one order, as the allocation LP decided; confirmed by the member."""

    order = models.ForeignKey(
        BuyerOrder, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="allocations"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="allocations"
    )
    capacity = models.ForeignKey(Capacity, verbose_name=_("产能"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("分配数量"), max_digits=14, decimal_places=2)
    freight_fen = models.BigIntegerField(_("运费(分)"), default=0)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "order__alliance__region__code"

    class Meta:
        verbose_name = _("订单分配")
        verbose_name_plural = _("订单分配")
        ordering = ["order_id", "member_id"]

    def __str__(self) -> str:
        return f"{self.order.code} ← {self.member} {self.quantity}"


class Delivery(models.Model):
    """A delivery against an allocation, and the payment received for it."""

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("分配"), on_delete=models.CASCADE, related_name="deliveries"
    )
    delivered_on = models.DateField(_("交付日期"))
    quantity = models.DecimalField(
        _("交付数量"), max_digits=14, decimal_places=2, validators=[MinValueValidator(_ZERO)]
    )
    paid_on = models.DateField(_("收款日期"), null=True, blank=True)
    paid_fen = models.BigIntegerField(_("收款金额(分)"), default=0, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "allocation__order__alliance__region__code"

    class Meta:
        verbose_name = _("交付与收款")
        verbose_name_plural = _("交付与收款")
        ordering = ["-delivered_on"]

    def __str__(self) -> str:
        return f"{self.allocation} {self.delivered_on}"


class ContractType(models.TextChoices):
    """The benefit-linkage models (利益联结机制); formulas in docs/rules/benefit-linkage.md."""

    FLOOR_DIVIDEND = "floor_dividend", _("保底分红")
    FIXED_DIVIDEND = "fixed_dividend", _("固定分红")
    SHARE_DIVIDEND = "share_dividend", _("按股分红")
    SECOND_REBATE = "second_rebate", _("二次返利")
    ORDER_PURCHASE = "order_purchase", _("订单收购")
    LAND_RENT = "land_rent", _("土地流转")
    EMPLOYMENT = "employment", _("就业带动")
    COLLECTIVE_FEE = "collective_fee", _("村集体服务费")
    RETENTION_SPLIT = "retention_split", _("提留分配")


class Contract(models.Model):
    """A benefit-linkage contract between an enterprise or cooperative and collectives and households.

    ``collective`` is the village collective whose account receives the rounding remainder (and
    the retention of a 提留分配 contract); the parties and their shares are :class:`ContractParty`.
    """

    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("联盟"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("合同编号"), max_length=32, unique=True)
    kind = models.CharField(_("联结方式"), max_length=16, choices=ContractType.choices)
    payer = models.ForeignKey(
        Organisation, verbose_name=_("经营主体"), on_delete=models.PROTECT, related_name="+"
    )
    collective = models.ForeignKey(
        Organisation, verbose_name=_("村集体经济组织"), on_delete=models.PROTECT, related_name="+"
    )
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("截止年度"), null=True, blank=True)
    principal_fen = models.BigIntegerField(_("入股或量化资金(分)"), null=True, blank=True)
    rate_pct = models.DecimalField(_("年收益率(%)"), max_digits=7, decimal_places=4, null=True, blank=True)
    area_mu = models.DecimalField(_("面积(亩)"), max_digits=12, decimal_places=2, null=True, blank=True)
    per_mu_fen = models.BigIntegerField(_("每亩金额(分/亩/年)"), null=True, blank=True)
    profit_share_pct = models.DecimalField(
        _("利润分配比例(%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    cap_fen = models.BigIntegerField(_("年度封顶(分)"), null=True, blank=True)
    protective_price_fen = models.BigIntegerField(_("保护价(分/单位)"), null=True, blank=True)
    premium_pct = models.DecimalField(_("溢价(%)"), max_digits=7, decimal_places=4, null=True, blank=True)
    step_pct = models.DecimalField(_("递增比例(%)"), max_digits=7, decimal_places=4, null=True, blank=True)
    step_years = models.PositiveSmallIntegerField(_("递增周期(年)"), null=True, blank=True)
    daily_wage_fen = models.BigIntegerField(_("日工资(分)"), null=True, blank=True)
    distributed_pct = models.DecimalField(
        _("分配比例(%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("利益联结合同")
        verbose_name_plural = _("利益联结合同")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()}"


class ContractParty(models.Model):
    """A beneficiary of a contract (a collective, a household, an enterprise) and its share.

    ``share_pct``: its percentage of the amount shared out (all parties' sum to 100), or blank
    with ``units`` (persons, 股数) for an equal split per unit. ``floor_share_pct``: its share of
    the floor when the floor is split differently from the rest (二次返利).
    """

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("村集体")
        HOUSEHOLD = "household", _("农户")
        ENTERPRISE = "enterprise", _("企业")

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="parties"
    )
    name = models.CharField(_("受益方"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    share_pct = models.DecimalField(_("分配比例(%)"), max_digits=9, decimal_places=6, null=True, blank=True)
    units = models.PositiveIntegerField(_("份数"), null=True, blank=True)
    floor_share_pct = models.DecimalField(
        _("保底分配比例(%)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "contract__region__code"

    class Meta:
        verbose_name = _("合同受益方")
        verbose_name_plural = _("合同受益方")
        ordering = ["contract_id", "pk"]

    def __str__(self) -> str:
        return self.name


class SettlementInput(models.Model):
    """One year's inputs of a contract (or of one party, for days worked)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="inputs"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    party = models.ForeignKey(
        ContractParty,
        verbose_name=_("受益方"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    profit_fen = models.BigIntegerField(_("年度利润(分)"), null=True, blank=True)
    volume = models.DecimalField(_("收购量"), max_digits=14, decimal_places=2, null=True, blank=True)
    market_price_fen = models.BigIntegerField(_("市场价(分/单位)"), null=True, blank=True)
    land_area_mu = models.DecimalField(
        _("流转面积(亩)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    days_worked = models.DecimalField(_("务工天数"), max_digits=8, decimal_places=1, null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "contract__region__code"

    class Meta:
        verbose_name = _("结算依据")
        verbose_name_plural = _("结算依据")
        ordering = ["contract_id", "year", "party_id"]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.year}"


class LedgerEntry(models.Model):
    """One payout of an annual settlement: who receives how much under which contract and component."""

    class Component(models.TextChoices):
        FLOOR = "floor", _("保底")
        SHARE = "share", _("分红")
        REBATE = "rebate", _("二次返利")
        PURCHASE = "purchase", _("收购款")
        RENT = "rent", _("流转租金")
        WAGES = "wages", _("务工工资")
        FEE = "fee", _("服务费")
        RETENTION = "retention", _("集体提留")
        ROUNDING = "rounding", _("分位尾差")

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="ledger"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    party = models.ForeignKey(
        ContractParty,
        verbose_name=_("受益方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payee = models.CharField(_("收款方"), max_length=64)
    payee_kind = models.CharField(_("收款方类型"), max_length=16, choices=ContractParty.Kind.choices)
    village = models.ForeignKey(
        Region,
        verbose_name=_("收款村集体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("收款方为村集体时，其所在村：计入该村集体经营性收入"),
    )
    component = models.CharField(_("款项"), max_length=16, choices=Component.choices)
    amount_fen = models.BigIntegerField(_("金额(分)"))
    settled_at = models.DateTimeField(_("结算时间"), default=timezone.now)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    SCOPE_REGION = "contract__region__code"

    class Meta:
        verbose_name = _("结算台账")
        verbose_name_plural = _("结算台账")
        ordering = ["contract_id", "year", "pk"]
        indexes = [models.Index(fields=["year", "contract"], name="alliances_ledger_year")]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.year} {self.payee}"


class IncomeSource(models.TextChoices):
    """Sources of a village collective's income; all but 补助收入 are operating income (经营性收入)."""

    OPERATING = "operating", _("经营收入")
    CONTRACTING = "contracting", _("发包及上交收入")
    INVESTMENT = "investment", _("投资收益")
    OTHER_OPERATING = "other_operating", _("其他经营收入")
    SUBSIDY = "subsidy", _("补助收入")


#: Sources counted as operating income (补助收入 is not).
OPERATING_SOURCES = frozenset(
    {IncomeSource.OPERATING, IncomeSource.CONTRACTING, IncomeSource.INVESTMENT, IncomeSource.OTHER_OPERATING}
)


class VillageIncome(models.Model):
    """A village collective's income of one year from one source, as booked (ledger inflows come on top)."""

    region = models.ForeignKey(Region, verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("收入来源"), max_length=16, choices=IncomeSource.choices)
    amount_fen = models.BigIntegerField(_("金额(分)"), validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    SCOPE_PROGRAM = PROGRAM

    class Meta:
        verbose_name = _("村集体收入")
        verbose_name_plural = _("村集体收入")
        ordering = ["region_id", "year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "source"], name="alliances_village_income_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.get_source_display()}"
