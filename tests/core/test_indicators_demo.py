"""Every materialised indicator of the demo agrees with a row-by-row recomputation from the records,
reproduces the seed article's figures, and the incremental refresh agrees with a rebuild."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from countyworks.alliances import collective
from countyworks.alliances.models import LedgerEntry, VillageIncome
from countyworks.core import indicator_store
from countyworks.core.actors import SYSTEM
from countyworks.core.demo import load_demo
from countyworks.core.indicator_selectors import pivot
from countyworks.core.indicators import all_indicators, combine_over_time
from countyworks.core.models import IndicatorReport, IndicatorValue
from countyworks.core.periods import Period
from countyworks.courtyards.models import Inspection, Work
from countyworks.energy.carbon import carbon_figures, load_factor_sets
from countyworks.energy.models import Station
from countyworks.energy.statistics import area_summary
from countyworks.innovation.models import PoolMembership, Tier
from countyworks.innovation.selectors import region_figures, year_end
from countyworks.parks.models import DisposalAction, InvestmentLead, Parcel
from countyworks.workflow.models import Status, Ticket
from tests.conftest import loaded_once

pytestmark = pytest.mark.slow

#: The whole demo, loaded once for both tests (each test's writes are rolled back).
_demo_once = loaded_once(load_demo)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _pool(tier: str):
    memberships = list(PoolMembership.objects.select_related("organisation"))

    def oracle(region: str, period: Period) -> tuple[Decimal, Decimal]:
        day = year_end(period.year)
        orgs = {
            m.organisation_id
            for m in memberships
            if m.tier == tier and m.is_active_on(day) and m.organisation.region_id.startswith(region)
        }
        return Decimal(len(orgs)), Decimal(0)

    return oracle


def _tickets(kind: str):
    tickets = list(Ticket.objects.all())
    now = timezone.now()

    def oracle(region: str, period: Period) -> tuple[Decimal, Decimal]:
        start, end = _aware(period.start), _aware(period.end)
        mine = [t for t in tickets if t.region_id.startswith(region)]
        if kind == "overdue":
            due = [t for t in mine if start <= t.resolution_due < min(end, now)]
            late = [
                t
                for t in due
                if (t.resolved_at or t.closed_at) is None or (t.resolved_at or t.closed_at) > t.resolution_due
            ]
            return Decimal(len(late)), Decimal(len(due))
        done = [
            t for t in mine if t.status == Status.RESOLVED and t.resolved_at and start <= t.resolved_at < end
        ]
        return Decimal(len([t for t in done if t.resolved_at <= t.resolution_due])), Decimal(len(done))

    return oracle


def _energy(kind: str, factor: float = 0.0):
    stations = list(Station.objects.all())

    def oracle(region: str, period: Period) -> tuple[Decimal, Decimal]:
        summary = area_summary(
            [s for s in stations if s.region_id.startswith(region)], period, with_previous=False
        )
        central, total = summary.centralised.energy_mwh, summary.generation.energy_mwh
        if kind == "generation":
            return Decimal(str(total)), Decimal(0)
        if kind == "share":
            return Decimal(str(central)), Decimal(str(total))
        return Decimal(str(carbon_figures(central * 1000, factor).co2_t)), Decimal(0)

    return oracle


def _within(day: date | None, period: Period) -> bool:
    return day is not None and period.start <= day < period.end


def _parks(kind: str):
    leads = list(InvestmentLead.objects.all())
    parcels = list(Parcel.objects.all())
    actions = list(DisposalAction.objects.select_related("parcel"))

    def oracle(region: str, period: Period) -> tuple[Decimal, Decimal]:
        if kind in ("signed", "contracted"):
            signed = [x for x in leads if x.region_id.startswith(region) and _within(x.signed_on, period)]
            if kind == "signed":
                return Decimal(len(signed)), Decimal(0)
            return sum((x.contracted_yi or Decimal(0) for x in signed), Decimal(0)), Decimal(0)
        mine = [a for a in actions if a.parcel.region_id.startswith(region)]
        if kind == "disposed":
            return sum((a.area_mu for a in mine if _within(a.disposed_on, period)), Decimal(0)), Decimal(0)
        stock = {
            p.pk
            for p in parcels
            if p.region_id.startswith(region) and p.category == kind and p.identified_on < period.start
        }
        area = sum((p.area_mu for p in parcels if p.pk in stock), Decimal(0))
        before = sum(
            (a.area_mu for a in mine if a.parcel_id in stock and a.disposed_on < period.start), Decimal(0)
        )
        within = sum(
            (a.area_mu for a in mine if a.parcel_id in stock and _within(a.disposed_on, period)), Decimal(0)
        )
        return within, area - before

    return oracle


def _villages(kind: str):
    booked = list(VillageIncome.objects.all())
    inflows = list(LedgerEntry.objects.filter(village__isnull=False))

    def oracle(region: str, period: Period) -> tuple[Decimal, Decimal]:
        income: dict[str, int] = {}
        for row in booked:
            if row.year == period.year and row.region_id.startswith(region):
                operating = row.amount_fen if row.source in collective.OPERATING_SOURCES else 0
                income[row.region_id] = income.get(row.region_id, 0) + operating
        for entry in inflows:
            if entry.year == period.year and entry.village_id in income:
                income[entry.village_id] += entry.amount_fen
        if kind == "over":
            return Decimal(sum(1 for v in income.values() if v >= 100_000_00)), Decimal(0)
        if kind == "weak":
            return Decimal(sum(1 for v in income.values() if v < 50_000_00)), Decimal(0)
        wan = sum(((Decimal(v) / 1_000_000).quantize(Decimal("0.0001")) for v in income.values()), Decimal(0))
        return wan, Decimal(len(income) if kind == "mean" else 0)

    return oracle


def _courtyards(kind: str):
    inspections = list(Inspection.objects.select_related("household"))
    works = list(Work.objects.select_related("courtyard"))

    def oracle(region: str, period: Period) -> tuple[Decimal, Decimal]:
        if kind == "works":
            done = [
                w
                for w in works
                if w.status == Work.Status.DONE
                and w.courtyard.region_id.startswith(region)
                and _within(w.completed_on, period)
            ]
            return Decimal(len(done)), Decimal(0)
        mine = [
            i for i in inspections if i.household.region_id.startswith(region) and _within(i.month, period)
        ]
        if kind == "stars":
            return Decimal(sum(1 for i in mine if i.stars == 5)), Decimal(len(mine))
        return sum((i.total for i in mine), Decimal(0)), Decimal(len(mine))

    return oracle


def _oracles():
    found = {
        "innovation.tech_sme": _pool(Tier.TECH_SME),
        "innovation.high_tech": _pool(Tier.HIGH_TECH),
        "workflow.overdue_rate": _tickets("overdue"),
        "workflow.on_time_rate": _tickets("on_time"),
        "energy.generation": _energy("generation"),
        "energy.centralised_share": _energy("share"),
    }
    found |= {
        "parks.signed_projects": _parks("signed"),
        "parks.contracted_investment": _parks("contracted"),
        "parks.disposed_land": _parks("disposed"),
        **{f"parks.{c}_disposal_rate": _parks(c) for c in ("unsupplied", "idle", "inefficient")},
        "alliances.villages_over_100k": _villages("over"),
        "alliances.weak_villages": _villages("weak"),
        "alliances.collective_income": _villages("income"),
        "alliances.mean_collective_income": _villages("mean"),
        "courtyards.star_household_share": _courtyards("stars"),
        "courtyards.average_score": _courtyards("scores"),
        "courtyards.works_completed": _courtyards("works"),
    }
    for code in load_factor_sets():
        found[f"energy.co2_{code.replace('-', '_')}"] = _energy("co2", code)  # type: ignore[arg-type]
    return found


def test_demo_indicators_agree_with_the_records_row_by_row(_demo_once, db):
    oracles = _oracles()
    assert set(oracles) == set(all_indicators())
    values = list(IndicatorValue.objects.all())
    assert len(values) > 500
    for value in values:
        top, bottom = oracles[value.indicator](value.region_id, Period.parse(value.period))
        tolerance = Decimal("0.01") if value.indicator.startswith("energy.") else Decimal(0)
        assert abs(value.numerator - top) <= tolerance, (value, top)
        assert abs(value.denominator - bottom) <= tolerance, (value, bottom)

    # The seed article's figures: 304 科技型中小企业 (+65.2 % on 184), 123 高企 (+28.1 % on 96) …
    tech = pivot(user=SYSTEM, code="innovation.tech_sme", region="4308", until="2022", span=2).total.cells
    assert [c.value for c in tech if c] == [184, 304] and tech[-1].change == Decimal("65.2")
    assert tech[-1].value == region_figures(region_prefix="4308", year=2022).ladder[Tier.TECH_SME].count
    high = pivot(user=SYSTEM, code="innovation.high_tech", region="4308", until="2022", span=2).total.cells[
        -1
    ]
    assert (high.value, high.change) == (123, Decimal("28.1"))
    # … and 6.1亿 kWh of wind and centralised PV in 沅江市 over 2022, 61万 t CO2 with the article's factors.
    months = pivot(user=SYSTEM, code="energy.centralised_share", region="430981", until="2022-12", span=12)
    year = combine_over_time(
        all_indicators()["energy.centralised_share"],
        [(c.numerator, c.denominator) for c in months.total.cells if c],
    )
    assert year is not None and round(year[0]) == 610_000
    co2 = pivot(user=SYSTEM, code="energy.co2_article_2023", region="430981", until="2022-12", span=12)
    assert round(sum(c.numerator for c in co2.total.cells if c)) == 610_000
    assert IndicatorReport.objects.filter(region_id="43").count() == 2


def test_demo_refresh_after_changes_agrees_with_a_rebuild(_demo_once, db):
    ticket = Ticket.objects.filter(status=Status.NEW).first()
    ticket.region_id = "430482"
    ticket.save()
    PoolMembership.objects.filter(tier=Tier.HIGH_TECH).first().delete()
    station = Station.objects.filter(kind="wind").first()
    station.kind = "biomass"
    station.save()
    indicator_store.indicators_refresh()

    def snapshot():
        return {
            (v.indicator, v.region_id, v.period): (v.numerator, v.denominator)
            for v in IndicatorValue.objects.all()
        }

    incremental = snapshot()
    indicator_store.indicators_rebuild()
    assert incremental == snapshot()
