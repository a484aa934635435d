"""The monthly hygiene evaluation and the annual overall evaluation, vectorised (polars).

One implementation for every path: the inspection service scores one household with
:func:`monthly_results`, the result pages score a courtyard, village or town from stored
inspections, and ``countyworks courtyards score`` scores a file of a million households — all
through the same functions. Points are handled as integer tenths of a point, so a cut such as
90 is compared exactly (89.9 → ★4, 90 → ★5).

References
----------
.. [1] 邵阳县金称市镇三星村下南冲院落 美丽庭院创建: 门前“三包”, 每月卫生评比评选“星级文明户”,
   年底总评比奖励前十名 (湖南日报 2023-07-27 report on 邵阳县). The platform's defaults for the
   sheet, the star cuts and the annual evaluation are explained in docs/rules/courtyard-hygiene.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

#: A household needs this many scored months in the year to be ranked (docs/rules/courtyard-hygiene.md §4).
MIN_SCORED_MONTHS = 10
#: Ranks up to this one are in the "top ten" (ties included, so there may be more than ten).
TOP_RANK = 10
#: The levels a month or a year is ranked within, and the code length that identifies each.
LEVELS: dict[str, int] = {"courtyard": 14, "village": 12, "town": 9}


def tenths(points: Decimal | int | float) -> int:
    """Points as integer tenths (the unit every comparison uses)."""
    return int((Decimal(str(points)) * 10).to_integral_value())


@dataclass(frozen=True)
class Sheet:
    """A score sheet as the maths sees it: items (code, maximum), the 三包 deduction, the star cuts.

    Parameters
    ----------
    items : tuple of (code, maximum [0.1 分])
    violation_deduction : int [0.1 分]
        Deducted for each verified 门前三包 violation.
    star_cuts : tuple of (minimum [0.1 分], stars), highest first
    """

    items: tuple[tuple[str, int], ...]
    violation_deduction: int
    star_cuts: tuple[tuple[int, int], ...]

    @property
    def codes(self) -> list[str]:
        return [code for code, _ in self.items]

    def maximum(self, code: str) -> int:
        return dict(self.items)[code]


#: The default sheet (docs/rules/courtyard-hygiene.md §2–3): the five items the report names, 20 points
#: each; 5 points off per verified 门前三包 violation; ★5 from 90, ★4 from 80 … ★1 from 50.
DEFAULT_SHEET = Sheet(
    items=(
        ("poultry_penned", 200),
        ("debris_stacked", 200),
        ("front_back_clean", 200),
        ("garden_fenced", 200),
        ("firewood_stacked", 200),
    ),
    violation_deduction=50,
    star_cuts=((900, 5), (800, 4), (700, 3), (600, 2), (500, 1)),
)


def stars_expr(total: pl.Expr, cuts: tuple[tuple[int, int], ...]) -> pl.Expr:
    """Stars for a total in tenths: the highest cut reached (a cut includes its boundary, 以上).

    References
    ----------
    .. [1] docs/rules/courtyard-hygiene.md §3 (≥ 90 ★5, ≥ 80 ★4, ≥ 70 ★3, ≥ 60 ★2, ≥ 50 ★1).
    """
    expr: pl.Expr = pl.lit(0, dtype=pl.Int8)
    for minimum, stars in sorted(cuts):  # lowest first, so the highest cut reached wins
        expr = pl.when(total >= minimum).then(pl.lit(stars, dtype=pl.Int8)).otherwise(expr)
    return expr


def over_maximum(frame: pl.DataFrame, sheet: Sheet) -> pl.DataFrame:
    """The cells above their item's maximum or below zero: ``row`` (0-based), ``item``, ``points``, ``maximum``."""
    parts = [
        frame.with_row_index("row")
        .filter((pl.col(code) > maximum / 10) | (pl.col(code) < 0))
        .select(
            pl.col("row"),
            pl.lit(code).alias("item"),
            pl.col(code).cast(pl.Float64).alias("points"),
            pl.lit(maximum / 10).alias("maximum"),
        )
        for code, maximum in sheet.items
    ]
    return pl.concat(parts).sort("row") if parts else pl.DataFrame()


def _code() -> pl.Expr:
    """The 14-digit courtyard code as an integer (grouping on integers is several times faster)."""
    return pl.col("courtyard").cast(pl.Int64)


def _groups() -> dict[str, pl.Expr]:
    """The courtyard, its village (the first 12 digits) and its town (the first 9), from ``_code``."""
    code = pl.col("_code")
    return {
        "courtyard": code,
        "village": code // 10 ** (LEVELS["courtyard"] - LEVELS["village"]),
        "town": code // 10 ** (LEVELS["courtyard"] - LEVELS["town"]),
    }


