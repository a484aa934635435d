"""Reads of the materialised indicators: the pivot indicator × region × period, and its ranking.

Everything is read from :class:`~countyworks.core.models.IndicatorValue` (never recomputed on a
page view) and restricted by the viewer's grants: an indicator is listed to users who reach its
program, and only regions under the areas of their region-wide grants (an organisation-bound
grant, such as an enterprise account, sees no aggregate). A region's rows are its children that
have values, plus its own records (市本级) when it has any, so the rows always add up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Count, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from countyworks.core.actors import Actor
from countyworks.core.indicators import (
    Indicator,
    all_indicators,
    indicator_scope,
    periods_between,
    previous_period,
)
from countyworks.core.models import IndicatorValue, Region
from countyworks.core.periods import InvalidPeriod, Period
from countyworks.core.regions import level_of
from countyworks.core.scoping import reaches

#: Periods shown by default, per period type.
DEFAULT_SPAN = {"year": 5, "quarter": 8, "month": 12}
MAX_SPAN = 60
#: Regions deeper than towns are not drilled into (the village profile shows villages).
DRILL_LEVELS = ("province", "city", "county")


def indicator_roots(user: Actor, indicator: Indicator) -> list[str]:
    """The area prefixes through which ``user`` reads ``indicator`` (none under another)."""
    prefixes = sorted(
        {r.prefix for r in reaches(user, indicator_scope(indicator)) if r.organisation_id is None}, key=len
    )
    return [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]


def visible_indicators(user: Actor) -> list[Indicator]:
    """The installed indicators ``user`` may read somewhere, in program order."""
    return [i for i in all_indicators().values() if indicator_roots(user, i)]


def indicator_for(user: Actor, code: str) -> Indicator:
    """The indicator ``code`` if ``user`` reads it, else 404."""
    indicator = all_indicators().get(code)
    if indicator is None or not indicator_roots(user, indicator):
        raise Http404
    return indicator


class Stored(NamedTuple):
    """One materialised value as read for the pivot (tuples: no model instance per cell)."""

    region_id: str
    period: str
    numerator: Decimal
    denominator: Decimal
    own_numerator: Decimal
    own_denominator: Decimal
    value: Decimal | None


@dataclass(frozen=True)
class Cell:
    """One shown figure: the value, its parts, whether its period is complete, and its change
    against the period before (% for counts and amounts, percentage points for rates)."""

    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    complete: bool
    previous: Decimal | None = None
    change: Decimal | None = None


@dataclass(frozen=True)
class PivotRow:
    code: str
    name: str
    level: str
    cells: list[Cell | None]
    drill: bool = False
    own: bool = False

    @property
    def last(self) -> Cell | None:
        return self.cells[-1] if self.cells else None


@dataclass
class Pivot:
    indicator: Indicator
    node: str
    node_name: str
    trail: list[tuple[str, str]]
    periods: list[Period]
    complete: list[bool]
    total: PivotRow
    rows: list[PivotRow] = field(default_factory=list)

    @property
    def any_incomplete(self) -> bool:
        return not all(self.complete)


def _today() -> date:
    return timezone.localdate()


def _change(indicator: Indicator, now: Decimal | None, before: Decimal | None) -> Decimal | None:
    if now is None or before is None:
        return None
    if indicator.denominator is not None:
        return (now - before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if before == 0:
        return None
    return ((now - before) / before * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _node(user: Actor, indicator: Indicator, wanted: str | None) -> tuple[str, list[str]]:
    roots = indicator_roots(user, indicator)
    if not roots:
        raise Http404
    if wanted is None:
        return roots[0], roots
    if not any(wanted.startswith(root) for root in roots):
        raise Http404
    if wanted and not Region.objects.filter(code=wanted).exists():
        raise Http404
    return wanted, roots


def pivot_node(user: Actor, code: str, region: str | None) -> tuple[Indicator, str, list[str]]:
    """The indicator ``code``, the area shown (``region``, default the user's first root) and the
    user's roots for it; 404 for an indicator or an area the user does not read."""
    indicator = indicator_for(user, code)
    node, roots = _node(user, indicator, region)
    return indicator, node, roots


def values_stamp(indicator: Indicator, node: str) -> str:
    """A version of the values the pivot of ``node`` shows: the number of ``node``'s own rows and
    their latest ``computed_at``. Every write of the store that changes a row of ``node`` or of a
    region under it rewrites or deletes ``node``'s row of that period too (a rebuild, a refresh of
    an area under it or above it, the refresh of open periods), so the stamp moves with any change
    shown — read from the database, it holds across processes whatever the cache backend."""
    stored = IndicatorValue.objects.filter(indicator=indicator.code)
    stored = (
        stored.filter(region__level=Region.Level.PROVINCE) if node == "" else stored.filter(region_id=node)
    )
    found = stored.aggregate(rows=Count("id"), last=Max("computed_at"))
    return f"{found['rows']}:{found['last'].isoformat() if found['last'] else ''}"


def _trail(node: str, roots: Sequence[str]) -> list[tuple[str, str]]:
    """(code, name) from the user's root area down to ``node``."""
    root = next(r for r in roots if node.startswith(r))
    trail: list[tuple[str, str]] = []
    region = Region.objects.filter(code=node).select_related("parent").first()
    while region is not None and region.code.startswith(root) and len(region.code) >= len(root):
        trail.append((region.code, region.name))
        region = region.parent
    if root == "":
        trail.append(("", gettext("全国")))
    return list(reversed(trail))


def pivot_periods(indicator: Indicator, node: str, until: str | None, span: int | None) -> list[Period]:
    """The contiguous periods shown: ``span`` of the indicator's type ending at ``until`` (default:
    the latest period with a value under ``node``)."""
    span = min(max(span or DEFAULT_SPAN[indicator.period_type], 1), MAX_SPAN)
    # Every ancestor of a record's region has a row, so the area's own rows list its periods
    # (an index range of (indicator, region, period)); nationwide, the provinces' rows do.
    stored = IndicatorValue.objects.filter(indicator=indicator.code)
    stored = (
        stored.filter(region__level=Region.Level.PROVINCE) if node == "" else stored.filter(region_id=node)
    )
    keys = set(stored.values_list("period", flat=True).distinct())
    known = sorted(Period.parse(k) for k in keys)
    if not known:
        return []
    last = known[-1]
    if until:
        try:
            wanted = Period.parse(until)
        except InvalidPeriod:
            wanted = last
        if wanted.kind == indicator.period_type:
            last = wanted
    first = last
    for _step in range(span - 1):
        first = previous_period(first)
    return periods_between(indicator.period_type, first.start, last.start)


def _cells(
    indicator: Indicator,
    values: dict[tuple[str, str], Stored],
    code: str,
    keys: Sequence[tuple[str, str]],
    complete: Sequence[bool],
    own: bool = False,
) -> list[Cell | None]:
    """The cells of region ``code`` for the (period, period before) ``keys``."""
    cells: list[Cell | None] = []
    for (key, before_key), done in zip(keys, complete, strict=True):
        row = values.get((code, key))
        before = values.get((code, before_key))
        if row is None:
            cells.append(None)
            continue
        if own:
            top, bottom = row.own_numerator, row.own_denominator
            value = indicator.ratio(top, bottom) if top or bottom else None
            prev = indicator.ratio(before.own_numerator, before.own_denominator) if before else None
        else:
            value, top, bottom = row.value, row.numerator, row.denominator
            prev = before.value if before else None
        cells.append(Cell(value, top, bottom, done, prev, _change(indicator, value, prev)))
    return cells


def _summed(indicator: Indicator, rows: Sequence[PivotRow], index: int, done: bool) -> Cell | None:
    parts = [row.cells[index] for row in rows if row.cells[index] is not None]
    if not parts:
        return None
    top = sum((c.numerator for c in parts if c), Decimal(0))
    bottom = sum((c.denominator for c in parts if c), Decimal(0))
    return Cell(indicator.ratio(top, bottom), top, bottom, done)


def pivot(
    *,
    user: Actor,
    code: str,
    region: str | None = None,
    until: str | None = None,
    span: int | None = None,
) -> Pivot:
    """The pivot of indicator ``code`` under ``region`` (default: the user's area): the total, one
    row per child region with values, and the region's own records, over contiguous periods."""
    indicator = indicator_for(user, code)
    node, roots = _node(user, indicator, region)
    periods = pivot_periods(indicator, node, until, span)
    today = _today()
    complete = [indicator.is_complete(p, today) for p in periods]
    children = (
        Region.objects.filter(level="province") if node == "" else Region.objects.filter(parent_id=node)
    )
    names = dict(children.values_list("code", "name"))
    keys = [(str(p), str(previous_period(p))) for p in periods]
    wanted = sorted({key for pair in keys for key in pair})
    rows_read = IndicatorValue.objects.filter(
        indicator=indicator.code, period__in=wanted, region_id__in=[node, *names]
    ).values_list(*Stored._fields)
    values = {(row[0], row[1]): Stored(*row) for row in rows_read}
    present = sorted({c for c, _p in values if c != node})
    node_region = Region.objects.filter(code=node).first()
    rows = [
        PivotRow(
            code=c,
            name=names[c],
            level=str(Region.Level(level_of(c)).label),
            cells=_cells(indicator, values, c, keys, complete),
            drill=level_of(c) in DRILL_LEVELS,
        )
        for c in present
    ]
    own = _cells(indicator, values, node, keys, complete, own=True) if node else []
    if any(cell is not None and (cell.numerator or cell.denominator) for cell in own):
        label = gettext("%(name)s本级") % {"name": node_region.name if node_region else node}
        rows.append(PivotRow(code=node, name=label, level="", cells=own, own=True))
    if node:
        total_cells = _cells(indicator, values, node, keys, complete)
    else:
        total_cells = [_summed(indicator, rows, i, done) for i, done in enumerate(complete)]
    name = node_region.name if node_region else gettext("全国")
    # Periods before the area's first value are left out: a span wider than the records shows no
    # empty columns (the periods shown stay contiguous from there on).
    skip = next((i for i, cell in enumerate(total_cells) if cell is not None), len(total_cells))
    return Pivot(
        indicator=indicator,
        node=node,
        node_name=name,
        trail=_trail(node, roots),
        periods=periods[skip:],
        complete=complete[skip:],
        total=PivotRow(code=node, name=gettext("合计"), level="", cells=total_cells[skip:]),
        rows=[replace(row, cells=row.cells[skip:]) for row in rows],
    )


@dataclass(frozen=True)
class RankRow:
    rank: int
    code: str
    name: str
    value: Decimal | None
    previous: Decimal | None
    change: Decimal | None
    complete: bool


def ranking(table: Pivot) -> list[RankRow]:
    """The child regions ranked on the last period shown (best first, by the indicator's sense),
    with the value of the period before and the change against it; regions without a value last."""
    if not table.periods:
        return []
    children = [row for row in table.rows if not row.own]
    index = len(table.periods) - 1
    sign = -1 if table.indicator.higher_is_better else 1

    def key(row: PivotRow) -> tuple[int, Decimal, str]:
        cell = row.cells[index]
        if cell is None or cell.value is None:
            return (1, Decimal(0), row.code)
        return (0, sign * cell.value, row.code)

    ranked: list[RankRow] = []
    for number, row in enumerate(sorted(children, key=key), start=1):
        cell = row.cells[index]
        ranked.append(
            RankRow(
                rank=number,
                code=row.code,
                name=row.name,
                value=cell.value if cell else None,
                previous=cell.previous if cell else None,
                change=cell.change if cell else None,
                complete=table.complete[index],
            )
        )
    return ranked
