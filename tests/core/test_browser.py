"""The app shell in a real browser (Playwright on Debian chromium, the real ``countyworks demo``):
the header names the person, the menus, the audit log, the password page inside the shell.

Screenshots go to var/screenshots/shell-*.png; every visit asserts no console (CSP) errors.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_auditor_sees_the_audit_log_in_the_menu(session_for):
    session = session_for("auditor")
    session.visit("/")
    header = session.page.locator("header .user-name").inner_text()
    assert "彭淑芬" in header and "审计员" in header
    labels = [label for label, _href in session.nav_links()]
    assert "审计日志" in labels and "后台任务" in labels
    assert labels.count("工单与调度") == 1 and "逾期督办" not in labels
    page = session.visit("/audit/", shot="shell-auditor-audit-log")
    page.screenshot(path="var/screenshots/shell-auditor-audit-log-top.png")
    rows = page.locator("table.audit-log tbody tr")
    assert rows.count() == 50  # a full first page of the demo's history
    first = rows.first.inner_text()
    assert "→" in first or "创建" in first
    page.select_option("select[name=model]", "workflow.decision")
    page.click("form.audit-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path="var/screenshots/shell-auditor-audit-log-decisions.png", full_page=True)
    assert "决定事项" in page.locator("table.audit-log tbody").inner_text()
    export = page.locator("a[href*='format=xlsx']").get_attribute("href")
    assert "model=workflow.decision" in export
    phone = session_for("auditor", viewport={"width": 390, "height": 844})
    page = phone.visit("/audit/", shot="shell-phone-audit-log")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert session.errors == [] and phone.errors == []


def test_officer_header_menu_and_password_page(session_for):
    session = session_for("louxing")
    session.visit("/", shot="shell-louxing-home")
    header = session.page.locator("header .user-name").inner_text()
    assert "李国平" in header and "项目主管" in header
    labels = [label for label, _href in session.nav_links()]
    assert "审计日志" not in labels and "后台任务" in labels
    page = session.visit("/accounts/password/", shot="shell-louxing-password")
    assert page.is_visible("nav.sidenav") and page.is_visible("input[name=old_password]")
    assert page.locator("a[href^='/admin/']").count() == 0
    assert session.errors == []
