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

* **reading** (:func:`read_grid`): csv through the stdlib (UTF-8 with or without BOM, or GB18030 as
  saved by Chinese Excel), xlsx through fastexcel/calamine with every cell read as a *string*, so
  validation sees the raw cell. The format is recognised by content, not by file name.
* **headers**: a column is found by its English name or its Chinese alias (``统一社会信用代码``),
  ignoring case, spaces, a trailing ``*`` and a parenthesised note (``行业代码(GB/T 4754)``). The
  header may sit below a title row (the first ten rows are searched). A missing required column,
  an unknown column or a column given twice is an error of the header row.
* **cells** (:meth:`Column.parse`): text, codes, integers, decimals, dates, booleans
  (是/否/true/false/1/0), choices (by value or Chinese label), region codes (6- or 12-digit
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
(calamine starts an xlsx sheet at its first non-empty row; a sheet with blank leading rows is
numbered from there.)
"""

from __future__ import annotations

import csv
import functools
import io
import re
import sys
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Literal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from countyworks.core.regions import InvalidRegionCode, official_code, significant_prefix
from countyworks.core.scoping import SHARED, can_reach_region, reaches

FileFormat = Literal["csv", "xlsx"]

#: Headers the importer skips: the reason columns of a rejected-rows file and of the marked report
#: (so both import again once fixed), a row counter and free remarks.
IGNORED_HEADERS = frozenset({"error", "错误说明", "序号", "备注"})
#: How many leading rows may precede the header (a title such as "2023年常宁市企业名单").
HEADER_SEARCH_ROWS = 10
#: Values per ``IN (…)`` query: below every backend's parameter limit.
_IN_CHUNK = 900
_BATCH = 500
#: Rows written between two progress reports.
_PROGRESS_CHUNK = 2000


class UnsupportedFile(ValueError):
    """The upload is neither a csv text file nor an xlsx workbook."""

    def __init__(self, reason_en: str, reason_zh: str) -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh


class CellError(ValueError):
    """A cell that does not parse or validate; carries the reason in English and Chinese."""

    def __init__(self, reason_en: str, reason_zh: str) -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or in the header row): what the page, the CLI and the xlsx report show."""

    row: int
    column: str
    value: str
    reason_en: str
    reason_zh: str

    def __str__(self) -> str:
        """The English line printed on stderr by ``countyworks import``."""
        shown = self.value if len(self.value) <= 80 else self.value[:79] + "…"
        if shown:
            return f"row {self.row}, column {self.column}, value {shown!r}: {self.reason_en}"
        return f"row {self.row}, column {self.column}: {self.reason_en}"

    def reason(self) -> str:
        """The reason in the active language (Chinese unless the page is switched to English)."""
        return self.reason_en if (translation.get_language() or "").startswith("en") else self.reason_zh


@dataclass(frozen=True)
class Check:
    """A per-value validator: ``validate(value)`` raises Django's ``ValidationError`` (whose message is
    the Chinese reason, e.g. a model field validator), ``reason_en`` is the English reason for the CLI."""

    validate: Callable[[Any], None]
    reason_en: str

    def run(self, value: Any) -> None:
        try:
            self.validate(value)
        except ValidationError as exc:
            raise CellError(self.reason_en.format(value=value), "；".join(exc.messages)) from exc


class Kind(StrEnum):
    """How a cell is parsed."""

    TEXT = "text"  # stripped text; blank is ""
    CODE = "code"  # an identifier: full-width folded, spaces removed, upper-cased
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    BOOL = "bool"  # 是/否/true/false/1/0
    CHOICE = "choice"  # a choice's value or its Chinese label
    REGION = "region"  # a division code (the record's own, need not exist yet)
    REF = "ref"  # a foreign key given by a code, resolved through ``Column.lookup``


_TRUE = frozenset({"是", "true", "1", "yes", "y", "t"})
_FALSE = frozenset({"否", "false", "0", "no", "n", "f"})
_INT = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00:00(?:\.0+)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)


def _fold(raw: str) -> str:
    """Full-width digits, letters and punctuation to ASCII (Chinese input methods produce them)."""
    return unicodedata.normalize("NFKC", raw).strip()


def normalise_region_code(raw: str) -> str:
    """A division code as typed in a file → the platform key; :class:`CellError` if it is not one."""
    code = _fold(raw).replace(" ", "")
    if _INT.match(code) and "." in code:  # an Excel number cell: "430482.0"
        code = code.split(".", 1)[0]
    if _SCIENTIFIC.match(code):
        raise CellError(
            "region code was stored by Excel as a number in scientific notation; format the column as text",
            _("区划代码被 Excel 存成了科学计数法数字，请把该列设置为文本格式后重新填写"),
        )
    try:
        return significant_prefix(code)
    except InvalidRegionCode as exc:
        raise CellError(
            f"not a division code: expected 6 (GB/T 2260) or 12 (统计用区划代码) digits ({exc})",
            _("不是有效的区划代码：应为 6 位（GB/T 2260）或 12 位（统计用区划代码）数字"),
        ) from exc


