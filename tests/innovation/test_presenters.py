"""Pages of program 2 read with a bounded number of queries and explain a result from one
evaluation of its row; the presenter's sentences are the engine's own."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from countyworks.innovation import presenters, services
from countyworks.rules.engine import RuleSet
from tests.innovation.conftest import tech_row


@pytest.fixture
def evaluated(zjj, enterprise, evaluated_campaign):
    """A confirmed tech-sme campaign: the enterprise fails (gap shown), two others qualify."""
    campaign = evaluated_campaign(
        [
            tech_row(1, tech_staff="12", rd_expense="90", ip_class2="4"),
            tech_row(2),
            tech_row(3, employees="600", tech_staff="200"),
            tech_row(4, tech_staff="5", rd_expense="10", ip_class2="0"),
        ]
    )
    services.campaign_confirm(campaign=campaign, entered_on=date(2022, 9, 30), acting_user=zjj)
    return campaign


def test_explain_says_what_the_engine_says(evaluated):
    """Reasons and gap equal ``RuleSet.reasons`` (without condition codes) / ``RuleSet.gap`` on
    every kind of result."""
    ruleset = evaluated.ruleset()
    for result in evaluated.results.all():
        explained = presenters.explain(ruleset, result.inputs)
        row = result.inputs
        assert explained.reasons == ruleset.reasons(ruleset.values(row), ruleset.result(row), codes=False)
        assert explained.gap == ruleset.gap(result.inputs)
        assert explained.result["qualified"] == result.qualified


def test_the_engine_runs_once_per_result_row(evaluated, login, zjj, enterprise, monkeypatch):
    """The result's own row is evaluated once per result shown (``explain`` and ``gap`` each
    re-evaluated it before), plus one batch for the rows a gap proposes."""
    evaluated_ids: list[list[str]] = []
    evaluate = RuleSet.evaluate

    def spy(self, frame, **kwargs):
        evaluated_ids.append(frame.get_column("id").cast(str).to_list())
        return evaluate(self, frame, **kwargs)

    monkeypatch.setattr(RuleSet, "evaluate", spy)
    result = evaluated.results.get(organisation=enterprise)
    assert not result.qualified
    page = login(zjj).get(reverse("innovation:result-detail", args=[result.pk]))
    assert page.status_code == 200 and "需再增加" in page.content.decode()
    assert len(evaluated_ids) == 2  # the row, then the changed rows of every route together
    assert evaluated_ids[0] == [enterprise.credit_code]

    evaluated_ids.clear()
    qualified = evaluated.results.filter(qualified=True).first()
    assert login(zjj).get(reverse("innovation:result-detail", args=[qualified.pk])).status_code == 200
    assert len(evaluated_ids) == 1  # a qualified result has no gap to check

    evaluated_ids.clear()
    page = login(zjj).get(reverse("innovation:enterprise-detail", args=[enterprise.pk]))
    assert page.status_code == 200 and "下一目标" in page.content.decode()
    # the tech-sme result shown and the gap to the next rung: each its row once, then its
    # changed rows in one batch (RuleSet.explain + RuleSet.gap took 3 or more each)
    assert len(evaluated_ids) == 4


def test_enterprise_page_queries_are_bounded(
    evaluated, login, zjj, enterprise, django_assert_max_num_queries
):
    client = login(zjj)
    url = reverse("innovation:enterprise-detail", args=[enterprise.pk])
    client.get(url)  # warm the session and the per-process caches
    # 15 today: session, grants, profile, pools, results, year data, plans, officers, the shell
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_campaign_detail_queries_do_not_grow_with_results(
    evaluated, login, zjj, django_assert_max_num_queries
):
    client = login(zjj)
    url = reverse("innovation:campaign-detail", args=[evaluated.pk])
    client.get(url)
    # 12 today, whatever the number of results (a query per result would add 4 here)
    with django_assert_max_num_queries(13):
        page = client.get(url)
    assert page.status_code == 200 and "测试企业2有限公司" in page.content.decode()
