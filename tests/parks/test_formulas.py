"""The formulas of docs/rules/investment-attraction.md, land-disposal.md and wuhao-parks.md on hand-computed cases: bands, the three lead rates, disposal rates, ranks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from countyworks.core.models import Organisation
from countyworks.parks.models import InvestmentLead, ParkAssessment
from countyworks.parks.services import (
    assessment_trend,
    band_counts,
    check_lead,
    disposal_rate,
    in_bottom,
    lead_rates,
    rank_change,
    size_band,
)

D = Decimal


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (D("110"), "50yi"),
        (D("50"), "50yi"),  # 以上 includes the boundary
        (D("49.9999"), "10yi"),
        (D("10"), "10yi"),
        (D("9.99"), "1yi"),
        (D("1"), "1yi"),
        (D("0.3"), "3000wan"),
        (D("0.2999"), None),
    ],
)
def test_size_band_is_the_highest_reached(amount, band):
    found = size_band(amount)
    assert (found.code if found else None) == band


def test_article_bands_are_exclusive_and_sum_to_twelve():
    amounts = [D(x) for x in ("110", "55", "15", "12", "3", "2.5", "2", "2", "1.8", "1.6", "1.5", "1.1")]
    assert sum(amounts) == D("207.5")
    counts = band_counts(amounts)
    assert (counts["50yi"], counts["10yi"], counts["1yi"]) == (2, 2, 8)
    assert sum(counts.values()) == 12


def _lead(**dates) -> InvestmentLead:
    return InvestmentLead(name="x", region_id="431302", **dates)


def test_lead_rates_hand_computed():
    leads = [
        _lead(
            signed_on=date(2023, 1, 5),
            performing_on=date(2023, 2, 1),
            started_on=date(2023, 4, 1),
            contracted_yi=D("10"),
            funds_fixed_yi=D("3"),
            funds_working_yi=D("1"),
        ),
        _lead(
            signed_on=date(2023, 3, 1),
            performing_on=date(2023, 3, 9),
            contracted_yi=D("5"),
            funds_fixed_yi=D("1"),
        ),
        _lead(signed_on=date(2023, 5, 1), contracted_yi=D("5")),
        # started after the as-of day: not yet counted
        _lead(
            signed_on=date(2023, 5, 2),
            performing_on=date(2023, 7, 1),
            started_on=date(2023, 8, 1),
            contracted_yi=D("20"),
        ),
    ]
    rates = lead_rates(leads, as_of=date(2023, 6, 30))
    assert (rates.performing.numerator, rates.performing.denominator) == (2, 4)
    assert rates.performing.percent == D("50.00")
    assert rates.started.percent == D("25.00")
    assert (rates.funds.numerator, rates.funds.denominator) == (D("5"), D("40"))
    assert rates.funds.percent == D("12.50")


def test_same_day_signing_and_start_is_allowed():
    lead = _lead(
        signed_on=date(2023, 7, 10),
        performing_on=date(2023, 7, 10),
        landed_on=date(2023, 7, 10),
        started_on=date(2023, 7, 10),
    )
    check_lead(lead)


def test_stage_dates_out_of_order_are_refused():
    lead = _lead(signed_on=date(2023, 7, 10), started_on=date(2023, 7, 9))
    with pytest.raises(ValidationError) as caught:
        check_lead(lead)
    assert "started_on" in caught.value.message_dict
    assert "早于签约日期" in caught.value.message_dict["started_on"][0]


def test_a_later_stage_needs_a_signing_date():
    with pytest.raises(ValidationError) as caught:
        check_lead(_lead(started_on=date(2023, 7, 9)))
    assert "signed_on" in caught.value.message_dict


def test_disposal_rates_of_the_article():
    # 批而未供 256 亩 of stock, 190 disposed; 闲置 45.30 of 45.30; 低效 123.67 of 212.71.
    assert disposal_rate([D("200"), D("56")], [D("150"), D("40")]).percent == D("74.22")
    assert disposal_rate([D("45.30")], [D("45.30")]).percent == D("100.00")
    assert disposal_rate([D("212.71")], [D("123.67")]).percent == D("58.14")
    assert disposal_rate([], []).percent is None


def test_rank_change_and_bottom_five():
    assert rank_change(83, 47) == 36
    assert rank_change(None, 47) is None
    assert in_bottom(96, 100) and not in_bottom(95, 100)


def test_delisting_risk_needs_two_consecutive_bottom_years():
    rows = assessment_trend(
        [
            ParkAssessment(park="p", year=2021, rank=97, parks_in_class=100),
            ParkAssessment(park="p", year=2022, rank=98, parks_in_class=100),
            ParkAssessment(park="p", year=2023, rank=50, parks_in_class=100),
        ]
    )
    assert [r.bottom for r in rows] == [True, True, False]
    assert [r.delist_risk for r in rows] == [False, True, False]
    assert [r.change for r in rows] == [None, -1, 48]


@pytest.mark.django_db
def test_lead_on_a_chain_link_of_another_county_is_refused():
    from countyworks.parks.models import Chain, ChainLink

    chain = Chain.objects.create(region_id="430482", name="鱼")
    link = ChainLink.objects.create(chain=chain, position="up", name="饲料")
    org = Organisation.objects.create(name="甲公司", region_id="431302")
    lead = InvestmentLead(name="x", region_id="431302", company=org, chain_link=link)
    with pytest.raises(ValidationError) as caught:
        lead.full_clean()
    assert "chain_link" in caught.value.message_dict
