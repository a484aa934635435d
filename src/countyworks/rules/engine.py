"""The rules engine: declared fields, vectorised evaluation, validation, reasons and gaps.

A rule set (one module per policy document, see docs/design.md#rules-engine) subclasses
:class:`RuleSet` and declares its input :class:`Field` s, its :class:`Indicator` s and its
:class:`Condition` s; it implements :meth:`RuleSet.compute` with polars expressions and,
optionally, :meth:`RuleSet.extra_checks` and :meth:`RuleSet.gap_plan`.  Everything else —
parsing, validation, the result columns, explanations in Chinese — is done here once.

Exact arithmetic
----------------
(:mod:`countyworks.rules.numbers`) Amounts (万元), percentages and expert scores are parsed as numbers and held as integers of
``1/SCALE`` of their unit (``SCALE = 10_000``: 0.0001 万元 = 1 元), rounded half to even at the
fifth decimal.  Every threshold is then compared by integer cross-multiplication, for example
``rd * 100 >= 6 * revenue``: 30/500 is exactly 6 %, never 5.9999… %.  Amounts are capped at
``MAX_AMOUNT`` 万元 so that these products stay inside Int64; the few rules that multiply two
amounts (growth rates) cast to Int128 first.

Row numbers
-----------
:class:`RowError` rows are numbered as a spreadsheet shows them: the header is row 1, so the
first data row is row 2.  Errors about a whole column (a missing column) are reported on row 1.

Gap advice
----------
:meth:`RuleSet.gap` proposes the cheapest changes that reach qualification; the planner (the cost
model, the options of each lever, the search) is :mod:`countyworks.rules.gap`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, ClassVar, Literal

import polars as pl

from countyworks.core.tabular import YES_NO, RowError
from countyworks.core.tabular.cells import YES_NO_HELP_EN
from countyworks.rules.gap import DEFAULT_COSTS, Costs, GapItem, GapPlan, apply_gap
from countyworks.rules.numbers import SCALE, format_number, percent
from countyworks.rules.translate import Translate, as_declared

#: Largest accepted amount in 万元 (10^14 元); keeps ``amount * 100 * 10`` inside Int64.
MAX_AMOUNT = 10**10
#: Number of the first data row: the header is row 1, as in a spreadsheet.
FIRST_DATA_ROW = 2

Kind = Literal["id", "amount", "count", "ratio", "score", "bool", "date", "enum"]

_SCALED_KINDS = frozenset({"amount", "ratio", "score"})
_NUMBER_KINDS = _SCALED_KINDS | {"count"}

#: The platform's one yes/no vocabulary (the importer's too).
_BOOLEANS = YES_NO


@dataclass(frozen=True)
class Field:
    """One input column of a rule set.

    Parameters
    ----------
    name : str
        English identifier, the column name in files and frames.
    label : str
        Chinese label of the policy document, accepted as a header alias.
    kind : {"id", "amount", "count", "ratio", "score", "bool", "date", "enum"}
        ``amount`` [万元] and ``ratio`` [%] and ``score`` [分] may have decimals; ``count`` must
        be a whole number.
    unit : str
        Display unit (万元, 人, 项, %, 分, 年).
    aliases : tuple of str
        Further accepted headers.
    required : bool
        A blank or missing optional field takes ``default``.
    signed : bool
        Whether a negative value is allowed (net profit, net assets).
    minimum, maximum : int, optional
        Inclusive bounds in the field's unit (employees ≥ 1, an expert score 0–30).
    choices : tuple of str
        Allowed values of an ``enum`` field.
    default : object
        Value of a blank optional field (``False`` for a direct-qualification flag).
    """

    name: str
    label: str
    kind: Kind
    unit: str = ""
    aliases: tuple[str, ...] = ()
    required: bool = True
    signed: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    default: bool | int | str | None = None


@dataclass(frozen=True)
class Indicator:
    """A banded indicator, output as ``pts_<name>``; ``basis`` lists the ratios (numerator
    field, denominator field, Chinese label) that ``explain`` shows as percentages."""

    name: str
    label: str
    max_points: int
    group: str = ""
    basis: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Condition:
    """A condition with its reason code; ``alternative`` names (in Chinese) what may stand in
    for it, in which case it is listed as failed only when that alternative does not hold."""

    code: str
    label: str
    clause: str
    alternative: str = ""


@dataclass(frozen=True)
class Check:
    """A vectorised validation check: rows where ``failed`` is true are errors on ``column``."""

    column: str
    failed: pl.Expr
    reason: str
    message: str


# --- polars expression helpers --------------------------------------------------------------


def _pct(threshold: int | Fraction) -> tuple[int, int]:
    f = Fraction(threshold)
    return f.numerator, 100 * f.denominator


def ratio_at_least(num: pl.Expr, den: pl.Expr, threshold: int | Fraction) -> pl.Expr:
    """num/den ≥ threshold % exactly, false for a zero denominator (docs/rules/enterprise-conventions.md §3)."""
    p, q = _pct(threshold)
    return (den > 0) & (num * q >= den * p)


def ratio_at_most(num: pl.Expr, den: pl.Expr, threshold: int | Fraction) -> pl.Expr:
    """num/den ≤ threshold % exactly, false for a zero denominator."""
    p, q = _pct(threshold)
    return (den > 0) & (num * q <= den * p)


def banded(tests: Iterable[tuple[pl.Expr, int]], otherwise: int = 0) -> pl.Expr:
    """Points of the first band whose test holds (bands best first); a null test fails."""
    (first, points), *rest = tests
    chain: Any = pl.when(first).then(pl.lit(points, pl.Int64))
    for test, pts in rest:
        chain = chain.when(test).then(pl.lit(pts, pl.Int64))
    return chain.otherwise(pl.lit(otherwise, pl.Int64))


def _positive_den(den: pl.Expr, bands: pl.Expr) -> pl.Expr:
    """``bands`` where the denominator is positive, else 0 points (docs/rules/enterprise-conventions.md §3)."""
    return pl.when(den > 0).then(bands).otherwise(pl.lit(0, pl.Int64))


def ratio_bands(num: pl.Expr, den: pl.Expr, bands: Sequence[tuple[int, int]]) -> pl.Expr:
    """Higher-is-better bands ``((threshold %, points), …)``, best first: A ≤ x earns the band."""
    tests = [(num * q >= den * p, pts) for (p, q), pts in ((_pct(t), pts) for t, pts in bands)]
    return _positive_den(den, banded(tests))


def ratio_bands_low(num: pl.Expr, den: pl.Expr, bands: Sequence[tuple[int, int]]) -> pl.Expr:
    """Lower-is-better bands ``((threshold %, points), …)``, best first: x ≤ A earns the band."""
    tests = [(num * q <= den * p, pts) for (p, q), pts in ((_pct(t), pts) for t, pts in bands)]
    return _positive_den(den, banded(tests))


def value_bands(value: pl.Expr, bands: Sequence[tuple[int, int]], scale: int = 1) -> pl.Expr:
    """Bands on a plain value, ``value ≥ threshold * scale`` (counts: scale 1; amounts: SCALE)."""
    return banded((value >= t * scale, pts) for t, pts in bands)


def mean_growth(
    y1: pl.Expr, y2: pl.Expr, y3: pl.Expr, rate: int | Fraction, *, strict: bool = False
) -> pl.Expr:
    """½ (y2/y1 + y3/y2) − 1 ≥ rate % (> with ``strict``) exactly; false unless y1, y2 > 0.

    Multiplied out: q (y2² + y1 y3) ≥ 2 (q + p) y1 y2 with rate % = p/q, in Int128.
    """
    p, q = _pct(rate)
    a, b, c = (e.cast(pl.Int128) for e in (y1, y2, y3))
    left, right = (b * b + a * c) * q, (a * b) * (2 * (q + p))
    return (y1 > 0) & (y2 > 0) & (left > right if strict else left >= right)


def growth(y2: pl.Expr, y3: pl.Expr, rate: int | Fraction, *, strict: bool = False) -> pl.Expr:
    """y3/y2 − 1 ≥ rate % (> with ``strict``) exactly; false unless y2 > 0."""
    p, q = _pct(rate)
    left, right = y3.cast(pl.Int128) * q, y2.cast(pl.Int128) * (q + p)
    return (y2 > 0) & (left > right if strict else left >= right)


def any_of(exprs: Iterable[pl.Expr]) -> pl.Expr:
    return pl.any_horizontal([e.fill_null(False) for e in exprs])


def all_of(exprs: Iterable[pl.Expr]) -> pl.Expr:
    return pl.all_horizontal([e.fill_null(False) for e in exprs])


# --- parsing --------------------------------------------------------------------------------


def _is_blank(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.String:
        return col.is_null() | (col.str.strip_chars() == "")
    if dtype.is_float():
        return col.is_null() | col.is_nan()
    return col.is_null()


def _parse(f: Field, dtype: pl.DataType) -> pl.Expr:
    """The value in natural units (Float64 for numbers), null where blank or unparseable."""
    col = pl.col(f.name)
    if f.kind in _NUMBER_KINDS:
        if dtype == pl.String:
            num = col.str.strip_chars().cast(pl.Float64, strict=False)
        elif dtype == pl.Boolean:
            num = pl.lit(None, pl.Float64)
        else:
            num = col.cast(pl.Float64, strict=False)
        return pl.when(num.is_finite()).then(num)
    if f.kind == "bool":
        if dtype == pl.Boolean:
            return col
        text = col.cast(pl.String).str.strip_chars().str.to_lowercase()
        return text.replace_strict(_BOOLEANS, default=None, return_dtype=pl.Boolean)
    if f.kind == "date":
        if dtype == pl.Date:
            return col
        if isinstance(dtype, pl.Datetime):
            return col.dt.date()
        text = col.cast(pl.String).str.strip_chars().str.replace(r"[T ]00:00:00(\.0+)?$", "")
        return text.str.to_date("%Y-%m-%d", strict=False)
    text = col.cast(pl.String).str.strip_chars()
    if f.kind == "enum":
        if dtype.is_float():  # an Excel cell holding 1.0 for the choice "1"
            text = col.cast(pl.Int64, strict=False).cast(pl.String)
        text = text.str.to_lowercase()
        return pl.when(text.is_in(list(f.choices))).then(text)
    return pl.when(text != "").then(text)


def _typed(f: Field, parsed: pl.Expr) -> pl.Expr:
    """The engine's representation: scaled Int64 for amounts/ratios/scores, Int64 counts."""
    if f.kind in _SCALED_KINDS:
        return (parsed * SCALE).round(0).cast(pl.Int64)
    if f.kind == "count":
        return parsed.round(0).cast(pl.Int64)
    return parsed


