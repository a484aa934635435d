"""No cross-area leak: every page and API endpoint of program 2 answers 404 outside the viewer's area."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from countyworks.core.models import Person, Role
from countyworks.innovation import services
from countyworks.innovation.models import Challenge, EnterprisePlan, EnterpriseProfile
from tests.conftest import make_user
from tests.innovation.conftest import tech_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(zjj, city, enterprise, evaluated_campaign):
    """张家界 data: an evaluated campaign over two enterprises, a challenge, a plan."""
    campaign = evaluated_campaign([tech_row(1), tech_row(2)])
    challenge = services.challenge_create(
        region=city,
        kind=Challenge.Kind.BASIC,
        title="大鲵种质资源研究",
        need="需求",
        target_indicators="资源库1个",
        budget=Decimal(100),
        deadline=date(2030, 1, 1),
        issuer=enterprise,
        acting_user=zjj,
    )
    officer = Person.objects.create(name="覃书远", region_id="4308")
    plan = services.plan_create(
        organisation=enterprise,
        year=2022,
        tech_needs="需求",
        measures="措施",
        officer=officer,
        acting_user=zjj,
    )
    other = EnterpriseProfile.objects.exclude(organisation=enterprise).get().organisation
    return {
        "campaign": campaign,
        "result": campaign.results.first(),
        "challenge": challenge,
        "plan": plan,
        "enterprise": enterprise,
        "other": other,
    }


def _detail_urls(w) -> list[str]:
    return [
        reverse("innovation:enterprise-detail", args=[w["enterprise"].pk]),
        reverse("innovation:campaign-detail", args=[w["campaign"].pk]),
        reverse("innovation:result-detail", args=[w["result"].pk]),
        reverse("innovation:challenge-detail", args=[w["challenge"].pk]),
        f"/api/v1/innovation/enterprises/{w['enterprise'].pk}",
        f"/api/v1/innovation/challenges/{w['challenge'].pk}",
        f"/api/v1/innovation/evaluations?campaign={w['campaign'].pk}",
    ]


def _posts(w) -> list[str]:
    return [
        reverse("innovation:campaign-run", args=[w["campaign"].pk]),
        reverse("innovation:campaign-confirm", args=[w["campaign"].pk]),
        reverse("innovation:plan-create", args=[w["enterprise"].pk]),
        reverse("innovation:plan-status", args=[w["plan"].pk]),
        reverse("innovation:challenge-action", args=[w["challenge"].pk, "transition"]),
    ]


def test_officer_of_another_county_gets_404_everywhere(world, changning, login):
    client = login(changning)
    for url in _detail_urls(world):
        assert client.get(url).status_code == 404, url
    for url in _posts(world):
        assert client.post(url, {"status": "done", "to_status": "published"}).status_code == 404, url
    for url in ("innovation:enterprise-list", "innovation:campaign-list", "innovation:challenge-list"):
        body = client.get(reverse(url)).content.decode()
        assert world["enterprise"].name not in body and "大鲵种质资源研究" not in body
    assert client.get("/api/v1/innovation/enterprises").json()["count"] == 0
    assert client.get("/api/v1/innovation/challenges").json()["count"] == 0
    counts = client.get("/api/v1/innovation/pools/counts?year=2022").json()
    assert all(c["count"] == 0 for c in counts)


def test_users_without_the_program_get_404(world, outsider, village_clerk, login):
    for user in (outsider, village_clerk):
        client = login(user)
        assert client.get(reverse("innovation:home")).status_code == 404
        assert client.get("/api/v1/innovation/enterprises").status_code in (401, 404)


@pytest.mark.parametrize("persona", ["hunan", "auditor"])
def test_reader_of_the_area_sees_no_write_action_and_a_forced_post_is_refused(persona, request, world, login):
    client = login(request.getfixturevalue(persona))
    for url in _detail_urls(world):
        assert client.get(url).status_code == 200, url
    pages = "".join(
        client.get(reverse(name, args=[world[key].pk])).content.decode()
        for name, key in (
            ("innovation:enterprise-detail", "enterprise"),
            ("innovation:campaign-detail", "campaign"),
            ("innovation:challenge-detail", "challenge"),
        )
    )
    for url in [*_posts(world), reverse("innovation:campaign-upload", args=[world["campaign"].pk])]:
        assert f'action="{url}"' not in pages, url
    challenge_actions = reverse("innovation:challenge-action", args=[world["challenge"].pk, "x"])[:-2]
    assert f'action="{challenge_actions}' not in pages
    for url in _posts(world):
        response = client.post(
            url,
            {
                "status": "done",
                "to_status": "published",
                "entered_on": "2022-09-30",
                "year": 2022,
                "measures": "x",
                "tech_needs": "x",
            },
        )
        assert response.status_code == 403, url
        assert "只读账号" in response.content.decode(), url
    world["plan"].refresh_from_db()
    assert world["plan"].status == EnterprisePlan.Status.ACTIVE


def test_enterprise_user_sees_only_its_own_enterprise(world, enterprise_user, login):
    client = login(enterprise_user)
    assert (
        client.get(reverse("innovation:enterprise-detail", args=[world["enterprise"].pk])).status_code == 200
    )
    assert client.get(reverse("innovation:enterprise-detail", args=[world["other"].pk])).status_code == 404
    assert client.get(reverse("innovation:campaign-detail", args=[world["campaign"].pk])).status_code == 404
    own_result = world["campaign"].results.get(organisation=world["enterprise"])
    other_result = world["campaign"].results.get(organisation=world["other"])
    assert client.get(reverse("innovation:result-detail", args=[own_result.pk])).status_code == 200
    assert client.get(reverse("innovation:result-detail", args=[other_result.pk])).status_code == 404
    listing = client.get("/api/v1/innovation/enterprises").json()
    assert [e["id"] for e in listing["items"]] == [world["enterprise"].pk]
    # Its own figures prefill the self-assessment.
    page = client.get(reverse("innovation:self-assess")).content.decode()
    assert 'value="120"' in page


def test_auditor_reads_the_history(world, auditor, login):
    client = login(auditor)
    profile = EnterpriseProfile.objects.get(organisation=world["enterprise"])
    assert client.get(f"/audit/innovation.enterpriseprofile/{profile.pk}/").status_code == 200
    assert client.get(f"/audit/innovation.enterpriseplan/{world['plan'].pk}/").status_code == 200
    louxing_auditor = make_user("lx_auditor", Role.AUDITOR, "431302")
    client = login(louxing_auditor)
    assert client.get(f"/audit/innovation.enterpriseplan/{world['plan'].pk}/").status_code == 404
