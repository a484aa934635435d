"""The demo of program 3 for 沅江市 (430981): stations, a year of telemetry, the 十四五 plan, boilers.

Everything the brief reports is computed from the telemetry this module feeds through
:func:`~countyworks.energy.ingest.ingest_messages` (the one ingestion path), as hourly readings
(``period_s`` 3600) of 2022, calibrated so that the platform's own statistics give the seed
article's figures:

- wind (5 farms, 229.9 MW) + centralised PV (150.1 MW, of which 2 渔光互补 projects) = 380 MW
  (38万 kW), generating 6.1亿 kWh in 2022 (1,605 full-load hours; wind ≈ 2,000 h, PV ≈ 1,000 h);
- with biomass (万材新能源, 益材新能源) and distributed PV making up the rest of the area's
  new-energy generation so that the share is 38.44 % (6.1亿 / 38.44 % ≈ 15.87亿 kWh in total);
- coal and CO2 follow from the factor set ``article-2023``: 20万 t and 61万 t;
- the 新湾镇 storage station (100 MW / 200 MWh) follows a day-ahead schedule solved each day by
  :func:`~countyworks.energy.dispatch.solve_dispatch` on the Hunan time-of-use tariff; from
  24 July (迎峰度夏) it makes one full cycle a day: 100 MW for 2 h = 20万 kWh in the tip hours.

Modelling choice for the storage station: its 200 MWh is the rated dischargeable energy at the
grid connection (额定放电量), so its SOC runs over 0–100 % of that energy with the discharge
efficiency at 1 and the round-trip losses (88 % AC–AC, docs/rules/storage-monitoring.md §5: 85–90 %) on the charge side;
otherwise 100 MW could not be delivered for 2 h, as the article reports.

Demo assumptions, marked as such in the station notes: town codes under 430981 are demo codes
(the 统计用区划代码 of 沅江's towns were not available offline); the names and capacities of the
wind farms, PV plants and the biomass plants' capacities are invented; 万材新能源 and 益材新能源 are
named in the article. People are invented.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db import close_old_connections, transaction
from django.utils import timezone

from countyworks.core.actors import SYSTEM
from countyworks.core.models import Organisation, Person, Program, Region
from countyworks.core.program_regions import region_program_set
from countyworks.energy import services, simulate
from countyworks.energy.alarms import check_communication_loss
from countyworks.energy.ingest import ingest_messages
from countyworks.energy.models import (
    Alarm,
    AlarmLevel,
    ApprovalStep,
    BoilerReplacement,
    DayAheadSchedule,
    Project,
    Station,
    StationKind,
)
from countyworks.energy.store import local_tz

logger = logging.getLogger(__name__)

COUNTY = "430981"
YEAR = 2022
DEMO_NOTE = "演示数据：名称与参数为虚构，乡镇代码为演示代码。"
TARIFF, BASE_PRICE = "hunan-tou-a", Decimal("0.5")

#: Demo town codes under 沅江市 (not the official 统计用区划代码, which were not available offline).
TOWNS = {
    "430981100": "新湾镇",
    "430981101": "草尾镇",
    "430981102": "阳罗洲镇",
    "430981103": "四季红镇",
    "430981104": "泗湖山镇",
    "430981105": "黄茅洲镇",
    "430981106": "共华镇",
    "430981107": "南大膳镇",
    "430981108": "新华村片区",
    "430981109": "琼湖街道",
}

#: 2022 generation targets [MWh]: wind 459,900 (≈2,000 h on 229.9 MW) + centralised PV 150,100
#: (≈1,000 h on 150.1 MW) = 610,000 MWh = 6.1亿 kWh; the others make the total 610,000 / 38.44 %.
CENTRALISED_MWH = 610_000.0
SHARE = 0.3844
OTHER_MWH = CENTRALISED_MWH / SHARE - CENTRALISED_MWH


@dataclass(frozen=True)
class DemoStation:
    code: str
    name: str
    kind: str
    town: str
    capacity_mw: str
    weight: float  # relative full-load hours inside its group
    devices: dict[str, int] | None = None
    extra: dict[str, object] | None = None


WIND = (
    DemoStation("yj-wind-caowei", "草尾风电场", StationKind.WIND, "430981101", "50", 2080, {"wtg": 6}),
    DemoStation("yj-wind-yangluozhou", "阳罗洲风电场", StationKind.WIND, "430981102", "50", 2010, {"wtg": 6}),
    DemoStation("yj-wind-sijihong", "四季红风电场", StationKind.WIND, "430981103", "49.9", 1950, {"wtg": 6}),
    DemoStation("yj-wind-sihushan", "泗湖山风电场", StationKind.WIND, "430981104", "40", 1990, {"wtg": 5}),
    DemoStation("yj-wind-luhu", "漉湖风电场", StationKind.WIND, "430981100", "40", 1960, {"wtg": 5}),
)
CENTRAL_PV = (
    DemoStation(
        "yj-pv-qionghu", "琼湖集中式光伏电站", StationKind.PV_GROUND, "430981109", "50.1", 1020, {"inv": 4}
    ),
    DemoStation(
        "yj-fpv-xinwan",
        "新湾镇渔光互补光伏电站",
        StationKind.PV_FISHERY,
        "430981100",
        "60",
        990,
        {"inv": 4},
        {"water_area_mu": Decimal("1500")},
    ),
    DemoStation(
        "yj-fpv-caowei",
        "草尾镇渔光互补光伏电站",
        StationKind.PV_FISHERY,
        "430981101",
        "40",
        990,
        {"inv": 3},
        {"water_area_mu": Decimal("1000")},
    ),
)
OTHERS = (
    DemoStation(
        "yj-bio-wancai", "万材新能源生物质发电", StationKind.BIOMASS, "430981109", "50", 7200, {"unit": 2}
    ),
    DemoStation(
        "yj-bio-yicai", "益材新能源生物质发电", StationKind.BIOMASS, "430981102", "45", 7000, {"unit": 2}
    ),
    DemoStation(
        "yj-dpv-north", "分布式光伏（北部乡镇聚合）", StationKind.PV_ROOFTOP, "430981101", "100", 1010
    ),
    DemoStation("yj-dpv-central", "分布式光伏（城区聚合）", StationKind.PV_ROOFTOP, "430981109", "110", 1000),
    DemoStation(
        "yj-dpv-south", "分布式光伏（南部乡镇聚合）", StationKind.PV_ROOFTOP, "430981107", "90", 1005
    ),
)
STORAGE = DemoStation(
    "xinwan-ess",
    "新湾镇储能电站",
    StationKind.STORAGE,
    "430981100",
    "100",
    0,
    {"pcs": 4, "bms": 4},
    {
        "energy_mwh": Decimal("200"),
        "eta_charge": Decimal("0.88"),
        "eta_discharge": Decimal("1"),
        "soc_min": Decimal("0"),
        "soc_max": Decimal("1"),
        "chemistry": "磷酸铁锂 LFP",
    },
)


def _call_depth(day: date) -> float:
    """Cycles a day the grid calls the storage for in the demo year (调峰调用深度).

    Full cycles from 24 July through August (迎峰度夏); 0.9 in the winter peak (cold derating);
    a week of maintenance in April; 0.6 otherwise.
    """
    if date(day.year, 4, 11) <= day <= date(day.year, 4, 17):
        return 0.0
    if date(day.year, 7, 24) <= day <= date(day.year, 8, 31):
        return 1.0
    if day.month in (1, 12) or (day.month == 2 and day.day <= 10):
        return 0.9
    return 0.6


def _regions() -> None:
    Region.objects.bulk_create(
        [Region(code=code, name=name, level="town", parent_id=COUNTY) for code, name in TOWNS.items()],
        ignore_conflicts=True,
    )


def _people() -> dict[str, Person]:
    county = Region.objects.get(code=COUNTY)
    bureau, _ = Organisation.objects.get_or_create(
        name="沅江市发展和改革局", defaults={"kind": Organisation.Kind.GOVERNMENT, "region": county}
    )
    names = {
        "lead": ("周立新", "立项争资和项目建设专班 组长"),
        "land": ("何春梅", "专班 用地保障组"),
        "eia": ("罗建军", "专班 环评协调组"),
        "grid": ("曾志勇", "专班 电网接入组"),
        "ops": ("刘鹏", "新湾镇储能电站 值班长"),
    }
    people = {}
    for key, (name, title) in names.items():
        person, _ = Person.objects.get_or_create(
            name=name,
            region=county,
            defaults={"organisation": bureau if key != "ops" else None, "title": title},
        )
        people[key] = person
    return people


def _create_stations(people: dict[str, Person]) -> dict[str, Station]:
    stations = {}
    biomass_owner = {
        "yj-bio-wancai": "万材新能源",
        "yj-bio-yicai": "益材新能源",
    }
    for spec in (*WIND, *CENTRAL_PV, *OTHERS, STORAGE):
        region = Region.objects.get(code=spec.town)
        organisation = None
        if spec.code in biomass_owner:
            organisation, _ = Organisation.objects.get_or_create(
                name=biomass_owner[spec.code],
                defaults={"kind": Organisation.Kind.ENTERPRISE, "region": region},
            )
        extra: dict[str, Any] = dict(spec.extra or {})
        if spec.kind == StationKind.WIND:
            extra.update(
                hub_height_m=Decimal("140"),
                mean_wind_speed_ms=Decimal("2.44"),
                wind_speed_height_m=Decimal("10"),
            )
        stations[spec.code] = services.station_create(
            acting_user=SYSTEM,
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            region=region,
            capacity_mw=Decimal(spec.capacity_mw),
            commissioned_on=date(2021, 12, 28),
            organisation=organisation,
            device_counts=spec.devices,
            latitude=Decimal("28.84"),
            longitude=Decimal("112.36"),
            note=DEMO_NOTE,
            contact=people["ops"],
            **extra,
        )
    return stations


def _year_times() -> pd.DatetimeIndex:
    start = pd.Timestamp(f"{YEAR}-01-01 00:00", tz="Asia/Shanghai")
    return pd.date_range(start, periods=8760, freq="h")


def _targets(group: tuple[DemoStation, ...], total_mwh: float) -> dict[str, float]:
    raw = {s.code: float(s.capacity_mw) * s.weight for s in group}
    scale = total_mwh / sum(raw.values())
    return {code: value * scale for code, value in raw.items()}


def generation_profiles(seed: int = 20220724) -> dict[str, np.ndarray]:
    """Hourly output [MW] of every generating station in 2022, calibrated to the targets."""
    rng = np.random.default_rng(seed)
    times = _year_times()
    poa = simulate.clear_sky_poa(times, 28.84, 112.36)
    temp = simulate.ambient_temperature(times)
    profiles: dict[str, np.ndarray] = {}
    targets = {
        **_targets(WIND, 459_900.0),
        **_targets(CENTRAL_PV, CENTRALISED_MWH - 459_900.0),
        **_targets(OTHERS, OTHER_MWH),
    }
    for spec in (*WIND, *CENTRAL_PV, *OTHERS):
        cap = float(spec.capacity_mw)
        if spec.kind == StationKind.WIND:
            speed, _ = simulate.wind_hourly(times, 6.0, cap, rng)
            shape = lambda s, speed=speed, cap=cap: simulate.wind_farm_mw(speed * s, cap)  # noqa: E731
        elif spec.kind == StationKind.BIOMASS:
            outages = [(70, 84), (300, 309)] if spec.code.endswith("wancai") else [(95, 108), (320, 327)]
            base = simulate.biomass_hourly(times, cap, rng, outages)
            shape = lambda s, base=base, cap=cap: np.clip(base * s, 0.0, cap)  # noqa: E731
        else:
            clearness = simulate.daily_clearness(times, rng)
            shape = lambda s, c=clearness, cap=cap: simulate.pv_mw(poa, np.clip(c * s, 0.0, 1.0), cap, temp)  # noqa: E731
        profiles[spec.code] = simulate.calibrate(shape, targets[spec.code])
    return profiles


def storage_plans(station: Station) -> list[DayAheadSchedule]:
    """The storage station's day-ahead schedule of every day of 2022 (hourly steps), one LP per day."""
    plans = []
    day = date(YEAR, 1, 1)
    while day.year == YEAR:
        depth = _call_depth(day)
        steps: dict[str, object]
        revenue = 0.0
        if depth == 0:
            steps = {"charge_mw": [0.0] * 24, "discharge_mw": [0.0] * 24, "soc": [0.0] * 24, "soc_start": 0.0}
        else:
            steps, revenue = services.plan_day(
                station,
                day,
                tariff=TARIFF,
                base_price=BASE_PRICE,
                step_minutes=60,
                soc_initial=0.0,
                max_cycles_per_day=depth,
            )
        plans.append(
            DayAheadSchedule(
                station=station,
                day=day,
                tariff=TARIFF,
                base_price=BASE_PRICE,
                step_minutes=60,
                revenue_yuan=revenue,
                steps=steps,
            )
        )
        day += timedelta(days=1)
    return plans


