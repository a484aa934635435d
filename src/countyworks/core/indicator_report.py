"""The monthly provincial report (指标月报): key indicators, laggards and biggest movers of an area.

Produced by the periodic job on the first of each month for the month just ended
(core/tasks.py), or by ``countyworks indicators report``; it is a snapshot of the materialised
values at that moment, stored as JSON (:class:`~countyworks.core.models.IndicatorReport`), so a
past report reads the same whatever is corrected later. The page and the xlsx render the snapshot.

For each key indicator (``Indicator.key``) the report takes the latest period with values that
does not end after the month (a yearly count shows its latest year), the area's value and its
change against the period before, the three regions below the area that do worst on it, and the
regions that rose and fell most.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from countyworks.core.actors import SYSTEM, Actor
from countyworks.core.indicator_presenters import change_text, number, period_label
from countyworks.core.indicator_selectors import Pivot, pivot, ranking
from countyworks.core.indicators import (
    Indicator,
    all_indicators,
    combine_over_time,
    period_of,
    periods_between,
    previous_period,
)
from countyworks.core.models import IndicatorReport, IndicatorValue, Region
from countyworks.core.periods import Period
from countyworks.core.scoping import SHARED, get_scoped_or_404, scope
from countyworks.core.tabular import XlsxBook

LAGGARDS = 3


def _latest_period(indicator: Indicator, region: str, month: Period) -> Period | None:
    limit = period_of(indicator.period_type, month.end - timedelta(days=1))
    keys = IndicatorValue.objects.filter(indicator=indicator.code, region_id=region).values_list(
        "period", flat=True
    )
    found = sorted(p for p in (Period.parse(k) for k in keys) if p <= limit)
    return found[-1] if found else None


def _year_to_date(indicator: Indicator, region: str, period: Period) -> str:
    """The year up to ``period`` for a monthly or quarterly indicator (本年累计): the months added
    for a flow or a rate, the last one for a stock (``combine_over_time``); empty for a yearly one."""
    if indicator.period_type == "year":
        return ""
    keys = [str(p) for p in periods_between(indicator.period_type, date(period.year, 1, 1), period.start)]
    stored = dict(
        (key, (top, bottom))
        for key, top, bottom in IndicatorValue.objects.filter(
            indicator=indicator.code, region_id=region, period__in=keys
        ).values_list("period", "numerator", "denominator")
    )
    span = combine_over_time(indicator, [stored[key] for key in keys if key in stored])
    return number(indicator.ratio(*span) if span else None, indicator.decimals)


def _section(table: Pivot) -> dict[str, Any]:
    indicator = table.indicator
    ranked = [row for row in ranking(table) if row.value is not None]
    moving = sorted((row for row in ranked if row.change is not None), key=lambda row: row.change or 0)
    total = table.total.last
    decimals = indicator.decimals

    def region(row: Any) -> dict[str, str]:
        return {
            "name": row.name,
            "value": number(row.value, decimals),
            "previous": number(row.previous, decimals),
            "change": change_text(indicator, row.change),
        }

    better = indicator.higher_is_better
    risers = [{**region(r), "worse": not better} for r in moving[-1:] if r.change and r.change > 0]
    fallers = [{**region(r), "worse": better} for r in moving[:1] if r.change and r.change < 0]
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "unit": str(indicator.unit),
        "period": period_label(str(table.periods[-1]), table.complete[-1]),
        "complete": table.complete[-1],
        "value": number(total.value if total else None, decimals),
        "previous": number(total.previous if total else None, decimals),
        "change": change_text(indicator, total.change if total else None),
        "year_to_date": _year_to_date(indicator, table.node, table.periods[-1]),
        "laggards": [region(r) for r in ranked[-LAGGARDS:][::-1]] if len(ranked) > 1 else [],
        "risers": risers,
        "fallers": fallers,
    }


@transaction.atomic
def report_produce(*, region: Region, month: Period) -> IndicatorReport:
    """Write (or rewrite) the report of ``region`` for ``month`` from the materialised values."""
    sections = []
    for indicator in all_indicators().values():
        if not indicator.key:
            continue
        period = _latest_period(indicator, region.code, month)
        if period is None:
            continue
        sections.append(
            _section(pivot(user=SYSTEM, code=indicator.code, region=region.code, until=str(period), span=2))
        )
    title = f"{region.name}重点指标月报（{month.label_zh()}）"
    content = {"region": region.code, "region_name": region.name, "month": str(month), "sections": sections}
    report, _created = IndicatorReport.objects.update_or_create(
        region=region,
        month=str(month),
        defaults={"title": title, "content": content, "created_at": timezone.now()},
    )
    return report


def reports_for_last_month() -> list[IndicatorReport]:
    """The reports of the month just ended, one per province with indicator values."""
    month = previous_period(period_of("month", timezone.localdate()))
    provinces = (
        IndicatorValue.objects.filter(region__level=Region.Level.PROVINCE)
        .values_list("region_id", flat=True)
        .distinct()
    )
    return [
        report_produce(region=region, month=month)
        for region in Region.objects.filter(code__in=list(provinces))
    ]


def report_list(*, user: Actor) -> QuerySet[IndicatorReport]:
    return scope(IndicatorReport.objects.select_related("region"), user, SHARED)


def report_get(*, user: Actor, pk: int) -> IndicatorReport:
    return get_scoped_or_404(IndicatorReport.objects.select_related("region"), user, SHARED, pk=pk)


def report_xlsx(report: IndicatorReport) -> bytes:
    """The report's three tables, one sheet each, as the page shows them (in Chinese, like the
    snapshot itself and the statistical briefs)."""
    sections = report.content.get("sections", [])
    book = XlsxBook()
    key = book.sheet(
        "重点指标",
        header=["指标", "单位", "期间", "本期", "上期", "较上期", "本年累计"],
        widths=[28, 8, 10, 14, 14, 16, 14],
    )
    for s in sections:
        key.append(
            [
                s["name"],
                s["unit"],
                s["period"],
                s["value"],
                s["previous"],
                s["change"],
                s.get("year_to_date", ""),
            ]
        )
    lag = book.sheet(
        "落后地区", header=["指标", "期间", "地区", "本期", "较上期"], widths=[28, 10, 20, 14, 16]
    )
    for s in sections:
        for r in s["laggards"]:
            lag.append([s["name"], s["period"], r["name"], r["value"], r["change"]])
    moves = book.sheet(
        "变化最大",
        header=["指标", "期间", "方向", "地区", "上期", "本期", "较上期"],
        widths=[28, 10, 8, 20, 14, 14, 16],
    )
    for s in sections:
        for label, rows in (("上升", s["risers"]), ("下降", s["fallers"])):
            for r in rows:
                moves.append(
                    [s["name"], s["period"], label, r["name"], r["previous"], r["value"], r["change"]]
                )
    return book.to_bytes()
