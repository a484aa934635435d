"""The 邵阳县 demo and its brief: the report's figures come out of the raw records."""

from __future__ import annotations

import polars as pl
import pytest

from countyworks.core.actors import SYSTEM
from countyworks.core.briefs import brief_text
from countyworks.core.errors import BriefUnavailable
from countyworks.core.models import Household
from countyworks.core.periods import Period
from countyworks.courtyards import selectors
from countyworks.courtyards.demo import load_demo
from countyworks.courtyards.demo.loading import DIFFICULTY_HEAD, XIANANCHONG
from countyworks.courtyards.models import Award, Inspection, Work


def test_the_demo_is_idempotent_and_holds_the_reports_records(demo):
    load_demo()
    assert Household.objects.filter(region_id=XIANANCHONG).count() == 54
    done = Work.objects.filter(courtyard__region_id=XIANANCHONG, status=Work.Status.DONE)
    assert done.filter(kind=Work.Kind.DRY_TOILET).count() == 12
    assert done.filter(kind=Work.Kind.HOLLOW_HOUSE).count() == 2
    months = Inspection.objects.filter(household__region_id=XIANANCHONG).dates("month", "month")
    assert len(months) == 12


def test_the_brief_reproduces_the_reports_figures_from_records(demo):
    board = selectors.annual_board(user=SYSTEM, prefix=XIANANCHONG, year=2023)
    top = board.filter(pl.col("top_ten")).sort(["rank_courtyard", "household"])
    names = [Household.objects.get(pk=pk).head_name for pk in top["household"]]
    five_star = Inspection.objects.filter(household__region_id=XIANANCHONG, month__year=2023, stars=5).count()

    for code in ("430523", XIANANCHONG):
        text = brief_text("courtyards", code, Period.parse("2023"))
        assert "下南冲院落共54户村民" in text
        assert "拆除旱厕12座、空心房2座，修建凉亭1座，增建花圃4处" in text
        assert "每月开展卫生评比12次，共评比640户次" in text  # 2 households back only from May
        assert f"评选“星级文明户”{five_star}户次" in text
        top_ten = text.split("前十名")[1].split("予以奖励")[0]
        assert [name for name in names if name in top_ten] == names  # every one of them, in rank order
        assert top_ten.index(names[0]) < top_ten.index(names[-1])
    county = brief_text("courtyards", "430523", Period.parse("2023"))
    assert "共有美丽庭院创建院落4个，其中示范院落1个" in county
    assert "南冲、响联、青联3处" in county
    awarded = Award.objects.filter(year=2023).count()
    assert awarded == len(names) >= 10


def test_the_household_in_difficulty_is_flagged_and_its_help_recorded(demo):
    household = Household.objects.get(head_name=DIFFICULTY_HEAD)
    assert household.courtyard_profile.needs_assistance
    assert household.courtyard_assistance.count() == 3


def test_a_months_brief_is_refused(demo):
    with pytest.raises(BriefUnavailable):
        brief_text("courtyards", "430523", Period.parse("2023-06"))
