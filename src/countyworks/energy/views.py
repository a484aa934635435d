"""Energy pages under /energy/. Thin: parse, call a selector, a service or a maths module, render.

The access gate (:mod:`countyworks.core.permissions`) guards every view: energy not open to the
user → 404. Every read goes through :mod:`countyworks.energy.selectors` (scoped: another area's
station is a 404); every write through :mod:`countyworks.energy.services`, whose refusal is a 403
(a POST from a read-only account: 只读账号).
"""

from __future__ import annotations

import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from countyworks.core.feedback import flash_errors, flash_outcome
from countyworks.core.http import AuthenticatedHttpRequest
from countyworks.core.middleware import active_region
from countyworks.core.permissions import program_required, require_write
from countyworks.energy import presenters, resource, selectors, services
from countyworks.energy.carbon import carbon_figures, load_factor_sets
from countyworks.energy.dispatch import PeakShaving
from countyworks.energy.forms import (
    RANGE_SPANS,
    DispatchForm,
    HistoryForm,
    PondForm,
    PVForm,
    RuleForm,
    StatisticsForm,
    StepForm,
    WindForm,
)
from countyworks.energy.models import StationKind
from countyworks.energy.store import local_tz
from countyworks.energy.tariffs import tariff_prices
from countyworks.energy.timeseries import EnergyInputError, read_load, read_prices

ARTICLE_SET = "article-2023"
PROGRAM = selectors.PROGRAM


def _room_context(request: AuthenticatedHttpRequest) -> dict[str, object]:
    stations = list(selectors.station_list(user=request.user, within=active_region(request)))
    live = selectors.live_stations(stations)
    return {
        "rows": selectors.room_rows(live),
        "totals": selectors.room_totals(live),
        "chart": selectors.room_chart(stations),
        "now": timezone.now(),
    }


@program_required(PROGRAM)
def room(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The county control room: every station in the area, live (polled every 2 s)."""
    return render(request, "energy/room.html", _room_context(request))


def _fragment(template: str, context: dict[str, object]) -> HttpResponse:
    """A polled fragment: rendered without the page shell's context processors (navigation, region
    switcher, notifications), which it does not show; it is requested every 2 s by every open page."""
    return HttpResponse(render_to_string(template, context))


@program_required(PROGRAM)
def room_live(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _fragment("energy/_room_live.html", _room_context(request))


def _station_live_context(station) -> dict[str, object]:
    live = selectors.live_stations([station], reactive=True)[0]
    alarms = list(selectors.alarm_list_for_station(station)[:8])
    return {"station": station, "row": live, "alarms": alarms, "now": timezone.now()}


@program_required(PROGRAM)
def station(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A station's live page: figures now, today's curve, history with zoom, devices, alarm rules."""
    obj = selectors.station_get(user=request.user, code=code)
    form = HistoryForm(request.GET or None)
    now = timezone.now()
    start, end = now - timedelta(hours=24), now
    if form.is_valid():
        choice = form.cleaned_data.get("range") or "24h"
        if choice == "custom":
            tz = local_tz()
            start = datetime.combine(form.cleaned_data["start"], time(), tz)
            end = datetime.combine(form.cleaned_data["end"] + timedelta(days=1), time(), tz)
        else:
            start = now - RANGE_SPANS[choice]
    step, history = selectors.history(obj, start, end)
    context = {
        **_station_live_context(obj),
        "form": form if form.is_bound else HistoryForm(initial={"range": "24h"}),
        "history": history,
        "today": selectors.today_chart(obj, now),
        "devices": selectors.device_points(obj),
        "rules": selectors.alarm_rules(obj),
        "can_write": selectors.can_write(request.user, obj),
        "step": step,
    }
    return render(request, "energy/station.html", context)


