"""Reading and writing evaluation tables: csv, xlsx and parquet, chosen by file extension.

Input headers may be the English field names or the Chinese labels and aliases a rule set
declares (docs/design.md#cli-contract).  Files go through the platform's intake (``countyworks.core.tabular``): with a rule
set, a csv is read by polars' native parser (numbers and true/false typed; identifiers, choices
and dates as text), and a column that is not one type throughout is read as text, so the rule
set's validation still sees exactly what the file holds ("12,5" is reported, not silently lost);
xlsx cells are read as text, parquet keeps its types.  Writing is atomic: a temporary file in
the target directory is renamed over the target only when complete, so a failed run leaves
nothing half-written; csv and xlsx cells that would run as formulas are neutralised.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from countyworks.core.tabular import UnsupportedFile, read_frame, write_frame
from countyworks.rules.engine import RuleSet

FORMATS = (".csv", ".xlsx", ".parquet")


class UnsupportedFormat(ValueError):
    """The extension is none of csv, xlsx, parquet."""


def check_format(path: str | Path) -> str:
    """The file's extension (.csv, .xlsx, .parquet), or :class:`UnsupportedFormat`."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedFormat(
            f"{path}: unsupported file type {suffix or '(none)'}; use csv, xlsx or parquet"
        )
    return suffix


def read_table(path: str | Path, ruleset: RuleSet | None = None) -> pl.DataFrame:
    """Read a csv/xlsx/parquet file through the platform's intake; with ``ruleset``, rename Chinese
    headers to field names.

    csv is UTF-8 (with or without BOM) or GB18030, xlsx its first sheet (Excel error cells come back
    as their text, e.g. ``#DIV/0!``, and are reported), csv and xlsx cells as text; parquet typed.
    """
    check_format(path)
    text_columns = None
    if ruleset is not None:  # numbers and flags natively parsed; identifiers, choices, dates as text
        text_kinds = {f.name for f in ruleset.fields if f.kind in ("id", "enum", "date")}
        text_columns = {header for header, name in ruleset.header_names().items() if name in text_kinds}
    frame = read_frame(Path(path).read_bytes(), text_columns=text_columns)
    return frame if ruleset is None else rename_headers(frame, ruleset)


def rename_headers(frame: pl.DataFrame, ruleset: RuleSet) -> pl.DataFrame:
    """Rename Chinese labels and aliases to the English field names (unknown headers stay)."""
    names = ruleset.header_names()
    mapping = {c: names[c] for c in frame.columns if c in names and names[c] != c}
    clashes = set(mapping.values()) & (set(frame.columns) - set(mapping))
    mapping = {c: n for c, n in mapping.items() if n not in clashes}
    return frame.rename(mapping)


def write_table(frame: pl.DataFrame, path: str | Path) -> None:
    """Write ``frame`` atomically to csv, xlsx or parquet (by extension); formula cells neutralised."""
    suffix = check_format(path)
    try:
        write_frame(frame, path, suffix.lstrip("."))
    except UnsupportedFile as exc:
        raise UnsupportedFormat(exc.reason_en) from exc
