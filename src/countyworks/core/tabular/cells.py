"""How a cell's text is understood, the same way by every reader of the platform.

* **yes/no**: :data:`TRUE_WORDS` and :data:`FALSE_WORDS`, case-insensitive, full-width folded.
* **numbers** (:func:`parse_number`): full-width digits are folded, ``1,234,567`` loses its
  thousands separators, but a comma that is not a thousands separator (``2,5``, a decimal comma)
  is an error, never 25.  A percent field says which form it takes (:class:`Percent`): percent
  points (3 or "3%" mean 3 %) or a fraction (0.03 or "3%" mean 3 %); a fraction given where percent
  points are expected (0.03) is an error, not a silent 0.03 %.
* **Excel error values** (``#DIV/0!``, ``#N/A``…) are errors, never blanks taking a default.
* **formulas** (:func:`formula_error`): a text cell starting with ``=``, ``+``, ``-`` or ``@`` is
  refused (CSV/formula injection), except a plain number and a telephone number such as
  ``+86 731 8888 8888``, which spreadsheets cannot run.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from countyworks.core.tabular.errors import CellError

TRUE_WORDS = ("是", "true", "yes", "y", "t", "1", "1.0")
FALSE_WORDS = ("否", "false", "no", "n", "f", "0", "0.0")
#: word → bool, for vectorised readers (``replace_strict``).
YES_NO = {word: True for word in TRUE_WORDS} | {word: False for word in FALSE_WORDS}
YES_NO_HELP_EN = "是/否, true/false, yes/no, y/n, t/f, 1/0"
YES_NO_HELP_ZH = "是/否（或 true/false、yes/no、1/0）"

#: What Excel shows in a cell whose formula failed; a csv saved by Excel carries them as text.
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)
#: Characters a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@")
#: Longest cell accepted (characters): 128 KiB, the csv module's default field limit.
MAX_CELL_CHARS = 128 * 1024

THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_PHONE = re.compile(r"^\+\d{1,3}[ \-]?\d[\d \-]{4,}\d$")


class Percent(StrEnum):
    """The form a percent field takes."""

    #: 3 and "3%" both mean 3 %; 0.03 (a fraction) is an error.
    POINTS = "points"
    #: 0.03 and "3%" both mean 3 %; 3 (percent points) is an error.
    FRACTION = "fraction"


def fold(raw: str) -> str:
    """Full-width digits, letters and punctuation to ASCII (Chinese input methods produce them)."""
    return unicodedata.normalize("NFKC", raw).strip()


def excel_error(text: str) -> CellError | None:
    """The error for a cell holding an Excel error value, else None."""
    if text.strip().upper() in EXCEL_ERRORS:
        return CellError(
            f"Excel error value {text.strip()} (the formula failed); enter the value itself",
            f"单元格是 Excel 错误值 {text.strip()}（公式计算失败），请填写实际数值",
            "excel_error",
        )
    return None


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (plain numbers and phone numbers excepted)."""
    text = text.strip()
    if len(text) < 2 or not text.startswith(FORMULA_START):
        return False
    return not (_PLAIN_NUMBER.match(text) or _PHONE.match(text))


def formula_error(text: str) -> CellError | None:
    """The refusal of a text cell that starts like a formula, else None."""
    if is_formula(text):
        return CellError(
            "text must not start with =, +, - or @ (a spreadsheet would run it as a formula)",
            "文本不能以 =、+、-、@ 开头（表格软件会把它当作公式执行）",
            "formula",
        )
    return None


def parse_bool(raw: str) -> bool:
    """是/否 and the other words of the yes/no vocabulary; :class:`CellError` otherwise."""
    word = fold(raw).lower()
    if word in YES_NO:
        return YES_NO[word]
    raise CellError(f"not a yes/no value ({YES_NO_HELP_EN})", f"应为 {YES_NO_HELP_ZH}", "not_yes_no")


def parse_number(raw: str, *, percent: Percent | None = None) -> Decimal:
    """The number a cell holds, exactly; :class:`CellError` with the reason otherwise.

    With ``percent`` the value is returned in the field's form (points or fraction).
    """
    problem = excel_error(raw)
    if problem:
        raise problem
    text = fold(raw).replace(" ", "")
    has_percent = text.endswith("%")
    if has_percent:
        if percent is None:
            raise CellError(
                "a percent sign where a plain number is expected", "此处应为数字，不带 %", "percent"
            )
        text = text[:-1]
    if "," in text:
        if THOUSANDS.match(text):
            text = text.replace(",", "")
        elif DECIMAL_COMMA.match(text):
            raise CellError(
                f"decimal comma in {raw.strip()!r}: write a decimal point (2.5), not 2,5",
                f"“{raw.strip()}”使用了逗号作小数点，请写成小数点形式（如 2.5）",
                "decimal_comma",
            )
        else:
            raise CellError(
                "not a number (misplaced thousands separator)", "不是数字（千位分隔符位置不对）", "not_number"
            )
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise CellError("not a number", "不是数字", "not_number") from exc
    if not number.is_finite():
        raise CellError("not a number", "不是数字", "not_number")
    if percent is None or number == 0:
        return number
    if has_percent:
        return number if percent == Percent.POINTS else number / 100
    if percent == Percent.POINTS and abs(number) < 1:
        raise CellError(
            f"{raw.strip()} looks like a fraction; this column takes percent points: write 3 or 3% for 3 %",
            f"“{raw.strip()}”像是小数形式；此列填百分数，3% 请填 3 或 3%",
            "percent_fraction",
        )
    if percent == Percent.FRACTION and abs(number) > 1:
        raise CellError(
            f"{raw.strip()} looks like percent points; this column takes a fraction: write 0.03 or 3% for 3 %",
            f"“{raw.strip()}”像是百分数；此列填小数，3% 请填 0.03 或 3%",
            "percent_points",
        )
    return number


def cell_size_error(text: str) -> CellError | None:
    """The refusal of a cell longer than :data:`MAX_CELL_CHARS`, else None."""
    if len(text) > MAX_CELL_CHARS:
        return CellError(
            f"cell longer than {MAX_CELL_CHARS // 1024} KB ({len(text):,} characters)",
            f"单元格内容超过 {MAX_CELL_CHARS // 1024} KB（{len(text):,} 个字符）",
            "cell_too_large",
        )
    return None
