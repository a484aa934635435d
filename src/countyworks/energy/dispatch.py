"""Battery storage dispatch as a linear programme solved with HiGHS (docs/rules/storage-dispatch.md).

Two modes share one LP: *arbitrage* (buy low, sell high on a price series) and *peak-shaving* (keep the
grid import of a load under a cap at least cost). The LP is assembled with numpy as a sparse
row-wise matrix and passed to HiGHS through highspy's ``HighsLp``; it has no binaries, so simultaneous
charge and discharge is allowed (it only pays with negative prices, docs/rules/storage-dispatch.md §5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np

from countyworks.core.highs import QuietHighs
from countyworks.energy.timeseries import EnergyInputError, Problem, TimeSeries, check_same_steps

#: Money per energy: prices are 元/kWh, energies are MWh.
KWH_PER_MWH = 1000.0

Mode = Literal["arbitrage", "peak-shaving"]

#: HiGHS options. Devex pricing in the dual simplex: the lossless cases (D3) are highly degenerate and
#: took ~0.8 s for 8,760 steps with the default pricing, 0.1–0.35 s with Devex.
HIGHS_OPTIONS: dict[str, bool | int | float | str] = {"simplex_dual_edge_weight_strategy": 1}

#: Tie-break [元/MWh discharged] added to the degradation cost inside the LP only. Lossless cases are
#: degenerate (cycling at equal prices is free), and without it the reported throughput and cycles can
#: double; it changes the revenue by at most this much per MWh discharged (< 1 元 a year for 100 MW).
TIE_BREAK_YUAN_PER_MWH = 1e-6


@dataclass(frozen=True)
class StorageParams:
    """A storage plant and its operating limits.

    Attributes
    ----------
    power_mw : float
        Charge and discharge power limit P [MW], > 0.
    energy_mwh : float
        Energy capacity E [MWh], > 0.
    eta_charge, eta_discharge : float
        Charge and discharge efficiencies η_c, η_d, in (0, 1]. Default 0.95 each.
    soc_min, soc_max : float
        SOC window [fraction of E], 0 ≤ soc_min < soc_max ≤ 1. Default 0.1 and 0.9.
    soc_initial : float or "cyclic"
        Initial SOC soc_0 [fraction of E] inside the window, default 0.5; the battery ends where it
        started. ``"cyclic"``: s_0 is free inside the window and s_T = s_0.
    degradation_yuan_per_mwh : float
        Degradation cost k_deg [元/MWh discharged], ≥ 0. Default 0.
    max_cycles_per_day : float, optional
        Cycle limit N: Σ_{t in day} d_t·Δt ≤ N·E per Asia/Shanghai calendar day.

    References
    ----------
    .. [1] docs/rules/storage-dispatch.md §2, defaults and cyclic mode.
    """

    power_mw: float
    energy_mwh: float
    eta_charge: float = 0.95
    eta_discharge: float = 0.95
    soc_min: float = 0.1
    soc_max: float = 0.9
    soc_initial: float | Literal["cyclic"] = 0.5
    degradation_yuan_per_mwh: float = 0.0
    max_cycles_per_day: float | None = None

    @property
    def cyclic(self) -> bool:
        return self.soc_initial == "cyclic"

    def problems(self) -> list[Problem]:
        """Every invalid parameter, each naming its field (empty when all are valid)."""
        found: list[Problem] = []

        def finite(name: str, value: float | str) -> bool:
            try:
                if math.isfinite(float(value)):
                    return True
            except (TypeError, ValueError):
                pass
            found.append(Problem(name, f"{value!r} is not a number"))
            return False

        for name in ("power_mw", "energy_mwh"):
            value = getattr(self, name)
            if finite(name, value) and value <= 0:
                found.append(Problem(name, f"must be > 0, got {value:g}"))
        for name in ("eta_charge", "eta_discharge"):
            value = getattr(self, name)
            if finite(name, value) and not 0 < value <= 1:
                found.append(Problem(name, f"must be in (0, 1], got {value:g}"))
        window_ok = finite("soc_min", self.soc_min) & finite("soc_max", self.soc_max)
        if window_ok and not 0 <= self.soc_min < self.soc_max <= 1:
            window_ok = False
            found.append(
                Problem(
                    "soc_min/soc_max",
                    f"need 0 ≤ soc_min < soc_max ≤ 1, got {self.soc_min:g} and {self.soc_max:g}",
                )
            )
        if not self.cyclic and finite("soc_initial", self.soc_initial):
            soc_0 = float(self.soc_initial)
            if window_ok and not self.soc_min <= soc_0 <= self.soc_max:
                found.append(
                    Problem(
                        "soc_initial",
                        f"{soc_0:g} is outside the SOC window [{self.soc_min:g}, {self.soc_max:g}]",
                    )
                )
        if (
            finite("degradation_yuan_per_mwh", self.degradation_yuan_per_mwh)
            and self.degradation_yuan_per_mwh < 0
        ):
            found.append(
                Problem("degradation_yuan_per_mwh", f"must be ≥ 0, got {self.degradation_yuan_per_mwh:g}")
            )
        cycles = self.max_cycles_per_day
        if cycles is not None and finite("max_cycles_per_day", cycles) and cycles <= 0:
            found.append(Problem("max_cycles_per_day", f"must be > 0, got {cycles:g}"))
        return found


@dataclass(frozen=True)
class PeakShaving:
    """Peak-shaving inputs: load L_t [MW] on the prices' timestamps and the grid import cap C [MW]."""

    load: TimeSeries
    cap_mw: float


