"""The pages of program 2 driven through HTTP, as an officer and as an enterprise would."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from countyworks.core.models import Organisation, Person
from countyworks.innovation import services
from countyworks.innovation.models import (
    Achievement,
    Challenge,
    EnterprisePlan,
    EvaluationCampaign,
    InnovationPlatform,
    PoolMembership,
    Tier,
)
from tests.innovation.conftest import TECH_SME_ROW, csv_upload, tech_row

pytestmark = pytest.mark.django_db


def test_campaign_flow_upload_run_review_export_confirm(zjj, login, enterprise):
    client = login(zjj)
    response = client.post(
        reverse("innovation:campaign-list"),
        {"region": "4308", "year": 2022, "ruleset_code": "tech-sme-2022", "title": ""},
    )
    campaign = EvaluationCampaign.objects.get()
    assert response.url == reverse("innovation:campaign-detail", args=[campaign.pk])
    detail = reverse("innovation:campaign-detail", args=[campaign.pk])
    upload = reverse("innovation:campaign-upload", args=[campaign.pk])

    bad = client.post(upload, {"file": csv_upload([tech_row(1), tech_row(2, tech_staff="999")])}, follow=True)
    page = bad.content.decode()
    assert "文件有 1 处错误，未保存任何数据" in page
    assert "第3行，列“科技人员数”，值“999”：科技人员数大于职工总数" in page
    campaign.refresh_from_db()
    assert campaign.status == "draft"

    rows = [tech_row(1), tech_row(2, tech_staff="12", rd_expense="90", ip_class2="4"), tech_row(3)]
    assert (
        "文件校验通过，共 3 家企业"
        in client.post(upload, {"file": csv_upload(rows)}, follow=True).content.decode()
    )
    run = client.post(reverse("innovation:campaign-run", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert run.url == reverse("job-detail", args=[campaign.job_id])
    job_page = client.get(run.url).content.decode()
    assert "共评价 3 家企业，符合条件 2 家" in job_page and detail in job_page

    page = client.get(detail).content.decode()
    assert "待确认" in page and "c5_score" in page
    filtered = client.get(detail, {"qualified": "no", "failed": "c5_score"}).content.decode()
    assert "测试企业2有限公司" in filtered and enterprise.name not in filtered
    ordered = client.get(detail, {"order": "-score"}).content.decode()
    assert ordered.index("测试企业2有限公司") < ordered.index(enterprise.name)

    export = client.get(detail, {"export": "xlsx", "qualified": "yes"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = list(sheet.values)
    assert values[0][:8] == (
        "row",
        "id",
        "name",
        "region",
        "score",
        "qualified",
        "direct",
        "failed_conditions",
    )
    assert values[0][8:] == ("pts_tech_staff", "pts_rd", "pts_ip")
    assert [v[2] for v in values[1:]] == [enterprise.name, "测试企业3有限公司"]
    assert values[1][4:6] == (64, True) and values[1][8:] == (16, 30, 18)

    confirm = client.post(
        reverse("innovation:campaign-confirm", args=[campaign.pk]), {"entered_on": "2022-09-30"}, follow=True
    )
    assert "已确认入库：科技型中小企业 2 家，储备企业 1 家" in confirm.content.decode()
    assert PoolMembership.objects.filter(tier=Tier.TECH_SME).count() == 2


def test_enterprise_page_shows_breakdown_reasons_gap_and_next_tier(
    zjj, login, enterprise, evaluated_campaign
):
    campaign = evaluated_campaign([tech_row(1, tech_staff="12", rd_expense="90", ip_class2="4")])
    services.campaign_confirm(campaign=campaign, entered_on=date(2022, 9, 30), acting_user=zjj)
    page = login(zjj).get(reverse("innovation:enterprise-detail", args=[enterprise.pk])).content.decode()
    assert "科技人员指标" in page and "4 / 20" in page and "20 / 50" in page and "24 / 30" in page
    assert "评价依据：《科技型中小企业评价办法》（国科发区〔2022〕67号）" in page
    assert "不符合条件" in page and "评价得分不低于60分" in page
    assert "需再增加" in page  # the gap, in concrete amounts
    assert "储备企业" in page
    assert "下一目标" in page and "科技型中小企业" in page


def test_an_enterprise_too_large_for_a_tech_sme_targets_high_tech(zjj, login, enterprise, evaluated_campaign):
    """UX point 19: 600 employees cannot become a 科技型中小企业 — the next target is 高企."""
    campaign = evaluated_campaign([tech_row(1, employees="600", tech_staff="200")])
    assert campaign.results.get().failed_codes == ["c2_size"]
    page = login(zjj).get(reverse("innovation:enterprise-detail", args=[enterprise.pk])).content.decode()
    assert "下一目标：<strong>高新技术企业</strong>" in page
    target = page[page.index("下一目标") :]
    assert "职工≤500人" not in target[: target.index("</section>")]


def test_self_assessment_page(login, enterprise_user):
    client = login(enterprise_user)
    url = reverse("innovation:self-assess")
    page = client.post(url, {"ruleset": "tech-sme-2022", **TECH_SME_ROW}).content.decode()
    assert "符合条件" in page and "总分 64" in page and "科技人员占职工总数 25.00%" in page
    low = client.post(
        url,
        {
            "ruleset": "tech-sme-2022",
            **TECH_SME_ROW,
            "tech_staff": "9",
            "rd_expense": "180",
            "ip_class1": "1",
            "ip_class2": "0",
        },
    ).content.decode()
    assert "暂不符合条件" in low and "科技人员数需再增加" in low
    bad = client.post(url, {"ruleset": "tech-sme-2022", **TECH_SME_ROW, "employees": "0"}).content.decode()
    assert "数据有误" in bad and "职工总数不能小于 1" in bad
    assert client.get(url, {"ruleset": "nope"}).status_code == 404
    for code in ("high-tech-2016", "innovative-sme-2022", "specialized-sme-2022", "little-giant-2022"):
        assert client.get(url, {"ruleset": code}).status_code == 200


def test_challenge_pages_drive_the_pipeline(zjj, login, enterprise):
    client = login(zjj)
    university = Organisation.objects.create(
        name="测试大学", region_id="4301", kind=Organisation.Kind.UNIVERSITY
    )
    created = client.post(
        reverse("innovation:challenge-list"),
        {
            "region": "4308",
            "kind": "technical",
            "title": "杜仲胶提取技术攻关",
            "need": "收率低",
            "target_indicators": "收率≥12%\n纯度≥95%",
            "budget": "300",
            "deadline": "2099-12-31",
            "issuer": enterprise.pk,
        },
    )
    challenge = Challenge.objects.get()
    assert created.url == reverse("innovation:challenge-detail", args=[challenge.pk])

    def act(action, **data):
        return client.post(
            reverse("innovation:challenge-action", args=[challenge.pk, action]), data, follow=True
        )

    assert "已保存" in act("transition", to_status="published").content.decode()
    today = date.today().isoformat()
    act(
        "apply",
        team_name="测试大学团队",
        lead_organisation=university.pk,
        members="张三，教授",
        proposal="方案",
        requested_budget="280",
        submitted_on=today,
    )
    application = challenge.applications.get()
    act("transition", to_status="reviewing")
    act("review", application=application.pk, expert_name="专家甲", score="88", reviewed_on=today)
    page = act("award", application=application.pk, awarded_on=today).content.decode()
    challenge.refresh_from_db()
    assert challenge.status == "awarded" and "88.0" in page
    act("milestone", title="中试", due_on="2099-06-30")
    act("tranche", amount="120", condition="签约后")
    refused = act("tranche", amount="200", condition="超出").content.decode()
    assert "拨付合计不能超过资助金额 300.00 万元" in refused
    act("pay", tranche=challenge.tranches.get().pk)
    act("transition", to_status="in_progress")
    act("milestone-done", milestone=challenge.milestones.get().pk)
    act("transition", to_status="acceptance")
    page = act("accept", passed="yes", notes="指标全部达到", accepted_on=today).content.decode()
    challenge.refresh_from_db()
    assert challenge.status == "accepted" and "已验收" in page
    assert client.post(reverse("innovation:challenge-action", args=[challenge.pk, "nope"])).status_code == 404


def test_plan_pages(zjj, login, enterprise):
    client = login(zjj)
    officer = Person.objects.create(name="陈立新", region_id="4308")
    detail = reverse("innovation:enterprise-detail", args=[enterprise.pk])
    client.post(
        reverse("innovation:plan-create", args=[enterprise.pk]),
        {
            "year": 2022,
            "target_tier": "high_tech",
            "tech_needs": "自动化改造",
            "bottlenecks": "",
            "measures": "联合攻关",
            "officer": officer.pk,
            "status": "active",
        },
    )
    plan = EnterprisePlan.objects.get()
    client.post(
        reverse("innovation:plan-milestone-add", args=[plan.pk]),
        {"title": "专账归集", "due_on": "2022-12-31"},
    )
    milestone = plan.milestones.get()
    client.post(reverse("innovation:plan-milestone-done", args=[milestone.pk]))
    problem = client.post(
        reverse("innovation:plan-problem", args=[plan.pk]),
        {"title": "研发人员招聘困难", "category": "talent", "description": ""},
        follow=True,
    ).content.decode()
    assert "已转为工单" in problem
    page = client.get(detail).content.decode()
    assert "自动化改造" in page and "专账归集" in page and "完成" in page and "陈立新" in page


def test_a_plans_ticket_and_the_plan_link_to_each_other(zjj, login, enterprise):
    from countyworks.workflow.models import Ticket

    client = login(zjj)
    plan = services.plan_create(
        organisation=enterprise,
        year=2022,
        target_tier="",
        tech_needs="自动化改造",
        bottlenecks="",
        measures="联合攻关",
        officer=Person.objects.create(name="陈立新", region_id="4308"),
        acting_user=zjj,
    )
    form = client.get(reverse("innovation:enterprise-detail", args=[enterprise.pk])).content.decode()
    assert 'name="category"' in form and "人才用工" in form and "会议交办" not in form
    client.post(
        reverse("innovation:plan-problem", args=[plan.pk]),
        {"title": "研发人员招聘困难", "category": "talent", "description": ""},
    )
    ticket = Ticket.objects.get()
    assert ticket.category == "talent"
    page = client.get(reverse("innovation:enterprise-detail", args=[enterprise.pk])).content.decode()
    assert f'href="{reverse("workflow:ticket", args=[ticket.pk])}"' in page
    assert "研发人员招聘困难" in page and f'id="plan-{plan.pk}"' in page
    ticket_page = client.get(reverse("workflow:ticket", args=[ticket.pk])).content.decode()
    assert f'href="{plan.get_absolute_url()}"' in ticket_page
    assert plan.get_absolute_url().endswith(f"#plan-{plan.pk}")
    refused = client.post(
        reverse("innovation:plan-problem", args=[plan.pk]),
        {"title": "缺少类别", "description": ""},
        follow=True,
    )
    assert "请填写问题并选择问题类别" in refused.content.decode() and Ticket.objects.count() == 1


def test_platforms_page_counts_three_years_and_registers(zjj, login, enterprise):
    client = login(zjj)
    created = client.post(
        reverse("innovation:platforms"),
        {
            "form": "platform",
            "name": "测试工程技术研究中心",
            "kind": "engineering_centre",
            "level": "provincial",
            "recognised_on": "2020-05-01",
            "host": enterprise.pk,
        },
    )
    assert created.status_code == 302
    platform = InnovationPlatform.objects.get()
    for day in ("2020-03-01", "2021-03-01", "2022-03-01", "2022-06-01", "2019-12-31"):
        client.post(
            reverse("innovation:platforms"),
            {
                "form": "achievement",
                "kind": "registration",
                "title": f"成果{day}",
                "achieved_on": day,
                "region": "430802",
                "organisation": enterprise.pk,
                "platform": platform.pk,
            },
        )
    assert Achievement.objects.count() == 5
    page = client.get(reverse("innovation:platforms"), {"year": 2022}).content.decode()
    assert "测试工程技术研究中心" in page
    response = client.get(reverse("innovation:platforms"), {"year": 2022})
    assert response.context["count_rows"][0][1:] == ([1, 1, 2], 4)


def test_home_and_brief_pages(zjj, login, evaluated_campaign):
    campaign = evaluated_campaign([tech_row(1), tech_row(2)])
    services.campaign_confirm(campaign=campaign, entered_on=date(2022, 9, 30), acting_user=zjj)
    client = login(zjj)
    home = client.get(reverse("innovation:home"))
    assert home.context["year"] == 2022
    ladder = {c.tier: c.count for c in home.context["ladder"]}
    assert ladder[Tier.TECH_SME] == 2
    assert 'data-chart="ladder-chart"' in home.content.decode()
    brief = client.get(reverse("innovation:brief"), {"year": 2022}).content.decode()
    assert "2022年，该市共评价入库科技型中小企业2家" in brief
    tiles = client.get(reverse("innovation:enterprise-list"), {"tier": "tech_sme", "year": 2022})
    assert tiles.context["page"].paginator.count == 2
    export = client.get(reverse("innovation:enterprise-list"), {"export": "xlsx", "year": 2022})
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert rows[0][0] == "统一社会信用代码" and len(rows) == 3 and rows[1][5] == "科技型中小企业"
