"""Disposal actions and the rates counted from records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from countyworks.core.actors import SYSTEM
from countyworks.core.periods import Period
from countyworks.parks.models import DisposalAction, Parcel
from countyworks.parks.services import category_rates, disposal_record, disposed_area

pytestmark = pytest.mark.django_db
D = Decimal


def _parcel(code: str, category: str, area: str, identified: date = date(2022, 6, 1)) -> Parcel:
    return Parcel.objects.create(
        region_id="431302", code=code, category=category, area_mu=D(area), identified_on=identified
    )


def test_disposal_beyond_the_parcel_is_refused_and_nothing_written():
    parcel = _parcel("P1", "unsupplied", "10.00")
    disposal_record(
        parcel=parcel, kind="supplied", area_mu=D("6"), disposed_on=date(2023, 3, 1), acting_user=SYSTEM
    )
    with pytest.raises(ValidationError) as caught:
        disposal_record(
            parcel=parcel,
            kind="supplied",
            area_mu=D("4.01"),
            disposed_on=date(2023, 4, 1),
            acting_user=SYSTEM,
        )
    message = caught.value.message_dict["area_mu"][0]
    assert "剩余面积 4.00 亩" in message
    assert DisposalAction.objects.filter(parcel=parcel).count() == 1


def test_disposal_kind_must_fit_the_category():
    parcel = _parcel("P2", "inefficient", "10.00")
    with pytest.raises(ValidationError) as caught:
        disposal_record(
            parcel=parcel, kind="supplied", area_mu=D("1"), disposed_on=date(2023, 3, 1), acting_user=SYSTEM
        )
    assert "kind" in caught.value.message_dict


def test_non_positive_area_is_refused():
    parcel = _parcel("P3", "idle", "10.00")
    with pytest.raises(ValidationError):
        disposal_record(
            parcel=parcel, kind="recovered", area_mu=D("0"), disposed_on=date(2023, 3, 1), acting_user=SYSTEM
        )
    with pytest.raises(ValidationError):
        Parcel(
            region_id="431302", code="N", category="idle", area_mu=D("-1"), identified_on=date(2022, 1, 1)
        ).full_clean()


def test_rates_count_the_window_over_the_stock_at_its_start():
    a = _parcel("A", "unsupplied", "100.00")
    b = _parcel("B", "unsupplied", "60.00")
    _parcel("LATE", "unsupplied", "500.00", identified=date(2023, 2, 1))  # not in the stock at the start
    disposal_record(
        parcel=a, kind="supplied", area_mu=D("20"), disposed_on=date(2022, 9, 1), acting_user=SYSTEM
    )
    disposal_record(
        parcel=a, kind="supplied", area_mu=D("50"), disposed_on=date(2023, 3, 1), acting_user=SYSTEM
    )
    disposal_record(
        parcel=b, kind="withdrawn", area_mu=D("10"), disposed_on=date(2023, 5, 1), acting_user=SYSTEM
    )
    rates = {r.category: r.rate for r in category_rates(region_prefix="431302", period=Period.parse("2023"))}
    # stock = 100 − 20 + 60 = 140; disposed in 2023 = 60 → 42.86 %
    assert (rates["unsupplied"].numerator, rates["unsupplied"].denominator) == (D("60"), D("140"))
    assert rates["unsupplied"].percent == D("42.86")
    assert rates["idle"].percent is None
    assert disposed_area(region_prefix="431302", period=Period.parse("2023")) == D("60")


def test_an_officer_of_another_county_cannot_dispose(changning):
    parcel = _parcel("P4", "idle", "10.00")
    with pytest.raises(PermissionDenied):
        disposal_record(
            parcel=parcel,
            kind="recovered",
            area_mu=D("1"),
            disposed_on=date(2023, 3, 1),
            acting_user=changning,
        )
