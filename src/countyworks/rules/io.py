"""Reading and writing evaluation tables: csv, xlsx and parquet, chosen by file extension.

Input headers may be the English field names or the Chinese labels and aliases a rule set
declares (docs/design.md#cli-contract).  csv and xlsx cells are read as text, so that the rule
set's validation sees exactly what the file holds ("12,5" is reported, not silently lost);
parquet keeps its types.  Writing is atomic: a temporary file in the target directory is
renamed over the target only when complete, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

from countyworks.rules.engine import RuleSet

FORMATS = (".csv", ".xlsx", ".parquet")
#: Rows of one Excel sheet, header included.
XLSX_MAX_ROWS = 1_048_576


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
    """Read a csv/xlsx/parquet file; with ``ruleset``, rename Chinese headers to field names.

    csv is read as UTF-8 (with or without the BOM Excel writes) or, failing that, as GB18030
    (what Chinese Excel saves as "CSV"), all cells as text;
    xlsx reads the first sheet, all cells as text (dates as ``YYYY-MM-DD[ 00:00:00]``).
    """
    suffix = check_format(path)
    if suffix == ".csv":
        frame = pl.read_csv(_utf8(Path(path).read_bytes()), infer_schema=False)
    elif suffix == ".xlsx":
        import fastexcel  # imported here: only xlsx needs it

        frame = fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string").to_polars()
    else:
        frame = pl.read_parquet(path)
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    return frame if ruleset is None else rename_headers(frame, ruleset)


def _utf8(data: bytes) -> bytes:
    """The csv bytes as UTF-8 without BOM, decoding GB18030 when they are not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return text.encode("utf-8")


def rename_headers(frame: pl.DataFrame, ruleset: RuleSet) -> pl.DataFrame:
    """Rename Chinese labels and aliases to the English field names (unknown headers stay)."""
    names = ruleset.header_names()
    mapping = {c: names[c] for c in frame.columns if c in names and names[c] != c}
    clashes = set(mapping.values()) & (set(frame.columns) - set(mapping))
    mapping = {c: n for c, n in mapping.items() if n not in clashes}
    return frame.rename(mapping)


def write_table(frame: pl.DataFrame, path: str | Path) -> None:
    """Write ``frame`` atomically to csv, xlsx or parquet (by extension)."""
    target = Path(path)
    suffix = check_format(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent or Path("."))
    os.close(fd)
    try:
        if suffix == ".csv":
            frame.write_csv(tmp)
        elif suffix == ".parquet":
            frame.write_parquet(tmp)
        else:
            _write_xlsx(frame, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_xlsx(frame: pl.DataFrame, path: str) -> None:
    """Write one sheet with openpyxl in streaming mode (polars' writer needs xlsxwriter)."""
    from openpyxl import Workbook  # imported here: only xlsx needs it

    if frame.height >= XLSX_MAX_ROWS:
        raise UnsupportedFormat(f"xlsx holds at most {XLSX_MAX_ROWS - 1} data rows; write csv or parquet")

    book = Workbook(write_only=True)
    sheet = book.create_sheet("result")
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(row)
    book.save(path)
