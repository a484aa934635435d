"""Realistic station telemetry: hourly histories (the demo's year) and live readings (the simulator).

Physical models, simple on purpose but each plausible:

- Wind: the hub-height wind speed is a Weibull variable (k = 2) made persistent in time by a
  Gaussian copula: an Ornstein–Uhlenbeck latent z (time constant 6 h) mapped through
  u = Φ(z), v = c·(−ln(1 − u))^(1/k), with a mild diurnal swing; live readings add per-turbine
  turbulence (intensity 10 %). Power follows the Enercon E-141/4200 curve of windpowerlib's data
  (``data/turbine_curves.csv``) scaled to the turbine rating, minus 3 % electrical losses.
- PV: Ineichen clear-sky irradiance (pvlib) transposed to a 20° south plane, times a cloudiness
  factor (daily AR(1) clearness around the month's mean, plus fast cloud passages live), a
  −0.35 %/°C temperature derate, 96 % inverter and 2 % other losses, clipped at the AC rating.
- Biomass: near-rated steady output (88 % ± 4 %) with planned outages.
- Storage: follows the station's day-ahead schedule (:class:`~countyworks.energy.models.DayAheadSchedule`),
  with the SOC integrated from the charge and discharge efficiencies.

Telemetry derived from the output (reactive power, voltage, current, frequency, counters, device
splits, cell extremes) is generated from the same state, so every point of a station moves together.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pvlib
from scipy.special import ndtr

from countyworks.energy.models import Station, StationKind
from countyworks.energy.resource import PowerCurve, load_power_curves

#: Site of 沅江市 (docs/rules/resource-assessment.md §3), used when a station has no coordinates.
DEFAULT_SITE = (28.8, 112.4)
TURBINE_TYPE = "E-141/4200"
WIND_K = 2.0
WIND_TAU_H = 6.0
TURBULENCE = 0.10
PV_TILT, PV_AZIMUTH = 20.0, 180.0
PV_LOSSES = 0.96 * 0.98
#: Mean daily clearness by month for the 洞庭湖 plain (cloudy spring, clear late summer) [-].
MONTHLY_CLEARNESS = (0.42, 0.40, 0.42, 0.48, 0.52, 0.52, 0.66, 0.64, 0.58, 0.52, 0.48, 0.44)


def _curve() -> PowerCurve:
    return load_power_curves()[TURBINE_TYPE]


def weibull_scale(mean: float, k: float = WIND_K) -> float:
    """Weibull c [m/s] of a mean speed: c = v̄ / Γ(1 + 1/k)."""
    return mean / math.gamma(1.0 + 1.0 / k)


def latent_to_speed(z: np.ndarray, mean: float, k: float = WIND_K) -> np.ndarray:
    """Gaussian latent → Weibull wind speed with the given mean [m/s] (Gaussian copula)."""
    u = np.clip(ndtr(z), 1e-12, 1 - 1e-12)
    return weibull_scale(mean, k) * (-np.log1p(-u)) ** (1.0 / k)


def ou_path(
    n: int, dt_h: float, tau_h: float, rng: np.random.Generator, z0: float | None = None
) -> np.ndarray:
    """An Ornstein–Uhlenbeck path of unit variance sampled every ``dt_h`` hours."""
    phi = math.exp(-dt_h / tau_h)
    noise = rng.standard_normal(n) * math.sqrt(1 - phi * phi)
    out = np.empty(n)
    z = rng.standard_normal() if z0 is None else z0
    for i in range(n):
        z = phi * z + noise[i]
        out[i] = z
    return out


def wind_farm_mw(speed_hub: np.ndarray, capacity_mw: float, curve: PowerCurve | None = None) -> np.ndarray:
    """Farm output [MW] from the hub-height speed: the turbine curve scaled to the farm, −3 % losses."""
    curve = curve or _curve()
    per_unit = curve.power_at(speed_hub) / curve.nominal_power_kw
    return np.clip(per_unit * 0.97, 0.0, 1.0) * capacity_mw


def _diurnal_wind(local_hour: np.ndarray) -> np.ndarray:
    # Lake-plain wind is a little stronger in the afternoon and at night than in the morning.
    return 1.0 + 0.08 * np.cos(2 * np.pi * (local_hour - 15.0) / 24.0)


def wind_hourly(
    times: pd.DatetimeIndex, mean_hub: float, capacity_mw: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Hourly hub speed [m/s] and farm output [MW] over ``times`` (aware)."""
    z = ou_path(len(times), 1.0, WIND_TAU_H, rng)
    local_hour = np.asarray(times.tz_convert("Asia/Shanghai").hour, dtype=float)
    speed = latent_to_speed(z, mean_hub) * _diurnal_wind(local_hour)
    return speed, wind_farm_mw(speed, capacity_mw)


