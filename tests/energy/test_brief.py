"""The brief reproduces the seed article's figures from the demo's telemetry (docs/rules/energy-statistics.md §4)."""

from __future__ import annotations

from datetime import date

import pytest

from countyworks.core.briefs import brief_text
from countyworks.core.errors import BriefUnavailable
from countyworks.core.periods import Period
from countyworks.energy import statistics
from countyworks.energy.demo import load_demo
from countyworks.energy.models import DayAheadSchedule, Measurement, Station


@pytest.mark.slow
def test_demo_brief_reproduces_the_article(db):
    load_demo()
    text = brief_text("energy", "430981", Period.parse("2022"))
    for figure in (
        "并网容量 38万 kW",
        "发电 6.1亿 kWh",
        "38.44%",
        "节约标准煤 20万 t",
        "减少二氧化碳排放 61万 t",
        "article-2023",
        "风电场 5 座 22.99万 kW",
        "渔光互补项目 2 个",
        "2.44 m/s（10 m 高度）",
        "黄茅洲、共华、新华、南大膳",
        "10 t/h 以下燃煤锅炉 36 台，已替代 36 台",
        "100 MW 持续 2 h",
        "20万 kWh",
    ):
        assert figure in text, figure
    assert (
        "mee-nbs-2023-national" in text and "标准煤因子未设定" in text
    )  # the official set has no coal factor
    # The figures come from telemetry: the 2022 readings are really there.
    stations = list(Station.objects.filter(region__code__startswith="430981"))
    assert Measurement.objects.count() >= 8760 * len(stations)
    summary = statistics.area_summary(stations, Period.parse("2022"))
    assert summary.centralised.energy_mwh == pytest.approx(610_000, rel=1e-9)
    assert summary.centralised.full_load_hours == pytest.approx(1605.26, abs=0.01)
    storage = summary.storage[0]
    assert storage.best_day == date(2022, 7, 24)
    assert (storage.best_day_mwh, storage.best_day_peak_mw, storage.best_day_hours_at_peak) == (
        pytest.approx(200),
        pytest.approx(100),
        2,
    )
    assert storage.round_trip == pytest.approx(0.88)
    # the storage followed its day-ahead schedule, solved by the dispatch LP
    plan = DayAheadSchedule.objects.get(station=storage.station, day=date(2022, 7, 24))
    assert plan.steps["discharge_mw"][19:21] == [100.0, 100.0]
    load_demo()  # idempotent
    assert Station.objects.filter(code="xinwan-ess").count() == 1


def test_brief_without_stations_is_unavailable(db):
    with pytest.raises(BriefUnavailable):
        brief_text("energy", "431302", Period.parse("2022"))


def test_brief_without_telemetry_is_unavailable(storage):
    with pytest.raises(BriefUnavailable):
        brief_text("energy", "430981", Period.parse("2022"))


def _daily_output(station, first: date, last: date, kwh: float = 1000.0) -> None:
    from datetime import timedelta

    from countyworks.energy.models import Rollup
    from countyworks.energy.statistics import local_midnight

    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    Rollup.objects.bulk_create(
        Rollup(
            point_id=station.output_point_id,
            step=Rollup.Step.DAY,
            bucket=local_midnight(day),
            count=96,
            total=96 * kwh / 24,
            minimum=0,
            maximum=kwh / 12,
            integral_pos=kwh,
            integral_neg=0,
        )
        for day in days
    )


def test_a_period_the_telemetry_only_partly_covers_is_refused(wind):
    _daily_output(wind, date(2022, 4, 10), date(2022, 6, 30))
    with pytest.raises(
        BriefUnavailable, match=r"covers 2022-04-10 – 2022-06-30 only, not the whole of 2022Q2"
    ):
        brief_text("energy", "430981", Period.parse("2022Q2"))
    text = brief_text("energy", "430981", Period.parse("2022-05"))
    assert text.splitlines()[0].endswith("2022年5月新能源运行统计简报")