def _history_messages(
    stations: dict[str, Station], profiles: dict[str, np.ndarray], plans: list[DayAheadSchedule]
):
    """Hourly telemetry messages of 2022 (``period_s`` 3600), station by station."""
    times = _year_times()
    stamps = [t.isoformat() for t in times]
    for code, series in profiles.items():
        topic = f"countyworks/{COUNTY}/{stations[code].code}/meter/telemetry"
        for i, stamp in enumerate(stamps):
            body = {"ts": stamp, "seq": i, "period_s": 3600, "points": {"P_kW": float(series[i]) * 1000.0}}
            yield topic, json.dumps(body).encode()
    storage = stations[STORAGE.code]
    meter = f"countyworks/{COUNTY}/{storage.code}/meter/telemetry"
    ems = f"countyworks/{COUNTY}/{storage.code}/ems/telemetry"
    i = 0
    for plan in plans:
        soc = float(plan.steps["soc_start"])
        for h in range(24):
            power = float(plan.steps["discharge_mw"][h]) - float(plan.steps["charge_mw"][h])
            stamp = stamps[i]
            yield (
                meter,
                json.dumps(
                    {"ts": stamp, "seq": i, "period_s": 3600, "points": {"P_kW": power * 1000.0}}
                ).encode(),
            )
            yield (
                ems,
                json.dumps(
                    {"ts": stamp, "seq": i, "period_s": 3600, "points": {"SOC_pct": round(100 * soc, 4)}}
                ).encode(),
            )
            soc = float(plan.steps["soc"][h])
            i += 1
    # Two device alarms of the year, through the alarm topic like any gateway's.
    for when, code, level, state, text in (
        ("2022-07-24T19:40:00+08:00", "T_IGBT_HIGH", "越限", "raise", "PCS03 IGBT 温度 86 °C 越限"),
        ("2022-07-24T19:52:00+08:00", "T_IGBT_HIGH", "越限", "clear", "PCS03 IGBT 温度恢复"),
        ("2022-09-03T02:10:00+08:00", "DOOR_OPEN", "变位", "raise", "储能舱 2 号门禁打开"),
        ("2022-09-03T02:25:00+08:00", "DOOR_OPEN", "变位", "clear", "储能舱 2 号门禁关闭"),
    ):
        device = "pcs03" if code == "T_IGBT_HIGH" else "aux"
        body = {"ts": when, "code": code, "level": level, "state": state, "message": text}
        yield (
            f"countyworks/{COUNTY}/{storage.code}/{device}/alarm",
            json.dumps(body, ensure_ascii=False).encode(),
        )