def clear_sky_poa(times: pd.DatetimeIndex, latitude: float, longitude: float) -> np.ndarray:
    """Clear-sky plane-of-array irradiance [W/m²] on a 20° south-facing plane (pvlib, Ineichen)."""
    site = pvlib.location.Location(latitude, longitude, tz="Asia/Shanghai")
    sky = site.get_clearsky(times, model="ineichen")
    sun = site.get_solarposition(times)
    poa = pvlib.irradiance.get_total_irradiance(
        PV_TILT,
        PV_AZIMUTH,
        sun["apparent_zenith"],
        sun["azimuth"],
        sky["dni"],
        sky["ghi"],
        sky["dhi"],
        dni_extra=pvlib.irradiance.get_extra_radiation(times),
        model="haydavies",
    )
    return np.nan_to_num(poa["poa_global"].to_numpy(), nan=0.0).clip(min=0.0)


@functools.lru_cache(maxsize=256)
def _poa_minute(latitude: float, longitude: float, minute: int) -> float:
    """Clear-sky POA of one minute at a site (cached: every live station at a site shares it)."""
    times = pd.DatetimeIndex([datetime.fromtimestamp(minute * 60, UTC)])
    return float(clear_sky_poa(times, latitude, longitude)[0])


def pv_mw(
    poa: np.ndarray, clearness: np.ndarray, capacity_mw: float, temp_air: np.ndarray | float = 20.0
) -> np.ndarray:
    """AC output [MW] from clear-sky POA [W/m²] and a clearness factor (DC/AC 1.1, clipped at AC rating)."""
    irradiance = poa * clearness
    cell_temp = np.asarray(temp_air) + irradiance * 0.03
    dc = 1.1 * capacity_mw * irradiance / 1000.0 * (1 - 0.0035 * (cell_temp - 25.0))
    return np.clip(dc * PV_LOSSES, 0.0, capacity_mw)


