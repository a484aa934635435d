"""Materialised indicator values: full rebuild, incremental refresh and the marks that drive it.

The guarantee (docs/indicators.md §3): after :func:`indicators_refresh` has run, every
:class:`~countyworks.core.models.IndicatorValue` equals what :func:`indicators_rebuild` computes
from scratch, for every region from the lowest one with records up to the province.

- Each (indicator, period) is measured grouped by the region code each record sits in
  (``own`` amounts); a region's totals are the sum of the own amounts of every code under it. A
  city's own records and its districts' are separate codes, so nothing is counted twice.
- A save or delete of a model an indicator declares as a source marks (indicator, period, region)
  dirty in the same transaction (:func:`mark_touches`, via Django's model signals; the state
  before an update is marked too, so a record moving month or county refreshes both places).
  Writes that bypass signals (bulk inserts) are covered by a source their service saves at the
  end (an evaluation campaign's confirmation), or by the periodic refresh of open periods.
- :func:`indicators_refresh` takes the marks, re-measures each marked area once, rewrites the
  own amounts and totals under it, then the totals of its ancestors from the stored own amounts.
- Periods not yet complete (still running, or inside an indicator's ``settle_days``) are
  re-measured in full by :func:`indicators_refresh_open`, which the worker runs periodically: an
  overdue rate moves with the clock, telemetry arrives without a save signal.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, QuerySet, Sum
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from countyworks.core.indicators import (
    Indicator,
    Touch,
    all_indicators,
    period_of,
    periods_between,
    shared_measurements,
    source_models,
)
from countyworks.core.models import IndicatorDirty, IndicatorValue, Region
from countyworks.core.periods import Period

logger = logging.getLogger(__name__)

BATCH = 2000
ZERO = Decimal(0)


@dataclass(frozen=True)
class RebuildReport:
    indicators: int
    periods: int
    values: int


def _today() -> date:
    return timezone.localdate()


def _ancestors(code: str, parents: dict[str, str | None]) -> list[str]:
    """``code`` and every region above it, following the region tree."""
    found = []
    node: str | None = code
    while node is not None:
        found.append(node)
        node = parents.get(node)
    return found


def _parents(codes: Iterable[str]) -> dict[str, str | None]:
    """The parent of each code and of each of its ancestors (one query per level)."""
    parents: dict[str, str | None] = {}
    wanted = set(codes)
    while wanted:
        rows = dict(Region.objects.filter(code__in=wanted).values_list("code", "parent_id"))
        parents.update(rows)
        wanted = {p for p in rows.values() if p is not None and p not in parents}
    return parents


def _cells(
    indicator: Indicator,
    period: Period,
    own_top: dict[str, Decimal],
    own_bottom: dict[str, Decimal],
    parents: dict[str, str | None],
    today: date,
) -> list[IndicatorValue]:
    """Rows for every region with records under it, from the own amounts of one measurement."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
    for index, amounts in ((0, own_top), (1, own_bottom)):
        for code, amount in amounts.items():
            if code not in parents:  # a record whose region is not in the tree cannot be placed
                continue
            totals[code][2 + index] += amount
            for region in _ancestors(code, parents):
                totals[region][index] += amount
    now, complete = timezone.now(), indicator.is_complete(period, today)
    return [
        IndicatorValue(
            indicator=indicator.code,
            period=str(period),
            region_id=code,
            numerator=top,
            denominator=bottom,
            own_numerator=own_t,
            own_denominator=own_b,
            value=indicator.ratio(top, bottom),
            complete=complete,
            computed_at=now,
        )
        for code, (top, bottom, own_t, own_b) in totals.items()
    ]


def _write(rows: Sequence[IndicatorValue]) -> None:
    IndicatorValue.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["indicator", "period", "region"],
        update_fields=[
            "own_numerator",
            "own_denominator",
            "numerator",
            "denominator",
            "value",
            "complete",
            "computed_at",
        ],
    )


def _measure_all(indicator: Indicator, period: Period, today: date) -> list[IndicatorValue]:
    top, bottom = indicator.amounts("", period)
    return _cells(indicator, period, top, bottom, _parents({*top, *bottom}), today)


