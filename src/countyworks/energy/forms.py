"""Forms of the energy pages: parsing and validation only (the work is in services and the maths modules)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyworks.core.periods import InvalidPeriod, Period
from countyworks.energy.carbon import load_factor_sets
from countyworks.energy.dispatch import StorageParams
from countyworks.energy.models import ApprovalStep, Station
from countyworks.energy.presenters import factor_set_name, tariff_label
from countyworks.energy.resource import load_clear_sky_indices, load_power_curves
from countyworks.energy.tariffs import load_tariffs

RANGES = (
    ("6h", _("近 6 小时")),
    ("24h", _("近 24 小时")),
    ("7d", _("近 7 天")),
    ("30d", _("近 30 天")),
    ("365d", _("近一年")),
    ("custom", _("自定义")),
)
RANGE_SPANS = {
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "365d": timedelta(days=365),
}
MAX_DISPATCH_DAYS = 366


class HistoryForm(forms.Form):
    range = forms.ChoiceField(label=_("时段"), choices=RANGES, initial="24h", required=False)
    start = forms.DateField(
        label=_("起"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("止（含）"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("range") == "custom":
            if not data.get("start") or not data.get("end"):
                raise ValidationError(_("自定义时段须填写起止日期"))
            if data["end"] < data["start"]:
                raise ValidationError(_("截止日期不能早于起始日期"))
        return data


class StatisticsForm(forms.Form):
    period = forms.CharField(
        label=_("统计期"), initial="2022", max_length=8, help_text=_("2022、2022-07 或 2022Q3")
    )
    granularity = forms.ChoiceField(
        label=_("粒度"),
        choices=(("day", _("日")), ("month", _("月")), ("year", _("年"))),
        initial="month",
        required=False,
    )
    group_by = forms.ChoiceField(
        label=_("分组"),
        choices=(("kind", _("类型")), ("station", _("电站")), ("region", _("乡镇"))),
        initial="kind",
        required=False,
    )
    factors = forms.ChoiceField(label=_("对照因子集"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        sets = load_factor_sets()
        default = next((code for code, s in sets.items() if s.is_default), "")
        factors_field = self.fields["factors"]
        assert isinstance(factors_field, forms.ChoiceField)
        factors_field.choices = [("", _("默认（%(name)s）") % {"name": factor_set_name(default)})] + [
            (code, f"{factor_set_name(code)}（{s.co2_kg_per_kwh} kgCO2/kWh）")
            for code, s in sets.items()
            if code != "article-2023"
        ]

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except InvalidPeriod as exc:
            raise ValidationError(_("统计期格式应为 2022、2022-07 或 2022Q3")) from exc


class DispatchForm(forms.Form):
    """One dispatch scenario: a storage station's limits, a tariff or a price file, a period and a mode."""

    station = forms.ModelChoiceField(label=_("储能电站"), queryset=Station.objects.none())
    name = forms.CharField(label=_("方案名称"), max_length=80)
    mode = forms.ChoiceField(
        label=_("模式"), choices=(("arbitrage", _("峰谷套利")), ("peak-shaving", _("削峰（负荷封顶）")))
    )
    tariff = forms.ChoiceField(label=_("分时电价"), required=False)
    base_price = forms.DecimalField(
        label=_("平段电价(元/kWh)"), initial=0.5, min_value=0, max_digits=6, decimal_places=4
    )
    prices_file = forms.FileField(label=_("或上传电价 csv (timestamp,price)"), required=False)
    start = forms.DateField(
        label=_("起始日"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    days = forms.IntegerField(label=_("天数"), min_value=1, max_value=MAX_DISPATCH_DAYS, initial=1)
    step_minutes = forms.TypedChoiceField(
        label=_("步长"), coerce=int, choices=((60, _("1 小时")), (15, _("15 分钟"))), initial=60
    )
    eta_charge = forms.FloatField(label=_("充电效率"), min_value=0.01, max_value=1)
    eta_discharge = forms.FloatField(label=_("放电效率"), min_value=0.01, max_value=1)
    soc_min = forms.FloatField(label=_("SOC 下限"), min_value=0, max_value=1, initial=StorageParams.soc_min)
    soc_max = forms.FloatField(label=_("SOC 上限"), min_value=0, max_value=1, initial=StorageParams.soc_max)
    soc_initial = forms.CharField(
        label=_("初始 SOC（留空则期初期末相等、由求解确定）"),
        initial=str(StorageParams.soc_initial),
        max_length=10,
        required=False,
    )
    degradation = forms.FloatField(label=_("退化成本(元/MWh)"), min_value=0, initial=0)
    max_cycles = forms.FloatField(label=_("每日循环上限"), min_value=0.01, required=False)
    load_file = forms.FileField(label=_("负荷 csv (timestamp,load_mw)"), required=False)
    cap_mw = forms.FloatField(label=_("下网功率上限(MW)"), min_value=0, required=False)

    def __init__(self, *args, stations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        station_field = self.fields["station"]
        assert isinstance(station_field, forms.ModelChoiceField)
        station_field.queryset = stations if stations is not None else Station.objects.none()
        tariff_field = self.fields["tariff"]
        assert isinstance(tariff_field, forms.ChoiceField)
        tariff_field.choices = [(code, tariff_label(code, t.status)) for code, t in load_tariffs().items()]
        self.fields["start"].initial = timezone.localdate() + timedelta(days=1)

    def clean_soc_initial(self) -> float | str:
        """A fraction of the rated energy, or blank (``cyclic``: the solver picks it, start = end)."""
        raw = self.cleaned_data["soc_initial"].strip()
        if raw in ("", "cyclic"):
            return "cyclic"
        try:
            value = float(raw)
        except ValueError as exc:
            raise ValidationError(_("请输入 0–1 之间的数，或留空")) from exc
        if not 0 <= value <= 1:
            raise ValidationError(_("请输入 0–1 之间的数，或留空"))
        return value

    def clean(self) -> dict[str, Any]:
        """The SOC window and the initial SOC inside it, checked here so that the page words them."""
        data = super().clean() or {}
        low, high, initial = data.get("soc_min"), data.get("soc_max"), data.get("soc_initial")
        if low is not None and high is not None:
            if low >= high:
                self.add_error("soc_max", _("SOC 上限须大于下限"))
            elif isinstance(initial, float) and not low <= initial <= high:
                self.add_error(
                    "soc_initial",
                    _("初始 SOC 须在 %(low)s 与 %(high)s 之间（SOC 下限与上限）")
                    % {"low": f"{low:g}", "high": f"{high:g}"},
                )
        if not data.get("prices_file") and not data.get("tariff"):
            raise ValidationError(_("请选择分时电价或上传电价文件"))
        if data.get("mode") == "peak-shaving" and (not data.get("load_file") or data.get("cap_mw") is None):
            raise ValidationError(_("削峰模式须上传负荷文件并填写下网功率上限"))
        return data

    @property
    def end(self) -> date:
        return self.cleaned_data["start"] + timedelta(days=self.cleaned_data["days"])


class WindForm(forms.Form):
    mean_speed = forms.FloatField(label=_("平均风速(m/s)"), min_value=0.1, max_value=25, initial=2.44)
    ref_height = forms.FloatField(label=_("测风高度(m)"), min_value=1, max_value=300, initial=10)
    hub_height = forms.FloatField(label=_("轮毂高度(m)"), min_value=10, max_value=300, initial=129)
    alpha = forms.FloatField(
        label=_("风切变指数 α"),
        min_value=0,
        max_value=0.6,
        initial=0.20,
        help_text=_("0.14 开阔，0.20 默认，0.25 丘陵"),
    )
    k = forms.FloatField(label=_("Weibull 形状参数 k"), min_value=1, max_value=4, initial=2.0)
    turbine = forms.ChoiceField(label=_("机型功率曲线"))
    losses = forms.FloatField(label=_("综合折减"), min_value=0, max_value=0.6, initial=0.15)
    turbines = forms.IntegerField(label=_("台数"), min_value=1, max_value=500, initial=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        curves = load_power_curves()
        turbine_field = self.fields["turbine"]
        assert isinstance(turbine_field, forms.ChoiceField)
        turbine_field.choices = [(name, f"{name}（{c.nominal_power_kw:g} kW）") for name, c in curves.items()]
        self.fields["turbine"].initial = "E-141/4200" if "E-141/4200" in curves else next(iter(curves))


class PVForm(forms.Form):
    latitude = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90, initial=28.8)
    longitude = forms.FloatField(label=_("经度"), min_value=-180, max_value=180, initial=112.4)
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100, initial=2023)
    tilt = forms.FloatField(label=_("倾角(°)"), min_value=0, max_value=90, initial=20)
    azimuth = forms.FloatField(label=_("方位角(°，180 为正南)"), min_value=0, max_value=360, initial=180)
    index = forms.ChoiceField(label=_("月晴空指数"))
    capacity_mw = forms.FloatField(label=_("装机(MW)"), min_value=0.001, max_value=10000, initial=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        index_field = self.fields["index"]
        assert isinstance(index_field, forms.ChoiceField)
        index_field.choices = [(code, code) for code in load_clear_sky_indices()]


class PondForm(forms.Form):
    area_mu = forms.FloatField(label=_("可利用水面(亩)"), min_value=0, initial=63000)
    density = forms.FloatField(
        label=_("用地指标(亩/MW)"), min_value=0.1, initial=20, help_text=_("默认 20 亩/MW（未核实，可修改）")
    )


class StepForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=ApprovalStep.Status.choices)
    done_on = forms.DateField(
        label=_("完成日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("说明"), max_length=255, required=False)


class RuleForm(forms.Form):
    threshold = forms.FloatField(label=_("阈值"))
    deadband = forms.FloatField(label=_("回差"), min_value=0)
    enabled = forms.BooleanField(label=_("启用"), required=False)
