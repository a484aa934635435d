"""Files the importer hands back: exports, the marked error report, and the rejected rows.

* :func:`export_xlsx` writes what a user may see of an import kind with the importer's columns
  under their Chinese headers, so the file re-imports unchanged (codes stay text, choices are
  written as their Chinese labels, regions as official 6/12-digit codes).
* :func:`error_report_xlsx` is the uploaded table with every bad cell filled red, the reason in the
  cell's comment, an 错误说明 column per row and a 错误清单 sheet listing every error.
* :func:`rows_xlsx` is any plain table (the audit log's export).
* :func:`rejected_rows_file` is the rows an import rejected, in the upload's own format and columns
  plus an ``error`` column (which the importer ignores), ready to fix and import again.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from countyworks.core.importing import IMPORTERS, RowError, Table

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
#: The header of the per-row reason column in the marked report.
REPORT_REASON_HEADER = "错误说明"
#: The header of the reason column in a rejected-rows file (skipped when it is imported again).
REJECTED_REASON_HEADER = "error"

_BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
_HEADER_FONT = Font(bold=True)
_DIGITS = re.compile(r"^\d+$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str) -> str:
    return _SHEET_FORBIDDEN.sub("", text)[:31] or "Sheet"


def _cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A cell whose type survives a round trip: digit strings (codes) are stored as text."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and _DIGITS.match(value):
        cell.number_format = "@"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = _HEADER_FONT
    return cell


def _plain(value: Any) -> Any:
    """Exported values: numbers and dates as such, everything else as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal | date):
        return value
    return str(value)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(importer_kind: str, queryset: QuerySet[Any]) -> bytes:
    """The rows of ``queryset`` as an xlsx the ``importer_kind`` importer reads back unchanged.

    The caller passes a queryset already restricted to what the user may see (the importer's
    :meth:`~countyworks.core.importing.Importer.queryset` goes through ``scope``).
    """
    importer = IMPORTERS[importer_kind]
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_sheet_title(str(importer.label)))
    ws.freeze_panes = "A2"
    for index, column in enumerate(importer.columns):
        ws.column_dimensions[chr(ord("A") + index)].width = max(12, 2 * len(column.alias_zh) + 4)
    ws.append([_cell(ws, column.alias_zh, bold=True) for column in importer.columns])
    for obj in queryset.iterator(chunk_size=2000):
        ws.append([_cell(ws, _plain(value)) for value in importer.export_row(obj)])
    return _save(workbook)


def rows_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A plain table: one sheet named ``title``, bold ``headers``, then ``rows`` as they come."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_sheet_title(title))
    ws.freeze_panes = "A2"
    for index, header in enumerate(headers):
        ws.column_dimensions[chr(ord("A") + index)].width = max(12, 2 * len(header) + 4)
    ws.append([_cell(ws, header, bold=True) for header in headers])
    for row in rows:
        ws.append([_cell(ws, _plain(value)) for value in row])
    return _save(workbook)


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
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_sheet_title(_("数据（错误已标红）")))
    ws.freeze_panes = "A2"

    written = 0

    def write_row(number: int, values: Sequence[Any], *, bold: bool = False) -> None:
        nonlocal written
        while written < number - 1:  # keep the sheet's row numbers equal to the upload's
            ws.append([])
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
            cell = _cell(ws, values[index] if index < len(values) else None, bold=bold)
            if index in marked:
                cell.fill = _BAD_FILL
                cell.comment = Comment("\n".join(marked[index]), "countyworks")
            cells.append(cell)
        summary = "；".join(f"{_column_label(table, e)}：{e.reason_zh}" for e in row_errors)
        reason_cell = _cell(ws, REPORT_REASON_HEADER if bold else summary, bold=bold)
        if summary:
            reason_cell.fill = _BAD_FILL
            if bold:  # the header row's own problems (a missing column has no cell to mark)
                reason_cell.comment = Comment(summary, "countyworks")
        cells.append(reason_cell)
        ws.append(cells)

    write_row(table.header_row, table.headers, bold=True)
    for number, raw in zip(table.row_numbers, table.rows, strict=True):
        write_row(number, raw)

    listing = workbook.create_sheet(_sheet_title(_("错误清单")))
    listing.append([_cell(listing, h, bold=True) for h in (_("行号"), _("列"), _("值"), _("原因"), "reason")])
    for error in errors:
        listing.append(
            [
                error.row,
                _column_label(table, error),
                _cell(listing, error.value),
                error.reason_zh,
                error.reason_en,
            ]
        )
    return _save(workbook)


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
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        return buffer.getvalue().encode("utf-8-sig")
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_sheet_title(_("被拒绝的行")))
    ws.append([_cell(ws, h, bold=True) for h in headers])
    for row in rows:
        ws.append([_cell(ws, value) for value in row])
    return _save(workbook)