def _measure_range(
    indicator: Indicator, periods: Sequence[Period], today: date
) -> Iterator[list[IndicatorValue]]:
    """The rows of each period of ``periods`` over the whole tree, period by period, measured
    set-wise where the indicator's measures allow it (:class:`~countyworks.core.indicators.Series`)."""
    found = indicator.amounts_over("", periods)
    parents = _parents({code for top, bottom in found.values() for code in (*top, *bottom)})
    for period in periods:
        top, bottom = found[str(period)]
        yield _cells(indicator, period, top, bottom, parents, today)


_COLUMNS = (
    "indicator",
    "period",
    "region_id",
    "numerator",
    "denominator",
    "own_numerator",
    "own_denominator",
    "value",
    "complete",
    "computed_at",
)


def _insert(rows: Sequence[IndicatorValue]) -> None:
    """Insert new rows: PostgreSQL's COPY, or batched inserts elsewhere."""
    if connection.vendor != "postgresql":
        IndicatorValue.objects.bulk_create(rows, batch_size=BATCH)
        return
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    fields = {f.attname: str(f.column) for f in IndicatorValue._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[c]) for c in _COLUMNS)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([getattr(row, c) for c in _COLUMNS])


def _delete(rows: QuerySet[Any]) -> None:
    """Delete in one statement: the indicator rows and marks have no dependants, and the change
    signals (connected for every model) would otherwise fetch and delete them one by one."""
    rows._raw_delete(rows.db)


@transaction.atomic
def indicators_rebuild(*, codes: Sequence[str] = (), period: Period | None = None) -> RebuildReport:
    """Recompute the materialised values from scratch: every indicator (or ``codes``), every
    period from its first record to today (or only ``period``). Clears the marks it covers.

    Each indicator is measured once over all its periods (:meth:`Indicator.amounts_over`), the
    measurements several indicators share once for all of them, and its rows are replaced by a
    delete and a bulk insert."""
    today = _today()
    indicators = [i for c, i in all_indicators().items() if not codes or c in codes]
    periods = written = 0
    with shared_measurements():
        for indicator in indicators:
            wanted = indicator.periods(today)
            if period is not None:
                wanted = [p for p in wanted if p == period] if period.kind == indicator.period_type else []
            stale = IndicatorValue.objects.filter(indicator=indicator.code)
            marks = IndicatorDirty.objects.filter(indicator=indicator.code)
            if period is not None:
                stale, marks = stale.filter(period=str(period)), marks.filter(period=str(period))
            _delete(stale)
            _delete(marks)
            for rows in _measure_range(indicator, wanted, today):
                _insert(rows)
                written += len(rows)
            periods += len(wanted)
    return RebuildReport(indicators=len(indicators), periods=periods, values=written)


# --- marks ------------------------------------------------------------------------------------------


def mark_touches(indicator: Indicator, touches: Iterable[Touch], today: date | None = None) -> int:
    """Mark the (period, region) cells ``touches`` fall in as dirty; returns the number of marks."""
    today = today or _today()
    marks = {
        (str(period), touch.region)
        for touch in touches
        for period in periods_between(indicator.period_type, touch.first, min(touch.last or today, today))
    }
    IndicatorDirty.objects.bulk_create(
        [IndicatorDirty(indicator=indicator.code, period=p, region_code=r) for p, r in marks],
        batch_size=BATCH,
    )
    return len(marks)


_SOURCES: dict[str, list[Any]] | None = None


def _sources_of(sender: type[Model]) -> list[Any]:
    global _SOURCES  # built once, after every program's indicators hook is importable
    if _SOURCES is None:
        _SOURCES = source_models()
    return _SOURCES.get(sender._meta.label, [])


def _mark_instance(sender: type[Model], instance: Model) -> None:
    for indicator, source in _sources_of(sender):
        mark_touches(indicator, source.touches(instance))


def _before_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    """An update moves a record away from where it counted: mark where it was."""
    if raw or instance._state.adding or not _sources_of(sender):
        return
    before = sender._base_manager.filter(pk=instance.pk).first()
    if before is not None:
        _mark_instance(sender, before)


