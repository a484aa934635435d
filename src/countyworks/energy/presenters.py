"""Page and chart data of the energy program: what the views hand to templates, shaped and formatted.

No queries here: the views fetch through :mod:`countyworks.energy.selectors`, these functions turn the
rows into table lines, sums and chart options (so a polled template only prints).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from countyworks.core.charts import bar_chart, line_chart
from countyworks.energy import formatting as fmt
from countyworks.energy.brief import ARTICLE_SET
from countyworks.energy.carbon import carbon_figures, load_factor_sets
from countyworks.energy.forms import RANGE_SPANS, HistoryForm
from countyworks.energy.models import BoilerReplacement, DispatchScenario, Project, StationKind
from countyworks.energy.selectors import LiveStation
from countyworks.energy.store import local_tz


@dataclass
class RoomTotals:
    """Sums of the control room, by kind: stations, capacity, output now, today's energy."""

    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    generation_mw: float = 0.0
    storage_mw: float = 0.0
    today_generation_mwh: float = 0.0
    capacity_mw: float = 0.0
    offline: int = 0
    active_alarms: int = 0
    unacked_alarms: int = 0


def room_totals(live: Sequence[LiveStation]) -> RoomTotals:
    totals = RoomTotals()
    kinds = {value: str(label) for value, label in StationKind.choices}
    for row in live:
        kind = row.station.kind
        entry = totals.by_kind.setdefault(
            kind, {"label": kinds[kind], "stations": 0, "capacity_mw": 0.0, "power_mw": 0.0, "today_mwh": 0.0}
        )
        entry["stations"] += 1
        entry["capacity_mw"] += float(row.station.capacity_mw)
        entry["power_mw"] += row.power_mw or 0.0
        entry["today_mwh"] += row.today_delivered_mwh
        totals.offline += not row.comm_ok
        totals.active_alarms += row.active_alarms
        totals.unacked_alarms += row.unacked_alarms
        if kind == StationKind.STORAGE:
            totals.storage_mw += row.power_mw or 0.0
        else:
            totals.generation_mw += row.power_mw or 0.0
            totals.today_generation_mwh += row.today_delivered_mwh
            totals.capacity_mw += float(row.station.capacity_mw)
    return totals


def room_rows(live: Sequence[LiveStation]) -> list[dict[str, object]]:
    """The control room's table, one dict of display values per station (the page polls it every 2 s,
    so the template only prints: no lookups through related objects, no filters per cell)."""
    rows = []
    kinds = {value: str(label) for value, label in StationKind.choices}
    station_url = reverse("energy:station", args=["-"]).removesuffix("-/")
    for row in live:
        station = row.station
        load = row.load_percent
        rows.append(
            {
                "url": f"{station_url}{station.code}/",
                "name": station.name,
                "kind": kinds[station.kind],
                "region": station.region.name,
                "capacity": fmt.number(float(station.capacity_mw), 1),
                "power": fmt.number(row.power_mw, 2),
                "negative": row.power_mw is not None and row.power_mw < 0,
                "load": None if load is None else min(100, round(load)),
                "soc": "" if row.soc_pct is None else f"{fmt.number(row.soc_pct, 1)}%",
                "energy": fmt.number(row.today_delivered_mwh, 1)
                + (f" / {fmt.number(row.today_drawn_mwh, 1)}" if station.is_storage else ""),
                "state": row.state,
                "state_label": row.state_label,
                "alarms": f"{row.active_alarms}/{row.unacked_alarms}"
                if row.active_alarms or row.unacked_alarms
                else "",
                "ts": timezone.localtime(row.ts).strftime("%m-%d %H:%M:%S") if row.ts else "—",
            }
        )
    return rows


