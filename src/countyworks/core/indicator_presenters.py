"""Page data of the province's view: formatted cells, the charts, and the xlsx of what is shown.

The page, its Excel export and the API show the same :class:`~countyworks.core.indicator_selectors.Pivot`:
the export writes exactly the rows, periods and figures of the page (values or changes, as chosen),
with incomplete periods marked the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from countyworks.core.charts import Option, bar_chart, line_chart
from countyworks.core.indicator_selectors import Cell, Pivot, RankRow
from countyworks.core.indicators import Indicator, as_json_number
from countyworks.core.tabular import XlsxBook

#: Shown after the label of a period whose data are incomplete.
INCOMPLETE_MARK = "*"
#: Small multiples: at most this many regions, one small chart each.
SMALL_MULTIPLES = 16
#: Line chart: at most this many regions beside the total.
LINES = 8


def number(value: Decimal | None, decimals: int) -> str:
    """``1,234.5``; an em dash for no value."""
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def change_text(indicator: Indicator, change: Decimal | None) -> str:
    """``+65.2%`` for a count or amount, ``-3.1个百分点`` for a rate, a dash without a base."""
    if change is None:
        return "—"
    sign = "+" if change > 0 else ""
    if indicator.denominator is not None:
        return gettext("%(sign)s%(n)s个百分点") % {"sign": sign, "n": change}
    return f"{sign}{change}%"


def period_label(label: str, complete: bool) -> str:
    return label if complete else label + INCOMPLETE_MARK


def _shown(indicator: Indicator, cell: Cell | None, show: str) -> str:
    if cell is None:
        return "—"
    if show == "change":
        return change_text(indicator, cell.change)
    return number(cell.value, indicator.decimals)


def table_rows(table: Pivot, show: str) -> list[dict[str, Any]]:
    """The pivot's rows as the page shows them: the total first, then each region."""
    rows = []
    for row in [table.total, *table.rows]:
        rows.append(
            {
                "code": row.code,
                "name": row.name,
                "level": row.level,
                "drill": row.drill,
                "own": row.own,
                "total": row is table.total,
                "cells": [
                    {
                        "text": _shown(table.indicator, cell, show),
                        "number": _rounded(cell.value if cell else None, table.indicator.decimals),
                        "css": "num" if done else "num ind-incomplete",
                    }
                    for cell, done in zip(row.cells, table.complete, strict=True)
                ],
            }
        )
    return rows


def _rounded(value: Decimal | None, decimals: int) -> Decimal | None:
    return None if value is None else value.quantize(Decimal(1).scaleb(-decimals))


def period_headers(table: Pivot) -> list[dict[str, Any]]:
    return [
        {"key": str(p), "label": period_label(str(p), done), "complete": done}
        for p, done in zip(table.periods, table.complete, strict=True)
    ]


def rank_rows(table: Pivot, ranked: Sequence[RankRow]) -> list[dict[str, Any]]:
    decimals = table.indicator.decimals
    return [
        {
            "rank": r.rank,
            "code": r.code,
            "name": r.name,
            "value": number(r.value, decimals),
            "previous": number(r.previous, decimals),
            "change": change_text(table.indicator, r.change),
            "falling": r.change is not None
            and (r.change < 0) == table.indicator.higher_is_better
            and r.change != 0,
        }
        for r in ranked
    ]


def _values(row_cells: Sequence[Cell | None], decimals: int) -> list[float | None]:
    return [as_json_number(c.value if c else None, decimals) for c in row_cells]


def pivot_charts(table: Pivot) -> dict[str, Any]:
    """Bars by region (last period), lines over periods, and one small chart per region."""
    indicator = table.indicator
    unit, decimals = str(indicator.unit), indicator.decimals
    if not table.periods:
        return {"bars": None, "lines": None, "multiples": []}
    labels = [period_label(str(p), done) for p, done in zip(table.periods, table.complete, strict=True)]
    regions = [row for row in table.rows if not row.own]
    last = labels[-1]
    bars = bar_chart(
        gettext("%(name)s · 各地区（%(period)s）") % {"name": indicator.name, "period": last},
        [row.name for row in regions],
        {
            str(indicator.name): [
                as_json_number(row.last.value if row.last else None, decimals) for row in regions
            ]
        },
        unit=unit,
    )
    series = (
        {gettext("合计"): _values(table.total.cells, decimals)} if indicator.denominator is not None else {}
    )
    ordered = sorted(regions, key=lambda row: -(row.last.value or 0) if row.last and row.last.value else 0)
    for row in ordered[:LINES]:
        series[row.name] = _values(row.cells, decimals)
    lines = line_chart(gettext("%(name)s · 走势") % {"name": indicator.name}, labels, series, unit=unit)
    multiples: list[dict[str, Any]] = []
    for number_, row in enumerate(regions[:SMALL_MULTIPLES], start=1):
        option: Option = line_chart(row.name, labels, {row.name: _values(row.cells, decimals)})
        option["grid"].update({"left": 8, "right": 8, "top": 30, "bottom": 8})
        option["title"]["textStyle"] = {"fontSize": 12}
        option["series"][0]["showSymbol"] = True
        multiples.append({"id": f"multiple-{number_}", "option": option})
    return {"bars": bars, "lines": lines, "multiples": multiples}


def pivot_xlsx(table: Pivot, ranked: Sequence[RankRow], show: str) -> bytes:
    """The pivot and the ranking exactly as the page shows them, one sheet each."""
    indicator = table.indicator
    book = XlsxBook()
    periods = [h["label"] for h in period_headers(table)]
    title = f"{indicator.name}（{indicator.unit}）" if str(indicator.unit) else str(indicator.name)
    sheet = book.sheet(
        gettext("指标透视"), header=[gettext("地区"), *periods], widths=[24, *([14] * len(periods))]
    )
    for row in table_rows(table, show):
        shown = (cell["text"] if show == "change" else cell["number"] for cell in row["cells"])
        sheet.append([row["name"], *shown])
    sheet.append([])
    sheet.append([title + " · " + table.node_name])
    if table.any_incomplete:
        sheet.append([gettext("带 * 的期间数据不完整（期间未结束或数据仍在报送）")])
    if show == "change":
        sheet.append([gettext("单元格为较上期变化")])
    ranking = book.sheet(
        gettext("排名"),
        header=[gettext("名次"), gettext("地区"), gettext("本期"), gettext("上期"), gettext("较上期")],
        widths=[8, 24, 14, 14, 16],
    )
    decimals = indicator.decimals
    for place in ranked:
        ranking.append(
            [
                place.rank,
                place.name,
                _rounded(place.value, decimals),
                _rounded(place.previous, decimals),
                change_text(indicator, place.change),
            ]
        )
    return book.to_bytes()
