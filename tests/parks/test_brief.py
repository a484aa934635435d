"""The brief of 娄星区 reproduces the article's figures from the demo's raw records."""

from __future__ import annotations

from decimal import Decimal

import pytest

from countyworks.core.demo import load_demo_accounts
from countyworks.core.errors import BriefUnavailable
from countyworks.core.periods import Period
from countyworks.innovation.demo import load_demo as load_innovation
from countyworks.parks.brief import brief_text
from countyworks.parks.demo import load_demo
from countyworks.parks.models import Chain, DisposalAction, InvestmentLead
from countyworks.parks.selectors import park_figures
from tests.conftest import loaded_once

pytestmark = pytest.mark.django_db


_demo_once = loaded_once(load_demo_accounts, load_innovation, load_demo)


@pytest.fixture
def demo(_demo_once, db):
    """The accounts, the innovation and the parks demos, loaded once for the module."""


def test_figures_of_the_article_are_counted_from_records(demo):
    figures = park_figures(region_prefix="431302", period=Period.parse("2023"))
    assert len(figures.signed) == 12
    assert figures.contracted_yi == Decimal("207.5")
    assert (figures.bands["50yi"], figures.bands["10yi"], figures.bands["1yi"]) == (2, 2, 8)
    assert figures.disposed_mu == Decimal("358.97")
    rates = {r.category: r.rate for r in figures.land_rates}
    assert [rates[c].percent for c in ("unsupplied", "idle", "inefficient")] == [
        Decimal("74.22"),
        Decimal("100.00"),
        Decimal("58.14"),
    ]
    assert (rates["unsupplied"].numerator, rates["unsupplied"].denominator) == (
        Decimal("190"),
        Decimal("256"),
    )
    assert figures.factory_m2 == Decimal("15000")
    assert figures.enterprises_introduced == 5
    assert {c.name: c.above_scale for c in figures.chains} == {"钢铁新材": 26, "节能环保": 28}
    last = figures.assessments[-1]
    assert (last.assessment.rank, last.change) == (47, 36)


def test_brief_sentences(demo):
    text = brief_text("431302", Period.parse("2023"))
    for phrase in (
        "本期已签约项目12个，合同引资207.5亿元，其中投资50亿元以上项目2个、10亿元以上项目2个、亿元以上项目8个",
        "正威娄底电力铜基新材料产业园（总投资110亿元）于7月10日签约，实现签约暨开工",
        "爱派尔工业互联网+数字化智能制造产业园于4月开工建设",
        "省重点项目湖南宏旺年产96万吨高牌号硅钢项目（3月16日）、省重点项目涟钢1580热轧板线项目（3月28日）相继正式投产",
        "钢城新苑二期",
        "累计处置三类用地358.97亩，盘活闲置厂房1.5万平方米，引进企业5家",
        "批而未供、闲置土地、低效用地处置率分别达到74.22%、100%、58.14%",
        "钢铁新材产业链集聚规模以上企业26家，节能环保产业链集聚规模以上企业28家",
        "高新技术企业20家，省专精特新“小巨人”企业10家，创新型中小企业13家",
        "前进36位，位列47名",
    ):
        assert phrase in text, phrase


def test_demo_is_idempotent_and_a_changed_record_changes_the_brief(demo):
    load_demo()
    assert Chain.objects.filter(region_id="431302").count() == 2
    DisposalAction.objects.filter(parcel__code="LX-XZ-03").delete()
    InvestmentLead.objects.filter(name="精密紧固件生产线").delete()
    text = brief_text("431302", Period.parse("2023"))
    assert "本期已签约项目11个，合同引资206亿元" in text
    assert "累计处置三类用地346.97亩" in text


def test_no_records_no_brief(db):
    with pytest.raises(BriefUnavailable):
        brief_text("430482", Period.parse("2023"))


def test_indicators_add_up_the_region_tree(demo):
    from countyworks.core.indicators import all_indicators

    indicators = all_indicators()
    year = Period.parse("2023")
    rate = indicators["parks.unsupplied_disposal_rate"]
    assert rate.value("431302", year) == Decimal("74.21875")
    assert rate.value("4313", year) == rate.value("431302", year)  # the city: Σ numerators ÷ Σ denominators
    assert indicators["parks.contracted_investment"].value("43", year) == Decimal("207.5")
    assert indicators["parks.signed_projects"].value("431302", year) == 12
    assert indicators["parks.idle_disposal_rate"].value("430482", year) is None
