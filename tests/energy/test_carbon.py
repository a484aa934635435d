"""Carbon accounting with factor sets as data (docs/rules/carbon-factors.md)."""

import pytest

from countyworks.energy.carbon import (
    NOT_SET,
    carbon_figures,
    carbon_report,
    default_factor_set,
    load_factor_sets,
)
from countyworks.energy.timeseries import EnergyInputError

KWH_2022 = 6.1e8  # 6.1亿 kWh of wind and centralised PV, 沅江市


def test_article_set_gives_back_the_article():
    figures = carbon_figures(KWH_2022, "article-2023")
    assert figures.coal_t == 200_000  # rounded to 0.001 t
    assert figures.co2_t == 610_000
    assert figures.coal_text == "200,000 t" and figures.co2_text == "610,000 t"


@pytest.mark.parametrize(("code", "co2_t"), [("mee-grid-2022", 347_883), ("mee-nbs-2023-national", 323_666)])
def test_official_sets(code, co2_t):
    figures = carbon_figures(KWH_2022, code)
    assert figures.co2_t == co2_t
    assert figures.coal_t is None and figures.coal_text == NOT_SET == "未设定"
    assert figures.factors.code == code


def test_shipped_sets_and_the_default():
    sets = load_factor_sets()
    assert {code: s.co2_kg_per_kwh for code, s in sets.items()} == {
        "article-2023": 1.0,
        "mee-grid-2022": 0.5703,
        "mee-nbs-2022-national": 0.5366,
        "mee-nbs-2023-national": 0.5306,
        "mee-nbs-2023-central": 0.5271,
    }
    assert round(sets["article-2023"].coal_kgce_per_kwh, 4) == 0.3279
    assert all(s.coal_kgce_per_kwh is None for code, s in sets.items() if code != "article-2023")
    assert all(s.source for s in sets.values())
    assert default_factor_set().code == "mee-nbs-2023-national"
    assert carbon_figures(1e6).factors.code == "mee-nbs-2023-national"


def test_zero_and_small_amounts():
    assert carbon_figures(0, "article-2023").co2_t == 0
    assert carbon_figures(1000, "mee-nbs-2023-national").co2_t == 0.531  # 530.6 kg


@pytest.mark.parametrize("kwh", [-1, float("nan"), float("inf"), "many"])
def test_bad_kwh(kwh):
    with pytest.raises(EnergyInputError, match="kwh: must be a number ≥ 0"):
        carbon_figures(kwh, "article-2023")


def test_unknown_set():
    with pytest.raises(EnergyInputError, match="unknown factor set 'mee-2099'"):
        carbon_figures(1, "mee-2099")


def test_report_refuses_carbon_market_with_consumption_factors():
    with pytest.raises(EnergyInputError, match="may not mix scopes carbon-market and consumption"):
        carbon_report(KWH_2022, ["mee-grid-2022", "mee-nbs-2023-national"])


def test_report_of_compatible_sets():
    report = carbon_report(KWH_2022, ["article-2023", "mee-nbs-2022-national", "mee-nbs-2023-central"])
    assert [f.factors.code for f in report] == [
        "article-2023",
        "mee-nbs-2022-national",
        "mee-nbs-2023-central",
    ]
    assert [f.co2_t for f in report] == [610_000, 327_326, 321_531]


def test_json_shape_names_the_set():
    data = carbon_figures(KWH_2022, "mee-grid-2022").as_dict()
    assert data["coal_t"] is None and data["co2_t"] == 347_883
    assert data["factors"]["code"] == "mee-grid-2022" and "环办气候函" in data["factors"]["source"]
