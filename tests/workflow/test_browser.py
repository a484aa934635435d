"""The workflow pages in a real browser (Playwright on Debian chromium, the real ``countyworks demo``).

Screenshots go to var/screenshots/workflow-*.png. Console errors would include CSP violations
(no inline script or style is allowed), so every visit asserts there are none.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    ("/workflow/tickets/", "tickets-mine"),
    ("/workflow/tickets/?view=all", "tickets-all"),
    ("/workflow/overdue/", "overdue"),
    ("/workflow/meetings/", "meetings"),
    ("/workflow/stats/", "stats"),
    ("/workflow/notifications/", "notifications"),
    ("/workflow/tickets/new/", "ticket-new"),
]


@pytest.mark.parametrize("username", ["louxing", "changning"])
def test_workflow_pages_render_without_errors(session_for, username):
    session = session_for(username)
    for path, name in PAGES:
        page = session.visit(path, shot=f"workflow-{username}-{name}")
        assert "Server Error" not in page.content() and "Traceback" not in page.content(), path
    stats = session.visit("/workflow/stats/")
    stats.wait_for_selector("[data-chart='wf-unit-chart'] canvas", timeout=5000)
    assert session.errors == [], f"console errors for {username}: {session.errors}"


def test_a_ticket_is_handled_in_the_browser_and_the_bell_counts(session_for):
    session = session_for("louxing")
    page = session.visit("/workflow/tickets/?view=all&status=in_progress")
    page.click("table.table tbody tr td a")
    page.wait_for_load_state("networkidle")
    ticket_url = page.url
    page.screenshot(path="var/screenshots/workflow-louxing-ticket.png", full_page=True)
    assert page.locator(".timeline li").count() >= 2
    page.fill("textarea[name=body]", "已与供电公司现场踏勘，明日送电。")
    page.click("form[action$='/comment/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已与供电公司现场踏勘" in page.content()
    page.fill("textarea[name=comment]", "已办理完毕，请企业确认。")
    page.click("button[name=to_status][value=pending]")
    page.wait_for_load_state("networkidle")
    assert "待确认" in page.locator("h1").inner_text()
    badge = page.locator("a.bell .badge").inner_text()
    assert re.fullmatch(r"\d+", badge)
    session.visit(ticket_url.replace(session.base_url, ""), shot="workflow-louxing-ticket-after")
    assert session.errors == []


def test_printable_agenda_and_minutes(session_for):
    session = session_for("louxing")
    page = session.visit("/workflow/meetings/")
    page.click("table.table tbody tr td a")
    page.wait_for_load_state("networkidle")
    meeting_url = page.url
    for part in ("agenda", "minutes"):
        printable = session.visit(
            meeting_url.replace(session.base_url, "") + f"{part}/", shot=f"workflow-louxing-meeting-{part}"
        )
        assert printable.is_visible("button[data-print]")
        printable.emulate_media(media="print")
        assert not printable.is_visible("nav.sidenav") and not printable.is_visible("button[data-print]")
        printable.emulate_media(media="screen")
    assert session.errors == []


def test_another_county_gets_404_in_the_browser(session_for):
    louxing = session_for("louxing")
    page = louxing.visit("/workflow/tickets/?view=all")
    href = page.locator("table.table tbody tr td a").first.get_attribute("href")
    changning = session_for("changning")
    response = changning.page.goto(changning.base_url + href)
    assert response.status == 404
    changning.page.screenshot(path="var/screenshots/workflow-changning-404.png")


def test_phone_layout_of_the_ticket_list(session_for):
    session = session_for("louxing", viewport={"width": 390, "height": 844})
    session.visit("/workflow/tickets/?view=all", shot="workflow-phone-tickets")
    session.visit("/workflow/overdue/", shot="workflow-phone-overdue")
    assert session.errors == []


def test_phone_meeting_pages_do_not_scroll_sideways(session_for):
    """At 390×844 the meeting page scrolled sideways (621 px) under a 160 px header."""
    session = session_for("louxing", viewport={"width": 390, "height": 844})
    page = session.visit("/workflow/meetings/")
    hrefs = page.eval_on_selector_all(
        "table.table tbody tr td a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(hrefs) >= 2  # next week's meeting (agenda only) and last week's (with minutes)
    for index, href in enumerate(hrefs[:2]):
        for path, name in ((href, "meeting"), (href + "minutes/", "minutes")):
            page = session.visit(path, shot=f"workflow-phone-{name}-{index}")
            width = page.evaluate("document.scrollingElement.scrollWidth")
            header = page.evaluate("document.querySelector('header.topbar').getBoundingClientRect().height")
            assert width <= 390, f"{path} is {width} px wide"
            assert header <= 56, f"header is {header} px high on {path}"
    assert session.errors == []


def test_minutes_show_chair_attendees_and_recorder(session_for):
    session = session_for("louxing")
    page = session.visit("/workflow/meetings/")
    hrefs = page.eval_on_selector_all(
        "table.table tbody tr td a", "els => els.map(e => e.getAttribute('href'))"
    )
    held = [h for h in hrefs if "已召开" in session.visit(h).locator("h1").inner_text()]
    assert held
    page = session.visit(held[0] + "minutes/", shot="workflow-louxing-minutes-people")
    people = page.locator("dl.wf-minutes-people").inner_text()
    assert "主持人" in people and "参会人员" in people and "记录人" in people and "李国平" in people
    assert "议程生成于" not in page.locator(".wf-print-foot").inner_text()
    assert session.errors == []
