"""The demo reproduces the article's figures by evaluating raw enterprise records.

Every campaign's stored file is evaluated again here with its rule set: the counts come from
the rules, not from the loader.
"""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal

import pytest
from stdnum.cn import uscc

from countyworks.core.demo import load_demo_accounts
from countyworks.core.models import Organisation
from countyworks.innovation.demo import load_demo
from countyworks.innovation.models import (
    Challenge,
    EvaluationCampaign,
    EvaluationResult,
    InnovationPlatform,
    PlatformExpert,
    PoolMembership,
    Tier,
)
from countyworks.innovation.selectors import region_figures
from countyworks.rules.io import read_table
from countyworks.rules.registry import get_ruleset

pytestmark = pytest.mark.django_db

#: (region, rule set, year) → qualified enterprises, as the seed article reports them.
EXPECTED_QUALIFIED = {
    ("4308", "tech-sme-2017", 2021): 184,  # 2021 is evaluated with the 2017 method (国科发政〔2017〕115号)
    ("4308", "tech-sme-2022", 2022): 304,
    ("4308", "high-tech-2016", 2021): 96,
    ("4308", "high-tech-2016", 2022): 27,  # + the 96 certified in 2021 = 123 高企
    ("431302", "high-tech-2016", 2022): 20,
    ("431302", "specialized-sme-2022", 2022): 16,
    ("431302", "little-giant-2022", 2022): 10,
    ("431302", "innovative-sme-2022", 2022): 13,
}


@pytest.fixture
def demo(db):
    load_demo_accounts()
    started = time.monotonic()
    load_demo()
    return time.monotonic() - started


def test_demo_loads_in_seconds_and_only_once(demo):
    assert demo < 20, f"demo data took {demo:.1f} s"
    counts = (Organisation.objects.count(), EvaluationResult.objects.count(), PoolMembership.objects.count())
    load_demo()
    assert (
        Organisation.objects.count(),
        EvaluationResult.objects.count(),
        PoolMembership.objects.count(),
    ) == counts


def _every_campaign_count_comes_from_evaluating_its_file():
    campaigns = EvaluationCampaign.objects.all()
    assert {(c.region_id, c.ruleset_code, c.year) for c in campaigns} == set(EXPECTED_QUALIFIED)
    for campaign in campaigns:
        ruleset = get_ruleset(campaign.ruleset_code)
        frame = read_table(campaign.source_file.path, ruleset)
        assert ruleset.validate(frame) == []
        qualified = int(ruleset.evaluate(frame)["qualified"].sum())
        expected = EXPECTED_QUALIFIED[(campaign.region_id, campaign.ruleset_code, campaign.year)]
        assert qualified == campaign.qualified_count == expected, campaign.title
        assert campaign.results.filter(qualified=True).count() == expected
        assert campaign.status == EvaluationCampaign.Status.CONFIRMED


def _pools_reproduce_the_article():
    zjj = region_figures(region_prefix="4308", year=2022).ladder
    assert (zjj[Tier.TECH_SME].count, zjj[Tier.TECH_SME].previous, zjj[Tier.TECH_SME].yoy) == (
        304,
        184,
        Decimal("65.2"),
    )
    assert (zjj[Tier.HIGH_TECH].count, zjj[Tier.HIGH_TECH].previous, zjj[Tier.HIGH_TECH].yoy) == (
        123,
        96,
        Decimal("28.1"),
    )
    assert zjj[Tier.HIGH_TECH_CULTIVATION].count == 38 and zjj[Tier.HIGH_TECH_CULTIVATION].previous == 27
    louxing = region_figures(region_prefix="431302", year=2022).ladder
    assert {t: louxing[t].count for t in (Tier.HIGH_TECH, Tier.LITTLE_GIANT, Tier.INNOVATIVE_SME)} == {
        Tier.HIGH_TECH: 20,
        Tier.LITTLE_GIANT: 10,
        Tier.INNOVATIVE_SME: 13,
    }
    # Every membership points at the qualifying evaluation that created it (except 上市后备).
    assert not PoolMembership.objects.filter(result__isnull=True).exclude(tier=Tier.LISTING_RESERVE).exists()
    for tier in (Tier.TECH_SME, Tier.HIGH_TECH, Tier.LITTLE_GIANT):
        assert not PoolMembership.objects.filter(tier=tier, result__qualified=False).exists()


def _the_records_fail_for_real_reasons_and_sit_on_band_edges():
    tech_2022 = EvaluationResult.objects.filter(
        campaign__region_id="4308", ruleset_code="tech-sme-2022", year=2022
    )
    reasons = Counter(c for r in tech_2022.filter(qualified=False) for c in r.failed_codes)
    assert {"c1_resident", "c2_size", "c3_industry", "c4_compliance", "c5_score", "c5_staff_zero"} <= set(
        reasons
    )
    # The pass mark passes: staff exactly 10% (4) + R&D exactly 6% (50) + one Ⅱ类 (6) = 60.
    assert tech_2022.filter(score=60, qualified=True, points__tech_staff=4).count() == 3
    assert tech_2022.filter(score=58, qualified=False).count() == 3  # one band short
    assert tech_2022.filter(direct=True, score__lt=60).exists()
    high_2022 = EvaluationResult.objects.filter(
        campaign__region_id="4308", ruleset_code="high-tech-2016", year=2022
    )
    assert high_2022.get(score=71).qualified
    assert high_2022.get(score=70).failed_conditions == "c7_innovation"


def _platforms_achievements_challenges():
    figures = region_figures(region_prefix="4308", year=2022)
    provincial = {k: n for (k, level), n in figures.platforms.items() if level == "provincial"}
    assert provincial == {"engineering_centre": 2, "key_lab": 2, "enterprise_tech_centre": 5}
    assert sum(year["registration"] for year in figures.achievements.values()) >= 150
    assert figures.challenges == {Challenge.Kind.TECHNICAL: 4, Challenge.Kind.BASIC: 2}
    centre = InnovationPlatform.objects.get(name="张家界市乾坤莓茶工程技术研究中心")
    assert (centre.kind, centre.level, centre.batch) == ("new_rd_institution", "provincial", 4)
    honours = Counter(centre.experts.values_list("honour", flat=True))
    assert honours == {PlatformExpert.Honour.ACADEMICIAN: 2, PlatformExpert.Honour.CHANGJIANG: 2}


def _credit_codes_are_valid():
    codes = Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True)
    assert codes and all(uscc.is_valid(code) for code in codes)


def test_demo_reproduces_the_article_from_raw_records(demo):
    """One load of the demo (a few seconds), every check on it."""
    _every_campaign_count_comes_from_evaluating_its_file()
    _pools_reproduce_the_article()
    _the_records_fail_for_real_reasons_and_sit_on_band_edges()
    _platforms_achievements_challenges()
    _credit_codes_are_valid()
