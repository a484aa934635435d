"""Program 1 in a real browser as `changning`: every page, a screenshot each, no console errors."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_alliance_pages(session_for):
    session = session_for("changning")
    home = session.visit("/alliances/", shot="alliances-home")
    assert "新河鱼产业联盟" in home.content() and "塔山瑶族乡餐饮民宿联盟" in home.content()
    assert "收入10万元以上的村" in home.content()

    home.click("text=新河鱼产业联盟")
    home.wait_for_load_state("networkidle")
    detail = session.visit(home.url.removeprefix(session.base_url), shot="alliances-detail")
    for text in ("联盟党支部", "专职党支部书记", "养殖", "苗种农资", "本地配套", "活动记录", "技术服务部"):
        assert text in detail.content(), text

    requests = session.visit("/alliances/requests/", shot="alliances-requests")
    assert "品牌销售" in requests.content() and "已升级" in requests.content()

    guide = session.visit("/alliances/guide/", shot="alliances-guide")
    assert "新河鱼产业联盟" in guide.content()
    assert "申请使用“新河鱼”区域品牌包装" in guide.content()

    orders = session.visit("/alliances/orders/", shot="alliances-orders")
    assert "没有成员生产“鳜鱼”" in orders.content()
    assert re.search(r"比本地同日市价高 \+\d", orders.content())

    villages = session.visit("/alliances/villages/", shot="alliances-villages")
    villages.wait_for_selector("[data-chart] canvas", timeout=5000)
    assert "富裕村" in villages.content() and "新河镇" in villages.content()
    assert session.errors == [], session.errors


def test_settlement_statement_and_errors(session_for):
    session = session_for("changning")
    page = session.visit("/alliances/settlement/?year=2022", shot="alliances-settlement")
    assert "XH-BD-2020-01" in page.content() and "导出 Excel" in page.content()
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename == "ledger-2022.xlsx"

    page.click("table >> nth=2 >> a >> nth=0")
    page.wait_for_load_state("networkidle")
    assert "2022年度利益联结分配结算单" in page.content()
    session.visit(page.url.removeprefix(session.base_url), shot="alliances-statement")

    page = session.visit("/alliances/settlement/?year=2022")
    page.fill("input[name=year]", "2023")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('年度结算')")
    page.wait_for_load_state("networkidle")
    assert "缺少 2023 年度结算依据" in page.content()
    page.screenshot(path=str(_shots() / "alliances-settlement-errors.png"), full_page=True)
    assert session.errors == [], session.errors


def test_allocation_with_fair_share(session_for):
    session = session_for("changning")
    page = session.visit("/alliances/orders/")
    page.check("form:has-text('塔山瑶族乡餐饮民宿联盟') input[name=fair_share]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form:has-text('塔山瑶族乡餐饮民宿联盟') button")
    page.wait_for_load_state("networkidle")
    assert "已分配：满足" in page.content()
    page.screenshot(path=str(_shots() / "alliances-allocated.png"), full_page=True)
    assert session.errors == [], session.errors


def _shots():
    from tests.browser_fixtures import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
