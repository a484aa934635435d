"""Exports: what a user may see of an import kind, as an xlsx the importer reads back unchanged.

:func:`export_xlsx` writes the importer's columns under their Chinese headers (codes stay text,
choices are written as their Chinese labels, regions as official 6/12-digit codes), through the
intake's xlsx writer, so a name such as ``=HYPERLINK(…)`` is stored as text, never as a formula.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from countyworks.core.importing import IMPORTERS
from countyworks.core.tabular import XlsxBook


def export_xlsx(importer_kind: str, queryset: QuerySet[Any]) -> bytes:
    """The rows of ``queryset`` as an xlsx the ``importer_kind`` importer reads back unchanged.

    The caller passes a queryset already restricted to what the user may see (the importer's
    :meth:`~countyworks.core.importing.Importer.queryset` goes through ``scope``).
    """
    importer = IMPORTERS[importer_kind]
    book = XlsxBook()
    sheet = book.sheet(
        str(importer.label),
        header=[column.alias_zh for column in importer.columns],
        widths=[max(12, 2 * len(column.alias_zh) + 4) for column in importer.columns],
    )
    for obj in queryset.iterator(chunk_size=2000):
        sheet.append(importer.export_row(obj))
    return book.to_bytes()
