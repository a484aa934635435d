"""The dashboard's figures come from the cache, and never outlive a change to the records they count."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countyworks.core.models import Organisation
from countyworks.parks.caching import data_version
from countyworks.parks.demo import load_demo
from countyworks.parks.models import DisposalAction, FactoryRevitalisation, Parcel
from countyworks.parks.services import disposal_record
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, louxing):
    cache.clear()
    load_demo()
    client.login(username="louxing", password=PASSWORD)
    return client


def _dashboard(client) -> str:
    response = client.get(reverse("parks:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_second_view_takes_the_figures_from_the_cache(officer):
    with CaptureQueriesContext(connection) as first:
        page = _dashboard(officer)
    with CaptureQueriesContext(connection) as second:
        again = _dashboard(officer)
    token = re.compile(r"\b[A-Za-z0-9]{64}\b")  # the CSRF tokens, masked anew on every response
    assert token.sub("", again) == token.sub("", page) and "358.97" in page
    aggregates = [q["sql"] for q in second.captured_queries if "parks_disposalaction" in q["sql"]]
    assert aggregates == [] and len(second) < len(first)


def test_a_disposal_shows_at_once_on_the_dashboard_and_the_land_page(officer, louxing):
    assert "358.97" in _dashboard(officer)
    parcel = Parcel.objects.get(code="LX-DX-05")
    disposal_record(
        parcel=parcel,
        kind="redeveloped",
        area_mu=Decimal(1),
        disposed_on=date(2023, 9, 1),
        acting_user=louxing,
    )
    page = _dashboard(officer)
    assert "359.97" in page and "358.97" not in page
    assert "359.97" in officer.get(reverse("parks:land")).content.decode()
    DisposalAction.objects.get(parcel=parcel, area_mu=Decimal(1)).delete()
    assert "358.97" in _dashboard(officer)


def test_an_enterprise_brought_into_a_factory_counts_at_once(officer):
    land = officer.get(reverse("parks:land")).content.decode()
    assert "引进企业 5 家" in land
    factory = FactoryRevitalisation.objects.filter(revitalised_on__year=2023).first()
    factory.enterprises.add(Organisation.objects.create(name="新引进企业", region_id="431302"))
    assert "引进企业 6 家" in officer.get(reverse("parks:land")).content.decode()


def test_a_rolled_back_change_leaves_no_figures_behind(officer, louxing):
    before = data_version()
    assert "358.97" in _dashboard(officer)
    with pytest.raises(RuntimeError), transaction.atomic():
        disposal_record(
            parcel=Parcel.objects.get(code="LX-DX-05"),
            kind="redeveloped",
            area_mu=Decimal(2),
            disposed_on=date(2023, 9, 1),
            acting_user=louxing,
        )
        assert "360.97" in _dashboard(officer)
        raise RuntimeError("rolled back")
    assert data_version() != before  # the stamp moved: nothing cached inside the transaction is reused
    assert "358.97" in _dashboard(officer)
