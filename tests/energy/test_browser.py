"""Program 3 in a real browser against `countyworks demo` (Debian chromium), with screenshots.

The control room must refresh by itself (htmx polling every 2 s, fed by the demo's in-process
simulator), and the pages the article's figures come from must render without console errors
(CSP violations included). Screenshots: ``energy-*.png`` under var/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from countyworks.energy.presenters import factor_set_name
from tests.browser_fixtures import SCREENSHOTS

pytestmark = pytest.mark.browser

REFRESHED = re.compile(r"刷新于 (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


def refreshed_at(page) -> str:
    match = REFRESHED.search(page.inner_text("body"))
    assert match, "the control room shows when it was refreshed"
    return match.group(1)


def test_control_room_refreshes_by_itself(session_for):
    session = session_for("yuanjiang")
    page = session.visit("/energy/", shot="energy-control-room")
    assert "新湾镇储能电站" in page.content()
    first = refreshed_at(page)
    page.wait_for_timeout(3500)
    assert refreshed_at(page) != first, "the live fragment was not polled"
    assert session.errors == []


def test_storage_station_and_statistics_show_the_articles_figures(session_for):
    session = session_for("yuanjiang")
    page = session.visit("/energy/stations/xinwan-ess/", shot="energy-storage-station")
    page.wait_for_selector("[data-chart] canvas", timeout=5000)
    page = session.visit("/energy/statistics/?period=2022", shot="energy-statistics-2022")
    text = page.inner_text("body")
    assert factor_set_name("article-2023") in text  # the article's factor set, by its name
    assert "article-2023" not in text
    for label in ("alarms", "dispatch", "resource", "projects"):
        session.visit(f"/energy/{label}/", shot=f"energy-{label}")
    assert session.errors == []


def test_another_county_cannot_open_the_station(session_for):
    session = session_for("louxing")
    response = session.page.goto(session.base_url + "/energy/stations/xinwan-ess/")
    assert response is not None and response.status == 404


def test_station_page_on_a_phone(session_for):
    session = session_for("yuanjiang", viewport={"width": 390, "height": 844})
    page = session.visit("/energy/stations/xinwan-ess/", shot="energy-station-phone")
    assert page.is_visible(".nav-burger")
    assert session.errors == []


def test_acknowledging_an_alarm_updates_its_row_in_place(session_for):
    session = session_for("yuanjiang")
    page = session.visit("/energy/alarms/?state=all")
    row = page.locator("tbody tr", has=page.locator("button", has_text="确认")).first
    row_id = row.get_attribute("id")
    row.locator("button", has_text="确认").first.click()
    page.wait_for_function(
        "id => !document.getElementById(id).textContent.includes('未确认')", arg=row_id, timeout=5000
    )
    updated = page.locator(f"#{row_id}")
    assert updated.locator("button", has_text="确认").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "energy-alarm-acknowledged.png"), full_page=True)
    page = session.visit("/energy/alarms/?state=all")  # the reload agrees with what the swap showed
    assert "未确认" not in page.locator(f"#{row_id}").inner_text()
    assert session.errors == []


def test_statistics_open_on_the_latest_year_with_readable_charts_and_sources(session_for):
    session = session_for("yuanjiang")
    page = session.visit("/energy/statistics/", shot="energy-statistics-default")
    assert "新能源统计 · 2022年" in page.inner_text("h1")
    assert page.input_value("input[name=period]") == "2022"
    assert page.locator("[data-chart] canvas").count() == 2
    generation = page.locator("[data-chart=gen-chart]").bounding_box()
    assert generation is not None and generation["width"] > 600  # not squeezed into a narrow card
    sources = page.locator("td.en-source").all_inner_texts()
    assert any("《湖南日报》" in text for text in sources)
    assert not any("docs/" in text or "seed article" in text for text in sources)
    assert session.errors == []


def test_dispatch_page_speaks_chinese_and_shows_words(session_for):
    session = session_for("yuanjiang")
    page = session.visit("/energy/dispatch/")
    low, high = float(page.input_value("#id_soc_min")), float(page.input_value("#id_soc_max"))
    assert low <= float(page.input_value("#id_soc_initial")) <= high  # the defaults agree
    assert "unverified" not in page.inner_text("body")
    page.fill("#id_soc_min", "0.1")
    page.fill("#id_soc_max", "0.9")
    page.fill("#id_soc_initial", "0")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "energy-dispatch-error.png"), full_page=True)
    errors = " ".join(page.locator(".error").all_inner_texts())
    assert "初始 SOC 须在 0.1 与 0.9 之间" in errors and "soc_initial" not in errors
    page.fill("#id_soc_initial", "")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "/energy/dispatch/" in page.url and "峰谷套利" in page.inner_text("body")
    page = session.visit("/energy/dispatch/", shot="energy-dispatch-scenarios")
    listing = page.locator("table").last.inner_text()
    assert "峰谷套利" in listing and "arbitrage" not in listing and "hunan-tou" not in listing
    assert session.errors == []


def test_station_year_view_shows_todays_point(session_for):
    session = session_for("yuanjiang")
    page = session.visit("/energy/stations/xinwan-ess/?range=365d", shot="energy-station-year")
    drawn = page.evaluate(
        """() => {
          const el = document.querySelector('[data-chart=history-chart]');
          const option = echarts.getInstanceByDom(el).getOption();
          return option.series.map(s => [s.showSymbol && s.showAllSymbol, s.data.filter(v => v !== null).length]);
        }"""
    )
    assert drawn[0][0] is True and drawn[0][1] >= 1, drawn
    assert session.errors == []


def test_control_room_chart_refreshes_with_the_table(session_for):
    session = session_for("yuanjiang")
    page = session.visit("/energy/", shot="energy-control-room-chart")
    page.wait_for_selector("#room-chart canvas", timeout=5000)
    read = """() => {
      const chart = echarts.getInstanceByDom(document.getElementById('room-chart'));
      const option = chart.getOption();
      return [chart.id, option.series.map(s => s.name), option.series[0].data.filter(v => v !== null).length];
    }"""
    first_id, names, points = page.evaluate(read)
    assert "储能 SOC (%)" in names and "风电场" in names and points > 0
    before = refreshed_at(page)
    page.wait_for_timeout(3500)
    assert refreshed_at(page) != before
    second_id, _names, later_points = page.evaluate(read)
    assert second_id == first_id and later_points >= points  # the same chart, fed by the refresh
    summary, chart = (page.locator(".en-room > .card").nth(i).bounding_box() for i in (0, 1))
    assert summary is not None and chart is not None
    assert abs(summary["y"] - chart["y"]) < 2 and chart["x"] > summary["x"] + summary["width"]  # beside it
    assert session.errors == []


def test_control_room_on_a_phone_keeps_station_names_on_one_line(session_for):
    session = session_for("yuanjiang", viewport={"width": 390, "height": 844})
    page = session.visit("/energy/", shot="energy-control-room-phone")
    lines = page.eval_on_selector_all(
        "#room-live tbody td:first-child a", "els => els.map(e => [e.textContent, e.getClientRects().length])"
    )
    assert len(lines) >= 13 and all(count == 1 for _name, count in lines), lines
    heights = page.eval_on_selector_all(
        "#room-live tbody tr", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert max(heights) < 1.5 * min(heights), heights  # no row is wrapped onto several lines
    assert session.errors == []
