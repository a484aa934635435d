"""Program 3 in a real browser against `countyworks demo` (Debian chromium), with screenshots.

The control room must refresh by itself (htmx polling every 2 s, fed by the demo's in-process
simulator), and the pages the article's figures come from must render without console errors
(CSP violations included). Screenshots: ``energy-*.png`` under var/screenshots/.
"""

from __future__ import annotations

import re

import pytest

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
    assert "article-2023" in text
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
