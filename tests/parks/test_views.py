"""Pages of program 4 as the 娄星 officer, scoping for 常宁, and the two forms' refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from countyworks.parks.demo import load_demo
from countyworks.parks.models import Chain, DisposalAction, MujunResult, Parcel, Project
from tests.conftest import PASSWORD, loaded_once

pytestmark = pytest.mark.django_db

PAGES = ("home", "leads", "chains", "projects", "land", "mujun", "wuhao", "infrastructure")


_demo_once = loaded_once(load_demo)


@pytest.fixture
def demo(_demo_once, db):
    """The 娄星 parks demo, loaded once for the module."""


@pytest.fixture
def officer(client, louxing):
    client.login(username="louxing", password=PASSWORD)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_the_louxing_officer(demo, officer, name):
    response = officer.get(reverse(f"parks:{name}"))
    assert response.status_code == 200
    assert "parks/" in response.templates[0].name


def test_dashboard_headline_year_and_figures(demo, officer):
    page = officer.get(reverse("parks:home")).content.decode()
    assert "2023年" in page and "207.5" in page and "358.97" in page and "74.22%" in page


def test_detail_pages_and_their_404_for_another_county(demo, officer, client, changning):
    chain = Chain.objects.get(name="钢铁新材")
    project = Project.objects.get(name__startswith="爱派尔")
    result = MujunResult.objects.filter(klass="D").first()
    urls = [
        reverse("parks:chain-detail", args=[chain.pk]),
        reverse("parks:project-detail", args=[project.pk]),
        reverse("parks:mujun-detail", args=[result.pk]),
    ]
    for url in urls:
        assert officer.get(url).status_code == 200
    page = officer.get(urls[0]).content.decode()
    assert "汽车用钢深加工" in page and "华东汽车零部件集团有限公司" in page  # the gap and its target
    assert "落后整治类" in officer.get(urls[2]).content.decode()
    client.logout()
    client.login(username="changning", password=PASSWORD)
    for url in urls:
        assert client.get(url).status_code == 404


def test_disposal_beyond_the_parcel_is_refused_in_chinese_and_nothing_written(demo, officer):
    parcel = Parcel.objects.get(code="LX-PEWG-06")
    before = DisposalAction.objects.count()
    response = officer.post(
        reverse("parks:land"),
        {"parcel": parcel.code, "kind": "supplied", "area_mu": "30.01", "disposed_on": "2023-08-01"},
        follow=True,
    )
    assert "超过地块 LX-PEWG-06 的剩余面积 30.00 亩" in response.content.decode()
    assert DisposalAction.objects.count() == before
    officer.post(
        reverse("parks:land"),
        {"parcel": parcel.code, "kind": "supplied", "area_mu": "30", "disposed_on": "2023-08-01"},
    )
    assert parcel.actions.get().area_mu == Decimal("30.00")


def test_a_problem_becomes_an_overnight_ticket(demo, officer):
    project = Project.objects.get(name__startswith="爱派尔")
    response = officer.post(
        reverse("parks:project-problem", args=[project.pk]),
        {"title": "施工用水接驳", "category": "utilities"},
        follow=True,
    )
    page = response.content.decode()
    assert "问题不过夜" in page and "施工用水接驳" in page


@pytest.mark.parametrize("name", ["home", "projects", "leads", "land"])
def test_query_count_does_not_grow_with_the_records(demo, officer, name, django_assert_max_num_queries):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"parks:{name}")
    with CaptureQueriesContext(connection) as before:
        officer.get(url)
    for i in range(20):
        project = Project.objects.create(region_id="431302", name=f"新增项目{i}")
        project.milestones.create(kind="levelling", planned_on=date(2023, 5, 1))
        Parcel.objects.create(
            region_id="431302",
            code=f"NEW-{i}",
            category="idle",
            area_mu=Decimal(5),
            identified_on=date(2022, 1, 1),
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        officer.get(url)