def daily_clearness(times: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """A clearness factor per time step: daily AR(1) around the month's mean, in [0.08, 1]."""
    local = times.tz_convert("Asia/Shanghai")
    days = pd.Index(local.normalize())
    unique_days = days.unique()
    z = ou_path(len(unique_days), 1.0, 2.0, rng)
    months = np.asarray(unique_days.month) - 1
    mean = np.asarray(MONTHLY_CLEARNESS)[months]
    daily = np.clip(mean + 0.22 * z, 0.08, 1.0)
    return daily[unique_days.get_indexer(days)]


def ambient_temperature(times: pd.DatetimeIndex) -> np.ndarray:
    """A seasonal and diurnal air temperature for 沅江 [°C] (mean 17.5, July ~29, January ~5)."""
    local = times.tz_convert("Asia/Shanghai")
    doy = np.asarray(local.day_of_year, dtype=float)
    hour = np.asarray(local.hour, dtype=float) + np.asarray(local.minute, dtype=float) / 60.0
    return (
        17.5 - 12.0 * np.cos(2 * np.pi * (doy - 15) / 365.0) + 4.0 * np.cos(2 * np.pi * (hour - 15.0) / 24.0)
    )


def biomass_hourly(
    times: pd.DatetimeIndex, capacity_mw: float, rng: np.random.Generator, outages: list[tuple[int, int]]
) -> np.ndarray:
    """Near-rated output [MW] with slow fuel-quality swings; zero during the outage day ranges (day-of-year)."""
    z = ou_path(len(times), 1.0, 12.0, rng)
    out = capacity_mw * np.clip(0.88 + 0.04 * z, 0.6, 1.0)
    doy = np.asarray(times.tz_convert("Asia/Shanghai").day_of_year)
    for first, last in outages:
        out[(doy >= first) & (doy <= last)] = 0.0
    return out


def calibrate(
    shape: Callable[[float], np.ndarray],
    target_mwh: float,
    step_h: float = 1.0,
    low: float = 0.05,
    high: float = 8.0,
) -> np.ndarray:
    """Find the scale s with Σ shape(s)·Δt = target (bisection; shape must grow with s), then settle exactly.

    The bisection keeps the physics (a wind-speed scale, a clearness scale); the last factor,
    within 1e-6 of 1, removes the remaining rounding so that the year sums to the target.
    """
    for _ in range(80):
        mid = 0.5 * (low + high)
        if shape(mid).sum() * step_h < target_mwh:
            low = mid
        else:
            high = mid
    series = shape(high)
    total = series.sum() * step_h
    if total <= 0:
        raise ValueError("the profile has no energy to calibrate")
    return series * (target_mwh / total)


# --- live readings ---------------------------------------------------------------------------------


@dataclass
class LiveState:
    """Slowly varying state of one station between live steps."""

    z: float = 0.0
    cloud: float = 1.0
    soc: float = 0.0
    exported_kwh: float = 0.0
    imported_kwh: float = 0.0
    cell_temp: float = 25.0
    seq: int = 0


#: (station, instant) → (planned power [MW, + discharge], planned SOC at the start of the step), or None.
ScheduleLookup = Callable[[Station, datetime], tuple[float, float] | None]


@dataclass
class StationSimulator:
    """Live readings of one station's devices at successive instants.

    ``schedule`` returns the storage station's planned power [MW, + discharge] and planned SOC at an
    instant (None when there is no plan: the station then idles).
    """

    station: Station
    devices: dict[str, list[str]]
    rng: np.random.Generator
    schedule: ScheduleLookup | None = None
    state: LiveState = field(default_factory=LiveState)
    mean_hub_speed: float = 6.3
    curve: PowerCurve | None = None

    def __post_init__(self) -> None:
        self.capacity = float(self.station.capacity_mw)
        self.latitude = float(self.station.latitude or DEFAULT_SITE[0])
        self.longitude = float(self.station.longitude or DEFAULT_SITE[1])
        if self.station.kind == StationKind.WIND:
            self.curve = self.curve or _curve()
            self.state.z = float(self.rng.standard_normal())
        if self.station.is_storage:
            self.state.soc = float(self.station.soc_min or 0)

    def output_mw(self, when: datetime, dt_s: float) -> tuple[float, dict[str, float]]:
        """Station output [MW] at ``when`` and the auxiliary quantities behind it."""
        kind = self.station.kind
        extra: dict[str, float] = {}
        times = pd.DatetimeIndex([when])
        if kind == StationKind.WIND:
            phi = math.exp(-dt_s / 3600.0 / WIND_TAU_H)
            self.state.z = phi * self.state.z + math.sqrt(1 - phi * phi) * float(self.rng.standard_normal())
            local = when.astimezone(_local_tz())
            local_hour = local.hour + local.minute / 60.0
            mean_speed = float(latent_to_speed(np.array([self.state.z]), self.mean_hub_speed)[0]) * float(
                _diurnal_wind(np.array([local_hour]))[0]
            )
            extra["wind_ms"] = mean_speed
            return float(wind_farm_mw(np.array([mean_speed]), self.capacity, self.curve)[0]), extra
        if kind in (StationKind.PV_GROUND, StationKind.PV_FISHERY, StationKind.PV_ROOFTOP):
            poa = np.array([_poa_minute(self.latitude, self.longitude, int(when.timestamp()) // 60)])
            month_mean = MONTHLY_CLEARNESS[when.astimezone(_local_tz()).month - 1]
            # Fast cloud passages: a two-state process around the month's clearness.
            if self.rng.random() < dt_s / 600.0:
                self.state.cloud = float(np.clip(self.rng.normal(month_mean + 0.15, 0.25), 0.1, 1.0))
            temp = float(ambient_temperature(times)[0])
            extra["irr_Wm2"] = float(poa[0] * self.state.cloud)
            extra["T_mod_C"] = temp + extra["irr_Wm2"] * 0.03
            return float(pv_mw(poa, np.array([self.state.cloud]), self.capacity, temp)[0]), extra
        if kind in (StationKind.BIOMASS, StationKind.HYDRO):
            return self.capacity * float(np.clip(0.88 + 0.02 * self.rng.standard_normal(), 0.6, 1.0)), extra
        plan = self.schedule(self.station, when) if self.schedule else None
        if plan is not None and not self.state.seq:
            self.state.soc = plan[1]  # join the plan where it stands
        self.state.seq += 1
        planned = plan[0] if plan else 0.0
        power = planned + (0.002 * self.capacity * float(self.rng.standard_normal()) if planned else 0.0)
        power = float(np.clip(power, -self.capacity, self.capacity))
        energy = float(self.station.energy_mwh or 1)
        eta_c, eta_d = float(self.station.eta_charge or 1), float(self.station.eta_discharge or 1)
        delta = (eta_c * max(-power, 0.0) - max(power, 0.0) / eta_d) * dt_s / 3600.0 / energy
        soc_min, soc_max = float(self.station.soc_min or 0), float(self.station.soc_max or 1)
        new_soc = self.state.soc + delta
        if new_soc < soc_min or new_soc > soc_max:  # the BMS stops at the window's edge
            power, new_soc = 0.0, min(max(new_soc, soc_min), soc_max)
        if plan is not None and abs(planned) < 1e-6:
            new_soc = plan[1] if abs(plan[1] - new_soc) < 0.02 else new_soc
        self.state.soc = new_soc
        extra["soc"] = new_soc
        return power, extra

    def readings(
        self, when: datetime, dt_s: float, *, all_devices: bool = True
    ) -> dict[str, dict[str, float]]:
        """{device code: {point code: value}} at ``when``; ``all_devices`` False gives the meters only."""
        power, extra = self.output_mw(when, dt_s)
        rng = self.rng
        kw = power * 1000.0
        q = 0.05 * kw + 0.01 * self.capacity * 1000.0 * float(rng.standard_normal())
        voltage = 110.0 * (1 + 0.004 * float(rng.standard_normal()))
        apparent = math.hypot(kw, q)
        if kw >= 0:
            self.state.exported_kwh += kw * dt_s / 3600.0
        else:
            self.state.imported_kwh += -kw * dt_s / 3600.0
        meter = {
            "P_kW": round(kw, 1),
            "Q_kvar": round(q, 1),
            "U_kV": round(voltage, 3),
            "I_A": round(apparent / (math.sqrt(3) * voltage), 1),
            "f_Hz": round(50.0 + 0.02 * float(rng.standard_normal()), 3),
            "PF": round(kw / apparent, 4) if apparent > 1 else 1.0,
            "E_exp_kWh": round(self.state.exported_kwh, 1),
            "E_imp_kWh": round(self.state.imported_kwh, 1),
        }
        out: dict[str, dict[str, float]] = {}
        for code in self.devices.get("grid_meter", []):
            out[code] = meter
        if self.station.is_storage:
            soc_pct = round(100.0 * extra["soc"], 2)
            for code in self.devices.get("ems", []):
                out[code] = {
                    "SOC_pct": soc_pct,
                    "SOH_pct": 97.8,
                    "P_set_kW": round(kw, 1),
                    "P_chg_max_kW": self.capacity * 1000.0,
                    "P_dis_max_kW": self.capacity * 1000.0,
                }
        if not all_devices:
            return out
        temp = float(ambient_temperature(pd.DatetimeIndex([when]))[0])
        self._device_readings(out, kw, extra, temp)
        return out

    def _device_readings(
        self, out: dict[str, dict[str, float]], kw: float, extra: dict[str, float], temp: float
    ) -> None:
        rng = self.rng
        kind = self.station.kind
        if self.station.is_storage:
            pcs = self.devices.get("pcs", [])
            bms = self.devices.get("bms", [])
            load = abs(kw) / max(self.capacity * 1000.0, 1.0)
            # Cells warm with the load and cool towards the cabin temperature (HVAC keeps ~25 °C).
            self.state.cell_temp += 0.05 * ((25.0 + 9.0 * load) - self.state.cell_temp)
            for code in pcs:
                share = kw / len(pcs) * (1 + 0.01 * float(rng.standard_normal()))
                out[code] = {
                    "P_kW": round(share, 1),
                    "Q_kvar": round(0.02 * share, 1),
                    "U_dc_V": round(1200 + 20 * load, 1),
                    "I_dc_A": round(share * 1000 / 1200 / 1000, 2),
                    "T_igbt_C": round(35 + 30 * load, 1),
                    "T_cab_C": round(28 + 6 * load, 1),
                    "state": 2 if kw > 1 else (1 if kw < -1 else 0),
                    "alarm_bits": 0,
                }
            for code in bms:
                soc = 100 * extra["soc"] + 0.3 * float(rng.standard_normal())
                out[code] = {
                    "U_V": round(1180 + 1.5 * soc, 1),
                    "I_A": round(kw / max(len(bms), 1) / 1.2 / 1000, 1),
                    "SOC_pct": round(min(max(soc, 0.0), 100.0), 2),
                    "SOH_pct": 97.8,
                    "P_chg_max_kW": round(self.capacity * 1000 / max(len(bms), 1), 1),
                    "P_dis_max_kW": round(self.capacity * 1000 / max(len(bms), 1), 1),
                    "R_iso_kohm": 5200.0,
                    "alarm_bits": 0,
                }
            for code in self.devices.get("cells", []):
                out[code] = {
                    "V_max_V": round(3.30 + 0.12 * extra["soc"], 3),
                    "V_min_V": round(3.25 + 0.11 * extra["soc"], 3),
                    "T_max_C": round(self.state.cell_temp + 2.5, 1),
                    "T_min_C": round(self.state.cell_temp - 1.5, 1),
                    "V_max_pos": int(rng.integers(1, 4800)),
                    "T_max_pos": int(rng.integers(1, 4800)),
                }
            for code in self.devices.get("auxiliary", []):
                out[code] = {
                    "hvac_on": True,
                    "fire_alarm": False,
                    "door_open": False,
                    "T_room_C": round(24 + 0.1 * (temp - 20), 1),
                }
        elif kind == StationKind.WIND:
            turbines = self.devices.get("turbine", [])
            for code in turbines:
                speed = max(extra["wind_ms"] * (1 + TURBULENCE * float(rng.standard_normal())), 0.0)
                p = (
                    float(wind_farm_mw(np.array([speed]), self.capacity / len(turbines), self.curve)[0])
                    * 1000
                )
                out[code] = {
                    "P_kW": round(p, 1),
                    "wind_ms": round(speed, 2),
                    "rotor_rpm": round(min(speed * 1.6, 11.5), 2),
                    "state": 1 if p > 0 else 0,
                    "alarm_bits": 0,
                }
            for code in self.devices.get("met_mast", []):
                out[code] = {
                    "wind_ms": round(extra["wind_ms"], 2),
                    "wind_dir_deg": round(float(rng.uniform(0, 360)), 1),
                    "T_air_C": round(temp, 1),
                }
        elif kind in (StationKind.PV_GROUND, StationKind.PV_FISHERY):
            inverters = self.devices.get("inverter", [])
            for code in inverters:
                share = kw / len(inverters) * (1 + 0.01 * float(rng.standard_normal()))
                out[code] = {
                    "P_kW": round(max(share, 0.0), 1),
                    "P_dc_kW": round(max(share, 0.0) / 0.96, 1),
                    "irr_Wm2": round(extra["irr_Wm2"], 1),
                    "T_mod_C": round(extra["T_mod_C"], 1),
                    "state": 1 if share > 0 else 0,
                    "alarm_bits": 0,
                }
        else:
            units = self.devices.get("generator", [])
            for code in units:
                share = kw / len(units) * (1 + 0.005 * float(rng.standard_normal()))
                out[code] = {
                    "P_kW": round(share, 1),
                    "Q_kvar": round(0.05 * share, 1),
                    "fuel_t_h": round(share / 1000.0 * 1.25 if kind == StationKind.BIOMASS else 0.0, 2),
                    "state": 1 if share > 0 else 0,
                }


def device_map(station: Station) -> dict[str, list[str]]:
    """{device kind: [device codes]} of a station."""
    mapping: dict[str, list[str]] = {}
    for code, kind in station.devices.order_by("code").values_list("code", "kind"):
        mapping.setdefault(kind, []).append(code)
    return mapping


def to_messages(
    station: Station,
    when: datetime,
    readings: dict[str, dict[str, float]],
    period_s: int | dict[str, int],
    seq: int,
) -> list[tuple[str, bytes]]:
    """MQTT messages (topic, payload) of one instant, one per device (docs/telemetry.md).

    ``period_s`` is the sampling period the readings stand for, one for all devices or per device.
    """
    region = station.region_id[:6]
    stamp = when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    periods = period_s if isinstance(period_s, dict) else dict.fromkeys(readings, period_s)
    return [
        (
            f"countyworks/{region}/{station.code}/{device}/telemetry",
            json.dumps(
                {"ts": stamp, "seq": seq, "period_s": periods[device], "points": points},
                separators=(",", ":"),
            ).encode(),
        )
        for device, points in readings.items()
    ]


def planned_power(schedules: dict[tuple[int, str], dict]) -> ScheduleLookup:
    """A lookup over day-ahead schedules keyed by (station id, ISO day): (MW, SOC) at an instant."""

    def lookup(station: Station, when: datetime) -> tuple[float, float] | None:
        local = when.astimezone(_local_tz())
        plan = schedules.get((station.pk, local.date().isoformat()))
        if plan is None:
            return None
        minutes = local.hour * 60 + local.minute
        i = min(minutes // plan["step_minutes"], len(plan["charge_mw"]) - 1)
        power = float(plan["discharge_mw"][i]) - float(plan["charge_mw"][i])
        soc_at_start = float(plan["soc"][i - 1]) if i > 0 else float(plan.get("soc_start", plan["soc"][-1]))
        return power, soc_at_start

    return lookup


def _local_tz():
    from countyworks.energy.store import local_tz

    return local_tz()


def live_times(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    out = []
    t = start
    while t < end:
        out.append(t)
        t += step
    return out
