"""Campaigns: upload checks (nothing written on error), evaluation job, confirmation into pools."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.utils import get_history_model_for_model

from countyworks.core.models import Job, Organisation, Region
from countyworks.innovation import services
from countyworks.innovation.models import (
    EnterpriseProfile,
    EnterpriseYearData,
    EvaluationCampaign,
    EvaluationResult,
    InvalidStatus,
    PoolMembership,
    Tier,
)
from tests.innovation.conftest import TECH_SME_ROW, credit, csv_upload, tech_row, xlsx_upload

pytestmark = pytest.mark.django_db


def _snapshot():
    """Row and history counts of everything an upload or evaluation could write."""
    models = (Organisation, EnterpriseProfile, EnterpriseYearData, EvaluationResult, PoolMembership)
    return {m.__name__: (m.objects.count(), get_history_model_for_model(m).objects.count()) for m in models}


def test_create_requires_write_reach(zjj, zjj_leader, city):
    with pytest.raises(PermissionDenied):
        services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj_leader)
    louxing = Region.objects.get(code="431302")
    with pytest.raises(PermissionDenied):
        services.campaign_create(region=louxing, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj)
    with pytest.raises(ValidationError):
        services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-1999", acting_user=zjj)
    campaign = services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj)
    assert campaign.title == "张家界市2022年科技型中小企业评价"
    assert campaign.history.first().history_user == zjj


def test_the_rule_set_version_is_pinned_at_creation_by_the_campaign_year(zjj, city, monkeypatch):
    from countyworks.rules import registry
    from countyworks.rules.tech_sme_2022 import TechSme2022

    old = services.campaign_create(region=city, year=2021, ruleset_code="tech-sme-2022", acting_user=zjj)
    assert (old.ruleset_code, old.ruleset_effective) == ("tech-sme-2017", date(2017, 5, 3))
    assert old.ruleset_version == "tech-sme-2017 (国科发政〔2017〕115号, 2017-05-03)"
    assert old.title == "张家界市2021年科技型中小企业评价"
    new = services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2017", acting_user=zjj)
    assert (new.ruleset_code, new.ruleset_effective) == ("tech-sme-2022", date(2022, 6, 2))
    # a later version registered after creation does not change what the campaign evaluates with
    later = type("TechSme2030", (TechSme2022,), {"code": "tech-sme-2030", "effective": date(2030, 1, 1)})()
    monkeypatch.setattr(registry, "RULESETS", (*registry.RULESETS, later))
    assert EvaluationCampaign.objects.get(pk=new.pk).ruleset().code == "tech-sme-2022"
    with pytest.raises(ValidationError, match="2021年没有有效的创新型中小企业评价标准"):
        services.campaign_create(region=city, year=2021, ruleset_code="innovative-sme-2022", acting_user=zjj)


def test_a_2021_campaign_is_evaluated_with_the_2017_method(evaluated_campaign):
    campaign = evaluated_campaign([tech_row(1)], year=2021)
    result = campaign.results.get()
    assert (result.ruleset_code, result.qualified) == ("tech-sme-2017", True)
    assert campaign.ruleset().document == "国科发政〔2017〕115号"


def test_bad_file_lists_every_error_in_chinese_and_writes_nothing(zjj, city, enterprise):
    campaign = services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj)
    outside = Organisation.objects.create(
        name="娄星某企业", credit_code=credit(7, "431302"), region_id="431302"
    )
    rows = [
        tech_row(1),  # the existing enterprise: fine
        tech_row(2, rd_expense="-5"),  # negative amount
        tech_row(3, tech_staff="120"),  # tech staff above employees
        tech_row(4, id="91430802000000004X"),  # bad check digit
        tech_row(5, employees="十"),  # not a number
        tech_row(1),  # duplicate of row 2
        {**tech_row(6), "name": ""},  # new enterprise without a name
        tech_row(8, region="431302"),  # region outside the campaign
        {**tech_row(9), "id": outside.credit_code},  # enterprise of another county
        tech_row(10, region="999999"),  # unknown region
    ]
    before = _snapshot()
    errors = services.campaign_upload(campaign=campaign, upload=csv_upload(rows), acting_user=zjj)
    found = {(e.row, e.column) for e in errors}
    assert found == {
        (3, "rd_expense"),
        (4, "tech_staff"),
        (5, "id"),
        (6, "employees"),
        (7, "id"),
        (8, "name"),
        (9, "region"),
        (10, "id"),
        (11, "region"),
    }
    messages = [services.row_error_zh(e) for e in errors]
    assert "第3行，列“rd_expense”，值“-5”：研发费用总额不能为负数" in messages
    assert "第4行，列“tech_staff”，值“120”：科技人员数大于职工总数" in messages
    assert "第5行，列“id”，值“91430802000000004X”：统一社会信用代码无效（GB 32100-2015 校验失败）" in messages
    assert any(m.startswith("第7行，列“id”") and "与第2行相同" in m for m in messages)
    assert any("不在本批次评价区域内" in m for m in messages)
    assert _snapshot() == before
    campaign.refresh_from_db()
    assert campaign.status == EvaluationCampaign.Status.DRAFT and not campaign.source_file


def test_missing_column_and_wrong_file_type(zjj, city):
    campaign = services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj)
    row = tech_row(1)
    del row["total_cost"]
    errors = services.campaign_upload(campaign=campaign, upload=csv_upload([row]), acting_user=zjj)
    assert [services.row_error_zh(e) for e in errors] == [
        "表头，列“total_cost”：缺少列“total_cost”（成本费用支出总额）"
    ]
    fake = csv_upload([tech_row(1)], name="data.xlsx")  # csv bytes under an xlsx name
    errors = services.campaign_upload(campaign=campaign, upload=fake, acting_user=zjj)
    assert [e.reason_zh for e in errors] == ["文件内容与扩展名不符"]
    errors = services.campaign_upload(
        campaign=campaign, upload=csv_upload([tech_row(1)], name="a.txt"), acting_user=zjj
    )
    assert "文件类型不支持" in errors[0].reason_zh


def test_xlsx_with_chinese_headers_is_accepted(zjj, city):
    campaign = services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj)
    headers = {
        "id": "统一社会信用代码",
        "name": "企业名称",
        "region": "区划代码",
        "employees": "职工总数",
        "rd_expense": "研发费用总额",
        "tech_staff": "科技人员数",
    }
    upload = xlsx_upload([tech_row(1, region="430802000000"), tech_row(2)], headers)
    assert services.campaign_upload(campaign=campaign, upload=upload, acting_user=zjj) == []
    campaign.refresh_from_db()
    assert campaign.status == EvaluationCampaign.Status.UPLOADED
    assert campaign.row_count == 2 and campaign.source_name == "data.xlsx"


def test_evaluation_job_writes_results_year_data_and_enterprises(zjj, city, enterprise, evaluated_campaign):
    rows = [
        tech_row(1),  # existing enterprise, 64 points
        tech_row(2, tech_staff="10", rd_expense="180", ip_class2="1"),  # exactly 60: passes
        tech_row(3, tech_staff="9", rd_expense="180", ip_class1="1"),  # 80 but no staff points
        tech_row(4, tech_staff="12", rd_expense="90", ip_class2="4"),  # 48
        tech_row(5, tech_staff="5", rd_expense="10", ip_class2="2", high_tech_cert="true"),  # direct
        tech_row(6, employees="600", tech_staff="180"),  # too big (but 80 points)
    ]
    campaign = evaluated_campaign(rows)
    assert (campaign.row_count, campaign.qualified_count) == (6, 3)
    assert campaign.ruleset_version.startswith("tech-sme-2022 (国科发区〔2022〕67号")
    job = campaign.job
    assert job.status == Job.Status.DONE and job.result["qualified"] == 3 and job.done == job.total
    results = {r.organisation.credit_code: r for r in campaign.results.select_related("organisation")}
    first = results[credit(1)]
    assert first.organisation == enterprise and first.row_number == 2
    assert (first.score, first.qualified, first.points) == (64, True, {"tech_staff": 16, "rd": 30, "ip": 18})
    assert results[credit(2)].score == 60 and results[credit(2)].qualified
    assert results[credit(3)].failed_conditions == "c5_staff_zero"
    assert results[credit(4)].failed_conditions == "c5_score"
    assert results[credit(5)].direct and results[credit(5)].score == 12
    assert results[credit(6)].failed_conditions == "c2_size"
    assert first.inputs["rd_expense"] == "120" and "name" not in first.inputs
    new = Organisation.objects.get(credit_code=credit(2))
    assert new.name == "测试企业2有限公司" and new.region_id == "430802"
    assert EnterpriseProfile.objects.filter(organisation=new).exists()
    data = EnterpriseYearData.objects.get(organisation=enterprise, year=2022)
    assert data.data["employees"] == "100" and data.source_campaign == campaign
    assert EvaluationResult.history.filter(history_user=zjj).count() == 6


def test_year_data_merges_across_rule_sets(zjj, enterprise, evaluated_campaign):
    evaluated_campaign([tech_row(1)])
    high_tech = {
        "id": credit(1),
        "registration_date": "2015-03-01",
        "application_date": "2022-06-30",
        "core_ip_owned": "true",
        "in_supported_field": "true",
        "major_incident": "false",
        "employees": "120",
        "tech_staff": "30",
        "revenue_y1": "2000",
        "revenue_y2": "2600",
        "revenue_y3": "3200",
        "rd_y1": "100",
        "rd_y2": "140",
        "rd_y3": "180",
        "rd_domestic": "420",
        "hightech_income": "2100",
        "total_income": "3300",
        "net_assets_y1": "1000",
        "net_assets_y2": "1300",
        "net_assets_y3": "1800",
        "ip_pts": "24",
        "conversion_pts": "22",
        "rd_mgmt_pts": "14",
    }
    campaign = evaluated_campaign([high_tech], ruleset="high-tech-2016")
    result = campaign.results.get()
    assert result.qualified and result.score == 76  # docs/rules/specialized-sme-2022.md §6
    data = EnterpriseYearData.objects.get(organisation=enterprise, year=2022).data
    assert data["employees"] == "120" and data["rd_expense"] == "120" and data["ip_pts"] == "24"


def test_failed_evaluation_marks_campaign_failed_and_writes_nothing(zjj, city, monkeypatch):
    campaign = services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj)
    assert (
        services.campaign_upload(campaign=campaign, upload=csv_upload([tech_row(1)]), acting_user=zjj) == []
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.evaluation, "_merge_year_data", broken)
    before = _snapshot()
    job = services.campaign_run(campaign=campaign, acting_user=zjj)
    job.refresh_from_db()
    campaign.refresh_from_db()
    assert job.status == Job.Status.FAILED and "disk full" in job.message
    assert campaign.status == EvaluationCampaign.Status.FAILED
    assert _snapshot() == before
    monkeypatch.undo()
    services.campaign_run(campaign=campaign, acting_user=zjj)
    campaign.refresh_from_db()
    assert campaign.status == EvaluationCampaign.Status.EVALUATED


def test_confirm_enters_pools_and_reserve(zjj, evaluated_campaign):
    campaign = evaluated_campaign(
        [
            tech_row(1),
            tech_row(2, tech_staff="12", rd_expense="90", ip_class2="4"),  # c5_score only → 储备
            tech_row(3, tech_staff="9", rd_expense="180", ip_class1="1"),  # c5_staff_zero only → 储备
            tech_row(4, abnormal_listed="true", tech_staff="12", rd_expense="90"),  # c4 + c5: not 储备
        ]
    )
    with pytest.raises(ValidationError):
        services.campaign_confirm(campaign=campaign, entered_on=date(2023, 1, 5), acting_user=zjj)
    entries = services.campaign_confirm(campaign=campaign, entered_on=date(2022, 9, 30), acting_user=zjj)
    assert entries == {Tier.TECH_SME: 1, Tier.RESERVE: 2, Tier.HIGH_TECH_CULTIVATION: 0}
    member = PoolMembership.objects.get(tier=Tier.TECH_SME)
    assert (member.organisation.credit_code, member.valid_until) == (credit(1), date(2022, 12, 31))
    assert member.result.campaign == campaign
    assert set(
        PoolMembership.objects.filter(tier=Tier.RESERVE).values_list("organisation__credit_code", flat=True)
    ) == {credit(2), credit(3)}
    campaign.refresh_from_db()
    assert campaign.status == EvaluationCampaign.Status.CONFIRMED and campaign.confirmed_by == zjj
    with pytest.raises(InvalidStatus):
        services.campaign_confirm(campaign=campaign, acting_user=zjj)
    with pytest.raises(InvalidStatus):
        services.campaign_run(campaign=campaign, acting_user=zjj)


def test_climbing_leaves_the_reserve(zjj, evaluated_campaign):
    first = evaluated_campaign([tech_row(1, tech_staff="12", rd_expense="90", ip_class2="4")])
    services.campaign_confirm(campaign=first, entered_on=date(2022, 5, 31), acting_user=zjj)
    second = evaluated_campaign([tech_row(1)])  # the second batch of the year: now qualified
    entries = services.campaign_confirm(campaign=second, entered_on=date(2022, 9, 30), acting_user=zjj)
    assert entries[Tier.TECH_SME] == 1
    reserve = PoolMembership.objects.get(tier=Tier.RESERVE)
    assert reserve.exited_on == date(2022, 9, 30) and reserve.exit_reason == "升入科技型中小企业"
    # A third batch does not enter the same enterprise twice in one year.
    third = evaluated_campaign([tech_row(1)])
    assert (
        services.campaign_confirm(campaign=third, entered_on=date(2022, 11, 30), acting_user=zjj)[
            Tier.TECH_SME
        ]
        == 0
    )


HIGH_TECH_ROW = {
    "registration_date": "2015-03-01",
    "application_date": "2022-06-30",
    "core_ip_owned": "true",
    "in_supported_field": "true",
    "major_incident": "false",
    "employees": "100",
    "tech_staff": "25",
    "revenue_y1": "2000",
    "revenue_y2": "2600",
    "revenue_y3": "3000",
    "rd_y1": "100",
    "rd_y2": "140",
    "rd_y3": "180",
    "rd_domestic": "420",
    "hightech_income": "2100",
    "total_income": "3100",
    "net_assets_y1": "1000",
    "net_assets_y2": "1300",
    "net_assets_y3": "1800",
    "ip_pts": "24",
    "conversion_pts": "22",
    "rd_mgmt_pts": "14",
}


def test_cultivation_pool_takes_tech_smes_within_two_conditions_of_high_tech(zjj, evaluated_campaign):
    tech = evaluated_campaign([tech_row(n) for n in (1, 2, 3, 4)])
    services.campaign_confirm(campaign=tech, entered_on=date(2022, 9, 30), acting_user=zjj)
    high = evaluated_campaign(
        [
            {"id": credit(1), **HIGH_TECH_ROW},  # passes: 高企
            {"id": credit(2), **HIGH_TECH_ROW, "rd_mgmt_pts": "8"},  # c7 only → 培育库
            {
                "id": credit(3),
                **HIGH_TECH_ROW,
                "rd_mgmt_pts": "8",
                "hightech_income": "1500",
            },  # c6 + c7 → 培育库
            {
                "id": credit(4),
                **HIGH_TECH_ROW,
                "rd_mgmt_pts": "8",
                "hightech_income": "1500",
                "core_ip_owned": "false",
            },  # three failures: not within reach
        ],
        ruleset="high-tech-2016",
    )
    entries = services.campaign_confirm(campaign=high, entered_on=date(2022, 12, 15), acting_user=zjj)
    assert entries == {Tier.HIGH_TECH: 1, Tier.HIGH_TECH_CULTIVATION: 2}
    cultivated = PoolMembership.objects.filter(tier=Tier.HIGH_TECH_CULTIVATION)
    assert {m.organisation.credit_code for m in cultivated} == {credit(2), credit(3)}
    assert all(m.result.ruleset_code == "high-tech-2016" for m in cultivated)
    certified = PoolMembership.objects.get(tier=Tier.HIGH_TECH)
    assert certified.valid_until == date(2025, 12, 14)


def test_pool_by_decision_and_exit(zjj, enterprise):
    with pytest.raises(ValidationError):
        services.pool_enter_by_decision(
            organisation=enterprise,
            tier=Tier.HIGH_TECH,
            entered_on=date(2022, 1, 1),
            note="x",
            acting_user=zjj,
        )
    with pytest.raises(ValidationError):
        services.pool_enter_by_decision(
            organisation=enterprise,
            tier=Tier.LISTING_RESERVE,
            entered_on=date(2022, 1, 1),
            note=" ",
            acting_user=zjj,
        )
    member = services.pool_enter_by_decision(
        organisation=enterprise,
        tier=Tier.LISTING_RESERVE,
        entered_on=date(2022, 11, 20),
        note="市上市后备企业资源库",
        acting_user=zjj,
    )
    assert member.valid_until is None and member.result is None
    services.pool_exit(membership=member, exited_on=date(2023, 5, 1), reason="已上市", acting_user=zjj)
    member.refresh_from_db()
    assert not member.is_active_on(date(2023, 5, 1)) and member.is_active_on(date(2023, 4, 30))
    with pytest.raises(ValidationError):
        services.pool_exit(membership=member, exited_on=date(2023, 6, 1), reason="再次", acting_user=zjj)


def test_self_assessment_uses_the_same_evaluation(enterprise):
    assessment = services.self_assess(ruleset_code="tech-sme-2022", figures=dict(TECH_SME_ROW))
    assert assessment.errors == []
    assert assessment.result["score"] == 64 and assessment.result["qualified"]
    assert assessment.reasons[0].startswith("评价依据：《科技型中小企业评价办法》")
    low = services.self_assess(
        ruleset_code="tech-sme-2022",
        figures={**TECH_SME_ROW, "tech_staff": "12", "rd_expense": "90", "ip_class2": "4"},
    )
    assert not low.result["qualified"] and low.gap
    bad = services.self_assess(ruleset_code="tech-sme-2022", figures={**TECH_SME_ROW, "tech_staff": "200"})
    assert bad.result is None and [e.column for e in bad.errors] == ["tech_staff"]