class Lookup:
    """A foreign key given in the file by a code; subclasses resolve codes for a whole file at once."""

    def normalise(self, raw: str) -> str:
        """The code as the database stores it (raise :class:`CellError` if malformed)."""
        return _fold(raw)

    def resolve(self, codes: set[str], user: Any) -> dict[str, Any]:
        """code → value to store in the foreign key column; codes left out are unknown."""
        raise NotImplementedError

    def unknown(self, code: str) -> CellError:
        return CellError(f"unknown code {code}", _("未知代码 %(code)s") % {"code": code})

    def display(self, value: Any) -> str:
        """A stored foreign-key value as a file would give it (for messages)."""
        return str(value)

    def export(self, obj: models.Model, attname: str) -> str:
        """The code written back into an exported file for ``obj``'s foreign key."""
        value = getattr(obj, attname)
        return "" if value is None else self.display(value)


class RegionLookup(Lookup):
    """A region given by its official 6- or 12-digit code (or the platform's significant prefix)."""

    def normalise(self, raw: str) -> str:
        return normalise_region_code(raw)

    def resolve(self, codes: set[str], user: Any) -> dict[str, Any]:
        from countyworks.core.models import Region

        found: dict[str, Any] = {}
        for chunk in chunks(sorted(codes)):
            found.update(
                {code: code for code in Region.objects.filter(code__in=chunk).values_list("code", flat=True)}
            )
        return found

    def unknown(self, code: str) -> CellError:
        return CellError(
            f"unknown region code {official_code(code)} (not in the division table)",
            _("未知区划代码 %(code)s（行政区划表中没有）") % {"code": official_code(code)},
        )

    def display(self, value: Any) -> str:
        return official_code(str(value))


def chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``name`` is the English identifier (the header the CLI contract names, and the error report's
    column), ``alias_zh`` the Chinese header accepted in its place. ``bounds`` is an inclusive
    ``(min, max)`` for numbers and dates (either end may be None); ``choices`` a Django ``Choices``
    class or ``(value, label)`` pairs; ``validators`` :class:`Check` objects run on the parsed
    value; ``lookup`` resolves a :attr:`Kind.REF` code; ``field`` the model field when it differs
    from ``name``. Text longer than the model field's ``max_length`` is an error.
    """

    name: str
    alias_zh: str
    kind: Kind = Kind.TEXT
    required: bool = False
    bounds: tuple[Any, Any] | None = None
    choices: Any = None
    validators: tuple[Check, ...] = ()
    lookup: Lookup | None = None
    field: str | None = None

    @property
    def field_name(self) -> str:
        return self.field or self.name

    def choice_pairs(self) -> list[tuple[str, str]]:
        return list(_choice_index(self)[0])

    def blank(self) -> Any:
        """A blank cell: "" for text and codes; None otherwise, which leaves the model default on a
        new record and the stored value on an existing one."""
        return "" if self.kind in (Kind.TEXT, Kind.CODE) else None

    def parse(self, raw: str | None, max_length: int | None = None) -> Any:
        """The Python value of a raw cell; raises :class:`CellError` with the reason."""
        text = "" if raw is None else str(raw).strip()
        if not text:
            if self.required:
                raise CellError("required value is missing", _("必填项为空"))
            return self.blank()
        value = self._parse_kind(text)
        if max_length is not None and isinstance(value, str) and len(value) > max_length:
            raise CellError(
                f"longer than {max_length} characters",
                _("超过 %(n)d 个字符") % {"n": max_length},
            )
        if self.bounds is not None and value is not None:
            low, high = self.bounds
            if (low is not None and value < low) or (high is not None and value > high):
                shown = f"[{'' if low is None else low}, {'' if high is None else high}]"
                raise CellError(f"out of range {shown}", _("超出范围 %(range)s") % {"range": shown})
        for check in self.validators:
            check.run(value)
        return value

    def _parse_kind(self, text: str) -> Any:
        kind = self.kind
        if kind == Kind.TEXT:
            return text
        if kind == Kind.CODE:
            code = _fold(text).replace(" ", "").upper()
            if _INT.match(code) and code.endswith(".0"):
                code = code.split(".", 1)[0]
            if _SCIENTIFIC.match(code):
                raise CellError(
                    "code was stored by Excel as a number in scientific notation; format the column as text",
                    _("代码被 Excel 存成了科学计数法数字，请把该列设置为文本格式后重新填写"),
                )
            return code
        if kind == Kind.INT:
            folded = _fold(text).replace(",", "")
            if not _INT.match(folded):
                raise CellError("not a whole number", _("不是整数"))
            return int(folded.split(".", 1)[0])
        if kind == Kind.DECIMAL:
            folded = _fold(text).replace(",", "")
            try:
                number = Decimal(folded)
            except InvalidOperation as exc:
                raise CellError("not a number", _("不是数字")) from exc
            if not number.is_finite():
                raise CellError("not a number", _("不是数字"))
            return number
        if kind == Kind.DATE:
            return _parse_date(_fold(text))
        if kind == Kind.BOOL:
            folded = _fold(text).lower()
            if folded in _TRUE:
                return True
            if folded in _FALSE:
                return False
            raise CellError("not a yes/no value (是/否, true/false, 1/0)", _("应为 是/否"))
        if kind == Kind.CHOICE:
            index = _choice_index(self)[1]
            if text in index or text.lower() in index:
                return index.get(text) or index[text.lower()]
            labels = "、".join(label for _value, label in self.choice_pairs())
            raise CellError(
                f"not one of: {', '.join(value for value, _label in self.choice_pairs())}",
                _("应为以下之一：%(labels)s") % {"labels": labels},
            )
        if kind == Kind.REGION:
            return normalise_region_code(text)
        if kind == Kind.REF:
            if self.lookup is None:
                raise TypeError(f"column {self.name} of kind ref needs a lookup")
            return self.lookup.normalise(text)
        raise TypeError(f"unknown column kind {kind!r}")

    def export(self, obj: models.Model, attname: str) -> Any:
        """The cell value written for ``obj`` by the exporter, in a form :meth:`parse` reads back."""
        if self.kind == Kind.REF and self.lookup is not None:
            return self.lookup.export(obj, attname)
        return self.display(getattr(obj, attname))

    def display(self, value: Any) -> Any:
        """A stored value as a file shows it (choice label, official region code, 是/否)."""
        if value is None or value == "":
            return ""
        if self.kind == Kind.CHOICE:
            return dict(self.choice_pairs()).get(str(value), str(value))
        if self.kind == Kind.REGION:
            return official_code(str(value))
        if self.kind == Kind.REF and self.lookup is not None:
            return self.lookup.display(value)
        if self.kind == Kind.BOOL:
            return "是" if value else "否"
        return value


#: Files carry choices as their Chinese labels whatever the UI language, so a file exported from
#: the English UI imports in the Chinese one and the other way round.
FILE_LANGUAGE = "zh-hans"


@functools.lru_cache(maxsize=64)
def _choice_index(column: Column) -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """A choice column's (value, Chinese label) pairs and its lookup (label, lower-cased value →
    value): built once per column, not per cell."""
    raw = column.choices.choices if hasattr(column.choices, "choices") else column.choices
    with translation.override(FILE_LANGUAGE):
        pairs = tuple((str(value), str(label)) for value, label in raw or ())
    index = {value.lower(): value for value, _label in pairs} | {label: value for value, label in pairs}
    return pairs, index


def _parse_date(text: str) -> date:
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError("not a date (expected 2023-06-01)", _("不是有效日期（应为 2023-06-01 格式）"))


class OnExisting(StrEnum):
    """What a row whose key is already in the database does."""

    #: The stored record takes the row's values (only the columns present in the file); a row equal
    #: to the stored record is left alone, so re-importing an export changes nothing.
    UPDATE = "update"
    #: A row that differs from the stored record is an error naming each differing column (fix it on
    #: the record's page); a row equal to it is skipped, so re-importing an export changes nothing.
    REJECT = "reject"


@dataclass
class Table:
    """A file as read: the header row, the data rows as raw strings, and where each column sits."""

    format: FileFormat
    header_row: int
    headers: list[str]
    rows: list[list[str | None]]
    row_numbers: list[int]
    columns: dict[str, int] = field(default_factory=dict)
    header_errors: list[RowError] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class ImportResult:
    """What an import did: counts of rows created, updated, unchanged and rejected, and every error."""

    kind: str
    total: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    key: tuple[Any, ...] | None = None
    existing: models.Model | None = None
    instance: models.Model | None = None
    changed: list[str] = field(default_factory=list)
    #: Values computed by :meth:`Importer.cross_check` for :meth:`Importer.complete` (e.g. a parent).
    derived: dict[str, Any] = field(default_factory=dict)


@dataclass
class Checked:
    """The outcome of validation, reused by the write step (nothing is validated twice)."""

    table: Table
    rows: list[ParsedRow]
    errors: list[RowError]

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}


def _norm_header(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").strip().lower()
    folded = re.sub(r"\(.*\)$", "", folded).strip()
    return re.sub(r"[\s*]", "", folded)


class Importer:
    """Base class of every import kind; subclasses set the class attributes below."""

    #: The registry key and ``countyworks import KIND``.
    kind: ClassVar[str]
    #: The Chinese name shown on the import page.
    label: ClassVar[Any]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[tuple[Column, ...]]
    #: Alternative keys (tuples of column names): a row uses the first whose values are all non-blank;
    #: a row with none has no key and is always created.
    keys: ClassVar[tuple[tuple[str, ...], ...]] = ()
    on_existing: ClassVar[OnExisting] = OnExisting.REJECT
    #: The program whose write reach governs the rows (core data is shared by all programs).
    program: ClassVar[str] = SHARED
    #: The column holding the region a row belongs to; it must lie in the user's write reach.
    #: ``None`` for national reference data (no region; the kind checks who may import it).
    region_column: ClassVar[str | None] = "region"
    #: Model fields computed from the row (not columns) that also count when comparing with the database.
    derived_fields: ClassVar[tuple[str, ...]] = ()

    # --- hooks ------------------------------------------------------------------------------
    def queryset(self, user: Any, within: str | None = None) -> QuerySet[Any]:
        """What ``user`` may read of this kind: the export (subclasses call their selector)."""
        raise NotImplementedError

    def cross_check(self, checked: Checked, user: Any) -> None:
        """Checks across rows, after parsing, lookups, reach, keys and stored records (default: none)."""

    def complete(self, instance: models.Model, row: ParsedRow) -> None:
        """Set :attr:`derived_fields` on a new or stored instance before it is cleaned (default: none)."""

    def insert_order(self, instances: list[models.Model]) -> list[models.Model]:
        return instances

    # --- reading -----------------------------------------------------------------------------
    def model_field(self, column: Column) -> models.Field[Any, Any]:
        model_field = self.model._meta.get_field(column.field_name)
        if not isinstance(model_field, models.Field):
            raise TypeError(f"{self.kind}: column {column.name} does not name a concrete model field")
        return model_field

    def attname(self, column: Column) -> str:
        return self.model_field(column).attname

    def model_checks(self, column: Column) -> tuple[Any, ...]:
        """The model field's validators a cell must pass besides the column's own checks.

        Validators the column declares (as :class:`Check`) and the length limit (checked by
        :meth:`Column.parse` with a bilingual message) are left out, so nothing runs twice.
        """
        cache = self.__dict__.setdefault("_model_checks", {})
        if column.name not in cache:
            model_field = self.model_field(column)
            declared = [check.validate for check in column.validators]
            cache[column.name] = tuple(
                v
                for v in getattr(model_field, "validators", ())
                if not any(v is d for d in declared) and not isinstance(v, MaxLengthValidator)
            )
        return cache[column.name]

    def parse_cell(self, column: Column, raw: str | None) -> Any:
        """Parse one cell and run the model field's remaining validators on it."""
        value = column.parse(raw, self.max_length(column))
        if value == "" and not self.model_field(column).blank:
            raise CellError("required value is missing", _("必填项为空"))
        if column.kind == Kind.REF or value is None or value == "":
            return value
        for validator in self.model_checks(column):
            try:
                validator(value)
            except ValidationError as exc:
                with translation.override("en"):
                    reason_en = "; ".join(exc.messages)
                raise CellError(reason_en, "；".join(exc.messages)) from exc
        return value

    def max_length(self, column: Column) -> int | None:
        if column.kind not in (Kind.TEXT, Kind.CODE):
            return None
        return getattr(self.model_field(column), "max_length", None)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def header_names(self) -> dict[str, str]:
        """Normalised header text → column name, for English names and Chinese aliases."""
        names: dict[str, str] = {}
        for column in self.columns:
            names[_norm_header(column.name)] = column.name
            names[_norm_header(column.alias_zh)] = column.name
        return names

    def read(self, data: bytes, fmt: FileFormat | None = None) -> Table:
        """Read a file's bytes (format by content unless given) into a :class:`Table`."""
        fmt = fmt or sniff_format(data)
        return self.table(read_grid(data, fmt), fmt)

    def read_path(self, path: Path) -> Table:
        return self.read(path.read_bytes())

    def table(self, grid: list[list[str | None]], fmt: FileFormat) -> Table:
        """Find the header row in ``grid`` and map the columns; header problems become header errors."""
        names = self.header_names()
        best_index, best_hits = 0, 0
        for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
            hits = sum(1 for cell in cells if cell and _norm_header(cell) in names)
            if hits > best_hits:
                best_index, best_hits = index, hits
        if not grid:
            grid = [[]]
        header_cells = [("" if cell is None else str(cell).strip()) for cell in grid[best_index]]
        while header_cells and not header_cells[-1]:
            header_cells.pop()
        width = len(header_cells)
        header_row = best_index + 1
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        for offset, cells in enumerate(grid[best_index + 1 :], start=header_row + 1):
            padded = (list(cells) + [None] * width)[:width]
            if any(cell is not None and str(cell).strip() for cell in padded):
                rows.append(padded)
                numbers.append(offset)
        table = Table(format=fmt, header_row=header_row, headers=header_cells, rows=rows, row_numbers=numbers)
        for index, header in enumerate(header_cells):
            if not header:
                if any(row[index] not in (None, "") for row in rows):
                    table.header_errors.append(
                        RowError(
                            header_row,
                            f"#{index + 1}",
                            "",
                            "column without a header",
                            _("第 %(n)d 列没有表头") % {"n": index + 1},
                        )
                    )
                continue
            if _norm_header(header) in {_norm_header(h) for h in IGNORED_HEADERS}:
                continue
            name = names.get(_norm_header(header))
            if name is None:
                expected = ", ".join(f"{c.name} ({c.alias_zh})" for c in self.columns)
                table.header_errors.append(
                    RowError(
                        header_row,
                        header,
                        header,
                        f"unknown column; expected: {expected}",
                        _("无法识别的列，可用的列：%(cols)s")
                        % {"cols": "、".join(c.alias_zh for c in self.columns)},
                    )
                )
            elif name in table.columns:
                table.header_errors.append(
                    RowError(header_row, name, header, "column given twice", _("该列重复出现"))
                )
            else:
                table.columns[name] = index
        for column in self.columns:
            if column.required and column.name not in table.columns:
                table.header_errors.append(
                    RowError(
                        header_row,
                        column.name,
                        "",
                        f"missing required column {column.name} ({column.alias_zh})",
                        _("缺少必填列“%(zh)s”（%(name)s）") % {"zh": column.alias_zh, "name": column.name},
                    )
                )
        return table

    # --- validation --------------------------------------------------------------------------
    def validate(self, table: Table, user: Any) -> list[RowError]:
        """Every problem in ``table`` for an import by ``user``, in row order; writes nothing."""
        return self.check(table, user).errors

    def check(self, table: Table, user: Any) -> Checked:
        """Parse every cell, resolve lookups, check reach, keys and stored records, build instances."""
        checked = Checked(table=table, rows=[], errors=list(table.header_errors))
        if table.header_errors:
            return checked  # with a bad header no row can be trusted: every row is rejected
        present = [(self.column(name), index) for name, index in table.columns.items()]
        errors = checked.errors
        for raw, number in zip(table.rows, table.row_numbers, strict=True):
            values: dict[str, Any] = {}
            for column, index in present:
                cell = raw[index]
                try:
                    values[column.name] = self.parse_cell(column, cell)
                except CellError as exc:
                    errors.append(
                        RowError(number, column.name, _cell_text(cell), exc.reason_en, exc.reason_zh)
                    )
            checked.rows.append(ParsedRow(number=number, values=values))
        self._resolve_lookups(checked, user, present)
        self._check_reach(checked, user)
        self._check_keys(checked)
        self._match_existing(checked, user)
        self.cross_check(checked, user)
        self._build(checked)
        self.sort_errors(checked)
        return checked

    def sort_errors(self, checked: Checked) -> None:
        """Row order, then column order (the header row's errors come first)."""
        order = {column.name: index for index, column in enumerate(self.columns)}
        checked.errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))

    def _resolve_lookups(self, checked: Checked, user: Any, present: list[tuple[Column, int]]) -> None:
        bad = _bad_cells(checked.errors)
        for column, _index in present:
            if column.kind != Kind.REF or column.lookup is None:
                continue
            wanted = {
                row.values[column.name]
                for row in checked.rows
                if (row.number, column.name) not in bad and row.values.get(column.name)
            }
            found = column.lookup.resolve(wanted, user) if wanted else {}
            for row in checked.rows:
                code = row.values.get(column.name)
                if not code or (row.number, column.name) in bad:
                    continue
                if code in found and not isinstance(found[code], CellError):
                    row.values[column.name] = found[code]
                else:
                    problem = found.get(code)
                    exc = problem if isinstance(problem, CellError) else column.lookup.unknown(code)
                    checked.errors.append(
                        RowError(
                            row.number, column.name, _display_code(column, code), exc.reason_en, exc.reason_zh
                        )
                    )

    def region_of_row(self, row: ParsedRow) -> str | None:
        if self.region_column is None:
            return None
        value = row.values.get(self.region_column)
        return value if isinstance(value, str) and value else None

    def _check_reach(self, checked: Checked, user: Any) -> None:
        bad = _bad_cells(checked.errors)
        for row in checked.rows:
            region = self.region_of_row(row)
            if region is None or (row.number, self.region_column) in bad:
                continue
            if not can_reach_region(user, self.program, region, "write"):
                code = official_code(region)
                checked.errors.append(
                    RowError(
                        row.number,
                        self.region_column,
                        code,
                        f"region {code} is outside your write reach",
                        _("区域 %(code)s 不在您的管辖范围内") % {"code": code},
                    )
                )

    def row_key(self, row: ParsedRow) -> tuple[Any, ...] | None:
        for index, names in enumerate(self.keys):
            values = tuple(row.values.get(name) for name in names)
            if all(v not in (None, "") for v in values):
                return (index, *values)
        return None

    def _check_keys(self, checked: Checked) -> None:
        bad = _bad_cells(checked.errors)
        key_columns = {name for names in self.keys for name in names}
        seen: dict[tuple[Any, ...], list[ParsedRow]] = defaultdict(list)
        for row in checked.rows:
            # A key cell that did not parse could make another alternative apply: no key then.
            if any((row.number, name) in bad for name in key_columns):
                continue
            row.key = self.row_key(row)
            if row.key is not None:
                seen[row.key].append(row)
        for duplicates in seen.values():
            if len(duplicates) < 2:
                continue
            for row in duplicates:
                others = ", ".join(str(o.number) for o in duplicates if o is not row)
                column = self.keys[row.key[0]][0] if row.key else ""
                label = " + ".join(self.keys[row.key[0]]) if row.key else ""
                checked.errors.append(
                    RowError(
                        row.number,
                        column,
                        _cell_text(self._key_text(row)),
                        f"duplicate key ({label}) also in row {others}",
                        _("与第 %(rows)s 行重复（%(key)s 相同）")
                        % {"rows": others, "key": self._key_label_zh(row)},
                    )
                )
                row.key = None

    def _key_text(self, row: ParsedRow) -> str:
        if row.key is None:
            return ""
        names = self.keys[row.key[0]]
        return " / ".join(str(self.column(n).display(v)) for n, v in zip(names, row.key[1:], strict=True))

    def _key_label_zh(self, row: ParsedRow) -> str:
        if row.key is None:
            return ""
        return "、".join(self.column(n).alias_zh for n in self.keys[row.key[0]])

    def _key_attnames(self, names: tuple[str, ...]) -> list[str]:
        return [self.attname(self.column(name)) for name in names]

    def _match_existing(self, checked: Checked, user: Any) -> None:
        """Find stored records with the rows' keys; apply the :class:`OnExisting` policy."""
        by_alternative: dict[int, dict[tuple[Any, ...], ParsedRow]] = defaultdict(dict)
        for row in checked.rows:
            if row.key is not None:
                by_alternative[row.key[0]][row.key[1:]] = row
        compare = self._compare_columns(checked.table)
        region_attname = self.attname(self.column(self.region_column)) if self.region_column else None
        for alternative, rows in by_alternative.items():
            names = self.keys[alternative]
            attnames = self._key_attnames(names)
            blank_before = {
                self.attname(self.column(n)): ""
                for earlier in self.keys[:alternative]
                for n in earlier
                if n not in names
            }
            first_values = sorted({key[0] for key in rows})
            for chunk in chunks(first_values):
                stored = self.model._default_manager.filter(**{f"{attnames[0]}__in": chunk}, **blank_before)
                for obj in stored:
                    match = rows.get(tuple(getattr(obj, a) for a in attnames))
                    if match is None:
                        continue
                    row = match
                    row.existing = obj
                    stored_region = getattr(obj, region_attname) if region_attname else None
                    if stored_region and not can_reach_region(user, self.program, stored_region, "write"):
                        checked.errors.append(
                            RowError(
                                row.number,
                                names[0],
                                _cell_text(self._key_text(row)),
                                "already registered to a record outside your write reach",
                                _("已登记在您管辖范围之外的记录上，不能导入或修改"),
                            )
                        )
                        continue
                    self._compare(checked, row, obj, compare)

    def _compare_columns(self, table: Table) -> list[Column]:
        return [c for c in self.columns if c.name in table.columns]

    def _compare(self, checked: Checked, row: ParsedRow, obj: models.Model, compare: list[Column]) -> None:
        bad = _bad_cells(checked.errors)
        for column in compare:
            if (row.number, column.name) in bad:
                continue
            attname = self.attname(column)
            stored, new = getattr(obj, attname), row.values.get(column.name)
            if new is None or _same(stored, new):
                continue  # a blank number/date/choice/reference cell keeps the stored value
            if self.on_existing == OnExisting.UPDATE:
                row.changed.append(attname)
            else:
                shown = column.display(stored)
                checked.errors.append(
                    RowError(
                        row.number,
                        column.name,
                        _cell_text(column.display(new)),
                        f"a record with this key already exists with a different value (stored: {shown!s})",
                        _("已存在同一记录且内容不同（已登记值：%(stored)s），请在该记录页面修改")
                        % {"stored": shown},
                    )
                )

    def _build(self, checked: Checked) -> None:
        bad_rows = checked.bad_rows
        present = self._compare_columns(checked.table)
        # Column cells were checked when parsed; clean the fields no column sets (and never a foreign
        # key, which Django would check with one query per row: lookups resolved them in bulk).
        covered = {c.field_name for c in self.columns}
        skip = [f.name for f in self.model._meta.concrete_fields if f.is_relation or f.name in covered]
        for row in checked.rows:
            if row.number in bad_rows:
                continue
            if row.existing is not None:
                instance = row.existing
                for attname in row.changed:
                    column = next(c for c in present if self.attname(c) == attname)
                    setattr(instance, attname, row.values.get(column.name))
            else:
                given = {self.attname(c): row.values.get(c.name) for c in present}
                instance = self.model(**{k: v for k, v in given.items() if v is not None})
            before = {f: getattr(instance, f) for f in self.derived_fields}
            self.complete(instance, row)
            if row.existing is not None:
                row.changed.extend(
                    f for f in self.derived_fields if not _same(before[f], getattr(instance, f))
                )
            try:
                instance.clean_fields(exclude=skip)
            except ValidationError as exc:
                self._model_errors(checked, row, exc)
                continue
            row.instance = instance

    def _model_errors(self, checked: Checked, row: ParsedRow, exc: ValidationError) -> None:
        by_field = {c.field_name: c for c in self.columns}
        for field_name, messages_ in exc.message_dict.items():
            column = by_field.get(field_name)
            name = column.name if column else field_name
            with translation.override("en"):
                reason_en = "; ".join(ValidationError(exc.error_dict[field_name]).messages)
            checked.errors.append(
                RowError(
                    row.number, name, _cell_text(row.values.get(name, "")), reason_en, "；".join(messages_)
                )
            )

    # --- writing -----------------------------------------------------------------------------
    def import_rows(
        self,
        table: Table,
        *,
        acting_user: Any,
        valid_only: bool = False,
        reason: str = "",
        progress: Callable[..., None] | None = None,
    ) -> ImportResult:
        """Validate and write ``table`` in one transaction: everything or nothing.

        With ``valid_only`` the rows without errors are written and the others reported in
        ``rejected_rows`` (the caller hands them back with
        :func:`~countyworks.core.exporting.rejected_rows_file`). Each written record gets a history
        row naming ``acting_user`` and ``reason``. ``progress(done, total)`` (a
        :class:`countyworks.core.jobs.Progress`) is told how many of the rows to write are written.
        """
        result = ImportResult(kind=self.kind, total=len(table))
        with transaction.atomic():
            checked = self.check(table, acting_user)
            result.errors = checked.errors
            bad = checked.bad_rows
            result.rejected_rows = (
                list(table.row_numbers) if table.header_errors else [n for n in table.row_numbers if n in bad]
            )
            if checked.errors and not valid_only:
                return result
            good = [r for r in checked.rows if r.instance is not None and r.number not in bad]
            new: list[models.Model] = [
                r.instance for r in good if r.existing is None and r.instance is not None
            ]
            changed = [r for r in good if r.existing is not None and r.changed]
            result.unchanged = sum(1 for r in good if r.existing is not None and not r.changed)
            change_reason = reason or f"import {self.kind}"
            report = progress or (lambda done, total=None: None)
            to_write = len(new) + len(changed)
            report(0, to_write)
            ordered = self.insert_order(new)
            for start in range(0, len(ordered), _PROGRESS_CHUNK):
                bulk_create_with_history(
                    ordered[start : start + _PROGRESS_CHUNK],
                    self.model,
                    batch_size=_BATCH,
                    default_user=acting_user,
                    default_change_reason=change_reason,
                )
                report(min(start + _PROGRESS_CHUNK, len(ordered)))
            if changed:
                fields = sorted({f for r in changed for f in r.changed})
                bulk_update_with_history(
                    [r.instance for r in changed],
                    self.model,
                    fields=[_field_name(self.model, f) for f in fields],
                    batch_size=_BATCH,
                    default_user=acting_user,
                    default_change_reason=change_reason,
                )
            report(to_write)
            result.created, result.updated = len(new), len(changed)
            result.written = bool(new or changed)
        return result

    # --- export ------------------------------------------------------------------------------
    def export_row(self, obj: models.Model) -> list[Any]:
        return [column.export(obj, self.attname(column)) for column in self.columns]


