"""Storage dispatch LP: reference cases D1–D5 of docs/rules/storage-dispatch.md §6, peak-shaving and bad input."""

import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from countyworks.energy.dispatch import PeakShaving, StorageParams, solve_dispatch
from countyworks.energy.tariffs import tariff_prices
from countyworks.energy.timeseries import EnergyInputError, TimeSeries

REL = 1e-6
LOSSLESS = {"eta_charge": 1.0, "eta_discharge": 1.0, "soc_min": 0.0, "soc_max": 1.0}
ETA_D4 = math.sqrt(0.88)


def hourly(values, name="price", start=datetime(2023, 1, 1)):
    return TimeSeries.regular(start, timedelta(hours=1), values, name)


@pytest.fixture(scope="module")
def prices_2023():
    """D3/D4 prices: hunan-tou-a at 0.5 元/kWh flat, 2023 hourly from 2023-01-01 00:00."""
    return tariff_prices("hunan-tou-a", 0.5, date(2023, 1, 1), date(2024, 1, 1))


def test_d1_lossless_four_steps():
    result = solve_dispatch(hourly([0.3, 0.3, 1, 1]), StorageParams(100, 200, soc_initial=0.5, **LOSSLESS))
    assert result.revenue_yuan == pytest.approx(70_000, rel=REL)
    assert result.charged_mwh == pytest.approx(100) and result.discharged_mwh == pytest.approx(100)
    assert result.cycles == pytest.approx(0.5)


def test_d2_with_losses():
    storage = StorageParams(100, 200, 0.9, 0.9, 0.0, 1.0, 0.5)
    assert solve_dispatch(hourly([0.3, 0.3, 1, 1]), storage).revenue_yuan == pytest.approx(56_666.67, rel=REL)


@pytest.mark.parametrize(
    ("soc_initial", "expected"), [(0.0, 77_380_000), (1.0, 77_350_000), ("cyclic", 77_380_000)]
)
def test_d3_year_of_tou_prices(prices_2023, soc_initial, expected):
    result = solve_dispatch(prices_2023, StorageParams(100, 200, soc_initial=soc_initial, **LOSSLESS))
    assert len(prices_2023) == 8760
    assert result.revenue_yuan == pytest.approx(expected, rel=REL)


def test_d3_is_212000_yuan_a_day(prices_2023):
    day = TimeSeries(prices_2023.timestamps[:24], prices_2023.values[:24], 1.0, "price")
    result = solve_dispatch(day, StorageParams(100, 200, soc_initial=0.0, **LOSSLESS))
    assert result.revenue_yuan == pytest.approx(212_000, rel=REL)
    assert result.cycles == pytest.approx(2.0)  # no free cycling at equal prices (tie-break)


@pytest.mark.parametrize(
    ("soc_initial", "expected"), [(0.0, 66_052_140.34), (0.5, 66_050_160.23), ("cyclic", 66_052_140.34)]
)
def test_d4_year_with_round_trip_088(prices_2023, soc_initial, expected):
    storage = StorageParams(100, 200, ETA_D4, ETA_D4, 0.0, 1.0, soc_initial)
    assert solve_dispatch(prices_2023, storage).revenue_yuan == pytest.approx(expected, rel=REL)


def test_d5_one_full_cycle_valley_to_peak():
    result = solve_dispatch(
        hourly([0.2, 0.2, 0.8, 0.8]), StorageParams(100, 200, soc_initial=0.0, **LOSSLESS)
    )
    assert result.revenue_yuan == pytest.approx(200 * 0.6 * 1000, rel=REL)
    assert result.cycles == pytest.approx(1.0)


def test_cyclic_start_is_reported_and_end_equals_start(prices_2023):
    result = solve_dispatch(prices_2023, StorageParams(100, 200, ETA_D4, ETA_D4, 0.0, 1.0, "cyclic"))
    assert 0.0 <= result.soc_start <= 1.0
    assert result.schedule.soc[-1] == pytest.approx(result.soc_start)