def load_history(stations: dict[str, Station], chunk: int = 5000) -> None:
    """Generate, calibrate and ingest the 2022 history; save the storage's daily schedules."""
    started = time.monotonic()
    profiles = generation_profiles()
    storage = stations[STORAGE.code]
    plans = storage_plans(storage)
    DayAheadSchedule.objects.bulk_create(plans)
    DayAheadSchedule.history.bulk_history_create(plans, default_change_reason="演示：日前计划")
    logger.info(
        "demo energy: profiles and %d day-ahead plans in %.1f s", len(plans), time.monotonic() - started
    )
    batch: list[tuple[str, bytes]] = []
    total = 0
    for item in _history_messages(stations, profiles, plans):
        batch.append(item)
        if len(batch) >= chunk:
            total += ingest_messages(batch).stored
            batch = []
    if batch:
        total += ingest_messages(batch).stored
    logger.info(
        "demo energy: %d hourly readings of %d ingested in %.1f s", total, YEAR, time.monotonic() - started
    )


#: name, town, MW, 亿元, eco constraints, steps done, blocked step.
PROJECTS: tuple[tuple[str, str, str, str, list[str], tuple[str, ...], str | None], ...] = (
    (
        "黄茅洲风电项目",
        "430981105",
        "100",
        "6.2",
        ["东洞庭湖国家级自然保护区外围，需避让候鸟迁徙通道", "须开展鸟类影响专题评价"],
        ("approval", "land"),
        "eia",
    ),
    ("共华风电项目", "430981106", "50", "3.1", [], ("approval", "land", "eia"), None),
    ("新华风电项目", "430981108", "50", "3.0", ["涉及洞庭湖湿地生态红线，需调整机位"], ("approval",), "land"),
    (
        "南大膳风电项目",
        "430981107",
        "100",
        "6.0",
        ["南洞庭湖湿地和水禽自然保护区周边，需生态专题论证"],
        (),
        None,
    ),
)


