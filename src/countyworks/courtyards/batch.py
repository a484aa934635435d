"""``countyworks courtyards score``: monthly totals, stars, ranks and the annual evaluation of a file.

Free of Django: the file is read through the platform's intake (:mod:`countyworks.core.tabular`),
checked, and scored by :mod:`countyworks.courtyards.scoring` — the functions the pages use.
Columns are documented in docs/courtyards.md.
"""

from __future__ import annotations

import re

import polars as pl

from countyworks.core.errors import InputError
from countyworks.courtyards import scoring

#: Chinese headers accepted as aliases of the English column names.
ALIASES: dict[str, str] = {
    "农户": "household",
    "农户编号": "household",
    "院落代码": "courtyard",
    "月份": "month",
    "鸡鸭圈养": "poultry_penned",
    "杂物堆放整齐": "debris_stacked",
    "屋前屋后干净": "front_back_clean",
    "菜园围栏": "garden_fenced",
    "柴火堆放整齐": "firewood_stacked",
    "门前三包违规": "violations",
}
TEXT_COLUMNS = (
    "household",
    "courtyard",
    "month",
    *(k for k, v in ALIASES.items() if v in ("household", "courtyard", "month")),
)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_COURTYARD = re.compile(r"^\d{14}$")
#: How many row errors are listed before the rest are counted.
MAX_LISTED = 50


def _row_errors(frame: pl.DataFrame, sheet: scoring.Sheet) -> list[str]:
    """Every bad cell as ``row N, column C: value V: reason`` (row 2 is the first data row)."""
    errors: list[str] = []
    indexed = frame.with_row_index("_row", offset=2)
    checks = [
        (
            "courtyard",
            ~pl.col("courtyard").str.contains(_COURTYARD.pattern).fill_null(False),
            "expected a 14-digit courtyard code",
        ),
        ("month", ~pl.col("month").str.contains(_MONTH.pattern).fill_null(False), "expected a month YYYY-MM"),
        ("household", pl.col("household").is_null(), "missing household"),
        ("violations", pl.col("violations").is_null() | (pl.col("violations") < 0), "expected a count ≥ 0"),
    ]
    for column, bad, reason in checks:
        for row in indexed.filter(bad).select("_row", column).iter_rows():
            errors.append(f"row {row[0]}, column {column}: value {row[1]!r}: {reason}")
    for code in sheet.codes:
        for row in indexed.filter(pl.col(code).is_null()).select("_row").iter_rows():
            errors.append(f"row {row[0]}, column {code}: missing score")
    for cell in scoring.over_maximum(frame.with_columns(pl.col(sheet.codes).fill_null(0)), sheet).iter_rows(
        named=True
    ):
        errors.append(
            f"row {cell['row'] + 2}, column {cell['item']}: value {cell['points']:g}: "
            f"score outside 0..{cell['maximum']:g} (the item's maximum)"
        )
    duplicates = indexed.filter(pl.struct("household", "month").is_duplicated())
    for row in duplicates.select("_row", "household", "month").iter_rows():
        errors.append(
            f"row {row[0]}, column household: {row[1]} {row[2]}: more than one inspection in the month"
        )
    return errors


def prepare(frame: pl.DataFrame, sheet: scoring.Sheet = scoring.DEFAULT_SHEET) -> pl.DataFrame:
    """Rename aliases, cast the score columns and check every cell; :class:`InputError` lists the bad ones."""
    frame = frame.rename(
        {c: ALIASES[c] for c in frame.columns if c in ALIASES and ALIASES[c] not in frame.columns}
    )
    wanted = ["household", "courtyard", "month", *sheet.codes]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise InputError(
            [f"missing column {c}: expected {', '.join(wanted)} and optionally violations" for c in missing]
        )
    if "violations" not in frame.columns:
        frame = frame.with_columns(pl.lit(0).alias("violations"))
    try:
        frame = frame.with_columns(
            pl.col("household").cast(pl.String),
            pl.col("courtyard").cast(pl.String).str.strip_chars(),
            pl.col("month").cast(pl.String).str.strip_chars(),
            *(pl.col(c).cast(pl.Float64, strict=True) for c in sheet.codes),
            pl.col("violations").cast(pl.Int64, strict=True),
        )
    except pl.exceptions.InvalidOperationError as exc:
        raise InputError(f"a score or violations column holds text that is not a number: {exc}") from exc
    errors = _row_errors(frame, sheet)
    if errors:
        listed = errors[:MAX_LISTED]
        if len(errors) > MAX_LISTED:
            listed.append(f"… and {len(errors) - MAX_LISTED} more errors")
        raise InputError(listed)
    return frame


def score(frame: pl.DataFrame, sheet: scoring.Sheet = scoring.DEFAULT_SHEET) -> pl.DataFrame:
    """One row per household and month: the monthly result and, joined, the household's annual result."""
    monthly = scoring.monthly_results(prepare(frame, sheet), sheet).with_columns(
        pl.col("month").str.slice(0, 4).cast(pl.Int32).alias("year")
    )
    annual = pl.concat(
        [
            scoring.annual_results(part).with_columns(pl.lit(year, dtype=pl.Int32).alias("year"))
            for (year,), part in monthly.partition_by("year", as_dict=True).items()
        ]
    ).rename(
        {
            "rank_courtyard": "annual_rank_courtyard",
            "rank_village": "annual_rank_village",
            "rank_town": "annual_rank_town",
        }
    )
    return monthly.join(annual.drop("courtyard"), on=["household", "year"], how="left").drop("year")
