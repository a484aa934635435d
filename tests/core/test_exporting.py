"""Exports re-import unchanged; the marked error report; the export page is scoped."""

from __future__ import annotations

import io

import openpyxl
import pytest

from countyworks.core.exporting import export_xlsx
from countyworks.core.importing import IMPORTERS, error_report_xlsx
from countyworks.core.models import Household, Organisation, Person, Region

from .test_importing import bad_check_digit, credit_code, csv_bytes, snapshot


@pytest.fixture
def county_data(db):
    """Records in 常宁 (430482) and one of each in 娄星 (431302), which 常宁 must never export."""
    Region.objects.create(
        code="43048210020101", name="下南冲院落", level="courtyard", parent_id="430482100201"
    )
    tea = Organisation.objects.create(
        name="塔山茶业", credit_code=credit_code(1), region_id="430482100", kind="enterprise"
    )
    Organisation.objects.create(name="新河村党支部", region_id="430482100201", kind="party_branch")
    Organisation.objects.create(name="娄星公司", credit_code=credit_code(2, "431302"), region_id="431302")
    Person.objects.create(
        name="王指导", region_id="430482", organisation=tea, title="特派员", phone="13812345678"
    )
    Person.objects.create(name="李书记", region_id="430482100201")
    Person.objects.create(name="娄星人", region_id="431302")
    Household.objects.create(region_id="43048210020101", head_name="张三", members=4, house_label="1号")
    Household.objects.create(region_id="430482100201", head_name="李四", members=2)
    Household.objects.create(region_id="431302100201", head_name="娄星户", members=3)


def rows_of(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [tuple(c for c in row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("kind", ["regions", "organisations", "persons", "households"])
def test_export_then_reimport_changes_nothing(kind, changning, county_data):
    importer = IMPORTERS[kind]
    content = export_xlsx(kind, importer.queryset(changning))
    before = snapshot()
    table = importer.read(content)
    result = importer.import_rows(table, acting_user=changning)
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(table))
    assert snapshot() == before  # not even a history row


def test_export_writes_the_importers_chinese_headers_and_codes_as_text(changning, county_data):
    rows = rows_of(export_xlsx("organisations", IMPORTERS["organisations"].queryset(changning)))
    assert rows[0] == ("名称", "统一社会信用代码", "类型", "所在区划", "行业代码")
    assert ("塔山茶业", credit_code(1), "企业", "430482100000", None) in rows
    assert ("新河村党支部", None, "党支部", "430482100201", None) in rows
    assert all("娄星" not in (r[0] or "") for r in rows)
    rows = rows_of(export_xlsx("households", IMPORTERS["households"].queryset(changning)))
    assert ("43048210020101", "张三", 4, "1号") in rows


def test_export_page_streams_only_what_the_user_may_see(login, louxing, county_data):
    response = login(louxing).get("/data/export/persons/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    names = [r[0] for r in rows_of(response.content)[1:]]
    assert names == ["娄星人"]


def test_export_page_narrows_to_the_active_region_and_404s_unknown_kinds(login, changning, county_data):
    client = login(changning)
    names = [r[1] for r in rows_of(client.get("/data/export/households/?within=430482100201").content)[1:]]
    assert sorted(names) == ["张三", "李四"]
    # ``within`` only narrows: asking for 娄星 yields nothing of 娄星.
    assert rows_of(client.get("/data/export/households/?within=431302").content)[1:] == []
    assert client.get("/data/export/secrets/").status_code == 404


def test_export_needs_login(client):
    response = client.get("/data/export/organisations/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_error_report_marks_bad_cells_red_with_the_reason(changning):
    bad = bad_check_digit(credit_code(5))
    data = csv_bytes(
        [
            ["2023年名单"],
            ["名称", "统一社会信用代码", "所在区划"],
            ["好公司", credit_code(6), "430482"],
            [],
            ["坏公司", bad, "430499"],
        ]
    )
    importer = IMPORTERS["organisations"]
    table = importer.read(data)
    errors = importer.validate(table, changning)
    assert [(e.row, e.column) for e in errors] == [(5, "credit_code"), (5, "region")]
    workbook = openpyxl.load_workbook(io.BytesIO(error_report_xlsx(table, errors)))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[2]] == ["名称", "统一社会信用代码", "所在区划", "错误说明"]
    assert sheet["A3"].value == "好公司" and sheet["A3"].fill.fgColor.rgb != "00FFC7CE"
    assert sheet["B5"].value == bad  # row numbers of the upload are kept
    assert sheet["B5"].fill.fgColor.rgb == "00FFC7CE"
    assert "GB 32100" in sheet["B5"].comment.text
    assert sheet["C5"].fill.fgColor.rgb == "00FFC7CE"
    assert sheet["D5"].value.startswith("统一社会信用代码：")
    assert "所在区划：未知区划代码 430499" in sheet["D5"].value
    listing = workbook.worksheets[1]
    assert [c.value for c in listing[2]][:3] == [5, "统一社会信用代码", bad]


def test_choice_labels_in_files_do_not_follow_the_ui_language():
    from django.utils import translation

    from countyworks.core.importing import IMPORTERS

    column = next(c for c in IMPORTERS["organisations"].columns if c.name == "kind")
    with translation.override("en"):
        assert column.display("enterprise") == "企业"
        assert column.parse("企业") == "enterprise"


# --- formula injection ---------------------------------------------------------------------------
def test_export_error_report_and_rejected_rows_never_hold_a_live_formula(changning):
    """A name such as ``=HYPERLINK(…)`` already stored (or uploaded) is text in every file we write."""
    import io as _io

    import openpyxl as _openpyxl

    from countyworks.core.importing import IMPORTERS, rejected_rows_file
    from countyworks.core.models import Organisation

    dangerous = '=HYPERLINK("http://evil.example","点我")'
    Organisation.objects.create(name=dangerous, region_id="430482", kind="enterprise")
    importer = IMPORTERS["organisations"]
    exported = _openpyxl.load_workbook(
        _io.BytesIO(export_xlsx("organisations", importer.queryset(changning)))
    )
    names = [row[0] for row in exported.active.iter_rows(min_row=2)]
    assert any(c.value == dangerous and c.data_type == "s" for c in names)

    upload = f"名称,所在区划\r\n{dangerous.replace(chr(34), chr(34) * 2).join(chr(34) * 2)},430482\r\n"
    table = importer.read(upload.encode("utf-8"))
    result = importer.import_rows(table, acting_user=changning)
    assert [e.code for e in result.errors] == ["formula"]
    report = _openpyxl.load_workbook(_io.BytesIO(error_report_xlsx(table, result.errors))).worksheets[0]
    assert all(c.data_type != "f" for row in report.iter_rows() for c in row)
    rejected = rejected_rows_file(table, result.errors).decode("utf-8-sig")
    assert f"'{dangerous}" in rejected.replace('""', '"')