@dataclass(frozen=True, eq=False)
class Schedule:
    """The optimal schedule, one entry per step.

    Attributes
    ----------
    timestamps : numpy.ndarray of datetime64[us]
        Step starts (UTC).
    charge_mw, discharge_mw : numpy.ndarray
        Charge c_t and discharge d_t [MW].
    soc : numpy.ndarray
        State of charge at the end of the step [fraction of E].
    grid_mw : numpy.ndarray or None
        Grid import g_t = L_t + c_t − d_t [MW] (peak-shaving only).
    """

    timestamps: np.ndarray
    charge_mw: np.ndarray
    discharge_mw: np.ndarray
    soc: np.ndarray
    grid_mw: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class DispatchResult:
    """Figures of an optimal dispatch (the ``--json`` keys of ``countyworks dispatch``).

    Attributes
    ----------
    mode : {"arbitrage", "peak-shaving"}
    revenue_yuan : float
        Σ 1000·p_t·(d_t − c_t)·Δt [元]: the objective without the degradation term. In peak-shaving
        mode it equals ``savings_yuan``.
    charged_mwh, discharged_mwh : float
        Σ c_t·Δt and Σ d_t·Δt [MWh].
    cycles : float
        Equivalent full cycles, discharged_mwh / E [-].
    degradation_yuan : float
        k_deg · discharged_mwh [元].
    soc_start : float
        s_0 / E [-] (the solved value in cyclic mode).
    cost_yuan, savings_yuan : float or None
        Peak-shaving only: grid energy cost with the storage Σ 1000·p_t·g_t·Δt [元], and the cost of the
        same load without it minus ``cost_yuan`` [元].
    schedule : Schedule
    """

    mode: Mode
    revenue_yuan: float
    charged_mwh: float
    discharged_mwh: float
    cycles: float
    degradation_yuan: float
    soc_start: float
    schedule: Schedule
    cost_yuan: float | None = None
    savings_yuan: float | None = None

    def figures(self) -> dict[str, float | str]:
        """The ``--json`` figures of docs/design.md#cli-contract, plus ``mode`` and ``degradation_yuan``."""
        out: dict[str, float | str] = {
            "mode": self.mode,
            "revenue_yuan": self.revenue_yuan,
            "charged_mwh": self.charged_mwh,
            "discharged_mwh": self.discharged_mwh,
            "cycles": self.cycles,
            "degradation_yuan": self.degradation_yuan,
        }
        if self.cost_yuan is not None and self.savings_yuan is not None:
            out["cost_yuan"] = self.cost_yuan
            out["savings_yuan"] = self.savings_yuan
        return out


def _check_inputs(prices: TimeSeries, storage: StorageParams, peak: PeakShaving | None) -> None:
    problems = storage.problems()
    if len(prices) < 2:
        problems.append(Problem("prices", "at least two steps are needed"))
    if not np.all(np.isfinite(prices.values)):
        problems.append(
            Problem(
                "prices", f"step {int(np.flatnonzero(~np.isfinite(prices.values))[0]) + 1} is not a number"
            )
        )
    if not (np.isfinite(prices.step_h) and prices.step_h > 0):
        problems.append(Problem("prices", f"step length must be > 0 h, got {prices.step_h!r}"))
    if peak is not None:
        if not (np.isfinite(peak.cap_mw) and peak.cap_mw >= 0):
            problems.append(Problem("cap_mw", f"must be ≥ 0, got {peak.cap_mw:g}"))
        bad = np.flatnonzero(~(np.isfinite(peak.load.values) & (peak.load.values >= 0)))
        if len(bad):
            i = int(bad[0])
            problems.append(
                Problem("load", f"load_mw {peak.load.values[i]:g} at {peak.load.local_label(i)} must be ≥ 0")
            )
    if problems:
        raise EnergyInputError(problems)
    if peak is not None:
        check_same_steps(prices, peak.load, "load")


