"""A campaign's upload template (issue #10, point 18): Chinese headers from the rule set's fields,
a 填写说明 sheet, 是/否 drop-downs; filled in, it uploads as it is, and errors name the Chinese
column."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from countyworks.innovation import services
from countyworks.rules.registry import get_ruleset
from tests.innovation.conftest import TECH_SME_ROW, credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(zjj, city):
    return services.campaign_create(region=city, year=2022, ruleset_code="tech-sme-2022", acting_user=zjj)


def _filled(book: openpyxl.Workbook, rows: list[dict[str, str]]) -> SimpleUploadedFile:
    """The template with ``rows`` typed in under its Chinese headers (keyed by English name)."""
    ruleset = get_ruleset("tech-sme-2022")
    by_header = {"统一社会信用代码": "id", "企业名称": "name", "区划代码": "region"} | {
        f.label: f.name for f in ruleset.fields
    }
    data = book["数据"]
    headers = [c.value for c in next(data.iter_rows(max_row=1))]
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(headers, start=1):
            data.cell(row=r, column=c, value=row.get(by_header[header]))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("填好的模板.xlsx", buffer.getvalue())


def _template(client, campaign) -> openpyxl.Workbook:
    response = client.get(reverse("innovation:campaign-template", args=[campaign.pk]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_template_has_chinese_headers_notes_and_yes_no_lists(zjj, login, campaign):
    client = login(zjj)
    page = client.get(reverse("innovation:campaign-detail", args=[campaign.pk])).content.decode()
    assert reverse("innovation:campaign-template", args=[campaign.pk]) in page
    book = _template(client, campaign)
    headers = [c.value for c in next(book["数据"].iter_rows(max_row=1))]
    assert headers[:3] == ["统一社会信用代码", "企业名称", "区划代码"] and "科技人员数" in headers
    notes = {row[0]: row for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert notes["科技人员数"][1] == "tech_staff" and notes["科技人员数"][2] == "是"
    assert "6 位" in notes["区划代码"][3]
    resident = openpyxl.utils.get_column_letter(headers.index("境内注册居民企业") + 1)
    assert any(str(v.sqref).startswith(f"{resident}2:") for v in book["数据"].data_validations.dataValidation)


def test_a_filled_in_template_uploads_and_errors_name_the_chinese_column(zjj, login, campaign):
    client = login(zjj)
    yes_no = {k: ("是" if v == "true" else "否" if v == "false" else v) for k, v in TECH_SME_ROW.items()}
    good = {"id": credit(1), "name": "模板测试企业", "region": "430802", **yes_no}
    bad = {**good, "id": credit(2), "tech_staff": "999"}
    upload = reverse("innovation:campaign-upload", args=[campaign.pk])
    refused = client.post(upload, {"file": _filled(_template(client, campaign), [good, bad])}, follow=True)
    assert "第3行，列“科技人员数”，值“999”" in refused.content.decode()
    typo = {**good, "id": credit(3)[:-1] + "X"}
    wrong_id = client.post(upload, {"file": _filled(_template(client, campaign), [typo])}, follow=True)
    assert "第2行，列“统一社会信用代码”" in wrong_id.content.decode()
    done = client.post(upload, {"file": _filled(_template(client, campaign), [good])}, follow=True)
    assert "文件校验通过，共 1 家企业" in done.content.decode()
