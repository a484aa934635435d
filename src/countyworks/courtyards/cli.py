"""``countyworks courtyards score SCORES [-o RESULT]`` (docs/courtyards.md).

Imports nothing heavy until the command runs: every ``countyworks`` command builds the whole parser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from countyworks.core.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``courtyards`` with its sub-command ``score``."""
    parser = subparsers.add_parser("courtyards", help="beautiful courtyards (美丽庭院): batch scoring")
    commands = parser.add_subparsers(dest="courtyards_command", required=True)
    score = commands.add_parser(
        "score",
        help="monthly totals, stars, annual means, competition ranks and the top ten",
        description="Score a csv/xlsx/parquet file of monthly hygiene inspections (columns: docs/courtyards.md).",
    )
    score.add_argument("scores", type=Path, help="csv, xlsx or parquet: one row per household and month")
    score.add_argument(
        "-o", "--output", type=Path, help="csv, xlsx or parquet result (default: csv on stdout)"
    )
    score.set_defaults(func=run_score)


def run_score(args: argparse.Namespace) -> int:
    import polars as pl

    from countyworks.core.tabular import UnsupportedFile, read_frame
    from countyworks.courtyards.batch import TEXT_COLUMNS, score
    from countyworks.rules.io import UnsupportedFormat, check_format, write_table

    try:
        check_format(args.scores)
        if args.output is not None:
            check_format(args.output)
        frame = read_frame(args.scores.read_bytes(), text_columns=set(TEXT_COLUMNS))
    except (UnsupportedFormat, UnsupportedFile) as exc:
        raise InputError(str(getattr(exc, "reason_en", exc))) from exc
    except OSError as exc:
        raise InputError(f"cannot read {args.scores}: {exc.strerror or exc}") from exc
    result = score(frame)
    if args.output is None:
        sys.stdout.write(result.write_csv())
    else:
        write_table(result, args.output)
        ranked = result.filter(pl.col("ranked")).select("household").n_unique()
        print(
            f"{result.height} household-months scored, {ranked} households ranked; written to {args.output}"
        )
    return 0
