"""Pages and API of program 5 as the 邵阳县 officer, another county's officer and a read-only leader."""

from __future__ import annotations

import pytest
from django.urls import reverse

from countyworks.core.models import Household
from countyworks.courtyards.demo.loading import DIFFICULTY_HEAD, XIANANCHONG
from countyworks.courtyards.models import Inspection
from tests.conftest import PASSWORD

FULL = {
    "item_poultry_penned": "20",
    "item_debris_stacked": "20",
    "item_front_back_clean": "20",
    "item_garden_fenced": "20",
    "item_firewood_stacked": "18.5",
}


@pytest.fixture
def officer(client, demo, shaoyang):
    client.login(username="shaoyang", password=PASSWORD)
    return client


def page_urls() -> list[str]:
    household = Household.objects.filter(region_id=XIANANCHONG).first()
    return [
        reverse("courtyards:home"),
        reverse("courtyards:courtyard", args=[XIANANCHONG]),
        reverse("courtyards:results", args=[XIANANCHONG]) + "?month=2023-03",
        reverse("courtyards:notice", args=[XIANANCHONG, 2023]),
        reverse("courtyards:inspect-pick"),
        reverse("courtyards:inspect", args=[XIANANCHONG]),
        reverse("courtyards:household", args=[household.pk]),
        reverse("courtyards:assistance"),
        reverse("courtyards:shop"),
        reverse("courtyards:works"),
    ]


def test_every_page_renders_for_the_county_officer(officer):
    for url in page_urls():
        response = officer.get(url)
        assert response.status_code == 200, url


def test_another_countys_officer_gets_404(client, demo, changning):
    client.login(username="changning", password=PASSWORD)
    for url in page_urls()[1:4] + page_urls()[5:7]:
        assert client.get(url).status_code == 404, url


def test_the_public_notice_lists_the_top_ten_and_the_helped_household_with_its_help(officer):
    page = officer.get(reverse("courtyards:notice", args=[XIANANCHONG, 2023])).content.decode()
    notice = page.split('<article class="notice">')[1]
    ranking, helped = notice.split("<h2>困难户帮扶</h2>")
    assert ranking.count("<tr>") == 1 + 10  # the header and the top ten, nobody below
    assert DIFFICULTY_HEAD not in ranking
    assert DIFFICULTY_HEAD in helped and "村里组织帮扶 3 次" in helped


def test_the_results_never_rank_the_helped_household_by_name_below_the_top_ten(officer):
    text = officer.get(reverse("courtyards:results", args=[XIANANCHONG]) + "?month=2023-02").content.decode()
    ranked, helped = text.split('class="card helped"')[0], text.split('class="card helped"')[1]
    assert DIFFICULTY_HEAD not in ranked
    assert DIFFICULTY_HEAD in helped


def test_the_plain_form_keeps_what_was_entered_when_a_score_is_refused(officer):
    household = Household.objects.filter(region_id=XIANANCHONG).first()
    url = reverse("courtyards:inspect", args=[XIANANCHONG])
    data = {
        **FULL,
        "item_garden_fenced": "26",
        "household": household.pk,
        "month": "2022-09",
        "notes": "柴火未码齐",
    }
    response = officer.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "「菜园围栏」得分 26 超过该项满分 20 分" in text
    assert 'value="26"' in text and "柴火未码齐" in text and 'value="18.5"' in text
    assert not Inspection.objects.filter(household=household, month="2022-09-01").exists()


def test_the_api_takes_an_inspection_recognises_a_resend_and_refuses_a_duplicate(officer):
    household = Household.objects.filter(region_id=XIANANCHONG).first()
    url = reverse("api:courtyards_inspection_submit")
    data = {**FULL, "household": household.pk, "month": "2022-11", "client_key": "web-test-1"}
    first = officer.post(url, data)
    assert first.status_code == 201, first.content
    assert first.json()["total"] == 98.5 and first.json()["stars"] == 5
    assert officer.post(url, data).status_code == 200  # the offline form sent it twice
    again = officer.post(url, {**data, "client_key": "web-test-2"})
    assert again.status_code == 400
    assert "已评比" in again.json()["errors"]["month"][0]


def test_the_api_refuses_a_future_month_and_a_photo_that_is_not_an_image(officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    household = Household.objects.filter(region_id=XIANANCHONG).first()
    url = reverse("api:courtyards_inspection_submit")
    bad = officer.post(url, {**FULL, "household": household.pk, "month": "2999-01"})
    assert "不能登记未来月份" in bad.json()["errors"]["month"][0]
    photo = SimpleUploadedFile("x.jpg", b"GIF89a not really", content_type="image/jpeg")
    refused = officer.post(url, {**FULL, "household": household.pk, "month": "2022-10", "photos": photo})
    assert refused.json()["errors"]["photos"] == ["文件「x.jpg」不是照片（只接受 JPEG 或 PNG 图片）"]


def test_a_read_only_leader_may_look_but_not_inspect(client, demo, shaoyang_leader):
    client.login(username="shaoyang_leader", password=PASSWORD)
    assert client.get(reverse("courtyards:results", args=[XIANANCHONG])).status_code == 200
    household = Household.objects.filter(region_id=XIANANCHONG).first()
    response = client.post(
        reverse("api:courtyards_inspection_submit"), {**FULL, "household": household.pk, "month": "2022-08"}
    )
    assert response.status_code == 403