def scenario_chart(scenario: DispatchScenario) -> dict[str, object]:
    chart = scenario.chart
    discharge = chart["discharge_mw"]
    net = [round(d - c, 3) for d, c in zip(discharge, chart["charge_mw"], strict=True)]
    option = line_chart(
        scenario.name,
        chart["x"],
        {str(_("净放电功率 (MW)")): net, str(_("SOC (%)")): chart["soc"]},
        zoom=True,
    )
    return option


def scenario_compare_chart(scenarios: Sequence[DispatchScenario]) -> dict[str, object] | None:
    """Revenue and cycles of saved scenarios side by side."""
    if not scenarios:
        return None
    names = [f"{s.name}" for s in reversed(scenarios)]
    revenue = [round(float(s.figures.get("revenue_yuan", 0)) / 1e4, 2) for s in reversed(scenarios)]
    return bar_chart(str(_("方案收益对比 (万元)")), names, {str(_("收益")): revenue}, unit=str(_("万元")))


def resource_charts(result: dict[str, object]) -> dict[str, dict]:
    """Charts of a resource assessment: the turbine curve, or the monthly PV yield."""
    charts: dict[str, dict] = {}
    curve = result.get("wind_curve")
    if curve is not None:
        speeds = [f"{v:g}" for v in curve.wind_speed_ms]
        charts["curve"] = line_chart(
            str(_("功率曲线 %(t)s (kW)") % {"t": curve.turbine_type}),
            speeds,
            {str(_("功率")): [round(float(p), 1) for p in curve.power_kw]},
            unit="kW",
        )
    pv = result.get("pv")
    if pv is not None:
        # Translators: a date format (Django's date filter) for the month axis: 1月 … 12月.
        month_format = _("n月")
        months = [date_format(date(2001, m, 1), month_format) for m in range(1, 13)]
        charts["pv"] = bar_chart(
            str(_("逐月发电量 (kWh/kWp)")),
            months,
            {str(_("发电量")): [round(float(v), 1) for v in pv.monthly_ac_kwh_per_kwp]},
            unit="kWh/kWp",
        )
    return charts


def project_totals(projects: Sequence[Project]) -> dict[str, object]:
    return {
        "count": len(projects),
        "capacity_mw": sum(float(p.capacity_mw) for p in projects),
        "investment_yuan": sum(float(p.investment_yuan) for p in projects),
        "eco": sum(1 for p in projects if p.eco_constraints),
        "connected": sum(1 for p in projects if p.status == Project.Status.CONNECTED),
    }


def boiler_totals(boilers: Iterable[BoilerReplacement]) -> dict[str, object]:
    """Coal boilers under 10 t/h (10蒸吨以下) and how many were replaced."""
    small = [b for b in boilers if b.capacity_t_per_h < 10]
    replaced = [b for b in small if b.replaced_by]
    return {
        "small": len(small),
        "replaced": len(replaced),
        "percent": 100.0 * len(replaced) / len(small) if small else None,
        "steam_t_per_h": sum(float(b.capacity_t_per_h) for b in replaced),
    }


def history_window(form: HistoryForm, now: datetime) -> tuple[datetime, datetime]:
    """The span of a station's history chart: the last 24 h, a preset span, or whole local days."""
    start, end = now - timedelta(hours=24), now
    if form.is_valid():
        choice = form.cleaned_data.get("range") or "24h"
        if choice == "custom":
            tz = local_tz()
            start = datetime.combine(form.cleaned_data["start"], time(), tz)
            end = datetime.combine(form.cleaned_data["end"] + timedelta(days=1), time(), tz)
        else:
            start = now - RANGE_SPANS[choice]
    return start, end


def carbon_rows(kwh: float, compare: str) -> list:
    """Coal and CO2 saved by ``kwh``: with the article's factors, then ``compare`` or the default set."""
    sets = load_factor_sets()
    codes = [ARTICLE_SET] + [
        c
        for c in [compare or next((k for k, s in sets.items() if s.is_default), "")]
        if c and c != ARTICLE_SET
    ]
    return [carbon_figures(kwh, code) for code in codes]
