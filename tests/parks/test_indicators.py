"""Program 4's indicators on the 娄星区 demo agree with the program's own figures and add up by region."""

from __future__ import annotations

from decimal import Decimal

import pytest

from countyworks.core.demo import load_demo_accounts
from countyworks.core.indicator_store import indicators_rebuild, indicators_refresh
from countyworks.core.indicators import all_indicators
from countyworks.core.models import IndicatorValue
from countyworks.core.periods import Period
from countyworks.innovation.demo import load_demo as load_innovation
from countyworks.parks.demo import load_demo
from countyworks.parks.models import DisposalAction
from countyworks.parks.selectors import park_figures
from tests.conftest import loaded_once

pytestmark = pytest.mark.django_db
LOUXING, YEAR = "431302", Period.parse("2023")
RATE = "parks.unsupplied_disposal_rate"


_demo_once = loaded_once(load_demo_accounts, load_innovation, load_demo)


@pytest.fixture
def demo(_demo_once, db):
    """The accounts, the innovation and the parks demos, loaded once for the module."""


def test_each_indicator_is_the_programs_own_figure(demo):
    indicators = all_indicators()
    figures = park_figures(region_prefix=LOUXING, period=YEAR)
    assert indicators["parks.signed_projects"].value(LOUXING, YEAR) == len(figures.signed) == 12
    assert indicators["parks.contracted_investment"].value(LOUXING, YEAR) == Decimal("207.5")
    assert indicators["parks.disposed_land"].value(LOUXING, YEAR) == figures.disposed_mu == Decimal("358.97")
    rates = {r.category: r.rate for r in figures.land_rates}
    expected = {"unsupplied": "74.22", "idle": "100.00", "inefficient": "58.14"}
    for category, percent in expected.items():
        indicator = indicators[f"parks.{category}_disposal_rate"]
        top, bottom = indicator.amounts(LOUXING, YEAR)
        assert (sum(top.values()), sum(bottom.values())) == (
            rates[category].numerator,
            rates[category].denominator,
        )
        value = indicator.value(LOUXING, YEAR)
        assert value is not None and value.quantize(Decimal("0.01")) == Decimal(percent)
        assert indicator.key and indicator.higher_is_better and indicator.since is not None
    assert "parks.wuhao_rank" not in indicators


def test_a_disposal_refreshes_the_stored_rate_like_a_rebuild(demo):
    indicators_rebuild(codes=[RATE])
    action = DisposalAction.objects.filter(
        parcel__region__code__startswith=LOUXING,
        parcel__category="unsupplied",
        parcel__identified_on__lt=YEAR.start,
        disposed_on__year=2023,
    ).first()
    assert action is not None
    action.delete()
    indicators_refresh()
    refreshed = {
        (v.period, v.region_id): (v.numerator, v.denominator)
        for v in IndicatorValue.objects.filter(indicator=RATE)
    }
    indicators_rebuild(codes=[RATE])
    rebuilt = {
        (v.period, v.region_id): (v.numerator, v.denominator)
        for v in IndicatorValue.objects.filter(indicator=RATE)
    }
    assert refreshed == rebuilt
    assert refreshed[("2023", LOUXING)][0] == Decimal(190) - action.area_mu
