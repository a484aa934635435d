"""What the intake reports: one :class:`RowError` per bad cell, and the file-level refusals.

Every reader of a file in the platform (the importer, the rules engine, campaign uploads) reports
problems as :class:`RowError`: the spreadsheet row (header = row 1 unless a title sits above it),
the column, the raw value, the reason in English and in Chinese, and a short reason ``code`` that
tests and tools can match on (``formula``, ``decimal_comma``, ``missing_column``…).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem in one cell, in a row, or in the header (a missing column is the header's error)."""

    row: int
    column: str
    value: str
    reason_en: str
    reason_zh: str
    code: str = ""

    def __str__(self) -> str:
        """The English line printed on stderr by the command line."""
        shown = self.value if len(self.value) <= 80 else self.value[:79] + "…"
        if self.code == "missing_column":  # a whole column is missing: no row to name
            return f"missing column {self.column}: {self.reason_en}"
        if shown:
            return f"row {self.row}, column {self.column}, value {shown!r}: {self.reason_en}"
        return f"row {self.row}, column {self.column}: {self.reason_en}"

    def reason(self, language: str | None = None) -> str:
        """The reason in ``language`` (default: the active Django language, Chinese unless English)."""
        if language is None:
            translation = sys.modules.get("django.utils.translation")
            language = (translation.get_language() if translation else None) or "zh-hans"
        return self.reason_en if language.startswith("en") else self.reason_zh


class CellError(ValueError):
    """A cell that does not parse or validate; carries the reason in English and Chinese."""

    def __init__(self, reason_en: str, reason_zh: str, code: str = "invalid") -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh
        self.code = code

    def at(self, row: int, column: str, value: str) -> RowError:
        """This error placed on a cell."""
        return RowError(row, column, value, self.reason_en, self.reason_zh, self.code)


class UnsupportedFile(ValueError):
    """The file as a whole cannot be read (wrong type, unknown encoding, damaged workbook)."""

    def __init__(self, reason_en: str, reason_zh: str, code: str = "unsupported_file") -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh
        self.code = code

    def as_row_error(self, value: str = "") -> RowError:
        """The refusal as the header row's error (how pages and reports list it)."""
        return RowError(1, "", value, self.reason_en, self.reason_zh, self.code)