def monthly_totals(frame: pl.DataFrame, sheet: Sheet = DEFAULT_SHEET) -> pl.DataFrame:
    """Monthly totals after deductions and the stars they earn.

    Parameters
    ----------
    frame : DataFrame
        One row per household and month with one column per sheet item [分] and ``violations``
        (verified 门前三包 violations, a count). Scores must already be checked with
        :func:`over_maximum`.
    sheet : Sheet

    Returns
    -------
    DataFrame
        The input plus ``total`` [分] (Σ items − deduction × violations, never below 0) and ``stars``.

    References
    ----------
    .. [1] docs/rules/courtyard-hygiene.md §2 (items and 门前三包 deductions, floor 0), §3 (stars).
    """
    items = pl.sum_horizontal([(pl.col(code) * 10).round(0).cast(pl.Int64) for code in sheet.codes])
    deducted = items - pl.col("violations").cast(pl.Int64) * sheet.violation_deduction
    # The total in tenths is materialised once: as one expression reused by the stars' nested
    # conditions, polars would evaluate the item sum once per condition.
    with_total = frame.with_columns(deducted.clip(lower_bound=0).alias("_total10"))
    total10 = pl.col("_total10")
    return with_total.with_columns(
        (total10 / 10).alias("total"),
        stars_expr(total10, sheet.star_cuts).alias("stars"),
    ).drop("_total10")


def monthly_ranks(frame: pl.DataFrame) -> pl.DataFrame:
    """Competition ranks (1, 2, 2, 4) of each month's totals within courtyard, village and town.

    Parameters
    ----------
    frame : DataFrame
        ``courtyard`` (14-digit code), ``month`` and ``total`` [分], e.g. from :func:`monthly_totals`
        (households scored on different sheet versions are ranked together by their totals).

    Returns
    -------
    DataFrame
        The input plus ``rank_courtyard``, ``rank_village`` and ``rank_town``.

    References
    ----------
    .. [1] docs/rules/courtyard-hygiene.md §5 (competition ranking, ties share a rank).
    """
    ranked = frame.with_columns(
        (pl.col("total") * 10).round(0).cast(pl.Int64).alias("_total10"), _code().alias("_code")
    )
    return ranked.with_columns(
        pl.col("_total10")
        .rank("min", descending=True)
        .over(["month", group])
        .cast(pl.UInt32)
        .alias(f"rank_{level}")
        for level, group in _groups().items()
    ).drop("_total10", "_code")


def monthly_results(frame: pl.DataFrame, sheet: Sheet = DEFAULT_SHEET) -> pl.DataFrame:
    """:func:`monthly_totals` then :func:`monthly_ranks`: the batch path of one sheet."""
    return monthly_ranks(monthly_totals(frame, sheet))


def annual_results(
    monthly: pl.DataFrame, *, min_months: int = MIN_SCORED_MONTHS, top: int = TOP_RANK
) -> pl.DataFrame:
    """The annual overall evaluation of one year's monthly results.

    Parameters
    ----------
    monthly : DataFrame
        :func:`monthly_results` of one year (``household``, ``courtyard``, ``month``, ``total``).
    min_months : int
        Scored months a household needs to be ranked.
    top : int
        Ranks up to ``top`` are in the top ten.

    Returns
    -------
    DataFrame
        One row per household: ``courtyard``, ``months_scored``, ``annual_score`` [分] (the mean of
        the months scored), ``ranked``, ``rank_courtyard``, ``rank_village``, ``rank_town``
        (competition ranks among the ranked households, null when unranked) and ``top_ten``
        (ranked ``top`` or better within the courtyard).

    Notes
    -----
    The mean is the exact sum of tenths divided once by the count, so two equal means are the same
    float and tie; means of at most 12 months that differ are never closer than one float step.

    Examples
    --------
    Months 92, 88, 95, 90, 85, 91, 93, 89, 94, 90, 87, 96 → 1090 / 12 = 90.833.

    References
    ----------
    .. [1] docs/rules/courtyard-hygiene.md §4 (mean of the months scored, at least 10 months),
       §5 (competition ranking, ties share a rank, the top ten may be more than ten).
    """
    per_household = monthly.group_by("household").agg(
        pl.col("courtyard").first(),
        pl.len().cast(pl.UInt32).alias("months_scored"),
        ((pl.col("total") * 10).round(0).cast(pl.Int64).sum() / pl.len() / 10).alias("annual_score"),
    )
    ranked = pl.col("months_scored") >= min_months
    ranked_score = pl.when(pl.col("ranked")).then(pl.col("annual_score"))
    result = (
        per_household.with_columns(ranked.alias("ranked"), _code().alias("_code"))
        .with_columns(
            ranked_score.rank("min", descending=True).over(group).cast(pl.UInt32).alias(f"rank_{level}")
            for level, group in _groups().items()
        )
        .drop("_code")
    )
    return result.with_columns((pl.col("rank_courtyard").fill_null(top + 1) <= top).alias("top_ten")).sort(
        ["courtyard", "rank_courtyard", "household"], nulls_last=True
    )
