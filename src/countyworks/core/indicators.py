"""Indicators as data: what a program declares it can measure, for any area and period (docs/indicators.md).

Each program lists its :class:`Indicator` objects in its ``indicators`` hook (the program contract,
docs/adding-a-program.md). An indicator is a numerator — and, for a rate, a denominator — counted
over the program's records in one area (a region-code prefix) and one period, **grouped by the
region each record sits in**: a measure returns ``{region code: amount}``. The value of any region
is then the sum of the amounts of the codes under it (``LIKE 'prefix%'``), so a parent is always the
sum of its parts, a rate is the sum of numerators over the sum of denominators (a weighted mean,
never a mean of rates), and a record placed at a city's own code (市本级) is counted once, beside —
not inside — its districts.

``aggregation`` says how values combine: ``sum`` (a flow: generation, tickets), ``weighted_mean``
(a rate: Σ numerators / Σ denominators) and ``latest`` (a stock at the period's end: pool sizes);
all three add up the region tree through their numerators and denominators; over time a ``latest``
value is the one at the end of the span, where ``sum`` and ``weighted_mean`` add the periods
(:func:`combine_over_time`).

A measure may be written over many periods at once (:class:`Series`: one grouped query for all
the months of a rebuild); called with one period it is an ordinary measure, so the incremental
refresh and the full rebuild run the same code. Measures that several indicators share (the energy
indicators all start from the stations' delivered energy) can be memoised with :func:`shared`
for the time of a rebuild (:func:`shared_measurements`).

Materialised values are kept fresh through ``sources``: the models whose saves and deletes touch
an indicator, each with the regions and days a record counts on (core/indicator_store.py).

This module imports no model: ``apps.py`` files may import it at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any, Literal, ParamSpec, TypeVar

from django.utils.functional import Promise as StrPromise

from countyworks.core.periods import Period

PeriodType = Literal["month", "quarter", "year"]
Aggregation = Literal["sum", "weighted_mean", "latest"]
Number = Decimal | int | float
#: ``(region_prefix, period) -> {region code: amount}`` over the records under that prefix in that
#: period, grouped by the exact region code each record sits in (codes without records left out).
Measure = Callable[[str, Period], Mapping[str, Number]]

#: ``(region_prefix, periods) -> {period key: {region code: amount}}``: a measure of many periods in
#: one pass (period keys as ``str(period)``; periods without records may be left out).
SeriesMeasure = Callable[[str, Sequence[Period]], Mapping[str, Mapping[str, Number]]]

#: Materialised amounts keep four decimals: sums of parts and the whole then agree exactly.
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Touch:
    """A record counts for ``region`` on the days from ``first`` to ``last`` (None: up to today)."""

    region: str
    first: date
    last: date | None = None


@dataclass(frozen=True)
class Source:
    """A model whose saved or deleted rows change an indicator; ``touches(row)`` says where and when."""

    model: str  # "app_label.ModelName"
    #: Called with a row of ``model`` (typed ``Any``: each source takes its own model's rows).
    touches: Callable[[Any], Iterable[Touch]]


@dataclass(frozen=True)
class Series:
    """A measure written over many periods at once. Called with one period it is a :data:`Measure`
    (the refresh), with :func:`measure_over` it measures a whole range of periods in one pass (the
    rebuild): one rule, one implementation."""

    over: SeriesMeasure

    def __call__(self, region_prefix: str, period: Period) -> Mapping[str, Number]:
        return self.over(region_prefix, [period]).get(str(period), {})


def measure_over(
    measure: Measure, region_prefix: str, periods: Sequence[Period]
) -> dict[str, Mapping[str, Number]]:
    """``{period key: {region code: amount}}`` for every period of ``periods``: in one pass for a
    :class:`Series`, one period at a time for any other measure."""
    if isinstance(measure, Series):
        found = measure.over(region_prefix, periods)
        return {str(p): found.get(str(p), {}) for p in periods}
    return {str(p): measure(region_prefix, p) for p in periods}


P = ParamSpec("P")
R = TypeVar("R")
_SHARED: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("shared_measurements", default=None)


@contextmanager
def shared_measurements() -> Iterator[None]:
    """Within the block, a :func:`shared` function called again with equal arguments returns its
    first result (a rebuild measures the stations' energy once for all the energy indicators)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(function: Callable[P, R]) -> Callable[P, R]:
    """Memoise ``function`` (hashable arguments) inside :func:`shared_measurements`; outside it,
    every call measures afresh (the refresh reads the records as they are now)."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _SHARED.get()
        if memo is None:
            return function(*args, **kwargs)
        key = (function.__module__, function.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = function(*args, **kwargs)
        return memo[key]  # type: ignore[no-any-return]

    return wrapper


@dataclass(frozen=True)
class Indicator:
    """One measurable figure of a program: how it is computed and how it adds up the region tree.

    ``code`` is unique across programs (``<program>.<name>``). ``scale`` multiplies a ratio
    (100 for a percentage). ``source`` is the repo document that defines it (docs/rules/…).
    ``since`` gives the first day with records (None: no records), from which periods are
    materialised. ``settle_days``: records of a period may still arrive this many days after it
    ends (telemetry backlog); until then the period is incomplete and recomputed by every
    periodic refresh. ``key``: shown first in the monthly report; ``higher_is_better`` orders
    laggards and ranks.
    """

    code: str
    name: str | StrPromise
    unit: str | StrPromise
    period_type: PeriodType
    aggregation: Aggregation
    numerator: Measure
    denominator: Measure | None = None
    scale: int = 1
    source: str = ""
    since: Callable[[], date | None] | None = None
    sources: tuple[Source, ...] = ()
    settle_days: int = 0
    key: bool = False
    higher_is_better: bool = True
    decimals: int = 0

    @property
    def program(self) -> str:
        return self.code.split(".", 1)[0]

    def ratio(self, numerator: Number | None, denominator: Number | None) -> Decimal | None:
        """The value from summed parts: the numerator, or numerator × scale / denominator."""
        if numerator is None:
            return None
        if self.denominator is None:
            return Decimal(str(numerator))
        if not denominator:
            return None
        return Decimal(str(numerator)) * self.scale / Decimal(str(denominator))

    def amounts(self, region_prefix: str, period: Period) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """Numerator and denominator amounts by region code under ``region_prefix``, four decimals."""
        top = _rounded(self.numerator(region_prefix, period))
        bottom = _rounded(self.denominator(region_prefix, period)) if self.denominator else {}
        return top, bottom

    def amounts_over(
        self, region_prefix: str, periods: Sequence[Period]
    ) -> dict[str, tuple[dict[str, Decimal], dict[str, Decimal]]]:
        """:meth:`amounts` of every period of ``periods`` by period key, measured set-wise where
        the measures are :class:`Series` (the same figures as one period at a time)."""
        tops = measure_over(self.numerator, region_prefix, periods)
        bottoms = measure_over(self.denominator, region_prefix, periods) if self.denominator else {}
        return {key: (_rounded(tops[key]), _rounded(bottoms.get(key, {}))) for key in tops}

    def value(self, region_prefix: str, period: Period) -> Decimal | None:
        """The indicator for one area and period, computed from the records; None when nothing is measured."""
        top, bottom = self.amounts(region_prefix, period)
        if not top and not bottom:
            return None
        return self.ratio(sum(top.values(), Decimal(0)), sum(bottom.values(), Decimal(0)))

    def is_complete(self, period: Period, today: date) -> bool:
        """Whether the period has ended and its late records had time to arrive."""
        return (today - period.end).days >= self.settle_days

    def periods(self, today: date) -> list[Period]:
        """Every period of the indicator's type from its first record to today."""
        first = self.since() if self.since else None
        return periods_between(self.period_type, first, today) if first else []


def _rounded(amounts: Mapping[str, Number]) -> dict[str, Decimal]:
    return {
        code: Decimal(str(amount)).quantize(PLACES)
        for code, amount in amounts.items()
        if amount is not None and amount != 0
    }


# --- periods of an indicator's type (core/periods.py holds the Period value itself) -----------


def period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` containing ``day``."""
    if kind == "month":
        return Period(day.year, "month", day.month)
    if kind == "quarter":
        return Period(day.year, "quarter", (day.month - 1) // 3 + 1)
    return Period(day.year, "year")


def previous_period(period: Period) -> Period:
    """The period just before ``period`` (环比): last month, last quarter, last year."""
    if period.kind == "year":
        return Period(period.year - 1, "year")
    last = 12 if period.kind == "month" else 4
    if period.number == 1:
        return Period(period.year - 1, period.kind, last)
    return Period(period.year, period.kind, period.number - 1)


def periods_between(kind: str, first: date, last: date) -> list[Period]:
    """The periods of ``kind`` from the one containing ``first`` to the one containing ``last``."""
    if first > last:
        return []
    period, end = period_of(kind, first), period_of(kind, last)
    found = [period]
    while found[-1] != end:
        found.append(_next(found[-1]))
    return found


def _next(period: Period) -> Period:
    if period.kind == "year":
        return Period(period.year + 1, "year")
    last = 12 if period.kind == "month" else 4
    if period.number == last:
        return Period(period.year + 1, period.kind, 1)
    return Period(period.year, period.kind, period.number + 1)


def combine_over_time(
    indicator: Indicator, cells: Sequence[tuple[Decimal, Decimal]]
) -> tuple[Decimal, Decimal] | None:
    """(numerator, denominator) of a span from its periods' cells, in time order: ``latest`` keeps
    the last period's, ``sum`` and ``weighted_mean`` add them. None for an empty span."""
    if not cells:
        return None
    if indicator.aggregation == "latest":
        return cells[-1]
    return sum((c[0] for c in cells), Decimal(0)), sum((c[1] for c in cells), Decimal(0))


def all_indicators() -> dict[str, Indicator]:
    """Every installed program's indicators by code (duplicates stop the process at startup)."""
    from countyworks.core.programs import installed_programs

    found: dict[str, Indicator] = {}
    for config in installed_programs():
        for indicator in config.hook("indicators"):
            found[indicator.code] = indicator
    return found


def indicator_scope(indicator: Indicator) -> str:
    """The program code reads of ``indicator`` are scoped under (its program's ``scope_code``)."""
    from countyworks.core.programs import program

    config = program(indicator.program)
    return config.scope_code if config is not None else indicator.program


def source_models() -> dict[str, list[tuple[Indicator, Source]]]:
    """``{model label: [(indicator, source), …]}`` over every installed indicator."""
    found: dict[str, list[tuple[Indicator, Source]]] = {}
    for indicator in all_indicators().values():
        for source in indicator.sources:
            found.setdefault(source.model, []).append((indicator, source))
    return found


def as_json_number(value: Decimal | None, decimals: int) -> Any:
    """A value for a chart or an API: a float rounded to ``decimals`` (None stays None)."""
    return None if value is None else round(float(value), decimals)