def _field_name(model: type[models.Model], attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.name
    return attname


def _same(stored: Any, new: Any) -> bool:
    if stored in (None, "") and new in (None, ""):
        return True
    return bool(stored == new)


def _bad_cells(errors: list[RowError]) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in errors}


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _display_code(column: Column, code: str) -> str:
    return official_code(code) if isinstance(column.lookup, RegionLookup) else code


# --- files -------------------------------------------------------------------------------------
def sniff_format(data: bytes) -> FileFormat:
    """``"xlsx"`` for a zip holding ``[Content_Types].xml``, ``"csv"`` for text; else :class:`UnsupportedFile`."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise UnsupportedFile("damaged zip/xlsx file", _("文件已损坏（不是有效的 xlsx）")) from exc
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise UnsupportedFile("a zip archive but not an xlsx workbook", _("这是压缩包而不是 xlsx 工作簿"))
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise UnsupportedFile(
            "old binary .xls/.doc format; save the workbook as .xlsx",
            _("不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx"),
        )
    if b"\x00" in data[:8192]:
        raise UnsupportedFile("binary file: expected csv or xlsx", _("二进制文件：只接受 csv 或 xlsx"))
    return "csv"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnsupportedFile(
        "csv is neither UTF-8 nor GB18030 text", _("csv 文件编码无法识别（应为 UTF-8 或 GBK）")
    )


def read_grid(data: bytes, fmt: FileFormat) -> list[list[str | None]]:
    """Every row of a csv file or of an xlsx workbook's first sheet, cells as strings (None when empty)."""
    if fmt == "csv":
        text = _decode(data)
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        return [
            [cell if cell != "" else None for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
    except Exception as exc:  # calamine reports corrupt workbooks with its own exception types
        raise UnsupportedFile(
            f"cannot read the workbook: {exc}", _("无法读取该工作簿，请检查文件是否损坏")
        ) from exc
    return [list(row) for row in sheet.to_polars().rows()]


# --- registry and CLI ----------------------------------------------------------------------------
#: kind → importer; filled by :func:`register` from each app's ``import_kinds`` module (discovered in
#: ``CoreConfig.ready``).
IMPORTERS: dict[str, Importer] = {}


def register(cls: type[Importer]) -> type[Importer]:
    """Class decorator: make ``cls`` available as ``countyworks import <cls.kind>`` and on the import page."""
    IMPORTERS[cls.kind] = cls()
    return cls


def importers_writable_by(user: Any) -> list[Importer]:
    """The kinds ``user`` may import somewhere (write reach on the importer's program)."""
    return [imp for imp in IMPORTERS.values() if reaches(user, imp.program, "write")]


def rejected_path_for(path: Path) -> Path:
    """``<file>.rejected.<ext>`` next to the imported file."""
    return path.with_name(f"{path.stem}.rejected{path.suffix}")


def import_cli(
    kind: str,
    path: Path,
    valid_only: bool = False,
    rejected_path: Path | None = None,
    username: str = "admin",
) -> int:
    """``countyworks import KIND FILE``: every row error on stderr, exit 1 and nothing written on error.

    With ``valid_only`` the valid rows are imported and the rejected ones are written to
    ``rejected_path`` (default ``<file>.rejected.<ext>``) in the file's own format with an ``error``
    column; the exit code is still 1 when any row was rejected, since errors were listed.
    Exit 2 for an unknown kind (usage).
    """
    from django.contrib.auth import get_user_model

    from countyworks.core.exporting import rejected_rows_file

    if kind not in IMPORTERS:
        print(
            f"countyworks import: unknown kind {kind!r}; known kinds: {', '.join(sorted(IMPORTERS))}",
            file=sys.stderr,
        )
        return 2
    importer = IMPORTERS[kind]
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        print(f"countyworks import: no active user {username!r} (use --user)", file=sys.stderr)
        return 1
    try:
        table = importer.read_path(path)
    except OSError as exc:
        print(f"countyworks import: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except UnsupportedFile as exc:
        print(f"countyworks import: {path}: {exc.reason_en}", file=sys.stderr)
        return 1
    from tqdm import tqdm

    with tqdm(desc=f"import {kind}", unit="row", disable=None, leave=False, file=sys.stderr) as bar:

        def progress(done: int, total: int | None = None) -> None:
            if total is not None:
                bar.total = total
            bar.n = done
            bar.refresh()

        result = importer.import_rows(
            table,
            acting_user=user,
            valid_only=valid_only,
            reason=f"countyworks import {kind} {path.name}",
            progress=progress,
        )
    for error in result.errors:
        print(str(error), file=sys.stderr)
    summary = (
        f"{kind}: {result.total} rows, {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.rejected} rejected"
    )
    if result.errors and not valid_only:
        print(
            f"{len(result.errors)} errors in {result.rejected} rows of {path.name}; nothing was imported",
            file=sys.stderr,
        )
        return 1
    print(summary)
    if result.rejected:
        target = rejected_path or rejected_path_for(path)
        target.write_bytes(rejected_rows_file(table, result.errors, language="en"))
        print(f"rejected rows written to {target}")
        return 1
    return 0
