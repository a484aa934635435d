"""Resource assessment (docs/rules/resource-assessment.md): wind AEP, PV yield per kWp, 渔光互补 capacity."""

import math

import numpy as np
import pytest

from countyworks.energy.resource import (
    PowerCurve,
    fishery_pv_capacity_mw,
    load_clear_sky_indices,
    load_power_curves,
    pv_yield,
    shear_speed,
    weibull_pdf,
    weibull_scale,
    wind_aep,
)
from countyworks.energy.timeseries import EnergyInputError


@pytest.fixture(scope="module")
def e141():
    return load_power_curves()["E-141/4200"]


def test_e141_curve_points(e141):
    assert e141.power_at(np.array([3, 5, 7, 10])).tolist() == [104, 523, 1471, 3481]
    assert e141.nominal_power_kw == 4200
    assert "windpowerlib" in e141.source


def test_e141_reference_aep(e141):
    result = wind_aep(e141, 2.44, 10, 129)
    assert result.hub_speed_ms == pytest.approx(4.07, abs=0.005)
    assert result.gross_mwh == pytest.approx(4578, rel=0.005)
    assert result.capacity_factor == pytest.approx(0.1244, abs=5e-5)
    assert result.net_mwh == pytest.approx(result.gross_mwh * 0.85)


def test_weibull_and_shear_formulas():
    assert weibull_scale(4.0, 2.0) == pytest.approx(4.0 / math.gamma(1.5))
    assert shear_speed(5.0, 10, 80, 0.14) == pytest.approx(5.0 * 8**0.14)
    c = weibull_scale(6.0, 2.0)
    v = np.arange(0, 60, 0.01)
    assert np.trapezoid(weibull_pdf(v, 2.0, c), v) == pytest.approx(1.0, abs=1e-6)
    assert np.trapezoid(v * weibull_pdf(v, 2.0, c), v) == pytest.approx(6.0, rel=1e-6)


def test_loss_factor_and_shape_change_the_yield(e141):
    lossless = wind_aep(e141, 2.44, 10, 129, loss_factor=0.0)
    assert lossless.net_mwh == lossless.gross_mwh
    assert wind_aep(e141, 2.44, 10, 129, alpha=0.25).gross_mwh > lossless.gross_mwh
    assert wind_aep(e141, 2.44, 10, 129, k=3.0).gross_mwh != lossless.gross_mwh


def test_shipped_curves_are_sane():
    curves = load_power_curves()
    assert len(curves) >= 5
    for curve in curves.values():
        assert np.all(np.diff(curve.wind_speed_ms) > 0)
        assert (
            curve.power_kw.max() <= curve.nominal_power_kw * 1.05
        )  # E-82/2300 peaks at 2,350 kW in the source


def test_user_entered_curve():
    curve = PowerCurve.from_points(
        "CN-2.0", [3, 6, 10, 12, 20], [0, 500, 1800, 2000, 2000], "manufacturer sheet"
    )
    assert curve.nominal_power_kw == 2000
    assert curve.power_at(8.0) == pytest.approx(1150)
    assert curve.power_at(25.0) == 0.0  # past cut-out


@pytest.mark.parametrize(
    ("speeds", "power", "message"),
    [
        ([3], [0], "at least two"),
        ([3, 3, 5], [0, 1, 2], "strictly increasing"),
        ([3, 4], [0, -1], "finite and ≥ 0"),
    ],
)
def test_bad_user_curve(speeds, power, message):
    with pytest.raises(EnergyInputError, match=message):
        PowerCurve.from_points("bad", speeds, power, "typed in")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mean_speed_ms": 0}, "mean_speed_ms"),
        ({"hub_height_m": -1}, "hub_height_m"),
        ({"k": 0}, "k"),
        ({"loss_factor": 1.0}, "loss_factor"),
    ],
)
def test_bad_wind_inputs(e141, kwargs, field):
    args = {"mean_speed_ms": 2.44, "ref_height_m": 10, "hub_height_m": 129} | kwargs
    with pytest.raises(EnergyInputError, match=f"^{field}:"):
        wind_aep(e141, **args)


@pytest.fixture(scope="module")
def yuanjiang_2023():
    return pv_yield(28.8, 112.4, 2023)


def test_pv_reference_clear_sky(yuanjiang_2023):
    assert round(yuanjiang_2023.ghi_kwh_m2, 1) == 2163.2
    assert round(yuanjiang_2023.clear_sky_ac_kwh_per_kwp, 1) == 2114.4
    assert yuanjiang_2023.ac_kwh_per_kwp == yuanjiang_2023.clear_sky_ac_kwh_per_kwp
    assert yuanjiang_2023.monthly_ac_kwh_per_kwp.shape == (12,)
    assert yuanjiang_2023.monthly_ac_kwh_per_kwp.sum() == pytest.approx(yuanjiang_2023.ac_kwh_per_kwp)


def test_pv_clear_sky_index_sets():
    sets = load_clear_sky_indices()
    assert np.all(sets["clear-sky"] == 1.0)
    half = pv_yield(28.8, 112.4, 2023, clear_sky_index="hunan-rough-half")
    assert half.ac_kwh_per_kwp == pytest.approx(half.clear_sky_ac_kwh_per_kwp / 2)
    winter = pv_yield(28.8, 112.4, 2023, clear_sky_index=[0.0] * 6 + [1.0] * 6)
    assert winter.monthly_ac_kwh_per_kwp[:6].sum() == 0 and winter.ac_kwh_per_kwp > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"clear_sky_index": "sunny"}, "unknown set 'sunny'"),
        ({"clear_sky_index": [1.0] * 11}, "twelve monthly values"),
        ({"latitude": 95}, "latitude: must be in"),
    ],
)
def test_bad_pv_inputs(kwargs, message):
    args = {"latitude": 28.8, "longitude": 112.4, "year": 2023} | kwargs
    with pytest.raises(EnergyInputError, match=message):
        pv_yield(**args)


def test_fishery_pv_capacity():
    assert fishery_pv_capacity_mw(63_000) == 3150  # 6.3万亩 at 20 亩/MW
    assert fishery_pv_capacity_mw(63_000, density_mu_per_mw=25) == 2520
    with pytest.raises(EnergyInputError, match="density_mu_per_mw"):
        fishery_pv_capacity_mw(100, 0)
    with pytest.raises(EnergyInputError, match="pond_area_mu"):
        fishery_pv_capacity_mw(-1)
