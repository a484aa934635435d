"""The import service: a file's table checked cell by cell, row by row, and written all-or-nothing."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from countyworks.core.importing.fields import Column, Kind, RegionLookup, chunks
from countyworks.core.regions import official_code
from countyworks.core.scoping import SHARED, can_reach_region
from countyworks.core.tabular import CellError, RowError, TableFormat, read_grid

FileFormat = TableFormat

#: Headers the importer skips: the reason columns of a rejected-rows file and of the marked report
#: (so both import again once fixed), a row counter and free remarks.
IGNORED_HEADERS = frozenset({"error", "错误说明", "序号", "备注"})
#: How many leading rows may precede the header (a title such as "2023年常宁市企业名单").
HEADER_SEARCH_ROWS = 10
_BATCH = 500
#: Rows written between two progress reports.
_PROGRESS_CHUNK = 2000


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
            raise CellError("required value is missing", _("必填项为空"), "required")
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
        """Read a file's bytes (format by content unless given) into a :class:`Table`.

        Raises :class:`~countyworks.core.tabular.UnsupportedFile` for a file that is no table.
        """
        grid = read_grid(data, fmt)
        return self.table(grid.rows, grid.format, first_row=grid.first_row)

    def read_path(self, path: Path) -> Table:
        return self.read(path.read_bytes())

    def table(self, grid: list[list[str | None]], fmt: FileFormat, *, first_row: int = 1) -> Table:
        """Find the header row in ``grid`` and map the columns; header problems become header errors.

        ``first_row`` is the spreadsheet number of ``grid[0]`` (calamine starts an xlsx sheet at its
        first non-empty row). A cell right of the last header, a file without data rows and a
        missing column are errors of their own, never silently dropped or reported as success.
        """
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
        header_row = first_row + best_index
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        beyond: list[RowError] = []
        for offset, cells in enumerate(grid[best_index + 1 :], start=header_row + 1):
            padded = (list(cells) + [None] * width)[:width]
            extra = [
                (i, c) for i, c in enumerate(cells[width:], start=width) if c is not None and str(c).strip()
            ]
            for index, cell in extra:
                beyond.append(
                    RowError(
                        offset,
                        f"#{index + 1}",
                        _cell_text(cell),
                        "value right of the last column (this column has no header)",
                        _("第 %(n)d 列没有表头，但该单元格有内容") % {"n": index + 1},
                        "no_header",
                    )
                )
            if extra or any(cell is not None and str(cell).strip() for cell in padded):
                rows.append(padded)
                numbers.append(offset)
        table = Table(format=fmt, header_row=header_row, headers=header_cells, rows=rows, row_numbers=numbers)
        table.header_errors.extend(beyond)
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
                            "no_header",
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
                        "unknown_column",
                    )
                )
            elif name in table.columns:
                table.header_errors.append(
                    RowError(
                        header_row, name, header, "column given twice", _("该列重复出现"), "duplicate_column"
                    )
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
                        "missing_column",
                    )
                )
        if not rows and best_hits:
            table.header_errors.append(
                RowError(
                    header_row, "", "", "no data rows below the header", _("表头下没有数据行"), "no_data"
                )
            )
        elif not rows:
            table.header_errors.append(
                RowError(
                    header_row, "", "", "no data: the file holds no rows", _("文件中没有数据"), "no_data"
                )
            )
        table.header_errors.sort(key=lambda e: e.row)
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
                    errors.append(exc.at(number, column.name, _cell_text(cell)))
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
                    checked.errors.append(exc.at(row.number, column.name, _display_code(column, code)))

    def region_of_row(self, row: ParsedRow) -> str | None:
        if self.region_column is None:
            return None
        value = row.values.get(self.region_column)
        return value if isinstance(value, str) and value else None

    def _check_reach(self, checked: Checked, user: Any) -> None:
        column = self.region_column
        if column is None:  # no region column: no row has a region to be out of reach
            return
        bad = _bad_cells(checked.errors)
        for row in checked.rows:
            region = self.region_of_row(row)
            if region is None or (row.number, column) in bad:
                continue
            if not can_reach_region(user, self.program, region, "write"):
                code = official_code(region)
                checked.errors.append(
                    RowError(
                        row.number,
                        column,
                        code,
                        f"region {code} is outside your write reach",
                        _("区域 %(code)s 不在您的管辖范围内") % {"code": code},
                        "out_of_reach",
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
                        "duplicate_key",
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
