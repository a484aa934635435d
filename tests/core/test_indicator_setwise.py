"""Set-wise measurement of the indicators (core/indicators.py ``Series``, ``shared``), the rebuild
that uses it, and the pivot page's cache (core/views_indicators.py): a rebuild measuring many
months in one query agrees with the refresh measuring one month, and with a row-by-row
recomputation from the tickets; a refreshed value is shown at once, never a cached one.

The agreement tests run on SQLite and, with ``-m postgres`` and ``DATABASE_URL=postgres://…``, on
PostgreSQL (the rebuild's COPY path and the time-zone truncation of the months)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from countyworks.core import indicator_selectors, indicator_store, views_indicators
from countyworks.core.indicators import (
    Series,
    all_indicators,
    measure_over,
    period_of,
    shared,
    shared_measurements,
)
from countyworks.core.models import IndicatorDirty, IndicatorValue, Organisation, Person, Region
from countyworks.core.periods import Period
from countyworks.workflow.indicators import due_tickets, overdue_tickets, resolved_on_time, resolved_tickets
from countyworks.workflow.models import SlaPolicy, Status, Ticket

WORKFLOW = ("workflow.overdue_rate", "workflow.on_time_rate")
MONTHS = [Period(2024, "month", m) for m in range(1, 7)]


def _local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def _ticket(region: str, due: datetime, resolved: datetime | None, n: int) -> Ticket:
    return Ticket.objects.create(
        subject_type=ContentType.objects.get_for_model(Organisation),
        subject_id="1",
        region_id=region,
        title=f"工单{n}",
        status=Status.RESOLVED if resolved else Status.IN_PROGRESS,
        policy=SlaPolicy.objects.get(code="overnight"),
        owner_person=Person.objects.get_or_create(name="专班", region_id="43")[0],
        created_at=due - timedelta(days=2),
        resolution_due=due,
        resolved_at=resolved,
        closed_at=resolved,
    )


@pytest.fixture
def tickets(db, monkeypatch):
    """Tickets in a town, a county, a city's own code and another city, due and resolved over the
    first half of 2024 — some late, some open, one due at 23:30 local time on a month's last day
    (the previous day in UTC: months are local)."""
    Region.objects.get_or_create(
        code="430405100", defaults={"name": "东风街道", "level": "town", "parent_id": "430405"}
    )
    monkeypatch.setattr(indicator_store, "_today", lambda: date(2024, 8, 1))
    regions = ["430405100", "430405", "4304", "430482", "431302"]
    made = []
    for n in range(60):
        due = _local(2024, 1 + n % 6, 1 + (n * 7) % 28, (n * 5) % 24)
        resolved = None if n % 7 == 3 else due + timedelta(hours=(-20 if n % 3 else 30))
        made.append(_ticket(regions[n % len(regions)], due, resolved, n))
    made.append(_ticket("430482", _local(2024, 1, 31, 23, 30), _local(2024, 2, 1, 0, 10), 99))
    return made


def _row_by_row() -> dict[str, dict[tuple[str, str], tuple[int, int]]]:
    """Own (numerator, denominator) per (region, month) of both workflow indicators, one ticket at a time."""
    found: dict[str, dict[tuple[str, str], list[int]]] = {c: defaultdict(lambda: [0, 0]) for c in WORKFLOW}
    now = timezone.now()
    for t in Ticket.objects.all():
        if t.resolution_due < now:
            key = (t.region_id, str(period_of("month", timezone.localtime(t.resolution_due).date())))
            stop = t.resolved_at or t.closed_at
            found["workflow.overdue_rate"][key][1] += 1
            found["workflow.overdue_rate"][key][0] += int(stop is None or stop > t.resolution_due)
        if t.status == Status.RESOLVED and t.resolved_at is not None:
            key = (t.region_id, str(period_of("month", timezone.localtime(t.resolved_at).date())))
            found["workflow.on_time_rate"][key][1] += 1
            found["workflow.on_time_rate"][key][0] += int(t.resolved_at <= t.resolution_due)
    return {code: {k: (v[0], v[1]) for k, v in cells.items()} for code, cells in found.items()}


def _own(code: str) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (v.region_id, v.period): (int(v.own_numerator), int(v.own_denominator))
        for v in IndicatorValue.objects.filter(indicator=code)
        if v.own_numerator or v.own_denominator
    }


def _stored(code: str) -> dict[tuple[str, str], tuple[Decimal, ...]]:
    return {
        (v.region_id, v.period): (v.own_numerator, v.own_denominator, v.numerator, v.denominator, v.value)
        for v in IndicatorValue.objects.filter(indicator=code)
    }


def _series_agree_with_one_month_at_a_time() -> None:
    for measure in (due_tickets, overdue_tickets, resolved_tickets, resolved_on_time):
        assert isinstance(measure, Series)
        for prefix in ("", "4304", "430405"):
            at_once = measure_over(measure, prefix, MONTHS)
            assert at_once == {str(p): dict(measure(prefix, p)) for p in MONTHS}
    assert due_tickets("", Period(2024, "month", 1))["430482"] >= 1


def _rebuild_agrees_with_rows_and_refresh(tickets: list[Ticket]) -> None:
    indicator_store.indicators_rebuild(codes=list(WORKFLOW))
    expected = _row_by_row()
    for code in WORKFLOW:
        assert _own(code) == expected[code]
    # The ticket due at 23:30 on 31 January counts in January, delivered on 1 February: in February.
    assert expected["workflow.overdue_rate"][("430482", "2024-01")][1] >= 1
    assert expected["workflow.on_time_rate"][("430482", "2024-02")][1] >= 1
    # Changes through the models: the marks and the refresh (one month at a time) agree with a rebuild.
    late = tickets[1]
    late.region_id = "431302"
    late.resolution_due = _local(2024, 5, 3, 12)
    late.save()
    tickets[2].delete()
    _ticket("430405100", _local(2024, 3, 31, 23, 50), None, 100)
    assert IndicatorDirty.objects.exists()
    indicator_store.indicators_refresh()
    incremental = {code: _stored(code) for code in WORKFLOW}
    indicator_store.indicators_rebuild(codes=list(WORKFLOW))
    assert incremental == {code: _stored(code) for code in WORKFLOW}
    expected = _row_by_row()
    for code in WORKFLOW:
        assert _own(code) == expected[code]
        province = {v.period: v for v in IndicatorValue.objects.filter(indicator=code, region_id="43")}
        for period, row in province.items():
            cells = [v for (_r, p), v in expected[code].items() if p == period]
            assert (row.numerator, row.denominator) == (sum(c[0] for c in cells), sum(c[1] for c in cells))


def test_a_series_measures_many_months_as_one_month_at_a_time(tickets):
    _series_agree_with_one_month_at_a_time()


def test_the_rebuild_agrees_with_the_tickets_row_by_row_and_with_the_refresh(tickets):
    _rebuild_agrees_with_rows_and_refresh(tickets)


@pytest.mark.postgres
def test_on_postgresql_a_series_measures_many_months_as_one_month_at_a_time(tickets):
    _series_agree_with_one_month_at_a_time()


@pytest.mark.postgres
def test_on_postgresql_the_rebuild_agrees_with_the_tickets_and_with_the_refresh(tickets):
    _rebuild_agrees_with_rows_and_refresh(tickets)


def test_a_shared_measurement_is_made_once_inside_a_rebuild_only():
    calls: list[str] = []

    @shared
    def measured(prefix: str, period: Period) -> int:
        calls.append(prefix)
        return len(calls)

    month = Period(2024, "month", 1)
    with shared_measurements():
        assert measured("43", month) == measured("43", month) == 1
        assert measured("4304", month) == 2
    assert measured("43", month) == 3  # outside a rebuild every call measures the records afresh
    assert calls == ["43", "4304", "43"]


def test_the_energy_indicators_share_one_measurement_per_month(db, monkeypatch):
    from countyworks.energy import indicators as energy_indicators
    from countyworks.energy.models import Device, Point, Rollup, Station
    from countyworks.energy.store import DAY, local_tz

    for n, kind in enumerate(("wind", "pv_rooftop")):
        station = Station.objects.create(
            code=f"s{n}",
            name=f"电站{n}",
            kind=kind,
            region_id="430482",
            capacity_mw=10,
            grid_capacity_mw=10,
            commissioned_on=date(2024, 1, 1),
        )
        device = Device.objects.create(station=station, code="meter", name="关口表", kind="grid_meter")
        point = Point.objects.create(device=device, code="P_kW", name="有功功率", quantity="active_power")
        station.output_point = point
        station.save()
        for day in (date(2024, 1, 5), date(2024, 2, 7)):
            bucket = datetime(day.year, day.month, day.day, tzinfo=local_tz())
            Rollup.objects.create(
                point=point, step=DAY, bucket=bucket, count=24, total=1.0, minimum=0.0, maximum=1.0,
                integral_pos=1000.0 * (n + 1), integral_neg=0.0,
            )  # fmt: skip
    monkeypatch.setattr(indicator_store, "_today", lambda: date(2024, 2, 20))
    measured = []
    original = energy_indicators.energy_by_station

    def counting(stations, start, end):
        measured.append(start)
        return original(stations, start, end)

    monkeypatch.setattr(energy_indicators, "energy_by_station", counting)
    energy = [code for code in all_indicators() if code.startswith("energy.")]
    assert len(energy) >= 3
    report = indicator_store.indicators_rebuild(codes=energy)
    assert sorted(measured) == [date(2024, 1, 1), date(2024, 2, 1)]  # once per month for all of them
    assert report.values > 0
    share = IndicatorValue.objects.get(indicator="energy.centralised_share", period="2024-01", region_id="43")
    assert (share.numerator, share.denominator) == (Decimal("1.0000"), Decimal("3.0000"))
    generation = IndicatorValue.objects.get(indicator="energy.generation", period="2024-02", region_id="4304")
    assert generation.numerator == Decimal("3.0000")


def _table(page: str) -> str:
    """The pivot table of a page (the rest carries a fresh CSRF token each time)."""
    found = re.search(r'<table class="table" id="pivot">.*?</table>', page, re.S)
    assert found is not None
    return found.group(0)


def test_the_pivot_page_is_computed_once_and_never_shown_stale(tickets, hunan, login, monkeypatch):
    monkeypatch.setattr(indicator_selectors, "_today", lambda: date(2024, 8, 1))
    indicator_store.indicators_rebuild(codes=list(WORKFLOW))
    computed = []
    original = views_indicators.pivot

    def counting(**kwargs):
        computed.append(kwargs["region"])
        return original(**kwargs)

    monkeypatch.setattr(views_indicators, "pivot", counting)
    client = login(hunan)
    url = "/indicators/?indicator=workflow.overdue_rate&region=4304&span=6&until=2024-06"
    first = _table(client.get(url).content.decode())
    assert _table(client.get(url).content.decode()) == first
    assert computed == ["4304"]  # the second view came from the cache
    before = IndicatorValue.objects.get(indicator="workflow.overdue_rate", period="2024-03", region_id="4304")
    # A new overdue ticket in a town under the city: after the refresh the page shows it at once.
    _ticket("430405100", _local(2024, 3, 10, 9), None, 101)
    indicator_store.indicators_refresh()
    after = IndicatorValue.objects.get(indicator="workflow.overdue_rate", period="2024-03", region_id="4304")
    assert after.denominator == before.denominator + 1
    page = _table(client.get(url).content.decode())
    assert computed == ["4304", "4304"]
    assert page != first
    assert f"{after.value:.1f}" in page
    # A rebuild rewrites every value: the page is computed again.
    indicator_store.indicators_rebuild(codes=list(WORKFLOW))
    client.get(url)
    assert computed == ["4304", "4304", "4304"]
    # Another display, another area or another language is another entry.
    client.get(url + "&show=change")
    client.get(url.replace("4304", "43"))
    assert computed[-2:] == ["4304", "43"]


def test_the_shells_region_options_are_escaped_and_mark_the_active_region():
    from countyworks.core.context_processors import _region_options

    options = _region_options([("43", "湖南省"), ("4301", '　长沙市<b>&"')], "4301")
    assert options == (
        '<option value="43">湖南省</option>'
        '<option value="4301" selected>　长沙市&lt;b&gt;&amp;&quot;</option>'
    )
