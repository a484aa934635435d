"""The profiles in a real browser (docs/profiles.md): the 娄星 showcase enterprise reached from the
enterprise list, the 常宁 and 邵阳县 showcase villages reached from the village pages; every
section, its links to the programs' pages, the timeline; screenshots to var/screenshots/."""

from __future__ import annotations

import pytest

from countyworks.core.demo_showcase import (
    SHOWCASE_ENTERPRISE,
    SHOWCASE_VILLAGE_CHANGNING,
    SHOWCASE_VILLAGE_SHAOYANG,
)

pytestmark = pytest.mark.browser


def test_enterprise_profile_from_the_enterprise_list(session_for):
    session = session_for("louxing")
    page = session.visit("/innovation/enterprises/?q=长青汽车")
    page.click("text=企业画像")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").split("/")[-2] == "orgs"
    text = page.inner_text("main")
    assert SHOWCASE_ENTERPRISE in text
    for heading in ("梯度培育", "园区与亩均", "新能源电站", "工单与调度", "大事记"):
        assert heading in text, heading
    for fact in (
        "高新技术企业",
        "LX-DX-03",
        "长青汽车零部件厂房屋顶分布式光伏",
        "已逾期",
        "娄星区重点项目工作专班周调度会",
    ):
        assert fact in text, fact
    page.screenshot(path=str(session_shots() / "profile-enterprise.png"), full_page=True)
    # a section's link leads to its program's page
    page.click("text=LX-DX-03")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/parks/land/")
    assert session.errors == []


def test_village_profiles_from_the_village_pages(session_for):
    session = session_for("changning")
    page = session.visit("/alliances/villages/?year=2022")
    page.click("text=各村（按经营性收入）")  # the villages' table is folded
    page.locator(f"a[href='/villages/{SHOWCASE_VILLAGE_CHANGNING}/']:visible").first.click()
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    for fact in ("村情画像", "村集体经济与利益联结", "一般村", "XH-BD-2020-01", "工单与调度", "大事记"):
        assert fact in text, fact
    page.screenshot(path=str(session_shots() / "profile-village-changning.png"), full_page=True)
    session = session_for("shaoyang")
    page = session.visit("/courtyards/")
    page.locator(f"a[href='/villages/{SHOWCASE_VILLAGE_SHAOYANG}/']:visible").first.click()
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    for fact in ("村情画像", "美丽庭院", "下南冲院落", "改造工程", "年度奖励", "施工材料款待拨付"):
        assert fact in text, fact
    page.screenshot(path=str(session_shots() / "profile-village-shaoyang.png"), full_page=True)
    assert session.errors == []


def session_shots():
    from tests.browser_fixtures import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
