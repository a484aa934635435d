"""Resource assessment: wind energy yield from a Weibull distribution and a power curve, PV yield per kWp
with pvlib, and the capacity that fish-pond area can hold (docs/rules/resource-assessment.md).

Power curves and monthly clear-sky indices are data (``data/turbine_curves.csv``,
``data/pv_clear_sky_index.csv``); user-entered curves go through :meth:`PowerCurve.from_points`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
from scipy.special import gamma

from countyworks.energy.timeseries import LOCAL_TZ_NAME, EnergyInputError, Problem

DATA_DIR = Path(__file__).parent / "data"
CURVE_FILE = DATA_DIR / "turbine_curves.csv"
CLEAR_SKY_INDEX_FILE = DATA_DIR / "pv_clear_sky_index.csv"
HOURS_PER_YEAR = 8760.0
KW_PER_MW = 1000.0


def _require(problems: list[Problem], name: str, value: float, ok: bool, rule: str) -> None:
    try:
        finite = math.isfinite(float(value))
    except (TypeError, ValueError):
        finite = False
    if not (finite and ok):
        problems.append(Problem(name, f"{rule}, got {value!r}"))


# --- wind -------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PowerCurve:
    """A turbine power curve: power [kW] at wind speeds [m/s], linear in between, zero outside.

    Attributes
    ----------
    turbine_type : str
    wind_speed_ms : numpy.ndarray
        Strictly increasing wind speeds [m/s]; the last one is the cut-out.
    power_kw : numpy.ndarray
        Electrical power [kW] at those speeds.
    nominal_power_kw : float
        Rated power [kW].
    source : str
    """

    turbine_type: str
    wind_speed_ms: np.ndarray
    power_kw: np.ndarray
    nominal_power_kw: float
    source: str

    @classmethod
    def from_points(
        cls,
        turbine_type: str,
        wind_speed_ms: Sequence[float],
        power_kw: Sequence[float],
        source: str,
        nominal_power_kw: float | None = None,
    ) -> PowerCurve:
        """Build and validate a curve (e.g. a user-entered Chinese model); nominal power defaults to the maximum.

        Raises
        ------
        EnergyInputError
            If speeds are not strictly increasing and ≥ 0, powers not finite and ≥ 0, or fewer than two points.
        """
        speeds, power = np.asarray(wind_speed_ms, dtype=float), np.asarray(power_kw, dtype=float)
        problems: list[Problem] = []
        if speeds.shape != power.shape or speeds.size < 2:
            problems.append(
                Problem(turbine_type, "needs at least two (wind speed, power) points of equal count")
            )
        elif not (np.all(np.isfinite(speeds)) and speeds[0] >= 0 and np.all(np.diff(speeds) > 0)):
            problems.append(Problem(turbine_type, "wind speeds must be finite, ≥ 0 and strictly increasing"))
        elif not (np.all(np.isfinite(power)) and np.all(power >= 0)):
            problems.append(Problem(turbine_type, "power values must be finite and ≥ 0 kW"))
        if problems:
            raise EnergyInputError(problems)
        nominal = float(power.max()) if nominal_power_kw is None else float(nominal_power_kw)
        return cls(turbine_type, speeds, power, nominal, source)

    def power_at(self, wind_speed_ms: np.ndarray | float) -> np.ndarray:
        """Power [kW] at the given hub-height wind speeds [m/s]."""
        return np.interp(wind_speed_ms, self.wind_speed_ms, self.power_kw, left=0.0, right=0.0)


def load_power_curves(path: str | Path = CURVE_FILE) -> dict[str, PowerCurve]:
    """Read the shipped power curves (long format: one row per turbine type and wind speed), by type.

    References
    ----------
    .. [1] windpowerlib 0.2.2, ``windpowerlib/oedb/power_curves.csv`` and ``turbine_data.csv``
       (OpenEnergy Platform turbine library, MIT licence), https://github.com/wind-python/windpowerlib .
    """
    points: dict[str, list[dict[str, str]]] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            points.setdefault(row["turbine_type"], []).append(row)
    return {
        name: PowerCurve.from_points(
            name,
            [float(r["wind_speed_ms"]) for r in rows],
            [float(r["power_kw"]) for r in rows],
            rows[0]["source"],
            float(rows[0]["nominal_power_kw"]),
        )
        for name, rows in points.items()
    }


def weibull_scale(mean_speed_ms: float, k: float = 2.0) -> float:
    """Weibull scale c = v̄ / Γ(1 + 1/k) [m/s] for a mean wind speed v̄ [m/s] and shape k [-].

    References
    ----------
    .. [1] docs/rules/resource-assessment.md §2; k = 2 (Rayleigh) by default.
    """
    return float(mean_speed_ms / gamma(1.0 + 1.0 / k))


def weibull_pdf(wind_speed_ms: np.ndarray, k: float, c: float) -> np.ndarray:
    """Weibull density f(v) = (k/c)·(v/c)^(k−1)·exp(−(v/c)^k) [1/(m/s)]."""
    ratio = np.asarray(wind_speed_ms, dtype=float) / c
    return (k / c) * ratio ** (k - 1.0) * np.exp(-(ratio**k))


def shear_speed(speed_ms: float, ref_height_m: float, hub_height_m: float, alpha: float = 0.20) -> float:
    """Wind speed at hub height by the power law v_hub = v_ref·(h_hub / h_ref)^α [m/s].

    Parameters
    ----------
    speed_ms : float
        Speed at the reference height [m/s].
    ref_height_m, hub_height_m : float
        Reference (e.g. 10 m meteorological mast) and hub heights [m].
    alpha : float
        Shear exponent [-]: default 0.20; 0.14 open terrain, 0.25 hilly.

    References
    ----------
    .. [1] docs/rules/resource-assessment.md §2.
    """
    return speed_ms * (hub_height_m / ref_height_m) ** alpha


@dataclass(frozen=True)
class WindYield:
    """Annual energy of one turbine.

    Attributes
    ----------
    hub_speed_ms : float
        Mean speed at hub height [m/s].
    weibull_scale_ms : float
        Weibull c at hub height [m/s].
    gross_mwh, net_mwh : float
        Gross AEP and AEP after losses [MWh/yr].
    capacity_factor : float
        Gross AEP / (nominal power × 8,760 h) [-].
    loss_factor : float
        Losses applied [-].
    """

    hub_speed_ms: float
    weibull_scale_ms: float
    gross_mwh: float
    net_mwh: float
    capacity_factor: float
    loss_factor: float


def wind_aep(
    curve: PowerCurve,
    mean_speed_ms: float,
    ref_height_m: float,
    hub_height_m: float,
    *,
    alpha: float = 0.20,
    k: float = 2.0,
    loss_factor: float = 0.15,
    grid_step_ms: float = 0.01,
) -> WindYield:
    """Annual energy production of one turbine from a mean wind speed.

    v_hub = v̄·(h_hub/h_ref)^α; c = v_hub / Γ(1 + 1/k); AEP_gross = 8,760 h × ∫ P(v)·f(v) dv by the
    trapezoid rule on a ``grid_step_ms`` grid from 0 to the curve's last speed; AEP_net = AEP_gross·(1 − loss).

    Parameters
    ----------
    curve : PowerCurve
    mean_speed_ms : float
        Mean wind speed at ``ref_height_m`` [m/s]. Label its height: the 2.44 m/s of the seed article is
        a 10 m meteorological mean, not a hub-height one.
    ref_height_m, hub_height_m : float
        Heights [m].
    alpha : float
        Shear exponent [-], default 0.20.
    k : float
        Weibull shape [-], default 2.
    loss_factor : float
        Losses [-] in [0, 1), default 0.15.
    grid_step_ms : float
        Integration step [m/s], default 0.01.

    Returns
    -------
    WindYield

    Raises
    ------
    EnergyInputError
        For a non-positive speed, height, k or grid step, or a loss factor outside [0, 1).

    Examples
    --------
    E-141/4200, hub 129 m, 2.44 m/s at 10 m, α 0.20, k 2: v_hub 4.07 m/s, gross AEP ≈ 4,578 MWh (CF 12.44%).

    References
    ----------
    .. [1] docs/rules/resource-assessment.md §2 and its E-141/4200 reference.
    """
    problems: list[Problem] = []
    _require(problems, "mean_speed_ms", mean_speed_ms, mean_speed_ms > 0, "must be > 0 m/s")
    _require(problems, "ref_height_m", ref_height_m, ref_height_m > 0, "must be > 0 m")
    _require(problems, "hub_height_m", hub_height_m, hub_height_m > 0, "must be > 0 m")
    _require(problems, "k", k, k > 0, "must be > 0")
    _require(problems, "alpha", alpha, True, "must be a number")
    _require(problems, "loss_factor", loss_factor, 0 <= loss_factor < 1, "must be in [0, 1)")
    _require(problems, "grid_step_ms", grid_step_ms, grid_step_ms > 0, "must be > 0 m/s")
    if problems:
        raise EnergyInputError(problems)
    hub_speed = shear_speed(mean_speed_ms, ref_height_m, hub_height_m, alpha)
    c = weibull_scale(hub_speed, k)
    speeds = np.arange(0.0, curve.wind_speed_ms[-1] + grid_step_ms / 2, grid_step_ms)
    mean_kw = float(np.trapezoid(curve.power_at(speeds) * weibull_pdf(speeds, k, c), speeds))
    gross = HOURS_PER_YEAR * mean_kw / KW_PER_MW
    return WindYield(
        hub_speed_ms=hub_speed,
        weibull_scale_ms=c,
        gross_mwh=gross,
        net_mwh=gross * (1.0 - loss_factor),
        capacity_factor=mean_kw / curve.nominal_power_kw,
        loss_factor=loss_factor,
    )


# --- PV ---------------------------------------------------------------------------------------------


def load_clear_sky_indices(path: str | Path = CLEAR_SKY_INDEX_FILE) -> dict[str, np.ndarray]:
    """Monthly clear-sky index sets (measured / clear-sky yield, January..December), by code.

    References
    ----------
    .. [1] docs/rules/resource-assessment.md §3 (a monthly clear-sky index given as data); sources per row.
    """
    sets: dict[str, dict[int, float]] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            sets.setdefault(row["code"], {})[int(row["month"])] = float(row["index"])
    return {code: np.array([months[m] for m in range(1, 13)]) for code, months in sets.items()}


@dataclass(frozen=True, eq=False)
class PVYield:
    """PV yield of 1 kWp over a year.

    Attributes
    ----------
    ghi_kwh_m2 : float
        Clear-sky global horizontal irradiation [kWh/m²].
    clear_sky_ac_kwh_per_kwp : float
        Clear-sky AC yield [kWh/kWp], an upper bound.
    monthly_ac_kwh_per_kwp : numpy.ndarray
        AC yield per month after the clear-sky index [kWh/kWp], January..December.
    ac_kwh_per_kwp : float
        Annual AC yield after the clear-sky index [kWh/kWp].
    clear_sky_index : numpy.ndarray
        The monthly index applied [-].
    """

    ghi_kwh_m2: float
    clear_sky_ac_kwh_per_kwp: float
    monthly_ac_kwh_per_kwp: np.ndarray
    ac_kwh_per_kwp: float
    clear_sky_index: np.ndarray


def pv_yield(
    latitude: float,
    longitude: float,
    year: int,
    *,
    tilt_deg: float = 20.0,
    azimuth_deg: float = 180.0,
    inverter_efficiency: float = 0.96,
    gamma_pdc_per_c: float = -0.0035,
    temp_air_c: float = 20.0,
    wind_speed_ms: float = 1.0,
    albedo: float = 0.25,
    clear_sky_index: str | Sequence[float] = "clear-sky",
) -> PVYield:
    """PV yield per kWp: pvlib clear sky, PVWatts DC/AC, times a monthly clear-sky index.

    Model chain, hourly over the year with timestamps at interval centres (HH:30, Asia/Shanghai):
    Ineichen clear sky (pvlib's Linke turbidity climatology, site altitude from pvlib's lookup),
    Hay–Davies transposition to the plane of array, physical incidence-angle modifier on the beam,
    SAPM cell temperature (open rack, glass/glass) at a constant ambient temperature and wind speed,
    PVWatts DC (1 kWp, γ_pdc) and PVWatts inverter (nominal efficiency, 1 kW AC rating).

    Parameters
    ----------
    latitude, longitude : float
        Site [°], north and east positive (沅江: 28.8, 112.4).
    year : int
    tilt_deg, azimuth_deg : float
        Module tilt and azimuth [°]; 180 = south. Default 20° south.
    inverter_efficiency : float
        PVWatts nominal inverter efficiency [-], default 0.96.
    gamma_pdc_per_c : float
        DC power temperature coefficient [1/°C], default −0.0035.
    temp_air_c : float
        Ambient temperature [°C], default 20.
    wind_speed_ms : float
        Wind speed for the cell temperature [m/s], default 1.
    albedo : float
        Ground albedo [-], default 0.25.
    clear_sky_index : str or sequence of 12 floats
        Code of a set in ``data/pv_clear_sky_index.csv`` or twelve monthly values [-]; default
        ``clear-sky`` (1.0: the clear-sky yield, an upper bound).

    Returns
    -------
    PVYield

    Raises
    ------
    EnergyInputError
        For an unknown index set, not twelve non-negative values, or an out-of-range site.

    Notes
    -----
    docs/rules/resource-assessment.md §3 fixes the site, tilt, 1 kWp, 96 % inverter and 20 °C; the remaining choices (interval-centre
    timestamps, Hay–Davies, physical IAM, SAPM open-rack glass/glass at 1 m/s, γ −0.35 %/°C, 1 kW AC
    rating) are the ones that reproduce both reference figures. Realistic Hunan yields are roughly half
    of the clear-sky yield [unverified] (set ``hunan-rough-half``).

    Examples
    --------
    28.8 N, 112.4 E, 2023: clear-sky GHI 2,163.2 kWh/m², AC 2,114.4 kWh/kWp (pvlib 0.16.1).

    References
    ----------
    .. [1] docs/rules/resource-assessment.md §3 and its reference figures.
    .. [2] Ineichen, P. and Perez, R. (2002), "A new airmass independent formulation for the Linke
       turbidity coefficient", Solar Energy 73(3), 151–157.
    .. [3] Dobos, A. P. (2014), "PVWatts Version 5 Manual", NREL/TP-6A20-62641.
    .. [4] Holmgren, W. F., Hansen, C. W. and Mikofski, M. A. (2018), "pvlib python: a python package
       for modeling solar energy systems", Journal of Open Source Software 3(29), 884.
    """
    problems: list[Problem] = []
    _require(problems, "latitude", latitude, -90 <= latitude <= 90, "must be in [-90, 90]°")
    _require(problems, "longitude", longitude, -180 <= longitude <= 180, "must be in [-180, 180]°")
    if isinstance(clear_sky_index, str):
        sets = load_clear_sky_indices()
        if clear_sky_index not in sets:
            problems.append(
                Problem("clear_sky_index", f"unknown set {clear_sky_index!r}; known: {', '.join(sets)}")
            )
            index = np.ones(12)
        else:
            index = sets[clear_sky_index]
    else:
        index = np.asarray(clear_sky_index, dtype=float)
        if index.shape != (12,) or not np.all(np.isfinite(index) & (index >= 0)):
            problems.append(Problem("clear_sky_index", "needs twelve monthly values ≥ 0"))
    if problems:
        raise EnergyInputError(problems)

    site = pvlib.location.Location(latitude, longitude, tz=LOCAL_TZ_NAME)
    start = pd.Timestamp(year=year, month=1, day=1, hour=0, minute=30, tz=LOCAL_TZ_NAME)
    times = pd.date_range(
        start, pd.Timestamp(year=year + 1, month=1, day=1, tz=LOCAL_TZ_NAME), freq="1h", inclusive="left"
    )
    clear = site.get_clearsky(times, model="ineichen")
    sun = site.get_solarposition(times)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt_deg,
        azimuth_deg,
        sun["apparent_zenith"],
        sun["azimuth"],
        clear["dni"],
        clear["ghi"],
        clear["dhi"],
        dni_extra=pvlib.irradiance.get_extra_radiation(times),
        model="haydavies",
        albedo=albedo,
    )
    aoi = pvlib.irradiance.aoi(tilt_deg, azimuth_deg, sun["apparent_zenith"], sun["azimuth"])
    effective = (poa["poa_direct"] * pvlib.iam.physical(aoi) + poa["poa_diffuse"]).fillna(0.0)
    cell_temp = pvlib.temperature.sapm_cell(
        poa["poa_global"],
        temp_air_c,
        wind_speed_ms,
        **pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_glass"],
    )
    dc_w = pvlib.pvsystem.pvwatts_dc(effective, cell_temp, pdc0=1000.0, gamma_pdc=gamma_pdc_per_c)
    ac_w = pvlib.inverter.pvwatts(dc_w, pdc0=1000.0 / inverter_efficiency, eta_inv_nom=inverter_efficiency)
    monthly_clear = (
        ac_w.clip(lower=0.0).groupby(times.month).sum().reindex(range(1, 13), fill_value=0.0).to_numpy()
    )
    monthly_clear = monthly_clear / KW_PER_MW  # W·h → kWh per kWp (1 h steps)
    monthly = monthly_clear * index
    return PVYield(
        ghi_kwh_m2=float(clear["ghi"].sum()) / KW_PER_MW,
        clear_sky_ac_kwh_per_kwp=float(monthly_clear.sum()),
        monthly_ac_kwh_per_kwp=monthly,
        ac_kwh_per_kwp=float(monthly.sum()),
        clear_sky_index=index,
    )


# --- 渔光互补 (PV over fish ponds) ----------------------------------------------------------------------


def fishery_pv_capacity_mw(pond_area_mu: float, density_mu_per_mw: float = 20.0) -> float:
    """Upper bound of the PV capacity that usable fish ponds can hold [MW]: area / density.

    Parameters
    ----------
    pond_area_mu : float
        Usable pond area [亩], ≥ 0.
    density_mu_per_mw : float
        Area needed per MW [亩/MW], default 20 [unverified; configurable].

    Examples
    --------
    6.3万亩 → 63,000 / 20 = 3,150 MW.

    References
    ----------
    .. [1] docs/rules/resource-assessment.md §4.
    """
    problems: list[Problem] = []
    _require(problems, "pond_area_mu", pond_area_mu, pond_area_mu >= 0, "must be ≥ 0 亩")
    _require(problems, "density_mu_per_mw", density_mu_per_mw, density_mu_per_mw > 0, "must be > 0 亩/MW")
    if problems:
        raise EnergyInputError(problems)
    return pond_area_mu / density_mu_per_mw