def _coerced(f: Field, dtype: pl.DataType) -> pl.Expr:
    """:func:`_typed` of :func:`_parse`, without the float round trip for integer columns."""
    if dtype.is_integer() and f.kind == "count":
        return pl.col(f.name).cast(pl.Int64)
    if dtype.is_integer() and f.kind in _SCALED_KINDS:
        return pl.col(f.name).cast(pl.Int64) * SCALE
    return _typed(f, _parse(f, dtype))


def _default(f: Field) -> pl.Expr:
    if f.default is None:
        return pl.lit(None)
    if f.kind in _SCALED_KINDS:
        return pl.lit(round(Fraction(f.default) * SCALE), pl.Int64)
    return pl.lit(f.default)


# --- the rule set base class ----------------------------------------------------------------


class RuleSet:
    """Base class of a rule set; subclasses declare the class attributes and ``compute``."""

    code: ClassVar[str]
    title: ClassVar[str]
    document: ClassVar[str]
    effective: ClassVar[date]
    fields: ClassVar[tuple[Field, ...]]
    #: (part, whole) pairs: a part above its whole is a row error.
    parts: ClassVar[tuple[tuple[str, str], ...]] = ()
    indicators: ClassVar[tuple[Indicator, ...]] = ()
    conditions: ClassVar[tuple[Condition, ...]] = ()
    #: Whether the rule set has a total score (little-giant has conditions only).
    scored: ClassVar[bool] = True
    #: Whether scores may have decimals (expert or local scores as inputs): then ``score`` and
    #: every ``pts_`` column are Float64 and ``compute`` returns them scaled by SCALE.
    fractional_points: ClassVar[bool] = False
    #: Whether rows are ranked against each other over the whole input (亩均 classes): the input is
    #: then evaluated in one piece, never in chunks.
    ranks_over_file: ClassVar[bool] = False

    # -- declarations --------------------------------------------------------------------

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def header_names(self) -> dict[str, str]:
        """Map every accepted header (English name, Chinese label, alias) to the name."""
        names: dict[str, str] = {}
        for f in self.fields:
            for header in (f.name, f.label, *f.aliases):
                names[header] = f.name
        return names

    def output_columns(self) -> list[str]:
        return ["id", "score", "qualified", "direct", "failed_conditions"] + [
            f"pts_{i.name}" for i in self.indicators
        ]

    # -- to implement --------------------------------------------------------------------

    def compute(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        """Add ``pts_<indicator>``, ``score`` (if scored), ``ok_<code>`` for each condition,
        ``alt_<code>`` for conditions with an alternative and ``direct_rule`` (the direct
        path decided, given that the row qualifies) to the typed frame."""
        raise NotImplementedError

    def extra_checks(self) -> list[Check]:
        """Rule-set specific validation on the typed frame (see :meth:`validate`)."""
        return []

    def with_benchmarks(self, frame: pl.DataFrame, benchmarks: pl.DataFrame) -> pl.DataFrame:
        """The input with benchmark columns filled from a table (``--benchmarks FILE``); a rule set
        that takes none refuses one (ValueError, message in English)."""
        raise ValueError(f"rule set {self.code} takes no benchmarks")

    def gap_plan(self, values: Mapping[str, Any], result: Mapping[str, Any], costs: Costs) -> GapPlan:
        """The smallest changes that reach qualification for one (not qualified) row."""
        return GapPlan(blockers=tuple(c.label for c in self._failed(result)))

    # -- typed frames --------------------------------------------------------------------

    def coerce(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The typed frame the rule expressions work on; bad cells become null.

        Call :meth:`validate` first: ``evaluate`` on invalid rows gives meaningless results.
        """
        schema = frame.schema
        exprs = [pl.col("id").cast(pl.String).alias("id")] if "id" in schema else [pl.lit(None).alias("id")]
        for f in self.fields:
            if f.name == "id":
                continue
            if f.name in schema:
                value = _coerced(f, schema[f.name])
                if not f.required:
                    value = value.fill_null(_default(f))
            else:
                value = _default(f)
            exprs.append(value.alias(f.name))
        return frame.select(exprs)

    # -- validation ----------------------------------------------------------------------

    def validate(self, frame: pl.DataFrame, *, first_row: int = FIRST_DATA_ROW) -> list[RowError]:
        """Every row error of the validation convention (docs/rules/enterprise-conventions.md §5), sorted by row then column.

        Checks: missing column, blank required field, not a number/boolean/date/choice,
        negative amount or count (unless ``signed``), non-integer count, below minimum
        (employees < 1), above maximum (score out of range), implausibly large amount, part
        above whole, and the rule set's :meth:`extra_checks`.  A cell that fails one check is
        not checked further.  ``first_row`` is the file row of the frame's first row.
        """
        return self.validate_typed(frame, first_row=first_row)[0]

    def validate_typed(
        self, frame: pl.DataFrame, *, first_row: int = FIRST_DATA_ROW
    ) -> tuple[list[RowError], pl.DataFrame | None]:
        """:meth:`validate`, and the typed frame of :meth:`coerce` when there is no error.

        Every cell is parsed once: the values the checks see are the values evaluated
        (:meth:`evaluate_typed`), so a large file is not parsed twice.
        """
        schema = frame.schema
        errors = [
            RowError(1, f.name, "", "missing column", f"缺少列“{f.name}”（{f.label}）", "missing_column")
            for f in self.fields
            if f.required and f.name not in schema
        ]
        cells: list[pl.Expr] = []
        checks: list[Check] = []
        for f in self.fields:
            if f.name in schema:
                dtype = schema[f.name]
                parsed = _parse(f, dtype)
                cells += [
                    _is_blank(f.name, dtype).alias(f"{f.name}__blank"),
                    parsed.alias(f"{f.name}__value"),
                    _typed(f, parsed).alias(f.name),
                ]
                checks += _field_checks(f)
            elif not f.required:  # an optional column left out: blank throughout
                cells += [
                    pl.lit(True).alias(f"{f.name}__blank"),
                    pl.lit(None).alias(f"{f.name}__value"),
                    _default(f).alias(f.name),
                ]
        typed = frame.lazy().select(cells).collect().lazy()
        for part, whole in self.parts:
            if part in schema and whole in schema:
                p, w = self.field(part), self.field(whole)
                checks.append(
                    Check(
                        part,
                        pl.col(part) > pl.col(whole),
                        f"{part} above {whole}",
                        f"{p.label}大于{w.label}",
                    )
                )
        if all(f.name in schema for f in self.fields if f.required):
            checks += self.extra_checks()
        errors += _run_checks(typed, frame, checks, first_row)
        order = {f.name: i for i, f in enumerate(self.fields)}
        errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
        if errors:
            return errors, None
        ident = pl.col("id").cast(pl.String) if "id" in schema else pl.lit(None, pl.String)
        values = [
            pl.col(f.name).fill_null(_default(f))
            if not f.required and f.default is not None
            else pl.col(f.name)
            for f in self.fields
            if f.name != "id"
        ]
        result = typed.select(values).collect()
        return [], result.with_columns(frame.select(ident.alias("id")).to_series()).select(
            "id", *(f.name for f in self.fields if f.name != "id")
        )

    # -- evaluation ----------------------------------------------------------------------

    def evaluate(self, frame: pl.DataFrame, *, detail: bool = False) -> pl.DataFrame:
        """Evaluate every row at once with polars expressions (no per-row Python).

        Returns ``id``, ``score`` (null where the rule set has none), ``qualified``,
        ``direct``, ``failed_conditions`` (codes in declaration order, ``;``-separated) and
        one ``pts_<indicator>`` per indicator; with ``detail`` also ``ok_<code>`` (the
        condition itself holds) and ``fail_<code>`` (listed as failed) per condition.

        A condition with an alternative is listed only when the alternative does not hold
        too; ``qualified`` is true exactly when no condition is listed, and ``direct`` is
        ``qualified`` and the rule set's ``direct_rule``.
        """
        return self.evaluate_typed(self.coerce(frame), detail=detail)

    def evaluate_typed(self, typed: pl.DataFrame, *, detail: bool = False) -> pl.DataFrame:
        """:meth:`evaluate` of a frame already typed by :meth:`coerce` or :meth:`validate_typed`."""
        lf = self.compute(typed.lazy())
        names = lf.collect_schema().names()
        fails = []
        for c in self.conditions:
            ok = pl.col(f"ok_{c.code}").fill_null(False)
            alt = pl.col(f"alt_{c.code}").fill_null(False) if f"alt_{c.code}" in names else pl.lit(False)
            fails.append((~ok & ~alt).alias(f"fail_{c.code}"))
        mask = pl.sum_horizontal(
            pl.col(f"fail_{c.code}").cast(pl.Int64) * (1 << i) for i, c in enumerate(self.conditions)
        )
        lf = lf.with_columns(fails).with_columns(mask.alias("__failed"))
        lf = lf.with_columns((pl.col("__failed") == 0).alias("qualified"))
        lf = lf.with_columns((pl.col("qualified") & pl.col("direct_rule").fill_null(False)).alias("direct"))
        if not self.scored:
            lf = lf.with_columns(pl.lit(None, pl.Float64).alias("score"))
        elif self.fractional_points:
            points = ["score", *(f"pts_{i.name}" for i in self.indicators)]
            lf = lf.with_columns((pl.col(c).cast(pl.Float64) / SCALE).round(4) for c in points)
        columns = self.output_columns()
        if detail:
            columns += [f"{p}_{c.code}" for c in self.conditions for p in ("ok", "fail")]
        out = lf.select(*(c for c in columns if c != "failed_conditions"), "__failed").collect()
        codes = {  # the failed conditions of each bit mask that occurs, in declaration order
            m: ";".join(c.code for i, c in enumerate(self.conditions) if m >> i & 1)
            for m in out["__failed"].unique().to_list()
        }
        failed = pl.col("__failed").replace_strict(codes, return_dtype=pl.String).alias("failed_conditions")
        return out.with_columns(failed).select(columns)

    # -- one row: values, reasons, gaps --------------------------------------------------

    def values(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The typed values of one row, amounts/ratios/scores as exact Fractions."""
        typed = self.coerce(_one_row(row)).row(0, named=True)
        for f in self.fields:
            if f.kind in _SCALED_KINDS and typed[f.name] is not None:
                typed[f.name] = Fraction(typed[f.name], SCALE)
        return typed

    def result(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """``evaluate(..., detail=True)`` of one row, as a dict."""
        return self.evaluate(_one_row(row), detail=True).row(0, named=True)

    def explain(self, row: Mapping[str, Any], tr: Translate = as_declared, codes: bool = True) -> list[str]:
        """The reasons for one row's result (in Chinese unless ``tr`` says otherwise): indicators,
        conditions (with their codes unless ``codes`` is False), result."""
        return self.reasons(self.values(row), self.result(row), tr, codes)

    def reasons(
        self,
        values: Mapping[str, Any],
        res: Mapping[str, Any],
        tr: Translate = as_declared,
        codes: bool = True,
    ) -> list[str]:
        """:meth:`explain` from a row's typed ``values`` and its ``result`` already computed, in the
        language of ``tr``; ``codes`` adds each condition's code after its clause (the CLI's
        output; a page leaves it out)."""
        lines = [
            tr("评价依据：《{title}》（{document}）").format(title=tr(self.title), document=self.document)
        ]
        for ind in self.indicators:
            pts = res[f"pts_{ind.name}"]
            basis = tr("；").join(
                f"{tr(label)} {percent(values[n], values[d])}"
                for n, d, label in ind.basis
                if values[n] is not None and values[d] is not None
            )
            line = tr("{indicator}：{points} 分（满分 {max}）").format(
                indicator=tr(ind.label), points=format_number(Fraction(pts)), max=ind.max_points
            )
            lines.append(line + (tr("，{basis}").format(basis=basis) if basis else ""))
        if self.scored:
            lines.append(tr("总分：{score} 分").format(score=format_number(Fraction(res["score"]))))
        for c in self.conditions:
            if res[f"ok_{c.code}"]:
                state = tr("满足")
            elif res[f"fail_{c.code}"]:
                state = tr("不满足")
            else:
                state = tr("不满足，但{alternative}，不影响结论").format(alternative=tr(c.alternative))
            clause = f"{c.clause}，{c.code}" if codes else c.clause
            lines.append(
                tr("{condition}（{clause}）：{state}").format(
                    condition=tr(c.label), clause=clause, state=state
                )
            )
        if res["direct"]:
            lines.append(tr("结论：符合条件（直接认定）"))
        elif res["qualified"]:
            lines.append(tr("结论：符合条件"))
        else:
            failed = tr("、").join(tr(c.label) for c in self._failed(res))
            lines.append(tr("结论：不符合条件，未满足 {conditions}").format(conditions=failed))
        return lines

    def gap_items(self, row: Mapping[str, Any], costs: Costs = DEFAULT_COSTS) -> list[GapItem]:
        """The cheapest set of concrete changes (field, current, required, delta) that reaches
        qualification; empty when the row qualifies or only non-numeric conditions fail."""
        res = self.result(row)
        if res["qualified"]:
            return []
        return list(self.gap_plan(self.values(row), res, costs).items)

    def gap(
        self, row: Mapping[str, Any], costs: Costs = DEFAULT_COSTS, tr: Translate = as_declared
    ) -> list[str]:
        """The gap in Chinese: conditions no figure can fix, then each change, then the result
        of the changed row (evaluated again, not assumed)."""
        res = self.result(row)
        if res["qualified"]:
            return []
        return self.gap_lines(row, self.gap_plan(self.values(row), res, costs), tr)

    def gap_lines(self, row: Mapping[str, Any], plan: GapPlan, tr: Translate = as_declared) -> list[str]:
        """:meth:`gap` for a plan already made, in the language of ``tr``: every route's changed
        row is evaluated again, all routes in one evaluation."""
        headers = self.header_names()
        checked = [
            p for p in (plan, *plan.alternatives) if p.items and all(i.field in headers for i in p.items)
        ]
        after = self.results([apply_gap(row, p.items) for p in checked])
        verdicts = {id(p): a for p, a in zip(checked, after, strict=True)}
        lines = self._plan_lines(plan, verdicts.get(id(plan)), tr)
        for other in plan.alternatives:
            lines.append(tr("另一途径（{route}）：").format(route=tr(other.route)))
            lines += [f"  {line}" for line in self._plan_lines(other, verdicts.get(id(other)), tr)]
        return lines

    def results(self, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Each row's :meth:`result`, in one ``evaluate`` (each row framed as ``result`` frames it)."""
        if not rows:
            return []
        frames = [_one_row(r) for r in rows]
        frame = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
        return list(self.evaluate(frame, detail=True).iter_rows(named=True))

    def _plan_lines(self, plan: GapPlan, after: Mapping[str, Any] | None, tr: Translate) -> list[str]:
        lines = [
            tr("{condition}：不满足，须先解决（无法通过增加投入达到）").format(condition=tr(b))
            for b in plan.blockers
        ]
        lines += [item.message(tr) for item in plan.items]
        if after is not None:
            score = (
                tr("总分 {score} 分，").format(score=format_number(Fraction(after["score"])))
                if self.scored
                else ""
            )
            verdict = tr("符合条件") if after["qualified"] else tr("仍不符合条件")
            lines.append(tr("调整后：{score}{verdict}").format(score=score, verdict=verdict))
        return lines

    def _failed(self, res: Mapping[str, Any]) -> list[Condition]:
        return [c for c in self.conditions if res[f"fail_{c.code}"]]


def _field_checks(f: Field) -> list[Check]:
    """The per-cell checks of one field, each only on cells that passed the earlier ones."""
    blank, value = pl.col(f"{f.name}__blank"), pl.col(f"{f.name}__value")
    checks = []
    if f.required:
        checks.append(Check(f.name, blank, "blank required field", f"{f.label}为空（必填）"))
    invalid = {
        "amount": ("not a number", "不是数字"),
        "ratio": ("not a number", "不是数字"),
        "score": ("not a number", "不是数字"),
        "count": ("not a number", "不是数字"),
        "bool": (f"not a boolean ({YES_NO_HELP_EN})", "不是是/否值"),
        "date": ("not a date (YYYY-MM-DD)", "不是日期（YYYY-MM-DD）"),
        "enum": (f"not one of {', '.join(f.choices)}", f"不是可选值（{'、'.join(f.choices)}）之一"),
    }.get(f.kind)
    if invalid:
        reason, message = invalid
        checks.append(Check(f.name, ~blank & value.is_null(), reason, f"{f.label}{message}"))
    if f.kind not in _NUMBER_KINDS:
        return checks
    if not f.signed:
        checks.append(Check(f.name, value < 0, "negative value not allowed", f"{f.label}不能为负数"))
    if f.kind == "count":
        checks.append(Check(f.name, value != value.round(0), "not a whole number", f"{f.label}必须为整数"))
    if f.minimum is not None:
        checks.append(
            Check(
                f.name, value < f.minimum, f"below the minimum {f.minimum}", f"{f.label}不能小于 {f.minimum}"
            )
        )
    if f.maximum is not None:
        checks.append(
            Check(
                f.name,
                value > f.maximum,
                f"outside the range {f.minimum or 0}–{f.maximum}",
                f"{f.label}超出取值范围 {f.minimum or 0}–{f.maximum}",
            )
        )
    if f.kind == "amount":
        checks.append(
            Check(
                f.name,
                value.abs() > MAX_AMOUNT,
                f"implausibly large amount (above {MAX_AMOUNT} 万元)",
                f"{f.label}金额过大",
            )
        )
    return checks


def _run_checks(
    typed: pl.LazyFrame, frame: pl.DataFrame, checks: Sequence[Check], first_row: int
) -> list[RowError]:
    """Run every check in one pass; fetch the raw values only of the rows that failed.

    A cell reports only its first failed check (checks of a column are in order).
    """
    if not checks:
        return []
    flags = typed.select(
        c.failed.fill_null(False).alias(f"__fail{i}") for i, c in enumerate(checks)
    ).collect()
    hits = [i for i, column in enumerate(flags.iter_columns()) if column.any()]
    if not hits:
        return []
    errors: list[RowError] = []
    reported: dict[str, set[int]] = {}
    for i in hits:
        check = checks[i]
        rows = flags.get_column(f"__fail{i}").arg_true()
        if check.column in frame.columns:
            values = frame.get_column(check.column).gather(rows).cast(pl.String).fill_null("")
        else:
            values = pl.Series([""] * rows.len())
        seen = reported.setdefault(check.column, set())
        for index, value in zip(rows.to_list(), values.to_list(), strict=True):
            if index not in seen:
                seen.add(index)
                errors.append(RowError(index + first_row, check.column, value, check.reason, check.message))
    return errors


def _one_row(row: Mapping[str, Any]) -> pl.DataFrame:
    """A one-row frame; numbers become strings when mixed with text so nothing is lost."""
    return pl.DataFrame([dict(row)], infer_schema_length=1, strict=False)
