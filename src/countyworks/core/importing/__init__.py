"""The declarative importer: csv/xlsx in, validated rows out, written all-or-nothing.

An :class:`Importer` subclass declares what a file of one *kind* holds::

    class OrganisationImporter(Importer):
        kind = "organisations"
        model = Organisation
        columns = (
            Column("name", "名称", required=True),
            Column("credit_code", "统一社会信用代码", Kind.CODE, validators=(CREDIT_CODE,)),
            Column("region", "所在区划", Kind.REF, required=True, lookup=RegionLookup()),
        )
        keys = (("credit_code",), ("region", "name"))
        on_existing = OnExisting.UPDATE

and the framework does the rest, the same way for the page, the API and ``countyworks import``:

* **reading**: through the platform's one tabular intake (:mod:`countyworks.core.tabular`): csv
  (UTF-8 with or without BOM, or GB18030 as saved by Chinese Excel) or xlsx, every cell read as a
  *string*, so validation sees the raw cell. The format is recognised by content, not by file name.
  Excel error values, cells over 128 KB, cells right of the last header, a file without data rows
  and a first sheet left empty in front of the data are refused with the row, column and reason.
* **headers**: a column is found by its English name or its Chinese alias (``统一社会信用代码``),
  ignoring case, spaces, a trailing ``*`` and a parenthesised note (``行业代码(GB/T 4754)``). The
  header may sit below a title row (the first ten rows are searched). A missing required column,
  an unknown column or a column given twice is an error of the header row.
* **cells** (:meth:`Column.parse`): text (refused when it starts like a formula: ``=``, ``+``,
  ``-``, ``@``), codes, integers and decimals (full-width digits, thousands separators; a decimal
  comma is an error; percent columns declare points or fraction), dates, booleans (the intake's
  yes/no words), choices (by value or Chinese label), region codes (6- or 12-digit
  official codes, normalised to the platform key with
  :func:`~countyworks.core.regions.significant_prefix`) and foreign keys by code through a
  :class:`Lookup`, resolved for the whole file in one query per column.
* **rows**: each row's region must lie in the importing user's write reach
  (:func:`~countyworks.core.scoping.can_reach_region`); keys must be unique within the file (every
  occurrence is reported) and are matched against the database, where the importer's
  :class:`OnExisting` policy decides whether a stored record is updated or the row is an error;
  the model field's own validators run on every cell (once: a validator the column already
  declares as a :class:`Check` is not repeated), and ``clean_fields`` on the fields no column sets.
* **writing** (:meth:`Importer.import_rows`): one ``transaction.atomic`` block, ``bulk_create`` and
  ``bulk_update`` with their history rows (django-simple-history's ``bulk_create_with_history``),
  so an import is audited like any other change. With errors nothing is written, unless the
  caller explicitly asks for ``valid_only``; the rejected rows then go back as a file in the
  same format (:func:`countyworks.core.exporting.rejected_rows_file`).

Row numbers are spreadsheet row numbers: the header is usually row 1 and the first data row 2.

The package: :mod:`.fields` (columns and cell parsing), :mod:`.service` (the importer), :mod:`.report`
(the marked error report and the rejected rows), :mod:`.template` (the blank upload template every
kind gets from its columns) and :mod:`.registry` (the kinds and the CLI).
"""

from countyworks.core.importing.fields import (
    FILE_LANGUAGE,
    Check,
    Column,
    Kind,
    Lookup,
    RegionLookup,
    chunks,
    normalise_region_code,
)
from countyworks.core.importing.registry import (
    IMPORTERS,
    import_cli,
    importers_writable_by,
    register,
    rejected_path_for,
)
from countyworks.core.importing.report import (
    REJECTED_REASON_HEADER,
    REPORT_REASON_HEADER,
    error_report_xlsx,
    rejected_rows_file,
)
from countyworks.core.importing.service import (
    HEADER_SEARCH_ROWS,
    IGNORED_HEADERS,
    Checked,
    FileFormat,
    Importer,
    ImportResult,
    OnExisting,
    ParsedRow,
    Table,
)
from countyworks.core.importing.template import (
    TemplateColumn,
    importer_template_columns,
    template_filename,
    template_xlsx,
)
from countyworks.core.tabular import CellError, RowError, UnsupportedFile

__all__ = [
    "FILE_LANGUAGE",
    "HEADER_SEARCH_ROWS",
    "IGNORED_HEADERS",
    "IMPORTERS",
    "REJECTED_REASON_HEADER",
    "REPORT_REASON_HEADER",
    "CellError",
    "Check",
    "Checked",
    "Column",
    "FileFormat",
    "ImportResult",
    "Importer",
    "Kind",
    "Lookup",
    "OnExisting",
    "ParsedRow",
    "RegionLookup",
    "RowError",
    "Table",
    "TemplateColumn",
    "UnsupportedFile",
    "chunks",
    "error_report_xlsx",
    "import_cli",
    "importer_template_columns",
    "importers_writable_by",
    "normalise_region_code",
    "register",
    "rejected_path_for",
    "rejected_rows_file",
    "template_filename",
    "template_xlsx",
]
