"""The program 2 API: the same figures and the same scoping as the pages."""

from __future__ import annotations

from datetime import date

import pytest

from countyworks.innovation import services
from tests.innovation.conftest import TECH_SME_ROW, tech_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(zjj, evaluated_campaign):
    campaign = evaluated_campaign([tech_row(1), tech_row(2, tech_staff="12", rd_expense="90", ip_class2="4")])
    services.campaign_confirm(campaign=campaign, entered_on=date(2022, 9, 30), acting_user=zjj)
    return campaign


def test_pool_counts_enterprises_and_evaluations(confirmed, zjj, login):
    client = login(zjj)
    counts = {c["tier"]: c for c in client.get("/api/v1/innovation/pools/counts?year=2022").json()}
    assert (
        counts["tech_sme"]["count"],
        counts["tech_sme"]["previous"],
        counts["tech_sme"]["yoy_percent"],
    ) == (1, 0, None)
    assert counts["reserve"]["count"] == 1
    listing = client.get("/api/v1/innovation/enterprises?tier=tech_sme&year=2022").json()
    assert listing["count"] == 1 and listing["items"][0]["tiers"] == ["tech_sme"]
    assert client.get("/api/v1/innovation/enterprises?tier=nope").status_code == 422
    detail = client.get(f"/api/v1/innovation/enterprises/{listing['items'][0]['id']}").json()
    assert detail["results"][0]["points"] == {"tech_staff": 16, "rd": 30, "ip": 18}
    assert detail["memberships"][0]["tier"] == "tech_sme"
    failing = client.get(f"/api/v1/innovation/evaluations?campaign={confirmed.pk}&qualified=false").json()
    assert [r["failed_conditions"] for r in failing["items"]] == [["c5_score"]]
    campaigns = client.get("/api/v1/innovation/campaigns").json()["items"]
    assert campaigns[0]["region"] == "4308" and campaigns[0]["qualified_count"] == 1


def test_self_assessment_endpoint(zjj, login):
    client = login(zjj)
    ok = client.post(
        "/api/v1/innovation/self-assessment",
        {"ruleset": "tech-sme-2022", "figures": TECH_SME_ROW},
        content_type="application/json",
    ).json()
    assert ok["errors"] == [] and ok["result"]["score"] == 64 and ok["result"]["qualified"] is True
    bad = client.post(
        "/api/v1/innovation/self-assessment",
        {"ruleset": "tech-sme-2022", "figures": {**TECH_SME_ROW, "revenue": "-1"}},
        content_type="application/json",
    ).json()
    assert bad["result"] is None and bad["errors"][0]["column"] == "revenue"
    unknown = client.post(
        "/api/v1/innovation/self-assessment", {"ruleset": "x", "figures": {}}, content_type="application/json"
    )
    assert unknown.status_code == 422


def test_bearer_token(confirmed, zjj, client):
    from countyworks.core.services import api_token_create

    _token, raw = api_token_create(user=zjj)
    response = client.get("/api/v1/innovation/pools/counts?year=2022", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