def _plan(people: dict[str, Person]) -> None:
    owners = {
        "approval": people["lead"],
        "land": people["land"],
        "eia": people["eia"],
        "grid_access": people["grid"],
        "connection": people["grid"],
    }
    for name, town, mw, invest, eco, done, blocked in PROJECTS:
        project = services.project_create(
            acting_user=SYSTEM,
            name=name,
            kind=Project.Kind.WIND,
            region=Region.objects.get(code=town),
            capacity_mw=Decimal(mw),
            investment_yuan=(Decimal(invest) * 100_000_000).quantize(Decimal(1)),
            eco_constraints=eco,
            green_channel=True,
            owner=people["lead"],
            planned_connection=date(2025, 12, 31),
            note="“十四五”风电、光伏发电项目开发建设方案（演示数据）",
        )
        for i, step in enumerate(project.steps.order_by("id")):
            step.owner = owners[step.step]
            step.save(update_fields=["owner"])
            if step.step in done:
                services.approval_step_update(
                    acting_user=SYSTEM,
                    step=step,
                    status=ApprovalStep.Status.DONE,
                    done_on=date(2023, 3 + 2 * i, 15),
                )
            elif step.step == blocked:
                services.approval_step_update(
                    acting_user=SYSTEM, step=step, status=ApprovalStep.Status.BLOCKED, note="生态约束待论证"
                )
    fishery = services.project_create(
        acting_user=SYSTEM,
        name="渔光互补二期（规划）",
        kind=Project.Kind.PV_FISHERY,
        region=Region.objects.get(code="430981100"),
        capacity_mw=Decimal("100"),
        investment_yuan=Decimal("400000000"),
        green_channel=True,
        owner=people["lead"],
        note="可利用渔场面积 6.3 万亩（初步规划），按 20 亩/MW 上限约 3,150 MW（演示数据）",
    )
    step = fishery.steps.get(step=ApprovalStep.Step.APPROVAL)
    services.approval_step_update(acting_user=SYSTEM, step=step, status=ApprovalStep.Status.IN_PROGRESS)


