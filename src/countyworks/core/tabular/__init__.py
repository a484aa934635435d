"""One tabular intake for the whole platform, free of Django.

Reading (csv in UTF-8, UTF-8 with BOM or GB18030; xlsx; parquet), recognising a file's real type
by its content, understanding cells (one yes/no vocabulary, one number parser with its percent
rule, Excel error values, formula injection), reporting problems as :class:`RowError`, and
writing xlsx/csv with formula cells neutralised.  The importer, the rules engine, campaign uploads,
ticket attachments and every export go through it; ``docs/importing.md`` explains the rules.
"""

from countyworks.core.tabular.cells import (
    EXCEL_ERRORS,
    FALSE_WORDS,
    MAX_CELL_CHARS,
    TRUE_WORDS,
    YES_NO,
    Percent,
    cell_size_error,
    excel_error,
    fold,
    formula_error,
    is_formula,
    parse_bool,
    parse_number,
)
from countyworks.core.tabular.errors import CellError, RowError, UnsupportedFile
from countyworks.core.tabular.reading import Grid, decode, read_frame, read_grid
from countyworks.core.tabular.sniff import TableFormat, identify, table_format
from countyworks.core.tabular.writing import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    XlsxBook,
    XlsxSheet,
    csv_bytes,
    dangerous,
    neutralise,
    neutralise_frame,
    sheet_title,
    write_frame,
    xlsx_bytes,
)

__all__ = [
    "CSV_CONTENT_TYPE",
    "EXCEL_ERRORS",
    "FALSE_WORDS",
    "MAX_CELL_CHARS",
    "TRUE_WORDS",
    "XLSX_CONTENT_TYPE",
    "YES_NO",
    "CellError",
    "Grid",
    "Percent",
    "RowError",
    "TableFormat",
    "UnsupportedFile",
    "XlsxBook",
    "XlsxSheet",
    "cell_size_error",
    "csv_bytes",
    "dangerous",
    "decode",
    "excel_error",
    "fold",
    "formula_error",
    "identify",
    "is_formula",
    "neutralise",
    "neutralise_frame",
    "parse_bool",
    "parse_number",
    "read_frame",
    "read_grid",
    "sheet_title",
    "table_format",
    "write_frame",
    "xlsx_bytes",
]
