"""Import columns: what a file of one kind holds and how each cell is parsed (:class:`Column`).

Cells go through the platform's one tabular intake (:mod:`countyworks.core.tabular`): the same
yes/no words, number and percent rules, Excel error values and formula rule as every other reader.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from countyworks.core.regions import InvalidRegionCode, official_code, significant_prefix
from countyworks.core.tabular import (
    CellError,
    Percent,
    cell_size_error,
    excel_error,
    fold,
    formula_error,
    parse_bool,
    parse_number,
)

#: Values per ``IN (…)`` query: below every backend's parameter limit.
_IN_CHUNK = 900


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


_INT = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00:00(?:\.0+)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)


def normalise_region_code(raw: str) -> str:
    """A division code as typed in a file → the platform key; :class:`CellError` if it is not one."""
    code = fold(raw).replace(" ", "")
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

    #: What a cell must hold, in Chinese, for the upload template's 填写说明 sheet.
    hint: str = "代码（按文本填写）"

    def normalise(self, raw: str) -> str:
        """The code as the database stores it (raise :class:`CellError` if malformed)."""
        return fold(raw)

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
    from ``name``. Text longer than the model field's ``max_length`` is an error, and so is text
    that starts like a formula (see :func:`countyworks.core.tabular.formula_error`).
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
    #: For a percent column: whether it takes percent points (3 or "3%") or a fraction (0.03 or "3%").
    percent: Percent | None = None

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
        problem = cell_size_error(text) or excel_error(text)
        if problem:
            raise problem
        if not text:
            if self.required:
                raise CellError("required value is missing", _("必填项为空"), "required")
            return self.blank()
        value = self._parse_kind(text)
        if max_length is not None and isinstance(value, str) and len(value) > max_length:
            raise CellError(
                f"longer than {max_length} characters",
                _("超过 %(n)d 个字符") % {"n": max_length},
                "too_long",
            )
        if self.bounds is not None and value is not None:
            low, high = self.bounds
            if (low is not None and value < low) or (high is not None and value > high):
                shown = f"[{'' if low is None else low}, {'' if high is None else high}]"
                raise CellError(
                    f"out of range {shown}", _("超出范围 %(range)s") % {"range": shown}, "out_of_range"
                )
        for check in self.validators:
            check.run(value)
        return value

    def _parse_kind(self, text: str) -> Any:
        kind = self.kind
        if kind == Kind.TEXT:
            problem = formula_error(text)
            if problem:
                raise problem
            return text
        if kind == Kind.CODE:
            code = fold(text).replace(" ", "").upper()
            if _INT.match(code) and code.endswith(".0"):
                code = code.split(".", 1)[0]
            if _SCIENTIFIC.match(code):
                raise CellError(
                    "code was stored by Excel as a number in scientific notation; format the column as text",
                    _("代码被 Excel 存成了科学计数法数字，请把该列设置为文本格式后重新填写"),
                )
            return code
        if kind == Kind.INT:
            try:
                number = parse_number(text, percent=self.percent)
            except CellError as exc:
                if exc.code != "not_number":
                    raise
                raise CellError("not a whole number", _("不是整数"), "not_integer") from exc
            if number != number.to_integral_value():
                raise CellError("not a whole number", _("不是整数"), "not_integer")
            return int(number)
        if kind == Kind.DECIMAL:
            return parse_number(text, percent=self.percent)
        if kind == Kind.DATE:
            return _parse_date(fold(text))
        if kind == Kind.BOOL:
            return parse_bool(text)
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
