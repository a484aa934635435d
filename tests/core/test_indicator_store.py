"""Materialised indicators on a city with its own districts: totals, no double counting, and the
incremental refresh agreeing with a rebuild from scratch (core/indicator_store.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone

from countyworks.core import indicator_report, indicator_selectors, indicator_store
from countyworks.core.indicator_selectors import pivot, ranking
from countyworks.core.indicators import (
    Indicator,
    Source,
    Touch,
    combine_over_time,
    period_of,
    periods_between,
    previous_period,
)
from countyworks.core.models import IndicatorDirty, IndicatorValue, Organisation, Region
from countyworks.core.periods import Period

YEAR = Period.parse("2023")


def _organisations(prefix: str, period: Period) -> dict[str, int]:
    rows = Organisation.objects.filter(region__code__startswith=prefix).order_by()
    return dict(rows.values_list("region_id").annotate(n=Count("id")))


def _enterprises(prefix: str, period: Period) -> dict[str, int]:
    rows = Organisation.objects.filter(region__code__startswith=prefix, kind="enterprise").order_by()
    return dict(rows.values_list("region_id").annotate(n=Count("id")))


def _touches(organisation: Organisation):
    yield Touch(organisation.region_id, date(2023, 1, 1))  # counted in every period since


COUNT = Indicator(
    code="workflow.test_organisations",
    name="组织数",
    unit="家",
    period_type="year",
    aggregation="sum",
    numerator=_organisations,
    since=lambda: date(2023, 1, 1),
    sources=(Source("core.Organisation", _touches),),
    key=True,
)
SHARE = Indicator(
    code="workflow.test_enterprise_share",
    name="企业占比",
    unit="%",
    period_type="year",
    aggregation="weighted_mean",
    numerator=_enterprises,
    denominator=_organisations,
    scale=100,
    since=lambda: date(2023, 1, 1),
    sources=(Source("core.Organisation", _touches),),
    decimals=1,
)


@pytest.fixture
def hengyang(db, monkeypatch):
    """衡阳市 (4304) with organisations at the city itself (市本级), in its district 珠晖区 (430405)
    and in the county-level city 常宁市 (430482) and its town; two indicators over them."""
    Region.objects.get_or_create(
        code="430405100", defaults={"name": "东风街道", "level": "town", "parent_id": "430405"}
    )
    placed = {"4304": 2, "430405": 3, "430405100": 1, "430482": 4, "430482100": 5, "431302": 7}
    for code, n in placed.items():
        for i in range(n):
            kind = "enterprise" if i % 2 == 0 else "cooperative"
            Organisation.objects.create(name=f"{code}-{i}", region_id=code, kind=kind)
    found = {COUNT.code: COUNT, SHARE.code: SHARE}
    monkeypatch.setattr(indicator_store, "all_indicators", lambda: found)
    monkeypatch.setattr(indicator_selectors, "all_indicators", lambda: found)
    monkeypatch.setattr(indicator_report, "all_indicators", lambda: found)
    monkeypatch.setattr(
        indicator_store,
        "_SOURCES",
        {"core.Organisation": [(COUNT, COUNT.sources[0]), (SHARE, SHARE.sources[0])]},
    )
    monkeypatch.setattr(indicator_store, "_today", lambda: date(2024, 3, 1))
    monkeypatch.setattr(indicator_selectors, "_today", lambda: date(2024, 3, 1))
    return placed


def _stored(code: str) -> dict[tuple[str, str], tuple[Decimal, Decimal, Decimal, Decimal, Decimal | None]]:
    return {
        (v.region_id, v.period): (v.own_numerator, v.own_denominator, v.numerator, v.denominator, v.value)
        for v in IndicatorValue.objects.filter(indicator=code)
    }


def test_periods_of_an_indicator_type():
    assert period_of("quarter", date(2023, 8, 9)) == Period(2023, "quarter", 3)
    assert previous_period(Period(2023, "month", 1)) == Period(2022, "month", 12)
    assert previous_period(Period(2023, "quarter", 1)) == Period(2022, "quarter", 4)
    assert previous_period(Period(2023, "year")) == Period(2022, "year")
    months = periods_between("month", date(2022, 11, 30), date(2023, 2, 1))
    assert [str(p) for p in months] == ["2022-11", "2022-12", "2023-01", "2023-02"]
    assert periods_between("year", date(2024, 1, 1), date(2023, 1, 1)) == []


def test_the_report_adds_the_months_of_a_flow_and_keeps_the_last_of_a_stock(hengyang, monkeypatch):
    monthly = Indicator("workflow.test_monthly", "月度组织数", "家", "month", "sum", _organisations)
    stock = Indicator("workflow.test_stock", "月末组织数", "家", "month", "latest", _organisations)
    for indicator in (monthly, stock):
        for month in ("2024-01", "2024-02"):
            IndicatorValue.objects.create(
                indicator=indicator.code,
                period=month,
                region_id="43",
                numerator=15,
                computed_at=timezone.now(),
            )
    assert indicator_report._year_to_date(monthly, "43", Period.parse("2024-02")) == "30"
    assert indicator_report._year_to_date(stock, "43", Period.parse("2024-02")) == "15"


def test_over_time_a_stock_keeps_its_last_value_and_flows_and_rates_add():
    cells = [(Decimal(3), Decimal(4)), (Decimal(5), Decimal(10))]
    stock = Indicator("x.stock", "库存", "家", "month", "latest", _organisations)
    assert combine_over_time(stock, cells) == (Decimal(5), Decimal(10))
    assert combine_over_time(SHARE, cells) == (Decimal(8), Decimal(14))
    assert combine_over_time(SHARE, []) is None


def test_a_city_is_the_sum_of_its_own_records_and_its_districts_counted_once(hengyang):
    indicator_store.indicators_rebuild()
    stored = _stored(COUNT.code)
    assert stored[("4304", "2023")][:4] == (2, 0, 15, 0)  # own 2; 2 + 3 + 1 + 4 + 5
    assert stored[("430405", "2023")][2] == 4
    assert stored[("430482", "2023")][2] == 9
    assert stored[("43", "2023")][2] == Organisation.objects.count() == sum(hengyang.values())
    assert ("4303", "2023") not in stored  # regions without records get no value
    share = _stored(SHARE.code)
    top, bottom = share[("4304", "2023")][2:4]
    assert share[("4304", "2023")][4] == top * 100 / bottom  # Σ numerators / Σ denominators


def test_the_pivot_of_a_city_adds_up_to_its_total(hengyang, hunan):
    indicator_store.indicators_rebuild()
    table = pivot(user=hunan, code=COUNT.code, region="4304", until="2023", span=1)
    names = [row.name for row in table.rows]
    assert names == ["珠晖区", "常宁市", "衡阳市本级"]
    assert sum(row.cells[0].numerator for row in table.rows) == table.total.cells[0].numerator == 15
    province = pivot(user=hunan, code=COUNT.code, region="43", until="2023", span=1)
    assert {row.code for row in province.rows} == {"4304", "4313"}  # cities only, not 430405 beside 4304
    assert sum(row.cells[0].numerator for row in province.rows) == province.total.cells[0].numerator
    ranked = ranking(province)
    assert [(r.rank, r.code) for r in ranked] == [(1, "4304"), (2, "4313")]


def test_a_changed_record_refreshes_its_cells_like_a_rebuild(hengyang):
    indicator_store.indicators_rebuild()
    moved = Organisation.objects.filter(region_id="430405100").get()
    new = Organisation.objects.create(name="新企业", region_id="430482100", kind="enterprise")
    moved.region_id = "431302100"
    moved.save()
    Organisation.objects.filter(region_id="4304").first().delete()
    assert IndicatorDirty.objects.exists()
    assert indicator_store.indicators_refresh() > 0
    assert not IndicatorDirty.objects.exists()
    incremental = {code: _stored(code) for code in (COUNT.code, SHARE.code)}
    assert incremental[COUNT.code][("430482100", "2023")][2] == 6
    assert ("430405100", "2023") not in incremental[COUNT.code]  # its only record moved away
    indicator_store.indicators_rebuild()
    assert incremental == {code: _stored(code) for code in (COUNT.code, SHARE.code)}
    assert new.pk


def test_a_rebuild_of_one_period_leaves_the_others(hengyang):
    indicator_store.indicators_rebuild()
    IndicatorValue.objects.filter(indicator=COUNT.code).update(numerator=0)
    report = indicator_store.indicators_rebuild(codes=[COUNT.code], period=Period.parse("2024"))
    assert report.periods == 1
    assert IndicatorValue.objects.filter(indicator=COUNT.code, period="2023", numerator=0).exists()
    assert not IndicatorValue.objects.filter(indicator=COUNT.code, period="2024", numerator=0).exists()


def test_open_periods_are_incomplete_and_refreshed(hengyang):
    indicator_store.indicators_rebuild()
    assert IndicatorValue.objects.get(indicator=COUNT.code, period="2024", region_id="43").complete is False
    assert IndicatorValue.objects.get(indicator=COUNT.code, period="2023", region_id="43").complete is True
    Organisation.objects.bulk_create([Organisation(name="批量", region_id="4304")])  # no signal
    indicator_store.indicators_refresh_open()
    assert (
        IndicatorValue.objects.get(indicator=COUNT.code, period="2024", region_id="4304").own_numerator == 3
    )


def test_outside_the_area_is_not_found(hengyang, changning, louxing):
    from django.http import Http404

    indicator_store.indicators_rebuild()
    table = pivot(user=changning, code=COUNT.code)
    assert table.node == "430482"
    assert [(row.code, row.own) for row in table.rows] == [("430482100", False), ("430482", True)]
    with pytest.raises(Http404):
        pivot(user=changning, code=COUNT.code, region="4304")
    with pytest.raises(Http404):
        pivot(user=louxing, code=COUNT.code, region="430482")


def test_the_page_shows_the_city_with_its_parts_marks_open_periods_and_exports_what_it_shows(
    hengyang, hunan, login
):
    import io

    from openpyxl import load_workbook

    indicator_store.indicators_rebuild()
    client = login(hunan)
    query = f"?indicator={COUNT.code}&region=4304&span=2&until=2024"
    page = client.get("/indicators/" + query).content.decode()
    assert "珠晖区" in page and "常宁市" in page and "衡阳市本级" in page
    assert "2024*" in page and "ind-incomplete" in page
    assert "region=430405" in page  # drill-down into a district
    sheet = load_workbook(io.BytesIO(client.get("/indicators/" + query + "&format=xlsx").content))["指标透视"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["地区", "2023", "2024*"]
    assert rows[1:5] == [["合计", 15, 15], ["珠晖区", 4, 4], ["常宁市", 9, 9], ["衡阳市本级", 2, 2]]
    change = client.get("/indicators/" + query + "&show=change").content.decode()
    assert "0.0%" in change  # 2024 against 2023: no change


def test_the_api_pivot_is_scoped(hengyang, hunan, louxing, login):
    indicator_store.indicators_rebuild()
    body = (
        login(hunan).get(f"/api/v1/core/indicators/{COUNT.code}/pivot?region=4304&until=2023&span=1").json()
    )
    assert body["total"]["cells"][0]["numerator"] == 15
    assert [row["code"] for row in body["rows"]] == ["430405", "430482", "4304"]
    assert login(louxing).get(f"/api/v1/core/indicators/{COUNT.code}/pivot?region=4304").status_code == 404
    assert login(louxing).get("/api/v1/core/indicators/nope/pivot").status_code == 404


def test_the_monthly_report_is_kept_and_scoped(hengyang, hunan, changning, login):
    from countyworks.core.models import Region

    indicator_store.indicators_rebuild()
    report = indicator_report.report_produce(
        region=Region.objects.get(code="43"), month=Period.parse("2024-02")
    )
    section = report.content["sections"][0]
    assert section["name"] == "组织数" and section["period"] == "2024*" and section["value"] == "22"
    assert [r["name"] for r in section["laggards"]] == ["娄底市", "衡阳市"]
    assert section["year_to_date"] == ""  # a yearly count has no year to date
    again = indicator_report.report_produce(
        region=Region.objects.get(code="43"), month=Period.parse("2024-02")
    )
    assert again.pk == report.pk  # one report per area and month
    assert report.title in login(hunan).get("/indicators/reports/").content.decode()
    assert login(hunan).get(f"/indicators/reports/{report.pk}/?format=xlsx").status_code == 200
    assert report.title not in login(changning).get("/indicators/reports/").content.decode()
    assert login(changning).get(f"/indicators/reports/{report.pk}/").status_code == 404


def test_the_command_line_rebuilds_and_reports(hengyang, capsys):
    from countyworks import cli

    assert cli.main(["indicators", "rebuild", "--indicator", "nope.nothing"]) == 1
    assert "unknown indicator nope.nothing" in capsys.readouterr().err
    assert cli.main(["indicators", "rebuild", "--period", "2023-13"]) == 1
    assert "month must be 1–12" in capsys.readouterr().err
    assert cli.main(["indicators", "rebuild", "--period", "2023"]) == 0
    assert "2 indicators, 2 periods" in capsys.readouterr().out
    assert IndicatorValue.objects.filter(period="2023").exists()
    assert not IndicatorValue.objects.filter(period="2024").exists()
    assert cli.main(["indicators", "report", "--region", "430000", "--month", "2024"]) == 1
    assert "must be a month" in capsys.readouterr().err
    assert cli.main(["indicators", "report", "--region", "430000", "--month", "2024-02"]) == 0
    assert "湖南省重点指标月报（2024年2月）" in capsys.readouterr().out


def test_the_home_chart_never_shows_a_city_beside_its_own_districts(hengyang, hunan):
    from countyworks.core.selectors import organisations_by_region

    province = organisations_by_region(user=hunan)
    assert [(p.code, p.amount) for p in province] == [("4304", 15), ("4313", 7)]
    city = organisations_by_region(user=hunan, within="4304")
    assert [(p.name, p.amount, p.own) for p in city] == [
        ("珠晖区", 4, False),
        ("常宁市", 9, False),
        ("衡阳市本级", 2, True),
    ]
