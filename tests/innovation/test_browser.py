"""Program 2 in a real browser against `countyworks demo` (Debian chromium), with screenshots.

Uses the browser suite's fixtures (tests/browser_fixtures.py): screenshots go to
``COUNTYWORKS_SCREENSHOTS`` (default var/screenshots/), named ``innovation-*.png``.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import SCREENSHOTS

pytestmark = pytest.mark.browser


def watch(session) -> list[str]:
    """Failed responses of the session's page (the browser's own /favicon.ico probe excepted)."""
    failed: list[str] = []
    session.page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return failed


def problems(session, failed: list[str]) -> list[str]:
    """Console errors (CSP violations, script errors) and failed requests."""
    return [e for e in session.errors if not e.startswith("Failed to load resource")] + failed


WORKED_EXAMPLE = {
    "employees": "100",
    "tech_staff": "25",
    "revenue": "3000",
    "total_assets": "2500",
    "rd_expense": "120",
    "total_cost": "2600",
    "ip_class1": "0",
    "ip_class2": "3",
}


def test_program_pages_show_the_articles_figures(session_for):
    session = session_for("zhangjiajie")
    failed = watch(session)
    page = session.visit("/innovation/?year=2022", shot="innovation-home")
    ladder = page.inner_text(".ladder")
    assert "科技型中小企业 304 家" in ladder and "+65.2%" in ladder
    assert "高新技术企业 123 家" in ladder and "+28.1%" in ladder
    page.wait_for_selector("[data-chart=ladder-chart] canvas", timeout=5000)

    page = session.visit(
        "/innovation/enterprises/?tier=high_tech_cultivation&year=2022", shot="innovation-enterprises"
    )
    assert "共 38 家企业" in page.inner_text("main")
    page.click("table.table tbody tr:first-child a")
    page.wait_for_load_state("networkidle")
    assert "迈向下一梯度" in page.content() and "评价理由" in page.content()
    page.click("text=评价理由 >> nth=0")
    session.page.screenshot(path=str(SCREENSHOTS / "innovation-enterprise.png"), full_page=True)

    page = session.visit("/innovation/campaigns/", shot="innovation-campaigns")
    page.click("text=张家界市2022年科技型中小企业评价入库")
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=qualified]", "no")
    page.click("form.toolbar button.primary")
    page.wait_for_load_state("networkidle")
    assert re.search(r"\b59 条", page.inner_text("main"))
    session.page.screenshot(path=str(SCREENSHOTS / "innovation-campaign-results.png"), full_page=True)

    page = session.visit("/innovation/challenges/", shot="innovation-challenges")
    page.click("text=莓茶饲料添加剂关键技术攻关")
    page.wait_for_load_state("networkidle")
    assert "攻关实施" in page.content()
    session.page.screenshot(path=str(SCREENSHOTS / "innovation-challenge.png"), full_page=True)

    page = session.visit("/innovation/platforms/?year=2022", shot="innovation-platforms")
    assert "张家界市乾坤莓茶工程技术研究中心" in page.content()
    page = session.visit("/innovation/brief/?year=2022", shot="innovation-brief")
    assert (
        "该市共评价入库科技型中小企业304家，同比增长65.2%，高新技术企业达到123家，增长28.1%"
        in page.inner_text(".brief")
    )
    assert problems(session, failed) == []


def test_self_assessment_in_the_browser(session_for):
    session = session_for("zhangjiajie", viewport={"width": 390, "height": 844})
    failed = watch(session)
    page = session.visit("/innovation/self-assessment/")
    for name, value in WORKED_EXAMPLE.items():
        page.fill(f"input[name={name}]", value)
    for name in ("resident",):
        page.select_option(f"select[name={name}]", "true")
    for name in ("prohibited_industry", "major_incident", "abnormal_listed"):
        page.select_option(f"select[name={name}]", "false")
    page.click("form.card button.primary")
    page.wait_for_load_state("networkidle")
    result = page.inner_text("#assessment-result")
    assert "符合条件" in result and "总分 64" in result
    page.screenshot(path=str(SCREENSHOTS / "innovation-self-assessment-phone.png"), full_page=True)
    assert problems(session, failed) == []


def test_officer_runs_a_campaign_in_the_browser(session_for, tmp_path):
    session = session_for("zhangjiajie")
    failed = watch(session)
    page = session.visit("/innovation/campaigns/")
    page.click("text=新建评价批次")
    page.fill("input[name=year]", "2023")
    page.select_option("select[name=ruleset_code]", "tech-sme-2022")
    page.click("details form button.primary")
    page.wait_for_load_state("networkidle")
    header = (
        "id,name,region,"
        + ",".join(WORKED_EXAMPLE)
        + ",resident,prohibited_industry,major_incident,abnormal_listed"
    )
    values = ",".join(WORKED_EXAMPLE.values()) + ",是,否,否,否"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"{header}\n914308023000000017,浏览器测试企业,430802,{values.replace('100,25', '100,250', 1)}\n",
        encoding="utf-8",
    )
    page.set_input_files("input[type=file]", str(bad))
    page.click("text=上传并校验")
    page.wait_for_load_state("networkidle")
    assert "科技人员数大于职工总数" in page.inner_text("#upload-errors")
    session.page.screenshot(path=str(SCREENSHOTS / "innovation-upload-errors.png"), full_page=True)
    good = tmp_path / "good.csv"
    from stdnum.cn import uscc

    body = "91430802300000001"
    good.write_text(
        f"{header}\n{body}{uscc.calc_check_digit(body)},浏览器测试企业,430802,{values}\n", encoding="utf-8"
    )
    page.set_input_files("input[type=file]", str(good))
    page.click("text=上传并校验")
    page.wait_for_load_state("networkidle")
    page.click("text=开始评价（后台运行）")
    page.wait_for_selector("text=查看结果", timeout=30000)  # the job page polls until the job is done
    session.page.screenshot(path=str(SCREENSHOTS / "innovation-job.png"), full_page=True)
    page.click("text=查看结果")
    page.wait_for_load_state("networkidle")
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("input[name=entered_on]", "2023-09-30")
    page.click("text=确认入库")
    page.wait_for_load_state("networkidle")
    assert "已确认入库：科技型中小企业 1 家" in page.content()
    session.page.screenshot(path=str(SCREENSHOTS / "innovation-campaign-confirmed.png"), full_page=True)
    assert problems(session, failed) == []
