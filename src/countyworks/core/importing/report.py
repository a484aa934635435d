"""The files an import hands back: the marked error report and the rejected rows.

* :func:`error_report_xlsx` is the uploaded table with every bad cell filled red, the reason in the
  cell's comment, an 错误说明 column per row and a 错误清单 sheet listing every error.
* :func:`rejected_rows_file` is the rows an import rejected, in the upload's own format and columns
  plus an ``error`` column (which the importer ignores), ready to fix and import again.

Both are written by the intake's writers, so a cell that would run as a formula never does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from django.utils.translation import gettext as _

from countyworks.core.importing.service import Table
from countyworks.core.tabular import RowError, XlsxBook, csv_bytes

#: The header of the per-row reason column in the marked report.
REPORT_REASON_HEADER = "错误说明"
#: The header of the reason column in a rejected-rows file (skipped when it is imported again).
REJECTED_REASON_HEADER = "error"
_BAD_FILL = "FFC7CE"


def _column_index(table: Table, error: RowError) -> int | None:
    """Where an error's cell sits in the uploaded table (None for a column the file lacks)."""
    if error.column in table.columns:
        return table.columns[error.column]
    if error.column in table.headers:
        return table.headers.index(error.column)
    if error.column.startswith("#") and error.column[1:].isdigit():
        return int(error.column[1:]) - 1
    return None


def _column_label(table: Table, error: RowError) -> str:
    index = _column_index(table, error)
    if index is not None and index < len(table.headers) and table.headers[index]:
        return table.headers[index]
    return error.column


def _by_row(errors: Iterable[RowError]) -> dict[int, list[RowError]]:
    grouped: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        grouped[error.row].append(error)
    return grouped


def error_report_xlsx(table: Table, errors: Sequence[RowError]) -> bytes:
    """The uploaded table with bad cells filled red and commented, an 错误说明 column, and a 错误清单 sheet.

    Rows keep their numbers (第N行 in a message is row N of the report); title rows above the
    header and blank rows are left empty.
    """
    grouped = _by_row(errors)
    book = XlsxBook()
    sheet = book.sheet(_("数据（错误已标红）"))
    sheet.ws.freeze_panes = "A2"
    written = 0

    def write_row(number: int, values: Sequence[Any], *, bold: bool = False) -> None:
        nonlocal written
        while written < number - 1:  # keep the sheet's row numbers equal to the upload's
            sheet.append_cells([])
            written += 1
        written += 1
        row_errors = grouped.get(number, [])
        marked: dict[int, list[str]] = defaultdict(list)
        for error in row_errors:
            index = _column_index(table, error)
            if index is not None:
                marked[index].append(error.reason_zh)
        width = max(len(table.headers), len(values), max(marked, default=-1) + 1)
        cells = []
        for index in range(width):
            note = "\n".join(marked[index]) if index in marked else None
            value = values[index] if index < len(values) else None
            cells.append(sheet.cell(value, bold=bold, fill=_BAD_FILL if note else None, comment=note))
        summary = "；".join(f"{_column_label(table, e)}：{e.reason_zh}" for e in row_errors)
        cells.append(
            sheet.cell(
                REPORT_REASON_HEADER if bold else summary,
                bold=bold,
                fill=_BAD_FILL if summary else None,
                # the header row's own problems (a missing column has no cell to mark)
                comment=summary if bold and summary else None,
            )
        )
        sheet.append_cells(cells)

    write_row(table.header_row, table.headers, bold=True)
    for number, raw in zip(table.row_numbers, table.rows, strict=True):
        write_row(number, raw)
    listing = book.sheet(_("错误清单"), header=(_("行号"), _("列"), _("值"), _("原因"), "reason"))
    for error in errors:
        listing.append(
            [error.row, _column_label(table, error), error.value, error.reason_zh, error.reason_en]
        )
    return book.to_bytes()


def rejected_rows_file(
    table: Table, errors: Sequence[RowError], *, language: Literal["en", "zh"] = "en"
) -> bytes:
    """The rejected rows in the upload's format and columns, plus an ``error`` column with the reasons.

    Every row is rejected when the header itself is wrong. The importer skips the ``error`` column,
    so the fixed file imports as it is.
    """
    grouped = _by_row(errors)
    every_row = bool(table.header_errors)
    header_reasons = grouped.get(table.header_row, [])
    rows: list[list[Any]] = []
    for number, raw in zip(table.row_numbers, table.rows, strict=True):
        if not every_row and number not in grouped:
            continue
        reasons = header_reasons + grouped.get(number, [])
        if language == "en":
            text = "; ".join(f"{e.column}: {e.reason_en}" for e in reasons)
        else:
            text = "；".join(f"{_column_label(table, e)}：{e.reason_zh}" for e in reasons)
        rows.append([*raw, text])
    headers = [*table.headers, REJECTED_REASON_HEADER]
    if table.format == "csv":
        return csv_bytes(headers, rows)
    book = XlsxBook()
    sheet = book.sheet(_("被拒绝的行"), header=headers)
    for row in rows:
        sheet.append(row)
    return book.to_bytes()
