"""Reading csv, xlsx and parquet into a grid of raw strings (the importer) or a frame (the rules engine).

* csv is UTF-8 (with or without the BOM Excel writes) or GB18030 (what Chinese Excel saves as
  "CSV"), comma- or tab-separated; cells of any length are read (too long ones are then refused
  per cell, see :data:`~countyworks.core.tabular.cells.MAX_CELL_CHARS`).
* xlsx is read with calamine (fastexcel), every cell as text, from the first sheet.  Excel error
  cells (``#DIV/0!``), which calamine reads as blank, are put back as their error text so that
  they are reported, not replaced by a default.  A first sheet without data while another sheet
  has some (the empty template left in front) is refused.
* parquet keeps its column types (frames only).
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from countyworks.core.tabular.errors import UnsupportedFile
from countyworks.core.tabular.sniff import TableFormat, table_format

if TYPE_CHECKING:
    import polars as pl

Cell = str | None
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass
class Grid:
    """A sheet as read: rows of raw cells, ``first_row`` the spreadsheet number of ``rows[0]``."""

    format: TableFormat
    rows: list[list[Cell]]
    first_row: int = 1


def decode(data: bytes) -> str:
    """csv bytes as text: UTF-8 (BOM or not), else GB18030; :class:`UnsupportedFile` otherwise."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnsupportedFile(
        "csv is neither UTF-8 nor GB18030 text", "csv 文件编码无法识别（应为 UTF-8 或 GBK）", "encoding"
    )


def read_grid(data: bytes, fmt: TableFormat | None = None) -> Grid:
    """Every row of a csv file or of an xlsx workbook's first sheet, cells as strings (None when empty)."""
    fmt = fmt or table_format(data)
    if fmt == "csv":
        return Grid("csv", _csv_rows(decode(data)))
    if fmt == "xlsx":
        return _xlsx_grid(data)
    raise UnsupportedFile(
        "parquet is not accepted here; use csv or xlsx", "此处只接受 csv 或 xlsx", "not_a_table"
    )


def _csv_rows(text: str) -> list[list[Cell]]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    # A long cell is read, then refused with its row and column (the default limit raises mid-file).
    csv.field_size_limit(max(csv.field_size_limit(), sys.maxsize >> 1))
    return [
        [cell if cell != "" else None for cell in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def _load_sheets(data: bytes) -> tuple[list[str], list[list[list[Cell]]]]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = list(reader.sheet_names)
        first = [list(r) for r in reader.load_sheet(0, header_row=None, dtypes="string").to_polars().rows()]
        sheets = [first]
        if not _has_data(first):
            for index in range(1, len(names)):
                sheet = reader.load_sheet(index, header_row=None, dtypes="string")
                sheets.append([list(r) for r in sheet.to_polars().rows()])
    except Exception as exc:  # calamine reports corrupt workbooks with its own exception types
        raise UnsupportedFile(
            f"cannot read the workbook: {exc}", "无法读取该工作簿，请检查文件是否损坏", "damaged_file"
        ) from exc
    return names, sheets


def _has_data(rows: list[list[Cell]]) -> bool:
    """More than one non-blank row (a header alone, or nothing, is an empty template)."""
    filled = sum(1 for row in rows if any(c is not None and str(c).strip() for c in row))
    return filled > 1


def _xlsx_grid(data: bytes) -> Grid:
    names, sheets = _load_sheets(data)
    rows = sheets[0]
    if not _has_data(rows):
        for name, other in zip(names[1:], sheets[1:], strict=False):
            if _has_data(other):
                raise UnsupportedFile(
                    f"the first sheet has no data but sheet {name!r} has; put the data on the first sheet",
                    f"第一个工作表没有数据，数据在工作表“{name}”中；请把数据放在第一个工作表",
                    "data_on_other_sheet",
                )
    errors, first_row = excel_error_cells(data)
    for (row, column), text in errors.items():
        index = row - first_row
        if 0 <= index < len(rows):
            cells = rows[index]
            cells.extend([None] * (column + 1 - len(cells)))
            cells[column] = text
    return Grid("xlsx", rows, first_row)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find("m:sheets/m:sheet", _NS)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target", "") for r in rels if sheet is not None and r.get("Id") == sheet.get(_REL))
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)


def excel_error_cells(data: bytes) -> tuple[dict[tuple[int, int], str], int]:
    """The first sheet's error cells ((row, column index) → ``#DIV/0!``) and its first non-empty row.

    Only a sheet holding an error cell is parsed; the first row is what calamine numbers from.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet = archive.read(_first_sheet_part(archive))
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError, DefusedXmlException):
        return {}, 1
    if b't="e"' not in sheet:
        return {}, 1
    found: dict[tuple[int, int], str] = {}
    first_row = sys.maxsize
    for _event, element in ElementTree.iterparse(io.BytesIO(sheet)):
        if element.tag != f"{{{_NS['m']}}}c":
            continue
        match = _CELL_REF.match(element.get("r", ""))
        value = element.find("m:v", _NS)
        inline = element.find("m:is", _NS)
        if match and (value is not None or inline is not None):
            row = int(match[2])
            first_row = min(first_row, row)
            if element.get("t") == "e" and value is not None:
                found[(row, _column_index(match[1]))] = value.text or "#N/A"
        element.clear()
    return found, (first_row if found else 1)


def read_frame(
    data: bytes, fmt: TableFormat | None = None, *, text_columns: Collection[str] | None = None
) -> pl.DataFrame:
    """A csv/xlsx/parquet file as a polars frame: csv and xlsx cells as text, parquet typed.

    With ``text_columns`` (the fast path for large files) a csv is read by polars' native parser
    with its types inferred (numbers, true/false), except ``text_columns``, which stay text; a
    column that does not parse as one type throughout (``12,5`` among numbers) stays text, so the
    caller still sees and reports every bad cell.  Headers are stripped (and lose a stray BOM).
    Excel error cells come back as their text.
    """
    import polars as pl

    fmt = fmt or table_format(data, allow_parquet=True)
    if fmt == "csv":
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        try:  # polars reads a header leniently but refuses invalid UTF-8 in the data
            body[: body.find(b"\n") % (len(body) + 1)].decode("utf-8")
            frame = _native_csv(body, text_columns)
        except (UnicodeDecodeError, pl.exceptions.ComputeError):  # GB18030, or refused with the reason
            frame = _native_csv(decode(data).encode("utf-8"), text_columns)
    elif fmt == "xlsx":
        grid = _xlsx_grid(data)
        header = [("" if c is None else str(c)) for c in (grid.rows[0] if grid.rows else [])]
        width = len(header)
        cells = [(list(r) + [None] * width)[:width] for r in grid.rows[1:]]
        names: list[str] = []
        for index, name in enumerate(header):
            name = name or f"__column_{index + 1}"
            names.append(name if name not in names else f"{name}_duplicated_{names.count(name)}")
        frame = pl.DataFrame(cells, schema={n: pl.String for n in names}, orient="row")
    else:
        frame = pl.read_parquet(io.BytesIO(data))
    return frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})


def _native_csv(body: bytes, text_columns: Collection[str] | None) -> pl.DataFrame:
    import polars as pl

    if text_columns is None:
        return pl.read_csv(body, infer_schema=False)
    header = pl.read_csv(body, n_rows=0, infer_schema=False).columns
    overrides = {name: pl.String for name in header if name.strip().lstrip("\ufeff") in text_columns}
    try:
        return pl.read_csv(body, infer_schema_length=10_000, schema_overrides=overrides)
    except pl.exceptions.PolarsError:  # a column that is not one type throughout: all text
        return pl.read_csv(body, infer_schema=False)