def _day_rows(prices: TimeSeries) -> np.ndarray:
    """Start index of each Asia/Shanghai day's block of steps, and len(prices) at the end."""
    dates = prices.local_dates()
    return np.concatenate(([0], np.flatnonzero(dates[1:] != dates[:-1]) + 1, [len(dates)]))


def _build_lp(prices: TimeSeries, storage: StorageParams, peak: PeakShaving | None) -> highspy.HighsLp:
    """The dispatch LP in HiGHS form: columns c_0..c_{T-1}, d_0..d_{T-1}, s_0..s_{T-1} (end of step)."""
    n, dt = len(prices), prices.step_h
    p_mw, e_mwh = float(storage.power_mw), float(storage.energy_mwh)
    eta_c, eta_d = float(storage.eta_charge), float(storage.eta_discharge)
    steps = np.arange(n)
    c_col, d_col, s_col = steps, n + steps, 2 * n + steps

    value_per_mwh = KWH_PER_MWH * prices.values * dt  # 元 per MW held for one step
    wear = (storage.degradation_yuan_per_mwh + TIE_BREAK_YUAN_PER_MWH) * dt
    cost = np.concatenate((-value_per_mwh, value_per_mwh - wear, np.zeros(n)))
    s_low, s_high = e_mwh * storage.soc_min, e_mwh * storage.soc_max
    col_lower = np.concatenate((np.zeros(2 * n), np.full(n, s_low)))
    col_upper = np.concatenate((np.full(2 * n, p_mw), np.full(n, s_high)))
    if not storage.cyclic:  # s_T = s_0 = E·soc_0; the balance of step 0 wraps round to s_{T-1}
        col_lower[-1] = col_upper[-1] = e_mwh * float(storage.soc_initial)

    # Energy balance, one row per step: s_t − s_{t−1} − η_c·Δt·c_t + Δt/η_d·d_t = 0, s_{−1} ≡ s_{T−1}.
    starts = [4 * steps]
    index = [np.column_stack((s_col, 2 * n + np.roll(steps, 1), c_col, d_col)).ravel()]
    value = [np.tile([1.0, -1.0, -eta_c * dt, dt / eta_d], n)]
    row_lower, row_upper = [np.zeros(n)], [np.zeros(n)]
    nnz = 4 * n

    if peak is not None:  # grid import 0 ≤ L_t + c_t − d_t ≤ C
        starts.append(nnz + 2 * steps)
        index.append(np.column_stack((c_col, d_col)).ravel())
        value.append(np.tile([1.0, -1.0], n))
        row_lower.append(-peak.load.values)
        row_upper.append(peak.cap_mw - peak.load.values)
        nnz += 2 * n

    if storage.max_cycles_per_day is not None:  # Σ_{t in day} d_t·Δt ≤ N·E
        bounds = _day_rows(prices)
        starts.append(nnz + bounds[:-1])
        index.append(d_col)
        value.append(np.full(n, dt))
        row_lower.append(np.full(len(bounds) - 1, -highspy.kHighsInf))
        row_upper.append(np.full(len(bounds) - 1, storage.max_cycles_per_day * e_mwh))
        nnz += n

    lp = highspy.HighsLp()
    lp.num_col_ = 3 * n
    lp.num_row_ = sum(len(r) for r in row_lower)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_ = col_lower
    lp.col_upper_ = col_upper
    lp.row_lower_ = np.concatenate(row_lower)
    lp.row_upper_ = np.concatenate(row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = np.concatenate((*starts, [nnz])).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate(index).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate(value)
    return lp


def _cap_problem(prices: TimeSeries, storage: StorageParams, peak: PeakShaving) -> Problem:
    """Say why the cap cannot be held: the first step with L_t > C + P, or else the energy window."""
    over_power = np.flatnonzero(peak.load.values > peak.cap_mw + storage.power_mw)
    if len(over_power):
        i = int(over_power[0])
        return Problem(
            "cap_mw",
            f"the cap cannot be held: at {prices.local_label(i)} the load {peak.load.values[i]:g} MW exceeds "
            f"the cap {peak.cap_mw:g} MW + the storage power {storage.power_mw:g} MW",
        )
    window = storage.energy_mwh * (storage.soc_max - storage.soc_min)
    excess = np.maximum(peak.load.values - peak.cap_mw, 0.0) * prices.step_h / storage.eta_discharge
    runs = np.split(np.arange(len(excess)), np.flatnonzero(np.diff(excess > 0)) + 1)
    largest = max((run for run in runs if excess[run[0]] > 0), key=lambda run: excess[run].sum())
    limit = f" and at most {storage.max_cycles_per_day:g} cycles a day" if storage.max_cycles_per_day else ""
    return Problem(
        "cap_mw",
        f"the cap of {peak.cap_mw:g} MW cannot be held: the energy between the SOC bounds ({window:g} MWh"
        f"{limit}) is too small for the peaks above the cap (the largest needs {excess[largest].sum():.6g} MWh "
        f"from storage, {prices.local_time(int(largest[0]))} to {prices.local_time(int(largest[-1]))})",
    )


def solve_dispatch(
    prices: TimeSeries, storage: StorageParams, *, peak_shaving: PeakShaving | None = None
) -> DispatchResult:
    """Optimal storage dispatch on a price series (arbitrage), or under a grid import cap (peak-shaving).

    Maximises Σ_t 1000·p_t·(d_t − c_t)·Δt − k_deg·Σ_t d_t·Δt subject to
    s_t = s_{t−1} + η_c·c_t·Δt − d_t·Δt/η_d, E·soc_min ≤ s_t ≤ E·soc_max, 0 ≤ c_t, d_t ≤ P,
    s_T = s_0 (= E·soc_0, or free in the window in cyclic mode), the optional daily cycle limit, and in
    peak-shaving mode 0 ≤ L_t + c_t − d_t ≤ C (minimising the grid cost is the same objective).

    Parameters
    ----------
    prices : TimeSeries
        Prices p_t [元/kWh] with step Δt [h]; at least two steps.
    storage : StorageParams
        Power [MW], energy [MWh], efficiencies, SOC window and initial SOC, degradation cost, cycle limit.
    peak_shaving : PeakShaving, optional
        Load [MW] on the same timestamps and the import cap C [MW]; selects peak-shaving mode.

    Returns
    -------
    DispatchResult
        revenue_yuan [元], charged_mwh, discharged_mwh [MWh], cycles [-], and in peak-shaving mode
        cost_yuan and savings_yuan [元]; the schedule.

    Raises
    ------
    EnergyInputError
        For invalid parameters (each naming its field) and, in peak-shaving mode, when the cap cannot be
        held (naming the first step where L_t > C + P, or saying the SOC energy window is too small).

    Notes
    -----
    Optima are degenerate: compare objectives, never schedules. Among equal-revenue schedules the LP
    prefers the least throughput (``TIE_BREAK_YUAN_PER_MWH``), so that charged, discharged and cycles are
    not inflated by free cycling at equal prices. Day boundaries for the cycle limit are
    Asia/Shanghai midnights; a step belongs to the day it starts in.

    References
    ----------
    .. [1] docs/rules/storage-dispatch.md §2–§3, reference cases D1–D5 in §6.
    .. [2] PyPSA StorageUnit with ``cyclic_state_of_charge`` (the cyclic mode's model),
       https://pypsa.readthedocs.io/ .
    """
    _check_inputs(prices, storage, peak_shaving)
    highs = QuietHighs()
    for name, value in HIGHS_OPTIONS.items():
        highs.setOptionValue(name, value)
    highs.passModel(_build_lp(prices, storage, peak_shaving))
    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        if peak_shaving is not None and status == highspy.HighsModelStatus.kInfeasible:
            raise EnergyInputError(_cap_problem(prices, storage, peak_shaving))
        raise RuntimeError(f"HiGHS did not find an optimum: {highs.modelStatusToString(status)}")

    n, dt, e_mwh = len(prices), prices.step_h, float(storage.energy_mwh)
    x = np.asarray(highs.getSolution().col_value)
    charge, discharge, stored = x[:n], x[n : 2 * n], x[2 * n :]
    value_per_mwh = KWH_PER_MWH * prices.values * dt
    revenue = float(value_per_mwh @ (discharge - charge))
    discharged = float(discharge.sum() * dt)
    grid = cost = savings = None
    if peak_shaving is not None:
        grid = peak_shaving.load.values + charge - discharge
        cost = float(value_per_mwh @ grid)
        savings = float(value_per_mwh @ peak_shaving.load.values) - cost
    return DispatchResult(
        mode="arbitrage" if peak_shaving is None else "peak-shaving",
        revenue_yuan=revenue,
        charged_mwh=float(charge.sum() * dt),
        discharged_mwh=discharged,
        cycles=discharged / e_mwh,
        degradation_yuan=float(storage.degradation_yuan_per_mwh) * discharged,
        soc_start=float(stored[-1]) / e_mwh,
        schedule=Schedule(prices.timestamps, charge, discharge, stored / e_mwh, grid),
        cost_yuan=cost,
        savings_yuan=savings,
    )
