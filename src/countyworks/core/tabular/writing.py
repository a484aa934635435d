"""Every file the platform writes: xlsx workbooks, csv and frames, with formula injection neutralised.

A text cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) would be run
as a formula by a spreadsheet.  In xlsx every string is written as a string cell (openpyxl would
otherwise store ``=…`` as a live formula) with Excel's "quote prefix", so it stays text even when
the cell is edited, and the value itself is unchanged.  In csv, which has no cell types, such a
cell is prefixed with an apostrophe (``'=1+2``), as OWASP recommends.  Numbers, including negative
ones, are written as numbers and are never touched.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from countyworks.core.tabular.errors import UnsupportedFile

if TYPE_CHECKING:
    import polars as pl

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
#: Rows of one Excel sheet, header included.
XLSX_MAX_ROWS = 1_048_576
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_DANGEROUS = r"^[=+\-@\t\r]"
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_DIGITS = re.compile(r"^\d+$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def dangerous(value: Any) -> bool:
    """Whether a spreadsheet would run this string as a formula (a number written as text would not)."""
    return isinstance(value, str) and value.startswith(_DANGEROUS_START) and not _NUMBER.match(value)


def neutralise(value: Any) -> Any:
    """A csv cell: strings a spreadsheet would run as a formula get a leading apostrophe."""
    return "'" + value if dangerous(value) else value


def sheet_title(text: str) -> str:
    """A valid sheet name (no []:*?/\\, at most 31 characters)."""
    return _SHEET_FORBIDDEN.sub("", text)[:31] or "Sheet"


class XlsxBook:
    """One streaming workbook; :meth:`sheet` adds a sheet, :meth:`to_bytes` or :meth:`save` ends it."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)

    def sheet(self, title: str, *, header: Sequence[Any] = (), widths: Sequence[int] = ()) -> XlsxSheet:
        ws = self.workbook.create_sheet(sheet_title(title))
        for index, width in enumerate(widths):
            ws.column_dimensions[_letter(index)].width = width
        sheet = XlsxSheet(ws)
        if header:
            ws.freeze_panes = "A2"
            sheet.append(header, bold=True)
        return sheet

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def save(self, path: str | Path) -> None:
        self.workbook.save(str(path))


class XlsxSheet:
    """A write-only sheet whose cells keep their type and never hold a live formula."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    def cell(
        self, value: Any, *, bold: bool = False, fill: str | None = None, comment: str | None = None
    ) -> Any:
        """A cell whose type survives a round trip: digit strings (codes) are text, dates are dates."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.comments import Comment
        from openpyxl.styles import Font, PatternFill

        cell = WriteOnlyCell(self.ws, value=_plain(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if dangerous(cell.value):
                cell.quotePrefix = True
            elif _DIGITS.match(cell.value):
                cell.number_format = "@"
        elif isinstance(cell.value, date):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = Font(bold=True)
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        if comment:
            cell.comment = Comment(comment, "countyworks")
        return cell

    def append(self, values: Iterable[Any], *, bold: bool = False) -> None:
        self.ws.append([v if _is_cell(v) else self.cell(v, bold=bold) for v in values])

    def append_cells(self, cells: Sequence[Any]) -> None:
        self.ws.append(list(cells))


def _is_cell(value: Any) -> bool:
    return hasattr(value, "data_type") and hasattr(value, "number_format")


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _plain(value: Any) -> Any:
    """Numbers, booleans and dates as such, None as blank, everything else as text."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal | date):
        return value
    return str(value)


def xlsx_bytes(title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet workbook."""
    book = XlsxBook()
    sheet = book.sheet(title, header=header)
    for row in rows:
        sheet.append(row)
    return book.to_bytes()


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 csv with the BOM Excel needs to recognise it, formula cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([["" if v is None else neutralise(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every string cell that a spreadsheet would run prefixed by an apostrophe."""
    import polars as pl

    strings = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not strings:
        return frame
    exprs = []
    for name in strings:
        col = pl.col(name)
        risky = col.str.contains(_DANGEROUS) & ~col.str.contains(_NUMBER.pattern)
        exprs.append(pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name))
    return frame.with_columns(exprs)


def write_frame(frame: pl.DataFrame, path: str | Path, fmt: str) -> None:
    """Write ``frame`` atomically as ``csv``, ``xlsx`` or ``parquet``: a temporary file in the target
    directory is renamed over the target only when complete."""
    target = Path(path)
    if fmt == "xlsx" and frame.height >= XLSX_MAX_ROWS:
        raise UnsupportedFile(
            f"xlsx holds at most {XLSX_MAX_ROWS - 1} data rows; write csv or parquet",
            f"xlsx 最多 {XLSX_MAX_ROWS - 1} 行数据，请输出 csv 或 parquet",
            "too_many_rows",
        )
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".{fmt}", dir=target.parent or Path("."))
    os.close(fd)
    try:
        if fmt == "csv":
            neutralise_frame(frame).write_csv(tmp)
        elif fmt == "parquet":
            frame.write_parquet(tmp)
        else:
            book = XlsxBook()
            sheet = book.sheet("result", header=frame.columns)
            for row in frame.iter_rows():
                sheet.append(row)
            book.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
