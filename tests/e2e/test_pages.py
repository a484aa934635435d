"""The demo in a real browser: login, every page of the navigation, phone layout, English."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import DEMO_STARTED_IN, slug

pytestmark = pytest.mark.browser

#: README: "after that the demo is serving within a minute" (on the 2-core machine).
DEMO_START_BUDGET_S = 60.0


def test_the_demo_serves_within_a_minute_of_its_start(demo_server, request):
    """`countyworks demo` on a fresh data directory: database, demo data, first connection."""
    assert request.config.stash[DEMO_STARTED_IN] < DEMO_START_BUDGET_S


def test_login_page_is_chinese_with_demo_accounts(browser, demo_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(demo_server + "accounts/login/")
    assert "登录县域发展工作台" in page.content()
    assert "countyworks-demo" in page.content()
    page.screenshot(path="var/screenshots/login.png", full_page=True)
    context.close()


@pytest.mark.parametrize(
    ("username", "area"),
    [
        ("changning", "常宁市"),
        ("zhangjiajie", "张家界市"),
        ("yuanjiang", "沅江市"),
        ("louxing", "娄星区"),
        ("shaoyang", "邵阳县"),
    ],
)
def test_every_navigation_page_opens_without_errors(session_for, username, area):
    session = session_for(username)
    home = session.visit("/", shot=f"{username}-home")
    assert area in home.content()
    for label, href in session.nav_links():
        page = session.visit(href, shot=f"{username}-{slug(href)}")
        assert page.title(), f"{label} has no title"
        assert "Server Error" not in page.content() and "Traceback" not in page.content()
    assert session.errors == [], f"console errors for {username}: {session.errors}"


def test_charts_render_on_home(session_for):
    session = session_for("hunan")
    page = session.visit("/", shot="hunan-home")
    page.wait_for_selector("[data-chart] canvas", timeout=5000)
    assert session.errors == []


def test_phone_layout(session_for):
    session = session_for("changning", viewport={"width": 390, "height": 844})
    page = session.visit("/", shot="phone-home")
    assert page.is_visible(".nav-burger")
    page.click(".nav-burger")
    page.wait_for_timeout(200)
    assert page.is_visible("nav.sidenav")
    page.screenshot(path="var/screenshots/phone-menu.png")


def test_english_switch(session_for):
    session = session_for("changning")
    page = session.visit("/")
    page.click("form.lang-switch button")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
