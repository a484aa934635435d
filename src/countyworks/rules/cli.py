"""``countyworks evaluate RULESET INPUT [-o OUTPUT]``: batch evaluation (docs/design.md#cli-contract).

Reads csv/xlsx/parquet (by extension), validates every row, evaluates with the rule set's
vectorised ``evaluate`` and writes csv/xlsx/parquet by the extension of ``-o`` (csv on stdout
without it).  Any row error exits 1 with every error on stderr and writes nothing.  Inputs
above ``CHUNK_THRESHOLD`` rows are evaluated in chunks with a progress bar on stderr.  Neither
Django nor the rule sets are imported until the command runs, so every command starts fast.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countyworks.core.errors import InputError

if TYPE_CHECKING:
    import polars as pl

    from countyworks.rules.engine import RuleSet

#: Inputs with more rows than this are evaluated in chunks of CHUNK_ROWS, with progress.
CHUNK_THRESHOLD = 200_000
CHUNK_ROWS = 100_000


def register(subparsers: Any) -> None:
    """Add the ``evaluate`` sub-command."""
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate enterprises against an official rule set",
        description="Batch evaluation: csv/xlsx/parquet in, csv/xlsx/parquet out (csv on stdout without -o).",
    )
    parser.add_argument(
        "ruleset",
        metavar="RULESET",
        help="rule set code (tech-sme-2022) or family (tech-sme: the version in force --on that day)",
    )
    parser.add_argument("input", metavar="INPUT", help="input file (.csv, .xlsx or .parquet)")
    parser.add_argument("-o", "--output", metavar="OUTPUT", help="output file (.csv, .xlsx or .parquet)")
    parser.add_argument(
        "--on",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="check the rule set is in force on this day, or pick its family's version then (default: the latest)",
    )
    parser.add_argument(
        "--benchmarks",
        metavar="FILE",
        help="benchmarks by group (亩均 rule sets: group and bench_<indicator> columns), filling blank columns",
    )
    parser.set_defaults(func=evaluate_command)


def evaluate_command(args: argparse.Namespace) -> int:
    """Run the evaluation; raise :class:`InputError` (exit 1) on any bad input."""
    import polars as pl

    from countyworks.core.tabular import neutralise_frame
    from countyworks.rules.io import UnsupportedFormat, check_format, read_table, write_table
    from countyworks.rules.registry import UnknownRuleSet, get_ruleset

    try:
        ruleset = get_ruleset(args.ruleset, args.on)
        check_format(args.input)
        if args.output:
            check_format(args.output)
    except (UnknownRuleSet, UnsupportedFormat) as exc:
        raise InputError(str(exc)) from exc
    source = Path(args.input)
    if not source.is_file():
        raise InputError(f"{source}: no such file")
    try:
        frame = read_table(source, ruleset)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise InputError(f"{source}: cannot read: {exc}") from exc
    if args.benchmarks:
        try:
            check_format(args.benchmarks)
            frame = ruleset.with_benchmarks(frame, read_table(args.benchmarks))
        except (UnsupportedFormat, pl.exceptions.PolarsError, OSError, ValueError) as exc:
            raise InputError(f"{args.benchmarks}: {exc}") from exc
    errors, typed = ruleset.validate_typed(frame)
    if errors or typed is None:
        raise InputError([f"{source}: {len(errors)} row error(s), nothing written", *map(str, errors)])
    del frame
    result = evaluate_in_chunks(ruleset, typed)
    if not args.output:
        sys.stdout.write(neutralise_frame(result).write_csv())
        return 0
    try:
        write_table(result, args.output)
    except (UnsupportedFormat, OSError) as exc:
        raise InputError(f"{args.output}: cannot write: {exc}") from exc
    return 0


def evaluate_in_chunks(ruleset: RuleSet, frame: pl.DataFrame) -> pl.DataFrame:
    """``ruleset.evaluate_typed`` over the typed frame (cells parsed once, by the validation), in
    chunks with a progress bar when it is large."""
    import polars as pl
    from tqdm import tqdm

    if frame.height <= CHUNK_THRESHOLD or ruleset.ranks_over_file:
        return ruleset.evaluate_typed(frame)
    parts = []
    with tqdm(total=frame.height, unit="rows", desc=ruleset.code, file=sys.stderr) as bar:
        for chunk in frame.iter_slices(CHUNK_ROWS):
            parts.append(ruleset.evaluate_typed(chunk))
            bar.update(chunk.height)
    return pl.concat(parts)