def test_schedule_respects_limits_and_energy_balance():
    storage = StorageParams(50, 100, 0.9, 0.95, 0.1, 0.9, 0.5)
    prices = hourly([0.3, 0.9, 0.2, 0.4, 1.1, 0.5])
    result = solve_dispatch(prices, storage)
    s = result.schedule
    assert np.all((s.charge_mw >= -1e-9) & (s.charge_mw <= 50 + 1e-9))
    assert np.all((s.soc >= 0.1 - 1e-9) & (s.soc <= 0.9 + 1e-9))
    stored = np.concatenate(([0.5], s.soc)) * 100
    assert np.allclose(np.diff(stored), 0.9 * s.charge_mw - s.discharge_mw / 0.95)
    assert result.revenue_yuan == pytest.approx(1000 * prices.values @ (s.discharge_mw - s.charge_mw))


def test_sub_hourly_step_scales_energy():
    prices = TimeSeries.regular(datetime(2023, 1, 1), timedelta(minutes=15), [0.2] * 8 + [0.8] * 8, "price")
    result = solve_dispatch(prices, StorageParams(100, 200, soc_initial=0.0, **LOSSLESS))
    assert result.discharged_mwh == pytest.approx(200)
    assert result.revenue_yuan == pytest.approx(120_000, rel=REL)


def test_cycle_limit_per_day(prices_2023):
    result = solve_dispatch(
        prices_2023, StorageParams(100, 200, soc_initial=0.0, max_cycles_per_day=1, **LOSSLESS)
    )
    assert result.cycles == pytest.approx(365)
    # one cycle a day: 200 MWh bought in the valley (0.2 元/kWh), sold at the tip (0.96 元/kWh)
    assert result.revenue_yuan == pytest.approx(365 * 1000 * 200 * (0.96 - 0.2), rel=REL)


def test_degradation_cost_is_not_in_revenue_and_reduces_cycling(prices_2023):
    free = solve_dispatch(prices_2023, StorageParams(100, 200, soc_initial=0.0, **LOSSLESS))
    # at 470 元/MWh the flat-to-tip cycle (460 元/MWh spread) no longer pays, the valley-to-peak one (600) does
    worn = solve_dispatch(
        prices_2023, StorageParams(100, 200, soc_initial=0.0, degradation_yuan_per_mwh=470, **LOSSLESS)
    )
    assert worn.discharged_mwh < free.discharged_mwh
    assert worn.degradation_yuan == pytest.approx(470 * worn.discharged_mwh)
    assert worn.revenue_yuan - worn.degradation_yuan <= free.revenue_yuan


def test_negative_prices_allow_simultaneous_charge_and_discharge():
    # paid to consume: charging and discharging at once wastes energy at a profit; the LP stays an LP
    result = solve_dispatch(hourly([-0.5, -0.5]), StorageParams(100, 200, 0.9, 0.9, 0.0, 1.0, 0.5))
    assert result.revenue_yuan > 0
    assert np.any((result.schedule.charge_mw > 1) & (result.schedule.discharge_mw > 1))


# --- peak-shaving -------------------------------------------------------------------------------------


def test_peak_shaving_holds_the_cap_and_reports_cost_and_savings():
    prices, load = hourly([0.3, 0.3, 1, 1]), hourly([50, 50, 150, 150], "load_mw")
    result = solve_dispatch(
        prices, StorageParams(100, 200, soc_initial=0.5, **LOSSLESS), peak_shaving=PeakShaving(load, 120)
    )
    grid = result.schedule.grid_mw
    assert np.all(grid <= 120 + 1e-9) and np.all(grid >= -1e-9)
    base = 1000 * (0.3 * 100 + 1 * 300)
    assert result.cost_yuan + result.savings_yuan == pytest.approx(base)
    assert result.savings_yuan == pytest.approx(result.revenue_yuan)
    assert result.savings_yuan == pytest.approx(70_000, rel=REL)
    assert result.figures()["cost_yuan"] == pytest.approx(260_000)