def _boilers() -> None:
    """The coal boilers under 10 t/h (10蒸吨以下燃煤锅炉), every one replaced by biomass."""
    suppliers = list(Organisation.objects.filter(name__in=["万材新能源", "益材新能源"]).order_by("name"))
    industries = ["米业", "食品加工", "纸业", "饲料", "水产加工", "砖瓦", "洗涤", "酒业"]
    rng = np.random.default_rng(10)
    towns = list(TOWNS)
    rows = []
    for i in range(36):
        town = towns[i % len(towns)]
        rows.append(
            BoilerReplacement(
                owner_name=f"{TOWNS[town]}{industries[i % len(industries)]}企业{i + 1:02d}",
                region_id=town,
                capacity_t_per_h=Decimal(str(float(rng.choice([1, 2, 2, 4, 4, 6, 8])))),
                replaced_by=BoilerReplacement.Fuel.BIOMASS,
                fuel_supplier=suppliers[i % len(suppliers)] if suppliers else None,
                replaced_on=date(2021, 3, 1) + timedelta(days=int(rng.integers(0, 600))),
                note="演示数据",
            )
        )
    BoilerReplacement.objects.bulk_create(rows)
    BoilerReplacement.history.bulk_history_create(rows, default_change_reason="演示数据")


def load_demo() -> None:
    """Load the energy demo for 沅江市 (idempotent: skipped when the storage station exists)."""
    if Station.objects.filter(code=STORAGE.code).exists():
        return
    with transaction.atomic():
        _regions()
        county = Region.objects.get(code=COUNTY)
        region_program_set(acting_user=SYSTEM, region=county, program=Program.ENERGY, enabled=True)
        people = _people()
        stations = _create_stations(people)
        _plan(people)
        _boilers()
        _showcase()
    load_history(stations)