@program_required(PROGRAM)
def station_live(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    obj = selectors.station_get(user=request.user, code=code)
    return _fragment("energy/_station_live.html", _station_live_context(obj))


@require_write(PROGRAM)
@require_POST
def station_plan(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Solve tomorrow's day-ahead schedule of a storage station."""
    obj = selectors.station_get(user=request.user, code=code)
    day = timezone.localdate() + timedelta(days=1)
    try:
        plan = services.day_ahead_schedule_plan(acting_user=request.user, station=obj, day=day)
    except (ValidationError, EnergyInputError) as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("已生成 %(day)s 日前计划，计划收益 %(yuan).0f 元") % {"day": day, "yuan": plan.revenue_yuan},
        )
    return redirect("energy:station", code=obj.code)


@require_write(PROGRAM)
@require_POST
def rule_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change an alarm rule's threshold, deadband or state (audited; takes effect at the next batch)."""
    rule = selectors.alarm_rule_get(user=request.user, pk=pk)
    form = RuleForm(request.POST)
    if form.is_valid():
        services.alarm_rule_update(acting_user=request.user, rule=rule, **form.cleaned_data)
        messages.success(request, _("告警规则已更新"))
    else:
        flash_errors(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    return redirect("energy:station", code=rule.point.device.station.code)


@program_required(PROGRAM)
def alarms(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in ("open", "active", "unacked", "all"):
        state = "open"
    page = Paginator(
        selectors.alarm_list(user=request.user, within=active_region(request), state=state), 50
    ).get_page(request.GET.get("page"))
    return render(request, "energy/alarms.html", {"page": page, "state": state})


@require_write(PROGRAM)
@require_POST
def alarm_ack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    alarm = services.alarm_acknowledge(acting_user=request.user, alarm=alarm)
    if request.headers.get("HX-Request"):
        return render(request, "energy/_alarm_row.html", {"alarm": alarm})
    messages.success(request, _("告警已确认"))
    return redirect(request.POST.get("next") or "energy:alarms")


@require_write(PROGRAM)
@require_POST
def alarm_ticket(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    try:
        ticket = services.alarm_open_ticket(acting_user=request.user, alarm=alarm)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("energy:alarms")
    messages.success(request, _("已转为工单 #%(id)s") % {"id": ticket.pk})
    return redirect("workflow:ticket", pk=ticket.pk)


@program_required(PROGRAM)
def quarantine(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.quarantine_list(user=request.user, within=active_region(request)), 50
    ).get_page(request.GET.get("page"))
    return render(request, "energy/quarantine.html", {"page": page})


@program_required(PROGRAM)
def statistics(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Generation by station, kind and town; capacity, full-load hours, share; storage; carbon."""
    form = StatisticsForm(request.GET or None)
    within = active_region(request)
    period = selectors.latest_year_with_data(
        selectors.station_list(user=request.user, within=within), timezone.localdate()
    )
    granularity, group_by, compare = "month", "kind", ""
    if form.is_valid():
        period = form.cleaned_data["period"]
        granularity = form.cleaned_data["granularity"] or "month"
        group_by = form.cleaned_data["group_by"] or "kind"
        compare = form.cleaned_data["factors"]
    elif not form.is_bound:
        form = StatisticsForm(initial={"period": str(period)})
    stations, summary = selectors.summary(user=request.user, within=within, period=period)
    sets = load_factor_sets()
    codes = [ARTICLE_SET] + [
        c
        for c in [compare or next((k for k, s in sets.items() if s.is_default), "")]
        if c and c != ARTICLE_SET
    ]
    kwh = summary.centralised.energy_mwh * 1000
    context = {
        "form": form,
        "period": period,
        "summary": summary,
        "carbon": selectors.carbon_rows([carbon_figures(kwh, code) for code in codes]),
        "charts": selectors.statistics_charts(stations, period, granularity, group_by),
        "stations": {s.pk: s for s in stations},
    }
    return render(request, "energy/statistics.html", context)


def _prices(form: DispatchForm, workdir: Path):
    data = form.cleaned_data
    if data.get("prices_file"):
        path = workdir / "prices.csv"
        path.write_bytes(data["prices_file"].read())
        return read_prices(path)
    return tariff_prices(
        data["tariff"],
        float(data["base_price"]),
        data["start"],
        form.end,
        timedelta(minutes=data["step_minutes"]),
    )


@require_write(PROGRAM)
def dispatch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Run a dispatch scenario (HiGHS LP) for a storage station and compare it with the saved ones."""
    writable = selectors.writable_station_list(
        user=request.user, within=active_region(request), kinds=[StationKind.STORAGE]
    )
    first = writable.first()
    initial: dict[str, object] = {
        "name": _("方案 %(n)s") % {"n": f"{timezone.localtime():%m%d-%H%M}"},
        "mode": "arbitrage",
        "tariff": "hunan-tou-a",
    }
    if first is not None:
        params = services.storage_params(first)
        initial.update(
            station=first,
            eta_charge=params.eta_charge,
            eta_discharge=params.eta_discharge,
            soc_min=params.soc_min,
            soc_max=params.soc_max,
            soc_initial=str(params.soc_min),
            max_cycles=1,
        )
    if request.method == "POST":
        form = DispatchForm(request.POST, request.FILES, stations=writable)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    prices = _prices(form, Path(tmp))
                    peak = None
                    if data["mode"] == "peak-shaving":
                        load_path = Path(tmp) / "load.csv"
                        load_path.write_bytes(data["load_file"].read())
                        peak = PeakShaving(read_load(load_path), data["cap_mw"])
                params = services.storage_params(
                    data["station"],
                    eta_charge=data["eta_charge"],
                    eta_discharge=data["eta_discharge"],
                    soc_min=data["soc_min"],
                    soc_max=data["soc_max"],
                    soc_initial=data["soc_initial"],
                    degradation_yuan_per_mwh=data["degradation"],
                    max_cycles_per_day=data["max_cycles"],
                )
                inputs = {
                    "mode": data["mode"],
                    "tariff": "" if data.get("prices_file") else data["tariff"],
                    "base_price": float(data["base_price"]),
                    "start": data["start"].isoformat(),
                    "days": data["days"],
                    "step_minutes": round(prices.step_h * 60),
                    "cap_mw": data.get("cap_mw"),
                    "prices_file": data["prices_file"].name if data.get("prices_file") else "",
                }
                scenario = services.dispatch_scenario_run(
                    acting_user=request.user,
                    station=data["station"],
                    name=data["name"],
                    prices=prices,
                    params=params,
                    inputs=inputs,
                    peak_shaving=peak,
                )
            except EnergyInputError as exc:
                for text in presenters.dispatch_error_messages(exc):
                    messages.error(request, text)
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, _("方案已计算"))
                return redirect("energy:scenario", pk=scenario.pk)
    else:
        form = DispatchForm(initial=initial, stations=writable)
    scenarios = list(selectors.scenario_list(user=request.user, within=active_region(request))[:20])
    compare = selectors.scenario_compare_chart(scenarios[:8])
    return render(request, "energy/dispatch.html", {"form": form, "scenarios": scenarios, "compare": compare})


@program_required(PROGRAM)
def scenario(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = selectors.scenario_get(user=request.user, pk=pk)
    return render(request, "energy/scenario.html", {"scenario": obj, "chart": selectors.scenario_chart(obj)})


@program_required(PROGRAM)
def resource_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Wind AEP and capacity factor, PV yield per MW, and 渔光互补 capacity from pond area."""
    which = request.GET.get("calc", "")
    wind = WindForm(request.GET if which == "wind" else None)
    pv = PVForm(request.GET if which == "pv" else None)
    pond = PondForm(request.GET if which == "pond" else None)
    result: dict[str, object] = {}
    try:
        if which == "wind" and wind.is_valid():
            d = wind.cleaned_data
            curve = resource.load_power_curves()[d["turbine"]]
            result["wind"] = resource.wind_aep(
                curve,
                d["mean_speed"],
                d["ref_height"],
                d["hub_height"],
                alpha=d["alpha"],
                k=d["k"],
                loss_factor=d["losses"],
            )
            result["wind_turbines"] = d["turbines"]
            result["wind_curve"] = curve
        elif which == "pv" and pv.is_valid():
            d = pv.cleaned_data
            result["pv"] = resource.pv_yield(
                d["latitude"],
                d["longitude"],
                d["year"],
                tilt_deg=d["tilt"],
                azimuth_deg=d["azimuth"],
                clear_sky_index=d["index"],
            )
            result["pv_capacity"] = d["capacity_mw"]
        elif which == "pond" and pond.is_valid():
            d = pond.cleaned_data
            result["pond"] = resource.fishery_pv_capacity_mw(d["area_mu"], d["density"])
    except EnergyInputError as exc:
        flash_errors(request, exc)
    charts = selectors.resource_charts(result)
    return render(
        request,
        "energy/resource.html",
        {
            "wind_form": wind,
            "pv_form": pv,
            "pond_form": pond,
            "result": result,
            "charts": charts,
            "which": which,
        },
    )


@program_required(PROGRAM)
def projects(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The 十四五 wind and PV project plan with its approval steps, and the boiler replacements."""
    within = active_region(request)
    rows = selectors.project_list(user=request.user, within=within)
    boilers = selectors.boiler_list(user=request.user, within=within)
    return render(
        request,
        "energy/projects.html",
        {
            "rows": rows,
            "boilers": boilers,
            "boiler_totals": selectors.boiler_totals(boilers),
            "step_form": StepForm(),
            "project_totals": selectors.project_totals([r["project"] for r in rows]),
        },
    )


@require_write(PROGRAM)
@require_POST
def step_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    step = selectors.approval_step_get(user=request.user, pk=pk)
    form = StepForm(request.POST)
    if form.is_valid():
        flash_outcome(
            request,
            lambda: services.approval_step_update(
                acting_user=request.user,
                step=step,
                status=form.cleaned_data["status"],
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
            ),
            _("%(step)s 已更新") % {"step": step},
        )
    else:
        flash_errors(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    return redirect("energy:projects")
