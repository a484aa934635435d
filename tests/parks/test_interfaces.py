"""The API, the ``land rates`` command and the import kinds: the same rules, English refusals."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from countyworks import cli
from countyworks.core.importing import IMPORTERS
from countyworks.parks.demo import load_demo
from countyworks.parks.models import DisposalAction, InvestmentLead, Parcel, ParkAssessment
from tests.conftest import PASSWORD, loaded_once

pytestmark = pytest.mark.django_db


_demo_once = loaded_once(load_demo)


@pytest.fixture
def demo(_demo_once, db):
    """The 娄星 parks demo, loaded once for the module."""


def test_land_rates_command_prints_numerators_and_denominators(demo, capsys):
    assert cli.main(["land", "rates", "--region", "431302", "--period", "2023"]) == 0
    out = capsys.readouterr().out
    assert "190.00 / 256.00     = 74.22%" in out and "45.30 / 45.30      = 100.00%" in out
    assert "123.67 / 212.71     = 58.14%" in out
    assert cli.main(["land", "rates", "--region", "431302", "--period", "2023Q1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rates"]["idle"] == {"numerator_mu": "18.30", "denominator_mu": "45.30", "percent": "40.40"}


def test_land_rates_command_refuses_bad_input(db, capsys):
    assert cli.main(["land", "rates", "--region", "431302", "--period", "2023-13"]) == 1
    assert "month must be 1–12" in capsys.readouterr().err
    assert cli.main(["land", "rates", "--region", "439999", "--period", "2023"]) == 1
    assert "unknown region 439999" in capsys.readouterr().err


def test_api_disposal_beyond_the_parcel_is_400_in_english(demo, client, louxing):
    client.login(username="louxing", password=PASSWORD)
    parcel = Parcel.objects.get(code="LX-DX-05")
    body = {"parcel_id": parcel.pk, "kind": "redeveloped", "area_mu": "30.50", "disposed_on": "2023-09-01"}
    response = client.post("/api/v1/parks/land/disposals", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "the disposal of 30.50 mu exceeds the 30.00 mu remaining of parcel LX-DX-05 (30.00 mu, 0 mu disposed)"
    )
    assert not parcel.actions.exists()
    body["area_mu"] = "30.00"
    assert (
        client.post("/api/v1/parks/land/disposals", body, content_type="application/json").status_code == 201
    )
    rates = client.get("/api/v1/parks/land/rates", {"region": "431302", "period": "2023"}).json()
    assert rates[2] == {
        "category": "inefficient",
        "numerator_mu": "153.67",
        "denominator_mu": "212.71",
        "percent": "72.24",
    }


def test_api_is_scoped(demo, client, changning):
    client.login(username="changning", password=PASSWORD)
    parcel = Parcel.objects.get(code="LX-DX-05")
    body = {"parcel_id": parcel.pk, "kind": "redeveloped", "area_mu": "1", "disposed_on": "2023-09-01"}
    assert (
        client.post("/api/v1/parks/land/disposals", body, content_type="application/json").status_code == 404
    )
    assert client.get("/api/v1/parks/leads").json()["count"] == 0
    assert client.get("/api/v1/parks/land/rates", {"region": "431302", "period": "2023"}).status_code == 404


def _import(kind: str, text: str, user):
    importer = IMPORTERS[kind]
    return importer.import_rows(importer.read(text.encode("utf-8")), acting_user=user)


def test_disposal_import_checks_the_rows_of_one_file_together(demo, louxing):
    result = _import(
        "parks-disposals",
        "地块编号,处置方式,处置面积（亩）,处置日期\nLX-PEWG-06,供地（划拨/出让）,20,2023-08-01\n"
        "LX-PEWG-06,供地（划拨/出让）,10.01,2023-09-01\nLX-DX-05,供地（划拨/出让）,1,2023-09-01\n",
        louxing,
    )
    assert not result.written
    reasons = {(e.row, e.column): e.reason_en for e in result.errors}
    assert reasons[(3, "area_mu")] == "disposes 10.01 mu of parcel LX-PEWG-06, which has 10.00 mu left"
    assert reasons[(4, "kind")] == "supplied is not a disposal of inefficient land"
    assert not DisposalAction.objects.filter(parcel__code__in=["LX-PEWG-06", "LX-DX-05"]).exists()


def test_lead_import_refuses_stage_dates_out_of_order_and_an_unknown_link(demo, louxing):
    result = _import(
        "parks-leads",
        "所在区划,项目名称,投资方,补链环节,合同引资（亿元）,签约日期,开工日期\n"
        "431302,新项目甲,正威国际集团有限公司,钢铁新材/精密结构件,5,2023-08-02,2023-08-01\n"
        "431302,新项目乙,正威国际集团有限公司,钢铁新材/不存在的环节,5,2023-08-02,\n",
        louxing,
    )
    assert not result.written
    reasons = {(e.row, e.column): e.reason_en for e in result.errors}
    assert "started_on" in {c for _r, c in reasons} and (3, "chain_link") in reasons
    assert "unknown chain link" in reasons[(3, "chain_link")]
    assert not InvestmentLead.objects.filter(name__startswith="新项目").exists()


def test_wuhao_import_updates_by_park_and_year(demo, louxing):
    result = _import(
        "parks-wuhao",
        "所在区划,园区,考核年度,园区类别,综合得分,排名,同类园区数\n431302,娄星经济开发区,2023,省级园区,85.1,39,121\n",
        louxing,
    )
    assert result.written and ParkAssessment.objects.get(year=2023).rank == 39
    assert ParkAssessment.objects.get(year=2023).score == Decimal("85.10")
