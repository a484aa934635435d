"""Upload templates: a blank workbook to fill in, generated from a kind's column definitions.

Every upload page offers one (docs/importing.md, "Templates"): the first sheet ``数据`` has the
Chinese headers (a required column is marked ``*``, which the importer ignores when it reads the
header), code and region columns formatted as text (so Excel keeps leading zeros and never turns
an 18-digit code into scientific notation), and a drop-down list on every column with a fixed set
of values (choices, yes/no). The ``填写说明`` sheet explains each column: its English name (also
accepted as a header), whether it is required, and what a cell must hold. The ``可选值`` sheet
holds the drop-down lists.

Import kinds get their template for free from their :class:`~countyworks.core.importing.Column`
tuple (:func:`importer_template_columns`); other uploads (an evaluation campaign's rule-set
fields) describe their columns as :class:`TemplateColumn` and call :func:`template_xlsx` too.
Written with the intake's xlsx writer (:class:`~countyworks.core.tabular.XlsxBook`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import override

from countyworks.core.importing.fields import FILE_LANGUAGE, Column, Kind, RegionLookup
from countyworks.core.tabular import XlsxBook
from countyworks.core.tabular.cells import YES_NO_HELP_ZH

if TYPE_CHECKING:
    from countyworks.core.importing.service import Importer

#: Rows of the data sheet that carry the drop-down lists and the text format.
TEMPLATE_ROWS = 5000
DATA_SHEET = "数据"
NOTES_SHEET = "填写说明"
LISTS_SHEET = "可选值"
YES_NO_CHOICES = ("是", "否")
REGION_HINT = "区划代码：6 位（县级及以上，GB/T 2260，如 430482）或 12 位（乡镇、村，统计用区划代码）"


@dataclass(frozen=True)
class TemplateColumn:
    """One column of a template: the Chinese header, the English name also accepted, whether it is
    required, what a cell must hold (``hint``, Chinese), a drop-down list, and whether the column is
    formatted as text (codes)."""

    header: str
    name: str
    required: bool = False
    hint: str = ""
    choices: tuple[str, ...] = ()
    text: bool = False

    @property
    def header_cell(self) -> str:
        return f"{self.header}*" if self.required else self.header


def _column_hint(column: Column) -> str:
    """What a cell of ``column`` must hold, in Chinese (files are Chinese whatever the UI)."""
    low, high = column.bounds or (None, None)
    span = ""
    if low is not None or high is not None:
        span = f"，范围 {'' if low is None else low}–{'' if high is None else high}"
    if column.kind == Kind.CHOICE:
        return "从下拉列表选择（也可填英文代码）：" + "、".join(label for _v, label in column.choice_pairs())
    if column.kind == Kind.BOOL:
        return f"是或否（{YES_NO_HELP_ZH}）"
    if column.kind == Kind.REGION or isinstance(column.lookup, RegionLookup):
        return REGION_HINT
    if column.kind == Kind.DATE:
        return "日期，如 2023-06-01" + span
    if column.kind == Kind.INT:
        return "整数" + span
    if column.kind == Kind.DECIMAL:
        return "数字（可带千分位逗号，不可用小数逗号）" + span
    if column.kind == Kind.REF and column.lookup is not None:
        return column.lookup.hint
    if column.kind == Kind.CODE:
        return "代码（按文本填写，保留前导零）"
    return "文字（不能以 = + - @ 开头）"


def importer_template_columns(importer: Importer) -> list[TemplateColumn]:
    """An import kind's columns as template columns, straight from its :class:`Column` tuple."""
    with override(FILE_LANGUAGE):
        return [
            TemplateColumn(
                header=column.alias_zh,
                name=column.name,
                required=column.required,
                hint=_column_hint(column),
                choices=(
                    tuple(label for _v, label in column.choice_pairs())
                    if column.kind == Kind.CHOICE
                    else YES_NO_CHOICES
                    if column.kind == Kind.BOOL
                    else ()
                ),
                text=column.kind in (Kind.CODE, Kind.REGION, Kind.REF),
            )
            for column in importer.columns
        ]


def template_xlsx(
    columns: Sequence[TemplateColumn], *, title: str, notes: Sequence[str] = (), mark_required: bool = True
) -> bytes:
    """The template workbook: ``数据`` (headers, text formats, drop-down lists), ``填写说明`` (one
    row per column, then ``notes``) and ``可选值`` (the lists). ``mark_required`` puts a ``*``
    after a required column's header (for readers that do not strip it, leave it out: the
    填写说明 sheet still says which columns are required)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = XlsxBook()
    headers = [c.header_cell if mark_required else c.header for c in columns]
    data = book.sheet(DATA_SHEET, widths=[max(12, 2 * len(h) + 2) for h in headers])
    data.append_cells(
        [data.cell(h, bold=True, comment=c.hint or None) for h, c in zip(headers, columns, strict=True)]
    )
    data.ws.freeze_panes = "A2"
    listed = [(index, c) for index, c in enumerate(columns) if c.choices]
    for index, column in listed:
        letter = get_column_letter(index + 1)
        list_letter = get_column_letter(listed.index((index, column)) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${list_letter}$2:${list_letter}${len(column.choices) + 1}",
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=column.header,
            error="请从下拉列表中选择",
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        data.ws.data_validations.append(validation)
    for index, column in enumerate(columns):
        if column.text:
            data.ws.column_dimensions[get_column_letter(index + 1)].number_format = "@"
    guide = book.sheet(NOTES_SHEET, header=["列名", "英文列名", "必填", "填写要求"], widths=[24, 22, 8, 80])
    for column in columns:
        guide.append([column.header, column.name, "是" if column.required else "否", column.hint])
    guide.append([])
    for line in (title, *notes, _standard_notes()):
        guide.append([line])
    if listed:
        lists = book.sheet(LISTS_SHEET, header=[c.header for _i, c in listed])
        for row in range(max(len(c.choices) for _i, c in listed)):
            lists.append([c.choices[row] if row < len(c.choices) else None for _i, c in listed])
    return book.to_bytes()


def _standard_notes() -> str:
    return (
        "第一行是表头（带 * 的列必填）；每行一条记录，从第二行起填写。表头可用中文列名或英文列名。"
        f"是/否列可填 {YES_NO_HELP_ZH}。上传前可删除本说明页和可选值页。"
    )


def template_filename(name: str) -> str:
    """``组织-导入模板.xlsx``."""
    return _("%(name)s-导入模板.xlsx") % {"name": name}
