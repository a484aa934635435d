"""Campaign pages show rule words, never codes, and the results table keeps its name column in
view while its indicator columns scroll (issue #10, point 12)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.innovation.conftest import tech_row

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    """The page as a reader sees it: no tags, no attribute values, no scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_results_table_names_unmet_conditions_in_words(zjj, login, evaluated_campaign):
    campaign = evaluated_campaign([tech_row(1), tech_row(2, tech_staff="12", rd_expense="90", ip_class2="4")])
    html = login(zjj).get(reverse("innovation:campaign-detail", args=[campaign.pk])).content.decode()
    text = visible_text(html)
    assert "评价得分不低于60分" in text or "评价得分达到60分" in text
    assert not re.search(r"\b[a-z]\d?_[a-z_0-9]+\b", text), re.findall(r"\b[a-z]\d?_[a-z_0-9]+\b", text)
    assert "tech-sme-2022" not in text
    assert "科技型中小企业评价办法（国科发区〔2022〕67号）" in text
    assert 'class="table compact sticky-name"' in html


def test_campaign_list_and_creation_form_name_rule_sets_by_title_and_document(zjj, login, evaluated_campaign):
    evaluated_campaign([tech_row(1)])
    text = visible_text(login(zjj).get(reverse("innovation:campaign-list")).content.decode())
    assert "科技型中小企业评价办法（国科发区〔2022〕67号）" in text
    assert not re.search(r"\b(?:tech-sme|high-tech|innovative-sme)-\d{4}\b", text)


def test_the_name_column_stays_fixed_in_the_stylesheet():
    from django.contrib.staticfiles import finders

    css = open(finders.find("countyworks/app.css"), encoding="utf-8").read()
    rule = re.search(r"\.table\.sticky-name th:nth-child\(-n\+2\)[^{]*\{([^}]*)\}", css)
    assert rule and "position: sticky" in rule.group(1)
