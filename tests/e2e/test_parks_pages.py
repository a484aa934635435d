"""Program 4's pages in a real browser as the 娄星 officer: every page, its charts, the two forms."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = (
    ("home", "/parks/", "207.5"),
    ("leads", "/parks/leads/", "签约暨开工"),
    ("chains", "/parks/chains/", "钢铁新材"),
    ("projects", "/parks/projects/", "钢城新苑二期"),
    ("land", "/parks/land/", "74.22%"),
    ("mujun", "/parks/mujun/", "组内排名"),
    ("wuhao", "/parks/wuhao/", "前进 36 位"),
    ("infrastructure", "/parks/infrastructure/", "园区路网"),
)


def test_every_parks_page_with_its_charts(session_for):
    session = session_for("louxing")
    for name, path, text in PAGES:
        page = session.visit(path, shot=f"parks-{name}")
        assert text in page.content(), name
        if page.locator("[data-chart]").count():
            page.wait_for_selector("[data-chart] canvas", timeout=5000)
    assert session.errors == []


def test_chain_graph_project_timeline_and_mujun_reasons(session_for):
    session = session_for("louxing")
    page = session.visit("/parks/chains/")
    page.click("a.kpi >> nth=0")
    page.wait_for_selector("[data-chart] canvas", timeout=5000)
    assert "汽车用钢深加工" in page.content() and "待招引" not in page.content()  # its target is in talks
    page.screenshot(path="var/screenshots/parks-chain.png", full_page=True)
    page = session.visit("/parks/projects/")
    page.click("text=正威娄底电力铜基新材料产业园")
    page.wait_for_selector("[data-chart] canvas", timeout=5000)
    assert "已逾期" in page.content()
    page.screenshot(path="var/screenshots/parks-project.png", full_page=True)
    page = session.visit("/parks/mujun/")
    page.click("table a >> nth=0")
    page.wait_for_load_state("networkidle")
    assert "组内排名" in page.content() and "差别化政策" in page.content()
    page.screenshot(path="var/screenshots/parks-mujun-detail.png", full_page=True)
    assert session.errors == []


def test_disposal_beyond_the_parcel_is_refused_on_the_page(session_for):
    session = session_for("louxing")
    page = session.visit("/parks/land/")
    page.fill("input[name=parcel]", "LX-DX-05")
    page.select_option("select[name=kind]", "redeveloped")
    page.fill("input[name=area_mu]", "31")
    page.fill("input[name=disposed_on]", "2023-09-01")
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "超过地块 LX-DX-05 的剩余面积 30.00 亩" in page.content()
    page.screenshot(path="var/screenshots/parks-land-refused.png", full_page=True)
    assert session.errors == []
