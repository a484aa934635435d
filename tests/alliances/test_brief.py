"""`countyworks brief alliances` from the demo's raw records: the report's 常宁 figures."""

from __future__ import annotations

import pytest

from countyworks.alliances.brief import brief_text
from countyworks.alliances.models import LedgerEntry, VillageIncome
from countyworks.cli import main
from countyworks.core.errors import BriefUnavailable
from countyworks.core.periods import Period


def test_brief_reproduces_the_report(demo, capsys):
    assert main(["brief", "alliances", "--region", "430482", "--period", "2022"]) == 0
    out = capsys.readouterr().out
    assert "截至2022年底，常宁市村集体经济薄弱村全面清零，206个村集体经济收入超过10万元。" in out
    assert "上年收入超过10万元的村168个" in out


def test_figures_follow_the_records(demo):
    """Lower one village's booked income under 5万: the brief counts it at once."""
    village = LedgerEntry.objects.filter(year=2022, village__isnull=False).values_list(
        "village_id", flat=True
    )
    row = (
        VillageIncome.objects.filter(year=2022, source="operating")
        .exclude(region_id__in=list(village))
        .order_by("region_id")
        .first()
    )
    assert row is not None
    VillageIncome.objects.filter(region_id=row.region_id, year=2022).exclude(source="subsidy").update(
        amount_fen=0
    )
    text = brief_text("430482", Period.parse("2022"))
    assert "村集体经济薄弱村1个" in text


def test_demo_is_idempotent(demo):
    before = VillageIncome.objects.count(), LedgerEntry.objects.count()
    from countyworks.alliances.demo import load_demo

    load_demo()
    assert (VillageIncome.objects.count(), LedgerEntry.objects.count()) == before


@pytest.mark.parametrize("period", ["2022Q2", "2022-06"])
def test_sub_year_periods_are_refused(db, period):
    with pytest.raises(BriefUnavailable, match="annual"):
        brief_text("430482", Period.parse(period))


def test_no_data_exits_1(db, capsys):
    assert main(["brief", "alliances", "--region", "431302", "--period", "2022"]) == 1
    assert "no village collective income for 娄星区 in 2022" in capsys.readouterr().err