def _showcase() -> None:
    """The rooftop PV of the profiles' showcase enterprise in 娄星 (core/demo_showcase.py), with
    an alarm still active: 娄星 runs the energy program for its distributed PV."""
    from countyworks.core.demo_showcase import LOUXING, showcase_enterprise

    company = showcase_enterprise()
    if company is None:  # the innovation demo is not installed
        return
    louxing = Region.objects.get(code=LOUXING)
    region_program_set(acting_user=SYSTEM, region=louxing, program=Program.ENERGY, enabled=True)
    station = services.station_create(
        acting_user=SYSTEM,
        code="pv-lx-changqing",
        name="长青汽车零部件厂房屋顶分布式光伏",
        kind="pv_rooftop",
        region=louxing,
        capacity_mw=Decimal("3.2"),
        commissioned_on=date(2023, 6, 28),
        organisation=company,
        device_counts={"inv": 2},
    )
    Alarm.objects.create(
        station=station,
        source=Alarm.Source.RULE,
        code="T_INV_HIGH",
        level=AlarmLevel.LIMIT,
        message="2号逆变器温度偏高",
        raised_at=timezone.now() - timedelta(hours=5),
    )


# --- the live simulator of the demo ------------------------------------------------------------------

LIVE_STEP_S = 2
DEVICES_EVERY_S = 30
#: Mean seconds between two door events of the storage cabin (the demo's occasional alarm).
DOOR_EVERY_S = 900
_started = threading.Event()


def _today_plans(now: datetime) -> dict[tuple[int, str], dict]:
    """Today's and tomorrow's day-ahead schedules of every storage station (solved when missing)."""
    plans: dict[tuple[int, str], dict] = {}
    today = now.astimezone(local_tz()).date()
    for station in Station.objects.filter(kind=StationKind.STORAGE, decommissioned_on__isnull=True):
        for day in (today, today + timedelta(days=1)):
            schedule = DayAheadSchedule.objects.filter(station=station, day=day).first()
            if schedule is None:
                schedule = services.day_ahead_schedule_plan(
                    acting_user=SYSTEM,
                    station=station,
                    day=day,
                    tariff=TARIFF,
                    base_price=BASE_PRICE,
                    step_minutes=15,
                    soc_initial=0.0,
                )
            plans[(station.pk, day.isoformat())] = {**schedule.steps, "step_minutes": schedule.step_minutes}
    return plans


