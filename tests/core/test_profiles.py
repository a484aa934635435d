"""Profiles (企业画像, 村情画像: docs/profiles.md) on the demo: the showcase enterprise of 娄星 has a
section from every program 娄星 runs, the showcase villages of 常宁 and 邵阳县 theirs; out of area
is 404 on the page and the API; a role's unreadable programs are left out; a bounded number of
queries; the timeline newest first."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countyworks.core.demo import load_demo
from countyworks.core.demo_showcase import (
    SHOWCASE_VILLAGE_CHANGNING,
    SHOWCASE_VILLAGE_SHAOYANG,
    showcase_enterprise,
)
from countyworks.core.profiles import (
    Event,
    ProfileSection,
    merged_timeline,
    organisation_profile,
    village_profile,
)
from countyworks.core.services import api_token_create
from tests.conftest import make_user

#: Queries of the whole enterprise profile of the showcase (every section); a section reading its
#: rows one by one (N+1) would pass it at once.
ORGANISATION_QUERY_BOUND = 30
VILLAGE_QUERY_BOUND = 25


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo, loaded once for the module inside a transaction rolled back after it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def officers(demo, db):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return {name: User.objects.get(username=name) for name in ("louxing", "changning", "shaoyang")}


def _tables(section: ProfileSection) -> dict[str, int]:
    return {str(t.title): len(t.rows) for t in section.tables}


@pytest.mark.slow
class TestProfilesOnTheDemo:
    def test_the_showcase_enterprise_has_every_program_of_louxing(self, officers):
        company = showcase_enterprise()
        assert company is not None and company.region_id == "431302"
        with CaptureQueriesContext(connection) as queries:
            profile = organisation_profile(user=officers["louxing"], organisation_id=company.pk)
        assert len(queries.captured_queries) <= ORGANISATION_QUERY_BOUND
        sections = {s.program: s for s in profile.sections}
        assert set(sections) == {"workflow", "innovation", "energy", "parks"}
        innovation = _tables(sections["innovation"])
        assert innovation["入库记录"] >= 1 and innovation["评价结果"] >= 1 and innovation["一企一策"] == 1
        parks = _tables(sections["parks"])
        assert (
            parks["使用的三类用地地块"] == 1 and parks["亩均评价"] == 1 and parks["适用的亩均差别化政策"] >= 1
        )
        assert _tables(sections["energy"])["运营的电站"] == 1
        workflow = _tables(sections["workflow"])
        assert workflow["在办工单"] == 2 and workflow["调度会议题"] >= 1
        overdue = next(f for f in sections["workflow"].facts if str(f.label) == "逾期工单")
        assert int(overdue.value) >= 1
        # every section and every event links to its program's pages
        for section in profile.sections:
            assert section.url.startswith("/")
        assert all(event.url.startswith("/") and event.program for event in profile.timeline)
        days = [event.day for event in profile.timeline]
        assert days == sorted(days, reverse=True)
        assert {str(e.program) for e in profile.timeline} >= {"科技创新", "园区建设", "新能源", "工单与调度"}

    def test_the_showcase_villages(self, officers):
        with CaptureQueriesContext(connection) as queries:
            qingling = village_profile(user=officers["changning"], code=SHOWCASE_VILLAGE_CHANGNING)
        assert len(queries.captured_queries) <= VILLAGE_QUERY_BOUND
        sections = {s.program: s for s in qingling.sections}
        assert set(sections) == {"workflow", "alliances"}
        alliances = _tables(sections["alliances"])
        assert alliances["村集体收入（万元）"] >= 3 and alliances["利益联结合同"] >= 1
        assert alliances["利益联结收入流入"] >= 1
        classes = {str(row[-1].text) for row in sections["alliances"].tables[0].rows}
        assert classes <= {"空壳村", "薄弱村", "一般村", "富裕村", "未报送"}
        sanxing = village_profile(user=officers["shaoyang"], code=SHOWCASE_VILLAGE_SHAOYANG)
        sections = {s.program: s for s in sanxing.sections}
        assert set(sections) == {"workflow", "courtyards"}
        courtyards = sections["courtyards"]
        assert len(courtyards.tables[0].rows) == 4 and len(courtyards.tables[1].rows) >= 10
        assert _tables(sections["workflow"])["在办工单"] == 1

    def test_out_of_area_is_404_on_the_page_and_the_api(self, officers, client):
        company = showcase_enterprise()
        changning = officers["changning"]
        client.force_login(changning, backend="django.contrib.auth.backends.ModelBackend")
        _token, raw = api_token_create(user=changning, name="profiles")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        for path in (
            reverse("org-profile", args=[company.pk]),
            reverse("village-profile", args=[SHOWCASE_VILLAGE_SHAOYANG]),
            reverse("village-profile", args=["430482100"]),  # a town, not a village
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert company.name.encode() not in response.content
        for path in (
            f"/api/v1/core/organisations/{company.pk}/profile",
            f"/api/v1/core/villages/{SHOWCASE_VILLAGE_SHAOYANG}/profile",
        ):
            assert client.get(path, **auth).status_code == 404, path
        own = client.get(f"/api/v1/core/villages/{SHOWCASE_VILLAGE_CHANGNING}/profile", **auth)
        assert own.status_code == 200
        body = own.json()
        assert body["key"] == SHOWCASE_VILLAGE_CHANGNING and {s["program"] for s in body["sections"]} == {
            "workflow",
            "alliances",
        }
        assert body["timeline"] and body["page"] == reverse(
            "village-profile", args=[SHOWCASE_VILLAGE_CHANGNING]
        )
        assert client.get("/api/v1/core/villages/x' OR 1=1/profile", **auth).status_code in (404, 422)

    def test_a_role_sees_only_the_programs_it_may_read(self, demo, db):
        company = showcase_enterprise()
        operator = make_user("lx_operator", "operator", "431302")  # reads energy and the shared workflow
        programs = {
            s.program for s in organisation_profile(user=operator, organisation_id=company.pk).sections
        }
        assert programs == {"workflow", "energy"}
        leader = make_user("lx_leader", "leader", "431302")
        assert {
            s.program for s in organisation_profile(user=leader, organisation_id=company.pk).sections
        } == {
            "workflow",
            "innovation",
            "energy",
            "parks",
        }
        officer = make_user("lx_parks", "officer", "431302", program="parks")
        programs = {
            s.program for s in organisation_profile(user=officer, organisation_id=company.pk).sections
        }
        assert programs == {"workflow", "parks"}

    def test_the_page_renders_every_section_and_the_timeline(self, officers, client):
        company = showcase_enterprise()
        client.force_login(officers["louxing"], backend="django.contrib.auth.backends.ModelBackend")
        page = client.get(reverse("org-profile", args=[company.pk])).content.decode()
        for text in (
            "企业画像",
            "梯度培育",
            "园区与亩均",
            "新能源电站",
            "工单与调度",
            "大事记",
            "LX-DX-03",
        ):
            assert text in page, text
        client.force_login(officers["shaoyang"], backend="django.contrib.auth.backends.ModelBackend")
        page = client.get(reverse("village-profile", args=[SHOWCASE_VILLAGE_SHAOYANG])).content.decode()
        for text in ("村情画像", "美丽庭院", "下南冲院落", "改造工程"):
            assert text in page, text


def test_the_timeline_is_newest_first_across_sections():
    first = ProfileSection(
        "a", "a", "A", "/a/", events=[Event(date(2021, 1, 1), "old"), Event(date(2024, 1, 1), "new")]
    )
    second = ProfileSection("b", "b", "B", "/b/", events=[Event(date(2023, 1, 1), "middle")])
    assert [e.text for e in merged_timeline([first, second])] == ["new", "middle", "old"]
    assert [e.text for e in merged_timeline([first, second], limit=1)] == ["new"]
