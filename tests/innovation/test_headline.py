"""Headlines show the latest complete evaluation year (issue #10, point 1).

A small first batch of a new year, confirmed without closing the year, must not replace the
previous year's pools on the home tiles, the program page, the province's home and the brief: it
is named as in progress ("2023年（进行中）：已评价 2 家").
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from countyworks.innovation import selectors, services
from countyworks.innovation.models import EvaluationCampaign, Tier
from tests.innovation.conftest import tech_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_2022_and_batch_2023(zjj, evaluated_campaign):
    """2022: five tech-SMEs in a campaign that closed the year; 2023: a batch of two, not closing it."""
    year_2022 = evaluated_campaign([tech_row(n) for n in range(1, 6)], year=2022)
    services.campaign_confirm(
        campaign=year_2022, entered_on=date(2022, 9, 30), closes_year=True, acting_user=zjj
    )
    batch = evaluated_campaign([tech_row(1), tech_row(7)], year=2023)
    services.campaign_confirm(campaign=batch, entered_on=date(2023, 6, 30), acting_user=zjj)
    return year_2022, batch


def test_headline_is_the_latest_closed_year_and_names_the_year_in_progress(zjj, closed_2022_and_batch_2023):
    headline = selectors.pool_headline(user=zjj)
    assert headline.year == 2022 and headline.headline.complete
    assert headline.progress_note() == "2023年（进行中）：已评价 2 家"
    assert headline.is_partial(2023) and not headline.is_partial(2022)


def test_home_tiles_program_page_and_brief_open_on_the_complete_year(zjj, login, closed_2022_and_batch_2023):
    client = login(zjj)
    home = client.get("/")
    tiles = {t["label"]: t for t in home.context["tiles"]}
    tech = tiles[str(Tier.TECH_SME.label)]
    assert tech["value"] == 5
    assert tech["note"] == "2022年末；2023年（进行中）：已评价 2 家"
    program = client.get(reverse("innovation:home"))
    assert program.context["year"] == 2022 and not program.context["partial"]
    assert "2023年（进行中）：已评价 2 家" in program.content.decode()
    brief = client.get(reverse("innovation:brief"))
    assert brief.context["year"] == 2022
    assert "共评价入库科技型中小企业5家" in brief.content.decode()


def test_a_year_in_progress_chosen_explicitly_is_marked_and_shows_no_change(
    zjj, login, closed_2022_and_batch_2023
):
    page = login(zjj).get(reverse("innovation:home"), {"year": 2023})
    assert page.context["partial"]
    html = page.content.decode()
    assert "（进行中）" in html and 'id="progress-note"' in html
    assert "-60.0%" not in html  # 2 against 5: not a fall, a year not finished


def test_the_province_sees_the_same_headline(hunan, closed_2022_and_batch_2023, login):
    headline = selectors.pool_headline(user=hunan)
    assert headline.year == 2022
    assert headline.progress_note() == "2023年（进行中）：已评价 2 家"


def test_without_a_closed_year_the_latest_is_shown_as_partial(zjj, evaluated_campaign):
    batch = evaluated_campaign([tech_row(1)], year=2023)
    services.campaign_confirm(campaign=batch, entered_on=date(2023, 6, 30), acting_user=zjj)
    headline = selectors.pool_headline(user=zjj)
    assert headline.year == 2023 and headline.is_partial(2023)
    assert headline.progress_note() == "2023年（进行中）：已评价 1 家"


def test_confirming_with_the_year_complete_closes_it(zjj, login, evaluated_campaign):
    campaign = evaluated_campaign([tech_row(1)], year=2022)
    login(zjj).post(
        reverse("innovation:campaign-confirm", args=[campaign.pk]),
        {"entered_on": "2022-09-30", "closes_year": "on"},
    )
    campaign.refresh_from_db()
    assert campaign.status == EvaluationCampaign.Status.CONFIRMED and campaign.closes_year
    assert selectors.pool_headline(user=zjj).headline.complete
