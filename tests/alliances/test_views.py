"""Pages, API and import of program 1 on a small fixture: access, scoping (404 outside the area), writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from countyworks.alliances import services
from countyworks.alliances.models import (
    Alliance,
    BuyerOrder,
    Capacity,
    ChainLink,
    Member,
    Product,
    VillageIncome,
)
from countyworks.core.actors import SYSTEM
from countyworks.core.importing import IMPORTERS
from countyworks.core.models import Organisation, Region

VILLAGE = "430482100201"


@pytest.fixture
def alliance(db) -> Alliance:
    town = Region.objects.get(code="430482100")
    made = services.alliance_create(
        name="测试鱼联盟",
        town=town,
        industry="鱼",
        villages=[Region.objects.get(code=VILLAGE)],
        acting_user=SYSTEM,
    )
    fish = Product.objects.create(code="fish", name="草鱼", unit="斤")
    farm = Organisation.objects.create(
        name="测试养鱼户", region_id=VILLAGE, kind=Organisation.Kind.INDIVIDUAL
    )
    member = Member.objects.create(
        alliance=made, organisation=farm, chain_link=ChainLink.BREEDING, village_id=VILLAGE
    )
    Capacity.objects.create(
        member=member,
        product=fish,
        starts_on=date(2023, 6, 1),
        ends_on=date(2023, 6, 30),
        quantity=Decimal(100),
    )
    BuyerOrder.objects.create(
        alliance=made, code="O1", buyer="广州买家", destination="广州", product=fish, quantity=Decimal(150),
        price_fen=800, window_start=date(2023, 6, 10), window_end=date(2023, 6, 20),
    )  # fmt: skip
    VillageIncome.objects.create(region_id=VILLAGE, year=2022, source="operating", amount_fen=12_000_000)
    return made


PAGES = ["/alliances/", "/alliances/requests/", "/alliances/guide/", "/alliances/orders/",
         "/alliances/settlement/", "/alliances/villages/"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_pages_open_for_the_county(alliance, changning, login, path):
    assert login(changning).get(path).status_code == 200


def test_another_county_gets_404(alliance, louxing, login):
    client = login(louxing)
    assert client.get(f"/alliances/{alliance.pk}/").status_code == 404
    assert client.post(f"/alliances/{alliance.pk}/allocate/").status_code == 404
    assert client.get("/api/v1/alliances/villages/430482/2022").status_code == 404


def test_read_only_leader_cannot_allocate(alliance, hunan, login):
    client = login(hunan)
    assert client.get(f"/alliances/{alliance.pk}/").status_code == 200
    assert client.post(f"/alliances/{alliance.pk}/allocate/").status_code == 403


def test_allocation_page_flags_the_shortfall(alliance, changning, login):
    client = login(changning)
    response = client.post(f"/alliances/{alliance.pk}/allocate/", follow=True)
    assert "满足 66.7%" in response.content.decode()
    order = BuyerOrder.objects.get(code="O1")
    assert order.status == BuyerOrder.Status.ALLOCATED
    assert order.flag == "仅能供应 100（订单 150），其余符合条件的货源已分配给其他订单"


def test_village_api_counts_the_income(alliance, changning, login):
    body = login(changning).get("/api/v1/alliances/villages/430482100/2022").json()
    assert body["over_100k"] == 1 and body["below_weak"] == 0 and body["by_class"]["general"] == 1


def test_village_income_import_is_atomic_and_in_yuan(alliance, changning):
    importer = IMPORTERS["village-incomes"]
    good = "村,年度,收入来源,金额(元)\n430482100201,2023,投资收益,15000.50\n".encode()
    result = importer.import_rows(importer.read(good), acting_user=changning)
    assert result.written and VillageIncome.objects.get(year=2023).amount_fen == 1_500_050
    bad = "村,年度,收入来源,金额(元)\n430482100201,2024,经营收入,1\n431302100201,2024,经营收入,2\n".encode()
    result = importer.import_rows(importer.read(bad), acting_user=changning)
    assert not result.written and not VillageIncome.objects.filter(year=2024).exists()
    assert [e.code for e in result.errors] == ["out_of_reach"]
