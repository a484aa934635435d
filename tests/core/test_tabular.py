"""The tabular intake: Django-free reading, sniffing, cell rules and formula-safe writing."""

from __future__ import annotations

import io
import subprocess
import sys
from decimal import Decimal

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from countyworks.core import tabular
from countyworks.core.tabular import CellError, Percent, UnsupportedFile, parse_bool, parse_number


def test_importing_the_intake_does_not_import_django():
    code = "import sys, countyworks.core.tabular; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234,567", Decimal("1234567")),
        ("１２３．５", Decimal("123.5")),
        ("-12.5", Decimal("-12.5")),
        ("3", 3),
    ],
)
def test_numbers(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2,5", "decimal_comma"),
        ("12,34,5", "not_number"),
        ("#DIV/0!", "excel_error"),
        ("abc", "not_number"),
        ("3%", "percent"),
        ("nan", "not_number"),
    ],
)
def test_bad_numbers(raw, code):
    with pytest.raises(CellError) as exc:
        parse_number(raw)
    assert exc.value.code == code


def test_percent_points_and_fractions():
    assert parse_number("3", percent=Percent.POINTS) == 3
    assert parse_number("3%", percent=Percent.POINTS) == 3
    assert parse_number("0.5%", percent=Percent.POINTS) == Decimal("0.5")
    assert parse_number("0.03", percent=Percent.FRACTION) == Decimal("0.03")
    assert parse_number("3%", percent=Percent.FRACTION) == Decimal("0.03")
    with pytest.raises(CellError) as exc:
        parse_number("0.03", percent=Percent.POINTS)
    assert exc.value.code == "percent_fraction"
    with pytest.raises(CellError) as exc:
        parse_number("3", percent=Percent.FRACTION)
    assert exc.value.code == "percent_points"


def test_one_yes_no_vocabulary():
    for word in ("是", "Y", "t", "TRUE", "1", "1.0", "ｙｅｓ"):
        assert parse_bool(word) is True
    for word in ("否", "n", "F", "false", "0", "0.0", "no"):
        assert parse_bool(word) is False
    with pytest.raises(CellError):
        parse_bool("maybe")


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+2", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ("-12.5", False),
        ("+86 731 8888 8888", False),
        ("+86-138-0000-0000", False),
        ("-", False),
        ("长沙=市", False),
    ],
)
def test_formula_rule(text, formula):
    assert tabular.is_formula(text) is formula


def test_sniffing_by_content():
    book = Workbook()
    book.active.append(["a"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert tabular.table_format(buffer.getvalue()) == "xlsx"
    assert tabular.table_format("名称\n甲\n".encode("gb18030")) == "csv"
    assert tabular.identify(b"%PDF-1.7 ...") == "pdf"
    with pytest.raises(UnsupportedFile) as exc:
        tabular.table_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert exc.value.code == "old_xls"
    with pytest.raises(UnsupportedFile):
        tabular.table_format(b"PAR1\0\0")
    assert tabular.table_format(b"PAR1\0\0", allow_parquet=True) == "parquet"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(encoding):
    grid = tabular.read_grid("名称,人数\n长沙,3\n".encode(encoding))
    assert grid.rows == [["名称", "人数"], ["长沙", "3"]]


def test_a_long_csv_cell_is_read_not_crashed():
    grid = tabular.read_grid(("a,b\n1," + "x" * 200_000 + "\n").encode())
    assert len(grid.rows[1][1]) == 200_000
    assert tabular.cell_size_error(grid.rows[1][1]).code == "cell_too_large"


def _xlsx(*sheets: list[list[object]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for index, rows in enumerate(sheets):
        ws = book.create_sheet(f"S{index + 1}")
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_error_cells_are_read_as_their_error_text():
    grid = tabular.read_grid(_xlsx([["name", "n"], ["a", "=1/0"], ["b", 3]]))
    # openpyxl writes the formula without a cached value; put an error value in the XML as Excel does
    assert grid.rows[1][1] is None
    data = _xlsx([["name", "n"], ["a", 1]])
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<c r="B2" t="n"><v>1</v></c>', b'<c r="B2" t="e"><v>#DIV/0!</v></c>')
            dst.writestr(item, body)
    assert tabular.read_grid(out.getvalue()).rows[1] == ["a", "#DIV/0!"]


def test_data_on_the_second_sheet_is_refused():
    with pytest.raises(UnsupportedFile) as exc:
        tabular.read_grid(_xlsx([["name"]], [["name"], ["a"]]))
    assert exc.value.code == "data_on_other_sheet"


def test_xlsx_writer_never_writes_a_live_formula():
    book = tabular.XlsxBook()
    sheet = book.sheet("t", header=["a", "b", "c", "d"])
    sheet.append(['=HYPERLINK("http://x")', "+86 731 1", -5, "0123"])
    ws = load_workbook(io.BytesIO(book.to_bytes())).active
    cells = list(ws.iter_rows(min_row=2))[0]
    assert [c.data_type for c in cells] == ["s", "s", "n", "s"]
    assert cells[0].value == '=HYPERLINK("http://x")' and cells[0].quotePrefix
    assert cells[2].value == -5 and cells[3].number_format == "@"


def test_csv_writer_neutralises_formulas():
    text = tabular.csv_bytes(["a", "b"], [["=1+2", "-5"], ["@x", "ok"]]).decode("utf-8-sig")
    assert text.splitlines() == ["a,b", "'=1+2,-5", "'@x,ok"]
    frame = tabular.neutralise_frame(pl.DataFrame({"a": ["=1", "-3", "x"], "n": [-1, 2, 3]}))
    assert frame["a"].to_list() == ["'=1", "-3", "x"] and frame["n"].to_list() == [-1, 2, 3]