def test_peak_shaving_names_first_step_over_cap_plus_power():
    prices, load = hourly([0.3, 0.3, 1, 1]), hourly([50, 50, 150, 250], "load_mw")
    with pytest.raises(EnergyInputError) as caught:
        solve_dispatch(prices, StorageParams(100, 200), peak_shaving=PeakShaving(load, 20))
    assert caught.value.messages == [
        "cap_mw: the cap cannot be held: at 2023-01-01 02:00 (step 3) the load 150 MW exceeds "
        "the cap 20 MW + the storage power 100 MW"
    ]


def test_peak_shaving_says_the_soc_energy_is_too_small():
    prices, load = hourly([0.3, 0.3, 1, 1]), hourly([50, 50, 190, 190], "load_mw")
    with pytest.raises(
        EnergyInputError, match=r"energy between the SOC bounds \(100 MWh\) is too small"
    ) as caught:
        solve_dispatch(
            prices,
            StorageParams(100, 100, soc_initial="cyclic", **LOSSLESS),
            peak_shaving=PeakShaving(load, 100),
        )
    assert (
        "the largest needs 180 MWh from storage, 2023-01-01 02:00 to 2023-01-01 03:00"
        in caught.value.messages[0]
    )


def test_peak_shaving_load_must_share_timestamps():
    load = hourly([50, 50, 50, 50], "load_mw", start=datetime(2023, 1, 2))
    with pytest.raises(EnergyInputError, match="use the same timestamps"):
        solve_dispatch(hourly([0.3, 0.3, 1, 1]), StorageParams(100, 200), peak_shaving=PeakShaving(load, 100))


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"power_mw": 0}, "power_mw: must be > 0, got 0"),
        ({"energy_mwh": -1}, "energy_mwh: must be > 0, got -1"),
        ({"eta_charge": 0}, "eta_charge: must be in (0, 1], got 0"),
        ({"eta_discharge": 1.1}, "eta_discharge: must be in (0, 1], got 1.1"),
        (
            {"soc_min": 0.9, "soc_max": 0.9},
            "soc_min/soc_max: need 0 ≤ soc_min < soc_max ≤ 1, got 0.9 and 0.9",
        ),
        ({"soc_max": 1.5}, "soc_min/soc_max: need 0 ≤ soc_min < soc_max ≤ 1, got 0.1 and 1.5"),
        ({"soc_initial": 0.95}, "soc_initial: 0.95 is outside the SOC window [0.1, 0.9]"),
        ({"soc_initial": "full"}, "soc_initial: 'full' is not a number"),
        ({"degradation_yuan_per_mwh": -5}, "degradation_yuan_per_mwh: must be ≥ 0, got -5"),
        ({"max_cycles_per_day": 0}, "max_cycles_per_day: must be > 0, got 0"),
        ({"power_mw": float("nan")}, "power_mw: nan is not a number"),
    ],
)
def test_bad_parameters_name_their_field(changes, message):
    params = {"power_mw": 100, "energy_mwh": 200} | changes
    with pytest.raises(EnergyInputError) as caught:
        solve_dispatch(hourly([0.3, 1]), StorageParams(**params))
    assert caught.value.messages == [message]


def test_all_bad_parameters_are_listed_together():
    with pytest.raises(EnergyInputError) as caught:
        solve_dispatch(hourly([0.3, 1]), StorageParams(0, 0, eta_charge=2))
    assert len(caught.value.messages) == 3


def test_one_step_is_refused():
    with pytest.raises(EnergyInputError, match="at least two steps"):
        solve_dispatch(hourly([0.3]), StorageParams(100, 200))


def test_negative_cap_and_load_are_refused():
    prices = hourly([0.3, 1])
    with pytest.raises(EnergyInputError, match="cap_mw: must be ≥ 0"):
        solve_dispatch(
            prices, StorageParams(100, 200), peak_shaving=PeakShaving(hourly([1, 1], "load_mw"), -1)
        )
    with pytest.raises(
        EnergyInputError, match="load: load_mw -1 at 2023-01-01 01:00 \\(step 2\\) must be ≥ 0"
    ):
        solve_dispatch(
            prices, StorageParams(100, 200), peak_shaving=PeakShaving(hourly([1, -1], "load_mw"), 5)
        )
