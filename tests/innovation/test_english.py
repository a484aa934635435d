"""Rule output in English when the UI is English (issue #10, point 21): the reasons, the unmet
conditions, the gap advice and the indicator names of an evaluation, and the ladder's rungs."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from countyworks.innovation import services
from tests.innovation.conftest import tech_row

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def english(zjj, login):
    client = login(zjj)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _lists(html: str, css: str) -> list[str]:
    block = re.findall(rf'<ul class="{css}">(.*?)</ul>', html, flags=re.S)
    return [
        re.sub(r"<[^>]+>", "", li).strip() for b in block for li in re.findall(r"<li>(.*?)</li>", b, re.S)
    ]


def test_a_results_reasons_and_gap_are_english(english, zjj, evaluated_campaign):
    campaign = evaluated_campaign([tech_row(1, tech_staff="12", rd_expense="90", ip_class2="4")])
    result = campaign.results.get()
    ruleset = campaign.ruleset()
    html = english.get(reverse("innovation:result-detail", args=[result.pk])).content.decode()
    lines = _lists(html, "reasons")
    assert lines and any("Result: not qualified" in line for line in lines)
    assert any("more needed" in line for line in lines)  # the gap advice
    references = [ruleset.document, *(c.clause for c in ruleset.conditions)]
    for line in lines:
        for reference in sorted(references, key=len, reverse=True):  # document numbers stay as issued
            line = line.replace(reference, "")
        assert not CJK.search(line), line
    assert not re.search(r"\bc\d_[a-z_]+\b", " ".join(lines))  # no condition codes on a page


def test_campaign_table_and_ladder_words_are_english(english, zjj, evaluated_campaign):
    campaign = evaluated_campaign([tech_row(1), tech_row(2, tech_staff="12", rd_expense="90", ip_class2="4")])
    services.campaign_confirm(campaign=campaign, acting_user=zjj, closes_year=True)
    html = english.get(reverse("innovation:campaign-detail", args=[campaign.pk])).content.decode()
    assert "Evaluation score at least 60" in html and "Technical staff indicator" in html
    assert "Measures for the Evaluation of Technology-based SMEs" in html
    home = english.get(reverse("innovation:home")).content.decode()
    for rung in ("微成长", "小升高", "高壮大"):
        assert rung not in home


def test_the_brief_stays_chinese_and_an_empty_area_says_so_in_words(english, zjj, evaluated_campaign):
    campaign = evaluated_campaign([tech_row(1), tech_row(2)])
    services.campaign_confirm(campaign=campaign, acting_user=zjj, closes_year=True)
    html = english.get(reverse("innovation:brief"), {"year": 2022}).content.decode()
    brief = re.search(r'<article class="card brief">(.*?)</article>', html, re.S).group(1)
    assert "科技型中小企业2家" in brief and not re.search(r"[A-Za-z]{4,}", brief)
    empty = english.get(reverse("innovation:brief"), {"year": 2019}).content.decode()
    assert "no innovation records" not in empty


def test_self_assessment_reasons_are_english_without_codes(login, enterprise_user):
    from tests.innovation.conftest import TECH_SME_ROW

    client = login(enterprise_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    low = {**TECH_SME_ROW, "tech_staff": "9", "rd_expense": "180", "ip_class1": "1", "ip_class2": "0"}
    html = client.post(
        reverse("innovation:self-assess"), {"ruleset": "tech-sme-2022", **low}
    ).content.decode()
    lines = _lists(html, "reasons")
    assert any("Result: not qualified" in line for line in lines)
    assert any("Technical staff: " in line and "more needed" in line for line in lines)
    assert not re.search(r"\bc\d_[a-z_]+\b", " ".join(lines))