class LiveSimulator:
    """Publishes live telemetry of every station through ``ingest_messages`` every few seconds."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.stop = threading.Event()
        self.sims: dict[int, simulate.StationSimulator] = {}
        self.plans: dict[tuple[int, str], dict] = {}
        self.seq = 0
        self.door_open_since: datetime | None = None

    def _setup(self, now: datetime) -> None:
        self.plans = _today_plans(now)
        lookup = simulate.planned_power(self.plans)
        for station in Station.objects.filter(decommissioned_on__isnull=True).select_related("region"):
            sim = simulate.StationSimulator(station, simulate.device_map(station), self.rng, schedule=lookup)
            self.sims[station.pk] = sim

    def _messages(
        self, when: datetime, dt_s: float, *, all_devices: bool, only: tuple[str, ...] = ()
    ) -> list[tuple[str, bytes]]:
        out: list[tuple[str, bytes]] = []
        self.seq += 1
        for sim in self.sims.values():
            readings = sim.readings(when, dt_s, all_devices=all_devices)
            if only:
                readings = {d: {k: v for k, v in pts.items() if k in only} for d, pts in readings.items()}
                readings = {d: pts for d, pts in readings.items() if pts}
            fast = set(sim.devices.get("grid_meter", [])) | set(sim.devices.get("ems", []))
            periods = {device: int(dt_s) if device in fast else DEVICES_EVERY_S for device in readings}
            out.extend(simulate.to_messages(sim.station, when, readings, periods, self.seq))
        return out

    def backfill(self, now: datetime, step_s: int = 60) -> int:
        """Today's output and SOC from local midnight to now, so the control room shows a full day."""
        midnight = now.astimezone(local_tz()).replace(hour=0, minute=0, second=0, microsecond=0)
        stored = 0
        batch: list[tuple[str, bytes]] = []
        for when in simulate.live_times(midnight, now - timedelta(seconds=step_s), timedelta(seconds=step_s)):
            batch.extend(self._messages(when, step_s, all_devices=False, only=("P_kW", "SOC_pct")))
            if len(batch) >= 3000:
                stored += ingest_messages(batch, now=now).stored
                batch = []
        if batch:
            stored += ingest_messages(batch, now=now).stored
        return stored

    def _door_event(self, now: datetime) -> list[tuple[str, bytes]]:
        """Now and then a storage cabin door opens for a minute (a 变位 alarm from the gateway)."""
        out: list[tuple[str, bytes]] = []
        for sim in self.sims.values():
            if not sim.station.is_storage or "aux" not in sim.devices.get("auxiliary", []):
                continue
            topic = f"countyworks/{sim.station.region_id[:6]}/{sim.station.code}/aux/alarm"
            if self.door_open_since is None and self.rng.random() < LIVE_STEP_S / DOOR_EVERY_S:
                self.door_open_since = now
                body = {
                    "ts": now.isoformat(),
                    "code": "DOOR_OPEN",
                    "level": "变位",
                    "state": "raise",
                    "message": "储能舱门禁打开",
                }
            elif self.door_open_since is not None and (now - self.door_open_since).total_seconds() >= 60:
                self.door_open_since = None
                body = {
                    "ts": now.isoformat(),
                    "code": "DOOR_OPEN",
                    "level": "变位",
                    "state": "clear",
                    "message": "储能舱门禁关闭",
                }
            else:
                continue
            out.append((topic, json.dumps(body, ensure_ascii=False).encode()))
        return out

    def run(self) -> None:
        close_old_connections()
        try:
            now = timezone.now()
            self._setup(now)
            # Today from midnight first (the simulators' state runs on to now), then live readings.
            logger.info("demo simulator: %d readings of today backfilled", self.backfill(now))
            last_devices = last_comm = -float("inf")
            while not self.stop.is_set():
                now = timezone.now()
                if now.astimezone(local_tz()).date().isoformat() not in {day for _pk, day in self.plans}:
                    self._setup(now)
                all_devices = time.monotonic() - last_devices >= DEVICES_EVERY_S
                if all_devices:
                    last_devices = time.monotonic()
                ingest_messages(
                    self._messages(now, LIVE_STEP_S, all_devices=all_devices) + self._door_event(now), now=now
                )
                if time.monotonic() - last_comm >= 30:
                    last_comm = time.monotonic()
                    check_communication_loss(now)
                self.stop.wait(LIVE_STEP_S)
        except Exception:
            logger.exception("the demo's live simulator stopped")
        finally:
            close_old_connections()


def start_live_simulator() -> LiveSimulator | None:
    """Start the live simulator thread (once per process)."""
    if _started.is_set():
        return None
    _started.set()
    simulator = LiveSimulator()
    threading.Thread(target=simulator.run, name="energy-simulator", daemon=True).start()
    return simulator
