"""The declarative importer: every malformed case of the issue's "Done means", all-or-nothing, valid-only."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from stdnum.cn import uscc

from countyworks.core.importing import (
    IMPORTERS,
    CellError,
    Column,
    Kind,
    UnsupportedFile,
    rejected_rows_file,
)
from countyworks.core.models import Household, Organisation, Person, Region
from countyworks.core.tabular import read_grid
from countyworks.core.tabular import table_format as sniff_format


def credit_code(serial: int, region: str = "430482") -> str:
    """A valid 统一社会信用代码 (GB 32100 check digit computed by python-stdnum)."""
    body = f"91{region}{serial:09d}"
    return body + uscc.calc_check_digit(body)


def bad_check_digit(code: str) -> str:
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last


def csv_bytes(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot() -> dict[str, int]:
    """Row counts of the imported models and their history: "the database exactly as before"."""
    models = (Region, Organisation, Person, Household)
    counts = {m.__name__: m.objects.count() for m in models}
    counts |= {f"history.{m.__name__}": m.history.count() for m in models}
    return counts


def run(kind: str, data: bytes, user, valid_only: bool = False):
    importer = IMPORTERS[kind]
    table = importer.read(data)
    return table, importer.import_rows(table, acting_user=user, valid_only=valid_only)


ORG_HEADER = ["name", "credit_code", "kind", "region", "industry_code"]


# --- parsing --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        (Kind.INT, "12", 12),
        (Kind.INT, "12.0", 12),
        (Kind.INT, "１２", 12),
        (Kind.INT, "1,234", 1234),
        (Kind.DECIMAL, "38.5", Decimal("38.5")),
        (Kind.DATE, "2023-06-01", date(2023, 6, 1)),
        (Kind.DATE, "2023/6/1", date(2023, 6, 1)),
        (Kind.DATE, "2023年6月1日", date(2023, 6, 1)),
        (Kind.DATE, "2023-06-01 00:00:00", date(2023, 6, 1)),
        (Kind.DATE, "20230601", date(2023, 6, 1)),
        (Kind.BOOL, "是", True),
        (Kind.BOOL, "否", False),
        (Kind.BOOL, "TRUE", True),
        (Kind.BOOL, "0", False),
        (Kind.REGION, "430482100201", "430482100201"),
        (Kind.REGION, "430482100000", "430482100"),
        (Kind.REGION, "430482", "430482"),
        (Kind.REGION, "430800", "4308"),
        (Kind.CODE, " 9143 0482ab ", "91430482AB"),
    ],
)
def test_column_parses_typed_values(kind, raw, expected):
    assert Column("x", "x", kind).parse(raw) == expected


@pytest.mark.parametrize(
    ("column", "raw", "reason_zh"),
    [
        (Column("n", "人数", Kind.INT), "三", "不是整数"),
        (Column("n", "人数", Kind.INT), "1.5", "不是整数"),
        (Column("n", "金额", Kind.DECIMAL), "abc", "不是数字"),
        (Column("n", "金额", Kind.DECIMAL), "NaN", "不是数字"),
        (Column("d", "日期", Kind.DATE), "2023-02-30", "不是有效日期"),
        (Column("b", "是否", Kind.BOOL), "可能", "应为 是/否"),
        (Column("n", "人数", Kind.INT, bounds=(1, 30)), "31", "超出范围 [1, 30]"),
        (Column("r", "区划", Kind.REGION), "43048", "不是有效的区划代码"),
        (Column("r", "区划", Kind.REGION), "4.30482E+11", "科学计数法"),
        (Column("x", "名称", required=True), "  ", "必填项为空"),
        (Column("k", "类型", Kind.CHOICE, choices=Organisation.Kind), "公司", "应为以下之一"),
    ],
)
def test_column_rejects_malformed_values(column, raw, reason_zh):
    with pytest.raises(CellError) as excinfo:
        column.parse(raw)
    assert reason_zh in excinfo.value.reason_zh
    assert excinfo.value.reason_en


def test_choice_accepts_value_or_chinese_label():
    column = Column("kind", "类型", Kind.CHOICE, choices=Organisation.Kind)
    assert column.parse("合作社") == "cooperative"
    assert column.parse("Cooperative") == "cooperative"


def test_format_is_recognised_by_content_not_name():
    assert sniff_format(xlsx_bytes([["a"]])) == "xlsx"
    assert sniff_format("名称,区划\n".encode()) == "csv"
    with pytest.raises(UnsupportedFile):
        sniff_format(b"\xd0\xcf\x11\xe0legacy xls")
    with pytest.raises(UnsupportedFile):
        sniff_format(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_csv_saved_by_chinese_excel_in_gbk_is_read():
    grid = read_grid("名称,所在区划\n常宁市某公司,430482\n".encode("gb18030"), "csv").rows
    assert grid == [["名称", "所在区划"], ["常宁市某公司", "430482"]]


def test_xlsx_cells_are_read_as_strings():
    grid = read_grid(xlsx_bytes([["code", "n"], [430482100201, 3]]), "xlsx").rows
    assert grid[1] == ["430482100201", "3"]


# --- a clean import --------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_organisations_import_with_history_and_chinese_headers(changning, make):
    rows = [
        ["名称", "统一社会信用代码", "类型", "所在区划", "行业代码"],
        ["常宁市塔山茶业有限公司", credit_code(1), "企业", "430482100000", "C1530"],
        ["新河村种植专业合作社", credit_code(2), "合作社", "430482100201", ""],
    ]
    _table, result = run("organisations", make(rows), changning)
    assert (result.errors, result.created) == ([], 2)
    org = Organisation.objects.get(credit_code=credit_code(2))
    assert (org.kind, org.region_id) == ("cooperative", "430482100201")
    record = org.history.get()
    assert record.history_user == changning and record.history_type == "+"


def test_title_row_above_the_header_is_skipped(changning):
    rows = [["2023年常宁市企业名单"], ORG_HEADER, ["某公司", credit_code(3), "enterprise", "430482", ""]]
    table, result = run("organisations", xlsx_bytes(rows), changning)
    assert table.header_row == 2 and result.created == 1


# --- malformed imports: every bad row listed, nothing written -------------------------------------
@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_malformed_import_lists_every_bad_row_and_writes_nothing(changning, make):
    Organisation.objects.create(name="已有公司", credit_code=credit_code(50), region_id="430482")
    before = snapshot()
    good = credit_code(10)
    rows = [
        ORG_HEADER,
        ["好公司", good, "enterprise", "430482", "C3911"],  # row 2: valid
        ["坏代码公司", bad_check_digit(credit_code(11)), "enterprise", "430482", ""],  # 3: check digit
        ["未知区划公司", credit_code(12), "enterprise", "430499", ""],  # 4: unknown region code
        ["类型错误公司", credit_code(13), "公司", "430482", ""],  # 5: wrong choice
        ["", credit_code(14), "enterprise", "430482", ""],  # 6: missing required value
        ["重复一", credit_code(15), "enterprise", "430482", ""],  # 7: duplicate key in file
        ["重复二", credit_code(15), "enterprise", "430482", ""],  # 8: duplicate key in file
        ["行业错误公司", credit_code(16), "enterprise", "430482", "ZZ"],  # 9: industry code
        ["娄星公司", credit_code(17), "enterprise", "431302", ""],  # 10: outside write reach
    ]
    table, result = run("organisations", make(rows), changning)
    assert snapshot() == before
    assert not result.written and result.created == 0
    by_row = {(e.row, e.column) for e in result.errors}
    assert by_row == {
        (3, "credit_code"),
        (4, "region"),
        (5, "kind"),
        (6, "name"),
        (7, "credit_code"),
        (8, "credit_code"),
        (9, "industry_code"),
        (10, "region"),
    }
    assert len(result.errors) == 8  # one error per bad cell: the model validator is not run twice
    assert result.rejected_rows == [3, 4, 5, 6, 7, 8, 9, 10]
    lines = [str(e) for e in result.errors]
    assert (
        f"row 3, column credit_code, value '{bad_check_digit(credit_code(11))}': invalid 统一社会信用代码 (GB 32100 check digit)"
        in lines
    )
    zh = {e.row: e.reason_zh for e in result.errors}
    assert zh[4] == "未知区划代码 430499（行政区划表中没有）"
    assert zh[10] == "区域 431302 不在您的管辖范围内"
    assert "与第 8 行重复" in zh[7]


def test_wrong_types_are_row_errors(changning):
    before = snapshot()
    rows = [
        ["所在村/院落", "户主", "家庭人口", "门牌"],
        ["430482100201", "张三", "四", "1号"],
        ["430482100201", "李四", "0", "2号"],
        ["430482100201", "王五", "3.5", "3号"],
        ["430482", "赵六", "3", "4号"],  # a county is not a village
    ]
    _table, result = run("households", csv_bytes(rows), changning)
    assert snapshot() == before
    assert [(e.row, e.column, e.reason_zh) for e in result.errors] == [
        (2, "members", "不是整数"),
        (3, "members", "超出范围 [1, 30]"),
        (4, "members", "不是整数"),
        (5, "region", "农户须登记到村或院落（12 或 14 位区划代码）"),
    ]


def test_missing_and_unknown_columns_reject_the_whole_file(changning):
    before = snapshot()
    rows = [["名称", "统一社会信用代码", "电话号码"], ["某公司", credit_code(20), "123"]]
    table, result = run("organisations", csv_bytes(rows), changning)
    assert snapshot() == before
    assert {(e.row, e.column) for e in result.errors} == {(1, "region"), (1, "电话号码")}
    assert result.rejected_rows == [2]
    missing = next(e for e in result.errors if e.column == "region")
    assert str(missing) == "missing column region: missing required column region (所在区划)"


def test_duplicate_key_against_the_database_is_an_error_for_reject_kinds(changning):
    Household.objects.create(region_id="430482100201", head_name="张三", members=4, house_label="1号")
    before = snapshot()
    rows = [["region", "head_name", "members", "house_label"], ["430482100201", "张三", "5", "1号"]]
    _table, result = run("households", csv_bytes(rows), changning)
    assert snapshot() == before
    (error,) = result.errors
    assert (error.row, error.column) == (2, "members")
    assert "已登记值：4" in error.reason_zh


def test_existing_key_updates_for_update_kinds(changning):
    org = Organisation.objects.create(name="旧名称", credit_code=credit_code(30), region_id="430482")
    rows = [ORG_HEADER, ["新名称", credit_code(30).lower(), "企业", "430482", "C3911"]]
    _table, result = run("organisations", csv_bytes(rows), changning)
    assert (result.errors, result.created, result.updated) == ([], 0, 1)
    org.refresh_from_db()
    assert (org.name, org.industry_code) == ("新名称", "C3911")
    assert org.history.latest().history_user == changning


def test_existing_key_outside_the_write_reach_is_an_error(changning):
    Organisation.objects.create(name="娄星公司", credit_code=credit_code(31, "431302"), region_id="431302")
    before = snapshot()
    rows = [ORG_HEADER, ["改到常宁", credit_code(31, "431302"), "企业", "430482", ""]]
    _table, result = run("organisations", csv_bytes(rows), changning)
    assert snapshot() == before
    assert [e.reason_zh for e in result.errors] == ["已登记在您管辖范围之外的记录上，不能导入或修改"]


def test_read_only_roles_cannot_import_anything(hunan):
    rows = [ORG_HEADER, ["某公司", credit_code(32), "企业", "430482", ""]]
    before = snapshot()
    _table, result = run("organisations", csv_bytes(rows), hunan)
    assert snapshot() == before
    assert [e.column for e in result.errors] == ["region"]


# --- valid-only round trip ---------------------------------------------------------------------------
@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_valid_only_imports_good_rows_and_hands_back_the_rest(changning, make):
    bad_code = bad_check_digit(credit_code(41))
    rows = [
        ["名称", "统一社会信用代码", "类型", "所在区划"],
        ["好公司一", credit_code(40), "企业", "430482"],
        ["坏公司", bad_code, "企业", "430482"],
        ["好公司二", credit_code(42), "企业", "430482100"],
        ["无区划公司", credit_code(43), "企业", "430499"],
    ]
    table, result = run("organisations", make(rows), changning, valid_only=True)
    assert (result.created, result.rejected) == (2, 2)
    assert set(Organisation.objects.values_list("name", flat=True)) == {"好公司一", "好公司二"}

    rejected = rejected_rows_file(table, result.errors, language="zh")
    assert sniff_format(rejected) == table.format
    grid = read_grid(rejected, table.format).rows
    assert grid[0] == ["名称", "统一社会信用代码", "类型", "所在区划", "error"]
    assert [r[0] for r in grid[1:]] == ["坏公司", "无区划公司"]
    assert "统一社会信用代码" in grid[1][4]

    # Fix the two rows in the rejected file and import it again: nothing is left behind.
    grid[1][1] = credit_code(41)
    grid[2][3] = "430482100201"
    fixed = make(grid)
    _table, again = run("organisations", fixed, changning)
    assert (again.errors, again.created) == ([], 2)
    assert Organisation.objects.count() == 4


# --- regions ----------------------------------------------------------------------------------------
def test_regions_infer_level_and_parent_from_the_code(county_admin):
    rows = [
        ["区划代码", "名称"],
        ["430482101000", "宜阳街道"],
        ["430482101201", "城北社区"],
        ["43048210120101", "城北一组"],
    ]
    _table, result = run("regions", csv_bytes(rows), county_admin)
    assert (result.errors, result.created) == ([], 3)
    town, village, group = Region.objects.filter(code__startswith="430482101").order_by("code")
    assert (town.level, town.parent_id) == ("town", "430482")
    assert (village.level, village.parent_id) == ("village", "430482101")
    assert (group.level, group.parent_id) == ("courtyard", "430482101201")


def test_region_whose_parent_is_missing_or_rejected_is_an_error(county_admin):
    before = snapshot()
    rows = [
        ["code", "name"],
        ["430482102000", ""],  # town without a name: rejected
        ["430482102201", "某村"],  # its village: parent rejected
        ["430482103201", "孤村"],  # village whose town exists nowhere
    ]
    _table, result = run("regions", csv_bytes(rows), county_admin, valid_only=True)
    assert snapshot() == before
    assert [(e.row, e.column) for e in result.errors] == [(2, "name"), (3, "code"), (4, "code")]
    assert "上级区划 430482102000（第 2 行）有错误" in result.errors[1].reason_zh
    assert "上级区划 430482103000 不存在" in result.errors[2].reason_zh


# --- persons ----------------------------------------------------------------------------------------
def test_persons_reference_organisations_by_credit_code_or_name(changning):
    org = Organisation.objects.create(name="常宁市科技局", credit_code=credit_code(60), region_id="430482")
    Organisation.objects.create(name="娄星公司", credit_code=credit_code(61, "431302"), region_id="431302")
    rows = [
        ["姓名", "所在区划", "单位", "职务", "联系电话"],
        ["王指导", "430482", credit_code(60), "科技特派员", "13812345678"],
        ["李书记", "430482100201", "常宁市科技局", "", "0734-7654321"],
        ["赵某", "430482", credit_code(61, "431302"), "", ""],  # invisible organisation
        ["钱某", "430482", "", "", "12345"],  # bad phone
    ]
    _table, result = run("persons", csv_bytes(rows), changning)
    assert [(e.row, e.column) for e in result.errors] == [(4, "organisation"), (5, "phone")]
    assert "不在您的可见范围内" in result.errors[0].reason_zh
    rows = rows[:3]
    _table, result = run("persons", csv_bytes(rows), changning)
    assert result.created == 2
    assert set(Person.objects.values_list("organisation_id", flat=True)) == {org.pk}


def test_the_marked_report_imports_again_once_fixed(changning):
    from countyworks.core.importing import error_report_xlsx

    rows = [["序号", "名称", "所在区划", "备注"], ["1", "甲", "430482", "新设"], ["2", "乙", "430499", ""]]
    importer = IMPORTERS["organisations"]
    table = importer.read(csv_bytes(rows))
    errors = importer.validate(table, changning)
    assert [(e.row, e.column) for e in errors] == [(3, "region")]
    report = openpyxl.load_workbook(io.BytesIO(error_report_xlsx(table, errors)))
    report.worksheets[0]["C3"] = "430482100201"
    buffer = io.BytesIO()
    report.save(buffer)
    _table, result = run("organisations", buffer.getvalue(), changning)
    assert (result.errors, result.created) == ([], 2)
