"""New-energy monitoring data: stations, devices, measurement points, telemetry, alarms, plans.

Configuration and the records people edit (stations, devices, points, alarm rules, alarms, projects,
boiler replacements, dispatch scenarios) carry ``history = HistoricalRecords()``, so every change is
audited. The telemetry tables (:class:`Measurement`, :class:`Rollup`, :class:`PointLatest`,
:class:`QuarantinedMessage`) are machine-written streams, not edited records: they are idempotent by
key instead (a redelivered reading is a no-op) and carry no history.

Units (docs/rules/energy-statistics.md §2): station figures in MW / MWh, device points in kW (``P_kW``), energy
integrals of a kW point in kWh. Timestamps are aware, stored in UTC, shown in Asia/Shanghai.
Sign convention of active power: positive = delivered to the grid (generation, storage discharge),
negative = drawn from the grid (storage charge).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countyworks.core.models import Organisation, Person, Region

_FRACTION = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class StationKind(models.TextChoices):
    WIND = "wind", _("风电场")
    PV_GROUND = "pv_ground", _("集中式光伏")
    PV_FISHERY = "pv_fishery", _("渔光互补光伏")
    PV_ROOFTOP = "pv_rooftop", _("分布式光伏")
    BIOMASS = "biomass", _("生物质发电")
    HYDRO = "hydro", _("小水电")
    STORAGE = "storage", _("储能电站")


#: 「风电、集中式光伏」 of the seed article: wind farms and centralised (ground and fishery) PV.
CENTRALISED_KINDS: tuple[str, ...] = (StationKind.WIND, StationKind.PV_GROUND, StationKind.PV_FISHERY)
#: Every kind that generates new energy (storage only shifts it): the share's denominator (docs/rules/energy-statistics.md §3).
GENERATION_KINDS: tuple[str, ...] = tuple(k for k in StationKind.values if k != StationKind.STORAGE)
PV_KINDS: tuple[str, ...] = (StationKind.PV_GROUND, StationKind.PV_FISHERY, StationKind.PV_ROOFTOP)


class Station(models.Model):
    """A power station monitored by the county platform (the platform never sends commands)."""

    code = models.SlugField(
        _("电站编码"), max_length=40, unique=True, help_text=_("MQTT 主题中的电站段，如 xinwan-ess")
    )
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=StationKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("业主/运维单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    capacity_mw = models.DecimalField(
        _("装机容量(MW)"), max_digits=10, decimal_places=3, validators=[MinValueValidator(0)]
    )
    grid_capacity_mw = models.DecimalField(
        _("并网容量(MW)"), max_digits=10, decimal_places=3, validators=[MinValueValidator(0)]
    )
    commissioned_on = models.DateField(_("并网投运日期"))
    decommissioned_on = models.DateField(_("退役日期"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=8, decimal_places=5, null=True, blank=True)
    # Wind
    hub_height_m = models.DecimalField(
        _("轮毂高度(m)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    mean_wind_speed_ms = models.DecimalField(
        _("多年平均风速(m/s)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    wind_speed_height_m = models.DecimalField(
        _("风速测量高度(m)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("平均风速对应的离地高度；气象站风速通常为 10 m"),
    )
    # 渔光互补
    water_area_mu = models.DecimalField(
        _("水面面积(亩)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    # Storage
    energy_mwh = models.DecimalField(
        _("额定能量(MWh)"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    eta_charge = models.DecimalField(
        _("充电效率"), max_digits=5, decimal_places=4, null=True, blank=True, validators=_FRACTION
    )
    eta_discharge = models.DecimalField(
        _("放电效率"), max_digits=5, decimal_places=4, null=True, blank=True, validators=_FRACTION
    )
    soc_min = models.DecimalField(
        _("SOC 下限"), max_digits=5, decimal_places=4, null=True, blank=True, validators=_FRACTION
    )
    soc_max = models.DecimalField(
        _("SOC 上限"), max_digits=5, decimal_places=4, null=True, blank=True, validators=_FRACTION
    )
    chemistry = models.CharField(_("电池类型"), max_length=32, blank=True)
    # Telemetry roles: the grid-connection active power, and the station SOC of a storage station.
    output_point = models.ForeignKey(
        "Point",
        verbose_name=_("并网有功功率测点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    soc_point = models.ForeignKey(
        "Point",
        verbose_name=_("SOC 测点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.ForeignKey(
        Person,
        verbose_name=_("运维负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("告警转工单时的默认责任人"),
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    SCOPE_ORGANISATION = "organisation"
    SCOPE_PROGRAM = "energy"

    class Meta:
        verbose_name = _("电站")
        verbose_name_plural = _("电站")
        ordering = ["region_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_storage(self) -> bool:
        return self.kind == StationKind.STORAGE

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if (
            self.grid_capacity_mw is not None
            and self.capacity_mw is not None
            and self.grid_capacity_mw > self.capacity_mw
        ):
            errors["grid_capacity_mw"] = _("并网容量不能大于装机容量")
        if self.decommissioned_on and self.commissioned_on and self.decommissioned_on <= self.commissioned_on:
            errors["decommissioned_on"] = _("退役日期应晚于投运日期")
        if self.kind == StationKind.STORAGE:
            for name in ("energy_mwh", "eta_charge", "eta_discharge", "soc_min", "soc_max"):
                if getattr(self, name) is None:
                    errors[name] = _("储能电站必须填写此项")
            if self.soc_min is not None and self.soc_max is not None and self.soc_min >= self.soc_max:
                errors["soc_max"] = _("SOC 上限应大于下限")
            for name in ("eta_charge", "eta_discharge"):
                if getattr(self, name) is not None and getattr(self, name) <= 0:
                    errors[name] = _("效率应在 (0, 1] 之间")
        if self.kind == StationKind.PV_FISHERY and self.water_area_mu is None:
            errors["water_area_mu"] = _("渔光互补项目必须填写水面面积")
        if (self.mean_wind_speed_ms is None) != (self.wind_speed_height_m is None):
            errors["wind_speed_height_m"] = _("平均风速须注明测量高度")
        if errors:
            raise ValidationError(errors)


class DeviceKind(models.TextChoices):
    GRID_METER = "grid_meter", _("并网点计量")
    PCS = "pcs", _("储能变流器 PCS")
    BMS = "bms", _("电池簇 BMS")
    CELLS = "cells", _("单体极值")
    AUXILIARY = "auxiliary", _("辅助系统")
    EMS = "ems", _("能量管理系统 EMS")
    TURBINE = "turbine", _("风电机组")
    MET_MAST = "met_mast", _("测风塔")
    INVERTER = "inverter", _("光伏逆变器")
    GENERATOR = "generator", _("发电机组")


class Device(models.Model):
    """A device of a station whose gateway publishes measurements (the MQTT topic's device segment)."""

    station = models.ForeignKey(
        Station, verbose_name=_("电站"), on_delete=models.CASCADE, related_name="devices"
    )
    code = models.SlugField(_("设备编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=DeviceKind.choices)
    rated_kw = models.DecimalField(_("额定功率(kW)"), max_digits=12, decimal_places=3, null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = "energy"
    SCOPE_REGION = "station__region__code"
    SCOPE_ORGANISATION = "station__organisation"

    class Meta:
        verbose_name = _("设备")
        verbose_name_plural = _("设备")
        ordering = ["station_id", "code"]
        constraints = [models.UniqueConstraint(fields=["station", "code"], name="energy_device_code_unique")]

    def __str__(self) -> str:
        return f"{self.station} · {self.name}"


class Quantity(models.TextChoices):
    ACTIVE_POWER = "active_power", _("有功功率")
    REACTIVE_POWER = "reactive_power", _("无功功率")
    VOLTAGE = "voltage", _("电压")
    CURRENT = "current", _("电流")
    FREQUENCY = "frequency", _("频率")
    POWER_FACTOR = "power_factor", _("功率因数")
    ENERGY = "energy", _("电量计数")
    SETPOINT = "setpoint", _("调度指令")
    SOC = "soc", _("荷电状态 SOC")
    SOH = "soh", _("健康状态 SOH")
    TEMPERATURE = "temperature", _("温度")
    RESISTANCE = "resistance", _("绝缘电阻")
    WIND_SPEED = "wind_speed", _("风速")
    WIND_DIRECTION = "wind_direction", _("风向")
    ROTOR_SPEED = "rotor_speed", _("转速")
    IRRADIANCE = "irradiance", _("辐照度")
    FUEL = "fuel", _("燃料")
    STATE = "state", _("运行状态")
    ALARM_BITS = "alarm_bits", _("告警位")
    POSITION = "position", _("位置编号")
    OTHER = "other", _("其他")


class ValueType(models.TextChoices):
    FLOAT = "float", _("实数")
    INT = "int", _("整数")
    BOOL = "bool", _("开关量")
    BITS = "bits", _("位掩码")


class Point(models.Model):
    """A measurement point of a device (the key of a reading in the payload's ``points`` object)."""

    device = models.ForeignKey(
        Device, verbose_name=_("设备"), on_delete=models.CASCADE, related_name="points"
    )
    code = models.CharField(_("测点编码"), max_length=40, help_text=_("载荷中的键，如 P_kW、SOC_pct"))
    name = models.CharField(_("名称"), max_length=80)
    quantity = models.CharField(_("物理量"), max_length=20, choices=Quantity.choices)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    value_type = models.CharField(
        _("数据类型"), max_length=8, choices=ValueType.choices, default=ValueType.FLOAT
    )
    valid_min = models.FloatField(
        _("有效下限"), null=True, blank=True, help_text=_("超出物理有效范围的读数进入隔离区")
    )
    valid_max = models.FloatField(_("有效上限"), null=True, blank=True)
    sample_seconds = models.PositiveIntegerField(
        _("采样周期(s)"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("一个读数代表的时长；电量 = 功率 × 采样周期"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = "energy"
    SCOPE_REGION = "device__station__region__code"
    SCOPE_ORGANISATION = "device__station__organisation"

    class Meta:
        verbose_name = _("测点")
        verbose_name_plural = _("测点")
        ordering = ["device_id", "code"]
        constraints = [models.UniqueConstraint(fields=["device", "code"], name="energy_point_code_unique")]

    def __str__(self) -> str:
        return f"{self.device.code}/{self.code}"

    def clean(self) -> None:
        if self.valid_min is not None and self.valid_max is not None and self.valid_min >= self.valid_max:
            raise ValidationError({"valid_max": _("有效上限应大于下限")})


class Measurement(models.Model):
    """One reading: (point, ts) → its current value (idempotent on its key).

    A redelivery of the same value changes nothing; a *different* value for a stored (point, ts) is
    a correction: the row takes the new value and the value it replaces is kept in
    :class:`MeasurementVersion` (see :mod:`countyworks.energy.store`). ``period_s`` is the sampling
    period the reading represents (rebuilding rollups from raw data needs it; NULL on rows stored
    before it was recorded, which count for their point's ``sample_seconds``).

    On PostgreSQL the table is partitioned by month (RANGE on ``ts``) with a BRIN index on ``ts``
    (migration 0001 and :mod:`countyworks.energy.store`); on SQLite it is a plain table with the same
    columns. ``point`` has no database constraint: the write path is COPY-fast and points are
    deactivated, never deleted.
    """

    pk = models.CompositePrimaryKey("point", "ts")
    point = models.ForeignKey(Point, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    ts = models.DateTimeField()
    value = models.FloatField()
    period_s = models.PositiveIntegerField(null=True)

    class Meta:
        verbose_name = _("测量值")
        verbose_name_plural = _("测量值")

    def __str__(self) -> str:
        return f"{self.point_id}@{self.ts:%Y-%m-%d %H:%M:%S}={self.value:g}"


class MeasurementVersion(models.Model):
    """A superseded value of a reading: what (point, ts) held until a correction replaced it.

    The audit trail of corrections: every earlier value is kept with the moment it was replaced
    (append-only; the current value is the :class:`Measurement` row).
    """

    point = models.ForeignKey(Point, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    ts = models.DateTimeField()
    value = models.FloatField(_("原值"))
    period_s = models.PositiveIntegerField(null=True)
    superseded_at = models.DateTimeField(_("被更正时间"))

    class Meta:
        verbose_name = _("测量值更正记录")
        verbose_name_plural = _("测量值更正记录")
        indexes = [models.Index(fields=["point", "ts"], name="energy_measver_point_ts")]

    def __str__(self) -> str:
        return f"{self.point_id}@{self.ts:%Y-%m-%d %H:%M:%S}={self.value:g} (→ {self.superseded_at:%Y-%m-%d %H:%M})"


class Rollup(models.Model):
    """Aggregate of a point's readings in one bucket (1 min, 15 min, 1 h, or one Asia/Shanghai day).

    ``integral_pos`` and ``integral_neg`` are the time integrals of the positive and negative parts
    of the value [unit·h]: for a kW point, the energy delivered and drawn in kWh (a reading counts
    for its sampling period). Buckets are kept up to date incrementally by every ingested batch, and
    rebuilt from the raw readings after a correction and by ``countyworks rollup --rebuild``.
    """

    class Step(models.IntegerChoices):
        MINUTE = 60, _("1 分钟")
        QUARTER = 900, _("15 分钟")
        HOUR = 3600, _("1 小时")
        DAY = 86400, _("1 天")

    pk = models.CompositePrimaryKey("point", "step", "bucket")
    point = models.ForeignKey(Point, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    step = models.PositiveIntegerField(choices=Step.choices)
    bucket = models.DateTimeField()
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()
    integral_pos = models.FloatField()
    integral_neg = models.FloatField()

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        indexes = [models.Index(fields=["step", "bucket"], name="energy_rollup_step_bucket")]

    def __str__(self) -> str:
        return f"{self.point_id}/{self.step}s@{self.bucket:%Y-%m-%d %H:%M}"

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0


class PointLatest(models.Model):
    """The newest reading of each point and when it arrived (live pages, communication loss)."""

    point = models.OneToOneField(Point, primary_key=True, on_delete=models.CASCADE, related_name="latest")
    ts = models.DateTimeField()
    value = models.FloatField()
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("最新值")
        verbose_name_plural = _("最新值")

    def __str__(self) -> str:
        return f"{self.point_id}={self.value:g}"


class QuarantinedMessage(models.Model):
    """A message (or some of its readings) refused by validation, kept with the reason."""

    topic = models.CharField(_("主题"), max_length=255)
    payload = models.BinaryField(_("原始载荷"))
    reason = models.TextField(_("原因"))
    partial = models.BooleanField(_("部分读数已入库"), default=False)
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    region_code = models.CharField(_("主题区划"), max_length=16, blank=True)
    received_at = models.DateTimeField(_("接收时间"), db_index=True)

    SCOPE_REGION = "region_code"

    class Meta:
        verbose_name = _("隔离消息")
        verbose_name_plural = _("隔离消息")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.received_at:%Y-%m-%d %H:%M:%S})"

    def payload_text(self) -> str:
        return bytes(self.payload).decode("utf-8", errors="replace")


class AlarmLevel(models.TextChoices):
    """Alarm classes of the monitoring system (docs/rules/storage-monitoring.md §4)."""

    ACCIDENT = "事故", _("事故")
    ABNORMAL = "异常", _("异常")
    LIMIT = "越限", _("越限")
    CHANGE = "变位", _("变位")
    NOTICE = "告知", _("告知")


class AlarmRule(models.Model):
    """A threshold, rate-of-change or communication-loss rule on one point."""

    class Kind(models.TextChoices):
        HIGH = "high", _("越上限")
        LOW = "low", _("越下限")
        RATE = "rate", _("变化率")
        COMM_LOSS = "comm_loss", _("通信中断")

    point = models.ForeignKey(
        Point, verbose_name=_("测点"), on_delete=models.CASCADE, related_name="alarm_rules"
    )
    kind = models.CharField(_("规则类型"), max_length=12, choices=Kind.choices)
    threshold = models.FloatField(
        _("阈值"), help_text=_("上/下限：测点单位；变化率：测点单位/分钟；通信中断：秒")
    )
    deadband = models.FloatField(_("回差"), default=0, validators=[MinValueValidator(0)])
    level = models.CharField(
        _("告警级别"), max_length=4, choices=AlarmLevel.choices, default=AlarmLevel.LIMIT
    )
    enabled = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = "energy"
    SCOPE_REGION = "point__device__station__region__code"
    SCOPE_ORGANISATION = "point__device__station__organisation"

    class Meta:
        verbose_name = _("告警规则")
        verbose_name_plural = _("告警规则")
        ordering = ["point_id", "kind"]

    def __str__(self) -> str:
        return f"{self.point} {self.get_kind_display()} {self.threshold:g}"


class Alarm(models.Model):
    """An alarm raised by a rule, by a device's alarm message, or by the platform; acknowledged by people."""

    class Source(models.TextChoices):
        RULE = "rule", _("平台规则")
        DEVICE = "device", _("设备上送")

    station = models.ForeignKey(
        Station, verbose_name=_("电站"), on_delete=models.CASCADE, related_name="alarms"
    )
    device = models.ForeignKey(
        Device, verbose_name=_("设备"), null=True, blank=True, on_delete=models.SET_NULL
    )
    point = models.ForeignKey(Point, verbose_name=_("测点"), null=True, blank=True, on_delete=models.SET_NULL)
    rule = models.ForeignKey(
        AlarmRule, verbose_name=_("规则"), null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices)
    code = models.CharField(_("告警代码"), max_length=40)
    level = models.CharField(_("级别"), max_length=4, choices=AlarmLevel.choices)
    message = models.CharField(_("描述"), max_length=255)
    value = models.FloatField(_("触发值"), null=True, blank=True)
    raised_at = models.DateTimeField(_("发生时间"), db_index=True)
    cleared_at = models.DateTimeField(_("复归时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    ticket_id = models.PositiveBigIntegerField(_("工单"), null=True, blank=True)
    history = HistoricalRecords()

    SCOPE_REGION = "station__region__code"
    SCOPE_ORGANISATION = "station__organisation"
    SCOPE_PROGRAM = "energy"

    class Meta:
        verbose_name = _("告警")
        verbose_name_plural = _("告警")
        ordering = ["-raised_at"]
        constraints = [
            # One open alarm per rule, and per (device, code) for device alarms: two consumers racing
            # on the same condition cannot raise it twice.
            models.UniqueConstraint(
                fields=["rule"], condition=Q(cleared_at__isnull=True), name="energy_alarm_open_rule"
            ),
            models.UniqueConstraint(
                fields=["device", "code"],
                condition=Q(cleared_at__isnull=True, source="device"),
                name="energy_alarm_open_device_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.level} {self.message}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class DayAheadSchedule(models.Model):
    """A storage station's day-ahead schedule (from the dispatch LP), which its telemetry follows."""

    station = models.ForeignKey(
        Station, verbose_name=_("储能电站"), on_delete=models.CASCADE, related_name="schedules"
    )
    day = models.DateField(_("日期"))
    tariff = models.CharField(_("电价"), max_length=40)
    base_price = models.DecimalField(_("平段电价(元/kWh)"), max_digits=8, decimal_places=4)
    step_minutes = models.PositiveSmallIntegerField(_("步长(分钟)"))
    revenue_yuan = models.FloatField(_("计划收益(元)"))
    #: {"charge_mw": [...], "discharge_mw": [...], "soc": [...]}, one entry per step from local midnight.
    steps = models.JSONField(_("计划"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = "energy"
    SCOPE_REGION = "station__region__code"
    SCOPE_ORGANISATION = "station__organisation"

    class Meta:
        verbose_name = _("日前计划")
        verbose_name_plural = _("日前计划")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["station", "day"], name="energy_schedule_station_day")]

    def __str__(self) -> str:
        return f"{self.station} {self.day}"

    def power_at(self, index: int) -> float:
        """Planned grid power at step ``index`` [MW], positive = discharge."""
        return float(self.steps["discharge_mw"][index]) - float(self.steps["charge_mw"][index])


class DispatchScenario(models.Model):
    """A saved run of the dispatch LP (inputs and figures), for comparing scenarios."""

    name = models.CharField(_("方案名称"), max_length=80)
    station = models.ForeignKey(
        Station, verbose_name=_("储能电站"), on_delete=models.CASCADE, related_name="scenarios"
    )
    inputs = models.JSONField(_("输入"))
    figures = models.JSONField(_("结果"))
    #: Down-sampled schedule for the chart: {"x": [...], "charge_mw": [...], "discharge_mw": [...], "soc": [...]}.
    chart = models.JSONField(_("曲线"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = "energy"
    SCOPE_REGION = "station__region__code"
    SCOPE_ORGANISATION = "station__organisation"

    class Meta:
        verbose_name = _("调度方案")
        verbose_name_plural = _("调度方案")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A 十四五 wind or PV project of the county's development plan (开发建设方案)."""

    class Kind(models.TextChoices):
        WIND = "wind", _("风电")
        PV_GROUND = "pv_ground", _("集中式光伏")
        PV_FISHERY = "pv_fishery", _("渔光互补")
        STORAGE = "storage", _("储能")

    class Status(models.TextChoices):
        PLANNED = "planned", _("规划")
        APPROVING = "approving", _("审批中")
        BUILDING = "building", _("在建")
        CONNECTED = "connected", _("已并网")
        SUSPENDED = "suspended", _("暂缓")

    name = models.CharField(_("项目名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    developer = models.ForeignKey(
        Organisation, verbose_name=_("投资主体"), null=True, blank=True, on_delete=models.PROTECT
    )
    capacity_mw = models.DecimalField(_("规划容量(MW)"), max_digits=10, decimal_places=3)
    investment_yuan = models.DecimalField(_("计划投资(元)"), max_digits=16, decimal_places=0)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    owner = models.ForeignKey(
        Person, verbose_name=_("专班责任人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    green_channel = models.BooleanField(_("审批绿色通道"), default=False)
    #: Ecological constraints, e.g. ["洞庭湖湿地保护区缓冲区", "候鸟迁徙通道"]; empty = none found.
    eco_constraints = models.JSONField(_("生态约束"), default=list, blank=True)
    planned_connection = models.DateField(_("计划并网"), null=True, blank=True)
    station = models.ForeignKey(
        Station, verbose_name=_("建成电站"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    SCOPE_ORGANISATION = "developer"
    SCOPE_PROGRAM = "energy"

    class Meta:
        verbose_name = _("规划项目")
        verbose_name_plural = _("规划项目")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    """One approval step of a project, in the fixed order 立项 → 用地 → 环评 → 接入 → 并网."""

    class Step(models.TextChoices):
        APPROVAL = "approval", _("立项")
        LAND = "land", _("用地")
        EIA = "eia", _("环评")
        GRID_ACCESS = "grid_access", _("接入")
        CONNECTION = "connection", _("并网")

    class Status(models.TextChoices):
        PENDING = "pending", _("未开始")
        IN_PROGRESS = "in_progress", _("办理中")
        DONE = "done", _("已完成")
        BLOCKED = "blocked", _("受阻")

    ORDER = (Step.APPROVAL, Step.LAND, Step.EIA, Step.GRID_ACCESS, Step.CONNECTION)

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("环节"), max_length=12, choices=Step.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    owner = models.ForeignKey(
        Person, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    due_on = models.DateField(_("计划完成"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = "energy"
    SCOPE_REGION = "project__region__code"
    SCOPE_ORGANISATION = "project__developer"

    class Meta:
        verbose_name = _("审批环节")
        verbose_name_plural = _("审批环节")
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="energy_approval_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_step_display()}"

    @property
    def position(self) -> int:
        return self.ORDER.index(self.step)

    def clean(self) -> None:
        if self.status == self.Status.DONE and self.done_on is None:
            raise ValidationError({"done_on": _("已完成的环节须填写完成日期")})
        if self.status != self.Status.DONE and self.done_on is not None:
            raise ValidationError({"done_on": _("未完成的环节不应有完成日期")})


class BoilerReplacement(models.Model):
    """A coal-fired boiler (燃煤锅炉) and its replacement by biomass (or another clean fuel)."""

    class Fuel(models.TextChoices):
        BIOMASS = "biomass", _("生物质")
        GAS = "gas", _("天然气")
        ELECTRIC = "electric", _("电能")

    owner_name = models.CharField(_("使用单位"), max_length=80)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    capacity_t_per_h = models.DecimalField(
        _("额定蒸发量(t/h)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    replaced_by = models.CharField(_("替代燃料"), max_length=12, choices=Fuel.choices, blank=True)
    fuel_supplier = models.ForeignKey(
        Organisation, verbose_name=_("燃料供应"), null=True, blank=True, on_delete=models.SET_NULL
    )
    replaced_on = models.DateField(_("替代日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    history = HistoricalRecords()

    SCOPE_PROGRAM = "energy"

    class Meta:
        verbose_name = _("燃煤锅炉替代")
        verbose_name_plural = _("燃煤锅炉替代")
        ordering = ["region_id", "owner_name"]

    def __str__(self) -> str:
        return f"{self.owner_name} {self.capacity_t_per_h} t/h"

    def clean(self) -> None:
        if bool(self.replaced_by) != bool(self.replaced_on):
            raise ValidationError({"replaced_on": _("替代燃料与替代日期须同时填写")})
