"""Upload templates (issue #10, point 18): every import kind's page offers an xlsx generated from
the kind's columns — Chinese headers, a 填写说明 sheet, drop-down lists for the enumerations — and
a template filled in imports as it is."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from countyworks.core.importing import IMPORTERS
from countyworks.core.models import Organisation
from tests.core.test_importing import credit_code
from tests.core.test_views_data import token_of

pytestmark = pytest.mark.django_db


def _template(client, kind: str) -> openpyxl.Workbook:
    response = client.get(f"/data/template/{kind}.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_every_kind_has_a_template_with_chinese_headers_and_notes(login, changning):
    client = login(changning)
    page = client.get("/data/import/").content.decode()
    for kind, importer in IMPORTERS.items():
        assert f'href="/data/template/{kind}.xlsx"' in page
        book = _template(client, kind)
        assert book.sheetnames[:2] == ["数据", "填写说明"]
        headers = [c.value for c in next(book["数据"].iter_rows(max_row=1))]
        assert headers == [c.alias_zh + ("*" if c.required else "") for c in importer.columns]
        notes = {row[0]: row for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]}
        for column in importer.columns:
            assert notes[column.alias_zh][1] == column.name and notes[column.alias_zh][3]


def test_enumerations_get_drop_down_lists(login, changning):
    book = _template(login(changning), "organisations")
    data = book["数据"]
    headers = [c.value for c in next(data.iter_rows(max_row=1))]
    kind_column = headers.index("类型") + 1
    validations = data.data_validations.dataValidation
    letter = openpyxl.utils.get_column_letter(kind_column)
    (kinds,) = [v for v in validations if str(v.sqref).startswith(f"{letter}2:")]
    assert kinds.type == "list" and "可选值" in kinds.formula1
    lists = book["可选值"]
    values = [row[0] for row in lists.iter_rows(min_row=2, values_only=True) if row[0]]
    assert "企业" in values and "合作社" in values and "enterprise" not in values
    notes = {row[0]: row[3] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert "6 位" in notes["所在区划"] and "12 位" in notes["所在区划"]


def test_a_filled_in_template_imports(login, changning):
    client = login(changning)
    book = _template(client, "organisations")
    data = book["数据"]
    headers = [c.value for c in next(data.iter_rows(max_row=1))]
    values = {
        "名称*": "模板甲公司",
        "统一社会信用代码": credit_code(31),
        "所在区划*": "430482",
        "类型": "企业",
    }
    for index, header in enumerate(headers, start=1):
        data.cell(row=2, column=index, value=values.get(header))
    buffer = io.BytesIO()
    book.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(
        "/data/import/", {"kind": "organisations", "file": SimpleUploadedFile("模板.xlsx", buffer.getvalue())}
    )
    assert "检查通过" in preview.content.decode(), preview.content.decode()[-3000:]
    client.post(f"/data/import/{token_of(preview)}/commit/", {"mode": "all"})
    assert Organisation.objects.get(name="模板甲公司").region_id == "430482"


def test_a_missing_column_is_named_by_its_chinese_header(login, changning):
    from tests.core.test_importing import csv_bytes
    from tests.core.test_views_data import upload

    page = upload(login(changning), csv_bytes([["名称"], ["缺区划公司"]])).content.decode()
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert "所在区划" in cells and "region" not in cells
