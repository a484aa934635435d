"""The energy program's statistical brief (``countyworks brief energy --region CODE --period P``).

Every figure comes from :mod:`countyworks.energy.statistics` over the telemetry rollups of the
stations in the region; carbon figures name the factor set they use (docs/rules/carbon-factors.md §2): the set
implied by the article (``article-2023``) and the official default set side by side.

A brief states figures of the whole period: when the stations' daily telemetry does not cover
every day of it (a quarter still running, or telemetry that starts or stops inside it), the brief
is refused with the days it does cover rather than printing part of a period under its title.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max, Min, Sum

from countyworks.core.errors import BriefUnavailable
from countyworks.core.models import Region
from countyworks.core.periods import Period
from countyworks.energy import formatting as fmt
from countyworks.energy.carbon import CarbonFigures, default_factor_set
from countyworks.energy.models import (
    PV_KINDS,
    BoilerReplacement,
    Project,
    Rollup,
    Station,
    StationKind,
)
from countyworks.energy.statistics import AreaSummary, area_summary, local_midnight
from countyworks.energy.store import local_tz

ARTICLE_SET = "article-2023"
KWH_PER_MWH = 1000.0


def region_stations(region_prefix: str) -> list[Station]:
    """Every station of the region (the brief is the county's own report: no per-user scoping)."""
    return list(
        Station.objects.filter(region__code__startswith=region_prefix)
        .select_related("region")
        .order_by("kind", "code")
    )


def _kw(mw: float) -> str:
    return f"{fmt.wan(mw * 1000)} kW"


def _kwh(mwh: float) -> str:
    return f"{fmt.big(mwh * KWH_PER_MWH)} kWh"


#: How a factor set's status reads in Chinese.
STATUS_ZH = {"implied": "由报道数据反推", "official": "官方发布"}


def _carbon_sentence(figures: CarbonFigures) -> str:
    factors = figures.factors
    coal = "标准煤因子未设定" if figures.coal_t is None else f"节约标准煤 {fmt.wan(figures.coal_t)} t"
    coal_factor = (
        "标准煤因子未设定"
        if factors.coal_kgce_per_kwh is None
        else f"{factors.coal_kgce_per_kwh:.4f} kgce/kWh"
    )
    status = STATUS_ZH.get(factors.status, factors.status)
    return (
        f"按因子集 {factors.code}（{status}，{coal_factor}，{factors.co2_kg_per_kwh:.4f} kgCO2/kWh）计，"
        f"{coal}，减少二氧化碳排放 {fmt.wan(figures.co2_t)} t"
    )


def _capacity_line(summary: AreaSummary, stations: list[Station]) -> str:
    c = summary.centralised
    wind = summary.by_kind.get(StationKind.WIND)
    central_pv = [
        summary.by_kind[k] for k in (StationKind.PV_GROUND, StationKind.PV_FISHERY) if k in summary.by_kind
    ]
    parts = []
    if wind:
        parts.append(f"风电场 {wind.stations} 座 {_kw(wind.grid_capacity_mw)}")
    if central_pv:
        count = sum(g.stations for g in central_pv)
        parts.append(f"集中式光伏 {count} 座 {_kw(sum(g.grid_capacity_mw for g in central_pv))}")
    fishery = [s for s in stations if s.kind == StationKind.PV_FISHERY]
    if fishery:
        area = sum(float(s.water_area_mu or 0) for s in fishery)
        parts.append(
            f"其中渔光互补项目 {len(fishery)} 个 {_kw(sum(float(s.grid_capacity_mw) for s in fishery))}、水面 {fmt.number(area, 0)} 亩"
        )
    others = []
    for kind in (StationKind.BIOMASS, StationKind.PV_ROOFTOP, StationKind.HYDRO):
        if kind in summary.by_kind:
            group = summary.by_kind[kind]
            others.append(f"{StationKind(kind).label} {_kw(group.grid_capacity_mw)}")
    when = f"{summary.period.year}年" if summary.period.kind == "year" else summary.period.label_zh()
    line = f"截至{when}末，风电、集中式光伏并网容量 {_kw(c.grid_capacity_mw)}"
    if parts:
        line += "（" + "，".join(parts) + "）"
    if others:
        line += "；另有" + "、".join(others)
    return line + "。"


def telemetry_days(stations: list[Station], period: Period) -> tuple[date, date] | None:
    """The first and last local day inside ``period`` with a daily rollup of any station's output."""
    points = [s.output_point_id for s in stations if s.output_point_id]
    span = Rollup.objects.filter(
        point_id__in=points,
        step=Rollup.Step.DAY,
        bucket__gte=local_midnight(period.start),
        bucket__lt=local_midnight(period.end),
    ).aggregate(first=Min("bucket"), last=Max("bucket"))
    if span["first"] is None:
        return None
    tz = local_tz()
    return span["first"].astimezone(tz).date(), span["last"].astimezone(tz).date()


def brief_text(region_prefix: str, period: Period) -> str:
    """The brief of ``region_prefix`` (significant division-code prefix) for ``period``."""
    region = Region.objects.filter(code=region_prefix).first()
    if region is None:
        raise BriefUnavailable(f"region {region_prefix} is not loaded")
    stations = region_stations(region_prefix)
    if not stations:
        raise BriefUnavailable(f"no energy station is registered in {region.name} ({region_prefix})")
    covered = telemetry_days(stations, period)
    if covered is not None and covered != (period.start, period.end - timedelta(days=1)):
        first, last = covered
        raise BriefUnavailable(
            f"the telemetry of {region.name} covers {first} – {last} only, not the whole of {period}"
            f" ({period.start} – {period.end - timedelta(days=1)}): no brief of part of a period"
        )
    summary = area_summary(stations, period)
    c, total = summary.centralised, summary.generation
    if total.energy_mwh <= 0:
        raise BriefUnavailable(f"no generation telemetry for {region.name} in {period}")
    lines = [f"{region.name}{period.label_zh()}新能源运行统计简报", ""]
    lines.append("一、并网容量：" + _capacity_line(summary, stations))

    wind = summary.by_kind.get(StationKind.WIND)
    pv_energy = sum(
        summary.by_kind[k].energy_mwh
        for k in (StationKind.PV_GROUND, StationKind.PV_FISHERY)
        if k in summary.by_kind
    )
    detail = []
    if wind:
        detail.append(f"风电 {_kwh(wind.energy_mwh)}")
    if pv_energy:
        detail.append(f"集中式光伏 {_kwh(pv_energy)}")
    generation = f"二、发电量：风电、集中式光伏{period.label_zh()}发电 {_kwh(c.energy_mwh)}"
    if detail:
        generation += "（" + "、".join(detail) + "）"
    if c.full_load_hours is not None:
        generation += f"，等效利用小时 {fmt.number(c.full_load_hours, 0)} h"
    if c.yoy_percent is not None:
        generation += f"，同比{'增长' if c.yoy_percent >= 0 else '下降'} {abs(c.yoy_percent)}%"
    generation += (
        f"，占{region.name}新能源发电量 {_kwh(total.energy_mwh)} 的 {fmt.percent(summary.share_percent)}。"
    )
    lines.append(generation)

    article, official = summary.carbon([ARTICLE_SET, default_factor_set().code])
    lines.append("三、节能减排：" + _carbon_sentence(article) + "；" + _carbon_sentence(official) + "。")

    for storage in summary.storage:
        s = storage.station
        text = (
            f"四、储能：{s.name}（{fmt.number(float(s.capacity_mw), 1)} MW/{fmt.number(float(s.energy_mwh or 0), 1)} MWh）"
            f"{period.label_zh()}充电 {_kwh(storage.charged_mwh)}、放电 {_kwh(storage.discharged_mwh)}，"
            f"等效循环 {fmt.number(storage.cycles, 0)} 次"
        )
        if storage.round_trip is not None:
            text += f"，实际往返效率 {fmt.percent(100 * storage.round_trip, 1)}"
            if storage.soc_start is not None and storage.soc_end is not None:
                text += f"（期初 SOC {fmt.number(storage.soc_start, 1)}%、期末 {fmt.number(storage.soc_end, 1)}%）"
        if storage.best_day:
            text += (
                f"。单日放电最多 {_kwh(storage.best_day_mwh)}（{storage.best_day.month}月{storage.best_day.day}日"
                + (f"起共 {storage.best_day_count} 天" if storage.best_day_count > 1 else "")
                + f"），放电功率 {fmt.number(storage.best_day_peak_mw, 0)} MW 持续 {fmt.number(storage.best_day_hours_at_peak, 2)} h"
            )
        lines.append(text + "。")

    winds = [s for s in stations if s.kind == StationKind.WIND and s.mean_wind_speed_ms is not None]
    if winds:
        speeds = sorted(
            {
                (float(speed), float(height))
                for s in winds
                if (speed := s.mean_wind_speed_ms) is not None
                and (height := s.wind_speed_height_m) is not None
            }
        )
        described = "、".join(f"{fmt.number(v, 2)} m/s（{fmt.number(h, 0)} m 高度）" for v, h in speeds)
        lines.append(f"五、风能资源：{len(winds)} 座风电场多年平均风速 {described}。")

    projects = Project.objects.filter(region__code__startswith=region_prefix).order_by("id")
    if projects.exists():
        names = "、".join(
            p.name.replace("风电项目", "").replace("项目", "")
            for p in projects.filter(kind=Project.Kind.WIND)
        )
        totals = projects.aggregate(mw=Sum("capacity_mw"), yuan=Sum("investment_yuan"))
        eco = sum(1 for p in projects if p.eco_constraints)
        lines.append(
            f"六、项目规划：“十四五”规划项目 {projects.count()} 个（风电：{names}），合计 {_kw(float(totals['mw']))}，"
            f"计划投资 {fmt.yi(float(totals['yuan']))}元，其中 {eco} 个涉及生态约束。"
        )
    boilers = BoilerReplacement.objects.filter(
        region__code__startswith=region_prefix, capacity_t_per_h__lt=10
    )
    if boilers.exists():
        replaced = boilers.exclude(replaced_by="").count()
        lines.append(
            f"七、锅炉替代：10 t/h 以下燃煤锅炉 {boilers.count()} 台，已替代 {replaced} 台（{fmt.percent(100 * replaced / boilers.count(), 0)}）。"
        )

    pv_stations = sum(1 for s in stations if s.kind in PV_KINDS)
    lines.append("")
    lines.append(
        f"统计口径：{len(stations)} 座电站（其中光伏 {pv_stations} 座）的并网点遥测数据按日汇总；"
        "发电量为有功功率的正向积分，储能充电量为负向积分；等效利用小时按在运天数加权容量计算。"
    )
    return "\n".join(lines)