def _after_change(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _mark_instance(sender, instance)


def connect_signals() -> None:
    """Listen to every model's saves and deletes; only declared sources are marked (core's ready)."""
    pre_save.connect(_before_save, dispatch_uid="indicators-pre-save")
    post_save.connect(_after_change, dispatch_uid="indicators-post-save")
    post_delete.connect(_after_change, dispatch_uid="indicators-post-delete")


# --- incremental refresh ---------------------------------------------------------------------------


def _minimal(prefixes: Iterable[str]) -> list[str]:
    """The prefixes not under another one of them."""
    ordered = sorted(set(prefixes), key=len)
    kept: list[str] = []
    for prefix in ordered:
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return kept


def _refresh_area(indicator: Indicator, period: Period, prefixes: Sequence[str], today: date) -> int:
    """Re-measure the areas ``prefixes`` (none under another) and fix the totals above them."""
    key = str(period)
    stored = IndicatorValue.objects.filter(indicator=indicator.code, period=key)
    touched = 0
    ancestors: set[str] = set()
    for prefix in prefixes:
        top, bottom = indicator.amounts(prefix, period)
        parents = _parents({prefix, *top, *bottom})
        rows = [
            row
            for row in _cells(indicator, period, top, bottom, parents, today)
            if row.region_id.startswith(prefix)
        ]
        fresh = {row.region_id for row in rows}
        stored.filter(region__code__startswith=prefix).exclude(region_id__in=fresh).delete()
        _write(rows)
        touched += len(rows)
        ancestors.update(a for a in _ancestors(prefix, parents) if a != prefix)
    for code in sorted(ancestors, key=len, reverse=True):
        sums = stored.filter(region__code__startswith=code).aggregate(
            top=Sum("own_numerator"), bottom=Sum("own_denominator")
        )
        whole_top, whole_bottom = sums["top"] or ZERO, sums["bottom"] or ZERO
        own = stored.filter(region_id=code).values_list("own_numerator", "own_denominator").first()
        if not whole_top and not whole_bottom:
            stored.filter(region_id=code).delete()
            continue
        _write(
            [
                IndicatorValue(
                    indicator=indicator.code,
                    period=key,
                    region_id=code,
                    numerator=whole_top,
                    denominator=whole_bottom,
                    own_numerator=own[0] if own else ZERO,
                    own_denominator=own[1] if own else ZERO,
                    value=indicator.ratio(whole_top, whole_bottom),
                    complete=indicator.is_complete(period, today),
                    computed_at=timezone.now(),
                )
            ]
        )
        touched += 1
    return touched


def indicators_refresh() -> int:
    """Recompute every marked cell and its ancestors, then drop the marks taken; returns the number
    of values written. Marks made meanwhile (higher ids) wait for the next run."""
    today = _today()
    indicators = all_indicators()
    marks = list(IndicatorDirty.objects.values_list("pk", "indicator", "period", "region_code"))
    if not marks:
        return 0
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _pk, code, period, region in marks:
        groups[(code, period)].add(region)
    written = 0
    with transaction.atomic():
        for (code, period), regions in sorted(groups.items()):
            indicator = indicators.get(code)
            if indicator is not None:
                written += _refresh_area(indicator, Period.parse(period), _minimal(regions), today)
        IndicatorDirty.objects.filter(pk__lte=max(pk for pk, *_rest in marks)).delete()
    return written


def open_periods(indicator: Indicator, today: date) -> list[Period]:
    """The indicator's periods that are not complete yet (the running one, and those settling)."""
    first = period_of(indicator.period_type, date.fromordinal(today.toordinal() - indicator.settle_days - 1))
    candidates = periods_between(indicator.period_type, first.start, today)
    return [p for p in candidates if not indicator.is_complete(p, today)]


@transaction.atomic
def indicators_refresh_open() -> int:
    """Re-measure every indicator's incomplete periods over the whole tree; values written.

    A period that has just become complete is measured once more so its flag turns complete."""
    today = _today()
    written = 0
    for indicator in all_indicators().values():
        if indicator.since is None or indicator.since() is None:
            continue
        stale = set(
            IndicatorValue.objects.filter(indicator=indicator.code, complete=False)
            .values_list("period", flat=True)
            .distinct()
        )
        periods = {str(p): p for p in open_periods(indicator, today)}
        periods.update({key: Period.parse(key) for key in stale})
        for key, period in periods.items():
            rows = _measure_all(indicator, period, today)
            IndicatorValue.objects.filter(indicator=indicator.code, period=key).exclude(
                region_id__in=[r.region_id for r in rows]
            ).delete()
            _write(rows)
            written += len(rows)
    return written
