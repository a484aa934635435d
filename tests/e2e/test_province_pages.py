"""The province's view in a real browser, as the provincial leader (`hunan`): the pivot with its
charts, drill-down to a city and its districts, the growth view, the ranking and the reports."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_province_pivot_drills_down_and_draws_its_charts(session_for):
    session = session_for("hunan")
    page = session.visit("/", shot="province-home")
    page.click("nav.sidenav >> text=指标透视")
    page.wait_for_load_state("networkidle")
    assert "指标透视 · 湖南省" in page.content()
    page.select_option("select[name=indicator]", "innovation.tech_sme")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-chart=ind-bars] canvas", timeout=5000)
    session.visit(page.url.replace(session.base_url, ""), shot="province-pivot-tech-sme")
    page.click("#pivot >> text=张家界市")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".ind-multiples [data-chart] canvas", timeout=5000)
    table = page.inner_text("#pivot")
    assert "永定区" in table and "武陵源区" in table and "304" in table
    page.screenshot(path=str(_shot("province-pivot-zhangjiajie")), full_page=True)
    page.select_option("select[name=show]", "change")
    page.wait_for_load_state("networkidle")
    assert "+65.2%" in page.inner_text("#pivot")
    assert page.inner_text("#ranking").count("\n") >= 4
    page.click(".ind-trail >> text=湖南省")
    page.wait_for_load_state("networkidle")
    assert "张家界市" in page.inner_text("#pivot")
    assert session.errors == [], f"console errors: {session.errors}"


def test_an_open_period_is_marked_and_the_monthly_report_prints(session_for):
    session = session_for("hunan")
    page = session.visit(
        "/indicators/?indicator=workflow.overdue_rate&region=4313", shot="province-pivot-overdue"
    )
    assert "*" in page.inner_text("#pivot thead") and "数据不完整" in page.content()
    page = session.visit("/indicators/reports/", shot="province-reports")
    page.click("table >> text=湖南省重点指标月报")
    page.wait_for_load_state("networkidle")
    assert "重点指标" in page.content() and "落后地区" in page.content()
    page.screenshot(path=str(_shot("province-report")), full_page=True)
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert session.errors == [], f"console errors: {session.errors}"


def _shot(name: str):
    from tests.browser_fixtures import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
